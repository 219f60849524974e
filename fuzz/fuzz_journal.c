/*
 * fuzz_journal.c - libFuzzer target for the project journal reader
 * (mp_journal_read, `plan --journal DIR`): the input holds the journal's
 * files separated by NUL bytes, in the order PROJECT-DESCRIPTION.md,
 * TECH-STACK.md, PRD.md, CHANGELOG.md, OUR-PLAN.md (fewer parts: fewer
 * files).  They are written into a scratch folder and read back.  Must
 * hold: a refusal is one line; an accepted journal gives a sane spec and
 * names at most the five files.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "plan/journal.h"

static const char *const names[] = {"PROJECT-DESCRIPTION.md", "TECH-STACK.md", "PRD.md",
                                    "CHANGELOG.md", "OUR-PLAN.md"};
enum { N_FILES = sizeof names / sizeof names[0] };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_isolate(); /* the journal folder is the scratch folder itself */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    for (int i = 0; i < N_FILES; i++) {
        remove(names[i]);
        if (p > end)
            continue;
        const uint8_t *nul = memchr(p, '\0', (size_t)(end - p));
        size_t len = (size_t)((nul ? nul : end) - p);
        FILE *f = fopen(names[i], "wb");
        if (!f || (len && fwrite(p, 1, len, f) != len) || fclose(f) != 0)
            abort();
        p = nul ? nul + 1 : end + 1;
    }
    mp_spec *s = malloc(sizeof *s);
    if (!s)
        abort();
    mp_spec_init(s);
    mp_journal_info info;
    memset(&info, 0, sizeof info);
    mp_error e;
    mp_error_clear(&e);
    if (mp_journal_read(".", s, &info, &e) != 0) {
        fuzz_check_one_line(e.msg);
    } else {
        if (info.n_files < 0 || info.n_files > N_FILES ||
            strnlen(info.files, sizeof info.files) == sizeof info.files)
            abort();
        for (int i = 0; i < s->n_contradictions; i++)
            if (!mp_utf8_valid(s->contradictions[i], strlen(s->contradictions[i])))
                abort();
    }
    free(s);
    return 0;
}
