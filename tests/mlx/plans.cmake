# Plan execution under the real MLX (label "mlx", through mlxplan_mlx_test()
# of tests/mlx/tests.cmake, which includes this file): each test asks for
# plans, writes the files each plan's code section names into a scratch
# project and runs what the plan tells the user to run (tests/mlx/run_plan.py;
# the stand-ins are tests/mlx/standins.py's).  The requests are golden plans
# (tests/e2e/cases-plan.tsv); one test runs a family in one process, so MLX's
# CPU kernels are compiled once for it.  Longest first (see tests.cmake).
set(PLAN_RUNNER ${CMAKE_CURRENT_LIST_DIR}/run_plan.py)
# fine-tune (tests/mlx/plan_finetune.py): the headline QLoRA of a chat model with
# convert, train, test against the base, compare, fuse and serve; QLoRA of a 32B,
# DoRA with completions data, a full fine-tune, 300 prompt/completion pairs served
mlxplan_mlx_test(plan.finetune ${PLAN_RUNNER} finetune
  "I want to fine-tune a language model using MLX-LM and deploy it efficiently"
  "QLoRA fine-tune Qwen3-32B on an M4 Pro 48GB with 2000 chat examples, budget 3 hours"
  "DoRA fine-tune Mistral 7B Instruct on M2 Max 38c 32GB with completions data"
  "full fine-tune Qwen3 0.6B on M4 Max 40c 128GB"
  "fine-tune Qwen3 4B on 300 prompt/completion pairs on my M2 Pro 16GB within 1 hour and serve it")
# from scratch: the default, a named machine and model size, a time budget, a
# MacBook Air, a large model that checkpoints its blocks in bfloat16 (the
# variants run what their sizes reach, see run_plan.py)
mlxplan_mlx_test(plan.scratch ${PLAN_RUNNER} scratch
  "I need to build a transformer architecture from scratch using Apple MLX for training on Apple Silicon"
  "train a 125M GPT on tinystories on my M1 Pro 16GB"
  "train a small GPT from scratch on 2 billion tokens within 24 hours on M4 Max 40c 128GB"
  "train a transformer from scratch in 2 hours on my MacBook Air M2 16GB"
  "pretrain a 760M decoder from scratch on an M2 Ultra 76c 192GB")
# slow inference (tests/mlx/plan_slow.py): setup, convert, mlx_lm.benchmark,
# mlx_lm.generate, speed_check.py, the mlxplan check trap, own_loop.py, capture.py
mlxplan_mlx_test(plan.slow ${PLAN_RUNNER} slow
  "My MLX model inference is slower than expected on my M3 Max, how can I optimize it?")
