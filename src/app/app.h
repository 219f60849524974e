/*
 * app.h - the use-cases under both front-ends: `estimate` and `fit` take
 * the settings read from the parameter table (kb/param.h, an mp_pvals
 * filled by the CLI from flags or by the MCP server from arguments) and
 * return a result ready for the renderers.  The CLI and the MCP tools only
 * read arguments into mp_pvals and render what comes back; every business
 * rule (which settings go with which task or search, how the model and the
 * machine are found, defaults, the commands to run) lives here or below.
 *
 * Messages name settings with mp_pname, so each front-end reads them in its
 * own spelling.
 */
#ifndef MP_APP_APP_H
#define MP_APP_APP_H

#include <stdbool.h>

#include "engine/fit.h"
#include "engine/infer.h"
#include "engine/machine.h"
#include "engine/sweep.h"
#include "engine/tdata.h"
#include "engine/train.h"
#include "kb/param.h"
#include "runs/calib.h"
#include "model/registry.h"
#include "plan/commands.h"
#include "plan/plan.h"
#include "render/estimate.h"
#include "render/fit.h"
#include "util/buf.h"

/* The model a request names: 'params' (a new llama-style decoder, for
 * pretrain), 'config_json' (its text; MCP) or 'model' (a name; with
 * `allow_paths` also a config.json or a model folder: the CLI). */
typedef struct mp_app_model {
    mp_arch arch;
    mp_origin origin;
    char label[256];    /* as named: the id, or a config's model_type */
    bool from_text;     /* read from 'config_json' */
    bool loaded;
} mp_app_model;

/* Load the model of `pv` into `m` (release with mp_app_model_release, also
 * after an error).  MP_EUSAGE when none is named or two ways are; the
 * loaders' errors otherwise. */
int mp_app_model_load(const mp_pvals *pv, bool allow_paths, mp_app_model *m, mp_error *err);
void mp_app_model_release(mp_app_model *m);

/* The Hugging Face id the model's mlx_lm commands name. */
const char *mp_app_model_hf(const mp_app_model *m);

/* The machine of 'chip' and 'memory' (absent memory: the chip's smallest,
 * marked assumed).  MP_EUSAGE naming 'chip' when it is absent. */
int mp_app_machine(const mp_pvals *pv, mp_machine *m, bool *by_memory, mp_error *err);

/* The examples of 'data' (when given) into `d` and req->data, checked
 * against req's batch size; `d` is released with mp_tdata_release, also
 * after an error.  MP_EUSAGE with 'dataset_tokens' too; mp_tdata_read's
 * and mp_tdata_batches_of's errors. */
int mp_app_data(const mp_pvals *pv, mp_train_req *req, mp_tdata *d, mp_error *err);
/* The same for the data file at `path` (plan's --data PATH): read into `d`,
 * checked against req's batch size when `req` is not NULL. */
int mp_app_data_file(const char *path, mp_train_req *req, mp_tdata *d, mp_error *err);

/* ---- plan ------------------------------------------------------------------ */

/* The request of the C_PLAN settings of `pv` (text, model, chip, task,
 * data, memory, context, budget, target speed, users, strict, offline);
 * what differs per front-end (journal, detect, names_only, want_sweep) is
 * left for the caller.  `req` borrows the strings of `pv`. */
void mp_plan_req_from_params(const mp_pvals *pv, mp_plan_req *req);

typedef struct mp_plan_in {
    const mp_pvals *pv;  /* the C_PLAN settings */
    const char *text;    /* the request in words (the CLI: the words after 'plan');
                          * NULL: the 'request' setting (MCP), which must not be blank */
    bool allow_paths;    /* the CLI: the request may name model folders, and
                          * 'journal' is read; else models by name only, no files */
    bool detect;         /* may read this machine when the request says "my Mac" */
    bool want_sweep;     /* also the context sweep (for charts) */
} mp_plan_in;

/* The plan for the settings of `in`: what both front-ends do between reading
 * the arguments and rendering (mp_render_plan_md / _json).  Errors: with the
 * 'request' setting, MP_EINVAL when it is blank and MP_ELIMIT over
 * MP_REQUEST_MAX_BYTES (naming it with mp_pname); then mp_plan_build's.  On
 * success the caller frees *out with mp_plan_free. */
int mp_plan_run(const mp_plan_in *in, mp_plan **out, mp_error *err);

/* ---- estimate -------------------------------------------------------------- */

typedef struct mp_estimate_in {
    const mp_pvals *pv;
    bool allow_paths;    /* 'model' may be a path (the CLI) */
    bool want_sweep;     /* also the context sweep (for charts) */
    bool plain;          /* never calibrate (runs: the plain estimate a run is judged by) */
} mp_estimate_in;

typedef struct mp_estimate_out {
    mp_estimate_view view;    /* for mp_render_estimate_md / _json */
    const mp_context_sweep *sweep; /* when asked and inference, else NULL */
    /* what the view points into */
    mp_app_model model;
    mp_machine mach;
    mp_task task;
    mp_infer_req ireq;
    mp_infer_result inf;
    mp_train_req treq;
    mp_train_result tr;
    mp_tdata data;       /* --data (n_examples 0 when not given) */
    mp_train_data td;
    mp_remedy remedies[MP_MAX_REMEDIES];
    mp_context_sweep sweep_data;
    mp_buf cmds[MP_CMD_STEPS_MAX];
    mp_calib calib;      /* the user's runs of this machine (app/calib.c) */
    char calib_db[512];  /* the database they came from */
} mp_estimate_out;

/* Memory and speed of the model on the machine for the task of `in->pv`
 * (default inference).  Unless `in->plain` or 'no_calibration' is given, the
 * speeds are scaled by the user's stored runs of this machine and labelled
 * (mp_app_calibrate); a database that cannot be read leaves them plain.  `out` must be released with
 * mp_estimate_out_release, also after an error. */
int mp_estimate_run(const mp_estimate_in *in, mp_estimate_out *out, mp_error *err);
void mp_estimate_out_release(mp_estimate_out *out);

/* Local calibration of a finished estimate (app/calib.c): read the runs of
 * out->mach from the runs database, fit the factors (runs/calib.h) and
 * scale out->inf or out->tr; out->calib says what was done. */
void mp_app_calibrate(mp_estimate_out *out);

/* The calibration of machine `m` fitted on the user's stored runs of it
 * (runs/calib.h; no exact-setup lookup): set m->calib to it and the
 * estimators scale every figure for that machine (engine/mcal.h).  False,
 * with c->used false, when the machine has no runs or the database cannot
 * be read.  `db` (cap bytes, may be NULL) gets the database's path. */
bool mp_app_machine_calib(const mp_machine *m, mp_calib *c, char *db, size_t cap);

/* Whether the settings allow calibration (no 'no_calibration'). */
bool mp_app_calib_wanted(const mp_pvals *pv);

/* ---- fit ------------------------------------------------------------------- */

typedef struct mp_fit_in {
    const mp_pvals *pv;
    int mode;            /* an mp_fit_mode, or -1: chosen from the settings
                          * given (the CLI: --model and --chip -> formats, or
                          * training with a fine-tune --task; --chip only ->
                          * models; --model only -> machines) */
    bool allow_paths;    /* 'model' may be a path (the CLI) */
    bool want_rows;      /* also the format grid (formats, models) for charts */
} mp_fit_in;

typedef struct mp_fit_out {
    mp_fit_view view;          /* for mp_render_fit_md / _json */
    const mp_fit_row *rows;    /* with want_rows: the grid, else NULL */
    int n_rows;
    /* what the view points into */
    mp_app_model model;
    mp_machine mach;
    mp_quant quant;
    mp_train_req want;
    mp_tdata data;             /* --data (n_examples 0 when not given) */
    void *found;               /* the search's options (calloc'd) */
    mp_fit_row *grid;
    mp_fit_row row;
    mp_calib calib;            /* the user's runs of mach (mach.calib points here when used) */
} mp_fit_out;

/* The search of `in->mode` with the settings of `in->pv`; settings of
 * another search are refused (mp_param_check_mode).  Unless
 * 'no_calibration' is given, the speeds on the machine are scaled by the
 * user's stored runs of it (mp_app_machine_calib; not the machines search).  Release `out` with
 * mp_fit_out_release, also after an error. */
int mp_fit_run(const mp_fit_in *in, mp_fit_out *out, mp_error *err);
void mp_fit_out_release(mp_fit_out *out);

#endif
