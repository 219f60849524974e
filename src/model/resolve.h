/*
 * resolve.h - the model module's own helpers behind mp_model_load (see
 * registry.h): reading a config.json file, measuring a checkpoint folder,
 * and the Hugging Face part of the resolution order (local HF cache, then
 * the description cache, then the Hub).  Not for other modules.
 */
#ifndef MP_MODEL_RESOLVE_H
#define MP_MODEL_RESOLVE_H

#include "model/registry.h"

/* Read config.json at `path` (at most MP_CONFIG_MAX_BYTES) into `a`,
 * labelled `label`.  Errors as mp_read_file and mp_arch_from_json. */
int mp_model_read_config(const char *path, const char *label, mp_arch *a, mp_error *err);

/* Fill o->ckpt from the safetensors in `dir`: every header when the files
 * are there, else the index's metadata.total_size (a download of the small
 * files only).  Never fails: an unreadable header leaves the sizes unknown
 * and says why in o->note; a folder without safetensors says nothing. */
void mp_model_measure_dir(const char *dir, const mp_arch *a, mp_origin *o);

/* Resolve `spec` (not a registry name, not an existing path) through the
 * HF cache, the description cache and the Hub.  Contract as mp_model_load;
 * fills `o` (not NULL). */
int mp_model_load_hf(const char *spec, const mp_load_opts *opts, mp_arch *a, mp_origin *o,
                     mp_error *err);

#endif
