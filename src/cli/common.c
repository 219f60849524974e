/* common.c - shared option handling for estimate, fit and plan; see common.h. */
#include "cli/common.h"

#include <stdio.h>
#include <string.h>

#include "util/text.h"

/* Optional whole-number option in [lo, hi]; *out unchanged when absent. */
static int opt_i64(const cli_args *args, const char *name, int64_t lo, int64_t hi, int64_t *out,
                   mp_error *err)
{
    const char *s = cli_get_if(args, name);
    if (!s)
        return 0;
    char what[40];
    snprintf(what, sizeof what, "--%s", name);
    return mp_parse_i64(s, lo, hi, what, out, err);
}

/* A token count: plain or with K/M suffix ("8192", "32k"). */
static int opt_tokens(const cli_args *args, const char *name, int64_t lo, int64_t hi, int64_t *out,
                      mp_error *err)
{
    const char *s = cli_get_if(args, name);
    if (!s)
        return 0;
    char what[40];
    snprintf(what, sizeof what, "--%s", name);
    double v;
    int rc = mp_parse_count(s, (double)lo, (double)hi, what, &v, err);
    if (rc == 0)
        *out = (int64_t)v;
    return rc;
}

int cli_common_machine(const cli_args *args, cli_common *c, bool required, mp_error *err)
{
    const char *chip = cli_get_if(args, "chip");
    int64_t mem = 0;
    int rc = opt_i64(args, "memory", 1, 4096, &mem, err);
    if (rc)
        return rc;
    if (!chip) {
        if (required)
            return mp_error_set(err, MP_EUSAGE, "--chip is required (see 'mlxplan hw list')");
        return 0;
    }
    mp_chip_match m;
    rc = mp_chip_resolve(chip, (int)mem, &m, err);
    if (rc)
        return rc;
    rc = mp_machine_init(&c->mach, &m.chip, (int)mem, err);
    if (rc)
        return rc;
    c->have_machine = true;
    c->chip_by_memory = m.by_memory;
    return 0;
}

int cli_common_load(const cli_args *args, cli_common *c, bool need_machine, mp_error *err)
{
    memset(c, 0, sizeof *c);
    c->task = MP_TASK_INFER;
    const char *task = cli_get_if(args, "task");
    int rc;
    if (task && (rc = mp_task_parse(task, &c->task, err)) != 0)
        return rc;
    const char *model = cli_get_if(args, "model");
    const char *params = cli_get_if(args, "params");
    if (params && model)
        return mp_error_set(err, MP_EUSAGE, "give --model or --params, not both");
    if (params) {
        if (c->task != MP_TASK_PRETRAIN)
            return mp_error_set(err, MP_EUSAGE, "--params sizes a new model: use it with --task "
                                "pretrain");
        double n;
        if ((rc = mp_parse_count(params, 1e6, 2e12, "--params", &n, err)) != 0)
            return rc;
        int64_t vocab = 32000;
        if ((rc = opt_i64(args, "vocab", 256, 1 << 22, &vocab, err)) != 0)
            return rc;
        mp_dtype dt = MP_DT_F32;
        const char *d = cli_get_if(args, "dtype");
        if (d) {
            mp_quant q;
            if ((rc = mp_quant_parse(d, 0, MP_DT_F32, &q, err)) != 0)
                return rc;
            if (q.mode != MP_Q_FLOAT)
                return mp_error_set(err, MP_EINVAL, "--dtype takes bfloat16, float16 or float32, "
                                    "not '%.40s'", d);
            dt = q.dtype;
        }
        if ((rc = mp_arch_for_size(n, vocab, dt, &c->arch, err)) != 0)
            return rc;
        c->model_label = c->arch.id;
        c->origin.kind = MP_ORIGIN_REGISTRY;
        snprintf(c->origin.where, sizeof c->origin.where,
                 "a llama-style decoder sized by mlxplan for --params %s", params);
    } else {
        if (!model)
            return mp_error_set(err, MP_EUSAGE, "--model is required (see 'mlxplan models "
                                "list')");
        mp_load_opts lo = cli_load_opts(args);
        if ((rc = mp_model_load(model, &lo, &c->arch, &c->origin, err)) != 0)
            return rc;
        c->model_label = model;
    }
    c->have_arch = true;
    rc = cli_common_machine(args, c, need_machine, err);
    if (rc)
        cli_common_release(c);
    return rc;
}

void cli_common_release(cli_common *c)
{
    if (c->have_arch)
        mp_arch_release(&c->arch);
    c->have_arch = false;
}

mp_load_opts cli_load_opts(const cli_args *args)
{
    mp_load_opts o = {cli_get_if(args, "offline") != NULL};
    return o;
}

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

int cli_common_quant(const cli_args *args, const mp_arch *a, mp_quant *q, mp_error *err)
{
    const char *qs = cli_get_if(args, "quant");
    int64_t group = 0;
    int rc = opt_i64(args, "group-size", 1, 4096, &group, err);
    if (rc)
        return rc;
    if (!qs) {
        *q = mp_arch_native_quant(a);
        if (group)
            return mp_error_set(err, MP_EUSAGE, "--group-size needs --quant");
        return 0;
    }
    if ((rc = mp_quant_parse(qs, (int)group, a->dtype, q, err)) != 0)
        return rc;
    if (a->has_config_quant && memcmp(q, &a->config_quant, sizeof *q) != 0) {
        /* the checkpoint is already converted: another format starts from
         * the original weights, not from these */
        char stored[64];
        mp_quant_label(&a->config_quant, stored, sizeof stored);
        const char *base = base_model(a->id);
        return mp_error_set(err, MP_EINVAL,
                            "%s is stored as %s; --quant %s would need the original weights: "
                            "convert from %s or drop --quant",
                            a->id, stored, qs, base ? base : "the unquantized repo");
    }
    return 0;
}

int cli_common_infer_req(const cli_args *args, cli_common *c, mp_infer_req *req, mp_error *err)
{
    memset(req, 0, sizeof *req);
    req->arch = &c->arch;
    req->mach = &c->mach;
    req->batch = 1;
    req->kv_group = 64;
    int rc = cli_common_quant(args, &c->arch, &req->quant, err);
    int64_t ctx = 4096, prompt = 0, batch = 1, kvb = 0, kvg = 64, maxkv = 0;
    if (rc || (rc = opt_tokens(args, "context", 1, (int64_t)1 << 24, &ctx, err)) ||
        (rc = opt_tokens(args, "prompt", 1, (int64_t)1 << 24, &prompt, err)) ||
        (rc = opt_i64(args, "batch", 1, 4096, &batch, err)) ||
        (rc = opt_i64(args, "kv-bits", 2, 8, &kvb, err)) ||
        (rc = opt_i64(args, "kv-group-size", 1, 1024, &kvg, err)) ||
        (rc = opt_tokens(args, "max-kv-size", 1, (int64_t)1 << 24, &maxkv, err)))
        return rc;
    if (prompt > ctx && cli_get_if(args, "context"))
        return mp_error_set(err, MP_EINVAL, "--prompt (%lld) is longer than --context (%lld)",
                            (long long)prompt, (long long)ctx);
    if (prompt > ctx)
        ctx = prompt;
    if (cli_get_if(args, "kv-group-size") && !kvb)
        return mp_error_set(err, MP_EUSAGE, "--kv-group-size needs --kv-bits");
    if (kvb && maxkv)
        return mp_error_set(err, MP_EUNSUPPORTED,
                            "--kv-bits and --max-kv-size do not combine: mlx-lm cannot quantize "
                            "a rotating cache (RotatingKVCache.to_quantized raises "
                            "NotImplementedError)");
    req->context_tokens = ctx;
    req->prompt_tokens = prompt ? prompt : ctx;
    req->batch = (int)batch;
    req->kv_bits = (int)kvb;
    req->kv_group = (int)kvg;
    req->max_kv_size = maxkv;
    return 0;
}

int cli_common_train_req(const cli_args *args, cli_common *c, mp_train_req *req, mp_error *err)
{
    memset(req, 0, sizeof *req);
    req->arch = &c->arch;
    req->mach = &c->mach;
    req->task = c->task;
    req->batch = 4;
    req->seq_len = 2048;
    req->num_layers = 16;
    req->rank = 8;
    req->grad_accum = 1;
    req->optim = MP_OPT_ADAM;
    req->train_dtype = c->task == MP_TASK_PRETRAIN ? c->arch.dtype : MP_DT_BF16;
    int rc = cli_common_quant(args, &c->arch, &req->base_quant, err);
    if (rc)
        return rc;
    if (c->task == MP_TASK_QLORA && !cli_get_if(args, "quant") && !c->arch.has_config_quant) {
        mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, c->arch.dtype};
        req->base_quant = q4; /* QLoRA's usual base */
    }
    int64_t batch = 4, seq = 2048, nl = 16, rank = 8, accum = 1, iters = 0;
    if ((rc = opt_i64(args, "batch", -1000000, 4096, &batch, err)) ||
        (rc = opt_tokens(args, "seq", -1000000, (int64_t)1 << 22, &seq, err)) ||
        (rc = opt_i64(args, "num-layers", -1000000, 1000000, &nl, err)) ||
        (rc = opt_i64(args, "rank", -1000000, 4096, &rank, err)) ||
        (rc = opt_i64(args, "grad-accum", 1, 1024, &accum, err)) ||
        (rc = opt_i64(args, "iters", 1, (int64_t)1 << 40, &iters, err)))
        return rc;
    if (batch < 1)
        return mp_error_set(err, MP_EINVAL, "--batch must be at least 1, got %lld",
                            (long long)batch);
    if (seq < 1)
        return mp_error_set(err, MP_EINVAL, "--seq must be at least 1, got %lld", (long long)seq);
    if (rank < 1)
        return mp_error_set(err, MP_EINVAL, "--rank must be at least 1, got %lld",
                            (long long)rank);
    if (nl == 0 || nl < -1)
        return mp_error_set(err, MP_EINVAL, "--num-layers must be -1 (all) or at least 1, got "
                            "%lld", (long long)nl);
    const char *o = cli_get_if(args, "optimizer");
    if (o && (rc = mp_optim_parse(o, &req->optim, err)) != 0)
        return rc;
    const char *dt = cli_get_if(args, "dtype");
    if (dt && c->task == MP_TASK_PRETRAIN && cli_get_if(args, "model")) {
        mp_quant q;
        if ((rc = mp_quant_parse(dt, 0, MP_DT_F32, &q, err)) != 0)
            return rc;
        if (q.mode != MP_Q_FLOAT)
            return mp_error_set(err, MP_EINVAL, "--dtype takes bfloat16, float16 or float32, not "
                                "'%.40s'", dt);
        req->train_dtype = q.dtype;
    }
    const char *ds = cli_get_if(args, "dataset-tokens");
    if (ds && (rc = mp_parse_count(ds, 1, 1e15, "--dataset-tokens", &req->dataset_tokens, err)))
        return rc;
    req->batch = (int)batch;
    req->seq_len = seq;
    req->num_layers = (int)nl;
    req->rank = (int)rank;
    req->grad_accum = (int)accum;
    req->iters = iters;
    req->grad_checkpoint = cli_get_if(args, "grad-checkpoint") != NULL;
    return 0;
}

void cli_out_dir(const char *hf_id, const mp_quant *q, char *buf, size_t cap)
{
    const char *name = strrchr(hf_id, '/');
    name = name ? name + 1 : hf_id;
    char suffix[32];
    switch (q->mode) {
    case MP_Q_FLOAT:
        snprintf(suffix, sizeof suffix, "%s", q->dtype == MP_DT_BF16   ? "bf16"
                                              : q->dtype == MP_DT_F16 ? "fp16"
                                                                      : "fp32");
        break;
    case MP_Q_AFFINE:
        if (q->recipe) {
            char label[64];
            mp_quant_label(q, label, sizeof label);
            label[strcspn(label, " ")] = '\0';
            snprintf(suffix, sizeof suffix, "%s", label);
        } else {
            snprintf(suffix, sizeof suffix, "%dbit", q->bits);
        }
        break;
    case MP_Q_MXFP4: snprintf(suffix, sizeof suffix, "mxfp4"); break;
    case MP_Q_NVFP4: snprintf(suffix, sizeof suffix, "nvfp4"); break;
    case MP_Q_MXFP8: snprintf(suffix, sizeof suffix, "mxfp8"); break;
    }
    snprintf(buf, cap, "mlx_model/%s-%s", name, suffix);
}
