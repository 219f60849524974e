/*
 * runs.h - the runs use-cases under both front-ends: read pasted mlx-lm
 * output, settle the setup it ran with, compare it with the plain estimate
 * for that setup, and keep it in the user's runs database; list, show and
 * forget stored runs.
 *
 * The setup comes from the pasted command line when the output has one,
 * else from the settings given (model, quant, chip, memory, context in
 * mp_pvals), else from reading this machine (chip, memory); what is still
 * missing is assumed and said so in `assumed`.  A setting given that
 * contradicts the pasted command line is refused, naming the line.
 */
#ifndef MP_APP_RUNS_H
#define MP_APP_RUNS_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "runs/diagnose.h"
#include "runs/read.h"
#include "runs/store.h"

#define MP_RUN_MAX_ASSUMED 8
#define MP_RUN_POOL 24

typedef struct mp_run_in {
    const mp_pvals *pv;   /* model, quant, chip, memory, context as given */
    const char *text;     /* the pasted output */
    size_t len;
    bool detect;          /* read this machine when no chip is given */
    bool need_setup;      /* refuse output whose model or machine is unknown */
    bool names_only;      /* the model is a name, never a path (MCP) */
} mp_run_in;

typedef struct mp_run_out {
    mp_run_reading reading;
    bool have_estimate;   /* model and machine known: row.exp_* are set */
    mp_run_row row;       /* setup, measured figures and the plain estimate */
    double band_pct[MP_RUN_KIND_N]; /* the estimate's error band per kind */
    int n_assumed;
    char assumed[MP_RUN_MAX_ASSUMED][200]; /* "quant: as stored (bf16), named nowhere" */
    char no_estimate[200]; /* why there is no estimate, when there is none */
    mp_estimate_out est;  /* the plain estimate (when have_estimate) */
    mp_diagnosis diag;    /* the run judged against it (verdict NONE without one) */
    int64_t id;           /* id in the database once stored, else 0 */
    bool quantized;       /* the weights are quantized (given or by the model's name) */
    bool quant_named;     /* the format comes from the model's name */
    int n_pool;
    char pool[MP_RUN_POOL][256]; /* the setting texts the estimate's mp_pvals borrow */
    char db_path[4096];
} mp_run_out;

/* Read `in->text`, settle the setup and estimate it (nothing is stored).
 * Errors: the reader's (MP_EPARSE, MP_EINVAL naming the line, MP_ELIMIT),
 * MP_EINVAL for a setting that contradicts the paste, with need_setup
 * MP_EUSAGE when the model or the machine is nowhere, the estimate's.
 * Release `out` with mp_run_out_release, also after an error. */
int mp_run_prepare(const mp_run_in *in, mp_run_out *out, mp_error *err);

/* mp_run_prepare with need_setup, then store the run (one transaction):
 * nothing is stored when any step fails. */
int mp_run_add(const mp_run_in *in, mp_run_out *out, mp_error *err);

void mp_run_out_release(mp_run_out *out);

/* Judge the prepared run against its estimate into out->diag (app/diagnose.c;
 * mp_run_prepare calls it). */
void mp_run_diagnose(mp_run_out *out);

/* A measured run judged in a plan (plan --measured FILE, MCP 'measured',
 * or a speed in the request's words): the paste `text` (NULL: a reading
 * made of m->observed_tok_s alone) is read as by mp_run_prepare; its setup
 * is the paste's where it names one, else the plan's (model, format,
 * context, prompt, batch), on the plan's machine; then it is diagnosed by
 * mp_run_diagnose against the plain estimate, as `runs add` does.  Errors
 * as mp_run_prepare, MP_EUSAGE when neither names a model.  Release `out`
 * with mp_run_out_release, also after an error. */
int mp_run_for_plan(const mp_plan_measure *m, const char *text, size_t len, bool names_only,
                    mp_run_out *out, mp_error *err);

/* The stored runs, oldest first (*rows malloc'd, NULL when none); the
 * database path into db_path (cap 4096).  A missing database is no runs. */
int mp_runs_list_run(mp_run_row **rows, int *n, char *db_path, mp_error *err);

/* One stored run and its reading as JSON text (malloc'd, may be NULL). */
int mp_runs_show_run(int64_t id, mp_run_row *row, char **reading_json, mp_error *err);

/* Forget run `id`, or all runs when id < 0; *removed the count. */
int mp_runs_forget_run(int64_t id, int *removed, mp_error *err);

#endif
