/* kb.c - exact look-ups in the compiled knowledge tables; see kb.h. */
#include "kb/kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

const char *mp_kb_version(const char *key)
{
    for (size_t i = 0; i < mp_version_rows_len; i++)
        if (strcmp(mp_version_rows[i].key, key) == 0)
            return mp_version_rows[i].value;
    return NULL;
}

static const char *short_commit(const char *c, char *buf)
{
    mp_strlcpy(buf, c ? c : "", 10);
    return buf;
}

void mp_kb_version_text(mp_buf *out)
{
    char a[16], b[16];
    mp_buf_printf(out,
                  "mlxplan %s\n"
                  "knowledge: mlx %s (snapshot %s), mlx-lm %s (snapshot %s)\n"
                  "plans install: mlx==%s mlx-lm==%s\n",
                  MLXPLAN_VERSION, mp_kb_version("mlx_snapshot_version"),
                  short_commit(mp_kb_version("mlx_snapshot_commit"), a),
                  mp_kb_version("mlx_lm_snapshot_version"),
                  short_commit(mp_kb_version("mlx_lm_snapshot_commit"), b),
                  mp_kb_version("mlx_pin"), mp_kb_version("mlx_lm_pin"));
}

/* ---- API ------------------------------------------------------------------ */

const char *mp_kb_qualify(const char *name, char *buf, size_t cap)
{
    static const struct {
        const char *alias, *full;
    } prefixes[] = {
        {"mx.", "mlx.core."},
        {"nn.", "mlx.nn."},
        {"optim.", "mlx.optimizers."},
        {"optimizers.", "mlx.optimizers."},
        {"mlx.core.", "mlx.core."},
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i].alias);
        if (strncmp(name, prefixes[i].alias, n) == 0) {
            snprintf(buf, cap, "%s%s", prefixes[i].full, name + n);
            return buf;
        }
    }
    mp_strlcpy(buf, name, cap);
    return buf;
}

/* First row whose qname is not below `q` (rows are sorted by qname, then
 * signature, so overloads are adjacent). */
static size_t api_lower_bound(const char *q)
{
    size_t lo = 0, hi = mp_api_rows_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(mp_api_rows[mid].qname, q) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const mp_api_row *mp_kb_api_find(const char *name)
{
    char q[256];
    mp_kb_qualify(name, q, sizeof q);
    size_t i = api_lower_bound(q);
    return i < mp_api_rows_len && strcmp(mp_api_rows[i].qname, q) == 0 ? &mp_api_rows[i] : NULL;
}

bool mp_kb_api_deprecated(const mp_api_row *r, char *repl, size_t cap)
{
    if (!r->replaced_by[0])
        return false;
    if (repl && cap)
        mp_strlcpy(repl, r->replaced_by, cap);
    return true;
}

size_t mp_kb_api_prefix(const char *prefix, size_t *count)
{
    size_t lo = api_lower_bound(prefix), n = strlen(prefix);
    size_t end = lo;
    while (end < mp_api_rows_len && strncmp(mp_api_rows[end].qname, prefix, n) == 0)
        end++;
    *count = end - lo;
    return lo;
}

bool mp_kb_api_has_prefix(const char *prefix)
{
    size_t lo = api_lower_bound(prefix);
    return lo < mp_api_rows_len && strncmp(mp_api_rows[lo].qname, prefix, strlen(prefix)) == 0;
}

/* ---- CLI -------------------------------------------------------------------- */

/* "mlx_lm lora" and "python -m mlx_lm lora" name the same command as
 * "mlx_lm.lora". */
static void normalize_command(const char *cmd, char *buf, size_t cap)
{
    if (strncmp(cmd, "python -m ", 10) == 0)
        cmd += 10;
    mp_strlcpy(buf, cmd, cap);
    char *sp = strchr(buf, ' ');
    if (sp && strncmp(buf, "mlx_lm ", 7) == 0)
        *sp = '.';
}

static int cmp_cli(const mp_cli_row *r, const char *cmd, const char *flag)
{
    int c = strcmp(cmd, r->command);
    return c ? c : strcmp(flag, r->flag);
}

const mp_cli_row *mp_kb_cli_find(const char *command, const char *flag)
{
    char cmd[96];
    normalize_command(command, cmd, sizeof cmd);
    size_t lo = 0, hi = mp_cli_rows_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_cli(&mp_cli_rows[mid], cmd, flag);
        if (c == 0)
            return &mp_cli_rows[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    /* short aliases ("-m") live in the aliases column */
    for (size_t i = 0; i < mp_cli_rows_len; i++) {
        const mp_cli_row *r = &mp_cli_rows[i];
        if (strcmp(r->command, cmd) != 0 || !r->aliases[0])
            continue;
        const char *a = r->aliases;
        size_t fl = strlen(flag);
        while (*a) {
            size_t n = strcspn(a, ", ");
            if (n == fl && strncmp(a, flag, n) == 0)
                return r;
            a += n;
            a += strspn(a, ", ");
        }
    }
    return NULL;
}

bool mp_kb_cli_command_known(const char *command)
{
    char cmd[96];
    normalize_command(command, cmd, sizeof cmd);
    for (size_t i = 0; i < mp_cli_rows_len; i++)
        if (strcmp(mp_cli_rows[i].command, cmd) == 0)
            return true;
    return false;
}

/* ---- other tables ----------------------------------------------------------- */

const mp_lora_key_row *mp_kb_lora_key(const char *key)
{
    if (strncmp(key, "lora_config.", 12) == 0)
        key += 12;
    for (size_t i = 0; i < mp_lora_key_rows_len; i++)
        if (strcmp(mp_lora_key_rows[i].key, key) == 0)
            return &mp_lora_key_rows[i];
    return NULL;
}

const mp_format_row *mp_kb_format(const char *name)
{
    for (size_t i = 0; i < mp_format_rows_len; i++)
        if (strcmp(mp_format_rows[i].format, name) == 0)
            return &mp_format_rows[i];
    return NULL;
}

bool mp_kb_model_type_supported(const char *model_type)
{
    for (size_t i = 0; i < mp_model_alias_rows_len; i++)
        if (strcmp(mp_model_alias_rows[i].config_type, model_type) == 0)
            return true;
    for (size_t i = 0; i < mp_model_type_rows_len; i++)
        if (strcmp(mp_model_type_rows[i].name, model_type) == 0)
            return true;
    return false;
}

const mp_practice_row *mp_kb_practice(const char *id)
{
    for (size_t i = 0; i < mp_practice_rows_len; i++)
        if (mp_ieq(mp_practice_rows[i].id, id))
            return &mp_practice_rows[i];
    return NULL;
}

static bool list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list;
    while (*p) {
        size_t k = strcspn(p, ",");
        if (k == n && strncmp(p, name, n) == 0)
            return true;
        p += k;
        if (*p == ',')
            p++;
    }
    return false;
}

const mp_feature_row *mp_kb_feature_for(const char *qname)
{
    for (size_t i = 0; i < mp_feature_rows_len; i++)
        if (list_has(mp_feature_rows[i].names, qname))
            return &mp_feature_rows[i];
    return NULL;
}
