/*
 * commands.h - exact MLX / MLX-LM command lines, built only from flags the
 * knowledge base knows.
 *
 * mp_cmd_flag() looks every flag up in the CLI table (kb.h) before writing
 * it; an unknown flag is a programming error that aborts in debug builds
 * and is written as "--UNKNOWN-FLAG" in release builds, where the name
 * guard test catches it.  Values with spaces or shell metacharacters are
 * single-quoted.
 */
#ifndef MP_PLAN_COMMANDS_H
#define MP_PLAN_COMMANDS_H

#include "engine/train.h"
#include "model/quant.h"
#include "util/buf.h"

/* Start a command line ("mlx_lm.convert"). */
void mp_cmd_start(mp_buf *b, const char *command);
/* Append " FLAG [VALUE]" for `command`; value NULL for switches. */
void mp_cmd_flag(mp_buf *b, const char *command, const char *flag, const char *value);
/* Append a shell-quoted word. */
void mp_cmd_word(mp_buf *b, const char *word);

/* mlx_lm.convert of `hf_id` into `out_dir` in format `q`. */
void mp_cmd_convert(mp_buf *b, const char *hf_id, const mp_quant *q, const char *out_dir);

/* mlx_lm.generate with the KV settings of an estimate. */
void mp_cmd_generate(mp_buf *b, const char *model, int64_t max_tokens, int kv_bits,
                     int kv_group, int64_t max_kv_size);

/* mlx_lm.benchmark measuring prompt/generation speed and peak memory. */
void mp_cmd_benchmark(mp_buf *b, const char *model, int64_t prompt_tokens, int64_t gen_tokens,
                      int batch);

/* mlx_lm.lora training command for a fine-tuning request. */
void mp_cmd_lora(mp_buf *b, const char *model, const char *data_dir, const mp_train_req *t,
                 const char *adapter_dir);

/* Output folder for a converted model, mlx-community style:
 * "mlx_model/Qwen3-8B-4bit". */
void mp_cmd_out_dir(const char *hf_id, const mp_quant *q, char *buf, size_t cap);

#define MP_CMD_STEPS_MAX 3

/* The mlx_lm commands that run or measure one estimate of the model
 * `hf_id`, in order, one per buffer of `cmds` (MP_CMD_STEPS_MAX buffers,
 * empty on entry): for inference (`inf`), a conversion when `inf->quant`
 * is not how the model is stored, then mlx_lm.benchmark and
 * mlx_lm.generate with the estimate's settings; for fine-tuning (`train`),
 * a conversion of a quantized base, then mlx_lm.lora; for pretraining,
 * none.  Give exactly one of `inf` and `train`.  Returns how many buffers
 * were written; their status tells whether each is complete. */
int mp_cmd_estimate_steps(mp_buf *cmds, const char *hf_id, const mp_infer_req *inf,
                          const mp_train_req *train);

/* The format's value for `mlx_lm.convert --dtype` when unquantized. */
const char *mp_cmd_dtype(mp_dtype d);

#endif
