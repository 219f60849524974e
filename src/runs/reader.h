/*
 * reader.h - internal to src/runs: the state shared by the reading loop
 * (read.c) and the per-format line patterns (lines.c).  Not a public header.
 */
#ifndef MP_RUNS_READER_H
#define MP_RUNS_READER_H

#include <stdbool.h>

#include "runs/read.h"

#define MP_RD_LINE_MAX_BYTES 4096

typedef struct reader {
    mp_run_reading *r;
    int line_no;
    bool in_text;          /* between generate's "==========" lines */
    int n_figures;         /* figures taken */
    int first_rejected;    /* line of the first rejected value, 0 none */
    char first_rejected_what[48];
    char first_rejected_text[MP_RUNS_NOTE_TEXT];
    double train_speeds[256];
    int n_train_speeds;
    double trial_prompt, trial_gen, trial_peak; /* sums over trials */
    int n_trial;
    bool have_average;
    int model_line;        /* the line that named r->model, 0 none */
    int conflict_line;     /* the first line naming another model, 0 none */
    char conflict_model[MP_RUNS_NOTE_TEXT];
} reader;

/* ---- limits on figures -------------------------------------------------- */

#define GEN_TPS_MAX 100000.0      /* no Mac decodes faster, even batched */
#define PROMPT_TPS_MAX 1000000.0
#define TOKENS_MAX 1e8
#define PEAK_GB_MAX 10000.0
#define TRAIN_TPS_MAX 1000000.0
#define ITERS_MAX 1e9               /* no fine-tune runs a billion iterations */

/* Count line `line` as `kind` in rd->r's accounting and keep a note of it
 * (the first MP_RUNS_MAX_NOTES); the first REJECTED line is remembered for
 * the error message. */
void mp_rd_note(reader *rd, mp_run_line_kind kind, const char *what, const char *line);

/* The model named on the current line (a command line, a header panel):
 * the first is kept in rd->r->model; another one marks the paste as two
 * runs (rd->conflict_line), which mp_runs_read refuses. */
void mp_rd_model(reader *rd, const char *model);

/* Set r's format to `f` unless a timing format was seen before. */
void mp_rd_take_format(mp_run_reading *r, mp_run_format f);

/* The line patterns, one per format: each reads cleaned line `p` (`line`
 * is what notes quote; the same text today) and returns true when the line
 * was its format's (used, warning or rejected, noted), false to let the
 * next pattern try. */
bool mp_rd_warning_line(reader *rd, const char *p, const char *line);
bool mp_rd_generate_line(reader *rd, const char *p, const char *line);
bool mp_rd_benchmark_line(reader *rd, const char *p, const char *line);
bool mp_rd_iter_line(reader *rd, const char *p, const char *line);
bool mp_rd_lora_table_line(reader *rd, const char *p, const char *line);
bool mp_rd_chat_line(reader *rd, const char *p, const char *line);
bool mp_rd_api_line(reader *rd, const char *p, const char *line);
bool mp_rd_server_line(reader *rd, const char *p, const char *line);
bool mp_rd_panel_line(reader *rd, const char *p, const char *line);
bool mp_rd_lora_chatter(reader *rd, const char *p, const char *line);

#endif
