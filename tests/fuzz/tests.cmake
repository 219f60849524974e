# Replay of the fuzz seeds and saved crashes (label "fuzz-replay"): each
# fuzz/fuzz_<name>.c is built with fuzz/replay.c as replay_<name>, which runs
# the target on every file of fuzz/seeds/<name>/ and fuzz/regressions/<name>/.
# So every build (gcc, clang, sanitizers, valgrind) checks the inputs that
# once crashed, without libFuzzer.
include(${CMAKE_SOURCE_DIR}/fuzz/targets.cmake)
foreach(src ${MLXPLAN_FUZZ_SOURCES})
  get_filename_component(target ${src} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" name ${target})
  mlxplan_fuzz_executable(replay_${name} ${src} ${MLXPLAN_FUZZ_DIR}/replay.c)
  add_test(NAME fuzz.replay.${name}
           COMMAND replay_${name} ${MLXPLAN_FUZZ_DIR}/seeds/${name}
                   ${MLXPLAN_FUZZ_DIR}/regressions/${name})
  set_tests_properties(fuzz.replay.${name} PROPERTIES LABELS "fuzz-replay" TIMEOUT 300)
endforeach()
