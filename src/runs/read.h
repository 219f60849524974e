/*
 * read.h - readers for what MLX-LM prints: the figures of a run the user made,
 * taken from pasted terminal output.
 *
 * One call reads a whole paste (any mix of the formats below, with warnings,
 * colour codes, carriage-return progress lines and bytes that are not UTF-8
 * interleaved) line by line and fills one mp_run_reading:
 *
 *   generate   mlx_lm.generate --verbose (0.32: "Prompt: N tokens, X
 *              tokens-per-sec", "Generation: ...", "Peak memory: X GB"; older
 *              releases: "Prompt: X tokens-per-sec" without the count)
 *   batch      batch_generate(verbose=True): the same lines after
 *              "[batch_generate] "
 *   benchmark  mlx_lm.benchmark: "Timing with prompt_tokens=P,
 *              generation_tokens=G, batch_size=B.", "Trial N:  prompt_tps=...,
 *              generation_tps=..., peak_memory=..., total_time=...",
 *              "Averages: ..."
 *   lora       mlx_lm.lora: 0.32's table rows ("  10    1.234 ▼    1,234
 *              2.4k", "  15    val 1.456    0.68s", the header panel's
 *              model / type / batch · iters / max seq rows) and older
 *              releases' "Iter N: Train loss X, [Learning Rate X,] It/sec X,
 *              Tokens/sec X, [Trained Tokens N,] [Peak mem X GB]" and
 *              "Iter N: Val loss X, Val took Xs"
 *   chat       mlx_lm.chat: "  N tokens · X tok/s · prompt Y tok/s · peak Z GB"
 *   server     mlx_lm.server logs ("- INFO - Prompt processing progress: a/b",
 *              access lines) and its JSON "usage" object: token counts, no
 *              timings
 *   api        a printed GenerationResponse(...) or its fields "key=value"
 *
 * plus a pasted command line ("$ mlx_lm.generate --model M --max-tokens 256",
 * "python -m mlx_lm lora ...") which gives the setup.
 *
 * Numbers: Python prints them with a point; a paste that went through a
 * localised tool may carry a decimal comma ("293,266 tokens-per-sec"), read as
 * a decimal point where the field is printed with decimals (and noted), while
 * 0.32's LoRA "tok/s" column groups thousands with commas ("22,174").
 */
#ifndef MP_RUNS_READ_H
#define MP_RUNS_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* The largest paste read (bytes); larger input is refused with MP_ELIMIT. */
#define MP_RUNS_MAX_INPUT_BYTES (4u << 20)
#define MP_RUNS_MAX_NOTES 48      /* line notes kept (used / not understood) */
#define MP_RUNS_NOTE_TEXT 96      /* bytes of a line quoted in a note */

/* Which program printed the output (the one whose figures were taken). */
typedef enum mp_run_format {
    MP_RUN_FMT_NONE = 0,
    MP_RUN_FMT_GENERATE,
    MP_RUN_FMT_BATCH,
    MP_RUN_FMT_BENCHMARK,
    MP_RUN_FMT_LORA,
    MP_RUN_FMT_CHAT,
    MP_RUN_FMT_SERVER,
    MP_RUN_FMT_API,
} mp_run_format;

/* Stable lower-case name ("generate", "benchmark", ...); "none" for NONE. */
const char *mp_run_format_name(mp_run_format f);
/* Inverse of mp_run_format_name; MP_RUN_FMT_NONE for an unknown name. */
mp_run_format mp_run_format_from_name(const char *name);

/* What a line was to the reader. */
typedef enum mp_run_line_kind {
    MP_RUN_LINE_USED,       /* a figure or setting was taken from it */
    MP_RUN_LINE_UNKNOWN,    /* not understood */
    MP_RUN_LINE_WARNING,    /* a warning printed by mlx / mlx-lm / Python */
    MP_RUN_LINE_REJECTED,   /* recognised, but its value is absurd */
} mp_run_line_kind;

typedef struct mp_run_note {
    int line_no;                     /* 1-based line of the input */
    mp_run_line_kind kind;
    char what[48];                   /* what was taken ("generation speed") */
    char text[MP_RUNS_NOTE_TEXT];     /* the line, cleaned and shortened */
} mp_run_note;

/* Every figure is < 0 when the output did not carry it. */
typedef struct mp_run_reading {
    mp_run_format format;
    /* inference (generate, batch, benchmark, chat, api) */
    double prompt_tokens;
    double prompt_tok_per_s;
    double gen_tokens;
    double gen_tok_per_s;
    double peak_memory_gb;
    int n_trials;                    /* benchmark trials (or chat turns) seen */
    bool averaged;                   /* speeds are mlx-lm's own averages */
    int64_t batch_size;              /* benchmark's batch_size=, lora's batch */
    /* training (lora) */
    int n_train_reports;
    int64_t last_iter;
    int64_t total_iters;             /* from the 0.32 header or --iters */
    double train_tok_per_s;          /* median over reports after the first */
    double train_it_per_s;           /* old format only */
    double train_loss;               /* the last report's */
    double val_loss;                 /* the last validation's */
    double trained_tokens;
    int64_t lora_layers;             /* "16 layers" / --num-layers */
    int64_t lora_rank;
    int64_t max_seq_length;
    char fine_tune_type[16];         /* lora, dora, full */
    /* server */
    int n_requests;
    /* mlx-lm's "close to the maximum recommended size" warning */
    double warn_model_mb;
    double warn_limit_mb;
    /* the setup, from a pasted command line or a header panel */
    char command[32];                /* "mlx_lm.generate", "" when none */
    char model[256];
    int64_t max_tokens;
    int64_t max_kv_size;
    int64_t kv_bits;
    bool decimal_comma;              /* a decimal comma was read as a point */
    /* evidence for the diagnosis */
    double first_tok_per_s;          /* first benchmark trial's generation speed, or the
                                      * first training report after warm-up; < 0 none */
    double last_tok_per_s;           /* the last one's (a fall hints at heat) */
    bool cpu_device;                 /* the paste shows MLX on the CPU (an environment
                                      * prefix "...=cpu" or a printed Device(cpu, 0)) */
    /* line accounting */
    int n_lines, n_used, n_unknown, n_warnings, n_rejected;
    int n_notes;                     /* notes kept (first MP_RUNS_MAX_NOTES) */
    mp_run_note notes[MP_RUNS_MAX_NOTES];
} mp_run_reading;

/* Read `len` bytes of pasted output (NUL bytes allowed; need not end in a
 * newline).  Fills *out (always initialised).  Returns 0 when at least one
 * figure was read; MP_EPARSE "no line of mlx-lm output recognised (first
 * line: '...')" when none; MP_EPARSE for empty input ("the input is empty");
 * MP_ELIMIT above MP_RUNS_MAX_INPUT_BYTES.  Lines recognised but carrying
 * absurd values (negative, zero speed, over 100000 tok/s for generation)
 * are REJECTED notes, never figures; when every figure was rejected the
 * call fails with MP_EINVAL naming the first such line. */
int mp_runs_read(const char *text, size_t len, mp_run_reading *out, mp_error *err);

/* An empty reading: every figure and setting absent (< 0), no notes. */
void mp_runs_reading_init(mp_run_reading *r);

/* Read one pasted command line ("mlx_lm.generate --model M ...", with or
 * without "$ ", "python -m ", "\" continuations joined) into r's setup
 * fields.  Returns true when the line was an mlx-lm command. */
bool mp_runs_read_command(const char *line, mp_run_reading *r);

/* True when the reading is of a training run (lora). */
bool mp_run_is_training(const mp_run_reading *r);

#endif
