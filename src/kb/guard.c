/* guard.c - check every MLX / MLX-LM name in a text; see guard.h. */
#include "kb/guard.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kb/kb.h"
#include "util/text.h"

typedef struct scan {
    mp_guard_cb cb;
    void *ctx;
    int bad, known, line;
    bool stop;
} scan;

static void report(scan *s, mp_guard_kind k, const char *what)
{
    s->bad++;
    if (s->cb && !s->stop && s->cb(k, what, s->line, s->ctx))
        s->stop = true;
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* A module path is known when some API row's qname starts with it + ".". */
static bool module_known(const char *q)
{
    char pre[200];
    snprintf(pre, sizeof pre, "%s.", q);
    size_t n;
    mp_kb_api_prefix(pre, &n);
    return n > 0;
}

/* Check a dotted Python name as written ("mx.fast.rms_norm", "nn.Linear",
 * "mlx_lm.load").  Attribute chains past a class ("nn.Module.parameters")
 * resolve through the row of the longest known prefix. */
static void check_name(scan *s, const char *written)
{
    /* dunder attributes (mlx_lm.__version__, mx.__version__) are Python's,
     * not part of the documented API */
    const char *last = strrchr(written, '.');
    if (last && strncmp(last + 1, "__", 2) == 0)
        return;
    char q[256];
    mp_kb_qualify(written, q, sizeof q);
    s->known++;
    if (mp_kb_api_find(q) || module_known(q))
        return;
    /* an attribute of a known object or class: "mx.float32" is a row; so is
     * "mlx.nn.Module.parameters"; accept a known class followed by members
     * only when the member itself is a row */
    report(s, MP_GUARD_NAME, q);
}

static const char *const prefixes[] = {"mx.", "nn.", "optim.", "mlx.core.", "mlx.nn.",
                                       "mlx.optimizers.", "mlx.utils.", "mlx_lm.", NULL};

/* Python-style names anywhere in a line. */
static void scan_names(scan *s, const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (ident_char(line[i - 1]) || line[i - 1] == '.' || line[i - 1] == '-' ||
                      line[i - 1] == '/'))
            continue;
        for (const char *const *p = prefixes; *p; p++) {
            size_t pl = strlen(*p);
            if (i + pl > n || strncmp(line + i, *p, pl) != 0)
                continue;
            size_t j = i + pl;
            if (j >= n || !(isalpha((unsigned char)line[j]) || line[j] == '_'))
                break;
            while (j < n && (ident_char(line[j]) || (line[j] == '.' && j + 1 < n &&
                                                     (isalpha((unsigned char)line[j + 1]) ||
                                                      line[j + 1] == '_'))))
                j++;
            char name[256];
            size_t len = j - i < sizeof name - 1 ? j - i : sizeof name - 1;
            memcpy(name, line + i, len);
            name[len] = '\0';
            /* mlx_lm.X at the start of a command line is a command, not a name */
            bool command = strncmp(name, "mlx_lm.", 7) == 0 && mp_kb_cli_command_known(name);
            if (!command)
                check_name(s, name);
            i = j;
            break;
        }
    }
}

/* "from mlx.core import a, b as c" / "from mlx_lm import load" / "import mlx.nn as nn". */
static void scan_imports(scan *s, const char *line, size_t n)
{
    while (n && isspace((unsigned char)*line)) {
        line++;
        n--;
    }
    char buf[512];
    size_t k = n < sizeof buf - 1 ? n : sizeof buf - 1;
    memcpy(buf, line, k);
    buf[k] = '\0';
    char *hash = strchr(buf, '#');
    if (hash)
        *hash = '\0';
    if (strncmp(buf, "from ", 5) == 0) {
        char mod[200];
        if (sscanf(buf + 5, "%199s", mod) != 1)
            return;
        if (strncmp(mod, "mlx", 3) != 0 || (mod[3] != '.' && mod[3] != '_' && mod[3] != '\0'))
            return;
        s->known++;
        if (!module_known(mod) && !mp_kb_api_find(mod)) {
            report(s, MP_GUARD_MODULE, mod);
            return;
        }
        char *imp = strstr(buf, " import ");
        if (!imp)
            return;
        char *p = imp + 8;
        char *save = NULL;
        for (char *tok = strtok_r(p, ",()", &save); tok; tok = strtok_r(NULL, ",()", &save)) {
            while (isspace((unsigned char)*tok))
                tok++;
            size_t tl = strcspn(tok, " \t");
            if (!tl)
                continue;
            tok[tl] = '\0';
            char full[300];
            snprintf(full, sizeof full, "%s.%s", mod, tok);
            s->known++;
            if (!mp_kb_api_find(full) && !module_known(full))
                report(s, MP_GUARD_NAME, full);
        }
    } else if (strncmp(buf, "import ", 7) == 0) {
        char mod[200];
        if (sscanf(buf + 7, "%199s", mod) != 1)
            return;
        mod[strcspn(mod, ",")] = '\0';
        if (strncmp(mod, "mlx", 3) != 0 || (mod[3] != '.' && mod[3] != '_' && mod[3] != '\0'))
            return;
        s->known++;
        if (strcmp(mod, "mlx") != 0 && !module_known(mod))
            report(s, MP_GUARD_MODULE, mod);
    }
}

/* Command lines: "mlx_lm.lora --a 1 -b", "mlx_lm lora ...", "python -m mlx_lm lora",
 * "mlx.launch ...".  Flags are checked up to a shell separator. */
static void scan_commands(scan *s, const char *line, size_t n)
{
    char buf[2048];
    size_t k = n < sizeof buf - 1 ? n : sizeof buf - 1;
    memcpy(buf, line, k);
    buf[k] = '\0';
    char *words[256];
    int nw = 0;
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t`", &save); w && nw < 256; w = strtok_r(NULL, " \t`", &save))
        words[nw++] = w;
    for (int i = 0; i < nw; i++) {
        char cmd[96] = "";
        int first_flag = i + 1;
        const char *w = words[i];
        if (strncmp(w, "mlx_lm.", 7) == 0 || strcmp(w, "mlx.launch") == 0 ||
            strcmp(w, "mlx.distributed_config") == 0) {
            mp_strlcpy(cmd, w, sizeof cmd);
        } else if (strcmp(w, "mlx_lm") == 0 && i + 1 < nw && words[i + 1][0] != '-' &&
                   (i == 0 || strcmp(words[i - 1], "-m") == 0 ||
                    strcmp(words[i - 1], "$") == 0 ||
                    (i + 2 < nw && words[i + 2][0] == '-'))) {
            /* "mlx_lm lora --x", "python -m mlx_lm lora": the subcommand form;
             * "the mlx_lm flags" in prose is not a command line */
            snprintf(cmd, sizeof cmd, "mlx_lm.%s", words[i + 1]);
            first_flag = i + 2;
        } else {
            continue;
        }
        /* the command word ends at the first character a command name cannot
         * hold ("mlx_lm.server,", "mlx_lm.load(adapter_path=...)") */
        size_t cl = strspn(cmd, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.");
        cmd[cl] = '\0';
        while (cl && cmd[cl - 1] == '.')
            cmd[--cl] = '\0';
        if (!mp_kb_cli_command_known(cmd)) {
            if (first_flag == i + 1)
                continue; /* "mlx_lm.x" written as one word is a Python name: scan_names checks it */
            s->known++;
            report(s, MP_GUARD_COMMAND, cmd);
            continue;
        }
        s->known++;
        /* a command line is the command followed by flags, each with at most
         * one value; the first other word ends it (prose after a command) */
        bool expect_value = false;
        for (int j = first_flag; j < nw; j++) {
            const char *f = words[j];
            if (strcmp(f, "|") == 0 || strcmp(f, "&&") == 0 || strcmp(f, ";") == 0 ||
                f[0] == '#' || f[0] == '>' || strncmp(f, "mlx_lm", 6) == 0 ||
                strncmp(f, "mlx.", 4) == 0)
                break;
            if (strcmp(f, "\\") == 0)
                continue; /* a shell line continuation */
            /* a flag is "-x" or "--x..."; "-", "-1" and "->" are values or prose */
            if (f[0] != '-' || !(isalpha((unsigned char)f[1]) ||
                                 (f[1] == '-' && (isalpha((unsigned char)f[2]) || f[2] == '\0')))) {
                if (!expect_value)
                    break;
                expect_value = false;
                continue;
            }
            char flag[96];
            mp_strlcpy(flag, f, sizeof flag);
            bool inline_value = strchr(flag, '=') != NULL;
            flag[strcspn(flag, "=,/)")] = '\0'; /* "--a=1", "--a,", "--a/--b" */
            size_t fl = strlen(flag);
            while (fl && strchr(".,;:)'\"`", flag[fl - 1]))
                flag[--fl] = '\0';
            if (strcmp(flag, "--") == 0)
                break; /* end of mlx.launch's own options */
            s->known++;
            const mp_cli_row *row = mp_kb_cli_find(cmd, flag);
            if (!row) {
                char what[200];
                snprintf(what, sizeof what, "%s %s", cmd, flag);
                report(s, MP_GUARD_FLAG, what);
                expect_value = true;
            } else {
                expect_value = !inline_value && strstr(row->type, "flag") == NULL;
            }
        }
    }
}

/* YAML keys of an mlx_lm.lora config: "key:" at column 0, and the keys
 * nested under lora_parameters. */
static void scan_yaml(scan *s, const char *line, size_t n, bool *in_lora_params)
{
    if (n == 0 || line[0] == '#')
        return;
    bool nested = line[0] == ' ';
    size_t i = 0;
    while (i < n && line[i] == ' ')
        i++;
    if (i < n && line[i] == '-')
        return; /* a list item */
    size_t start = i;
    while (i < n && (ident_char(line[i])))
        i++;
    if (i == start || i >= n || line[i] != ':')
        return;
    char key[96];
    size_t kl = i - start < sizeof key - 1 ? i - start : sizeof key - 1;
    memcpy(key, line + start, kl);
    key[kl] = '\0';
    if (!nested) {
        *in_lora_params = strcmp(key, "lora_parameters") == 0;
        s->known++;
        if (!mp_kb_lora_key(key))
            report(s, MP_GUARD_YAML_KEY, key);
    } else if (*in_lora_params) {
        char full[128];
        snprintf(full, sizeof full, "lora_parameters.%s", key);
        s->known++;
        if (!mp_kb_lora_key(full))
            report(s, MP_GUARD_YAML_KEY, full);
    }
}

int mp_guard_scan(const char *text, size_t len, int mode, mp_guard_cb cb, void *ctx, int *known)
{
    scan s = {cb, ctx, 0, 0, 0, false};
    bool yaml = mode == MP_GUARD_YAML, lora_params = false;
    const char *p = text, *end = text + len;
    while (p < end && !s.stop) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        s.line++;
        if (n >= 6 && strncmp(p, "```", 3) == 0 && strncmp(p + 3, "yaml", 4) == 0) {
            yaml = true;
            lora_params = false;
        } else if (n >= 3 && strncmp(p, "```", 3) == 0) {
            yaml = mode == MP_GUARD_YAML;
        } else if (yaml) {
            scan_yaml(&s, p, n, &lora_params);
        } else {
            scan_imports(&s, p, n);
            scan_names(&s, p, n);
            scan_commands(&s, p, n);
        }
        p = nl ? nl + 1 : end;
    }
    if (known)
        *known = s.known;
    return s.bad;
}
