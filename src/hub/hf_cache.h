/*
 * hf_cache.h - find a model in the local Hugging Face cache, the folder
 * huggingface_hub (and so mlx_lm) downloads into, without any network.
 *
 * Location: $HF_HUB_CACHE, else $HUGGINGFACE_HUB_CACHE (its older name),
 * else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else
 * ~/.cache/huggingface/hub, as huggingface_hub resolves it (a leading "~/"
 * is expanded).  Layout, per repo:
 *
 *   models--ORG--NAME/refs/main           the commit `main` pointed at
 *   models--ORG--NAME/snapshots/COMMIT/   the files of that commit
 *                                         (usually symlinks into ../../blobs)
 *
 * A repo is read at refs/main; when that file is missing or its snapshot
 * holds no config.json, at the most recently modified snapshot that does.
 * Nothing here writes to the cache.
 */
#ifndef MP_HUB_HF_CACHE_H
#define MP_HUB_HF_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

typedef struct mp_hf_snapshot {
    char repo[200];        /* "org/name" as the cache folder spells it */
    char repo_dir[1024];   /* <root>/models--org--name */
    char dir[1280];        /* <repo_dir>/snapshots/<commit> */
    char commit[72];       /* the snapshot folder's name */
    bool by_ref;           /* refs/main chose it (else: the newest snapshot) */
    bool repo_cached;      /* the repo folder exists (even when no snapshot is usable) */
} mp_hf_snapshot;

/* The cache folder (it need not exist).  MP_ENOTFOUND when no variable is
 * set and HOME is unknown; MP_ELIMIT when the path does not fit `cap`. */
int mp_hf_cache_root(char *buf, size_t cap, mp_error *err);

/* Find `name` under `root`: a repo id "org/name" (exact folder, else a
 * case-insensitive match) or a bare "name" that exactly one cached repo
 * has.  Fills `s` for a snapshot holding config.json.  Errors:
 * MP_ENOTFOUND (not cached, or cached without config.json; the message
 * says which), MP_EAMBIGUOUS (a bare name several orgs have; lists them),
 * MP_EINVAL (a name that cannot be a repo). */
int mp_hf_cache_find(const char *root, const char *name, mp_hf_snapshot *s, mp_error *err);

/* Call `fn` with the repo id of every cached model ("org/name" or a bare
 * legacy "name"), in directory order; stops early when `fn` returns false.
 * A missing or unreadable root calls nothing. */
void mp_hf_cache_each(const char *root, bool (*fn)(const char *repo, void *ctx), void *ctx);

#endif
