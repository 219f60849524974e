/*
 * config_quant.c - the quantization facts of a config.json (cf.h): MLX's
 * "quantization" block with its per-path entries, and the stored dtype.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "model/arch.h"
#include "model/cf.h"
#include "util/text.h"

/* ---- quantization and dtype from the config ------------------------------------- */

/* A width (bits or group_size) of a quantization entry: a whole number, or
 * the mode's default when the entry may omit it (null or absent). */
static bool qwidth(const cJSON *v, bool optional, int dflt, int *out)
{
    if (!v || cJSON_IsNull(v)) {
        *out = dflt;
        return optional;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 1 ||
        v->valuedouble > 1024)
        return false;
    *out = (int)v->valuedouble;
    return true;
}

/* One {bits, group_size, mode} object.  The block's own values are required
 * (mlx-lm indexes them); a per-path entry is passed to MLX's to_quantized,
 * which takes a missing mode as affine and a null group_size or bits as the
 * mode's default: mixed recipes converted without --q-group-size record
 * "group_size": null (convert.py mixed_quant_predicate_builder). */
static bool parse_qblock(const cJSON *o, mp_dtype dt, bool entry, mp_quant *q)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "mode");
    q->mode = MP_Q_AFFINE;
    if (cJSON_IsString(m)) {
        if (strcmp(m->valuestring, "mxfp4") == 0)
            q->mode = MP_Q_MXFP4;
        else if (strcmp(m->valuestring, "nvfp4") == 0)
            q->mode = MP_Q_NVFP4;
        else if (strcmp(m->valuestring, "mxfp8") == 0)
            q->mode = MP_Q_MXFP8;
        else if (strcmp(m->valuestring, "affine") != 0)
            return false;
    } else if (m && !cJSON_IsNull(m)) {
        return false;
    }
    int group, bits;
    mp_quant_defaults(q->mode, &group, &bits);
    if (!qwidth(cJSON_GetObjectItemCaseSensitive(o, "bits"), entry, bits, &q->bits) ||
        !qwidth(cJSON_GetObjectItemCaseSensitive(o, "group_size"), entry, group, &q->group))
        return false;
    q->recipe = MP_RECIPE_NONE;
    q->dtype = dt;
    return mp_quant_check(q, NULL) == 0;
}

/* Per-path entries sorted by path; among repeated keys the last one counts,
 * as when Python reads the JSON. */
typedef struct qentry {
    mp_qoverride o;
    int seq;
} qentry;

static int cmp_qentry(const void *x, const void *y)
{
    const qentry *a = x, *b = y;
    int c = strcmp(a->o.path, b->o.path);
    return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Keep the block's per-path entries: every member whose value is an object
 * or false (a module path, with or without dots: "lm_head" counts); the
 * block's own keys hold numbers and strings. */
static int read_qoverrides(cf_ctx *c, const cJSON *qb)
{
    mp_arch *a = c->a;
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, qb)
    {
        if (e->string && (cJSON_IsObject(e) || cJSON_IsFalse(e)))
            n++;
    }
    if (n == 0)
        return 0;
    if (n > MP_ARCH_MAX_QOVR)
        return cf_fail(c, MP_ELIMIT, "config.json 'quantization' has more than %d per-layer entries",
                    MP_ARCH_MAX_QOVR);
    qentry *q = calloc((size_t)n, sizeof *q);
    if (!q)
        return cf_fail(c, MP_ENOMEM, "out of memory");
    int k = 0;
    cJSON_ArrayForEach(e, qb)
    {
        if (!e->string || !(cJSON_IsObject(e) || cJSON_IsFalse(e)))
            continue;
        qentry *x = &q[k];
        if (strlen(e->string) >= sizeof x->o.path)
            continue; /* longer than any module path mlxplan holds: matches nothing */
        mp_strlcpy(x->o.path, e->string, sizeof x->o.path);
        x->o.quantized = !cJSON_IsFalse(e);
        if (x->o.quantized && !parse_qblock(e, a->dtype, true, &x->o.q))
            continue;
        x->seq = k++;
    }
    qsort(q, (size_t)k, sizeof *q, cmp_qentry);
    a->qoverrides = calloc((size_t)(k ? k : 1), sizeof *a->qoverrides);
    if (!a->qoverrides) {
        free(q);
        return cf_fail(c, MP_ENOMEM, "out of memory");
    }
    for (int i = 0; i < k; i++) {
        if (i + 1 < k && strcmp(q[i].o.path, q[i + 1].o.path) == 0)
            continue;
        a->qoverrides[a->n_qoverrides++] = q[i].o;
    }
    free(q);
    return 0;
}

/* The MLX "quantization" block (or its "quantization_config" twin). */
int cf_read_mlx_quant(cf_ctx *c)
{
    mp_arch *a = c->a;
    const cJSON *qb = cJSON_GetObjectItemCaseSensitive(c->root, "quantization");
    if (!cJSON_IsObject(qb)) {
        const cJSON *qc = cJSON_GetObjectItemCaseSensitive(c->root, "quantization_config");
        if (cJSON_IsObject(qc) && cJSON_GetObjectItemCaseSensitive(qc, "bits") &&
            !cJSON_GetObjectItemCaseSensitive(qc, "quant_method"))
            qb = qc;
        else
            return 0;
    }
    if (!parse_qblock(qb, a->dtype, false, &a->config_quant)) {
        c->rc = mp_error_set(c->err, MP_EPARSE,
                             "%s: config.json 'quantization' needs valid bits, group_size and mode",
                             a->id);
        return c->rc;
    }
    a->has_config_quant = true;
    return read_qoverrides(c, qb);
}

void cf_read_dtype(cf_ctx *c)
{
    const char *dt = cf_get_str(c, "torch_dtype");
    if (!dt)
        dt = cf_get_str(c, "dtype");
    mp_arch *a = c->a;
    a->dtype = MP_DT_BF16;
    if (!dt) {
        /* configs older than torch_dtype (gpt2) come with float32 weights, and
         * mlx_lm.convert keeps the stored dtype when the config names none;
         * a checkpoint published quantized (gpt-oss mxfp4, fp8) keeps its
         * other weights in bfloat16 */
        if (!cf_item(c, "quantization_config") && !cf_item(c, "quantization"))
            a->dtype = MP_DT_F32;
        a->dtype_assumed = true;
        return;
    }
    if (strcmp(dt, "float16") == 0)
        a->dtype = MP_DT_F16;
    else if (strcmp(dt, "float32") == 0)
        a->dtype = MP_DT_F32;
    else if (strcmp(dt, "bfloat16") != 0)
        a->dtype_assumed = true;
}

