# The table generator (tools/gen/gen.c) on bad typed cells (bad_cells.sh).
add_test(NAME gen.bad_cells
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/gen/bad_cells.sh $<TARGET_FILE:mlxplan-gen>
                 ${CMAKE_SOURCE_DIR}/data)
set_tests_properties(gen.bad_cells PROPERTIES LABELS "unit" TIMEOUT 60)
