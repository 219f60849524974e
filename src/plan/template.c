/* template.c - placeholders of the project templates; see template.h. */
#include "plan/template.h"

#include <string.h>

#include "plan/doc.h"

/* Length of the placeholder name at `s` when `s` starts NAME@, else 0. */
static size_t name_len(const char *s)
{
    size_t n = 0;
    while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
        n++;
    return n > 0 && s[n] == '@' ? n : 0;
}

int mp_tpl_render(mp_buf *out, const char *text, const mp_tpl_var *vars, size_t n,
                  mp_error *err)
{
    const char *p = text;
    for (;;) {
        const char *at = strchr(p, '@');
        if (!at) {
            mp_buf_puts(out, p);
            return 0;
        }
        mp_buf_append(out, p, (size_t)(at - p));
        size_t len = name_len(at + 1);
        if (!len) {
            mp_buf_putc(out, '@');
            p = at + 1;
            continue;
        }
        const mp_tpl_var *v = NULL;
        for (size_t i = 0; i < n && !v; i++)
            if (strlen(vars[i].name) == len && memcmp(vars[i].name, at + 1, len) == 0)
                v = &vars[i];
        if (!v)
            return mp_error_set(err, MP_EINVAL, "template placeholder '@%.*s@' has no value",
                                (int)len, at + 1);
        mp_buf_puts(out, v->value);
        p = at + len + 2;
    }
}

const mp_plan_file_row *mp_tpl_files(const char *flow, size_t *n)
{
    const mp_plan_file_row *first = NULL;
    *n = 0;
    for (size_t i = 0; i < mp_plan_file_rows_len; i++) {
        if (strcmp(mp_plan_file_rows[i].flow, flow) != 0)
            continue;
        if (!first)
            first = &mp_plan_file_rows[i];
        (*n)++;
    }
    return first; /* the table keeps a flow's rows together (test_template checks) */
}

int mp_tpl_write(mp_plan *p, const char *flow, const mp_tpl_var *vars, size_t n, mp_error *err)
{
    size_t nf;
    const mp_plan_file_row *rows = mp_tpl_files(flow, &nf);
    mp_block *t = mp_doc_table(p, MP_SEC_CODE, 2, "file\twhat it does");
    for (size_t i = 0; i < nf; i++)
        mp_doc_row(p, t, "%s\t%s", rows[i].path, rows[i].purpose);
    mp_buf b = MP_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < nf && !rc; i++) {
        mp_buf_reset(&b);
        rc = mp_tpl_render(&b, rows[i].text, vars, n, err);
        const char *dot = strrchr(rows[i].path, '.');
        if (!rc)
            mp_doc_code(p, MP_SEC_CODE, dot && strcmp(dot, ".yaml") == 0 ? "yaml" : "python",
                        rows[i].path, mp_buf_cstr(&b));
    }
    mp_buf_release(&b);
    return rc;
}
