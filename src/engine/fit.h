/*
 * fit.h - search the settings space with the estimators.
 *
 * Every option a search returns was estimated by mp_infer / mp_train with
 * the same inputs the user would pass, so a proposal can never disagree
 * with `mlxplan estimate` (a test checks this).  Rankings prefer quality
 * first (more bits, more adapted layers, longer context), then speed; each
 * option carries a one-line reason for its place.
 */
#ifndef MP_ENGINE_FIT_H
#define MP_ENGINE_FIT_H

#include "engine/infer.h"
#include "engine/train.h"

#define MP_FIT_MAX 32

/* The weight formats a search tries, best quality first. */
int mp_fit_quant_ladder(mp_dtype dtype, mp_quant *out, int max);
/* Relative quality rank of a format (higher is better) for explanations. */
double mp_quant_quality(const mp_quant *q);

typedef struct mp_fit_infer {
    mp_quant quant;
    int kv_bits;               /* 0 = 16-bit cache */
    int64_t context;           /* longest context that fits (capped by the request) */
    mp_infer_result est;       /* the estimate at that context */
    char why[200];
} mp_fit_infer;

typedef struct mp_fit_infer_req {
    const mp_arch *arch;
    const mp_machine *mach;
    int64_t context;           /* wanted context (tokens) */
    double min_tok_s;          /* 0 = no speed target */
    int batch;
    bool allow_kv_quant;       /* also try --kv-bits 8 and 4 */
    bool allow_raised_limit;   /* count "fits after raising the wired limit" as fitting */
} mp_fit_infer_req;

/* Formats that run the model on the machine, best first; *n options.  Each
 * option's context is the longest (up to the wanted one, in 256-token
 * steps) that fits.  Options whose context falls short of the wanted one or
 * miss the speed target are dropped.  0 with *n == 0 when nothing fits. */
int mp_fit_inference(const mp_fit_infer_req *req, mp_fit_infer *out, int max, int *n,
                     mp_error *err);

/* For a checkpoint stored quantized (a->has_config_quant), which runs only
 * in its own format (another one starts from the original weights): keep
 * of the `n` options of mp_fit_inference only that format's, first, with a
 * reason saying so.  Returns the options left (0 or 1). */
int mp_fit_keep_stored(const mp_arch *a, mp_fit_infer *o, int n);

/* The longest context (tokens, multiple of 256, >= 256) that fits with the
 * given settings; 0 when even 256 tokens do not fit. */
int64_t mp_fit_max_context(const mp_arch *a, const mp_machine *m, const mp_quant *q, int batch,
                           int kv_bits, int64_t cap, bool allow_raised_limit);

typedef struct mp_fit_model {
    const char *model_id;      /* registry id */
    mp_fit_infer best;         /* best format at the wanted context */
    double params;
} mp_fit_model;

/* Registry models that fit the machine at `context` (and speed), each with
 * its best format; sorted by parameter count, largest first. */
int mp_fit_models(const mp_machine *m, int64_t context, double min_tok_s, mp_fit_model *out,
                  int max, int *n, mp_error *err);

typedef struct mp_fit_machine {
    mp_chip chip;
    int memory_gb;
    mp_infer_result est;
    char why[160];
} mp_fit_machine;

/* Machines (every chip and memory size) that run `a` in `q` at `context`
 * with at least `min_tok_s` decode speed; cheapest-looking first (least
 * memory, then fewest GPU cores). */
int mp_fit_machines(const mp_arch *a, const mp_quant *q, int64_t context, double min_tok_s,
                    bool apple_only, mp_fit_machine *out, int max, int *n, mp_error *err);

typedef struct mp_fit_train {
    mp_train_req req;          /* the settings (arch, machine filled) */
    mp_train_result est;
    char why[200];
} mp_fit_train;

/* Fine-tuning settings that fit: base format (for QLoRA: want->base_quant), batch, sequence length,
 * num_layers, rank, checkpointing and accumulation, preferring quality
 * (unquantized base, more layers, full sequence length, the requested
 * batch through accumulation), then speed.  `want` gives the requested
 * task and defaults (its arch and mach are used). */
int mp_fit_training(const mp_train_req *want, mp_fit_train *out, int max, int *n, mp_error *err);

/* What to do when an inference estimate does not fit, with the effect
 * computed by the estimator. */
typedef struct mp_remedy {
    char action[200];      /* a flag or command: "-q --q-bits 4 --q-group-size 64" */
    char effect[200];      /* "weights in affine 4-bit g64: total 21.3 GiB, fits; ..." */
} mp_remedy;

#define MP_MAX_REMEDIES 8

/* Remedies for `res` (estimated from `req`) when it is tight or does not
 * fit: lower-precision weights, a shorter context, a quantized KV cache, a
 * raised wired limit, more memory, several Macs; each one re-estimated.
 * Returns how many were written (0 when it already fits). */
int mp_fit_remedies(const mp_infer_req *req, const mp_infer_result *res, mp_remedy *out, int max);

#endif
