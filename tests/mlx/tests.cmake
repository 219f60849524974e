# The real-MLX tier (ctest label "mlx"): tests that run Python against a real
# MLX and MLX-LM (../shared/mlx-cpu next to the source tree, $MLXPLAN_MLX_DIR,
# or a Mac's own `pip install mlx mlx-lm`; see tests/mlx/run.sh) and skip
# with the reason everywhere else.  The rest of the suite never needs them.
#
# Interface for other areas (kept stable):
#
#   mlxplan_mlx_test(NAME SCRIPT [ARGS...])
#
#   registers the ctest test "mlx.NAME": `sh tests/mlx/run.sh NAME SCRIPT ARGS`
#   in the build's tests folder, label "mlx", exit 77 = skipped, timeout 900 s
#   (a safety net: on a quiet 2-core machine no test takes 2 minutes; shared by
#   other work it takes several times longer),
#   inside the fixture "mlx_tier" (mlx.setup clears the outcome folder first,
#   mlx.summary prints the tier's counts last).  SCRIPT: an absolute path to
#   a .py file (run with the tier's Python; `import tier` works: tests/mlx is
#   on PYTHONPATH) or a .sh file (run with sh; Python is "$MLXPLAN_PYTHON").
#   Environment: MLXPLAN_BIN (the mlxplan binary), MLXPLAN_SRC (source tree),
#   MLXPLAN_MLX_WORK (an empty scratch folder, kept when the test fails),
#   MLXPLAN_MLX_COUNTS (append "plans N" / "bytes N" / "rules N" lines, or call
#   tier.count(kind, n), for the summary), the Hub off (no network, no caches).
#   To set more test properties, use set_tests_properties(mlx.NAME ...) after it.
#
# mlx_hidden.skips (label "tier-skip", so it runs in every suite): the tier
# with its MLX folder hidden skips with a reason and its summary says so.
set(MLXPLAN_MLX_DIR_SRC ${CMAKE_CURRENT_LIST_DIR})
set(MLXPLAN_MLX_OUT ${CMAKE_CURRENT_BINARY_DIR}/mlx-tier)

function(mlxplan_mlx_test name script)
  add_test(NAME mlx.${name}
           COMMAND sh ${MLXPLAN_MLX_DIR_SRC}/run.sh ${name} ${script} ${ARGN}
           WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(mlx.${name} PROPERTIES LABELS "mlx" SKIP_RETURN_CODE 77
    TIMEOUT 900 FIXTURES_REQUIRED mlx_tier
    ENVIRONMENT "MLXPLAN_BIN=$<TARGET_FILE:mlxplan>;MLXPLAN_SRC=${CMAKE_SOURCE_DIR};MLXPLAN_MLX_OUT=${MLXPLAN_MLX_OUT};PYTHONPATH=${MLXPLAN_MLX_DIR_SRC};${MLXPLAN_TEST_HUB_ENV}")
endfunction()

add_test(NAME mlx.setup COMMAND ${CMAKE_COMMAND} -E rm -rf ${MLXPLAN_MLX_OUT})
set_tests_properties(mlx.setup PROPERTIES LABELS "mlx" FIXTURES_SETUP mlx_tier)
add_test(NAME mlx.summary COMMAND sh ${MLXPLAN_MLX_DIR_SRC}/summary.sh ${MLXPLAN_MLX_OUT})
set_tests_properties(mlx.summary PROPERTIES LABELS "mlx" FIXTURES_CLEANUP mlx_tier)

add_test(NAME mlx_hidden.skips
         COMMAND sh ${MLXPLAN_MLX_DIR_SRC}/hidden.sh ${CMAKE_CURRENT_BINARY_DIR}/mlx-hidden)
set_tests_properties(mlx_hidden.skips PROPERTIES LABELS "tier-skip" SKIP_RETURN_CODE 77)

# the tier's own tests, longest first: without ctest's cost data (a fresh build, as in
# CI) -j2 starts them in this order, so the long ones do not end up last on one core
# (CPU seconds on this machine: plan.finetune ~100, kv ~67, each weights part ~60,
# plan.scratch ~32, plan.slow ~15, rules ~14, smoke and memory ~1; the summary prints them)
include(${CMAKE_CURRENT_LIST_DIR}/plans.cmake)
# KV-cache bytes after mlx_lm.generate's prefill, against make_prompt_cache's caches
mlxplan_mlx_test(kv ${MLXPLAN_MLX_DIR_SRC}/kv.py)
# weight bytes of every registry model in every format, in two parts (one per core)
foreach(part 1 2)
  mlxplan_mlx_test(weights.${part} ${MLXPLAN_MLX_DIR_SRC}/weights.py ${part}/2)
endforeach()
# the checker's rules: each bad fixture's problem shows under real MLX, clean twins run
mlxplan_mlx_test(rules ${MLXPLAN_MLX_DIR_SRC}/rules.py)
mlxplan_mlx_test(smoke ${MLXPLAN_MLX_DIR_SRC}/smoke.py)
# the lazy-graph rules: memory held (or copied) per step rises in each bad fixture, flat in
# the clean twin; the .item()-per-step time is a benchmark line of the summary
mlxplan_mlx_test(memory ${MLXPLAN_MLX_DIR_SRC}/memory.py)
