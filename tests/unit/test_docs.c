/* test_docs.c - the docs index and its search: counts against the tables,
 * names cited by practices, ranking, hostile query text, show, deprecation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/docs.h"
#include "kb/kb.h"

static int setup(void **state)
{
    mp_docs *d = NULL;
    mp_error e;
    mp_error_clear(&e);
    if (mp_docs_open(&d, &e) != 0) {
        fprintf(stderr, "cannot open the docs index: %s\n", e.msg);
        return -1;
    }
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    mp_docs_close(*state);
    return 0;
}

/* ---- counts -------------------------------------------------------------------- */

static void test_counts_match_tables(void **state)
{
    mp_docs *d = *state;
    size_t api_names = 0;
    for (size_t i = 0; i < mp_api_rows_len; i++)
        api_names += i == 0 || strcmp(mp_api_rows[i - 1].qname, mp_api_rows[i].qname) != 0;
    size_t commands = 0;
    for (size_t i = 0; i < mp_cli_rows_len; i++)
        commands += strcmp(mp_cli_rows[i].flag, "(command)") == 0 ||
                    strcmp(mp_cli_rows[i].flag, "<subcommand>") == 0;
    const size_t want[MP_DOC_KIND_COUNT] = {
        [MP_DOC_API] = api_names,
        [MP_DOC_COMMAND] = commands,
        [MP_DOC_FLAG] = mp_cli_rows_len - commands,
        [MP_DOC_LORA_KEY] = mp_lora_key_rows_len,
        [MP_DOC_FORMAT] = mp_format_rows_len,
        [MP_DOC_PRACTICE] = mp_practice_rows_len,
        [MP_DOC_MODEL_TYPE] = mp_model_type_rows_len,
        [MP_DOC_FEATURE] = mp_feature_rows_len,
    };
    for (int k = 0; k < MP_DOC_KIND_COUNT; k++) {
        assert_int_equal(mp_docs_count((mp_doc_kind)k), want[k]);
        assert_int_equal(mp_docs_index_count(d, (mp_doc_kind)k), (long)want[k]);
    }
    /* 17 mlx_lm tools, the mlx_lm launcher and mlx's two scripts */
    assert_int_equal(commands, 20);
    assert_true(api_names > 900 && api_names < mp_api_rows_len);
    assert_true(mp_docs_index_bytes() > 0);
}

/* ---- names cited by practices and features exist ------------------------------- */

static bool name_exists(const char *n)
{
    if (mp_kb_api_find(n) || mp_kb_lora_key(n) || mp_kb_cli_command_known(n))
        return true;
    const char *sp = strstr(n, " -");
    if (sp) {
        char cmd[96];
        snprintf(cmd, sizeof cmd, "%.*s", (int)(sp - n), n);
        return mp_kb_cli_find(cmd, sp + 1) != NULL;
    }
    return false;
}

static void check_names(const char *owner, const char *list)
{
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        char name[192];
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        if (!name_exists(name))
            fail_msg("%s cites '%s', which no table has", owner, name);
        p += n;
        if (*p == ',')
            p++;
    }
}

static void test_cited_names_exist(void **state)
{
    (void)state;
    size_t cited = 0;
    for (size_t i = 0; i < mp_practice_rows_len; i++) {
        check_names(mp_practice_rows[i].id, mp_practice_rows[i].names);
        cited += mp_practice_rows[i].names[0] != '\0';
    }
    for (size_t i = 0; i < mp_feature_rows_len; i++)
        check_names(mp_feature_rows[i].feature, mp_feature_rows[i].names);
    assert_true(cited > 100);
}

/* ---- ranking ------------------------------------------------------------------------ */

static mp_doc_results search(mp_docs *d, const char *q, int limit, int kind)
{
    mp_doc_results r;
    mp_error e;
    mp_error_clear(&e);
    int rc = mp_docs_search(d, q, limit, kind, &r, &e);
    if (rc != 0)
        fail_msg("search '%s' failed: %s", q, e.msg);
    return r;
}

/* The hit at `rank` (from 1) has the name `want`, or the last part `want`
 * when `by_leaf` (several commands share a flag). */
static void expect_at(mp_docs *d, const char *q, int rank, const char *want, bool by_leaf)
{
    mp_doc_results r = search(d, q, 10, -1);
    const mp_doc_entry *e = (size_t)rank <= r.n ? &r.hits[rank - 1].entry : NULL;
    if (!e || strcmp(by_leaf ? e->leaf : e->name, want) != 0)
        fail_msg("'%s': wanted '%s' at %d, got '%s'", q, want, rank, e ? e->name : "(nothing)");
    mp_doc_results_release(&r);
}

static void test_exact_names_first(void **state)
{
    static const struct {
        const char *query;
        int rank;
        const char *name;
    } cases[] = {
        {"value_and_grad", 1, "mlx.core.value_and_grad"},
        {"value_and_grad", 2, "mlx.nn.value_and_grad"},
        {"rms_norm", 1, "mlx.core.fast.rms_norm"},
        {"mx.fast.rms_norm", 1, "mlx.core.fast.rms_norm"},
        {"fast.rms_norm", 1, "mlx.core.fast.rms_norm"},
        {"--num-layers", 1, "mlx_lm.lora --num-layers"},
        {"--num-layers", 2, "lora_config.num_layers"},
        {"num_layers", 1, "lora_config.num_layers"},
        {"mlx_lm lora --num-layers", 1, "mlx_lm.lora --num-layers"},
        {"set_wired_limit", 1, "mlx.core.set_wired_limit"},
        {"mx.metal.set_wired_limit", 1, "mlx.core.metal.set_wired_limit"},
        {"scaled_dot_product_attention", 1, "mlx.core.fast.scaled_dot_product_attention"},
        {"nn.Linear", 1, "mlx.nn.Linear"},
        {"LORA-002", 1, "LORA-002"},
        {"lora-002", 1, "LORA-002"},
        {"model_type.llama", 1, "model_type.llama"},
        {"data_format.chat", 1, "data_format.chat"},
        {"lora rank", 1, "lora_config.lora_parameters.rank"},
        {"  mlx.core.eval  ", 1, "mlx.core.eval"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_at(*state, cases[i].query, cases[i].rank, cases[i].name, false);
}

static void expect_first_leaf(mp_docs *d, const char *q, const char *leaf)
{
    expect_at(d, q, 1, leaf, true);
}

static void test_words_rank_sensibly(void **state)
{
    mp_docs *d = *state;
    expect_first_leaf(d, "kv bits", "--kv-bits");
    expect_first_leaf(d, "--kv-bits", "--kv-bits");
    expect_first_leaf(d, "grad checkpoint", "grad_checkpoint");
    expect_first_leaf(d, "max kv size", "--max-kv-size");
    /* "-m" is a short form of --model in the quantization tools */
    expect_first_leaf(d, "-m", "--model");

    /* a memory practice for LoRA or the checkpointing flag in the top 3 */
    mp_doc_results r = search(d, "reduce memory lora", 3, -1);
    bool found = false;
    for (size_t i = 0; i < r.n; i++) {
        const char *n = r.hits[i].entry.name;
        found |= strcmp(n, "mlx_lm.lora --grad-checkpoint") == 0 || strcmp(n, "LORA-002") == 0 ||
                 strcmp(n, "TRAIN-003") == 0;
    }
    assert_true(found);
    mp_doc_results_release(&r);

    /* a model type found through MODEL_REMAPPING */
    r = search(d, "mistral", 10, MP_DOC_MODEL_TYPE);
    found = false;
    for (size_t i = 0; i < r.n; i++)
        found |= strcmp(r.hits[i].entry.name, "model_type.llama") == 0;
    assert_true(found);
    mp_doc_results_release(&r);
}

static void test_kind_filter_and_limit(void **state)
{
    mp_docs *d = *state;
    mp_doc_results r = search(d, "num layers", 100, MP_DOC_LORA_KEY);
    assert_true(r.n >= 1);
    for (size_t i = 0; i < r.n; i++)
        assert_int_equal(r.hits[i].entry.kind, MP_DOC_LORA_KEY);
    mp_doc_results_release(&r);

    r = search(d, "array", 3, -1);
    assert_int_equal(r.n, 3);
    assert_true(r.total > 3);
    mp_doc_results_release(&r);

    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_docs_search(d, "x", 0, -1, &r, &e), MP_EINVAL);
    assert_string_equal(e.msg, "the result limit must be between 1 and 100, got 0");
    assert_int_equal(mp_docs_search(d, "x", 101, -1, &r, NULL), MP_EINVAL);
    assert_int_equal(mp_doc_kind_parse("lora_key", NULL), MP_DOC_LORA_KEY);
    mp_error_clear(&e);
    assert_int_equal(mp_doc_kind_parse("flags", &e), -1);
    assert_int_equal(e.code, MP_EINVAL);
}

/* ---- hostile query text ------------------------------------------------------------ */

static void test_fts_syntax_is_never_injected(void **state)
{
    mp_docs *d = *state;
    static const char *const nasty[] = {
        "\"", "\"\"\"", "AND OR", "AND", "NOT", "OR OR OR", "name:foo", "summary:memory*",
        "*", "**", "NEAR(", "NEAR(a b, 3)", "(", ")", "^", "a\"b", "{name summary}: x",
        "-", "--", "'", "+", "lora*", "value_and_grad\" OR \"x", "", "   ", "\t\n",
        "\xff\xfe", "caf\xc3", "\xc3\xa9t\xc3\xa9 lora", "mlx\x01core",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z"};
    for (size_t i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
        mp_doc_results r;
        mp_error e;
        mp_error_clear(&e);
        int rc = mp_docs_search(d, nasty[i], 10, -1, &r, &e);
        if (rc != 0)
            fail_msg("query #%zu failed: %s", i, e.msg);
        mp_doc_results_release(&r);
    }
    /* 10 KB of words and symbols */
    size_t n = 10 * 1024;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = "lora \"NEAR( memory:*"[i % 20];
    big[n] = '\0';
    mp_doc_results r;
    assert_int_equal(mp_docs_search(d, big, 10, -1, &r, NULL), 0);
    assert_true(r.n > 0);
    mp_doc_results_release(&r);
    free(big);

    /* quotes and operators are dropped, the words still count */
    r = search(d, "\"value_and_grad\" AND NOT", 1, -1);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.match, "\"value\" OR \"grad\" OR \"not\"*");
    mp_doc_results_release(&r);

    /* nothing to search: no results, no error */
    r = search(d, "\"*\"", 10, -1);
    assert_int_equal(r.n, 0);
    assert_string_equal(r.match, "");
    mp_doc_results_release(&r);
}

static void test_no_results_suggest(void **state)
{
    mp_docs *d = *state;
    mp_doc_results r = search(d, "quantise", 10, -1);
    assert_int_equal(r.n, 0);
    char text[400];
    assert_true(mp_suggest_text(&r.suggest, text, sizeof text));
    assert_non_null(strstr(text, "quantize"));
    mp_doc_results_release(&r);
}

/* ---- show ------------------------------------------------------------------------------- */

static void expect_show(const char *name, const char *want)
{
    mp_doc_entry e;
    mp_error err;
    mp_error_clear(&err);
    if (mp_docs_show(name, -1, &e, NULL, &err) != 0)
        fail_msg("show '%s' failed: %s", name, err.msg);
    assert_string_equal(e.name, want);
}

static void test_show_aliases(void **state)
{
    (void)state;
    expect_show("mx.fast.rms_norm", "mlx.core.fast.rms_norm");
    expect_show("mlx.core.fast.scaled_dot_product_attention",
                "mlx.core.fast.scaled_dot_product_attention");
    expect_show("nn.Linear", "mlx.nn.Linear");
    expect_show("optim.AdamW", "mlx.optimizers.AdamW");
    expect_show("rms_norm", "mlx.core.fast.rms_norm");
    expect_show("mlx_lm.lora --num-layers", "mlx_lm.lora --num-layers");
    expect_show("mlx_lm lora --num-layers", "mlx_lm.lora --num-layers");
    expect_show("python -m mlx_lm lora --num-layers", "mlx_lm.lora --num-layers");
    expect_show("--num-layers", "mlx_lm.lora --num-layers");
    expect_show("lora_config.num_layers", "lora_config.num_layers");
    expect_show("num_layers", "lora_config.num_layers");
    expect_show("lora_config.lora_parameters.rank", "lora_config.lora_parameters.rank");
    expect_show("lora-002", "LORA-002");
    expect_show("mlx_lm.lora", "mlx_lm.lora");
    expect_show("data_format.files", "data_format.files");
    expect_show("model_type.llama", "model_type.llama");

    mp_doc_entry e;
    assert_int_equal(mp_docs_show("arange", -1, &e, NULL, NULL), 0);
    assert_int_equal(e.n_overloads, 2);
    assert_int_equal(mp_docs_show("mlx.core.fast.rms_norm", -1, &e, NULL, NULL), 0);
    assert_string_equal(e.since, "v0.8.0");
    assert_string_equal(e.package, "mlx");
    assert_string_equal(e.version, mp_kb_version("mlx_snapshot_version"));
    assert_int_equal(mp_docs_show("mlx_lm.lora --num-layers", -1, &e, NULL, NULL), 0);
    assert_string_equal(e.dflt, "16");
    assert_string_equal(e.package, "mlx-lm");
    assert_int_equal(mp_docs_show("lora_config.num_layers", -1, &e, NULL, NULL), 0);
    assert_string_equal(e.dflt, "16");
    assert_string_equal(e.related, "--num-layers");
}

static void test_show_errors(void **state)
{
    (void)state;
    mp_doc_entry e;
    mp_error err;
    mp_error_clear(&err);
    assert_int_equal(mp_docs_show("value_and_grad", -1, &e, NULL, &err), MP_EAMBIGUOUS);
    assert_string_equal(err.msg, "'value_and_grad' names 3 entries: api 'mlx.core.value_and_grad'"
                                 ", api 'mlx.nn.utils.value_and_grad', api "
                                 "'mlx.nn.value_and_grad'; give the full name or --kind");
    /* the kind picks between a function and a command of the same name */
    assert_int_equal(mp_docs_show("mlx_lm.generate", -1, &e, NULL, NULL), MP_EAMBIGUOUS);
    assert_int_equal(mp_docs_show("mlx_lm.generate", MP_DOC_COMMAND, &e, NULL, NULL), 0);
    assert_int_equal(e.kind, MP_DOC_COMMAND);

    mp_suggest s;
    mp_error_clear(&err);
    assert_int_equal(mp_docs_show("mx.fast.rms_nrom", -1, &e, &s, &err), MP_ENOTFOUND);
    assert_true(s.n >= 1);
    assert_string_equal(s.name[0], "mlx.core.fast.rms_norm");
    assert_non_null(strstr(err.msg, "unknown name 'mx.fast.rms_nrom'; did you mean "));
    mp_error_clear(&err);
    assert_int_equal(mp_docs_show("", -1, &e, NULL, &err), MP_ENOTFOUND);
    assert_string_equal(err.msg, "empty name (try 'mlxplan docs QUERY' to search)");
}

/* ---- deprecated names --------------------------------------------------------------- */

static void expect_deprecated(const char *name, const char *repl, const char *since)
{
    mp_doc_entry e;
    assert_int_equal(mp_docs_show(name, -1, &e, NULL, NULL), 0);
    assert_true(e.deprecated);
    assert_string_equal(e.replacement, repl);
    assert_string_equal(e.deprecated_since, since);
}

static void test_deprecated(void **state)
{
    mp_docs *d = *state;
    expect_deprecated("mx.metal.get_peak_memory", "mlx.core.get_peak_memory", "v0.24.1");
    expect_deprecated("mx.metal.clear_cache", "mlx.core.clear_cache", "v0.24.1");
    expect_deprecated("mlx.core.metal.set_wired_limit", "mlx.core.set_wired_limit", "v0.24.1");
    expect_deprecated("mx.metal.device_info", "mlx.core.device_info", "v0.30.4");
    mp_doc_entry e;
    assert_int_equal(mp_docs_show("mx.get_peak_memory", -1, &e, NULL, NULL), 0);
    assert_false(e.deprecated);
    assert_string_equal(e.since, "v0.24.1");

    mp_doc_results r = search(d, "mx.metal.clear_cache", 1, -1);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.hits[0].entry.name, "mlx.core.metal.clear_cache");
    assert_int_equal(r.hits[0].tier, 3);
    assert_true(r.hits[0].entry.deprecated);
    assert_string_equal(r.hits[0].entry.replacement, "mlx.core.clear_cache");
    mp_doc_results_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_match_tables),
        cmocka_unit_test(test_cited_names_exist),
        cmocka_unit_test(test_exact_names_first),
        cmocka_unit_test(test_words_rank_sensibly),
        cmocka_unit_test(test_kind_filter_and_limit),
        cmocka_unit_test(test_fts_syntax_is_never_injected),
        cmocka_unit_test(test_no_results_suggest),
        cmocka_unit_test(test_show_aliases),
        cmocka_unit_test(test_show_errors),
        cmocka_unit_test(test_deprecated),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
