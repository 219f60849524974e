/* params.c - fitted constants of the memory and training models.
 *
 * Output of `build/accuracy --fit` (bench/accuracy.c) on the calibration
 * tables; re-run it after changing the models or the calibration data and
 * paste the printed initializer here.  e_train was refitted after the
 * matmul rate became the speed model's (2026-12-07); act_h is the earlier
 * fit (a refit gives 184.7 on the new tables: not yet adopted). */
#include "engine/params.h"

const mp_params mp_params_fitted = {
    .e_train = 0.442,
    .act_h = 76.4,
};
