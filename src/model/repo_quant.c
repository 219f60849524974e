/*
 * repo_quant.c - MLX conversions of registry models read from their repo
 * names, offline: "mlx-community/Qwen3-8B-4bit" is Qwen/Qwen3-8B as
 * mlx_lm.convert -q writes it (affine 4-bit, group 64), "Qwen/Qwen3-8B-MLX-bf16"
 * the same weights in bfloat16.  See registry.h (mp_repo_quant_read).
 *
 * The naming facts (mlx-community model cards; mlx-lm defaults in
 * data/mlx/mlx-lm-cli.tsv): the repo name is the base repo's name followed by
 * the format: "-4bit" / "-8bit" / "-3bit" / "-6bit" ... (affine at that width,
 * mlx_lm.convert's --q-group-size default 64), "-bf16" / "-fp16" (float),
 * "-mxfp4" / "-nvfp4" / "-mxfp8" (MLX's fp modes at their group size),
 * "-4bit-DWQ" and "-4bit-AWQ" (mlx_lm.dwq / mlx_lm.awq output, same storage
 * format, default 4-bit group 64), a "-Q8" after "-MXFP4" (gpt-oss: the
 * published mxfp4 experts kept, the rest at 8 bits) and a date stamp after a
 * DWQ tag ("-4bit-DWQ-053125").  "-qat" (gemma-3 quantization-aware
 * trained weights) has the base's shapes.
 */
#include "model/registry.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/quant.h"
#include "util/text.h"

#define MAX_PARTS 24

/* One dash-separated part of a repo name, and what it says. */
typedef enum part_kind {
    P_NONE,    /* not a format word: part of the base name */
    P_BITS,    /* "4bit", "8bits", "q4": affine at that width */
    P_FLOAT,   /* "bf16", "fp16", "float16", "bfloat16", "fp32" */
    P_FPMODE,  /* "mxfp4", "nvfp4", "mxfp8" */
    P_TRAINED, /* "DWQ", "AWQ": a calibrated quantization, same storage */
    P_MLX,     /* "MLX": says it is a conversion */
    P_DATE,    /* digits only, after a format word */
} part_kind;

static bool lower_eq(const char *s, size_t n, const char *lit)
{
    if (strlen(lit) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != lit[i])
            return false;
    return true;
}

/* Classify part `s` (length n); fills *bits, *mode or *dtype for the kinds
 * that carry them. */
static part_kind classify(const char *s, size_t n, int *bits, mp_qmode *mode, mp_dtype *dtype)
{
    if (n == 0)
        return P_NONE;
    /* "4bit", "4bits" */
    if (isdigit((unsigned char)s[0]) && n >= 4 && (lower_eq(s + 1, n - 1, "bit") ||
                                                    lower_eq(s + 1, n - 1, "bits"))) {
        *bits = s[0] - '0';
        return *bits >= 2 && *bits <= 8 ? P_BITS : P_NONE;
    }
    /* "q4", "Q8" */
    if (n == 2 && (s[0] == 'q' || s[0] == 'Q') && isdigit((unsigned char)s[1])) {
        *bits = s[1] - '0';
        return *bits >= 2 && *bits <= 8 ? P_BITS : P_NONE;
    }
    static const struct {
        const char *w;
        mp_dtype dt;
    } floats[] = {{"bf16", MP_DT_BF16}, {"bfloat16", MP_DT_BF16}, {"fp16", MP_DT_F16},
                  {"float16", MP_DT_F16}, {"fp32", MP_DT_F32}, {"float32", MP_DT_F32}};
    for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++)
        if (lower_eq(s, n, floats[i].w)) {
            *dtype = floats[i].dt;
            return P_FLOAT;
        }
    static const struct {
        const char *w;
        mp_qmode m;
    } modes[] = {{"mxfp4", MP_Q_MXFP4}, {"nvfp4", MP_Q_NVFP4}, {"mxfp8", MP_Q_MXFP8}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (lower_eq(s, n, modes[i].w)) {
            *mode = modes[i].m;
            return P_FPMODE;
        }
    if (lower_eq(s, n, "dwq") || lower_eq(s, n, "awq"))
        return P_TRAINED;
    if (lower_eq(s, n, "mlx"))
        return P_MLX;
    bool digits = true;
    for (size_t i = 0; i < n; i++)
        digits = digits && isdigit((unsigned char)s[i]);
    return digits && n >= 4 ? P_DATE : P_NONE;
}

int mp_repo_quant_read(const char *name, mp_repo_quant *out)
{
    memset(out, 0, sizeof *out);
    if (!name || strlen(name) > MP_MODEL_NAME_MAX)
        return MP_ENOTFOUND;
    const char *slash = strchr(name, '/');
    if (!slash || strchr(slash + 1, '/'))
        return MP_ENOTFOUND;
    bool community = (size_t)(slash - name) == strlen("mlx-community") &&
                     lower_eq(name, strlen("mlx-community"), "mlx-community");
    const char *repo = slash + 1;
    /* split into parts */
    const char *part[MAX_PARTS];
    size_t plen[MAX_PARTS];
    int np = 0;
    for (const char *p = repo; *p && np < MAX_PARTS;) {
        size_t k = strcspn(p, "-");
        part[np] = p;
        plen[np++] = k;
        p += k;
        if (*p == '-')
            p++;
    }
    /* strip format parts from the end */
    int bits = 0, end = np;
    mp_qmode fpmode = MP_Q_FLOAT;
    mp_dtype dtype = MP_DT_BF16;
    bool have_bits = false, have_float = false, have_fp = false, trained = false, mlx = false;
    bool qat = false, format_seen = false;
    const char *trained_word = "";
    while (end > 1) {
        int b = 0;
        mp_qmode m = MP_Q_FLOAT;
        mp_dtype d = MP_DT_BF16;
        part_kind k = classify(part[end - 1], plen[end - 1], &b, &m, &d);
        if (k == P_NONE)
            break;
        if (k == P_DATE && format_seen)
            break; /* a date stamp comes only after a format word */
        switch (k) {
        case P_BITS:
            if (!have_bits)
                bits = b;
            have_bits = true;
            break;
        case P_FLOAT: have_float = true; dtype = d; break;
        case P_FPMODE: have_fp = true; fpmode = m; break;
        case P_TRAINED:
            trained = true;
            trained_word = lower_eq(part[end - 1], plen[end - 1], "dwq") ? "DWQ" : "AWQ";
            break;
        case P_MLX: mlx = true; break;
        default: break;
        }
        if (k != P_DATE)
            format_seen = true;
        end--;
    }
    /* a "-qat" before the format: gemma-3's quantization-aware trained weights */
    if (end > 1 && lower_eq(part[end - 1], plen[end - 1], "qat") && format_seen) {
        qat = true;
        end--;
    }
    if (!community && !mlx)
        return MP_ENOTFOUND;
    if (end == np && !community)
        return MP_ENOTFOUND;
    if (end < np && !format_seen)
        return MP_ENOTFOUND; /* only a date: no format said */
    size_t base_len = end < np ? (size_t)(part[end] - repo) - 1 : strlen(repo);
    if (base_len == 0 || base_len >= sizeof out->base_name)
        return MP_ENOTFOUND;
    memcpy(out->base_name, repo, base_len);
    out->base_name[base_len] = '\0';
    out->base = mp_registry_find(out->base_name);

    /* the format, and where each width came from */
    const char *basis = "";
    if (have_bits) {
        out->quantized = true;
        out->q = (mp_quant){MP_Q_AFFINE, bits, 64, MP_RECIPE_NONE, MP_DT_BF16};
        basis = " (group 64 is mlx_lm.convert's default: the name gives none)";
    } else if (have_fp) {
        int g, b;
        mp_quant_defaults(fpmode, &g, &b);
        out->quantized = true;
        out->q = (mp_quant){fpmode, b, g, MP_RECIPE_NONE, MP_DT_BF16};
    } else if (trained) {
        out->quantized = true;
        out->q = (mp_quant){MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, MP_DT_BF16};
        basis = trained_word[0] == 'D' ? " (the defaults of mlx_lm.dwq: the name gives no width)"
                                       : " (the defaults of mlx_lm.awq: the name gives no width)";
    } else if (have_float) {
        out->float_given = true;
        out->dtype = dtype;
    } else {
        basis = " (the name gives no format)";
    }
    if (out->quantized)
        mp_quant_label(&out->q, out->format, sizeof out->format);
    else if (out->float_given)
        snprintf(out->format, sizeof out->format, "%s", mp_dtype_name(dtype));
    else
        snprintf(out->format, sizeof out->format, "its float dtype");
    char dwq[96] = "";
    if (trained)
        snprintf(dwq, sizeof dwq, "; %s calibrates the scales, the storage is the same",
                 trained_word);
    snprintf(out->why, sizeof out->why, "read from the repo name as %s converted to %s%s%s%s%s",
             out->base ? out->base->id : out->base_name, out->format, basis, dwq,
             have_fp && have_bits ? "; the published mxfp4 experts stay mxfp4" : "",
             qat ? "; quantization-aware-trained weights of the same shapes" : "");
    return 0;
}

int mp_repo_quant_arch(const char *name, const mp_repo_quant *r, mp_arch *a, mp_error *err)
{
    memset(a, 0, sizeof *a);
    if (!r->base)
        return mp_error_set(err, MP_ENOTFOUND, "'%.120s': its base '%.120s' is not in the "
                            "registry", name, r->base_name);
    cJSON *root = cJSON_Parse(r->base->config_json);
    if (!root)
        return mp_error_set(err, MP_EPARSE, "%s: registry config.json is not valid JSON",
                            r->base->id);
    /* an FP8 checkpoint is dequantized by the conversion: its block goes */
    cJSON *qc = cJSON_GetObjectItemCaseSensitive(root, "quantization_config");
    cJSON *qm = qc ? cJSON_GetObjectItemCaseSensitive(qc, "quant_method") : NULL;
    if (cJSON_IsString(qm) && strcmp(qm->valuestring, "fp8") == 0)
        cJSON_DeleteItemFromObjectCaseSensitive(root, "quantization_config");
    bool ok = true;
    if (r->float_given) {
        cJSON_DeleteItemFromObjectCaseSensitive(root, "dtype");
        cJSON_DeleteItemFromObjectCaseSensitive(root, "torch_dtype");
        ok = cJSON_AddStringToObject(root, "torch_dtype", mp_dtype_name(r->dtype)) != NULL;
    }
    if (r->quantized && ok) {
        /* what mlx_lm.convert records: group_size, bits, mode */
        static const char *const modes[] = {"float", "affine", "mxfp4", "nvfp4", "mxfp8"};
        cJSON *q = cJSON_CreateObject();
        ok = q && cJSON_AddNumberToObject(q, "group_size", r->q.group) &&
             cJSON_AddNumberToObject(q, "bits", r->q.bits) &&
             cJSON_AddStringToObject(q, "mode", modes[r->q.mode]);
        cJSON_DeleteItemFromObjectCaseSensitive(root, "quantization");
        if (ok)
            cJSON_AddItemToObject(root, "quantization", q);
        else
            cJSON_Delete(q);
    }
    char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    int rc = mp_arch_from_json(text, strlen(text), name, a, err);
    cJSON_free(text);
    return rc;
}
