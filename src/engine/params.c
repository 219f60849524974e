/* params.c - fitted constants of the memory and training models.
 *
 * Output of `build/accuracy --fit` (bench/accuracy.c) on the calibration
 * tables; re-run it after changing the models or the calibration data and
 * paste the printed initializer here. */
#include "engine/params.h"

const mp_params mp_params_fitted = {
    .e_train = 0.620,
    .act_h = 76.4,
};
