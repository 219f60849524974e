/*
 * pytok.h - a Python 3 tokenizer for the static checker.
 *
 * It turns UTF-8 source into the token stream Python's own tokenizer makes,
 * minus the details the checker does not need: NAME, NUMBER, STRING, OP,
 * NEWLINE (end of a logical line), INDENT, DEDENT and END.  It follows the
 * language rules that decide where statements and blocks start: implicit line
 * joining inside brackets, backslash continuations, indentation with tabs
 * (tab stops of 8, and the "inconsistent tabs and spaces" check Python makes),
 * blank and comment-only lines, CRLF and lone CR line ends, a leading BOM.
 *
 * Strings are single tokens, whatever their prefix (r, b, u, f, t and their
 * combinations) or quoting (single, triple).  For f-strings (and t-strings)
 * the tokenizer also records where each replacement-field expression lies in
 * the source ({x!r:>{width}} gives "x" and "width"), with the PEP 701 rules:
 * nested quotes of any kind, nested f-strings, format specs with nested
 * fields, "{{" escapes, comments and newlines inside fields.  The parser
 * tokenizes those ranges again with mp_py_tokenize_expr.
 *
 * Comments are not tokens; they are collected on the side (the checker reads
 * "# mlxplan: ignore[...]" directives from them).
 *
 * Positions: line is 1-based; col is 1-based and counts Unicode code points
 * from the start of the physical line (a tab counts as one column), so they
 * match what an editor shows for the character.
 *
 * Errors (unterminated string, unbalanced bracket, bad indentation, a
 * character Python rejects) stop tokenization and fill an mp_py_syntax with
 * the position and a one-line message; nothing is read outside the buffer.
 */
#ifndef MP_CHECK_PYTOK_H
#define MP_CHECK_PYTOK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef enum mp_py_tok_kind {
    MP_PY_END = 0,
    MP_PY_NAME,
    MP_PY_NUMBER,
    MP_PY_STRING,
    MP_PY_OP,
    MP_PY_NEWLINE,
    MP_PY_INDENT,
    MP_PY_DEDENT,
} mp_py_tok_kind;

/* flags of a STRING token */
enum {
    MP_PY_STR_F = 1,      /* f-string or t-string: has replacement fields */
    MP_PY_STR_BYTES = 2,  /* b"..." */
    MP_PY_STR_RAW = 4,    /* r"..." */
    MP_PY_STR_TRIPLE = 8, /* """...""" or '''...''' */
};

typedef struct mp_py_tok {
    uint8_t kind;        /* mp_py_tok_kind */
    uint8_t flags;       /* MP_PY_STR_* for strings */
    uint32_t off, len;   /* bytes of the token in the source (prefix and quotes included) */
    uint32_t line, col;  /* where it starts */
    uint32_t field0;     /* f-strings: index of the first field in mp_py_tokens.field */
    uint32_t n_fields;   /* f-strings: number of replacement fields */
} mp_py_tok;

/* A source range: an f-string field expression or a comment ("#" included). */
typedef struct mp_py_span {
    uint32_t off, len;
    uint32_t line, col;
} mp_py_span;

typedef struct mp_py_tokens {
    mp_py_tok *tok;
    size_t n, cap;
    mp_py_span *field;
    size_t n_field, cap_field;
    mp_py_span *comment;
    size_t n_comment, cap_comment;
} mp_py_tokens;

#define MP_PY_TOKENS_INIT {NULL, 0, 0, NULL, 0, 0, NULL, 0, 0}

/* A syntax error: where and what ("unterminated string literal"). */
typedef struct mp_py_syntax {
    uint32_t line, col;
    char msg[160];
} mp_py_syntax;

/* The deepest bracket nesting accepted (Python's own limit is 200). */
#define MP_PY_MAX_NESTING 200
/* The deepest block indentation accepted (Python's own limit is 100). */
#define MP_PY_MAX_INDENT 100

/* Tokenize a whole module.  `src[0..len)` must be valid UTF-8 without NUL
 * bytes (the caller checks).  On success `out` holds the tokens, ending with
 * one MP_PY_END; the caller releases it with mp_py_tokens_release (also after
 * a failure).  Returns 0, MP_EPARSE with `syn` filled, or MP_ENOMEM. */
int mp_py_tokenize(const char *src, size_t len, mp_py_tokens *out, mp_py_syntax *syn);

/* Tokenize the expression of an f-string field: `src[off..off+len)`, which
 * starts at (line, col).  Newlines are insignificant there, as inside
 * brackets; no NEWLINE, INDENT or DEDENT is produced.  Same contract as
 * mp_py_tokenize otherwise. */
int mp_py_tokenize_expr(const char *src, size_t off, size_t len, uint32_t line, uint32_t col,
                        mp_py_tokens *out, mp_py_syntax *syn);

/* Free the arrays and reset to empty.  Accepts NULL. */
void mp_py_tokens_release(mp_py_tokens *t);

/* Record a syntax error at (line, col) with a printf-style message. */
void mp_py_syntax_vset(mp_py_syntax *syn, uint32_t line, uint32_t col, const char *fmt,
                       va_list ap) __attribute__((format(printf, 4, 0)));

/* Make room for `need` elements of `size` bytes in the growable array *arr
 * of capacity *cap (doubling, from 16).  Returns 0 or MP_ENOMEM (the array
 * is then unchanged).  Shared by the checker's growable lists. */
int mp_py_grow(void **arr, size_t *cap, size_t need, size_t size);

#endif
