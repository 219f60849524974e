/* schema.c - the JSON Schema subset of the MCP tool table; see schema.h. */
#include "mcp/schema.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

#define PATH_MAX_BYTES 256
#define MAX_DEPTH 32

/* Exact integers stop at 2^53 in a double; JSON numbers beyond are not
 * accepted as "integer". */
#define MAX_EXACT_INT 9007199254740992.0

static const char *const type_names[] = {"object", "array",   "string", "integer",
                                         "number", "boolean", "null"};

static const char *const keywords[] = {
    "type",      "properties", "required",  "additionalProperties", "enum",
    "minimum",   "maximum",    "minLength", "maxLength",            "items",
    "minItems",  "maxItems",   "title",     "description",          "default",
    "examples",
};

static bool known_type(const char *s)
{
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (strcmp(s, type_names[i]) == 0)
            return true;
    return false;
}

static bool known_keyword(const char *s)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strcmp(s, keywords[i]) == 0)
            return true;
    return false;
}

static bool is_count(const cJSON *v)
{
    return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= MAX_EXACT_INT &&
           v->valuedouble == floor(v->valuedouble);
}

/* Append ".key" or "[i]" to a path; truncation only shortens messages. */
static void path_key(char *dst, size_t cap, const char *base, const char *key)
{
    if (base[0])
        snprintf(dst, cap, "%.160s.%.80s", base, key);
    else
        snprintf(dst, cap, "%s", key);
}

static void path_index(char *dst, size_t cap, const char *base, int i)
{
    snprintf(dst, cap, "%.200s[%d]", base[0] ? base : "value", i);
}

static int check_node(const cJSON *s, const char *path, int depth, mp_error *err)
{
    if (depth > MAX_DEPTH)
        return mp_error_set(err, MP_EINTERNAL, "schema too deep at '%s'", path);
    if (!cJSON_IsObject(s))
        return mp_error_set(err, MP_EINTERNAL, "schema at '%s' is not an object", path);
    for (const cJSON *k = s->child; k; k = k->next) {
        const char *kw = k->string;
        if (!known_keyword(kw))
            return mp_error_set(err, MP_EINTERNAL, "schema at '%s' uses unsupported keyword '%s'",
                                path[0] ? path : "(root)", kw);
        bool ok = true;
        if (strcmp(kw, "type") == 0) {
            if (cJSON_IsString(k)) {
                ok = known_type(k->valuestring);
            } else if (cJSON_IsArray(k) && cJSON_GetArraySize(k) > 0) {
                for (const cJSON *t = k->child; t; t = t->next)
                    ok = ok && cJSON_IsString(t) && known_type(t->valuestring);
            } else {
                ok = false;
            }
        } else if (strcmp(kw, "properties") == 0) {
            ok = cJSON_IsObject(k);
            for (const cJSON *p = ok ? k->child : NULL; p; p = p->next) {
                char sub[PATH_MAX_BYTES];
                path_key(sub, sizeof sub, path, p->string);
                int rc = check_node(p, sub, depth + 1, err);
                if (rc)
                    return rc;
            }
        } else if (strcmp(kw, "required") == 0) {
            ok = cJSON_IsArray(k);
            for (const cJSON *r = ok ? k->child : NULL; r; r = r->next)
                ok = ok && cJSON_IsString(r);
        } else if (strcmp(kw, "additionalProperties") == 0) {
            ok = cJSON_IsBool(k);
        } else if (strcmp(kw, "enum") == 0) {
            ok = cJSON_IsArray(k) && cJSON_GetArraySize(k) > 0;
            for (const cJSON *e = ok ? k->child : NULL; e; e = e->next)
                ok = ok && (cJSON_IsString(e) || cJSON_IsNumber(e) || cJSON_IsBool(e) ||
                            cJSON_IsNull(e));
        } else if (strcmp(kw, "minimum") == 0 || strcmp(kw, "maximum") == 0) {
            ok = cJSON_IsNumber(k);
        } else if (strcmp(kw, "minLength") == 0 || strcmp(kw, "maxLength") == 0 ||
                   strcmp(kw, "minItems") == 0 || strcmp(kw, "maxItems") == 0) {
            ok = is_count(k);
        } else if (strcmp(kw, "items") == 0) {
            char sub[PATH_MAX_BYTES];
            snprintf(sub, sizeof sub, "%.200s[]", path);
            int rc = check_node(k, sub, depth + 1, err);
            if (rc)
                return rc;
        } else if (strcmp(kw, "title") == 0 || strcmp(kw, "description") == 0) {
            ok = cJSON_IsString(k);
        }
        if (!ok)
            return mp_error_set(err, MP_EINTERNAL, "schema at '%s' has a malformed '%s'",
                                path[0] ? path : "(root)", kw);
    }
    /* every required name must be a declared property when properties are closed */
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(s, "properties");
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(s, "required");
    for (const cJSON *r = req ? req->child : NULL; r; r = r->next)
        if (!props || !cJSON_GetObjectItemCaseSensitive(props, r->valuestring))
            return mp_error_set(err, MP_EINTERNAL,
                                "schema at '%s' requires '%s' but does not declare it",
                                path[0] ? path : "(root)", r->valuestring);
    return 0;
}

int mp_schema_check(const cJSON *schema, mp_error *err)
{
    return check_node(schema, "", 0, err);
}

/* ---- validation ----------------------------------------------------------- */

static const char *kind_of(const cJSON *v)
{
    if (cJSON_IsObject(v))
        return "an object";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    return "null";
}

static bool is_integer(const cJSON *v)
{
    double d = v->valuedouble;
    return isfinite(d) && d == floor(d) && fabs(d) <= MAX_EXACT_INT;
}

static bool has_type(const cJSON *v, const char *t)
{
    if (strcmp(t, "object") == 0)
        return cJSON_IsObject(v);
    if (strcmp(t, "array") == 0)
        return cJSON_IsArray(v);
    if (strcmp(t, "string") == 0)
        return cJSON_IsString(v);
    if (strcmp(t, "number") == 0)
        return cJSON_IsNumber(v) && isfinite(v->valuedouble);
    if (strcmp(t, "integer") == 0)
        return cJSON_IsNumber(v) && is_integer(v);
    if (strcmp(t, "boolean") == 0)
        return cJSON_IsBool(v);
    return cJSON_IsNull(v);
}

/* A short quotation of a value for messages: "'lst'", "36.5", "an object". */
static void quote(const cJSON *v, char *buf, size_t cap)
{
    if (cJSON_IsString(v)) {
        size_t n = strlen(v->valuestring);
        if (n > 40) {
            /* cut on a code point boundary so the message stays valid UTF-8 */
            size_t cut = 40;
            while (cut > 0 && ((unsigned char)v->valuestring[cut] & 0xc0) == 0x80)
                cut--;
            snprintf(buf, cap, "'%.*s...'", (int)cut, v->valuestring);
        } else {
            snprintf(buf, cap, "'%s'", v->valuestring);
        }
    } else if (cJSON_IsNumber(v)) {
        snprintf(buf, cap, "%.17g", v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        snprintf(buf, cap, "%s", cJSON_IsTrue(v) ? "true" : "false");
    } else {
        snprintf(buf, cap, "%s", kind_of(v));
    }
}

static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

/* "string", "integer or null" */
static void type_text(const cJSON *type, char *buf, size_t cap)
{
    if (cJSON_IsString(type)) {
        snprintf(buf, cap, "%s", type->valuestring);
        return;
    }
    size_t k = 0;
    buf[0] = '\0';
    for (const cJSON *t = type->child; t && k < cap; t = t->next)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", k ? " or " : "", t->valuestring);
}

static bool type_ok(const cJSON *type, const cJSON *v)
{
    if (!type)
        return true;
    if (cJSON_IsString(type))
        return has_type(v, type->valuestring);
    for (const cJSON *t = type->child; t; t = t->next)
        if (has_type(v, t->valuestring))
            return true;
    return false;
}

static bool enum_has(const cJSON *en, const cJSON *v)
{
    for (const cJSON *e = en->child; e; e = e->next) {
        if (cJSON_IsString(e) && cJSON_IsString(v) && strcmp(e->valuestring, v->valuestring) == 0)
            return true;
        if (cJSON_IsNumber(e) && cJSON_IsNumber(v) && e->valuedouble == v->valuedouble)
            return true;
        if (cJSON_IsBool(e) && cJSON_IsBool(v) && cJSON_IsTrue(e) == cJSON_IsTrue(v))
            return true;
        if (cJSON_IsNull(e) && cJSON_IsNull(v))
            return true;
    }
    return false;
}

/* "list, show, detect" and the closest member to a string value. */
static void enum_text(const cJSON *en, const cJSON *v, char *list, size_t cap, char *best,
                      size_t best_cap)
{
    size_t k = 0;
    int bestd = 3;
    list[0] = best[0] = '\0';
    for (const cJSON *e = en->child; e && k < cap; e = e->next) {
        char q[64];
        if (cJSON_IsString(e))
            snprintf(q, sizeof q, "%s", e->valuestring);
        else
            quote(e, q, sizeof q);
        k += (size_t)snprintf(list + k, cap - k, "%s%s", k ? ", " : "", q);
        if (cJSON_IsString(e) && cJSON_IsString(v)) {
            int d = mp_edit_distance(v->valuestring, e->valuestring);
            if (d < bestd) {
                bestd = d;
                snprintf(best, best_cap, "%s", e->valuestring);
            }
        }
    }
}

static int validate(const cJSON *s, const cJSON *v, const char *path, const char *what, int depth,
                    mp_error *err);

static int validate_object(const cJSON *s, const cJSON *v, const char *path, const char *what,
                           int depth, mp_error *err)
{
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(s, "properties");
    const cJSON *addl = cJSON_GetObjectItemCaseSensitive(s, "additionalProperties");
    bool closed = addl && cJSON_IsFalse(addl);
    for (const cJSON *m = v->child; m; m = m->next) {
        const cJSON *ps = props ? cJSON_GetObjectItemCaseSensitive(props, m->string) : NULL;
        char sub[PATH_MAX_BYTES];
        path_key(sub, sizeof sub, path, m->string);
        if (ps) {
            int rc = validate(ps, m, sub, what, depth + 1, err);
            if (rc)
                return rc;
            continue;
        }
        if (!closed)
            continue;
        char accepted[400] = "", best[96] = "";
        size_t k = 0;
        int bestd = 3;
        for (const cJSON *p = props ? props->child : NULL; p && k < sizeof accepted; p = p->next) {
            k += (size_t)snprintf(accepted + k, sizeof accepted - k, "%s%s", k ? ", " : "",
                                  p->string);
            int d = mp_edit_distance(m->string, p->string);
            if (d < bestd) {
                bestd = d;
                snprintf(best, sizeof best, "%s", p->string);
            }
        }
        char q[64];
        snprintf(q, sizeof q, "%.48s%s", sub, strlen(sub) > 48 ? "..." : "");
        if (best[0])
            return mp_error_set(err, MP_EINVAL, "unknown argument '%s'; did you mean '%s'? (accepted: %s)",
                                q, best, accepted);
        if (accepted[0])
            return mp_error_set(err, MP_EINVAL, "unknown argument '%s' (accepted: %s)", q,
                                accepted);
        return mp_error_set(err, MP_EINVAL, "unknown argument '%s': %s takes no arguments", q,
                            path[0] ? path : what);
    }
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(s, "required");
    for (const cJSON *r = req ? req->child : NULL; r; r = r->next)
        if (!cJSON_GetObjectItemCaseSensitive(v, r->valuestring)) {
            char sub[PATH_MAX_BYTES];
            path_key(sub, sizeof sub, path, r->valuestring);
            const cJSON *ps = cJSON_GetObjectItemCaseSensitive(props, r->valuestring);
            const cJSON *desc = cJSON_GetObjectItemCaseSensitive(ps, "description");
            if (cJSON_IsString(desc))
                return mp_error_set(err, MP_EINVAL, "missing required argument '%s' (%s)", sub,
                                    desc->valuestring);
            return mp_error_set(err, MP_EINVAL, "missing required argument '%s'", sub);
        }
    return 0;
}

static int validate(const cJSON *s, const cJSON *v, const char *path, const char *what, int depth,
                    mp_error *err)
{
    const char *name = path[0] ? path : what;
    char q[128];
    if (depth > MAX_DEPTH)
        return mp_error_set(err, MP_EINVAL, "'%s' is nested too deeply", name);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(s, "type");
    if (!type_ok(type, v)) {
        char want[96];
        type_text(type, want, sizeof want);
        quote(v, q, sizeof q);
        if (cJSON_IsString(v) || cJSON_IsNumber(v) || cJSON_IsBool(v))
            return mp_error_set(err, MP_EINVAL, "'%s' must be %s %s, got %s %s", name,
                                strchr("aeiou", want[0]) ? "an" : "a", want, kind_of(v), q);
        return mp_error_set(err, MP_EINVAL, "'%s' must be %s %s, got %s", name,
                            strchr("aeiou", want[0]) ? "an" : "a", want, kind_of(v));
    }
    const cJSON *en = cJSON_GetObjectItemCaseSensitive(s, "enum");
    if (en && !enum_has(en, v)) {
        char list[400], best[96];
        enum_text(en, v, list, sizeof list, best, sizeof best);
        quote(v, q, sizeof q);
        if (best[0])
            return mp_error_set(err, MP_EINVAL, "'%s' must be one of %s; got %s (did you mean '%s'?)",
                                name, list, q, best);
        return mp_error_set(err, MP_EINVAL, "'%s' must be one of %s; got %s", name, list, q);
    }
    if (cJSON_IsNumber(v)) {
        const cJSON *mn = cJSON_GetObjectItemCaseSensitive(s, "minimum");
        const cJSON *mx = cJSON_GetObjectItemCaseSensitive(s, "maximum");
        double d = v->valuedouble;
        if ((mn && d < mn->valuedouble) || (mx && d > mx->valuedouble)) {
            quote(v, q, sizeof q);
            if (mn && mx)
                return mp_error_set(err, MP_EINVAL, "'%s' must be between %.17g and %.17g, got %s",
                                    name, mn->valuedouble, mx->valuedouble, q);
            if (mn)
                return mp_error_set(err, MP_EINVAL, "'%s' must be at least %.17g, got %s", name,
                                    mn->valuedouble, q);
            return mp_error_set(err, MP_EINVAL, "'%s' must be at most %.17g, got %s", name,
                                mx->valuedouble, q);
        }
    }
    if (cJSON_IsString(v)) {
        const cJSON *mn = cJSON_GetObjectItemCaseSensitive(s, "minLength");
        const cJSON *mx = cJSON_GetObjectItemCaseSensitive(s, "maxLength");
        size_t n = utf8_length(v->valuestring);
        if (mn && (double)n < mn->valuedouble) {
            if (n == 0)
                return mp_error_set(err, MP_EINVAL, "'%s' must not be empty", name);
            return mp_error_set(err, MP_EINVAL, "'%s' must have at least %.0f characters, got %zu",
                                name, mn->valuedouble, n);
        }
        if (mx && (double)n > mx->valuedouble)
            return mp_error_set(err, MP_EINVAL, "'%s' must have at most %.0f characters, got %zu",
                                name, mx->valuedouble, n);
    }
    if (cJSON_IsArray(v)) {
        const cJSON *mn = cJSON_GetObjectItemCaseSensitive(s, "minItems");
        const cJSON *mx = cJSON_GetObjectItemCaseSensitive(s, "maxItems");
        int n = cJSON_GetArraySize(v);
        if (mn && n < mn->valuedouble)
            return mp_error_set(err, MP_EINVAL, "'%s' must have at least %.0f items, got %d", name,
                                mn->valuedouble, n);
        if (mx && n > mx->valuedouble)
            return mp_error_set(err, MP_EINVAL, "'%s' must have at most %.0f items, got %d", name,
                                mx->valuedouble, n);
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(s, "items");
        int i = 0;
        for (const cJSON *e = items ? v->child : NULL; e; e = e->next, i++) {
            char sub[PATH_MAX_BYTES];
            path_index(sub, sizeof sub, path, i);
            int rc = validate(items, e, sub, what, depth + 1, err);
            if (rc)
                return rc;
        }
    }
    if (cJSON_IsObject(v))
        return validate_object(s, v, path, what, depth, err);
    return 0;
}

int mp_schema_validate(const cJSON *schema, const cJSON *value, const char *what, mp_error *err)
{
    return validate(schema, value, "", what, 0, err);
}

/* ---- properties from the parameter table ----------------------------------- */

cJSON *mp_schema_param_property(const mp_param *p, unsigned cmd)
{
    static const char *const types[] = {
        [MP_PT_SWITCH] = "boolean", [MP_PT_INT] = "integer", [MP_PT_TOKENS] = "integer",
        [MP_PT_NUM] = "number",     [MP_PT_COUNT] = "number", [MP_PT_TEXT] = "string",
        [MP_PT_LIST] = "array",
    };
    cJSON *o = cJSON_CreateObject();
    bool ok = o && cJSON_AddStringToObject(o, "type", types[p->type]);
    if (ok && p->choices[0]) {
        cJSON *en = cJSON_AddArrayToObject(o, "enum");
        ok = en != NULL;
        for (const char *c = p->choices; ok && *c;) {
            const char *end = strchr(c, ',');
            size_t n = end ? (size_t)(end - c) : strlen(c);
            char one[64];
            snprintf(one, sizeof one, "%.*s", (int)n, c);
            cJSON *item = p->type == MP_PT_TEXT ? cJSON_CreateString(one)
                                                : cJSON_CreateNumber(strtod(one, NULL));
            ok = item && cJSON_AddItemToArray(en, item);
            c += n + (end ? 1 : 0);
        }
    } else if (ok && p->type == MP_PT_LIST) {
        cJSON *items = NULL;
        ok = cJSON_AddNumberToObject(o, "maxItems", MP_PLIST_MAX) &&
             (items = cJSON_AddObjectToObject(o, "items")) != NULL &&
             cJSON_AddStringToObject(items, "type", "string") &&
             cJSON_AddNumberToObject(items, "minLength", p->lo) &&
             cJSON_AddNumberToObject(items, "maxLength", p->hi);
    } else if (ok && p->type == MP_PT_TEXT) {
        ok = cJSON_AddNumberToObject(o, "minLength", p->lo) &&
             cJSON_AddNumberToObject(o, "maxLength", p->hi);
    } else if (ok && p->type != MP_PT_SWITCH) {
        ok = cJSON_AddNumberToObject(o, "minimum", p->lo) &&
             cJSON_AddNumberToObject(o, "maximum", p->hi);
    }
    if (ok && p->type != MP_PT_SWITCH && p->type != MP_PT_TEXT && p->type != MP_PT_LIST &&
        !(cmd & MP_PC_NO_DEFAULTS) && p->dflt[0] >= '0' &&
        p->dflt[0] <= '9')
        ok = cJSON_AddNumberToObject(o, "default", strtod(p->dflt, NULL)) != NULL;
    char help[400];
    mp_param_help(p->id, cmd, help, sizeof help);
    if (ok)
        ok = cJSON_AddStringToObject(o, "description", help) != NULL;
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int mp_schema_add_params(cJSON *schema, unsigned cmd, mp_error *err)
{
    cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
    if (!cJSON_IsObject(props))
        return mp_error_set(err, MP_EINTERNAL, "schema has no properties object");
    for (int i = 0; i < MP_P_N; i++) {
        const mp_param *p = &mp_param_table[i];
        if (!(p->cmds & cmd) || !p->mcp[0])
            continue;
        cJSON *o = mp_schema_param_property(p, cmd);
        if (!o || !cJSON_AddItemToObject(props, p->mcp, o)) {
            cJSON_Delete(o);
            return mp_error_set(err, MP_ENOMEM, "out of memory");
        }
    }
    return 0;
}
