/*
 * json.h - small helpers over cJSON for the JSON renderers: numbers rounded
 * for output (NaN and infinities become null), strings that may be NULL, and
 * printing a tree into an mp_buf.
 */
#ifndef MP_RENDER_JSON_H
#define MP_RENDER_JSON_H

#include <cjson/cJSON.h>

#include "util/buf.h"
#include "util/error.h"

/* Add `v` to `obj` under `key`: integers exactly, other values rounded to 6
 * significant digits; non-finite values as null.  Returns the new item. */
cJSON *mp_json_num(cJSON *obj, const char *key, double v);
/* Add a string, or null when s is NULL. */
cJSON *mp_json_str(cJSON *obj, const char *key, const char *s);
/* Append `item` formatted (cJSON_Print: tab indentation) plus a newline; the tree is
 * not freed.  Returns 0 or MP_ENOMEM. */
int mp_json_write(const cJSON *item, mp_buf *out);
/* A front-end's JSON document: `root` (NULL when building it ran out of
 * memory) appended as mp_json_write does, then freed.  Returns 0, or
 * MP_ENOMEM with "out of memory" in `err`. */
int mp_json_emit(cJSON *root, mp_buf *out, mp_error *err);

#endif
