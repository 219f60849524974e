/*
 * patterns.h - the MLX Python, YAML and JSONL that plans contain,
 * parameterised by the plan's decisions (model path, dimensions, settings).
 *
 * Every MLX / MLX-LM name used here is in the knowledge tables (the name
 * guard test scans this file's strings and every golden plan), and every
 * Python pattern compiles with `python3 -m py_compile` (a test extracts
 * the code blocks of the golden plans and compiles them).
 */
#ifndef MP_PLAN_PATTERNS_H
#define MP_PLAN_PATTERNS_H

#include <stdint.h>

#include "engine/train.h"
#include "util/buf.h"

/* Chat with a model through mlx_lm's Python API, printing speed and peak memory. */
void mp_pat_inference(mp_buf *b, const char *model, int max_tokens, int kv_bits,
                      double expected_tok_s);

/* Measure decode speed and peak memory and compare with the estimate. */
void mp_pat_speed_check(mp_buf *b, const char *model, int64_t prompt_tokens, double expected_tok_s,
                        double band_pct);

/* A client of mlx_lm.server's OpenAI-compatible API (standard library only). */
void mp_pat_client(mp_buf *b, int port);

/* Sharded generation over several machines with mx.distributed. */
void mp_pat_distributed(mp_buf *b, const char *model);

/* Check which MLX backend runs (Metal or CUDA) and the device memory. */
void mp_pat_device_check(mp_buf *b);

#endif
