/* safetensors.c - header reader and folder totals; see safetensors.h. */
#include "model/safetensors.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "util/text.h"

static const struct {
    const char *name;
    int bytes;
} dtypes[] = {
    {"F64", 8},     {"F32", 4},     {"F16", 2},    {"BF16", 2},   {"I64", 8},
    {"I32", 4},     {"I16", 2},     {"I8", 1},     {"U64", 8},    {"U32", 4},
    {"U16", 2},     {"U8", 1},      {"BOOL", 1},   {"F8_E4M3", 1}, {"F8_E5M2", 1},
    {"F8_E8M0", 1},
};

static int dtype_size(const char *d)
{
    for (size_t i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++)
        if (strcmp(dtypes[i].name, d) == 0)
            return dtypes[i].bytes;
    return 0;
}

void mp_st_release(mp_st_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_tensors; i++)
        free(m->tensors[i].name);
    free(m->tensors);
    memset(m, 0, sizeof *m);
}

static int add_total(mp_st_model *m, const mp_st_tensor *t)
{
    int i;
    for (i = 0; i < m->n_dtypes; i++)
        if (strcmp(m->dtypes[i].dtype, t->dtype) == 0)
            break;
    if (i == m->n_dtypes) {
        if (m->n_dtypes >= MP_ST_MAX_DTYPES)
            return -1;
        memset(&m->dtypes[i], 0, sizeof m->dtypes[i]);
        mp_strlcpy(m->dtypes[i].dtype, t->dtype, sizeof m->dtypes[i].dtype);
        m->n_dtypes++;
    }
    m->dtypes[i].tensors++;
    m->dtypes[i].elements += t->elements;
    m->dtypes[i].bytes += t->bytes;
    m->total_bytes += t->bytes;
    return 0;
}

static int parse_header(const char *path, const char *json, uint64_t n, uint64_t data_bytes,
                        mp_st_model *m, mp_error *err)
{
    size_t depth = mp_json_depth(json, (size_t)n);
    if (depth > CJSON_NESTING_LIMIT)
        return mp_error_set(err, MP_ELIMIT,
                            "%s: safetensors header nests %zu levels deep, over the limit of %d "
                            "levels",
                            path, depth, CJSON_NESTING_LIMIT);
    cJSON *root = cJSON_ParseWithLength(json, (size_t)n);
    if (!root)
        return mp_error_set(err, MP_EPARSE, "%s: safetensors header is not valid JSON", path);
    int rc = 0;
    if (!cJSON_IsObject(root)) {
        rc = mp_error_set(err, MP_EPARSE, "%s: safetensors header is not a JSON object", path);
        goto done;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, root)
    {
        if (!e->string) {
            rc = mp_error_set(err, MP_EPARSE, "%s: safetensors header has an unnamed entry", path);
            goto done;
        }
        if (strcmp(e->string, "__metadata__") == 0)
            continue;
        const char *name = e->string;
        const cJSON *dt = cJSON_GetObjectItemCaseSensitive(e, "dtype");
        const cJSON *shape = cJSON_GetObjectItemCaseSensitive(e, "shape");
        const cJSON *off = cJSON_GetObjectItemCaseSensitive(e, "data_offsets");
        if (!cJSON_IsString(dt) || !cJSON_IsArray(shape) || !cJSON_IsArray(off) ||
            cJSON_GetArraySize(off) != 2) {
            rc = mp_error_set(err, MP_EPARSE,
                              "%s: tensor '%.80s' needs dtype, shape and two data_offsets", path,
                              name);
            goto done;
        }
        int size = dtype_size(dt->valuestring);
        if (!size) {
            rc = mp_error_set(err, MP_EPARSE, "%s: tensor '%.80s' has unknown dtype '%.20s'",
                              path, name, dt->valuestring);
            goto done;
        }
        mp_st_tensor t;
        memset(&t, 0, sizeof t);
        mp_strlcpy(t.dtype, dt->valuestring, sizeof t.dtype);
        t.elements = 1;
        const cJSON *d;
        cJSON_ArrayForEach(d, shape)
        {
            if (!cJSON_IsNumber(d) || d->valuedouble < 0 || d->valuedouble != floor(d->valuedouble) ||
                d->valuedouble > 9e15 || t.ndim >= 8) {
                rc = mp_error_set(err, MP_EPARSE, "%s: tensor '%.80s' has a bad shape", path, name);
                goto done;
            }
            t.shape[t.ndim++] = (int64_t)d->valuedouble;
            t.elements *= d->valuedouble;
        }
        double a = cJSON_GetArrayItem(off, 0)->valuedouble;
        double b = cJSON_GetArrayItem(off, 1)->valuedouble;
        if (!cJSON_IsNumber(cJSON_GetArrayItem(off, 0)) ||
            !cJSON_IsNumber(cJSON_GetArrayItem(off, 1)) || a < 0 || b < a ||
            b > (double)data_bytes || b - a != t.elements * size) {
            rc = mp_error_set(err, MP_EPARSE,
                              "%s: tensor '%.80s' has data_offsets that do not match its shape "
                              "and dtype or lie outside the file",
                              path, name);
            goto done;
        }
        t.bytes = b - a;
        if (m->n_tensors == m->cap) {
            size_t cap = m->cap ? m->cap * 2 : 256;
            mp_st_tensor *p = realloc(m->tensors, cap * sizeof *p);
            if (!p) {
                rc = mp_error_set(err, MP_ENOMEM, "out of memory");
                goto done;
            }
            m->tensors = p;
            m->cap = cap;
        }
        t.name = mp_strdup(name);
        if (!t.name) {
            rc = mp_error_set(err, MP_ENOMEM, "out of memory reading '%s'", path);
            goto done;
        }
        if (add_total(m, &t) != 0) {
            free(t.name);
            rc = mp_error_set(err, MP_ELIMIT, "%s: more than %d tensor dtypes", path,
                              MP_ST_MAX_DTYPES);
            goto done;
        }
        m->tensors[m->n_tensors++] = t;
    }
done:
    cJSON_Delete(root);
    return rc;
}

/* The header length N from the first 8 bytes of a file of `size` bytes:
 * within the format's limit and within the file. */
static int header_length(const char *path, const unsigned char len8[8], uint64_t size,
                         uint64_t *n_out, mp_error *err)
{
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--)
        n = (n << 8) | len8[i];
    if (n > MP_ST_MAX_HEADER)
        return mp_error_set(err, MP_ELIMIT,
                            "%s: safetensors header length %llu is over the format's 100 MB limit",
                            path, (unsigned long long)n);
    if (n > size - 8)
        return mp_error_set(err, MP_EPARSE,
                            "%s: safetensors header length %llu runs past the end of the file "
                            "(%llu bytes)",
                            path, (unsigned long long)n, (unsigned long long)size);
    *n_out = n;
    return 0;
}

int mp_st_read_buffer(const char *label, const void *data, size_t size, mp_st_model *m,
                      mp_error *err)
{
    if (size < 8)
        return mp_error_set(err, MP_EPARSE, "%s: shorter than a safetensors header", label);
    uint64_t n = 0;
    int rc = header_length(label, data, size, &n, err);
    if (rc)
        return rc;
    return mp_st_read_header(label, (const char *)data + 8, (size_t)n, (double)size, m, err);
}

int mp_st_read_file(const char *path, mp_st_model *m, mp_error *err)
{
    uint64_t size = 0, n = 0;
    FILE *f = mp_open_regular(path, "safetensors file", &size, err);
    if (!f)
        return MP_EIO;
    unsigned char len8[8];
    if (fread(len8, 1, 8, f) != 8) {
        fclose(f);
        return mp_error_set(err, MP_EPARSE, "%s: shorter than a safetensors header", path);
    }
    int rc = header_length(path, len8, size, &n, err);
    if (rc) {
        fclose(f);
        return rc;
    }
    char *json = malloc(n + 1);
    if (!json) {
        fclose(f);
        return mp_error_set(err, MP_ENOMEM, "out of memory reading '%s'", path);
    }
    size_t got = fread(json, 1, n, f);
    fclose(f);
    if (got != n) {
        free(json);
        return mp_error_set(err, MP_EIO, "%s: short read of the safetensors header", path);
    }
    json[n] = '\0';
    rc = mp_st_read_header(path, json, (size_t)n, (double)size, m, err);
    free(json);
    return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

void mp_st_index_release(mp_st_index *ix)
{
    if (!ix)
        return;
    for (int i = 0; i < ix->n_files; i++)
        free(ix->files[i]);
    ix->n_files = 0;
}

int mp_st_index_parse(const char *json, size_t len, const char *label, mp_st_index *ix,
                      mp_error *err)
{
    memset(ix, 0, sizeof *ix);
    ix->total_size = -1;
    size_t depth = mp_json_depth(json, len);
    if (depth > CJSON_NESTING_LIMIT)
        return mp_error_set(err, MP_ELIMIT, "%s: nests %zu levels deep, over the limit of %d levels",
                            label, depth, CJSON_NESTING_LIMIT);
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root)
        return mp_error_set(err, MP_EPARSE, "%s: not valid JSON", label);
    const cJSON *wm = cJSON_GetObjectItemCaseSensitive(root, "weight_map");
    if (!cJSON_IsObject(wm)) {
        cJSON_Delete(root);
        return mp_error_set(err, MP_EPARSE, "%s: needs a 'weight_map' object", label);
    }
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "metadata");
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(meta, "total_size");
    if (cJSON_IsNumber(ts) && ts->valuedouble >= 0 && ts->valuedouble < 1e16)
        ix->total_size = ts->valuedouble;
    int rc = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, wm)
    {
        if (!cJSON_IsString(e) || strchr(e->valuestring, '/') || e->valuestring[0] == '.') {
            rc = mp_error_set(err, MP_EPARSE, "%s: weight_map entry '%.80s' must name a file "
                              "in the folder", label, e->string ? e->string : "");
            break;
        }
        ix->n_tensors++;
        bool seen = false;
        for (int i = 0; i < ix->n_files && !seen; i++)
            seen = strcmp(ix->files[i], e->valuestring) == 0;
        if (seen)
            continue;
        if (ix->n_files >= MP_ST_MAX_FILES) {
            rc = mp_error_set(err, MP_ELIMIT, "%s: more than %d shards", label, MP_ST_MAX_FILES);
            break;
        }
        ix->files[ix->n_files] = mp_strdup(e->valuestring);
        if (!ix->files[ix->n_files]) {
            rc = mp_error_set(err, MP_ENOMEM, "out of memory");
            break;
        }
        ix->n_files++;
    }
    cJSON_Delete(root);
    return rc;
}

int mp_st_read_header(const char *label, const char *json, size_t len, double file_bytes,
                      mp_st_model *m, mp_error *err)
{
    /* a size from a remote server may be anything: NaN and absurd sizes
     * count as unknown, so the conversion below stays defined */
    if (!(file_bytes > 0 && file_bytes < 1e18))
        file_bytes = 0;
    double data = file_bytes > 0 ? file_bytes - 8 - (double)len : 1e18;
    if (data < 0)
        return mp_error_set(err, MP_EPARSE, "%s: a %zu-byte header in a %.0f-byte file", label,
                            len, file_bytes);
    int rc = parse_header(label, json, (uint64_t)len, (uint64_t)data, m, err);
    if (rc == 0) {
        m->n_files++;
        m->file_bytes += file_bytes;
    }
    return rc;
}

int mp_st_read_dir(const char *dir, mp_st_model *m, mp_error *err)
{
    memset(m, 0, sizeof *m);
    char path[4096];
    snprintf(path, sizeof path, "%s/model.safetensors.index.json", dir);
    char *files[MP_ST_MAX_FILES];
    int nf = 0, rc = 0;
    struct stat st;
    if (stat(path, &st) == 0) {
        char *text = NULL;
        size_t len;
        rc = mp_read_file(path, MP_ST_MAX_INDEX_BYTES, "safetensors index", &text, &len, err);
        if (rc)
            return rc;
        mp_st_index ix;
        rc = mp_st_index_parse(text, len, path, &ix, err);
        free(text);
        if (rc) {
            mp_st_index_release(&ix);
            return rc;
        }
        nf = ix.n_files;
        memcpy(files, ix.files, (size_t)nf * sizeof files[0]);
        m->has_index = true;
    } else {
        DIR *d = opendir(dir);
        if (!d)
            return mp_error_set(err, MP_EIO, "cannot read folder '%s': %s", dir, strerror(errno));
        struct dirent *de;
        while ((de = readdir(d)) != NULL && !rc) {
            if (!ends_with(de->d_name, ".safetensors") || de->d_name[0] == '.')
                continue;
            if (nf >= MP_ST_MAX_FILES) {
                rc = mp_error_set(err, MP_ELIMIT, "'%s' has more than %d safetensors files", dir,
                                  MP_ST_MAX_FILES);
                break;
            }
            files[nf] = mp_strdup(de->d_name);
            if (!files[nf])
                rc = mp_error_set(err, MP_ENOMEM, "out of memory");
            else
                nf++;
        }
        closedir(d);
    }
    if (!rc && nf == 0)
        rc = mp_error_set(err, MP_ENOTFOUND, "no .safetensors file in '%s'", dir);
    qsort(files, (size_t)nf, sizeof files[0], cmp_str);
    for (int i = 0; i < nf && !rc; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (stat(path, &st) != 0)
            rc = mp_error_set(err, MP_EIO, "shard '%s' listed in the index is missing from '%s'",
                              files[i], dir);
        else
            rc = mp_st_read_file(path, m, err);
    }
    for (int i = 0; i < nf; i++)
        free(files[i]);
    if (rc)
        mp_st_release(m);
    return rc;
}

/* Bits recorded for the module owning `weight_name` ("x.weight"). */
static int bits_for(const mp_arch *a, const char *weight_name)
{
    char module[160];
    mp_strlcpy(module, weight_name, sizeof module);
    char *dot = strrchr(module, '.');
    if (dot)
        *dot = '\0';
    const mp_qoverride *o = mp_arch_qoverride(a, module);
    if (o && o->quantized)
        return o->q.bits;
    if (a && a->has_config_quant)
        return a->config_quant.bits;
    return 4;
}

static int cmp_name(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static bool has_tensor(const char **sorted, size_t n, const char *name)
{
    return bsearch(&name, sorted, n, sizeof *sorted, cmp_name) != NULL;
}

/* Whether `name` with its 7-character suffix (".weight", "_blocks", ...)
 * replaced by `suffix` is among the sorted names. */
static bool has_sibling(const char **sorted, size_t n, const char *name, const char *suffix)
{
    char sib[400];
    snprintf(sib, sizeof sib, "%.*s%s", (int)(strlen(name) - 7), name, suffix);
    return has_tensor(sorted, n, sib);
}

double mp_st_params(const mp_st_model *m, const mp_arch *a)
{
    const char **names = malloc((m->n_tensors ? m->n_tensors : 1) * sizeof *names);
    if (!names)
        return NAN;
    for (size_t i = 0; i < m->n_tensors; i++)
        names[i] = m->tensors[i].name;
    qsort(names, m->n_tensors, sizeof *names, cmp_name);
    double p = 0;
    for (size_t i = 0; i < m->n_tensors; i++) {
        const mp_st_tensor *t = &m->tensors[i];
        /* the quantization's side arrays when a packed weight sits beside them */
        if ((ends_with(t->name, ".scales") || ends_with(t->name, ".biases")) &&
            has_sibling(names, m->n_tensors, t->name, ".weight"))
            continue;
        if (strcmp(t->dtype, "U32") == 0 && ends_with(t->name, ".weight") &&
            has_sibling(names, m->n_tensors, t->name, ".scales")) {
            p += t->elements * 32.0 / bits_for(a, t->name);
            continue;
        }
        /* MXFP4 as Hugging Face stores it (gpt-oss): X_blocks holds two
         * 4-bit values per byte, X_scales one exponent per 32 values; mlx-lm
         * turns them into X.weight / X.scales (gpt_oss.py sanitize) */
        if (ends_with(t->name, "_scales") && has_sibling(names, m->n_tensors, t->name, "_blocks"))
            continue;
        if (strcmp(t->dtype, "U8") == 0 && ends_with(t->name, "_blocks") &&
            has_sibling(names, m->n_tensors, t->name, "_scales")) {
            p += t->elements * 2.0;
            continue;
        }
        p += t->elements;
    }
    free(names);
    return p;
}
