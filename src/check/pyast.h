/*
 * pyast.h - a syntax tree of Python 3 modules, as much as the checker needs.
 *
 * mp_py_parse turns the token stream of pytok.h into statements and
 * expressions that follow Python's grammar: every statement (simple and
 * compound, decorators, async forms, match statements with their case blocks,
 * type aliases), and every expression with the right precedence, calls with
 * positional, keyword, *args and **kwargs arguments, comprehensions, lambdas,
 * slices, f-string replacement fields (parsed into expressions).  Match
 * patterns and type-parameter lists are skipped: nothing in them matters to
 * the checker.
 *
 * All nodes and lists live in one arena owned by the mp_py_module; strings
 * point into the source buffer, which must outlive the module.
 *
 * Every node is an mp_ast; which fields a kind uses is listed next to the
 * kind below (unused pointers are NULL, unused lists empty).
 */
#ifndef MP_CHECK_PYAST_H
#define MP_CHECK_PYAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/pytok.h"
#include "util/arena.h"

typedef enum mp_ast_kind {
    /* expressions */
    MP_AST_NAME,      /* str */
    MP_AST_NUM,       /* str: the literal text */
    MP_AST_STR,       /* str: text of the first piece; flags: MP_PY_STR_* of any piece;
                         l1: the parsed replacement fields of f-string pieces */
    MP_AST_CONST,     /* str: None, True or False */
    MP_AST_ELLIPSIS,
    MP_AST_ATTR,      /* a.str; (line2, col2) is where the attribute name is */
    MP_AST_CALL,      /* a(l1..., l2...): l1 positional (STARRED for *x), l2 KEYWORD nodes */
    MP_AST_KEYWORD,   /* str=a in a call or class header; str empty for **a;
                         (line2, col2) is where the value starts */
    MP_AST_SUBSCRIPT, /* a[b] */
    MP_AST_SLICE,     /* a:b:c, any of them NULL */
    MP_AST_BINOP,     /* a str b */
    MP_AST_UNARY,     /* str a ("-", "+", "~", "not") */
    MP_AST_BOOLOP,    /* l1 joined by str ("and", "or") */
    MP_AST_COMPARE,   /* l1[0] str l1[1] ...; str is the first operator */
    MP_AST_IFEXP,     /* a if b else c */
    MP_AST_LAMBDA,    /* lambda l1 (PARAM): a */
    MP_AST_TUPLE,     /* l1 */
    MP_AST_LIST,      /* l1 */
    MP_AST_SET,       /* l1 */
    MP_AST_DICT,      /* l1 keys (NULL for **m), l2 values */
    MP_AST_COMP,      /* flags MP_AST_COMP_*; a element (key), b value (dict); l1 COMPFOR */
    MP_AST_COMPFOR,   /* for a in b if l1...; flags 1 when async */
    MP_AST_STARRED,   /* *a (flags 1) or **a (flags 2) */
    MP_AST_NAMED,     /* a := b */
    MP_AST_YIELD,     /* yield a / yield from a (flags 1); a may be NULL */
    MP_AST_AWAIT,     /* await a */
    MP_AST_PARAM,     /* str; a default, b annotation; flags MP_AST_PARAM_* */
    /* statements */
    MP_AST_EXPR_STMT, /* a */
    MP_AST_ASSIGN,    /* l1[0] = l1[1] = ... = a */
    MP_AST_AUGASSIGN, /* a str b ("+=", ...) */
    MP_AST_ANNASSIGN, /* a: b = c (c may be NULL) */
    MP_AST_IMPORT,    /* import l1 (ALIAS) */
    MP_AST_IMPORT_FROM, /* from str import l1 (ALIAS); flags: number of leading dots */
    MP_AST_ALIAS,     /* str as str2 (str2 empty without "as"); str is "*" for star imports */
    MP_AST_RETURN,    /* a may be NULL */
    MP_AST_RAISE,     /* raise a from b */
    MP_AST_DEL,       /* l1 */
    MP_AST_ASSERT,    /* a, b */
    MP_AST_GLOBAL,    /* l1 NAME nodes */
    MP_AST_NONLOCAL,  /* l1 NAME nodes */
    MP_AST_PASS,
    MP_AST_BREAK,
    MP_AST_CONTINUE,
    MP_AST_IF,        /* if a: l1 else: l2 (an elif is an IF alone in l2) */
    MP_AST_WHILE,     /* while a: l1 else: l2 */
    MP_AST_FOR,       /* for a in b: l1 else: l2; flags 1 when async */
    MP_AST_TRY,       /* try: l1, l2 HANDLER, else: l3, finally: a (a BLOCK) */
    MP_AST_HANDLER,   /* except a as str2: l1 */
    MP_AST_BLOCK,     /* l1: a list of statements */
    MP_AST_WITH,      /* with l2 (WITHITEM): l1; flags 1 when async */
    MP_AST_WITHITEM,  /* a as b */
    MP_AST_DEF,       /* def str(l2 PARAM) -> a: l1; l3 decorators; flags 1 when async */
    MP_AST_CLASS,     /* class str(l2 bases and KEYWORD): l1; l3 decorators */
    MP_AST_MATCH,     /* match a: l1 (CASE) */
    MP_AST_CASE,      /* case <pattern, not parsed>: l1 */
    MP_AST_TYPEALIAS, /* type X = ... (not parsed) */
    MP_AST_KIND_COUNT
} mp_ast_kind;

enum { MP_AST_COMP_LIST = 1, MP_AST_COMP_SET, MP_AST_COMP_DICT, MP_AST_COMP_GEN };
enum {
    MP_AST_PARAM_POSONLY = 1, /* before "/" */
    MP_AST_PARAM_KWONLY = 2,  /* after "*" or "*args" */
    MP_AST_PARAM_VARARG = 4,  /* *args */
    MP_AST_PARAM_KWARG = 8,   /* **kwargs */
};

typedef struct mp_ast mp_ast;

typedef struct mp_ast_list {
    mp_ast **v;
    uint32_t n;
} mp_ast_list;

struct mp_ast {
    uint16_t kind;       /* mp_ast_kind */
    uint16_t flags;
    uint32_t line, col;  /* first token of the node */
    uint32_t off;        /* its byte offset: source order */
    uint32_t line2, col2;
    const char *str;     /* points into the source; not NUL-terminated */
    uint32_t len;
    const char *str2;
    uint32_t len2;
    mp_ast *a, *b, *c;
    mp_ast_list l1, l2, l3;
    uint32_t aux;        /* free for analyses (the checker keeps a scope index here) */
};

/* The most memory one module's tree may take (nodes and lists, in the
 * common arena, util/arena.h); a source needing more is MP_ELIMIT. */
#define MP_PY_TREE_MAX_BYTES ((size_t)256 << 20)

typedef struct mp_py_module {
    mp_ast_list body;        /* the module's statements */
    mp_py_tokens toks;       /* the tokens; comments are in toks.comment */
    mp_arena *arena;         /* owns every node; at most MP_PY_TREE_MAX_BYTES */
    size_t n_nodes;
} mp_py_module;

/* Parse `src[0..len)` (valid UTF-8, no NUL; the caller checks) into `mod`.
 * Returns 0, MP_EPARSE with `syn` filled (the first syntax error),
 * MP_ELIMIT (the tree would take more than MP_PY_TREE_MAX_BYTES) or
 * MP_ENOMEM.  Release `mod` with mp_py_module_release in every case. */
int mp_py_parse(const char *src, size_t len, mp_py_module *mod, mp_py_syntax *syn);

/* Free everything the module owns.  Accepts NULL. */
void mp_py_module_release(mp_py_module *mod);

/* Whether `n` is a NAME node spelled `s`. */
bool mp_ast_is_name(const mp_ast *n, const char *s);

/* Whether the node's str equals `s`. */
bool mp_ast_str_eq(const mp_ast *n, const char *s);

#endif
