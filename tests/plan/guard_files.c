/*
 * guard_files.c - run the knowledge-base guard (kb/guard.h) over files.
 *
 *   guard_files FILE...
 *
 * Prints every MLX / MLX-LM name, command, flag or mlx_lm.lora YAML key that
 * is not in the ground-truth tables as "FILE:LINE: unknown KIND NAME", then
 * one summary line.  A .json file is parsed and each string value scanned
 * (LINE is then the value's ordinal); a .jsonl file likewise, line by line.
 * Exit 0 when every name is known, 1 when one is not, 2 when a file cannot
 * be read or parsed.  The goldens of every command, the program's string
 * literals and the practices table go through it (tests/plan/tests.cmake).
 */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/guard.h"

static const char *const kinds[] = {"name", "module", "command", "flag", "yaml-key"};

typedef struct where {
    const char *file;
    int item;
} where;

static int report(mp_guard_kind kind, const char *what, int line, void *ctx)
{
    const where *w = ctx;
    if (w->item)
        printf("%s: string %d, line %d: unknown %s %s\n", w->file, w->item, line, kinds[kind],
               what);
    else
        printf("%s:%d: unknown %s %s\n", w->file, line, kinds[kind], what);
    return 0;
}

/* Whole file into a NUL-terminated buffer; NULL on failure. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *grown = realloc(buf, (cap *= 2) + 1);
            if (!grown)
                free(buf);
            buf = grown;
        }
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

static void scan_json(const cJSON *j, where *w, int *bad, int *known)
{
    for (; j; j = j->next) {
        if (cJSON_IsString(j)) {
            int k = 0;
            w->item++;
            *bad += mp_guard_scan(j->valuestring, strlen(j->valuestring), MP_GUARD_TEXT, report,
                                  w, &k);
            *known += k;
        }
        scan_json(j->child, w, bad, known);
    }
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

int main(int argc, char **argv)
{
    int bad = 0, known = 0;
    for (int i = 1; i < argc; i++) {
        size_t len = 0;
        char *buf = slurp(argv[i], &len);
        if (!buf) {
            perror(argv[i]);
            return 2;
        }
        where w = {argv[i], 0};
        if (ends_with(argv[i], ".json") || ends_with(argv[i], ".jsonl")) {
            for (char *line = buf; *line;) {
                char *nl = ends_with(argv[i], ".jsonl") ? strchr(line, '\n') : NULL;
                if (nl)
                    *nl = '\0';
                if (*line) {
                    cJSON *root = cJSON_Parse(line);
                    if (!root) {
                        fprintf(stderr, "%s: not valid JSON\n", argv[i]);
                        free(buf);
                        return 2;
                    }
                    scan_json(root, &w, &bad, &known);
                    cJSON_Delete(root);
                }
                line = nl ? nl + 1 : line + strlen(line);
            }
        } else {
            int k = 0;
            bad += mp_guard_scan(buf, len, MP_GUARD_TEXT, report, &w, &k);
            known += k;
        }
        free(buf);
    }
    printf("%d files, %d names checked, %d unknown\n", argc - 1, known, bad);
    return bad ? 1 : 0;
}
