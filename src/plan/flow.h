/*
 * flow.h - the headline flows of the planner: each writes its parts of a
 * plan (architecture, steps, code, testing, ...) from decisions the planner
 * took through the engines.  Internal to the planner; every number they
 * print comes from the inputs below or from the engines.
 */
#ifndef MP_PLAN_FLOW_H
#define MP_PLAN_FLOW_H

#include "engine/machine.h"
#include "engine/train.h"
#include "model/arch.h"
#include "plan/plan.h"
#include "util/error.h"

/* ---- training from scratch (flow_pretrain.c) ---- */

typedef struct mp_flow_pretrain {
    const mp_arch *arch;          /* the decoder sized by the planner */
    const mp_train_req *req;      /* its training settings (batch, seq_len, dtype, ...) */
    const mp_train_result *res;   /* the estimate of the run */
    const mp_machine *mach;
    const char *machine_label;    /* "M4 Pro 20c, 48 GB" */
    double tokens;                /* training tokens of the full run */
    double budget_h;              /* the time budget (hours) */
} mp_flow_pretrain;

/* A decoder of about `params` parameters whose blocks, not the embedding
 * table and head, hold most of them: the largest vocabulary of 32000, 16384
 * and 8192 whose table and head stay within 40 % of the parameters (8192
 * when none does).  Errors and ownership as mp_arch_for_size. */
int mp_flow_pretrain_size(double params, mp_dtype dtype, mp_arch *a, mp_error *err);

/* Architecture bullets: the model, its parameter split, data, training, checkpoints. */
void mp_flow_pretrain_architecture(mp_plan *p, mp_block *b, const mp_flow_pretrain *f);
/* The packages the project needs beyond mlx (a pip line with its newline). */
const char *mp_flow_pretrain_pip(void);
/* Implementation steps after the install step, with their shell commands. */
void mp_flow_pretrain_steps(mp_plan *p, mp_block *steps, const mp_flow_pretrain *f);
/* The project: a table of its files, then each file's complete code.
 * Errors: MP_EINVAL when a template asks for a value the flow lacks. */
int mp_flow_pretrain_code(mp_plan *p, const mp_flow_pretrain *f, mp_error *err);
/* Testing bullets (what the tests prove, what to read in the first run). */
void mp_flow_pretrain_testing(mp_plan *p, mp_block *b, const mp_flow_pretrain *f);
/* Deployment bullets: generation, quantization, the mlx_lm folder. */
void mp_flow_pretrain_deployment(mp_plan *p, mp_block *b, const mp_flow_pretrain *f);

/* ---- a measured run judged by the runs diagnosis (write_judged.c) ---- */

/* The verdict and the first cause as summary bullets into `b`. */
void mp_flow_judged_summary(mp_plan *p, mp_block *b, const mp_plan_judged *j);
/* The judged run in the Optimisation guide: measured against expected with
 * its band and verdict, the assumptions, the ranked causes with their
 * checks, fixes and gains. */
void mp_flow_judged(mp_plan *p, const mp_plan_judged *j);

/* ---- slow inference (flow_slow.c) ---- */

/* How the user generates, as the request says. */
typedef enum mp_slow_loop {
    MP_SLOW_LOOP_UNKNOWN,
    MP_SLOW_LOOP_OWN,     /* a generation loop of their own */
    MP_SLOW_LOOP_MLX_LM,  /* mlx_lm's generate, stream_generate or server */
} mp_slow_loop;

typedef struct mp_flow_slow {
    const mp_arch *arch;          /* the user's model, or the one assumed meanwhile */
    const char *model_id;
    const char *run_model;        /* the folder or Hub id the commands load */
    const char *convert;          /* the mlx_lm.convert line that makes run_model, or NULL */
    bool model_assumed;           /* the request names no model */
    bool quant_assumed;           /* ... or no weight format */
    const mp_infer_req *req;      /* their setup as the planner estimated it */
    const mp_infer_result *res;
    const mp_machine *mach;
    const char *machine_label;    /* "M3 Max 30c, 36 GB" */
    bool bin_assumed;             /* the chip was named without its GPU cores */
    double observed_tok_s;        /* the decode speed the request reports; NAN if none */
    int64_t gen_tokens;           /* tokens generated per answer in the worked figures */
    bool prompt_given;            /* the request gives the prompt length (req->prompt_tokens) */
    mp_slow_loop loop;
    bool measured_by_mlx_lm;      /* the speed comes from mlx_lm.generate or mlx_lm.benchmark */
    const mp_plan_judged *judged; /* the measured run diagnosed (a paste or the reported
                                   * speed; mp_pl_judge), or NULL: the flow's own causes */
} mp_flow_slow;

/* Summary bullets: the expected speed of the user's setup on every bin of
 * the chip, the reported speed against it, the causes that explain it. */
void mp_flow_slow_summary(mp_plan *p, mp_block *b, const mp_flow_slow *f);
/* The questions the diagnosis needs (model and format, bin, prompt length,
 * how the speed was measured, versions, own loop or mlx_lm). */
void mp_flow_slow_questions(mp_plan *p, const mp_flow_slow *f);
/* Architecture bullets: where one token's time goes in this setup. */
void mp_flow_slow_architecture(mp_plan *p, mp_block *b, const mp_flow_slow *f);
/* The measurement protocol as implementation steps, with their commands. */
void mp_flow_slow_steps(mp_plan *p, mp_block *steps, const mp_flow_slow *f);
/* Code patterns: speed_check.py, own_loop.py, capture.py (templates of
 * data/plan/slow/).  Errors: MP_EINVAL when a template lacks a value. */
int mp_flow_slow_code(mp_plan *p, const mp_flow_slow *f, mp_error *err);
/* Testing bullets: what each printed number means. */
void mp_flow_slow_testing(mp_plan *p, mp_block *b, const mp_flow_slow *f);
/* Optimisation guide: the expected-speed table over the chip's bins and
 * typical models at 4/8/16-bit, then the causes ranked for this case, each
 * with its check and computed effect, then profiling. */
void mp_flow_slow_optimization(mp_plan *p, const mp_flow_slow *f);
/* Deployment bullets: long contexts (--max-kv-size, --kv-bits, prompt
 * cache files) with their computed effect, the wired limit. */
void mp_flow_slow_deployment(mp_plan *p, mp_block *b, const mp_flow_slow *f);

/* ---- fine-tune and deploy (flow_finetune.c) ---- */

typedef struct mp_flow_ft {
    const mp_arch *arch;
    const char *model_id;         /* the Hugging Face id */
    const char *base;             /* what mlx_lm.lora trains on: the id or a quantized folder */
    const mp_train_req *req;      /* the chosen settings */
    const mp_train_result *res;   /* their estimate */
    const mp_machine *mach;
    const char *data_format;      /* chat, completions, text */
    int64_t iters;                /* --iters: micro-batches */
    bool task_asked;              /* the request names the method */
    bool for_qlora;               /* the model was chosen as the largest whose QLoRA fits */
    const char *base_note;        /* why the base is quantized when LoRA was asked, or NULL */
    /* serving the result, when the plan serves it (else ires NULL) */
    const mp_infer_req *ireq;
    const mp_infer_result *ires;  /* at the planned batch */
    const mp_infer_result *ires1; /* one request alone */
    bool serve;
    /* the prompt length the request gives (0: none) and the window its
     * examples need (prompt and answer); req->seq_len is the longest that fits */
    int64_t prompt_tokens, window_wanted;
    /* the user's data file, read (its lengths are the estimate's), or NULL */
    const char *data_path;
} mp_flow_ft;

/* A row's fit: "does not fit" above the most the GPU can get, "does not fit
 * the default limit (...)" above the default limit, "tight" when the
 * +/-`band_pct` band reaches it, else "fits".  Static text. */
const char *mp_flow_fit_text(double total_bytes, double budget_bytes, double max_bytes,
                             double band_pct);
/* Architecture: LoRA vs QLoRA vs DoRA vs full on this model and machine
 * (memory, fit, it/s, tok/s, run time, quality cost), then the choice and why. */
void mp_flow_ft_methods(mp_plan *p, const mp_flow_ft *f);
/* The steps from data to a served model with their commands; `run_model`
 * (cap bytes) gets the folder that is served. */
void mp_flow_ft_steps(mp_plan *p, mp_block *steps, const mp_flow_ft *f, char *run_model,
                      size_t cap);
/* Training rows of the performance targets, each with what measures it in 0.32.0. */
void mp_flow_ft_targets(mp_plan *p, mp_block *t, const mp_flow_ft *f);
/* Code patterns: a sample line of every data format, then the templates of
 * data/plan/finetune/.  Errors: MP_EINVAL when a template lacks a value. */
int mp_flow_ft_code(mp_plan *p, const mp_flow_ft *f, mp_error *err);
/* Testing: what mlx_lm.lora prints, validation, test against the base, samples. */
void mp_flow_ft_testing(mp_plan *p, mp_block *b, const mp_flow_ft *f);
/* Deployment: fuse, quantize (or DWQ), serve, with memory and speed after. */
void mp_flow_ft_deployment(mp_plan *p, mp_block *b, const mp_flow_ft *f);

#endif
