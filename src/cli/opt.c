/* opt.c - option parsing and usage text driven by the parameter table
 * (kb/params.def) and each command's own cli_opt array; see cli.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "kb/suggest.h"

static size_t count_opts(const cli_opt *o)
{
    size_t n = 0;
    while (o && o[n].name)
        n++;
    return n;
}

/* The command's options: the table's rows for it, in table order, then its
 * own.  Returns the count, or -1 when over CLI_MAX_OPTS. */
static int build_opts(const cli_cmd *cmd, cli_opt *store, int *param)
{
    int n = 0;
    for (int i = 0; cmd->params && i < MP_P_N; i++) {
        const mp_param *p = &mp_param_table[i];
        if (!(p->cmds & cmd->params) || !p->cli[0])
            continue;
        if (n >= CLI_MAX_OPTS)
            return -1;
        param[n] = i + 1;
        store[n++] = (cli_opt){.name = p->cli,
                               .short_name = p->short_name,
                               .kind = p->type == MP_PT_SWITCH ? CLI_SWITCH
                                       : p->type == MP_PT_LIST ? CLI_MULTI
                                                               : CLI_VALUE,
                               .arg = p->arg[0] ? p->arg : NULL,
                               .help = NULL};
    }
    size_t own = count_opts(cmd->opts);
    for (size_t i = 0; i < own; i++) {
        if (n >= CLI_MAX_OPTS)
            return -1;
        param[n] = 0;
        store[n++] = cmd->opts[i];
    }
    return n;
}

int cli_usage_error(const cli_cmd *cmd, mp_error *err, const char *fmt, ...)
{
    char msg[MP_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mp_error_set(err, MP_EUSAGE, "%s (try 'mlxplan %s --help')", msg, cmd->name);
}

static int find_long(const cli_opt *opts, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (opts[i].kind != CLI_DASH_WORDS && strlen(opts[i].name) == len &&
            strncmp(opts[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

static int find_short(const cli_opt *opts, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (opts[i].short_name == c)
            return (int)i;
    return -1;
}

static int store(const cli_cmd *cmd, cli_args *out, int idx, const char *value, mp_error *err)
{
    const cli_opt *o = &out->opts[idx];
    if (o->kind == CLI_MULTI) {
        if (out->n_multi[idx] >= CLI_MAX_MULTI)
            return cli_usage_error(cmd, err, "too many --%s options (at most %d)", o->name,
                                   CLI_MAX_MULTI);
        out->multi[idx][out->n_multi[idx]++] = value;
    }
    out->value[idx] = value;
    return 0;
}

static int add_pos(const cli_cmd *cmd, cli_args *out, const char *a, mp_error *err)
{
    if (out->n_pos >= CLI_MAX_POS)
        return cli_usage_error(cmd, err, "too many arguments (at most %d)", CLI_MAX_POS);
    out->pos[out->n_pos++] = a;
    return 0;
}

/* "; did you mean '--context'?" for an unknown option `name[0..len)` (without
 * its dashes) when one of the command's options is close; "" otherwise. */
static void option_hint(const cli_args *out, const char *name, size_t len, char *buf,
                        size_t cap)
{
    char q[64];
    snprintf(q, sizeof q, "%.*s", (int)(len < sizeof q - 1 ? len : sizeof q - 1), name);
    buf[0] = '\0';
    mp_suggest s;
    mp_suggest_init(&s, q);
    for (size_t i = 0; i < out->n_opts; i++) {
        char disp[72];
        snprintf(disp, sizeof disp, "--%s", out->opts[i].name);
        mp_suggest_offer(&s, out->opts[i].name, disp);
    }
    mp_suggest_offer(&s, "help", "--help");
    char list[240];
    if (q[0] && mp_suggest_text(&s, list, sizeof list))
        snprintf(buf, cap, "; did you mean %s?", list);
}

int cli_parse(const cli_cmd *cmd, int argc, char **argv, cli_args *out, mp_error *err)
{
    memset(out, 0, sizeof *out);
    int n_opts = build_opts(cmd, out->opt_store, out->param);
    if (n_opts < 0)
        return mp_error_set(err, MP_EINTERNAL, "command %s declares too many options", cmd->name);
    out->opts = out->opt_store;
    out->n_opts = (size_t)n_opts;
    bool only_pos = false, dash_words = false;
    for (size_t i = 0; i < out->n_opts; i++)
        dash_words |= out->opts[i].kind == CLI_DASH_WORDS;
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]);
        if (len > CLI_MAX_ARG_BYTES)
            return cli_usage_error(cmd, err, "argument %d is %zu bytes, over the limit of %d bytes",
                                   i + 1, len, CLI_MAX_ARG_BYTES);
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            int rc = add_pos(cmd, out, a, err);
            if (rc)
                return rc;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            out->help = true;
            continue;
        }
        int idx;
        const char *inline_value = NULL;
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            idx = find_long(out->opts, out->n_opts, name, len);
            if (idx < 0 && dash_words) {
                int rc = add_pos(cmd, out, a, err);
                if (rc)
                    return rc;
                continue;
            }
            if (idx < 0) {
                char hint[300];
                option_hint(out, name, len, hint, sizeof hint);
                return cli_usage_error(cmd, err, "unknown option '--%.*s' for '%s'%s",
                                       (int)(len > 60 ? 60 : len), name, cmd->name, hint);
            }
            if (eq)
                inline_value = eq + 1;
        } else {
            idx = a[2] == '\0' ? find_short(out->opts, out->n_opts, a[1]) : -1;
            if (idx < 0 && dash_words) {
                int rc = add_pos(cmd, out, a, err);
                if (rc)
                    return rc;
                continue;
            }
            if (a[2] != '\0') { /* "-context": a long option with one dash */
                char hint[300];
                option_hint(out, a + 1, strlen(a + 1), hint, sizeof hint);
                return cli_usage_error(cmd, err, "unknown option '%.60s' for '%s'%s", a,
                                       cmd->name, hint);
            }
            idx = find_short(out->opts, out->n_opts, a[1]);
            if (idx < 0)
                return cli_usage_error(cmd, err, "unknown option '%s' for '%s'", a, cmd->name);
        }
        const cli_opt *o = &out->opts[idx];
        if (o->kind == CLI_SWITCH) {
            if (inline_value)
                return cli_usage_error(cmd, err, "option '--%s' takes no value", o->name);
            out->value[idx] = "1";
            continue;
        }
        const char *value = inline_value;
        if (!value) {
            if (i + 1 >= argc)
                return cli_usage_error(cmd, err, "option '--%s' needs a value (%s)", o->name,
                                       o->arg ? o->arg : "VALUE");
            value = argv[++i];
        }
        int rc = store(cmd, out, idx, value, err);
        if (rc)
            return rc;
    }
    if (out->help)
        return 0;
    if (out->n_pos < cmd->min_pos)
        return cli_usage_error(cmd, err, "'%s' needs %s", cmd->name, cmd->synopsis);
    if (cmd->max_pos >= 0 && out->n_pos > cmd->max_pos)
        return cli_usage_error(cmd, err, "unexpected argument '%.60s'", out->pos[cmd->max_pos]);
    for (size_t i = 0; i < out->n_opts; i++) {
        if (!out->param[i] || !out->value[i])
            continue;
        int rc;
        if (out->opts[i].kind == CLI_MULTI)
            rc = mp_param_read_list(&out->pv, (mp_param_id)(out->param[i] - 1), out->multi[i],
                                    out->n_multi[i], err);
        else
            rc = mp_param_read_text(&out->pv, (mp_param_id)(out->param[i] - 1),
                                        out->opts[i].kind == CLI_SWITCH ? NULL : out->value[i],
                                        err);
        if (rc)
            return rc;
    }
    return 0;
}

static int index_of(const cli_args *a, const char *name)
{
    for (size_t i = 0; i < a->n_opts; i++)
        if (strcmp(a->opts[i].name, name) == 0)
            return (int)i;
    fprintf(stderr, "mlxplan: internal error: undeclared option '%s'\n", name);
    abort();
}

const char *cli_get_if(const cli_args *a, const char *name)
{
    for (size_t i = 0; i < a->n_opts; i++)
        if (strcmp(a->opts[i].name, name) == 0)
            return a->value[i];
    return NULL;
}

const char *cli_get(const cli_args *a, const char *name)
{
    return a->value[index_of(a, name)];
}

bool cli_flag(const cli_args *a, const char *name)
{
    return a->value[index_of(a, name)] != NULL;
}

const char *const *cli_get_multi(const cli_args *a, const char *name, int *n)
{
    int i = index_of(a, name);
    *n = a->n_multi[i];
    return a->multi[i];
}

void cli_usage(const cli_cmd *cmd, mp_buf *out)
{
    mp_buf_printf(out, "usage: mlxplan %s %s\n\n%s\n", cmd->name, cmd->synopsis, cmd->summary);
    if (cmd->description)
        mp_buf_printf(out, "\n%s\n", cmd->description);
    mp_buf_puts(out, "\noptions:\n");
    cli_opt store[CLI_MAX_OPTS];
    int param[CLI_MAX_OPTS];
    int built = build_opts(cmd, store, param);
    size_t n = built < 0 ? 0 : (size_t)built;
    for (size_t i = 0; i <= n; i++) {
        const cli_opt *o = i < n ? &store[i] : NULL;
        if (o && o->kind == CLI_DASH_WORDS)
            continue;
        char left[64];
        if (!o)
            snprintf(left, sizeof left, "-h, --help");
        else if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                     o->arg ? " " : "", o->arg ? o->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        const char *l = left;
        char help[400];
        if (o && param[i])
            mp_param_help((mp_param_id)(param[i] - 1), cmd->params, help, sizeof help);
        else
            snprintf(help, sizeof help, "%s", o ? o->help : "show this help");
        mp_buf_printf(out, "  %-24s %s%s\n", l, help,
                      o && o->kind == CLI_MULTI ? " (repeatable)" : "");
    }
}
