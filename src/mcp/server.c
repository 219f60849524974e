/*
 * server.c - the MCP protocol layer: JSON-RPC framing rules, protocol
 * versions, the method table and the tool calls.  See server.h for the
 * behaviour and the specification facts it follows.
 *
 * Each message is parsed with cJSON into a tree that lives only for that
 * message; answers are built as trees too (tool schemas are attached by
 * reference, never copied) and printed once.  Everything is freed before
 * mp_mcp_handle returns.
 */
#include "mcp/server.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "kb/param.h"
#include "mcp/schema.h"
#include "mcp/tools.h"
#include "util/text.h"

/* ---- protocol revisions ------------------------------------------------------ */

typedef struct proto_version {
    const char *name;
    bool modern;       /* per-request _meta, no handshake */
    bool batches;      /* JSON-RPC batches accepted */
    bool structured;   /* Tool.title, outputSchema, structuredContent, Implementation.title */
    bool annotations;  /* Tool.annotations */
} proto_version;

static const proto_version versions[] = {
    {"2026-07-28", true, false, true, true},
    {"2025-11-25", false, false, true, true},
    {"2025-06-18", false, false, true, true},
    {"2025-03-26", false, true, false, true},
    {"2024-11-05", false, false, false, false},
};
enum { N_VERSIONS = sizeof versions / sizeof versions[0] };
#define LATEST_LEGACY (&versions[1])

static const proto_version *find_version(const char *name)
{
    for (size_t i = 0; i < N_VERSIONS; i++)
        if (strcmp(versions[i].name, name) == 0)
            return &versions[i];
    return NULL;
}

#define META_VERSION "io.modelcontextprotocol/protocolVersion"
#define META_CAPS "io.modelcontextprotocol/clientCapabilities"
#define META_SERVER "io.modelcontextprotocol/serverInfo"

/* JSON-RPC and MCP error codes. */
enum {
    RPC_PARSE = -32700,
    RPC_INVALID_REQUEST = -32600,
    RPC_NO_METHOD = -32601,
    RPC_BAD_PARAMS = -32602,
    RPC_INTERNAL = -32603,
    RPC_UNSUPPORTED_VERSION = -32022,
};

static const char too_large[] = "the answer is larger than the server's limit";

static const char instructions[] =
    "mlxplan computes answers for work with Apple's MLX and MLX-LM offline, from reviewed "
    "data: chip specifications and GPU memory budgets, memory and speed estimates with their "
    "basis, settings that fit a machine, model architectures, the exact MLX API names and "
    "mlx_lm flags of the pinned versions, and checks of MLX code. Call a tool for every "
    "number, chip figure, API name and flag you state instead of recalling it; when a tool "
    "answers with isError, read the message: it says which argument to change.";

/* ---- the server ---------------------------------------------------------------- */

struct mp_mcp_server {
    mp_mcp_options opt;
    cJSON **in_schema;                /* parsed once, per tool row */
    cJSON **out_schema;
    const proto_version *session;     /* negotiated by initialize; NULL before */
    bool initialized;                 /* notifications/initialized received */
    unsigned long n_messages;
};

void mp_mcp_server_free(mp_mcp_server *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < mp_mcp_tools_len; i++) {
        if (s->in_schema)
            cJSON_Delete(s->in_schema[i]);
        if (s->out_schema)
            cJSON_Delete(s->out_schema[i]);
    }
    free(s->in_schema);
    free(s->out_schema);
    free(s);
}

/* `params`: add the parameter table's properties of that MP_PC_* bit. */
static int load_schema(const char *tool, const char *which, const char *text, unsigned params,
                       cJSON **out, mp_error *err)
{
    *out = cJSON_Parse(text);
    if (!*out)
        return mp_error_set(err, MP_EINTERNAL, "tool '%s': %s schema is not valid JSON", tool,
                            which);
    if (params) {
        int rc = mp_schema_add_params(*out, params, err);
        if (rc)
            return rc;
    }
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(*out, "type");
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "object") != 0)
        return mp_error_set(err, MP_EINTERNAL, "tool '%s': %s schema must be of type object",
                            tool, which);
    int rc = mp_schema_check(*out, err);
    if (rc)
        mp_error_prefix(err, "tool '%s' %s schema", tool, which);
    return rc;
}

int mp_mcp_server_new(const mp_mcp_options *opts, mp_mcp_server **out, mp_error *err)
{
    *out = NULL;
    mp_mcp_server *s = calloc(1, sizeof *s);
    if (!s)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    if (opts)
        s->opt = *opts;
    if (!s->opt.max_line_bytes)
        s->opt.max_line_bytes = MP_MCP_MAX_LINE_BYTES;
    if (!s->opt.max_reply_bytes)
        s->opt.max_reply_bytes = MP_MCP_MAX_REPLY_BYTES;
    s->in_schema = calloc(mp_mcp_tools_len, sizeof *s->in_schema);
    s->out_schema = calloc(mp_mcp_tools_len, sizeof *s->out_schema);
    if (!s->in_schema || !s->out_schema) {
        mp_mcp_server_free(s);
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < mp_mcp_tools_len; i++) {
        const mp_mcp_tool *t = &mp_mcp_tools[i];
        int rc = load_schema(t->name, "input", t->input_schema, t->params, &s->in_schema[i],
                             err);
        if (!rc)
            rc = load_schema(t->name, "output", t->output_schema, 0, &s->out_schema[i], err);
        if (rc) {
            mp_mcp_server_free(s);
            return rc;
        }
    }
    *out = s;
    return 0;
}

size_t mp_mcp_max_line_bytes(const mp_mcp_server *s)
{
    return s->opt.max_line_bytes;
}

const char *mp_mcp_session_version(const mp_mcp_server *s)
{
    return s->session ? s->session->name : NULL;
}

/* ---- one request ------------------------------------------------------------------ */

typedef struct rpc {
    mp_mcp_server *s;
    const cJSON *id;           /* NULL for notifications and unreadable ids */
    char id_raw[72];           /* a numeric id exactly as sent ("" if not captured) */
    const char *method;
    const cJSON *params;       /* NULL when absent */
    const char *meta_version;  /* params._meta protocol version, NULL when absent */
    const proto_version *ver;  /* the revision this request is served under */
    bool in_batch;
    /* the error, when a handler fails */
    int code;
    char message[MP_ERROR_MSG_MAX];
    cJSON *data;
    const char *outcome;       /* for the log */
} rpc;

/* Record a JSON-RPC error; returns NULL so handlers can `return fail(...)`. */
__attribute__((format(printf, 3, 4))) static cJSON *fail(rpc *r, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    r->code = code;
    return NULL;
}

static cJSON *id_item(const rpc *r)
{
    if (!r->id)
        return cJSON_CreateNull();
    if (cJSON_IsString(r->id))
        return cJSON_CreateString(r->id->valuestring);
    if (r->id_raw[0])
        return cJSON_CreateRaw(r->id_raw);
    return cJSON_CreateNumber(r->id->valuedouble);
}

static cJSON *error_reply(const rpc *r, int code, const char *message, cJSON *data)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *e = cJSON_CreateObject();
    if (!o || !e) {
        cJSON_Delete(o);
        cJSON_Delete(e);
        cJSON_Delete(data);
        return NULL;
    }
    cJSON_AddStringToObject(o, "jsonrpc", "2.0");
    cJSON_AddItemToObject(o, "id", id_item(r));
    cJSON_AddNumberToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    if (data)
        cJSON_AddItemToObject(e, "data", data);
    cJSON_AddItemToObject(o, "error", e);
    return o;
}

static cJSON *result_reply(const rpc *r, cJSON *result)
{
    if (r->ver->modern) {
        cJSON_AddStringToObject(result, "resultType", "complete");
        cJSON *meta = cJSON_AddObjectToObject(result, "_meta");
        cJSON *info = cJSON_AddObjectToObject(meta, META_SERVER);
        cJSON_AddStringToObject(info, "name", "mlxplan");
        cJSON_AddStringToObject(info, "version", MLXPLAN_VERSION);
    }
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        cJSON_Delete(result);
        return NULL;
    }
    cJSON_AddStringToObject(o, "jsonrpc", "2.0");
    cJSON_AddItemToObject(o, "id", id_item(r));
    cJSON_AddItemToObject(o, "result", result);
    return o;
}

static cJSON *server_info(const proto_version *v)
{
    cJSON *info = cJSON_CreateObject();
    cJSON_AddStringToObject(info, "name", "mlxplan");
    if (v->structured)
        cJSON_AddStringToObject(info, "title", "mlxplan: MLX planning engine");
    cJSON_AddStringToObject(info, "version", MLXPLAN_VERSION);
    return info;
}

static cJSON *capabilities(void)
{
    cJSON *caps = cJSON_CreateObject();
    cJSON *tools = cJSON_AddObjectToObject(caps, "tools");
    cJSON_AddFalseToObject(tools, "listChanged");
    return caps;
}

/* An optional member that must be an object when present. */
static bool object_or_absent(const cJSON *v)
{
    return !v || cJSON_IsObject(v);
}

/* ---- methods -------------------------------------------------------------------- */

static cJSON *m_initialize(rpc *r)
{
    if (r->in_batch)
        return fail(r, RPC_INVALID_REQUEST, "initialize must not be sent in a batch");
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive(r->params, "protocolVersion");
    if (!cJSON_IsString(pv))
        return fail(r, RPC_BAD_PARAMS, "initialize needs params.protocolVersion (a string)");
    const cJSON *caps = cJSON_GetObjectItemCaseSensitive(r->params, "capabilities");
    const cJSON *client = cJSON_GetObjectItemCaseSensitive(r->params, "clientInfo");
    if (!object_or_absent(caps) || !object_or_absent(client))
        return fail(r, RPC_BAD_PARAMS,
                    "initialize: 'capabilities' and 'clientInfo' must be objects");
    const proto_version *v = find_version(pv->valuestring);
    if (!v || v->modern)
        v = LATEST_LEGACY;
    r->s->session = v;
    r->s->initialized = false;
    r->ver = v;
    cJSON *res = cJSON_CreateObject();
    cJSON_AddStringToObject(res, "protocolVersion", v->name);
    cJSON_AddItemToObject(res, "capabilities", capabilities());
    cJSON_AddItemToObject(res, "serverInfo", server_info(v));
    cJSON_AddStringToObject(res, "instructions", instructions);
    return res;
}

static cJSON *m_ping(rpc *r)
{
    (void)r;
    return cJSON_CreateObject();
}

static cJSON *m_discover(rpc *r)
{
    if (!r->meta_version)
        return fail(r, RPC_BAD_PARAMS,
                    "server/discover needs params._meta[\"" META_VERSION "\"]");
    cJSON *res = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(res, "supportedVersions");
    for (size_t i = 0; i < N_VERSIONS; i++)
        cJSON_AddItemToArray(list, cJSON_CreateString(versions[i].name));
    cJSON_AddItemToObject(res, "capabilities", capabilities());
    cJSON_AddStringToObject(res, "instructions", instructions);
    cJSON_AddNumberToObject(res, "ttlMs", 3600000);
    cJSON_AddStringToObject(res, "cacheScope", "public");
    return res;
}

static cJSON *tool_entry(const mp_mcp_server *s, size_t i, const proto_version *v)
{
    const mp_mcp_tool *t = &mp_mcp_tools[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", t->name);
    if (v->structured)
        cJSON_AddStringToObject(o, "title", t->title);
    cJSON_AddStringToObject(o, "description", t->description);
    cJSON_AddItemReferenceToObject(o, "inputSchema", s->in_schema[i]);
    if (v->structured)
        cJSON_AddItemReferenceToObject(o, "outputSchema", s->out_schema[i]);
    if (v->annotations) {
        /* every tool computes from compiled-in data, reads this machine or
         * reads the Hugging Face cache and Hub; only add_run writes (a new
         * row in the user's runs database each call).  A tool
         * that can reach the Hub is the one that takes `offline`, so the
         * open-world hint is read off its input schema. */
        const cJSON *props = cJSON_GetObjectItemCaseSensitive(s->in_schema[i], "properties");
        bool hub = cJSON_GetObjectItemCaseSensitive(props, "offline") != NULL;
        cJSON *a = cJSON_AddObjectToObject(o, "annotations");
        cJSON_AddStringToObject(a, "title", t->title);
        cJSON_AddBoolToObject(a, "readOnlyHint", !t->writes);
        cJSON_AddFalseToObject(a, "destructiveHint");
        cJSON_AddBoolToObject(a, "idempotentHint", !t->writes);
        cJSON_AddBoolToObject(a, "openWorldHint", hub);
    }
    return o;
}

static cJSON *m_tools_list(rpc *r)
{
    const cJSON *cursor = cJSON_GetObjectItemCaseSensitive(r->params, "cursor");
    if (cursor)
        return fail(r, RPC_BAD_PARAMS,
                    "invalid cursor: every tool is listed in the first page, which has no "
                    "nextCursor");
    cJSON *res = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(res, "tools");
    for (size_t i = 0; i < mp_mcp_tools_len; i++)
        cJSON_AddItemToArray(list, tool_entry(r->s, i, r->ver));
    if (r->ver->modern) {
        cJSON_AddNumberToObject(res, "ttlMs", 3600000);
        cJSON_AddStringToObject(res, "cacheScope", "public");
    }
    return res;
}

static void add_text(cJSON *content, const char *text)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "type", "text");
    cJSON_AddStringToObject(c, "text", text);
    cJSON_AddItemToArray(content, c);
}

/* A tool result marked isError, with the message for the model. */
static cJSON *tool_error(rpc *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static cJSON *tool_error(rpc *r, const char *fmt, ...)
{
    char text[MP_ERROR_MSG_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cJSON *res = cJSON_CreateObject();
    add_text(cJSON_AddArrayToObject(res, "content"), text);
    cJSON_AddTrueToObject(res, "isError");
    r->outcome = "tool error";
    return res;
}

static void tool_names(char *buf, size_t cap, bool available_only)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < mp_mcp_tools_len && k < cap; i++)
        if (!available_only || mp_mcp_tools[i].run)
            k += (size_t)snprintf(buf + k, cap - k, "%s%s", k ? ", " : "", mp_mcp_tools[i].name);
}

static cJSON *run_tool(rpc *r, size_t i, const cJSON *args)
{
    const mp_mcp_tool *t = &mp_mcp_tools[i];
    mp_error e;
    mp_error_clear(&e);
    if (mp_schema_validate(r->s->in_schema[i], args, "arguments", &e))
        return tool_error(r, "invalid arguments for '%s': %s", t->name, e.msg);
    if (!t->run) {
        char avail[256];
        tool_names(avail, sizeof avail, true);
        return tool_error(r,
                          "'%s' is not available in this build of mlxplan: its engine is not "
                          "built in yet. Tools that work in this build: %s.",
                          t->name, avail);
    }
    mp_mcp_result res = {MP_BUF_INIT, NULL};
    res.text.cap = r->s->opt.max_reply_bytes;
    /* engine messages name settings in the tools' spelling (kb/param.h) */
    mp_spelling before = mp_param_spelling();
    mp_param_set_spelling(MP_SPELL_MCP);
    int rc = t->run(args, &res, &e);
    mp_param_set_spelling(before);
    cJSON *out = NULL;
    if (rc) {
        out = tool_error(r, "%s", e.code ? e.msg : mp_error_desc(rc));
    } else if (mp_buf_status(&res.text) == MP_ELIMIT) {
        out = fail(r, RPC_INTERNAL, "%s", too_large);
    } else if (mp_buf_status(&res.text) || !cJSON_IsObject(res.structured)) {
        out = fail(r, RPC_INTERNAL, "tool '%s' could not build its result", t->name);
    } else if (mp_schema_validate(r->s->out_schema[i], res.structured, "result", &e)) {
        /* a bug of ours: never hand a client data that breaks the published schema */
        out = fail(r, RPC_INTERNAL, "tool '%s' produced a result outside its output schema: %s",
                   t->name, e.msg);
    } else {
        out = cJSON_CreateObject();
        cJSON *content = cJSON_AddArrayToObject(out, "content");
        add_text(content, mp_buf_cstr(&res.text));
        if (r->ver->structured) {
            cJSON_AddItemToObject(out, "structuredContent", res.structured);
        } else {
            /* revisions before 2025-06-18 have no structuredContent */
            char *json = cJSON_PrintUnformatted(res.structured);
            if (json)
                add_text(content, json);
            cJSON_free(json);
            cJSON_Delete(res.structured);
        }
        res.structured = NULL;
    }
    cJSON_Delete(res.structured);
    mp_buf_release(&res.text);
    return out;
}

static cJSON *m_tools_call(rpc *r)
{
    if (!r->params)
        return fail(r, RPC_BAD_PARAMS, "tools/call needs params with the tool 'name'");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(r->params, "name");
    if (!cJSON_IsString(name))
        return fail(r, RPC_BAD_PARAMS, "tools/call needs params.name, the tool's name (a string)");
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(r->params, "arguments");
    if (args && !cJSON_IsObject(args))
        return fail(r, RPC_BAD_PARAMS, "tools/call: params.arguments must be an object");
    for (size_t i = 0; i < mp_mcp_tools_len; i++) {
        if (strcmp(mp_mcp_tools[i].name, name->valuestring) != 0)
            continue;
        if (args)
            return run_tool(r, i, args);
        cJSON *empty = cJSON_CreateObject();
        cJSON *out = empty ? run_tool(r, i, empty) : NULL;
        cJSON_Delete(empty);
        return out;
    }
    char all[256];
    tool_names(all, sizeof all, false);
    return fail(r, RPC_BAD_PARAMS, "unknown tool '%.80s'; the tools are: %s", name->valuestring,
                all);
}

static void n_initialized(rpc *r)
{
    r->s->initialized = true;
}

static void n_ignore(rpc *r)
{
    (void)r;
}

enum { ERA_LEGACY = 1, ERA_MODERN = 2, ERA_ANY = 3 };

/* The method table: requests have `call`, notifications `notify`. */
static const struct method {
    const char *name;
    cJSON *(*call)(rpc *r);
    void (*notify)(rpc *r);
    int eras;
} methods[] = {
    {"initialize", m_initialize, NULL, ERA_LEGACY},
    {"ping", m_ping, NULL, ERA_LEGACY},
    {"server/discover", m_discover, NULL, ERA_ANY},
    {"tools/list", m_tools_list, NULL, ERA_ANY},
    {"tools/call", m_tools_call, NULL, ERA_ANY},
    {"notifications/initialized", NULL, n_initialized, ERA_LEGACY},
    {"notifications/cancelled", NULL, n_ignore, ERA_ANY},
};
enum { N_METHODS = sizeof methods / sizeof methods[0] };

static const struct method *find_method(const char *name)
{
    for (size_t i = 0; i < N_METHODS; i++)
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    return NULL;
}

static cJSON *unknown_method(rpc *r)
{
    const char *best = NULL;
    int bestd = 4;
    for (size_t i = 0; i < N_METHODS; i++) {
        if (!methods[i].call)
            continue;
        int d = mp_edit_distance(r->method, methods[i].name);
        if (d < bestd) {
            bestd = d;
            best = methods[i].name;
        }
    }
    if (best)
        return fail(r, RPC_NO_METHOD, "unknown method '%.80s'; did you mean '%s'?", r->method,
                    best);
    return fail(r, RPC_NO_METHOD, "unknown method '%.80s'", r->method);
}

/* ---- raw ids ------------------------------------------------------------------------ */

/* A numeric id is echoed by its original text: cJSON keeps only a double,
 * which would change ids beyond 2^53.  The text was already parsed by
 * cJSON, so this scanner only has to skip values, not check them; but
 * cJSON takes any byte up to 32 as white space, so the scanner does too,
 * and the text it captures is echoed only when it is a JSON number. */

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (unsigned char)*p <= 32)
        p++;
    return p;
}

/* True when s[0..n) is a number in JSON's grammar. */
static bool json_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i >= n || !isdigit((unsigned char)s[i]))
        return false;
    if (s[i] == '0')
        i++;
    else
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
    if (i < n && s[i] == '.') {
        if (++i >= n || !isdigit((unsigned char)s[i]))
            return false;
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        if (++i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !isdigit((unsigned char)s[i]))
            return false;
        while (i < n && isdigit((unsigned char)s[i]))
            i++;
    }
    return i == n;
}

static const char *skip_string(const char *p, const char *end)
{
    for (p++; p < end && *p != '"'; p++)
        if (*p == '\\')
            p++;
    return p < end ? p + 1 : end;
}

static const char *skip_value(const char *p, const char *end)
{
    if (p >= end)
        return end;
    if (*p == '"')
        return skip_string(p, end);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (p < end) {
            if (*p == '"') {
                p = skip_string(p, end);
                continue;
            }
            if (*p == '{' || *p == '[')
                depth++;
            else if ((*p == '}' || *p == ']') && --depth == 0)
                return p + 1;
            p++;
        }
        return end;
    }
    while (p < end && *p && !strchr(",]}", *p) && (unsigned char)*p > 32)
        p++;
    return p;
}

/* Copy the text of the first top-level "id" member of the object at `p`. */
static void raw_id(const char *p, const char *end, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (p >= end || *p != '{')
        return;
    p++;
    for (;;) {
        p = skip_ws(p, end);
        if (p >= end || *p != '"')
            return;
        const char *key = p;
        p = skip_string(p, end);
        bool is_id = p - key == 4 && memcmp(key, "\"id\"", 4) == 0;
        p = skip_ws(p, end);
        if (p >= end || *p != ':')
            return;
        p = skip_ws(p + 1, end);
        const char *v = p;
        p = skip_value(p, end);
        if (is_id) {
            size_t n = (size_t)(p - v);
            if (n < cap && json_number(v, n)) {
                memcpy(buf, v, n);
                buf[n] = '\0';
            }
            return;
        }
        p = skip_ws(p, end);
        if (p >= end || *p != ',')
            return;
        p++;
    }
}

/* ---- dispatch ------------------------------------------------------------------------ */

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void log_line(const rpc *r, double t0)
{
    FILE *f = r->s->opt.log;
    if (!f)
        return;
    char id[96] = "-";
    if (r->id && cJSON_IsString(r->id))
        snprintf(id, sizeof id, "\"%.80s\"", r->id->valuestring);
    else if (r->id)
        snprintf(id, sizeof id, "%s", r->id_raw[0] ? r->id_raw : "?");
    fprintf(f, "mlxplan mcp: #%lu %s id=%s %s: %s (%.0f us)\n", r->s->n_messages,
            r->method ? r->method : "?", id, r->ver ? r->ver->name : "-",
            r->outcome ? r->outcome : "ok", now_us() - t0);
    fflush(f);
}

/* Work out which revision serves this request; false with the error set. */
static bool pick_version(rpc *r)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r->params, "_meta");
    const cJSON *pv = cJSON_IsObject(meta) ? cJSON_GetObjectItemCaseSensitive(meta, META_VERSION)
                                           : NULL;
    r->ver = r->s->session ? r->s->session : LATEST_LEGACY;
    if (meta && !cJSON_IsObject(meta)) {
        fail(r, RPC_BAD_PARAMS, "params._meta must be an object");
        return false;
    }
    if (!pv)
        return true;
    if (!cJSON_IsString(pv)) {
        fail(r, RPC_BAD_PARAMS, "params._meta[\"" META_VERSION "\"] must be a string");
        return false;
    }
    r->meta_version = pv->valuestring;
    const proto_version *v = find_version(pv->valuestring);
    if (!v) {
        r->data = cJSON_CreateObject();
        cJSON *list = cJSON_AddArrayToObject(r->data, "supported");
        for (size_t i = 0; i < N_VERSIONS; i++)
            cJSON_AddItemToArray(list, cJSON_CreateString(versions[i].name));
        cJSON_AddStringToObject(r->data, "requested", pv->valuestring);
        fail(r, RPC_UNSUPPORTED_VERSION, "Unsupported protocol version '%.40s'; supported: %s",
             pv->valuestring, MP_MCP_PROTOCOL_VERSIONS);
        return false;
    }
    if (!v->modern)
        return true; /* a legacy revision is negotiated by initialize, not per request */
    r->ver = v;
    if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(meta, META_CAPS))) {
        fail(r, RPC_BAD_PARAMS, "protocol version %s needs params._meta[\"" META_CAPS
             "\"] (an object)", v->name);
        return false;
    }
    return true;
}

/* Answer one message (an element of a batch or the whole line); NULL when
 * nothing is to be answered.  `raw`..`end` is its text, for the id. */
static cJSON *handle_message(mp_mcp_server *s, const cJSON *m, const char *raw, const char *end,
                             bool in_batch)
{
    double t0 = s->opt.log ? now_us() : 0;
    rpc r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.in_batch = in_batch;
    s->n_messages++;
    if (!cJSON_IsObject(m))
        return error_reply(&r, RPC_INVALID_REQUEST, "a message must be a JSON object", NULL);

    const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(m, "method");
    const cJSON *jsonrpc = cJSON_GetObjectItemCaseSensitive(m, "jsonrpc");
    if (id && !cJSON_IsString(id) && !cJSON_IsNumber(id))
        return error_reply(&r, RPC_INVALID_REQUEST,
                           cJSON_IsNull(id) ? "the id must not be null"
                                            : "the id must be a string or a number",
                           NULL);
    if (id) {
        r.id = id;
        if (cJSON_IsNumber(id))
            raw_id(raw, end, r.id_raw, sizeof r.id_raw);
        if (cJSON_IsNumber(id) && !r.id_raw[0] && !isfinite(id->valuedouble))
            r.id = NULL;
    }
    if (!method) {
        if (id && (cJSON_GetObjectItemCaseSensitive(m, "result") ||
                   cJSON_GetObjectItemCaseSensitive(m, "error")))
            return NULL; /* a client's response: this server sends no requests */
        return error_reply(&r, RPC_INVALID_REQUEST, "the message has no 'method'", NULL);
    }
    if (!cJSON_IsString(jsonrpc) || strcmp(jsonrpc->valuestring, "2.0") != 0)
        return error_reply(&r, RPC_INVALID_REQUEST, "'jsonrpc' must be \"2.0\"", NULL);
    if (!cJSON_IsString(method))
        return error_reply(&r, RPC_INVALID_REQUEST, "'method' must be a string", NULL);
    r.method = method->valuestring;
    const struct method *mt = find_method(r.method);

    if (!id) { /* a notification: act on it, never answer */
        r.params = cJSON_GetObjectItemCaseSensitive(m, "params");
        if (mt && mt->notify)
            mt->notify(&r);
        r.outcome = mt && mt->notify ? "notification" : "ignored notification";
        log_line(&r, t0);
        return NULL;
    }

    cJSON *result = NULL;
    r.params = cJSON_GetObjectItemCaseSensitive(m, "params");
    if (r.params && cJSON_IsArray(r.params))
        fail(&r, RPC_BAD_PARAMS, "params must be an object (named parameters), not an array");
    else if (r.params && !cJSON_IsObject(r.params))
        fail(&r, RPC_INVALID_REQUEST, "params must be an object");
    else if (pick_version(&r)) {
        int era = r.ver->modern ? ERA_MODERN : ERA_LEGACY;
        if (!mt || !mt->call)
            unknown_method(&r);
        else if (!(mt->eras & era))
            fail(&r, RPC_NO_METHOD, "'%s' is not part of protocol version %s", r.method,
                 r.ver->name);
        else
            result = mt->call(&r);
    }
    cJSON *reply;
    if (result) {
        reply = result_reply(&r, result);
    } else {
        if (!r.code)
            fail(&r, RPC_INTERNAL, "out of memory");
        char outcome[32];
        snprintf(outcome, sizeof outcome, "error %d", r.code);
        r.outcome = outcome;
        reply = error_reply(&r, r.code, r.message, r.data);
        r.data = NULL;
        log_line(&r, t0);
        return reply;
    }
    log_line(&r, t0);
    return reply;
}

/* ---- framing ------------------------------------------------------------------------ */

/* An error with id null, for problems found before any message is read. */
static void emit_error(mp_buf *out, int code, const char *message)
{
    rpc r;
    memset(&r, 0, sizeof r);
    cJSON *reply = error_reply(&r, code, message, NULL);
    char *text = reply ? cJSON_PrintUnformatted(reply) : NULL;
    if (text) {
        mp_buf_puts(out, text);
        mp_buf_putc(out, '\n');
    }
    cJSON_free(text);
    cJSON_Delete(reply);
}

static void emit(mp_mcp_server *s, cJSON *reply, mp_buf *out)
{
    if (!reply)
        return;
    char *text = cJSON_PrintUnformatted(reply);
    size_t n = text ? strlen(text) : 0;
    if (text && n <= s->opt.max_reply_bytes) {
        mp_buf_append(out, text, n);
        mp_buf_putc(out, '\n');
    } else {
        /* keep the id: the client is waiting for an answer to it */
        cJSON *id = cJSON_DetachItemFromObjectCaseSensitive(reply, "id");
        cJSON *e = cJSON_CreateObject();
        cJSON *err = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "jsonrpc", "2.0");
        cJSON_AddItemToObject(e, "id", id ? id : cJSON_CreateNull());
        cJSON_AddNumberToObject(err, "code", RPC_INTERNAL);
        cJSON_AddStringToObject(err, "message",
                                text ? too_large : "out of memory");
        cJSON_AddItemToObject(e, "error", err);
        char *small = cJSON_PrintUnformatted(e);
        if (small) {
            mp_buf_puts(out, small);
            mp_buf_putc(out, '\n');
        }
        cJSON_free(small);
        cJSON_Delete(e);
    }
    cJSON_free(text);
    cJSON_Delete(reply);
}

static cJSON *handle_batch(mp_mcp_server *s, const cJSON *arr, const char *p, const char *end)
{
    cJSON *replies = cJSON_CreateArray();
    p = skip_ws(p + 1, end); /* past '[' */
    for (const cJSON *m = arr->child; m; m = m->next) {
        const char *e = skip_value(p, end);
        cJSON *reply = handle_message(s, m, p, e, true);
        if (reply)
            cJSON_AddItemToArray(replies, reply);
        p = skip_ws(e, end);
        if (p < end && *p == ',')
            p = skip_ws(p + 1, end);
    }
    if (cJSON_GetArraySize(replies) == 0) {
        cJSON_Delete(replies);
        return NULL;
    }
    return replies;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int mp_mcp_handle(mp_mcp_server *s, const char *msg, size_t len, mp_buf *out)
{
    while (len && blank(msg[len - 1]))
        len--;
    while (len && blank(*msg)) {
        msg++;
        len--;
    }
    if (!len)
        return 0;
    if (!mp_utf8_valid(msg, len)) {
        s->n_messages++;
        emit_error(out, RPC_PARSE, "Parse error: the message is not valid UTF-8");
        return mp_buf_status(out);
    }
    const char *parse_end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(msg, len, &parse_end, false);
    if (!root || (size_t)(parse_end - msg) != len) {
        char text[128];
        size_t at = parse_end ? (size_t)(parse_end - msg) : 0;
        snprintf(text, sizeof text, "Parse error: %s at byte %zu",
                 root ? "text after the JSON value" : "invalid JSON", at);
        cJSON_Delete(root);
        s->n_messages++;
        emit_error(out, RPC_PARSE, text);
        return mp_buf_status(out);
    }
    if (cJSON_IsArray(root)) {
        s->n_messages++;
        if (!s->session || !s->session->batches) {
            char text[160];
            snprintf(text, sizeof text,
                     "JSON-RPC batches are not supported in protocol version %s; send one "
                     "message per line",
                     s->session ? s->session->name : LATEST_LEGACY->name);
            emit_error(out, RPC_INVALID_REQUEST, text);
        } else if (!root->child) {
            emit_error(out, RPC_INVALID_REQUEST, "an empty batch is not a valid request");
        } else {
            emit(s, handle_batch(s, root, msg, msg + len), out);
        }
    } else {
        emit(s, handle_message(s, root, msg, msg + len, false), out);
    }
    cJSON_Delete(root);
    return mp_buf_status(out);
}

void mp_mcp_reply_too_long(mp_mcp_server *s, mp_buf *out)
{
    char text[160];
    s->n_messages++;
    snprintf(text, sizeof text, "the message is longer than the limit of %zu bytes",
             s->opt.max_line_bytes);
    emit_error(out, RPC_INVALID_REQUEST, text);
}
