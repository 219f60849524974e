/* settings.c - settings checked together into engine requests; see settings.h. */
#include "engine/settings.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "model/registry.h"
#include "util/text.h"

/* The registry model an MLX conversion was made from: its name without the
 * conversion's suffixes ("Qwen3-8B-4bit-DWQ" -> Qwen/Qwen3-8B); NULL when
 * the registry does not have it. */
static const char *base_model(const char *id)
{
    static const char *const suffixes[] = {"-2bit", "-3bit", "-4bit", "-5bit", "-6bit",
                                           "-8bit", "-mxfp4", "-nvfp4", "-mxfp8", "-dwq",
                                           "-bf16", "-fp16", "-mlx"};
    const char *slash = strrchr(id, '/');
    char name[160];
    mp_strlcpy(name, slash ? slash + 1 : id, sizeof name);
    for (bool cut = true; cut;) {
        cut = false;
        size_t n = strlen(name);
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0] && !cut; i++) {
            size_t k = strlen(suffixes[i]);
            if (n > k && mp_ieq(name + n - k, suffixes[i])) {
                name[n - k] = '\0';
                cut = true;
            }
        }
    }
    const mp_model_row *row = mp_registry_find(name);
    return row ? row->id : NULL;
}

_Static_assert(MP_TASK_INFER == 0 && MP_TASK_LORA == 1 && MP_TASK_DORA == 2 &&
                   MP_TASK_QLORA == 3 && MP_TASK_FULL == 4 && MP_TASK_PRETRAIN == 5,
               "kb/param.h MP_PTASK_* bits follow mp_task");

void mp_settings_from_pvals(const mp_pvals *pv, mp_settings *s)
{
    static const struct {
        mp_param_id id;
        unsigned bit;
        size_t at; /* offset of the int64_t field */
    } ints[] = {
        {MP_P_GROUP_SIZE, MP_SET_GROUP, offsetof(mp_settings, group_size)},
        {MP_P_CONTEXT, MP_SET_CONTEXT, offsetof(mp_settings, context_tokens)},
        {MP_P_PROMPT, MP_SET_PROMPT, offsetof(mp_settings, prompt_tokens)},
        {MP_P_BATCH, MP_SET_BATCH, offsetof(mp_settings, batch)},
        {MP_P_KV_BITS, MP_SET_KV_BITS, offsetof(mp_settings, kv_bits)},
        {MP_P_KV_GROUP_SIZE, MP_SET_KV_GROUP, offsetof(mp_settings, kv_group)},
        {MP_P_MAX_KV_SIZE, MP_SET_MAX_KV, offsetof(mp_settings, max_kv_size)},
        {MP_P_SEQ, MP_SET_SEQ, offsetof(mp_settings, seq_len)},
        {MP_P_NUM_LAYERS, MP_SET_LAYERS, offsetof(mp_settings, num_layers)},
        {MP_P_RANK, MP_SET_RANK, offsetof(mp_settings, rank)},
        {MP_P_GRAD_ACCUM, MP_SET_ACCUM, offsetof(mp_settings, grad_accum)},
        {MP_P_ITERS, MP_SET_ITERS, offsetof(mp_settings, iters)},
    };
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (!mp_pv_given(pv, ints[i].id))
            continue;
        s->given |= ints[i].bit;
        *(int64_t *)((char *)s + ints[i].at) = pv->v[ints[i].id].i;
    }
    if (mp_pv_given(pv, MP_P_QUANT))
        s->given |= MP_SET_QUANT, s->quant = pv->v[MP_P_QUANT].s;
    if (mp_pv_given(pv, MP_P_OPTIMIZER))
        s->given |= MP_SET_OPTIMIZER, s->optimizer = pv->v[MP_P_OPTIMIZER].s;
    if (mp_pv_given(pv, MP_P_DTYPE))
        s->given |= MP_SET_DTYPE, s->dtype = pv->v[MP_P_DTYPE].s;
    if (mp_pv_given(pv, MP_P_DATASET_TOKENS))
        s->given |= MP_SET_DATASET, s->dataset_tokens = pv->v[MP_P_DATASET_TOKENS].d;
    s->grad_checkpoint = mp_pv_given(pv, MP_P_GRAD_CHECKPOINT);
}

/* Front-ends check ranges in their own words first; this keeps a value
 * that slipped past them from wrapping when it is narrowed to int. */
/* `v` within the range of parameter `id` (kb/params.def: the range is stated
 * there once); MP_EINVAL naming the parameter otherwise. */
static int within(mp_param_id id, int64_t v, mp_error *err)
{
    const mp_param *p = &mp_param_table[id];
    if ((double)v < p->lo || (double)v > p->hi)
        return mp_error_set(err, MP_EINVAL, "%s must be between %lld and %lld, got %lld",
                            mp_pname(id), (long long)p->lo, (long long)p->hi, (long long)v);
    return 0;
}

int mp_settings_quant(const mp_settings *s, const mp_arch *a, mp_quant *q, mp_error *err)
{
    int group = s->given & MP_SET_GROUP ? (int)s->group_size : 0;
    if ((s->given & MP_SET_GROUP) && within(MP_P_GROUP_SIZE, s->group_size, err))
        return MP_EINVAL;
    if (!(s->given & MP_SET_QUANT)) {
        *q = mp_arch_native_quant(a);
        if (group)
            return mp_error_set(err, MP_EUSAGE, "%s needs %s",
                                mp_pname(MP_P_GROUP_SIZE), mp_pname(MP_P_QUANT));
        return 0;
    }
    int rc = mp_quant_parse(s->quant, group, a->dtype, q, err);
    if (rc)
        return rc;
    if (a->has_config_quant && memcmp(q, &a->config_quant, sizeof *q) != 0) {
        /* the checkpoint is already converted: another format starts from
         * the original weights, not from these */
        char stored[64];
        mp_quant_label(&a->config_quant, stored, sizeof stored);
        const char *base = base_model(a->id);
        return mp_error_set(err, MP_EINVAL,
                            "%s is stored as %s; %s %s would need the original weights: "
                            "convert from %s or drop %s",
                            a->id, stored, mp_pname(MP_P_QUANT), s->quant,
                            base ? base : "the unquantized repo", mp_pname(MP_P_QUANT));
    }
    return 0;
}

int mp_settings_infer_req(const mp_settings *s, const mp_arch *a, const mp_machine *m,
                          mp_infer_req *req, mp_error *err)
{
    memset(req, 0, sizeof *req);
    req->arch = a;
    req->mach = m;
    int rc = mp_settings_quant(s, a, &req->quant, err);
    if (rc)
        return rc;
    if (((s->given & MP_SET_BATCH) && within(MP_P_BATCH, s->batch, err)) ||
        ((s->given & MP_SET_KV_BITS) && within(MP_P_KV_BITS, s->kv_bits, err)) ||
        ((s->given & MP_SET_KV_GROUP) && within(MP_P_KV_GROUP_SIZE, s->kv_group, err)))
        return MP_EINVAL;
    int64_t ctx = s->given & MP_SET_CONTEXT ? s->context_tokens : mp_param_dflt_i64(MP_P_CONTEXT);
    int64_t prompt = s->given & MP_SET_PROMPT ? s->prompt_tokens : 0;
    int kvb = s->given & MP_SET_KV_BITS ? (int)s->kv_bits : 0;
    int64_t maxkv = s->given & MP_SET_MAX_KV ? s->max_kv_size : 0;
    if (prompt > ctx && (s->given & MP_SET_CONTEXT))
        return mp_error_set(err, MP_EINVAL, "%s (%lld) is longer than %s (%lld)",
                            mp_pname(MP_P_PROMPT), (long long)prompt, mp_pname(MP_P_CONTEXT),
                            (long long)ctx);
    if (prompt > ctx)
        ctx = prompt;
    if ((s->given & MP_SET_KV_GROUP) && !kvb)
        return mp_error_set(err, MP_EUSAGE, "%s needs %s",
                            mp_pname(MP_P_KV_GROUP_SIZE), mp_pname(MP_P_KV_BITS));
    if (kvb && maxkv)
        return mp_error_set(err, MP_EUNSUPPORTED,
                            "%s and %s do not combine: mlx-lm cannot quantize "
                            "a rotating cache (RotatingKVCache.to_quantized raises "
                            "NotImplementedError)",
                            mp_pname(MP_P_KV_BITS), mp_pname(MP_P_MAX_KV_SIZE));
    req->context_tokens = ctx;
    req->prompt_tokens = prompt ? prompt : ctx;
    req->batch = s->given & MP_SET_BATCH ? (int)s->batch : 1;
    req->kv_bits = kvb;
    req->kv_group = s->given & MP_SET_KV_GROUP ? (int)s->kv_group
                                                : (int)mp_param_dflt_i64(MP_P_KV_GROUP_SIZE);
    req->max_kv_size = maxkv;
    return 0;
}

int mp_settings_dtype(const char *s, mp_dtype *out, mp_error *err)
{
    mp_quant q;
    int rc = mp_quant_parse(s, 0, MP_DT_F32, &q, err);
    if (rc)
        return rc;
    if (q.mode != MP_Q_FLOAT)
        return mp_error_set(err, MP_EINVAL, "%s takes bfloat16, float16 or float32, not "
                            "'%.40s'", mp_pname(MP_P_DTYPE), s);
    *out = q.dtype;
    return 0;
}

int mp_settings_train_req(const mp_settings *s, mp_task task, bool dtype_applies,
                          const mp_arch *a, const mp_machine *m, mp_train_req *req,
                          mp_error *err)
{
    memset(req, 0, sizeof *req);
    req->arch = a;
    req->mach = m;
    req->task = task;
    req->optim = MP_OPT_ADAM;
    req->train_dtype = task == MP_TASK_PRETRAIN ? a->dtype : MP_DT_BF16;
    int rc = mp_settings_quant(s, a, &req->base_quant, err);
    if (rc)
        return rc;
    if (task == MP_TASK_QLORA && !(s->given & MP_SET_QUANT) && !a->has_config_quant) {
        mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a->dtype};
        req->base_quant = q4; /* QLoRA's usual base */
    }
    int64_t batch = s->given & MP_SET_BATCH ? s->batch : 4;
    int64_t seq = s->given & MP_SET_SEQ ? s->seq_len : mp_param_dflt_i64(MP_P_SEQ);
    int64_t nl = s->given & MP_SET_LAYERS ? s->num_layers : mp_param_dflt_i64(MP_P_NUM_LAYERS);
    int64_t rank = s->given & MP_SET_RANK ? s->rank : mp_param_dflt_i64(MP_P_RANK);
    if (batch < 1)
        return mp_error_set(err, MP_EINVAL, "%s must be at least 1, got %lld",
                            mp_pname(MP_P_BATCH), (long long)batch);
    if (seq < 1)
        return mp_error_set(err, MP_EINVAL, "%s must be at least 1, got %lld", mp_pname(MP_P_SEQ),
                            (long long)seq);
    if (rank < 1)
        return mp_error_set(err, MP_EINVAL, "%s must be at least 1, got %lld",
                            mp_pname(MP_P_RANK), (long long)rank);
    if (nl == 0 || nl < -1)
        return mp_error_set(err, MP_EINVAL, "%s must be -1 (all) or at least 1, got %lld",
                            mp_pname(MP_P_NUM_LAYERS), (long long)nl);
    if (within(MP_P_BATCH, batch, err) || within(MP_P_RANK, rank, err) ||
        within(MP_P_NUM_LAYERS, nl, err) ||
        ((s->given & MP_SET_ACCUM) && within(MP_P_GRAD_ACCUM, s->grad_accum, err)))
        return MP_EINVAL;
    if ((s->given & MP_SET_OPTIMIZER) && (rc = mp_optim_parse(s->optimizer, &req->optim, err)))
        return rc;
    if ((s->given & MP_SET_DTYPE) && task == MP_TASK_PRETRAIN && dtype_applies &&
        (rc = mp_settings_dtype(s->dtype, &req->train_dtype, err)) != 0)
        return rc;
    req->batch = (int)batch;
    req->seq_len = seq;
    req->num_layers = (int)nl;
    req->rank = (int)rank;
    req->grad_accum = s->given & MP_SET_ACCUM ? (int)s->grad_accum
                                              : (int)mp_param_dflt_i64(MP_P_GRAD_ACCUM);
    req->iters = s->given & MP_SET_ITERS ? s->iters : 0;
    req->dataset_tokens = s->given & MP_SET_DATASET ? s->dataset_tokens : 0;
    req->grad_checkpoint = s->grad_checkpoint;
    return 0;
}
