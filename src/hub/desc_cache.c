/* desc_cache.c - the on-disk cache of fetched model descriptions; see desc_cache.h. */
#include "hub/desc_cache.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hub/hub.h"
#include "util/text.h"

#define RECORD_FORMAT 1
#define PREFIX "models--"
#define SUFFIX ".json"

int mp_desc_cache_dir(char *buf, size_t cap, mp_error *err)
{
    const char *own = getenv("MLXPLAN_CACHE_DIR");
    const char *home = getenv("HOME");
    int n;
    if (own && *own) {
        n = snprintf(buf, cap, "%s/models", own);
    } else {
#ifdef __APPLE__
        if (!home || !*home)
            return mp_error_set(err, MP_ENOTFOUND, "no cache folder: HOME is not set");
        n = snprintf(buf, cap, "%s/Library/Caches/mlxplan/models", home);
#else
        const char *xdg = getenv("XDG_CACHE_HOME");
        if (xdg && xdg[0] == '/') /* the spec ignores relative values */
            n = snprintf(buf, cap, "%s/mlxplan/models", xdg);
        else if (home && *home)
            n = snprintf(buf, cap, "%s/.cache/mlxplan/models", home);
        else
            return mp_error_set(err, MP_ENOTFOUND,
                                "no cache folder: neither MLXPLAN_CACHE_DIR nor HOME is set");
#endif
    }
    if (n < 0 || (size_t)n >= cap)
        return mp_error_set(err, MP_ELIMIT, "the cache folder's path is too long");
    return 0;
}

void mp_desc_release(mp_desc *d)
{
    if (!d)
        return;
    free(d->config);
    memset(d, 0, sizeof *d);
}

/* <dir>/models--org--name.json, lower case. */
static int record_path(const char *dir, const char *repo, char *buf, size_t cap, mp_error *err)
{
    if (!mp_hub_repo_id_valid(repo))
        return mp_error_set(err, MP_EINVAL, "'%.120s' is not a Hugging Face repo id (org/name)",
                            repo);
    char name[2 * MP_HUB_REPO_MAX + 4];
    size_t k = 0;
    for (const char *p = repo; *p && k + 2 < sizeof name; p++) {
        if (*p == '/') {
            name[k++] = '-';
            name[k++] = '-';
        } else {
            name[k++] = (char)tolower((unsigned char)*p);
        }
    }
    name[k] = '\0';
    int n = snprintf(buf, cap, "%s/" PREFIX "%s" SUFFIX, dir, name);
    if (n < 0 || (size_t)n >= cap)
        return mp_error_set(err, MP_ELIMIT, "the cache folder's path is too long");
    return 0;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e18 ? v->valuedouble : 0;
}

/* A count from a record that may have been edited: out-of-range values
 * read as 0 (converting them to int would be undefined). */
static int jint(const cJSON *o, const char *key)
{
    double v = jnum(o, key);
    return v <= INT_MAX ? (int)v : 0;
}

/* Fill `d` from a parsed record; false when it is not one of ours. */
static bool from_json(const cJSON *root, mp_desc *d)
{
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "mlxplan_description");
    const char *repo = jstr(root, "repo"), *config = jstr(root, "config");
    if (!cJSON_IsNumber(fmt) || fmt->valuedouble != RECORD_FORMAT || !repo || !config ||
        !mp_hub_repo_id_valid(repo))
        return false;
    mp_strlcpy(d->repo, repo, sizeof d->repo);
    const char *commit = jstr(root, "commit"), *url = jstr(root, "url");
    mp_strlcpy(d->commit, commit ? commit : "", sizeof d->commit);
    mp_strlcpy(d->url, url ? url : "", sizeof d->url);
    d->fetched_s = (int64_t)jnum(root, "fetched");
    d->config = mp_strdup(config);
    if (!d->config)
        return false;
    d->config_len = strlen(config);
    const cJSON *ck = cJSON_GetObjectItemCaseSensitive(root, "checkpoint");
    const char *basis = jstr(ck, "basis");
    if (cJSON_IsObject(ck) && basis) {
        d->has_sizes = true;
        mp_strlcpy(d->size_basis, basis, sizeof d->size_basis);
        d->tensor_bytes = jnum(ck, "tensor_bytes");
        d->file_bytes = jnum(ck, "file_bytes");
        d->params = jnum(ck, "params");
        d->files = jint(ck, "files");
        d->tensors = jint(ck, "tensors");
    }
    return true;
}

static int load_path(const char *path, mp_desc *d, mp_error *err)
{
    memset(d, 0, sizeof *d);
    char *text = NULL;
    size_t len = 0;
    mp_error quiet;
    mp_error_clear(&quiet);
    if (mp_read_file(path, MP_DESC_MAX_BYTES, "model description", &text, &len, &quiet) != 0)
        return mp_error_set(err, MP_ENOTFOUND, "no description at %s", path);
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    bool ok = root && from_json(root, d);
    cJSON_Delete(root);
    if (!ok) {
        mp_desc_release(d);
        return mp_error_set(err, MP_ENOTFOUND, "%s is not a model description", path);
    }
    return 0;
}

int mp_desc_load(const char *dir, const char *repo, mp_desc *d, char *path, size_t path_cap,
                 mp_error *err)
{
    memset(d, 0, sizeof *d);
    char p[1400];
    int rc = record_path(dir, repo, p, sizeof p, err);
    if (rc)
        return rc;
    if (path)
        mp_strlcpy(path, p, path_cap);
    if ((rc = load_path(p, d, err)) != 0)
        return rc;
    if (!mp_ieq(d->repo, repo)) {
        mp_desc_release(d);
        return mp_error_set(err, MP_ENOTFOUND, "%s describes another repo", p);
    }
    return 0;
}

/* mkdir -p with mode 0700 for the folders it creates. */
static int make_dirs(const char *dir, mp_error *err)
{
    char p[1400];
    mp_strlcpy(p, dir, sizeof p);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char keep = *s;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            return mp_error_set(err, MP_EIO, "cannot create the cache folder '%s': %s", p,
                                strerror(errno));
        *s = keep;
        if (!keep)
            break;
    }
    return 0;
}

static cJSON *to_json(const mp_desc *d)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "mlxplan_description", RECORD_FORMAT);
    cJSON_AddStringToObject(root, "repo", d->repo);
    cJSON_AddStringToObject(root, "revision", "main");
    cJSON_AddStringToObject(root, "commit", d->commit);
    cJSON_AddStringToObject(root, "url", d->url);
    cJSON_AddNumberToObject(root, "fetched", (double)d->fetched_s);
    if (d->has_sizes) {
        cJSON *ck = cJSON_AddObjectToObject(root, "checkpoint");
        cJSON_AddStringToObject(ck, "basis", d->size_basis);
        cJSON_AddNumberToObject(ck, "tensor_bytes", d->tensor_bytes);
        cJSON_AddNumberToObject(ck, "file_bytes", d->file_bytes);
        cJSON_AddNumberToObject(ck, "params", d->params);
        cJSON_AddNumberToObject(ck, "files", d->files);
        cJSON_AddNumberToObject(ck, "tensors", d->tensors);
    } else {
        cJSON_AddNullToObject(root, "checkpoint");
    }
    cJSON_AddStringToObject(root, "config", d->config ? d->config : "");
    return root;
}

int mp_desc_store(const char *dir, const mp_desc *d, char *path, size_t path_cap, mp_error *err)
{
    char p[1400];
    int rc = record_path(dir, d->repo, p, sizeof p, err);
    if (rc)
        return rc;
    if (path)
        mp_strlcpy(path, p, path_cap);
    cJSON *root = to_json(d);
    char *text = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    if ((rc = make_dirs(dir, err)) != 0) {
        free(text);
        return rc;
    }
    /* ".models--x.json.XXXXXX" beside the target: rename(2) within one
     * folder is atomic */
    char tmp[1450];
    const char *base = strrchr(p, '/') + 1;
    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(text);
        return mp_error_set(err, MP_EIO, "cannot write in the cache folder '%s': %s", dir,
                            strerror(errno));
    }
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    free(text);
    int saved = errno;
    bool ok = off == len && fsync(fd) == 0;
    if (!ok && off == len)
        saved = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(tmp, p) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        unlink(tmp);
        return mp_error_set(err, MP_EIO, "cannot write '%s': %s", p, strerror(saved));
    }
    return 0;
}

static bool ours(const char *name, bool *is_temp)
{
    size_t n = strlen(name);
    *is_temp = name[0] == '.' && strncmp(name + 1, PREFIX, strlen(PREFIX)) == 0 &&
               strstr(name, SUFFIX ".") != NULL;
    return *is_temp || (strncmp(name, PREFIX, strlen(PREFIX)) == 0 && n > strlen(SUFFIX) &&
                        strcmp(name + n - strlen(SUFFIX), SUFFIX) == 0);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const mp_desc_entry *)a)->repo, ((const mp_desc_entry *)b)->repo);
}

/* opendir(dir); a missing folder is *d == NULL and no error. */
static int open_folder(const char *dir, DIR **d, mp_error *err)
{
    *d = opendir(dir);
    if (*d || errno == ENOENT)
        return 0;
    return mp_error_set(err, MP_EIO, "cannot read the cache folder '%s': %s", dir,
                        strerror(errno));
}

int mp_desc_list(const char *dir, mp_desc_entry *out, int max, int *n, mp_error *err)
{
    *n = 0;
    DIR *d;
    int rc = open_folder(dir, &d, err);
    if (rc || !d)
        return rc;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && *n < max) {
        bool temp;
        if (!ours(de->d_name, &temp) || temp)
            continue;
        char p[1400];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        mp_desc desc;
        if (load_path(p, &desc, NULL) != 0)
            continue;
        struct stat st;
        mp_desc_entry *e = &out[(*n)++];
        memset(e, 0, sizeof *e);
        mp_strlcpy(e->repo, desc.repo, sizeof e->repo);
        mp_strlcpy(e->commit, desc.commit, sizeof e->commit);
        e->fetched_s = desc.fetched_s;
        e->tensor_bytes = desc.has_sizes ? desc.tensor_bytes : 0;
        e->record_bytes = stat(p, &st) == 0 ? (double)st.st_size : 0;
        mp_desc_release(&desc);
    }
    closedir(d);
    qsort(out, (size_t)*n, sizeof *out, cmp_entry);
    return 0;
}

int mp_desc_clear(const char *dir, int *removed, mp_error *err)
{
    *removed = 0;
    DIR *d;
    int rc = open_folder(dir, &d, err);
    if (rc || !d)
        return rc;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        bool temp;
        if (!ours(de->d_name, &temp))
            continue;
        char p[1400];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(p, &st) != 0 || !S_ISREG(st.st_mode))
            continue; /* never follow a link out of the folder */
        if (unlink(p) != 0) {
            rc = mp_error_set(err, MP_EIO, "cannot remove '%s': %s", p, strerror(errno));
            break;
        }
        if (!temp)
            (*removed)++;
    }
    closedir(d);
    if (rc == 0)
        rmdir(dir); /* only succeeds when nothing else lives there */
    return rc;
}
