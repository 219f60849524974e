/*
 * speedfit.h - fit the speed model's constants (engine/speed.h) on measured
 * runs by least squares, the structure fixed.
 *
 * Each observation is one measured time with the terms of its case.  The fit
 * minimises the squared relative error of the predicted time,
 * sum_i w_i (x_i . c / t_i - 1)^2, with every constant held at or above its
 * physical least value (an efficiency cannot pass 100 %), reweighting rows
 * whose error passes 20 % (Huber) so a few odd runs do not bend the rest.
 * It runs in two stages: one constant per vendor (Apple, NVIDIA) first, then
 * one per GPU generation, pulled toward its vendor's value as if by
 * MP_SPEEDFIT_PRIOR_ROWS rows of average weight, so a generation with few
 * rows stays near the pool and one with none equals it.  Decode is fitted
 * first; a prefill observation subtracts the first decode step it includes.
 * Rows are weighted 1/sqrt(rows of their source), so one large source does
 * not decide every constant.  The training constants are least squares
 * over the training rows, each at or above its least value.
 */
#ifndef MP_ENGINE_SPEEDFIT_H
#define MP_ENGINE_SPEEDFIT_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/speed.h"

#define MP_SPEEDFIT_PRIOR_ROWS 2.0

typedef struct mp_speed_obs {
    bool prefill;            /* false: one decode step; true: time to first token */
    bool train;              /* a training micro-batch: xt, ot (prefill false) */
    int cls;                 /* generation class (mp_sclass_of) */
    double xd[MP_DEC_N];       /* decode terms (a prefill row: its first decode step) */
    double xp[MP_PRE_N];       /* prefill terms (prefill rows only) */
    double xt[MP_TR_N], ot;  /* training: its terms, its fixed seconds */
    double t_s;              /* measured seconds */
    double weight;           /* relative weight (source weighting); 0 leaves it out */
    /* a measured ratio of two times to first token (Apple's M4 / M5 chart,
     * no prompt length): ratio = t(ref) / t(this); t_s is unused.  The fit
     * takes t(ref) from the other rows' constants. */
    double ratio;            /* 0: not a ratio */
    int ref_cls;
    double ref_xd[MP_DEC_N], ref_xp[MP_PRE_N];
} mp_speed_obs;

/* A prior of one generation's constant (data/calibration/speed-priors.tsv):
 * the fit pulls it toward `value` as if by `rows` rows of average weight,
 * besides the pull toward its vendor's pooled value. */
typedef struct mp_speed_prior {
    bool prefill;            /* a prefill term; else a decode term */
    int term;                /* mp_pterm or mp_dterm */
    int cls;                 /* a generation (< MP_SC_GENS) */
    double value, rows;
    const char *source_group;
} mp_speed_prior;

#define MP_SPEED_PRIORS_MAX 64

/* The compiled-in priors, less those of source group `skip_group` (NULL:
 * none left out): written to `out` (MP_SPEED_PRIORS_MAX entries); returns
 * how many. */
size_t mp_speed_priors(const char *skip_group, mp_speed_prior *out);

/* Fit decode, prefill and training constants on the observations with
 * weight > 0 (training constants on the training observations alone), with
 * the priors `pr` (np of them).  Returns the number of observations used. */
size_t mp_speed_fit_with(const mp_speed_obs *obs, size_t n, const mp_speed_prior *pr, size_t np,
                         mp_speed_consts *out);

/* mp_speed_fit_with every compiled-in prior: the fit of speed-constants.tsv. */
size_t mp_speed_fit(const mp_speed_obs *obs, size_t n, mp_speed_consts *out);

/* Predicted seconds of an observation under `c` (a ratio observation: the
 * predicted ratio). */
double mp_speed_obs_predict(const mp_speed_consts *c, const mp_speed_obs *o);

#endif
