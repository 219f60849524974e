# Parity tests (label "model"): mlxplan's parameter counts and weight bytes
# from config.json against exact safetensors headers.
#  - model.parity.generate: make_checkpoints.py writes the small model folders
#    (headers exact, data zero) into the build tree: the fixture "parity_models";
#  - model.parity: test_parity.c over every folder, plus hand-computed cases;
#  - model.inspect: `mlxplan models inspect` on some of them (cases-inspect.tsv).
set(PARITY_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/model)
set(PARITY_MODELS_DIR ${CMAKE_CURRENT_BINARY_DIR}/parity-models)
find_program(MLXPLAN_PYTHON3 python3)

if(NOT MLXPLAN_PYTHON3)
  message(STATUS "Parity tests skipped: python3 not found to write the checkpoints")
else()
  add_test(NAME model.parity.generate
           COMMAND ${MLXPLAN_PYTHON3} ${PARITY_TEST_DIR}/make_checkpoints.py ${PARITY_MODELS_DIR})
  set_tests_properties(model.parity.generate PROPERTIES FIXTURES_SETUP parity_models
    LABELS "model" TIMEOUT 60)

  add_executable(test_parity ${PARITY_TEST_DIR}/test_parity.c)
  target_link_libraries(test_parity PRIVATE mlxplan_core PkgConfig::CMOCKA)
  add_test(NAME model.parity COMMAND test_parity)
  set_tests_properties(model.parity PROPERTIES FIXTURES_REQUIRED parity_models LABELS "model"
    ENVIRONMENT "MLXPLAN_PARITY_DIR=${PARITY_MODELS_DIR};${MLXPLAN_TEST_HUB_ENV}")

  add_test(NAME model.inspect
           COMMAND run_e2e $<TARGET_FILE:mlxplan> ${PARITY_TEST_DIR}/cases-inspect.tsv)
  set_tests_properties(model.inspect PROPERTIES FIXTURES_REQUIRED parity_models LABELS "model"
    ENVIRONMENT "MLXPLAN_SRC=${CMAKE_SOURCE_DIR};MLXPLAN_FIXTURES=${PARITY_MODELS_DIR};MLXPLAN_TEST_TMP=${CMAKE_CURRENT_BINARY_DIR}/model-inspect-tmp;${MLXPLAN_TEST_HUB_ENV}")
endif()
