/* test_mcp.c - the MCP protocol layer (mp_mcp_handle), the stdio transport
 * (mp_mcp_serve) and the schema validator, message by message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "engine/fit.h"
#include "engine/tdata.h"
#include "kb/chips.h"
#include "kb/docs.h"
#include "mcp/args.h"
#include "kb/param.h"
#include "mcp/schema.h"
#include "mcp/server.h"
#include "mcp/tools.h"
#include "model/registry.h"
#include "plan/plan.h"
#include "render/json.h"
#include "render/plan.h"
#include "util/text.h"

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
             "docs_show, check_code, diagnose_run, add_run\"}}");
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
    /* bytes below 32 that cJSON takes as white space (a fuzzer found the
     * raw id echoed with them, which is not JSON) */
    exchange(s, "{\"jsonrpc\":\"2.0\",\"id\":\x1a\x01 \x1a" "42\x1f,\"method\":\"ping\"}",
             "{\"jsonrpc\":\"2.0\",\"id\":42,\"result\":{}}");
    exchange(s, "{\"jsonrpc\":\"2.0\",\"id\":\x1a" "9007199254740993\x1a,\"method\":\"ping\"}",
             "{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"result\":{}}");
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
                                        "model_info", "docs_search", "docs_show", "check_code",
                                        "diagnose_run", "add_run"};
    assert_int_equal(cJSON_GetArraySize(tools), 10);
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
            /* open world: exactly the tools that may ask the Hugging Face Hub */
            const char *name = cJSON_GetObjectItemCaseSensitive(t, "name")->valuestring;
            /* read-only: every tool but add_run, which stores a run */
            assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "readOnlyHint")),
                             strcmp(name, "add_run") != 0);
            bool hub = !strcmp(name, "plan") || !strcmp(name, "estimate") ||
                       !strcmp(name, "fit") || !strcmp(name, "model_info");
            assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "openWorldHint")),
                             hub);
            assert_true(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(a, "openWorldHint")));
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
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(res, "tools")), 10);
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
    mp_buf msg = MP_BUF_INIT;
    mp_buf_printf(&msg,
                  "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"tools/call\",\"params\":{\"name\":"
                  "\"%s\",\"arguments\":%s}}",
                  name, args);
    cJSON *j = ask_json(s, mp_buf_cstr(&msg));
    mp_buf_release(&msg);
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

/* ---- the wired tools --------------------------------------------------------------------------- */

/* A call that must succeed: its structuredContent (the answer is in *root,
 * which the caller deletes); *md gets the Markdown text when not NULL. */
static const cJSON *tool_ok(mp_mcp_server *s, const char *name, const char *args, cJSON **root,
                            const char **md)
{
    const cJSON *res;
    *root = call_tool(s, name, args, &res);
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(res, "content");
    const char *text =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(content, 0), "text")->valuestring;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError")))
        fail_msg("%s %s failed: %s", name, args, text);
    if (md)
        *md = text;
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(res, "structuredContent");
    assert_true(cJSON_IsObject(sc));
    return sc;
}

/* The value at a dotted path ("memory.total_bytes", "options.0.quant"). */
static const cJSON *at(const cJSON *o, const char *path)
{
    char key[80];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        o = cJSON_IsArray(o) ? cJSON_GetArrayItem(o, (int)strtol(key, NULL, 10))
                             : cJSON_GetObjectItemCaseSensitive(o, key);
        path += n + (path[n] == '.');
    }
    if (!o)
        fail_msg("no value at '%s'", path);
    return o;
}

static const char *str_at(const cJSON *o, const char *path)
{
    const cJSON *v = at(o, path);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static double num_at(const cJSON *o, const char *path)
{
    const cJSON *v = at(o, path);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

/* `v` as the JSON renderers write it (mp_json_num's rounding). */
static double rendered(double v)
{
    cJSON *o = cJSON_CreateObject();
    double r = mp_json_num(o, "v", v)->valuedouble;
    cJSON_Delete(o);
    return r;
}

static void load_model(const char *id, mp_arch *a)
{
    mp_origin o;
    mp_error e;
    mp_error_clear(&e);
    if (mp_model_load(id, NULL, a, &o, &e) != 0)
        fail_msg("%s: %s", id, e.msg);
}

static void load_machine(const char *chip, int memory_gb, mp_machine *m)
{
    mp_chip_match match;
    assert_int_equal(mp_chip_resolve(chip, memory_gb, &match, NULL), 0);
    assert_int_equal(mp_machine_init(m, &match.chip, memory_gb, NULL), 0);
}

/* The case most tool tests use: Qwen3-8B on an M4 Pro 20c with 24 GB. */
static void qwen3_8b_on_m4_pro(mp_arch *a, mp_machine *m)
{
    load_model("Qwen/Qwen3-8B", a);
    load_machine("M4 Pro 20c", 24, m);
}

/* Every call of `cases` ({tool, arguments, message}) is an isError result
 * with exactly that message. */
static void tool_fails_all(mp_mcp_server *s, const char *const (*cases)[3], size_t n)
{
    for (size_t i = 0; i < n; i++)
        tool_fails(s, cases[i][0], cases[i][1], cases[i][2]);
}

/* Point the Hugging Face cache at the fixture's (true) or back at the
 * test's empty one (false). */
static void fixture_hf_cache(bool on)
{
    static char keep[1024];
    if (on) {
        snprintf(keep, sizeof keep, "%s", getenv("HF_HUB_CACHE") ? getenv("HF_HUB_CACHE") : "");
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/hf-home/hub", getenv("MLXPLAN_FIXTURES"));
        setenv("HF_HUB_CACHE", dir, 1);
    } else {
        setenv("HF_HUB_CACHE", keep, 1);
    }
}

/* "... (where the test's HF cache is)": messages that name it. */
static const char *hf_cache(void)
{
    const char *c = getenv("HF_HUB_CACHE");
    return c ? c : "?";
}

static void test_estimate_tool(void **state)
{
    mp_mcp_server *s = *state;
    mp_arch a;
    mp_machine m;
    qwen3_8b_on_m4_pro(&a, &m);

    /* inference: the figures are mp_infer's for the same inputs */
    cJSON *root;
    const char *md;
    const cJSON *sc = tool_ok(s, "estimate",
                              "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\",\"memory_gb\":24,"
                              "\"quant\":\"q4\",\"context_tokens\":8192}",
                              &root, &md);
    mp_infer_req ir;
    memset(&ir, 0, sizeof ir);
    ir.arch = &a;
    ir.mach = &m;
    assert_int_equal(mp_quant_parse("4", 64, a.dtype, &ir.quant, NULL), 0);
    ir.context_tokens = ir.prompt_tokens = 8192;
    ir.batch = 1;
    ir.kv_group = 64;
    mp_infer_result inf;
    assert_int_equal(mp_infer(&ir, &inf, NULL), 0);
    assert_string_equal(str_at(sc, "task"), "inference");
    assert_string_equal(str_at(sc, "model.id"), "Qwen/Qwen3-8B");
    assert_string_equal(str_at(sc, "machine.chip"), "M4 Pro 20c");
    assert_string_equal(str_at(sc, "settings.quant"), "affine 4-bit g64");
    assert_true(num_at(sc, "speed.decode_tok_s") == rendered(inf.decode_tok_s));
    assert_true(num_at(sc, "speed.prefill_tok_s") == rendered(inf.prefill_tok_s));
    assert_true(num_at(sc, "memory.total_bytes") == floor(inf.total_bytes));
    assert_true(num_at(sc, "memory.kv_cache_bytes") == floor(inf.kv.bytes));
    assert_string_equal(str_at(sc, "verdict"), mp_verdict_name(inf.verdict));
    assert_string_equal(str_at(sc, "verdict"), "fits");
    assert_string_equal(str_at(sc, "commands.0"),
                        "mlx_lm.convert --hf-path Qwen/Qwen3-8B -q --q-bits 4 --q-group-size 64 "
                        "--mlx-path mlx_model/Qwen3-8B-4bit");
    assert_string_equal(str_at(sc, "commands.2"),
                        "mlx_lm.generate --model mlx_model/Qwen3-8B-4bit --prompt - --max-tokens 256");
    assert_true(strncmp(md, "# Qwen/Qwen3-8B on M4 Pro 20c (24 GB): fits\n", 44) == 0);
    cJSON_Delete(root);

    /* fine-tuning with mlx_lm.lora's defaults: mp_train's figures */
    sc = tool_ok(s, "estimate",
                 "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\",\"memory_gb\":24,"
                 "\"task\":\"lora\"}",
                 &root, NULL);
    mp_train_req tq;
    memset(&tq, 0, sizeof tq);
    tq.arch = &a;
    tq.mach = &m;
    tq.task = MP_TASK_LORA;
    tq.base_quant = mp_arch_native_quant(&a);
    tq.batch = 4;
    tq.seq_len = 2048;
    tq.num_layers = 16;
    tq.rank = 8;
    tq.grad_accum = 1;
    tq.optim = MP_OPT_ADAM;
    tq.train_dtype = MP_DT_BF16;
    mp_train_result tr;
    assert_int_equal(mp_train(&tq, &tr, NULL), 0);
    assert_string_equal(str_at(sc, "task"), "lora");
    assert_true(num_at(sc, "settings.trainable_params") == rendered(tr.trainable_params));
    assert_true(num_at(sc, "settings.trainable_params") == 9699328);
    assert_true(num_at(sc, "memory.total_bytes") == floor(tr.total_bytes));
    assert_true(num_at(sc, "speed.tok_s") == rendered(tr.tok_s));
    assert_string_equal(str_at(sc, "verdict"), "does not fit");
    assert_string_equal(str_at(sc, "commands.0"),
                        "mlx_lm.lora --model Qwen/Qwen3-8B --train --data data --num-layers 16 "
                        "--batch-size 4 --iters 1000 --max-seq-length 2048 --adapter-path adapters");
    cJSON_Delete(root);
    mp_arch_release(&a);

    /* a new model sized by 'params' */
    sc = tool_ok(s, "estimate", "{\"params\":125e6,\"task\":\"pretrain\",\"chip\":\"M4 Max 40c\"}",
                 &root, NULL);
    assert_int_equal(mp_arch_for_size(125e6, 32000, MP_DT_F32, &a, NULL), 0);
    assert_string_equal(str_at(sc, "model.id"), a.id);
    assert_true(num_at(sc, "model.params") == rendered(mp_arch_params(&a)));
    assert_int_equal(cJSON_GetArraySize(at(sc, "commands")), 0);
    mp_arch_release(&a);
    cJSON_Delete(root);

    /* a model given as the text of its config.json */
    const mp_model_row *row = mp_registry_find("Qwen/Qwen3-0.6B");
    cJSON *args = cJSON_CreateObject();
    cJSON_AddStringToObject(args, "config_json", row->config_json);
    cJSON_AddStringToObject(args, "chip", "M4 Max 40c");
    char *args_text = cJSON_PrintUnformatted(args);
    sc = tool_ok(s, "estimate", args_text, &root, NULL);
    assert_string_equal(str_at(sc, "model.source"), "config file given as 'config_json'");
    assert_string_equal(str_at(sc, "model.model_type"), "qwen3");
    assert_string_equal(str_at(sc, "commands.0"),
                        "mlx_lm.benchmark --model '<hf-repo-of-this-config>' -p 4096 -g 128");
    cJSON_free(args_text);
    cJSON_Delete(args);
    cJSON_Delete(root);

    char unknown[600];
    snprintf(unknown, sizeof unknown,
             "'Qwen/Qwen3-9B' is not in the registry or the local Hugging Face cache (%s), and "
             "the Hub is off ('offline' / HF_HUB_OFFLINE=1); did you mean 'Qwen/Qwen3-4B', "
             "'Qwen/Qwen3-8B' or 'Qwen/Qwen3.5-9B'?",
             hf_cache());
#define Q8B "\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\""
    const char *const bad[][3] = {
        {"estimate", "{\"model\":\"Qwen/Qwen3-8B\"}",
         "invalid arguments for 'estimate': missing required argument 'chip' (chip, e.g. "
         "'M4 Pro 20c' or 'rtx 4090')"},
        {"estimate", "{" Q8B ",\"batch\":\"4\"}",
         "invalid arguments for 'estimate': 'batch' must be an integer, got a string '4'"},
        {"estimate", "{" Q8B ",\"memory_gb\":4097}",
         "invalid arguments for 'estimate': 'memory_gb' must be between 1 and 4096, got 4097"},
        {"estimate", "{" Q8B ",\"quant\":\"4bit\"}",
         "invalid arguments for 'estimate': 'quant' must be one of bf16, fp16, fp32, q2, q3, q4, "
         "q5, q6, q8, mxfp4, nvfp4, mxfp8, mixed_2_6, mixed_3_4, mixed_3_6, mixed_4_6; got "
         "'4bit'"},
        {"estimate", "{" Q8B ",\"kv_bits\":7}",
         "invalid arguments for 'estimate': 'kv_bits' must be one of 2, 3, 4, 5, 6, 8; got 7"},
        {"estimate", "{\"chip\":\"M4 Pro 20c\"}",
         "give 'model' (a registry or Hugging Face id such as 'Qwen/Qwen3-8B') or 'config_json' "
         "(the text of a config.json)"},
        {"estimate", "{" Q8B ",\"config_json\":\"{}\"}", "give 'model' or 'config_json', not both"},
        {"estimate", "{\"config_json\":\"{}\",\"chip\":\"M4 Pro 20c\"}",
         "config_json: config.json has no 'model_type'"},
        {"estimate", "{\"model\":\"Qwen/Qwen3-9B\",\"chip\":\"M4 Pro 20c\"}", unknown},
        {"estimate", "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M9 Max\"}",
         "unknown chip 'M9 Max'; did you mean 'M1 Max', 'M2 Max' or 'M3 Max'? (call hardware "
         "with action 'list')"},
        {"estimate", "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M3 Max 30c\",\"memory_gb\":48}",
         "M3 Max 30c comes with 36, 96 GB of memory, not 48 GB"},
        {"estimate", "{" Q8B ",\"prompt_tokens\":9000,\"context_tokens\":4096}",
         "'prompt_tokens' (9000) is longer than 'context_tokens' (4096)"},
        {"estimate", "{" Q8B ",\"kv_group_size\":32}", "'kv_group_size' needs 'kv_bits'"},
        {"estimate", "{" Q8B ",\"group_size\":32}", "'group_size' needs 'quant'"},
        {"estimate", "{" Q8B ",\"kv_bits\":4,\"max_kv_size\":1024}",
         "'kv_bits' and 'max_kv_size' do not combine: mlx-lm cannot quantize a rotating cache "
         "(RotatingKVCache.to_quantized raises NotImplementedError)"},
        {"estimate", "{" Q8B ",\"quant\":\"mxfp4\",\"group_size\":64}",
         "mxfp4 needs group size 32, not 64"},
        {"estimate", "{" Q8B ",\"rank\":16}",
         "'rank' does not apply to task 'inference'; it goes with task lora, dora or qlora"},
        {"estimate", "{" Q8B ",\"task\":\"full\",\"rank\":16}",
         "'rank' does not apply to task 'full'; it goes with task lora, dora or qlora"},
        {"estimate", "{" Q8B ",\"task\":\"lora\",\"kv_bits\":4}",
         "'kv_bits' does not apply to task 'lora'; it goes with task inference"},
        {"estimate", "{" Q8B ",\"task\":\"lora\",\"num_layers\":0}",
         "'num_layers' must be -1 (all) or at least 1, got 0"},
        {"estimate", "{" Q8B ",\"task\":\"lora\",\"num_layers\":99}",
         "'num_layers' must be -1 (all) or between 1 and the model's 36 layers, got 99"},
        {"estimate", "{\"params\":125e6,\"chip\":\"M4 Max 40c\"}",
         "'params' does not apply to task 'inference'; it goes with task pretrain"},
        {"estimate", "{" Q8B ",\"params\":125e6,\"task\":\"pretrain\"}",
         "give 'model' or 'params', not both"},
        {"estimate", "{" Q8B ",\"vocab_size\":1000,\"task\":\"pretrain\"}",
         "'vocab_size' goes with 'params' (a new model); a named model has its own vocabulary"},
    };
#undef Q8B
    tool_fails_all(s, bad, sizeof bad / sizeof bad[0]);
    fixture_hf_cache(true);
    tool_fails(s, "estimate",
               "{\"model\":\"mlx-community/Tiny-Llama-4bit\",\"chip\":\"M4 Max 40c\","
               "\"quant\":\"q8\"}",
               "mlx-community/Tiny-Llama-4bit is stored as affine 4-bit g64; 'quant' q8 would need "
               "the original weights: convert from the unquantized repo or drop 'quant'");
    fixture_hf_cache(false);
}

static void test_fit_tool(void **state)
{
    mp_mcp_server *s = *state;
    mp_arch a;
    mp_machine m;
    qwen3_8b_on_m4_pro(&a, &m);
    cJSON *root;
    const char *md;

    /* formats: mp_fit_inference's options, best first */
    const cJSON *sc = tool_ok(s, "fit",
                              "{\"mode\":\"formats\",\"model\":\"Qwen/Qwen3-8B\","
                              "\"chip\":\"M4 Pro 20c\",\"memory_gb\":24,\"limit\":3}",
                              &root, &md);
    mp_fit_infer *fo = calloc(MP_FIT_MAX, sizeof *fo);
    int n = 0;
    mp_fit_infer_req fr = {&a, &m, 4096, 0, 1, false, false};
    assert_int_equal(mp_fit_inference(&fr, fo, MP_FIT_MAX, &n, NULL), 0);
    assert_true(n > 3);
    assert_string_equal(str_at(sc, "mode"), "formats");
    assert_int_equal(cJSON_GetArraySize(at(sc, "options")), 3);
    char ql[64];
    mp_quant_label(&fo[0].quant, ql, sizeof ql);
    assert_string_equal(str_at(sc, "options.0.quant"), ql);
    assert_string_equal(ql, "affine 8-bit g64");
    assert_true(num_at(sc, "options.0.decode_tok_s") == rendered(fo[0].est.decode_tok_s));
    assert_true(num_at(sc, "options.1.total_bytes") == floor(fo[1].est.total_bytes));
    assert_true(strncmp(md, "# Qwen/Qwen3-8B on M4 Pro 20c (24 GB): formats that fit 4,096 tokens",
                        68) == 0);
    free(fo);
    cJSON_Delete(root);

    /* machines that reach 30 tok/s with the 4-bit default */
    sc = tool_ok(s, "fit",
                 "{\"mode\":\"machines\",\"model\":\"Qwen/Qwen3-8B\",\"min_decode_tok_s\":30}",
                 &root, NULL);
    mp_fit_machine *ms = calloc(64, sizeof *ms);
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a.dtype};
    assert_int_equal(mp_fit_machines(&a, &q4, 4096, 30, false, ms, 64, &n, NULL), 0);
    assert_int_equal(cJSON_GetArraySize(at(sc, "options")), n < 10 ? n : 10);
    assert_string_equal(str_at(sc, "options.0.chip"), ms[0].chip.short_name);
    assert_true(num_at(sc, "options.0.decode_tok_s") == rendered(ms[0].est.decode_tok_s));
    assert_true(num_at(sc, "options.0.decode_tok_s") >= 30);
    free(ms);
    cJSON_Delete(root);

    /* registry models for a chip */
    sc = tool_ok(s, "fit", "{\"mode\":\"models\",\"chip\":\"M4 Pro 20c\",\"memory_gb\":48}", &root,
                 NULL);
    mp_machine m48;
    load_machine("M4 Pro 20c", 48, &m48);
    mp_fit_model *models = calloc(128, sizeof *models);
    assert_int_equal(mp_fit_models(&m48, 4096, 0, models, 128, &n, NULL), 0);
    assert_string_equal(str_at(sc, "options.0.model"), models[0].model_id);
    assert_true(num_at(sc, "options.0.params") == rendered(models[0].params));
    free(models);
    cJSON_Delete(root);

    /* QLoRA settings */
    sc = tool_ok(s, "fit",
                 "{\"mode\":\"training\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\","
                 "\"memory_gb\":24,\"task\":\"qlora\"}",
                 &root, NULL);
    mp_settings none;
    memset(&none, 0, sizeof none);
    mp_train_req want;
    assert_int_equal(mp_settings_train_req(&none, MP_TASK_QLORA, false, &a, &m, &want, NULL), 0);
    mp_fit_train *tr = calloc(MP_FIT_MAX, sizeof *tr);
    assert_int_equal(mp_fit_training(&want, tr, 10, &n, NULL), 0);
    assert_string_equal(str_at(sc, "mode"), "training");
    assert_int_equal(cJSON_GetArraySize(at(sc, "options")), n);
    assert_string_equal(str_at(sc, "options.0.task"), "qlora");
    mp_quant_label(&tr[0].req.base_quant, ql, sizeof ql);
    assert_string_equal(str_at(sc, "options.0.base_quant"), ql);
    assert_true(num_at(sc, "options.0.total_bytes") == floor(tr[0].est.total_bytes));
    free(tr);
    cJSON_Delete(root);
    mp_arch_release(&a);

    const char *const bad[][3] = {
        {"fit", "{\"mode\":\"settings\",\"model\":\"Qwen/Qwen3-8B\"}",
         "invalid arguments for 'fit': 'mode' must be one of formats, models, machines, "
         "training; got 'settings'"},
        {"fit", "{\"mode\":\"formats\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\","
                "\"context_tokens\":0}",
         "invalid arguments for 'fit': 'context_tokens' must be between 1 and 16777216, got "
         "0"},
        {"fit", "{\"mode\":\"formats\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\","
                "\"limit\":33}",
         "invalid arguments for 'fit': 'limit' must be between 1 and 32, got 33"},
        {"fit", "{\"mode\":\"training\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\","
                "\"task\":\"pretrain\"}",
         "mode 'training' searches fine-tuning settings: 'task' takes lora, dora, qlora or "
         "full, not 'pretrain'"},
        {"fit", "{\"mode\":\"formats\",\"model\":\"Qwen/Qwen3-8B\"}", "mode 'formats' needs 'chip'"},
        {"fit", "{\"mode\":\"formats\",\"chip\":\"M4 Pro 20c\"}",
         "mode 'formats' needs 'model' (or 'config_json')"},
        {"fit", "{\"mode\":\"models\"}", "mode 'models' needs 'chip'"},
        {"fit", "{\"mode\":\"models\",\"chip\":\"M4 Pro 20c\",\"model\":\"Qwen/Qwen3-8B\"}",
         "'model' does not apply to mode 'models'; it goes with mode formats, machines or "
         "training"},
        {"fit", "{\"mode\":\"machines\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\"}",
         "'chip' does not apply to mode 'machines'; it goes with mode formats, models or "
         "training"},
        {"fit", "{\"mode\":\"formats\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\","
                "\"quant\":\"q4\"}",
         "'quant' does not apply to mode 'formats'; it goes with mode machines or training"},
        {"fit", "{\"mode\":\"training\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\","
                "\"context_tokens\":8192}",
         "'context_tokens' does not apply to mode 'training'; it goes with mode formats, models "
         "or machines"},
        {"fit", "{\"mode\":\"formats\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"m3max\"}",
         "chip 'm3max' is ambiguous: 'M3 Max 30c' (300 GB/s, 36, 96 GB), 'M3 Max 40c' "
         "(400 GB/s, 48, 64, 128 GB); name the GPU cores or give 'memory_gb'"},
        {"fit", "{\"mode\":\"training\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\","
                "\"rank\":0}",
         "invalid arguments for 'fit': 'rank' must be between 1 and 4096, got 0"},
    };
    tool_fails_all(s, bad, sizeof bad / sizeof bad[0]);
}

static void test_model_info_tool(void **state)
{
    mp_mcp_server *s = *state;
    mp_arch a;
    load_model("Qwen/Qwen3-8B", &a);
    cJSON *root;
    const char *md;
    const cJSON *sc = tool_ok(s, "model_info", "{\"model\":\"qwen3-8b\"}", &root, &md);
    assert_string_equal(str_at(sc, "id"), "Qwen/Qwen3-8B");
    assert_string_equal(str_at(sc, "source.kind"), "registry");
    assert_true(num_at(sc, "params") == mp_arch_params(&a));
    assert_true(num_at(sc, "params") == 8190735360.0);
    assert_true(num_at(sc, "layers") == 36);
    assert_true(num_at(sc, "kv_heads") == 8);
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a.dtype};
    assert_true(num_at(sc, "weights_bytes.affine 4-bit g64") ==
                rendered(mp_arch_weight_bytes(&a, &q4, NULL)));
    assert_true(cJSON_IsTrue(at(sc, "mlx_lm_supported")));
    assert_true(strncmp(md, "# Qwen/Qwen3-8B", 15) == 0);
    mp_arch_release(&a);
    cJSON_Delete(root);

    /* a checkpoint in the (fixture) Hugging Face cache, with sizes from its headers */
    fixture_hf_cache(true);
    sc = tool_ok(s, "model_info", "{\"model\":\"mlx-community/Tiny-Llama-4bit\"}", &root, NULL);
    fixture_hf_cache(false);
    assert_string_equal(str_at(sc, "source.kind"), "Hugging Face cache");
    assert_string_equal(str_at(sc, "stored_quantization"), "affine 4-bit g64");
    assert_true(num_at(sc, "checkpoint.tensor_bytes") > 0);
    cJSON_Delete(root);

    char unknown[600];
    snprintf(unknown, sizeof unknown,
             "unknown model 'qwen3-8': not in the registry or the local Hugging Face cache (%s); "
             "give a Hub id (org/name), or the text of a config.json as 'config_json'; did you "
             "mean 'Qwen/Qwen3-8B', 'Qwen/Qwen3-8B-Base' or 'Qwen/Qwen3-8B-FP8'?",
             hf_cache());
    const char *const bad[][3] = {
        {"model_info", "{}",
         "give 'model' (a registry or Hugging Face id such as 'Qwen/Qwen3-8B') or 'config_json' "
         "(the text of a config.json)"},
        {"model_info", "{\"model\":42}",
         "invalid arguments for 'model_info': 'model' must be a string, got a number 42"},
        {"model_info", "{\"model\":\"Qwen/Qwen3-8B\",\"config_json\":\"{}\"}",
         "give 'model' or 'config_json', not both"},
        {"model_info", "{\"config_json\":\"{\\\"model_type\\\": \\\"llama\\\"}\"}",
         "config_json: config.json has no 'hidden_size'"},
        {"model_info", "{\"config_json\":\"not json\"}",
         "config_json: config.json is not valid JSON (near byte 0)"},
        {"model_info", "{\"model\":\"qwen3-8\"}", unknown},
    };
    tool_fails_all(s, bad, sizeof bad / sizeof bad[0]);
}

/* estimate and fit with 'data': the batches of the file, the same figures as
 * the engine's over them, errors in the tool's spelling. */
static void test_data_argument(void **state)
{
    mp_mcp_server *s = *state;
    char path[1024], args[1400];
    snprintf(path, sizeof path, "%s/data/chat", getenv("MLXPLAN_FIXTURES"));
    snprintf(args, sizeof args,
             "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M3 Max 30c\",\"memory_gb\":36,"
             "\"task\":\"qlora\",\"data\":\"%s\"}", path);
    cJSON *root;
    const char *md;
    const cJSON *sc = tool_ok(s, "estimate", args, &root, &md);
    /* the engine over the same data and request */
    mp_arch a;
    mp_machine m;
    load_model("Qwen/Qwen3-8B", &a);
    load_machine("M3 Max 30c", 36, &m);
    mp_tdata d;
    assert_int_equal(mp_tdata_read(path, &d, NULL), 0);
    mp_train_req r;
    memset(&r, 0, sizeof r);
    r.arch = &a;
    r.mach = &m;
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a.dtype};
    r.base_quant = q4;
    r.task = MP_TASK_QLORA;
    r.batch = 4;
    r.seq_len = 2048;
    r.num_layers = 16;
    r.rank = 8;
    r.grad_accum = 1;
    r.data = &d;
    mp_train_data t;
    assert_int_equal(mp_train_on_data(&r, &d, &t, NULL), 0);
    assert_true(num_at(sc, "memory.total_bytes") == floor(t.worst.total_bytes));
    assert_true(num_at(sc, "settings.seq_len_tokens") == (double)t.b.worst_padded - 1);
    assert_string_equal(str_at(sc, "verdict"), mp_verdict_name(t.worst.verdict));
    assert_non_null(strstr(md, "## Training data"));
    bool peak_note = false;
    for (const cJSON *n = cJSON_GetObjectItemCaseSensitive(sc, "notes")->child; n; n = n->next)
        peak_note |= strncmp(n->valuestring, "peak memory (estimated", 22) == 0;
    assert_true(peak_note);
    mp_train_data_release(&t);
    mp_tdata_release(&d);
    mp_arch_release(&a);
    cJSON_Delete(root);

    snprintf(args, sizeof args,
             "{\"mode\":\"training\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M3 Max 30c\","
             "\"memory_gb\":36,\"data\":\"%s\"}", path);
    sc = tool_ok(s, "fit", args, &root, &md);
    assert_non_null(strstr(md, "each option's memory is its longest batch"));
    cJSON_Delete(root);

    char bad[3][1400];
    snprintf(bad[0], sizeof bad[0],
             "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M3 Max 30c\",\"task\":\"lora\","
             "\"data\":\"%s/data/bad/mixed.jsonl\"}", getenv("MLXPLAN_FIXTURES"));
    char want0[1400];
    snprintf(want0, sizeof want0,
             "'data': %s/data/bad/mixed.jsonl:2: a chat example, but the data is text (mlx-lm "
             "takes the format of the first line of train.jsonl)", getenv("MLXPLAN_FIXTURES"));
    const char *const cases[][3] = {
        {"estimate", bad[0], want0},
        {"estimate", "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M3 Max 30c\",\"data\":\"x\"}",
         "'data' does not apply to task 'inference'; it goes with task lora, dora, qlora or full"},
        {"estimate", "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M3 Max 30c\",\"task\":\"lora\","
                     "\"data\":\"\"}",
         "invalid arguments for 'estimate': 'data' must not be empty"},
    };
    tool_fails_all(s, cases, sizeof cases / sizeof cases[0]);
}

/* A request can never make the server read a path, while the CLI's
 * resolver reads the same path. */
static void test_tools_read_no_paths(void **state)
{
    mp_mcp_server *s = *state;
    const char *tmp = getenv("MLXPLAN_TEST_TMP");
    assert_non_null(tmp);
    char dir[1024], cwd[1024];
    snprintf(dir, sizeof dir, "%s/mcp-paths/my-model", tmp);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/config.json", dir);
    FILE *f = fopen(cmd, "w");
    assert_non_null(f);
    fputs(mp_registry_find("Qwen/Qwen3-0.6B")->config_json, f);
    fclose(f);
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(cmd, sizeof cmd, "%s/mcp-paths", tmp);
    assert_int_equal(chdir(cmd), 0);
    mp_arch a;
    mp_origin o;
    assert_int_equal(mp_model_load("my-model", NULL, &a, &o, NULL), 0);
    assert_int_equal(o.kind, MP_ORIGIN_DIR);
    mp_arch_release(&a);
    mp_load_opts offline = {true};
    assert_int_equal(mp_model_load_name("my-model", &offline, &a, &o, NULL), MP_ENOTFOUND);

    char want[800];
    snprintf(want, sizeof want,
             "unknown model 'my-model': not in the registry or the local Hugging Face cache (%s); "
             "give a Hub id (org/name), or the text of a config.json as 'config_json'",
             hf_cache());
    tool_fails(s, "model_info", "{\"model\":\"my-model\"}", want);
    snprintf(want, sizeof want,
             "'my-model/config.json' is not in the registry or the local Hugging Face cache (%s), "
             "and the Hub is off ('offline' / HF_HUB_OFFLINE=1)",
             hf_cache());
    tool_fails(s, "estimate", "{\"model\":\"my-model/config.json\",\"chip\":\"M3 Max 30c\"}", want);
    tool_fails(s, "plan", "{\"request\":\"run my-model/config.json on an M3 Max\"}", want);
    assert_int_equal(chdir(cwd), 0);
}

static void test_docs_tools(void **state)
{
    mp_mcp_server *s = *state;
    cJSON *root;
    const char *md;
    const cJSON *sc = tool_ok(s, "docs_search", "{\"query\":\"rms norm\",\"limit\":5}", &root, &md);
    mp_docs *d = NULL;
    mp_doc_results r;
    memset(&r, 0, sizeof r);
    assert_int_equal(mp_docs_open(&d, NULL), 0);
    assert_int_equal(mp_docs_search(d, "rms norm", 5, -1, &r, NULL), 0);
    assert_true(num_at(sc, "total") == (double)r.total);
    assert_int_equal(cJSON_GetArraySize(at(sc, "results")), (int)r.n);
    for (size_t i = 0; i < r.n; i++) {
        char path[40];
        snprintf(path, sizeof path, "results.%zu.name", i);
        assert_string_equal(str_at(sc, path), r.hits[i].entry.name);
    }
    assert_string_equal(str_at(sc, "results.1.name"), "mlx.core.fast.rms_norm");
    mp_doc_results_release(&r);
    mp_docs_close(d);
    cJSON_Delete(root);

    sc = tool_ok(s, "docs_search", "{\"query\":\"num layers\",\"kind\":\"flag\",\"limit\":1}",
                 &root, NULL);
    assert_string_equal(str_at(sc, "results.0.kind"), "flag");
    assert_string_equal(str_at(sc, "results.0.name"), "mlx_lm.lora --num-layers");
    cJSON_Delete(root);

    sc = tool_ok(s, "docs_show", "{\"name\":\"mx.fast.rms_norm\"}", &root, &md);
    assert_string_equal(str_at(sc, "kind"), "api");
    assert_string_equal(str_at(sc, "name"), "mlx.core.fast.rms_norm");
    assert_string_equal(str_at(sc, "alias"), "mx.fast.rms_norm");
    assert_string_equal(str_at(sc, "since"), "v0.8.0");
    assert_true(cJSON_IsNull(at(sc, "deprecated")));
    assert_non_null(strstr(md, "mlx.core.fast.rms_norm"));
    cJSON_Delete(root);

    sc = tool_ok(s, "docs_show", "{\"name\":\"mlx.core.metal.clear_cache\"}", &root, NULL);
    assert_string_equal(str_at(sc, "deprecated.use"), "mlx.core.clear_cache");
    cJSON_Delete(root);

    const char *const bad[][3] = {
        {"docs_search", "{\"query\":\"\"}",
         "invalid arguments for 'docs_search': 'query' must not be empty"},
        {"docs_search", "{\"query\":\"rms\",\"kind\":\"everything\"}",
         "invalid arguments for 'docs_search': 'kind' must be one of api, command, flag, "
         "lora_key, format, practice, model_type, feature; got 'everything'"},
        {"docs_search", "{\"query\":\"rms\",\"limit\":500}",
         "invalid arguments for 'docs_search': 'limit' must be between 1 and 100, got 500"},
        {"docs_show", "{}",
         "invalid arguments for 'docs_show': missing required argument 'name' (API name "
         "('mx.fast.rms_norm', 'mlx.core.eval'), mlx_lm command or flag ('mlx_lm.lora "
         "--num-layers'), LoRA config key ('lora_config.num_layers'), data format "
         "('data_format.chat'), practice id, model type ('model_type.llama') or a last part "
         "only one entry has ('rms_norm'))"},
        {"docs_show", "{\"name\":\"mx.fast.rms_nrm\"}",
         "unknown name 'mx.fast.rms_nrm'; did you mean 'mlx.core.fast.rms_norm'?"},
        {"docs_show", "{\"name\":\"zzzzzz\"}",
         "unknown name 'zzzzzz' (try docs_search with query 'zzzzzz')"},
        {"docs_show", "{\"name\":\"eval\"}",
         "'eval' names 2 entries: api 'mlx.core.eval', api 'mlx.nn.Module.eval'; give the full "
         "name or 'kind'"},
    };
    tool_fails_all(s, bad, sizeof bad / sizeof bad[0]);
}

/* mp_plan_build for `text` as the plan tool calls it. */
static mp_plan *build_plan(const char *text)
{
    mp_plan_req req;
    memset(&req, 0, sizeof req);
    req.text = text;
    req.names_only = true;
    mp_plan *p = NULL;
    mp_error e;
    mp_error_clear(&e);
    if (mp_plan_build(&req, &p, &e) != 0)
        fail_msg("plan '%s': %s", text, e.msg);
    return p;
}

static void test_plan_tool(void **state)
{
    mp_mcp_server *s = *state;
    static const char request[] =
        "fine-tune Llama 3.1 8B on my support chats on my M3 Max 36GB and serve it";
    cJSON *root;
    const char *md;
    const cJSON *sc = tool_ok(s, "plan", "{\"request\":\"fine-tune Llama 3.1 8B on my support "
                                         "chats on my M3 Max 36GB and serve it\"}",
                              &root, &md);
    mp_plan *p = build_plan(request);
    assert_string_equal(str_at(sc, "verdict"), p->verdict);
    assert_string_equal(str_at(sc, "model"), p->model_id);
    assert_string_equal(str_at(sc, "model"), "meta-llama/Llama-3.1-8B-Instruct");
    assert_string_equal(str_at(sc, "machine"), "M3 Max 30c, 36 GB");
    for (int i = 0; i < p->n_numbers; i++) {
        char path[80];
        snprintf(path, sizeof path, "numbers.%s.value", p->numbers[i].name);
        assert_true(num_at(sc, path) == rendered(p->numbers[i].value));
    }
    assert_true(p->n_numbers > 5);
    assert_int_equal(cJSON_GetArraySize(at(sc, "sections")), MP_SEC_COUNT);
    mp_buf want = MP_BUF_INIT;
    mp_render_plan_md(p, &want);
    assert_string_equal(md, mp_buf_cstr(&want));
    mp_buf_release(&want);
    mp_plan_free(p);
    cJSON_Delete(root);

    /* arguments win over the text and are marked as given */
    sc = tool_ok(s, "plan",
                 "{\"request\":\"run Qwen3-8B on an M1\",\"chip\":\"M4 Max 40c\","
                 "\"memory_gb\":64,\"context_tokens\":32768}",
                 &root, NULL);
    assert_string_equal(str_at(sc, "machine"), "M4 Max 40c, 64 GB");
    assert_string_equal(str_at(sc, "spec.chip.provenance"), "flag");
    assert_true(num_at(sc, "numbers.context_tokens.value") == 32768);
    cJSON_Delete(root);

    /* "my Mac": this machine is read only with detect (the fixture host has an RTX 4090) */
    char root_dir[1024], smi[1024];
    snprintf(root_dir, sizeof root_dir, "%s/host-linux", getenv("MLXPLAN_FIXTURES"));
    snprintf(smi, sizeof smi, "%s/host-linux/nvidia-smi", getenv("MLXPLAN_FIXTURES"));
    setenv("MLXPLAN_PROC_ROOT", root_dir, 1);
    setenv("MLXPLAN_NVIDIA_SMI", smi, 1);
    sc = tool_ok(s, "plan", "{\"request\":\"run Qwen3-8B on my machine\"}", &root, NULL);
    assert_string_equal(str_at(sc, "spec.chip.provenance"), "assumed");
    cJSON_Delete(root);
    sc = tool_ok(s, "plan", "{\"request\":\"run Qwen3-8B on my machine\",\"detect\":true}", &root,
                 NULL);
    assert_string_equal(str_at(sc, "spec.chip.provenance"), "detected");
    assert_string_equal(str_at(sc, "spec.chip.value"), "NVIDIA GeForce RTX 4090");
    cJSON_Delete(root);
    unsetenv("MLXPLAN_PROC_ROOT");
    unsetenv("MLXPLAN_NVIDIA_SMI");

    /* 'measured': the pasted output, judged by the runs diagnosis in the
     * slow-inference flow (the same verdict and first cause as `runs add`:
     * tests/runs/plan_diag.sh) */
    char paste_path[1024], *paste = NULL;
    size_t paste_len = 0;
    snprintf(paste_path, sizeof paste_path, "%s/runs/good/gen-bf16-8b.txt",
             getenv("MLXPLAN_FIXTURES"));
    assert_int_equal(mp_read_file(paste_path, 1 << 20, "sample", &paste, &paste_len, NULL), 0);
    cJSON *args = cJSON_CreateObject();
    cJSON_AddStringToObject(args, "request", "my Llama 3.1 8B inference is slow on my M3 Max 36GB");
    cJSON_AddStringToObject(args, "measured", paste);
    char *args_text = cJSON_PrintUnformatted(args);
    sc = tool_ok(s, "plan", args_text, &root, &md);
    assert_true(num_at(sc, "numbers.measured_tok_s.value") == 9.212);
    assert_string_equal(str_at(sc, "numbers.measured_tok_s.label"), "measured");
    assert_string_equal(str_at(sc, "numbers.measured_tok_s.basis"),
                        "mlx_lm.generate output in 'measured', 6 of 7 lines read");
    assert_string_equal(str_at(sc, "numbers.expected_tok_s.label"), "estimated");
    assert_non_null(strstr(md, "- **Measured generation 9.21 tok/s against 16.9 expected: slower "
                               "(55% of it, band 13.5..21.1 tok/s).**"));
    assert_non_null(strstr(md, "\n1. **weights-16bit**: the weights are bfloat16: 16.1 GB read "
                               "per generated token."));
    cJSON_Delete(root);
    cJSON_free(args_text);
    cJSON_Delete(args);
    free(paste);

    const char *const bad[][3] = {
        {"plan", "{\"request\":\"my MLX inference is slow on my M3 Max 36GB\",\"measured\":"
                 "\"it was slow\"}",
         "'measured': no line of mlx-lm output recognised (first line: 'it was slow')"},
        /* over MCP the value is the text itself, never a file to read */
        {"plan", "{\"request\":\"my MLX inference is slow on my M3 Max 36GB\",\"measured\":"
                 "\"/etc/passwd\"}",
         "'measured': no line of mlx-lm output recognised (first line: '/etc/passwd')"},
        {"plan", "{\"request\":\"my MLX inference is slow on my M3 Max 36GB\",\"measured\":"
                 "\"Generation: 100 tokens, -5.0 tokens-per-sec\"}",
         "'measured': line 1: absurd generation speed in 'Generation: 100 tokens, -5.0 "
         "tokens-per-sec'"},
        {"plan", "{}",
         "invalid arguments for 'plan': missing required argument 'request' (the goal in plain "
         "words, with whatever the user said about model, machine, data and targets, e.g. "
         "'fine-tune Llama 3.1 8B on my support chats on my M3 Max 36GB and serve it')"},
        {"plan", "{\"request\":\"x\",\"journal\":\"/tmp\"}",
         "invalid arguments for 'plan': unknown argument 'journal' (accepted: request, model, "
         "chip, memory_gb, task, context_tokens, min_decode_tok_s, offline, no_calibration, data, "
         "budget_hours, users, measured, strict, detect)"},
        {"plan", "{\"request\":\"x\",\"task\":\"finetune\"}",
         "invalid arguments for 'plan': 'task' must be one of inference, lora, dora, qlora, "
         "full, pretrain; got 'finetune'"},
        {"plan", "{\"request\":\"x\",\"users\":0}",
         "invalid arguments for 'plan': 'users' must be between 1 and 4096, got 0"},
        {"plan", "{\"request\":\" \\n \"}",
         "'request' is blank: say what to do in plain words, e.g. \"fine-tune Llama 3.1 8B on my "
         "M3 Max 36GB\""},
        {"plan", "{\"request\":\"hello there\"}",
         "found nothing to plan in 'hello there': name a model, a task (run, fine-tune, train "
         "from scratch, serve, quantize, speed up) or a Mac"},
        {"plan", "{\"request\":\"run a model\",\"strict\":true}",
         "'strict': the request names no machine (give 'chip' and 'memory_gb')"},
        {"plan", "{\"request\":\"run Qwen3-8B\",\"chip\":\"m3max\",\"strict\":true}",
         "'strict': chip 'm3max' is ambiguous: 'M3 Max 30c' (300 GB/s, 36, 96 GB), 'M3 Max 40c' "
         "(400 GB/s, 48, 64, 128 GB); name the GPU cores or give 'memory_gb'"},
        {"plan", "{\"request\":\"run Qwen3-8B\",\"chip\":\"M3 Max 30c\",\"memory_gb\":48}",
         "M3 Max 30c comes with 36, 96 GB of memory, not 48 GB"},
    };
    tool_fails_all(s, bad, sizeof bad / sizeof bad[0]);
}

/* The output schema of `plan` names the plan's key numbers one by one:
 * every request of the consistency set must pass it (the server turns a
 * result outside its schema into a -32603 error, which call_tool fails). */
static void test_plan_tool_schema_holds(void **state)
{
    mp_mcp_server *s = *state;
    char path[1024];
    snprintf(path, sizeof path, "%s/../plan/consistency.txt", getenv("MLXPLAN_FIXTURES"));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        cJSON *args = cJSON_CreateObject();
        cJSON_AddStringToObject(args, "request", line);
        char *text = cJSON_PrintUnformatted(args);
        cJSON *root;
        tool_ok(s, "plan", text, &root, NULL);
        cJSON_Delete(root);
        cJSON_free(text);
        cJSON_Delete(args);
        n++;
    }
    fclose(f);
    assert_true(n >= 15);
}

/* Engine messages name settings through kb/param.h: while a tool runs they
 * read in the tools' spelling, without rewriting. */
static void test_tool_words(void **state)
{
    (void)state;
    mp_param_set_spelling(MP_SPELL_MCP);
    mp_error e;
    mp_error_clear(&e);
    mp_error_set(&e, MP_EINVAL, "%s must be at least 1; --batch-size stays; give %s %s",
                 mp_pname(MP_P_BATCH), mp_pname(MP_P_MEMORY), mp_say(MP_SAY_HW_LIST));
    mp_param_set_spelling(MP_SPELL_CLI);
    assert_string_equal(e.msg, "'batch' must be at least 1; --batch-size stays; give 'memory_gb' "
                               "(call hardware with action 'list')");
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
                           "\"name\":{\"type\":\"string\",\"maxLength\":3},"
                           "\"v\":{\"type\":[\"string\",\"null\"],\"enum\":[\"a\",null]},"
                           "\"w\":{\"type\":[\"string\",\"null\"],\"enum\":[\"a\"]}}}");
    assert_int_equal(mp_schema_check(s, NULL), 0);
    static const char *const cases[][2] = {
        {"{\"n\":null,\"list\":[{\"k\":true}],\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}", ""},
        {"{\"n\":1e400}", "'n' must be an integer or null, got a number inf"},
        {"{\"list\":[{\"k\":1}]}", "'list[0].k' must be a boolean, got a number 1"},
        {"{\"list\":[{}]}", "missing required argument 'list[0].k'"},
        {"{\"list\":[{\"k\":true},{\"k\":true},{\"k\":true}]}", "'list' must have at most 2 items, got 3"},
        {"{\"name\":\"abcd\"}", "'name' must have at most 3 characters, got 4"},
        {"{\"nam\":\"a\"}", "unknown argument 'nam'; did you mean 'name'? (accepted: n, list, name, v, w)"},
        /* null is an enum member like any other (as JSON Schema has it) */
        {"{\"v\":null,\"w\":\"a\"}", ""},
        {"{\"v\":\"bcd\"}", "'v' must be one of a, null; got 'bcd'"},
        {"{\"w\":null}", "'w' must be one of a; got null"},
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

static void test_check_code_tool(void **state)
{
    mp_mcp_server *s = *state;
    cJSON *root = NULL;
    const char *md = NULL;
    const cJSON *sc = tool_ok(s, "check_code",
                              "{\"source\":\"import mlx.core as mx\\nx = mx.relu(mx.array([1.0]))\\n\","
                              "\"filename\":\"train.py\"}",
                              &root, &md);
    const cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sc, "findings"), 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(f, "rule")->valuestring, "MLX001");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(f, "file")->valuestring, "train.py");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(f, "line")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(f, "col")->valueint, 5);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(f, "message")->valuestring,
                        "unknown name 'mx.relu': mlx.core has no 'relu' (mlx 0.32.2.dev)");
    assert_non_null(strstr(md, "train.py:2:5: error [MLX001]"));
    cJSON_Delete(root);
    /* the same code with that rule left out is clean */
    sc = tool_ok(s, "check_code",
                 "{\"source\":\"import mlx.core as mx\\nx = mx.relu(mx.array([1.0]))\\n\","
                 "\"ignore\":[\"unknown-name\"]}",
                 &root, NULL);
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sc, "counts"), "total")
            ->valueint,
        0);
    cJSON_Delete(root);
    tool_fails(s, "check_code", "{\"source\":\"def f(:\\n\"}",
               "input.py:1:6: not valid Python: '(' was never closed");
    tool_fails(s, "check_code", "{\"source\":\"\"}",
               "invalid arguments for 'check_code': 'source' must not be empty");
    for (size_t i = 0; i < mp_mcp_tools_len; i++)
        assert_non_null(mp_mcp_tools[i].run);
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
        cmocka_unit_test_setup_teardown(test_check_code_tool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_estimate_tool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fit_tool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_model_info_tool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tools_read_no_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_argument, setup, teardown),
        cmocka_unit_test_setup_teardown(test_docs_tools, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_tool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_tool_schema_holds, setup, teardown),
        cmocka_unit_test(test_tool_words),
        cmocka_unit_test(test_schema_subset),
        cmocka_unit_test(test_serve_long_lines),
        cmocka_unit_test_setup_teardown(test_serve_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_serve_closed_output, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
