/*
 * models.h - renderers for the model registry, one model's architecture and
 * a local model folder's inspection (Markdown and JSON).
 */
#ifndef MP_RENDER_MODELS_H
#define MP_RENDER_MODELS_H

#include <cjson/cJSON.h>

#include "model/registry.h"
#include "model/safetensors.h"
#include "util/buf.h"

/* `family` NULL = every model. */
void mp_render_model_list_md(const char *family, mp_buf *out);
cJSON *mp_render_model_list_json(const char *family);

void mp_render_model_md(const mp_arch *a, const mp_origin *o, mp_buf *out);
cJSON *mp_render_model_json(const mp_arch *a, const mp_origin *o);

void mp_render_inspect_md(const char *dir, const mp_arch *a, const mp_st_model *st, mp_buf *out);
cJSON *mp_render_inspect_json(const char *dir, const mp_arch *a, const mp_st_model *st);

#endif
