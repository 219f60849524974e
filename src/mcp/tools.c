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

#define JSON(...) #__VA_ARGS__

/* ---- shared pieces ------------------------------------------------------- */

#define CHIP_ARG                                                                       \
    JSON("chip": {"type": "string", "minLength": 1, "maxLength": 200,                  \
                  "description": "chip as people write it: 'M4 Pro 20c', 'rtx 4090'"})
#define MEMORY_ARG                                                                     \
    JSON("memory_gb": {"type": "integer", "minimum": 1, "maximum": 4096,               \
                       "description": "installed memory in GB as sold (24, 36, 128)"})
#define MODEL_ARG                                                                      \
    JSON("model": {"type": "string", "minLength": 1, "maxLength": 200,                 \
                   "description": "registry or Hugging Face id, e.g. 'Qwen/Qwen3-8B' or 'mlx-community/Qwen3-8B-4bit' (read from the local Hugging Face cache, else fetched from the Hub: config and sizes only)"})
#define OFFLINE_ARG                                                                    \
    JSON("offline": {"type": "boolean",                                                \
                     "description": "true: never ask the Hugging Face Hub; a model outside the registry must then be in the local Hugging Face cache or mlxplan's description cache"})
#define TASK_ENUM JSON(["inference", "lora", "dora", "qlora", "full-finetune", "pretrain"])
#define QUANT_ENUM                                                                     \
    JSON(["bf16", "fp16", "fp32", "q2", "q3", "q4", "q5", "q6", "q8", "mxfp4", "nvfp4", \
          "mxfp8", "mixed_2_6", "mixed_3_4", "mixed_3_6", "mixed_4_6"])
#define VERDICT JSON({"type": "string", "enum": ["fits", "tight", "does_not_fit", "unknown"]})
#define STRINGS JSON({"type": "array", "items": {"type": "string"}})
#define NUM_OR_NULL JSON({"type": ["number", "null"]})
#define INT_OR_NULL JSON({"type": ["integer", "null"]})
#define STR_OR_NULL JSON({"type": ["string", "null"]})

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

static const char hardware_in[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    JSON("action": {"type": "string", "enum": ["list", "show", "detect"],
                    "description": "list: all chips; show: one chip; detect: this machine"}) ", "
    CHIP_ARG ", " MEMORY_ARG "}, \"required\": [\"action\"]}";

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

static const char plan_in[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    JSON("request": {"type": "string", "minLength": 1, "maxLength": 8000,
                     "description": "the user's goal in plain words, e.g. 'fine-tune Qwen3-8B on my tickets'"},)
    CHIP_ARG ", " MEMORY_ARG ", " MODEL_ARG ", " OFFLINE_ARG ", "
    "\"task\": {\"type\": \"string\", \"enum\": " TASK_ENUM ", "
    JSON("description": "overrides the task read from the request"}},
         "required": ["request"]});

static const char plan_out[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    "\"verdict\": " VERDICT ", "
    JSON("summary": {"type": "string"},
         "inputs": {"type": "array", "items": {
             "type": "object", "additionalProperties": false,
             "properties": {"name": {"type": "string"}, "value": {"type": "string"},
                            "source": {"type": "string", "enum": ["request", "argument",
                                       "detected", "assumed", "default"]}},
             "required": ["name", "value", "source"]}},
         "sections": {"type": "array", "items": {
             "type": "object", "additionalProperties": false,
             "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                            "markdown": {"type": "string"}},
             "required": ["id", "title", "markdown"]}},)
    "\"todo\": " STRINGS ", \"assumptions\": " STRINGS ", \"questions\": " STRINGS ", "
    JSON("versions": {"type": "object", "additionalProperties": false,
                      "properties": {"mlx": {"type": "string"}, "mlx_lm": {"type": "string"}},
                      "required": ["mlx", "mlx_lm"]}},
         "required": ["verdict", "summary", "inputs", "sections", "todo", "assumptions",
                      "questions", "versions"]});

/* ---- estimate ---------------------------------------------------------------- */

#define SETTINGS_PROPS                                                                 \
    "\"task\": {\"type\": \"string\", \"enum\": " TASK_ENUM ", "                       \
    "\"description\": \"what runs: inference (default) or a kind of training\"}, "     \
    "\"quant\": {\"type\": \"string\", \"enum\": " QUANT_ENUM ", "                     \
    "\"description\": \"weight format: float dtype, affine bits (q4 = 4-bit), "        \
    "microscaling format or mixed recipe\"}, "                                        \
    JSON("group_size": {"type": "integer", "enum": [32, 64, 128],                      \
                        "description": "quantisation group size (affine formats)"},    \
         "context_tokens": {"type": "integer", "minimum": 1, "maximum": 10000000,      \
                            "description": "prompt plus generated tokens held in the KV cache"}, \
         "batch_size": {"type": "integer", "minimum": 1, "maximum": 4096},             \
         "kv_bits": {"type": "integer", "minimum": 2, "maximum": 8,                    \
                     "description": "quantised KV cache (mlx-lm --kv-bits)"},          \
         "lora_rank": {"type": "integer", "minimum": 1, "maximum": 4096},              \
         "lora_layers": {"type": "integer", "minimum": 1, "maximum": 1000,             \
                         "description": "trained blocks counted from the top (mlx-lm --num-layers)"}, \
         "grad_checkpoint": {"type": "boolean"})

static const char estimate_in[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    MODEL_ARG ", " CHIP_ARG ", " MEMORY_ARG ", " OFFLINE_ARG ", " SETTINGS_PROPS "},"
    JSON("required": ["model", "chip"]});

#define BYTES_BREAKDOWN                                                                \
    JSON({"type": "object", "additionalProperties": false,                             \
          "properties": {"weights_bytes": {"type": "number"},                          \
                         "kv_cache_bytes": {"type": "number"},                         \
                         "activations_bytes": {"type": "number"},                      \
                         "optimizer_bytes": {"type": "number"},                        \
                         "gradients_bytes": {"type": "number"},                        \
                         "overhead_bytes": {"type": "number"},                         \
                         "total_bytes": {"type": "number"},                            \
                         "total_low_bytes": {"type": "number"},                        \
                         "total_high_bytes": {"type": "number"},                       \
                         "gpu_budget_bytes": {"type": "number"}},                      \
          "required": ["weights_bytes", "kv_cache_bytes", "activations_bytes",         \
                       "total_bytes", "gpu_budget_bytes"]})
#define BASIS_ITEMS                                                                    \
    JSON({"type": "array", "items": {                                                  \
        "type": "object", "additionalProperties": false,                               \
        "properties": {"quantity": {"type": "string"}, "formula": {"type": "string"},  \
                       "value": {"type": "number"}, "unit": {"type": "string"},        \
                       "source": {"type": "string"}},                                  \
        "required": ["quantity", "formula", "value", "unit"]}})

static const char estimate_out[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    JSON("model": {"type": "object", "additionalProperties": false,
                   "properties": {"id": {"type": "string"}, "params": {"type": "number"},
                                  "active_params": {"type": ["number", "null"]}},
                   "required": ["id", "params", "active_params"]},
         "machine": {"type": "object", "additionalProperties": false,
                     "properties": {"chip": {"type": "string"}, "memory_gb": {"type": "integer"},
                                    "memory_assumed": {"type": "boolean"}},
                     "required": ["chip", "memory_gb", "memory_assumed"]},
         "settings": {"type": "object"},)
    "\"memory\": " BYTES_BREAKDOWN ", "
    JSON("speed": {"type": "object", "additionalProperties": false,
                   "properties": {"prefill_tok_s": {"type": ["number", "null"]},
                                  "decode_tok_s": {"type": ["number", "null"]},
                                  "train_tok_s": {"type": ["number", "null"]},
                                  "error_band_pct": {"type": ["number", "null"]}},
                   "required": ["prefill_tok_s", "decode_tok_s"]},)
    "\"verdict\": " VERDICT ", \"basis\": " BASIS_ITEMS ", \"warnings\": " STRINGS "},"
    JSON("required": ["model", "machine", "settings", "memory", "speed", "verdict",
                      "basis", "warnings"]});

/* ---- fit --------------------------------------------------------------------- */

static const char fit_in[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    JSON("mode": {"type": "string", "enum": ["settings", "machines"],
                  "description": "settings: what fits the chip given; machines: chips that meet the target"},)
    MODEL_ARG ", " CHIP_ARG ", " MEMORY_ARG ", " OFFLINE_ARG ", "
    "\"task\": {\"type\": \"string\", \"enum\": " TASK_ENUM "}, "
    JSON("context_tokens": {"type": "integer", "minimum": 1, "maximum": 10000000},
         "min_decode_tok_s": {"type": "number", "minimum": 0, "maximum": 100000,
                              "description": "target generation speed"},
         "max_results": {"type": "integer", "minimum": 1, "maximum": 100}},
         "required": ["mode", "model"]});

static const char fit_out[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    JSON("mode": {"type": "string", "enum": ["settings", "machines"]},
         "candidates": {"type": "array", "items": {
             "type": "object", "additionalProperties": false,
             "properties": {"chip": {"type": "string"}, "memory_gb": {"type": "integer"},
                            "settings": {"type": "object"},
                            "total_bytes": {"type": "number"},
                            "gpu_budget_bytes": {"type": "number"},
                            "decode_tok_s": {"type": ["number", "null"]},)
    "\"verdict\": " VERDICT "},"
    JSON("required": ["chip", "memory_gb", "settings", "total_bytes", "gpu_budget_bytes",
                      "decode_tok_s", "verdict"]}},
         "best": {"type": ["integer", "null"], "minimum": 0,
                  "description": "index of the recommended candidate"},)
    "\"notes\": " STRINGS "},"
    JSON("required": ["mode", "candidates", "best", "notes"]});

/* ---- model_info ---------------------------------------------------------------- */

static const char model_info_in[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    MODEL_ARG ", " OFFLINE_ARG ", "
    JSON("config_json": {"type": "string", "minLength": 2, "maxLength": 1048576,
                         "description": "the text of a model's config.json, instead of 'model'"}},
         "required": []});

static const char model_info_out[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {
        "source": {"type": "string", "enum": ["registry", "config_json", "hf_cache", "hub"]},
        "id": {"type": ["string", "null"]}, "model_type": {"type": "string"},
        "architecture": {"type": ["string", "null"]}, "params": {"type": "number"},
        "active_params": {"type": ["number", "null"]}, "layers": {"type": "integer"},
        "hidden_size": {"type": "integer"}, "intermediate_size": {"type": ["integer", "null"]},
        "attention_heads": {"type": "integer"}, "kv_heads": {"type": "integer"},
        "head_dim": {"type": "integer"}, "vocab_size": {"type": "integer"},
        "max_context_tokens": {"type": ["integer", "null"]},
        "tied_embeddings": {"type": "boolean"}, "experts": {"type": ["integer", "null"]},
        "experts_per_token": {"type": ["integer", "null"]},
        "sliding_window": {"type": ["integer", "null"]}, "dtype": {"type": ["string", "null"]},
        "mlx_lm_supported": {"type": "boolean"},
        "notes": {"type": "array", "items": {"type": "string"}}},
      "required": ["source", "id", "model_type", "params", "layers", "hidden_size",
                   "attention_heads", "kv_heads", "head_dim", "vocab_size", "mlx_lm_supported",
                   "notes"]});

/* ---- docs ----------------------------------------------------------------------- */

#define DOC_KIND JSON(["api", "cli", "lora_key", "format", "practice"])

static const char docs_search_in[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    JSON("query": {"type": "string", "minLength": 1, "maxLength": 500,
                   "description": "words or a partial name: 'rms norm', 'kv cache bits', 'mx.fast'"},)
    "\"kind\": {\"type\": \"string\", \"enum\": " DOC_KIND ", "
    JSON("description": "only this kind of entry (default: all)"},
         "limit": {"type": "integer", "minimum": 1, "maximum": 50,
                   "description": "most results to return (default 10)"}},
         "required": ["query"]});

static const char docs_search_out[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    JSON("query": {"type": "string"},)
    "\"results\": {\"type\": \"array\", \"items\": {\"type\": \"object\", "
    "\"additionalProperties\": false, \"properties\": {"
    "\"kind\": {\"type\": \"string\", \"enum\": " DOC_KIND "}, "
    JSON("name": {"type": "string"}, "summary": {"type": "string"},
         "signature": {"type": ["string", "null"]}, "score": {"type": "number"}},
         "required": ["kind", "name", "summary", "signature", "score"]}}},
         "required": ["query", "results"]});

static const char docs_show_in[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200, "description":
            "API name ('mx.fast.rms_norm'), mlx_lm flag ('mlx_lm.lora --num-layers'), LoRA key or practice id"}},
      "required": ["name"]});

static const char docs_show_out[] =
    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    "\"kind\": {\"type\": \"string\", \"enum\": " DOC_KIND "}, "
    JSON("name": {"type": "string"}, "qualified_name": {"type": "string"},
         "signature": {"type": ["string", "null"]}, "summary": {"type": "string"},
         "default": {"type": ["string", "null"]}, "since": {"type": ["string", "null"]},
         "deprecated": {"type": "boolean"}, "replacement": {"type": ["string", "null"]},
         "markdown": {"type": "string"}},
         "required": ["kind", "name", "qualified_name", "signature", "summary", "since",
                      "deprecated", "replacement", "markdown"]});

/* ---- check_code ------------------------------------------------------------------ */

static const char check_code_in[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {
        "source": {"type": "string", "minLength": 1, "maxLength": 1048576,
                   "description": "the Python source text to check"},
        "filename": {"type": "string", "minLength": 1, "maxLength": 1024,
                     "description": "name used in findings (default 'input.py')"}},
      "required": ["source"]});

static const char check_code_out[] =
    JSON({"type": "object", "additionalProperties": false, "properties": {
        "filename": {"type": "string"},
        "findings": {"type": "array", "items": {
            "type": "object", "additionalProperties": false,
            "properties": {"rule": {"type": "string"},
                           "severity": {"type": "string", "enum": ["error", "warning", "info"]},
                           "line": {"type": "integer", "minimum": 1},
                           "column": {"type": "integer", "minimum": 1},
                           "message": {"type": "string"},
                           "suggestion": {"type": ["string", "null"]}},
            "required": ["rule", "severity", "line", "column", "message", "suggestion"]}},
        "counts": {"type": "object", "additionalProperties": false,
                   "properties": {"error": {"type": "integer"}, "warning": {"type": "integer"},
                                  "info": {"type": "integer"}},
                   "required": ["error", "warning", "info"]}},
      "required": ["filename", "findings", "counts"]});

/* ---- the table -------------------------------------------------------------------- */

const mp_mcp_tool mp_mcp_tools[] = {
    {"plan", "Plan MLX work",
     "Turn a request in plain words (run, fine-tune, train, quantize, convert, serve or "
     "speed up a model with MLX / MLX-LM on a given machine) into a plan: feasibility "
     "verdict with memory and speed figures and their basis, exact install and mlx_lm "
     "commands, code patterns that use only existing MLX APIs, test, optimisation and "
     "deployment steps, assumptions and open questions. Call it first for any MLX task.",
     plan_in, plan_out, NULL},
    {"estimate", "Estimate memory and speed",
     "Memory breakdown (weights, KV cache, activations, optimizer state) and prefill / "
     "decode / training speed for one model on one machine with given settings, each "
     "figure with its formula, inputs and error band. Use it for every memory or speed "
     "number you state.",
     estimate_in, estimate_out, NULL},
    {"fit", "Find settings or machines that fit",
     "Search quantisation, context length, batch size, LoRA layers and checkpointing for "
     "the settings that fit a machine (mode 'settings'), or the chips and memory sizes that "
     "run a model at a target speed (mode 'machines').",
     fit_in, fit_out, NULL},
    {"hardware", "Chips and this machine",
     "Apple Silicon chips (by GPU-core bin) and NVIDIA GPUs that MLX runs on: list them "
     "all, show one with its bandwidth, compute and GPU memory budget (how much of "
     "unified memory the GPU may use by default, when mlx-lm warns, how far "
     "iogpu.wired_limit_mb raises it), or detect the machine this server runs on.",
     hardware_in, hardware_out, mp_mcp_tool_hardware},
    {"model_info", "Model architecture",
     "Architecture of a model from mlxplan's registry, or read from the text of a "
     "config.json: layers, widths, heads, KV heads, vocabulary, context, experts, "
     "parameter count and whether mlx-lm supports its model_type. Give 'model' or "
     "'config_json'.",
     model_info_in, model_info_out, NULL},
    {"docs_search", "Search the MLX reference",
     "Search mlxplan's offline reference of the pinned MLX and MLX-LM versions: API "
     "symbols, mlx_lm commands and flags, LoRA config keys, data formats and practices. "
     "Use it to find the exact name before writing code.",
     docs_search_in, docs_search_out, NULL},
    {"docs_show", "Show one MLX reference entry",
     "One entry of the offline MLX / MLX-LM reference by exact name: signature or flag "
     "with its real default, what it does, since which version, and its replacement when "
     "deprecated. Check every MLX API name and flag you write with it.",
     docs_show_in, docs_show_out, NULL},
    {"check_code", "Check MLX code",
     "Static check of MLX Python source text: names that do not exist in the pinned MLX "
     "version, deprecated APIs, wrong mlx_lm flags and known performance traps, each "
     "finding with its line and a fix.",
     check_code_in, check_code_out, NULL},
};

const size_t mp_mcp_tools_len = sizeof mp_mcp_tools / sizeof mp_mcp_tools[0];
