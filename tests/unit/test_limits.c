/* test_limits.c - docs/limits.md and the code agree: every limit constant
 * the document names appears on a line with its value, so the document
 * cannot drift when a limit changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check/check.h"
#include "check/pyast.h"
#include "cli/cli.h"
#include "engine/fit.h"
#include "hub/desc_cache.h"
#include "hub/hub.h"
#include "kb/chips.h"
#include "kb/docs.h"
#include "mcp/server.h"
#include "model/registry.h"
#include "model/safetensors.h"
#include "plan/journal.h"
#include "plan/spec.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/text.h"

static char *g_doc;

static int load(void **state)
{
    (void)state;
    const char *fix = getenv("MLXPLAN_FIXTURES");
    char path[1024];
    snprintf(path, sizeof path, "%s/../../docs/limits.md", fix ? fix : "tests/fixtures");
    return mp_read_file(path, (size_t)1 << 20, "limits document", &g_doc, NULL, NULL);
}

static int unload(void **state)
{
    (void)state;
    free(g_doc);
    return 0;
}

/* Whether `value` (a number, maybe with a unit after it) occurs in `text` as
 * a whole number: not inside a longer one, so "64" does not match "640",
 * "1064" or "6.4". */
static bool has_number(const char *text, const char *value)
{
    size_t n = strlen(value);
    for (const char *at = strstr(text, value); at; at = strstr(at + 1, value)) {
        char before = at > text ? at[-1] : ' ';
        char after = at[n];
        bool digit_before = (before >= '0' && before <= '9') || before == '.' || before == ',';
        bool digit_after = (after >= '0' && after <= '9') ||
                           ((after == '.' || after == ',') && at[n + 1] >= '0' && at[n + 1] <= '9');
        if (!digit_before && !digit_after)
            return true;
    }
    return false;
}

/* The line that names `constant` in backquotes must also hold `value` as a
 * whole number. */
static void documented(const char *constant, const char *value)
{
    char key[80];
    snprintf(key, sizeof key, "`%s`", constant);
    const char *at = strstr(g_doc, key);
    if (!at)
        fail_msg("docs/limits.md does not name %s", constant);
    const char *line = at;
    while (line > g_doc && line[-1] != '\n')
        line--;
    size_t len = strcspn(line, "\n");
    char text[2048];
    snprintf(text, sizeof text, "%.*s", (int)(len < sizeof text ? len : sizeof text - 1), line);
    if (!has_number(text, value))
        fail_msg("docs/limits.md gives %s without its value %s: %s", constant, value, text);
}

static void documented_n(const char *constant, unsigned long long v)
{
    char value[32];
    snprintf(value, sizeof value, "%llu", v);
    documented(constant, value);
}

/* The matcher itself: whole numbers only. */
static void test_whole_numbers(void **state)
{
    (void)state;
    assert_true(has_number("| 64 MiB |", "64 MiB"));
    assert_true(has_number("at most 1024)", "1024"));
    assert_true(has_number("1024, then", "1024"));
    assert_true(has_number("640 and 64", "64"));
    assert_false(has_number("| 640 bytes |", "64"));
    assert_false(has_number("| 1064 |", "64"));
    assert_false(has_number("6.4 GB", "6"));
    assert_false(has_number("1,024", "1"));
    assert_false(has_number("1,024", "024"));
    assert_false(has_number("", "1"));
}

static void test_limits_documented(void **state)
{
    (void)state;
    documented_n("CLI_MAX_ARG_BYTES", CLI_MAX_ARG_BYTES);
    documented_n("CLI_MAX_POS", CLI_MAX_POS);
    documented_n("CLI_MAX_MULTI", CLI_MAX_MULTI);
    documented_n("MP_MODEL_NAME_MAX", MP_MODEL_NAME_MAX);
    documented_n("MP_CHIP_NAME_MAX", MP_CHIP_NAME_MAX);
    documented_n("MP_DOCS_QUERY_MAX", MP_DOCS_QUERY_MAX);
    documented_n("MP_DOCS_LIMIT_MAX", MP_DOCS_LIMIT_MAX);
    documented_n("MP_FIT_MAX", MP_FIT_MAX);
    documented_n("MP_CONFIG_MAX_BYTES", MP_CONFIG_MAX_BYTES);
    documented_n("CJSON_NESTING_LIMIT", CJSON_NESTING_LIMIT);
    documented_n("MP_ST_MAX_HEADER", MP_ST_MAX_HEADER);
    documented_n("MP_ST_MAX_FILES", MP_ST_MAX_FILES);
    documented_n("MP_ST_MAX_INDEX_BYTES", MP_ST_MAX_INDEX_BYTES);
    documented_n("MP_ST_MAX_DTYPES", MP_ST_MAX_DTYPES);
    documented_n("MP_MCP_MAX_LINE_BYTES", MP_MCP_MAX_LINE_BYTES);
    documented_n("MP_MCP_MAX_REPLY_BYTES", MP_MCP_MAX_REPLY_BYTES);
    char mib[32];
    snprintf(mib, sizeof mib, "%zu MiB", MP_BUF_DEFAULT_CAP >> 20);
    documented("MP_BUF_DEFAULT_CAP", mib);
    documented_n("MP_ERROR_MSG_MAX", MP_ERROR_MSG_MAX - 1); /* room for the NUL */
    documented_n("MP_REQUEST_MAX_BYTES", MP_REQUEST_MAX_BYTES);
    documented_n("MP_CHECK_MAX_SOURCE_BYTES", MP_CHECK_MAX_SOURCE_BYTES);
    documented_n("MP_PY_TREE_MAX_BYTES", MP_PY_TREE_MAX_BYTES);
    documented_n("MP_JOURNAL_MAX_BYTES", MP_JOURNAL_MAX_BYTES);
    documented_n("MP_DESC_MAX_BYTES", MP_DESC_MAX_BYTES);
    documented_n("MP_PATH_MAX", MP_PATH_MAX);
    documented_n("MP_HUB_CONFIG_MAX_BYTES", MP_HUB_CONFIG_MAX_BYTES);
    documented_n("MP_HUB_INDEX_MAX_BYTES", MP_HUB_INDEX_MAX_BYTES);
    documented_n("MP_HUB_HEADER_MAX_BYTES", MP_HUB_HEADER_MAX_BYTES);
    documented_n("MP_HUB_REPO_MAX", MP_HUB_REPO_MAX);
    documented_n("MP_HUB_MAX_REDIRECTS", MP_HUB_MAX_REDIRECTS);
    documented_n("MP_HUB_CONNECT_TIMEOUT_S", MP_HUB_CONNECT_TIMEOUT_S);
    documented_n("MP_HUB_TIMEOUT_S", MP_HUB_TIMEOUT_S);
    /* the argument limit leaves room for the longest request */
    assert_true(CLI_MAX_ARG_BYTES >= MP_REQUEST_MAX_BYTES);
}

/* The limits the document quotes from config.c's private bounds, checked
 * through the messages they produce. */
/* The common arena's byte limit (the checker's tree lives in one): the
 * chunks it holds never pass the limit, and a refusal says it was the limit. */
static void test_arena_limit(void **state)
{
    (void)state;
    mp_arena *a = mp_arena_new_limited((size_t)256 << 10); /* four 64 KiB chunks */
    assert_non_null(a);
    int got = 0;
    while (mp_arena_alloc(a, 1000) && got < 10000)
        got++;
    size_t unit = (1000 + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    assert_int_equal(got, 4 * (65536 / unit));
    assert_true(mp_arena_failed(a));
    assert_true(mp_arena_over_limit(a));
    assert_null(mp_arena_alloc(a, 1)); /* sticky */
    mp_arena_free(a);
    /* one allocation larger than the whole limit */
    a = mp_arena_new_limited(1000);
    assert_null(mp_arena_alloc(a, 2000));
    assert_true(mp_arena_over_limit(a));
    mp_arena_free(a);
    /* no limit: not over it */
    a = mp_arena_new();
    assert_non_null(mp_arena_alloc(a, (size_t)1 << 20));
    assert_false(mp_arena_over_limit(a));
    mp_arena_free(a);
}

static void test_config_bounds(void **state)
{
    (void)state;
    static const struct {
        const char *key, *bounds;
    } keys[] = {
        {"num_hidden_layers", "[1, 1024]"},
        {"hidden_size", "[1, 1048576]"},
        {"vocab_size", "[1, 16777216]"},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        /* cJSON keeps the first of duplicate keys: the bad value comes first */
        char json[400], want[200];
        snprintf(json, sizeof json,
                 "{\"%s\":1e12,\"model_type\":\"llama\",\"hidden_size\":64,"
                 "\"num_hidden_layers\":2,\"num_attention_heads\":2,\"intermediate_size\":128,"
                 "\"vocab_size\":10}",
                 keys[i].key);
        snprintf(want, sizeof want, "m: config.json '%s' = 1e+12 is not a whole number in %s",
                 keys[i].key, keys[i].bounds);
        mp_arch a;
        mp_error e;
        mp_error_clear(&e);
        assert_int_equal(mp_arch_from_json(json, strlen(json), "m", &a, &e), MP_EPARSE);
        assert_string_equal(e.msg, want);
        char doc_bounds[40];
        snprintf(doc_bounds, sizeof doc_bounds, "in %s", keys[i].bounds);
        assert_non_null(strstr(g_doc, doc_bounds));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_numbers),
        cmocka_unit_test(test_limits_documented),
        cmocka_unit_test(test_config_bounds),
        cmocka_unit_test(test_arena_limit),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
