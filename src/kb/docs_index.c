/* docs_index.c - fill the docs FTS5 index from the compiled tables; see
 * docs_index.h.  Runs at build time (tools/gen/mkindex.c); the program only
 * reads the result. */
#include "kb/docs_index.h"

#include <string.h>

#include "kb/docs.h"
#include "kb/tables.h"
#include "util/buf.h"

static int sql_fail(sqlite3 *db, mp_error *err, const char *what)
{
    return mp_error_set(err, MP_EINTERNAL, "docs index: %s: %s", what, sqlite3_errmsg(db));
}

/* Words of the model types that load through `module` (MODEL_REMAPPING),
 * so that "mistral" finds model_type.llama. */
static void model_aliases(const char *module, mp_buf *b)
{
    for (size_t i = 0; i < mp_model_alias_rows_len; i++)
        if (strcmp(mp_model_alias_rows[i].module, module) == 0)
            mp_buf_printf(b, " %s", mp_model_alias_rows[i].config_type);
}

/* The searchable text of an entry beyond its name and summary. */
static void body_text(const mp_doc_entry *e, mp_buf *b)
{
    const char *parts[] = {e->api_kind, e->signature, e->detail,  e->type,   e->dflt,
                           e->choices,  e->aliases,   e->related, e->source, e->since};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (parts[i][0])
            mp_buf_printf(b, "%s%s", b->len ? " " : "", parts[i]);
    if (e->kind == MP_DOC_FORMAT) {
        const mp_format_row *r = &mp_format_rows[e->row];
        mp_buf_printf(b, " %s %s %s %s", r->optional_keys, r->rename_key, r->mask_prompt,
                      r->dataset_class);
    } else if (e->kind == MP_DOC_PRACTICE) {
        mp_buf_printf(b, " %s", mp_practice_rows[e->row].topic);
    } else if (e->kind == MP_DOC_MODEL_TYPE) {
        model_aliases(mp_model_type_rows[e->row].name, b);
    }
    if (e->deprecated)
        mp_buf_printf(b, " deprecated %s", e->replacement);
}

static int insert_all(sqlite3 *db, sqlite3_stmt *ins_entry, sqlite3_stmt *ins_doc,
                      mp_error *err)
{
    mp_buf name = MP_BUF_INIT, body = MP_BUF_INIT;
    int rc = 0;
    sqlite3_int64 id = 0;
    for (int k = 0; k < MP_DOC_KIND_COUNT && rc == 0; k++) {
        size_t rows = mp_docs_rows((mp_doc_kind)k);
        for (size_t row = 0; row < rows && rc == 0; row++) {
            mp_doc_entry e;
            if (mp_docs_entry((mp_doc_kind)k, row, &e) != 0)
                continue; /* a later overload */
            id++;
            mp_buf_reset(&name);
            mp_buf_reset(&body);
            /* the name column also carries the short spelling; a feature's
             * name is its description, which is already its summary */
            if (e.kind != MP_DOC_FEATURE)
                mp_buf_printf(&name, "%s %s", e.name, e.alias);
            body_text(&e, &body);
            if ((rc = mp_buf_status(&name)) != 0 || (rc = mp_buf_status(&body)) != 0) {
                rc = mp_error_set(err, rc, "docs index: out of memory");
                break;
            }
            sqlite3_reset(ins_entry);
            sqlite3_bind_int64(ins_entry, 1, id);
            sqlite3_bind_int(ins_entry, 2, k);
            sqlite3_bind_int64(ins_entry, 3, (sqlite3_int64)row);
            sqlite3_reset(ins_doc);
            sqlite3_bind_int64(ins_doc, 1, id);
            sqlite3_bind_text(ins_doc, 2, mp_buf_cstr(&name), -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_doc, 3, e.summary, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_doc, 4, mp_buf_cstr(&body), -1, SQLITE_STATIC);
            if (sqlite3_step(ins_entry) != SQLITE_DONE || sqlite3_step(ins_doc) != SQLITE_DONE)
                rc = sql_fail(db, err, "insert");
        }
    }
    mp_buf_release(&name);
    mp_buf_release(&body);
    return rc;
}

int mp_docs_index_build(sqlite3 *db, mp_error *err)
{
    static const char schema[] =
        "PRAGMA page_size = 1024;"
        "CREATE TABLE entry(id INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
        " row INTEGER NOT NULL);"
        "CREATE VIRTUAL TABLE doc USING fts5(name, summary, body, content='',"
        " tokenize='porter unicode61');";
    if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(db, err, "schema");
    sqlite3_stmt *ins_entry = NULL, *ins_doc = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db, "INSERT INTO entry(id, kind, row) VALUES (?1, ?2, ?3)", -1,
                           &ins_entry, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO doc(rowid, name, summary, body) VALUES (?1, ?2, ?3, ?4)",
                           -1, &ins_doc, NULL) != SQLITE_OK) {
        rc = sql_fail(db, err, "prepare");
        goto done;
    }
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        rc = sql_fail(db, err, "begin");
        goto done;
    }
    rc = insert_all(db, ins_entry, ins_doc, err);
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = sql_fail(db, err, "commit");
    /* merge the FTS5 segments into one b-tree: smaller and faster to query */
    if (rc == 0 &&
        sqlite3_exec(db, "INSERT INTO doc(doc) VALUES ('optimize'); VACUUM;", NULL, NULL,
                     NULL) != SQLITE_OK)
        rc = sql_fail(db, err, "optimize");
done:
    sqlite3_finalize(ins_entry);
    sqlite3_finalize(ins_doc);
    return rc;
}
