/*
 * planner.c - from a request to a plan (see plan.h).
 *
 * Three phases:
 *  1. understand: flags, request text, journal, this machine, assumptions
 *     (each spec field keeps its provenance);
 *  2. decide: every recommendation through the engines (mp_fit_inference
 *     for formats and contexts, mp_fit_training for fine-tuning settings,
 *     mp_train over sizes for training from scratch, mp_infer for speeds);
 *  3. write: the twelve sections, from the decisions only.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/bands.h"
#include "kb/param.h"
#include "kb/kb.h"
#include "plan/commands.h"
#include "plan/doc.h"
#include "plan/flow.h"
#include "plan/journal.h"
#include "plan/patterns.h"
#include "plan/plan.h"
#include "plan/understand.h"
#include "platform/host.h"
#include "render/estimate.h"
#include "util/text.h"

/* The machine assumed when the request names none (stated in the plan). */
#define DEFAULT_CHIP "M4 Pro 20c"
#define DEFAULT_MEMORY_GB 48
#define DEFAULT_NVIDIA "RTX 4090"
#define DEFAULT_CONTEXT 8192

/* other models and formats a plan compares (spec.h's limits together) */
#define MAX_ALTS ((MP_SPEC_MAX_ALT_MODELS + 1) * (MP_SPEC_MAX_ALT_QUANTS + 1) - 1)

typedef struct ctx {
    mp_plan *p;
    const mp_plan_req *req;
    mp_error *err;
    mp_journal_info journal;

    bool have_arch;
    mp_arch arch;
    mp_origin origin;
    const char *model_id;     /* what to pass to mlx_lm (HF id or path) */
    bool model_assumed;
    bool have_mach;
    mp_machine mach;
    bool mach_assumed;
    char mach_label[120];
    int64_t context;

    /* decisions */
    bool infer;
    mp_infer_req ireq;
    mp_infer_result ires;
    mp_infer_result ires1;    /* the same with one request (== ires when batch is 1) */
    int n_fits;
    mp_fit_infer fits[MP_FIT_MAX];
    bool nofit;               /* even the smallest format does not fit one machine */
    int macs_needed;          /* Macs a run that does not fit would need (> 4: none planned) */
    int n_macs;               /* machines needed (several-Macs plans) */
    int nodes;                /* Macs the inference estimate spreads the model over (>= 1) */
    mp_machine fit_mach;      /* c->mach with the memory of `nodes` Macs */

    bool train;
    mp_train_req treq;
    mp_train_result tres;
    int n_tfits;
    mp_fit_train tfits[6];
    const char *data_format;
    int64_t iters;

    bool pretrain;
    mp_arch parch;
    mp_train_req preq;
    mp_train_result pres;
    double pre_tokens;
    double pre_size;          /* the size asked of mp_arch_for_size (parameters) */
    double budget_h;
    /* a fine-tune over its time budget: what the budget covers and the
     * computed ways to meet it (summary lines) */
    int n_budget_notes;
    const char *budget_notes[4];
    /* the fine-tune asked for does not fit as asked (a float base): why the
     * plan quantizes the base (a summary line), or NULL */
    const char *base_note;

    unsigned sc;              /* scenarios the plan covers (mp_intent bits) */
    char run_model[200];      /* the model directory mlx_lm uses after conversion */

    /* the other models the request names, estimated as the planned one is */
    int n_alts;
    struct alt_model {
        const char *id;       /* as mlx_lm takes it */
        const char *error;    /* why it could not be estimated, or NULL */
        double params;
        mp_infer_req req;     /* req.arch is dangling after the estimate */
        mp_infer_result res;
        double ttft1_s;       /* time to first token of one request alone */
        const char *reproduce;
    } alts[MAX_ALTS];
} ctx;

static const struct {
    const char *id, *title;
} section_names[MP_SEC_COUNT] = {
    {"summary", "Summary and verdict"},
    {"understood", "What was understood"},
    {"architecture", "Architecture"},
    {"dependencies", "Dependencies"},
    {"steps", "Implementation steps"},
    {"targets", "Performance targets"},
    {"code", "Code patterns"},
    {"testing", "Testing and validation"},
    {"optimization", "Optimisation guide"},
    {"deployment", "Deployment"},
    {"todo", "Todo checklist"},
    {"sources", "Sources"},
};

static const char *S(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *S(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = mp_arena_vprintf(c->p->arena, fmt, ap);
    va_end(ap);
    return s ? s : "";
}

static const char *gib(ctx *c, double bytes)
{
    char b[32];
    mp_fmt_gib(bytes, b, sizeof b);
    return S(c, "%s GiB", b);
}

static const char *rate(ctx *c, double v)
{
    char b[32];
    mp_fmt_rate(v, b, sizeof b);
    return S(c, "%s", b);
}

static const char *count(ctx *c, double v)
{
    char b[40];
    mp_fmt_count(v, b, sizeof b);
    return S(c, "%s", b);
}

static const char *dur(ctx *c, double s)
{
    char b[40];
    mp_fmt_duration(s, b, sizeof b);
    return S(c, "%s", b);
}

static const char *params_txt(ctx *c, double n)
{
    char b[32];
    mp_fmt_params(n, b, sizeof b);
    return S(c, "%s", b);
}

static const char *qlabel(ctx *c, const mp_quant *q)
{
    char b[64];
    mp_quant_label(q, b, sizeof b);
    return S(c, "%s", b);
}

/* ---- 1. understand ---------------------------------------------------------------- */

static int read_flags(ctx *c)
{
    const mp_plan_req *r = c->req;
    mp_spec *s = &c->p->spec;
    if (r->model)
        mp_spec_set_str(s, &s->model, "model", r->model, MP_PROV_FLAG, "--model");
    if (r->chip)
        mp_spec_set_str(s, &s->chip, "chip", r->chip, MP_PROV_FLAG, "--chip");
    if (r->memory_gb)
        mp_spec_set_num(s, &s->memory_gb, "memory", r->memory_gb, MP_PROV_FLAG, "--memory");
    if (r->context)
        mp_spec_set_num(s, &s->context, "context", (double)r->context, MP_PROV_FLAG, "--context");
    if (r->budget_hours > 0)
        mp_spec_set_num(s, &s->budget_hours, "time budget", r->budget_hours, MP_PROV_FLAG,
                        "--budget-hours");
    if (r->users > 0)
        mp_spec_set_num(s, &s->users, "concurrent requests", r->users, MP_PROV_FLAG, "--users");
    if (r->target_tok_s > 0)
        mp_spec_set_num(s, &s->target_tok_s, "target speed", r->target_tok_s, MP_PROV_FLAG,
                        "--min-tok-s");
    if (r->data) {
        const char *fmt = strcmp(r->data, "chat") == 0 || strcmp(r->data, "completions") == 0 ||
                                  strcmp(r->data, "text") == 0
                              ? r->data
                              : NULL;
        if (fmt)
            mp_spec_set_str(s, &s->data_format, "data format", fmt, MP_PROV_FLAG, "--data");
        else
            mp_spec_set_str(s, &s->data_path, "data path", r->data, MP_PROV_FLAG, "--data");
    }
    if (r->task) {
        mp_task t;
        int rc = mp_task_parse(r->task, &t, c->err);
        if (rc)
            return rc;
        unsigned in = t == MP_TASK_INFER      ? MP_INTENT_RUN
                      : t == MP_TASK_PRETRAIN ? MP_INTENT_PRETRAIN
                                              : MP_INTENT_FINETUNE;
        if (t != MP_TASK_INFER && t != MP_TASK_PRETRAIN)
            mp_spec_set_str(s, &s->task, "task", mp_task_name(t), MP_PROV_FLAG, "--task");
        s->intents = in;
        s->intents_prov = MP_PROV_FLAG;
        mp_strlcpy(s->intent_evidence, "--task", sizeof s->intent_evidence);
    }
    return 0;
}

static int resolve_machine(ctx *c)
{
    mp_spec *s = &c->p->spec;
    mp_plan *p = c->p;
    int mem = isnan(s->memory_gb.value) ? 0 : (int)s->memory_gb.value;
    if (!s->chip.value[0] && s->my_machine && c->req->detect) {
        mp_host h;
        mp_host_detect(&h, NULL);
        char name[200] = "";
        if (strstr(h.cpu_brand, "Apple M")) {
            if (h.gpu_cores)
                snprintf(name, sizeof name, "%s %dc", h.cpu_brand, h.gpu_cores);
            else
                snprintf(name, sizeof name, "%s", h.cpu_brand);
        } else if (h.has_nvidia) {
            snprintf(name, sizeof name, "%s", h.nvidia_name);
        }
        if (name[0]) {
            mp_spec_set_str(s, &s->chip, "chip", name, MP_PROV_DETECTED, "hw detect");
            if (!mem && h.memory_gib > 0 && strstr(h.cpu_brand, "Apple M")) {
                mem = (int)(h.memory_gib + 0.5);
                mp_spec_set_num(s, &s->memory_gb, "memory", mem, MP_PROV_DETECTED, "hw detect");
            }
        }
    }
    const char *chip = s->chip.value;
    bool cuda = (s->intents & MP_INTENT_CUDA) != 0;
    if (!chip[0]) {
        if (c->req->strict)
            return mp_error_set(c->err, MP_EINVAL, "%s: the request names no machine "
                                "(give %s and %s)", mp_pname(MP_P_STRICT),
                                mp_pname(MP_P_CHIP), mp_pname(MP_P_MEMORY));
        chip = cuda ? DEFAULT_NVIDIA : DEFAULT_CHIP;
        if (!mem && !cuda)
            mem = DEFAULT_MEMORY_GB;
        mp_spec_set_str(s, &s->chip, "chip", chip, MP_PROV_ASSUMED, "no machine named");
        if (!cuda)
            mp_spec_set_num(s, &s->memory_gb, "memory", mem, MP_PROV_ASSUMED, "no machine named");
        c->mach_assumed = true;
        mp_doc_assume(p, "The machine is an %s with %d GB: the request names none.",
                      cuda ? DEFAULT_NVIDIA : DEFAULT_CHIP, cuda ? 24 : mem);
        mp_doc_question(p, "Which machine will run this (chip, GPU cores, memory)?  "
                           "`mlxplan hw detect` prints it.");
    }
    mp_chip_match m;
    mp_error sub;
    mp_error_clear(&sub);
    int rc = mp_chip_resolve(chip, mem, &m, &sub);
    if (rc == MP_EAMBIGUOUS) {
        /* take the smaller bin: estimates err on the slow side */
        mp_chip pick = m.candidates[0];
        for (int i = 1; i < m.n_candidates; i++)
            if (m.candidates[i].gpu_cores < pick.gpu_cores)
                pick = m.candidates[i];
        if (c->req->strict)
            return mp_error_set(c->err, MP_EINVAL, "%s: %s", mp_pname(MP_P_STRICT), sub.msg);
        m.chip = pick;
        char alts[200] = "";
        size_t k = 0;
        for (int i = 0; i < m.n_candidates && k < sizeof alts; i++)
            k += (size_t)snprintf(alts + k, sizeof alts - k, "%s%s", i ? " or " : "",
                                  m.candidates[i].short_name);
        mp_doc_assume(p, "'%s' is %s: planned for the %s (fewer GPU cores, lower bandwidth), so "
                      "the other bin only runs faster.", s->chip.evidence, alts,
                      pick.short_name);
        mp_doc_question(p, "How many GPU cores does your %s have (%s)?  `mlxplan hw detect` "
                           "tells.", s->chip.value, alts);
        if (!mem)
            mem = 0;
    } else if (rc) {
        *c->err = sub;
        return rc;
    }
    if (mem && !mp_chip_offers_memory(&m.chip, mem)) {
        if (s->memory_gb.prov >= MP_PROV_REQUEST) {
            rc = mp_chip_check_memory(&m.chip, mem, c->err);
            return rc;
        }
        mem = 0;
    }
    rc = mp_machine_init(&c->mach, &m.chip, mem, c->err);
    if (rc)
        return rc;
    if (c->mach.memory_assumed) {
        mp_spec_set_num(s, &s->memory_gb, "memory", c->mach.memory_gb, MP_PROV_ASSUMED,
                        "smallest configuration of the chip");
        if (!c->mach_assumed) {
            mp_doc_assume(p, "The %s has %d GB, its smallest configuration: the request gives "
                          "no memory size.", m.chip.short_name, c->mach.memory_gb);
            mp_doc_question(p, "How much memory does the %s have?", m.chip.short_name);
        }
    }
    c->have_mach = true;
    snprintf(c->mach_label, sizeof c->mach_label, "%s, %d GB", c->mach.chip.short_name,
             c->mach.memory_gb);
    p->machine = S(c, "%s", c->mach_label);
    if (c->mach.chip.vendor == MP_VENDOR_NVIDIA)
        s->intents |= MP_INTENT_CUDA;
    return 0;
}

/* Candidate models when the request names none (open, dense, chat-tuned). */
static const char *const default_models[] = {
    "Qwen/Qwen3-32B", "google/gemma-3-27b-it", "Qwen/Qwen3-14B", "Qwen/Qwen3-8B",
    "meta-llama/Llama-3.1-8B-Instruct", "google/gemma-3-4b-it", "Qwen/Qwen3-4B",
    "Qwen/Qwen3-1.7B", "Qwen/Qwen3-0.6B", NULL,
};

static int load_model(ctx *c, const char *id)
{
    mp_load_opts lo = {c->req->offline};
    int rc = c->req->names_only ? mp_model_load_name(id, &lo, &c->arch, &c->origin, c->err)
                                : mp_model_load(id, &lo, &c->arch, &c->origin, c->err);
    if (rc)
        return rc;
    c->have_arch = true;
    c->model_id = S(c, "%s", c->origin.kind == MP_ORIGIN_REGISTRY ? c->arch.id : id);
    c->p->model_id = c->model_id;
    return 0;
}

/* Hours a fine-tune of an unnamed model may take: the request's budget, or 8 (a night). */
static double train_budget_h(const ctx *c)
{
    double h = c->p->spec.budget_hours.value;
    return isnan(h) ? 8 : h;
}

/* The largest default model whose chosen task fits the machine (and, for a
 * fine-tune, trains 1,000 iterations within the time budget). */
static int choose_model(ctx *c, bool for_training)
{
    mp_spec *s = &c->p->spec;
    for (int i = 0; default_models[i]; i++) {
        const mp_model_row *row = mp_registry_find(default_models[i]);
        if (!row)
            continue;
        mp_arch a;
        if (mp_registry_arch(row, &a, NULL) != 0)
            continue;
        if (!isnan(s->model_size.value) && fabs(mp_arch_params(&a) / s->model_size.value - 1) > 0.35) {
            mp_arch_release(&a);
            continue;
        }
        bool ok;
        if (for_training) {
            mp_train_req t;
            memset(&t, 0, sizeof t);
            t.arch = &a;
            t.mach = &c->mach;
            t.task = MP_TASK_QLORA;
            mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a.dtype};
            t.base_quant = q4;
            t.batch = 1;
            t.seq_len = 2048;
            t.num_layers = 16 < a.n_layers ? 16 : (int)a.n_layers;
            t.rank = 8;
            t.grad_checkpoint = true;
            t.iters = 1000;
            mp_train_result r;
            ok = mp_train(&t, &r, NULL) == 0 && r.verdict_point == MP_FITS &&
                 r.total_s <= train_budget_h(c) * 3600;
        } else {
            mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a.dtype};
            mp_infer_req r = {&a, &c->mach, q4, c->context, c->context, 1, 0, 64, 0, 0, NULL};
            mp_infer_result res;
            ok = mp_infer(&r, &res, NULL) == 0 && res.verdict_point == MP_FITS &&
                 res.decode_tok_s >= 15;
        }
        mp_arch_release(&a);
        if (ok) {
            mp_spec_set_str(s, &s->model, "model", row->id, MP_PROV_ASSUMED,
                            for_training ? "largest default model whose QLoRA fits the budget"
                                         : "largest default model that fits at 4-bit");
            c->model_assumed = true;
            mp_doc_assume(c->p, "The model is %s, the largest of mlxplan's default open models "
                          "(Qwen3, Gemma 3, Llama 3.1) that %s on the %s: the request names "
                          "%s.", row->id,
                          for_training ? S(c, "fine-tunes (QLoRA, batch 1, checkpointing, "
                                              "1,000 iterations of 2,048 tokens) within %s h",
                                           rate(c, train_budget_h(c)))
                                       : "runs at 4-bit above 15 tok/s",
                          c->mach_label, s->unknown_model[0] ? "none mlxplan knows" : "none");
            if (!s->unknown_model[0])
                mp_doc_question(c->p, "Which model do you want (a Hugging Face id, or a size "
                                      "and family)?");
            return load_model(c, row->id);
        }
    }
    return mp_error_set(c->err, MP_EINVAL, "no default model fits %s; name a model with %s",
                        c->mach_label, mp_pname(MP_P_MODEL));
}

/* ---- 2. decide ------------------------------------------------------------------------ */

/* The weight format a run of `a` uses: the one the user named, else the
 * checkpoint's own quantization, else the best-quality option of `fits`
 * (never 16-bit when a quantized option fits: decode is bandwidth-bound and
 * 16-bit halves it for little gain); affine 4-bit with *nofit set when
 * nothing fits. */
static mp_quant pick_quant(const mp_spec *s, const mp_arch *a, const mp_fit_infer *fits, int n,
                           bool *nofit)
{
    mp_quant q;
    if (s->quant.value[0] && mp_quant_parse(s->quant.value, 0, a->dtype, &q, NULL) == 0)
        return q;
    if (a->has_config_quant)
        return a->config_quant;
    if (n > 0) {
        q = fits[0].quant;
        for (int i = 0; i < n; i++)
            if (fits[i].quant.mode != MP_Q_FLOAT) {
                if (fits[0].quant.mode == MP_Q_FLOAT)
                    q = fits[i].quant;
                break;
            }
        return q;
    }
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a->dtype};
    *nofit = true;
    return q4;
}

/* The KV-cache bits of the fit option with format `q` (0: 16-bit), unless
 * the request asks for some. */
static int pick_kv_bits(const mp_spec *s, const mp_fit_infer *fits, int n, const mp_quant *q)
{
    if (!isnan(s->kv_bits.value))
        return (int)s->kv_bits.value;
    int kv = 0;
    for (int i = 0; i < n; i++)
        if (memcmp(&fits[i].quant, q, sizeof *q) == 0)
            kv = fits[i].kv_bits;
    return kv;
}

static const char *quant_arg(ctx *c, const mp_quant *q);

static int decide_inference(ctx *c)
{
    mp_spec *s = &c->p->spec;
    int batch = 1;
    if (c->sc & MP_INTENT_SERVE) {
        if (!isnan(s->users.value)) {
            batch = (int)s->users.value;
        } else {
            batch = 4;
            mp_doc_assume(c->p, "The server takes 4 requests at a time: the request does not "
                                "say how many users.");
            mp_doc_question(c->p, "How many requests must the server answer at the same time?");
        }
    }
    /* the user asked for N Macs: plan the format for their memory together;
     * with pipeline parallelism every token passes through the Macs in turn,
     * so the speed is that of one Mac reading the whole model */
    c->nodes = 1;
    c->fit_mach = c->mach;
    if ((c->sc & MP_INTENT_DISTRIBUTED) && !isnan(s->n_macs.value) && s->n_macs.value >= 2 &&
        c->mach.chip.vendor == MP_VENDOR_APPLE) {
        c->nodes = (int)s->n_macs.value;
        c->fit_mach.ram_bytes *= c->nodes;
        c->fit_mach.gpu_default_bytes *= c->nodes;
        c->fit_mach.gpu_max_bytes *= c->nodes;
    }
    mp_fit_infer_req fr = {&c->arch, &c->fit_mach, c->context,
                           isnan(s->target_tok_s.value) ? 0 : s->target_tok_s.value, batch,
                           true, false};
    int rc = mp_fit_inference(&fr, c->fits, MP_FIT_MAX, &c->n_fits, c->err);
    if (rc)
        return rc;
    /* mlx_lm.fuse keeps the quantized base's format */
    mp_quant q = c->train && c->treq.base_quant.mode != MP_Q_FLOAT
                     ? c->treq.base_quant
                     : pick_quant(s, &c->arch, c->fits, c->n_fits, &c->nofit);
    int kv = pick_kv_bits(s, c->fits, c->n_fits, &q);
    mp_infer_req r = {&c->arch, &c->fit_mach, q, c->context,
                      c->context < 4096 ? c->context : 4096, batch, kv, 64, 0, 0, NULL};
    c->ireq = r;
    rc = mp_infer(&c->ireq, &c->ires, c->err);
    if (rc)
        return rc;
    c->ires1 = c->ires;
    if (batch > 1) {
        mp_infer_req one = c->ireq;
        one.batch = 1;
        if ((rc = mp_infer(&one, &c->ires1, c->err)) != 0)
            return rc;
    }
    c->infer = true;
    if (c->ires.verdict == MP_NO_FIT) {
        c->nofit = true;
        double per = 0.9 * c->mach.gpu_default_bytes;
        c->n_macs = (int)ceil(c->ires.total_bytes / per);
        c->macs_needed = c->n_macs;
        /* a cluster only when the request asks for several Macs or a few
         * suffice; otherwise the plan gives the nearest options (understand.c) */
        if (c->n_macs > 4 && !(c->sc & MP_INTENT_DISTRIBUTED))
            c->n_macs = 1;
        if (c->n_macs >= 2 && c->mach.chip.vendor == MP_VENDOR_APPLE) {
            c->sc |= MP_INTENT_DISTRIBUTED;
            /* re-estimate on the Macs it needs (same format) */
            c->nodes = c->n_macs;
            c->fit_mach = c->mach;
            c->fit_mach.ram_bytes *= c->nodes;
            c->fit_mach.gpu_default_bytes *= c->nodes;
            c->fit_mach.gpu_max_bytes *= c->nodes;
            c->ireq.mach = &c->fit_mach;
            if ((rc = mp_infer(&c->ireq, &c->ires, c->err)) != 0)
                return rc;
            c->ires1 = c->ires;
        }
    }
    if (!isnan(s->n_macs.value) && (int)s->n_macs.value > c->n_macs)
        c->n_macs = (int)s->n_macs.value;
    const mp_infer_result *e = &c->ires;
    mp_doc_number(c->p, "weights_bytes", floor(e->weights.bytes), "bytes", e->weights.basis);
    mp_doc_number(c->p, "kv_cache_bytes", floor(e->kv.bytes), "bytes", e->kv.basis);
    mp_doc_number(c->p, "total_bytes", floor(e->total_bytes), "bytes",
                  "weights + KV cache + prefill activations (mlxplan estimate)");
    mp_doc_number(c->p, "gpu_limit_bytes", floor(e->budget_bytes), "bytes", c->mach.budget_basis);
    mp_doc_number(c->p, "decode_tok_s", e->decode_tok_s, "tok/s", e->decode_basis);
    mp_doc_number(c->p, "prefill_tok_s", e->prefill_tok_s, "tok/s", e->prefill_basis);
    mp_doc_number(c->p, "ttft_s", c->ires1.ttft_s, "s",
                  "prefill of one prompt, then one decode step");
    if (e->batch > 1) {
        mp_doc_number(c->p, "batch", e->batch, "requests", "requests decoded together");
        mp_doc_number(c->p, "decode_total_tok_s", e->decode_total_tok_s, "tok/s",
                      "all requests of the batch");
        mp_doc_number(c->p, "ttft_batch_s", e->ttft_s, "s",
                      "prefill of every prompt of the batch, then one decode step");
    }
    mp_doc_number(c->p, "context_tokens", (double)c->context, "tokens", "the context planned for");
    return 0;
}

/* Estimate `a` for the comparison table as the planned model is estimated:
 * the same machine, context, prompt and batch; format `q`, or (NULL) the
 * one pick_quant chooses.  Fills m (res, ttft1_s, reproduce) or m->error. */
static void estimate_alt(ctx *c, struct alt_model *m, const mp_arch *a, const mp_quant *q)
{
    const mp_spec *s = &c->p->spec;
    mp_error e;
    mp_error_clear(&e);
    mp_fit_infer fits[MP_FIT_MAX];
    int n = 0;
    mp_fit_infer_req fr = {a, &c->mach, c->context,
                           isnan(s->target_tok_s.value) ? 0 : s->target_tok_s.value,
                           c->ireq.batch, true, false};
    if (mp_fit_inference(&fr, fits, MP_FIT_MAX, &n, &e) != 0) {
        m->error = S(c, "%s", e.msg);
        return;
    }
    bool nofit = false;
    mp_quant fq = q ? *q : pick_quant(s, a, fits, n, &nofit);
    mp_infer_req r = {a, &c->mach, fq, c->ireq.context_tokens, c->ireq.prompt_tokens,
                      c->ireq.batch, pick_kv_bits(s, fits, n, &fq), 64, 0, 0, NULL};
    int rc = mp_infer(&r, &m->res, &e);
    m->ttft1_s = m->res.ttft_s;
    if (rc == 0 && r.batch > 1) {
        mp_infer_result one;
        mp_infer_req r1 = r;
        r1.batch = 1;
        if ((rc = mp_infer(&r1, &one, &e)) == 0)
            m->ttft1_s = one.ttft_s;
    }
    if (rc) {
        m->error = S(c, "%s", e.msg);
        return;
    }
    m->req = r;
    m->req.arch = NULL; /* `a` may be released after this */
    m->params = mp_arch_params(a);
    m->reproduce = S(c, "mlxplan estimate --model %s --chip \"%s\" --memory %d --quant %s "
                        "--context %lld --prompt %lld --batch %d%s",
                     m->id, c->mach.chip.short_name, c->mach.memory_gb, quant_arg(c, &fq),
                     (long long)r.context_tokens, (long long)r.prompt_tokens, r.batch,
                     r.kv_bits ? S(c, " --kv-bits %d", r.kv_bits) : "");
}

/* What the request names besides the planned setup, side by side with it:
 * other models ("Qwen3-8B or Llama 3.1 8B?"), each in the format the same
 * rule picks, and other formats of the planned model ("4-bit vs 8-bit").
 * An entry that cannot be read or estimated keeps its error for the
 * summary; it does not fail the plan. */
static void compare_models(ctx *c)
{
    const mp_spec *s = &c->p->spec;
    /* the other formats, parsed for this model's dtype (the same for all) */
    mp_quant alt_q[MP_SPEC_MAX_ALT_QUANTS];
    int nq = 0;
    for (int k = 0; k < s->n_alt_quants; k++)
        if (mp_quant_parse(s->alt_quants[k].value, 0, c->arch.dtype, &alt_q[nq], NULL) == 0 &&
            memcmp(&alt_q[nq], &c->ireq.quant, sizeof alt_q[nq]) != 0)
            nq++;
    for (int k = 0; k < nq && c->n_alts < MAX_ALTS; k++) {
        struct alt_model *m = &c->alts[c->n_alts++];
        memset(m, 0, sizeof *m);
        m->id = c->model_id;
        estimate_alt(c, m, &c->arch, &alt_q[k]);
    }
    /* each other model in the format the rule picks, then in the other formats */
    for (int k = 0; k < s->n_alt_models; k++) {
        const char *name = s->alt_models[k].value;
        if (mp_ieq(name, c->model_id) || c->n_alts >= MAX_ALTS)
            continue;
        struct alt_model *m = &c->alts[c->n_alts++];
        memset(m, 0, sizeof *m);
        m->id = S(c, "%s", name);
        mp_load_opts lo = {c->req->offline};
        mp_arch a;
        mp_origin o;
        mp_error e;
        mp_error_clear(&e);
        int rc = c->req->names_only ? mp_model_load_name(name, &lo, &a, &o, &e)
                                    : mp_model_load(name, &lo, &a, &o, &e);
        if (rc) {
            m->error = S(c, "%s", e.msg);
            continue;
        }
        if (o.kind == MP_ORIGIN_REGISTRY)
            m->id = S(c, "%s", a.id);
        estimate_alt(c, m, &a, NULL);
        for (int j = 0; j < nq && c->n_alts < MAX_ALTS && !m->error; j++) {
            if (memcmp(&alt_q[j], &m->req.quant, sizeof alt_q[j]) == 0)
                continue;
            struct alt_model *mq = &c->alts[c->n_alts++];
            memset(mq, 0, sizeof *mq);
            mq->id = m->id;
            estimate_alt(c, mq, &a, &alt_q[j]);
        }
        mp_arch_release(&a);
    }
}

/* The fine-tune takes longer than the budget: say what the budget covers and
 * estimate, with the same engine, the changes that would meet it. */
static void check_train_budget(ctx *c, double budget_s)
{
    const mp_train_result *t = &c->tres;
    if (t->total_s <= budget_s)
        return;
    double per_iter = t->total_s / (double)c->iters;
    int64_t fits = (int64_t)floor(budget_s / per_iter);
    c->budget_notes[c->n_budget_notes++] =
        S(c, "Over the %g h budget: %lld iterations need %s; the budget covers %lld iterations "
             "(%.0f%% of the plan).", budget_s / 3600, (long long)c->iters, dur(c, t->total_s),
          (long long)fits, 100.0 * (double)fits / (double)c->iters);
    /* cheaper settings, each estimated for the full iteration count */
    struct {
        const char *what, *how;
        int layers;
        int64_t seq;
    } opts[] = {
        {"shorter sequences", "max_seq_length: 512, if your examples fit", 0, 512},
        {"fewer adapted layers", "num_layers: 4", 4, 0},
    };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0] && c->n_budget_notes < 4; i++) {
        mp_train_req r = c->treq;
        if (opts[i].layers && opts[i].layers < r.num_layers)
            r.num_layers = opts[i].layers;
        if (opts[i].seq && opts[i].seq < r.seq_len)
            r.seq_len = opts[i].seq;
        mp_train_result x;
        if (mp_train(&r, &x, NULL) != 0)
            continue;
        c->budget_notes[c->n_budget_notes++] =
            S(c, "With %s (%s): %s for the %lld iterations%s.", opts[i].what, opts[i].how,
              dur(c, x.total_s), (long long)c->iters,
              x.total_s <= budget_s ? ", inside the budget" : "");
    }
    /* a smaller default model with the same settings */
    double mine = mp_arch_params(&c->arch);
    for (int i = 0; default_models[i] && c->n_budget_notes < 4; i++) {
        const mp_model_row *row = mp_registry_find(default_models[i]);
        mp_arch a;
        if (!row || mp_registry_arch(row, &a, NULL) != 0)
            continue;
        mp_train_req r = c->treq;
        r.arch = &a;
        if (r.num_layers > a.n_layers)
            r.num_layers = (int)a.n_layers;
        mp_train_result x;
        bool ok = mp_arch_params(&a) < 0.8 * mine && mp_train(&r, &x, NULL) == 0 &&
                  x.verdict != MP_NO_FIT && x.total_s <= budget_s;
        if (ok)
            c->budget_notes[c->n_budget_notes++] =
                S(c, "A smaller model with the same settings: %s trains the %lld iterations in "
                     "%s.", row->id, (long long)c->iters, dur(c, x.total_s));
        mp_arch_release(&a);
        if (ok)
            break;
    }
}

static const char *task_title(mp_task t)
{
    switch (t) {
    case MP_TASK_LORA: return "LoRA";
    case MP_TASK_DORA: return "DoRA";
    case MP_TASK_QLORA: return "QLoRA";
    case MP_TASK_FULL: return "Full fine-tune";
    default: return mp_task_name(t);
    }
}

static int decide_training(ctx *c)
{
    mp_spec *s = &c->p->spec;
    mp_task task = MP_TASK_LORA;
    if (s->task.value[0])
        mp_task_parse(s->task.value, &task, NULL);
    mp_train_req want;
    memset(&want, 0, sizeof want);
    want.arch = &c->arch;
    want.mach = &c->mach;
    want.task = task;
    want.base_quant = mp_quant_float(c->arch.dtype == MP_DT_F32 ? MP_DT_BF16 : c->arch.dtype);
    if (task == MP_TASK_QLORA) {
        mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, c->arch.dtype};
        want.base_quant = q4;
    }
    if (c->arch.has_config_quant) {
        want.base_quant = c->arch.config_quant;
        if (task == MP_TASK_LORA)
            want.task = MP_TASK_QLORA;
    }
    want.batch = 4;
    want.seq_len = 2048;
    want.num_layers = 16 < c->arch.n_layers ? 16 : (int)c->arch.n_layers;
    want.rank = 8;
    want.grad_accum = 1;
    want.optim = MP_OPT_ADAM;
    int rc = mp_fit_training(&want, c->tfits, 6, &c->n_tfits, c->err);
    if (rc)
        return rc;
    if (c->n_tfits > 0) {
        c->treq = c->tfits[0].req;
        if (want.base_quant.mode == MP_Q_FLOAT && c->treq.base_quant.mode != MP_Q_FLOAT) {
            /* the smallest setting on the float base, to say by how much it misses */
            mp_train_req least = want;
            least.batch = 1;
            least.grad_checkpoint = true;
            least.num_layers = 1;
            mp_train_result r;
            if (mp_train(&least, &r, NULL) == 0)
                c->base_note = S(c, "%s on the %s base needs %s even with one adapted layer, "
                                    "batch 1 and checkpointing, over the %s GPU limit: the base "
                                    "is stored in %s (QLoRA), the most precise format that fits.",
                                 task_title(want.task), mp_dtype_name(want.base_quant.dtype),
                                 gib(c, r.total_bytes), gib(c, r.budget_bytes),
                                 qlabel(c, &c->treq.base_quant));
        }
    } else {
        c->treq = want;
        c->treq.batch = 1;
    }
    /* iterations: one pass over the data when its size is known */
    c->iters = 1000;
    double examples = s->data_examples.value;
    if (!isnan(examples) && examples > 0) {
        int64_t per_iter = c->treq.batch;
        c->iters = (int64_t)ceil(examples * 0.8 / (double)per_iter) * 2; /* two epochs */
        if (c->iters < 100)
            c->iters = 100;
    }
    c->treq.iters = c->iters;
    rc = mp_train(&c->treq, &c->tres, c->err);
    if (rc)
        return rc;
    c->train = true;
    if (!isnan(examples) && examples > 0)
        mp_doc_assume(c->p, "Every example is taken to fill %lld tokens (max_seq_length); "
                      "mlx-lm trains on the real lengths, so shorter examples finish sooner in "
                      "proportion.", (long long)c->treq.seq_len);
    if (!isnan(s->budget_hours.value))
        check_train_budget(c, s->budget_hours.value * 3600);
    mp_doc_number(c->p, "train_total_bytes", floor(c->tres.total_bytes), "bytes",
                  "frozen weights + adapters + gradients + optimizer state + activations + "
                  "logits (mlxplan estimate --task)");
    mp_doc_number(c->p, "train_tok_s", c->tres.tok_s, "tok/s", c->tres.speed_basis);
    mp_doc_number(c->p, "train_it_s", c->tres.it_s, "it/s", "micro-batches per second");
    mp_doc_number(c->p, "train_total_s", c->tres.total_s, "s", c->tres.total_basis);
    mp_doc_number(c->p, "trainable_params", c->tres.trainable_params, "parameters",
                  c->tres.trainable.basis);
    return 0;
}

/* From scratch: the largest decoder whose training fits the machine and whose
 * token budget (given, or 20 per parameter) trains within the time budget. */
static int decide_pretrain(ctx *c)
{
    mp_spec *s = &c->p->spec;
    c->budget_h = isnan(s->budget_hours.value) ? 24 : s->budget_hours.value;
    if (isnan(s->budget_hours.value)) {
        mp_doc_assume(c->p, "The training budget is 24 hours of machine time: the request gives "
                      "none.");
        mp_doc_question(c->p, "How long may training run (hours), and how many tokens of data "
                              "do you have?");
    }
    static const double sizes[] = {2e9, 1.3e9, 760e6, 350e6, 125e6, 50e6, 20e6, 10e6};
    double given_size = s->model_size.value;
    int64_t ctxlen = c->context > 0 && c->context <= 4096 ? c->context : 1024;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        double n = isnan(given_size) ? sizes[i] : given_size;
        mp_arch a;
        int rc = mp_flow_pretrain_size(n, MP_DT_F32, &a, c->err);
        if (rc)
            return rc;
        mp_train_req r;
        memset(&r, 0, sizeof r);
        r.arch = &a;
        r.mach = &c->mach;
        r.task = MP_TASK_PRETRAIN;
        r.base_quant = mp_quant_float(MP_DT_F32);
        r.train_dtype = n > 400e6 ? MP_DT_BF16 : MP_DT_F32;
        r.batch = 8;
        r.seq_len = ctxlen;
        r.num_layers = -1;
        r.optim = MP_OPT_ADAMW;
        r.grad_accum = 1;
        r.grad_checkpoint = n > 400e6;
        double tokens = !isnan(s->data_tokens.value) ? s->data_tokens.value
                                                     : 20.0 * mp_arch_params(&a);
        r.dataset_tokens = tokens;
        mp_train_result res;
        rc = mp_train(&r, &res, c->err);
        if (rc) {
            mp_arch_release(&a);
            return rc;
        }
        bool fits = res.verdict_point == MP_FITS;
        bool in_time = res.total_s <= c->budget_h * 3600 * 1.05;
        if ((fits && in_time) || !isnan(given_size) || i + 1 == sizeof sizes / sizeof sizes[0]) {
            c->parch = a;
            c->preq = r;
            c->preq.arch = &c->parch;
            c->pres = res;
            c->pre_tokens = tokens;
            c->pre_size = n;
            c->pretrain = true;
            c->p->model_id = S(c, "%s", a.id);
            mp_doc_number(c->p, "model_params", mp_arch_params(&a), "parameters",
                          "llama-style decoder sized by mlxplan");
            mp_doc_number(c->p, "train_total_bytes", floor(res.total_bytes), "bytes",
                          "weights + gradients + AdamW state + activations + logits");
            mp_doc_number(c->p, "train_tok_s", res.tok_s, "tok/s", res.speed_basis);
            mp_doc_number(c->p, "train_total_s", res.total_s, "s", res.total_basis);
            mp_doc_number(c->p, "train_tokens", tokens, "tokens",
                          !isnan(s->data_tokens.value) ? "the data the request gives"
                                                       : "20 tokens per parameter (Chinchilla)");
            if (!in_time && c->n_budget_notes < 4) {
                /* the size was given (or nothing smaller fits the time): say
                 * what the budget buys at the estimated throughput */
                double budget_s = c->budget_h * 3600;
                double covered = res.tok_s * budget_s;
                c->budget_notes[c->n_budget_notes++] = S(
                    c, "Over the %s h budget: %s tokens need %s; the budget covers %s tokens at "
                       "%s tok/s (%.1f tokens per parameter).",
                    rate(c, c->budget_h), params_txt(c, tokens), dur(c, res.total_s),
                    params_txt(c, covered), rate(c, res.tok_s), covered / mp_arch_params(&a));
            }
            return 0;
        }
        mp_arch_release(&a);
    }
    return 0;
}

/* ---- 3. write ----------------------------------------------------------------------- */

/* The task as MLX-LM users write it. */
static const char *pin(const char *key)
{
    const char *v = mp_kb_version(key);
    return v ? v : "?";
}

static bool is_cuda(const ctx *c)
{
    return c->have_mach && c->mach.chip.vendor == MP_VENDOR_NVIDIA;
}

static void write_understood(ctx *c)
{
    mp_plan *p = c->p;
    mp_spec *s = &p->spec;
    mp_block *t = mp_doc_table(p, MP_SEC_UNDERSTOOD, 4, "input\tvalue\tfrom\tevidence");
    char in[200] = "";
    size_t k = 0;
    for (int b = 0; b < MP_INTENT_COUNT; b++)
        if (c->sc & (1u << b))
            k += (size_t)snprintf(in + k, sizeof in - k, "%s%s", k ? ", " : "",
                                  mp_intent_name(1u << b));
    mp_doc_row(p, t, "goal\t%s\t%s\t%s", in,
               s->intents_prov ? mp_prov_name(s->intents_prov) : "assumed",
               s->intent_evidence[0] ? s->intent_evidence : "no task named: run the model");
    const struct {
        const char *name;
        const mp_sfield *f;
    } strs[] = {{"model", &s->model},       {"task", &s->task},
                {"chip", &s->chip},         {"data format", &s->data_format},
                {"data path", &s->data_path}, {"format asked", &s->quant},
                {"quantization method", &s->quant_method}};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (strs[i].f->prov)
            mp_doc_row(p, t, "%s\t%s\t%s\t%s", strs[i].name, strs[i].f->value,
                       mp_prov_name(strs[i].f->prov), strs[i].f->evidence);
    const struct {
        const char *name, *unit;
        const mp_nfield *f;
    } nums[] = {{"model size", "parameters", &s->model_size},
                {"memory", "GB", &s->memory_gb},
                {"context", "tokens", &s->context},
                {"data", "examples", &s->data_examples},
                {"data", "tokens", &s->data_tokens},
                {"target speed", "tok/s", &s->target_tok_s},
                {s->observed_training ? "observed training speed" : "observed speed", "tok/s",
                 &s->observed_tok_s},
                {"time budget", "hours", &s->budget_hours},
                {"machines", "Macs", &s->n_macs},
                {"concurrent requests", "requests", &s->users},
                {"KV cache", "bits", &s->kv_bits}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        if (nums[i].f->prov)
            mp_doc_row(p, t, "%s\t%s %s\t%s\t%s", nums[i].name,
                       nums[i].f == &s->model_size ? params_txt(c, nums[i].f->value)
                                                   : count(c, nums[i].f->value),
                       nums[i].unit, mp_prov_name(nums[i].f->prov), nums[i].f->evidence);
    for (int i = 0; i < s->n_alt_models; i++)
        mp_doc_row(p, t, "compared with\t%s\t%s\t%s", s->alt_models[i].value,
                   mp_prov_name(s->alt_models[i].prov), s->alt_models[i].evidence);
    for (int i = 0; i < s->n_alt_quants; i++)
        mp_doc_row(p, t, "format compared\t%s\t%s\t%s", s->alt_quants[i].value,
                   mp_prov_name(s->alt_quants[i].prov), s->alt_quants[i].evidence);
    if (c->have_mach)
        mp_doc_row(p, t, "machine\t%s (%s, %g GB/s)\tresolved\tmlxplan hw show", c->mach_label,
                   c->mach.chip.name, c->mach.chip.bandwidth_gbs);
    if (s->n_contradictions) {
        mp_block *b = mp_doc_block(p, MP_SEC_UNDERSTOOD, MP_BLK_BULLETS);
        for (int i = 0; i < s->n_contradictions; i++)
            mp_doc_add(p, b, "Contradiction: %s.", s->contradictions[i]);
    }
}

/* How the main number changes on other machines (for the assumptions). */
static void alt_machines(ctx *c)
{
    if (!c->mach_assumed || !c->have_arch || !c->infer || is_cuda(c))
        return;
    static const struct {
        const char *chip;
        int gb;
    } alts[] = {{"M2 10c", 16}, {"M4 Max 40c", 128}};
    for (size_t i = 0; i < sizeof alts / sizeof alts[0]; i++) {
        mp_chip_match m;
        mp_machine mach;
        if (mp_chip_resolve(alts[i].chip, alts[i].gb, &m, NULL) ||
            mp_machine_init(&mach, &m.chip, alts[i].gb, NULL))
            continue;
        mp_infer_req r = c->ireq;
        r.mach = &mach;
        mp_infer_result res;
        if (mp_infer(&r, &res, NULL))
            continue;
        mp_doc_assume(c->p, "On an %s with %d GB instead: %s, %s tok/s decode (%s).",
                      m.chip.short_name, alts[i].gb, mp_verdict_name(res.verdict),
                      rate(c, res.decode_tok_s), gib(c, res.total_bytes));
    }
}

/* The planned model and the others the request names, side by side;
 * returns the bullet list under the table (the summary goes on in it). */
static mp_block *write_comparison(ctx *c)
{
    mp_plan *p = c->p;
    const mp_infer_result *e = &c->ires;
    mp_block *b = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_PARA);
    mp_doc_add(p, b, "What the request names side by side, on the %s at %s tokens of context%s; "
               "a model without a format named runs in the one the same rule picks (the plan "
               "below is for %s in %s):",
               c->mach_label, count(c, (double)c->ireq.context_tokens),
               c->ireq.batch > 1 ? S(c, " and %d concurrent requests (decode per request; time "
                                                   "to first token of one request alone)",
                                                   c->ireq.batch)
                                 : "",
               c->model_id, qlabel(c, &e->quant));
    mp_block *t = mp_doc_table(p, MP_SEC_SUMMARY, 7,
                               "model\t>parameters\tformat\t>memory\t>decode\t>time to first "
                               "token\tverdict");
    mp_doc_row(p, t, "%s\t%s\t%s\t%s\t%s tok/s\t%s\t%s", c->model_id,
               params_txt(c, mp_arch_params(&c->arch)), qlabel(c, &e->quant),
               gib(c, e->total_bytes), rate(c, e->decode_tok_s), dur(c, c->ires1.ttft_s),
               mp_verdict_name(e->verdict));
    for (int k = 0; k < c->n_alts; k++) {
        const struct alt_model *m = &c->alts[k];
        if (m->error)
            continue;
        mp_doc_row(p, t, "%s\t%s\t%s\t%s\t%s tok/s\t%s\t%s", m->id, params_txt(c, m->params),
                   qlabel(c, &m->req.quant), gib(c, m->res.total_bytes),
                   rate(c, m->res.decode_tok_s), dur(c, m->ttft1_s),
                   mp_verdict_name(m->res.verdict));
    }
    /* another model kind (MoE vs dense) has bands of its own: listed once
     * per model after the bands of the rest */
    bool own[MAX_ALTS] = {false};
    bool any_own = false;
    for (int k = 0; k < c->n_alts; k++) {
        const struct alt_model *m = &c->alts[k];
        bool seen = false;
        for (int j = 0; j < k && !seen; j++)
            seen = own[j] && strcmp(c->alts[j].id, m->id) == 0;
        own[k] = !m->error && !seen && strcmp(m->id, c->model_id) != 0 &&
                 (m->res.band_mem_pct != e->band_mem_pct ||
                  m->res.band_decode_pct != e->band_decode_pct ||
                  m->res.band_prefill_pct != e->band_prefill_pct);
        any_own |= own[k];
    }
    mp_block *n = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_BULLETS);
    mp_doc_add(p, n, "Error bands%s: memory +/-%.0f%%, decode +/-%.0f%%, prefill +/-%.0f%%; "
               "each row is recomputed by its `mlxplan estimate` line in Sources.",
               any_own ? S(c, " of %s", c->model_id) : " of every row", e->band_mem_pct,
               e->band_decode_pct, e->band_prefill_pct);
    for (int k = 0; k < c->n_alts; k++)
        if (own[k])
            mp_doc_add(p, n, "Error bands of %s: memory +/-%.0f%%, decode +/-%.0f%%, prefill "
                       "+/-%.0f%%.",
                       c->alts[k].id, c->alts[k].res.band_mem_pct,
                       c->alts[k].res.band_decode_pct, c->alts[k].res.band_prefill_pct);
    for (int k = 0; k < c->n_alts; k++)
        if (c->alts[k].error)
            mp_doc_add(p, n, "%s could not be estimated: %s.", c->alts[k].id, c->alts[k].error);
    return n;
}

static void write_summary(ctx *c)
{
    mp_plan *p = c->p;
    char title[300];
    const char *what = c->pretrain                    ? "Train a transformer from scratch"
                       : (c->sc & MP_INTENT_FINETUNE) ? "Fine-tune"
                       : (c->sc & MP_INTENT_OPTIMIZE) ? "Speed up"
                       : (c->sc & MP_INTENT_QUANTIZE) ? "Quantize"
                       : (c->sc & MP_INTENT_SERVE)    ? "Serve"
                                                      : "Run";
    if (c->pretrain)
        snprintf(title, sizeof title, "%s with MLX on %s", what, c->mach_label);
    else
        snprintf(title, sizeof title, "%s %s%s on %s", what, c->model_id,
                 (c->sc & MP_INTENT_SERVE) && (c->sc & MP_INTENT_FINETUNE) ? " and serve it" : "",
                 c->mach_label);
    p->title = S(c, "%s", title);
    mp_block *b = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_BULLETS);
    if (c->pretrain) {
        const mp_arch *a = &c->parch;
        p->verdict = S(c, "%s", mp_verdict_name(c->pres.verdict));
        mp_doc_add(p, b, "**Verdict: %s.** A %s-parameter decoder (%lld layers, width %lld, %lld "
                   "heads, context %lld) needs %s (+/-%.0f%%) and trains on %s tokens in %s "
                   "(+/-%.0f%%).",
                   p->verdict, params_txt(c, mp_arch_params(a)), (long long)a->n_layers,
                   (long long)a->hidden, (long long)a->n_heads, (long long)c->preq.seq_len,
                   gib(c, c->pres.total_bytes), c->pres.band_mem_pct, params_txt(c, c->pre_tokens),
                   dur(c, c->pres.total_s), c->pres.band_speed_pct);
        mp_doc_add(p, b, "Throughput %s tok/s at batch %d x %lld tokens; budget %s h.",
                   rate(c, c->pres.tok_s), c->preq.batch, (long long)c->preq.seq_len,
                   rate(c, c->budget_h));
        for (int i = 0; i < c->n_budget_notes; i++)
            mp_doc_add(p, b, "%s", c->budget_notes[i]);
        return;
    }
    if (c->train) {
        const mp_train_result *t = &c->tres;
        p->verdict = S(c, "%s", mp_verdict_name(t->verdict));
        int nl = t->layers_trained;
        mp_doc_add(p, b, "**Verdict: %s.** %s of %s, base weights in %s: %d layers adapted, batch %d x "
                   "%d accumulation, %lld-token sequences%s; %s of %s GPU limit (+/-%.0f%%).",
                   p->verdict, task_title(c->treq.task), c->model_id,
                   qlabel(c, &c->treq.base_quant), nl, c->treq.batch, c->treq.grad_accum,
                   (long long)c->treq.seq_len, c->treq.grad_checkpoint ? ", checkpointed" : "",
                   gib(c, t->total_bytes), gib(c, t->budget_bytes), t->band_mem_pct);
        mp_doc_add(p, b, "Training: %s tok/s, %s it/s; %lld iterations take %s (+/-%.0f%%).",
                   rate(c, t->tok_s), rate(c, t->it_s), (long long)c->iters, dur(c, t->total_s),
                   t->band_speed_pct);
        if (c->base_note)
            mp_doc_add(p, b, "%s", c->base_note);
        for (int i = 0; i < c->n_budget_notes; i++)
            mp_doc_add(p, b, "%s", c->budget_notes[i]);
        if (!isnan(p->spec.observed_tok_s.value) && p->spec.observed_training)
            mp_doc_add(p, b, "You measure %s tok/s of training: %.0f%% of the %s tok/s this "
                       "setup should reach.", rate(c, p->spec.observed_tok_s.value),
                       100.0 * p->spec.observed_tok_s.value / t->tok_s, rate(c, t->tok_s));
    }
    if (c->infer) {
        const mp_infer_result *e = &c->ires;
        if (!p->verdict)
            p->verdict = S(c, "%s", c->nofit && c->n_macs >= 2 ? "needs several Macs"
                                                             : mp_verdict_name(e->verdict));
        if (e->batch > 1)
            mp_doc_add(p, b, "%s%s in %s with %d concurrent requests: %s at %s tokens of context "
                       "each (+/-%.0f%%); decode %s tok/s per request, %s tok/s in all "
                       "(+/-%.0f%%); time to first token %s for one %s-token prompt, %s for "
                       "the last of %d arriving together.",
                       c->train ? "Serving the result: " : S(c, "**Verdict: %s.** ", p->verdict),
                       c->model_id, qlabel(c, &e->quant), e->batch, gib(c, e->total_bytes),
                       count(c, (double)e->context_tokens), e->band_mem_pct,
                       rate(c, e->decode_tok_s), rate(c, e->decode_total_tok_s),
                       e->band_decode_pct, dur(c, c->ires1.ttft_s),
                       count(c, (double)e->prompt_tokens), dur(c, e->ttft_s), e->batch);
        else
            mp_doc_add(p, b, "%s%s in %s: %s at %s tokens of context (+/-%.0f%%); decode %s "
                       "tok/s (+/-%.0f%%), time to first token %s for a %s-token prompt.",
                       c->train ? "Serving the result: " : S(c, "**Verdict: %s.** ", p->verdict),
                       c->model_id, qlabel(c, &e->quant), gib(c, e->total_bytes),
                       count(c, (double)e->context_tokens), e->band_mem_pct,
                       rate(c, e->decode_tok_s), e->band_decode_pct, dur(c, e->ttft_s),
                       count(c, (double)e->prompt_tokens));
        if (c->nofit && c->n_macs >= 2)
            mp_doc_add(p, b, "It does not fit one %s (%s GPU limit).", c->mach_label,
                       gib(c, c->mach.gpu_default_bytes));
        if (c->nofit && c->nodes == 1 && c->mach.chip.vendor == MP_VENDOR_APPLE)
            mp_understand_nofit(p, b, &c->ireq, c->macs_needed);
        if (c->nodes > 1)
            mp_doc_add(p, b, "Split over %d Macs with pipeline parallelism: %s on each, of its "
                       "%s GPU limit. Every token passes through the Macs in turn, so decode "
                       "runs at about one Mac's speed over the whole model; the network hop "
                       "per Mac (Thunderbolt) comes on top and is not modelled.",
                       c->nodes, gib(c, e->total_bytes / c->nodes),
                       gib(c, c->mach.gpu_default_bytes));

        if (!isnan(p->spec.observed_tok_s.value) && !p->spec.observed_training)
            mp_doc_add(p, b, "You measure %s tok/s: %.0f%% of the %s tok/s this setup should "
                       "reach.", rate(c, p->spec.observed_tok_s.value),
                       100.0 * p->spec.observed_tok_s.value / e->decode_tok_s,
                       rate(c, e->decode_tok_s));
    }
    if (c->n_alts)
        b = write_comparison(c);
    mp_doc_add(p, b, "Checked against mlx %s and mlx-lm %s; every number above comes from "
               "`mlxplan estimate` with its basis below.",
               pin("mlx_pin"), pin("mlx_lm_pin"));
}

/* The from-scratch flow's inputs (plan/flow.h). */
static mp_flow_pretrain pretrain_flow(const ctx *c)
{
    return (mp_flow_pretrain){.arch = &c->parch, .req = &c->preq, .res = &c->pres,
                              .mach = &c->mach, .machine_label = c->mach_label,
                              .tokens = c->pre_tokens, .budget_h = c->budget_h};
}

static void write_architecture(ctx *c)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_ARCHITECTURE, MP_BLK_BULLETS);
    if (c->pretrain) {
        mp_flow_pretrain f = pretrain_flow(c);
        mp_flow_pretrain_architecture(p, b, &f);
        return;
    }
    const mp_arch *a = &c->arch;
    mp_doc_add(p, b, "Model: %s, %s parameters (%s), %lld layers, mlx-lm module `%s`%s.",
               c->model_id, params_txt(c, mp_arch_params(a)),
               a->n_experts ? S(c, "mixture of %lld experts, %s active per token",
                                (long long)a->n_experts, params_txt(c, mp_arch_active_params(a)))
                            : "dense",
               (long long)a->n_layers, a->module,
               a->has_config_quant ? S(c, ", stored as %s", qlabel(c, &a->config_quant)) : "");
    if (c->train) {
        mp_doc_add(p, b, "Fine-tuning: mlx_lm.lora trains %s adapters (rank %d, scale 20) on "
                   "every linear layer of the last %d blocks; the %s base stays frozen.",
                   c->treq.task == MP_TASK_DORA ? "DoRA" : "LoRA", c->treq.rank,
                   c->tres.layers_trained, qlabel(c, &c->treq.base_quant));
        mp_doc_add(p, b, "Data flow: your data -> prepare_data.py -> data/{train,valid,test}.jsonl "
                   "(%s format) -> mlx_lm.lora -> adapters/ -> mlx_lm.fuse -> fused model%s.",
                   c->data_format, (c->sc & MP_INTENT_SERVE) ? " -> mlx_lm.server" : "");
    }
    if (c->infer) {
        mp_doc_add(p, b, "Inference: mlx-lm with %s weights, KV cache %s, prompt processed in "
                   "2,048-token chunks%s.",
                   qlabel(c, &c->ires.quant),
                   c->ireq.kv_bits ? S(c, "quantized to %d bits", c->ireq.kv_bits) : "in 16-bit",
                   c->ireq.batch > 1 ? S(c, ", %d sequences decoded together", c->ireq.batch) : "");
    }
    if (c->sc & MP_INTENT_SERVE)
        mp_doc_add(p, b, "Serving: mlx_lm.server, an OpenAI-compatible HTTP API on "
                   "127.0.0.1:8080 with batched decoding and an LRU prompt cache.");
    if ((c->sc & MP_INTENT_DISTRIBUTED) && c->n_macs >= 2)
        mp_doc_add(p, b, "Several Macs: %d machines connected by Thunderbolt, launched with "
                   "mlx.launch; mlx_lm.server --pipeline puts consecutive layers on each machine.",
                   c->n_macs);
    if (is_cuda(c))
        mp_doc_add(p, b, "Backend: MLX's CUDA backend on Linux (%s); the Metal-only parts "
                   "(wired limit, mx.metal) do not apply.",
                   c->mach.chip.name);
}

static void write_dependencies(ctx *c)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_DEPENDENCIES, MP_BLK_BULLETS);
    mp_buf sh = MP_BUF_INIT;
    if (is_cuda(c)) {
        mp_doc_add(p, b, "Linux with glibc >= %s, an NVIDIA GPU of compute capability >= %s, "
                   "driver >= %s (>= %s for CUDA 13), Python >= %s.",
                   pin("linux_min_glibc"), pin("cuda_min_sm"), pin("cuda_min_driver"),
                   pin("cuda13_min_driver"), pin("python_min"));
        mp_buf_printf(&sh, "python3 -m venv .venv && . .venv/bin/activate\n"
                           "pip install \"mlx[cuda]==%s\" \"mlx-lm==%s\"\n",
                      pin("mlx_pin"), pin("mlx_lm_pin"));
    } else {
        mp_doc_add(p, b, "macOS >= %s on Apple silicon, a native arm64 Python >= %s (check: "
                   "python3 -c \"import platform; print(platform.machine())\" prints arm64).",
                   pin("macos_min"), pin("python_min"));
        mp_buf_printf(&sh, "python3 -m venv .venv && . .venv/bin/activate\n"
                           "pip install \"mlx==%s\" \"mlx-lm==%s\"\n",
                      pin("mlx_pin"), pin("mlx_lm_pin"));
    }
    if (c->pretrain)
        mp_buf_puts(&sh, mp_flow_pretrain_pip());
    if (c->sc & MP_INTENT_EVALUATE)
        mp_buf_printf(&sh, "pip install \"mlx-lm[evaluate]==%s\"  # lm-eval for mlx_lm.evaluate\n",
                      pin("mlx_lm_pin"));
    mp_buf_puts(&sh, "python3 -c \"import mlx.core as mx, mlx_lm; print(mx.__version__, "
                     "mlx_lm.__version__)\"\n");
    mp_doc_code(p, MP_SEC_DEPENDENCIES, "sh", NULL, mp_buf_cstr(&sh));
    mp_buf_release(&sh);
    if (c->have_arch) {
        /* every copy of the weights the steps write, in the order they appear */
        mp_quant nq = mp_arch_native_quant(&c->arch);
        /* an FP8 checkpoint is one byte per matrix weight plus block scales:
         * the size of mxfp8 within a percent */
        mp_quant fp8 = {MP_Q_MXFP8, 8, 32, MP_RECIPE_NONE, c->arch.dtype};
        const mp_quant *dl = c->arch.checkpoint_fp8 ? &fp8 : &nq;
        double src = mp_arch_weight_bytes(&c->arch, dl, NULL), total = src;
        mp_buf d = MP_BUF_INIT;
        mp_buf_printf(&d, "%s download (%s) in ~/.cache/huggingface/hub", gib(c, src),
                      c->arch.checkpoint_fp8 ? "FP8" : qlabel(c, &nq));
        if (c->train) {
            const mp_quant *bq = &c->treq.base_quant;
            double base = src;
            if (bq->mode != MP_Q_FLOAT && !c->arch.has_config_quant) {
                base = mp_arch_weight_bytes(&c->arch, bq, NULL);
                mp_buf_printf(&d, ", %s quantized base in mlx_model/", gib(c, base));
                total += base;
            }
            mp_buf_printf(&d, ", %s fused_model/", gib(c, base));
            total += base;
            if (c->infer && bq->mode == MP_Q_FLOAT && c->ires.quant.mode != MP_Q_FLOAT) {
                mp_buf_printf(&d, ", %s quantized copy for serving", gib(c, c->ires.weights.bytes));
                total += c->ires.weights.bytes;
            }
        } else if (c->infer && memcmp(&nq, &c->ires.quant, sizeof nq) != 0) {
            mp_buf_printf(&d, ", %s converted copy in mlx_model/", gib(c, c->ires.weights.bytes));
            total += c->ires.weights.bytes;
        }
        mp_doc_add(p, b, "Disk: %s; %s in all.", mp_buf_cstr(&d), gib(c, total));
        mp_buf_release(&d);
    }
    if (c->have_mach && c->mach.chip.vendor == MP_VENDOR_APPLE)
        mp_doc_add(p, b, "Hardware: %s (%s) with %d GB; the GPU may use %s by default.",
                   c->mach.chip.short_name, c->mach.chip.name, c->mach.memory_gb,
                   gib(c, c->mach.gpu_default_bytes));
}

/* Steps, targets, code, testing, optimisation, deployment per scenario. */

static void step(ctx *c, mp_block *b, const char *title, const char *detail)
{
    mp_doc_add(c->p, b, "**%s** %s", title, detail);
}

static void cmd_line(mp_buf *b)
{
    mp_buf_putc(b, '\n');
}

static void write_inference_steps(ctx *c, mp_block *steps)
{
    mp_plan *p = c->p;
    mp_quant native = mp_arch_native_quant(&c->arch);
    bool convert = memcmp(&native, &c->ires.quant, sizeof native) != 0;
    mp_buf sh = MP_BUF_INIT;
    if (convert) {
        char out[200];
        const char *name = strrchr(c->model_id, '/');
        name = name ? name + 1 : c->model_id;
        snprintf(out, sizeof out, "mlx_model/%s-%s", name,
                 c->ires.quant.mode == MP_Q_FLOAT ? "bf16" : c->ires.quant.recipe ? "mixed" :
                 c->ires.quant.mode == MP_Q_MXFP4 ? "mxfp4" : S(c, "%dbit", c->ires.quant.bits));
        const char *method = c->p->spec.quant_method.value;
        if (method[0] && c->ires.quant.mode == MP_Q_AFFINE && !c->ires.quant.recipe) {
            /* the learned method the user named, with the plan's bits and group */
            const char *cmd = S(c, "mlx_lm.%s", method);
            snprintf(out, sizeof out, "mlx_model/%s-%dbit-%s", name, c->ires.quant.bits, method);
            mp_cmd_start(&sh, cmd);
            mp_cmd_flag(&sh, cmd, "--model", c->model_id);
            mp_cmd_flag(&sh, cmd, "--bits", S(c, "%d", c->ires.quant.bits));
            mp_cmd_flag(&sh, cmd, "--group-size", S(c, "%d", c->ires.quant.group));
            mp_cmd_flag(&sh, cmd, "--mlx-path", out);
            cmd_line(&sh);
            char upper[8];
            size_t k = 0;
            for (; method[k] && k < sizeof upper - 1; k++)
                upper[k] = (char)toupper((unsigned char)method[k]);
            upper[k] = '\0';
            step(c, steps, S(c, "Quantize with %s.", upper),
                 S(c, "%s learns %s of %s from calibration data into %s (%s on disk); the "
                      "methods compare below.", cmd, qlabel(c, &c->ires.quant), c->model_id,
                   out, gib(c, c->ires.weights.bytes)));
        } else {
            mp_cmd_convert(&sh, c->model_id, &c->ires.quant, out);
            cmd_line(&sh);
            step(c, steps, "Convert the weights.",
                 S(c, "Download %s and store it as %s in %s (%s on disk).", c->model_id,
                   qlabel(c, &c->ires.quant), out, gib(c, c->ires.weights.bytes)));
        }
        mp_strlcpy(c->run_model, out, sizeof c->run_model);
    } else {
        mp_strlcpy(c->run_model, c->model_id, sizeof c->run_model);
    }
    mp_cmd_benchmark(&sh, c->run_model, c->ireq.prompt_tokens, 128, c->ireq.batch);
    cmd_line(&sh);
    step(c, steps, "Measure.", S(c, "Run mlx_lm.benchmark and compare with the targets below "
                                     "(decode %s tok/s, prefill %s tok/s).",
                                 rate(c, c->ires.decode_tok_s), rate(c, c->ires.prefill_tok_s)));
    if (c->sc & MP_INTENT_EVALUATE) {
        /* perplexity reads 256 x 512 tokens: prefill-bound */
        double ppl_s = 256.0 * 512.0 / c->ires.prefill_tok_s;
        mp_cmd_start(&sh, "mlx_lm.perplexity");
        mp_cmd_flag(&sh, "mlx_lm.perplexity", "--model", c->run_model);
        mp_cmd_flag(&sh, "mlx_lm.perplexity", "--num-samples", "256");
        mp_cmd_flag(&sh, "mlx_lm.perplexity", "--sequence-length", "512");
        cmd_line(&sh);
        mp_cmd_start(&sh, "mlx_lm.evaluate");
        mp_cmd_flag(&sh, "mlx_lm.evaluate", "--model", c->run_model);
        mp_cmd_flag(&sh, "mlx_lm.evaluate", "--tasks", "arc_easy");
        mp_buf_putc(&sh, ' ');
        mp_cmd_word(&sh, "hellaswag");
        mp_cmd_flag(&sh, "mlx_lm.evaluate", "--limit", "500");
        cmd_line(&sh);
        step(c, steps, "Evaluate.",
             S(c, "Perplexity on 256 samples of 512 tokens (about %s at the prefill speed), "
                  "then task accuracy with lm-eval on 500 questions per task; run the same "
                  "commands on the original model to see what the format costs.",
               dur(c, ppl_s)));
    }
    mp_cmd_generate(&sh, c->run_model, 256, c->ireq.kv_bits, 64, 0);
    mp_buf_puts(&sh, " <<< 'Hello'\n");
    step(c, steps, "Chat.", "Try it from the command line, then from Python with chat.py "
                            "(Code patterns).");
    mp_doc_code(p, MP_SEC_STEPS, "sh", NULL, mp_buf_cstr(&sh));
    mp_buf_release(&sh);
}

static void write_finetune_steps(ctx *c, mp_block *steps)
{
    mp_plan *p = c->p;
    const mp_train_req *t = &c->treq;
    mp_buf sh = MP_BUF_INIT;
    const char *base = c->model_id;
    if (t->base_quant.mode != MP_Q_FLOAT && !c->arch.has_config_quant) {
        const char *name = strrchr(c->model_id, '/');
        name = name ? name + 1 : c->model_id;
        base = S(c, "mlx_model/%s-%dbit", name, t->base_quant.bits);
        mp_cmd_convert(&sh, c->model_id, &t->base_quant, base);
        cmd_line(&sh);
        step(c, steps, "Quantize the base for QLoRA.",
             S(c, "Store %s as %s in %s.", c->model_id, qlabel(c, &t->base_quant), base));
    }
    step(c, steps, "Prepare the data.",
         S(c, "Put your examples in raw.jsonl, one JSON object per line in mlx-lm's %s format "
              "(sample below), and run prepare_data.py: it checks every line and writes "
              "data/train.jsonl, data/valid.jsonl and data/test.jsonl.",
           c->data_format));
    mp_buf_puts(&sh, "python3 prepare_data.py raw.jsonl\n");
    step(c, steps, "Train.",
         S(c, "mlx_lm.lora -c lora_config.yaml: %lld iterations, about %s; adapters are saved "
              "to adapters/ every 100 iterations.",
           (long long)c->iters, dur(c, c->tres.total_s)));
    mp_buf_puts(&sh, "mlx_lm.lora -c lora_config.yaml\n");
    step(c, steps, "Evaluate.", "Test loss and perplexity on data/test.jsonl (Testing).");
    mp_buf_printf(&sh, "mlx_lm.lora --model %s --adapter-path adapters --data data --test\n", base);
    step(c, steps, "Fuse.", "Merge the adapters into the weights for serving (mlx_lm.fuse).");
    mp_buf_printf(&sh, "mlx_lm.fuse --model %s --adapter-path adapters --save-path fused_model\n",
                  base);
    mp_strlcpy(c->run_model, "fused_model", sizeof c->run_model);
    if (c->infer && t->base_quant.mode == MP_Q_FLOAT && c->ires.quant.mode != MP_Q_FLOAT) {
        const char *out = S(c, "fused_model-%s", c->ires.quant.mode == MP_Q_MXFP4 ? "mxfp4"
                                                 : S(c, "%dbit", c->ires.quant.bits));
        mp_cmd_convert(&sh, "fused_model", &c->ires.quant, out);
        cmd_line(&sh);
        step(c, steps, "Quantize for serving.",
             S(c, "Store the fused model as %s in %s (%s) for faster decoding.",
               qlabel(c, &c->ires.quant), out, gib(c, c->ires.weights.bytes)));
        mp_strlcpy(c->run_model, out, sizeof c->run_model);
    }
    mp_doc_code(p, MP_SEC_STEPS, "sh", NULL, mp_buf_cstr(&sh));
    mp_buf_release(&sh);
}

static void write_pretrain_steps(ctx *c, mp_block *steps)
{
    mp_flow_pretrain f = pretrain_flow(c);
    mp_flow_pretrain_steps(c->p, steps, &f);
}

static void write_serve_steps(ctx *c, mp_block *steps)
{
    mp_plan *p = c->p;
    mp_buf sh = MP_BUF_INIT;
    mp_cmd_start(&sh, "mlx_lm.server");
    mp_cmd_flag(&sh, "mlx_lm.server", "--model", c->run_model[0] ? c->run_model : c->model_id);
    mp_cmd_flag(&sh, "mlx_lm.server", "--port", "8080");
    mp_cmd_flag(&sh, "mlx_lm.server", "--decode-concurrency", S(c, "%d", c->ireq.batch));
    mp_cmd_flag(&sh, "mlx_lm.server", "--prompt-cache-size", "10");
    cmd_line(&sh);
    step(c, steps, "Serve.", "Start mlx_lm.server and call it with client.py (Code patterns).");
    mp_doc_code(p, MP_SEC_STEPS, "sh", NULL, mp_buf_cstr(&sh));
    mp_buf_release(&sh);
}

/* The quantization scenario: every format that fits compared, the mlx-lm
 * methods that make a format (with their real flags), and what DWQ costs. */
static void write_quantize(ctx *c)
{
    mp_plan *p = c->p;
    if (!(c->sc & MP_INTENT_QUANTIZE) || !c->infer || c->n_fits == 0)
        return;
    mp_doc_para(p, MP_SEC_STEPS, "Formats of %s that fit the %s at %s tokens of context "
                "(mlxplan fit), best quality first:", c->model_id, c->mach_label,
                count(c, (double)c->context));
    mp_block *t = mp_doc_table(p, MP_SEC_STEPS, 5,
                               "format\tbits per weight (all weights)\tmemory\tdecode tok/s\tverdict");
    for (int i = 0; i < c->n_fits; i++) {
        const mp_fit_infer *f = &c->fits[i];
        if (f->kv_bits)
            continue; /* the weights are the question here, not the cache */
        mp_doc_row(p, t, "%s\t%.2f\t%s\t%s\t%s", qlabel(c, &f->quant),
                   8.0 * f->est.weights.bytes / mp_arch_params(&c->arch),
                   gib(c, f->est.total_bytes), rate(c, f->est.decode_tok_s),
                   mp_verdict_name(f->est.verdict));
    }
    const mp_quant *q = &c->ires.quant;
    if (q->mode != MP_Q_AFFINE)
        return; /* the learned methods below write affine formats */
    const char *name = strrchr(c->model_id, '/');
    name = name ? name + 1 : c->model_id;
    char bits[8], group[8];
    snprintf(bits, sizeof bits, "%d", q->bits);
    snprintf(group, sizeof group, "%d", q->group);
    mp_block *b = mp_doc_block(p, MP_SEC_STEPS, MP_BLK_BULLETS);
    mp_buf sh = MP_BUF_INIT;
    mp_doc_add(p, b, "Round to nearest (mlx_lm.convert -q): no data, minutes; the baseline every "
               "other method is measured against.");
    /* DWQ: 2,048 samples of 1,025 tokens by default; per token a teacher
     * forward, a student forward and a backward that reaches only scales and
     * biases (about one forward more): three forward passes */
    char basis[200];
    double rate_flops = mp_matmul_rate(&c->mach.chip, NULL, false, basis, sizeof basis);
    double per_tok = mp_forward_flops(&c->arch, 1025, 0) / 1025.0;
    double dwq_tokens = 2048.0 * 1025.0;
    double dwq_s = rate_flops > 0 ? dwq_tokens * 3.0 * per_tok / rate_flops : NAN;
    mp_quant nq = mp_arch_native_quant(&c->arch);
    double teacher = mp_arch_weight_bytes(&c->arch, &nq, NULL);
    double both = teacher + c->ires.weights.bytes;
    mp_doc_add(p, b, "DWQ (mlx_lm.dwq) trains the quantized model's scales and biases to follow "
               "the original's outputs on 2,048 samples of 1,025 tokens: about %s (3 forward "
               "passes per token at %s, +/-50%%); both models stay in memory, %s + %s = %s of "
               "weights%s.",
               isnan(dwq_s) ? "?" : dur(c, dwq_s), S(c, "%.1f TFLOPS", rate_flops / 1e12),
               gib(c, teacher), gib(c, c->ires.weights.bytes), gib(c, both),
               both > c->mach.gpu_default_bytes ? S(c, ", over the %s GPU limit: add "
                                                     "--grad-checkpoint and raise the wired "
                                                     "limit, or run DWQ on a larger Mac",
                                                   gib(c, c->mach.gpu_default_bytes))
                                                : "");
    mp_doc_add(p, b, "AWQ (mlx_lm.awq) and GPTQ (mlx_lm.gptq) use 128 calibration samples of "
               "512 tokens (AWQ) or the whole calibration set (GPTQ) to choose scales; "
               "mlx_lm.dynamic_quant mixes %d and %d bits per layer to meet a bits-per-weight "
               "target.", q->bits, q->bits + 1 <= 8 ? q->bits + 1 : 8);
    mp_cmd_start(&sh, "mlx_lm.dwq");
    mp_cmd_flag(&sh, "mlx_lm.dwq", "--model", c->model_id);
    mp_cmd_flag(&sh, "mlx_lm.dwq", "--bits", bits);
    mp_cmd_flag(&sh, "mlx_lm.dwq", "--group-size", group);
    mp_cmd_flag(&sh, "mlx_lm.dwq", "--mlx-path", S(c, "mlx_model/%s-%sbit-dwq", name, bits));
    cmd_line(&sh);
    mp_cmd_start(&sh, "mlx_lm.awq");
    mp_cmd_flag(&sh, "mlx_lm.awq", "--model", c->model_id);
    mp_cmd_flag(&sh, "mlx_lm.awq", "--bits", bits);
    mp_cmd_flag(&sh, "mlx_lm.awq", "--group-size", group);
    mp_cmd_flag(&sh, "mlx_lm.awq", "--mlx-path", S(c, "mlx_model/%s-%sbit-awq", name, bits));
    cmd_line(&sh);
    mp_cmd_start(&sh, "mlx_lm.gptq");
    mp_cmd_flag(&sh, "mlx_lm.gptq", "--model", c->model_id);
    mp_cmd_flag(&sh, "mlx_lm.gptq", "--bits", bits);
    mp_cmd_flag(&sh, "mlx_lm.gptq", "--group-size", group);
    mp_cmd_flag(&sh, "mlx_lm.gptq", "--mlx-path", S(c, "mlx_model/%s-%sbit-gptq", name, bits));
    cmd_line(&sh);
    mp_cmd_start(&sh, "mlx_lm.dynamic_quant");
    mp_cmd_flag(&sh, "mlx_lm.dynamic_quant", "--model", c->model_id);
    mp_cmd_flag(&sh, "mlx_lm.dynamic_quant", "--target-bpw", S(c, "%.1f", q->bits + 0.5));
    mp_cmd_flag(&sh, "mlx_lm.dynamic_quant", "--low-bits", bits);
    mp_cmd_flag(&sh, "mlx_lm.dynamic_quant", "--high-bits",
                S(c, "%d", q->bits + 1 <= 8 ? q->bits + 1 : 8));
    mp_cmd_flag(&sh, "mlx_lm.dynamic_quant", "--mlx-path",
                S(c, "mlx_model/%s-mixed", name));
    cmd_line(&sh);
    mp_doc_code(p, MP_SEC_STEPS, "sh", NULL, mp_buf_cstr(&sh));
    mp_buf_release(&sh);
}

static void write_steps(ctx *c)
{
    mp_block *steps = mp_doc_block(c->p, MP_SEC_STEPS, MP_BLK_NUMBERED);
    step(c, steps, "Install.", "Create the virtual environment and install the pinned versions "
                               "(Dependencies).");
    if (c->pretrain)
        write_pretrain_steps(c, steps);
    if (c->train)
        write_finetune_steps(c, steps);
    if (c->infer && !c->train)
        write_inference_steps(c, steps);
    if (c->sc & MP_INTENT_SERVE)
        write_serve_steps(c, steps);
    write_quantize(c);
    if ((c->sc & MP_INTENT_DISTRIBUTED) && c->n_macs >= 2)
        step(c, steps, "Connect the Macs.",
             S(c, "Cable %d Macs with Thunderbolt, then mlx.distributed_config writes the hostfile "
                  "(Deployment).", c->n_macs));
}

static void write_targets(ctx *c)
{
    mp_plan *p = c->p;
    mp_block *t = mp_doc_table(p, MP_SEC_TARGETS, 4, "target\tvalue\tmeasured with\ttolerance");
    if (c->infer) {
        const mp_infer_result *e = &c->ires;
        const char *m = c->run_model[0] ? c->run_model : c->model_id;
        /* mlx_lm.benchmark decodes 128 tokens after the prompt: its mean
         * speed is the step time at the prompt plus 64 tokens */
        int64_t at = c->ireq.prompt_tokens + 64;
        double bench = 1.0 / mp_decode_step_s(&c->arch, &c->mach, &e->quant, at, e->batch,
                                              c->ireq.kv_bits, 64, 0, NULL);
        mp_doc_row(p, t, "decode speed after a %s-token prompt%s\t%s tok/s\tmlx_lm.benchmark "
                   "--model %s -p %lld -g 128%s\t+/-%.0f%%",
                   count(c, (double)c->ireq.prompt_tokens), e->batch > 1 ? ", per request" : "",
                   rate(c, bench), m, (long long)c->ireq.prompt_tokens,
                   e->batch > 1 ? S(c, " -b %d", e->batch) : "", e->band_decode_pct);
        mp_doc_row(p, t, "prefill speed\t%s tok/s\tsame run, prompt tokens-per-sec\t+/-%.0f%%",
                   rate(c, e->prefill_tok_s), e->band_prefill_pct);
        mp_doc_row(p, t, "peak memory\t%.2f GB\tsame run, peak memory (mx.get_peak_memory)\t"
                   "+/-%.0f%%", e->total_bytes / 1e9, e->band_mem_pct);
        mp_doc_row(p, t, "time to first token\t%s\tmlx_lm.generate --verbose, %s-token prompt\t"
                   "+/-%.0f%%", dur(c, c->ires1.ttft_s), count(c, (double)e->prompt_tokens),
                   e->band_prefill_pct);
    }
    if (c->train) {
        mp_doc_row(p, t, "training throughput\t%s tok/s\tmlx_lm.lora report lines "
                   "(Tokens/sec)\t+/-%.0f%%", rate(c, c->tres.tok_s), c->tres.band_speed_pct);
        mp_doc_row(p, t, "training peak memory\t%.2f GB\tmlx_lm.lora report lines (Peak mem)\t"
                   "+/-%.0f%%", c->tres.total_bytes / 1e9, c->tres.band_mem_pct);
        mp_doc_row(p, t, "validation loss\tbelow the first report\tmlx_lm.lora Val loss lines\t"
                   "must fall");
    }
    if (c->pretrain) {
        mp_doc_row(p, t, "training throughput\t%s tok/s\ttrain.py tok/s lines\t+/-%.0f%%",
                   rate(c, c->pres.tok_s), c->pres.band_speed_pct);
        mp_doc_row(p, t, "peak memory\t%.2f GB\ttrain.py peak lines (mx.get_peak_memory)\t"
                   "+/-%.0f%%", c->pres.total_bytes / 1e9, c->pres.band_mem_pct);
        mp_doc_row(p, t, "time to the token budget\t%s\ttrain.py wall clock\t+/-%.0f%%",
                   dur(c, c->pres.total_s), c->pres.band_speed_pct);
    }
}

static int write_code(ctx *c)
{
    mp_plan *p = c->p;
    mp_buf b = MP_BUF_INIT;
    if (c->pretrain) {
        mp_flow_pretrain f = pretrain_flow(c);
        int rc = mp_flow_pretrain_code(p, &f, c->err);
        if (rc) {
            mp_buf_release(&b);
            return rc;
        }
    }
    if (c->train) {
        mp_pat_data_sample(&b, c->data_format);
        mp_doc_code(p, MP_SEC_CODE, "jsonl", "raw.jsonl (one line)", mp_buf_cstr(&b));
        mp_buf_reset(&b);
        mp_pat_data_prep(&b, c->data_format);
        mp_doc_code(p, MP_SEC_CODE, "python", "prepare_data.py", mp_buf_cstr(&b));
        mp_buf_reset(&b);
        const char *base = c->model_id;
        if (c->treq.base_quant.mode != MP_Q_FLOAT && !c->arch.has_config_quant) {
            const char *name = strrchr(c->model_id, '/');
            base = S(c, "mlx_model/%s-%dbit", name ? name + 1 : c->model_id,
                     c->treq.base_quant.bits);
        }
        mp_pat_lora_yaml(&b, base, &c->treq, c->data_format, c->iters);
        mp_doc_code(p, MP_SEC_CODE, "yaml", "lora_config.yaml", mp_buf_cstr(&b));
        mp_buf_reset(&b);
        mp_pat_use_adapters(&b, base, "adapters");
        mp_doc_code(p, MP_SEC_CODE, "python", "try_adapters.py", mp_buf_cstr(&b));
        mp_buf_reset(&b);
    }
    if (c->infer && !c->train) {
        const char *m = c->run_model[0] ? c->run_model : c->model_id;
        if (c->sc & MP_INTENT_OPTIMIZE) {
            mp_pat_speed_check(&b, m, c->ireq.prompt_tokens, c->ires.decode_tok_s,
                               c->ires.band_decode_pct);
            mp_doc_code(p, MP_SEC_CODE, "python", "speed_check.py", mp_buf_cstr(&b));
        } else {
            mp_pat_inference(&b, m, 512, c->ireq.kv_bits, c->ires.decode_tok_s);
            mp_doc_code(p, MP_SEC_CODE, "python", "chat.py", mp_buf_cstr(&b));
        }
        mp_buf_reset(&b);
    }
    if (c->sc & MP_INTENT_SERVE) {
        mp_pat_client(&b, 8080);
        mp_doc_code(p, MP_SEC_CODE, "python", "client.py", mp_buf_cstr(&b));
        mp_buf_reset(&b);
    }
    if ((c->sc & MP_INTENT_DISTRIBUTED) && c->n_macs >= 2) {
        mp_pat_distributed(&b, c->run_model[0] ? c->run_model : c->model_id);
        mp_doc_code(p, MP_SEC_CODE, "python", "sharded_generate.py", mp_buf_cstr(&b));
        mp_buf_reset(&b);
    }
    if (is_cuda(c)) {
        mp_pat_device_check(&b);
        mp_doc_code(p, MP_SEC_CODE, "python", "device_check.py", mp_buf_cstr(&b));
    }
    mp_buf_release(&b);
    return 0;
}

static void write_testing(ctx *c)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_TESTING, MP_BLK_BULLETS);
    if (c->train) {
        mp_doc_add(p, b, "Hold out data/test.jsonl (10%% of the examples); `mlx_lm.lora --test` "
                   "reports test loss and perplexity: compare with the base model (run it "
                   "without --adapter-path) and keep the adapters only if the loss is lower.");
        mp_doc_add(p, b, "Watch the Val loss lines every 200 iterations: a rising validation "
                   "loss while the train loss falls means overfitting: keep the checkpoint "
                   "before it (adapters/*_adapters.safetensors) or lower --iters.");
        mp_doc_add(p, b, "Read 20 answers of try_adapters.py on held-out prompts before "
                   "fusing; check tone, format and refusals, not only the loss.");
    }
    if (c->pretrain) {
        mp_flow_pretrain f = pretrain_flow(c);
        mp_flow_pretrain_testing(p, b, &f);
    }
    if (c->infer) {
        mp_doc_add(p, b, "Speed: mlx_lm.benchmark must land inside the targets' tolerance; a "
                   "result far below means swapping, other GPU work or a setting that differs "
                   "from the plan (run `mlxplan check` on your script).");
        if (c->ires.quant.mode != MP_Q_FLOAT && c->have_arch) {
            mp_quant nq = mp_arch_native_quant(&c->arch);
            double ref = mp_arch_weight_bytes(&c->arch, &nq, NULL);
            bool ref_fits = ref < 0.9 * c->fit_mach.gpu_default_bytes;
            mp_doc_add(p, b, "Quality of %s: perplexity on the same samples for the %s and the "
                       "converted model; a rise of more than a few percent calls for more bits "
                       "or a learned format (mlx_lm.dwq).",
                       qlabel(c, &c->ires.quant),
                       ref_fits ? S(c, "original (%s)", gib(c, ref))
                                : "8-bit copy (the original does not fit)");
            if ((c->sc & MP_INTENT_QUANTIZE) && c->run_model[0]) {
                mp_buf sh = MP_BUF_INIT;
                const char *models[2] = {ref_fits ? c->model_id : "mlx_model/reference-8bit",
                                         c->run_model};
                for (int i = 0; i < 2; i++) {
                    mp_cmd_start(&sh, "mlx_lm.perplexity");
                    mp_cmd_flag(&sh, "mlx_lm.perplexity", "--model", models[i]);
                    mp_cmd_flag(&sh, "mlx_lm.perplexity", "--num-samples", "256");
                    mp_cmd_flag(&sh, "mlx_lm.perplexity", "--sequence-length", "512");
                    cmd_line(&sh);
                }
                mp_doc_code(p, MP_SEC_TESTING, "sh", NULL, mp_buf_cstr(&sh));
                mp_buf_release(&sh);
            }
        }
    }
    if ((c->sc & MP_INTENT_EVALUATE) && c->train) /* else the Evaluate step has it */
        mp_doc_add(p, b, "Benchmarks: `mlx_lm.evaluate --model %s --tasks arc_easy` (lm-eval) "
                   "for task accuracy.", c->run_model[0] ? c->run_model : c->model_id ? c->model_id : "MODEL");
    if (c->sc & MP_INTENT_SERVE)
        mp_doc_add(p, b, "Serving: client.py gets a reply; send %d requests at once and check "
                   "that the total reaches about %s tok/s (%s per request).",
                   c->infer ? c->ires.batch : 4, c->infer ? rate(c, c->ires.decode_total_tok_s) : "?",
                   c->infer ? rate(c, c->ires.decode_tok_s) : "?");
}

/* Ranked by estimated gain; every effect computed by the engines. */
static void write_optimization(ctx *c)
{
    mp_plan *p = c->p;
    mp_block *t = mp_doc_table(p, MP_SEC_OPTIMIZATION, 3, "change\testimated effect\thow");
    int rows = 0;
    if (c->infer && !c->nofit) {
        const mp_infer_result *e = &c->ires;
        /* fewer bits */
        mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, c->arch.dtype};
        if (mp_quant_quality(&e->quant) > mp_quant_quality(&q4)) {
            mp_infer_req r = c->ireq;
            r.quant = q4;
            mp_infer_result x;
            if (mp_infer(&r, &x, NULL) == 0) {
                char flags[120];
                mp_quant_convert_flags(&q4, flags, sizeof flags);
                mp_doc_row(p, t, "4-bit weights instead of %s\tdecode %s -> %s tok/s (%+.0f%%), "
                           "memory %s -> %s\tmlx_lm.convert %s",
                           qlabel(c, &e->quant), rate(c, e->decode_tok_s),
                           rate(c, x.decode_tok_s),
                           100 * (x.decode_tok_s / e->decode_tok_s - 1), gib(c, e->total_bytes),
                           gib(c, x.total_bytes), flags);
                rows++;
            }
        }
        /* quantized KV cache for long contexts */
        if (!c->ireq.kv_bits && e->kv.bytes > 0.1 * e->total_bytes) {
            mp_infer_req r = c->ireq;
            r.kv_bits = 8;
            mp_infer_result x;
            if (mp_infer(&r, &x, NULL) == 0)
                mp_doc_row(p, t, "8-bit KV cache\tKV %s -> %s, decode %s -> %s tok/s at %s "
                           "tokens\tmlx_lm.generate --kv-bits 8",
                           gib(c, e->kv.bytes), gib(c, x.kv.bytes), rate(c, e->decode_tok_s),
                           rate(c, x.decode_tok_s), count(c, (double)e->context_tokens)),
                    rows++;
        }
        /* batching when serving */
        if (c->sc & MP_INTENT_SERVE) {
            mp_infer_req r = c->ireq;
            r.batch = 8;
            mp_infer_result x;
            if (mp_infer(&r, &x, NULL) == 0 && x.verdict != MP_NO_FIT)
                mp_doc_row(p, t, "decode 8 requests together\ttotal %s -> %s tok/s (%s tok/s "
                           "each), memory %s\tmlx_lm.server --decode-concurrency 8",
                           rate(c, e->decode_total_tok_s), rate(c, x.decode_total_tok_s),
                           rate(c, x.decode_tok_s), gib(c, x.total_bytes)),
                    rows++;
            mp_doc_row(p, t, "reuse the shared prompt prefix\ttime to first token of a cached "
                       "%s-token prefix drops from %s to about one decode step (%s)\tLRU prompt "
                       "cache: mlx_lm.server --prompt-cache-size",
                       count(c, (double)e->prompt_tokens), dur(c, e->ttft_s),
                       dur(c, 1.0 / e->decode_tok_s));
            rows++;
        }
        /* more bandwidth */
        if (c->mach.chip.vendor == MP_VENDOR_APPLE && strcmp(c->mach.chip.tier, "Max") != 0 &&
            strcmp(c->mach.chip.tier, "Ultra") != 0) {
            mp_chip_match m;
            mp_machine mx4;
            if (mp_chip_resolve("M4 Max 40c", 64, &m, NULL) == 0 &&
                mp_machine_init(&mx4, &m.chip, 64, NULL) == 0) {
                mp_infer_req r = c->ireq;
                r.mach = &mx4;
                mp_infer_result x;
                if (mp_infer(&r, &x, NULL) == 0)
                    mp_doc_row(p, t, "a machine with more bandwidth\tM4 Max 40c (546 GB/s): "
                               "decode %s tok/s (%+.0f%%)\tmlxplan fit --model %s --min-tok-s %.0f",
                               rate(c, x.decode_tok_s),
                               100 * (x.decode_tok_s / e->decode_tok_s - 1), c->model_id,
                               e->decode_tok_s * 1.5),
                        rows++;
            }
        }
    }
    if (c->train) {
        const mp_train_result *e = &c->tres;
        mp_train_req r = c->treq;
        mp_train_result x;
        if (r.grad_checkpoint) {
            r.grad_checkpoint = false;
            if (mp_train(&r, &x, NULL) == 0)
                mp_doc_row(p, t, "drop gradient checkpointing\t%s -> %s tok/s, memory %s -> %s "
                           "(%s)\tgrad_checkpoint: false",
                           rate(c, e->tok_s), rate(c, x.tok_s), gib(c, e->total_bytes),
                           gib(c, x.total_bytes), mp_verdict_name(x.verdict)),
                    rows++;
        } else {
            r.grad_checkpoint = true;
            if (mp_train(&r, &x, NULL) == 0)
                mp_doc_row(p, t, "gradient checkpointing\tmemory %s -> %s, speed %s -> %s "
                           "tok/s\tgrad_checkpoint: true",
                           gib(c, e->total_bytes), gib(c, x.total_bytes), rate(c, e->tok_s),
                           rate(c, x.tok_s)),
                    rows++;
        }
        r = c->treq;
        int nl = e->layers_trained;
        if (nl > 8) {
            r.num_layers = 8;
            if (mp_train(&r, &x, NULL) == 0)
                mp_doc_row(p, t, "adapt 8 layers instead of %d\t%s -> %s tok/s, memory %s\t"
                           "num_layers: 8",
                           nl, rate(c, e->tok_s), rate(c, x.tok_s), gib(c, x.total_bytes)),
                    rows++;
        }
        r = c->treq;
        if (r.seq_len > 512) {
            r.seq_len /= 2;
            if (mp_train(&r, &x, NULL) == 0)
                mp_doc_row(p, t, "sequences of %lld tokens (if your examples are shorter)\t"
                           "memory %s -> %s, %s tok/s\tmax_seq_length: %lld",
                           (long long)r.seq_len, gib(c, e->total_bytes), gib(c, x.total_bytes),
                           rate(c, x.tok_s), (long long)r.seq_len),
                    rows++;
        }
    }
    if (c->pretrain) {
        mp_train_req r = c->preq;
        mp_train_result x;
        if (r.train_dtype == MP_DT_F32) {
            r.train_dtype = MP_DT_BF16;
            if (mp_train(&r, &x, NULL) == 0)
                mp_doc_row(p, t, "bfloat16 weights\tmemory %s -> %s\tconfig.py: dtype = "
                           "\"bfloat16\" (watch for loss spikes)",
                           gib(c, c->pres.total_bytes), gib(c, x.total_bytes)),
                    rows++;
        }
        r = c->preq;
        r.batch *= 2;
        if (mp_train(&r, &x, NULL) == 0 && x.verdict_point == MP_FITS)
            mp_doc_row(p, t, "batch %d\t%s -> %s tok/s, memory %s\tconfig.py: batch_size = %d", r.batch,
                       rate(c, c->pres.tok_s), rate(c, x.tok_s), gib(c, x.total_bytes), r.batch),
                rows++;
    }
    if (!rows)
        mp_doc_para(p, MP_SEC_OPTIMIZATION, "No cheaper setting keeps the plan's quality: the "
                    "chosen configuration is already the fastest that fits.");
}

static void write_deployment(ctx *c)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_DEPLOYMENT, MP_BLK_BULLETS);
    double total = c->infer ? c->ires.total_bytes / c->nodes
                   : c->train ? c->tres.total_bytes : c->pres.total_bytes;
    if (c->have_mach && c->mach.chip.vendor == MP_VENDOR_APPLE) {
        if (total > 0.9 * c->mach.gpu_default_bytes && total <= c->mach.gpu_max_bytes)
            mp_doc_add(p, b, "Raise the GPU wired limit before running: `sudo sysctl "
                       "iogpu.wired_limit_mb=%d` (%s; resets at reboot).",
                       c->mach.wired_limit_mb, gib(c, c->mach.gpu_max_bytes));
        else
            mp_doc_add(p, b, "Memory: %s%s of the %s default GPU limit; close large apps, and if "
                       "mlx-lm warns about the wired limit, raise it with `sudo sysctl "
                       "iogpu.wired_limit_mb=%d`.",
                       gib(c, total), c->nodes > 1 ? " per Mac" : "",
                       gib(c, c->mach.gpu_default_bytes), c->mach.wired_limit_mb);
    }
    if (c->sc & MP_INTENT_SERVE) {
        mp_doc_add(p, b, "mlx_lm.server binds to 127.0.0.1 by default and has no "
                   "authentication: keep it local, or put a reverse proxy with TLS and a token "
                   "in front before exposing it.");
        mp_doc_add(p, b, "Keep it running with a launchd agent (macOS) or a systemd unit "
                   "(Linux) that restarts it; log its stderr.");
        if (c->infer) {
            double free_b = 0.9 * c->mach.gpu_default_bytes - c->ires.total_bytes;
            if (free_b > 0)
                mp_doc_add(p, b, "Cap the prompt cache at what is left under the 90%% line: "
                           "`--prompt-cache-bytes %.0f` (%s).",
                           floor(free_b), gib(c, free_b));
        }
    }
    if ((c->sc & MP_INTENT_DISTRIBUTED) && c->n_macs >= 2) {
        mp_buf sh = MP_BUF_INIT;
        mp_buf_printf(&sh, "mlx.distributed_config --backend ring --over thunderbolt --hosts ");
        for (int i = 1; i <= c->n_macs; i++)
            mp_buf_printf(&sh, "%smac%d", i > 1 ? "," : "", i);
        mp_buf_printf(&sh, " --output-hostfile hosts.json\n");
        mp_buf_printf(&sh, "mlx.launch --hostfile hosts.json --backend ring sharded_generate.py\n");
        mp_doc_code(p, MP_SEC_DEPLOYMENT, "sh", NULL, mp_buf_cstr(&sh));
        mp_buf_release(&sh);
        mp_doc_add(p, b, "Several Macs: the same Python and model path on every machine; "
                   "mlx.distributed_config writes hosts.json for the ring backend over "
                   "Thunderbolt (jaccl needs RDMA enabled; see the mlx distributed docs).");
    }
    if (is_cuda(c))
        mp_doc_add(p, b, "CUDA: set the GPU with CUDA_VISIBLE_DEVICES; mx.set_wired_limit has no "
                   "effect there and MLX's memory limit is 0.95 x the GPU memory.");
    if (c->train)
        mp_doc_add(p, b, "Ship fused_model/ (mlx_lm.fuse) or the base plus adapters/ "
                   "(mlx_lm.server --adapter-path adapters) to the serving machine.");
    if (c->pretrain) {
        mp_flow_pretrain f = pretrain_flow(c);
        mp_flow_pretrain_deployment(p, b, &f);
    }
}

static void write_todo(ctx *c)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_TODO, MP_BLK_CHECKLIST);
    const mp_section *s = &p->sections[MP_SEC_STEPS];
    for (int i = 0; i < s->n; i++) {
        const mp_block *blk = &s->blocks[i];
        if (blk->kind != MP_BLK_NUMBERED)
            continue;
        for (int k = 0; k < blk->n; k++) {
            const char *item = blk->items[k];
            const char *end = strstr(item + 2, "**");
            if (strncmp(item, "**", 2) == 0 && end)
                mp_doc_add(p, b, "%.*s", (int)(end - item - 2), item + 2);
        }
    }
    const mp_section *t = &p->sections[MP_SEC_TARGETS];
    if (t->n && t->blocks[0].kind == MP_BLK_TABLE)
        mp_doc_add(p, b, "Check every performance target against its tolerance");
    for (int i = 0; i < p->n_questions; i++)
        mp_doc_add(p, b, "Answer: %s", p->questions[i]);
}

/* The --quant value of `mlxplan estimate` for a format. */
static const char *quant_arg(ctx *c, const mp_quant *q)
{
    switch (q->mode) {
    case MP_Q_FLOAT: return mp_dtype_name(q->dtype);
    case MP_Q_MXFP4: return "mxfp4";
    case MP_Q_NVFP4: return "nvfp4";
    case MP_Q_MXFP8: return "mxfp8";
    default: break;
    }
    if (q->recipe)
        return S(c, "mixed_%d_6", q->bits);
    return S(c, "%d --group-size %d", q->bits, q->group);
}

/* `mlxplan estimate` lines with the plan's exact inputs: the user (and the
 * consistency test) can recompute every number. */
static void write_reproduce(ctx *c)
{
    mp_plan *p = c->p;
    if (!c->have_mach)
        return;
    const char *machine = S(c, "--chip \"%s\" --memory %d", c->mach.chip.short_name,
                            c->mach.memory_gb);
    if (c->infer && c->nodes == 1)
        p->reproduce_infer = S(c, "mlxplan estimate --model %s %s --quant %s --context %lld "
                                  "--prompt %lld --batch %d%s",
                               c->model_id, machine, quant_arg(c, &c->ireq.quant),
                               (long long)c->ireq.context_tokens,
                               (long long)c->ireq.prompt_tokens, c->ireq.batch,
                               c->ireq.kv_bits ? S(c, " --kv-bits %d", c->ireq.kv_bits) : "");
    if (c->train) {
        const mp_train_req *t = &c->treq;
        p->reproduce_train = S(c, "mlxplan estimate --model %s %s --task %s%s --batch %d --seq %lld "
                                  "--num-layers %d%s --optimizer %s --grad-accum %d "
                                  "--iters %lld%s",
                               c->model_id, machine, mp_task_name(t->task),
                               t->base_quant.mode != MP_Q_FLOAT
                                   ? S(c, " --quant %s", quant_arg(c, &t->base_quant)) : "",
                               t->batch, (long long)t->seq_len, t->num_layers,
                               t->task == MP_TASK_FULL ? "" : S(c, " --rank %d", t->rank),
                               mp_optim_name(t->optim), t->grad_accum, (long long)t->iters,
                               t->grad_checkpoint ? " --grad-checkpoint" : "");
    }
    if (c->pretrain) {
        const mp_train_req *t = &c->preq;
        p->reproduce_train = S(c, "mlxplan estimate --task pretrain --params %.0f --vocab %lld %s "
                                  "--batch %d --seq %lld --optimizer %s --dtype %s "
                                  "--dataset-tokens %.0f%s",
                               c->pre_size, (long long)c->parch.vocab, machine,
                               t->batch, (long long)t->seq_len, mp_optim_name(t->optim),
                               mp_dtype_name(t->train_dtype), c->pre_tokens,
                               t->grad_checkpoint ? " --grad-checkpoint" : "");
    }
}

static void write_sources(ctx *c, const mp_plan_req *req)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_SOURCES, MP_BLK_BULLETS);
    char w[600];
    if (c->have_arch) {
        switch (c->origin.kind) {
        case MP_ORIGIN_REGISTRY:
            snprintf(w, sizeof w, "the mlxplan registry (%s)", c->origin.where);
            break;
        default:
            snprintf(w, sizeof w, "%s%s%s", c->origin.where, c->origin.revision[0] ? " @ " : "",
                     c->origin.revision);
        }
        mp_doc_add(p, b, "Model: config.json of %s, from %s.", c->model_id, w);
    }
    if (c->have_mach)
        mp_doc_add(p, b, "Machine: %s: %g GB/s%s (%s).", c->mach.chip.name,
                   c->mach.chip.bandwidth_gbs,
                   c->mach.chip.gpu_cores > 0 ? S(c, ", %d GPU cores", c->mach.chip.gpu_cores)
                                              : "",
                   c->mach.chip.source);
    mp_doc_add(p, b, "Speed and memory models: fitted on data/calibration/mlx-eval.tsv; error "
               "bands from data/calibration/error-bands.tsv.");
    write_reproduce(c);
    if (p->reproduce_infer)
        mp_doc_add(p, b, "Inference numbers: `%s`.", p->reproduce_infer);
    if (p->reproduce_train)
        mp_doc_add(p, b, "Training numbers: `%s`.", p->reproduce_train);
    for (int k = 0; k < c->n_alts; k++)
        if (c->alts[k].reproduce) {
            p->reproduce_compared[p->n_reproduce_compared++] = c->alts[k].reproduce;
            mp_doc_add(p, b, "Compared with %s: `%s`.", c->alts[k].id, c->alts[k].reproduce);
        }
    mp_doc_add(p, b, "MLX %s and MLX-LM %s facts from the sources at mlx %.9s and mlx-lm %.9s; "
               "install pins mlx==%s, mlx-lm==%s.",
               pin("mlx_snapshot_version"), pin("mlx_lm_snapshot_version"),
               pin("mlx_snapshot_commit"), pin("mlx_lm_snapshot_commit"), pin("mlx_pin"),
               pin("mlx_lm_pin"));
    if (req->journal_dir && c->journal.n_files)
        mp_doc_add(p, b, "Project journal: %s in %s.", c->journal.files, req->journal_dir);
}

/* Copies of the engine results for whoever draws the plan's charts. */
static void keep_results(ctx *c)
{
    mp_plan *p = c->p;
    if (!c->have_mach)
        return;
    mp_machine *m = mp_arena_alloc(p->arena, sizeof *m);
    if (!m)
        return;
    *m = c->nodes > 1 ? c->fit_mach : c->mach;
    p->machine_spec = m;
    if (c->infer) {
        mp_infer_result *r = mp_arena_alloc(p->arena, sizeof *r);
        if (r) {
            *r = c->ires;
            p->infer = r;
            p->infer_subject = S(c, "%s, %s, %s tokens", c->model_id, qlabel(c, &r->quant),
                                 count(c, (double)r->context_tokens));
        }
        mp_context_sweep *sw = c->req->want_sweep ? mp_arena_alloc(p->arena, sizeof *sw) : NULL;
        if (sw && mp_infer_sweep(&c->ireq, sw, NULL) == 0)
            p->sweep = sw;
    }
    const mp_train_result *t = c->train ? &c->tres : c->pretrain ? &c->pres : NULL;
    if (t) {
        mp_train_result *r = mp_arena_alloc(p->arena, sizeof *r);
        if (r) {
            *r = *t;
            p->train = r;
            p->train_subject = c->train ? S(c, "%s of %s", task_title(c->treq.task), c->model_id)
                                        : S(c, "%s-parameter decoder from scratch",
                                            params_txt(c, mp_arch_params(&c->parch)));
        }
    }
}

static void finish_understood(ctx *c)
{
    mp_plan *p = c->p;
    if (p->n_assumptions) {
        mp_doc_para(p, MP_SEC_UNDERSTOOD, "Assumptions:");
        mp_block *b = mp_doc_block(p, MP_SEC_UNDERSTOOD, MP_BLK_BULLETS);
        for (int i = 0; i < p->n_assumptions; i++)
            mp_doc_add(p, b, "%s", p->assumptions[i]);
    }
    if (p->n_questions) {
        mp_doc_para(p, MP_SEC_UNDERSTOOD, "Questions that would change the plan:");
        mp_block *b = mp_doc_block(p, MP_SEC_UNDERSTOOD, MP_BLK_BULLETS);
        for (int i = 0; i < p->n_questions; i++)
            mp_doc_add(p, b, "%s", p->questions[i]);
    }
}

/* Diagnosis of a slow setup: expected against observed, causes ranked. */
/* When the user did not say which model is slow: what each default model
 * should reach on this machine at 4-bit and 8-bit, to compare with theirs. */
static void reference_speeds(ctx *c)
{
    mp_plan *p = c->p;
    int64_t prompt = c->context < 4096 ? c->context : 4096;
    mp_doc_para(p, MP_SEC_OPTIMIZATION,
                "What mlx-lm should reach on the %s (batch 1, %s tokens of context, %s-token "
                "prompt); find the row of your model and format:", c->mach_label,
                count(c, (double)c->context), count(c, (double)prompt));
    mp_block *t = mp_doc_table(p, MP_SEC_OPTIMIZATION, 5,
                               "model\tformat\tdecode tok/s\tprefill tok/s\tmemory");
    for (int i = 0; default_models[i]; i++) {
        const mp_model_row *row = mp_registry_find(default_models[i]);
        mp_arch a;
        if (!row || mp_registry_arch(row, &a, NULL) != 0)
            continue;
        for (int bits = 4; bits <= 8; bits += 4) {
            mp_quant q = {MP_Q_AFFINE, bits, 64, MP_RECIPE_NONE, a.dtype};
            mp_infer_req r = {&a, &c->mach, q, c->context, prompt, 1, 0, 64, 0, 0, NULL};
            mp_infer_result res;
            if (mp_infer(&r, &res, NULL) != 0 || res.verdict == MP_NO_FIT)
                continue;
            mp_doc_row(p, t, "%s\t%d-bit\t%s\t%s\t%s%s", row->id, bits,
                       rate(c, res.decode_tok_s), rate(c, res.prefill_tok_s),
                       gib(c, res.total_bytes),
                       res.total_bytes > res.budget_bytes ? " (over the default GPU limit)" : "");
        }
        mp_arch_release(&a);
    }
}

/* A slow fine-tune: the measured training throughput against the estimate
 * for the same model and machine, and the causes that fit the gap. */
static void diagnose_training(ctx *c)
{
    mp_plan *p = c->p;
    const mp_train_result *t = &c->tres;
    double obs = p->spec.observed_tok_s.value;
    mp_doc_para(p, MP_SEC_OPTIMIZATION,
                "Expected training throughput for this setup (%s, batch %d, %lld-token sequences, "
                "%d layers%s): %s tok/s (%s).%s",
                task_title(c->treq.task), c->treq.batch, (long long)c->treq.seq_len,
                t->layers_trained, c->treq.grad_checkpoint ? ", checkpointed" : "",
                rate(c, t->tok_s), t->speed_basis,
                isnan(obs) ? "" : S(c, " You see %s tok/s, %.0f%% of it.", rate(c, obs),
                                    100 * obs / t->tok_s));
    mp_block *b = mp_doc_block(p, MP_SEC_OPTIMIZATION, MP_BLK_NUMBERED);
    bool slow = !isnan(obs) && obs < (1 - t->band_speed_pct / 100) * t->tok_s;
    if (isnan(obs) || slow) {
        mp_doc_add(p, b, "Memory pressure: the run needs %s of the %s GPU limit; past it macOS "
                   "swaps and throughput falls several-fold. Compare mlx_lm.lora's Peak mem "
                   "line with the limit.", gib(c, t->total_bytes), gib(c, t->budget_bytes));
        mp_doc_add(p, b, "Different settings: mlx-lm's defaults are batch 4, 16 layers, "
                   "2,048-token sequences; a larger batch, more layers or longer sequences "
                   "change the rate as the table below shows. Compare your lora_config.yaml "
                   "with the one in Code patterns.");
        mp_doc_add(p, b, "Validation: every --steps-per-eval iterations mlx-lm runs "
                   "--val-batches batches without training; count those pauses when you time "
                   "the run from the outside.");
        mp_doc_add(p, b, "Other GPU work, or a Python that is not native arm64 (Dependencies "
                   "shows the check).");
    } else {
        mp_doc_add(p, b, "Your throughput is within the estimate's band: the GPU is doing what "
                   "its compute allows. Only the changes below (fewer layers, no "
                   "checkpointing, shorter sequences, a quantized base) make it faster.");
    }
}

static void write_diagnosis(ctx *c)
{
    mp_plan *p = c->p;
    if ((c->sc & MP_INTENT_OPTIMIZE) && c->train && (p->spec.observed_training || !c->infer)) {
        diagnose_training(c);
        return;
    }
    if (!(c->sc & MP_INTENT_OPTIMIZE) || !c->infer)
        return;
    const mp_infer_result *e = &c->ires;
    double obs = p->spec.observed_tok_s.value;
    mp_doc_para(p, MP_SEC_OPTIMIZATION,
                "Expected decode for this setup: %s tok/s (%s ms weights + %s ms KV cache + %s ms "
                "fixed per token).%s",
                rate(c, e->decode_tok_s), S(c, "%.1f", e->decode_ms_weights),
                S(c, "%.1f", e->decode_ms_kv), S(c, "%.1f", e->decode_ms_fixed),
                isnan(obs) ? " Measure yours with speed_check.py and compare."
                           : S(c, " You see %s tok/s, %.0f%% of it.", rate(c, obs),
                               100 * obs / e->decode_tok_s));
    if (c->model_assumed)
        reference_speeds(c);
    mp_block *b = mp_doc_block(p, MP_SEC_OPTIMIZATION, MP_BLK_NUMBERED);
    bool far = !isnan(obs) && obs < (1 - e->band_decode_pct / 100) * e->decode_tok_s;
    if (far || isnan(obs)) {
        mp_doc_add(p, b, "Memory pressure: if the model plus cache (%s) does not stay under the "
                   "GPU limit (%s), macOS pages it and speed collapses (a 70B model measured at "
                   "0.23 tok/s unwired vs 4.7 wired). Check Activity Monitor's swap and "
                   "mx.get_peak_memory.",
                   gib(c, e->total_bytes), gib(c, e->budget_bytes));
        mp_doc_add(p, b, "Syncs inside the generation loop: .item(), print(array) or NumPy "
                   "conversions force an evaluation per token; `mlxplan check your_script.py` "
                   "finds them.");
        mp_doc_add(p, b, "A different setting than planned: 16-bit instead of %s weights, a "
                   "longer context (decode at %s tokens is %s tok/s), or another process "
                   "using the GPU.",
                   qlabel(c, &e->quant), count(c, (double)e->curve[e->n_curve - 1].context_tokens),
                   rate(c, e->curve[e->n_curve - 1].decode_tok_s));
        mp_doc_add(p, b, "Profile: run mlx_lm.benchmark with the same model; if it reaches the "
                   "target, the slowness is in your script, not in MLX.");
    } else {
        mp_doc_add(p, b, "Your speed is within the estimate's band: the machine is doing what "
                   "its memory bandwidth allows; only fewer bits, a shorter context or more "
                   "bandwidth make it faster (table above).");
    }
}

/* ---- entry -------------------------------------------------------------------------- */

static bool anything(const mp_spec *s)
{
    return s->intents || s->model.prov || s->chip.prov || !isnan(s->model_size.value);
}

int mp_plan_build(const mp_plan_req *req, mp_plan **out, mp_error *err)
{
    *out = NULL;
    const char *text = req->text ? req->text : "";
    size_t len = strlen(text);
    bool blank = true;
    for (size_t i = 0; i < len; i++)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n')
            blank = false;
    if (blank && !req->model && !req->task && !req->chip && !req->journal_dir)
        return mp_error_set(err, MP_EUSAGE, "plan needs a request in plain words, e.g. mlxplan "
                            "plan \"fine-tune Llama 3.1 8B on my M3 Max 36GB\"");
    char why[300];
    if (!blank && mp_spec_impossible(text, why, sizeof why))
        return mp_error_set(err, MP_EUNSUPPORTED, "cannot plan this: %s", why);

    mp_plan *p = calloc(1, sizeof *p);
    ctx *c = calloc(1, sizeof *c);
    if (!p || !c) {
        free(p);
        free(c);
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    }
    p->arena = mp_arena_new();
    c->nodes = 1;
    c->p = p;
    c->req = req;
    c->err = err;
    int rc = 0;
    if (!p->arena) {
        rc = mp_error_set(err, MP_ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < MP_SEC_COUNT; i++) {
        p->sections[i].id = section_names[i].id;
        p->sections[i].title = section_names[i].title;
    }
    mp_spec_init(&p->spec);
    mp_spec *s = &p->spec;
    if ((rc = read_flags(c)) != 0)
        goto done;
    if (!blank && (rc = mp_spec_parse_text(s, text, len, MP_PROV_REQUEST, err)) != 0)
        goto done;
    if (req->journal_dir && (rc = mp_journal_read(req->journal_dir, s, &c->journal, err)) != 0)
        goto done;
    if (!anything(s)) {
        rc = mp_error_set(err, MP_EINVAL,
                          "found nothing to plan in '%.60s%s': name a model, a task (run, "
                          "fine-tune, train from scratch, serve, quantize, speed up) or a Mac",
                          text, len > 60 ? "..." : "");
        goto done;
    }
    c->sc = s->intents ? s->intents : MP_INTENT_RUN;
    if ((c->sc & (MP_INTENT_SERVE | MP_INTENT_QUANTIZE | MP_INTENT_OPTIMIZE |
                  MP_INTENT_DISTRIBUTED | MP_INTENT_EVALUATE | MP_INTENT_CUDA)) &&
        !(c->sc & (MP_INTENT_FINETUNE | MP_INTENT_PRETRAIN)))
        c->sc |= MP_INTENT_RUN;
    if (s->intents == 0) {
        s->intents_prov = MP_PROV_ASSUMED;
        mp_strlcpy(s->intent_evidence, "no task named: run the model", sizeof s->intent_evidence);
    }
    if (s->unknown_model[0] && !req->model)
        mp_doc_question(p, "The request names '%s', which is not in mlxplan's registry: which "
                        "Hugging Face id is it? (`--model ORG/NAME` reads its config from the "
                        "local cache or the Hub.)", s->unknown_model);
    c->context = isnan(s->context.value) ? DEFAULT_CONTEXT : (int64_t)s->context.value;
    mp_understand(p);
    if ((rc = resolve_machine(c)) != 0)
        goto done;
    c->sc |= s->intents & MP_INTENT_CUDA;
    if (c->sc & MP_INTENT_PRETRAIN) {
        if ((rc = decide_pretrain(c)) != 0)
            goto done;
    } else {
        if (s->model.value[0] && s->model.prov != MP_PROV_ASSUMED) {
            if ((rc = load_model(c, s->model.value)) != 0)
                goto done;
        } else if (s->model.value[0]) {
            /* a family without a size: take the registry's pick, say so */
            if ((rc = load_model(c, s->model.value)) != 0)
                goto done;
            c->model_assumed = true;
            if (s->model_note[0]) {
                mp_doc_assume(p, "%s", s->model_note);
                if (!s->unknown_model[0]) /* else the Hub id is asked for already */
                    mp_doc_question(p, "Which model of that size do you want (a Hugging Face "
                                       "id)?");
            } else {
                mp_doc_assume(p, "The model is %s: the request names '%s' without a size.",
                              s->model.value, s->model.evidence);
                mp_doc_question(p, "Which size of %s do you want?", s->model.evidence);
            }
        } else {
            if (req->strict) {
                rc = mp_error_set(err, MP_EINVAL, "%s: the request names no model (give "
                                  "%s)", mp_pname(MP_P_STRICT), mp_pname(MP_P_MODEL));
                goto done;
            }
            if ((rc = choose_model(c, (c->sc & MP_INTENT_FINETUNE) != 0)) != 0)
                goto done;
        }
        if (isnan(s->context.value) && c->arch.max_position > 0 &&
            c->arch.max_position < c->context)
            c->context = c->arch.max_position;
        if (isnan(s->context.value))
            mp_doc_assume(p, "Context of %s tokens: the request gives none.",
                          count(c, (double)c->context));
        if (c->sc & MP_INTENT_FINETUNE) {
            c->data_format = s->data_format.value[0] ? s->data_format.value : "chat";
            if (!s->data_format.value[0]) {
                mp_doc_assume(p, "The data is conversations (mlx-lm's chat format): the "
                                 "request does not say.");
                bool sized = !isnan(s->data_examples.value) || !isnan(s->data_tokens.value);
                mp_doc_question(p, "What does your data look like (conversations, "
                                   "prompt/answer pairs, or raw text)%s?",
                                sized ? "" : ", and how many examples");
            }
            if ((rc = decide_training(c)) != 0)
                goto done;
        }
        if (c->sc & (MP_INTENT_RUN | MP_INTENT_SERVE)) {
            if ((rc = decide_inference(c)) != 0)
                goto done;
        }
        if (c->infer && !c->train && c->nodes == 1)
            compare_models(c);
        else
            for (int k = 0; k < s->n_alt_models; k++)
                if (!mp_ieq(s->alt_models[k].value, c->model_id))
                    mp_doc_assume(p, "The request also names %s; this plan is for %s "
                                  "(`mlxplan plan --model %s` plans the other).",
                                  s->alt_models[k].value, c->model_id, s->alt_models[k].value);
        if (!(c->infer && !c->train && c->nodes == 1))
            for (int k = 0; k < s->n_alt_quants; k++)
                mp_doc_assume(p, "The request also names the format %s; this plan weighs only "
                              "%s (`mlxplan estimate --quant` gives the other).",
                              s->alt_quants[k].value, s->quant.value);
    }
    if (!isnan(s->observed_tok_s.value) && (c->infer || c->train))
        mp_doc_number(p, "observed_tok_s", s->observed_tok_s.value, "tok/s", "the request");
    alt_machines(c);
    p->scenarios = c->sc;
    write_summary(c);
    write_understood(c);
    write_architecture(c);
    write_dependencies(c);
    write_steps(c);
    write_targets(c);
    if ((rc = write_code(c)) != 0)
        goto done;
    write_testing(c);
    write_diagnosis(c);
    write_optimization(c);
    write_deployment(c);
    write_todo(c);
    write_sources(c, req);
    finish_understood(c);
    keep_results(c);
    if (mp_arena_failed(p->arena))
        rc = mp_error_set(err, MP_ENOMEM, "out of memory");
done:
    if (c->have_arch)
        mp_arch_release(&c->arch);
    if (c->pretrain)
        mp_arch_release(&c->parch);
    free(c);
    if (rc) {
        mp_plan_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void mp_plan_free(mp_plan *p)
{
    if (!p)
        return;
    mp_arena_free(p->arena);
    free(p);
}
