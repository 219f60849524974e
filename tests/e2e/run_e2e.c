/*
 * run_e2e.c - golden end-to-end cases for the mlxplan binary.
 *
 *   run_e2e BINARY CASES.tsv CASE_NAME     run one case (ctest runs each case)
 *   run_e2e BINARY CASES.tsv               run every case of the file
 *
 * A case file has one case per line, tab-separated (lines starting with '#'
 * are comments):
 *
 *   name  exit  stderr  stdout  args
 *
 *  - exit:   expected exit status;
 *  - stderr: "-" must be empty, "*" not checked, "~TEXT" must contain TEXT,
 *            else the exact text (one line, without the newline);
 *  - stdout: "-" must be empty, "*" not checked, "~TEXT" must contain TEXT,
 *            else a golden file under golden/ next to the case file, compared
 *            byte for byte (MLXPLAN_UPDATE_GOLDEN=1 rewrites it) after the
 *            case's scratch folder, the fixtures folder and the source tree
 *            in the output are written back as {tmp}, {fixtures}, {src};
 *  - args:   the command line after the binary; words split on spaces,
 *            "double quotes" group words (\" inside them is a quote), and
 *            these placeholders expand (also in the expected stderr):
 *              {fixtures}  the fixtures folder (MLXPLAN_FIXTURES);
 *              {gen}       fixtures generated at test time by
 *                          tests/e2e/mkbad.sh (MLXPLAN_GEN_FIXTURES): files
 *                          too big to commit or that git cannot hold;
 *              {tmp}       a fresh, empty scratch folder for the case;
 *              {src}       the source tree (MLXPLAN_SRC);
 *              {repeat:N:TEXT}  TEXT written N times (huge arguments).
 *            A word "<FILE" feeds FILE (after expansion) to standard input;
 *            without it stdin is /dev/null.  A word ">FILE" sends standard
 *            output to FILE instead of the check (">/dev/full": a disk that
 *            is full).  "ENV=VALUE" words before the
 *            first non-assignment set environment variables for the case.
 *            Leading words set the case up: "@nonroot" skips it (exit 77)
 *            when run as root, for permissions root ignores; "@needs=PATH"
 *            skips it where PATH does not exist (/dev/full on macOS);
 *            "@copy=DIR" copies DIR's contents, symlinks and modes kept,
 *            into the scratch folder first.
 *
 * MLXPLAN_E2E_WRAPPER, when set, is a command put in front of the binary
 * (words split on spaces), e.g. "valgrind -q --error-exitcode=99": the
 * valgrind tests run every case through memcheck that way.
 *
 * The binary runs inside the case's scratch folder.  When it exits non-zero
 * the scratch folder must be exactly as it was before: a failing command
 * writes nothing (except into folders the case hands over through
 * ENV=VALUE words, such as MLXPLAN_CACHE_DIR={tmp}: a cache may be filled
 * before a later step fails).
 * A case that runs longer than HANG_S seconds (HANG_WRAPPED_S under a
 * wrapper) fails as a hang: far beyond the slowest case (about a second), so
 * that only a hang, never a loaded machine, reaches it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 2048 /* words of one case: the argument-count limit is tested too */
#define MAX_REPEAT_BYTES ((size_t)1 << 20)
#define SKIPPED 77 /* ctest's SKIP_RETURN_CODE for the e2e tests */

static const char *g_bin, *g_case_dir, *g_src_dir, *g_fix_dir, *g_gen_dir, *g_tmp_root;

typedef struct out_buf {
    char *data;
    size_t len, cap;
} out_buf;

static void ob_add(out_buf *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = realloc(b->data, cap);
        if (!b->data) {
            perror("realloc");
            exit(2);
        }
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* "{repeat:N:TEXT}" at w: append TEXT N times; returns the bytes consumed,
 * 0 when w is not a well-formed repeat placeholder. */
static size_t expand_repeat(const char *w, out_buf *b)
{
    if (strncmp(w, "{repeat:", 8) != 0)
        return 0;
    char *end = NULL;
    unsigned long n = strtoul(w + 8, &end, 10);
    if (end == w + 8 || *end != ':')
        return 0;
    const char *text = end + 1;
    const char *close = strchr(text, '}');
    if (!close || close == text)
        return 0;
    size_t tl = (size_t)(close - text);
    if (n * tl > MAX_REPEAT_BYTES) {
        fprintf(stderr, "run_e2e: {repeat} of %lu x %zu bytes is over %zu bytes\n", n, tl,
                MAX_REPEAT_BYTES);
        exit(2);
    }
    for (unsigned long i = 0; i < n; i++)
        ob_add(b, text, tl);
    return (size_t)(close + 1 - w);
}

/* A malloc'd copy of w with its placeholders expanded (see the header). */
static char *expand(const char *w, const char *tmp)
{
    static const struct {
        const char *name;
        size_t len;
    } names[] = {{"{fixtures}", 10}, {"{gen}", 5}, {"{tmp}", 5}, {"{src}", 5}};
    out_buf b = {0};
    ob_add(&b, "", 0);
    while (*w) {
        const char *value = NULL;
        size_t used = 0;
        for (size_t i = 0; i < sizeof names / sizeof names[0] && !used; i++)
            if (strncmp(w, names[i].name, names[i].len) == 0) {
                const char *vals[] = {g_fix_dir, g_gen_dir, tmp, g_src_dir};
                value = vals[i];
                used = names[i].len;
            }
        if (value) {
            ob_add(&b, value, strlen(value));
            w += used;
        } else if ((used = expand_repeat(w, &b)) != 0) {
            w += used;
        } else {
            ob_add(&b, w, 1);
            w++;
        }
    }
    return b.data;
}

/* Split args into words (quotes group, \" escapes inside quotes). */
static int split_words(const char *s, char **words, int max)
{
    int n = 0;
    while (*s && n < max) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        out_buf b = {0};
        ob_add(&b, "", 0);
        bool quoted = false;
        while (*s && (quoted || *s != ' ')) {
            if (*s == '"') {
                quoted = !quoted;
                s++;
            } else if (quoted && s[0] == '\\' && s[1] == '"') {
                ob_add(&b, "\"", 1);
                s += 2;
            } else {
                ob_add(&b, s, 1);
                s++;
            }
        }
        words[n++] = b.data;
    }
    while (*s == ' ')
        s++;
    if (*s) {
        fprintf(stderr, "run_e2e: more than %d words in one line\n", max);
        exit(2);
    }
    return n;
}

enum { HANG_S = 60, HANG_WRAPPED_S = 600 };

/* Seconds a case may run before it counts as a hang. */
static int hang_limit_s(void)
{
    const char *wrapper = getenv("MLXPLAN_E2E_WRAPPER");
    return wrapper && *wrapper ? HANG_WRAPPED_S : HANG_S;
}

static int run_child(char **argv, char **envset, int nenv, const char *stdin_path,
                     const char *stdout_path, const char *cwd, out_buf *out, out_buf *err,
                     int *status, bool *timed_out)
{
    int po[2], pe[2];
    if (pipe(po) || pipe(pe))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
        if (in < 0) {
            fprintf(stderr, "run_e2e: cannot open stdin file %s\n", stdin_path);
            _exit(127);
        }
        if (chdir(cwd) != 0) {
            fprintf(stderr, "run_e2e: cannot enter %s\n", cwd);
            _exit(127);
        }
        int to = stdout_path ? open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : po[1];
        if (to < 0) {
            fprintf(stderr, "run_e2e: cannot open stdout file %s\n", stdout_path);
            _exit(127);
        }
        dup2(in, 0);
        dup2(to, 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        for (int i = 0; i < nenv; i++) {
            char *eq = strchr(envset[i], '=');
            *eq = '\0';
            setenv(envset[i], eq + 1, 1);
        }
        execvp(argv[0], argv); /* a wrapper is found on PATH; the binary is absolute */
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    time_t start = time(NULL);
    int limit_s = hang_limit_s();
    *timed_out = false;
    while (open_fds > 0) {
        int r = poll(fds, 2, 1000);
        if (time(NULL) - start > limit_s) {
            kill(pid, SIGKILL);
            *timed_out = true;
            break;
        }
        if (r <= 0)
            continue;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            char buf[65536];
            ssize_t k = read(fds[i].fd, buf, sizeof buf);
            if (k <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else {
                ob_add(i == 0 ? out : err, buf, (size_t)k);
            }
        }
    }
    for (int i = 0; i < 2; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    waitpid(pid, status, 0);
    return 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    out_buf b = {0};
    ob_add(&b, "", 0);
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        ob_add(&b, buf, k);
    fclose(f);
    *len = b.len;
    return b.data;
}

static void first_difference(const char *want, const char *got)
{
    int line = 1;
    const char *w = want, *g = got;
    while (*w && *g && *w == *g) {
        if (*w == '\n')
            line++;
        w++;
        g++;
    }
    const char *wl = w, *gl = g;
    while (wl > want && wl[-1] != '\n')
        wl--;
    while (gl > got && gl[-1] != '\n')
        gl--;
    fprintf(stderr, "  first difference at line %d:\n  want: %.*s\n  got:  %.*s\n", line,
            (int)strcspn(wl, "\n"), wl, (int)strcspn(gl, "\n"), gl);
}

/* `g` with every occurrence of the placeholders' values replaced by the
 * placeholders (longest value first: the scratch and fixtures folders lie
 * inside the source tree), so goldens do not depend on where the tree is. */
static char *unexpand(const char *g, const char *tmp)
{
    const char *vals[4] = {tmp, g_fix_dir, g_src_dir, g_gen_dir};
    const char *names[4] = {"{tmp}", "{fixtures}", "{src}", "{gen}"};
    out_buf b = {0};
    ob_add(&b, "", 0);
    while (*g) {
        int hit = -1;
        size_t best = 0;
        for (int i = 0; i < 4; i++) {
            size_t n = strlen(vals[i]);
            if (n > 1 && n > best && strncmp(g, vals[i], n) == 0) {
                hit = i;
                best = n;
            }
        }
        if (hit >= 0) {
            ob_add(&b, names[hit], strlen(names[hit]));
            g += best;
        } else {
            ob_add(&b, g, 1);
            g++;
        }
    }
    return b.data;
}

static bool check_text_expanded(const char *what, const char *spec, const out_buf *got,
                                const char *g, const char *name);

static bool check_text(const char *what, const char *spec, const out_buf *got, const char *name)
{
    const char *g = got->data ? got->data : "";
    /* placeholders also expand in expected text ({tmp} is per case) */
    char *expanded = NULL;
    if (strchr(spec, '{')) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s/%s", g_tmp_root, name);
        expanded = expand(spec, tmp);
        spec = expanded;
    }
    bool ok = check_text_expanded(what, spec, got, g, name);
    free(expanded);
    return ok;
}

static bool check_text_expanded(const char *what, const char *spec, const out_buf *got,
                                const char *g, const char *name)
{
    if (strcmp(spec, "*") == 0)
        return true;
    if (strcmp(spec, "-") == 0) {
        if (got->len == 0)
            return true;
        fprintf(stderr, "%s: %s should be empty, got:\n%.2000s\n", name, what, g);
        return false;
    }
    if (spec[0] == '~') {
        if (strstr(g, spec + 1))
            return true;
        fprintf(stderr, "%s: %s lacks '%s'; got:\n%.2000s\n", name, what, spec + 1, g);
        return false;
    }
    if (strcmp(what, "stderr") == 0) {
        size_t n = strlen(spec);
        if (got->len == n + 1 && strncmp(g, spec, n) == 0 && g[n] == '\n')
            return true;
        fprintf(stderr, "%s: stderr\n  want: %s\n  got:  %.2000s\n", name, spec, g);
        return false;
    }
    char path[4096], tmp[4096];
    snprintf(path, sizeof path, "%s/golden/%s", g_case_dir, spec);
    snprintf(tmp, sizeof tmp, "%s/%s", g_tmp_root, name);
    char *norm = unexpand(g, tmp);
    size_t nl = strlen(norm);
    if (getenv("MLXPLAN_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");
        bool ok = f && fwrite(norm, 1, nl, f) == nl;
        if (f && fclose(f) != 0)
            ok = false;
        if (!ok)
            fprintf(stderr, "%s: cannot write %s\n", name, path);
        free(norm);
        return ok;
    }
    size_t wl;
    char *want = read_file(path, &wl);
    if (!want) {
        fprintf(stderr, "%s: golden file %s missing (MLXPLAN_UPDATE_GOLDEN=1 creates it)\n", name,
                path);
        free(norm);
        return false;
    }
    bool ok = wl == nl && memcmp(want, norm, wl) == 0;
    if (!ok) {
        fprintf(stderr, "%s: stdout differs from %s\n", name, path);
        first_difference(want, norm);
    }
    free(want);
    free(norm);
    return ok;
}

static void make_tmp(const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", g_tmp_root, name);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", out, out);
    if (system(cmd) != 0) {
        fprintf(stderr, "run_e2e: cannot create %s\n", out);
        exit(2);
    }
}

/* Whether the environment of the case hands `dir`/`entry` (or all of
 * `dir`) to the program, e.g. MLXPLAN_CACHE_DIR={tmp}: a cache the program
 * may fill even when the command then fails. */
static bool handed_over(const char *dir, const char *entry, char **env, int nenv)
{
    size_t dl = strlen(dir), el = strlen(entry);
    for (int i = 0; i < nenv; i++) {
        const char *v = strchr(env[i], '=') + 1;
        if (strncmp(v, dir, dl) != 0)
            continue;
        if (v[dl] == '\0' || (v[dl] == '/' && v[dl + 1] == '\0'))
            return true;
        if (v[dl] == '/' && strncmp(v + dl + 1, entry, el) == 0 &&
            (v[dl + 1 + el] == '\0' || v[dl + 1 + el] == '/'))
            return true;
    }
    return false;
}

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append one line per entry below `dir` ("path type size mtime [-> link]"),
 * depth first; `rel` is the path so far. */
static bool walk(const char *dir, const char *rel, char **env, int nenv, const char *top,
                 out_buf *b)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *de;
    bool ok = true;
    while (ok && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
            (!rel[0] && handed_over(top, de->d_name, env, nenv)))
            continue;
        char path[PATH_MAX], sub[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", de->d_name);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        char line[PATH_MAX + 200], target[PATH_MAX] = "";
        if (S_ISLNK(st.st_mode)) {
            ssize_t n = readlink(path, target, sizeof target - 1);
            target[n > 0 ? n : 0] = '\0';
        }
        /* a folder's size and time change when a temporary file comes and
         * goes; only what is in it counts */
        bool is_dir = S_ISDIR(st.st_mode);
        snprintf(line, sizeof line, "%s %o %lld %lld.%09ld%s%s\n", sub, (unsigned)st.st_mode,
                 is_dir ? 0LL : (long long)st.st_size,
                 is_dir ? 0LL : (long long)st.st_mtim.tv_sec, is_dir ? 0L : st.st_mtim.tv_nsec,
                 target[0] ? " -> " : "", target);
        ob_add(b, line, strlen(line));
        if (is_dir)
            ok = walk(path, sub, env, nenv, top, b);
    }
    closedir(d);
    return ok;
}

/* Everything below the scratch folder `dir`, one sorted line per entry,
 * leaving out what the case's environment hands to the program; false when
 * it cannot be read.  Taken before and after a command: a failing command
 * must leave it unchanged. */
static bool snapshot(const char *dir, char **env, int nenv, out_buf *out)
{
    out_buf raw = {0};
    ob_add(&raw, "", 0);
    bool ok = walk(dir, "", env, nenv, dir, &raw);
    size_t n = 0;
    for (size_t i = 0; i < raw.len; i++)
        n += raw.data[i] == '\n';
    char **lines = calloc(n ? n : 1, sizeof *lines);
    if (!lines) {
        perror("calloc");
        exit(2);
    }
    size_t k = 0;
    for (char *p = raw.data, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        *nl = '\0';
        lines[k++] = p;
    }
    qsort(lines, k, sizeof *lines, cmp_lines);
    ob_add(out, "", 0);
    for (size_t i = 0; i < k; i++) {
        ob_add(out, lines[i], strlen(lines[i]));
        ob_add(out, "\n", 1);
    }
    free(lines);
    free(raw.data);
    return ok;
}

typedef enum verdict { CASE_PASS, CASE_FAIL, CASE_SKIP } verdict;

/* The command line of one case, with every string it owns. */
typedef struct case_cmd {
    char *argv[2 * MAX_ARGS + 2];
    char *env[MAX_ARGS];
    int na, ne;
    const char *stdin_path;   /* points into an owned word */
    const char *stdout_path;  /* likewise; NULL: captured and checked */
    bool nonroot;             /* "@nonroot": skip when running as root */
    const char *copy_from;    /* "@copy=DIR": DIR's contents go into {tmp} first */
    const char *needs;        /* "@needs=PATH": skip when PATH does not exist */
    char *owned[2 * MAX_ARGS];
    int n_owned;
} case_cmd;

static void case_cmd_build(case_cmd *c, const char *args, const char *tmp)
{
    memset(c, 0, sizeof *c);
    char *words[MAX_ARGS];
    int nw = split_words(args, words, MAX_ARGS);
    const char *wrapper = getenv("MLXPLAN_E2E_WRAPPER");
    if (wrapper && *wrapper) {
        char *ww[MAX_ARGS];
        int nww = split_words(wrapper, ww, MAX_ARGS);
        for (int i = 0; i < nww; i++)
            c->argv[c->na++] = c->owned[c->n_owned++] = ww[i];
    }
    c->argv[c->na++] = (char *)g_bin;
    bool leading = true;
    for (int i = 0; i < nw; i++) {
        char *w = expand(words[i], tmp);
        free(words[i]);
        c->owned[c->n_owned++] = w;
        if (leading && strcmp(w, "@nonroot") == 0) {
            c->nonroot = true;
            continue;
        }
        if (leading && strncmp(w, "@copy=", 6) == 0) {
            c->copy_from = w + 6;
            continue;
        }
        if (leading && strncmp(w, "@needs=", 7) == 0) {
            c->needs = w + 7;
            continue;
        }
        const char *eq = strchr(w, '=');
        if (leading && eq && eq > w && w[0] != '-' &&
            strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") == (size_t)(eq - w)) {
            c->env[c->ne++] = w;
            continue;
        }
        leading = false;
        if ((w[0] == '<' || w[0] == '>') && w[1]) {
            *(w[0] == '<' ? &c->stdin_path : &c->stdout_path) = w + 1;
            continue;
        }
        c->argv[c->na++] = w;
    }
    c->argv[c->na] = NULL;
}

static void case_cmd_release(case_cmd *c)
{
    for (int i = 0; i < c->n_owned; i++)
        free(c->owned[i]);
    c->n_owned = 0;
}

static verdict run_case(char *line)
{
    char *f[5];
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < 5; p++)
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    char *end = NULL;
    long want_exit = n == 5 ? strtol(f[1], &end, 10) : -1;
    if (n < 5 || end == f[1] || *end != '\0' || want_exit < 0 || want_exit > 255) {
        fprintf(stderr, "malformed case line: %s\n", line);
        return CASE_FAIL;
    }
    const char *name = f[0];
    char tmp[4096];
    make_tmp(name, tmp, sizeof tmp);
    case_cmd cmd;
    case_cmd_build(&cmd, f[4], tmp);
    struct stat needed;
    if ((cmd.nonroot && geteuid() == 0) || (cmd.needs && stat(cmd.needs, &needed) != 0)) {
        if (cmd.needs && stat(cmd.needs, &needed) != 0)
            printf("%s: skipped: this system has no %s\n", name, cmd.needs);
        else
            printf("%s: skipped: running as root, which reads and writes whatever the case "
                   "forbids\n", name);
        case_cmd_release(&cmd);
        return CASE_SKIP;
    }
    if (cmd.copy_from) {
        char cp[3 * PATH_MAX];
        snprintf(cp, sizeof cp, "cp -a '%s'/. '%s'", cmd.copy_from, tmp);
        if (system(cp) != 0) {
            fprintf(stderr, "%s: cannot copy %s into %s\n", name, cmd.copy_from, tmp);
            case_cmd_release(&cmd);
            return CASE_FAIL;
        }
    }
    out_buf out = {0}, err = {0}, before = {0}, after = {0};
    if (!snapshot(tmp, cmd.env, cmd.ne, &before)) {
        fprintf(stderr, "%s: cannot list the scratch folder %s\n", name, tmp);
        case_cmd_release(&cmd);
        free(before.data);
        return CASE_FAIL;
    }
    int status = 0;
    bool timed_out = false;
    bool ok = true;
    if (run_child(cmd.argv, cmd.env, cmd.ne, cmd.stdin_path, cmd.stdout_path, tmp, &out, &err,
                  &status, &timed_out) != 0) {
        fprintf(stderr, "%s: cannot run %s: %s\n", name, g_bin, strerror(errno));
        ok = false;
        goto done;
    }
    if (timed_out) {
        fprintf(stderr, "%s: still running after %d s (hang)\n", name, hang_limit_s());
        ok = false;
    } else if (!WIFEXITED(status)) {
        fprintf(stderr, "%s: killed by signal %d (crash)\nstderr:\n%.2000s\n", name,
                WTERMSIG(status), err.data ? err.data : "");
        ok = false;
    } else if (WEXITSTATUS(status) != want_exit) {
        fprintf(stderr, "%s: exit %d, want %ld\nstderr: %.2000s\n", name, WEXITSTATUS(status),
                want_exit, err.data ? err.data : "");
        ok = false;
    }
    if (!timed_out && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        if (!snapshot(tmp, cmd.env, cmd.ne, &after)) {
            fprintf(stderr, "%s: cannot list the scratch folder %s\n", name, tmp);
            ok = false;
        } else if (strcmp(before.data, after.data) != 0) {
            fprintf(stderr, "%s: the command failed but changed %s; before:\n%.2000s"
                    "after:\n%.2000s", name, tmp, before.data, after.data);
            ok = false;
        }
    }
    ok = check_text("stderr", f[2], &err, name) && ok;
    ok = check_text("stdout", f[3], &out, name) && ok;
done:
    free(out.data);
    free(err.data);
    free(before.data);
    free(after.data);
    case_cmd_release(&cmd);
    return ok ? CASE_PASS : CASE_FAIL;
}

/* An absolute spelling of `path` in buf[PATH_MAX]: the binary runs in the
 * scratch folder, so relative paths would break. */
static const char *absolute(const char *path, char *buf)
{
    char cwd[PATH_MAX];
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
        snprintf(buf, PATH_MAX, "%s", path);
    else
        snprintf(buf, PATH_MAX, "%s/%s", cwd, path);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: run_e2e BINARY CASES.tsv [CASE]\n");
        return 2;
    }
    static char bin[PATH_MAX];
    g_bin = absolute(argv[1], bin);
    const char *cases = argv[2];
    const char *only = argc > 3 ? argv[3] : NULL;
    static char dir[4096], src[PATH_MAX], fix[PATH_MAX], gen[PATH_MAX], tmp_root[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", cases);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    g_case_dir = dir;
    const char *e;
    g_src_dir = absolute((e = getenv("MLXPLAN_SRC")) ? e : ".", src);
    g_fix_dir = absolute((e = getenv("MLXPLAN_FIXTURES")) ? e : "tests/fixtures", fix);
    g_gen_dir = absolute((e = getenv("MLXPLAN_GEN_FIXTURES")) ? e : "tests/e2e-gen", gen);
    e = getenv("MLXPLAN_TEST_TMP");
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", e ? e : "/tmp/mlxplan-e2e");
    if (system(cmd) != 0) {
        fprintf(stderr, "run_e2e: cannot create %s\n", e ? e : "/tmp/mlxplan-e2e");
        return 2;
    }
    g_tmp_root = absolute(e ? e : "/tmp/mlxplan-e2e", tmp_root);
    size_t len;
    char *text = read_file(cases, &len);
    if (!text) {
        fprintf(stderr, "run_e2e: cannot read %s\n", cases);
        return 2;
    }
    int failed = 0, ran = 0, skipped = 0;
    char *save = NULL;
    for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        if (ln[0] == '#' || ln[0] == '\0')
            continue;
        size_t nl = strcspn(ln, "\t");
        if (only && (strlen(only) != nl || strncmp(ln, only, nl) != 0))
            continue;
        ran++;
        verdict v = run_case(ln);
        failed += v == CASE_FAIL;
        skipped += v == CASE_SKIP;
    }
    free(text);
    if (only && ran == 0) {
        fprintf(stderr, "run_e2e: no case named %s in %s\n", only, cases);
        return 2;
    }
    if (!only)
        printf("%d cases, %d failed, %d skipped\n", ran, failed, skipped);
    if (failed)
        return 1;
    return only && skipped ? SKIPPED : 0;
}
