# Hub tests (label "hub"): the real libcurl client against a fake Hub that a
# ctest fixture starts on 127.0.0.1 with a free port (fake_hub.py, Python 3);
# no test touches the internet.
#  - hub.server.start / hub.server.stop: the fixture "hub_server";
#  - hub.client: test_hub_live.c through mp_model_load (sizes, cache, errors);
#  - hub.cli: the binary on cases-live.tsv (run_live_cases.sh + run_e2e).
# The offline side (a fixture HF cache, no server) is tests/unit/test_hub.c and
# tests/e2e/cases-hub.tsv.
set(HUB_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/hub)
set(HUB_STATE_DIR ${CMAKE_CURRENT_BINARY_DIR}/hub-server)
find_program(MLXPLAN_PYTHON3 python3)
# never the user's caches (the tests point both at their own folders)
set(HUB_NO_USER_CACHES
    "HF_HUB_CACHE=${CMAKE_CURRENT_BINARY_DIR}/no-hf-cache;MLXPLAN_CACHE_DIR=${CMAKE_CURRENT_BINARY_DIR}/no-mlxplan-cache")

if(NOT MLXPLAN_CURL)
  message(STATUS "Hub tests skipped: built without libcurl (MLXPLAN_CURL=OFF)")
elseif(NOT MLXPLAN_PYTHON3)
  message(STATUS "Hub tests skipped: python3 not found for the fake Hub")
else()
  add_test(NAME hub.server.start
           COMMAND sh ${HUB_TEST_DIR}/hub_server.sh start ${HUB_STATE_DIR} ${MLXPLAN_PYTHON3})
  set_tests_properties(hub.server.start PROPERTIES FIXTURES_SETUP hub_server LABELS "hub"
    TIMEOUT 30)
  add_test(NAME hub.server.stop COMMAND sh ${HUB_TEST_DIR}/hub_server.sh stop ${HUB_STATE_DIR})
  set_tests_properties(hub.server.stop PROPERTIES FIXTURES_CLEANUP hub_server LABELS "hub")

  add_executable(test_hub_live ${HUB_TEST_DIR}/test_hub_live.c)
  # the test reads the fake Hub's log with a libcurl of its own
  target_link_libraries(test_hub_live PRIVATE mlxplan_core PkgConfig::CMOCKA PkgConfig::CURL)
  add_test(NAME hub.client COMMAND test_hub_live)
  # one client at a time: the tests read the server's request log
  set_tests_properties(hub.client PROPERTIES FIXTURES_REQUIRED hub_server LABELS "hub"
    RESOURCE_LOCK hub_server TIMEOUT 120
    ENVIRONMENT "MLXPLAN_HUB_STATE=${HUB_STATE_DIR};MLXPLAN_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/tmp;${HUB_NO_USER_CACHES}")

  add_test(NAME hub.cli
           COMMAND sh ${HUB_TEST_DIR}/run_live_cases.sh $<TARGET_FILE:run_e2e>
                   $<TARGET_FILE:mlxplan> ${HUB_TEST_DIR}/cases-live.tsv ${HUB_STATE_DIR})
  set_tests_properties(hub.cli PROPERTIES FIXTURES_REQUIRED hub_server LABELS "hub"
    RESOURCE_LOCK hub_server TIMEOUT 300
    ENVIRONMENT "MLXPLAN_SRC=${CMAKE_SOURCE_DIR};MLXPLAN_FIXTURES=${CMAKE_CURRENT_SOURCE_DIR}/fixtures;MLXPLAN_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/hub-cli-tmp;${HUB_NO_USER_CACHES}")
endif()
