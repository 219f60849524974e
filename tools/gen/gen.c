/*
 * gen.c - turn the reviewed data files into compiled C tables.
 *
 *   mlxplan-gen DATA_DIR OUT.c
 *
 * Reads the TSV files under DATA_DIR (lines starting with '#' are comments,
 * the first other line is the header), checks every cell against the column
 * type declared below (whole numbers, finite decimals, 0/1 booleans,
 * required cells non-empty), rejects duplicate keys, sorts the tables that
 * are searched by key, and writes one C file of `const` arrays whose row
 * types are declared in src/kb/tables.h.  The model registry rows also
 * embed the text of the config.json each names.
 *
 * The generator fails (exit 1, message naming file:line and column) on any
 * bad cell, so a broken data file breaks the build, not a user's run.
 * This is a build tool: it reads trusted files and uses plain stdio.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* T_MEMLIST, T_TIER and T_REPLACED_BY turn a cell into a typed value here,
 * at build time, so no code parses these facts from text at run time:
 *   T_MEMLIST      "36,96" (the sizes offered) or "24-64" (a published
 *                  range), GB -> mp_mem_options {gb[], n, range};
 *   T_TIER         "base", "Pro", "Max", "Ultra" -> mp_apple_tier
 *                  (MP_APPLE_TIER_*);
 *   T_REPLACED_BY  the notes cell: "deprecated: ...; use <qualified name>
 *                  ..." -> that name, "" when the note does not say
 *                  deprecated (a deprecation without "use X" is an error). */
enum ctype { T_STR, T_INT, T_DBL, T_BOOL, T_QNAME, T_FILETEXT, T_PLANTEXT, T_MEMLIST, T_TIER,
             T_REPLACED_BY };

/* The size of mp_mem_options.gb in src/kb/tables.h (the generated file
 * asserts that they agree). */
#define MEM_OPTIONS_MAX 8

typedef struct colspec {
    const char *column;   /* header name in the TSV ("" for computed) */
    const char *field;    /* C field name */
    enum ctype type;
    bool required;
} colspec;

typedef struct tablespec {
    const char *files[3];     /* one or more TSV files with compatible headers */
    const char *row_type;
    const char *array;
    const colspec *cols;
    int key_col;              /* index into cols of the unique key, -1 none */
    int key_col2;             /* second key column (cli: flag), -1 none */
    bool sorted;              /* emit rows sorted by key */
    bool plain_lines;         /* file is one value per line, no header */
} tablespec;

#define REQ true
#define OPT false

static const colspec apple_cols[] = {
    {"name", "name", T_STR, REQ},           {"family", "family", T_STR, REQ},
    {"tier", "tier", T_TIER, REQ},           {"cpu_p", "cpu_p", T_INT, REQ},
    {"cpu_e", "cpu_e", T_INT, REQ},         {"gpu_cores", "gpu_cores", T_INT, REQ},
    {"memory_gb", "memory_gb", T_MEMLIST, REQ}, {"bandwidth_gbs", "bandwidth_gbs", T_DBL, REQ},
    {"fp32_tflops", "fp32_tflops", T_DBL, OPT}, {"neural_accel", "neural_accel", T_BOOL, REQ},
    {"year", "year", T_INT, REQ},           {"provisional", "provisional", T_BOOL, REQ},
    {"source", "source", T_STR, REQ},       {NULL, NULL, T_STR, OPT},
};
static const colspec nvidia_cols[] = {
    {"name", "name", T_STR, REQ},
    {"arch", "arch", T_STR, REQ},
    {"memory_gb", "memory_gb", T_DBL, REQ},
    {"bandwidth_gbs", "bandwidth_gbs", T_DBL, REQ},
    {"bf16_tflops", "bf16_tflops", T_DBL, OPT},
    {"fp32_tflops", "fp32_tflops", T_DBL, OPT},
    {"approx", "approx", T_BOOL, REQ},
    {"unified", "unified", T_BOOL, REQ},
    {"source", "source", T_STR, REQ},
    {NULL, NULL, T_STR, OPT},
};
static const colspec model_cols[] = {
    {"id", "id", T_STR, REQ},           {"file", "file", T_STR, REQ},
    {"family", "family", T_STR, REQ},   {"aliases", "aliases", T_STR, OPT},
    {"use", "use", T_STR, REQ},         {"pick", "pick", T_INT, REQ},
    {"file", "config_json", T_FILETEXT, REQ}, {NULL, NULL, T_STR, OPT},
};
static const colspec api_cols[] = {
    {"", "qname", T_QNAME, REQ},          {"module", "module", T_STR, REQ},
    {"name", "name", T_STR, REQ},         {"kind", "kind", T_STR, REQ},
    {"signature", "signature", T_STR, OPT}, {"source", "source", T_STR, OPT},
    {"notes", "notes", T_STR, OPT},       {"notes", "replaced_by", T_REPLACED_BY, OPT},
    {NULL, NULL, T_STR, OPT},
};
static const colspec cli_cols[] = {
    {"command", "command", T_STR, REQ}, {"flag", "flag", T_STR, REQ},
    {"aliases", "aliases", T_STR, OPT}, {"type", "type", T_STR, OPT},
    {"default", "dflt", T_STR, OPT},    {"choices", "choices", T_STR, OPT},
    {"action_nargs", "nargs", T_STR, OPT}, {"required", "required", T_STR, OPT},
    {"gist", "gist", T_STR, OPT},       {"notes", "notes", T_STR, OPT},
    {"source", "source", T_STR, OPT},   {NULL, NULL, T_STR, OPT},
};
static const colspec lora_cols[] = {
    {"key", "key", T_STR, REQ},       {"type", "type", T_STR, REQ},
    {"default", "dflt", T_STR, OPT},  {"cli_flag", "cli_flag", T_STR, OPT},
    {"gist", "gist", T_STR, OPT},     {"source", "source", T_STR, REQ},
    {NULL, NULL, T_STR, OPT},
};
static const colspec format_cols[] = {
    {"format", "format", T_STR, REQ},
    {"required_json_keys", "required_keys", T_STR, REQ},
    {"optional_json_keys", "optional_keys", T_STR, OPT},
    {"rename_via_yaml", "rename_key", T_STR, OPT},
    {"mask_prompt", "mask_prompt", T_STR, OPT},
    {"dataset_class", "dataset_class", T_STR, OPT},
    {"notes", "notes", T_STR, OPT},
    {"source", "source", T_STR, REQ},
    {NULL, NULL, T_STR, OPT},
};
static const colspec model_type_cols[] = {
    {"name", "name", T_STR, REQ},
    {NULL, NULL, T_STR, OPT},
};
static const colspec model_alias_cols[] = {
    {"config_model_type", "config_type", T_STR, REQ},
    {"loaded_module", "module", T_STR, REQ},
    {"source", "source", T_STR, REQ},
    {NULL, NULL, T_STR, OPT},
};
static const colspec practice_cols[] = {
    {"id", "id", T_STR, REQ},       {"topic", "topic", T_STR, REQ},
    {"rule", "rule", T_STR, REQ},   {"why", "why", T_STR, REQ},
    {"names", "names", T_STR, OPT}, {"source", "source", T_STR, REQ},
    {NULL, NULL, T_STR, OPT},
};
static const colspec feature_cols[] = {
    {"feature", "feature", T_STR, REQ}, {"package", "package", T_STR, REQ},
    {"version", "version", T_STR, OPT}, {"date", "date", T_STR, OPT},
    {"commit", "commit", T_STR, REQ},   {"names", "names", T_STR, OPT},
    {NULL, NULL, T_STR, OPT},
};
static const colspec version_cols[] = {
    {"key", "key", T_STR, REQ},
    {"value", "value", T_STR, REQ},
    {"source", "source", T_STR, REQ},
    {NULL, NULL, T_STR, OPT},
};
static const colspec calib_cols[] = {
    {"id", "id", T_STR, REQ},
    {"kind", "kind", T_STR, REQ},
    {"model_config", "model_config", T_STR, OPT},
    {"hf_id_as_measured", "hf_id", T_STR, OPT},
    {"quant_mode", "quant_mode", T_STR, OPT},
    {"bits", "bits", T_DBL, OPT},
    {"group_size", "group_size", T_DBL, OPT},
    {"chip", "chip", T_STR, OPT},
    {"chip_certain", "chip_certain", T_STR, OPT},
    {"memory_gb", "memory_gb", T_DBL, OPT},
    {"prompt_tokens", "prompt_tokens", T_DBL, OPT},
    {"gen_tokens", "gen_tokens", T_DBL, OPT},
    {"measured_value", "value", T_DBL, REQ},
    {"unit", "unit", T_STR, REQ},
    {"peak_mem_gb", "peak_mem_gb", T_DBL, OPT},
    {"measurement", "measurement", T_STR, OPT},
    {"batch", "batch", T_DBL, OPT},
    {"lora_batch", "lora_batch", T_DBL, OPT},
    {"lora_seq_len", "lora_seq_len", T_DBL, OPT},
    {"lora_layers", "lora_layers", T_DBL, OPT},
    {"lora_rank", "lora_rank", T_DBL, OPT},
    {"runtime_version", "runtime", T_STR, OPT},
    {"source", "source", T_STR, REQ},
    {"notes", "notes", T_STR, OPT},
    {"source_group", "source_group", T_STR, REQ},
    {"use", "use", T_STR, REQ},
    {NULL, NULL, T_STR, OPT},
};

/* the files of a plan's project (data/plan/templates.tsv); the text is the
 * template file under data/plan/ */
static const colspec plan_file_cols[] = {
    {"template", "template_", T_STR, REQ}, {"flow", "flow", T_STR, REQ},
    {"path", "path", T_STR, REQ},         {"purpose", "purpose", T_STR, REQ},
    {"template", "text", T_PLANTEXT, REQ}, {NULL, NULL, T_STR, OPT},
};

static const colspec band_cols[] = {
    {"category", "category", T_STR, REQ},
    {"rows", "rows", T_INT, REQ},
    {"median_pct", "median_pct", T_DBL, REQ},
    {"p90_pct", "p90_pct", T_DBL, REQ},
    {NULL, NULL, T_STR, OPT},
};

/* data/calibration/speed-constants.tsv, written by bench/fit_speed.c */
static const colspec speed_const_cols[] = {
    {"kind", "kind", T_STR, REQ},   {"term", "term", T_STR, REQ},
    {"class", "class_", T_STR, REQ}, {"value", "value", T_DBL, REQ},
    {"unit", "unit", T_STR, REQ},   {"meaning", "meaning", T_STR, REQ},
    {NULL, NULL, T_STR, OPT},
};

static const tablespec tables[] = {
    {{"hw/apple-silicon.tsv"}, "mp_apple_row", "mp_apple_rows", apple_cols, 0, -1, false, false},
    {{"hw/nvidia.tsv"}, "mp_nvidia_row", "mp_nvidia_rows", nvidia_cols, 0, -1, false, false},
    {{"models/registry.tsv"}, "mp_model_row", "mp_model_rows", model_cols, 0, -1, false, false},
    /* overloaded functions repeat a name with another signature */
    {{"mlx/mlx-api.tsv", "mlx/mlx-lm-api.tsv"}, "mp_api_row", "mp_api_rows", api_cols, 0, 4,
     true, false},
    {{"mlx/mlx-lm-cli.tsv"}, "mp_cli_row", "mp_cli_rows", cli_cols, 0, 1, true, false},
    {{"mlx/mlx-lm-lora-config.tsv"}, "mp_lora_key_row", "mp_lora_key_rows", lora_cols, 0, -1,
     false, false},
    {{"mlx/mlx-lm-data-formats.tsv"}, "mp_format_row", "mp_format_rows", format_cols, 0, -1,
     false, false},
    {{"mlx/mlx-lm-models.txt"}, "mp_model_type_row", "mp_model_type_rows", model_type_cols, 0,
     -1, true, true},
    {{"mlx/mlx-lm-make-cache.txt"}, "mp_model_type_row", "mp_make_cache_rows", model_type_cols, 0,
     -1, true, true},
    {{"mlx/mlx-lm-model-aliases.tsv"}, "mp_model_alias_row", "mp_model_alias_rows",
     model_alias_cols, 0, -1, false, false},
    {{"mlx/practices.tsv"}, "mp_practice_row", "mp_practice_rows", practice_cols, 0, -1, false,
     false},
    {{"mlx/features.tsv"}, "mp_feature_row", "mp_feature_rows", feature_cols, -1, -1, false,
     false},
    {{"mlx/versions.tsv"}, "mp_version_row", "mp_version_rows", version_cols, 0, -1, false,
     false},
    {{"calibration/error-bands.tsv"}, "mp_band_row", "mp_band_rows", band_cols, 0, -1, false,
     false},
    {{"calibration/mlx-eval.tsv", "calibration/mlx-eval-2.tsv", "calibration/mlx-cuda-h100.tsv"},
     "mp_calib_row", "mp_calib_rows", calib_cols, 0, -1, false,
     false},
    {{"calibration/speed-constants.tsv"}, "mp_speed_const_row", "mp_speed_const_rows",
     speed_const_cols, -1, -1, false, false},
    {{"plan/templates.tsv"}, "mp_plan_file_row", "mp_plan_file_rows", plan_file_cols, 0, -1,
     false, false},
};

static const char *g_data_dir;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mlxplan-gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *p = xmalloc(n + 1);
    memcpy(p, s, n + 1);
    return p;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 4096 > cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                die("out of memory");
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f))
        die("cannot read %s", path);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* ---- rows ---------------------------------------------------------------- */

typedef struct row {
    char **cells; /* one per colspec, already converted to C literal text */
    char *key;    /* sort key */
} row;

typedef struct rowvec {
    row *v;
    size_t n, cap;
} rowvec;

static void push_row(rowvec *rv, row r)
{
    if (rv->n == rv->cap) {
        rv->cap = rv->cap ? rv->cap * 2 : 64;
        rv->v = realloc(rv->v, rv->cap * sizeof *rv->v);
        if (!rv->v)
            die("out of memory");
    }
    rv->v[rv->n++] = r;
}

/* Render bytes as the body of a C string literal. */
static char *c_literal(const char *s, size_t n)
{
    size_t cap = n * 4 + 3, k = 0;
    char *out = xmalloc(cap);
    out[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            out[k++] = '\\';
            out[k++] = (char)c;
        } else if (c == '\n') {
            out[k++] = '\\';
            out[k++] = 'n';
        } else if (c < 0x20 || c >= 0x7f || c == '?') {
            /* octal escapes take at most three digits, so they never
             * swallow a following character; '?' avoids trigraphs */
            k += (size_t)snprintf(out + k, cap - k, "\\%03o", c);
        } else {
            out[k++] = (char)c;
        }
    }
    out[k++] = '"';
    out[k] = '\0';
    return out;
}

static bool parse_int(const char *s, long long *v)
{
    if (!*s)
        return false;
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return *end == '\0' && errno == 0;
}

static bool parse_dbl(const char *s, double *v)
{
    if (!*s)
        return false;
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return *end == '\0' && errno == 0 && isfinite(*v);
}

static char *convert_cell(const char *file, int line, const colspec *c, const char *cell,
                          const char *qmodule, const char *qname)
{
    char buf[64];
    switch (c->type) {
    case T_STR:
        if (c->required && !*cell)
            die("%s:%d: column '%s' is empty", file, line, c->column);
        return c_literal(cell, strlen(cell));
    case T_INT: {
        long long v;
        if (!parse_int(cell, &v))
            die("%s:%d: column '%s' needs a whole number, got '%s'", file, line, c->column, cell);
        snprintf(buf, sizeof buf, "%lld", v);
        return xstrdup(buf);
    }
    case T_DBL: {
        double v;
        if (!*cell && !c->required)
            return xstrdup("NAN");
        if (!parse_dbl(cell, &v))
            die("%s:%d: column '%s' needs a number, got '%s'", file, line, c->column, cell);
        snprintf(buf, sizeof buf, "%.17g", v);
        return xstrdup(buf);
    }
    case T_BOOL:
        if (strcmp(cell, "0") && strcmp(cell, "1"))
            die("%s:%d: column '%s' needs 0 or 1, got '%s'", file, line, c->column, cell);
        return xstrdup(cell[0] == '1' ? "true" : "false");
    case T_QNAME: {
        size_t n = strlen(qmodule) + strlen(qname) + 2;
        char *q = xmalloc(n);
        snprintf(q, n, "%s.%s", qmodule, qname);
        char *lit = c_literal(q, strlen(q));
        free(q);
        return lit;
    }
    case T_MEMLIST: {
        int gb[MEM_OPTIONS_MAX], n = 0;
        bool range = strchr(cell, '-') != NULL;
        const char *p = cell;
        for (;;) {
            char *end;
            errno = 0;
            long v = strtol(p, &end, 10);
            if (end == p || errno || v < 1 || v > 65536 || n == MEM_OPTIONS_MAX ||
                (n && v <= gb[n - 1]))
                die("%s:%d: column '%s' needs ascending sizes in GB ('36,96' or '24-64', at most "
                    "%d), got '%s'", file, line, c->column, MEM_OPTIONS_MAX, cell);
            gb[n++] = (int)v;
            if (*end == '\0')
                break;
            if (*end != (range ? '-' : ','))
                die("%s:%d: column '%s': bad separator in '%s'", file, line, c->column, cell);
            p = end + 1;
        }
        if (range && n != 2)
            die("%s:%d: column '%s': a range is LO-HI, got '%s'", file, line, c->column, cell);
        char lit[256];
        size_t k = (size_t)snprintf(lit, sizeof lit, "{.gb = {");
        for (int i = 0; i < n; i++)
            k += (size_t)snprintf(lit + k, sizeof lit - k, "%s%d", i ? ", " : "", gb[i]);
        snprintf(lit + k, sizeof lit - k, "}, .n = %d, .range = %s}", n, range ? "true" : "false");
        return xstrdup(lit);
    }
    case T_TIER: {
        static const char *const tiers[][2] = {{"base", "MP_APPLE_TIER_BASE"},
                                               {"Pro", "MP_APPLE_TIER_PRO"},
                                               {"Max", "MP_APPLE_TIER_MAX"},
                                               {"Ultra", "MP_APPLE_TIER_ULTRA"}};
        for (size_t i = 0; i < sizeof tiers / sizeof tiers[0]; i++)
            if (strcmp(cell, tiers[i][0]) == 0)
                return xstrdup(tiers[i][1]);
        die("%s:%d: column '%s' needs base, Pro, Max or Ultra, got '%s'", file, line, c->column,
            cell);
    }
    case T_REPLACED_BY: {
        if (!strstr(cell, "deprecated"))
            return xstrdup("\"\"");
        const char *u = strstr(cell, "use ");
        size_t n = u ? strcspn(u + 4, " ;,)") : 0;
        if (!n || !strchr(u + 4, '.'))
            die("%s:%d: a deprecated name needs 'use <qualified name>' in '%s', got '%s'", file,
                line, c->column, cell);
        return c_literal(u + 4, n);
    }
    case T_FILETEXT:
    case T_PLANTEXT: {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s/%s", g_data_dir,
                 c->type == T_FILETEXT ? "models/configs" : "plan", cell);
        size_t len;
        char *text = read_all(path, &len);
        char *lit = c_literal(text, len);
        free(text);
        return lit;
    }
    }
    return NULL;
}

/* Split `line` in place on tabs into at most `max` fields. */
static int split_tabs(char *line, char **fields, int max)
{
    int n = 0;
    fields[n++] = line;
    for (char *p = line; *p; p++) {
        if (*p == '\t') {
            *p = '\0';
            if (n == max)
                return -1;
            fields[n++] = p + 1;
        }
    }
    return n;
}

static int find_col(char **hdr, int nh, const char *name)
{
    for (int i = 0; i < nh; i++)
        if (strcmp(hdr[i], name) == 0)
            return i;
    return -1;
}

static int cmp_rows(const void *a, const void *b)
{
    const row *x = a, *y = b;
    return strcmp(x->key, y->key);
}

static size_t ncols_of(const tablespec *t)
{
    size_t n = 0;
    while (t->cols[n].field)
        n++;
    return n;
}

static void load_file(const tablespec *t, const char *rel, rowvec *rv)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", g_data_dir, rel);
    char *text = read_all(path, NULL);
    size_t nc = ncols_of(t);
    enum { MAXF = 64 };
    char *hdr[MAXF];
    int nh = 0;
    int colidx[MAXF];
    int line = 0;
    char *save = NULL;
    for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        line++;
        size_t len = strlen(ln);
        if (len && ln[len - 1] == '\r')
            ln[len - 1] = '\0';
        if (ln[0] == '#' || ln[0] == '\0')
            continue;
        if (t->plain_lines) {
            row r;
            r.cells = xmalloc(nc * sizeof *r.cells);
            r.cells[0] = c_literal(ln, strlen(ln));
            r.key = xstrdup(ln);
            push_row(rv, r);
            continue;
        }
        if (nh == 0) {
            nh = split_tabs(ln, hdr, MAXF);
            if (nh < 0)
                die("%s:%d: too many columns", rel, line);
            for (size_t c = 0; c < nc; c++) {
                const colspec *cs = &t->cols[c];
                colidx[c] = cs->type == T_QNAME ? -1 : find_col(hdr, nh, cs->column);
                if (colidx[c] < 0 && cs->type != T_QNAME && cs->required)
                    die("%s: missing column '%s'", rel, cs->column);
            }
            continue;
        }
        char *f[MAXF];
        int n = split_tabs(ln, f, MAXF);
        if (n != nh)
            die("%s:%d: %d cells, header has %d", rel, line, n, nh);
        row r;
        r.cells = xmalloc(nc * sizeof *r.cells);
        const char *module = "", *name = "";
        int mi = find_col(hdr, nh, "module"), ni = find_col(hdr, nh, "name");
        if (mi >= 0)
            module = f[mi];
        if (ni >= 0)
            name = f[ni];
        for (size_t c = 0; c < nc; c++) {
            const char *cell = colidx[c] >= 0 ? f[colidx[c]] : "";
            r.cells[c] = convert_cell(rel, line, &t->cols[c], cell, module, name);
        }
        /* sort / uniqueness key: the raw text of the key column(s) */
        char key[1024] = "";
        if (t->key_col >= 0) {
            const colspec *kc = &t->cols[t->key_col];
            if (kc->type == T_QNAME)
                snprintf(key, sizeof key, "%s.%s", module, name);
            else
                snprintf(key, sizeof key, "%s", f[colidx[t->key_col]]);
            if (t->key_col2 >= 0) {
                size_t k = strlen(key);
                snprintf(key + k, sizeof key - k, "\t%s", f[colidx[t->key_col2]]);
            }
        }
        r.key = xstrdup(key);
        push_row(rv, r);
    }
    free(text);
}

static void emit_table(FILE *out, const tablespec *t)
{
    rowvec rv = {0};
    for (int i = 0; i < 3 && t->files[i]; i++)
        load_file(t, t->files[i], &rv);
    if (t->sorted)
        qsort(rv.v, rv.n, sizeof *rv.v, cmp_rows);
    if (t->key_col >= 0) {
        /* duplicates: compare every pair after a sorted copy */
        row *copy = xmalloc(rv.n * sizeof *copy);
        memcpy(copy, rv.v, rv.n * sizeof *copy);
        qsort(copy, rv.n, sizeof *copy, cmp_rows);
        for (size_t i = 1; i < rv.n; i++)
            if (strcmp(copy[i - 1].key, copy[i].key) == 0)
                die("%s: duplicate key '%s'", t->files[0], copy[i].key);
        free(copy);
    }
    size_t nc = ncols_of(t);
    fprintf(out, "\nconst %s %s[] = {\n", t->row_type, t->array);
    for (size_t i = 0; i < rv.n; i++) {
        fputs("    {", out);
        for (size_t c = 0; c < nc; c++) {
            fprintf(out, "%s.%s = %s", c ? ", " : "", t->cols[c].field, rv.v[i].cells[c]);
            free(rv.v[i].cells[c]);
        }
        fputs("},\n", out);
        free(rv.v[i].cells);
        free(rv.v[i].key);
    }
    if (rv.n == 0) /* C forbids empty initializers; the _len says 0 */
        fputs("    {0},\n", out);
    fprintf(out, "};\nconst size_t %s_len = %zu;\n", t->array, rv.n);
    free(rv.v);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mlxplan-gen DATA_DIR OUT.c\n");
        return 2;
    }
    g_data_dir = argv[1];
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
    FILE *out = fopen(tmp, "w");
    if (!out)
        die("cannot write %s: %s", tmp, strerror(errno));
    fputs("/* Generated by tools/gen/gen.c from data/ - do not edit. */\n"
          "#include <math.h>\n#include \"kb/tables.h\"\n",
          out);
    fprintf(out, "_Static_assert(MP_MEM_OPTIONS_MAX == %d, \"tools/gen/gen.c MEM_OPTIONS_MAX\");\n",
            MEM_OPTIONS_MAX);
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        emit_table(out, &tables[i]);
    if (fclose(out) != 0)
        die("cannot write %s", tmp);
    if (rename(tmp, argv[2]) != 0)
        die("cannot rename %s: %s", tmp, strerror(errno));
    return 0;
}
