# Plan checks (label "plan"):
#  - plan.goldens: sections, Python that compiles, spec provenance, and the
#    guard over every golden of every command (check_goldens.py);
#  - plan.consistency: each plan number equals `mlxplan estimate` for the
#    same inputs (consistency.py, requests in consistency.txt);
#  - plan.literals: the guard over every string literal of src/ and the
#    practices table, i.e. over everything the program can print.
set(PLAN_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/plan)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

add_executable(guard_files ${PLAN_TEST_DIR}/guard_files.c)
target_link_libraries(guard_files PRIVATE mlxplan_core PkgConfig::CJSON)

add_test(NAME plan.goldens
         COMMAND ${Python3_EXECUTABLE} ${PLAN_TEST_DIR}/check_goldens.py
                 $<TARGET_FILE:guard_files> ${CMAKE_CURRENT_SOURCE_DIR}/e2e/golden)
add_test(NAME plan.consistency
         COMMAND ${Python3_EXECUTABLE} ${PLAN_TEST_DIR}/consistency.py
                 $<TARGET_FILE:mlxplan> ${PLAN_TEST_DIR}/consistency.txt)
add_test(NAME plan.literals
         COMMAND sh -c "\"$0\" \"$1\" \"$2\" \"$3\"/literals.txt && \"$4\" \"$3\"/literals.txt"
                 ${Python3_EXECUTABLE} ${PLAN_TEST_DIR}/literals.py ${CMAKE_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR} $<TARGET_FILE:guard_files>)
set_tests_properties(plan.goldens plan.consistency plan.literals PROPERTIES LABELS "plan"
                     TIMEOUT 300)
