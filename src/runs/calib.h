/*
 * calib.h - local calibration: what the user's own runs on one machine say
 * about the estimates there.  Per kind of figure (decode, prefill,
 * training) the factor is the median of measured / estimated over the runs
 * of that machine, bounded to MP_CALIB_FACTOR_MIN..MP_CALIB_FACTOR_MAX so that a few odd
 * runs cannot turn an estimate upside down; a run of the exact setup asked
 * about gives the measured figure itself.
 */
#ifndef MP_RUNS_CALIB_H
#define MP_RUNS_CALIB_H

#include <stdbool.h>
#include <stdint.h>

#include "runs/store.h"

#define MP_CALIB_FACTOR_MIN 0.33
#define MP_CALIB_FACTOR_MAX 3.0
#define MP_CALIB_MAX_IDS 8

/* How a figure was made. */
typedef enum mp_calib_label {
    MP_CAL_ESTIMATED,   /* the model alone */
    MP_CAL_CALIBRATED,  /* scaled by the factor of this machine's runs */
    MP_CAL_MEASURED,    /* this exact setup was run on this machine */
} mp_calib_label;

const char *mp_calib_label_name(mp_calib_label l); /* "estimated", "calibrated", "measured" */

typedef struct mp_calib_kind {
    mp_calib_label label;
    int n_runs;                  /* runs of this machine with this kind of figure */
    double factor;               /* bounded median of measured / estimated; 1 when none */
    double raw_median;           /* before bounding */
    bool bounded;                /* the median was outside the bounds */
    double measured_tok_s;       /* MEASURED: the median of the exact-setup runs */
    int n_exact;
    int64_t ids[MP_CALIB_MAX_IDS]; /* the runs used (first MP_CALIB_MAX_IDS) */
    int n_ids;
} mp_calib_kind;

typedef struct mp_calib {
    bool used;                   /* some kind has runs */
    mp_calib_kind kind[MP_RUN_KIND_N];
} mp_calib;

/* The setup asked about, to find runs of exactly it. */
typedef struct mp_calib_setup {
    const char *model;           /* as named by the user */
    const char *quant;           /* mp_quant_label */
    const char *task;            /* "inference", "lora", ... */
    int64_t context_tokens;      /* exact match within 10 % */
    int64_t batch;
} mp_calib_setup;

/* Fit *c on `rows` (the runs of one machine); `setup` may be NULL (no
 * exact-setup lookup). */
void mp_calib_fit(const mp_run_row *rows, int n, const mp_calib_setup *setup, mp_calib *c);

#endif
