/*
 * registry.h - where a model description comes from: the built-in registry
 * (data/models/registry.tsv + configs/), a config.json file, or a local model
 * folder (config.json beside its safetensors).
 *
 * Registry look-ups accept the Hugging Face id in any case, its aliases
 * (older or newer repo names: meta-llama/Meta-Llama-3.1-8B and
 * meta-llama/Llama-3.1-8B name the same weights) and the bare repo name
 * ("Qwen3-8B") when it is unique.
 */
#ifndef MP_MODEL_REGISTRY_H
#define MP_MODEL_REGISTRY_H

#include <stddef.h>

#include "kb/tables.h"
#include "model/arch.h"
#include "util/error.h"

typedef enum mp_origin_kind {
    MP_ORIGIN_REGISTRY,
    MP_ORIGIN_FILE,      /* a config.json path */
    MP_ORIGIN_DIR,       /* a local model folder */
    MP_ORIGIN_HF_CACHE,  /* the local Hugging Face cache */
    MP_ORIGIN_HUB,       /* fetched from the Hub (then cached) */
} mp_origin_kind;

typedef struct mp_origin {
    mp_origin_kind kind;
    char where[512];     /* registry id, file path, folder, cache path or URL */
    char revision[64];   /* hub / cache revision when known */
} mp_origin;

/* Find a registry row by id, alias or unique bare name; NULL when none. */
const mp_model_row *mp_registry_find(const char *name);

/* The registry row's arch.  Errors as mp_arch_from_json. */
int mp_registry_arch(const mp_model_row *row, mp_arch *a, mp_error *err);

/* Resolve a --model value: a registry name; else an existing path (a
 * config.json file or a folder holding one).  MP_ENOTFOUND with close
 * registry names suggested when it is neither.  Fills `origin` (may be NULL). */
int mp_model_load(const char *spec, mp_arch *a, mp_origin *origin, mp_error *err);

/* Explicit limits (docs/limits.md): the size of a config.json we read, and
 * the length of a --model value (a registry name or a path). */
#define MP_CONFIG_MAX_BYTES ((size_t)4 << 20)
#define MP_MODEL_NAME_MAX 400

#endif
