/* test_svg.c - the charts and the HTML report: every SVG is well-formed XML,
 * every plotted value (data-* attributes) equals the engine's result
 * exactly, labels use the Markdown renderer's formatting, the context sweep
 * and format grid agree with mp_infer and the fit searches, the HTML page
 * is self-contained, and report files are written atomically. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/fit.h"
#include "engine/sweep.h"
#include "model/registry.h"
#include "plan/doc.h"
#include "render/charts.h"
#include "render/estimate.h"
#include "render/html.h"
#include "render/plan.h"
#include "render/svg.h"
#include "util/file.h"
#include "util/text.h"

/* ---- a small XML well-formedness checker ------------------------------------------- */

typedef struct xml_state {
    const char *p;
    const char *why;  /* the first problem, for the failure message */
} xml_state;

static bool name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

static size_t xml_name(const char *p)
{
    size_t n = 0;
    while (name_char(p[n], n == 0))
        n++;
    return n;
}

/* An entity at p ("&amp;", "&#39;"): its length, 0 when invalid. */
static size_t xml_entity(const char *p)
{
    static const char *const named[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strncmp(p, named[i], strlen(named[i])) == 0)
            return strlen(named[i]);
    if (p[1] == '#') {
        size_t n = 2;
        while (p[n] >= '0' && p[n] <= '9')
            n++;
        return n > 2 && p[n] == ';' ? n + 1 : 0;
    }
    return 0;
}

static bool xml_fail(xml_state *x, const char *why)
{
    if (!x->why)
        x->why = why;
    return false;
}

static bool xml_text(xml_state *x, char stop)
{
    while (*x->p && *x->p != stop) {
        unsigned char c = (unsigned char)*x->p;
        if (c == '<' && stop != '<')
            return xml_fail(x, "'<' in an attribute value");
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
            return xml_fail(x, "control character");
        if (c == '&') {
            size_t n = xml_entity(x->p);
            if (!n)
                return xml_fail(x, "bad entity");
            x->p += n;
            continue;
        }
        x->p++;
    }
    return true;
}

static bool xml_element(xml_state *x, int depth)
{
    if (depth > 64)
        return xml_fail(x, "too deep");
    if (*x->p != '<')
        return xml_fail(x, "expected '<'");
    x->p++;
    size_t n = xml_name(x->p);
    if (!n)
        return xml_fail(x, "bad element name");
    const char *name = x->p;
    x->p += n;
    const char *seen[64];
    size_t seen_len[64];
    int n_seen = 0;
    for (;;) {
        while (*x->p == ' ' || *x->p == '\n')
            x->p++;
        if (x->p[0] == '/' && x->p[1] == '>') {
            x->p += 2;
            return true;
        }
        if (*x->p == '>') {
            x->p++;
            break;
        }
        size_t an = xml_name(x->p);
        if (!an)
            return xml_fail(x, "bad attribute name");
        for (int i = 0; i < n_seen; i++)
            if (seen_len[i] == an && strncmp(seen[i], x->p, an) == 0)
                return xml_fail(x, "duplicate attribute");
        if (n_seen < 64) {
            seen[n_seen] = x->p;
            seen_len[n_seen++] = an;
        }
        x->p += an;
        if (x->p[0] != '=' || (x->p[1] != '"' && x->p[1] != '\''))
            return xml_fail(x, "attribute without a quoted value");
        char q = x->p[1];
        x->p += 2;
        if (!xml_text(x, q) || *x->p != q)
            return xml_fail(x, "unterminated attribute");
        x->p++;
    }
    /* content */
    for (;;) {
        if (!xml_text(x, '<'))
            return false;
        if (!*x->p)
            return xml_fail(x, "unclosed element");
        if (strncmp(x->p, "<!--", 4) == 0) {
            const char *e = strstr(x->p, "-->");
            if (!e)
                return xml_fail(x, "unclosed comment");
            x->p = e + 3;
        } else if (x->p[1] == '/') {
            x->p += 2;
            if (strncmp(x->p, name, n) != 0 || x->p[n] != '>')
                return xml_fail(x, "mismatched end tag");
            x->p += n + 1;
            return true;
        } else if (!xml_element(x, depth + 1)) {
            return false;
        }
    }
}

/* Well-formed: optional declaration, one root element, nothing but space
 * after it.  Returns NULL when fine, else the problem. */
static const char *xml_check(const char *doc)
{
    xml_state x = {doc, NULL};
    if (strncmp(x.p, "<?xml", 5) == 0) {
        const char *e = strstr(x.p, "?>");
        if (!e)
            return "unclosed declaration";
        x.p = e + 2;
    }
    while (*x.p == '\n' || *x.p == ' ')
        x.p++;
    if (!xml_element(&x, 0))
        return x.why ? x.why : "bad element";
    while (*x.p == '\n' || *x.p == ' ')
        x.p++;
    return *x.p ? "content after the root element" : NULL;
}

static void assert_xml(const char *doc)
{
    const char *why = xml_check(doc);
    if (why)
        fail_msg("not well-formed XML: %s", why);
}

/* ---- reading plotted values back ------------------------------------------------------- */

/* The element (from its '<' to its '>') holding `needle`; NULL when absent. */
static const char *element_with(const char *doc, const char *needle, const char **end)
{
    const char *hit = strstr(doc, needle);
    if (!hit)
        return NULL;
    const char *start = hit;
    while (start > doc && *start != '<')
        start--;
    *end = strchr(hit, '>');
    return start;
}

/* The number in attribute `name` of the element holding `needle`. */
static double attr_of(const char *doc, const char *needle, const char *name)
{
    const char *end = NULL;
    const char *el = element_with(doc, needle, &end);
    if (!el)
        fail_msg("no element with %s", needle);
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *a = strstr(el, key);
    if (!a || a > end)
        fail_msg("element with %s has no %s", needle, name);
    return strtod(a + strlen(key), NULL);
}

static int count(const char *doc, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(doc, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ---- fixtures ----------------------------------------------------------------------- */

static void machine(const char *chip, int gb, mp_machine *m)
{
    mp_chip_match cm;
    assert_int_equal(mp_chip_resolve(chip, gb, &cm, NULL), 0);
    assert_int_equal(mp_machine_init(m, &cm.chip, gb, NULL), 0);
}

static mp_quant q4(mp_dtype d)
{
    mp_quant q = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, d};
    return q;
}

/* ---- the writer ------------------------------------------------------------------------ */

static void test_writer(void **state)
{
    (void)state;
    mp_buf b = MP_BUF_INIT;
    mp_svg_escape(&b, "a<b>&\"c\" 'd'\x01\te");
    assert_string_equal(mp_buf_cstr(&b), "a&lt;b&gt;&amp;&quot;c&quot; &#39;d&#39;\te");
    mp_buf_reset(&b);
    mp_svg_num(&b, 12.25);
    mp_buf_putc(&b, ' ');
    mp_svg_num(&b, -0.01);
    mp_buf_putc(&b, ' ');
    mp_svg_num(&b, 0.0 / 0.0);
    mp_buf_putc(&b, ' ');
    mp_svg_num(&b, 1e300 * 1e300);
    assert_string_equal(mp_buf_cstr(&b), "12.2 0.0 0.0 0.0");
    assert_true(mp_svg_nice_step(24, 8) == 5);
    assert_true(mp_svg_nice_step(41.9, 8) == 10);
    assert_true(mp_svg_nice_step(0.7, 5) == 0.2);
    assert_true(mp_svg_nice_step(0, 5) == 1);
    assert_true(mp_svg_text_width("ab\xc2\xb7", 10) == 18); /* three code points */

    /* a chart with hostile text stays well-formed; ids are sanitised */
    mp_buf_reset(&b);
    mp_svg s;
    mp_svg_begin(&s, &b, "my chart\"<", 100, 50, "t<&>\"'", "d]]>");
    mp_svg_text(&s, 1, 2, NULL, "<script>alert(1)</script>");
    mp_svg_rect_titled(&s, 0, 0, 10, 10, "fill=\"#000\"", "&&");
    char fb[64];
    assert_string_equal(mp_svg_fill(&s, MP_FILL_ORANGE, fb, sizeof fb), "url(#my-chart---f1)");
    assert_string_equal(mp_svg_fill(&s, MP_FILL_BLUE, fb, sizeof fb), "#0072B2");
    mp_svg_mark_at(&s, MP_MARK_TICK, 5, 5, 10, "#000");
    mp_svg_mark_at(&s, MP_MARK_WAVE, 5, 5, 10, "#000");
    mp_svg_mark_at(&s, MP_MARK_CROSS, 5, 5, 10, "#000");
    mp_svg_end(&s);
    assert_xml(mp_buf_cstr(&b));
    assert_null(strstr(mp_buf_cstr(&b), "<script"));
    assert_non_null(strstr(mp_buf_cstr(&b), "id=\"my-chart---title\""));
    /* the standalone file adds the declaration and the namespace */
    mp_buf f = MP_BUF_INIT;
    mp_svg_file_text(mp_buf_cstr(&b), &f);
    assert_xml(mp_buf_cstr(&f));
    const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100.0\"";
    assert_true(strncmp(mp_buf_cstr(&f), head, strlen(head)) == 0);
    mp_buf_release(&f);
    mp_buf_release(&b);

    /* the checker itself rejects what it should */
    assert_non_null(xml_check("<a><b></a></b>"));
    assert_non_null(xml_check("<a x=\"1\" x=\"2\"/>"));
    assert_non_null(xml_check("<a>&nbsp;</a>"));
    assert_non_null(xml_check("<a x=\"<\"/>"));
    assert_non_null(xml_check("<a/><b/>"));
    assert_null(xml_check("<?xml version=\"1.0\"?>\n<a x='1'>&amp;&#39;<!-- c --><b/></a>\n"));
}

/* ---- inference: memory bar and context sweep -------------------------------------------- */

typedef struct infer_case {
    mp_arch arch;
    mp_machine mach;
    mp_infer_req req;
    mp_infer_result res;
} infer_case;

static void infer_case_init(infer_case *c, const char *model, const char *chip, int gb,
                            int64_t ctx)
{
    assert_int_equal(mp_model_load(model, NULL, &c->arch, NULL, NULL), 0);
    machine(chip, gb, &c->mach);
    mp_infer_req r = {&c->arch, &c->mach, q4(c->arch.dtype), ctx, 0, 1, 0, 0, 0, 0, NULL};
    c->req = r;
    assert_int_equal(mp_infer(&c->req, &c->res, NULL), 0);
}

static void test_memory_infer(void **state)
{
    (void)state;
    infer_case ic;
    infer_case_init(&ic, "Qwen/Qwen3-8B", "M4 Pro 20c", 24, 8192);
    const mp_infer_result *r = &ic.res;
    mp_chart_set set;
    mp_chart_set_init(&set);
    mp_chart *c = mp_chart_add(&set, "memory", "Memory");
    mp_chart_memory_infer(c, "Qwen/Qwen3-8B <test> & co", r, &ic.mach);
    const char *svg = mp_buf_cstr(&c->svg);
    assert_xml(svg);
    assert_string_equal(c->title, "Where the memory goes");
    assert_true(attr_of(svg, "data-term=\"weights\"", "data-bytes") == r->weights.bytes);
    assert_true(attr_of(svg, "data-term=\"kv_cache\"", "data-bytes") == r->kv.bytes);
    assert_true(attr_of(svg, "data-term=\"activations\"", "data-bytes") == r->activations.bytes);
    assert_true(attr_of(svg, "data-total-bytes", "data-total-bytes") == r->total_bytes);
    assert_non_null(strstr(svg, "data-verdict=\"fits\""));
    assert_true(attr_of(svg, "data-line=\"gpu_limit\"", "data-bytes") == r->budget_bytes);
    assert_true(attr_of(svg, "data-line=\"warn\"", "data-bytes") == r->warn_bytes);
    assert_true(attr_of(svg, "data-line=\"raised_limit\"", "data-bytes") == r->max_bytes);
    assert_true(attr_of(svg, "data-line=\"ram\"", "data-bytes") == ic.mach.ram_bytes);
    assert_non_null(strstr(svg, "Qwen/Qwen3-8B &lt;test&gt; &amp; co"));

    /* the labels are the Markdown table's numbers, formatted the same way */
    mp_estimate_view v;
    memset(&v, 0, sizeof v);
    v.model_label = "Qwen/Qwen3-8B";
    v.arch = &ic.arch;
    v.mach = &ic.mach;
    v.inf = r;
    mp_buf md = MP_BUF_INIT;
    mp_render_estimate_md(&v, &md);
    assert_non_null(strstr(mp_buf_cstr(&md), "| weights             |     4.29 |"));
    assert_non_null(strstr(mp_buf_cstr(&md), "| KV cache            |     1.12 |"));
    assert_non_null(strstr(svg, ">weights 4.29 GiB</text>"));
    assert_non_null(strstr(svg, ">KV cache 1.12 GiB</text>"));
    assert_non_null(strstr(svg, ">prefill activations 1.19 GiB</text>"));
    assert_non_null(strstr(svg, ">fits · total 6.61 GiB</text>"));
    assert_non_null(strstr(svg, ">GPU limit 16.0 GiB</text>"));
    assert_non_null(strstr(svg, ">RAM 24 GB</text>"));
    assert_non_null(strstr(svg, ">90%: mlx-lm warns at 14.4 GiB</text>"));
    /* three textures for three terms, each defined once with the chart's prefix */
    assert_int_equal(count(svg, "<pattern id=\"memory-f"), 7);
    mp_buf_release(&md);
    mp_chart_set_release(&set);
    mp_arch_release(&ic.arch);
}

static void test_context_sweep(void **state)
{
    (void)state;
    infer_case ic;
    infer_case_init(&ic, "Qwen/Qwen3-8B", "M4 Pro 20c", 24, 8192);
    mp_context_sweep sw;
    assert_int_equal(mp_infer_sweep(&ic.req, &sw, NULL), 0);
    assert_true(sw.n > 8 && sw.n <= MP_SWEEP_MAX);
    /* the request's own point is the estimate, to the last bit */
    const mp_context_point *p = &sw.pts[sw.requested];
    assert_int_equal(p->context_tokens, 8192);
    assert_true(p->decode_tok_s == ic.res.decode_tok_s);
    assert_true(p->total_bytes == ic.res.total_bytes);
    assert_true(p->kv_bytes == ic.res.kv.bytes);
    assert_true(p->act_bytes == ic.res.activations.bytes);
    assert_int_equal(p->verdict, ic.res.verdict);
    /* and so are the estimate's own curve points at 1K and 4K */
    int matched = 0;
    for (int i = 0; i < sw.n; i++) {
        if (i)
            assert_true(sw.pts[i].context_tokens > sw.pts[i - 1].context_tokens);
        if (i != sw.requested)
            assert_int_equal(sw.pts[i].context_tokens % 256, 0);
        for (int k = 0; k < ic.res.n_curve; k++)
            if (ic.res.curve[k].context_tokens == sw.pts[i].context_tokens) {
                assert_true(ic.res.curve[k].decode_tok_s == sw.pts[i].decode_tok_s);
                assert_true(ic.res.curve[k].kv_bytes == sw.pts[i].kv_bytes);
                matched++;
            }
    }
    assert_int_equal(matched, ic.res.n_curve);
    assert_int_equal(sw.pts[0].context_tokens, 1024);
    /* Qwen3-8B stops at its max_position_embeddings */
    assert_int_equal(sw.pts[sw.n - 1].context_tokens, ic.arch.max_position);
    assert_int_equal(sw.end, MP_SWEEP_END_MODEL);
    /* the longest context that fits: fits there, not 256 tokens later */
    assert_true(sw.max_fit_tokens > 8192);
    mp_infer_req r = ic.req;
    mp_infer_result res;
    r.context_tokens = sw.max_fit_tokens;
    assert_int_equal(mp_infer(&r, &res, NULL), 0);
    assert_int_equal(res.verdict, MP_FITS);
    r.context_tokens = sw.max_fit_tokens + 256;
    assert_int_equal(mp_infer(&r, &res, NULL), 0);
    assert_int_not_equal(res.verdict, MP_FITS);
    assert_true(sw.max_run_tokens >= sw.max_fit_tokens);

    /* the chart plots every point and labels the request */
    mp_chart_set set;
    mp_chart_set_init(&set);
    mp_chart *c = mp_chart_add(&set, "context", "Speed");
    mp_chart_context(c, "subject", &sw, &ic.mach);
    const char *svg = mp_buf_cstr(&c->svg);
    assert_xml(svg);
    assert_int_equal(count(svg, "data-tok-s=\""), sw.n);
    assert_int_equal(count(svg, "data-total-bytes=\""), sw.n);
    for (int i = 0; i < sw.n; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "data-context=\"%lld\" data-tok-s",
                 (long long)sw.pts[i].context_tokens);
        assert_true(attr_of(svg, needle, "data-tok-s") == sw.pts[i].decode_tok_s);
        snprintf(needle, sizeof needle, "data-context=\"%lld\" data-total-bytes",
                 (long long)sw.pts[i].context_tokens);
        assert_true(attr_of(svg, needle, "data-total-bytes") == sw.pts[i].total_bytes);
    }
    assert_non_null(strstr(svg, ">31.2 tok/s at 8,192 tokens</text>"));
    assert_non_null(strstr(svg, ">6.61 GiB, fits</text>"));
    /* 6.6 GiB +/-45 % at 8,192 tokens; the band passes the 16 GiB limit only near 40k */
    assert_non_null(strstr(svg, ">Fits (under 90% of the GPU limit, error band included) up to "
                                "40,192 tokens; tight at every context the model supports "
                                "(40,960 tokens).</text>"));
    mp_chart_set_release(&set);
    mp_arch_release(&ic.arch);
}

static void test_context_sweep_edges(void **state)
{
    (void)state;
    infer_case ic;
    /* a short request starts at 256; a context that is not a multiple of
     * 256 is kept exactly */
    infer_case_init(&ic, "Qwen/Qwen3-0.6B", "M1 8c", 8, 600);
    mp_context_sweep sw;
    assert_int_equal(mp_infer_sweep(&ic.req, &sw, NULL), 0);
    assert_int_equal(sw.pts[0].context_tokens, 256);
    assert_int_equal(sw.pts[sw.requested].context_tokens, 600);
    assert_true(sw.pts[sw.requested].total_bytes == ic.res.total_bytes);
    mp_arch_release(&ic.arch);

    /* a request that does not fit: the sweep stops past 1.25 x its need */
    infer_case_init(&ic, "meta-llama/Llama-3.1-70B-Instruct", "M3 Max 30c", 36, 8192);
    assert_int_equal(mp_infer_sweep(&ic.req, &sw, NULL), 0);
    assert_int_equal(sw.max_fit_tokens, 0);
    assert_int_equal(sw.max_run_tokens, 0);
    assert_int_equal(sw.end, MP_SWEEP_END_RAM);
    assert_true(sw.pts[sw.n - 1].total_bytes > 1.25 * ic.res.total_bytes);
    assert_true(sw.pts[sw.n - 2].total_bytes <= 1.25 * ic.res.total_bytes);
    mp_chart_set set;
    mp_chart_set_init(&set);
    mp_chart *c = mp_chart_add(&set, "context", "");
    mp_chart_context(c, "subject", &sw, &ic.mach);
    assert_xml(mp_buf_cstr(&c->svg));
    assert_non_null(strstr(mp_buf_cstr(&c->svg), ">Does not fit at any context.</text>"));
    assert_non_null(strstr(mp_buf_cstr(&c->svg), ">does not fit</text>")); /* legend */
    mp_arch_release(&ic.arch);

    /* tight from the first token: Mixtral in 8-bit on 64 GB */
    assert_int_equal(mp_model_load("mistralai/Mixtral-8x7B-v0.1", NULL, &ic.arch, NULL, NULL), 0);
    machine("M4 Max 40c", 64, &ic.mach);
    mp_infer_req tr = {&ic.arch, &ic.mach, {MP_Q_AFFINE, 8, 64, MP_RECIPE_NONE, ic.arch.dtype},
                       8192, 0, 1, 0, 0, 0, 0, NULL};
    assert_int_equal(mp_infer_sweep(&tr, &sw, NULL), 0);
    assert_int_equal(sw.max_fit_tokens, 0);
    assert_true(sw.max_run_tokens > 8192);
    mp_chart_set_release(&set);
    c = mp_chart_add(&set, "context", "");
    mp_chart_context(c, "subject", &sw, &ic.mach);
    assert_non_null(strstr(mp_buf_cstr(&c->svg), ">Tight at every context the model supports "
                                                 "(32,768 tokens): always over 90% of the GPU "
                                                 "limit, or its error band passes the "
                                                 "limit.</text>"));
    assert_non_null(strstr(mp_buf_cstr(&c->svg), ">tight</text>")); /* the shaded region */
    mp_chart_set_release(&set);
    mp_arch_release(&ic.arch);

    /* a very long request still fits in MP_SWEEP_MAX points */
    infer_case_init(&ic, "Qwen/Qwen3-0.6B", "M3 Ultra 80c", 512, 16777216);
    assert_int_equal(mp_infer_sweep(&ic.req, &sw, NULL), 0);
    assert_true(sw.n <= MP_SWEEP_MAX);
    assert_int_equal(sw.pts[sw.requested].context_tokens, 16777216);
    assert_int_equal(sw.requested, sw.n - 1);
    mp_arch_release(&ic.arch);

    /* errors of the estimate come first */
    infer_case_init(&ic, "Qwen/Qwen3-0.6B", "M1 8c", 8, 4096);
    ic.req.batch = 0;
    mp_error err = {0};
    assert_int_equal(mp_infer_sweep(&ic.req, &sw, &err), MP_EINVAL);
    assert_int_equal(sw.n, 0);
    mp_arch_release(&ic.arch);
}

/* ---- fit: format grid and format ladder --------------------------------------------------- */

static void test_fit_grid(void **state)
{
    (void)state;
    mp_machine m;
    machine("M4 Max 40c", 64, &m);
    mp_fit_model models[128];
    int n = 0;
    assert_int_equal(mp_fit_models(&m, 8192, 0, models, 128, &n, NULL), 0);
    assert_true(n >= 8);
    n = 8;
    const char *ids[8];
    mp_quant best[8];
    for (int i = 0; i < n; i++) {
        ids[i] = models[i].model_id;
        best[i] = models[i].best.quant;
    }
    mp_fit_row rows[8];
    assert_int_equal(mp_fit_grid(&m, 8192, ids, n, rows, NULL), 0);
    for (int i = 0; i < n; i++) {
        /* the search's pick is the first format that fits, with its numbers */
        int first = -1;
        for (int j = 0; j < rows[i].n && first < 0; j++)
            if (rows[i].cells[j].verdict_point == MP_FITS)
                first = j;
        assert_true(first >= 0);
        const mp_fit_cell *cell = &rows[i].cells[first];
        assert_memory_equal(&cell->quant, &models[i].best.quant, sizeof(mp_quant));
        assert_true(cell->total_bytes == models[i].best.est.total_bytes);
        assert_true(cell->decode_tok_s == models[i].best.est.decode_tok_s);
        assert_true(rows[i].params == models[i].params);
    }
    /* any cell equals `mlxplan estimate` for that model and format */
    mp_arch a;
    assert_int_equal(mp_model_load(ids[2], NULL, &a, NULL, NULL), 0);
    for (int j = 0; j < rows[2].n; j++) {
        mp_infer_req r = {&a, &m, rows[2].cells[j].quant, 8192, 0, 1, 0, 0, 0, 0, NULL};
        mp_infer_result res;
        assert_int_equal(mp_infer(&r, &res, NULL), 0);
        assert_true(res.total_bytes == rows[2].cells[j].total_bytes);
        assert_true(res.decode_tok_s == rows[2].cells[j].decode_tok_s);
        assert_true(res.weights.bytes == rows[2].cells[j].weights_bytes);
        assert_int_equal(res.verdict, rows[2].cells[j].verdict);
        assert_int_equal(res.verdict_point, rows[2].cells[j].verdict_point);
    }
    mp_arch_release(&a);

    mp_chart_set set;
    mp_chart_set_init(&set);
    mp_chart *c = mp_chart_add(&set, "grid", "");
    mp_chart_fit_grid(c, "subject", rows, n, 8192, best, 200);
    const char *svg = mp_buf_cstr(&c->svg);
    assert_xml(svg);
    int cells = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < rows[i].n; j++, cells++) {
            char needle[64];
            snprintf(needle, sizeof needle, "data-row=\"%d\" data-col=\"%d\"", i, j);
            assert_true(attr_of(svg, needle, "data-total-bytes") == rows[i].cells[j].total_bytes);
            assert_true(attr_of(svg, needle, "data-tok-s") == rows[i].cells[j].decode_tok_s);
        }
    assert_int_equal(count(svg, "data-col=\""), cells);
    assert_int_equal(count(svg, "data-verdict=\""), cells);
    assert_int_equal(count(svg, "data-best=\"1\""), n);
    /* every fitting cell is slower than 200 tok/s here, so all are bracketed */
    assert_int_equal(count(svg, "data-slow=\"1\""),
                     cells - count(svg, "data-verdict=\"does not fit\""));
    assert_non_null(strstr(svg, "(In brackets): fits, but slower than the 200 tok/s"));
    mp_chart_set_release(&set);
}

static void test_fit_formats(void **state)
{
    (void)state;
    mp_arch a;
    mp_machine m;
    assert_int_equal(mp_model_load("Qwen/Qwen3-30B-A3B", NULL, &a, NULL, NULL), 0);
    machine("M4 Pro 20c", 48, &m);
    mp_fit_row row;
    assert_int_equal(mp_fit_row_compute(&a, "Qwen/Qwen3-30B-A3B", &m, 4096, &row, NULL), 0);
    mp_error err = {0};
    assert_int_equal(mp_fit_row_compute(&a, "x", &m, 0, &row, &err), MP_EINVAL);
    assert_int_equal(mp_fit_row_compute(&a, "Qwen/Qwen3-30B-A3B", &m, 4096, &row, NULL), 0);
    mp_fit_infer opts[MP_FIT_MAX];
    int n = 0;
    mp_fit_infer_req fr = {&a, &m, 4096, 0, 1, false, false};
    assert_int_equal(mp_fit_inference(&fr, opts, MP_FIT_MAX, &n, NULL), 0);
    assert_true(n > 3);
    /* each option of the search is the ladder cell of its format */
    for (int i = 0; i < n; i++) {
        bool found = false;
        for (int j = 0; j < row.n; j++)
            if (memcmp(&row.cells[j].quant, &opts[i].quant, sizeof(mp_quant)) == 0) {
                assert_true(row.cells[j].total_bytes == opts[i].est.total_bytes);
                assert_true(row.cells[j].decode_tok_s == opts[i].est.decode_tok_s);
                found = true;
            }
        assert_true(found);
    }
    mp_chart_set set;
    mp_chart_set_init(&set);
    mp_chart *c = mp_chart_add(&set, "formats", "");
    mp_chart_fit_formats(c, "subject", &row, 4096, &m);
    const char *svg = mp_buf_cstr(&c->svg);
    assert_xml(svg);
    assert_string_equal(c->title, "Memory of each weight format at 4,096 tokens");
    for (int j = 0; j < row.n; j++) {
        char needle[48];
        snprintf(needle, sizeof needle, "data-bar=\"%d\" data-total-bytes", j);
        assert_true(attr_of(svg, needle, "data-total-bytes") == row.cells[j].total_bytes);
        snprintf(needle, sizeof needle, "data-bar=\"%d\" data-term=\"weights\"", j);
        assert_true(attr_of(svg, needle, "data-bytes") == row.cells[j].weights_bytes);
    }
    /* bf16 (57.8 GiB) does not fit a 48 GB machine; 8-bit does, at 43.8 tok/s, but
     * its +/-45 % band passes the 36 GiB limit: tight */
    assert_non_null(strstr(svg, ">does not fit · total 57.8 GiB</text>"));
    assert_non_null(strstr(svg, ">tight · 31.2 GiB · 43.8 tok/s</text>"));
    mp_chart_set_release(&set);
    mp_arch_release(&a);
}

/* ---- training, machines ---------------------------------------------------------------- */

static void test_training_charts(void **state)
{
    (void)state;
    mp_arch a;
    mp_machine m;
    assert_int_equal(mp_model_load("meta-llama/Llama-3.1-8B-Instruct", NULL, &a, NULL, NULL), 0);
    machine("M3 Max 30c", 36, &m);
    mp_train_req q = {&a, &m, q4(a.dtype), MP_TASK_QLORA, 4, 2048, 16, 8, false, 1,
                      MP_OPT_ADAM, MP_DT_F32, 0, 0, NULL};
    mp_train_result r;
    assert_int_equal(mp_train(&q, &r, NULL), 0);
    mp_chart_set set;
    mp_chart_set_init(&set);
    mp_chart *c = mp_chart_add(&set, "memory", "Memory");
    mp_chart_memory_train(c, "subject", &r, &m);
    const char *svg = mp_buf_cstr(&c->svg);
    assert_xml(svg);
    assert_true(attr_of(svg, "data-term=\"frozen_weights\"", "data-bytes") == r.frozen.bytes);
    assert_true(attr_of(svg, "data-term=\"trainable_weights\"", "data-bytes") ==
                r.trainable.bytes);
    assert_true(attr_of(svg, "data-term=\"gradients\"", "data-bytes") == r.grads.bytes);
    assert_true(attr_of(svg, "data-term=\"optimizer_state\"", "data-bytes") ==
                r.optimizer.bytes);
    assert_true(attr_of(svg, "data-term=\"activations\"", "data-bytes") == r.activations.bytes);
    assert_true(attr_of(svg, "data-term=\"logits\"", "data-bytes") == r.logits.bytes);
    assert_true(attr_of(svg, "data-total-bytes", "data-total-bytes") == r.total_bytes);
    c = mp_chart_add(&set, "time", "Speed");
    mp_chart_train_time(c, "subject", &r);
    svg = mp_buf_cstr(&c->svg);
    assert_xml(svg);
    assert_true(attr_of(svg, "data-bar=\"0\"", "data-value") == r.total_s);
    assert_int_equal(count(svg, "data-value=\""), 1);
    assert_non_null(strstr(svg, ">this run: 1,000 iterations</text>"));

    /* pretraining adds the compute-optimal budget, timed by the engine */
    mp_arch p;
    assert_int_equal(mp_arch_for_size(125e6, 32000, MP_DT_F32, &p, NULL), 0);
    mp_train_req pq = {&p, &m, mp_quant_float(MP_DT_F32), MP_TASK_PRETRAIN, 8, 1024, -1, 8,
                       false, 1, MP_OPT_ADAM, MP_DT_F32, 0, 2.5e9, NULL};
    mp_train_result pr;
    assert_int_equal(mp_train(&pq, &pr, NULL), 0);
    assert_true(pr.chinchilla_s == pr.chinchilla_tokens / pr.tok_s);
    c = mp_chart_add(&set, "ptime", "");
    mp_chart_train_time(c, "subject", &pr);
    svg = mp_buf_cstr(&c->svg);
    assert_xml(svg);
    assert_true(attr_of(svg, "data-bar=\"1\"", "data-value") == pr.chinchilla_s);
    char d[32];
    mp_fmt_duration(pr.chinchilla_s, d, sizeof d);
    char needle[64];
    snprintf(needle, sizeof needle, ">%s</text>", d);
    assert_non_null(strstr(svg, needle));

    /* fine-tuning options */
    mp_train_req want = q;
    want.task = MP_TASK_LORA;
    want.base_quant = mp_quant_float(a.dtype);
    mp_fit_train opts[6];
    int n = 0;
    assert_int_equal(mp_fit_training(&want, opts, 6, &n, NULL), 0);
    assert_true(n > 1);
    c = mp_chart_add(&set, "fmem", "");
    mp_chart_fit_train_memory(c, "subject", opts, n, &m);
    svg = mp_buf_cstr(&c->svg);
    assert_xml(svg);
    c = mp_chart_add(&set, "ftime", "");
    mp_chart_fit_train_time(c, "subject", opts, n);
    const char *svg2 = mp_buf_cstr(&c->svg);
    assert_xml(svg2);
    for (int i = 0; i < n; i++) {
        snprintf(needle, sizeof needle, "data-bar=\"%d\" data-total-bytes", i);
        assert_true(attr_of(svg, needle, "data-total-bytes") == opts[i].est.total_bytes);
        snprintf(needle, sizeof needle, "data-bar=\"%d\" data-value", i);
        assert_true(attr_of(svg2, needle, "data-value") == opts[i].est.total_s);
    }
    assert_non_null(mp_chart_add(&set, "sixth", ""));
    assert_null(mp_chart_add(&set, "seventh", "")); /* the set is full */
    assert_int_equal(mp_chart_set_status(&set), 0);
    mp_chart_set_release(&set);
    mp_arch_release(&p);
    mp_arch_release(&a);
}

static void test_machines_chart(void **state)
{
    (void)state;
    mp_arch a;
    assert_int_equal(mp_model_load("meta-llama/Llama-3.1-70B-Instruct", NULL, &a, NULL, NULL), 0);
    mp_quant q = q4(a.dtype);
    mp_fit_machine ms[16];
    int n = 0;
    assert_int_equal(mp_fit_machines(&a, &q, 4096, 8, false, ms, 16, &n, NULL), 0);
    assert_true(n > 2);
    mp_chart_set set;
    mp_chart_set_init(&set);
    mp_chart *c = mp_chart_add(&set, "machines", "");
    mp_chart_fit_machines(c, "subject", ms, n, 8);
    const char *svg = mp_buf_cstr(&c->svg);
    assert_xml(svg);
    for (int i = 0; i < n; i++) {
        char needle[48];
        snprintf(needle, sizeof needle, "data-bar=\"%d\" data-value", i);
        assert_true(attr_of(svg, needle, "data-value") == ms[i].est.decode_tok_s);
    }
    assert_true(attr_of(svg, "data-line=\"target\"", "data-value") == 8);
    assert_non_null(strstr(svg, ">target 8.00 tok/s</text>"));
    mp_chart_set_release(&set);
    mp_arch_release(&a);
}

/* ---- report sets and the HTML page ------------------------------------------------------ */

/* No script, no external resource: the page opens offline. */
static void assert_self_contained(const char *html)
{
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, " src="));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "@import"));
    assert_null(strstr(html, "<iframe"));
    assert_null(strstr(html, "<object"));
    assert_null(strstr(html, "<img"));
    /* no event handlers (onload=...) */
    for (const char *p = strstr(html, " on"); p; p = strstr(p + 1, " on")) {
        size_t k = 3;
        while (p[k] >= 'a' && p[k] <= 'z')
            k++;
        assert_false(k > 3 && p[k] == '=');
    }
    for (const char *u = strstr(html, "url("); u; u = strstr(u + 1, "url("))
        assert_true(u[4] == '#');
}

static void test_html_estimate(void **state)
{
    (void)state;
    infer_case ic;
    infer_case_init(&ic, "Qwen/Qwen3-8B", "M4 Pro 20c", 24, 8192);
    mp_context_sweep sw;
    assert_int_equal(mp_infer_sweep(&ic.req, &sw, NULL), 0);
    mp_estimate_view v;
    memset(&v, 0, sizeof v);
    v.model_label = "Qwen/Qwen3-8B";
    v.arch = &ic.arch;
    v.mach = &ic.mach;
    v.inf = &ic.res;
    mp_chart_set set;
    mp_chart_set_init(&set);
    assert_int_equal(mp_charts_estimate(&v, &sw, &set), 0);
    assert_int_equal(set.n, 2);
    assert_string_equal(set.items[0].name, "memory");
    assert_string_equal(set.items[1].name, "context");
    mp_buf md = MP_BUF_INIT, html = MP_BUF_INIT;
    mp_render_estimate_md(&v, &md);
    mp_render_html(mp_buf_cstr(&md), &set, &html);
    const char *h = mp_buf_cstr(&html);
    assert_self_contained(h);
    assert_true(strncmp(h, "<!DOCTYPE html>\n<html lang=\"en\">", 31) == 0);
    assert_non_null(strstr(h, "<title>Qwen/Qwen3-8B on M4 Pro 20c (24 GB): fits</title>"));
    /* each chart right after the heading of its section, each once */
    assert_non_null(strstr(h, "<h2>Memory</h2>\n<figure id=\"chart-memory\">\n<svg "));
    assert_non_null(strstr(h, "<h2>Speed</h2>\n<figure id=\"chart-context\">\n<svg "));
    assert_int_equal(count(h, "<svg "), 2);
    assert_int_equal(count(h, "<figure"), 2);
    /* the Markdown content, as HTML */
    assert_non_null(strstr(h, "<tr><td>weights</td><td class=\"r\">4.29</td></tr>"));
    assert_non_null(
        strstr(h, "<tr><td><strong>total</strong> (+/-45%)</td><td class=\"r\"><strong>6.61"
                  "</strong></td></tr>"));
    assert_non_null(strstr(h, "<p><strong>Verdict: fits.</strong> 6.6 GiB is 41% of the 16.0 "
                              "GiB default GPU limit; the 9.4 GiB to spare covers the +/-45% "
                              "band (3.0 GiB).</p>"));
    assert_non_null(strstr(h, "<li>model: Qwen/Qwen3-8B (qwen3, mlx-lm module <code>qwen3</code>)"));
    assert_int_equal(count(h, "<table>"), count(mp_buf_cstr(&md), "\n|-"));
    mp_buf_release(&md);
    mp_buf_release(&html);
    mp_chart_set_release(&set);
    mp_arch_release(&ic.arch);
}

/* A chart set for a page: chart `name` after `section`, and chart "lost"
 * after a section no page has. */
static void page_charts(mp_chart_set *set, const char *name, const char *section)
{
    mp_chart_set_init(set);
    const char *names[2] = {name, "lost"}, *sections[2] = {section, "No such section"};
    for (int i = 0; i < 2; i++) {
        mp_chart *c = mp_chart_add(set, names[i], sections[i]);
        assert_non_null(c);
        mp_svg s;
        mp_svg_begin(&s, &c->svg, names[i], 10, 10, "t", "d");
        mp_svg_end(&s);
    }
}

/* The page of a typed plan: written from the spans (no Markdown read), every
 * text escaped, each number a <data> element with its value, unit and key
 * number, each block in its element, charts after their section. */
static void test_html_plan(void **state)
{
    (void)state;
    mp_plan *p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->arena = mp_arena_new();
    assert_non_null(p->arena);
    p->sections[MP_SEC_SUMMARY] = (mp_section){.id = "summary", .title = "Summary <& \"verdict\">"};
    p->sections[MP_SEC_STEPS] = (mp_section){.id = "steps", .title = "Steps"};
    p->sections[MP_SEC_TODO] = (mp_section){.id = "todo", .title = "Todo"};
    p->title = "Run <X> & \"Y\"";
    mp_doc_number(p, "total_bytes", 2.5 * 1073741824.0, "bytes", MP_LABEL_ESTIMATED,
                  "weights + \"KV\" <cache>");
    mp_doc_para(p, MP_SEC_SUMMARY, "**Verdict: fits.** %s of <b>, `a && b`, %s tok/s (+/-45%%) "
                "and 2 ** 3 as text", mp_doc_gib(p, 2.5 * 1073741824.0), mp_doc_rate(p, 35.25));
    mp_block *b = mp_doc_block(p, MP_SEC_STEPS, MP_BLK_NUMBERED);
    mp_doc_add(p, b, "**Install.** %s", "pip install \"mlx<1\"");
    mp_doc_add(p, b, "`mlx_lm.server --port 8080`");
    mp_block *t = mp_doc_table(p, MP_SEC_STEPS, 2, "name\t>memory");
    mp_doc_row(p, t, "a|b <c>\t%s", mp_doc_gib(p, 1073741824.0));
    mp_doc_table(p, MP_SEC_STEPS, 2, "empty\ttable"); /* no rows: not written */
    mp_doc_code(p, MP_SEC_STEPS, "python", "<dir>/x.py", "if a < b and c > d:\n    print(\"&\")");
    mp_block *todo = mp_doc_block(p, MP_SEC_TODO, MP_BLK_CHECKLIST);
    mp_doc_add(p, todo, "Check <it>");

    mp_chart_set set;
    page_charts(&set, "memory", "1. Summary <& \"verdict\">");

    mp_buf out = MP_BUF_INIT;
    mp_render_plan_html(p, &set, &out);
    assert_int_equal(mp_buf_status(&out), 0);
    const char *h = mp_buf_cstr(&out);
    assert_self_contained(h);
    assert_non_null(strstr(h, "<title>Plan: Run &lt;X&gt; &amp; &quot;Y&quot;</title>"));
    assert_non_null(strstr(h, "<h1>Plan: Run &lt;X&gt; &amp; &quot;Y&quot;</h1>\n"
                              "<h2 id=\"summary\">1. Summary &lt;&amp; &quot;verdict&quot;&gt;</h2>\n"
                              "<figure id=\"chart-memory\">"));
    assert_non_null(strstr(
        h, "<p><strong>Verdict: fits.</strong> <data value=\"2684354560\" data-unit=\"bytes\" "
           "data-name=\"total_bytes\" data-label=\"estimated\" data-basis=\"weights + "
           "&quot;KV&quot; &lt;cache&gt;\" title=\"estimated: weights + &quot;KV&quot; "
           "&lt;cache&gt;\">2.50 GiB</data> of &lt;b&gt;, <code>a &amp;&amp; b</code>, "
           "<data value=\"35.25\" data-unit=\"tok/s\">35.2</data> tok/s (<data value=\"45\" "
           "data-unit=\"%\" data-name=\"error_band_pct\" data-label=\"calibrated\""));
    assert_non_null(strstr(h, ">+/-45%</data>) and 2 ** 3 as text</p>\n"));
    assert_non_null(strstr(h, "<h2 id=\"steps\">5. Steps</h2>\n<ol>\n<li><strong>Install."
                              "</strong> pip install &quot;mlx&lt;1&quot;</li>\n<li><code>"
                              "mlx_lm.server --port 8080</code></li>\n</ol>\n"));
    /* a '|' is kept (only the Markdown table replaces it); '>' right-aligns */
    assert_non_null(strstr(h, "<table>\n<thead><tr><th>name</th><th class=\"r\">memory</th>"
                              "</tr></thead>\n<tbody>\n<tr><td>a|b &lt;c&gt;</td><td class=\"r\">"
                              "<data value=\"1073741824\" data-unit=\"bytes\">1.00 GiB</data>"
                              "</td></tr>\n</tbody></table>\n<p><code>"));
    assert_null(strstr(h, "empty"));
    assert_non_null(strstr(h, "<p><code>&lt;dir&gt;/x.py</code>:</p>\n<pre><code "
                              "class=\"language-python\">if a &lt; b and c &gt; d:\n    "
                              "print(&quot;&amp;&quot;)\n</code></pre>\n"));
    assert_non_null(strstr(h, "<h2 id=\"todo\">11. Todo</h2>\n<ul class=\"todo\">\n"
                              "<li>Check &lt;it&gt;</li>\n</ul>\n"));
    /* a chart whose section the plan lacks closes the page, before the footer */
    const char *l = strstr(h, "<figure id=\"chart-lost\">");
    assert_non_null(l);
    assert_true(l > strstr(h, "Check &lt;it&gt;") && l < strstr(h, "<footer>"));
    assert_null(strstr(h, "**Verdict"));
    mp_buf_release(&out);
    mp_chart_set_release(&set);
    mp_plan_free(p);
}

static void test_html_markdown(void **state)
{
    (void)state;
    const char *md = "# A <b> & \"c\"\n\nline one\nline **two** `x<y` [s](d/m.svg)\n\n"
                     "- item `a`\n- item b\n\n1. first\n2. second\n\n```sh\nx < y && z\n```\n"
                     "\n| k | >v |\n|---|---:|\n| a<b | 1 |\n\n## Other\n\ntext\n#1 not a "
                     "heading\n**unclosed\n";
    mp_chart_set set;
    page_charts(&set, "top", "");
    mp_buf out = MP_BUF_INIT;
    mp_render_html(md, &set, &out);
    const char *h = mp_buf_cstr(&out);
    assert_self_contained(h);
    assert_non_null(strstr(h, "<title>A &lt;b&gt; &amp; &quot;c&quot;</title>"));
    assert_non_null(strstr(h, "<h1>A &lt;b&gt; &amp; &quot;c&quot;</h1>\n<figure id=\"chart-top\">"));
    assert_non_null(strstr(h, "<p>line one\nline <strong>two</strong> <code>x&lt;y</code> "
                              "<a href=\"d/m.svg\">s</a></p>"));
    assert_non_null(strstr(h, "<ul>\n<li>item <code>a</code></li>\n<li>item b</li>\n</ul>"));
    assert_non_null(strstr(h, "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"));
    assert_non_null(strstr(h, "<pre><code>x &lt; y &amp;&amp; z\n</code></pre>"));
    assert_non_null(strstr(h, "<thead><tr><th>k</th><th class=\"r\">&gt;v</th></tr></thead>"));
    assert_non_null(strstr(h, "<tr><td>a&lt;b</td><td class=\"r\">1</td></tr>"));
    assert_non_null(strstr(h, "<p>text\n#1 not a heading\n**unclosed</p>"));
    /* a chart whose section is missing is not lost: it closes the page */
    assert_non_null(strstr(h, "<figure id=\"chart-lost\">"));
    assert_true(strstr(h, "chart-lost") > strstr(h, "not a heading"));
    mp_buf_release(&out);

    /* links: only relative paths and http(s); the <...> form for spaces */
    mp_buf_reset(&out);
    mp_render_html("[a](javascript:alert(1)) [b](<my dir/c.svg>) [c](file:///etc) [d](x:y/z)\n",
                   NULL, &out);
    assert_non_null(strstr(mp_buf_cstr(&out), "<p>a) <a href=\"my dir/c.svg\">b</a> c d</p>"));
    assert_null(strstr(mp_buf_cstr(&out), "javascript"));
    /* nesting is bounded: deep input comes out as text, not recursion */
    mp_buf big = MP_BUF_INIT;
    for (int i = 0; i < 20000; i++)
        mp_buf_puts(&big, "[**");
    mp_buf_reset(&out);
    mp_render_html(mp_buf_cstr(&big), NULL, &out);
    assert_int_equal(mp_buf_status(&out), 0);
    mp_buf_release(&big);
    mp_buf_release(&out);

    /* no charts, empty document */
    mp_render_html("", NULL, &out);
    assert_non_null(strstr(mp_buf_cstr(&out), "<title></title>"));
    mp_buf_release(&out);
    mp_chart_set_release(&set);
}

static void test_fit_sets(void **state)
{
    (void)state;
    mp_machine m;
    machine("M1 8c", 8, &m);
    mp_fit_view v;
    memset(&v, 0, sizeof v);
    mp_chart_set set;
    mp_chart_set_init(&set);
    /* searches that found nothing draw nothing */
    v.mode = MP_FIT_MODE_MODELS;
    v.mach = &m;
    v.context = 4096;
    assert_int_equal(mp_charts_fit(&v, NULL, 0, &set), 0);
    assert_int_equal(set.n, 0);
    v.mode = MP_FIT_MODE_MACHINES;
    assert_int_equal(mp_charts_fit(&v, NULL, 0, &set), 0);
    v.mode = MP_FIT_MODE_TRAINING;
    assert_int_equal(mp_charts_fit(&v, NULL, 0, &set), 0);
    assert_int_equal(set.n, 0);
    /* the formats search draws its ladder even when nothing fits */
    mp_arch a;
    assert_int_equal(mp_model_load("meta-llama/Llama-3.1-70B-Instruct", NULL, &a, NULL, NULL), 0);
    mp_fit_row row;
    assert_int_equal(mp_fit_row_compute(&a, "meta-llama/Llama-3.1-70B-Instruct", &m, 4096, &row,
                                        NULL), 0);
    v.mode = MP_FIT_MODE_FORMATS;
    v.model_label = "meta-llama/Llama-3.1-70B-Instruct";
    v.arch = &a;
    assert_int_equal(mp_charts_fit(&v, &row, 1, &set), 0);
    assert_int_equal(set.n, 1);
    const char *svg = mp_buf_cstr(&set.items[0].svg);
    assert_xml(svg);
    assert_int_equal(count(svg, "data-verdict=\"does not fit\""), row.n);
    mp_chart_set_release(&set);
    mp_chart_set_release(NULL);
    mp_arch_release(&a);
}

/* ---- atomic files -------------------------------------------------------------------------- */

static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void test_files(void **state)
{
    (void)state;
    const char *root = getenv("MLXPLAN_TEST_TMP");
    char dir[512], path[600], sub[600];
    snprintf(dir, sizeof dir, "%s/files-%ld", root ? root : "/tmp", (long)getpid());
    mkdir(root ? root : "/tmp", 0777);
    assert_int_equal(mp_make_dir(dir, "--svg", NULL), 0);
    assert_int_equal(mp_make_dir(dir, "--svg", NULL), 0); /* exists: fine */
    snprintf(path, sizeof path, "%s/report.html", dir);
    assert_int_equal(mp_write_file_atomic(path, "hello", 5, "--html", NULL), 0);
    assert_int_equal(mp_write_file_atomic(path, "bye", 3, "--html", NULL), 0); /* replaced */
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(mp_read_file(path, 100, "report", &data, &len, NULL), 0);
    assert_int_equal(len, 3);
    assert_memory_equal(data, "bye", 3);
    free(data);
    assert_int_equal(dir_entries(dir), 1); /* no temporary file left */

    mp_error err = {0};
    assert_int_equal(mp_write_file_atomic(dir, "x", 1, "--html", &err), MP_EIO);
    char want[700];
    snprintf(want, sizeof want, "--html: '%s' is a folder; give a file name", dir);
    assert_string_equal(err.msg, want);
    mp_error_clear(&err);
    snprintf(sub, sizeof sub, "%s/missing/r.html", dir);
    assert_int_equal(mp_write_file_atomic(sub, "x", 1, "--html", &err), MP_EIO);
    snprintf(want, sizeof want, "--html: cannot write '%s': No such file or directory", sub);
    assert_string_equal(err.msg, want);
    mp_error_clear(&err);
    snprintf(sub, sizeof sub, "%s/", dir);
    assert_int_equal(mp_write_file_atomic(sub, "x", 1, "--html", &err), MP_EIO);
    mp_error_clear(&err);
    assert_int_equal(mp_write_file_atomic("", "x", 1, "--html", &err), MP_EINVAL);
    assert_string_equal(err.msg, "--html needs a path, got ''");
    mp_error_clear(&err);
    /* a folder that is a file, and one whose parent is missing */
    assert_int_equal(mp_make_dir(path, "--svg", &err), MP_EIO);
    snprintf(want, sizeof want, "--svg: '%s' exists and is not a folder", path);
    assert_string_equal(err.msg, want);
    mp_error_clear(&err);
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    assert_int_equal(mp_make_dir(sub, "--svg", &err), MP_EIO);
    mp_error_clear(&err);
    char *longp = malloc(MP_PATH_MAX + 10);
    memset(longp, 'a', MP_PATH_MAX + 9);
    longp[MP_PATH_MAX + 9] = '\0';
    assert_int_equal(mp_write_file_atomic(longp, "x", 1, "--html", &err), MP_EINVAL);
    free(longp);
    /* a folder we may not write into (skipped as root, who may) */
    if (geteuid() != 0) {
        snprintf(sub, sizeof sub, "%s/ro", dir);
        assert_int_equal(mkdir(sub, 0555), 0);
        snprintf(path, sizeof path, "%s/ro/r.html", dir);
        mp_error_clear(&err);
        assert_int_equal(mp_write_file_atomic(path, "x", 1, "--html", &err), MP_EIO);
        assert_int_equal(dir_entries(sub), 0);
        rmdir(sub);
    }
    snprintf(path, sizeof path, "%s/report.html", dir);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer),
        cmocka_unit_test(test_memory_infer),
        cmocka_unit_test(test_context_sweep),
        cmocka_unit_test(test_context_sweep_edges),
        cmocka_unit_test(test_fit_grid),
        cmocka_unit_test(test_fit_formats),
        cmocka_unit_test(test_training_charts),
        cmocka_unit_test(test_machines_chart),
        cmocka_unit_test(test_html_estimate),
        cmocka_unit_test(test_html_markdown),
        cmocka_unit_test(test_html_plan),
        cmocka_unit_test(test_fit_sets),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
