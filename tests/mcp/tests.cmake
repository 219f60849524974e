# MCP server tests (label "mcp"; the valgrind soak also has label "valgrind"):
#  - mcp.client: the official TypeScript SDK drives `mlxplan mcp` (client.test.mjs);
#    `npm ci` installs the SDK version pinned in package-lock.json when needed;
#  - mcp.closed_stdout: a client that stops reading ends the server cleanly;
#  - mcp.soak: 10,000 mixed messages in one session, answers checked, heap flat;
#  - mcp.soak.valgrind: the first 1000 of them through the binary under memcheck.
set(MCP_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/mcp)

add_test(NAME mcp.client
         COMMAND sh ${MCP_TEST_DIR}/run_client.sh $<TARGET_FILE:mlxplan>
                 ${CMAKE_CURRENT_SOURCE_DIR}/fixtures)
set_tests_properties(mcp.client PROPERTIES LABELS "mcp" SKIP_RETURN_CODE 77 TIMEOUT 600
  ENVIRONMENT "${MLXPLAN_TEST_HUB_ENV}")

add_test(NAME mcp.closed_stdout
         COMMAND sh ${MCP_TEST_DIR}/closed_stdout.sh $<TARGET_FILE:mlxplan>)
set_tests_properties(mcp.closed_stdout PROPERTIES LABELS "mcp" TIMEOUT 60)

add_executable(mcp_soak ${MCP_TEST_DIR}/soak.c)
target_link_libraries(mcp_soak PRIVATE mlxplan_core)
add_test(NAME mcp.soak COMMAND mcp_soak run)
set_tests_properties(mcp.soak PROPERTIES LABELS "mcp" TIMEOUT 120
  ENVIRONMENT "MLXPLAN_FIXTURES=${CMAKE_CURRENT_SOURCE_DIR}/fixtures;GLIBC_TUNABLES=glibc.malloc.tcache_count=0;${MLXPLAN_TEST_HUB_ENV}")

if(NOT MLXPLAN_SANITIZE AND NOT MLXPLAN_FUZZ) # ASan and valgrind do not mix
  add_test(NAME mcp.soak.valgrind
           COMMAND sh ${MCP_TEST_DIR}/soak_valgrind.sh $<TARGET_FILE:mcp_soak>
                   $<TARGET_FILE:mlxplan> ${CMAKE_CURRENT_SOURCE_DIR}/fixtures
                   ${CMAKE_CURRENT_BINARY_DIR}/mcp-soak)
  set_tests_properties(mcp.soak.valgrind PROPERTIES LABELS "mcp;valgrind" SKIP_RETURN_CODE 77
    TIMEOUT 900 ENVIRONMENT "${MLXPLAN_TEST_HUB_ENV}")
endif()
