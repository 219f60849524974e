/*
 * bench_train.c - how close the training estimates come to measured runs.
 *
 *   bench_train [MEMORY_TSV]   (default data/calibration/mlx-train-memory.tsv)
 *
 * Memory: every row of the measured-peak table (real MLX, tools/calib/
 * train_memory.py) is rebuilt as a config, estimated by mp_train (the code
 * `mlxplan estimate --task lora|pretrain` runs) and compared with the
 * measured mx.get_peak_memory().  Prints each row's signed error and the
 * median and largest absolute error of the rows the constants were fitted
 * on and of the held-out rows, separately.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/train.h"
#include "kb/chips.h"
#include "util/text.h"

enum { MAX_ROWS = 256, N_COLS = 18 };

typedef struct row_err {
    double pct;
    bool held_out;
} row_err;

static int cmp_abs(const void *x, const void *y)
{
    double a = fabs(*(const double *)x), b = fabs(*(const double *)y);
    return (a > b) - (a < b);
}

static void summary(const char *label, const row_err *e, int n, bool held_out)
{
    double v[MAX_ROWS];
    int k = 0;
    for (int i = 0; i < n; i++)
        if (e[i].held_out == held_out)
            v[k++] = e[i].pct;
    if (!k)
        return;
    qsort(v, (size_t)k, sizeof v[0], cmp_abs);
    double med = k % 2 ? fabs(v[k / 2]) : (fabs(v[k / 2 - 1]) + fabs(v[k / 2])) / 2;
    printf("  %-9s %3d rows   median |error| %5.1f %%   largest %5.1f %%\n", label, k, med,
           fabs(v[k - 1]));
}

/* Split a TSV line in place into at most `max` fields; returns the count. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = 0;
            f[n++] = p + 1;
        }
    return n;
}

static int memory_rows(const char *path, const mp_machine *m)
{
    char *text;
    size_t len;
    mp_error err;
    mp_error_clear(&err);
    if (mp_read_file(path, 1 << 20, "training-memory table", &text, &len, &err)) {
        fprintf(stderr, "bench_train: %s\n", err.msg);
        return 1;
    }
    row_err errs[MAX_ROWS];
    int n = 0, lineno = 0;
    printf("training peak memory: estimate vs measured (%s)\n", path);
    printf("  %-6s %-8s %-8s %5s %5s %4s %4s %10s %10s %7s  %s\n", "shape", "task", "dtype",
           "batch", "seq", "nl", "ckpt", "measured", "estimate", "error", "set");
    for (char *save = NULL, *ln = strtok_r(text, "\n", &save); ln;
         ln = strtok_r(NULL, "\n", &save)) {
        if (lineno++ == 0 || n >= MAX_ROWS)
            continue; /* header */
        char *f[N_COLS];
        if (split(ln, f, N_COLS) < 17) {
            fprintf(stderr, "bench_train: %s:%d: expected 18 columns\n", path, lineno);
            free(text);
            return 1;
        }
        int64_t num[N_COLS];
        static const int num_cols[] = {2, 5, 9, 10, 11, 12, 13};
        for (size_t k = 0; k < sizeof num_cols / sizeof num_cols[0]; k++) {
            char what[32];
            snprintf(what, sizeof what, "column %d", num_cols[k] + 1);
            if (mp_parse_i64(f[num_cols[k]], -1, INT32_MAX, what, &num[num_cols[k]], &err)) {
                fprintf(stderr, "bench_train: %s:%d: %s\n", path, lineno, err.msg);
                free(text);
                return 1;
            }
        }
        if (num[5] == 0) {
            fprintf(stderr, "bench_train: %s:%d: column 6 (heads) is 0\n", path, lineno);
            free(text);
            return 1;
        }
        char json[512];
        snprintf(json, sizeof json,
                 "{\"model_type\":\"llama\",\"hidden_size\":%s,\"intermediate_size\":%s,"
                 "\"num_hidden_layers\":%s,\"num_attention_heads\":%s,"
                 "\"num_key_value_heads\":%s,\"vocab_size\":%s,\"tie_word_embeddings\":false,"
                 "\"head_dim\":%lld,\"torch_dtype\":\"%s\"}",
                 f[2], f[3], f[4], f[5], f[6], f[7], (long long)(num[2] / num[5]), f[8]);
        mp_arch a;
        if (mp_arch_from_json(json, strlen(json), f[0], &a, &err)) {
            fprintf(stderr, "bench_train: %s:%d: %s\n", path, lineno, err.msg);
            free(text);
            return 1;
        }
        mp_train_req r;
        memset(&r, 0, sizeof r);
        r.arch = &a;
        r.mach = m;
        r.base_quant = mp_quant_float(a.dtype);
        r.task = strcmp(f[1], "lora") == 0 ? MP_TASK_LORA : MP_TASK_PRETRAIN;
        r.train_dtype = a.dtype;
        r.batch = (int)num[9];
        r.seq_len = num[10];
        r.num_layers = (int)num[11];
        r.rank = (int)num[12];
        r.grad_checkpoint = num[13] != 0;
        r.grad_accum = 1;
        r.optim = MP_OPT_ADAM;
        mp_train_result t;
        if (mp_train(&r, &t, &err)) {
            fprintf(stderr, "bench_train: %s:%d: %s\n", path, lineno, err.msg);
            mp_arch_release(&a);
            free(text);
            return 1;
        }
        double meas = atof(f[15]);
        errs[n].pct = 100.0 * (t.total_bytes / meas - 1);
        errs[n].held_out = strcmp(f[16], "held-out") == 0;
        printf("  %-6s %-8s %-8s %5s %5s %4s %4s %8.1f MB %8.1f MB %+6.1f%%  %s\n", f[0], f[1],
               f[8], f[9], f[10], f[11], f[13], meas / 1e6, t.total_bytes / 1e6, errs[n].pct,
               f[16]);
        n++;
        mp_arch_release(&a);
    }
    free(text);
    summary("fitted", errs, n, false);
    summary("held-out", errs, n, true);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mem = argc > 1 ? argv[1] : "data/calibration/mlx-train-memory.tsv";
    mp_chip_match cm;
    mp_machine m;
    mp_error err;
    mp_error_clear(&err);
    if (mp_chip_resolve("M4 Max 40c", 128, &cm, &err) ||
        mp_machine_init(&m, &cm.chip, 128, &err)) {
        fprintf(stderr, "bench_train: %s\n", err.msg);
        return 1;
    }
    return memory_rows(mem, &m);
}
