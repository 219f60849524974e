/*
 * spec.h - what the user asked for, each field with where it came from.
 *
 * The planner fills an mp_spec from, in order of precedence: command-line
 * flags, the request text, the project journal, this machine (detected),
 * and finally assumptions the plan states.  A later, weaker source never
 * overwrites a stronger one; when two sources disagree the spec records a
 * contradiction (flags win over text, text over the journal).
 */
#ifndef MP_PLAN_SPEC_H
#define MP_PLAN_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

typedef enum mp_prov {
    MP_PROV_NONE,
    MP_PROV_ASSUMED,
    MP_PROV_DETECTED,
    MP_PROV_JOURNAL,
    MP_PROV_REQUEST,
    MP_PROV_FLAG,
} mp_prov;

const char *mp_prov_name(mp_prov p); /* "flag", "request", "journal", "detected", "assumed" */

enum mp_intent {
    MP_INTENT_RUN = 1 << 0,         /* run / chat / generate */
    MP_INTENT_FINETUNE = 1 << 1,    /* LoRA / QLoRA / DoRA / full */
    MP_INTENT_PRETRAIN = 1 << 2,    /* train from scratch */
    MP_INTENT_OPTIMIZE = 1 << 3,    /* slow inference or training */
    MP_INTENT_QUANTIZE = 1 << 4,    /* quantize / convert */
    MP_INTENT_SERVE = 1 << 5,       /* serve / deploy */
    MP_INTENT_EVALUATE = 1 << 6,
    MP_INTENT_DISTRIBUTED = 1 << 7, /* several Macs */
    MP_INTENT_CUDA = 1 << 8,        /* NVIDIA through MLX's CUDA backend */
};
#define MP_INTENT_COUNT 9

const char *mp_intent_name(unsigned bit); /* "run", "fine-tune", ... */

#define MP_SPEC_TEXT 160

/* A text field and its provenance; `evidence` quotes what it came from. */
typedef struct mp_sfield {
    char value[MP_SPEC_TEXT];
    mp_prov prov;
    char evidence[MP_SPEC_TEXT];
} mp_sfield;

/* A numeric field (NAN / 0 when unset). */
typedef struct mp_nfield {
    double value;
    mp_prov prov;
    char evidence[MP_SPEC_TEXT];
} mp_nfield;

#define MP_SPEC_MAX_NOTES 8

/* num_layers value for "all layers" (a full fine-tune) */
#define MP_SPEC_ALL_LAYERS (-1)

typedef struct mp_spec {
    unsigned intents;
    mp_prov intents_prov;
    char intent_evidence[MP_SPEC_TEXT];

    mp_sfield task;          /* lora, qlora, dora, full */
    mp_sfield model;         /* registry id, HF id or path */
    mp_nfield model_size;    /* parameters, when given as a size ("7B") */
    mp_sfield chip;          /* chip name as resolvable by mp_chip_resolve */
    mp_nfield memory_gb;
    bool my_machine;         /* the request says "my Mac" / "this machine" */
    mp_nfield context;       /* tokens */
    double alt_context;      /* the shorter of two contexts named ("4k and 32k context"),
                                tokens; 0 when none */
    mp_sfield data_format;   /* chat, completions, text */
    mp_sfield data_path;
    mp_nfield data_examples;
    mp_nfield data_tokens;
    mp_nfield target_tok_s;
    mp_nfield observed_tok_s; /* what the user measures (slow-inference diagnosis) */
    bool observed_training;   /* ... and it is a training throughput, not decode */
    mp_nfield budget_hours;
    mp_nfield n_macs;
    mp_nfield users;         /* concurrent requests a server must take */
    mp_nfield kv_bits;       /* the request asks for a quantized KV cache (bits) */
    mp_sfield quant;         /* a format the user named ("4-bit", "mxfp4") */
    mp_sfield quant_method;  /* dwq, awq, gptq: a learned quantization the user named */
    mp_nfield batch;         /* batch size ("batch size 4", "a batch of 8") */
    mp_nfield num_layers;    /* layers a fine-tune trains; MP_SPEC_ALL_LAYERS for all */
    mp_nfield grad_ckpt;     /* 1 when the request asks for gradient checkpointing */
    mp_nfield prompt_tokens; /* prompt length ("2k token prompts") */
    mp_nfield request_rate;  /* requests per second a server must take */
    mp_nfield data_bytes;    /* size of the user's data set ("300MB of jsonl") */
    mp_sfield use;           /* use case: chat, coding, vision, embedding, reasoning, small */

    /* further models the request names, to compare with `model` */
#define MP_SPEC_MAX_ALT_MODELS 3
    int n_alt_models;
    mp_sfield alt_models[MP_SPEC_MAX_ALT_MODELS];
    /* further weight formats the request names ("4-bit vs 8-bit"), to
     * compare with `quant` */
#define MP_SPEC_MAX_ALT_QUANTS 2
    int n_alt_quants;
    mp_sfield alt_quants[MP_SPEC_MAX_ALT_QUANTS];
    /* further memory sizes the request names ("the 64 GB or the 128 GB"), to
     * compare with `memory_gb` on the same chip */
#define MP_SPEC_MAX_ALT_MEMORY 2
    int n_alt_memory;
    double alt_memory_gb[MP_SPEC_MAX_ALT_MEMORY];
    /* further chips the request names ("M3 Max or M4 Pro"), to compare the
     * machine with: the chip as written; alt_memory_gb[k] is the memory of
     * alt_chips[k] when the request gives one per chip */
#define MP_SPEC_MAX_ALT_CHIPS 2
    int n_alt_chips;
    mp_sfield alt_chips[MP_SPEC_MAX_ALT_CHIPS];
    /* further size classes the request names without a model ("7B vs 14B
     * coding models"), parameters; understand.c adds the registry model of
     * each to alt_models */
#define MP_SPEC_MAX_ALT_SIZES 2
    int n_alt_sizes;
    double alt_sizes[MP_SPEC_MAX_ALT_SIZES];
    char alt_size_words[MP_SPEC_MAX_ALT_SIZES][16];
    /* a model the request names by family and size that the registry does
     * not hold ("gemma 3 12b"): the plan asks for its Hugging Face id */
    char unknown_model[MP_SPEC_TEXT];
    /* variant words of the model named ("instruct", "coder", "vl") that the
     * registry model taken for it lacks, space-separated; "" when none */
    char model_variant_missing[64];
    /* why an assumed model was taken (understand.c), "" when not assumed so */
    char model_note[240];

    int n_contradictions;
    char contradictions[MP_SPEC_MAX_NOTES][240];
} mp_spec;

void mp_spec_init(mp_spec *s);

/* Set a field when `prov` is at least as strong as what it holds; record a
 * contradiction when a weaker source disagrees with a stronger one. */
void mp_spec_set_str(mp_spec *s, mp_sfield *f, const char *name, const char *value, mp_prov prov,
                     const char *evidence);
void mp_spec_set_num(mp_spec *s, mp_nfield *f, const char *name, double value, mp_prov prov,
                     const char *evidence);

/* Maximum request text (bytes); longer requests are MP_ELIMIT. */
#define MP_REQUEST_MAX_BYTES (64 * 1024)

/* Read a request in plain words into `s` with provenance `prov`
 * (MP_PROV_REQUEST, or MP_PROV_JOURNAL for journal files).  Never fails on
 * content it does not understand; MP_ELIMIT when longer than the limit,
 * MP_EINVAL when not valid UTF-8. */
int mp_spec_parse_text(mp_spec *s, const char *text, size_t len, mp_prov prov, mp_error *err);

/* True when the text asks for something no MLX setup can do (returns the
 * reason), e.g. training on an iPhone, running on an AMD GPU or on Windows. */
bool mp_spec_impossible(const char *text, char *why, size_t cap);

/* The registry model nearest a model name the registry lacks (`name`, a
 * bare repo name such as "granite-3.3-8b-instruct" or "Qwen3-Coder-Next"):
 * of the same family as the name reader sees it (qwen, llama, mistral, ...),
 * the one nearest in parameters (best name match when the name gives no
 * size); else, with a size and a family the registry lacks, the chat model
 * (coding model, for a coder name) nearest in parameters.  `why` (may be
 * NULL) says which of the two ("same family, nearest size").  NULL when the
 * name gives neither a family the registry holds nor a size. */
struct mp_model_row;
const struct mp_model_row *mp_spec_nearest_model(const char *name, char *why, size_t cap);

#endif
