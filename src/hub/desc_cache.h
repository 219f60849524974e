/*
 * desc_cache.h - mlxplan's own small cache of model descriptions fetched
 * from the Hub (config.json plus the checkpoint's sizes), so that asking
 * about the same repo again needs no network.
 *
 * Location: $MLXPLAN_CACHE_DIR/models when set; else
 * ~/Library/Caches/mlxplan/models on macOS, $XDG_CACHE_HOME/mlxplan/models
 * or ~/.cache/mlxplan/models elsewhere.  One JSON file per repo,
 * "models--org--name.json" (lower case: Hub ids ignore case).  A
 * description is kept until `mlxplan models cache clear`: it records the
 * commit it was read at, and a later `main` is not looked for.
 *
 * Writes go to a temporary file in the same folder, then rename(2), so a
 * reader never sees half a file; file names are built only from ids that
 * pass mp_hub_repo_id_valid, so nothing outside the folder is written.
 * `clear` removes only files named like ours and then the folder if it is
 * empty.
 */
#ifndef MP_HUB_DESC_CACHE_H
#define MP_HUB_DESC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define MP_DESC_MAX_BYTES ((size_t)6 << 20) /* a config.json of 4 MiB, escaped */

typedef struct mp_desc {
    char repo[128];          /* "org/name" as the Hub spells it */
    char commit[72];         /* the commit read ("" when the Hub did not say) */
    char url[512];           /* {endpoint}/{repo} */
    int64_t fetched_s;       /* Unix time of the fetch */
    char *config;            /* config.json text, owned */
    size_t config_len;
    /* the checkpoint's sizes, when they were read */
    bool has_sizes;
    char size_basis[160];
    double tensor_bytes, file_bytes, params; /* 0 when unknown */
    int files, tensors;
} mp_desc;

typedef struct mp_desc_entry {
    char repo[128];
    char commit[72];
    int64_t fetched_s;
    double record_bytes;     /* the description file's size */
    double tensor_bytes;     /* the checkpoint's, 0 when unknown */
} mp_desc_entry;

/* The folder holding descriptions (it need not exist).  MP_ENOTFOUND when
 * neither MLXPLAN_CACHE_DIR nor HOME is set; MP_ELIMIT when too long. */
int mp_desc_cache_dir(char *buf, size_t cap, mp_error *err);

/* Load `repo`'s description from `dir`; its path goes to `path` (may be
 * NULL).  MP_ENOTFOUND when there is none, or the file is unreadable,
 * malformed or for another repo (it is then ignored and will be
 * replaced).  Release `d` with mp_desc_release. */
int mp_desc_load(const char *dir, const char *repo, mp_desc *d, char *path, size_t path_cap,
                 mp_error *err);

/* Write `d` atomically into `dir` (created with mode 0700 when missing).
 * MP_EINVAL for a repo id that is not valid, MP_EIO naming the path. */
int mp_desc_store(const char *dir, const mp_desc *d, char *path, size_t path_cap, mp_error *err);

void mp_desc_release(mp_desc *d);

/* The descriptions in `dir`, sorted by repo; at most `max`, *n set to the
 * count stored.  A missing folder is an empty list. */
int mp_desc_list(const char *dir, mp_desc_entry *out, int max, int *n, mp_error *err);

/* Remove our files from `dir` (and `dir` itself when that empties it);
 * *removed gets the number of descriptions removed. */
int mp_desc_clear(const char *dir, int *removed, mp_error *err);

#endif
