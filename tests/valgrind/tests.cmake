# valgrind memcheck over the suite (label "valgrind"; `make valgrind` or
# `ctest -L valgrind`): every unit test binary, every fuzz replay (seeds and
# saved crashes), and the end-to-end case files named by MLXPLAN_VALGRIND_E2E
# (the bad-input catalogue among them; "all" for every file) with the binary
# run through valgrind (MLXPLAN_E2E_WRAPPER, see run_e2e.c).  Any invalid access or leak (definite,
# indirect or possible) fails the test.  Not registered in sanitizer or
# fuzzing builds (ASan and valgrind do not mix) or without valgrind.
find_program(VALGRIND valgrind)
if(VALGRIND AND NOT MLXPLAN_SANITIZE AND NOT MLXPLAN_FUZZ)
  set(VG ${VALGRIND} -q --leak-check=full --show-leak-kinds=definite,indirect,possible
         --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99)
  set(VG_ENV "MLXPLAN_SRC=${CMAKE_SOURCE_DIR};MLXPLAN_FIXTURES=${CMAKE_CURRENT_SOURCE_DIR}/fixtures;MLXPLAN_GEN_FIXTURES=${E2E_GEN_DIR};${MLXPLAN_TEST_HUB_ENV}")

  foreach(src ${UNIT_TESTS})
    get_filename_component(name ${src} NAME_WE)
    add_test(NAME valgrind.unit.${name} COMMAND ${VG} $<TARGET_FILE:${name}>)
    set_tests_properties(valgrind.unit.${name} PROPERTIES LABELS "valgrind" TIMEOUT 600
      ENVIRONMENT "${VG_ENV};MLXPLAN_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/vg-tmp")
  endforeach()

  foreach(src ${MLXPLAN_FUZZ_SOURCES})
    get_filename_component(target ${src} NAME_WE)
    string(REGEX REPLACE "^fuzz_" "" name ${target})
    mlxplan_fuzz_inputs(${name} inputs)
    add_test(NAME valgrind.replay.${name} COMMAND ${VG} $<TARGET_FILE:replay_${name}> ${inputs})
    set_tests_properties(valgrind.replay.${name} PROPERTIES LABELS "valgrind" TIMEOUT 900)
  endforeach()

  # e2e case files with the binary run under valgrind (run_e2e's wrapper);
  # about a second per case, so a representative set by default
  set(MLXPLAN_VALGRIND_E2E "cases-badinput;cases-hw;cases-estimate;cases-fit;cases-docs;cases-mcp"
      CACHE STRING "e2e case files (tests/e2e/NAME.tsv) run under valgrind; 'all' for every one")
  string(REPLACE ";" " " VG_WORDS "${VG}")
  foreach(cases ${E2E_CASE_FILES})
    get_filename_component(group ${cases} NAME_WE)
    if(NOT MLXPLAN_VALGRIND_E2E STREQUAL "all" AND NOT group IN_LIST MLXPLAN_VALGRIND_E2E)
      continue()
    endif()
    add_test(NAME valgrind.e2e.${group} COMMAND run_e2e $<TARGET_FILE:mlxplan> ${cases})
    set_tests_properties(valgrind.e2e.${group} PROPERTIES LABELS "valgrind" TIMEOUT 1800
      FIXTURES_REQUIRED e2e_gen
      ENVIRONMENT "${VG_ENV};MLXPLAN_E2E_WRAPPER=${VG_WORDS};MLXPLAN_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/vg-e2e-tmp/${group}")
  endforeach()
  add_custom_target(valgrind
    COMMAND ${CMAKE_CTEST_COMMAND} -L valgrind --output-on-failure -j2
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
    COMMENT "The test suite under valgrind memcheck")
endif()
