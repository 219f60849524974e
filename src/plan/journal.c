/* journal.c - read and write the project journal; see journal.h. */
#include "plan/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/text.h"

static const char *const journal_files[] = {"PROJECT-DESCRIPTION.md", "TECH-STACK.md", "PRD.md",
                                            "CHANGELOG.md", "OUR-PLAN.md", NULL};

int mp_journal_read(const char *dir, mp_spec *s, mp_journal_info *info, mp_error *err)
{
    memset(info, 0, sizeof *info);
    struct stat st;
    if (stat(dir, &st) != 0)
        return mp_error_set(err, MP_EIO, "cannot read journal folder '%s': %s", dir,
                            strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return mp_error_set(err, MP_EIO, "journal '%s' is not a folder", dir);
    size_t k = 0;
    for (int i = 0; journal_files[i]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, journal_files[i]);
        if (lstat(path, &st) != 0)
            continue; /* absent files are fine */
        char *text = NULL;
        size_t len = 0;
        int rc = mp_read_file(path, MP_JOURNAL_MAX_BYTES, "journal file", &text, &len, err);
        if (rc)
            return rc;
        if (!mp_utf8_valid(text, len)) {
            free(text);
            return mp_error_set(err, MP_EPARSE, "journal file '%s' is not valid UTF-8 text", path);
        }
        /* the old plan is context, but only its request line matters: the
         * rest is mlxplan's own output */
        size_t use = len;
        if (strcmp(journal_files[i], "OUR-PLAN.md") == 0) {
            const char *end = strstr(text, "\n## ");
            if (end)
                use = (size_t)(end - text);
        }
        if (use > MP_REQUEST_MAX_BYTES)
            use = MP_REQUEST_MAX_BYTES;
        while (use > 0 && (text[use - 1] & 0xc0) == 0x80)
            use--; /* do not cut a UTF-8 sequence */
        if (use > 0 && (unsigned char)text[use - 1] >= 0xc0)
            use--;
        rc = mp_spec_parse_text(s, text, use, MP_PROV_JOURNAL, err);
        free(text);
        if (rc)
            return rc;
        info->n_files++;
        if (k < sizeof info->files)
            k += (size_t)snprintf(info->files + k, sizeof info->files - k, "%s%s", k ? ", " : "",
                                  journal_files[i]);
    }
    return 0;
}

/* Write `data` to a new temporary file in `dir`; its name goes to tmp. */
static int write_temp(const char *dir, const char *data, size_t len, char *tmp, size_t cap,
                      mp_error *err)
{
    snprintf(tmp, cap, "%s/.mlxplan-XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return mp_error_set(err, MP_EIO, "cannot write in '%s': %s", dir, strerror(errno));
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            return mp_error_set(err, MP_EIO, "cannot write in '%s': %s", dir, strerror(e));
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return mp_error_set(err, MP_EIO, "cannot write in '%s': %s", dir, strerror(e));
    }
    chmod(tmp, 0644);
    return 0;
}

/* A target we may replace: absent, or a regular file (not a symlink). */
static int check_target(const char *path, bool *exists, mp_error *err)
{
    struct stat st;
    *exists = false;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0
                               : mp_error_set(err, MP_EIO, "cannot check '%s': %s", path,
                                              strerror(errno));
    if (S_ISLNK(st.st_mode))
        return mp_error_set(err, MP_EIO, "'%s' is a symbolic link: refusing to write through it",
                            path);
    if (!S_ISREG(st.st_mode))
        return mp_error_set(err, MP_EIO, "'%s' is not a regular file", path);
    *exists = true;
    return 0;
}

int mp_journal_write(const char *dir, const char *plan_md, const char *changelog_line,
                     const char *date, char *kept, size_t kept_cap, mp_error *err)
{
    if (kept && kept_cap)
        kept[0] = '\0';
    struct stat st;
    if (stat(dir, &st) != 0)
        return mp_error_set(err, MP_EIO, "cannot write the plan: journal folder '%s': %s", dir,
                            strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return mp_error_set(err, MP_EIO, "cannot write the plan: '%s' is not a folder", dir);
    char plan_path[4096], log_path[4096], keep_path[4096];
    snprintf(plan_path, sizeof plan_path, "%s/OUR-PLAN.md", dir);
    snprintf(log_path, sizeof log_path, "%s/CHANGELOG.md", dir);
    bool plan_exists, log_exists;
    int rc = check_target(plan_path, &plan_exists, err);
    if (rc || (rc = check_target(log_path, &log_exists, err)) != 0)
        return rc;
    /* the name the old plan is kept under */
    keep_path[0] = '\0';
    if (plan_exists) {
        for (int n = 0; n < 1000; n++) {
            if (n == 0)
                snprintf(keep_path, sizeof keep_path, "%s/OUR-PLAN.%s.md", dir, date);
            else
                snprintf(keep_path, sizeof keep_path, "%s/OUR-PLAN.%s-%d.md", dir, date, n);
            if (lstat(keep_path, &st) != 0)
                break;
            keep_path[0] = '\0';
        }
        if (!keep_path[0])
            return mp_error_set(err, MP_EIO, "cannot keep the previous plan: too many copies "
                                "dated %s in '%s'", date, dir);
    }
    /* the new changelog: old content plus one line */
    char *old = NULL;
    size_t old_len = 0;
    if (log_exists && (rc = mp_read_file(log_path, (size_t)64 << 20, "changelog", &old, &old_len,
                                         err)) != 0)
        return rc;
    size_t line_len = strlen(changelog_line) + strlen(date) + 16;
    size_t total = old_len + line_len + 64;
    char *log = malloc(total);
    if (!log) {
        free(old);
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    }
    size_t k = 0;
    if (old_len) {
        memcpy(log, old, old_len);
        k = old_len;
        if (log[k - 1] != '\n')
            log[k++] = '\n';
    } else {
        k += (size_t)snprintf(log, total, "# Changelog\n\n");
    }
    k += (size_t)snprintf(log + k, total - k, "- %s: %s\n", date, changelog_line);
    free(old);
    char tmp_plan[4200], tmp_log[4200];
    rc = write_temp(dir, plan_md, strlen(plan_md), tmp_plan, sizeof tmp_plan, err);
    if (rc) {
        free(log);
        return rc;
    }
    rc = write_temp(dir, log, k, tmp_log, sizeof tmp_log, err);
    free(log);
    if (rc) {
        unlink(tmp_plan);
        return rc;
    }
    /* both complete: move into place (keep the old plan first) */
    if (plan_exists && link(plan_path, keep_path) != 0) {
        int e = errno;
        unlink(tmp_plan);
        unlink(tmp_log);
        return mp_error_set(err, MP_EIO, "cannot keep the previous plan as '%s': %s", keep_path,
                            strerror(e));
    }
    if (rename(tmp_plan, plan_path) != 0) {
        int e = errno;
        unlink(tmp_plan);
        unlink(tmp_log);
        if (plan_exists)
            unlink(keep_path);
        return mp_error_set(err, MP_EIO, "cannot write '%s': %s", plan_path, strerror(e));
    }
    if (rename(tmp_log, log_path) != 0) {
        int e = errno;
        unlink(tmp_log);
        return mp_error_set(err, MP_EIO, "wrote '%s' but cannot update '%s': %s", plan_path,
                            log_path, strerror(e));
    }
    if (kept && plan_exists) {
        const char *base = strrchr(keep_path, '/');
        mp_strlcpy(kept, base ? base + 1 : keep_path, kept_cap);
    }
    return 0;
}
