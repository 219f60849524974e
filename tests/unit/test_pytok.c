/* test_pytok.c - the checker's Python tokenizer and parser (src/check/pytok.h,
 * src/check/pyast.h): token streams, positions, f-string fields, syntax
 * errors, and the shape of parsed statements. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/pyast.h"
#include "check/pytok.h"
#include "util/buf.h"
#include "util/error.h"

/* ---- token dumps ------------------------------------------------------------------ */

static const char *kind_name(int k)
{
    static const char *const names[] = {"END",    "NAME",   "NUM",   "STR",
                                        "OP",     "NL",     "INDENT", "DEDENT"};
    return names[k];
}

/* "NAME(x) OP(=) NUM(1) NL END"; empty-text tokens print their kind only. */
static char *dump_tokens(const char *src)
{
    mp_py_tokens t = MP_PY_TOKENS_INIT;
    mp_py_syntax syn;
    int rc = mp_py_tokenize(src, strlen(src), &t, &syn);
    if (rc)
        fail_msg("tokenize failed at %u:%u: %s", syn.line, syn.col, syn.msg);
    mp_buf b = MP_BUF_INIT;
    for (size_t i = 0; i < t.n; i++) {
        const mp_py_tok *k = &t.tok[i];
        if (i)
            mp_buf_putc(&b, ' ');
        if (k->len)
            mp_buf_printf(&b, "%s(%.*s)", kind_name(k->kind), (int)k->len, src + k->off);
        else
            mp_buf_puts(&b, kind_name(k->kind));
    }
    mp_py_tokens_release(&t);
    return mp_buf_detach(&b, NULL);
}

static void tokens_are(const char *src, const char *want)
{
    char *got = dump_tokens(src);
    assert_string_equal(got, want);
    free(got);
}

/* A syntax error as "LINE:COL: message". */
static void syntax_is(int rc, const mp_py_syntax *syn, const char *want)
{
    assert_int_equal(rc, MP_EPARSE);
    char got[256];
    snprintf(got, sizeof got, "%u:%u: %s", syn->line, syn->col, syn->msg);
    assert_string_equal(got, want);
}

static void token_error(const char *src, const char *want)
{
    mp_py_tokens t = MP_PY_TOKENS_INIT;
    mp_py_syntax syn;
    int rc = mp_py_tokenize(src, strlen(src), &t, &syn);
    mp_py_tokens_release(&t);
    syntax_is(rc, &syn, want);
}

/* Position of the i-th token. */
static void token_at(const char *src, size_t i, unsigned line, unsigned col)
{
    mp_py_tokens t = MP_PY_TOKENS_INIT;
    mp_py_syntax syn;
    assert_int_equal(mp_py_tokenize(src, strlen(src), &t, &syn), 0);
    assert_true(i < t.n);
    assert_int_equal(t.tok[i].line, line);
    assert_int_equal(t.tok[i].col, col);
    mp_py_tokens_release(&t);
}

/* The replacement fields of the first string token, joined by '|'. */
static void fields_are(const char *src, const char *want)
{
    mp_py_tokens t = MP_PY_TOKENS_INIT;
    mp_py_syntax syn;
    if (mp_py_tokenize(src, strlen(src), &t, &syn))
        fail_msg("tokenize failed at %u:%u: %s", syn.line, syn.col, syn.msg);
    const mp_py_tok *s = NULL;
    for (size_t i = 0; i < t.n && !s; i++)
        if (t.tok[i].kind == MP_PY_STRING)
            s = &t.tok[i];
    assert_non_null(s);
    char got[512] = "";
    size_t n = 0;
    for (uint32_t k = 0; k < s->n_fields; k++) {
        const mp_py_span *f = &t.field[s->field0 + k];
        n += (size_t)snprintf(got + n, sizeof got - n, "%s%.*s", k ? "|" : "", (int)f->len,
                              src + f->off);
    }
    assert_string_equal(got, want);
    mp_py_tokens_release(&t);
}

static void test_basic_tokens(void **state)
{
    (void)state;
    tokens_are("x = 1\n", "NAME(x) OP(=) NUM(1) NL END");
    tokens_are("x=1", "NAME(x) OP(=) NUM(1) NL END");
    tokens_are("", "END");
    tokens_are("\n\n   \n# only a comment\n", "END");
    tokens_are("a //= b ** c -> d := e ... @= f != g\n",
               "NAME(a) OP(//=) NAME(b) OP(**) NAME(c) OP(->) NAME(d) OP(:=) NAME(e) OP(...) "
               "OP(@=) NAME(f) OP(!=) NAME(g) NL END");
    tokens_are("0x1F 1_000 1e-5 1.5j .5 1. 0b10\n",
               "NUM(0x1F) NUM(1_000) NUM(1e-5) NUM(1.5j) NUM(.5) NUM(1.) NUM(0b10) NL END");
    /* "1if" is a number then a keyword, "1else" too */
    tokens_are("x = 1if y else 2\n",
               "NAME(x) OP(=) NUM(1) NAME(if) NAME(y) NAME(else) NUM(2) NL END");
}

static void test_strings(void **state)
{
    (void)state;
    tokens_are("s = \"a\\\"b\" + 'c\\'d'\n",
               "NAME(s) OP(=) STR(\"a\\\"b\") OP(+) STR('c\\'d') NL END");
    tokens_are("s = \"\"\"a\n\"b\" '''\n\"\"\"\nx\n",
               "NAME(s) OP(=) STR(\"\"\"a\n\"b\" '''\n\"\"\") NL NAME(x) NL END");
    token_at("s = \"\"\"a\nb\n\"\"\"\nx\n", 4, 4, 1);
    tokens_are("rb'\\x' Rb\"y\" u'z' F\"{a}\" rf'{b}' t\"{c}\" br'\\''\n",
               "STR(rb'\\x') STR(Rb\"y\") STR(u'z') STR(F\"{a}\") STR(rf'{b}') STR(t\"{c}\") "
               "STR(br'\\'') NL END");
    /* not a prefix: a name followed by a string */
    tokens_are("print'x'\n", "NAME(print) STR('x') NL END");
    tokens_are("ur'x'\n", "NAME(ur) STR('x') NL END");
    /* a backslash-newline inside a string continues it */
    tokens_are("s = 'a\\\nb'\n", "NAME(s) OP(=) STR('a\\\nb') NL END");
}

static void test_fstring_fields(void **state)
{
    (void)state;
    fields_are("f'{a:{b}} {{c}} {d[\"k\"]!r} {e=}'", "a|b|d[\"k\"]|e");
    fields_are("f\"{x['k']}\"", "x['k']");
    /* PEP 701: the same quote inside a field, nested f-strings */
    fields_are("f\"{x[\"k\"]} {f'{y}'}\"", "x[\"k\"]|f'{y}'");
    /* a quote in a format spec is a fill character */
    fields_are("f\"{x:'^10}\"", "x");
    fields_are("f'{a!r:>{w}.{p}}'", "a|w|p");
    fields_are("f'{ {\"a\": 1}[\"a\"] } {lam(1)[1:2]}'", " {\"a\": 1}[\"a\"] |lam(1)[1:2]");
    fields_are("f'{a == b} {c != d} {e<=f}'", "a == b|c != d|e<=f");
    fields_are("f\"\"\"{\n  x  # comment\n}\"\"\"", "\n  x  # comment\n");
    fields_are("f'\\N{EM DASH} {x}'", "x");
    fields_are("'{not} {a field}'", "");
    fields_are("rf'\\d{n}'", "n");
}

static void test_comments_and_continuations(void **state)
{
    (void)state;
    mp_py_tokens t = MP_PY_TOKENS_INIT;
    mp_py_syntax syn;
    const char *src = "x = 1  # one\n# two\nif x:  # three\n    pass\n";
    assert_int_equal(mp_py_tokenize(src, strlen(src), &t, &syn), 0);
    assert_int_equal(t.n_comment, 3);
    assert_int_equal(t.comment[1].line, 2);
    assert_int_equal(t.comment[2].col, 8);
    assert_int_equal(strncmp(src + t.comment[0].off, "# one", t.comment[0].len), 0);
    mp_py_tokens_release(&t);

    tokens_are("x = 1 + \\\n  2\n", "NAME(x) OP(=) NUM(1) OP(+) NUM(2) NL END");
    token_at("x = 1 + \\\n  2\n", 4, 2, 3);
    tokens_are("f(1,\n  2,\n)\n", "NAME(f) OP(() NUM(1) OP(,) NUM(2) OP(,) OP()) NL END");
    /* indentation inside brackets does not count */
    tokens_are("x = [\n        1,\n  2]\ny\n",
               "NAME(x) OP(=) OP([) NUM(1) OP(,) NUM(2) OP(]) NL NAME(y) NL END");
}

static void test_indentation(void **state)
{
    (void)state;
    tokens_are("if x:\n\ty = 1\n\tz = 2\nw\n",
               "NAME(if) NAME(x) OP(:) NL INDENT NAME(y) OP(=) NUM(1) NL NAME(z) OP(=) "
               "NUM(2) NL DEDENT NAME(w) NL END");
    token_at("if x:\n\ty = 1\n", 5, 2, 2);
    /* blank lines and comments at any indentation do not open or close blocks */
    tokens_are("if x:\n    y\n\n  # c\n    z\n",
               "NAME(if) NAME(x) OP(:) NL INDENT NAME(y) NL NAME(z) NL DEDENT END");
    tokens_are("if x:\n  if y:\n    z", "NAME(if) NAME(x) OP(:) NL INDENT NAME(if) NAME(y) "
                                        "OP(:) NL INDENT NAME(z) NL DEDENT DEDENT END");
    /* a tab and eight spaces line up at stop 8 but Python rejects the mix */
    token_error("if x:\n\ty = 1\n        z = 2\n",
                "3:9: inconsistent use of tabs and spaces in indentation");
    token_error("if x:\n    y\n  z\n", "3:3: unindent does not match any outer indentation level");
}

static void test_unicode_crlf_bom(void **state)
{
    (void)state;
    tokens_are("größe = π\n", "NAME(größe) OP(=) NAME(π) NL END");
    token_at("größe = π\n", 2, 1, 9);
    token_at("s = 'ü'; データ = 1\n", 4, 1, 10);
    tokens_are("x = 1\r\ny = 2\r\n", "NAME(x) OP(=) NUM(1) NL NAME(y) OP(=) NUM(2) NL END");
    token_at("x = 1\r\ny = 2\r\n", 4, 2, 1);
    tokens_are("x = 1\ry = 2\r", "NAME(x) OP(=) NUM(1) NL NAME(y) OP(=) NUM(2) NL END");
    /* a lone CR ends a line inside brackets too (CPython reports 'b' on line 3) */
    token_at("a = (1,\r2)\nb\n", 8, 3, 1);
    tokens_are("if x:\r\n\ty\r\n", "NAME(if) NAME(x) OP(:) NL INDENT NAME(y) NL DEDENT END");
    tokens_are("\xef\xbb\xbfx = 1\n", "NAME(x) OP(=) NUM(1) NL END");
    token_at("\xef\xbb\xbfx = 1\n", 0, 1, 1);
}

static void test_token_errors(void **state)
{
    (void)state;
    token_error("x = \"abc\n", "1:5: unterminated string literal");
    token_error("x = '''abc\n\n", "1:5: unterminated triple-quoted string literal");
    token_error("f(1, 2))\n", "1:8: unmatched ')'");
    token_error("x = (1,\n  2\n", "1:5: '(' was never closed");
    token_error("x = [1, 2)\n", "1:10: closing parenthesis ')' does not match opening "
                                "parenthesis '['");
    token_error("x = {\n1]\n", "2:2: closing parenthesis ']' does not match opening "
                               "parenthesis '{' on line 1");
    token_error("x = $y\n", "1:5: invalid character '$' (U+0024)");
    token_error("print(\xe2\x80\x9chi\xe2\x80\x9d)\n", "1:7: invalid character '\xe2\x80\x9c' (U+201C)");
    token_error("x = 1 \\ y\n", "1:7: unexpected character after line continuation character");
    token_error("x = 1 \\", "1:7: unexpected end of file after line continuation character");
    token_error("f'a } b'\n", "1:5: f-string: single '}' is not allowed");
    token_error("f'{a'\n", "1:5: unterminated string literal");
    token_error("f'{a:>10'\n", "1:3: unterminated f-string: expecting '}'");
    token_error("x = !y\n", "1:5: invalid syntax: '!' outside an f-string");

    /* nesting limits: 200 brackets, 100 indentation levels */
    mp_buf b = MP_BUF_INIT;
    for (int i = 0; i < 201; i++)
        mp_buf_putc(&b, '(');
    token_error(mp_buf_cstr(&b), "1:201: too many nested parentheses");
    mp_buf_reset(&b);
    for (int i = 0; i < 102; i++) {
        mp_buf_repeat(&b, ' ', (size_t)i);
        mp_buf_puts(&b, "if x:\n");
    }
    token_error(mp_buf_cstr(&b), "102:102: too many levels of indentation");
    mp_buf_release(&b);
}

static void test_expr_range(void **state)
{
    (void)state;
    const char *src = "print(f'{a +\n  b}')";
    mp_py_tokens t = MP_PY_TOKENS_INIT;
    mp_py_syntax syn;
    /* the field "a +\n  b" starts at offset 9, line 1 col 10 */
    assert_int_equal(mp_py_tokenize_expr(src, 9, 7, 1, 10, &t, &syn), 0);
    assert_int_equal(t.n, 4);
    assert_int_equal(t.tok[2].kind, MP_PY_NAME);
    assert_int_equal(t.tok[2].line, 2);
    assert_int_equal(t.tok[2].col, 3);
    assert_int_equal(t.tok[3].kind, MP_PY_END);
    mp_py_tokens_release(&t);
}

/* ---- parser ------------------------------------------------------------------------ */

static void dump_node(const mp_ast *n, mp_buf *b);

static void dump_list(const char *tag, const mp_ast_list *l, mp_buf *b)
{
    if (!l->n)
        return;
    mp_buf_printf(b, " %s[", tag);
    for (uint32_t i = 0; i < l->n; i++) {
        if (i)
            mp_buf_putc(b, ' ');
        dump_node(l->v[i], b);
    }
    mp_buf_putc(b, ']');
}

/* A compact S-expression of a node: kind, str, children a/b/c, lists. */
static void dump_node(const mp_ast *n, mp_buf *b)
{
    static const char *const kinds[] = {
        "name",   "num",    "str",     "const",    "...",     "attr",   "call",   "kw",
        "sub",    "slice",  "bin",     "unary",    "bool",    "cmp",    "ifexp",  "lambda",
        "tuple",  "list",   "set",     "dict",     "comp",    "for",    "star",   "walrus",
        "yield",  "await",  "param",   "expr",     "assign",  "aug",    "ann",    "import",
        "from",   "alias",  "return",  "raise",    "del",     "assert", "global", "nonlocal",
        "pass",   "break",  "continue", "if",      "while",   "for",    "try",    "except",
        "block",  "with",   "item",    "def",      "class",   "match",  "case",   "type"};
    if (!n) {
        mp_buf_puts(b, "_");
        return;
    }
    mp_buf_printf(b, "(%s", kinds[n->kind]);
    if (n->len)
        mp_buf_printf(b, " %.*s", (int)n->len, n->str);
    if (n->len2)
        mp_buf_printf(b, " as %.*s", (int)n->len2, n->str2);
    if (n->a || n->b || n->c) {
        mp_buf_putc(b, ' ');
        dump_node(n->a, b);
    }
    if (n->b || n->c) {
        mp_buf_putc(b, ' ');
        dump_node(n->b, b);
    }
    if (n->c) {
        mp_buf_putc(b, ' ');
        dump_node(n->c, b);
    }
    dump_list("1", &n->l1, b);
    dump_list("2", &n->l2, b);
    dump_list("3", &n->l3, b);
    mp_buf_putc(b, ')');
}

static void parses_as(const char *src, const char *want)
{
    mp_py_module m;
    mp_py_syntax syn;
    int rc = mp_py_parse(src, strlen(src), &m, &syn);
    if (rc)
        fail_msg("parse of '%s' failed at %u:%u: %s", src, syn.line, syn.col, syn.msg);
    mp_buf b = MP_BUF_INIT;
    for (uint32_t i = 0; i < m.body.n; i++) {
        if (i)
            mp_buf_putc(&b, ' ');
        dump_node(m.body.v[i], &b);
    }
    assert_string_equal(mp_buf_cstr(&b), want);
    mp_buf_release(&b);
    mp_py_module_release(&m);
}

static void parse_error(const char *src, const char *want)
{
    mp_py_module m;
    mp_py_syntax syn;
    int rc = mp_py_parse(src, strlen(src), &m, &syn);
    mp_py_module_release(&m);
    syntax_is(rc, &syn, want);
}

static void test_parse_expressions(void **state)
{
    (void)state;
    parses_as("a + b * c ** -d", "(expr (bin + (name a) (bin * (name b) (bin ** (name c) "
                                 "(unary - (name d))))))");
    parses_as("not a < b <= c or d and e",
              "(expr (bool or 1[(unary not (cmp < 1[(name a) (name b) (name c)])) "
              "(bool and 1[(name d) (name e)])]))");
    parses_as("x if y else z", "(expr (ifexp (name x) (name y) (name z)))");
    parses_as("mx.zeros((2, 3), dtype=mx.float32, *a, **k)",
              "(expr (call (attr zeros (name mx)) 1[(tuple 1[(num 2) (num 3)]) "
              "(star (name a))] 2[(kw dtype (attr float32 (name mx))) (kw (name k))]))");
    parses_as("x[1:2, ::3, ...]", "(expr (sub (name x) (tuple 1[(slice (num 1) (num 2)) "
                                  "(slice _ _ (num 3)) (... ...)])))");
    parses_as("[i * 2 for i in r if i if j]",
              "(expr (comp (bin * (name i) (num 2)) 1[(for (name i) (name r) 1[(name i) "
              "(name j)])]))");
    parses_as("{k: v for k, v in d}",
              "(expr (comp (name k) (name v) 1[(for (tuple 1[(name k) (name v)]) (name d))]))");
    parses_as("{**a, 'b': 1}", "(expr (dict 1[_ (str 'b')] 2[(name a) (num 1)]))");
    parses_as("lambda a, b=2, *c, d, **e: a",
              "(expr (lambda (name a) 1[(param a) (param b (num 2)) (param c) (param d) "
              "(param e)]))");
    parses_as("f(x for x in y)", "(expr (call (name f) 1[(comp (name x) 1[(for (name x) "
                                 "(name y))])]))");
    parses_as("(y := f(x))", "(expr (walrus (name y) (call (name f) 1[(name x)])))");
    parses_as("'a' 'b' f'{c}'", "(expr (str 'a' 1[(name c)]))");
    parses_as("f'{x.item():.3f} {y!r}'",
              "(expr (str f'{x.item():.3f} {y!r}' 1[(call (attr item (name x))) (name y)]))");
    parses_as("await g()", "(expr (await (call (name g))))");
    parses_as("a, *b = c", "(assign (name c) 1[(tuple 1[(name a) (star (name b))])])");
}

static void test_parse_statements(void **state)
{
    (void)state;
    parses_as("import mlx.core as mx, numpy",
              "(import 1[(alias mlx.core as mx) (alias numpy)])");
    parses_as("from mlx_lm import (load,\n generate as gen,)",
              "(from mlx_lm 1[(alias load) (alias generate as gen)])");
    parses_as("from . import x", "(from 1[(alias x)])");
    parses_as("x: int = 1", "(ann (name x) (name int) (num 1))");
    parses_as("x += 1; y = z = 2",
              "(aug += (name x) (num 1)) (assign (num 2) 1[(name y) (name z)])");
    parses_as("@dec\n@partial(mx.compile, inputs=s)\nasync def f(a, /, b: int = 1, *, c) -> T:\n"
              "    return a",
              "(def f (name T) 1[(return (name a))] 2[(param a) (param b (num 1) (name int)) "
              "(param c)] 3[(name dec) (call (name partial) 1[(attr compile (name mx))] "
              "2[(kw inputs (name s))])])");
    parses_as("class A(B, metaclass=M):\n    pass",
              "(class A 1[(pass)] 2[(name B) (kw metaclass (name M))])");
    parses_as("for i, x in enumerate(xs):\n    continue\nelse:\n    break",
              "(for (tuple 1[(name i) (name x)]) (call (name enumerate) 1[(name xs)]) "
              "1[(continue)] 2[(break)])");
    parses_as("while x:\n    x -= 1", "(while (name x) 1[(aug -= (name x) (num 1))])");
    parses_as("if a: b\nelif c: d\nelse: e",
              "(if (name a) 1[(expr (name b))] 2[(if (name c) 1[(expr (name d))] "
              "2[(expr (name e))])])");
    parses_as("try:\n    a\nexcept* (E, F) as e:\n    b\nelse:\n    c\nfinally:\n    d",
              "(try (block 1[(expr (name d))]) 1[(expr (name a))] 2[(except as e (tuple "
              "1[(name E) (name F)]) 1[(expr (name b))])] 3[(expr (name c))])");
    parses_as("with (open(a) as f, open(b) as g):\n    pass",
              "(with 1[(pass)] 2[(item (call (name open) 1[(name a)]) (name f)) (item (call "
              "(name open) 1[(name b)]) (name g))])");
    parses_as("match p:\n    case {'x': x} if x > 0:\n        y\n    case _:\n        z",
              "(match (name p) 1[(case 1[(expr (name y))]) (case 1[(expr (name z))])])");
    parses_as("match = 1\nmatch.x(2)", "(assign (num 1) 1[(name match)]) (expr (call (attr x "
                                        "(name match)) 1[(num 2)]))");
    parses_as("type Shape = tuple[int, ...]\nx", "(type) (expr (name x))");
    parses_as("def f[T](x: T) -> T: return x",
              "(def f (name T) 1[(return (name x))] 2[(param x _ (name T))])");
    parses_as("global a, b\ndel a[0], b", "(global 1[(name a) (name b)]) (del 1[(sub (name a) "
                                           "(num 0)) (name b)])");
    parses_as("raise E from None", "(raise (name E) (const None))");
}

static void test_parse_errors(void **state)
{
    (void)state;
    parse_error("x = = 1\n", "1:5: invalid syntax at '='");
    parse_error("if x\n    y\n", "1:5: invalid syntax: expected ':'");
    parse_error("def f(:\n", "1:6: '(' was never closed");
    parse_error("def f(:)\n", "1:7: invalid syntax at ':'");
    parse_error("if x:\ny\n", "2:1: expected an indented block");
    parse_error("  x = 1\n", "1:3: unexpected indent");
    parse_error("x = 1\n    y = 2\n", "2:5: unexpected indent");
    parse_error("else:\n    pass\n", "1:1: invalid syntax at 'else'");
    parse_error("try:\n    x\ny\n", "3:1: expected 'except' or 'finally' block");
    parse_error("print 'hello'\n", "1:7: invalid syntax at ''hello''");
    parse_error("f'{}'\n", "1:4: f-string: valid expression required before '}'");
    parse_error("f'{a b}'\n", "1:6: invalid syntax at 'b'");
    parse_error("x = b'a' 'c'\n", "1:10: cannot mix bytes and nonbytes literals");
    parse_error("class:\n", "1:6: invalid syntax at ':'");
    parse_error("import\n", "1:7: invalid syntax: unexpected end of line");

    /* deep nesting stops with an error instead of exhausting the stack */
    mp_buf b = MP_BUF_INIT;
    mp_buf_puts(&b, "x = ");
    for (int i = 0; i < 5000; i++)
        mp_buf_putc(&b, '-');
    mp_buf_puts(&b, "1\n");
    mp_py_module m;
    mp_py_syntax syn;
    assert_int_equal(mp_py_parse(mp_buf_cstr(&b), b.len, &m, &syn), MP_EPARSE);
    assert_string_equal(syn.msg, "too deeply nested expression or statement");
    mp_py_module_release(&m);
    mp_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_tokens),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_fstring_fields),
        cmocka_unit_test(test_comments_and_continuations),
        cmocka_unit_test(test_indentation),
        cmocka_unit_test(test_unicode_crlf_bom),
        cmocka_unit_test(test_token_errors),
        cmocka_unit_test(test_expr_range),
        cmocka_unit_test(test_parse_expressions),
        cmocka_unit_test(test_parse_statements),
        cmocka_unit_test(test_parse_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
