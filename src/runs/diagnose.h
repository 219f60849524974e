/*
 * diagnose.h - a measured run judged against the estimate for its setup:
 * the verdict from the ratio and the estimate's error band, and the likely
 * causes of a slow run, ranked for this case, each with the evidence, the
 * command that checks it, the fix and the computed gain of the fix.
 *
 * The causes are computed in src/app/diagnose.c (they re-run the estimator
 * with the fix applied); this header holds the result and the verdict rule.
 */
#ifndef MP_RUNS_DIAGNOSE_H
#define MP_RUNS_DIAGNOSE_H

#include <stdbool.h>

#include "runs/store.h"

typedef enum mp_diag_verdict {
    MP_DIAG_NONE,          /* nothing to compare */
    MP_DIAG_AS_EXPECTED,   /* inside the band */
    MP_DIAG_SLOWER,        /* below the band */
    MP_DIAG_MUCH_SLOWER,   /* below half the band's low end */
    MP_DIAG_FASTER,        /* above the band */
} mp_diag_verdict;

const char *mp_diag_verdict_name(mp_diag_verdict v); /* "as expected", "much slower", ... */

#define MP_DIAG_MAX_CAUSES 10
#define MP_DIAG_TEXT 240

typedef struct mp_diag_cause {
    const char *id;               /* stable: "weights-16bit", "swap", ... */
    double score;                 /* 0..1: how strongly this case points at it */
    char evidence[MP_DIAG_TEXT];  /* what in this run points at it */
    char check[MP_DIAG_TEXT];     /* the command that checks it */
    char fix[MP_DIAG_TEXT];       /* what to do */
    double gain_x;                /* speed after the fix / measured; <= 0 not computed */
    bool gain_upper;              /* gain_x is an upper bound (back to the estimate) */
    char gain_basis[MP_DIAG_TEXT];
} mp_diag_cause;

typedef struct mp_diagnosis {
    mp_diag_verdict verdict;
    mp_run_kind kind;             /* the figure judged */
    double measured_tok_s, expected_tok_s, band_pct, ratio;
    double low_tok_s, high_tok_s; /* the band: expected / (1 + b) .. expected * (1 + b) */
    int n_causes;                 /* ranked, best first */
    mp_diag_cause causes[MP_DIAG_MAX_CAUSES];
} mp_diagnosis;

/* The verdict of `measured` against `expected` with a +/- `band_pct` %
 * error band, read as a ratio either way (a p90 error of b means 90 % of
 * runs lie within expected / (1 + b) .. expected * (1 + b)).  Fills the
 * figures of *d; causes are left as they are. */
void mp_diag_judge(mp_diagnosis *d, mp_run_kind kind, double measured, double expected,
                   double band_pct);

/* Sort d's causes best first: score, then gain; drop those scored 0. */
void mp_diag_rank(mp_diagnosis *d);

#endif
