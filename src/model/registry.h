/*
 * registry.h - where a model description comes from, in this order: the
 * built-in registry (data/models/registry.tsv + configs/), a config.json
 * file or a local model folder, the local Hugging Face cache, mlxplan's
 * cache of descriptions fetched before, and the Hugging Face Hub when it is
 * allowed (see src/hub/ and docs/hub.md).
 *
 * Registry look-ups accept the Hugging Face id in any case, its aliases
 * (older or newer repo names: meta-llama/Meta-Llama-3.1-8B and
 * meta-llama/Llama-3.1-8B name the same weights) and the bare repo name
 * ("Qwen3-8B") when it is unique.
 */
#ifndef MP_MODEL_REGISTRY_H
#define MP_MODEL_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* What a checkpoint holds, read from its safetensors headers or index
 * (never from tensor data). */
typedef struct mp_ckpt {
    bool known;
    char basis[160];      /* how: "safetensors headers of 2 files", "...index.json metadata.total_size" */
    double tensor_bytes;  /* tensor data bytes, exact */
    double file_bytes;    /* bytes of the safetensors files; 0 when unknown */
    double params;        /* parameters as mlx-lm counts them; 0 when unknown (index only) */
    int files;            /* safetensors files */
    int tensors;          /* tensors stored */
} mp_ckpt;

typedef struct mp_origin {
    mp_origin_kind kind;
    char where[512];     /* registry id, file path, folder, snapshot folder or Hub URL */
    char revision[72];   /* commit of a cache snapshot or Hub fetch, when known */
    char ref[16];        /* HF cache: "main" when refs/main chose the snapshot */
    char cache_file[512];/* Hub: the description cache file it was served from or saved to */
    bool from_cache;     /* Hub: served from that file, no network used */
    int64_t fetched_s;   /* Hub: when it was fetched (Unix time) */
    mp_ckpt ckpt;        /* checkpoint sizes, when read */
    char note[MP_ERROR_MSG_MAX]; /* why sizes are missing or could not be cached, "" otherwise */
    char assumed[MP_ERROR_MSG_MAX]; /* an assumption the resolution made (a quantized repo
                                     * read from its name), "" otherwise */
} mp_origin;

/* How far mp_model_load may look. */
typedef struct mp_load_opts {
    bool offline;        /* never contact the Hub (HF_HUB_OFFLINE=1 does the same) */
} mp_load_opts;

/* Find a registry row by id, alias or unique bare name; NULL when none. */
const mp_model_row *mp_registry_find(const char *name);

/* True when registry row `r` carries use tag `use` ("chat", "coding",
 * "reasoning", "vision", "embedding", "edge", "base"; see registry.tsv). */
bool mp_registry_has_use(const mp_model_row *r, const char *use);

/* The candidates when a request for use `use` names no model: the rows with
 * that tag and a pick, lowest pick (most capable) first.  Fills at most
 * `max` entries of `out`; returns how many. */
size_t mp_registry_picks(const char *use, const mp_model_row **out, size_t max);

/* The registry row's arch.  Errors as mp_arch_from_json. */
int mp_registry_arch(const mp_model_row *row, mp_arch *a, mp_error *err);

/* Resolve a --model value: a registry name; else an existing path (a
 * config.json file or a folder holding one); else a Hugging Face id found
 * in the local HF cache, in the description cache, or (unless `opts` says
 * offline or HF_HUB_OFFLINE is set) on the Hub.  `opts` may be NULL (Hub
 * allowed).  Fills `origin` (may be NULL) with the source and, when the
 * safetensors headers or index were read, the checkpoint's exact sizes.
 * Errors: MP_ENOTFOUND with close registry and cached names suggested when
 * it is found nowhere (the message says where it looked and whether the
 * Hub was off), the Hub's errors (see hub.h), config errors as
 * mp_arch_from_json. */
int mp_model_load(const char *spec, const mp_load_opts *opts, mp_arch *a, mp_origin *origin,
                  mp_error *err);

/* mp_model_load without the path step: `spec` is only ever a name (the
 * registry, the HF cache, the description cache, the Hub), never a file or
 * folder, for callers that must not read files a request names (the MCP
 * server).  Same contract and errors otherwise. */
int mp_model_load_name(const char *spec, const mp_load_opts *opts, mp_arch *a, mp_origin *origin,
                       mp_error *err);

/* An MLX conversion of a registry model read from its repo name (see
 * repo_quant.c for the naming facts). */
typedef struct mp_repo_quant {
    char base_name[160];        /* the name less its format parts ("Qwen3-8B") */
    const mp_model_row *base;   /* its registry row; NULL when the registry lacks it */
    bool quantized;             /* `q` holds the format (its dtype is not meaningful) */
    mp_quant q;
    bool float_given;           /* a float copy: `dtype` says which */
    mp_dtype dtype;
    char format[160];           /* the format in words, with where each width came from */
    char why[400];              /* the whole reading, one clause for a plan's assumptions */
} mp_repo_quant;

/* Read `name` as an MLX conversion: an "mlx-community/<base>[-format]" id, or
 * any org's "<base>-MLX-<format>".  0 with `out` filled (out->base NULL when
 * the base is not in the registry); MP_ENOTFOUND when the name is not of
 * that form.  Never fails otherwise. */
int mp_repo_quant_read(const char *name, mp_repo_quant *out);

/* The arch of conversion `r` (read by mp_repo_quant_read, out->base not
 * NULL), labelled `name`: the base's config.json with the "quantization"
 * block mlx_lm.convert would write (or the float dtype named).  Errors:
 * MP_ENOTFOUND when r->base is NULL, as mp_arch_from_json otherwise. */
int mp_repo_quant_arch(const char *name, const mp_repo_quant *r, mp_arch *a, mp_error *err);

/* "; did you mean 'a' or 'b'?"-style text naming the registry ids (and the
 * `extra` names, may be NULL / 0) closest to `spec`; "" when none is close. */
void mp_model_suggest(const char *spec, const char *const *extra, int n_extra, char *buf,
                      size_t cap);

/* Explicit limits (docs/limits.md): the size of a config.json we read, and
 * the length of a --model value (a registry name or a path). */
#define MP_CONFIG_MAX_BYTES ((size_t)4 << 20)
#define MP_MODEL_NAME_MAX 400

#endif
