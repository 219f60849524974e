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
 *            {fixtures} / {tmp} / {src} expand to the fixtures folder, a fresh
 *            scratch folder for the case and the source tree.  A word
 *            "<FILE" feeds FILE (after expansion) to standard input; without
 *            it stdin is /dev/null.  "ENV=VALUE" words before the first
 *            non-assignment set environment variables for the case.
 *
 * Each case gets 20 seconds; a case that runs longer fails as a hang.
 */
#include <errno.h>
#include <fcntl.h>
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

#define MAX_ARGS 128

static const char *g_bin, *g_case_dir, *g_src_dir, *g_fix_dir, *g_tmp_root;

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

static char *expand(const char *w, const char *tmp)
{
    out_buf b = {0};
    ob_add(&b, "", 0);
    while (*w) {
        if (strncmp(w, "{fixtures}", 10) == 0) {
            ob_add(&b, g_fix_dir, strlen(g_fix_dir));
            w += 10;
        } else if (strncmp(w, "{tmp}", 5) == 0) {
            ob_add(&b, tmp, strlen(tmp));
            w += 5;
        } else if (strncmp(w, "{src}", 5) == 0) {
            ob_add(&b, g_src_dir, strlen(g_src_dir));
            w += 5;
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
    return n;
}

static int run_child(char **argv, char **envset, int nenv, const char *stdin_path,
                     out_buf *out, out_buf *err, int *status, bool *timed_out)
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
        dup2(in, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        for (int i = 0; i < nenv; i++) {
            char *eq = strchr(envset[i], '=');
            *eq = '\0';
            setenv(envset[i], eq + 1, 1);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    time_t start = time(NULL);
    *timed_out = false;
    while (open_fds > 0) {
        int r = poll(fds, 2, 1000);
        if (time(NULL) - start > 20) {
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
    const char *vals[3] = {tmp, g_fix_dir, g_src_dir};
    const char *names[3] = {"{tmp}", "{fixtures}", "{src}"};
    out_buf b = {0};
    ob_add(&b, "", 0);
    while (*g) {
        int hit = -1;
        size_t best = 0;
        for (int i = 0; i < 3; i++) {
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

static bool run_case(char *line)
{
    char *f[5];
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < 5; p++)
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    if (n < 5) {
        fprintf(stderr, "malformed case line: %s\n", line);
        return false;
    }
    const char *name = f[0];
    int want_exit = atoi(f[1]);
    char tmp[4096];
    make_tmp(name, tmp, sizeof tmp);
    char *words[MAX_ARGS];
    int nw = split_words(f[4], words, MAX_ARGS);
    char *argv[MAX_ARGS + 2];
    char *env[MAX_ARGS];
    char *owned[MAX_ARGS]; /* every expanded word, freed at the end */
    int na = 0, ne = 0, no = 0;
    const char *stdin_path = NULL;
    argv[na++] = (char *)g_bin;
    bool leading = true;
    for (int i = 0; i < nw; i++) {
        char *w = expand(words[i], tmp);
        free(words[i]);
        owned[no++] = w;
        if (leading && strchr(w, '=') && w[0] != '-' && strchr(w, '=') > w &&
            strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") == (size_t)(strchr(w, '=') - w)) {
            env[ne++] = w;
            continue;
        }
        leading = false;
        if (w[0] == '<' && w[1]) {
            stdin_path = w + 1;
            continue;
        }
        argv[na++] = w;
    }
    argv[na] = NULL;
    out_buf out = {0}, err = {0};
    int status = 0;
    bool timed_out = false;
    int rc = run_child(argv, env, ne, stdin_path, &out, &err, &status, &timed_out);
    for (int i = 0; i < no; i++)
        free(owned[i]);
    if (rc != 0) {
        fprintf(stderr, "%s: cannot run %s: %s\n", name, g_bin, strerror(errno));
        return false;
    }
    bool ok = true;
    if (timed_out) {
        fprintf(stderr, "%s: timed out (hang)\n", name);
        ok = false;
    } else if (!WIFEXITED(status)) {
        fprintf(stderr, "%s: killed by signal %d (crash)\nstderr:\n%.2000s\n", name,
                WTERMSIG(status), err.data ? err.data : "");
        ok = false;
    } else if (WEXITSTATUS(status) != want_exit) {
        fprintf(stderr, "%s: exit %d, want %d\nstderr: %.2000s\n", name, WEXITSTATUS(status),
                want_exit, err.data ? err.data : "");
        ok = false;
    }
    ok = check_text("stderr", f[2], &err, name) && ok;
    ok = check_text("stdout", f[3], &out, name) && ok;
    free(out.data);
    free(err.data);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: run_e2e BINARY CASES.tsv [CASE]\n");
        return 2;
    }
    g_bin = argv[1];
    const char *cases = argv[2];
    const char *only = argc > 3 ? argv[3] : NULL;
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", cases);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    g_case_dir = dir;
    g_src_dir = getenv("MLXPLAN_SRC") ? getenv("MLXPLAN_SRC") : ".";
    g_fix_dir = getenv("MLXPLAN_FIXTURES") ? getenv("MLXPLAN_FIXTURES") : "tests/fixtures";
    g_tmp_root = getenv("MLXPLAN_TEST_TMP") ? getenv("MLXPLAN_TEST_TMP") : "/tmp/mlxplan-e2e";
    size_t len;
    char *text = read_file(cases, &len);
    if (!text) {
        fprintf(stderr, "run_e2e: cannot read %s\n", cases);
        return 2;
    }
    int failed = 0, ran = 0;
    char *save = NULL;
    for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        if (ln[0] == '#' || ln[0] == '\0')
            continue;
        size_t nl = strcspn(ln, "\t");
        if (only && (strlen(only) != nl || strncmp(ln, only, nl) != 0))
            continue;
        ran++;
        if (!run_case(ln))
            failed++;
    }
    free(text);
    if (only && ran == 0) {
        fprintf(stderr, "run_e2e: no case named %s in %s\n", only, cases);
        return 2;
    }
    if (!only)
        printf("%d cases, %d failed\n", ran, failed);
    return failed ? 1 : 0;
}
