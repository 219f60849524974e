/*
 * store.h - the user's runs, kept in SQLite: one row per run added, with the
 * setup it ran with (and where each part of it came from), the figures
 * measured and the plain estimate (no calibration) for the same setup when
 * it was added.
 *
 * The database is <data folder>/runs.db (platform/paths.h).  It is opened
 * in WAL mode with a busy timeout, and every write is one IMMEDIATE
 * transaction, so several processes may add at once and a crash mid-write
 * loses nothing already committed.  Readers never create the file: a
 * machine without runs has no database.
 */
#ifndef MP_RUNS_STORE_H
#define MP_RUNS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define MP_RUNS_DB_NAME "runs.db"
#define MP_RUNS_BUSY_TIMEOUT_MS 15000

/* What kind of figure a run measured; calibration factors are per kind. */
typedef enum mp_run_kind {
    MP_RUN_KIND_DECODE,   /* generation tok/s */
    MP_RUN_KIND_PREFILL,  /* prompt tok/s */
    MP_RUN_KIND_TRAIN,    /* trained tok/s */
    MP_RUN_KIND_N,
} mp_run_kind;

const char *mp_run_kind_name(mp_run_kind k); /* "decode", "prefill", "training" */

/* One stored run.  Figures < 0 when absent. */
typedef struct mp_run_row {
    int64_t id;                  /* assigned by the store */
    char added_at[24];           /* UTC, "2026-12-07T16:30:00Z" */
    char chip[64];               /* mp_chip short_name: "M3 Max 30c" */
    int64_t memory_gb;
    char model[256];             /* as named: registry or Hugging Face id */
    char quant[32];              /* mp_quant name: "q4", "bf16" */
    char task[16];               /* "inference", "lora", "dora", "full" */
    char format[16];             /* mp_run_format_name */
    int64_t context_tokens;      /* tokens the KV cache held at the end */
    int64_t prompt_tokens;
    int64_t batch;
    double prompt_tok_s, gen_tok_s, train_tok_s, peak_gb;
    double exp_prompt_tok_s, exp_gen_tok_s, exp_train_tok_s; /* plain estimate */
    char sources[256];           /* "model pasted; chip detected; quant assumed ..." */
} mp_run_row;

typedef struct mp_runs_db mp_runs_db;

/* The database path into buf.  *own: it lies under MLXPLAN_HOME.  Errors
 * of mp_platform_data_dir. */
int mp_runs_db_path(char *buf, size_t cap, bool *own, mp_error *err);

/* Open the database at `path`.  With `create`, the folder and the file are
 * made when missing and the schema is set up; without it a missing file
 * gives *db = NULL and 0 (no runs).  MP_EIO naming the path when SQLite
 * cannot open it or it is not a runs database (schema version too new).
 * Close with mp_runs_close (NULL is fine). */
int mp_runs_open(const char *path, bool create, mp_runs_db **db, mp_error *err);
void mp_runs_close(mp_runs_db *db);

/* Store `row` (its id is ignored) with `reading_json` (the reading as JSON
 * text, may be NULL) in one transaction; *id gets the new id.  MP_EIO. */
int mp_runs_insert(mp_runs_db *db, const mp_run_row *row, const char *reading_json,
                   int64_t *id, mp_error *err);

/* The runs, oldest first: all of them when `chip` is NULL, else those of
 * that chip and memory.  *rows is malloc'd (free it; NULL when none).
 * db may be NULL (no database: no runs).  MP_EIO, MP_ENOMEM. */
int mp_runs_select(mp_runs_db *db, const char *chip, int64_t memory_gb, mp_run_row **rows,
                   int *n, mp_error *err);

/* One run; *reading_json malloc'd (NULL when none stored).  MP_ENOTFOUND
 * "no run with id N". */
int mp_runs_get(mp_runs_db *db, int64_t id, mp_run_row *row, char **reading_json,
                mp_error *err);

/* Remove run `id` (MP_ENOTFOUND when absent), or every run when id < 0;
 * *removed gets the count.  One transaction. */
int mp_runs_delete(mp_runs_db *db, int64_t id, int *removed, mp_error *err);

#endif
