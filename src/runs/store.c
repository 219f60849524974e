/* store.c - the runs database (SQLite, WAL); see store.h. */
#include "runs/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "platform/paths.h"
#include "util/text.h"

#define SCHEMA_VERSION 1

struct mp_runs_db {
    sqlite3 *db;
    char path[4096];
};

static const char *const kind_names[MP_RUN_KIND_N] = {"decode", "prefill", "training"};

const char *mp_run_kind_name(mp_run_kind k)
{
    return (unsigned)k < MP_RUN_KIND_N ? kind_names[k] : "none";
}

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS runs ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " added_at TEXT NOT NULL,"
    " chip TEXT NOT NULL,"
    " memory_gb INTEGER NOT NULL,"
    " model TEXT NOT NULL,"
    " quant TEXT NOT NULL,"
    " task TEXT NOT NULL,"
    " format TEXT NOT NULL,"
    " context_tokens INTEGER NOT NULL,"
    " prompt_tokens INTEGER NOT NULL,"
    " batch INTEGER NOT NULL,"
    " prompt_tok_s REAL, gen_tok_s REAL, train_tok_s REAL, peak_gb REAL,"
    " exp_prompt_tok_s REAL, exp_gen_tok_s REAL, exp_train_tok_s REAL,"
    " sources TEXT NOT NULL,"
    " reading TEXT);"
    "CREATE INDEX IF NOT EXISTS runs_machine ON runs(chip, memory_gb);";

#define COLS                                                                                  \
    "id, added_at, chip, memory_gb, model, quant, task, format, context_tokens, prompt_tokens, " \
    "batch, prompt_tok_s, gen_tok_s, train_tok_s, peak_gb, exp_prompt_tok_s, exp_gen_tok_s, "  \
    "exp_train_tok_s, sources"

int mp_runs_db_path(char *buf, size_t cap, bool *own, mp_error *err)
{
    char dir[4000];
    int rc = mp_platform_data_dir(dir, sizeof dir, own, err);
    if (rc)
        return rc;
    int n = snprintf(buf, cap, "%s/" MP_RUNS_DB_NAME, dir);
    if (n < 0 || (size_t)n >= cap)
        return mp_error_set(err, MP_ELIMIT, "the runs database's path is too long");
    return 0;
}

static int db_error(mp_runs_db *d, int src, const char *doing, mp_error *err)
{
    return mp_error_set(err, MP_EIO, "runs database '%s': %s: %s", d->path, doing,
                        d->db ? sqlite3_errmsg(d->db) : sqlite3_errstr(src));
}

/* Run SQL without results; on SQLITE_BUSY (beyond the busy timeout, or a
 * journal-mode change the busy handler does not cover) retry a few times. */
static int exec(mp_runs_db *d, const char *sql, const char *doing, mp_error *err)
{
    int src = SQLITE_OK;
    for (int attempt = 0; attempt < 50; attempt++) {
        src = sqlite3_exec(d->db, sql, NULL, NULL, NULL);
        if (src != SQLITE_BUSY && src != SQLITE_LOCKED)
            break;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return src == SQLITE_OK ? 0 : db_error(d, src, doing, err);
}

static int user_version(mp_runs_db *d, int *v, mp_error *err)
{
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(d->db, "PRAGMA user_version", -1, &st, NULL);
    if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        *v = sqlite3_column_int(st, 0);
        src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return src == SQLITE_OK ? 0 : db_error(d, src, "reading its version", err);
}

static int set_up(mp_runs_db *d, bool create, mp_error *err)
{
    int rc;
    if ((rc = exec(d, "PRAGMA foreign_keys=ON", "setting up", err)))
        return rc;
    if (create && (rc = exec(d, "PRAGMA journal_mode=WAL", "switching to WAL", err)))
        return rc;
    if ((rc = exec(d, "PRAGMA synchronous=FULL", "setting up", err)))
        return rc;
    int v = 0;
    if ((rc = user_version(d, &v, err)))
        return rc;
    if (v > SCHEMA_VERSION)
        return mp_error_set(err, MP_EIO,
                            "runs database '%s' is of a newer mlxplan (schema %d, this one "
                            "reads %d)", d->path, v, SCHEMA_VERSION);
    if (v == SCHEMA_VERSION || !create)
        return v == SCHEMA_VERSION ? 0 : mp_error_set(err, MP_EIO,
                            "'%s' is not a runs database of mlxplan", d->path);
    char sql[2048];
    snprintf(sql, sizeof sql, "BEGIN IMMEDIATE;%sPRAGMA user_version=%d;COMMIT;", schema,
             SCHEMA_VERSION);
    if ((rc = exec(d, sql, "creating its tables", err))) {
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return 0;
}

int mp_runs_open(const char *path, bool create, mp_runs_db **out, mp_error *err)
{
    *out = NULL;
    struct stat st;
    if (!create && stat(path, &st) != 0 && errno == ENOENT)
        return 0;
    mp_runs_db *d = calloc(1, sizeof *d);
    if (!d)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    mp_strlcpy(d->path, path, sizeof d->path);
    if (create) {
        char dir[4096];
        mp_strlcpy(dir, path, sizeof dir);
        char *slash = strrchr(dir, '/');
        bool own = false;
        char data[4096];
        if (slash && slash != dir) {
            *slash = '\0';
            /* the conventional folder gets its parents; MLXPLAN_HOME not */
            if (mp_platform_data_dir(data, sizeof data, &own, NULL) != 0)
                own = true;
            int rc = mp_platform_make_data_dir(dir, own || strcmp(data, dir) != 0, err);
            if (rc) {
                free(d);
                return rc;
            }
        }
    }
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    int src = sqlite3_open_v2(path, &d->db, flags, NULL);
    int rc = 0;
    if (src != SQLITE_OK)
        rc = db_error(d, src, "cannot open", err);
    else {
        sqlite3_busy_timeout(d->db, MP_RUNS_BUSY_TIMEOUT_MS);
        rc = set_up(d, create, err);
    }
    if (rc) {
        mp_runs_close(d);
        return rc;
    }
    *out = d;
    return 0;
}

void mp_runs_close(mp_runs_db *d)
{
    if (!d)
        return;
    sqlite3_close(d->db);
    free(d);
}

static void bind_fig(sqlite3_stmt *st, int i, double v)
{
    if (v >= 0)
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

int mp_runs_insert(mp_runs_db *d, const mp_run_row *r, const char *reading_json, int64_t *id,
                   mp_error *err)
{
    int rc = exec(d, "BEGIN IMMEDIATE", "starting a write", err);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(
        d->db,
        "INSERT INTO runs (added_at, chip, memory_gb, model, quant, task, format, "
        "context_tokens, prompt_tokens, batch, prompt_tok_s, gen_tok_s, train_tok_s, peak_gb, "
        "exp_prompt_tok_s, exp_gen_tok_s, exp_train_tok_s, sources, reading) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
        "?19)",
        -1, &st, NULL);
    if (src == SQLITE_OK) {
        char now[24];
        time_t t = time(NULL);
        struct tm tmv;
        gmtime_r(&t, &tmv);
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tmv);
        sqlite3_bind_text(st, 1, r->added_at[0] ? r->added_at : now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, r->chip, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, r->memory_gb);
        sqlite3_bind_text(st, 4, r->model, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, r->quant, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r->task, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, r->format, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, r->context_tokens);
        sqlite3_bind_int64(st, 9, r->prompt_tokens);
        sqlite3_bind_int64(st, 10, r->batch);
        bind_fig(st, 11, r->prompt_tok_s);
        bind_fig(st, 12, r->gen_tok_s);
        bind_fig(st, 13, r->train_tok_s);
        bind_fig(st, 14, r->peak_gb);
        bind_fig(st, 15, r->exp_prompt_tok_s);
        bind_fig(st, 16, r->exp_gen_tok_s);
        bind_fig(st, 17, r->exp_train_tok_s);
        sqlite3_bind_text(st, 18, r->sources, -1, SQLITE_STATIC);
        if (reading_json)
            sqlite3_bind_text(st, 19, reading_json, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 19);
        src = sqlite3_step(st);
        if (src == SQLITE_DONE)
            src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (src != SQLITE_OK) {
        rc = db_error(d, src, "storing the run", err);
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    *id = sqlite3_last_insert_rowid(d->db);
    if ((rc = exec(d, "COMMIT", "committing the run", err))) {
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return 0;
}

static void col_text(sqlite3_stmt *st, int i, char *buf, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    mp_strlcpy(buf, t ? (const char *)t : "", cap);
}

static double col_fig(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_double(st, i);
}

static void read_row(sqlite3_stmt *st, mp_run_row *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, r->added_at, sizeof r->added_at);
    col_text(st, 2, r->chip, sizeof r->chip);
    r->memory_gb = sqlite3_column_int64(st, 3);
    col_text(st, 4, r->model, sizeof r->model);
    col_text(st, 5, r->quant, sizeof r->quant);
    col_text(st, 6, r->task, sizeof r->task);
    col_text(st, 7, r->format, sizeof r->format);
    r->context_tokens = sqlite3_column_int64(st, 8);
    r->prompt_tokens = sqlite3_column_int64(st, 9);
    r->batch = sqlite3_column_int64(st, 10);
    r->prompt_tok_s = col_fig(st, 11);
    r->gen_tok_s = col_fig(st, 12);
    r->train_tok_s = col_fig(st, 13);
    r->peak_gb = col_fig(st, 14);
    r->exp_prompt_tok_s = col_fig(st, 15);
    r->exp_gen_tok_s = col_fig(st, 16);
    r->exp_train_tok_s = col_fig(st, 17);
    col_text(st, 18, r->sources, sizeof r->sources);
}

int mp_runs_select(mp_runs_db *d, const char *chip, int64_t memory_gb, mp_run_row **rows,
                   int *n, mp_error *err)
{
    *rows = NULL;
    *n = 0;
    if (!d)
        return 0;
    sqlite3_stmt *st = NULL;
    const char *sql = chip ? "SELECT " COLS " FROM runs WHERE chip = ?1 AND memory_gb = ?2 "
                             "ORDER BY id"
                           : "SELECT " COLS " FROM runs ORDER BY id";
    int src = sqlite3_prepare_v2(d->db, sql, -1, &st, NULL);
    if (src != SQLITE_OK)
        return db_error(d, src, "reading the runs", err);
    if (chip) {
        sqlite3_bind_text(st, 1, chip, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, memory_gb);
    }
    int cap = 0, rc = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            int ncap = cap ? cap * 2 : 16;
            mp_run_row *g = realloc(*rows, (size_t)ncap * sizeof **rows);
            if (!g) {
                rc = mp_error_set(err, MP_ENOMEM, "out of memory");
                break;
            }
            *rows = g;
            cap = ncap;
        }
        read_row(st, &(*rows)[(*n)++]);
    }
    if (!rc && src != SQLITE_DONE)
        rc = db_error(d, src, "reading the runs", err);
    sqlite3_finalize(st);
    if (rc) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc;
}

int mp_runs_get(mp_runs_db *d, int64_t id, mp_run_row *row, char **reading_json, mp_error *err)
{
    *reading_json = NULL;
    if (!d)
        return mp_error_set(err, MP_ENOTFOUND, "no run with id %lld (no runs stored)",
                            (long long)id);
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(d->db, "SELECT " COLS ", reading FROM runs WHERE id = ?1", -1,
                                 &st, NULL);
    if (src != SQLITE_OK)
        return db_error(d, src, "reading the run", err);
    sqlite3_bind_int64(st, 1, id);
    int rc = 0;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        read_row(st, row);
        const unsigned char *t = sqlite3_column_text(st, 19);
        if (t && !(*reading_json = mp_strdup((const char *)t)))
            rc = mp_error_set(err, MP_ENOMEM, "out of memory");
    } else if (src == SQLITE_DONE) {
        rc = mp_error_set(err, MP_ENOTFOUND, "no run with id %lld (see 'mlxplan runs list')",
                          (long long)id);
    } else {
        rc = db_error(d, src, "reading the run", err);
    }
    sqlite3_finalize(st);
    return rc;
}

int mp_runs_delete(mp_runs_db *d, int64_t id, int *removed, mp_error *err)
{
    *removed = 0;
    if (!d) {
        if (id < 0)
            return 0;
        return mp_error_set(err, MP_ENOTFOUND, "no run with id %lld (no runs stored)",
                            (long long)id);
    }
    int rc = exec(d, "BEGIN IMMEDIATE", "starting a write", err);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(d->db, id < 0 ? "DELETE FROM runs" : "DELETE FROM runs WHERE id = ?1",
                                 -1, &st, NULL);
    if (src == SQLITE_OK) {
        if (id >= 0)
            sqlite3_bind_int64(st, 1, id);
        src = sqlite3_step(st);
        if (src == SQLITE_DONE)
            src = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if (src != SQLITE_OK) {
        rc = db_error(d, src, "removing runs", err);
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    *removed = sqlite3_changes(d->db);
    if (id >= 0 && *removed == 0) {
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
        return mp_error_set(err, MP_ENOTFOUND, "no run with id %lld (see 'mlxplan runs list')",
                            (long long)id);
    }
    if ((rc = exec(d, "COMMIT", "committing", err))) {
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return 0;
}
