# valgrind memcheck over the suite (label "valgrind"; `make valgrind`,
# `ctest -L valgrind` or `sh tools/dev.sh test --valgrind`; .ci/run runs it,
# the README's developer test command leaves it out): every unit test binary,
# every fuzz replay (seeds and saved crashes), and the end-to-end cases picked
# by MLXPLAN_VALGRIND_E2E (below), one test per case, with the binary run
# through valgrind (MLXPLAN_E2E_WRAPPER, see run_e2e.c).  Any invalid access
# or leak (definite, indirect or possible) fails the test.  Not registered in sanitizer or
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

  # e2e cases with the binary run under valgrind (run_e2e's wrapper), one
  # ctest test per case so that -j spreads them.  About a second of CPU per
  # case: by default the representative set of tests/valgrind/e2e-default.txt;
  # MLXPLAN_VALGRIND_E2E (cache variable, or the environment variable of the
  # same name when CMake first runs) may instead be "all" or a list of
  # GROUP (every case of tests/e2e/GROUP.tsv) and GROUP.CASE entries.
  if(DEFINED ENV{MLXPLAN_VALGRIND_E2E})
    set(vg_e2e_default "$ENV{MLXPLAN_VALGRIND_E2E}")
  else()
    set(vg_e2e_default "default")
  endif()
  set(MLXPLAN_VALGRIND_E2E "${vg_e2e_default}"
      CACHE STRING "e2e cases under valgrind: default, all, or GROUP / GROUP.CASE entries")
  if(MLXPLAN_VALGRIND_E2E STREQUAL "cases-badinput;cases-hw;cases-estimate;cases-fit;cases-docs;cases-mcp")
    # the old default (whole files, 300 cases), kept in older build folders
    set(MLXPLAN_VALGRIND_E2E "default" CACHE STRING "" FORCE)
  endif()
  set(vg_entries ${MLXPLAN_VALGRIND_E2E})
  string(REPLACE " " ";" vg_entries "${vg_entries}")
  string(REPLACE "," ";" vg_entries "${vg_entries}")
  if(vg_entries STREQUAL "default")
    file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/valgrind/e2e-default.txt vg_entries
         REGEX "^[^#]")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                 ${CMAKE_CURRENT_SOURCE_DIR}/valgrind/e2e-default.txt)
  endif()
  string(REPLACE ";" " " VG_WORDS "${VG}")
  set(vg_unknown "")
  foreach(entry ${vg_entries})
    string(STRIP "${entry}" entry)
    set(vg_picked "")
    if(entry STREQUAL "all")
      foreach(cases ${E2E_CASE_FILES})
        get_filename_component(group ${cases} NAME_WE)
        foreach(c ${E2E_CASES_${group}})
          list(APPEND vg_picked "${group}.${c}")
        endforeach()
      endforeach()
    elseif(DEFINED E2E_CASES_${entry})
      foreach(c ${E2E_CASES_${entry}})
        list(APPEND vg_picked "${entry}.${c}")
      endforeach()
    else()
      string(REGEX MATCH "^[^.]+" group "${entry}")
      string(REGEX REPLACE "^[^.]+[.]" "" c "${entry}")
      if(DEFINED E2E_CASES_${group} AND c IN_LIST E2E_CASES_${group})
        list(APPEND vg_picked "${entry}")
      else()
        list(APPEND vg_unknown "${entry}")
      endif()
    endif()
    foreach(picked ${vg_picked})
      if(TEST valgrind.e2e.${picked})
        continue()
      endif()
      string(REGEX MATCH "^[^.]+" group "${picked}")
      string(REGEX REPLACE "^[^.]+[.]" "" c "${picked}")
      add_test(NAME valgrind.e2e.${picked}
               COMMAND run_e2e $<TARGET_FILE:mlxplan> ${CMAKE_CURRENT_SOURCE_DIR}/e2e/${group}.tsv ${c})
      set_tests_properties(valgrind.e2e.${picked} PROPERTIES LABELS "valgrind" TIMEOUT 900
        FIXTURES_REQUIRED e2e_gen SKIP_RETURN_CODE 77
        ENVIRONMENT "${VG_ENV};MLXPLAN_E2E_WRAPPER=${VG_WORDS};MLXPLAN_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/vg-e2e-tmp")
    endforeach()
  endforeach()
  if(vg_unknown)
    # a renamed or removed case: say so where the valgrind tests run
    add_test(NAME valgrind.e2e.unknown-cases
             COMMAND ${CMAKE_COMMAND} -E echo "MLXPLAN_VALGRIND_E2E / e2e-default.txt names no such case: ${vg_unknown}")
    set_tests_properties(valgrind.e2e.unknown-cases PROPERTIES LABELS "valgrind" WILL_FAIL TRUE)
  endif()
  include(ProcessorCount)
  ProcessorCount(MLXPLAN_NPROC)
  if(NOT MLXPLAN_NPROC)
    set(MLXPLAN_NPROC 2)
  endif()
  add_custom_target(valgrind
    COMMAND ${CMAKE_CTEST_COMMAND} -L valgrind --output-on-failure -j${MLXPLAN_NPROC}
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
    COMMENT "The test suite under valgrind memcheck")
endif()
