/* test_mcp.c - the MCP protocol layer (mp_mcp_handle), the stdio transport
 * (mp_mcp_serve) and the schema validator, message by message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "kb/chips.h"
#include "mcp/schema.h"
#include "mcp/server.h"
#include "mcp/tools.h"

#define INIT_2025_06_18                                                                   \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":" \
    "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"
#define MODERN_META                                                                       \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","              \
    "\"io.modelcontextprotocol/clientCapabilities\":{}}"

static mp_mcp_server *new_server(size_t max_reply)
{
    mp_mcp_options o = {NULL, 0, max_reply};
    mp_mcp_server *s = NULL;
    mp_error e;
    mp_error_clear(&e);
    if (mp_mcp_server_new(&o, &s, &e) != 0)
        fail_msg("server did not start: %s", e.msg);
    return s;
}

static int setup(void **state)
{
    *state = new_server(0);
    return 0;
}

static int teardown(void **state)
{
    mp_mcp_server_free(*state);
    return 0;
}

/* The answer to one message, without its newline; "" when none.  Caller frees. */
static char *ask_n(mp_mcp_server *s, const char *msg, size_t len)
{
    mp_buf out = MP_BUF_INIT;
    assert_int_equal(mp_mcp_handle(s, msg, len, &out), 0);
    char *text = mp_buf_detach(&out, NULL);
    size_t n = strlen(text);
    if (n) {
        assert_int_equal(text[n - 1], '\n');
        text[n - 1] = '\0';
        assert_null(strchr(text, '\n')); /* one line per answer */
    }
    return text;
}

static char *ask(mp_mcp_server *s, const char *msg)
{
    return ask_n(s, msg, strlen(msg));
}

/* Send `msg` and require exactly `want` back. */
static void exchange(mp_mcp_server *s, const char *msg, const char *want)
{
    char *got = ask(s, msg);
    if (strcmp(got, want) != 0)
        fail_msg("for %s\n  got  %s\n  want %s", msg, got, want);
    free(got);
}

/* Send `msg`; return the parsed answer (caller deletes). */
static cJSON *ask_json(mp_mcp_server *s, const char *msg)
{
    char *got = ask(s, msg);
    cJSON *j = cJSON_Parse(got);
    if (!j)
        fail_msg("answer to %s is not JSON: %s", msg, got);
    free(got);
    return j;
}

/* The error code of an answer, and that its id matches `id_text`. */
static void expect_error(mp_mcp_server *s, const char *msg, int code, const char *id_text,
                         const char *message_part)
{
    char *got = ask(s, msg);
    cJSON *j = cJSON_Parse(got);
    if (!j)
        fail_msg("answer to %s is not JSON: %s", msg, got);
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(j, "error");
    if (!err)
        fail_msg("no error for %s: %s", msg, got);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(err, "code")->valueint, code);
    char *id = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(j, "id"));
    assert_string_equal(id, id_text);
    const char *m = cJSON_GetObjectItemCaseSensitive(err, "message")->valuestring;
    if (message_part && !strstr(m, message_part))
        fail_msg("message '%s' lacks '%s'", m, message_part);
    cJSON_free(id);
    cJSON_Delete(j);
    free(got);
}

typedef struct error_case {
    const char *msg;
    int code;
    const char *id_text;
    const char *message_part;
} error_case;

static void expect_errors(mp_mcp_server *s, const error_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        expect_error(s, c[i].msg, c[i].code, c[i].id_text, c[i].message_part);
}

static void expect_silence(mp_mcp_server *s, const char *msg)
{
    char *got = ask(s, msg);
    if (got[0])
        fail_msg("%s was answered: %s", msg, got);
    free(got);
}

/* ---- -32700 ----------------------------------------------------------------------- */

static void test_parse_errors(void **state)
{
    mp_mcp_server *s = *state;
    exchange(s, "{bad",
             "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
             "\"message\":\"Parse error: invalid JSON at byte 2\"}}");
    expect_error(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} x", -32700, "null",
                 "text after the JSON value");
    expect_error(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"", -32700, "null", NULL);
    expect_error(s, "[", -32700, "null", NULL);
    expect_error(s, "{\"id\":\"\\ud800\"}", -32700, "null", NULL); /* lone surrogate */
}

static void test_invalid_utf8(void **state)
{
    mp_mcp_server *s = *state;
    static const char *const bad[] = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xffing\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"\xc0\xaf\",\"method\":\"ping\"}", /* overlong '/' */
        "{\"jsonrpc\":\"2.0\",\"id\":\"\xed\xa0\x80\",\"method\":\"ping\"}", /* surrogate */
        "{\"jsonrpc\":\"2.0\",\"id\":\"\xe2\x82\",\"method\":\"ping\"}",    /* cut short */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        exchange(s, bad[i],
                 "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                 "\"message\":\"Parse error: the message is not valid UTF-8\"}}");
    /* a NUL byte inside the line */
    char *got = ask_n(s, "{\"id\":1,\0}", 10);
    assert_non_null(strstr(got, "-32700"));
    free(got);
    /* valid multi-byte text passes */
    exchange(s, "{\"jsonrpc\":\"2.0\",\"id\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"method\":\"ping\"}",
             "{\"jsonrpc\":\"2.0\",\"id\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"result\":{}}");
}

/* ---- -32600 ----------------------------------------------------------------------- */

static void test_invalid_requests(void **state)
{
    static const error_case cases[] = {
        {"42", -32600, "null", "JSON object"},
        {"\"ping\"", -32600, "null", "JSON object"},
        {"null", -32600, "null", "JSON object"},
        {"{}", -32600, "null", "no 'method'"},
        {"{\"jsonrpc\":\"2.0\",\"id\":3}", -32600, "3", "no 'method'"},
        {"{\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"ping\"}", -32600, "3", "\"2.0\""},
        {"{\"id\":3,\"method\":\"ping\"}", -32600, "3", "\"2.0\""},
        {"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":7}", -32600, "3", "'method' must be a string"},
        {"{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", -32600, "null", "not be null"},
        {"{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", -32600, "null", "or a number"},
        {"{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}", -32600, "null", NULL},
        {"{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}", -32600, "null", NULL},
        {"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\",\"params\":\"x\"}", -32600, "4",
         "params must be an object"},
        /* a notification with a malformed method is answered: nothing else says it failed */
        {"{\"jsonrpc\":\"2.0\",\"method\":5}", -32600, "null", NULL},
    };
    expect_errors(*state, cases, sizeof cases / sizeof cases[0]);
}

/* ---- -32601 ----------------------------------------------------------------------- */

static void test_unknown_methods(void **state)
{
    mp_mcp_server *s = *state;
    exchange(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/lst\"}",
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":"
             "\"unknown method 'tools/lst'; did you mean 'tools/list'?\"}}");
    exchange(s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/read\"}",
             "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32601,\"message\":"
             "\"unknown method 'resources/read'\"}}");
    /* notification methods are not requests */
    expect_error(s, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"notifications/initialized\"}",
                 -32601, "3", NULL);
    /* 2026-07-28 removed ping and the handshake */
    expect_error(s, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\",\"params\":{" MODERN_META "}}",
                 -32601, "4", "not part of protocol version 2026-07-28");
    expect_error(s,
                 "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"initialize\",\"params\":{"
                 "\"protocolVersion\":\"2025-11-25\"," MODERN_META "}}",
                 -32601, "5", "not part of protocol version 2026-07-28");
}

/* ---- -32602 ----------------------------------------------------------------------- */

#define CALL_PARAMS(p) "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\"" p "}"
#define LIST_META(v)                                                                      \
    "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\",\"params\":{\"_meta\":"       \
    "{\"io.modelcontextprotocol/protocolVersion\":" v "}}}"

static void test_bad_params(void **state)
{
    mp_mcp_server *s = *state;
    static const error_case cases[] = {
        {CALL_PARAMS(""), -32602, "1", "needs params"},
        {CALL_PARAMS(",\"params\":{}"), -32602, "1", "params.name"},
        {CALL_PARAMS(",\"params\":{\"name\":7}"), -32602, "1", "params.name"},
        {CALL_PARAMS(",\"params\":{\"name\":\"hardware\",\"arguments\":[\"list\"]}"), -32602, "1",
         "arguments must be an object"},
        {"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":[1]}", -32602, "3",
         "not an array"},
        {"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"initialize\",\"params\":{}}", -32602, "4",
         "protocolVersion"},
        {"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"initialize\",\"params\":"
         "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":[]}}",
         -32602, "4", "must be objects"},
        {"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\",\"params\":{\"cursor\":\"x\"}}",
         -32602, "5", "invalid cursor"},
        {LIST_META("\"2026-07-28\""), -32602, "6", "clientCapabilities"},
        {LIST_META("20260728"), -32602, "6", "must be a string"},
        {"{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"server/discover\"}", -32602, "8",
         "protocolVersion"},
    };
    expect_errors(s, cases, sizeof cases / sizeof cases[0]);
    exchange(s, CALL_PARAMS(",\"params\":{\"name\":\"hw\"}"),
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"unknown tool "
             "'hw'; the tools are: plan, estimate, fit, hardware, model_info, docs_search, "
             "docs_show, check_code\"}}");
    /* the server's state is untouched by all of this */
    assert_null(mp_mcp_session_version(s));
}

/* ---- -32603 and -32022 ---------------------------------------------------------------- */

static void test_internal_and_version_errors(void **state)
{
    (void)state;
    mp_mcp_server *small = new_server(2000); /* the chip list is far larger */
    exchange(small,
             "{\"jsonrpc\":\"2.0\",\"id\":\"big\",\"method\":\"tools/call\",\"params\":"
             "{\"name\":\"hardware\",\"arguments\":{\"action\":\"list\"}}}",
             "{\"jsonrpc\":\"2.0\",\"id\":\"big\",\"error\":{\"code\":-32603,\"message\":"
             "\"the answer is larger than the server's limit\"}}");
    mp_mcp_server_free(small);

    mp_mcp_server *s = *state;
    exchange(s,
             "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\",\"params\":{\"_meta\":"
             "{\"io.modelcontextprotocol/protocolVersion\":\"2030-01-01\","
             "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
             "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-32022,\"message\":\"Unsupported "
             "protocol version '2030-01-01'; supported: " MP_MCP_PROTOCOL_VERSIONS "\","
             "\"data\":{\"supported\":[\"2026-07-28\",\"2025-11-25\",\"2025-06-18\","
             "\"2025-03-26\",\"2024-11-05\"],\"requested\":\"2030-01-01\"}}}");
}

/* ---- ids ------------------------------------------------------------------------------ */

static void test_ids_echoed(void **state)
{
    mp_mcp_server *s = *state;
    static const char *const ids[] = {
        "0", "-5", "42", "9007199254740993", "18446744073709551617", "1.5", "1e3", "-0",
        "\"\"", "\"abc\"", "\"0\"", "\"a\\\"b\"", "\"\\u00e9t\\u00e9\"",
    };
    static const char *const echoed[] = {
        "0", "-5", "42", "9007199254740993", "18446744073709551617", "1.5", "1e3", "-0",
        "\"\"", "\"abc\"", "\"0\"", "\"a\\\"b\"", "\"\xc3\xa9t\xc3\xa9\"",
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char msg[200], want[200];
        snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"ping\"}", ids[i]);
        snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{}}", echoed[i]);
        exchange(s, msg, want);
    }
    /* the top-level id, not one inside params, and wherever it stands */
    exchange(s,
             "{\"params\":{\"id\":7,\"x\":[{\"id\":8}]},\"method\":\"ping\",\"jsonrpc\":\"2.0\","
             " \"id\" : 12345678901234567890 }",
             "{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"result\":{}}");
    /* an error keeps the id too */
    char *raw = ask(s, "{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"nope\"}");
    assert_non_null(strstr(raw, "\"id\":9007199254740993,"));
    free(raw);
}

/* ---- notifications and client responses ------------------------------------------------- */

static void test_notifications_unanswered(void **state)
{
    mp_mcp_server *s = *state;
    expect_silence(s, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    expect_silence(s, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                      "\"params\":{\"requestId\":3}}");
    expect_silence(s, "{\"jsonrpc\":\"2.0\",\"method\":\"no/such/thing\"}");
    expect_silence(s, "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":5}");
    expect_silence(s, "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":{" MODERN_META "}}");
    /* responses from the client are not answered either */
    expect_silence(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
    expect_silence(s, "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"error\":{\"code\":1,\"message\":\"m\"}}");
    /* blank lines and CR LF endings */
    expect_silence(s, "");
    expect_silence(s, "   \r");
    exchange(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r",
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
}

/* ---- initialize ---------------------------------------------------------------------------- */

static void negotiates(const char *asked, const char *answered)
{
    mp_mcp_server *s = new_server(0);
    char msg[300];
    snprintf(msg, sizeof msg,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
             "\"protocolVersion\":\"%s\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
             "\"version\":\"1\"}}}",
             asked);
    cJSON *j = ask_json(s, msg);
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "result");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(res, "protocolVersion")->valuestring,
                        answered);
    assert_string_equal(mp_mcp_session_version(s), answered);
    const cJSON *info = cJSON_GetObjectItemCaseSensitive(res, "serverInfo");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(info, "name")->valuestring, "mlxplan");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(info, "version")->valuestring,
                        MLXPLAN_VERSION);
    /* Implementation.title exists from 2025-06-18 on */
    bool titled = strcmp(answered, "2025-06-18") >= 0;
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(info, "title") != NULL, titled);
    const cJSON *caps = cJSON_GetObjectItemCaseSensitive(res, "capabilities");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(caps, "tools"), "listChanged")));
    assert_non_null(strstr(cJSON_GetObjectItemCaseSensitive(res, "instructions")->valuestring,
                           "Call a tool for every number"));
    cJSON_Delete(j);
    expect_silence(s, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    mp_mcp_server_free(s);
}

static void test_initialize_negotiation(void **state)
{
    (void)state;
    negotiates("2025-11-25", "2025-11-25");
    negotiates("2025-06-18", "2025-06-18");
    negotiates("2025-03-26", "2025-03-26");
    negotiates("2024-11-05", "2024-11-05");
    negotiates("1999-01-01", "2025-11-25");
    negotiates("2024-10-07", "2025-11-25");
    negotiates("2026-07-28", "2025-11-25"); /* modern clients do not initialize */
    negotiates("", "2025-11-25");
}

/* ---- batches ---------------------------------------------------------------------------------- */

static void start_session(mp_mcp_server *s, const char *version)
{
    char msg[300];
    snprintf(msg, sizeof msg,
             "{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":\"initialize\",\"params\":{"
             "\"protocolVersion\":\"%s\",\"capabilities\":{}}}",
             version);
    char *got = ask(s, msg);
    assert_non_null(strstr(got, version));
    free(got);
    expect_silence(s, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
}

#define PING_BATCH                                                                        \
    "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"                                 \
    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"                      \
    "{\"jsonrpc\":\"2.0\",\"id\":\"two\",\"method\":\"ping\"}]"

static void test_batches_by_version(void **state)
{
    mp_mcp_server *s = *state; /* before initialize: served as 2025-11-25 */
    exchange(s, PING_BATCH,
             "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"JSON-RPC "
             "batches are not supported in protocol version 2025-11-25; send one message per "
             "line\"}}");
    static const char *const without[] = {"2025-11-25", "2025-06-18", "2024-11-05"};
    for (size_t i = 0; i < 3; i++) {
        mp_mcp_server *v = new_server(0);
        start_session(v, without[i]);
        expect_error(v, PING_BATCH, -32600, "null", without[i]);
        mp_mcp_server_free(v);
    }

    mp_mcp_server *b = new_server(0);
    start_session(b, "2025-03-26");
    exchange(b, PING_BATCH,
             "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}},"
             "{\"jsonrpc\":\"2.0\",\"id\":\"two\",\"result\":{}}]");
    exchange(b, "[]",
             "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":"
             "\"an empty batch is not a valid request\"}}");
    expect_silence(b, "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\"}]");
    exchange(b, "[1, {\"jsonrpc\":\"2.0\",\"id\":18446744073709551617,\"method\":\"ping\"}]",
             "[{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":"
             "\"a message must be a JSON object\"}},"
             "{\"jsonrpc\":\"2.0\",\"id\":18446744073709551617,\"result\":{}}]");
    exchange(b,
             "[{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"initialize\",\"params\":"
             "{\"protocolVersion\":\"2025-03-26\"}}]",
             "[{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32600,\"message\":"
             "\"initialize must not be sent in a batch\"}}]");
    /* tool calls work inside a batch; 2025-03-26 has no structuredContent */
    cJSON *j = ask_json(b, "[{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"hardware\",\"arguments\":{\"action\":\"show\","
                           "\"chip\":\"M4 Pro 20c\",\"memory_gb\":24}}}]");
    assert_int_equal(cJSON_GetArraySize(j), 1);
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(j, 0), "result");
    assert_null(cJSON_GetObjectItemCaseSensitive(res, "structuredContent"));
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(res, "content");
    assert_int_equal(cJSON_GetArraySize(content), 2);
    cJSON *data = cJSON_Parse(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(content, 1), "text")->valuestring);
    const cJSON *chip = cJSON_GetObjectItemCaseSensitive(data, "chip");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(chip, "id")->valuestring, "M4 Pro 20c");
    cJSON_Delete(data);
    cJSON_Delete(j);
    mp_mcp_server_free(b);
}

/* ---- tools/list -------------------------------------------------------------------------------- */

static void check_listing(const char *version, bool structured, bool annotations)
{
    mp_mcp_server *s = new_server(0);
    start_session(s, version);
    cJSON *j = ask_json(s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "result");
    assert_null(cJSON_GetObjectItemCaseSensitive(res, "nextCursor"));
    const cJSON *tools = cJSON_GetObjectItemCaseSensitive(res, "tools");
    static const char *const names[] = {"plan",       "estimate",    "fit",       "hardware",
                                        "model_info", "docs_search", "docs_show", "check_code"};
    assert_int_equal(cJSON_GetArraySize(tools), 8);
    int i = 0;
    for (const cJSON *t = tools->child; t; t = t->next, i++) {
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(t, "name")->valuestring, names[i]);
        assert_true(strlen(cJSON_GetObjectItemCaseSensitive(t, "description")->valuestring) > 80);
        const cJSON *in = cJSON_GetObjectItemCaseSensitive(t, "inputSchema");
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(in, "type")->valuestring, "object");
        assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(in, "additionalProperties")));
        const cJSON *out = cJSON_GetObjectItemCaseSensitive(t, "outputSchema");
        assert_int_equal(out != NULL, structured);
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(t, "title") != NULL, structured);
        if (out)
            assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(out, "additionalProperties")));
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(t, "annotations");
        assert_int_equal(a != NULL, annotations);
        if (a) {
            assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "readOnlyHint")));
            assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(a, "openWorldHint")));
        }
    }
    cJSON_Delete(j);
    mp_mcp_server_free(s);
}

static void test_tools_list_shape(void **state)
{
    (void)state;
    check_listing("2025-11-25", true, true);
    check_listing("2025-06-18", true, true);
    check_listing("2025-03-26", false, true);
    check_listing("2024-11-05", false, false);
}

static void test_modern_stateless(void **state)
{
    mp_mcp_server *s = *state;
    cJSON *j = ask_json(s, "{\"jsonrpc\":\"2.0\",\"id\":\"d\",\"method\":\"server/discover\","
                           "\"params\":{" MODERN_META "}}");
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "result");
    char *versions = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(res, "supportedVersions"));
    assert_string_equal(versions, "[\"2026-07-28\",\"2025-11-25\",\"2025-06-18\",\"2025-03-26\","
                                  "\"2024-11-05\"]");
    /* the help text names the same list */
    char joined[200];
    snprintf(joined, sizeof joined, "[\"%s\"]", MP_MCP_PROTOCOL_VERSIONS);
    for (char *p = strstr(joined, ", "); p; p = strstr(p, ", ")) {
        memmove(p + 3, p + 2, strlen(p + 2) + 1);
        memcpy(p, "\",\"", 3);
    }
    assert_string_equal(versions, joined);
    cJSON_free(versions);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(res, "resultType")->valuestring, "complete");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(res, "cacheScope")->valuestring, "public");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(res, "ttlMs")->valueint, 3600000);
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(res, "_meta");
    const cJSON *info = cJSON_GetObjectItemCaseSensitive(meta, "io.modelcontextprotocol/serverInfo");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(info, "name")->valuestring, "mlxplan");
    cJSON_Delete(j);

    j = ask_json(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{" MODERN_META "}}");
    res = cJSON_GetObjectItemCaseSensitive(j, "result");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(res, "tools")), 8);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(res, "resultType")->valuestring, "complete");
    assert_non_null(cJSON_GetObjectItemCaseSensitive(res, "ttlMs"));
    cJSON_Delete(j);

    j = ask_json(s, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{"
                    "\"name\":\"hardware\",\"arguments\":{\"action\":\"show\",\"chip\":\"rtx 4090\"},"
                    MODERN_META "}}");
    res = cJSON_GetObjectItemCaseSensitive(j, "result");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(res, "resultType")->valuestring, "complete");
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(res, "structuredContent");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(
                            cJSON_GetObjectItemCaseSensitive(sc, "chip"), "vendor")->valuestring,
                        "nvidia");
    cJSON_Delete(j);
    /* no handshake happened and none was needed */
    assert_null(mp_mcp_session_version(s));
}

/* ---- tools/call ------------------------------------------------------------------------------- */

/* Call a tool; return its result object (caller deletes the returned root). */
static cJSON *call_tool(mp_mcp_server *s, const char *name, const char *args, const cJSON **res)
{
    char msg[2048];
    snprintf(msg, sizeof msg,
             "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\","
             "\"arguments\":%s}}",
             name, args);
    cJSON *j = ask_json(s, msg);
    *res = cJSON_GetObjectItemCaseSensitive(j, "result");
    if (!*res)
        fail_msg("tools/call %s %s failed: %s", name, args,
                 cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(j, "error")));
    return j;
}

static void tool_fails(mp_mcp_server *s, const char *name, const char *args, const char *want)
{
    const cJSON *res;
    cJSON *j = call_tool(s, name, args, &res);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError")));
    assert_null(cJSON_GetObjectItemCaseSensitive(res, "structuredContent"));
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(res, "content");
    assert_int_equal(cJSON_GetArraySize(content), 1);
    const cJSON *c = cJSON_GetArrayItem(content, 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "type")->valuestring, "text");
    const char *text = cJSON_GetObjectItemCaseSensitive(c, "text")->valuestring;
    if (strcmp(text, want) != 0)
        fail_msg("%s %s\n  got  %s\n  want %s", name, args, text, want);
    cJSON_Delete(j);
}

static void test_hardware_tool(void **state)
{
    mp_mcp_server *s = *state;
    const cJSON *res;
    cJSON *j = call_tool(s, "hardware", "{\"action\":\"list\"}", &res);
    assert_null(cJSON_GetObjectItemCaseSensitive(res, "isError"));
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(res, "structuredContent");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(sc, "action")->valuestring, "list");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sc, "chips")),
                     (int)mp_chip_count());
    const char *md = cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "content"), 0),
                         "text")->valuestring;
    assert_true(strncmp(md, "# Chips: ", 9) == 0);
    cJSON_Delete(j);

    j = call_tool(s, "hardware", "{\"action\":\"show\",\"chip\":\"M3 Max\",\"memory_gb\":36}", &res);
    sc = cJSON_GetObjectItemCaseSensitive(res, "structuredContent");
    const cJSON *chip = cJSON_GetObjectItemCaseSensitive(sc, "chip");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(chip, "id")->valuestring, "M3 Max 30c");
    const cJSON *budgets = cJSON_GetObjectItemCaseSensitive(chip, "budgets");
    assert_int_equal(cJSON_GetArraySize(budgets), 1);
    const cJSON *b = cJSON_GetArrayItem(budgets, 0);
    /* 2/3 of 36 GiB, as mp_machine_init computes it */
    assert_int_equal((long long)cJSON_GetObjectItemCaseSensitive(b, "gpu_default_bytes")->valuedouble,
                     25769803776LL);
    cJSON_Delete(j);

    setenv("MLXPLAN_PROC_ROOT", "/nonexistent-for-test", 1);
    setenv("MLXPLAN_NVIDIA_SMI", "", 1);
    j = call_tool(s, "hardware", "{\"action\":\"detect\"}", &res);
    sc = cJSON_GetObjectItemCaseSensitive(res, "structuredContent");
    const cJSON *host = cJSON_GetObjectItemCaseSensitive(sc, "host");
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(host, "chip")));
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(host, "could_not_read")) > 0);
    cJSON_Delete(j);
    unsetenv("MLXPLAN_PROC_ROOT");
    unsetenv("MLXPLAN_NVIDIA_SMI");

    /* bad arguments, then impossible requests (the engine's message in the tool's
     * terms): isError results that say what to change */
    static const char *const bad[][2] = {
        {"{}",
         "invalid arguments for 'hardware': missing required argument 'action' (list: all "
         "chips; show: one chip; detect: this machine)"},
        {"{\"action\":\"lst\"}",
         "invalid arguments for 'hardware': 'action' must be one of list, show, detect; "
         "got 'lst' (did you mean 'list'?)"},
        {"{\"action\":\"show\",\"chp\":\"m3\"}",
         "invalid arguments for 'hardware': unknown argument 'chp'; did you mean 'chip'? "
         "(accepted: action, chip, memory_gb)"},
        {"{\"action\":\"show\",\"chip\":\"M3 Max 30c\",\"memory_gb\":\"36\"}",
         "invalid arguments for 'hardware': 'memory_gb' must be an integer, got a string '36'"},
        {"{\"action\":\"show\",\"chip\":\"M3 Max 30c\",\"memory_gb\":36.5}",
         "invalid arguments for 'hardware': 'memory_gb' must be an integer, got a number 36.5"},
        {"{\"action\":\"show\",\"chip\":\"M3 Max 30c\",\"memory_gb\":0}",
         "invalid arguments for 'hardware': 'memory_gb' must be between 1 and 4096, got 0"},
        {"{\"action\":\"show\",\"chip\":\"\"}",
         "invalid arguments for 'hardware': 'chip' must not be empty"},
        {"{\"action\":\"list\",\"chip\":\"m3\"}",
         "'chip' and 'memory_gb' go with action 'show' only; drop them for 'list'"},
        {"{\"action\":\"show\"}",
         "action 'show' needs 'chip', e.g. {\"action\": \"show\", \"chip\": \"M3 Max 30c\"}; "
         "action 'list' names every chip"},
        {"{\"action\":\"show\",\"chip\":\"m3max\"}",
         "chip 'm3max' is ambiguous: 'M3 Max 30c' (300 GB/s, 36, 96 GB), 'M3 Max 40c' "
         "(400 GB/s, 48, 64, 128 GB); name the GPU cores or give 'memory_gb'"},
        {"{\"action\":\"show\",\"chip\":\"M9 Max\"}",
         "unknown chip 'M9 Max'; did you mean 'M1 Max', 'M2 Max' or 'M3 Max'? (call "
         "hardware with action 'list')"},
        {"{\"action\":\"show\",\"chip\":\"M3 Max 30c\",\"memory_gb\":48}",
         "M3 Max 30c comes with 36, 96 GB of memory, not 48 GB"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        tool_fails(s, "hardware", bad[i][0], bad[i][1]);
    /* arguments may be omitted: then they are {} */
    exchange(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"hardware\"}}",
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":"
             "\"invalid arguments for 'hardware': missing required argument 'action' (list: all "
             "chips; show: one chip; detect: this machine)\"}],\"isError\":true}}");
}

static void test_unavailable_tools(void **state)
{
    mp_mcp_server *s = *state;
    static const char *const calls[][3] = {
        {"plan", "{\"request\":\"fine-tune Qwen3-8B on a 36 GB M3 Max\"}",
         "{\"request\":\"x\",\"budget\":1}"},
        {"estimate", "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\",\"quant\":\"q4\"}",
         "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\",\"quant\":\"4bit\"}"},
        {"fit", "{\"mode\":\"settings\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\"}",
         "{\"mode\":\"cheapest\",\"model\":\"Qwen/Qwen3-8B\"}"},
        {"model_info", "{\"model\":\"Qwen/Qwen3-8B\"}", "{\"model\":42}"},
        {"docs_search", "{\"query\":\"rms norm\",\"limit\":5}", "{\"query\":\"rms\",\"limit\":500}"},
        {"docs_show", "{\"name\":\"mx.fast.rms_norm\"}", "{}"},
        {"check_code", "{\"source\":\"import mlx.core as mx\\n\"}", "{\"source\":\"\"}"},
    };
    static const char *const invalid_msg[] = {
        "unknown argument 'budget' (accepted: request, chip, memory_gb, model, offline, task)",
        "'quant' must be one of bf16, fp16, fp32, q2, q3, q4, q5, q6, q8, mxfp4, nvfp4, mxfp8, "
        "mixed_2_6, mixed_3_4, mixed_3_6, mixed_4_6; got '4bit'",
        "'mode' must be one of settings, machines; got 'cheapest'",
        "'model' must be a string, got a number 42",
        "'limit' must be between 1 and 50, got 500",
        "missing required argument 'name' (API name ('mx.fast.rms_norm'), mlx_lm flag "
        "('mlx_lm.lora --num-layers'), LoRA key or practice id)",
        "'source' must not be empty",
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        char want[600];
        snprintf(want, sizeof want,
                 "'%s' is not available in this build of mlxplan: its engine is not built in "
                 "yet. Tools that work in this build: hardware.",
                 calls[i][0]);
        tool_fails(s, calls[i][0], calls[i][1], want);
        snprintf(want, sizeof want, "invalid arguments for '%s': %s", calls[i][0], invalid_msg[i]);
        tool_fails(s, calls[i][0], calls[i][2], want);
    }
}

/* ---- the schema validator ---------------------------------------------------------------------- */

static void test_schema_subset(void **state)
{
    (void)state;
    mp_error e;
    mp_error_clear(&e);
    cJSON *bad = cJSON_Parse("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\","
                             "\"pattern\":\"x\"}}}");
    assert_int_equal(mp_schema_check(bad, &e), MP_EINTERNAL);
    assert_string_equal(e.msg, "schema at 'a' uses unsupported keyword 'pattern'");
    cJSON_Delete(bad);
    mp_error_clear(&e);
    bad = cJSON_Parse("{\"type\":\"object\",\"required\":[\"x\"],\"properties\":{}}");
    assert_int_equal(mp_schema_check(bad, &e), MP_EINTERNAL);
    assert_string_equal(e.msg, "schema at '(root)' requires 'x' but does not declare it");
    cJSON_Delete(bad);

    cJSON *s = cJSON_Parse("{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
                           "\"n\":{\"type\":[\"integer\",\"null\"]},"
                           "\"list\":{\"type\":\"array\",\"maxItems\":2,\"items\":{"
                           "\"type\":\"object\",\"properties\":{\"k\":{\"type\":\"boolean\"}},"
                           "\"required\":[\"k\"]}},"
                           "\"name\":{\"type\":\"string\",\"maxLength\":3}}}");
    assert_int_equal(mp_schema_check(s, NULL), 0);
    static const char *const cases[][2] = {
        {"{\"n\":null,\"list\":[{\"k\":true}],\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}", ""},
        {"{\"n\":1e400}", "'n' must be an integer or null, got a number inf"},
        {"{\"list\":[{\"k\":1}]}", "'list[0].k' must be a boolean, got a number 1"},
        {"{\"list\":[{}]}", "missing required argument 'list[0].k'"},
        {"{\"list\":[{\"k\":true},{\"k\":true},{\"k\":true}]}", "'list' must have at most 2 items, got 3"},
        {"{\"name\":\"abcd\"}", "'name' must have at most 3 characters, got 4"},
        {"{\"nam\":\"a\"}", "unknown argument 'nam'; did you mean 'name'? (accepted: n, list, name)"},
        {"[]", "'arguments' must be an object, got an array"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *v = cJSON_Parse(cases[i][0]);
        assert_non_null(v);
        mp_error_clear(&e);
        int rc = mp_schema_validate(s, v, "arguments", &e);
        if (cases[i][1][0]) {
            assert_int_equal(rc, MP_EINVAL);
            assert_string_equal(e.msg, cases[i][1]);
        } else {
            assert_int_equal(rc, 0);
        }
        cJSON_Delete(v);
    }
    cJSON_Delete(s);
}

/* ---- the stdio transport ---------------------------------------------------------------------- */

/* Run mp_mcp_serve over `input` (written to a temporary file); return what
 * it wrote and its status. */
static char *serve_text(mp_mcp_server *s, const char *input, size_t len, int *rc, mp_error *e)
{
    FILE *in = tmpfile(), *out = tmpfile();
    assert_non_null(in);
    assert_non_null(out);
    assert_int_equal(fwrite(input, 1, len, in), len);
    fflush(in);
    rewind(in);
    *rc = mp_mcp_serve(s, fileno(in), fileno(out), e);
    long n = ftell(out) >= 0 ? lseek(fileno(out), 0, SEEK_END) : 0;
    char *text = calloc(1, (size_t)n + 1);
    assert_int_equal(pread(fileno(out), text, (size_t)n, 0), n);
    fclose(in);
    fclose(out);
    return text;
}

static void test_serve_long_lines(void **state)
{
    (void)state;
    mp_mcp_options o = {NULL, 100, 0};
    mp_mcp_server *s = NULL;
    assert_int_equal(mp_mcp_server_new(&o, &s, NULL), 0);
    /* 100 bytes pass, 101 do not; the reader resumes at the next line */
    char msg100[101];
    memset(msg100, ' ', 100);
    memcpy(msg100, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", 40);
    msg100[100] = '\0';
    char input[600];
    snprintf(input, sizeof input, "%s\n%s \n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}",
             msg100, msg100);
    mp_error e;
    mp_error_clear(&e);
    int rc;
    char *got = serve_text(s, input, strlen(input), &rc, &e);
    assert_int_equal(rc, 0);
    assert_string_equal(got,
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n"
                        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":"
                        "\"the message is longer than the limit of 100 bytes\"}}\n"
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\n");
    free(got);
    mp_mcp_server_free(s);

    /* the real limit: a 5 MiB line spanning many reads, then a normal one */
    s = new_server(0);
    size_t big = (size_t)5 << 20;
    char *huge = malloc(big + 64);
    memset(huge, 'x', big);
    huge[0] = '"';
    const char *tail = "\n{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}\n";
    memcpy(huge + big, tail, strlen(tail));
    got = serve_text(s, huge, big + strlen(tail), &rc, &e);
    assert_int_equal(rc, 0);
    assert_string_equal(got,
                        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":"
                        "\"the message is longer than the limit of 4194304 bytes\"}}\n"
                        "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}\n");
    free(got);
    free(huge);
    mp_mcp_server_free(s);
}

static void test_serve_lifecycle(void **state)
{
    mp_mcp_server *s = *state;
    const char input[] = INIT_2025_06_18 "\n"
                         "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                         "\n"
                         "{\"jsonrpc\":\"2.0\",\"id\":\"last\",\"method\":\"ping\"}"; /* no newline */
    mp_error e;
    mp_error_clear(&e);
    int rc;
    char *got = serve_text(s, input, sizeof input - 1, &rc, &e);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(got, "\"protocolVersion\":\"2025-06-18\""));
    assert_non_null(strstr(got, "\n{\"jsonrpc\":\"2.0\",\"id\":\"last\",\"result\":{}}\n"));
    int lines = 0;
    for (const char *p = got; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 2);
    free(got);
    assert_string_equal(mp_mcp_session_version(s), "2025-06-18");
}

static void test_serve_closed_output(void **state)
{
    mp_mcp_server *s = *state;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &old);
    int p[2];
    assert_int_equal(pipe(p), 0);
    close(p[0]); /* the reader has gone */
    FILE *in = tmpfile();
    for (int i = 0; i < 1000; i++)
        fprintf(in, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"}\n", i);
    fflush(in);
    rewind(in);
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_mcp_serve(s, fileno(in), p[1], &e), MP_EIO);
    assert_string_equal(e.msg, "cannot write to the client: Broken pipe");
    /* the transport stopped at the first failed write instead of reading on */
    assert_true(ftell(in) < 200000);
    close(p[1]);

    /* an output descriptor that is not open at all */
    rewind(in);
    mp_error_clear(&e);
    assert_int_equal(mp_mcp_serve(s, fileno(in), p[1], &e), MP_EIO);
    assert_string_equal(e.msg, "cannot write to the client: Bad file descriptor");
    fclose(in);
    sigaction(SIGPIPE, &old, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_parse_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_methods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_internal_and_version_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_echoed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notifications_unanswered, setup, teardown),
        cmocka_unit_test(test_initialize_negotiation),
        cmocka_unit_test_setup_teardown(test_batches_by_version, setup, teardown),
        cmocka_unit_test(test_tools_list_shape),
        cmocka_unit_test_setup_teardown(test_modern_stateless, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hardware_tool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unavailable_tools, setup, teardown),
        cmocka_unit_test(test_schema_subset),
        cmocka_unit_test(test_serve_long_lines),
        cmocka_unit_test_setup_teardown(test_serve_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_serve_closed_output, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
