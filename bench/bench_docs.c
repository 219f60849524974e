/*
 * bench_docs.c - time of a docs query as the CLI runs it: open the
 * compiled-in index, search, render Markdown, close.  Also times building
 * the same index in memory, the alternative to building it at build time.
 *
 *   bench_docs [ROUNDS]      (default 200)
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdint.h>
#include <time.h>

#include "kb/docs.h"
#include "kb/docs_index.h"
#include "render/docs.h"
#include "util/text.h"

static const char *const queries[] = {
    "value_and_grad", "reduce memory lora", "--num-layers", "mx.fast.rms_norm",
    "set_wired_limit", "kv bits", "mlx.core.fast.scaled_dot_product_attention",
    "quantize 4 bit", "prompt cache", "mx.metal.clear_cache", "lora rank", "compile",
};
enum { N_QUERIES = sizeof queries / sizeof queries[0] };

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int one_query(const char *q, mp_buf *out)
{
    mp_docs *d = NULL;
    mp_doc_results r;
    int rc = mp_docs_open(&d, NULL);
    if (rc == 0)
        rc = mp_docs_search(d, q, 10, -1, &r, NULL);
    if (rc == 0) {
        mp_render_doc_results_md(&r, out);
        mp_doc_results_release(&r);
    }
    mp_docs_close(d);
    return rc;
}

int main(int argc, char **argv)
{
    int64_t rounds = 200;
    if (argc > 1 && mp_parse_i64(argv[1], 1, 100000, "ROUNDS", &rounds, NULL) != 0) {
        fprintf(stderr, "usage: bench_docs [ROUNDS]   (1 to 100000)\n");
        return 2;
    }
    mp_buf out = MP_BUF_INIT;
    printf("docs index image: %zu bytes\n", mp_docs_index_bytes());
    double total = 0, worst = 0;
    for (int i = 0; i < N_QUERIES; i++) {
        double t0 = now_ms();
        for (int64_t k = 0; k < rounds; k++) {
            mp_buf_reset(&out);
            if (one_query(queries[i], &out) != 0) {
                fprintf(stderr, "query '%s' failed\n", queries[i]);
                return 1;
            }
        }
        double ms = (now_ms() - t0) / rounds;
        total += ms;
        if (ms > worst)
            worst = ms;
        printf("%8.3f ms  %s\n", ms, queries[i]);
    }
    printf("mean %.3f ms, worst %.3f ms per query (open + search + render, %lld rounds)\n",
           total / N_QUERIES, worst, (long long)rounds);

    /* the alternative: build the index in memory at first use */
    double t0 = now_ms();
    int builds = rounds < 20 ? (int)rounds : 20;
    for (int k = 0; k < builds; k++) {
        sqlite3 *db = NULL;
        if (sqlite3_open(":memory:", &db) != SQLITE_OK || mp_docs_index_build(db, NULL) != 0) {
            fprintf(stderr, "in-memory build failed\n");
            return 1;
        }
        sqlite3_close(db);
    }
    printf("building the index in memory instead: %.3f ms\n", (now_ms() - t0) / builds);
    mp_buf_release(&out);
    return 0;
}
