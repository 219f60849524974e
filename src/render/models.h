/*
 * models.h - renderers for the model registry, one model's architecture, a
 * local model folder's inspection and the description cache (Markdown and
 * JSON).
 */
#ifndef MP_RENDER_MODELS_H
#define MP_RENDER_MODELS_H

#include <cjson/cJSON.h>

#include "hub/desc_cache.h"
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

/* `mlxplan models cache list` and `clear`. */
void mp_render_desc_cache_md(const char *dir, const mp_desc_entry *e, int n, mp_buf *out);
cJSON *mp_render_desc_cache_json(const char *dir, const mp_desc_entry *e, int n);
void mp_render_desc_clear_md(const char *dir, int removed, mp_buf *out);
cJSON *mp_render_desc_clear_json(const char *dir, int removed);

#endif
