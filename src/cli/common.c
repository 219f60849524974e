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
        if (d && (rc = mp_settings_dtype(d, &dt, err)) != 0)
            return rc;
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

/* An optional whole number into *out, with its bit in s->given; `tokens`:
 * a token count, which may have a K or M suffix ("32k"). */
static int opt_set(const cli_args *args, const char *name, unsigned bit, int64_t lo, int64_t hi,
                   bool tokens, mp_settings *s, int64_t *out, mp_error *err)
{
    if (!cli_get_if(args, name))
        return 0;
    s->given |= bit;
    return tokens ? opt_tokens(args, name, lo, hi, out, err)
                  : opt_i64(args, name, lo, hi, out, err);
}

/* --quant and --group-size as given. */
static int read_quant(const cli_args *args, mp_settings *s, mp_error *err)
{
    memset(s, 0, sizeof *s);
    if ((s->quant = cli_get_if(args, "quant")) != NULL)
        s->given |= MP_SET_QUANT;
    return opt_set(args, "group-size", MP_SET_GROUP, 1, 4096, false, s, &s->group_size, err);
}

/* The settings options of an inference or a training estimate, each
 * parsed with its range; mp_settings checks how they combine.  Training
 * takes any whole number for --batch, --seq, --num-layers and --rank here,
 * so that a 0 gets mp_settings' "at least 1" message. */
static int read_settings(const cli_args *args, bool training, mp_settings *s, mp_error *err)
{
    const int64_t tok_max = (int64_t)1 << 24, any = 1000000;
    int rc = read_quant(args, s, err);
    if (rc)
        return rc;
    if (!training) {
        if ((rc = opt_set(args, "context", MP_SET_CONTEXT, 1, tok_max, true, s,
                          &s->context_tokens, err)) ||
            (rc = opt_set(args, "prompt", MP_SET_PROMPT, 1, tok_max, true, s, &s->prompt_tokens,
                          err)) ||
            (rc = opt_set(args, "batch", MP_SET_BATCH, 1, 4096, false, s, &s->batch, err)) ||
            (rc = opt_set(args, "kv-bits", MP_SET_KV_BITS, 2, 8, false, s, &s->kv_bits, err)) ||
            (rc = opt_set(args, "kv-group-size", MP_SET_KV_GROUP, 1, 1024, false, s,
                          &s->kv_group, err)) ||
            (rc = opt_set(args, "max-kv-size", MP_SET_MAX_KV, 1, tok_max, true, s,
                          &s->max_kv_size, err)))
            return rc;
        return 0;
    }
    if ((rc = opt_set(args, "batch", MP_SET_BATCH, -any, 4096, false, s, &s->batch, err)) ||
        (rc = opt_set(args, "seq", MP_SET_SEQ, -any, (int64_t)1 << 22, true, s, &s->seq_len,
                      err)) ||
        (rc = opt_set(args, "num-layers", MP_SET_LAYERS, -any, any, false, s, &s->num_layers,
                      err)) ||
        (rc = opt_set(args, "rank", MP_SET_RANK, -any, 4096, false, s, &s->rank, err)) ||
        (rc = opt_set(args, "grad-accum", MP_SET_ACCUM, 1, 1024, false, s, &s->grad_accum,
                      err)) ||
        (rc = opt_set(args, "iters", MP_SET_ITERS, 1, (int64_t)1 << 40, false, s, &s->iters,
                      err)))
        return rc;
    if ((s->optimizer = cli_get_if(args, "optimizer")) != NULL)
        s->given |= MP_SET_OPTIMIZER;
    if ((s->dtype = cli_get_if(args, "dtype")) != NULL)
        s->given |= MP_SET_DTYPE;
    const char *ds = cli_get_if(args, "dataset-tokens");
    if (ds) {
        s->given |= MP_SET_DATASET;
        if ((rc = mp_parse_count(ds, 1, 1e15, "--dataset-tokens", &s->dataset_tokens, err)))
            return rc;
    }
    s->grad_checkpoint = cli_get_if(args, "grad-checkpoint") != NULL;
    return 0;
}

int cli_common_quant(const cli_args *args, const mp_arch *a, mp_quant *q, mp_error *err)
{
    mp_settings s;
    int rc = read_quant(args, &s, err);
    return rc ? rc : mp_settings_quant(&s, a, q, err);
}

int cli_common_infer_req(const cli_args *args, cli_common *c, mp_infer_req *req, mp_error *err)
{
    mp_settings s;
    int rc = read_settings(args, false, &s, err);
    return rc ? rc : mp_settings_infer_req(&s, &c->arch, &c->mach, req, err);
}

int cli_common_train_req(const cli_args *args, cli_common *c, mp_train_req *req, mp_error *err)
{
    mp_settings s;
    int rc = read_settings(args, true, &s, err);
    if (rc)
        return rc;
    return mp_settings_train_req(&s, c->task, cli_get_if(args, "model") != NULL, &c->arch,
                                 &c->mach, req, err);
}
