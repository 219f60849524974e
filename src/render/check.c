/* check.c - text and JSON renderers for checker findings; see check.h. */
#include "render/check.h"

#include "kb/kb.h"
#include "render/json.h"

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void mp_render_check_summary(const mp_check_result *r, mp_buf *out)
{
    if (r->n == 0) {
        mp_buf_printf(out, "no problems found in %zu %s", r->n_files,
                      plural(r->n_files, "file", "files"));
        return;
    }
    mp_buf_printf(out, "%zu %s (", r->n, plural(r->n, "problem", "problems"));
    static const struct {
        mp_check_severity sev;
        const char *one, *many;
    } order[] = {{MP_CHECK_error, "error", "errors"},
                 {MP_CHECK_warning, "warning", "warnings"},
                 {MP_CHECK_note, "note", "notes"}};
    const char *sep = "";
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        size_t k = r->count[order[i].sev];
        if (!k)
            continue;
        mp_buf_printf(out, "%s%zu %s", sep, k, plural(k, order[i].one, order[i].many));
        sep = ", ";
    }
    if (r->n_files_with_findings == r->n_files)
        mp_buf_printf(out, ") in %zu %s", r->n_files, plural(r->n_files, "file", "files"));
    else
        mp_buf_printf(out, ") in %zu of %zu files", r->n_files_with_findings, r->n_files);
}

void mp_render_check_text(const mp_check_result *r, mp_buf *out)
{
    size_t n_rules;
    const mp_check_rule *rules = mp_check_rules(&n_rules);
    for (size_t i = 0; i < r->n; i++) {
        const mp_check_finding *f = &r->items[i];
        const mp_check_rule *rule = &rules[f->rule];
        mp_buf_printf(out, "%s:%u:%u: %s [%s] %s\n", f->file, (unsigned)f->line,
                      (unsigned)f->col, mp_check_severity_name(rule->severity), rule->id,
                      f->message);
        if (f->hint[0])
            mp_buf_printf(out, "  hint: %s\n", f->hint);
        const mp_practice_row *p = mp_kb_practice(rule->practice);
        if (p)
            mp_buf_printf(out, "  practice: %s - %s\n", p->id, p->rule);
        else
            mp_buf_printf(out, "  practice: %s\n", rule->practice);
    }
    mp_render_check_summary(r, out);
    mp_buf_putc(out, '\n');
}

cJSON *mp_render_check_json(const mp_check_result *r)
{
    size_t n_rules;
    const mp_check_rule *rules = mp_check_rules(&n_rules);
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "findings");
    if (!root || !list) {
        cJSON_Delete(root);
        return NULL;
    }
    for (size_t i = 0; i < r->n; i++) {
        const mp_check_finding *f = &r->items[i];
        const mp_check_rule *rule = &rules[f->rule];
        const mp_practice_row *p = mp_kb_practice(rule->practice);
        cJSON *o = cJSON_CreateObject();
        if (!o) {
            cJSON_Delete(root);
            return NULL;
        }
        cJSON_AddItemToArray(list, o);
        mp_json_str(o, "file", f->file);
        mp_json_num(o, "line", f->line);
        mp_json_num(o, "col", f->col);
        mp_json_str(o, "severity", mp_check_severity_name(rule->severity));
        mp_json_str(o, "rule", rule->id);
        mp_json_str(o, "name", rule->name);
        mp_json_str(o, "message", f->message);
        mp_json_str(o, "hint", f->hint);
        mp_json_str(o, "practice", rule->practice);
        mp_json_str(o, "practice_rule", p ? p->rule : NULL);
    }
    cJSON *counts = cJSON_AddObjectToObject(root, "counts");
    if (!counts) {
        cJSON_Delete(root);
        return NULL;
    }
    mp_json_num(counts, "files", (double)r->n_files);
    mp_json_num(counts, "files_with_findings", (double)r->n_files_with_findings);
    mp_json_num(counts, "errors", (double)r->count[MP_CHECK_error]);
    mp_json_num(counts, "warnings", (double)r->count[MP_CHECK_warning]);
    mp_json_num(counts, "notes", (double)r->count[MP_CHECK_note]);
    mp_json_num(counts, "total", (double)r->n);
    return root;
}
