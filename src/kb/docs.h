/*
 * docs.h - the searchable MLX / MLX-LM reference behind `mlxplan docs` and
 * the MCP server's docs tool.
 *
 * Every documented thing is an entry: an API symbol (overloads merged), an
 * mlx-lm command or flag, a LoRA config key, a training data format, a
 * practice, a model type or a feature's arrival.  Entries are views of the
 * compiled tables (tables.h); their text pointers point into those tables
 * and live for the whole program.
 *
 * Search runs on an SQLite FTS5 index that the build generates from the
 * same tables (tools/gen/mkindex.c) and compiles in as a byte array; opening
 * it deserializes that image read-only, so nothing is read from disk.
 * Ranking: entries whose name is the query (or ends with it) first, then
 * BM25 with the name column weighted far above the summary and the body.
 * Query text is never handed to FTS5 as syntax: it is split into plain
 * words which are quoted, so no input can raise an FTS5 syntax error.
 *
 * No I/O here; renderers are in render/docs.h.
 */
#ifndef MP_KB_DOCS_H
#define MP_KB_DOCS_H

#include <stdbool.h>
#include <stddef.h>

#include "kb/suggest.h"
#include "kb/tables.h"
#include "util/error.h"

/* X(enum, name used on the command line and in JSON) */
#define MP_DOC_KINDS(X)                  \
    X(MP_DOC_API, "api")                 \
    X(MP_DOC_COMMAND, "command")         \
    X(MP_DOC_FLAG, "flag")               \
    X(MP_DOC_LORA_KEY, "lora_key")       \
    X(MP_DOC_FORMAT, "format")           \
    X(MP_DOC_PRACTICE, "practice")       \
    X(MP_DOC_MODEL_TYPE, "model_type")   \
    X(MP_DOC_FEATURE, "feature")

typedef enum mp_doc_kind {
#define MP_DOC_KIND_ENUM(e, s) e,
    MP_DOC_KINDS(MP_DOC_KIND_ENUM)
#undef MP_DOC_KIND_ENUM
    MP_DOC_KIND_COUNT
} mp_doc_kind;

/* "api", "flag", ... for a kind. */
const char *mp_doc_kind_name(mp_doc_kind k);
/* The kind named `s`; -1 when none is (then `err` lists the valid names). */
int mp_doc_kind_parse(const char *s, mp_error *err);

#define MP_DOC_NAME_MAX 192

/* One entry.  Strings are never NULL ("" when the table has nothing). */
typedef struct mp_doc_entry {
    mp_doc_kind kind;
    size_t row;                  /* index into the kind's table (first overload) */
    char name[MP_DOC_NAME_MAX];  /* qualified: mlx.core.value_and_grad,
                                  * "mlx_lm.lora --num-layers", lora_config.num_layers,
                                  * data_format.chat, LAZY-001, model_type.llama */
    char leaf[MP_DOC_NAME_MAX];  /* last part: value_and_grad, --num-layers, num_layers */
    char alias[MP_DOC_NAME_MAX]; /* short spelling ("mx.fast.rms_norm") or "" */
    const char *summary;         /* one line: gist, rule, feature text */
    const char *detail;          /* notes, the practice's reason, ... */
    const char *api_kind;        /* function, class, ... (api only) */
    const char *signature;       /* first overload's signature (api) */
    size_t n_overloads;          /* api: rows sharing the name (>= 1); others 0 */
    const char *type;            /* flag / LoRA key type */
    const char *dflt;            /* default value as the source writes it */
    const char *choices;         /* "a|b|c" */
    const char *aliases;         /* short flags ("-m") */
    const char *related;         /* comma-separated qualified names (practice,
                                  * feature) or the LoRA key's CLI flag */
    const char *source;          /* path in the MLX / MLX-LM repository */
    const char *package;         /* "mlx" or "mlx-lm" */
    const char *version;         /* the package version the tables describe */
    const char *since;           /* first release tag with it ("v0.8.0") or "" */
    char replacement[MP_DOC_NAME_MAX]; /* deprecated: what to use instead, else "" */
    bool deprecated;
    const char *deprecated_since;/* release that deprecated it, or "" */
} mp_doc_entry;

/* Entries are addressed by (kind, row of the kind's table).  Every row is
 * an entry except the later overloads of an API name, which belong to the
 * entry of their first row. */

/* Rows of the table behind `kind` (an upper bound for the row argument). */
size_t mp_docs_rows(mp_doc_kind kind);

/* Number of entries of `kind` (what the index must hold). */
size_t mp_docs_count(mp_doc_kind kind);

/* Fill `e` for the entry at `row` of `kind`.  Returns 0, or MP_ENOTFOUND
 * when `row` is out of range or a later overload (not an entry itself). */
int mp_docs_entry(mp_doc_kind kind, size_t row, mp_doc_entry *e);

/* Only the name, last part and alias of an entry (cheap; for scans over
 * every entry).  Same return values as mp_docs_entry. */
int mp_docs_entry_names(mp_doc_kind kind, size_t row, char *name, char *leaf, char *alias);

/* ---- the index ------------------------------------------------------------ */

typedef struct mp_docs mp_docs; /* an open index; one per thread */

/* Open the compiled-in index.  Errors: MP_EINTERNAL when the image is
 * missing or unreadable (a build problem), MP_ENOMEM.  Free with
 * mp_docs_close (accepts NULL). */
int mp_docs_open(mp_docs **out, mp_error *err);
void mp_docs_close(mp_docs *d);

/* Size in bytes of the compiled-in index image. */
size_t mp_docs_index_bytes(void);

/* Number of entries of `kind` stored in the index (for the consistency
 * test); negative mp_code on failure. */
long mp_docs_index_count(mp_docs *d, mp_doc_kind kind);

#define MP_DOCS_LIMIT_MAX 100
#define MP_DOCS_QUERY_MAX 1024   /* bytes of query text considered */

typedef struct mp_doc_hit {
    mp_doc_entry entry;
    int tier;      /* 3 exact name, 2 exact last part / suffix, 1 same when
                    * folded, 0 text match only */
    double score;  /* BM25 (lower is better, as SQLite reports it) */
} mp_doc_hit;

typedef struct mp_doc_results {
    char query[MP_DOCS_QUERY_MAX + 1]; /* the text searched (truncated copy) */
    char match[1024];        /* the FTS5 expression that ran ("" if none) */
    size_t total;            /* entries that matched before the limit */
    size_t n;                /* hits returned */
    mp_doc_hit *hits;        /* n hits, best first; malloc'd */
    mp_suggest suggest;      /* close names when n == 0 */
} mp_doc_results;

/* Search for `query` (any bytes; only letters and digits count, words past
 * the 16th are ignored).  `limit` in 1..MP_DOCS_LIMIT_MAX; `kind` -1 for
 * all kinds.  A query without matches is not an error: n == 0 and
 * `suggest` holds close names.  Errors: MP_EINVAL (limit), MP_ENOMEM,
 * MP_EINTERNAL (SQLite failure).  Free with mp_doc_results_release. */
int mp_docs_search(mp_docs *d, const char *query, int limit, int kind, mp_doc_results *out,
                   mp_error *err);
void mp_doc_results_release(mp_doc_results *r);

/* The entry named exactly `name`: a qualified or alias spelling
 * ("mx.fast.rms_norm", "mlx_lm lora --num-layers", "lora_config.rank"), a
 * practice id, or a last part that only one entry has ("rms_norm").
 * Needs no open index: names come from the compiled tables.
 * Errors: MP_ENOTFOUND ("unknown name 'x'; did you mean ...") and
 * MP_EAMBIGUOUS (lists the candidates), with `suggest` filled when not
 * NULL.  `kind` -1 or a kind to restrict the look-up to. */
int mp_docs_show(const char *name, int kind, mp_doc_entry *out, mp_suggest *suggest,
                 mp_error *err);

/* Close names for `query` among every entry name (for "did you mean"). */
void mp_docs_suggest(const char *query, int kind, mp_suggest *s);

#endif
