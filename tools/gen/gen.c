/*
 * gen.c - turn the reviewed data files into compiled C tables.
 *
 *   mlxplan-gen DATA_DIR OUT.c OUT.h
 *
 * Reads the TSV files under DATA_DIR (lines starting with '#' are comments,
 * the first other line is the header), checks every cell against the column
 * type declared below (whole numbers, finite decimals, 0/1 booleans,
 * required cells non-empty), rejects duplicate keys, sorts the tables that
 * are searched by key, and writes one C file of `const` arrays and the
 * header of their row types (kb_tables.h, included by src/kb/tables.h),
 * both from the column specs below: the schema is stated once, here.  The
 * model registry rows also embed the text of the config.json each names.
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

/* T_MEMLIST, T_TIER, T_REPLACED_BY, T_NOTE_FLAG and T_NOTE_INT turn a cell
 * into a typed value here,
 * at build time, so no code parses these facts from text at run time:
 *   T_MEMLIST      "36,96" (the sizes offered) or "24-64" (a published
 *                  range), GB -> mp_mem_options {gb[], n, range};
 *   T_TIER         "base", "Pro", "Max", "Ultra" -> mp_apple_tier
 *                  (MP_APPLE_TIER_*);
 *   T_REPLACED_BY  the notes cell: "deprecated: ...; use <qualified name>
 *                  ..." -> that name, "" when the note does not say
 *                  deprecated (a deprecation without "use X" is an error);
 *   T_NOTE_FLAG    a notes cell -> bool: whether it says the field's
 *                  phrase (note_phrases, any case: "NOT wired");
 *   T_NOTE_INT     a notes cell -> int: the whole number after the field's
 *                  phrase ("--max-kv-size "), 0 when the note lacks it. */
enum ctype { T_STR, T_INT, T_DBL, T_BOOL, T_QNAME, T_FILETEXT, T_PLANTEXT, T_MEMLIST, T_TIER,
             T_REPLACED_BY, T_NOTE_FLAG, T_NOTE_INT };

/* The size of mp_mem_options.gb (written into the header as
 * MP_MEM_OPTIONS_MAX). */
#define MEM_OPTIONS_MAX 8

/* The Apple tiers: the cell's word, the enum constant, in enum order (the
 * header's mp_apple_tier and mp_apple_tier_names come from this list). */
static const char *const tiers[][2] = {{"base", "MP_APPLE_TIER_BASE"},
                                       {"Pro", "MP_APPLE_TIER_PRO"},
                                       {"Max", "MP_APPLE_TIER_MAX"},
                                       {"Ultra", "MP_APPLE_TIER_ULTRA"}};
#define N_TIERS (sizeof tiers / sizeof tiers[0])

typedef struct colspec {
    const char *column;   /* header name in the TSV ("" for computed) */
    const char *field;    /* C field name */
    enum ctype type;
    bool required;
    const char *doc;      /* the field's comment in the header, or NULL */
} colspec;

#define MAX_TABLE_FILES 6 /* TSV files one table may be read from */

/* The phrase of each T_NOTE_FLAG / T_NOTE_INT field, by field name. */
static const char *const note_phrases[][2] = {{"not_wired", "NOT wired"},
                                              {"superseded", "superseded"},
                                              {"max_kv_size", "--max-kv-size "},
                                              {"wikisql", "wikisql"},
                                              {"experts_requantized", "experts requantized"}};

typedef struct tablespec {
    const char *files[MAX_TABLE_FILES]; /* one or more TSV files with compatible headers */
    const char *row_type;
    const char *array;
    const colspec *cols;
    int key_col;              /* index into cols of the unique key, -1 none */
    int key_col2;             /* second key column (cli: flag), -1 none */
    bool sorted;              /* emit rows sorted by key */
    bool plain_lines;         /* file is one value per line, no header */
    const char *doc;          /* the row type's comment in the header */
} tablespec;

#define REQ true
#define OPT false

static const colspec apple_cols[] = {
    {"name", "name", T_STR, REQ, "\"M3 Max (14-core CPU / 30-core GPU)\""},           {"family", "family", T_STR, REQ, "\"M3\""},
    {"tier", "tier", T_TIER, REQ, "the cell \"base\", \"Pro\", \"Max\", \"Ultra\""},           {"cpu_p", "cpu_p", T_INT, REQ, "0 when not published"},
    {"cpu_e", "cpu_e", T_INT, REQ, "0 when not published"},         {"gpu_cores", "gpu_cores", T_INT, REQ, NULL},
    {"memory_gb", "memory_gb", T_MEMLIST, REQ, "the cell \"36,96\" or \"24-64\""}, {"bandwidth_gbs", "bandwidth_gbs", T_DBL, REQ, NULL},
    {"fp32_tflops", "fp32_tflops", T_DBL, OPT, "NAN when not published"}, {"neural_accel", "neural_accel", T_BOOL, REQ, "matmul units in every GPU core (M5)"},
    {"year", "year", T_INT, REQ, NULL},           {"provisional", "provisional", T_BOOL, REQ, NULL},
    {"source", "source", T_STR, REQ, NULL},       {NULL, NULL, T_STR, OPT, NULL},
};
static const colspec nvidia_cols[] = {
    {"name", "name", T_STR, REQ, NULL},
    {"arch", "arch", T_STR, REQ, "Ampere, Ada, Hopper, Blackwell"},
    {"memory_gb", "memory_gb", T_DBL, REQ, NULL},
    {"bandwidth_gbs", "bandwidth_gbs", T_DBL, REQ, NULL},
    {"bf16_tflops", "bf16_tflops", T_DBL, OPT, "NAN when not published"},
    {"fp32_tflops", "fp32_tflops", T_DBL, OPT, "NAN when not published"},
    {"approx", "approx", T_BOOL, REQ, NULL},
    {"unified", "unified", T_BOOL, REQ, NULL},
    {"source", "source", T_STR, REQ, NULL},
    {NULL, NULL, T_STR, OPT, NULL},
};
static const colspec model_cols[] = {
    {"id", "id", T_STR, REQ, "Hugging Face id"},           {"file", "file", T_STR, REQ, "configs/<file>"},
    {"family", "family", T_STR, REQ, NULL},   {"aliases", "aliases", T_STR, OPT, "space-separated other ids"},
    {"use", "use", T_STR, REQ, "space-separated use tags: chat coding reasoning vision embedding edge base (see registry.tsv)"},         {"pick", "pick", T_INT, REQ, "rank among the default candidates of each of its uses (lower first); 0: never chosen unnamed"},
    {"file", "config_json", T_FILETEXT, REQ, "the file's text"}, {NULL, NULL, T_STR, OPT, NULL},
};
static const colspec api_cols[] = {
    {"", "qname", T_QNAME, REQ, "module + \".\" + name, the sort key"},          {"module", "module", T_STR, REQ, NULL},
    {"name", "name", T_STR, REQ, NULL},         {"kind", "kind", T_STR, REQ, "function, class, method, attribute, module"},
    {"signature", "signature", T_STR, OPT, NULL}, {"source", "source", T_STR, OPT, "path in the MLX or MLX-LM repository"},
    {"notes", "notes", T_STR, OPT, NULL},       {"notes", "replaced_by", T_REPLACED_BY, OPT, "deprecated: the qualified name to use instead (from the notes' \"use X\"); \"\" when not deprecated"},
    {NULL, NULL, T_STR, OPT, NULL},
};
static const colspec cli_cols[] = {
    {"command", "command", T_STR, REQ, "\"mlx_lm.lora\""}, {"flag", "flag", T_STR, REQ, "\"--num-layers\", \"(command)\" for the command row"},
    {"aliases", "aliases", T_STR, OPT, NULL}, {"type", "type", T_STR, OPT, NULL},
    {"default", "dflt", T_STR, OPT, NULL},    {"choices", "choices", T_STR, OPT, NULL},
    {"action_nargs", "nargs", T_STR, OPT, NULL}, {"required", "required", T_STR, OPT, NULL},
    {"gist", "gist", T_STR, OPT, NULL},       {"notes", "notes", T_STR, OPT, NULL},
    {"source", "source", T_STR, OPT, NULL},   {NULL, NULL, T_STR, OPT, NULL},
};
static const colspec lora_cols[] = {
    {"key", "key", T_STR, REQ, NULL},       {"type", "type", T_STR, REQ, NULL},
    {"default", "dflt", T_STR, OPT, NULL},  {"cli_flag", "cli_flag", T_STR, OPT, NULL},
    {"gist", "gist", T_STR, OPT, NULL},     {"source", "source", T_STR, REQ, NULL},
    {NULL, NULL, T_STR, OPT, NULL},
};
static const colspec format_cols[] = {
    {"format", "format", T_STR, REQ, NULL},
    {"required_json_keys", "required_keys", T_STR, REQ, NULL},
    {"optional_json_keys", "optional_keys", T_STR, OPT, NULL},
    {"rename_via_yaml", "rename_key", T_STR, OPT, NULL},
    {"mask_prompt", "mask_prompt", T_STR, OPT, NULL},
    {"dataset_class", "dataset_class", T_STR, OPT, NULL},
    {"notes", "notes", T_STR, OPT, NULL},
    {"source", "source", T_STR, REQ, NULL},
    {NULL, NULL, T_STR, OPT, NULL},
};
static const colspec model_type_cols[] = {
    {"name", "name", T_STR, REQ, NULL},
    {NULL, NULL, T_STR, OPT, NULL},
};
static const colspec model_alias_cols[] = {
    {"config_model_type", "config_type", T_STR, REQ, NULL},
    {"loaded_module", "module", T_STR, REQ, NULL},
    {"source", "source", T_STR, REQ, NULL},
    {NULL, NULL, T_STR, OPT, NULL},
};
static const colspec practice_cols[] = {
    {"id", "id", T_STR, REQ, "\"LAZY-001\""},       {"topic", "topic", T_STR, REQ, NULL},
    {"rule", "rule", T_STR, REQ, NULL},   {"why", "why", T_STR, REQ, NULL},
    {"names", "names", T_STR, OPT, "comma-separated qualified names"}, {"source", "source", T_STR, REQ, "\"mlx:docs/...\" or \"mlx-lm:mlx_lm/...\""},
    {NULL, NULL, T_STR, OPT, NULL},
};
static const colspec feature_cols[] = {
    {"feature", "feature", T_STR, REQ, NULL}, {"package", "package", T_STR, REQ, "\"mlx\" or \"mlx-lm\""},
    {"version", "version", T_STR, OPT, "first release tag containing it, \"v0.24.1\""}, {"date", "date", T_STR, OPT, NULL},
    {"commit", "commit", T_STR, REQ, NULL},   {"names", "names", T_STR, OPT, "comma-separated qualified names, may be \"\""},
    {NULL, NULL, T_STR, OPT, NULL},
};
static const colspec version_cols[] = {
    {"key", "key", T_STR, REQ, NULL},
    {"value", "value", T_STR, REQ, NULL},
    {"source", "source", T_STR, REQ, NULL},
    {NULL, NULL, T_STR, OPT, NULL},
};
static const colspec calib_cols[] = {
    {"id", "id", T_STR, REQ, NULL},
    {"kind", "kind", T_STR, REQ, "decode, prefill, ttft, lora"},
    {"model_config", "model_config", T_STR, OPT, "file name under data/models/configs, may be \"\""},
    {"hf_id_as_measured", "hf_id", T_STR, OPT, NULL},
    {"quant_mode", "quant_mode", T_STR, OPT, "bf16, fp16, affine, mxfp4, ... or \"\""},
    {"bits", "bits", T_DBL, OPT, NULL},
    {"group_size", "group_size", T_DBL, OPT, NULL},
    {"chip", "chip", T_STR, OPT, "full chip name or \"\""},
    {"chip_certain", "chip_certain", T_STR, OPT, NULL},
    {"memory_gb", "memory_gb", T_DBL, OPT, NULL},
    {"prompt_tokens", "prompt_tokens", T_DBL, OPT, NULL},
    {"gen_tokens", "gen_tokens", T_DBL, OPT, NULL},
    {"measured_value", "value", T_DBL, REQ, NULL},
    {"unit", "unit", T_STR, REQ, "tok/s, s, it/s"},
    {"peak_mem_gb", "peak_mem_gb", T_DBL, OPT, "decimal GB as mlx reports it"},
    {"measurement", "measurement", T_STR, OPT, NULL},
    {"batch", "batch", T_DBL, OPT, NULL},
    {"lora_batch", "lora_batch", T_DBL, OPT, NULL},
    {"lora_seq_len", "lora_seq_len", T_DBL, OPT, NULL},
    {"lora_layers", "lora_layers", T_DBL, OPT, NULL},
    {"lora_rank", "lora_rank", T_DBL, OPT, NULL},
    {"runtime_version", "runtime", T_STR, OPT, NULL},
    {"source", "source", T_STR, REQ, NULL},
    {"notes", "notes", T_STR, OPT, NULL},
    {"notes", "not_wired", T_NOTE_FLAG, OPT,
     "the notes say \"NOT wired\": the model paged, outside what the estimator models"},
    {"notes", "superseded", T_NOTE_FLAG, OPT,
     "the notes say \"superseded\" by a later measurement of the same run"},
    {"notes", "max_kv_size", T_NOTE_INT, OPT,
     "the run's --max-kv-size (from the notes), 0 when none"},
    {"notes", "wikisql", T_NOTE_FLAG, OPT,
     "the notes name WikiSQL, mlx-lm's example LoRA data set"},
    {"notes", "experts_requantized", T_NOTE_FLAG, OPT,
     "the notes say \"experts requantized\": a checkpoint's published expert format replaced"},
    {"source_group", "source_group", T_STR, REQ, "the source, for leave-one-source-out validation"},
    {"use", "use", T_STR, REQ, "\"fit\", or \"validation\": never fitted"},
    {NULL, NULL, T_STR, OPT, NULL},
};

/* the files of a plan's project (data/plan/templates.tsv); the text is the
 * template file under data/plan/ */
static const colspec plan_file_cols[] = {
    {"template", "template_", T_STR, REQ, NULL}, {"flow", "flow", T_STR, REQ, NULL},
    {"path", "path", T_STR, REQ, NULL},         {"purpose", "purpose", T_STR, REQ, NULL},
    {"template", "text", T_PLANTEXT, REQ, NULL}, {NULL, NULL, T_STR, OPT, NULL},
};

static const colspec band_cols[] = {
    {"category", "category", T_STR, REQ, "\"decode/Max/dense\", \"prefill/M4\", \"memory\", ..."},
    {"rows", "rows", T_INT, REQ, NULL},
    {"median_pct", "median_pct", T_DBL, REQ, NULL},
    {"p90_pct", "p90_pct", T_DBL, REQ, NULL},
    {NULL, NULL, T_STR, OPT, NULL},
};

/* data/calibration/speed-constants.tsv, written by bench/fit_speed.c */
static const colspec speed_const_cols[] = {
    {"kind", "kind", T_STR, REQ, "decode, prefill, fit"},   {"term", "term", T_STR, REQ, "w_float, layer, ...; rows, hash, date"},
    {"class", "class_", T_STR, REQ, "M1..M5, Ampere.., apple, nvidia; \"-\" for the record"}, {"value", "value", T_DBL, REQ, NULL},
    {"unit", "unit", T_STR, REQ, NULL},   {"meaning", "meaning", T_STR, REQ, NULL},
    {NULL, NULL, T_STR, OPT, NULL},
};

/* data/calibration/speed-priors.tsv: priors of the speed constants */
static const colspec speed_prior_cols[] = {
    {"kind", "kind", T_STR, REQ, "decode, prefill"},  {"term", "term", T_STR, REQ, "mm_float, ..."},
    {"class", "class_", T_STR, REQ, "a generation: M1..M5, Ampere, Ada, Hopper, Blackwell"},
    {"value", "value", T_DBL, REQ, NULL},
    {"rows", "rows", T_DBL, REQ, "weight, in rows of average weight"},
    {"source", "source", T_STR, REQ, NULL},
    {"source_group", "source_group", T_STR, REQ, "dropped with its source's rows in leave-one-source-out"},
    {"notes", "notes", T_STR, REQ, "the quoted figure and the arithmetic"},
    {NULL, NULL, T_STR, OPT, NULL},
};

static const tablespec tables[] = {
    {{"hw/apple-silicon.tsv"}, "mp_apple_row", "mp_apple_rows", apple_cols, 0, -1, false, false,
     "data/hw/apple-silicon.tsv"},
    {{"hw/nvidia.tsv"}, "mp_nvidia_row", "mp_nvidia_rows", nvidia_cols, 0, -1, false, false,
     "data/hw/nvidia.tsv"},
    {{"models/registry.tsv"}, "mp_model_row", "mp_model_rows", model_cols, 0, -1, false, false,
     "data/models/registry.tsv + the config.json it names"},
    /* overloaded functions repeat a name with another signature */
    {{"mlx/mlx-api.tsv", "mlx/mlx-lm-api.tsv"}, "mp_api_row", "mp_api_rows", api_cols, 0, 4,
     true, false,
     "data/mlx/mlx-api.tsv and data/mlx/mlx-lm-api.tsv, sorted by qname"},
    {{"mlx/mlx-lm-cli.tsv"}, "mp_cli_row", "mp_cli_rows", cli_cols, 0, 1, true, false,
     "data/mlx/mlx-lm-cli.tsv, sorted by (command, flag)"},
    {{"mlx/mlx-lm-lora-config.tsv"}, "mp_lora_key_row", "mp_lora_key_rows", lora_cols, 0, -1,
     false, false,
     "data/mlx/mlx-lm-lora-config.tsv"},
    {{"mlx/mlx-lm-data-formats.tsv"}, "mp_format_row", "mp_format_rows", format_cols, 0, -1,
     false, false,
     "data/mlx/mlx-lm-data-formats.tsv"},
    {{"mlx/mlx-lm-models.txt"}, "mp_model_type_row", "mp_model_type_rows", model_type_cols, 0,
     -1, true, true,
     "data/mlx/mlx-lm-models.txt (one model_type per line)"},
    {{"mlx/mlx-lm-make-cache.txt"}, "mp_model_type_row", "mp_make_cache_rows", model_type_cols, 0,
     -1, true, true,
     "data/mlx/mlx-lm-make-cache.txt"},
    {{"mlx/mlx-lm-model-aliases.tsv"}, "mp_model_alias_row", "mp_model_alias_rows",
     model_alias_cols, 0, -1, false, false,
     "data/mlx/mlx-lm-model-aliases.tsv"},
    {{"mlx/practices.tsv"}, "mp_practice_row", "mp_practice_rows", practice_cols, 0, -1, false,
     false,
     "data/mlx/practices.tsv"},
    {{"mlx/features.tsv"}, "mp_feature_row", "mp_feature_rows", feature_cols, -1, -1, false,
     false,
     "data/mlx/features.tsv: when a feature arrived"},
    {{"mlx/versions.tsv"}, "mp_version_row", "mp_version_rows", version_cols, 0, -1, false,
     false,
     "data/mlx/versions.tsv: key/value facts about the described versions"},
    {{"calibration/error-bands.tsv"}, "mp_band_row", "mp_band_rows", band_cols, 0, -1, false,
     false,
     "data/calibration/error-bands.tsv"},
    {{"calibration/mlx-eval.tsv", "calibration/mlx-eval-2.tsv", "calibration/mlx-cuda-h100.tsv",
      "calibration/mlx-cuda-h100-2.tsv", "calibration/mlx-public.tsv"},
     "mp_calib_row", "mp_calib_rows", calib_cols, 0, -1, false,
     false,
     "data/calibration/mlx-eval.tsv, mlx-eval-2.tsv, mlx-cuda-h100.tsv, mlx-cuda-h100-2.tsv, "
     "mlx-public.tsv"},
    {{"calibration/speed-priors.tsv"}, "mp_speed_prior_row", "mp_speed_prior_rows",
     speed_prior_cols, -1, -1, false, false,
     "data/calibration/speed-priors.tsv: priors of the speed constants, each with its source"},
    {{"calibration/speed-constants.tsv"}, "mp_speed_const_row", "mp_speed_const_rows",
     speed_const_cols, -1, -1, false, false,
     "data/calibration/speed-constants.tsv: the speed model's fitted constants (engine/speed.h), and the fit's record (kind \"fit\": rows, hash, date)"},
    {{"plan/templates.tsv"}, "mp_plan_file_row", "mp_plan_file_rows", plan_file_cols, 0, -1,
     false, false,
     "A file of a plan's project: data/plan/templates.tsv with the template's text (placeholders @NAME@, filled by plan/template.h)."},
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

/* The first place `phrase` stands in `s`, in any case (ASCII), or NULL. */
static const char *find_phrase(const char *s, const char *phrase)
{
    size_t n = strlen(phrase);
    for (; *s; s++) {
        size_t k = 0;
        while (k < n && s[k] && tolower((unsigned char)s[k]) == tolower((unsigned char)phrase[k]))
            k++;
        if (k == n)
            return s;
    }
    return NULL;
}

/* The phrase of note field `field` (note_phrases); dies when it has none. */
static const char *note_phrase(const char *field)
{
    for (size_t i = 0; i < sizeof note_phrases / sizeof note_phrases[0]; i++)
        if (strcmp(note_phrases[i][0], field) == 0)
            return note_phrases[i][1];
    die("gen.c: the notes field '%s' has no phrase in note_phrases", field);
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
        for (size_t i = 0; i < N_TIERS; i++)
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
    case T_NOTE_FLAG:
        return xstrdup(find_phrase(cell, note_phrase(c->field)) ? "true" : "false");
    case T_NOTE_INT: {
        const char *phrase = note_phrase(c->field), *at = find_phrase(cell, phrase);
        long long v = 0;
        if (at) {
            const char *num = at + strlen(phrase);
            char *end;
            errno = 0;
            v = strtoll(num, &end, 10);
            if (end == num || errno || v < 1 || v > 1000000000)
                die("%s:%d: column '%s' needs a whole number after '%s', got '%s'", file, line,
                    c->column, phrase, cell);
        }
        snprintf(buf, sizeof buf, "%lld", v);
        return xstrdup(buf);
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
    for (int i = 0; i < MAX_TABLE_FILES && t->files[i]; i++)
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

/* The C type of a column's field in the header. */
static const char *c_type(enum ctype t)
{
    switch (t) {
    case T_INT:
    case T_NOTE_INT: return "int";
    case T_DBL: return "double";
    case T_BOOL:
    case T_NOTE_FLAG: return "bool";
    case T_MEMLIST: return "mp_mem_options";
    case T_TIER: return "mp_apple_tier";
    default: return "const char *";
    }
}

/* The header of the row types: the typed values, one struct per row type
 * (in table order; a type shared by two tables once), the arrays. */
static void emit_header(FILE *out)
{
    fputs("/* Generated by tools/gen/gen.c (its column specs) - do not edit.\n"
          " *\n"
          " * Row types of the compiled-in knowledge tables, one array of them per\n"
          " * data file in kb_tables.c.  String fields are never NULL (\"\" when the cell\n"
          " * is empty); numeric fields that may be unknown are double and hold NAN\n"
          " * when the cell is empty.  Facts written as text in a cell are typed: a\n"
          " * chip's memory sizes (mp_mem_options), its tier (mp_apple_tier), an API\n"
          " * name's replacement when deprecated (replaced_by), the facts of a\n"
          " * measurement's notes (not_wired, superseded, max_kv_size, wikisql,\n"
          " * experts_requantized). */\n"
          "#ifndef MP_KB_TABLES_GEN_H\n#define MP_KB_TABLES_GEN_H\n\n"
          "#include <stdbool.h>\n#include <stddef.h>\n\n"
          "/* The memory sizes a chip is sold with, in GB: each one offered, or with\n"
          " * `range` the published [gb[0], gb[1]]. */\n",
          out);
    fprintf(out, "#define MP_MEM_OPTIONS_MAX %d\n", MEM_OPTIONS_MAX);
    fputs("typedef struct mp_mem_options {\n"
          "    int gb[MP_MEM_OPTIONS_MAX]; /* ascending */\n"
          "    int n;\n"
          "    bool range;\n"
          "} mp_mem_options;\n\n"
          "/* An Apple chip's tier; mp_apple_tier_names[t] is its word in the data. */\n"
          "typedef enum mp_apple_tier {\n",
          out);
    for (size_t i = 0; i < N_TIERS; i++)
        fprintf(out, "    %s,\n", tiers[i][1]);
    fputs("} mp_apple_tier;\n", out);
    fprintf(out, "extern const char *const mp_apple_tier_names[%zu];\n", N_TIERS);
    size_t nt = sizeof tables / sizeof tables[0];
    for (size_t i = 0; i < nt; i++) {
        const tablespec *t = &tables[i];
        bool seen = false;
        for (size_t k = 0; k < i; k++)
            seen = seen || strcmp(tables[k].row_type, t->row_type) == 0;
        if (seen)
            continue;
        fprintf(out, "\n/* %s */\ntypedef struct %s {\n", t->doc, t->row_type);
        for (const colspec *c = t->cols; c->field; c++) {
            const char *ty = c_type(c->type);
            bool ptr = ty[strlen(ty) - 1] == '*';
            if (c->doc)
                fprintf(out, "    %s%s%s; /* %s */\n", ty, ptr ? "" : " ", c->field, c->doc);
            else
                fprintf(out, "    %s%s%s;\n", ty, ptr ? "" : " ", c->field);
        }
        fprintf(out, "} %s;\n", t->row_type);
    }
    fputs("\n", out);
    for (size_t i = 0; i < nt; i++)
        fprintf(out, "/* %s */\nextern const %s %s[];\nextern const size_t %s_len;\n",
                tables[i].doc, tables[i].row_type, tables[i].array, tables[i].array);
    fputs("\n#endif\n", out);
}

/* Whether the files `a` and `b` hold the same bytes. */
static bool same_file(const char *a, const char *b)
{
    size_t na, nb;
    FILE *f = fopen(b, "rb");
    if (!f)
        return false;
    fclose(f);
    char *x = read_all(a, &na), *y = read_all(b, &nb);
    bool same = na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

/* Write `path` through a temporary file and a rename, so a failed run leaves
 * no half file; `emit` writes the text.  With `keep_same`, a file that would
 * not change is left as it is (the header: its users are not rebuilt when
 * only the data changed). */
static void write_file(const char *path, void (*emit)(FILE *), bool keep_same)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (!out)
        die("cannot write %s: %s", tmp, strerror(errno));
    emit(out);
    if (fclose(out) != 0)
        die("cannot write %s", tmp);
    if (keep_same && same_file(tmp, path)) {
        remove(tmp);
        return;
    }
    if (rename(tmp, path) != 0)
        die("cannot rename %s: %s", tmp, strerror(errno));
}

static void emit_tables(FILE *out)
{
    fputs("/* Generated by tools/gen/gen.c from data/ - do not edit. */\n"
          "#include <math.h>\n#include \"kb/tables.h\"\n",
          out);
    fprintf(out, "\nconst char *const mp_apple_tier_names[%zu] = {", N_TIERS);
    for (size_t i = 0; i < N_TIERS; i++)
        fprintf(out, "%s\"%s\"", i ? ", " : "", tiers[i][0]);
    fputs("};\n", out);
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        emit_table(out, &tables[i]);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mlxplan-gen DATA_DIR OUT.c OUT.h\n");
        return 2;
    }
    g_data_dir = argv[1];
    write_file(argv[3], emit_header, true);
    write_file(argv[2], emit_tables, false);
    return 0;
}
