/* params.c - the fitted constant of the activation-memory model.
 *
 * Output of `build/accuracy --fit` (bench/accuracy.c) on the calibration
 * tables; re-run it after changing the models or the calibration data and
 * paste the printed initializer here.  act_h is the earlier fit (a refit
 * gives 184.7 on the new tables: not yet adopted).  The training step's
 * efficiency is the speed model's train_mm (speed-constants.tsv). */
#include "engine/params.h"

const mp_params mp_params_fitted = {
    .act_h = 76.4,
};
