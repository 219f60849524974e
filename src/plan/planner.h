/*
 * planner.h - internal to the planner: the context its phases share
 * (understand: resolve.c, understand.c; decide: decide.c; write: write_*.c;
 * entry: planner.c) and the small helpers they all use.  Every string is
 * allocated in the plan's arena.
 */
#ifndef MP_PLAN_PLANNER_H
#define MP_PLAN_PLANNER_H

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/bands.h"
#include "engine/tdata.h"
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
#include "util/fmt.h"
#include "util/text.h"

/* the answer length of the worked figures and of the measurement commands,
 * and what a given prompt length adds to make the context */
#define MP_PL_ANSWER_TOKENS 256

/* The decode speed a chosen model must reach (tok/s): faster than people
 * read, the bar of the default model pick and of a comparison's recommendation. */
#define MP_PL_MIN_DECODE_TOK_S 15

/* other models and formats a plan compares (spec.h's limits together) */
#define MAX_ALTS ((MP_SPEC_MAX_ALT_MODELS + 1) * (MP_SPEC_MAX_ALT_QUANTS + 1) - 1)

typedef struct mp_pctx {
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
    /* the prompt length the request gives ("32k prompts"), 0 when none: with
     * no context given, the context is it plus MP_PL_ANSWER_TOKENS */
    int64_t prompt;
    /* the fine-tuning data the request names, read (engine/tdata.h) */
    bool have_data;
    mp_tdata data;
    const char *data_note;    /* what the fine-tune takes from it (a summary line), or NULL */
    /* the window a fine-tune's model is chosen at (resolve.c), 0: mlx-lm's default */
    int64_t choose_seq;

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
    /* a run that does not fit one Mac as asked (nearest.c): the request's own
     * estimate, the nearest options that work, ranked, and the one planned */
    bool near_done;           /* the options were computed (mp_pl_nearest ran) */
    const char *asked_id;     /* the model the request names */
    mp_infer_result asked_res;/* its estimate as asked, on this Mac */
    const char *near_use;     /* the use a smaller model must share ("coding", "chat") */
    int n_near;
    struct near_opt {
        enum { NEAR_BITS, NEAR_MODEL, NEAR_MAC, NEAR_MACS } kind;
        const char *id;       /* the model */
        mp_quant quant;
        mp_machine mach;      /* one Mac (NEAR_MACS: each of them) */
        int macs;             /* 1, or the Macs of NEAR_MACS */
        mp_infer_result res;
        const char *reproduce;/* `mlxplan estimate` for the row */
    } near[4];
    int near_planned;         /* index of the option the plan follows, -1: none */
    bool force_quant;         /* decide with forced_quant (the planned option's format) */
    mp_quant forced_quant;
    int force_nodes;          /* decide on this many Macs (the planned option), 0: not forced */

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
    bool slow;                /* the slow-inference diagnosis (write_slow.c) */
    bool model_for_qlora;     /* the model was chosen as the largest whose QLoRA fits */
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
} mp_pctx;

/* The registry use tag a request's model is chosen for: its use case
 * ("coding", "vision", ...; "small" is "edge"), else "chat". */
const char *mp_pl_use_tag(const mp_spec *s);
/* The registry's picks for the request's use (chat when it has none), most
 * capable first; at most `max` in `out`; returns the count. */
size_t mp_pl_candidates(const mp_pctx *c, const mp_model_row **out, size_t max);

/* ---- helpers: text in the plan's arena ----
 * gib, rate, count, dur and params_txt print a number and keep it typed
 * (mp_doc_value): use them in items only (mp_doc_plain elsewhere). */

static inline const char *S(mp_pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline const char *S(mp_pctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = mp_arena_vprintf(c->p->arena, fmt, ap);
    va_end(ap);
    return s ? s : "";
}

static inline const char *gib(mp_pctx *c, double bytes)
{
    return mp_doc_gib(c->p, bytes);
}

/* Bytes in decimal GB as mlx reports peak memory ("17.95 GB"). */
static inline const char *gb_dec(mp_pctx *c, double bytes)
{
    return mp_doc_gb(c->p, bytes);
}

static inline const char *rate(mp_pctx *c, double v)
{
    return mp_doc_rate(c->p, v);
}

static inline const char *count(mp_pctx *c, double v)
{
    return mp_doc_count(c->p, v);
}

static inline const char *dur(mp_pctx *c, double s)
{
    return mp_doc_dur(c->p, s);
}

/* A memory bandwidth as the tables give it ("273"), typed in GB/s. */
static inline const char *bandwidth(mp_pctx *c, double gb_s)
{
    return mp_doc_fig(c->p, gb_s, "GB/s", "%g", gb_s);
}

/* A whole number in `unit` ("tokens", "iterations", "GB", ...). */
static inline const char *whole(mp_pctx *c, long long n, const char *unit)
{
    return mp_doc_int(c->p, n, unit);
}

static inline const char *params_txt(mp_pctx *c, double n)
{
    return mp_doc_params(c->p, n);
}

static inline const char *qlabel(mp_pctx *c, const mp_quant *q)
{
    char b[64];
    mp_quant_label(q, b, sizeof b);
    return S(c, "%s", b);
}

/* The task as MLX-LM users write it. */
static inline const char *task_title(mp_task t)
{
    switch (t) {
    case MP_TASK_LORA: return "LoRA";
    case MP_TASK_DORA: return "DoRA";
    case MP_TASK_QLORA: return "QLoRA";
    case MP_TASK_FULL: return "Full fine-tune";
    default: return mp_task_name(t);
    }
}

/* A version pin of data/ ("?" when the tables lack it). */
static inline const char *pin(const char *key)
{
    const char *v = mp_kb_version(key);
    return v ? v : "?";
}

static inline bool is_cuda(const mp_pctx *c)
{
    return c->have_mach && c->mach.chip.vendor == MP_VENDOR_NVIDIA;
}

/* The from-scratch flow's inputs (plan/flow.h). */
static inline mp_flow_pretrain pretrain_flow(const mp_pctx *c)
{
    return (mp_flow_pretrain){.arch = &c->parch, .req = &c->preq, .res = &c->pres,
                              .mach = &c->mach, .machine_label = c->mach_label,
                              .tokens = c->pre_tokens, .budget_h = c->budget_h};
}

/* What mlx_lm.lora trains on: the model, or its quantized copy for QLoRA. */
static inline const char *train_base(mp_pctx *c)
{
    if (c->treq.base_quant.mode == MP_Q_FLOAT || c->arch.has_config_quant)
        return c->model_id;
    const char *name = strrchr(c->model_id, '/');
    return S(c, "mlx_model/%s-%dbit", name ? name + 1 : c->model_id, c->treq.base_quant.bits);
}
/* The fine-tune flow's inputs (plan/flow.h). */
static inline mp_flow_ft finetune_flow(mp_pctx *c)
{
    return (mp_flow_ft){.arch = &c->arch, .model_id = c->model_id, .base = train_base(c),
                        .req = &c->treq, .res = &c->tres, .mach = &c->mach,
                        .data_format = c->data_format, .iters = c->iters,
                        .task_asked = c->p->spec.task.value[0] != '\0',
                        .for_qlora = c->model_for_qlora, .base_note = c->base_note,
                        .ireq = c->infer ? &c->ireq : NULL, .ires = c->infer ? &c->ires : NULL,
                        .ires1 = c->infer ? &c->ires1 : NULL,
                        .serve = (c->sc & MP_INTENT_SERVE) != 0,
                        .prompt_tokens = c->prompt,
                        .window_wanted = c->prompt ? c->prompt + MP_PL_ANSWER_TOKENS : 0,
                        .data_path = c->data_note ? c->data.train_path : NULL};
}
static inline void cmd_line(mp_buf *b)
{
    mp_buf_putc(b, '\n');
}

/* The --quant value of `mlxplan estimate` for a format. */
static inline const char *quant_arg(mp_pctx *c, const mp_quant *q)
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


/* ---- facts from the knowledge tables (facts.c) ---- */

typedef enum mp_fact {
    MP_FACT_LORA_BATCH,          /* mlx_lm.lora config defaults */
    MP_FACT_LORA_LAYERS,
    MP_FACT_LORA_SEQ,
    MP_FACT_LORA_RANK,
    MP_FACT_LORA_SCALE,
    MP_FACT_LORA_ITERS,
    MP_FACT_LORA_SAVE_EVERY,
    MP_FACT_LORA_EVAL_EVERY,
    MP_FACT_SERVER_HOST,         /* mlx_lm.server flag defaults */
    MP_FACT_SERVER_PORT,
    MP_FACT_SERVER_PROMPT_CACHE,
    MP_FACT_PPL_SAMPLES,         /* mlx_lm.perplexity */
    MP_FACT_PPL_SEQ,
    MP_FACT_DWQ_SAMPLES,         /* mlx_lm.dwq */
    MP_FACT_DWQ_SEQ,
    MP_FACT_AWQ_SAMPLES,         /* mlx_lm.awq */
    MP_FACT_AWQ_SEQ,
    MP_FACT_N
} mp_fact;

/* The default as the table writes it ("8080", "127.0.0.1"); NULL when the
 * table lacks it (a unit test checks that none is missing). */
const char *mp_pl_fact_text(mp_fact f);
/* The same as a number; NAN when absent or not a number. */
double mp_pl_fact(mp_fact f);
/* The same as an int; 0 when absent or not a number. */
int mp_pl_fact_int(mp_fact f);

/* ---- 1. understand (resolve.c) ---- */

/* The request's flags into the spec (provenance "flag"). Errors: a bad --task. */
int mp_pl_read_flags(mp_pctx *c);
/* The machine: named, detected (hw detect) or assumed (said so). Errors: the
 * resolution errors of chips and memory sizes; with strict, a missing machine. */
int mp_pl_resolve_machine(mp_pctx *c);
/* The user's runs of the resolved machine (req->hooks->calibrate), put on
 * c->mach so every estimate on it is scaled (engine/mcal.h); not for the
 * slow-inference diagnosis, which judges a speed against the model alone. */
void mp_pl_calibrate(mp_pctx *c);
/* The label of a figure the estimators labelled `l`. */
mp_label mp_pl_label(mp_calib_label l);
/* `basis`, followed by how kind `k` of `cal` scaled the figure when `l`
 * is not estimated (arena text). */
const char *mp_pl_calib_basis(mp_pctx *c, const char *basis, const mp_calib *cal, mp_run_kind k,
                              mp_calib_label l);
/* Load the model `id` (registry, cache or Hub) into c->arch. */
int mp_pl_load_model(mp_pctx *c, const char *id);
/* The most capable registry pick for the request's use that fits (and
 * trains within the budget), the reason stated in the plan. */
int mp_pl_choose_model(mp_pctx *c, bool for_training);

/* ---- 2. decide (decide.c) ---- */

int mp_pl_decide_inference(mp_pctx *c);
/* A run that does not fit this Mac as asked and asks for no cluster: the
 * nearest options that work, ranked (the same model at fewer bits, a smaller
 * model of the same use, the smallest Mac that holds it, 2-4 of these Macs),
 * in c->near; then decides again for the first that runs on this Mac, else
 * on 2-4 of them (c->near_planned), leaving c->nofit when none does.
 * Errors as mp_pl_load_model and mp_pl_decide_inference. */
int mp_pl_nearest(mp_pctx *c);
/* The summary of such a run: why it does not fit, the options ranked with
 * their figures and `mlxplan estimate` lines, the one planned. */
void mp_pl_write_nearest(mp_pctx *c, mp_block *b);
/* The steps of such a run when no option is planned: how to plan each,
 * and a line in each section that would otherwise be empty. */
void mp_pl_write_no_run(mp_pctx *c);
/* The other models and formats the request names, estimated alike. */
void mp_pl_compare_models(mp_pctx *c);
int mp_pl_decide_training(mp_pctx *c);
int mp_pl_decide_pretrain(mp_pctx *c);

/* ---- 3. write (write_*.c) ---- */

void mp_pl_alt_machines(mp_pctx *c);
void mp_pl_write_summary(mp_pctx *c);
void mp_pl_write_understood(mp_pctx *c);
void mp_pl_finish_understood(mp_pctx *c);
void mp_pl_write_architecture(mp_pctx *c);
void mp_pl_write_dependencies(mp_pctx *c);
void mp_pl_write_steps(mp_pctx *c);
void mp_pl_write_targets(mp_pctx *c);
/* Errors: MP_EINVAL when a code template asks for a value the flow lacks. */
int mp_pl_write_code(mp_pctx *c);
void mp_pl_write_testing(mp_pctx *c);
void mp_pl_write_diagnosis(mp_pctx *c);
/* ---- a measured run (write_judged.c) ---- */
/* Judge the request's measured run through req->hooks->diagnose: the paste
 * (hooks->measured), else the inference speed the request reports
 * (`by_mlx_lm`: timed by mlx_lm); *out NULL when there is nothing to judge
 * or no hook, else the diagnosis (in the arena), its figures added as key
 * numbers.  Errors: the hook's (a paste that cannot be read). */
int mp_pl_judge(mp_pctx *c, bool by_mlx_lm, const mp_plan_judged **out);
/* (the writers of a judged run are in flow.h: mp_flow_judged*) */
void mp_pl_write_optimization(mp_pctx *c);
void mp_pl_write_deployment(mp_pctx *c);
void mp_pl_write_todo(mp_pctx *c);
void mp_pl_write_sources(mp_pctx *c, const mp_plan_req *req);
void mp_pl_keep_results(mp_pctx *c);
/* ---- the slow-inference flow (write_slow.c) ---- */
/* The context a diagnosis assumes when the request gives none (a chat
 * turn: mlx_lm.benchmark's 512-token default prompt is shorter still). */
#define MP_PL_SLOW_CONTEXT 2048
/* Whether the request is a diagnosis of slow inference (not training, not serving). */
bool mp_pl_is_slow(const mp_pctx *c);
/* The answer length the diagnosis measures: the prompt is the context less
 * it, so the cache ends at the context (>= 1). */
int64_t mp_pl_slow_gen_tokens(const mp_pctx *c);
/* Load the model the figures use while the request names none, said so. */
int mp_pl_slow_assume_model(mp_pctx *c);
/* 4-bit weights while the request names no format (and the checkpoint has
 * none), said so; false when a format is known. */
bool mp_pl_slow_assume_quant(mp_pctx *c);
/* Every section of the diagnosis from the user's setup.  Errors: mp_infer's,
 * and MP_EINVAL from a code template. */
int mp_pl_write_slow(mp_pctx *c);

#endif
