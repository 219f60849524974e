/*
 * fit.h - renderers for the searches of engine/fit.h (Markdown and JSON).
 */
#ifndef MP_RENDER_FIT_H
#define MP_RENDER_FIT_H

#include <cjson/cJSON.h>

#include "engine/fit.h"
#include "runs/calib.h"
#include "model/registry.h"
#include "util/buf.h"

typedef enum mp_fit_mode {
    MP_FIT_MODE_FORMATS,   /* formats and contexts for a model on a machine */
    MP_FIT_MODE_MODELS,    /* registry models for a machine */
    MP_FIT_MODE_MACHINES,  /* machines for a model and a target */
    MP_FIT_MODE_TRAINING,  /* fine-tuning settings */
} mp_fit_mode;

typedef struct mp_fit_view {
    mp_fit_mode mode;
    const char *model_label;         /* NULL for MODELS */
    const mp_arch *arch;             /* NULL for MODELS */
    const mp_origin *origin;         /* where arch came from; NULL for MODELS */
    const mp_machine *mach;          /* NULL for MACHINES */
    int64_t context;
    double min_tok_s;
    const mp_quant *quant;           /* MACHINES: the format asked */
    const mp_fit_infer *formats;
    const mp_fit_model *models;
    const mp_fit_machine *machines;
    const mp_fit_train *training;
    const mp_train_req *train_want;  /* TRAINING: what was asked (its data: --data) */
    const mp_calib *calib;           /* the machine's runs applied to the speeds; NULL none */
    int n;
} mp_fit_view;

void mp_render_fit_md(const mp_fit_view *v, mp_buf *out);
cJSON *mp_render_fit_json(const mp_fit_view *v);

#endif
