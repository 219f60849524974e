/* test_tdata.c - fine-tuning data (--data): token counts of each mlx-lm
 * format by hand, the batches mlx_lm.lora 0.32.0 builds (sorted by length,
 * the last partial batch dropped, padded to 1 + a multiple of 32 capped at
 * --max-seq-length) computed by hand, the estimate over the batches against
 * mp_train of each batch, and every bad input with its one-line message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "engine/machine.h"
#include "engine/tdata.h"
#include "model/registry.h"

static const char *fixture(const char *rel, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/data/%s", getenv("MLXPLAN_FIXTURES"), rel);
    return buf;
}

/* A file `name` with `text` under the test's scratch folder. */
static const char *scratch(const char *name, const char *text, char *buf, size_t cap)
{
    const char *tmp = getenv("MLXPLAN_TEST_TMP");
    assert_non_null(tmp);
    mkdir(tmp, 0777);
    snprintf(buf, cap, "%s/tdata-%s", tmp, name);
    FILE *f = fopen(buf, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return buf;
}

/* text.jsonl: texts of 100, 400, 1000, 4000, 96, 64, 200 bytes. */
static void test_text_tokens(void **state)
{
    (void)state;
    char p[4096];
    mp_tdata d;
    assert_int_equal(mp_tdata_read(fixture("text.jsonl", p, sizeof p), &d, NULL), 0);
    assert_int_equal(d.format, MP_TDATA_TEXT);
    assert_int_equal(d.n_examples, 7);
    assert_int_equal(d.n_valid, -1); /* a file, not a folder */
    /* ceil(bytes / 4) + 1 for the EOS mlx-lm appends, in file order */
    const int64_t want[] = {26, 101, 251, 1001, 25, 17, 51};
    for (int i = 0; i < 7; i++)
        assert_int_equal(d.tokens[i], want[i]);
    assert_int_equal(d.total_tokens, 1472);
    assert_int_equal(d.median_tokens, 51);
    assert_int_equal(d.max_tokens, 1001);
    mp_tdata_release(&d);
}

static void test_chat_completions_tools_tokens(void **state)
{
    (void)state;
    char p[4096];
    mp_tdata d;
    /* 1 + (4 + 40/4) + (4 + ceil(81/4) = 21) */
    scratch("chat.jsonl",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"},"
            "{\"role\":\"assistant\",\"content\":\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
            "bbbbbbbbbbbbbbbbbbb\"}]}\r\n",
            p, sizeof p);
    assert_int_equal(mp_tdata_read(p, &d, NULL), 0);
    assert_int_equal(d.format, MP_TDATA_CHAT);
    assert_int_equal(d.tokens[0], 40);
    mp_tdata_release(&d);
    /* 1 + 2 x 4 + ceil(8/4) + ceil(9/4) */
    scratch("comp.jsonl", "{\"prompt\":\"qqqqqqqq\",\"completion\":\"rrrrrrrrr\"}\n", p, sizeof p);
    assert_int_equal(mp_tdata_read(p, &d, NULL), 0);
    assert_int_equal(d.format, MP_TDATA_COMPLETIONS);
    assert_int_equal(d.tokens[0], 14);
    mp_tdata_release(&d);
    /* tools: the schema list as compact JSON (16 bytes: 4 tokens); a tool
     * call with null content as compact JSON (14 bytes: 4 tokens); a list
     * of content parts counts its text (8 bytes: 2) */
    scratch("tools.jsonl",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"abcdefgh\"}]},"
            "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"1234\"}]}],"
            "\"tools\":[{\"name\":\"abc\"}]}\n",
            p, sizeof p);
    assert_int_equal(mp_tdata_read(p, &d, NULL), 0);
    assert_int_equal(d.format, MP_TDATA_TOOLS);
    assert_int_equal(d.tokens[0], 1 + 4 + (4 + 2) + (4 + 4));
    assert_string_equal(mp_tdata_format_name(d.format), "tools");
    mp_tdata_release(&d);
}

static void test_folder(void **state)
{
    (void)state;
    char p[4096];
    mp_tdata d;
    assert_int_equal(mp_tdata_read(fixture("chat", p, sizeof p), &d, NULL), 0);
    assert_int_equal(d.n_examples, 14);
    assert_int_equal(d.n_valid, 4);
    assert_non_null(strstr(d.train_path, "/chat/train.jsonl"));
    mp_tdata_release(&d);
}

/* Tokens [17, 25, 26, 51, 101, 251, 1001] sorted. */
static void test_batches(void **state)
{
    (void)state;
    char p[4096];
    mp_tdata d;
    mp_tdata_batches b;
    assert_int_equal(mp_tdata_read(fixture("text.jsonl", p, sizeof p), &d, NULL), 0);
    /* batch 2: [17 25] [26 51] [101 251], 1001 dropped; padded 1 + 32 x
     * ceil(longest / 32): 33, 65, 257 */
    assert_int_equal(mp_tdata_batches_of(&d, 2, 2048, &b, NULL), 0);
    assert_int_equal(b.n_batches, 3);
    assert_int_equal(b.n_dropped, 1);
    assert_int_equal(b.n_truncated, 0);
    assert_int_equal(b.padded[0], 33);
    assert_int_equal(b.padded[1], 65);
    assert_int_equal(b.padded[2], 257);
    assert_int_equal(b.median_padded, 65);
    assert_int_equal(b.worst_padded, 257);
    mp_tdata_batches_release(&b);
    /* batch 3, --max-seq-length 64: [17 25 26] -> 33, [51 101 251] -> 257
     * capped at 64; 101 and 251 are cut */
    assert_int_equal(mp_tdata_batches_of(&d, 3, 64, &b, NULL), 0);
    assert_int_equal(b.n_batches, 2);
    assert_int_equal(b.n_dropped, 1);
    assert_int_equal(b.n_truncated, 2);
    assert_int_equal(b.padded[0], 33);
    assert_int_equal(b.padded[1], 64);
    assert_int_equal(b.median_padded, 33);
    mp_tdata_batches_release(&b);
    /* one batch of all 7: 1001 -> 1 + 32 x 32 = 1025; capped at 1024 */
    assert_int_equal(mp_tdata_batches_of(&d, 7, 2048, &b, NULL), 0);
    assert_int_equal(b.n_dropped, 0);
    assert_int_equal(b.worst_padded, 1025);
    mp_tdata_batches_release(&b);
    assert_int_equal(mp_tdata_batches_of(&d, 7, 1024, &b, NULL), 0);
    assert_int_equal(b.worst_padded, 1024);
    mp_tdata_batches_release(&b);
    /* a multiple of 32 gets the +1: 32 -> 33, 64 -> 65 */
    mp_tdata two = {.n_examples = 2, .tokens = (int64_t[]){32, 64}};
    assert_int_equal(mp_tdata_batches_of(&two, 1, 2048, &b, NULL), 0);
    assert_int_equal(b.padded[0], 33);
    assert_int_equal(b.padded[1], 65);
    mp_tdata_batches_release(&b);
    /* fewer examples than the batch: mlx_lm.lora raises */
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_tdata_batches_of(&d, 8, 2048, &b, &e), MP_EINVAL);
    assert_non_null(strstr(e.msg, "has 7 examples, fewer than the batch size 8"));
    mp_tdata_release(&d);
}

/* The estimate over the batches: the median and the longest batch, each
 * mp_train of padded - 1 tokens; the run is iters x the mean batch time. */
static void test_train_on_data(void **state)
{
    (void)state;
    mp_arch a;
    assert_int_equal(mp_model_load("Qwen/Qwen3-0.6B", NULL, &a, NULL, NULL), 0);
    mp_chip_match cm;
    mp_machine m;
    assert_int_equal(mp_chip_resolve("M4 Max 40c", 64, &cm, NULL), 0);
    assert_int_equal(mp_machine_init(&m, &cm.chip, 64, NULL), 0);
    char p[4096];
    mp_tdata d;
    assert_int_equal(mp_tdata_read(fixture("text.jsonl", p, sizeof p), &d, NULL), 0);
    mp_train_req r;
    memset(&r, 0, sizeof r);
    r.arch = &a;
    r.mach = &m;
    r.base_quant = mp_quant_float(MP_DT_BF16);
    r.task = MP_TASK_LORA;
    r.batch = 2;
    r.seq_len = 2048;
    r.num_layers = 16;
    r.rank = 8;
    r.grad_accum = 1;
    r.iters = 600;
    r.data = &d;
    mp_train_data t;
    assert_int_equal(mp_train_on_data(&r, &d, &t, NULL), 0);
    assert_int_equal(t.typical_req.seq_len, 64);
    assert_int_equal(t.worst_req.seq_len, 256);
    mp_train_req one = r;
    mp_train_result res[3];
    const int64_t seen[] = {32, 64, 256};
    double sum_s = 0, toks = 0;
    for (int i = 0; i < 3; i++) {
        one.seq_len = seen[i];
        assert_int_equal(mp_train(&one, &res[i], NULL), 0);
        sum_s += 1.0 / res[i].it_s;
        toks += 2.0 * (double)seen[i];
    }
    assert_true(t.typical.total_bytes == res[1].total_bytes);
    assert_true(t.worst.total_bytes == res[2].total_bytes);
    assert_true(res[2].total_bytes > res[0].total_bytes);
    assert_int_equal(t.iters, 600);
    assert_float_equal(t.total_s, 600.0 * sum_s / 3.0, 1e-9 * t.total_s);
    assert_float_equal(t.tok_s, toks / sum_s, 1e-9 * t.tok_s);
    /* as one result: the worst batch's memory, the speed over all */
    mp_train_result all;
    mp_train_data_result(&t, &all);
    assert_true(all.total_bytes == res[2].total_bytes);
    assert_int_equal(all.verdict, res[2].verdict);
    assert_float_equal(all.total_s, t.total_s, 0);
    assert_non_null(strstr(all.total_basis, "600 iterations (--iters)"));
    mp_train_result via;
    assert_int_equal(mp_train_maybe_data(&r, &via, NULL), 0);
    assert_true(via.total_s == all.total_s && via.total_bytes == all.total_bytes);
    mp_train_data_release(&t);
    mp_tdata_release(&d);
    mp_arch_release(&a);
}

/* Validation passes: at iteration 1, every 200 and the last, of
 * min(valid batches, 25) batches at a third of a batch's time. */
static void test_validation_time(void **state)
{
    (void)state;
    mp_arch a;
    assert_int_equal(mp_model_load("Qwen/Qwen3-0.6B", NULL, &a, NULL, NULL), 0);
    mp_chip_match cm;
    mp_machine m;
    assert_int_equal(mp_chip_resolve("M4 Max 40c", 64, &cm, NULL), 0);
    assert_int_equal(mp_machine_init(&m, &cm.chip, 64, NULL), 0);
    char p[4096];
    mp_tdata d;
    assert_int_equal(mp_tdata_read(fixture("chat", p, sizeof p), &d, NULL), 0);
    mp_train_req r;
    memset(&r, 0, sizeof r);
    r.arch = &a;
    r.mach = &m;
    r.base_quant = mp_quant_float(MP_DT_BF16);
    r.task = MP_TASK_LORA;
    r.batch = 4;
    r.seq_len = 2048;
    r.num_layers = 16;
    r.rank = 8;
    r.grad_accum = 1;
    /* valid.jsonl: 4 examples, one batch of 4 */
    mp_tdata_batches vb;
    assert_int_equal(mp_tdata_batches_of_valid(&d, 4, 2048, &vb, NULL), 0);
    assert_int_equal(vb.n_batches, 1);
    mp_train_req one = r;
    one.seq_len = vb.padded[0] - 1;
    mp_train_result res;
    assert_int_equal(mp_train(&one, &res, NULL), 0);
    static const struct {
        int64_t iters, evals;
    } runs[] = {{1000, 6}, {600, 4}, {250, 3}, {200, 2}, {150, 2}, {1, 1}};
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        r.iters = runs[i].iters;
        mp_train_data t;
        assert_int_equal(mp_train_on_data(&r, &d, &t, NULL), 0);
        assert_int_equal(t.n_evals, runs[i].evals);
        assert_int_equal(t.val_batches, 1);
        assert_float_equal(t.val_s, (double)runs[i].evals / res.it_s / 3.0, 1e-9 * t.val_s);
        assert_float_equal(t.total_s, (double)t.iters / t.it_s + t.val_s, 1e-9 * t.total_s);
        mp_train_data_release(&t);
    }
    mp_tdata_batches_release(&vb);
    /* more than valid.jsonl holds in one batch: refused, as mlx_lm.lora does */
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_tdata_batches_of_valid(&d, 5, 2048, &vb, &e), MP_EINVAL);
    assert_non_null(strstr(e.msg, "/chat/valid.jsonl has 4 examples, fewer than the batch size 5"));
    mp_tdata_release(&d);
    mp_arch_release(&a);
}

/* Every bad input: one line naming the setting, the file and the line. */
static void test_bad_input(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        int code;
        const char *want; /* after "--data: <path>" */
    } cases[] = {
        {"bad/not-json.jsonl", MP_EINVAL, ":2: not valid JSON (near byte 10)"},
        {"bad/array.jsonl", MP_EINVAL, ":1: a JSON value that is not an object"},
        {"bad/mixed.jsonl", MP_EINVAL,
         ":2: a chat example, but the data is text (mlx-lm takes the format of the first line "
         "of train.jsonl)"},
        {"bad/empty-line.jsonl", MP_EINVAL, ":2: empty line"},
        {"bad/bad-utf8.jsonl", MP_EINVAL, ":2: not valid UTF-8 text"},
        {"bad/no-format.jsonl", MP_EINVAL, ":1: no mlx-lm data format"},
        {"bad/content-number.jsonl", MP_EINVAL, ":1: a message's 'content' is not text"},
        {"bad/empty.jsonl", MP_EINVAL, ": no examples (the file is empty)"},
    };
    char p[4096];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mp_tdata d;
        mp_error e;
        mp_error_clear(&e);
        fixture(cases[i].file, p, sizeof p);
        assert_int_equal(mp_tdata_read(p, &d, &e), cases[i].code);
        char want[8192];
        snprintf(want, sizeof want, "--data: %s%s", p, cases[i].want);
        if (strncmp(e.msg, want, strlen(want)) != 0)
            fail_msg("%s: got '%s', want '%s...'", cases[i].file, e.msg, want);
        assert_null(strchr(e.msg, '\n'));
        mp_tdata_release(&d);
    }
    /* a folder without train.jsonl, a missing path, an oversize line */
    mp_tdata d;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_tdata_read(fixture("bad", p, sizeof p), &d, &e), MP_EIO);
    assert_non_null(strstr(e.msg, "has no train.jsonl"));
    mp_error_clear(&e);
    assert_int_equal(mp_tdata_read("/nonexistent/train.jsonl", &d, &e), MP_EIO);
    assert_string_equal(e.msg, "--data: cannot read '/nonexistent/train.jsonl': No such file or "
                               "directory");
    size_t n = MP_TDATA_MAX_LINE_BYTES + 100;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'a', n);
    memcpy(big, "{\"text\":\"", 9);
    memcpy(big + n - 3, "\"}\n", 3);
    big[n] = '\0';
    scratch("long.jsonl", big, p, sizeof p);
    free(big);
    mp_error_clear(&e);
    assert_int_equal(mp_tdata_read(p, &d, &e), MP_ELIMIT);
    assert_non_null(strstr(e.msg, ":1: the line is 4194403 bytes, over the limit of 4194304"));
    /* over MCP the setting is 'data' */
    mp_param_set_spelling(MP_SPELL_MCP);
    mp_error_clear(&e);
    assert_int_equal(mp_tdata_read("/nonexistent", &d, &e), MP_EIO);
    assert_non_null(strstr(e.msg, "'data': cannot read"));
    mp_param_set_spelling(MP_SPELL_CLI);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_tokens),
        cmocka_unit_test(test_chat_completions_tools_tokens),
        cmocka_unit_test(test_folder),
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_train_on_data),
        cmocka_unit_test(test_validation_time),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
