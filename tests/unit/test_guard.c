/* test_guard.c - the knowledge-base guard: what it accepts, what it flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "kb/guard.h"

typedef struct seen {
    int n;
    char what[8][128];
    mp_guard_kind kind[8];
    int line[8];
} seen;

static int collect(mp_guard_kind kind, const char *what, int line, void *ctx)
{
    seen *s = ctx;
    if (s->n < 8) {
        snprintf(s->what[s->n], sizeof s->what[0], "%s", what);
        s->kind[s->n] = kind;
        s->line[s->n] = line;
    }
    s->n++;
    return 0;
}

static seen scan(const char *text, int *known)
{
    seen s;
    memset(&s, 0, sizeof s);
    int bad = mp_guard_scan(text, strlen(text), MP_GUARD_TEXT, collect, &s, known);
    assert_int_equal(bad, s.n);
    return s;
}

static void test_real_names_pass(void **state)
{
    (void)state;
    int known = 0;
    seen s = scan("import mlx.core as mx\n"
                  "import mlx.nn as nn\n"
                  "from mlx_lm import load, stream_generate\n"
                  "from mlx_lm.sample_utils import make_sampler\n"
                  "y = mx.fast.scaled_dot_product_attention(q, k, v, scale=1.0)\n"
                  "layer = nn.Linear(4, 4)\n"
                  "print(mx.__version__, mlx_lm.__version__)\n"
                  "mlx_lm.generate --model m --prompt - --max-tokens 256 --kv-bits 8\n"
                  "python -m mlx_lm lora --train --data data\n"
                  "mlx.distributed_config --hosts a,b --output-hostfile hosts.json\n"
                  "Data flow: raw -> mlx_lm.lora -> adapters/\n"
                  "see the mlx_lm flags of the pinned version\n",
                  &known);
    assert_int_equal(s.n, 0);
    assert_true(known >= 14);
}

static void test_invented_names_fail(void **state)
{
    (void)state;
    int known = 0;
    seen s = scan("x = mx.fast.flash_attention(q, k, v)\n"
                  "from mlx_lm import load, generate_fast\n"
                  "mlx_lm.generate --model m --temperature 0.7\n"
                  "mlx_lm.finetune --model m\n",
                  &known);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.what[0], "mlx.core.fast.flash_attention");
    assert_int_equal(s.kind[0], MP_GUARD_NAME);
    assert_int_equal(s.line[0], 1);
    assert_string_equal(s.what[1], "mlx_lm.generate_fast");
    assert_string_equal(s.what[2], "mlx_lm.generate --temperature");
    assert_int_equal(s.kind[2], MP_GUARD_FLAG);
    assert_string_equal(s.what[3], "mlx_lm.finetune");
    assert_int_equal(s.line[3], 4);
}

static void test_yaml_keys(void **state)
{
    (void)state;
    int known = 0;
    seen s = scan("```yaml\n"
                  "model: m\n"
                  "fine_tune_type: lora\n"
                  "lora_parameters:\n"
                  "  rank: 8\n"
                  "  scale: 20.0\n"
                  "  alpha: 16\n"
                  "learning_rate_warmup: 10\n"
                  "```\n"
                  "not_yaml: outside the block\n",
                  &known);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.what[0], "lora_parameters.alpha");
    assert_int_equal(s.kind[0], MP_GUARD_YAML_KEY);
    assert_string_equal(s.what[1], "learning_rate_warmup");
    assert_int_equal(s.line[1], 8);
}

static int stop_at_first(mp_guard_kind kind, const char *what, int line, void *ctx)
{
    (void)kind;
    (void)what;
    (void)line;
    ++*(int *)ctx;
    return 1;
}

static void test_stop_and_empty(void **state)
{
    (void)state;
    /* without a callback every unknown name is counted */
    assert_int_equal(mp_guard_scan("mx.nope1\nmx.nope2\n", 18, MP_GUARD_TEXT, NULL, NULL, NULL),
                     2);
    /* a callback that returns nonzero ends the scan after the first */
    int calls = 0;
    assert_int_equal(mp_guard_scan("mx.nope1\nmx.nope2\n", 18, MP_GUARD_TEXT, stop_at_first,
                                   &calls, NULL),
                     1);
    assert_int_equal(calls, 1);
    int known = -1;
    assert_int_equal(mp_guard_scan("", 0, MP_GUARD_TEXT, NULL, NULL, &known), 0);
    assert_int_equal(known, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_names_pass),
        cmocka_unit_test(test_invented_names_fail),
        cmocka_unit_test(test_yaml_keys),
        cmocka_unit_test(test_stop_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
