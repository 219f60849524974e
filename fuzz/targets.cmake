# The fuzz targets, shared by fuzz/CMakeLists.txt (libFuzzer binaries,
# -DMLXPLAN_FUZZ=ON with clang) and tests/fuzz/tests.cmake (replay binaries
# in every build).  A target is one file fuzz/fuzz_<name>.c plus seeds in
# fuzz/seeds/<name>/ and in the folders fuzz/seeds/<name>.also lists (one
# path from the top of the repository per line, e.g. a test corpus the
# target shares instead of copying); one that includes cli_input.h also gets
# the CLI sources (all of src/cli but main.c).
set(MLXPLAN_FUZZ_DIR ${CMAKE_SOURCE_DIR}/fuzz)
file(GLOB MLXPLAN_FUZZ_SOURCES CONFIGURE_DEPENDS ${MLXPLAN_FUZZ_DIR}/fuzz_*.c)
file(GLOB MLXPLAN_FUZZ_CLI_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/cli/*.c)
list(REMOVE_ITEM MLXPLAN_FUZZ_CLI_SOURCES ${CMAKE_SOURCE_DIR}/src/cli/main.c)

# mlxplan_fuzz_executable(TARGET SOURCE [MORE_SOURCES...])
function(mlxplan_fuzz_executable target src)
  add_executable(${target} ${src} ${ARGN})
  file(STRINGS ${src} uses_cli REGEX "#include \"cli_input.h\"")
  if(uses_cli)
    target_sources(${target} PRIVATE ${MLXPLAN_FUZZ_CLI_SOURCES})
  endif()
  target_link_libraries(${target} PRIVATE mlxplan_core)
endfunction()

# mlxplan_fuzz_inputs(NAME OUTVAR): the folders a replay of target NAME
# runs: its seeds, the folders its seeds/NAME.also lists, its regressions
# (missing folders are skipped by the replay program).
function(mlxplan_fuzz_inputs name outvar)
  set(dirs ${MLXPLAN_FUZZ_DIR}/seeds/${name})
  set(also ${MLXPLAN_FUZZ_DIR}/seeds/${name}.also)
  if(EXISTS ${also})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${also})
    file(STRINGS ${also} lines REGEX "^[^#]")
    foreach(line ${lines})
      list(APPEND dirs ${CMAKE_SOURCE_DIR}/${line})
    endforeach()
  endif()
  list(APPEND dirs ${MLXPLAN_FUZZ_DIR}/regressions/${name})
  set(${outvar} ${dirs} PARENT_SCOPE)
endfunction()
