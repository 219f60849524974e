/* scope.c - scopes, bindings and value kinds of a parsed module; see ck.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ck.h"
#include "util/text.h"

#define MAX_ROUNDS 8

/* ---- scopes and their hash tables --------------------------------------------------- */

static uint32_t hash_name(const char *s, uint32_t n)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static ck_binding *table_find(const ck_scope *s, const char *name, uint32_t len)
{
    if (!s->cap)
        return NULL;
    uint32_t mask = s->cap - 1;
    for (uint32_t i = hash_name(name, len) & mask;; i = (i + 1) & mask) {
        ck_binding *b = &s->slot[i];
        if (!b->name)
            return NULL;
        if (b->len == len && memcmp(b->name, name, len) == 0)
            return b;
    }
}

static ck_binding *table_insert(ck_ctx *c, ck_scope *s, const char *name, uint32_t len)
{
    ck_binding *b = table_find(s, name, len);
    if (b)
        return b;
    if ((s->n + 1) * 2 > s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 16;
        ck_binding *slot = calloc(cap, sizeof *slot);
        if (!slot) {
            c->rc = MP_ENOMEM;
            return NULL;
        }
        for (uint32_t i = 0; i < s->cap; i++) {
            if (!s->slot[i].name)
                continue;
            uint32_t j = hash_name(s->slot[i].name, s->slot[i].len) & (cap - 1);
            while (slot[j].name)
                j = (j + 1) & (cap - 1);
            slot[j] = s->slot[i];
        }
        free(s->slot);
        s->slot = slot;
        s->cap = cap;
    }
    uint32_t mask = s->cap - 1;
    uint32_t i = hash_name(name, len) & mask;
    while (s->slot[i].name)
        i = (i + 1) & mask;
    b = &s->slot[i];
    memset(b, 0, sizeof *b);
    b->name = name;
    b->len = len;
    s->n++;
    return b;
}

static int new_scope(ck_ctx *c, ck_scope_kind kind, mp_ast *node, int parent)
{
    if (mp_py_grow((void **)&c->scopes, &c->cap_scopes, c->n_scopes + 1, sizeof *c->scopes)) {
        c->rc = MP_ENOMEM;
        return parent < 0 ? 0 : parent;
    }
    ck_scope *s = &c->scopes[c->n_scopes];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->node = node;
    s->parent = parent;
    s->is_step = -1;
    s->passed = -1;
    s->returns = -1;
    if (node)
        node->aux = (uint32_t)c->n_scopes;
    return (int)c->n_scopes++;
}

int ck_scope_of(const ck_ctx *c, const mp_ast *n)
{
    return n && n->aux < c->n_scopes ? (int)n->aux : 0;
}

static bool is_global_in(const ck_scope *s, const char *name, uint32_t len)
{
    for (uint32_t i = 0; i < s->n_globals; i++)
        if (s->globals[i]->len == len && memcmp(s->globals[i]->str, name, len) == 0)
            return true;
    return false;
}

/* ---- pass 1: binding sites ----------------------------------------------------------- */

static void add_site(ck_ctx *c, int scope, const char *name, uint32_t len, int how,
                     const mp_ast *value, const mp_ast *stmt, const uint8_t *path,
                     const uint8_t *width, int depth)
{
    if (c->rc || len == 0)
        return;
    if (is_global_in(&c->scopes[scope], name, len))
        scope = 0;
    if (!table_insert(c, &c->scopes[scope], name, len))
        return;
    if (mp_py_grow((void **)&c->sites, &c->cap_sites, c->n_sites + 1, sizeof *c->sites)) {
        c->rc = MP_ENOMEM;
        return;
    }
    ck_site *s = &c->sites[c->n_sites++];
    memset(s, 0, sizeof *s);
    s->scope = scope;
    s->name = name;
    s->len = len;
    s->how = (uint8_t)how;
    s->value = value;
    s->stmt = stmt;
    s->depth = (uint8_t)depth;
    for (int i = 0; i < depth; i++) {
        s->path[i] = path[i];
        s->width[i] = width[i];
    }
}

static void bind_other(ck_ctx *c, int scope, const mp_ast *t)
{
    if (!t)
        return;
    if (t->kind == MP_AST_NAME)
        add_site(c, scope, t->str, t->len, CK_SITE_OTHER, NULL, NULL, NULL, NULL, 0);
    else if (t->kind == MP_AST_TUPLE || t->kind == MP_AST_LIST)
        for (uint32_t i = 0; i < t->l1.n; i++)
            bind_other(c, scope, t->l1.v[i]);
    else if (t->kind == MP_AST_STARRED)
        bind_other(c, scope, t->a);
}

static void bind_target(ck_ctx *c, int scope, const mp_ast *t, const mp_ast *value,
                        uint8_t *path, uint8_t *width, int depth)
{
    if (!t)
        return;
    if (t->kind == MP_AST_NAME) {
        add_site(c, scope, t->str, t->len, CK_SITE_ASSIGN, value, NULL, path, width, depth);
        return;
    }
    if ((t->kind == MP_AST_TUPLE || t->kind == MP_AST_LIST) && depth < 6) {
        bool starred = false;
        for (uint32_t i = 0; i < t->l1.n; i++)
            if (t->l1.v[i] && t->l1.v[i]->kind == MP_AST_STARRED)
                starred = true;
        for (uint32_t i = 0; i < t->l1.n && i < 255; i++) {
            const mp_ast *e = t->l1.v[i];
            if (!e || e->kind == MP_AST_STARRED) {
                bind_other(c, scope, e);
                continue;
            }
            path[depth] = (uint8_t)i;
            width[depth] = starred || t->l1.n > 255 ? 0 : (uint8_t)t->l1.n;
            bind_target(c, scope, e, value, path, width, depth + 1);
        }
        return;
    }
    bind_other(c, scope, t);
}

static void build_block(ck_ctx *c, int scope, const mp_ast_list *l);

/* The nearest scope a walrus binds in: comprehensions do not count. */
static int walrus_scope(const ck_ctx *c, int scope)
{
    while (scope > 0 && c->scopes[scope].kind == CK_SCOPE_COMP)
        scope = c->scopes[scope].parent;
    return scope;
}

static void build_expr(ck_ctx *c, int scope, mp_ast *e)
{
    if (!e || c->rc)
        return;
    switch (e->kind) {
    case MP_AST_LAMBDA: {
        for (uint32_t i = 0; i < e->l1.n; i++)
            if (e->l1.v[i])
                build_expr(c, scope, e->l1.v[i]->a);
        int ns = new_scope(c, CK_SCOPE_LAMBDA, e, scope);
        for (uint32_t i = 0; i < e->l1.n; i++)
            if (e->l1.v[i])
                add_site(c, ns, e->l1.v[i]->str, e->l1.v[i]->len, CK_SITE_OTHER, NULL, NULL,
                         NULL, NULL, 0);
        build_expr(c, ns, e->a);
        return;
    }
    case MP_AST_COMP: {
        int ns = new_scope(c, CK_SCOPE_COMP, e, scope);
        for (uint32_t i = 0; i < e->l1.n; i++) {
            mp_ast *g = e->l1.v[i];
            if (!g)
                continue;
            build_expr(c, i == 0 ? scope : ns, g->b);
            bind_other(c, ns, g->a);
            for (uint32_t k = 0; k < g->l1.n; k++)
                build_expr(c, ns, g->l1.v[k]);
        }
        build_expr(c, ns, e->a);
        build_expr(c, ns, e->b);
        return;
    }
    case MP_AST_NAMED:
        build_expr(c, scope, e->b);
        if (e->a && e->a->kind == MP_AST_NAME)
            add_site(c, walrus_scope(c, scope), e->a->str, e->a->len, CK_SITE_ASSIGN, e->b,
                     NULL, NULL, NULL, 0);
        return;
    default:
        break;
    }
    build_expr(c, scope, e->a);
    build_expr(c, scope, e->b);
    build_expr(c, scope, e->c);
    for (uint32_t i = 0; i < e->l1.n; i++)
        build_expr(c, scope, e->l1.v[i]);
    for (uint32_t i = 0; i < e->l2.n; i++)
        build_expr(c, scope, e->l2.v[i]);
}

/* The local name and the qualified target of an import alias. */
static void import_names(const mp_ast *stmt, const mp_ast *alias, const char **name,
                         uint32_t *len, char *target, size_t cap)
{
    target[0] = '\0';
    if (stmt->kind == MP_AST_IMPORT) {
        if (alias->len2) {
            *name = alias->str2;
            *len = alias->len2;
            snprintf(target, cap, "%.*s", (int)alias->len, alias->str);
        } else {
            uint32_t k = 0;
            while (k < alias->len && alias->str[k] != '.')
                k++;
            *name = alias->str;
            *len = k;
            snprintf(target, cap, "%.*s", (int)k, alias->str);
        }
        return;
    }
    *name = alias->len2 ? alias->str2 : alias->str;
    *len = alias->len2 ? alias->len2 : alias->len;
    if (stmt->flags == 0 && stmt->len)
        snprintf(target, cap, "%.*s.%.*s", (int)stmt->len, stmt->str, (int)alias->len,
                 alias->str);
}

static void build_stmt(ck_ctx *c, int scope, mp_ast *s)
{
    uint8_t path[6], width[6];
    if (!s || c->rc)
        return;
    switch (s->kind) {
    case MP_AST_EXPR_STMT:
    case MP_AST_RETURN:
        build_expr(c, scope, s->a);
        break;
    case MP_AST_RAISE:
    case MP_AST_ASSERT:
        build_expr(c, scope, s->a);
        build_expr(c, scope, s->b);
        break;
    case MP_AST_DEL:
        for (uint32_t i = 0; i < s->l1.n; i++)
            build_expr(c, scope, s->l1.v[i]);
        break;
    case MP_AST_ASSIGN:
        build_expr(c, scope, s->a);
        for (uint32_t i = 0; i < s->l1.n; i++) {
            build_expr(c, scope, s->l1.v[i]);
            bind_target(c, scope, s->l1.v[i], s->a, path, width, 0);
        }
        break;
    case MP_AST_AUGASSIGN:
        build_expr(c, scope, s->a);
        build_expr(c, scope, s->b);
        if (s->a && s->a->kind == MP_AST_NAME)
            add_site(c, scope, s->a->str, s->a->len, CK_SITE_AUG, s->b, NULL, NULL, NULL, 0);
        break;
    case MP_AST_ANNASSIGN:
        build_expr(c, scope, s->b);
        build_expr(c, scope, s->c);
        if (s->c)
            bind_target(c, scope, s->a, s->c, path, width, 0);
        break;
    case MP_AST_IMPORT:
    case MP_AST_IMPORT_FROM:
        for (uint32_t i = 0; i < s->l1.n; i++) {
            const mp_ast *al = s->l1.v[i];
            if (!al || mp_ast_str_eq(al, "*"))
                continue;
            const char *name;
            uint32_t len;
            char target[CK_QNAME_MAX];
            import_names(s, al, &name, &len, target, sizeof target);
            add_site(c, scope, name, len, CK_SITE_IMPORT, al, s, NULL, NULL, 0);
        }
        break;
    case MP_AST_GLOBAL: {
        ck_scope *sc = &c->scopes[scope];
        for (uint32_t i = 0; i < s->l1.n; i++) {
            if (mp_py_grow((void **)&sc->globals, &sc->cap_globals, sc->n_globals + 1,
                           sizeof *sc->globals)) {
                c->rc = MP_ENOMEM;
                return;
            }
            sc->globals[sc->n_globals++] = s->l1.v[i];
        }
        break;
    }
    case MP_AST_NONLOCAL:
        for (uint32_t i = 0; i < s->l1.n; i++)
            bind_other(c, scope, s->l1.v[i]);
        break;
    case MP_AST_IF:
    case MP_AST_WHILE:
        build_expr(c, scope, s->a);
        build_block(c, scope, &s->l1);
        build_block(c, scope, &s->l2);
        break;
    case MP_AST_FOR:
        build_expr(c, scope, s->b);
        bind_other(c, scope, s->a);
        build_block(c, scope, &s->l1);
        build_block(c, scope, &s->l2);
        break;
    case MP_AST_TRY:
        build_block(c, scope, &s->l1);
        for (uint32_t i = 0; i < s->l2.n; i++) {
            mp_ast *h = s->l2.v[i];
            if (!h)
                continue;
            build_expr(c, scope, h->a);
            if (h->len2)
                add_site(c, scope, h->str2, h->len2, CK_SITE_OTHER, NULL, NULL, NULL, NULL, 0);
            build_block(c, scope, &h->l1);
        }
        build_block(c, scope, &s->l3);
        if (s->a)
            build_block(c, scope, &s->a->l1);
        break;
    case MP_AST_WITH:
        for (uint32_t i = 0; i < s->l2.n; i++) {
            mp_ast *w = s->l2.v[i];
            if (!w)
                continue;
            build_expr(c, scope, w->a);
            bind_other(c, scope, w->b);
        }
        build_block(c, scope, &s->l1);
        break;
    case MP_AST_DEF: {
        for (uint32_t i = 0; i < s->l3.n; i++)
            build_expr(c, scope, s->l3.v[i]);
        for (uint32_t i = 0; i < s->l2.n; i++)
            if (s->l2.v[i]) {
                build_expr(c, scope, s->l2.v[i]->a);
                build_expr(c, scope, s->l2.v[i]->b);
            }
        build_expr(c, scope, s->a);
        add_site(c, scope, s->str, s->len, CK_SITE_DEF, s, NULL, NULL, NULL, 0);
        int ns = new_scope(c, CK_SCOPE_DEF, s, scope);
        for (uint32_t i = 0; i < s->l2.n; i++)
            if (s->l2.v[i])
                add_site(c, ns, s->l2.v[i]->str, s->l2.v[i]->len, CK_SITE_OTHER, NULL, NULL,
                         NULL, NULL, 0);
        build_block(c, ns, &s->l1);
        break;
    }
    case MP_AST_CLASS: {
        for (uint32_t i = 0; i < s->l3.n; i++)
            build_expr(c, scope, s->l3.v[i]);
        for (uint32_t i = 0; i < s->l2.n; i++)
            build_expr(c, scope, s->l2.v[i]);
        add_site(c, scope, s->str, s->len, CK_SITE_CLASS, s, NULL, NULL, NULL, 0);
        int ns = new_scope(c, CK_SCOPE_CLASS, s, scope);
        build_block(c, ns, &s->l1);
        break;
    }
    case MP_AST_MATCH:
        build_expr(c, scope, s->a);
        for (uint32_t i = 0; i < s->l1.n; i++)
            if (s->l1.v[i])
                build_block(c, scope, &s->l1.v[i]->l1);
        break;
    default:
        break;
    }
}

static void build_block(ck_ctx *c, int scope, const mp_ast_list *l)
{
    for (uint32_t i = 0; i < l->n && !c->rc; i++)
        build_stmt(c, scope, l->v[i]);
}

/* ---- lookups ------------------------------------------------------------------------- */

const ck_binding *ck_lookup(const ck_ctx *c, int scope, const char *name, uint32_t len)
{
    if (scope < 0 || (size_t)scope >= c->n_scopes)
        return NULL;
    const ck_scope *s = &c->scopes[scope];
    if (is_global_in(s, name, len))
        return table_find(&c->scopes[0], name, len);
    ck_binding *b = table_find(s, name, len);
    if (b)
        return b;
    for (int p = s->parent; p >= 0; p = c->scopes[p].parent) {
        const ck_scope *ps = &c->scopes[p];
        if (ps->kind == CK_SCOPE_CLASS)
            continue;
        if ((b = table_find(ps, name, len)) != NULL)
            return b;
    }
    return NULL;
}

bool ck_resolve(const ck_ctx *c, int scope, const mp_ast *e, char *out, size_t cap)
{
    if (!e)
        return false;
    if (e->kind == MP_AST_NAME) {
        const ck_binding *b = ck_lookup(c, scope, e->str, e->len);
        if (!b || b->v.kind != CK_ALIAS || !b->v.target || !b->v.target[0])
            return false;
        mp_strlcpy(out, b->v.target, cap);
        return true;
    }
    if (e->kind == MP_AST_ATTR) {
        if (!ck_resolve(c, scope, e->a, out, cap))
            return false;
        size_t n = strlen(out);
        if (n + 1 + e->len + 1 > cap)
            return false;
        out[n] = '.';
        memcpy(out + n + 1, e->str, e->len);
        out[n + 1 + e->len] = '\0';
        return true;
    }
    return false;
}

void ck_spell(const ck_ctx *c, const char *qname, char *out, size_t cap)
{
    const ck_binding *best = NULL;
    size_t best_len = 0;
    if (c->n_scopes) {
        const ck_scope *m = &c->scopes[0];
        for (uint32_t i = 0; i < m->cap; i++) {
            const ck_binding *b = &m->slot[i];
            if (!b->name || b->v.kind != CK_ALIAS || !b->v.target || !b->v.target[0])
                continue;
            size_t n = strlen(b->v.target);
            if (strncmp(qname, b->v.target, n) != 0 || (qname[n] != '.' && qname[n] != '\0'))
                continue;
            if (n > best_len ||
                (n == best_len && best &&
                 (b->len < best->len ||
                  (b->len == best->len && memcmp(b->name, best->name, b->len) < 0)))) {
                best = b;
                best_len = n;
            }
        }
    }
    if (!best) {
        mp_strlcpy(out, qname, cap);
        return;
    }
    snprintf(out, cap, "%.*s%s", (int)best->len, best->name, qname + best_len);
}

const mp_api_row *ck_api(const char *qname)
{
    if (strncmp(qname, "mlx.", 4) != 0 && strncmp(qname, "mlx_lm", 6) != 0)
        return NULL;
    return mp_kb_api_find(qname);
}

/* ---- classification -------------------------------------------------------------------- */

static ck_val val(ck_kind k)
{
    ck_val v = {k, 0, NULL, NULL};
    return v;
}

/* Whether a signature in the API table ends in "-> array". */
static bool returns_array(const char *sig)
{
    const char *r = strstr(sig, "->");
    if (!r)
        return false;
    r += 2;
    while (*r == ' ')
        r++;
    return strcmp(r, "array") == 0 || strcmp(r, "mx.array") == 0;
}

static bool qname_in_module(const char *q, const char *module)
{
    size_t n = strlen(module);
    return strncmp(q, module, n) == 0 && q[n] == '.' && strchr(q + n + 1, '.') == NULL;
}

/* What calling something classified as `fv` (or spelled qname `q`) gives. */
static ck_val classify_call(ck_ctx *c, int scope, const mp_ast *e)
{
    char q[CK_QNAME_MAX];
    const mp_ast *f = e->a;
    if (ck_resolve(c, scope, f, q, sizeof q)) {
        const mp_api_row *r = ck_api(q);
        if (strcmp(q, "mlx.core.compile") == 0) {
            ck_val v = val(CK_COMPILED);
            v.node = e;
            return v;
        }
        if (strcmp(q, "mlx.nn.value_and_grad") == 0 ||
            strcmp(q, "mlx.nn.utils.value_and_grad") == 0 ||
            strcmp(q, "mlx.core.value_and_grad") == 0 || strcmp(q, "mlx.core.grad") == 0) {
            ck_val v = val(CK_LVG);
            v.node = e;
            if (strcmp(q, "mlx.core.grad") == 0)
                v.flags = CK_F_GRAD_ONLY;
            if (strncmp(q, "mlx.nn.", 7) == 0)
                v.flags |= CK_F_NN;
            return v;
        }
        if (strcmp(q, "mlx_lm.load") == 0 || strcmp(q, "mlx_lm.utils.load") == 0)
            return val(CK_TUPLE_LOAD);
        if (!r)
            return val(CK_UNKNOWN);
        if (strcmp(r->kind, "class") == 0 && qname_in_module(q, "mlx.optimizers"))
            return val(CK_OPTIMIZER);
        if (strcmp(r->kind, "class") == 0 && qname_in_module(q, "mlx.nn"))
            return val(CK_MODEL);
        if (strcmp(q, "mlx.core.array") == 0)
            return val(CK_ARRAY);
        if (strcmp(r->kind, "function") == 0 && returns_array(r->signature))
            return val(CK_ARRAY);
        return val(CK_UNKNOWN);
    }
    if (f && f->kind == MP_AST_ATTR) {
        /* a method of an array that gives an array (x.sum(), x.astype(...)) */
        ck_val ov = ck_classify(c, scope, f->a);
        if (ov.kind == CK_ARRAY && !mp_ast_str_eq(f, "item") && !mp_ast_str_eq(f, "tolist")) {
            char m[CK_QNAME_MAX];
            snprintf(m, sizeof m, "mlx.core.array.%.*s", (int)f->len, f->str);
            const mp_api_row *r = ck_api(m);
            if (r && strcmp(r->kind, "method") == 0)
                return val(CK_ARRAY);
        }
        return val(CK_UNKNOWN);
    }
    ck_val fv = ck_classify(c, scope, f);
    switch (fv.kind) {
    case CK_CLASS:
        return ck_class_is_module(c, scope, fv.node) ? val(CK_MODEL) : val(CK_UNKNOWN);
    case CK_MODEL:
        return val(CK_ARRAY);
    case CK_LVG:
        return val((fv.flags & CK_F_GRAD_ONLY) ? CK_TREE : CK_TUPLE_LVG);
    case CK_DEF:
    case CK_COMPILED: {
        const mp_ast *def = fv.node;
        bool compiled = fv.kind == CK_COMPILED;
        if (compiled) {
            if (!def || def->l1.n < 1)
                return val(CK_UNKNOWN);
            ck_val tv = ck_classify(c, scope, def->l1.v[0]);
            if (tv.kind != CK_DEF)
                return val(CK_UNKNOWN);
            def = tv.node;
        }
        ck_kind rk = ck_def_returns(c, def);
        if (rk != CK_ARRAY && rk != CK_TUPLE_ARRAYS)
            return val(CK_UNKNOWN);
        ck_val v = val(rk);
        if (!compiled && !def->l3.n && ck_def_is_step(c, def))
            v.flags = CK_F_FROM_STEP;
        return v;
    }
    default:
        return val(CK_UNKNOWN);
    }
}

ck_val ck_classify(ck_ctx *c, int scope, const mp_ast *e)
{
    if (!e || c->classify_depth > CK_MAX_CLASSIFY_DEPTH)
        return val(CK_UNKNOWN);
    c->classify_depth++;
    ck_val v = val(CK_UNKNOWN);
    switch (e->kind) {
    case MP_AST_NAME: {
        const ck_binding *b = ck_lookup(c, scope, e->str, e->len);
        if (b && b->v.kind != CK_UNSET)
            v = b->v;
        break;
    }
    case MP_AST_CONST:
        if (mp_ast_str_eq(e, "None"))
            v = val(CK_NONE);
        break;
    case MP_AST_CALL:
        v = classify_call(c, scope, e);
        break;
    case MP_AST_ATTR: {
        ck_val ov = ck_classify(c, scope, e->a);
        if (ov.kind == CK_ARRAY &&
            (mp_ast_str_eq(e, "T") || mp_ast_str_eq(e, "real") || mp_ast_str_eq(e, "imag")))
            v = val(CK_ARRAY);
        break;
    }
    case MP_AST_BINOP: {
        if (e->a && e->a->kind == MP_AST_STR)
            break; /* "%s" % x is a string */
        ck_val l = ck_classify(c, scope, e->a), r = ck_classify(c, scope, e->b);
        if (l.kind == CK_ARRAY || r.kind == CK_ARRAY)
            v = val(CK_ARRAY);
        break;
    }
    case MP_AST_UNARY:
        if (!mp_ast_str_eq(e, "not") && ck_classify(c, scope, e->a).kind == CK_ARRAY)
            v = val(CK_ARRAY);
        break;
    case MP_AST_SUBSCRIPT:
        if (ck_classify(c, scope, e->a).kind == CK_ARRAY)
            v = val(CK_ARRAY);
        break;
    case MP_AST_IFEXP: {
        ck_val a = ck_classify(c, scope, e->a), b = ck_classify(c, scope, e->c);
        if (a.kind == b.kind && a.node == b.node && a.kind != CK_ALIAS)
            v = a;
        break;
    }
    case MP_AST_NAMED:
        v = ck_classify(c, scope, e->b);
        break;
    default:
        break;
    }
    c->classify_depth--;
    return v;
}

/* The element `idx` of a tuple-valued result. */
static ck_val element(ck_val v, int idx)
{
    switch (v.kind) {
    case CK_TUPLE_LVG: {
        ck_val r = val(idx == 0 ? CK_ARRAY : idx == 1 ? CK_TREE : CK_UNKNOWN);
        if (r.kind != CK_UNKNOWN)
            r.flags = CK_F_FROM_LVG;
        return r;
    }
    case CK_TUPLE_LOAD:
        return val(idx == 0 ? CK_MODEL : CK_UNKNOWN);
    case CK_TUPLE_ARRAYS: {
        ck_val r = val(CK_ARRAY);
        r.flags = v.flags;
        return r;
    }
    case CK_ARRAY:
        /* (loss, aux), grads = value_and_grad_fn(...): the value part may be a tuple */
        if (v.flags & CK_F_FROM_LVG) {
            ck_val r = val(CK_ARRAY);
            r.flags = CK_F_FROM_LVG;
            return r;
        }
        return val(CK_UNKNOWN);
    default:
        return val(CK_UNKNOWN);
    }
}

static ck_val site_value(ck_ctx *c, const ck_site *s, char *target, size_t cap)
{
    switch (s->how) {
    case CK_SITE_DEF: {
        ck_val v = val(CK_DEF);
        v.node = s->value;
        return v;
    }
    case CK_SITE_CLASS: {
        ck_val v = val(CK_CLASS);
        v.node = s->value;
        return v;
    }
    case CK_SITE_IMPORT: {
        const char *name;
        uint32_t len;
        import_names(s->stmt, s->value, &name, &len, target, cap);
        ck_val v = val(CK_ALIAS);
        v.target = target;
        return v;
    }
    case CK_SITE_AUG:
        return ck_classify(c, s->scope, s->value).kind == CK_ARRAY ? val(CK_ARRAY)
                                                                  : val(CK_UNKNOWN);
    case CK_SITE_ASSIGN: {
        const mp_ast *e = s->value;
        int level = 0;
        while (level < s->depth && e && (e->kind == MP_AST_TUPLE || e->kind == MP_AST_LIST) &&
               s->width[level] && e->l1.n == s->width[level]) {
            bool starred = false;
            for (uint32_t i = 0; i < e->l1.n; i++)
                if (e->l1.v[i] && e->l1.v[i]->kind == MP_AST_STARRED)
                    starred = true;
            if (starred)
                break;
            e = e->l1.v[s->path[level]];
            level++;
        }
        ck_val v = ck_classify(c, s->scope, e);
        for (; level < s->depth; level++)
            v = element(v, s->path[level]);
        return v;
    }
    default:
        return val(CK_UNKNOWN);
    }
}

static bool same_val(const ck_val *a, const ck_val *b)
{
    if (a->kind != b->kind || a->node != b->node || a->flags != b->flags)
        return false;
    if (a->kind == CK_ALIAS)
        return a->target && b->target && strcmp(a->target, b->target) == 0;
    return true;
}

static void merge(ck_binding *b, ck_val v, const char *target)
{
    if (v.kind == CK_NONE) {
        if (!b->next_set) {
            b->next = v;
            b->next_set = true;
        }
        return;
    }
    if (!b->next_set || b->next.kind == CK_NONE) {
        b->next = v;
        b->next_set = true;
        if (v.kind == CK_ALIAS) {
            mp_strlcpy(b->target, target, sizeof b->target);
            b->next.target = b->target;
        }
        return;
    }
    if (b->next.kind == CK_UNKNOWN)
        return;
    if (v.kind == CK_ALIAS) {
        if (b->next.kind != CK_ALIAS || strcmp(b->target, target) != 0)
            b->next = val(CK_UNKNOWN);
        return;
    }
    if (v.kind != b->next.kind || v.node != b->next.node) {
        b->next = val(CK_UNKNOWN);
        return;
    }
    b->next.flags &= v.flags;
}

int ck_analyze(ck_ctx *c)
{
    c->analyzed = false;
    new_scope(c, CK_SCOPE_MODULE, NULL, -1);
    build_block(c, 0, &c->mod.body);
    if (c->rc)
        return c->rc;
    for (int round = 0; round < MAX_ROUNDS; round++) {
        c->round = (uint32_t)round + 1;
        for (size_t i = 0; i < c->n_scopes; i++)
            for (uint32_t k = 0; k < c->scopes[i].cap; k++)
                c->scopes[i].slot[k].next_set = false;
        for (size_t i = 0; i < c->n_sites; i++) {
            const ck_site *s = &c->sites[i];
            char target[CK_QNAME_MAX];
            ck_val v = site_value(c, s, target, sizeof target);
            ck_binding *b = table_find(&c->scopes[s->scope], s->name, s->len);
            if (b) {
                merge(b, v, target);
                b->any_site = true;
            }
        }
        bool changed = false;
        for (size_t i = 0; i < c->n_scopes; i++)
            for (uint32_t k = 0; k < c->scopes[i].cap; k++) {
                ck_binding *b = &c->scopes[i].slot[k];
                if (!b->name)
                    continue;
                ck_val nv = b->next_set ? b->next : val(CK_UNKNOWN);
                if (nv.kind == CK_ALIAS)
                    nv.target = b->target;
                if (!same_val(&nv, &b->v)) {
                    b->v = nv;
                    changed = true;
                }
            }
        if (!changed)
            break;
    }
    /* memos computed from the final bindings stay valid from now on */
    c->round++;
    for (size_t i = 0; i < c->n_scopes; i++)
        c->scopes[i].returns = c->scopes[i].is_step = -1;
    c->analyzed = true;
    return c->rc;
}

void ck_analysis_release(ck_ctx *c)
{
    for (size_t i = 0; i < c->n_scopes; i++) {
        free(c->scopes[i].slot);
        free(c->scopes[i].globals);
    }
    free(c->scopes);
    free(c->sites);
    c->scopes = NULL;
    c->sites = NULL;
    c->n_scopes = c->n_sites = 0;
}
