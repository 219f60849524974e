# Plan execution under the real MLX (label "mlx", through mlxplan_mlx_test()
# of tests/mlx/tests.cmake, which includes this file): each test asks for a
# plan, writes the files its code section names into a scratch project and
# runs what the plan tells the user to run (tests/mlx/run_plan.py).  The
# requests are the from-scratch golden variants (tests/e2e/cases-plan.tsv):
# the default, a named machine, a given model size, a time budget, a large
# model that checkpoints its blocks in bfloat16.
set(PLAN_RUNNER ${CMAKE_CURRENT_LIST_DIR}/run_plan.py)
mlxplan_mlx_test(plan.scratch ${PLAN_RUNNER} scratch
  "I need to build a transformer architecture from scratch using Apple MLX for training on Apple Silicon")
mlxplan_mlx_test(plan.scratch_sized ${PLAN_RUNNER} scratch_sized
  "train a 125M GPT on tinystories on my M1 Pro 16GB")
mlxplan_mlx_test(plan.scratch_budget ${PLAN_RUNNER} scratch_budget
  "train a small GPT from scratch on 2 billion tokens within 24 hours on M4 Max 40c 128GB")
mlxplan_mlx_test(plan.scratch_air ${PLAN_RUNNER} scratch_air
  "train a transformer from scratch in 2 hours on my MacBook Air M2 16GB")
mlxplan_mlx_test(plan.scratch_760m ${PLAN_RUNNER} scratch_760m
  "pretrain a 760M decoder from scratch on an M2 Ultra 76c 192GB")
# fine-tune plan (tests/mlx/plan_finetune.py): QLoRA of a chat model with convert, train,
# test against the base, compare, fuse and serve (the headline request)
mlxplan_mlx_test(plan.finetune ${PLAN_RUNNER} finetune
  "I want to fine-tune a language model using MLX-LM and deploy it efficiently")
