/* params.c - fitted constants of the speed and memory models.
 *
 * Output of `build/accuracy --fit` (bench/accuracy.c) on
 * data/calibration/mlx-eval.tsv; re-run it after changing the models or the
 * calibration data and paste the printed initializer here.  The base tier
 * has no decode row in the data, so the fit ties it to the Pro tier. */
#include "engine/params.h"

const mp_params mp_params_fitted = {
    .e_w = {0.891, 0.891, 0.944, 0.850},
    .e_kv = 0.656,
    .kv_ultra = 0.488,
    .t_layer_us = 63.3,
    .t_moe_us = 42.3,
    .e_p = 0.785,
    .q_p = 0.947,
    .m_p = 0.859,
    .m3_core_tflops = 0.370,
    .na = 3.76,
    .e_train = 0.620,
    .act_h = 76.4,
    .nv_e_w = 0.80,
    .nv_e_p = 0.50,
};
