/* registry.c - model look-up in the registry, files and folders (the Hugging
 * Face sources are in resolve.c); see registry.h. */
#include "model/registry.h"
#include "kb/param.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hub/hub.h"
#include "kb/suggest.h"
#include "model/resolve.h"
#include "util/text.h"

static const char *bare(const char *id)
{
    const char *s = strrchr(id, '/');
    return s ? s + 1 : id;
}

static bool ieq_n(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return false;
    return true;
}

static bool alias_match(const char *aliases, const char *name, bool bare_only)
{
    size_t n = strlen(name);
    const char *p = aliases;
    while (*p) {
        size_t k = strcspn(p, " ");
        const char *w = p;
        size_t wl = k;
        if (bare_only) {
            const char *slash = memchr(p, '/', k);
            if (slash) {
                w = slash + 1;
                wl = k - (size_t)(w - p);
            }
        }
        if (wl == n && ieq_n(w, name, n))
            return true;
        p += k;
        while (*p == ' ')
            p++;
    }
    return false;
}

const mp_model_row *mp_registry_find(const char *name)
{
    if (!name || !*name)
        return NULL;
    for (size_t i = 0; i < mp_model_rows_len; i++)
        if (mp_ieq(mp_model_rows[i].id, name) || alias_match(mp_model_rows[i].aliases, name, false))
            return &mp_model_rows[i];
    if (strchr(name, '/'))
        return NULL;
    /* a bare repo name, when exactly one entry has it */
    const mp_model_row *hit = NULL;
    for (size_t i = 0; i < mp_model_rows_len; i++) {
        const mp_model_row *r = &mp_model_rows[i];
        if (mp_ieq(bare(r->id), name) || alias_match(r->aliases, name, true)) {
            if (hit && hit != r)
                return NULL;
            hit = r;
        }
    }
    return hit;
}

bool mp_registry_has_use(const mp_model_row *r, const char *use)
{
    return r && use && *use && alias_match(r->use, use, false);
}

size_t mp_registry_picks(const char *use, const mp_model_row **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < mp_model_rows_len && n < max; i++) {
        const mp_model_row *r = &mp_model_rows[i];
        if (r->pick <= 0 || !mp_registry_has_use(r, use))
            continue;
        /* insertion by pick: the lists are a few dozen rows */
        size_t k = n++;
        while (k > 0 && out[k - 1]->pick > r->pick) {
            out[k] = out[k - 1];
            k--;
        }
        out[k] = r;
    }
    return n;
}

int mp_registry_arch(const mp_model_row *row, mp_arch *a, mp_error *err)
{
    return mp_arch_from_json(row->config_json, strlen(row->config_json), row->id, a, err);
}

void mp_model_suggest(const char *spec, const char *const *extra, int n_extra, char *buf,
                      size_t cap)
{
    mp_suggest s;
    mp_suggest_init(&s, bare(spec));
    for (size_t i = 0; i < mp_model_rows_len; i++)
        mp_suggest_offer(&s, bare(mp_model_rows[i].id), mp_model_rows[i].id);
    for (int i = 0; i < n_extra; i++)
        mp_suggest_offer(&s, bare(extra[i]), extra[i]);
    char sugg[320];
    if (mp_suggest_text(&s, sugg, sizeof sugg))
        snprintf(buf, cap, "; did you mean %s?", sugg);
    else if (cap)
        buf[0] = '\0';
}

/* After the Hugging Face sources failed to find `spec` (their error in
 * `err`, code `rc`): an MLX conversion of a registry model named by the
 * usual repo convention is resolved from its name, with the assumption in
 * o->assumed; one of a model the registry lacks says so in the error. */
static int load_conversion(const char *spec, const mp_load_opts *opts, int rc, mp_arch *a,
                           mp_origin *o, mp_error *err)
{
    mp_repo_quant r;
    if (mp_repo_quant_read(spec, &r) != 0)
        return rc;
    if (!r.base) {
        char had[MP_ERROR_MSG_MAX];
        snprintf(had, sizeof had, "%s", err ? err->msg : "");
        mp_error_clear(err);
        return mp_error_set(err, rc, "%s; read as an MLX conversion of '%.120s', which the "
                            "registry lacks", had, r.base_name);
    }
    mp_error e;
    mp_error_clear(&e);
    if (mp_repo_quant_arch(spec, &r, a, &e) != 0) {
        mp_error_clear(err);
        return mp_error_set(err, e.code, "%s", e.msg);
    }
    bool offline = (opts && opts->offline) || mp_hub_offline_env();
    memset(o, 0, sizeof *o);
    o->kind = MP_ORIGIN_REGISTRY;
    snprintf(o->where, sizeof o->where, "data/models/configs/%s, as %s", r.base->file, r.format);
    snprintf(o->assumed, sizeof o->assumed, "'%.120s' is not in the local Hugging Face cache%s; "
             "%s.", spec, offline ? " and the Hub is off" : " and its description was not "
             "fetched", r.why);
    if (err)
        mp_error_clear(err);
    return 0;
}

/* mp_model_load and mp_model_load_name; `names_only` skips the path step. */
static int load(const char *spec, const mp_load_opts *opts, bool names_only, mp_arch *a,
                mp_origin *origin, mp_error *err)
{
    memset(a, 0, sizeof *a);
    mp_origin o;
    memset(&o, 0, sizeof o);
    if (!spec || !*spec)
        return mp_error_set(err, MP_EINVAL, "empty model name %s", mp_say(MP_SAY_MODELS_LIST));
    if (strlen(spec) > MP_MODEL_NAME_MAX)
        return mp_error_set(err, MP_EINVAL, "model name is %zu bytes, over the limit of %d bytes",
                            strlen(spec), MP_MODEL_NAME_MAX);
    const mp_model_row *row = mp_registry_find(spec);
    int rc;
    if (row) {
        o.kind = MP_ORIGIN_REGISTRY;
        snprintf(o.where, sizeof o.where, "data/models/configs/%s", row->file);
        rc = mp_registry_arch(row, a, err);
    } else if (names_only) {
        rc = mp_model_load_hf(spec, opts, a, &o, err);
        if (rc)
            rc = load_conversion(spec, opts, rc, a, &o, err);
    } else {
        struct stat st;
        if (stat(spec, &st) != 0) {
            /* a path-looking value that does not exist is a path error */
            if (spec[0] == '.' || spec[0] == '/' || strstr(spec, ".json"))
                return mp_error_set(err, MP_EIO, "cannot read model '%.200s': %s", spec,
                                    strerror(errno));
            rc = mp_model_load_hf(spec, opts, a, &o, err);
            if (rc)
                rc = load_conversion(spec, opts, rc, a, &o, err);
        } else if (S_ISDIR(st.st_mode)) {
            char path[1024];
            snprintf(path, sizeof path, "%s/config.json", spec);
            o.kind = MP_ORIGIN_DIR;
            snprintf(o.where, sizeof o.where, "%s", spec);
            rc = mp_model_read_config(path, spec, a, err);
            if (rc == 0)
                mp_model_measure_dir(spec, a, &o);
        } else {
            o.kind = MP_ORIGIN_FILE;
            snprintf(o.where, sizeof o.where, "%s", spec);
            rc = mp_model_read_config(spec, spec, a, err);
        }
    }
    if (rc == 0 && origin)
        *origin = o;
    return rc;
}

int mp_model_load(const char *spec, const mp_load_opts *opts, mp_arch *a, mp_origin *origin,
                  mp_error *err)
{
    return load(spec, opts, false, a, origin, err);
}

int mp_model_load_name(const char *spec, const mp_load_opts *opts, mp_arch *a, mp_origin *origin,
                       mp_error *err)
{
    return load(spec, opts, true, a, origin, err);
}
