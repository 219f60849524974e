/*
 * run_corpus.c - runs the checker over the script corpus of tests/check:
 *
 *   ok/NAME.py   idiomatic MLX / MLX-LM code: must give no finding;
 *   bad/NAME.py  each triggers exactly one rule, named by the file name prefix
 *             (MLX101_no_eval.py), at the places its header announces with
 *             "# expect: MLX101 25:1" lines (one line per finding).
 *
 * It also requires every rule of the table to have at least one bad script,
 * so a new rule cannot land without its example.
 *
 *   run_corpus DIR      DIR is tests/check; prints each mismatch, exits 1 on any
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "util/text.h"

#define MAX_FILES 256
#define MAX_EXPECT 16

typedef struct expect {
    char rule[16];
    unsigned line, col;
} expect;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.py names of a directory, sorted; returns the count. */
static int list_py(const char *dir, char **names)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "run_corpus: cannot open %s\n", dir);
        exit(1);
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_FILES) {
        size_t k = strlen(e->d_name);
        if (k > 3 && strcmp(e->d_name + k - 3, ".py") == 0)
            names[n++] = mp_strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    return n;
}

static int parse_expects(const char *src, expect *out)
{
    int n = 0;
    for (const char *p = src; (p = strstr(p, "# expect: ")) != NULL && n < MAX_EXPECT; p++) {
        if (sscanf(p, "# expect: %15s %u:%u", out[n].rule, &out[n].line, &out[n].col) == 3)
            n++;
    }
    return n;
}

static int check_one(const char *dir, const char *sub, const char *name, bool bad,
                     bool *rule_seen)
{
    char path[1024], shown[512];
    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
    snprintf(shown, sizeof shown, "%s/%s", sub, name);
    char *src = NULL;
    size_t len = 0;
    mp_error err;
    mp_error_clear(&err);
    if (mp_read_file(path, MP_CHECK_MAX_SOURCE_BYTES, "corpus file", &src, &len, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    expect want[MAX_EXPECT];
    int n_want = bad ? parse_expects(src, want) : 0;
    mp_check_result res = MP_CHECK_RESULT_INIT;
    int failures = 0;
    if (mp_check_source(src, len, shown, NULL, &res, &err)) {
        fprintf(stderr, "%s: %s\n", shown, err.msg);
        failures++;
        goto done;
    }
    if (bad && n_want == 0) {
        fprintf(stderr, "%s: no '# expect: RULE LINE:COL' line\n", shown);
        failures++;
    }
    for (int i = 0; i < n_want; i++) {
        if (strncmp(name, want[i].rule, strlen(want[i].rule)) != 0 ||
            name[strlen(want[i].rule)] != '_') {
            fprintf(stderr, "%s: expects %s but is not named after it\n", shown, want[i].rule);
            failures++;
        }
        size_t n_all;
        const mp_check_rule *first_rule = mp_check_rules(&n_all);
        const mp_check_rule *r = mp_check_rule_find(want[i].rule);
        if (r)
            rule_seen[r - first_rule] = true;
    }
    size_t n_rules;
    const mp_check_rule *rules = mp_check_rules(&n_rules);
    for (size_t i = 0; i < res.n; i++) {
        const mp_check_finding *f = &res.items[i];
        bool matched = false;
        for (int k = 0; k < n_want; k++)
            if (strcmp(want[k].rule, rules[f->rule].id) == 0 && want[k].line == f->line &&
                want[k].col == f->col)
                matched = true;
        if (!matched) {
            fprintf(stderr, "%s:%u:%u: unexpected [%s] %s\n", shown, (unsigned)f->line,
                    (unsigned)f->col, rules[f->rule].id, f->message);
            failures++;
        }
    }
    for (int k = 0; k < n_want; k++) {
        bool found = false;
        for (size_t i = 0; i < res.n; i++)
            if (strcmp(want[k].rule, rules[res.items[i].rule].id) == 0 &&
                want[k].line == res.items[i].line && want[k].col == res.items[i].col)
                found = true;
        if (!found) {
            fprintf(stderr, "%s:%u:%u: missing [%s]\n", shown, want[k].line, want[k].col,
                    want[k].rule);
            failures++;
        }
    }
done:
    mp_check_result_release(&res);
    free(src);
    return failures;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: run_corpus DIR\n");
        return 2;
    }
    size_t n_rules;
    const mp_check_rule *rules = mp_check_rules(&n_rules);
    bool seen[64] = {false};
    int failures = 0, files = 0;
    static const char *const subs[] = {"ok", "bad"};
    for (int s = 0; s < 2; s++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", argv[1], subs[s]);
        char *names[MAX_FILES];
        int n = list_py(dir, names);
        if (n == 0) {
            fprintf(stderr, "run_corpus: no scripts in %s\n", dir);
            failures++;
        }
        for (int i = 0; i < n; i++) {
            failures += check_one(argv[1], subs[s], names[i], s == 1, seen);
            files++;
            free(names[i]);
        }
    }
    for (size_t i = 0; i < n_rules; i++)
        if (!seen[i]) {
            fprintf(stderr, "run_corpus: rule %s has no script in bad/\n", rules[i].id);
            failures++;
        }
    printf("%d scripts, %d mismatches\n", files, failures);
    return failures ? 1 : 0;
}
