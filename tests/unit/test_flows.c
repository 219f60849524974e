/* test_flows.c - the headline flows: project templates (placeholders,
 * errors, every template rendered into the plan), the from-scratch sizing,
 * the figures they print kept as typed numbers. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "engine/train.h"
#include "plan/flow.h"
#include "plan/plan.h"
#include "plan/template.h"

static void test_render_fills_placeholders(void **state)
{
    (void)state;
    const mp_tpl_var vars[] = {{"DIM", "512"}, {"TIE", "False"}};
    mp_buf b = MP_BUF_INIT;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_tpl_render(&b, "@partial(x)\ndim = @DIM@ @TIE@ a@b @DIM@@", vars, 2, &e),
                     0);
    assert_string_equal(mp_buf_cstr(&b), "@partial(x)\ndim = 512 False a@b 512@");
    mp_buf_release(&b);
}

static void test_render_names_a_missing_placeholder(void **state)
{
    (void)state;
    const mp_tpl_var vars[] = {{"DIM", "512"}};
    mp_buf b = MP_BUF_INIT;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_tpl_render(&b, "x = @DIM@\ny = @VOCAB@\n", vars, 1, &e), MP_EINVAL);
    assert_string_equal(e.msg, "template placeholder '@VOCAB@' has no value");
    assert_string_equal(mp_buf_cstr(&b), "x = 512\ny = ");
    mp_buf_release(&b);
}

static void test_flow_files_are_contiguous(void **state)
{
    (void)state;
    size_t n;
    const mp_plan_file_row *rows = mp_tpl_files("pretrain", &n);
    assert_non_null(rows);
    assert_int_equal(n, 11);
    assert_string_equal(rows[0].path, "config.py");
    for (size_t i = 0; i < n; i++)
        assert_string_equal(rows[i].flow, "pretrain");
    assert_null(mp_tpl_files("no-such-flow", &n));
    assert_int_equal(n, 0);
}

/* Every template of the flow appears, filled, as a code block of the plan. */
static void test_pretrain_plan_holds_every_file(void **state)
{
    (void)state;
    mp_plan_req req = {.text = "train a transformer from scratch on my M3 Max 36GB"};
    mp_plan *p;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_plan_build(&req, &p, &e), 0);
    size_t n, found = 0;
    const mp_plan_file_row *rows = mp_tpl_files("pretrain", &n);
    const mp_section *code = &p->sections[MP_SEC_CODE];
    for (int i = 0; i < code->n; i++) {
        const mp_block *b = &code->blocks[i];
        if (b->kind != MP_BLK_CODE)
            continue;
        assert_string_equal(b->path, rows[found].path);
        assert_int_equal(b->items[0].n, 1);
        const char *text = b->items[0].spans[0].text;
        for (const char *at = strchr(text, '@'); at; at = strchr(at + 1, '@'))
            assert_false(at[1] >= 'A' && at[1] <= 'Z'); /* no placeholder left */
        found++;
    }
    assert_int_equal(found, n);
    mp_plan_free(p);
}

static void test_sizing_keeps_blocks_the_larger_part(void **state)
{
    (void)state;
    const double sizes[] = {10e6, 20e6, 50e6, 125e6, 350e6, 1.3e9};
    const int64_t vocab[] = {8192, 8192, 16384, 32000, 32000, 32000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        mp_arch a;
        mp_error e;
        mp_error_clear(&e);
        assert_int_equal(mp_flow_pretrain_size(sizes[i], MP_DT_F32, &a, &e), 0);
        assert_int_equal(a.vocab, vocab[i]);
        if (sizes[i] >= 50e6)
            assert_true(2.0 * a.vocab * a.hidden <= 0.4 * mp_arch_params(&a));
        mp_arch_release(&a);
    }
}

/* The length of a figure with a unit at `s` ("12.3 ms", "0.8 GB", "409.1M tokens"),
 * 0 when none starts there. */
static size_t figure_at(const char *s)
{
    static const char *const units[] = {" ms", " s ", " s)", " s.", " s;", " s,", " GiB",
                                        " GB", " TFLOPS", " tok/s", " it/s", " h ", " min",
                                        " days", " iterations", " updates"};
    size_t n = 0;
    while (isdigit((unsigned char)s[n]) ||
           ((s[n] == '.' || s[n] == ',') && n && isdigit((unsigned char)s[n + 1])))
        n++;
    if (!n)
        return 0;
    if (s[n] == 'M' || s[n] == 'B')
        n++;
    for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
        if (strncmp(s + n, units[k], strlen(units[k])) == 0)
            return n;
    return 0;
}

/* Whether `at` in `text` lies inside an occurrence of `s`. */
static bool inside(const char *text, const char *at, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    for (const char *o = n ? strstr(text, s) : NULL; o && o <= at; o = strstr(o + 1, s))
        if (at < o + n)
            return true;
    return false;
}

/* Every figure the flows and the plan's writers print with a unit is a
 * number span: the plain text of the sections they write holds none.  Not
 * theirs: what was understood of the request (its own section), table
 * headers, the machine's label, the engines' basis and verdict texts (the
 * words that say where a number comes from), and the fixed numbers the text
 * cites (listed). */
static void test_flow_figures_are_typed(void **state)
{
    (void)state;
    static const char *const requests[] = {
        "My MLX model inference is slower than expected on my M3 Max, how can I optimize it?",
        "Llama 3.1 8B 4-bit generates only 20 tok/s on my M4 Max 40c 64GB, expected more",
        "I want to fine-tune a language model using MLX-LM and deploy it efficiently",
        "fine-tune Qwen3 4B on 300 prompt/completion pairs on my M2 Pro 16GB within 1 hour "
        "and serve it",
        "train a transformer from scratch in 2 hours on my MacBook Air M2 16GB",
    };
    /* measured speeds of data/calibration (flow_slow.c); the tests of the
     * pretrain templates; the wait before comparing a fanless Mac's speed */
    static const char *const cited[] = {"0.23 vs 4.7 tok/s", "4.7 tok/s for a 70B",
                                        "100 updates; the loss", "50 updates; equal",
                                        "30 minutes with the first"};
    int values = 0, untyped = 0;
    for (size_t r = 0; r < sizeof requests / sizeof requests[0]; r++) {
        mp_plan_req req = {.text = requests[r]};
        mp_plan *p;
        mp_error e;
        mp_error_clear(&e);
        assert_int_equal(mp_plan_build(&req, &p, &e), 0);
        const char *engine[] = {
            p->machine,
            p->infer ? p->infer->decode_basis : NULL,
            p->infer ? p->infer->prefill_basis : NULL,
            p->infer ? p->infer->verdict_text : NULL,
            p->train ? p->train->verdict_text : NULL,
            p->train ? p->train->speed_basis : NULL,
            p->machine_spec ? p->machine_spec->budget_basis : NULL,
        };
        for (int sec = 0; sec < MP_SEC_COUNT; sec++) {
            if (sec == MP_SEC_UNDERSTOOD)
                continue;
            for (int i = 0; i < p->sections[sec].n; i++) {
                const mp_block *b = &p->sections[sec].blocks[i];
                if (b->kind == MP_BLK_CODE)
                    continue;
                for (int k = b->kind == MP_BLK_TABLE ? b->ncols : 0; k < b->n; k++) {
                    /* the item's words, where the engines' texts are found whole */
                    char whole[4096];
                    size_t at[64], len = 0;
                    const mp_item *it = &b->items[k];
                    for (int j = 0; j < it->n && j < 64; j++) {
                        at[j] = len;
                        len += (size_t)snprintf(whole + len, sizeof whole - len, "%s",
                                                it->spans[j].text);
                        assert_true(len < sizeof whole);
                    }
                    for (int j = 0; j < it->n && j < 64; j++) {
                        const mp_span *sp = &it->spans[j];
                        if (sp->kind == MP_SPAN_VALUE) {
                            values++;
                            assert_non_null(sp->value);
                            continue;
                        }
                        if (sp->kind != MP_SPAN_TEXT)
                            continue;
                        for (const char *c = sp->text; *c; c++) {
                            if (c > sp->text && (isalnum((unsigned char)c[-1]) || c[-1] == '.'))
                                continue;
                            bool ok = !figure_at(c);
                            for (size_t q = 0; !ok && q < sizeof cited / sizeof cited[0]; q++)
                                ok = strncmp(c, cited[q], strlen(cited[q])) == 0;
                            const char *w = whole + at[j] + (size_t)(c - sp->text);
                            for (size_t q = 0; !ok && q < sizeof engine / sizeof engine[0]; q++)
                                ok = inside(whole, w, engine[q]);
                            if (!ok)
                                fprintf(stderr, "untyped figure in section %s of \"%s\": %.24s\n",
                                        p->sections[sec].id, requests[r], c);
                            untyped += !ok;
                        }
                    }
                }
            }
        }
        mp_plan_free(p);
    }
    assert_int_equal(untyped, 0);
    assert_true(values > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_fills_placeholders),
        cmocka_unit_test(test_render_names_a_missing_placeholder),
        cmocka_unit_test(test_flow_files_are_contiguous),
        cmocka_unit_test(test_pretrain_plan_holds_every_file),
        cmocka_unit_test(test_sizing_keeps_blocks_the_larger_part),
        cmocka_unit_test(test_flow_figures_are_typed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
