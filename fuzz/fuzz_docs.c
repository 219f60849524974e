/*
 * fuzz_docs.c - libFuzzer target for docs queries: the text -> FTS5
 * expression sanitizer and search (mp_docs_search), exact look-up
 * (mp_docs_show) and "did you mean" (mp_docs_suggest), with the result
 * renderers.  Input: the query; its first byte also picks the entry kind
 * filter and the result limit.  Must hold: no query is an error (FTS5
 * syntax never leaks through), hits are within the limit, a failed show is
 * one line.
 */
#include "fuzz.h"
#include "kb/docs.h"
#include "render/docs.h"

/* The index is opened once per process, as the CLI and the MCP server do;
 * the harness is the only user of this handle. */
static mp_docs *g_docs;

static void close_docs(void)
{
    mp_docs_close(g_docs); /* so valgrind's replay sees no leak at exit */
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (mp_docs_open(&g_docs, NULL) != 0 || atexit(close_docs) != 0)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *q = fuzz_cstr(data, size);
    int kind = size ? (int)(data[0] % (MP_DOC_KIND_COUNT + 1)) - 1 : -1; /* -1: every kind */
    int limit = size ? 1 + data[0] % MP_DOCS_LIMIT_MAX : 10;
    mp_doc_results *r = malloc(sizeof *r);
    if (!r)
        abort();
    mp_error e;
    mp_error_clear(&e);
    if (mp_docs_search(g_docs, q, limit, kind, r, &e) != 0)
        abort();
    if (r->n > (size_t)limit || r->n > r->total)
        abort();
    mp_buf b = MP_BUF_INIT;
    mp_render_doc_results_md(r, &b);
    fuzz_check_json(mp_render_doc_results_json(r));
    mp_doc_results_release(r);
    free(r);

    mp_doc_entry ent;
    mp_suggest s;
    mp_error_clear(&e);
    if (mp_docs_show(q, kind, &ent, &s, &e) == 0) {
        mp_buf_reset(&b);
        mp_render_doc_entry_md(&ent, &b);
        fuzz_check_json(mp_render_doc_entry_json(&ent));
    } else {
        fuzz_check_one_line(e.msg);
    }
    mp_buf_release(&b);
    free(q);
    return 0;
}
