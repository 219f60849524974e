/* json.c - cJSON helpers for the renderers; see json.h. */
#include "render/json.h"

#include <math.h>
#include <stdlib.h>

#include "util/error.h"
#include "util/text.h"

cJSON *mp_json_num(cJSON *obj, const char *key, double v)
{
    if (!isfinite(v))
        return cJSON_AddNullToObject(obj, key);
    if (fabs(v) < 9e15 && v == floor(v))
        return cJSON_AddNumberToObject(obj, key, v);
    return cJSON_AddNumberToObject(obj, key, mp_round_sig(v, 6));
}

cJSON *mp_json_str(cJSON *obj, const char *key, const char *s)
{
    if (!s)
        return cJSON_AddNullToObject(obj, key);
    return cJSON_AddStringToObject(obj, key, s);
}

int mp_json_emit(cJSON *root, mp_buf *out, mp_error *err)
{
    int rc = root ? mp_json_write(root, out) : MP_ENOMEM;
    cJSON_Delete(root);
    return rc ? mp_error_set(err, rc, "out of memory") : 0;
}

int mp_json_write(const cJSON *item, mp_buf *out)
{
    char *s = cJSON_Print(item);
    if (!s)
        return MP_ENOMEM;
    mp_buf_puts(out, s);
    mp_buf_putc(out, '\n');
    cJSON_free(s);
    return 0;
}
