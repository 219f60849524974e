/* test_badinput.c - the library's defences against hostile input, with the
 * exact outcome of each: files that are not regular files (a FIFO must not
 * hang), JSON nested past the parser's limit, safetensors headers with
 * absurd lengths, config numbers that do not fit an int (found by
 * fuzzing), error messages that stay one line of UTF-8, and the bounded
 * edit distance used by every "did you mean", request text that does not
 * end with a NUL (found by fuzzing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/arch.h"
#include "model/safetensors.h"
#include "plan/spec.h"
#include "util/error.h"
#include "util/text.h"

/* A fresh scratch folder for this test binary. */
static const char *scratch(void)
{
    static char dir[512];
    const char *root = getenv("MLXPLAN_TEST_TMP");
    snprintf(dir, sizeof dir, "%s/test_badinput", root ? root : "/tmp");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    assert_int_equal(system(cmd), 0);
    return dir;
}

static void test_open_regular_refuses_others(void **state)
{
    (void)state;
    const char *dir = scratch();
    char fifo[600], msg[1400];
    snprintf(fifo, sizeof fifo, "%s/fifo.json", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    mp_error e;
    char *text = NULL;
    /* opening a FIFO for reading would block until a writer comes: it is
     * refused at once instead */
    mp_error_clear(&e);
    assert_int_equal(mp_read_file(fifo, 100, "config.json", &text, NULL, &e), MP_EIO);
    snprintf(msg, sizeof msg, "config.json '%s' is not a regular file", fifo);
    assert_string_equal(e.msg, msg);
    assert_null(text);

    mp_error_clear(&e);
    assert_int_equal(mp_read_file(dir, 100, "config.json", &text, NULL, &e), MP_EIO);
    snprintf(msg, sizeof msg, "config.json '%s' is a directory", dir);
    assert_string_equal(e.msg, msg);

    mp_error_clear(&e);
    assert_int_equal(mp_read_file("/dev/null", 100, "journal file", &text, NULL, &e), MP_EIO);
    assert_string_equal(e.msg, "journal file '/dev/null' is not a regular file");

    mp_st_model m;
    memset(&m, 0, sizeof m);
    mp_error_clear(&e);
    assert_int_equal(mp_st_read_file(fifo, &m, &e), MP_EIO);
    snprintf(msg, sizeof msg, "safetensors file '%s' is not a regular file", fifo);
    assert_string_equal(e.msg, msg);
}

static void test_read_file_limit(void **state)
{
    (void)state;
    const char *dir = scratch();
    char path[600];
    snprintf(path, sizeof path, "%s/eleven.txt", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("hello world", f);
    fclose(f);
    char *text = NULL;
    size_t len = 0;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_read_file(path, 10, "config.json", &text, &len, &e), MP_ELIMIT);
    char want[800];
    snprintf(want, sizeof want, "config.json '%s' is 11 bytes, over the limit of 10 bytes", path);
    assert_string_equal(e.msg, want);
    assert_int_equal(mp_read_file(path, 11, "config.json", &text, &len, NULL), 0);
    assert_int_equal(len, 11);
    assert_string_equal(text, "hello world");
    free(text);
}

static void test_json_depth(void **state)
{
    (void)state;
    assert_int_equal(mp_json_depth("", 0), 0);
    assert_int_equal(mp_json_depth("1", 1), 0);
    const char *four = "{\"a\":[1,{\"b\":[]}]}";
    assert_int_equal(mp_json_depth(four, strlen(four)), 4);
    /* brackets inside strings, escaped quotes included, do not count */
    const char *s = "{\"k\":\"[[[\\\"{{{\"}";
    assert_int_equal(mp_json_depth(s, strlen(s)), 1);
    /* unbalanced text still gives its deepest point */
    assert_int_equal(mp_json_depth("]]][[", 5), 2);
}

/* `depth` levels of {"a": ... } around a number */
static char *nested(int depth)
{
    char *s = malloc((size_t)depth * 6 + 2);
    assert_non_null(s);
    size_t k = 0;
    for (int i = 0; i < depth; i++) {
        memcpy(s + k, "{\"a\":", 5);
        k += 5;
    }
    s[k++] = '1';
    for (int i = 0; i < depth; i++)
        s[k++] = '}';
    s[k] = '\0';
    return s;
}

static void test_config_nesting_limit(void **state)
{
    (void)state;
    mp_arch a;
    mp_error e;
    /* 1000 levels is what the parser takes: the file parses and is then
     * refused for what it lacks */
    char *ok = nested(1000);
    mp_error_clear(&e);
    assert_int_equal(mp_arch_from_json(ok, strlen(ok), "m", &a, &e), MP_EPARSE);
    assert_string_equal(e.msg, "m: config.json has no 'model_type'");
    free(ok);
    char *deep = nested(1001);
    mp_error_clear(&e);
    assert_int_equal(mp_arch_from_json(deep, strlen(deep), "m", &a, &e), MP_ELIMIT);
    assert_string_equal(e.msg, "m: config.json nests 1001 levels deep, over the limit of 1000 levels");
    free(deep);
}

/* Found by fuzz_config (fuzz/regressions/config/quant-group-inf.json): a
 * quantization group of 321e308 parses as infinity, and converting it to
 * int was undefined behaviour.  Now the block is refused. */
static void test_config_huge_numbers(void **state)
{
    (void)state;
    static const char *const cfgs[] = {
        "{\"model_type\":\"llama\",\"hidden_size\":64,\"num_hidden_layers\":2,"
        "\"num_attention_heads\":2,\"intermediate_size\":128,\"vocab_size\":10,"
        "\"quantization_config\":{\"group_size\":321e308,\"bits\":4,\"mode\":\"mxfp4\"}}",
        "{\"model_type\":\"llama\",\"hidden_size\":64,\"num_hidden_layers\":2,"
        "\"num_attention_heads\":2,\"intermediate_size\":128,\"vocab_size\":10,"
        "\"quantization\":{\"group_size\":64,\"bits\":-1e300}}",
    };
    for (size_t i = 0; i < sizeof cfgs / sizeof cfgs[0]; i++) {
        mp_arch a;
        mp_error e;
        mp_error_clear(&e);
        assert_int_equal(mp_arch_from_json(cfgs[i], strlen(cfgs[i]), "m", &a, &e), MP_EPARSE);
        assert_string_equal(e.msg,
                            "m: config.json 'quantization' needs valid bits, group_size and mode");
    }
    /* a wrapper's top-level vocab_size is checked like any other size */
    const char *g3 = "{\"model_type\":\"gemma3\",\"vocab_size\":1e300,\"text_config\":{}}";
    mp_arch a;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_arch_from_json(g3, strlen(g3), "g", &a, &e), MP_EPARSE);
    assert_string_equal(e.msg,
                        "g: config.json 'vocab_size' = 1e+300 is not a whole number in [1, 16777216]");
}

static void test_config_model_type_type(void **state)
{
    (void)state;
    const char *j = "{\"model_type\":[\"llama\"]}";
    mp_arch a;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_arch_from_json(j, strlen(j), "m", &a, &e), MP_EPARSE);
    assert_string_equal(e.msg, "m: config.json 'model_type' must be a string");
}

/* A safetensors file in memory: 8-byte little-endian length, then text. */
static size_t st_file(unsigned char *buf, uint64_t len, const char *text)
{
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)(len >> (8 * i));
    memcpy(buf + 8, text, strlen(text));
    return 8 + strlen(text);
}

static void st_bad(const unsigned char *buf, size_t n, int code, const char *msg)
{
    mp_st_model m;
    memset(&m, 0, sizeof m);
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_st_read_buffer("x.safetensors", buf, n, &m, &e), code);
    assert_string_equal(e.msg, msg);
    assert_int_equal(m.n_tensors, 0);
    mp_st_release(&m);
}

static void test_safetensors_headers(void **state)
{
    (void)state;
    unsigned char buf[256];
    size_t n = st_file(buf, UINT64_C(1) << 63, "{}");
    st_bad(buf, n, MP_ELIMIT,
           "x.safetensors: safetensors header length 9223372036854775808 is over the format's "
           "100 MB limit");
    n = st_file(buf, UINT64_MAX, "{}");
    st_bad(buf, n, MP_ELIMIT,
           "x.safetensors: safetensors header length 18446744073709551615 is over the format's "
           "100 MB limit");
    n = st_file(buf, 3, "{}");
    st_bad(buf, n, MP_EPARSE,
           "x.safetensors: safetensors header length 3 runs past the end of the file (10 bytes)");
    st_bad(buf, 7, MP_EPARSE, "x.safetensors: shorter than a safetensors header");
    n = st_file(buf, 0, "");
    st_bad(buf, n, MP_EPARSE, "x.safetensors: safetensors header is not valid JSON");
    const char *deep = "[[[[[[[[[[";
    n = st_file(buf, strlen(deep), deep);
    mp_st_model m;
    memset(&m, 0, sizeof m);
    assert_int_equal(mp_st_read_buffer("x", buf, n, &m, NULL), MP_EPARSE); /* not closed */

    /* a good one: the data section follows the header */
    const char *h = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,12]}}";
    n = st_file(buf, strlen(h), h);
    memset(buf + n, 0, 12);
    memset(&m, 0, sizeof m);
    assert_int_equal(mp_st_read_buffer("x", buf, n + 12, &m, NULL), 0);
    assert_int_equal(m.n_tensors, 1);
    assert_true(m.total_bytes == 12);
    assert_int_equal(m.n_files, 1);
    mp_st_release(&m);
    /* the same header without its data lies outside the file */
    st_bad(buf, n, MP_EPARSE,
           "x.safetensors: tensor 'w' has data_offsets that do not match its shape and dtype or "
           "lie outside the file");
}

/* Found by fuzz_request (fuzz/regressions/request/unterminated-repo-id.txt):
 * the request parser searched the original text for a repo id with
 * string functions, reading past a text that does not end with a NUL (a
 * journal file is handed over cut at its first section).  The text here
 * sits in a buffer of exactly its length, so the sanitizer and valgrind
 * builds see any read past it. */
static void test_request_text_without_nul(void **state)
{
    (void)state;
    static const char req[] = "serve Qwen/QwenB3-30-A3B to 8 users on two Mac Studios";
    size_t len = sizeof req - 1;
    char *text = malloc(len);
    assert_non_null(text);
    memcpy(text, req, len);
    mp_spec s;
    mp_spec_init(&s);
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_spec_parse_text(&s, text, len, MP_PROV_REQUEST, &e), 0);
    assert_string_equal(s.model.value, "Qwen/QwenB3-30-A3B"); /* as typed */
    assert_int_equal(s.model.prov, MP_PROV_REQUEST);
    free(text);
}

static void test_messages_are_utf8_lines(void **state)
{
    (void)state;
    mp_error e;
    mp_error_clear(&e);
    /* a Latin-1 byte, a character cut in half by %.4s, a control character */
    mp_error_set(&e, MP_EINVAL, "chip 'caf\xe9' / '%.3s' /\tx\n", "\xc3\xa9\xc3\xa9");
    assert_string_equal(e.msg, "chip 'caf?' / '\xc3\xa9?' / x ");
    mp_error_clear(&e);
    mp_error_set(&e, MP_EINVAL, "%.3s", "\xe2\x82\xac\xe2\x82");
    assert_string_equal(e.msg, "\xe2\x82\xac");
    mp_error_clear(&e);
    mp_error_set(&e, MP_EINVAL, "%s", "\xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf");
    assert_string_equal(e.msg, "??? ???? ??"); /* surrogate, > U+10FFFF, overlong */
    char s[] = "ok \xf0\x9f\x98\x80 \x7f";
    mp_clean_line(s);
    assert_string_equal(s, "ok \xf0\x9f\x98\x80  ");
}

static void test_edit_distance_bounded(void **state)
{
    (void)state;
    /* the bounded form agrees with the full one wherever the answer is
     * within the bound, and says "more" otherwise */
    static const char *const w[] = {"", "a", "m3max", "m3 max", "max3m", "qwen3-8b",
                                    "Qwen/Qwen3-8B", "value_and_grad", "valeu_and_grad",
                                    "mlx.core.fast.rms_norm", "rmsnorm", "abcdefghij"};
    size_t nw = sizeof w / sizeof w[0];
    for (size_t i = 0; i < nw; i++)
        for (size_t j = 0; j < nw; j++) {
            int full = mp_edit_distance(w[i], w[j]);
            for (int max = 0; max <= 12; max++) {
                int b = mp_edit_distance_max(w[i], w[j], max);
                assert_int_equal(b, full <= max ? full : max + 1);
            }
        }
    assert_int_equal(mp_edit_distance("ab", "ba"), 1); /* a transposition */
    assert_int_equal(mp_edit_distance_max("abcdef", "badcfe", 2), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_regular_refuses_others),
        cmocka_unit_test(test_read_file_limit),
        cmocka_unit_test(test_json_depth),
        cmocka_unit_test(test_config_nesting_limit),
        cmocka_unit_test(test_config_huge_numbers),
        cmocka_unit_test(test_config_model_type_type),
        cmocka_unit_test(test_safetensors_headers),
        cmocka_unit_test(test_request_text_without_nul),
        cmocka_unit_test(test_messages_are_utf8_lines),
        cmocka_unit_test(test_edit_distance_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
