/* pytok.c - the Python tokenizer of the static checker; see pytok.h. */
#include "check/pytok.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

typedef struct bracket {
    char ch;
    uint32_t line, col;
} bracket;

typedef struct lexer {
    const char *s;
    size_t pos, end;
    uint32_t line, col;
    mp_py_tokens *out;
    mp_py_syntax *syn;
    int rc;             /* first failure; 0 while all is well */
    bool expr;          /* tokenizing an f-string field: newlines do not count */
    bool line_has_tok;  /* the current logical line produced a token */
    int depth;
    bracket br[MP_PY_MAX_NESTING];
    int n_ind;          /* indentation stack, measured with tab stops 8 and 1 */
    int ind8[MP_PY_MAX_INDENT + 1], ind1[MP_PY_MAX_INDENT + 1];
} lexer;

static int peek(const lexer *lx, size_t k)
{
    return lx->pos + k < lx->end ? (unsigned char)lx->s[lx->pos + k] : 0;
}

static bool is_nl(int c)
{
    return c == '\n' || c == '\r';
}

/* Move past one byte; a line end (LF, CRLF or CR) is one step.  Columns
 * count code points, so UTF-8 continuation bytes do not advance them. */
static void step(lexer *lx)
{
    int c = peek(lx, 0);
    if (c == 0)
        return;
    if (c == '\r' && peek(lx, 1) == '\n') {
        lx->pos += 2;
        lx->line++;
        lx->col = 1;
    } else if (is_nl(c)) {
        lx->pos++;
        lx->line++;
        lx->col = 1;
    } else {
        lx->pos++;
        if ((c & 0xc0) != 0x80)
            lx->col++;
    }
}

static int fail(lexer *lx, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(lexer *lx, uint32_t line, uint32_t col, const char *fmt, ...)
{
    if (lx->rc)
        return lx->rc;
    va_list ap;
    va_start(ap, fmt);
    mp_py_syntax_vset(lx->syn, line, col, fmt, ap);
    va_end(ap);
    lx->rc = MP_EPARSE;
    return lx->rc;
}

void mp_py_syntax_vset(mp_py_syntax *syn, uint32_t line, uint32_t col, const char *fmt,
                       va_list ap)
{
    syn->line = line;
    syn->col = col;
    vsnprintf(syn->msg, sizeof syn->msg, fmt, ap);
}

int mp_py_grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*arr, n * size);
    if (!q)
        return MP_ENOMEM;
    *arr = q;
    *cap = n;
    return 0;
}

static mp_py_tok *emit(lexer *lx, mp_py_tok_kind kind, size_t off, size_t len, uint32_t line,
                       uint32_t col)
{
    mp_py_tokens *o = lx->out;
    if (lx->rc)
        return NULL;
    if (mp_py_grow((void **)&o->tok, &o->cap, o->n + 1, sizeof *o->tok)) {
        lx->rc = MP_ENOMEM;
        return NULL;
    }
    mp_py_tok *t = &o->tok[o->n++];
    memset(t, 0, sizeof *t);
    t->kind = (uint8_t)kind;
    t->off = (uint32_t)off;
    t->len = (uint32_t)len;
    t->line = line;
    t->col = col;
    return t;
}

static int add_span(lexer *lx, mp_py_span **arr, size_t *n, size_t *cap, size_t off, size_t len,
                    uint32_t line, uint32_t col)
{
    if (lx->rc)
        return lx->rc;
    if (mp_py_grow((void **)arr, cap, *n + 1, sizeof **arr))
        return lx->rc = MP_ENOMEM;
    (*arr)[(*n)++] = (mp_py_span){(uint32_t)off, (uint32_t)len, line, col};
    return 0;
}

/* ---- characters ------------------------------------------------------------ */

/* Decode the UTF-8 sequence at `pos` (the input was validated). */
static uint32_t decode(const lexer *lx, size_t pos, size_t *nbytes)
{
    const unsigned char *p = (const unsigned char *)lx->s + pos;
    size_t avail = lx->end - pos;
    uint32_t c = p[0];
    size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
    if (k > avail)
        k = avail;
    if (k == 2)
        c &= 0x1f;
    else if (k == 3)
        c &= 0x0f;
    else if (k == 4)
        c &= 0x07;
    for (size_t i = 1; i < k; i++)
        c = (c << 6) | (p[i] & 0x3f);
    *nbytes = k;
    return c;
}

/* Non-ASCII code points that cannot appear in an identifier and that people
 * paste by accident: Latin-1 punctuation, typographic quotes and dashes,
 * arrows, math and box symbols, CJK and full-width punctuation, emoji.  The
 * rest of the non-ASCII range is accepted as identifier text; Python's exact
 * XID tables are not needed to find names the checker knows. */
static bool is_id_cp(uint32_t c)
{
    static const uint32_t bad[][2] = {
        {0x80, 0xa9},     {0xab, 0xb4},     {0xb6, 0xb6},     {0xb8, 0xb9},
        {0xbb, 0xbf},     {0xd7, 0xd7},     {0xf7, 0xf7},     {0x2000, 0x203e},
        {0x2041, 0x2053}, {0x2055, 0x206f}, {0x20a0, 0x20cf}, {0x2190, 0x23ff},
        {0x2460, 0x24ff}, {0x2500, 0x27ff}, {0x2900, 0x2bff}, {0x3000, 0x3004},
        {0x3008, 0x3020}, {0x3030, 0x3030}, {0xfe10, 0xfe1f}, {0xfe30, 0xfe32},
        {0xfe35, 0xfe4c}, {0xfe50, 0xfe6f}, {0xfeff, 0xfeff}, {0xff01, 0xff0f},
        {0xff1a, 0xff20}, {0xff3b, 0xff3e}, {0xff40, 0xff40}, {0xff5b, 0xff65},
        {0xfff0, 0xffff}, {0x1f000, 0x1faff},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (c >= bad[i][0] && c <= bad[i][1])
            return false;
    return true;
}

static bool ascii_id_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ascii_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Whether an identifier character starts at pos (digits only when `cont`). */
static bool id_char_at(const lexer *lx, bool cont)
{
    int c = peek(lx, 0);
    if (c == 0)
        return false;
    if (c < 0x80)
        return ascii_id_start(c) || (cont && ascii_digit(c));
    size_t k;
    return is_id_cp(decode(lx, lx->pos, &k));
}

/* Move past one whole code point. */
static void step_cp(lexer *lx)
{
    int c = peek(lx, 0);
    step(lx);
    if (c >= 0xc0)
        while ((peek(lx, 0) & 0xc0) == 0x80)
            step(lx);
}

static void skip_identifier(lexer *lx)
{
    while (id_char_at(lx, true))
        step_cp(lx);
}

/* String prefix flags for an identifier that precedes a quote; -1 when the
 * identifier is not a prefix. */
static int string_prefix(const char *p, size_t n)
{
    if (n == 0 || n > 2)
        return -1;
    int flags = 0, seen = 0;
    for (size_t i = 0; i < n; i++) {
        int f;
        switch (p[i]) {
        case 'r': case 'R': f = MP_PY_STR_RAW; break;
        case 'b': case 'B': f = MP_PY_STR_BYTES; break;
        case 'f': case 'F': case 't': case 'T': f = MP_PY_STR_F; break;
        case 'u': case 'U': f = 0x40; break;
        default: return -1;
        }
        if (seen & f)
            return -1;
        seen |= f;
        flags |= f & ~0x40;
    }
    /* u combines with nothing; b does not combine with f/t */
    if ((seen & 0x40) && n > 1)
        return -1;
    if ((flags & MP_PY_STR_BYTES) && (flags & MP_PY_STR_F))
        return -1;
    return flags;
}

/* ---- strings ---------------------------------------------------------------- */

static int scan_string(lexer *lx, int flags, bool record, uint32_t sline, uint32_t scol);

/* A replacement field; pos is just after its '{'.  `q`/`triple` describe the
 * enclosing string so a format spec can tell a fill character from the end. */
static int scan_field(lexer *lx, int q, bool triple, bool record, uint32_t sline, uint32_t scol)
{
    size_t off = lx->pos;
    uint32_t line = lx->line, col = lx->col;
    int d = 0;
    bool done_expr = false;
    for (;;) {
        int c = peek(lx, 0);
        if (c == 0 || lx->rc)
            return fail(lx, sline, scol, "unterminated f-string: expecting '}'");
        if (c == '\'' || c == '"') {
            if (scan_string(lx, 0, false, lx->line, lx->col))
                return lx->rc;
            continue;
        }
        if (c == '#') {
            while (peek(lx, 0) && !is_nl(peek(lx, 0)))
                step(lx);
            continue;
        }
        if (c == '\\') {
            step(lx); /* allowed since Python 3.12 */
            if (peek(lx, 0))
                step(lx);
            continue;
        }
        if (c == '(' || c == '[' || c == '{') {
            if (++d > MP_PY_MAX_NESTING)
                return fail(lx, lx->line, lx->col, "too many nested parentheses");
            step(lx);
            continue;
        }
        if (c == ')' || c == ']') {
            if (d == 0)
                return fail(lx, lx->line, lx->col, "f-string: unmatched '%c'", c);
            d--;
            step(lx);
            continue;
        }
        if (c == '}') {
            if (d > 0) {
                d--;
                step(lx);
                continue;
            }
            if (!done_expr && record &&
                add_span(lx, &lx->out->field, &lx->out->n_field, &lx->out->cap_field, off,
                         lx->pos - off, line, col))
                return lx->rc;
            step(lx);
            return 0;
        }
        if ((c == '=' || c == '!' || c == '<' || c == '>') && peek(lx, 1) == '=') {
            step(lx);
            step(lx);
            continue;
        }
        if (d == 0 && (c == '!' || c == ':' || c == '=')) {
            if (!done_expr && record &&
                add_span(lx, &lx->out->field, &lx->out->n_field, &lx->out->cap_field, off,
                         lx->pos - off, line, col))
                return lx->rc;
            done_expr = true;
            step(lx);
            if (c == '!') {
                skip_identifier(lx);
                continue;
            }
            if (c == '=')
                continue;
            /* format spec: literal text with nested fields */
            for (;;) {
                int s = peek(lx, 0);
                if (s == 0 || (is_nl(s) && !triple) ||
                    (s == q && (!triple || (peek(lx, 1) == q && peek(lx, 2) == q))))
                    return fail(lx, sline, scol, "unterminated f-string: expecting '}'");
                if (s == '{') {
                    uint32_t fl = lx->line, fc = lx->col;
                    step(lx);
                    if (scan_field(lx, q, triple, record, fl, fc))
                        return lx->rc;
                    continue;
                }
                if (s == '}') {
                    step(lx);
                    return 0;
                }
                if (s == '\\') {
                    step(lx);
                    if (peek(lx, 0))
                        step(lx);
                    continue;
                }
                step(lx);
            }
        }
        if (id_char_at(lx, false)) {
            size_t start = lx->pos;
            uint32_t il = lx->line, ic = lx->col;
            skip_identifier(lx);
            int qc = peek(lx, 0);
            if (qc == '\'' || qc == '"') {
                int pf = string_prefix(lx->s + start, lx->pos - start);
                if (pf >= 0 && scan_string(lx, pf, false, il, ic))
                    return lx->rc;
            }
            continue;
        }
        step(lx);
    }
}

/* A string literal; pos is at its opening quote.  Fields of f-strings are
 * recorded only for top-level strings (`record`); nested ones are seen
 * again when the field is tokenized. */
static int scan_string(lexer *lx, int flags, bool record, uint32_t sline, uint32_t scol)
{
    int q = peek(lx, 0);
    bool triple = peek(lx, 1) == q && peek(lx, 2) == q;
    step(lx);
    if (triple) {
        step(lx);
        step(lx);
    }
    bool fstr = (flags & MP_PY_STR_F) != 0;
    for (;;) {
        int c = peek(lx, 0);
        if (lx->rc)
            return lx->rc;
        if (c == 0)
            return fail(lx, sline, scol, triple ? "unterminated triple-quoted string literal"
                                                : "unterminated string literal");
        if (c == '\\') {
            int n = peek(lx, 1);
            step(lx);
            if (fstr && (n == '{' || n == '}'))
                continue; /* a backslash does not escape a brace */
            if (fstr && !(flags & MP_PY_STR_RAW) && n == 'N' && peek(lx, 1) == '{') {
                /* \N{NAME}: the braces belong to the escape */
                while (peek(lx, 0) && peek(lx, 0) != '}' && !is_nl(peek(lx, 0)))
                    step(lx);
            }
            if (peek(lx, 0))
                step(lx);
            continue;
        }
        if (c == q) {
            if (!triple) {
                step(lx);
                return 0;
            }
            if (peek(lx, 1) == q && peek(lx, 2) == q) {
                step(lx);
                step(lx);
                step(lx);
                return 0;
            }
            step(lx);
            continue;
        }
        if (is_nl(c) && !triple)
            return fail(lx, sline, scol, "unterminated string literal");
        if (fstr && c == '{') {
            if (peek(lx, 1) == '{') {
                step(lx);
                step(lx);
                continue;
            }
            uint32_t fl = lx->line, fc = lx->col;
            step(lx);
            if (scan_field(lx, q, triple, record, fl, fc))
                return lx->rc;
            continue;
        }
        if (fstr && c == '}') {
            if (peek(lx, 1) == '}') {
                step(lx);
                step(lx);
                continue;
            }
            return fail(lx, lx->line, lx->col, "f-string: single '}' is not allowed");
        }
        step(lx);
    }
}

/* ---- numbers and operators ------------------------------------------------- */

static void scan_number(lexer *lx)
{
    int c = peek(lx, 0), n = peek(lx, 1);
    if (c == '0' && n && strchr("xXoObB", n)) {
        step(lx);
        step(lx);
        for (int d = peek(lx, 0); ascii_digit(d) || d == '_' || (d >= 'a' && d <= 'f') ||
                                  (d >= 'A' && d <= 'F');
             d = peek(lx, 0))
            step(lx);
        return;
    }
    while (ascii_digit(peek(lx, 0)) || peek(lx, 0) == '_')
        step(lx);
    if (peek(lx, 0) == '.') {
        step(lx);
        while (ascii_digit(peek(lx, 0)) || peek(lx, 0) == '_')
            step(lx);
    }
    c = peek(lx, 0);
    if (c == 'e' || c == 'E') {
        int s = peek(lx, 1);
        if (ascii_digit(s) || ((s == '+' || s == '-') && ascii_digit(peek(lx, 2)))) {
            step(lx);
            step(lx);
            while (ascii_digit(peek(lx, 0)) || peek(lx, 0) == '_')
                step(lx);
        }
    }
    if (peek(lx, 0) == 'j' || peek(lx, 0) == 'J')
        step(lx);
}

static size_t op_length(const lexer *lx)
{
    static const char *const ops3[] = {"**=", "//=", ">>=", "<<=", "..."};
    static const char *const ops2[] = {"->", ":=", "==", "!=", "<=", ">=", "**",
                                       "//", "<<", ">>", "+=", "-=", "*=", "/=",
                                       "%=", "&=", "|=", "^=", "@="};
    const char *p = lx->s + lx->pos;
    size_t avail = lx->end - lx->pos;
    for (size_t i = 0; i < sizeof ops3 / sizeof ops3[0]; i++)
        if (avail >= 3 && memcmp(p, ops3[i], 3) == 0)
            return 3;
    for (size_t i = 0; i < sizeof ops2 / sizeof ops2[0]; i++)
        if (avail >= 2 && memcmp(p, ops2[i], 2) == 0)
            return 2;
    return strchr("+-*/%@&|^~<>()[]{},:;.=", p[0]) != NULL ? 1 : 0;
}

static int bracket_open(lexer *lx, char ch)
{
    if (lx->depth >= MP_PY_MAX_NESTING)
        return fail(lx, lx->line, lx->col, "too many nested parentheses");
    lx->br[lx->depth++] = (bracket){ch, lx->line, lx->col};
    return 0;
}

static int bracket_close(lexer *lx, char ch)
{
    char want = ch == ')' ? '(' : ch == ']' ? '[' : '{';
    if (lx->depth == 0)
        return fail(lx, lx->line, lx->col, "unmatched '%c'", ch);
    bracket *b = &lx->br[lx->depth - 1];
    if (b->ch != want) {
        if (b->line != lx->line)
            return fail(lx, lx->line, lx->col,
                        "closing parenthesis '%c' does not match opening parenthesis '%c' on "
                        "line %u",
                        ch, b->ch, (unsigned)b->line);
        return fail(lx, lx->line, lx->col,
                    "closing parenthesis '%c' does not match opening parenthesis '%c'", ch,
                    b->ch);
    }
    lx->depth--;
    return 0;
}

/* ---- indentation -------------------------------------------------------------- */

/* At the start of a physical line outside brackets: measure the indentation
 * and emit INDENT/DEDENT unless the line is blank or a comment. */
static int indentation(lexer *lx)
{
    int w8 = 0, w1 = 0;
    for (;;) {
        int c = peek(lx, 0);
        if (c == ' ') {
            w8++;
            w1++;
        } else if (c == '\t') {
            w8 = (w8 / 8 + 1) * 8;
            w1++;
        } else if (c == '\f') {
            w8 = w1 = 0;
        } else {
            break;
        }
        step(lx);
    }
    int c = peek(lx, 0);
    if (c == 0 || c == '#' || is_nl(c) || (c == '\\' && is_nl(peek(lx, 1))))
        return 0; /* blank line: indentation does not count */
    int top8 = lx->ind8[lx->n_ind], top1 = lx->ind1[lx->n_ind];
    if (w8 == top8) {
        if (w1 != top1)
            return fail(lx, lx->line, lx->col, "inconsistent use of tabs and spaces in indentation");
        return 0;
    }
    if (w8 > top8) {
        if (w1 <= top1)
            return fail(lx, lx->line, lx->col, "inconsistent use of tabs and spaces in indentation");
        if (lx->n_ind >= MP_PY_MAX_INDENT)
            return fail(lx, lx->line, lx->col, "too many levels of indentation");
        lx->n_ind++;
        lx->ind8[lx->n_ind] = w8;
        lx->ind1[lx->n_ind] = w1;
        emit(lx, MP_PY_INDENT, lx->pos, 0, lx->line, lx->col);
        return lx->rc;
    }
    while (lx->n_ind > 0 && w8 < lx->ind8[lx->n_ind]) {
        lx->n_ind--;
        emit(lx, MP_PY_DEDENT, lx->pos, 0, lx->line, lx->col);
    }
    if (w8 != lx->ind8[lx->n_ind])
        return fail(lx, lx->line, lx->col, "unindent does not match any outer indentation level");
    if (w1 != lx->ind1[lx->n_ind])
        return fail(lx, lx->line, lx->col, "inconsistent use of tabs and spaces in indentation");
    return lx->rc;
}

/* ---- the main loop --------------------------------------------------------------- */

static int run(lexer *lx)
{
    bool at_bol = !lx->expr;
    while (!lx->rc) {
        if (at_bol) {
            at_bol = false;
            if (lx->depth == 0 && indentation(lx))
                break;
        }
        int c = peek(lx, 0);
        while (c == ' ' || c == '\t' || c == '\f') {
            step(lx);
            c = peek(lx, 0);
        }
        if (c == 0)
            break;
        size_t start = lx->pos;
        uint32_t line = lx->line, col = lx->col;
        if (c == '#') {
            while (peek(lx, 0) && !is_nl(peek(lx, 0)))
                step(lx);
            if (!lx->expr)
                add_span(lx, &lx->out->comment, &lx->out->n_comment, &lx->out->cap_comment,
                         start, lx->pos - start, line, col);
            continue;
        }
        if (is_nl(c)) {
            if (lx->depth == 0 && !lx->expr) {
                if (lx->line_has_tok)
                    emit(lx, MP_PY_NEWLINE, start, 0, line, col);
                lx->line_has_tok = false;
                at_bol = true;
            }
            step(lx);
            continue;
        }
        if (c == '\\') {
            int n = peek(lx, 1);
            if (is_nl(n)) {
                step(lx);
                step(lx);
                continue;
            }
            if (n == 0)
                return fail(lx, line, col, "unexpected end of file after line continuation "
                                           "character");
            return fail(lx, line, col, "unexpected character after line continuation character");
        }
        lx->line_has_tok = true;
        if (id_char_at(lx, false)) {
            skip_identifier(lx);
            int qc = peek(lx, 0);
            if (qc == '\'' || qc == '"') {
                int pf = string_prefix(lx->s + start, lx->pos - start);
                if (pf >= 0) {
                    size_t field0 = lx->out->n_field;
                    if (scan_string(lx, pf, true, line, col))
                        break;
                    mp_py_tok *t = emit(lx, MP_PY_STRING, start, lx->pos - start, line, col);
                    if (t) {
                        t->flags = (uint8_t)pf;
                        t->field0 = (uint32_t)field0;
                        t->n_fields = (uint32_t)(lx->out->n_field - field0);
                    }
                    continue;
                }
            }
            emit(lx, MP_PY_NAME, start, lx->pos - start, line, col);
            continue;
        }
        if (c >= 0x80) {
            size_t k;
            uint32_t cp = decode(lx, lx->pos, &k);
            return fail(lx, line, col, "invalid character '%.*s' (U+%04X)", (int)k,
                        lx->s + lx->pos, (unsigned)cp);
        }
        if (ascii_digit(c) || (c == '.' && ascii_digit(peek(lx, 1)))) {
            scan_number(lx);
            emit(lx, MP_PY_NUMBER, start, lx->pos - start, line, col);
            continue;
        }
        if (c == '\'' || c == '"') {
            if (scan_string(lx, 0, true, line, col))
                break;
            mp_py_tok *t = emit(lx, MP_PY_STRING, start, lx->pos - start, line, col);
            if (t)
                t->field0 = (uint32_t)lx->out->n_field;
            continue;
        }
        size_t n = op_length(lx);
        if (n == 0) {
            if (c == '!')
                return fail(lx, line, col, "invalid syntax: '!' outside an f-string");
            if (c >= 0x20 && c < 0x7f)
                return fail(lx, line, col, "invalid character '%c' (U+%04X)", c, (unsigned)c);
            return fail(lx, line, col, "invalid non-printable character U+%04X", (unsigned)c);
        }
        if (n == 1 && (c == '(' || c == '[' || c == '{') && bracket_open(lx, (char)c))
            break;
        if (n == 1 && (c == ')' || c == ']' || c == '}') && bracket_close(lx, (char)c))
            break;
        for (size_t i = 0; i < n; i++)
            step(lx);
        emit(lx, MP_PY_OP, start, n, line, col);
    }
    if (lx->rc)
        return lx->rc;
    if (lx->depth > 0) {
        const bracket *b = &lx->br[lx->depth - 1];
        return fail(lx, b->line, b->col, "'%c' was never closed", b->ch);
    }
    if (!lx->expr) {
        if (lx->line_has_tok)
            emit(lx, MP_PY_NEWLINE, lx->pos, 0, lx->line, lx->col);
        while (lx->n_ind > 0) {
            lx->n_ind--;
            emit(lx, MP_PY_DEDENT, lx->pos, 0, lx->line, lx->col);
        }
    }
    emit(lx, MP_PY_END, lx->pos, 0, lx->line, lx->col);
    return lx->rc;
}

static void lexer_init(lexer *lx, const char *src, size_t off, size_t end, uint32_t line,
                       uint32_t col, mp_py_tokens *out, mp_py_syntax *syn)
{
    memset(lx, 0, sizeof *lx);
    lx->s = src;
    lx->pos = off;
    lx->end = end;
    lx->line = line;
    lx->col = col;
    lx->out = out;
    lx->syn = syn;
    memset(syn, 0, sizeof *syn);
}

int mp_py_tokenize(const char *src, size_t len, mp_py_tokens *out, mp_py_syntax *syn)
{
    lexer *lx = malloc(sizeof *lx);
    if (!lx)
        return MP_ENOMEM;
    lexer_init(lx, src, 0, len, 1, 1, out, syn);
    if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0)
        lx->pos = 3; /* byte order mark */
    int rc = run(lx);
    free(lx);
    return rc;
}

int mp_py_tokenize_expr(const char *src, size_t off, size_t len, uint32_t line, uint32_t col,
                        mp_py_tokens *out, mp_py_syntax *syn)
{
    lexer *lx = malloc(sizeof *lx);
    if (!lx)
        return MP_ENOMEM;
    lexer_init(lx, src, off, off + len, line, col, out, syn);
    lx->expr = true;
    int rc = run(lx);
    free(lx);
    return rc;
}

void mp_py_tokens_release(mp_py_tokens *t)
{
    if (!t)
        return;
    free(t->tok);
    free(t->field);
    free(t->comment);
    memset(t, 0, sizeof *t);
}
