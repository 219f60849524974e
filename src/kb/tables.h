/*
 * tables.h - row types of the compiled-in knowledge tables.
 *
 * The reviewed data files under data/ are the source of every fact.  At build
 * time tools/gen/gen.c reads them, checks them (column types, unique keys) and
 * writes kb_tables.c: one `static const` array of these rows per file, in the
 * file's order, except the API and CLI tables, which are sorted by their key
 * so that exact look-ups are binary searches.  Nothing here is hand-edited.
 *
 * String fields are never NULL ("" when the cell is empty).  Numeric fields
 * that may be unknown are double and hold NAN when the cell is empty.  Facts
 * written as text in a cell are typed here, converted and checked by the
 * generator: a chip's memory sizes (mp_mem_options), its tier
 * (mp_apple_tier), an API name's replacement when deprecated (replaced_by).
 */
#ifndef MP_KB_TABLES_H
#define MP_KB_TABLES_H

#include <stdbool.h>
#include <stddef.h>

/* The memory sizes a chip is sold with, in GB: each one offered, or with
 * `range` the published [gb[0], gb[1]]. */
#define MP_MEM_OPTIONS_MAX 8
typedef struct mp_mem_options {
    int gb[MP_MEM_OPTIONS_MAX]; /* ascending */
    int n;
    bool range;
} mp_mem_options;

typedef enum mp_apple_tier {
    MP_APPLE_TIER_BASE,
    MP_APPLE_TIER_PRO,
    MP_APPLE_TIER_MAX,
    MP_APPLE_TIER_ULTRA,
} mp_apple_tier;

/* data/hw/apple-silicon.tsv */
typedef struct mp_apple_row {
    const char *name;        /* "M3 Max (14-core CPU / 30-core GPU)" */
    const char *family;      /* "M3" */
    mp_apple_tier tier;      /* the cell "base", "Pro", "Max", "Ultra" */
    int cpu_p, cpu_e;        /* 0 when not published */
    int gpu_cores;
    mp_mem_options memory_gb; /* the cell "36,96" or "24-64" */
    double bandwidth_gbs;
    double fp32_tflops;      /* NAN when not published */
    bool neural_accel;       /* matmul units in every GPU core (M5) */
    int year;
    bool provisional;
    const char *source;
} mp_apple_row;

/* data/hw/nvidia.tsv */
typedef struct mp_nvidia_row {
    const char *name;
    const char *arch;        /* Ampere, Ada, Hopper, Blackwell */
    double memory_gb;
    double bandwidth_gbs;
    double bf16_tflops;      /* NAN when not published */
    double fp32_tflops;      /* NAN when not published */
    bool approx;
    bool unified;
    const char *source;
} mp_nvidia_row;

/* data/models/registry.tsv + the config.json it names */
typedef struct mp_model_row {
    const char *id;          /* Hugging Face id */
    const char *file;        /* configs/<file> */
    const char *family;
    const char *aliases;     /* space-separated other ids */
    const char *use;         /* space-separated use tags: chat coding reasoning vision
                              * embedding edge base (see registry.tsv) */
    int pick;                /* rank among the default candidates of each of its uses
                              * (lower first); 0: never chosen unnamed */
    const char *config_json; /* the file's text */
} mp_model_row;

/* data/mlx/mlx-api.tsv and data/mlx/mlx-lm-api.tsv, sorted by qname */
typedef struct mp_api_row {
    const char *qname;       /* module + "." + name, the sort key */
    const char *module;
    const char *name;
    const char *kind;        /* function, class, method, attribute, module */
    const char *signature;
    const char *source;      /* path in the MLX or MLX-LM repository */
    const char *notes;
    const char *replaced_by; /* deprecated: the qualified name to use instead
                              * (from the notes' "use X"); "" when not deprecated */
} mp_api_row;

/* data/mlx/mlx-lm-cli.tsv, sorted by (command, flag) */
typedef struct mp_cli_row {
    const char *command;     /* "mlx_lm.lora" */
    const char *flag;        /* "--num-layers", "(command)" for the command row */
    const char *aliases;
    const char *type;
    const char *dflt;
    const char *choices;
    const char *nargs;
    const char *required;
    const char *gist;
    const char *notes;
    const char *source;
} mp_cli_row;

/* data/mlx/mlx-lm-lora-config.tsv */
typedef struct mp_lora_key_row {
    const char *key;
    const char *type;
    const char *dflt;
    const char *cli_flag;
    const char *gist;
    const char *source;
} mp_lora_key_row;

/* data/mlx/mlx-lm-data-formats.tsv */
typedef struct mp_format_row {
    const char *format;
    const char *required_keys;
    const char *optional_keys;
    const char *rename_key;
    const char *mask_prompt;
    const char *dataset_class;
    const char *notes;
    const char *source;
} mp_format_row;

/* data/mlx/mlx-lm-models.txt (one model_type per line) */
typedef struct mp_model_type_row {
    const char *name;
} mp_model_type_row;

/* data/mlx/mlx-lm-model-aliases.tsv */
typedef struct mp_model_alias_row {
    const char *config_type;
    const char *module;
    const char *source;
} mp_model_alias_row;

/* data/mlx/practices.tsv */
typedef struct mp_practice_row {
    const char *id;          /* "LAZY-001" */
    const char *topic;
    const char *rule;
    const char *why;
    const char *names;       /* comma-separated qualified names */
    const char *source;      /* "mlx:docs/..." or "mlx-lm:mlx_lm/..." */
} mp_practice_row;

/* data/mlx/features.tsv: when a feature arrived */
typedef struct mp_feature_row {
    const char *feature;
    const char *package;     /* "mlx" or "mlx-lm" */
    const char *version;     /* first release tag containing it, "v0.24.1" */
    const char *date;
    const char *commit;
    const char *names;       /* comma-separated qualified names, may be "" */
} mp_feature_row;

/* data/mlx/versions.tsv: key/value facts about the described versions */
typedef struct mp_version_row {
    const char *key;
    const char *value;
    const char *source;
} mp_version_row;

/* data/calibration/mlx-eval.tsv, mlx-eval-2.tsv, mlx-cuda-h100.tsv */
typedef struct mp_calib_row {
    const char *id;
    const char *kind;            /* decode, prefill, ttft, lora */
    const char *model_config;    /* file name under data/models/configs, may be "" */
    const char *hf_id;
    const char *quant_mode;      /* bf16, fp16, affine, mxfp4, ... or "" */
    double bits;
    double group_size;
    const char *chip;            /* full chip name or "" */
    const char *chip_certain;
    double memory_gb;
    double prompt_tokens;
    double gen_tokens;
    double value;
    const char *unit;            /* tok/s, s, it/s */
    double peak_mem_gb;          /* decimal GB as mlx reports it */
    const char *measurement;
    double batch;
    double lora_batch;
    double lora_seq_len;
    double lora_layers;
    double lora_rank;
    const char *runtime;
    const char *source;
    const char *notes;
    const char *source_group;    /* the source, for leave-one-source-out validation */
    const char *use;             /* "fit", or "validation": never fitted */
} mp_calib_row;

/* data/calibration/error-bands.tsv */
typedef struct mp_band_row {
    const char *category;        /* "decode/Max/dense", "prefill/M4", "memory", ... */
    int rows;
    double median_pct, p90_pct;
} mp_band_row;

/* data/calibration/speed-constants.tsv: the speed model's fitted constants
 * (engine/speed.h), and the fit's record (kind "fit": rows, hash, date) */
typedef struct mp_speed_const_row {
    const char *kind;            /* decode, prefill, fit */
    const char *term;            /* w_float, layer, ...; rows, hash, date */
    const char *class_;          /* M1..M5, Ampere.., apple, nvidia; "-" for the record */
    double value;
    const char *unit, *meaning;
} mp_speed_const_row;

/* A file of a plan's project: data/plan/templates.tsv with the template's
 * text (placeholders @NAME@, filled by plan/template.h). */
typedef struct mp_plan_file_row {
    const char *template_, *flow, *path, *purpose, *text;
} mp_plan_file_row;

#define MP_TABLE(type, name)            \
    extern const type name[];           \
    extern const size_t name##_len;

MP_TABLE(mp_apple_row, mp_apple_rows)
MP_TABLE(mp_nvidia_row, mp_nvidia_rows)
MP_TABLE(mp_model_row, mp_model_rows)
MP_TABLE(mp_api_row, mp_api_rows)
MP_TABLE(mp_cli_row, mp_cli_rows)
MP_TABLE(mp_lora_key_row, mp_lora_key_rows)
MP_TABLE(mp_format_row, mp_format_rows)
MP_TABLE(mp_model_type_row, mp_model_type_rows)
MP_TABLE(mp_model_type_row, mp_make_cache_rows) /* data/mlx/mlx-lm-make-cache.txt */
MP_TABLE(mp_model_alias_row, mp_model_alias_rows)
MP_TABLE(mp_practice_row, mp_practice_rows)
MP_TABLE(mp_feature_row, mp_feature_rows)
MP_TABLE(mp_version_row, mp_version_rows)
MP_TABLE(mp_band_row, mp_band_rows)
MP_TABLE(mp_calib_row, mp_calib_rows)
MP_TABLE(mp_speed_const_row, mp_speed_const_rows)
MP_TABLE(mp_plan_file_row, mp_plan_file_rows)

#undef MP_TABLE

#endif
