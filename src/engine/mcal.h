/*
 * mcal.h - a machine's local calibration, applied by the estimators.
 *
 * The factors fitted on the user's runs of one machine (runs/calib.h) ride
 * on that machine (mp_machine.calib); mp_infer and mp_train scale the speeds
 * they compute for it and mark each scaled figure: its label (calibrated, or
 * measured for the exact setup of a run) and the runs behind it, which
 * mp_mcal_basis turns into the basis line every front-end prints.  A
 * machine without calibration (calib NULL) gets the model's figures only.
 */
#ifndef MP_ENGINE_MCAL_H
#define MP_ENGINE_MCAL_H

#include <stddef.h>

#include "runs/calib.h"

struct mp_infer_result;
struct mp_train_result;

/* Scale r's decode (per sequence, batch total, the context curve) and
 * prefill (and time to first token) by c's factors, or set the measured
 * figure of the exact setup; sets r->calib and the kinds' labels.  A kind
 * without runs is left as it is.  c may be NULL (nothing done). */
void mp_mcal_infer(const mp_calib *c, struct mp_infer_result *r);

/* The same for training: tokens/s, it/s, step and total times. */
void mp_mcal_train(const mp_calib *c, struct mp_train_result *r);

/* One line saying how kind `k` was calibrated, e.g. "calibrated on 3 of your
 * runs on this machine (runs 1, 2, 3): x0.55, the median of measured /
 * estimated"; "" for a kind left estimated.  Returns the length. */
size_t mp_mcal_basis(const mp_calib_kind *k, char *buf, size_t cap);

#endif
