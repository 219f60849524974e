# The runs database end to end (add, list, show, forget, refused input,
# two processes adding at once), local calibration and the plan's use of the
# runs diagnosis: tests/runs/*.sh.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_test(NAME runs.db
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/runs/runs_db.sh $<TARGET_FILE:mlxplan>
                 ${CMAKE_CURRENT_SOURCE_DIR}/fixtures ${CMAKE_CURRENT_BINARY_DIR}/runs-db-tmp)
set_tests_properties(runs.db PROPERTIES LABELS "e2e" TIMEOUT 300
                     ENVIRONMENT "${MLXPLAN_TEST_HUB_ENV}")
add_test(NAME runs.calib
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/runs/calib.sh $<TARGET_FILE:mlxplan>
                 ${CMAKE_CURRENT_SOURCE_DIR}/fixtures ${CMAKE_CURRENT_BINARY_DIR}/runs-calib-tmp)
set_tests_properties(runs.calib PROPERTIES LABELS "e2e" TIMEOUT 300
                     ENVIRONMENT "${MLXPLAN_TEST_HUB_ENV}")
add_test(NAME runs.plan_diag
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/runs/plan_diag.sh $<TARGET_FILE:mlxplan>
                 ${CMAKE_CURRENT_SOURCE_DIR}/fixtures ${CMAKE_CURRENT_BINARY_DIR}/runs-plan-diag-tmp)
set_tests_properties(runs.plan_diag PROPERTIES LABELS "e2e" TIMEOUT 300
                     ENVIRONMENT "${MLXPLAN_TEST_HUB_ENV}")
