# Replay of the fuzz seeds and saved crashes (label "fuzz-replay"): each
# fuzz/fuzz_<name>.c is built with fuzz/replay.c as replay_<name>, which runs
# the target on every file of its seeds (fuzz/seeds/<name>/ and the folders
# fuzz/seeds/<name>.also names) and of fuzz/regressions/<name>/.
# So every build (gcc, clang, sanitizers, valgrind) checks the inputs that
# once crashed, without libFuzzer.
include(${CMAKE_SOURCE_DIR}/fuzz/targets.cmake)
foreach(src ${MLXPLAN_FUZZ_SOURCES})
  get_filename_component(target ${src} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" name ${target})
  mlxplan_fuzz_executable(replay_${name} ${src} ${MLXPLAN_FUZZ_DIR}/replay.c)
  mlxplan_fuzz_inputs(${name} inputs)
  add_test(NAME fuzz.replay.${name} COMMAND replay_${name} ${inputs})
  set_tests_properties(fuzz.replay.${name} PROPERTIES LABELS "fuzz-replay" TIMEOUT 300)
endforeach()
