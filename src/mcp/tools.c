/*
 * tools.c - the MCP tool table: names, descriptions and the JSON Schemas
 * of every tool's arguments and structured result.  See tools.h for the
 * contract and the checklist for wiring an engine in.
 *
 * Schemas are written with JSON(...), which turns its tokens into a string
 * literal, so they read as JSON; pieces shared by several schemas are
 * string literals joined by the compiler.  The server parses each once at
 * start and refuses to start on a keyword the validator does not know.
 * Every object accepts only its declared keys (additionalProperties:
 * false), in arguments and in results alike.
 */
#include "mcp/tools.h"

#include "kb/param.h"

#define JSON(...) #__VA_ARGS__

/* ---- shared pieces ------------------------------------------------------- */

/* Every argument of every tool is a row of the parameter table
 * (kb/params.def): the server adds the rows of a tool's `params` bit to the
 * empty "properties" of its input schema at start.  Here are the results. */

#define TASK_ENUM JSON(["inference", "lora", "dora", "qlora", "full", "pretrain"])

/* Output pieces.  Figures are numbers or null: the renderers write a
 * non-finite value as null rather than fail. */
#define NUM JSON({"type": ["number", "null"]})
#define INT JSON({"type": "integer"})
#define STR JSON({"type": "string"})
#define BOOL JSON({"type": "boolean"})
#define STR_OR_NULL JSON({"type": ["string", "null"]})
#define STRINGS JSON({"type": "array", "items": {"type": "string"}})
#define OBJ(props, required)                                                           \
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {" props   \
    "}, \"required\": [" required "]}"
#define ARRAY_OF(item) "{\"type\": \"array\", \"items\": " item "}"
/* An estimate's verdict (mp_verdict_name). */
#define VERDICT JSON({"type": "string", "enum": ["fits", "tight", "does not fit"]})
/* What a checkpoint's safetensors hold (mp_ckpt_json), or null. */
#define CKPT                                                                           \
    JSON({"type": ["object", "null"], "additionalProperties": false, "properties": {   \
        "basis": {"type": ["string", "null"]}, "tensor_bytes": {"type": ["number", "null"]}, \
        "file_bytes": {"type": ["number", "null"]}, "params": {"type": ["number", "null"]}, \
        "files": {"type": ["integer", "null"]}, "tensors": {"type": ["integer", "null"]}, \
        "note": {"type": ["string", "null"]}},                                         \
      "required": ["basis", "tensor_bytes", "file_bytes", "params", "files", "tensors", "note"]})

/* One chip as rendered by mp_render_chip_json (src/render/hw.c). */
#define CHIP_PROPS                                                                     \
    JSON("id": {"type": "string"}, "name": {"type": "string"},                         \
         "vendor": {"type": "string", "enum": ["apple", "nvidia"]},                    \
         "family": {"type": "string"}, "tier": {"type": ["string", "null"]},           \
         "gpu_cores": {"type": ["integer", "null"]},                                   \
         "cpu_performance_cores": {"type": ["integer", "null"]},                       \
         "cpu_efficiency_cores": {"type": ["integer", "null"]},                        \
         "memory_options_gb": {"type": "array", "items": {"type": "integer"}},         \
         "memory_is_range": {"type": "boolean"}, "bandwidth_gbs": {"type": "number"},  \
         "fp32_tflops": {"type": ["number", "null"]},                                  \
         "bf16_tflops": {"type": ["number", "null"]},                                  \
         "neural_accelerators": {"type": "boolean"}, "unified_memory": {"type": "boolean"}, \
         "provisional": {"type": "boolean"}, "year": {"type": ["integer", "null"]},    \
         "source": {"type": "string"})
#define CHIP_REQUIRED                                                                  \
    JSON("id", "name", "vendor", "family", "tier", "gpu_cores", "cpu_performance_cores", \
         "cpu_efficiency_cores", "memory_options_gb", "memory_is_range", "bandwidth_gbs", \
         "fp32_tflops", "bf16_tflops", "neural_accelerators", "unified_memory",        \
         "provisional", "year", "source")
#define CHIP_OBJECT(extra_type)                                                        \
    "{\"type\": " extra_type ", \"additionalProperties\": false, \"properties\": {"    \
    CHIP_PROPS "}, \"required\": [" CHIP_REQUIRED "]}"
#define BUDGET_OBJECT                                                                  \
    JSON({"type": "object", "additionalProperties": false,                             \
          "properties": {"memory_gb": {"type": "integer"}, "ram_bytes": {"type": "number"}, \
                         "gpu_default_bytes": {"type": "number"},                      \
                         "mlx_lm_warn_bytes": {"type": "number"},                      \
                         "gpu_max_bytes": {"type": "number"},                          \
                         "wired_limit_mb": {"type": "integer"}, "basis": {"type": "string"}}, \
          "required": ["memory_gb", "ram_bytes", "gpu_default_bytes", "mlx_lm_warn_bytes", \
                       "gpu_max_bytes", "basis"]})

/* ---- hardware ------------------------------------------------------------- */

/* Arguments: rows of the parameter table with C_HARDWARE. */
static const char hardware_in[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {}, "required": ["action"]});

static const char hardware_out[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    JSON("action": {"type": "string", "enum": ["list", "show", "detect"]},)
    "\"chips\": {\"type\": \"array\", \"items\": " CHIP_OBJECT("\"object\"") "},"
    "\"chip\": {\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    CHIP_PROPS ", \"budgets\": {\"type\": \"array\", \"items\": " BUDGET_OBJECT "}},"
    "\"required\": [" CHIP_REQUIRED ", \"budgets\"]},"
    "\"host\": {\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    JSON("os": {"type": "string"}, "cpu": {"type": ["string", "null"]},
         "cpu_performance_cores": {"type": ["integer", "null"]},
         "cpu_efficiency_cores": {"type": ["integer", "null"]},
         "gpu_cores": {"type": ["integer", "null"]}, "memory_gib": {"type": ["number", "null"]},
         "nvidia_gpu": {"type": ["string", "null"]}, "nvidia_memory_gib": {"type": "number"},
         "note": {"type": ["string", "null"]},
         "could_not_read": {"type": "array", "items": {"type": "string"}},)
    "\"chip\": " CHIP_OBJECT("[\"object\", \"null\"]") "},"
    JSON("required": ["os", "cpu", "cpu_performance_cores", "cpu_efficiency_cores",
                      "gpu_cores", "memory_gib", "nvidia_gpu", "chip", "note",
                      "could_not_read"]}},
         "required": ["action"]});

/* ---- plan ------------------------------------------------------------------ */

/* Arguments: rows of the parameter table with C_PLAN. */
static const char plan_in[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {}, "required": ["request"]});

/* A request field with where it came from (spec_json in render/plan.c). */
#define PROV JSON({"type": ["string", "null"], "enum": ["flag", "request", "journal", "detected", "assumed", null]})
#define SFIELD OBJ("\"value\": " STR_OR_NULL ", \"provenance\": " PROV ", \"evidence\": " STR_OR_NULL, \
                   JSON("value", "provenance", "evidence"))
#define NFIELD OBJ("\"value\": " NUM ", \"provenance\": " PROV ", \"evidence\": " STR_OR_NULL, \
                   JSON("value", "provenance", "evidence"))
#define INTENT_ENUM                                                                    \
    JSON({"type": "string", "enum": ["run", "fine-tune", "train from scratch", "optimize", \
                                      "quantize", "serve", "evaluate", "several Macs",   \
                                      "NVIDIA (CUDA)"]})
/* A key number of the plan (mp_doc_number); the names the planner uses. */
#define PLABEL JSON({"type": ["string", "null"], "enum": ["estimated", "calibrated", "measured", "input", null]})
#define PNUM OBJ("\"value\": " NUM ", \"unit\": " STR ", \"label\": " PLABEL ", \"basis\": " STR, \
             JSON("value", "unit", "label", "basis"))
/* A span of an item (render/plan.c item_json): {"text"}, {"strong"}, {"code"}
 * or a number {"value", "unit", "text"} with, for a key number, its "name",
 * "label" and "basis". */
#define PSPAN OBJ("\"text\": " STR ", \"strong\": " STR ", \"code\": " STR ", \"value\": " NUM ", " \
              "\"unit\": " STR_OR_NULL ", \"name\": " STR ", \"label\": " PLABEL ", " \
              "\"basis\": " STR, "")
#define PITEM OBJ("\"text\": " STR ", \"spans\": " ARRAY_OF(PSPAN), JSON("text", "spans"))
#define PLAN_NUMBERS                                                                   \
    "\"batch\": " PNUM ", \"context_tokens\": " PNUM ", \"decode_tok_s\": " PNUM ", "  \
    "\"decode_total_tok_s\": " PNUM ", \"expected_tok_s\": " PNUM ", "                  \
    "\"gpu_limit_bytes\": " PNUM ", \"kv_cache_bytes\": " PNUM ", "                      \
    "\"measured_tok_s\": " PNUM ", \"model_params\": " PNUM ", \"observed_tok_s\": " PNUM ", " \
    "\"prefill_tok_s\": " PNUM ", \"total_bytes\": " PNUM ", \"train_it_s\": " PNUM ", " \
    "\"train_tok_s\": " PNUM ", \"train_tokens\": " PNUM ", \"train_total_bytes\": " PNUM ", " \
    "\"train_total_s\": " PNUM ", \"trainable_params\": " PNUM ", \"ttft_batch_s\": " PNUM ", " \
    "\"ttft_s\": " PNUM ", \"weights_bytes\": " PNUM
#define PLAN_BLOCK                                                                     \
    JSON({"type": "object", "additionalProperties": false, "properties": {             \
        "kind": {"type": "string", "enum": ["paragraph", "bullets", "numbered", "checklist", \
                                            "code", "table"]},                         \
        "items": ) ARRAY_OF(PITEM) JSON(,                                              \
        "lang": {"type": "string"}, "path": {"type": ["string", "null"]},              \
        "text": {"type": "string"},                                                    \
        "columns": {"type": "array", "items": {"type": "string"}},                     \
        "rows": ) ARRAY_OF(ARRAY_OF(PITEM)) JSON(},                                    \
      "required": ["kind"]})

static const char plan_out[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    JSON("title": {"type": "string"},
         "verdict": {"type": ["string", "null"],
                     "enum": ["fits", "tight", "does not fit", "needs several Macs", null]},
         "model": {"type": ["string", "null"]}, "asked_model": {"type": "string"},
         "machine": {"type": ["string", "null"]},)
    "\"scenarios\": " ARRAY_OF(INTENT_ENUM) ", "
    "\"spec\": " OBJ("\"intents\": " OBJ("\"value\": " ARRAY_OF(INTENT_ENUM) ", \"provenance\": "
                                         PROV ", \"evidence\": " STR_OR_NULL,
                                         JSON("value", "provenance", "evidence")) ", "
                     "\"model\": " SFIELD ", \"model_size_params\": " NFIELD ", "
                     "\"task\": " SFIELD ", \"chip\": " SFIELD ", \"memory_gb\": " NFIELD ", "
                     "\"my_machine\": " BOOL ", \"context_tokens\": " NFIELD ", "
                     "\"prompt_tokens\": " NFIELD ", "
                     "\"data_format\": " SFIELD ", \"data_path\": " SFIELD ", "
                     "\"data_examples\": " NFIELD ", \"data_tokens\": " NFIELD ", "
                     "\"target_tok_s\": " NFIELD ", \"observed_tok_s\": " NFIELD ", "
                     "\"observed_is_training\": " BOOL ", \"budget_hours\": " NFIELD ", "
                     "\"machines\": " NFIELD ", \"users\": " NFIELD ", \"kv_bits\": " NFIELD ", "
                     "\"quant_method\": " SFIELD ", \"quant\": " SFIELD ", "
                     "\"compared_models\": " ARRAY_OF(SFIELD) ", "
                     "\"compared_formats\": " ARRAY_OF(SFIELD) ", "
                     "\"contradictions\": " STRINGS,
                     JSON("intents", "model", "model_size_params", "task", "chip", "memory_gb",
                          "my_machine", "context_tokens", "prompt_tokens", "data_format",
                          "data_path",
                          "data_examples", "data_tokens", "target_tok_s", "observed_tok_s",
                          "budget_hours", "machines", "users", "kv_bits", "quant_method",
                          "quant", "compared_models", "compared_formats", "contradictions")) ", "
    "\"reproduce\": " OBJ("\"inference\": " STR_OR_NULL ", \"training\": " STR_OR_NULL
                          ", \"compared\": " STRINGS,
                          JSON("inference", "training", "compared")) ", "
    "\"numbers\": " OBJ(PLAN_NUMBERS, "") ", "
    "\"questions\": " STRINGS ", \"assumptions\": " STRINGS ", "
    "\"ask\": " ARRAY_OF(OBJ("\"field\": {\"type\": \"string\", \"enum\": [\"goal\", \"model\", "
                               "\"machine\"]}, \"question\": " STR ", \"default\": " STR,
                               JSON("field", "question", "default"))) ", "
    "\"sections\": " ARRAY_OF(OBJ("\"id\": " STR ", \"title\": " STR ", \"blocks\": "
                                  ARRAY_OF(PLAN_BLOCK), JSON("id", "title", "blocks")))
    "}, " JSON("required": ["title", "verdict", "model", "machine", "scenarios", "spec",
                            "reproduce", "numbers", "questions", "assumptions", "ask",
                            "sections"]});

/* ---- estimate ---------------------------------------------------------------- */

/* The settings come from the parameter table (kb/params.def, rows with
 * C_ESTIMATE): the server adds them to these properties at start. */
static const char estimate_in[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {},
          "required": ["chip"]});

/* Local calibration (present only when the user has runs of this machine). */
#define CAL_LABEL JSON({"type": "string", "enum": ["estimated", "calibrated", "measured"]})
#define CAL_KIND                                                                               \
    OBJ("\"label\": " CAL_LABEL ", \"runs\": " INT ", \"factor\": " NUM ", "                     \
        "\"median_ratio\": " NUM ", \"bounded\": " BOOL ", \"measured_tok_s\": " NUM ", "         \
        "\"run_ids\": {\"type\": \"array\", \"items\": {\"type\": \"integer\"}}",                \
        JSON("label", "runs", "factor", "run_ids"))
#define CALIBRATION                                                                            \
    OBJ("\"used\": " BOOL ", \"decode\": " CAL_KIND ", \"prefill\": " CAL_KIND ", "            \
        "\"training\": " CAL_KIND, JSON("used"))

#define TERM OBJ("\"bytes\": " NUM ", \"basis\": " STR, JSON("bytes", "basis"))

static const char estimate_out[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    "\"task\": {\"type\": \"string\", \"enum\": " TASK_ENUM "}, "
    "\"model\": " OBJ("\"id\": " STR ", \"model_type\": " STR ", \"mlx_lm_module\": " STR ", "
                      "\"source\": " STR ", \"source_revision\": " STR_OR_NULL ", "
                      "\"checkpoint\": " CKPT ", \"params\": " NUM ", \"active_params\": " NUM ", "
                      "\"layers\": " INT ", \"stored_format\": " STR,
                      JSON("id", "model_type", "mlx_lm_module", "source", "source_revision",
                           "checkpoint", "params", "active_params", "layers", "stored_format")) ", "
    "\"machine\": " OBJ("\"chip\": " STR ", \"chip_name\": " STR ", \"memory_gb\": " INT ", "
                        "\"memory_assumed\": " BOOL ", \"bin_chosen_by_memory\": " BOOL ", "
                        "\"bandwidth_gbs\": " NUM ", \"gpu_limit_bytes\": " NUM ", "
                        "\"gpu_max_bytes\": " NUM ", \"wired_limit_mb\": " INT ", "
                        "\"gpu_limit_basis\": " STR,
                        JSON("chip", "chip_name", "memory_gb", "memory_assumed",
                             "bin_chosen_by_memory", "bandwidth_gbs", "gpu_limit_bytes",
                             "gpu_max_bytes", "gpu_limit_basis")) ", "
    "\"commands\": " STRINGS ", "
    "\"remedies\": " ARRAY_OF(OBJ("\"action\": " STR ", \"effect\": " STR,
                                  JSON("action", "effect"))) ", "
    /* inference and training settings: one object, the keys of the task's kind */
    "\"settings\": " OBJ("\"quant\": " STR ", \"bits_per_weight\": " NUM ", "
                         "\"context_tokens\": " INT ", \"prompt_tokens\": " INT ", "
                         "\"batch\": " INT ", \"base_quant\": " STR ", "
                         "\"seq_len_tokens\": " INT ", \"num_layers\": " INT ", \"rank\": " INT ", "
                         "\"grad_checkpoint\": " BOOL ", \"grad_accumulation_steps\": " INT ", "
                         "\"optimizer\": " STR ", \"trainable_params\": " NUM,
                         JSON("batch")) ", "
    "\"memory\": " OBJ("\"weights\": " TERM ", \"kv_cache\": " TERM ", \"activations\": " TERM ", "
                       "\"frozen_weights\": " TERM ", \"trainable_weights\": " TERM ", "
                       "\"gradients\": " TERM ", \"optimizer_state\": " TERM ", "
                       "\"logits\": " TERM ", \"weights_bytes\": " NUM ", "
                       "\"kv_cache_bytes\": " NUM ", \"activations_bytes\": " NUM ", "
                       "\"total_bytes\": " NUM ", \"error_band_pct\": " NUM ", "
                       "\"budget_bytes\": " NUM ", \"warn_bytes\": " NUM ", \"max_bytes\": " NUM,
                       JSON("activations", "total_bytes", "error_band_pct", "budget_bytes",
                            "max_bytes")) ", "
    "\"verdict\": " VERDICT ", \"verdict_reason\": " STR ", "
    "\"speed\": " OBJ("\"decode_tok_s\": " NUM ", \"decode_total_tok_s\": " NUM ", "
                      "\"decode_error_band_pct\": " NUM ", \"decode_basis\": " STR ", "
                      "\"prefill_tok_s\": " NUM ", \"prefill_error_band_pct\": " NUM ", "
                      "\"prefill_tflops\": " NUM ", \"prefill_basis\": " STR ", "
                      "\"ttft_s\": " NUM ", \"calibration_thin\": " BOOL ", "
                      "\"decode_label\": " CAL_LABEL ", \"prefill_label\": " CAL_LABEL ", "
                      "\"label\": " CAL_LABEL ", "
                      "\"decode_curve\": " ARRAY_OF(OBJ("\"context_tokens\": " INT ", "
                                                        "\"decode_tok_s\": " NUM ", "
                                                        "\"kv_cache_bytes\": " NUM,
                                                        JSON("context_tokens", "decode_tok_s",
                                                             "kv_cache_bytes"))) ", "
                      "\"tok_s\": " NUM ", \"it_s\": " NUM ", \"step_s\": " NUM ", "
                      "\"iters\": " INT ", \"total_s\": " NUM ", \"error_band_pct\": " NUM ", "
                      "\"basis\": " STR ", \"total_basis\": " STR ", \"chinchilla_tokens\": " NUM,
                      "") ", "
    "\"calibration\": " CALIBRATION ", "
    "\"notes\": " STRINGS "}, "
    JSON("required": ["task", "model", "machine", "commands", "remedies", "settings", "memory",
                      "verdict", "verdict_reason", "speed", "notes"]});

/* ---- fit --------------------------------------------------------------------- */

/* Arguments: rows of the parameter table with C_FIT ('mode' among them). */
static const char fit_in[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {}, "required": ["mode"]});

static const char fit_out[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    JSON("mode": {"type": "string", "enum": ["formats", "models", "machines", "training"]},
         "model": {"type": ["string", "null"]}, "source": {"type": ["string", "null"]},
         "chip": {"type": "string"}, "memory_gb": {"type": "integer"},)
    "\"gpu_limit_bytes\": " NUM ", \"context_tokens\": " INT ", \"min_tok_s\": " NUM ", "
    /* the options of every mode: one object, the keys of the mode's search */
    "\"options\": " ARRAY_OF(OBJ("\"rank\": " INT ", \"why\": " STR ", \"total_bytes\": " NUM ", "
                                 "\"quant\": " STR ", \"kv_bits\": " INT ", "
                                 "\"context_tokens\": " INT ", \"weights_bytes\": " NUM ", "
                                 "\"kv_cache_bytes\": " NUM ", \"decode_tok_s\": " NUM ", "
                                 "\"prefill_tok_s\": " NUM ", \"ttft_s\": " NUM ", "
                                 "\"verdict\": " VERDICT ", \"model\": " STR ", "
                                 "\"params\": " NUM ", \"chip\": " STR ", \"memory_gb\": " INT ", "
                                 "\"gpu_limit_bytes\": " NUM ", \"provisional\": " BOOL ", "
                                 "\"task\": " STR ", \"base_quant\": " STR ", "
                                 "\"num_layers\": " INT ", \"seq_len_tokens\": " INT ", "
                                 "\"batch\": " INT ", \"grad_accumulation_steps\": " INT ", "
                                 "\"grad_checkpoint\": " BOOL ", \"tok_s\": " NUM ", \"it_s\": " NUM,
                                 JSON("rank", "why", "total_bytes")))
    "}, " JSON("required": ["mode", "model", "source", "context_tokens", "min_tok_s",
                            "options"]});

/* ---- model_info ---------------------------------------------------------------- */

/* 'model', 'config_json' and 'offline': rows of the parameter table. */
static const char model_info_in[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {}, "required": []});

/* Weight bytes per format (the formats mp_render_model_json lists). */
#define WEIGHT_FORMATS                                                                 \
    OBJ("\"bf16\": " NUM ", \"affine 8-bit g64\": " NUM ", \"affine 6-bit g64\": " NUM ", " \
        "\"affine 5-bit g64\": " NUM ", \"affine 4-bit g64\": " NUM ", \"mxfp4\": " NUM ", " \
        "\"affine 3-bit g64\": " NUM ", \"affine 2-bit g64\": " NUM,                   \
        JSON("bf16", "affine 8-bit g64", "affine 6-bit g64", "affine 5-bit g64",       \
             "affine 4-bit g64", "mxfp4", "affine 3-bit g64", "affine 2-bit g64"))

static const char model_info_out[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    "\"id\": " STR ", "
    "\"source\": " OBJ(JSON("kind": {"type": "string", "enum": ["registry", "config file",
                                                                "Hugging Face cache",
                                                                "Hugging Face Hub"]},)
                       "\"where\": " STR ", \"revision\": " STR_OR_NULL ", "
                       "\"description_cache\": " STR_OR_NULL ", \"fetched_unix_s\": " NUM,
                       JSON("kind", "where", "revision", "description_cache",
                            "fetched_unix_s")) ", "
    "\"checkpoint\": " CKPT ", \"model_type\": " STR ", \"mlx_lm_module\": " STR ", "
    "\"mlx_lm_supported\": " BOOL ", \"params\": " NUM ", \"active_params\": " NUM ", "
    "\"layers\": " INT ", \"hidden_size\": " INT ", \"intermediate_size\": " INT ", "
    "\"attention_heads\": " INT ", \"kv_heads\": " INT ", \"head_dim\": " INT ", "
    "\"vocab_size\": " INT ", \"tied_embeddings\": " BOOL ", "
    "\"max_position_tokens\": " JSON({"type": ["integer", "null"]}) ", "
    "\"dtype\": " STR ", \"experts\": " INT ", \"experts_per_token\": " INT ", "
    "\"moe_layers\": " INT ", \"kv_cache_bytes_per_token\": " NUM ", \"layer_kinds\": " STR ", "
    "\"stored_quantization\": " STR_OR_NULL ", \"weights_bytes\": " WEIGHT_FORMATS ", "
    "\"notes\": " STRINGS "}, "
    JSON("required": ["id", "source", "checkpoint", "model_type", "mlx_lm_module",
                      "mlx_lm_supported", "params", "active_params", "layers", "hidden_size",
                      "intermediate_size", "attention_heads", "kv_heads", "head_dim",
                      "vocab_size", "tied_embeddings", "max_position_tokens", "dtype",
                      "experts", "experts_per_token", "moe_layers", "kv_cache_bytes_per_token",
                      "layer_kinds", "stored_quantization", "weights_bytes", "notes"]});

/* ---- docs ----------------------------------------------------------------------- */

#define DOC_KIND                                                                       \
    JSON(["api", "command", "flag", "lora_key", "format", "practice", "model_type", "feature"])

/* One entry as mp_render_doc_entry_json writes it; `extra` adds the keys of
 * a search hit. */
#define DOC_ENTRY(extra, extra_required)                                               \
    OBJ("\"kind\": {\"type\": \"string\", \"enum\": " DOC_KIND "}, \"name\": " STR ", "  \
        "\"alias\": " STR_OR_NULL ", \"summary\": " STR_OR_NULL ", \"api_kind\": " STR ", " \
        "\"signatures\": " STRINGS ", \"command\": " STR ", \"default\": " STR_OR_NULL ", " \
        "\"type\": " STR_OR_NULL ", \"choices\": " STR_OR_NULL ", \"aliases\": " STR_OR_NULL ", " \
        "\"notes\": " STR_OR_NULL ", \"cli_flag\": " STR_OR_NULL ", \"names\": " STRINGS ", " \
        "\"source\": " STR_OR_NULL ", \"package\": " STR ", \"version\": " STR ", "     \
        "\"since\": " STR_OR_NULL ", \"deprecated\": "                                  \
        JSON({"type": ["object", "null"], "additionalProperties": false,               \
              "properties": {"since": {"type": ["string", "null"]},                    \
                             "use": {"type": ["string", "null"]}},                     \
              "required": ["since", "use"]}) extra,                                    \
        JSON("kind", "name", "alias", "summary", "default", "type", "choices", "aliases", \
             "notes", "source", "package", "version", "since", "deprecated") extra_required)

/* Arguments: rows of the parameter table with C_DOCS_SEARCH. */
static const char docs_search_in[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {}, "required": ["query"]});

static const char docs_search_out[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    "\"query\": " STR ", \"total\": " INT ", "
    "\"results\": " ARRAY_OF(DOC_ENTRY(", \"rank\": " INT ", \"match\": "
                                       JSON({"type": "string", "enum": ["name", "last part",
                                                                        "folded name", "text"]})
                                       ", \"score\": " NUM,
                                       ", \"rank\", \"match\", \"score\"")) ", "
    "\"suggestions\": " STRINGS "}, "
    JSON("required": ["query", "total", "results", "suggestions"]});

/* Arguments: rows of the parameter table with C_DOCS_SHOW. */
static const char docs_show_in[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {}, "required": ["name"]});

static const char docs_show_out[] = DOC_ENTRY("", "");

/* ---- check_code ------------------------------------------------------------------ */

/* Arguments: rows of the parameter table with C_CHECK. */
static const char check_code_in[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {}, "required": ["source"]});

static const char check_code_out[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {
        "findings": {"type": "array", "items": {
            "type": "object", "additionalProperties": false,
            "properties": {"file": {"type": "string"},
                           "line": {"type": "integer", "minimum": 1},
                           "col": {"type": "integer", "minimum": 1},
                           "severity": {"type": "string", "enum": ["error", "warning", "note"]},
                           "rule": {"type": "string"},
                           "name": {"type": "string"},
                           "message": {"type": "string"},
                           "hint": {"type": "string"},
                           "practice": {"type": ["string", "null"]},
                           "practice_rule": {"type": ["string", "null"]}},
            "required": ["file", "line", "col", "severity", "rule", "name", "message", "hint",
                         "practice", "practice_rule"]}},
        "counts": {"type": "object", "additionalProperties": false,
                   "properties": {"files": {"type": "integer"},
                                  "files_with_findings": {"type": "integer"},
                                  "errors": {"type": "integer"},
                                  "warnings": {"type": "integer"},
                                  "notes": {"type": "integer"},
                                  "total": {"type": "integer"}},
                   "required": ["files", "files_with_findings", "errors", "warnings", "notes",
                                "total"]}},
      "required": ["findings", "counts"]});

/* ---- diagnose_run, add_run ------------------------------------------------------ */

/* 'output' (the paste) and the setup settings come from the parameter table
 * (rows with C_RUNS and an MCP name). */
static const char run_in[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {},
          "required": ["output"]});

/* What the readers took (mp_render_reading_json, src/render/runs.c). */
#define READING                                                                                \
    OBJ("\"format\": " STR ", \"command\": " STR_OR_NULL ", \"model\": " STR_OR_NULL ", "         \
        "\"prompt_tokens\": " NUM ", \"prompt_tok_per_s\": " NUM ", \"gen_tokens\": " NUM ", "    \
        "\"gen_tok_per_s\": " NUM ", \"peak_memory_gb\": " NUM ", \"train_tok_per_s\": " NUM ", "  \
        "\"train_it_per_s\": " NUM ", \"train_loss\": " NUM ", \"val_loss\": " NUM ", "           \
        "\"trained_tokens\": " NUM ", \"batch_size\": " NUM ", \"iters\": " NUM ", "              \
        "\"lora_layers\": " NUM ", \"max_seq_length\": " NUM ", \"max_tokens\": " NUM ", "        \
        "\"max_kv_size\": " NUM ", \"kv_bits\": " NUM ", \"warn_model_mb\": " NUM ", "            \
        "\"warn_limit_mb\": " NUM ", \"trials\": " INT ", \"averaged\": " BOOL ", "               \
        "\"decimal_comma\": " BOOL ", \"label\": " STR ", "                                      \
        "\"lines\": " OBJ("\"total\": " INT ", \"used\": " INT ", \"not_understood\": " INT ", "  \
                          "\"warnings\": " INT ", \"rejected\": " INT,                           \
                          JSON("total", "used", "not_understood", "warnings", "rejected")) ", "  \
        "\"notes\": " ARRAY_OF(OBJ("\"line\": " INT ", \"kind\": " STR ", \"what\": " STR ", "    \
                                   "\"text\": " STR, JSON("line", "kind", "what", "text"))),     \
        JSON("format", "lines", "notes", "label"))

#define RUN_FIGURE                                                                             \
    OBJ("\"kind\": {\"type\": \"string\", \"enum\": [\"decode\", \"prefill\", \"training\"]}, "  \
        "\"measured_tok_s\": " NUM ", \"estimated_tok_s\": " NUM ", \"ratio\": " NUM ", "         \
        "\"band_pct\": " NUM, JSON("kind", "measured_tok_s"))

/* One run's setup and figures (mp_render_run_row_fields, src/render/run.c). */
#define RUN_ROW                                                                                \
    OBJ("\"id\": " INT ", \"added_at\": " STR ", \"model\": " STR ", \"quant\": " STR ", "        \
        "\"task\": " STR ", \"chip\": " STR ", \"memory_gb\": " INT ", \"format\": " STR ", "     \
        "\"context_tokens\": " INT ", \"prompt_tokens\": " INT ", \"batch\": " INT ", "           \
        "\"setup_sources\": " STR ", \"figures\": " ARRAY_OF(RUN_FIGURE) ", "                    \
        "\"peak_memory_gb\": " NUM,                                                               \
        JSON("model", "quant", "task", "chip", "memory_gb", "figures"))

#define DIAGNOSIS                                                                              \
    OBJ("\"verdict\": {\"type\": \"string\", \"enum\": [\"not judged\", \"as expected\", "       \
        "\"slower\", \"much slower\", \"faster\"]}, "                                            \
        "\"figure\": " STR ", \"measured_tok_s\": " NUM ", \"expected_tok_s\": " NUM ", "         \
        "\"ratio\": " NUM ", \"band_pct\": " NUM ", \"band_low_tok_s\": " NUM ", "                \
        "\"band_high_tok_s\": " NUM ", "                                                          \
        "\"causes\": " ARRAY_OF(OBJ("\"id\": " STR ", \"score\": " NUM ", \"evidence\": " STR ", " \
                                    "\"check\": " STR ", \"fix\": " STR ", \"gain_x\": " NUM ", " \
                                    "\"gain_upper_bound\": " BOOL ", \"gain_basis\": " STR ", "  \
                                    "\"gain_label\": " STR,                                      \
                                    JSON("id", "score", "evidence", "check", "fix"))),           \
        JSON("verdict"))

static const char run_out[] =
    OBJ("\"id\": " INT ", \"database\": " STR ", \"have_estimate\": " BOOL ", "
        "\"run\": " RUN_ROW ", \"diagnosis\": " DIAGNOSIS ", \"assumed\": " STRINGS ", "
        "\"no_estimate\": " STR ", \"reading\": " READING,
        JSON("have_estimate", "reading"));

/* ---- the table -------------------------------------------------------------------- */

const mp_mcp_tool mp_mcp_tools[] = {
    {"plan", "Plan MLX work",
     "Turn a request in plain words (run, fine-tune, train, quantize, convert, serve or "
     "speed up a model with MLX / MLX-LM on a given machine) into a plan: feasibility "
     "verdict with memory and speed figures and their basis, exact install and mlx_lm "
     "commands, code patterns that use only existing MLX APIs, test, optimisation and "
     "deployment steps, assumptions and open questions. Several models named in the request "
     "(\"Qwen3 8B or Llama 3.1 8B\") are compared side by side. Call it first for any MLX task. "
     "Arguments override what the request says. 'ask' lists the essentials the request left "
     "open (goal, model, machine), each with the answer the plan assumed: ask the user and "
     "call again with the answers in the request. The server reads this machine only with "
     "'detect', reads no project files and writes none: save the returned plan yourself.",
     plan_in, plan_out, mp_mcp_tool_plan, MP_PC_PLAN, false},
    {"estimate", "Estimate memory and speed",
     "Memory breakdown (weights, KV cache, activations; for training also adapters, "
     "gradients, optimizer state and logits) and prefill / decode / training speed for one "
     "model on one machine with given settings, each figure with its basis and error band, "
     "the mlx_lm commands that run or measure it, and what to change when it does not fit. "
     "Use it for every memory or speed number you state.",
     estimate_in, estimate_out, mp_mcp_tool_estimate, MP_PC_ESTIMATE, false},
    {"fit", "Find formats, models, machines or settings that fit",
     "Search with the estimator: the weight formats and longest context that run a model "
     "on a chip (mode 'formats'), the registry models that fit a chip ('models'), the chips "
     "and memory sizes that run a model at a target speed ('machines'), or the fine-tuning "
     "settings (base format, layers, sequence length, batch, checkpointing) that fit "
     "('training'). Options come best first, each with the reason for its place.",
     fit_in, fit_out, mp_mcp_tool_fit, MP_PC_FIT, false},
    {"hardware", "Chips and this machine",
     "Apple Silicon chips (by GPU-core bin) and NVIDIA GPUs that MLX runs on: list them "
     "all, show one with its bandwidth, compute and GPU memory budget (how much of "
     "unified memory the GPU may use by default, when mlx-lm warns, how far "
     "iogpu.wired_limit_mb raises it), or detect the machine this server runs on.",
     hardware_in, hardware_out, mp_mcp_tool_hardware, MP_PC_HARDWARE, false},
    {"model_info", "Model architecture",
     "Architecture of a model named by its registry or Hugging Face id, or read from the "
     "text of a config.json: layers, widths, heads, KV heads, vocabulary, context, experts, "
     "parameter count, KV cache per token, weight bytes per format and whether mlx-lm "
     "supports its model_type. Give 'model' or 'config_json'.",
     model_info_in, model_info_out, mp_mcp_tool_model_info, MP_PC_MODEL_INFO, false},
    {"docs_search", "Search the MLX reference",
     "Search mlxplan's offline reference of the pinned MLX and MLX-LM versions: API "
     "symbols, mlx_lm commands and flags, LoRA config keys, data formats, practices, model "
     "types and when features arrived. Use it to find the exact name before writing code.",
     docs_search_in, docs_search_out, mp_mcp_tool_docs_search, MP_PC_DOCS_SEARCH, false},
    {"docs_show", "Show one MLX reference entry",
     "One entry of the offline MLX / MLX-LM reference by exact name: signature or flag "
     "with its real default, what it does, since which version, and its replacement when "
     "deprecated. Check every MLX API name and flag you write with it.",
     docs_show_in, docs_show_out, mp_mcp_tool_docs_show, MP_PC_DOCS_SHOW, false},
    {"check_code", "Check MLX code",
     "Static check of MLX Python source text (it is never run): names that do not exist "
     "in the pinned MLX / MLX-LM, deprecated APIs, keyword arguments a function does not "
     "take, and lazy-evaluation, compile and seeding mistakes in training loops; each "
     "finding with its line, a hint and the practice behind it. Run it on MLX code you "
     "write before handing it over.",
     check_code_in, check_code_out, mp_mcp_tool_check_code, MP_PC_CHECK, false},
    {"diagnose_run", "Diagnose a measured MLX run",
     "Read what mlx_lm printed (generate --verbose, benchmark, lora logs, chat, server, a "
     "printed GenerationResponse; with its command line when there is one) and compare it "
     "with the estimate for the same setup: measured / estimated with the error band, a "
     "verdict (as expected, slower, much slower, faster) and, when slower, the likely causes "
     "ranked for this run, each with the command that checks it, the fix and its computed "
     "gain. A LoRA log is compared with the training estimate. Nothing is stored. Give "
     "'chip' (and 'model' when the output names none).",
     run_in, run_out, mp_mcp_tool_diagnose_run, MP_PC_RUNS, false},
    {"add_run", "Store a measured MLX run",
     "As diagnose_run, and store the run in the user's runs database on this machine, so "
     "that later estimates for the same machine are calibrated on it (labelled calibrated, "
     "or measured for the exact setup). Without 'chip' this machine is read. Nothing is "
     "stored when the output is refused.",
     run_in, run_out, mp_mcp_tool_add_run, MP_PC_RUNS, true},
};

const size_t mp_mcp_tools_len = sizeof mp_mcp_tools / sizeof mp_mcp_tools[0];
