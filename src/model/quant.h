/*
 * quant.h - MLX weight formats and their exact storage cost.
 *
 * Facts (mlx/ops.cpp affine_quantize / fp_quantize, mlx-lm utils.py
 * quantize_model, convert.py mixed_quant_predicate_builder):
 *  - affine: `bits` in {2,3,4,5,6,8}, group 32/64/128 along the input
 *    dimension; packed uint32 weight (in*bits/32 words per row) plus one
 *    scale and one bias per group in the weight's float dtype;
 *  - mxfp4 (group 32, 4 bits), nvfp4 (16, 4), mxfp8 (32, 8): packed weight
 *    plus one uint8 scale per group, no biases;
 *  - a matrix whose input dimension is not a multiple of the group size is
 *    left in float; norms, biases, convolutions and raw arrays always are;
 *  - mixed recipes give `high` bits to v_proj/down_proj of the first and last
 *    eighth of the layers and of every third layer between, and to lm_head,
 *    `low` bits elsewhere (affine, group 64 unless set).
 */
#ifndef MP_MODEL_QUANT_H
#define MP_MODEL_QUANT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

typedef enum mp_dtype {
    MP_DT_BF16,
    MP_DT_F16,
    MP_DT_F32,
} mp_dtype;

/* Bytes per element of a float dtype. */
int mp_dtype_bytes(mp_dtype d);
const char *mp_dtype_name(mp_dtype d); /* "bfloat16", "float16", "float32" */

typedef enum mp_qmode {
    MP_Q_FLOAT,  /* not quantized: stored in the float dtype */
    MP_Q_AFFINE,
    MP_Q_MXFP4,
    MP_Q_NVFP4,
    MP_Q_MXFP8,
} mp_qmode;

typedef enum mp_recipe {
    MP_RECIPE_NONE,
    MP_RECIPE_MIXED_2_6,
    MP_RECIPE_MIXED_3_4,
    MP_RECIPE_MIXED_3_6,
    MP_RECIPE_MIXED_4_6,
} mp_recipe;

/* How weights are stored.  For MP_Q_FLOAT only `dtype` matters. */
typedef struct mp_quant {
    mp_qmode mode;
    int bits;          /* 2..8 for affine; 4 or 8 for the fp modes */
    int group;         /* group size along the input dimension */
    mp_recipe recipe;  /* mixed recipe (affine only), else NONE */
    mp_dtype dtype;    /* float dtype of unquantized tensors and affine scales */
} mp_quant;

/* MLX's defaults for a mode when group size or bits are not given
 * (nn.quantize _defaults_for_mode): affine 64/4, mxfp4 32/4, nvfp4 16/4,
 * mxfp8 32/8.  Not meaningful for MP_Q_FLOAT. */
void mp_quant_defaults(mp_qmode m, int *group, int *bits);

/* The weights' float dtype, unquantized. */
mp_quant mp_quant_float(mp_dtype d);

/* Parse a --quant value: "bf16" | "fp16" | "fp32" (also "bfloat16",
 * "float16", "float32"), a bit count "2".."8" (also "4bit", "q4", "int4";
 * affine with `group`), "mxfp4" | "nvfp4" | "mxfp8", or a recipe
 * "mixed_2_6" | "mixed_3_4" | "mixed_3_6" | "mixed_4_6".  `group` is the
 * --group-size (0 = the mode's default); `dtype` the float dtype to keep for
 * unquantized tensors.  Rejects combinations MLX rejects (bits 1 or 7,
 * group 16 with affine, mxfp4 with group 64, ...). */
int mp_quant_parse(const char *s, int group, mp_dtype dtype, mp_quant *out, mp_error *err);

/* Validate an mp_quant the way mlx.core.quantize would. */
int mp_quant_check(const mp_quant *q, mp_error *err);

/* Short label: "bf16", "affine 4-bit g64", "mxfp4", "mixed_4_6 (4/6-bit g64)". */
void mp_quant_label(const mp_quant *q, char *buf, size_t cap);

/* The value for `mlx_lm.convert` flags: e.g. "-q --q-bits 4 --q-group-size 64",
 * "-q --q-mode mxfp4", "--quant-predicate mixed_4_6", "--dtype bfloat16". */
void mp_quant_convert_flags(const mp_quant *q, char *buf, size_t cap);

/* Bits per weight of one quantized matrix in this format (affine: bits +
 * 2*dtype_bits/group; fp modes: bits + 8/group; float: dtype bits).  For a
 * recipe, the low-bit figure. */
double mp_quant_bpw(const mp_quant *q);

/* Exact bytes to store an (out x in) matrix, `n` times (experts), in format
 * `q`, falling back to float when in % group != 0.  `q->recipe` is ignored
 * here (callers resolve recipes per tensor first). */
double mp_quant_matrix_bytes(const mp_quant *q, int64_t n, int64_t out, int64_t in);

/* Whether a matrix with input dimension `in` is quantized by `q`. */
bool mp_quant_applies(const mp_quant *q, int64_t in);

/* Quantized KV cache: bytes per element for kv_bits with kv_group in the
 * activation dtype (bits/8 + 2*dtype_bytes/group); float when kv_bits == 0. */
double mp_kv_elem_bytes(int kv_bits, int kv_group, mp_dtype act);

#endif
