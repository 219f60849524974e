/* arch.c - tensor accounting over an mp_arch: parameters, storage formats and
 * bytes under a quantization; see arch.h.  Parsing lives in config.c. */
#include "model/arch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mp_arch_release(mp_arch *a)
{
    if (!a)
        return;
    free(a->tensors);
    free(a->layers);
    free(a->qoverrides);
    memset(a, 0, sizeof *a);
}

void mp_arch_note(mp_arch *a, const char *fmt, ...)
{
    if (a->n_notes >= MP_ARCH_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->notes[a->n_notes++], sizeof a->notes[0], fmt, ap);
    va_end(ap);
}

static double elems(const mp_tensor *t)
{
    return (double)t->n * (double)t->out * (double)t->in;
}

double mp_arch_params(const mp_arch *a)
{
    double p = 0;
    for (size_t i = 0; i < a->n_tensors; i++)
        p += elems(&a->tensors[i]);
    return p;
}

/* Fraction of a tensor read per token at batch 1: routed experts are read
 * for the experts_per_tok chosen of n_experts. */
static double active_fraction(const mp_arch *a, const mp_tensor *t)
{
    if ((t->role == MP_ROLE_EXPERT || t->role == MP_ROLE_EXPERT_DOWN) && a->n_experts > 0 &&
        t->n == a->n_experts)
        return (double)a->experts_per_tok / (double)a->n_experts;
    if (t->role == MP_ROLE_OTHER && t->kind == MP_TK_BIAS && t->n > 1 && a->n_experts > 0 &&
        t->n == a->n_experts)
        return (double)a->experts_per_tok / (double)a->n_experts;
    if (t->role == MP_ROLE_EMBED)
        return 0.0; /* one row per token; the tied case is counted as the head */
    return 1.0;
}

double mp_arch_active_params(const mp_arch *a)
{
    double p = 0;
    for (size_t i = 0; i < a->n_tensors; i++) {
        const mp_tensor *t = &a->tensors[i];
        double f = active_fraction(a, t);
        if (t->role == MP_ROLE_EMBED && a->tied_embeddings)
            f = 1.0; /* the embedding doubles as the output projection */
        p += elems(t) * f;
    }
    return p;
}

static bool quantizable(mp_tkind k)
{
    return k == MP_TK_LINEAR || k == MP_TK_EMBED || k == MP_TK_SWITCH || k == MP_TK_MULTI;
}

/* mlx-lm's mixed predicate: which layers get the high bits. */
static bool more_bits(int index, int64_t n_layers)
{
    int64_t l8 = n_layers / 8;
    return index < l8 || index >= 7 * n_layers / 8 || ((index - l8) % 3 + 3) % 3 == 2;
}

static mp_quant recipe_format(const mp_arch *a, const mp_tensor *t, const mp_quant *q)
{
    mp_quant r = *q;
    r.recipe = MP_RECIPE_NONE;
    int high = q->recipe == MP_RECIPE_MIXED_3_4 ? 4 : 6;
    int index = t->layer >= 0 ? t->layer : 0;
    bool v = strstr(t->path, "v_proj") || strstr(t->path, "v_a_proj") || strstr(t->path, "v_b_proj");
    bool down = strstr(t->path, "down_proj") != NULL;
    if (((v || down) && more_bits(index, a->n_layers)) || strstr(t->path, "lm_head"))
        r.bits = high;
    return r;
}

static int cmp_override(const void *key, const void *elem)
{
    return strcmp(key, ((const mp_qoverride *)elem)->path);
}

const mp_qoverride *mp_arch_qoverride(const mp_arch *a, const char *path)
{
    if (!a || a->n_qoverrides == 0)
        return NULL;
    return bsearch(path, a->qoverrides, (size_t)a->n_qoverrides, sizeof *a->qoverrides,
                   cmp_override);
}

/* A model converted by mlx-lm records its format in config.json: then the
 * block's per-path entries decide each tensor, not a recomputation. */
static mp_quant config_format(const mp_arch *a, const mp_tensor *t)
{
    if (!quantizable(t->kind))
        return mp_quant_float(t->keep_f32 ? MP_DT_F32 : a->dtype);
    if (t->fixed)
        return t->fixed_q;
    const mp_qoverride *o = mp_arch_qoverride(a, t->path);
    if (o)
        return o->quantized ? o->q : mp_quant_float(a->dtype);
    if (!mp_quant_applies(&a->config_quant, t->in))
        return mp_quant_float(a->dtype);
    return a->config_quant;
}

static bool is_native(const mp_arch *a, const mp_quant *q)
{
    return a->has_config_quant && memcmp(q, &a->config_quant, sizeof *q) == 0;
}

mp_quant mp_arch_tensor_format(const mp_arch *a, const mp_tensor *t, const mp_quant *q)
{
    if (is_native(a, q))
        return config_format(a, t);
    mp_dtype fd = q->mode == MP_Q_FLOAT ? q->dtype : a->dtype;
    if (!quantizable(t->kind))
        return mp_quant_float(t->keep_f32 ? MP_DT_F32 : fd);
    if (t->fixed)
        return t->fixed_q;
    if (q->mode == MP_Q_FLOAT)
        return mp_quant_float(q->dtype);
    /* mlx-lm skips a module whose input dimension is not a multiple of the
     * requested group size, whatever a predicate would say */
    if (!mp_quant_applies(q, t->in))
        return mp_quant_float(a->dtype);
    if (q->recipe != MP_RECIPE_NONE)
        return recipe_format(a, t, q);
    if (t->q8_override) {
        mp_quant r = {MP_Q_AFFINE, 8, 64, MP_RECIPE_NONE, a->dtype};
        return r;
    }
    return *q;
}

double mp_arch_tensor_bytes(const mp_arch *a, const mp_tensor *t, const mp_quant *q)
{
    mp_quant f = mp_arch_tensor_format(a, t, q);
    return mp_quant_matrix_bytes(&f, t->n, t->out, t->in);
}

int mp_arch_check_quant(const mp_arch *a, const mp_quant *q, mp_error *err)
{
    if (q->recipe == MP_RECIPE_NONE || is_native(a, q))
        return 0;
    for (size_t i = 0; i < a->n_tensors; i++)
        if (strstr(a->tensors[i].path, "down_proj"))
            return 0;
    char label[64];
    mp_quant_label(q, label, sizeof label);
    return mp_error_set(err, MP_EINVAL,
                        "%s: mlx-lm's mixed recipes need down_proj layers and %s has none "
                        "(mlx_lm.convert --quant-predicate raises); use a plain bit width",
                        label, a->id);
}

mp_quant mp_arch_native_quant(const mp_arch *a)
{
    if (a->has_config_quant)
        return a->config_quant;
    return mp_quant_float(a->dtype);
}

double mp_arch_weight_bytes(const mp_arch *a, const mp_quant *q, double *active_bytes)
{
    double total = 0, active = 0;
    for (size_t i = 0; i < a->n_tensors; i++) {
        const mp_tensor *t = &a->tensors[i];
        double b = mp_arch_tensor_bytes(a, t, q);
        total += b;
        double frac = active_fraction(a, t);
        if (t->role == MP_ROLE_EMBED && a->tied_embeddings)
            frac = 1.0;
        active += b * frac;
    }
    if (active_bytes)
        *active_bytes = active;
    return total;
}
