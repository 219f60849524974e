/*
 * fuzz.h - what every fuzz target shares.
 *
 * A target is one file fuzz/fuzz_<name>.c defining LLVMFuzzerTestOneInput
 * (and, when it needs one-time setup, LLVMFuzzerInitialize), plus seeds in
 * fuzz/seeds/<name>/ and optionally a dictionary fuzz/<name>.dict.  The same
 * file is built twice:
 *  - with -DMLXPLAN_FUZZ=ON (clang): a libFuzzer binary, run by fuzz/run.sh;
 *  - always: a replay binary (fuzz/replay.c supplies main) that feeds every
 *    seed and every saved crash (fuzz/regressions/<name>/) to the target,
 *    so the ordinary test suite, the sanitizer build and valgrind replay
 *    them (ctest -L fuzz-replay).
 * A target checks what must hold for any input and calls abort() when it
 * does not, so the fuzzer keeps the input.
 */
#ifndef MP_FUZZ_FUZZ_H
#define MP_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "render/json.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A malloc'd NUL-terminated copy of the input (it stops at an embedded
 * NUL, as a C string from argv or a file name would).  Aborts on
 * allocation failure: the fuzzer's memory limit is the real bound. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Split off a leading line of the input ("36\nM3 Max" -> "36", "M3 Max");
 * returns the first line (malloc'd) and leaves the rest in *rest.  No
 * newline: the first line is empty and *rest is the whole input. */
static inline char *fuzz_split_line(const uint8_t *data, size_t size, char **rest)
{
    const uint8_t *nl = memchr(data, '\n', size);
    if (!nl) {
        *rest = fuzz_cstr(data, size);
        return fuzz_cstr(data, 0);
    }
    size_t head = (size_t)(nl - data);
    *rest = fuzz_cstr(nl + 1, size - head - 1);
    return fuzz_cstr(data, head);
}

/* Split off an optional leading line holding a whole number in [lo, hi]
 * ("36\nM3 Max" -> 36 and "M3 Max"); 0 when absent or not such a number.
 * *rest (malloc'd) receives the remaining text. */
static inline int64_t fuzz_split_number(const uint8_t *data, size_t size, int64_t lo, int64_t hi,
                                        char **rest)
{
    char *head = fuzz_split_line(data, size, rest);
    int64_t v = 0;
    if (head[0] && mp_parse_i64(head, lo, hi, "number", &v, NULL) != 0)
        v = 0;
    free(head);
    return v;
}

/* Run in a fresh, empty folder, with nothing of this machine in reach: no
 * /proc, no nvidia-smi, empty Hugging Face and description caches, the Hub
 * off.  For targets whose code looks at the disk or the network. */
static inline void fuzz_isolate(void)
{
    char dir[] = "/tmp/mlxplan-fuzz-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0)
        abort();
    setenv("MLXPLAN_PROC_ROOT", dir, 1);
    setenv("MLXPLAN_NVIDIA_SMI", "", 1);
    setenv("HOME", dir, 1);
    setenv("HF_HOME", dir, 1);
    setenv("XDG_CACHE_HOME", dir, 1);
    setenv("MLXPLAN_CACHE_DIR", dir, 1);
    setenv("HF_HUB_OFFLINE", "1", 1);
    setenv("HF_ENDPOINT", "http://127.0.0.1:9", 1);
}

/* Abort unless `j` (consumed) renders to JSON text that parses back. */
static inline void fuzz_check_json(cJSON *j)
{
    mp_buf b = MP_BUF_INIT;
    if (!j || mp_json_write(j, &b) != 0)
        abort();
    cJSON *back = cJSON_ParseWithLength(b.data, b.len);
    if (!back)
        abort();
    cJSON_Delete(back);
    cJSON_Delete(j);
    mp_buf_release(&b);
}

/* Abort unless `s` is one line of UTF-8 text: what every error message
 * must be (it goes to a terminal and into JSON). */
static inline void fuzz_check_one_line(const char *s)
{
    if (!s[0] || strchr(s, '\n') || strchr(s, '\r') || !mp_utf8_valid(s, strlen(s)))
        abort();
}

#endif
