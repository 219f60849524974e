/*
 * estimate.h - renderers for an estimate (inference or training): Markdown
 * for people, JSON (units in every field name) for programs and the MCP
 * server.  Both read the same structs; no number is computed here.
 */
#ifndef MP_RENDER_ESTIMATE_H
#define MP_RENDER_ESTIMATE_H

#include <cjson/cJSON.h>

#include "engine/fit.h"
#include "engine/infer.h"
#include "engine/tdata.h"
#include "engine/train.h"
#include "model/registry.h"
#include "runs/calib.h"
#include "util/buf.h"
#include "util/fmt.h"

#define MP_VIEW_MAX_CMDS 4

typedef struct mp_estimate_view {
    const char *model_label;          /* as the user named it */
    const mp_origin *origin;
    const mp_arch *arch;
    const mp_machine *mach;
    bool chip_by_memory;              /* bin picked by the memory size */
    const mp_infer_result *inf;       /* inference, or NULL */
    const mp_train_req *treq;         /* training, or NULL */
    const mp_train_result *tr;
    const mp_train_data *td;          /* training on --data, or NULL */
    const char *commands[MP_VIEW_MAX_CMDS];
    int n_commands;
    const mp_remedy *remedies;        /* from mp_fit_remedies */
    int n_remedies;
    const mp_calib *calib;            /* local calibration applied; NULL none */
} mp_estimate_view;

void mp_render_estimate_md(const mp_estimate_view *v, mp_buf *out);
cJSON *mp_render_estimate_json(const mp_estimate_view *v);

/* root.calibration: the local calibration `cal` (runs/calib.h) per kind:
 * label, runs, factor, median ratio, bound, the run ids (used false when
 * cal is NULL or has no runs). */
void mp_render_calib_json(const mp_calib *cal, cJSON *root);

/* Shared pieces for other renderers (the number formatters are util/fmt.h). */
/* Where the model came from: "the mlxplan registry (...)", "the local
 * Hugging Face cache, DIR (refs/main)", "the Hugging Face Hub, URL @ COMMIT
 * (fetched ...; description cache FILE)". */
void mp_fmt_origin(const mp_origin *o, char *buf, size_t cap);
/* The checkpoint's exact sizes and how they were read, compared with the
 * arch's weights when `q` (may be NULL) is the stored format; the origin's
 * note when the sizes are unknown; "" when there is nothing to say. */
void mp_fmt_ckpt(const mp_origin *o, const mp_arch *a, const mp_quant *q, char *buf, size_t cap);
/* The same as JSON: null, or {basis, tensor_bytes, file_bytes, params,
 * files, tensors, note} with nulls for what is unknown. */
cJSON *mp_ckpt_json(const mp_origin *o);

/* What the data of a fine-tune is (estimated, with its basis): "PATH: N
 * chat examples ..., tokens per example ...: median X, longest Y, total
 * Z"; without data (NULL), that every example is assumed `seq_len` tokens
 * long and how to give the real ones. */
void mp_fmt_tdata(const mp_tdata *d, int64_t seq_len, char *buf, size_t cap);

#endif
