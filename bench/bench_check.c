/*
 * bench_check.c - speed of `mlxplan check`: checks every script of the test
 * corpus (tests/check/ok and tests/check/bad, read into memory once) N times
 * through the library and prints files per second and milliseconds per file.
 *
 *   bench_check [DIR [N]]     DIR defaults to tests/check, N to 200
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/check.h"
#include "util/text.h"

#define MAX_FILES 256

typedef struct source {
    char *name;
    char *text;
    size_t len;
} source;

static int load_dir(const char *dir, source *out, int n)
{
    DIR *d = opendir(dir);
    if (!d)
        return n;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_FILES) {
        size_t k = strlen(e->d_name);
        if (k < 4 || strcmp(e->d_name + k - 3, ".py") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        mp_error err;
        mp_error_clear(&err);
        if (mp_read_file(path, MP_CHECK_MAX_SOURCE_BYTES, "script", &out[n].text, &out[n].len,
                         &err)) {
            fprintf(stderr, "bench_check: %s\n", err.msg);
            continue;
        }
        out[n].name = mp_strdup(path);
        n++;
    }
    closedir(d);
    return n;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : "tests/check";
    long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 200;
    if (rounds < 1)
        rounds = 1;
    static source src[MAX_FILES];
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/ok", root);
    int n = load_dir(dir, src, 0);
    snprintf(dir, sizeof dir, "%s/bad", root);
    n = load_dir(dir, src, n);
    if (n == 0) {
        fprintf(stderr, "bench_check: no scripts under %s/ok or %s/bad\n", root, root);
        return 1;
    }
    size_t bytes = 0, lines = 0;
    for (int i = 0; i < n; i++) {
        bytes += src[i].len;
        for (size_t k = 0; k < src[i].len; k++)
            lines += src[i].text[k] == '\n';
    }
    size_t found = 0;
    double t0 = now_s();
    for (long r = 0; r < rounds; r++) {
        mp_check_result res = MP_CHECK_RESULT_INIT;
        for (int i = 0; i < n; i++) {
            mp_error err;
            mp_error_clear(&err);
            if (mp_check_source(src[i].text, src[i].len, src[i].name, NULL, &res, &err)) {
                fprintf(stderr, "bench_check: %s\n", err.msg);
                return 1;
            }
        }
        found = res.n;
        mp_check_result_release(&res);
    }
    double dt = now_s() - t0;
    double checks = (double)n * (double)rounds;
    printf("%d files (%zu lines, %zu bytes), %zu findings per pass, %ld passes\n", n, lines,
           bytes, found, rounds);
    printf("%.0f files/s, %.3f ms per file, %.2f ms per pass over the corpus, %.1f MB/s\n",
           checks / dt, dt * 1e3 / checks, dt * 1e3 / (double)rounds,
           (double)bytes * (double)rounds / dt / 1e6);
    for (int i = 0; i < n; i++) {
        free(src[i].name);
        free(src[i].text);
    }
    return 0;
}
