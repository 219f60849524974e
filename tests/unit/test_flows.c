/* test_flows.c - the headline flows: project templates (placeholders,
 * errors, every template rendered into the plan), the from-scratch sizing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_fills_placeholders),
        cmocka_unit_test(test_render_names_a_missing_placeholder),
        cmocka_unit_test(test_flow_files_are_contiguous),
        cmocka_unit_test(test_pretrain_plan_holds_every_file),
        cmocka_unit_test(test_sizing_keeps_blocks_the_larger_part),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
