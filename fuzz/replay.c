/*
 * replay.c - main() for the replay build of a fuzz target: runs the target
 * once on every file of the folders (or files) named on the command line,
 * so seeds and saved crashes are part of the ordinary test suite.  Exits 1
 * when a folder cannot be read or holds nothing; a crash is the target's
 * own abort (or a sanitizer report).
 *
 *   replay_<name> DIR_OR_FILE...
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* Targets without one-time setup do not define LLVMFuzzerInitialize. */
#pragma weak LLVMFuzzerInitialize

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + len, 1, cap - len, f)) > 0) {
        len += k;
        if (len == cap) {
            unsigned char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "replay: out of memory reading %s\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of `dir` in name order (so runs are repeatable). */
static int replay_dir(const char *dir, int *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot read folder %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **p = realloc(names, cap * sizeof *p);
            if (!p) {
                rc = -1;
                break;
            }
            names = p;
        }
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        if ((names[n] = malloc(len)) == NULL) {
            rc = -1;
            break;
        }
        snprintf(names[n++], len, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            rc = replay_file(names[i]);
            ++*count;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    /* a target's setup may change the working folder: make paths absolute */
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "replay: cannot read the working folder: %s\n", strerror(errno));
        return 1;
    }
    char **paths = calloc((size_t)argc, sizeof *paths);
    if (!paths)
        return 1;
    for (int i = 1; i < argc; i++) {
        size_t len = strlen(cwd) + strlen(argv[i]) + 2;
        if ((paths[i] = malloc(len)) == NULL)
            return 1;
        snprintf(paths[i], len, "%s%s%s", argv[i][0] == '/' ? "" : cwd,
                 argv[i][0] == '/' ? "" : "/", argv[i]);
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int count = 0, rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            /* an absent folder is one the target does not use (no saved
             * crash, seeds only from a test corpus); "no input found"
             * below still catches a target with none at all */
            if (errno == ENOENT)
                continue;
            fprintf(stderr, "replay: %s: %s\n", paths[i], strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = replay_dir(paths[i], &count);
        } else {
            rc = replay_file(paths[i]);
            count++;
        }
    }
    for (int i = 1; i < argc; i++)
        free(paths[i]);
    free(paths);
    if (rc)
        return 1;
    if (count == 0) {
        fprintf(stderr, "replay: no input found\n");
        return 1;
    }
    printf("%d inputs replayed\n", count);
    return 0;
}
