/* rules_names.c - the name rules: MLX001 unknown-name, MLX002 deprecated-name,
 * MLX003 unknown-keyword.
 *
 * Only names reached through an import the file made are checked
 * (`import mlx.core as mx` makes `mx.zeros` mean mlx.core.zeros); attributes
 * of objects (model.parameters(), arr.astype) are never looked up.  A name is
 * reported unknown only inside the namespaces the API table lists completely
 * ("closed" below); other modules are only checked for the names the table
 * has. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"
#include "kb/suggest.h"
#include "util/text.h"

/* Namespaces whose public names the API table lists in full, with the other
 * attributes they really have (submodules, names their star imports pull
 * in), which the table leaves out on purpose. */
typedef struct closed_ns {
    const char *name;
    const char *const *extra;
} closed_ns;

static const char *const no_extra[] = {NULL};
static const char *const nn_extra[] = {
    "layers",     "init",      "losses",     "utils",        "activations",
    "base",       "containers", "convolution", "convolution_transpose", "distributed",
    "dropout",    "embedding", "linear",     "normalization", "pooling",
    "positional_encoding", "quantized", "recurrent", "transformer", "upsample", NULL};
static const char *const optim_extra[] = {
    "optimizers", "schedulers", "Callable", "List", "Optional", "Tuple", "Union",
    "mx", "Module", "math", "tree_flatten", "tree_map", "tree_merge", "tree_reduce",
    "tree_unflatten", NULL};
static const char *const utils_extra[] = {"defaultdict", "zip_longest", "Any",   "Callable",
                                          "Dict",        "List",        "Optional", "Tuple",
                                          "Union",       NULL};
static const char *const init_extra[] = {"math", "Callable", "Literal", "mx", NULL};
static const char *const losses_extra[] = {"math", "Literal", "Optional", "get_args",
                                           "mx",   "Reduction", NULL};
static const char *const mlx_lm_extra[] = {
    "benchmark", "cache_prompt", "chat",   "chat_templates", "cli",        "cli_ui",
    "convert",   "evaluate",     "examples", "fuse",         "generate",   "gguf",
    "lora",      "manage",       "models", "perplexity",     "quant",      "sample_utils",
    "server",    "share",        "tokenizer_utils", "tool_parsers", "tuner", "upload",
    "utils",     "os",           NULL};
static const char *const sample_extra[] = {"math", "partial", "Callable", "Dict",
                                           "List", "Optional", "mx",      NULL};

static const closed_ns closed[] = {
    {"mlx.core", no_extra},
    {"mlx.core.fast", no_extra},
    {"mlx.core.fft", no_extra},
    {"mlx.core.linalg", no_extra},
    {"mlx.core.random", no_extra},
    {"mlx.core.metal", no_extra},
    {"mlx.core.distributed", no_extra},
    {"mlx.core.cuda", no_extra},
    {"mlx.nn", nn_extra},
    {"mlx.nn.init", init_extra},
    {"mlx.nn.losses", losses_extra},
    {"mlx.optimizers", optim_extra},
    {"mlx.utils", utils_extra},
    {"mlx_lm", mlx_lm_extra},
    {"mlx_lm.sample_utils", sample_extra},
};

static const closed_ns *closed_find(const char *ns)
{
    for (size_t i = 0; i < sizeof closed / sizeof closed[0]; i++)
        if (strcmp(closed[i].name, ns) == 0)
            return &closed[i];
    return NULL;
}

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

/* Whether qualified `q` is a namespace: some rows are below it. */
static bool is_namespace(const char *q)
{
    char pre[CK_QNAME_MAX * 2 + 2];
    size_t k = strlen(q);
    if (k + 2 > sizeof pre)
        return false;
    memcpy(pre, q, k);
    pre[k] = '.';
    pre[k + 1] = '\0';
    return mp_kb_api_has_prefix(pre);
}

/* The mlx or mlx-lm version the table describes, for messages. */
static const char *package_version(const char *q)
{
    const char *v = strncmp(q, "mlx_lm", 6) == 0 ? mp_kb_version("mlx_lm_snapshot_version")
                                                  : mp_kb_version("mlx_snapshot_version");
    return v ? v : "?";
}

/* "did you mean ..." over the names of namespace `ns`; a name spelled exactly
 * like the query in another closed namespace of the same package comes first
 * (nn.relu for mx.relu). */
static bool suggest(const ck_ctx *c, const char *ns, const char *name, char *out, size_t cap)
{
    mp_suggest s;
    mp_suggest_init(&s, name);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < sizeof closed / sizeof closed[0]; k++) {
            const char *cns = closed[k].name;
            bool same = strcmp(cns, ns) == 0;
            if (pass == 1 ? !same : same || strncmp(cns, ns, 4) != 0)
                continue;
            char pre[CK_QNAME_MAX + 2];
            snprintf(pre, sizeof pre, "%s.", cns);
            size_t count = 0, lo = mp_kb_api_prefix(pre, &count);
            size_t pl = strlen(pre);
            for (size_t i = lo; i < lo + count; i++) {
                const char *child = mp_api_rows[i].qname + pl;
                if (strchr(child, '.') || child[0] == '_' || (pass == 0 && strcmp(child, name)))
                    continue;
                mp_suggest_offer(&s, child, mp_api_rows[i].qname);
            }
        }
    }
    /* spell only the few names kept, the way the file imports them */
    for (int i = 0; i < s.n; i++) {
        char disp[CK_QNAME_MAX];
        ck_spell(c, s.name[i], disp, sizeof disp);
        mp_strlcpy(s.name[i], disp, sizeof s.name[i]);
    }
    return mp_suggest_text(&s, out, cap);
}

/* The hint for an unknown name: suggestions are computed once per name. */
static const char *unknown_hint(ck_ctx *c, const char *ns, const char *name)
{
    char key[sizeof c->hints[0].key];
    snprintf(key, sizeof key, "%s %s", ns, name);
    for (unsigned i = 0; i < c->n_hints && i < 16; i++)
        if (strcmp(c->hints[i].key, key) == 0)
            return c->hints[i].text;
    unsigned slot = c->n_hints++ % 16;
    char alt[360];
    mp_strlcpy(c->hints[slot].key, key, sizeof c->hints[slot].key);
    if (suggest(c, ns, name, alt, sizeof alt))
        snprintf(c->hints[slot].text, sizeof c->hints[slot].text, "did you mean %s?", alt);
    else
        snprintf(c->hints[slot].text, sizeof c->hints[slot].text,
                 "no similar name in %s; check the spelling and the %s version", ns,
                 strncmp(ns, "mlx_lm", 6) == 0 ? "mlx-lm" : "mlx");
    return c->hints[slot].text;
}

static void report_unknown(ck_ctx *c, uint32_t line, uint32_t col, const char *spelled,
                           const char *ns, const char *name)
{
    const char *hint = unknown_hint(c, ns, name);
    ck_emit(c, MP_CHECK_MLX001, line, col, hint, "unknown name '%s': %s has no '%s' (%s %s)",
            spelled, ns, name, strncmp(ns, "mlx_lm", 6) == 0 ? "mlx-lm" : "mlx",
            package_version(ns));
}

static void report_deprecated(ck_ctx *c, uint32_t line, uint32_t col, const char *spelled,
                              const mp_api_row *r)
{
    char repl[CK_QNAME_MAX], disp[CK_QNAME_MAX], hint[400];
    mp_kb_api_deprecated(r, repl, sizeof repl);
    if (!repl[0]) {
        ck_emit(c, MP_CHECK_MLX002, line, col, "the old name still works but prints a warning",
                "'%s' is deprecated", spelled);
        return;
    }
    ck_spell(c, repl, disp, sizeof disp);
    const mp_feature_row *f = mp_kb_feature_for(repl);
    snprintf(hint, sizeof hint, "replace '%s' with '%s'; the old name prints a deprecation "
                                "warning",
             spelled, disp);
    if (f && f->version[0])
        ck_emit(c, MP_CHECK_MLX002, line, col, hint, "'%s' is deprecated since %s %s: use '%s'",
                spelled, f->package, f->version, disp);
    else
        ck_emit(c, MP_CHECK_MLX002, line, col, hint, "'%s' is deprecated: use '%s'", spelled,
                disp);
}

/* ---- attribute chains and names (MLX001, MLX002) ----------------------------------------- */

#define MAX_CHAIN 24

typedef struct names_ud {
    bool unknown;    /* run MLX001 */
    bool deprecated; /* run MLX002 */
} names_ud;

/* Walk `root.a.b.c` component by component from the alias's target. */
static void check_chain(ck_ctx *c, int scope, const mp_ast *e, const names_ud *ud)
{
    const mp_ast *parts[MAX_CHAIN];
    int n = 0;
    const mp_ast *x = e;
    while (x && x->kind == MP_AST_ATTR && n < MAX_CHAIN) {
        parts[n++] = x;
        x = x->a;
    }
    if (!x || x->kind != MP_AST_NAME || n == MAX_CHAIN)
        return;
    const ck_binding *b = ck_lookup(c, scope, x->str, x->len);
    if (!b || b->v.kind != CK_ALIAS || !b->v.target || !b->v.target[0])
        return;
    char cur[CK_QNAME_MAX], spelled[CK_QNAME_MAX * 2];
    mp_strlcpy(cur, b->v.target, sizeof cur);
    snprintf(spelled, sizeof spelled, "%.*s", (int)x->len, x->str);
    const mp_api_row *r = ck_api(cur);
    if (r && strcmp(r->kind, "module") != 0)
        return; /* members of an imported function or class */
    if (!r && !is_namespace(cur))
        return;
    for (int i = n - 1; i >= 0; i--) {
        char name[CK_QNAME_MAX], next[CK_QNAME_MAX * 2];
        ck_str(parts[i], name, sizeof name);
        if (name[0] == '_')
            return;
        size_t sl = strlen(spelled);
        snprintf(spelled + sl, sizeof spelled - sl, ".%s", name);
        snprintf(next, sizeof next, "%s.%s", cur, name);
        r = ck_api(next);
        if (r) {
            if (mp_kb_api_deprecated(r, NULL, 0)) {
                if (ud->deprecated)
                    report_deprecated(c, e->line, e->col, spelled, r);
                return;
            }
            if (strcmp(r->kind, "module") != 0)
                return;
        } else if (!is_namespace(next)) {
            const closed_ns *ns = closed_find(cur);
            if (ns && !in_list(ns->extra, name) && ud->unknown)
                report_unknown(c, e->line, e->col, spelled, cur, name);
            return;
        }
        mp_strlcpy(cur, next, sizeof cur);
    }
}

static void names_expr(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent, void *ud)
{
    const names_ud *u = ud;
    bool in_chain = parent && parent->kind == MP_AST_ATTR && parent->a == e;
    if (in_chain)
        return;
    if (e->kind == MP_AST_ATTR) {
        check_chain(c, scope, e, u);
        return;
    }
    if (e->kind == MP_AST_NAME && u->deprecated) {
        char q[CK_QNAME_MAX];
        if (!ck_resolve(c, scope, e, q, sizeof q))
            return;
        const mp_api_row *r = ck_api(q);
        char spelled[CK_QNAME_MAX];
        if (r && mp_kb_api_deprecated(r, NULL, 0))
            report_deprecated(c, e->line, e->col, ck_str(e, spelled, sizeof spelled), r);
    }
}

/* Check a dotted module path of an import; reports at (line, col). */
static bool check_module_path(ck_ctx *c, const char *path, uint32_t line, uint32_t col)
{
    char cur[CK_QNAME_MAX] = "";
    const char *p = path;
    while (*p) {
        size_t k = strcspn(p, ".");
        char name[CK_QNAME_MAX], next[CK_QNAME_MAX * 2];
        snprintf(name, sizeof name, "%.*s", (int)k, p);
        if (!cur[0]) {
            mp_strlcpy(cur, name, sizeof cur);
        } else {
            snprintf(next, sizeof next, "%s.%s", cur, name);
            if (!ck_api(next) && !is_namespace(next)) {
                const closed_ns *ns = closed_find(cur);
                if (ns && name[0] != '_' && !in_list(ns->extra, name)) {
                    char spelled[CK_QNAME_MAX * 2];
                    snprintf(spelled, sizeof spelled, "%.*s", (int)(p - path + k), path);
                    report_unknown(c, line, col, spelled, cur, name);
                }
                return false;
            }
            mp_strlcpy(cur, next, sizeof cur);
        }
        p += k;
        if (*p == '.')
            p++;
    }
    return true;
}

static void names_stmt(ck_ctx *c, int scope, const mp_ast *s, void *ud)
{
    (void)scope;
    (void)ud;
    char path[CK_QNAME_MAX];
    if (s->kind == MP_AST_IMPORT) {
        for (uint32_t i = 0; i < s->l1.n; i++) {
            const mp_ast *al = s->l1.v[i];
            if (al && al->len)
                check_module_path(c, ck_str(al, path, sizeof path), al->line, al->col);
        }
        return;
    }
    if (s->kind != MP_AST_IMPORT_FROM || s->flags || !s->len)
        return;
    if (!check_module_path(c, ck_str(s, path, sizeof path), s->line, s->col))
        return;
    const closed_ns *ns = closed_find(path);
    if (!ns)
        return;
    for (uint32_t i = 0; i < s->l1.n; i++) {
        const mp_ast *al = s->l1.v[i];
        char name[CK_QNAME_MAX], q[CK_QNAME_MAX * 2];
        ck_str(al, name, sizeof name);
        if (!al || name[0] == '_' || strcmp(name, "*") == 0 || in_list(ns->extra, name))
            continue;
        snprintf(q, sizeof q, "%s.%s", path, name);
        if (ck_api(q) || is_namespace(q))
            continue;
        char spelled[CK_QNAME_MAX * 2 + 16];
        snprintf(spelled, sizeof spelled, "%s.%s", path, name);
        report_unknown(c, al->line, al->col, spelled, path, name);
    }
}

void ck_rule_unknown_name(ck_ctx *c)
{
    names_ud ud = {true, false};
    ck_walk_stmts(c, names_stmt, &ud);
    ck_walk_exprs(c, names_expr, &ud);
}

void ck_rule_deprecated_name(ck_ctx *c)
{
    names_ud ud = {false, true};
    ck_walk_exprs(c, names_expr, &ud);
}

/* ---- keyword arguments (MLX003) ----------------------------------------------------------- */

#define MAX_PARAMS 64

typedef struct sig_param {
    const char *name;
    size_t len;
    bool star;    /* *args */
} sig_param;

typedef struct sig_info {
    sig_param p[MAX_PARAMS];
    int n;
    bool var_kw;  /* **kwargs */
} sig_info;

/* Parse "(a, /, b=None, *, stream=None) -> array"; false when the text is
 * not a parameter list we can read (then nothing is reported). */
static bool parse_sig(const char *s, sig_info *out)
{
    memset(out, 0, sizeof *out);
    while (*s == ' ')
        s++;
    if (*s != '(')
        return false;
    const char *p = s + 1, *start = p;
    int depth = 0;
    char quote = 0;
    for (;; p++) {
        char ch = *p;
        if (!ch)
            return false;
        if (quote) {
            if (ch == '\\' && p[1])
                p++;
            else if (ch == quote)
                quote = 0;
            continue;
        }
        if (ch == '\'' || ch == '"') {
            quote = ch;
            continue;
        }
        if (ch == '(' || ch == '[' || ch == '{') {
            depth++;
            continue;
        }
        bool end = false;
        if (ch == ')' || ch == ']' || ch == '}') {
            if (depth > 0) {
                depth--;
                continue;
            }
            if (ch != ')')
                return false;
            end = true;
        } else if (ch != ',' || depth > 0) {
            continue;
        }
        /* one parameter: [start, p) */
        const char *a = start, *b = p;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        if (b > a) {
            if (b - a == 1 && (*a == '/' || *a == '*')) {
                /* positional-only / keyword-only markers */
            } else if (b - a >= 2 && a[0] == '*' && a[1] == '*') {
                out->var_kw = true;
            } else {
                bool star = *a == '*';
                if (star)
                    a++;
                const char *n0 = a;
                while (a < b && (*a == '_' || (*a >= 'a' && *a <= 'z') || (*a >= 'A' && *a <= 'Z') ||
                                 (a > n0 && *a >= '0' && *a <= '9')))
                    a++;
                if (a == n0 || out->n >= MAX_PARAMS)
                    return false;
                out->p[out->n++] = (sig_param){n0, (size_t)(a - n0), star};
            }
        }
        start = p + 1;
        if (end)
            return true;
    }
}

/* Whether a keyword can name a parameter.  Positional-only markers are not
 * trusted: several nanobind signatures of mlx.core put "/" after parameters
 * the binding does name (mx.roll(x, shift=1, axis=0) works although its
 * signature reads "(a, shift, axis=None, /, ...)"), so only a keyword that
 * names no parameter at all is reported. */
static bool sig_accepts(const sig_info *s, const char *kw)
{
    if (s->var_kw)
        return true;
    size_t n = strlen(kw);
    for (int i = 0; i < s->n; i++)
        if (!s->p[i].star && s->p[i].len == n && memcmp(s->p[i].name, kw, n) == 0)
            return true;
    return false;
}

static void check_keywords(ck_ctx *c, const mp_ast *call, const char *q)
{
    const mp_api_row *first = ck_api(q);
    if (!first || (strcmp(first->kind, "function") != 0 && strcmp(first->kind, "class") != 0))
        return;
    const mp_api_row *end = mp_api_rows + mp_api_rows_len;
    char disp[CK_QNAME_MAX];
    ck_spell(c, q, disp, sizeof disp);
    for (uint32_t k = 0; k < call->l2.n; k++) {
        const mp_ast *kw = call->l2.v[k];
        if (!kw || !kw->len)
            continue;
        char name[CK_QNAME_MAX];
        ck_str(kw, name, sizeof name);
        bool accepted = false, doubt = false;
        for (const mp_api_row *r = first; r < end && strcmp(r->qname, first->qname) == 0; r++) {
            sig_info si;
            if (!parse_sig(r->signature, &si)) {
                doubt = true;
                break;
            }
            accepted |= sig_accepts(&si, name);
        }
        if (accepted || doubt)
            continue;
        char hint[600], alt[300] = "";
        mp_suggest s;
        mp_suggest_init(&s, name);
        for (const mp_api_row *r = first; r < end && strcmp(r->qname, first->qname) == 0; r++) {
            sig_info si;
            parse_sig(r->signature, &si);
            for (int i = 0; i < si.n; i++) {
                char pn[CK_QNAME_MAX];
                snprintf(pn, sizeof pn, "%.*s", (int)si.p[i].len, si.p[i].name);
                if (!si.p[i].star)
                    mp_suggest_offer(&s, pn, pn);
            }
        }
        const char *sig = first->signature;
        size_t sl = strlen(sig);
        const char *arrow = strstr(sig, ") ->");
        if (arrow)
            sl = (size_t)(arrow - sig) + 1;
        if (mp_suggest_text(&s, alt, sizeof alt))
            snprintf(hint, sizeof hint, "did you mean %s? %s%.*s%s", alt, disp,
                     (int)(sl > 300 ? 300 : sl), sig, sl > 300 ? "...)" : "");
        else
            snprintf(hint, sizeof hint, "%s%.*s%s", disp, (int)(sl > 300 ? 300 : sl), sig,
                     sl > 300 ? "...)" : "");
        ck_emit(c, MP_CHECK_MLX003, kw->line, kw->col, hint, "'%s' has no keyword argument '%s'",
                disp, name);
    }
}

static void keywords_expr(ck_ctx *c, int scope, const mp_ast *e, const mp_ast *parent, void *ud)
{
    (void)parent;
    (void)ud;
    if (e->kind != MP_AST_CALL || !e->l2.n)
        return;
    char q[CK_QNAME_MAX];
    if (!ck_resolve(c, scope, e->a, q, sizeof q))
        return;
    if (strcmp(q, "functools.partial") == 0) {
        /* partial(mx.compile, inputs=state): the keywords go to the wrapped function */
        if (e->l1.n >= 1 && ck_resolve(c, scope, e->l1.v[0], q, sizeof q))
            check_keywords(c, e, q);
        return;
    }
    check_keywords(c, e, q);
}

void ck_rule_unknown_keyword(ck_ctx *c)
{
    ck_walk_exprs(c, keywords_expr, NULL);
}
