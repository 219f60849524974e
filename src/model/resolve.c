/* resolve.c - models from the local Hugging Face cache, the description
 * cache and the Hub; see resolve.h and registry.h. */
#include "model/resolve.h"
#include "kb/param.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hub/desc_cache.h"
#include "hub/hf_cache.h"
#include "hub/hub.h"
#include "model/safetensors.h"
#include "util/text.h"

#define MAX_CACHED_NAMES 64

int mp_model_read_config(const char *path, const char *label, mp_arch *a, mp_error *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mp_read_file(path, MP_CONFIG_MAX_BYTES, "config.json", &text, &len, err);
    if (rc)
        return rc;
    rc = mp_arch_from_json(text, len, label, a, err);
    free(text);
    return rc;
}

static void ckpt_from_model(const mp_st_model *st, const mp_arch *a, const char *basis,
                            mp_ckpt *ck)
{
    memset(ck, 0, sizeof *ck);
    ck->known = true;
    mp_strlcpy(ck->basis, basis, sizeof ck->basis);
    ck->tensor_bytes = st->total_bytes;
    ck->file_bytes = st->file_bytes;
    ck->params = mp_st_params(st, a);
    ck->files = st->n_files;
    ck->tensors = (int)st->n_tensors;
}

/* An index's figures; false when it has no total_size. */
static bool ckpt_from_index(const char *text, size_t len, const char *label, const char *basis,
                            mp_ckpt *ck, char *note, size_t note_cap)
{
    mp_st_index ix;
    mp_error e;
    mp_error_clear(&e);
    int rc = mp_st_index_parse(text, len, label, &ix, &e);
    int n_files = ix.n_files;
    mp_st_index_release(&ix);
    if (rc) {
        snprintf(note, note_cap, "%s", e.msg);
        return false;
    }
    if (ix.total_size < 0) {
        snprintf(note, note_cap, "%s has no metadata.total_size", label);
        return false;
    }
    memset(ck, 0, sizeof *ck);
    ck->known = true;
    mp_strlcpy(ck->basis, basis, sizeof ck->basis);
    ck->tensor_bytes = ix.total_size;
    ck->files = n_files;
    ck->tensors = ix.n_tensors;
    return true;
}

void mp_model_measure_dir(const char *dir, const mp_arch *a, mp_origin *o)
{
    mp_st_model st;
    mp_error e;
    mp_error_clear(&e);
    int rc = mp_st_read_dir(dir, &st, &e);
    if (rc == 0) {
        char basis[160];
        snprintf(basis, sizeof basis, "safetensors headers of %d file%s%s", st.n_files,
                 st.n_files == 1 ? "" : "s", st.has_index ? " named by the index" : "");
        ckpt_from_model(&st, a, basis, &o->ckpt);
        mp_st_release(&st);
        return;
    }
    /* shards not downloaded: the index still gives the exact total */
    char path[1400];
    snprintf(path, sizeof path, "%s/model.safetensors.index.json", dir);
    char *text = NULL;
    size_t len = 0;
    char note[MP_ERROR_MSG_MAX] = "";
    if (mp_read_file(path, (size_t)16 << 20, "safetensors index", &text, &len, NULL) == 0) {
        bool ok = ckpt_from_index(text, len, "model.safetensors.index.json",
                                  "model.safetensors.index.json metadata.total_size (shards not "
                                  "all present)",
                                  &o->ckpt, note, sizeof note);
        free(text);
        if (ok)
            return;
    }
    if (rc != MP_ENOTFOUND)
        snprintf(o->note, sizeof o->note, "checkpoint sizes not read: %s", note[0] ? note : e.msg);
}

/* ---- suggestions and not-found messages --------------------------------------- */

typedef struct names {
    int n;
    char name[MAX_CACHED_NAMES][200];
} names;

static bool collect(const char *repo, void *ctx)
{
    names *ns = ctx;
    mp_strlcpy(ns->name[ns->n++], repo, sizeof ns->name[0]);
    return ns->n < MAX_CACHED_NAMES;
}

static int cmp_name(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Registry ids and cached repos close to `spec`, as "; did you mean ...?". */
static void suggestions(const char *spec, const char *root, char *buf, size_t cap)
{
    names *ns = calloc(1, sizeof *ns);
    const char *ptrs[MAX_CACHED_NAMES];
    int n = 0;
    if (ns && root) {
        mp_hf_cache_each(root, collect, ns);
        for (int i = 0; i < ns->n; i++)
            if (!mp_ieq(ns->name[i], spec)) /* never suggest what was typed */
                ptrs[n++] = ns->name[i];
        qsort(ptrs, (size_t)n, sizeof ptrs[0], cmp_name); /* not directory order */
    }
    mp_model_suggest(spec, ptrs, n, buf, cap);
    free(ns);
}

/* Put the suggestions after the message already in `err`. */
static int add_suggestions(mp_error *err, int rc, const char *spec, const char *root)
{
    char sugg[400];
    suggestions(spec, root, sugg, sizeof sugg);
    if (!err || !sugg[0])
        return rc;
    char msg[MP_ERROR_MSG_MAX];
    mp_strlcpy(msg, err->msg, sizeof msg);
    mp_error_clear(err);
    return mp_error_set(err, rc, "%s%s", msg, sugg);
}

/* ---- sources ---------------------------------------------------------------- */

static int load_snapshot(const mp_hf_snapshot *s, mp_arch *a, mp_origin *o, mp_error *err)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/config.json", s->dir);
    int rc = mp_model_read_config(path, s->repo, a, err);
    if (rc)
        return rc;
    o->kind = MP_ORIGIN_HF_CACHE;
    mp_strlcpy(o->where, s->dir, sizeof o->where);
    mp_strlcpy(o->revision, s->commit, sizeof o->revision);
    mp_strlcpy(o->ref, s->by_ref ? "main" : "", sizeof o->ref);
    mp_model_measure_dir(s->dir, a, o);
    return 0;
}

static void origin_from_desc(const mp_desc *d, const char *path, bool from_cache, mp_origin *o)
{
    o->kind = MP_ORIGIN_HUB;
    mp_strlcpy(o->where, d->url, sizeof o->where);
    mp_strlcpy(o->revision, d->commit, sizeof o->revision);
    mp_strlcpy(o->cache_file, path, sizeof o->cache_file);
    o->from_cache = from_cache;
    o->fetched_s = d->fetched_s;
    if (d->has_sizes) {
        mp_ckpt *ck = &o->ckpt;
        ck->known = true;
        mp_strlcpy(ck->basis, d->size_basis, sizeof ck->basis);
        ck->tensor_bytes = d->tensor_bytes;
        ck->file_bytes = d->file_bytes;
        ck->params = d->params;
        ck->files = d->files;
        ck->tensors = d->tensors;
    }
}

/* The checkpoint sizes a Hub fetch carries, into the record. */
static void sizes_from_fetch(const mp_hub_fetch *f, const mp_arch *a, mp_desc *d, char *note,
                             size_t note_cap)
{
    mp_ckpt ck;
    bool ok = false;
    if (f->index) {
        ok = ckpt_from_index(f->index, f->index_len, "model.safetensors.index.json",
                             "model.safetensors.index.json metadata.total_size", &ck, note,
                             note_cap);
    } else if (f->st_header) {
        mp_st_model st;
        memset(&st, 0, sizeof st);
        mp_error e;
        mp_error_clear(&e);
        if (mp_st_read_header("model.safetensors", f->st_header, f->st_header_len,
                              f->st_file_bytes, &st, &e) == 0) {
            ckpt_from_model(&st, a, "safetensors header of model.safetensors (HTTP range request)",
                            &ck);
            ok = true;
        } else {
            snprintf(note, note_cap, "%s", e.msg);
        }
        mp_st_release(&st);
    } else {
        snprintf(note, note_cap, "%s", f->note);
    }
    if (!ok)
        return;
    d->has_sizes = true;
    mp_strlcpy(d->size_basis, ck.basis, sizeof d->size_basis);
    d->tensor_bytes = ck.tensor_bytes;
    d->file_bytes = ck.file_bytes;
    d->params = ck.params;
    d->files = ck.files;
    d->tensors = ck.tensors;
}

static int load_from_hub(const char *spec, const char *desc_dir, mp_arch *a, mp_origin *o,
                         const char *root, mp_error *err)
{
    mp_hub_cfg cfg;
    int rc = mp_hub_cfg_from_env(&cfg, err);
    if (rc)
        return rc;
    mp_hub_fetch f;
    rc = mp_hub_fetch_model(&cfg, spec, &f, err);
    if (rc)
        return rc == MP_ENOTFOUND && f.repo_missing ? add_suggestions(err, rc, spec, root) : rc;
    mp_desc d;
    memset(&d, 0, sizeof d);
    /* the Hub's spelling of the id is the one the user typed: ids ignore case */
    mp_strlcpy(d.repo, spec, sizeof d.repo);
    mp_strlcpy(d.commit, f.commit, sizeof d.commit);
    mp_strlcpy(d.url, f.url, sizeof d.url);
    d.fetched_s = (int64_t)time(NULL);
    rc = mp_arch_from_json(f.config, f.config_len, spec, a, err);
    if (rc) {
        mp_error_prefix(err, "fetched from %s", f.url);
        mp_hub_fetch_release(&f);
        return rc;
    }
    d.config = f.config;
    d.config_len = f.config_len;
    char note[MP_ERROR_MSG_MAX] = "";
    sizes_from_fetch(&f, a, &d, note, sizeof note);
    char path[1400] = "";
    if (desc_dir) {
        mp_error e;
        mp_error_clear(&e);
        if (mp_desc_store(desc_dir, &d, path, sizeof path, &e) != 0) {
            snprintf(o->note, sizeof o->note, "description not cached: %s", e.msg);
            path[0] = '\0';
        }
    }
    origin_from_desc(&d, path, false, o);
    if (note[0] && !o->note[0])
        snprintf(o->note, sizeof o->note, "checkpoint sizes not read: %s", note);
    mp_hub_fetch_release(&f); /* frees d.config too */
    return 0;
}

int mp_model_load_hf(const char *spec, const mp_load_opts *opts, mp_arch *a, mp_origin *o,
                     mp_error *err)
{
    char probe[220];
    snprintf(probe, sizeof probe, "x/%s", spec);
    bool is_id = mp_hub_repo_id_valid(spec);
    bool is_bare = !strchr(spec, '/') && mp_hub_repo_id_valid(probe);
    char root[1024];
    bool have_root = mp_hf_cache_root(root, sizeof root, NULL) == 0;
    if (!have_root)
        snprintf(root, sizeof root, "none: HOME is not set");
    /* where the HF cache was looked in, for the messages */
    char looked[1100];
    snprintf(looked, sizeof looked, "the local Hugging Face cache (%s)", root);
    if (is_id || is_bare) {
        mp_hf_snapshot snap;
        mp_error e;
        mp_error_clear(&e);
        int rc = have_root ? mp_hf_cache_find(root, spec, &snap, &e) : MP_ENOTFOUND;
        if (rc == 0)
            return load_snapshot(&snap, a, o, err);
        if (rc != MP_ENOTFOUND)
            return mp_error_set(err, rc, "%s", e.msg);
        if (have_root && snap.repo_cached)
            snprintf(looked, sizeof looked,
                     "the local Hugging Face cache with a config.json (%s has none)",
                     snap.repo_dir);
    }
    const char *sroot = have_root ? root : NULL;
    if (!is_id) {
        mp_error_set(err, MP_ENOTFOUND,
                     "unknown model '%.120s': not in the registry or %s; give a Hub id "
                     "(org/name), %s",
                     spec, looked, mp_say(MP_SAY_MODEL_FILE));
        return add_suggestions(err, MP_ENOTFOUND, spec, sroot);
    }
    char dir[1024];
    bool have_dir = mp_desc_cache_dir(dir, sizeof dir, NULL) == 0;
    if (have_dir) {
        mp_desc d;
        char path[1400];
        if (mp_desc_load(dir, spec, &d, path, sizeof path, NULL) == 0) {
            int rc = mp_arch_from_json(d.config, d.config_len, d.repo, a, err);
            if (rc == 0)
                origin_from_desc(&d, path, true, o);
            else
                mp_error_prefix(err, "description cache %s", path);
            mp_desc_release(&d);
            return rc;
        }
    }
    if ((opts && opts->offline) || mp_hub_offline_env()) {
        mp_error_set(err, MP_ENOTFOUND,
                     "'%.120s' is not in the registry or %s, and the Hub is off (%s / "
                     "HF_HUB_OFFLINE=1)",
                     spec, looked, mp_pname(MP_P_OFFLINE));
        return add_suggestions(err, MP_ENOTFOUND, spec, sroot);
    }
    if (!mp_hub_available()) {
        mp_error_set(err, MP_ENOTFOUND,
                     "'%.120s' is not in the registry or %s, and this mlxplan was built without "
                     "libcurl, so it cannot ask the Hub",
                     spec, looked);
        return add_suggestions(err, MP_ENOTFOUND, spec, sroot);
    }
    return load_from_hub(spec, have_dir ? dir : NULL, a, o, sroot, err);
}
