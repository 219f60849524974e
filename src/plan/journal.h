/*
 * journal.h - the project's dev-journal: read it for context, write the plan
 * into it.
 *
 * Read: PROJECT-DESCRIPTION.md, TECH-STACK.md, PRD.md, CHANGELOG.md and
 * OUR-PLAN.md when present (each a regular file of at most
 * MP_JOURNAL_MAX_BYTES, valid UTF-8), parsed like the request with
 * provenance "journal".
 * Write: OUR-PLAN.md (an existing one is first kept as
 * OUR-PLAN.YYYY-MM-DD[-N].md) and one dated line appended to CHANGELOG.md.
 * Both files are written to temporary files in the folder and renamed into
 * place only when both are complete; symlinked targets are refused, so a
 * failed or refused write leaves the folder as it was.
 */
#ifndef MP_PLAN_JOURNAL_H
#define MP_PLAN_JOURNAL_H

#include "plan/spec.h"
#include "util/error.h"

#define MP_JOURNAL_MAX_BYTES ((size_t)1 << 20)

/* Files read, for the plan's sources (names joined by ", "). */
typedef struct mp_journal_info {
    int n_files;
    char files[160];
} mp_journal_info;

int mp_journal_read(const char *dir, mp_spec *s, mp_journal_info *info, mp_error *err);

/* Write `plan_md` as DIR/OUR-PLAN.md and append `changelog_line` (without
 * date or newline) to DIR/CHANGELOG.md.  `date` is "YYYY-MM-DD".  `kept`
 * (may be NULL) receives the name the previous plan was kept under, or "". */
int mp_journal_write(const char *dir, const char *plan_md, const char *changelog_line,
                     const char *date, char *kept, size_t kept_cap, mp_error *err);

#endif
