/*
 * params.h - the fitted constant of the activation-memory model.
 *
 * The speed model's constants are engine/speed.h's (fitted per GPU
 * generation by bench/fit_speed.c into data/calibration/speed-constants.tsv).
 * The training step's efficiency is a speed constant too (train_mm).
 * This one is fitted on the calibration rows by `accuracy --fit`
 * (bench/accuracy.c), which prints this struct; the value in params.c is
 * that output.  Nothing here is a per-model or per-chip lookup.
 */
#ifndef MP_ENGINE_PARAMS_H
#define MP_ENGINE_PARAMS_H

typedef struct mp_params {
    /* memory: activations of one prefill chunk = chunk * act_h * hidden * dtype_bytes */
    double act_h;
} mp_params;

/* The fitted values (see params.c for the fit's date and data). */
extern const mp_params mp_params_fitted;

#endif
