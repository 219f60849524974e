# The checker's script corpus (tests/check/ok, tests/check/bad): every script
# is checked through the library and compared with what its header expects.
add_executable(check_corpus ${CMAKE_CURRENT_LIST_DIR}/run_corpus.c)
target_link_libraries(check_corpus PRIVATE mlxplan_core)
add_test(NAME check.corpus COMMAND check_corpus ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(check.corpus PROPERTIES LABELS "check")

# Generated inputs that reach the checker's tree and depth limits (limits.sh).
add_test(NAME check.limits COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/limits.sh $<TARGET_FILE:mlxplan>)
set_tests_properties(check.limits PROPERTIES LABELS "check" TIMEOUT 120)
