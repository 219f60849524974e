/*
 * docs_index.h - the SQLite FTS5 index behind docs search: its schema, how
 * the build fills it from the compiled tables, and the image the build
 * compiles in.  Internal to src/kb/docs*.c and tools/gen/mkindex.c.
 *
 * Schema: entry(id, kind, row) names each indexed entry; the contentless
 * FTS5 table doc(name, summary, body) holds its words under the same rowid.
 * Texts are not stored: results are read back from the compiled tables
 * through (kind, row), so the index only ranks.  The tokenizer is porter
 * over unicode61, which splits names at '.', '_' and '-'
 * ("mlx.core.value_and_grad" -> mlx core value and grad).
 */
#ifndef MP_KB_DOCS_INDEX_H
#define MP_KB_DOCS_INDEX_H

#include <sqlite3.h>
#include <stddef.h>

#include "util/error.h"

/* BM25 column weights: a word in the name counts far more than one in the
 * summary, which counts more than one in the body. */
#define MP_DOCS_BM25_WEIGHTS "12.0, 4.0, 1.0"

/* Create the schema in the empty database `db` and index every entry of
 * every kind (mp_docs_entry).  Returns 0, MP_ENOMEM or MP_EINTERNAL with
 * SQLite's message. */
int mp_docs_index_build(sqlite3 *db, mp_error *err);

/* The serialized database written by tools/gen/mkindex.c at build time
 * (build/generated/docs_index.c). */
extern const unsigned char mp_docs_index_image[];
extern const size_t mp_docs_index_image_len;

#endif
