/* plan.c - Markdown, JSON and HTML of a plan; see plan.h. */
#include "render/plan.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plan/ask.h"
#include "render/html.h"
#include "render/json.h"
#include "render/table.h"
#include "util/text.h"

/* An item's Markdown: emphasis and code get their markup, numbers their text. */
static void item_md(const mp_item *it, mp_buf *out)
{
    for (int i = 0; i < it->n; i++) {
        const mp_span *s = &it->spans[i];
        switch (s->kind) {
        case MP_SPAN_STRONG: mp_buf_printf(out, "**%s**", s->text); break;
        case MP_SPAN_CODE: mp_buf_printf(out, "`%s`", s->text); break;
        case MP_SPAN_TEXT:
        case MP_SPAN_VALUE: mp_buf_puts(out, s->text); break;
        }
    }
}

/* A table row (cells cells[0..ncols)) as Markdown cells for mp_table. */
static void table_row_md(mp_table *t, const mp_item *cells, int ncols, bool header)
{
    mp_buf md[MP_TABLE_MAX_COLS];
    const char *text[MP_TABLE_MAX_COLS] = {NULL};
    for (int k = 0; k < ncols && k < MP_TABLE_MAX_COLS; k++) {
        mp_buf_init(&md[k]);
        item_md(&cells[k], &md[k]);
        text[k] = mp_buf_cstr(&md[k]);
    }
    if (header)
        mp_table_init(t, ncols, text);
    else
        mp_table_row(t, text);
    for (int k = 0; k < ncols && k < MP_TABLE_MAX_COLS; k++)
        mp_buf_release(&md[k]);
}

static void block_md(const mp_block *b, mp_buf *out)
{
    const char *code = b->kind == MP_BLK_CODE && b->n && b->items[0].n ? b->items[0].spans[0].text
                                                                      : "";
    switch (b->kind) {
    case MP_BLK_PARA:
        if (b->n) {
            item_md(&b->items[0], out);
            mp_buf_puts(out, "\n\n");
        }
        return;
    case MP_BLK_BULLETS:
    case MP_BLK_NUMBERED:
    case MP_BLK_CHECKLIST:
        for (int i = 0; i < b->n; i++) {
            if (b->kind == MP_BLK_BULLETS)
                mp_buf_puts(out, "- ");
            else if (b->kind == MP_BLK_NUMBERED)
                mp_buf_printf(out, "%d. ", i + 1);
            else
                mp_buf_puts(out, "- [ ] ");
            item_md(&b->items[i], out);
            mp_buf_putc(out, '\n');
        }
        break;
    case MP_BLK_CODE:
        if (b->path)
            mp_buf_printf(out, "`%s`:\n\n", b->path);
        mp_buf_printf(out, "```%s\n%s", b->lang ? b->lang : "", code);
        if (code[0] && code[strlen(code) - 1] != '\n')
            mp_buf_putc(out, '\n');
        mp_buf_puts(out, "```\n");
        break;
    case MP_BLK_TABLE: {
        if (b->ncols <= 0 || b->ncols > MP_TABLE_MAX_COLS || b->n <= b->ncols)
            return; /* a header without rows says nothing */
        mp_table t;
        table_row_md(&t, b->items, b->ncols, true);
        for (int r = 1; (r + 1) * b->ncols <= b->n; r++)
            table_row_md(&t, b->items + r * b->ncols, b->ncols, false);
        mp_table_write(&t, out);
        mp_table_release(&t);
        break;
    }
    }
    mp_buf_putc(out, '\n');
}

void mp_render_plan_md(const mp_plan *p, mp_buf *out)
{
    mp_buf_printf(out, "# Plan: %s\n\n", p->title ? p->title : "");
    for (int s = 0; s < MP_SEC_COUNT; s++) {
        const mp_section *sec = &p->sections[s];
        if (!sec->n)
            continue;
        mp_buf_printf(out, "## %d. %s\n\n", s + 1, sec->title);
        for (int i = 0; i < sec->n; i++)
            block_md(&sec->blocks[i], out);
    }
}

/* {value, provenance, evidence} under `key` of object `o`, or appended to
 * array `o` when `key` is NULL. */
static void sfield(cJSON *o, const char *key, const mp_sfield *f)
{
    cJSON *j = key ? cJSON_AddObjectToObject(o, key) : cJSON_CreateObject();
    if (!key && !cJSON_AddItemToArray(o, j)) {
        cJSON_Delete(j);
        return;
    }
    mp_json_str(j, "value", f->prov ? f->value : NULL);
    mp_json_str(j, "provenance", f->prov ? mp_prov_name(f->prov) : NULL);
    mp_json_str(j, "evidence", f->prov ? f->evidence : NULL);
}

static void nfield(cJSON *o, const char *key, const mp_nfield *f)
{
    cJSON *j = cJSON_AddObjectToObject(o, key);
    mp_json_num(j, "value", f->prov ? f->value : NAN);
    mp_json_str(j, "provenance", f->prov ? mp_prov_name(f->prov) : NULL);
    mp_json_str(j, "evidence", f->prov ? f->evidence : NULL);
}

static cJSON *spec_json(const mp_spec *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *in = cJSON_AddObjectToObject(o, "intents");
    cJSON *arr = cJSON_AddArrayToObject(in, "value");
    for (int b = 0; b < MP_INTENT_COUNT; b++)
        if (s->intents & (1u << b))
            cJSON_AddItemToArray(arr, cJSON_CreateString(mp_intent_name(1u << b)));
    mp_json_str(in, "provenance", s->intents_prov ? mp_prov_name(s->intents_prov) : NULL);
    mp_json_str(in, "evidence", s->intent_evidence[0] ? s->intent_evidence : NULL);
    sfield(o, "model", &s->model);
    nfield(o, "model_size_params", &s->model_size);
    sfield(o, "task", &s->task);
    sfield(o, "chip", &s->chip);
    nfield(o, "memory_gb", &s->memory_gb);
    cJSON_AddBoolToObject(o, "my_machine", s->my_machine);
    nfield(o, "context_tokens", &s->context);
    nfield(o, "prompt_tokens", &s->prompt_tokens);
    sfield(o, "data_format", &s->data_format);
    sfield(o, "data_path", &s->data_path);
    nfield(o, "data_examples", &s->data_examples);
    nfield(o, "data_tokens", &s->data_tokens);
    nfield(o, "target_tok_s", &s->target_tok_s);
    nfield(o, "observed_tok_s", &s->observed_tok_s);
    if (s->observed_tok_s.prov)
        cJSON_AddBoolToObject(o, "observed_is_training", s->observed_training);
    nfield(o, "budget_hours", &s->budget_hours);
    nfield(o, "machines", &s->n_macs);
    nfield(o, "users", &s->users);
    nfield(o, "kv_bits", &s->kv_bits);
    sfield(o, "quant_method", &s->quant_method);
    sfield(o, "quant", &s->quant);
    cJSON *alts = cJSON_AddArrayToObject(o, "compared_models");
    for (int i = 0; i < s->n_alt_models; i++)
        sfield(alts, NULL, &s->alt_models[i]);
    cJSON *altq = cJSON_AddArrayToObject(o, "compared_formats");
    for (int i = 0; i < s->n_alt_quants; i++)
        sfield(altq, NULL, &s->alt_quants[i]);
    cJSON *c = cJSON_AddArrayToObject(o, "contradictions");
    for (int i = 0; i < s->n_contradictions; i++)
        cJSON_AddItemToArray(c, cJSON_CreateString(s->contradictions[i]));
    return o;
}

static const char *kind_name(mp_blk_kind k)
{
    static const char *const names[] = {"paragraph", "bullets", "numbered", "checklist", "code",
                                        "table"};
    return names[k];
}

/* An item as data: {"text": the words without markup, "spans": [{"text"} |
 * {"strong"} | {"code"} | {"value", "unit", "text", and for a key number
 * "name", "label", "basis"}]}. */
static cJSON *item_json(const mp_item *it)
{
    cJSON *o = cJSON_CreateObject();
    mp_buf plain = MP_BUF_INIT;
    cJSON *spans = cJSON_CreateArray();
    for (int i = 0; i < it->n; i++) {
        const mp_span *s = &it->spans[i];
        mp_buf_puts(&plain, s->text);
        cJSON *js = cJSON_CreateObject();
        switch (s->kind) {
        case MP_SPAN_TEXT: mp_json_str(js, "text", s->text); break;
        case MP_SPAN_STRONG: mp_json_str(js, "strong", s->text); break;
        case MP_SPAN_CODE: mp_json_str(js, "code", s->text); break;
        case MP_SPAN_VALUE: {
            const mp_value *v = s->value;
            mp_json_num(js, "value", v->value);
            mp_json_str(js, "unit", v->unit);
            mp_json_str(js, "text", s->text);
            if (v->name) {
                mp_json_str(js, "name", v->name);
                mp_json_str(js, "label", mp_label_name(v->label));
                mp_json_str(js, "basis", v->basis);
            }
            break;
        }
        }
        cJSON_AddItemToArray(spans, js);
    }
    mp_json_str(o, "text", mp_buf_cstr(&plain));
    mp_buf_release(&plain);
    cJSON_AddItemToObject(o, "spans", spans);
    return o;
}

/* A table header cell as a column name (without the right-align mark). */
static const char *column_name(const mp_item *it)
{
    const char *s = it->n ? it->spans[0].text : "";
    return s[0] == '>' ? s + 1 : s;
}

cJSON *mp_render_plan_json(const mp_plan *p)
{
    cJSON *root = cJSON_CreateObject();
    mp_json_str(root, "title", p->title);
    mp_json_str(root, "verdict", p->verdict);
    mp_json_str(root, "model", p->model_id);
    if (p->asked_model_id)
        mp_json_str(root, "asked_model", p->asked_model_id);
    mp_json_str(root, "machine", p->machine);
    cJSON *sc = cJSON_AddArrayToObject(root, "scenarios");
    for (int b = 0; b < MP_INTENT_COUNT; b++)
        if (p->scenarios & (1u << b))
            cJSON_AddItemToArray(sc, cJSON_CreateString(mp_intent_name(1u << b)));
    cJSON_AddItemToObject(root, "spec", spec_json(&p->spec));
    cJSON *repro = cJSON_AddObjectToObject(root, "reproduce");
    mp_json_str(repro, "inference", p->reproduce_infer);
    mp_json_str(repro, "training", p->reproduce_train);
    cJSON *cmp = cJSON_AddArrayToObject(repro, "compared");
    for (int i = 0; i < p->n_reproduce_compared; i++)
        cJSON_AddItemToArray(cmp, cJSON_CreateString(p->reproduce_compared[i]));
    cJSON *nums = cJSON_AddObjectToObject(root, "numbers");
    for (int i = 0; i < p->n_numbers; i++) {
        cJSON *n = cJSON_AddObjectToObject(nums, p->numbers[i].name);
        mp_json_num(n, "value", p->numbers[i].value);
        mp_json_str(n, "unit", p->numbers[i].unit);
        mp_json_str(n, "label", mp_label_name(p->numbers[i].label));
        mp_json_str(n, "basis", p->numbers[i].basis);
    }
    cJSON *q = cJSON_AddArrayToObject(root, "questions");
    for (int i = 0; i < p->n_questions; i++)
        cJSON_AddItemToArray(q, cJSON_CreateString(p->questions[i]));
    cJSON *a = cJSON_AddArrayToObject(root, "assumptions");
    for (int i = 0; i < p->n_assumptions; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(p->assumptions[i]));
    /* the essentials the plan assumed, as questions with the assumed answer
     * (what the command line asks at a terminal) */
    cJSON *ask = cJSON_AddArrayToObject(root, "ask");
    mp_ask qs[MP_ASK_MAX];
    int nq = mp_plan_asks(p, qs);
    for (int i = 0; i < nq; i++) {
        cJSON *o = cJSON_CreateObject();
        mp_json_str(o, "field", qs[i].field);
        mp_json_str(o, "question", qs[i].question);
        mp_json_str(o, "default", qs[i].dflt);
        cJSON_AddItemToArray(ask, o);
    }
    cJSON *secs = cJSON_AddArrayToObject(root, "sections");
    for (int s = 0; s < MP_SEC_COUNT; s++) {
        const mp_section *sec = &p->sections[s];
        cJSON *js = cJSON_CreateObject();
        mp_json_str(js, "id", sec->id);
        mp_json_str(js, "title", sec->title);
        cJSON *blocks = cJSON_AddArrayToObject(js, "blocks");
        for (int i = 0; i < sec->n; i++) {
            const mp_block *b = &sec->blocks[i];
            cJSON *jb = cJSON_CreateObject();
            mp_json_str(jb, "kind", kind_name(b->kind));
            if (b->kind == MP_BLK_CODE) {
                mp_json_str(jb, "lang", b->lang);
                mp_json_str(jb, "path", b->path);
                mp_json_str(jb, "text", b->n && b->items[0].n ? b->items[0].spans[0].text : "");
            } else if (b->kind == MP_BLK_TABLE) {
                cJSON *cols = cJSON_AddArrayToObject(jb, "columns");
                for (int k = 0; k < b->ncols && k < b->n; k++)
                    cJSON_AddItemToArray(cols, cJSON_CreateString(column_name(&b->items[k])));
                cJSON *rows = cJSON_AddArrayToObject(jb, "rows");
                for (int r = 1; b->ncols > 0 && (r + 1) * b->ncols <= b->n; r++) {
                    cJSON *row = cJSON_CreateArray();
                    for (int k = 0; k < b->ncols; k++)
                        cJSON_AddItemToArray(row, item_json(&b->items[r * b->ncols + k]));
                    cJSON_AddItemToArray(rows, row);
                }
            } else {
                cJSON *items = cJSON_AddArrayToObject(jb, "items");
                for (int k = 0; k < b->n; k++)
                    cJSON_AddItemToArray(items, item_json(&b->items[k]));
            }
            cJSON_AddItemToArray(blocks, jb);
        }
        cJSON_AddItemToArray(secs, js);
    }
    return root;
}

/* ---- HTML ------------------------------------------------------------------------------ */

/* A number as the JSON carries it: mp_json_num's rounding (whole numbers
 * exact, others to 6 significant digits) printed as cJSON prints it (15
 * significant digits). */
static void value_attr(mp_buf *out, double v)
{
    if (!(fabs(v) < 9e15 && v == floor(v)))
        v = mp_round_sig(v, 6);
    mp_buf_printf(out, "%.15g", v);
}

/* ` name="value"` with the value escaped; nothing when `value` is NULL. */
static void attr(mp_buf *out, const char *name, const char *value)
{
    if (!value)
        return;
    mp_buf_printf(out, " %s=\"", name);
    mp_html_esc(out, value);
    mp_buf_putc(out, '"');
}

/* A number as a <data> element: its value (as in the JSON) and unit, and for
 * a key number its name, label and basis (also as the title a reader sees
 * on hover); the text as printed. */
static void value_html(const mp_span *s, mp_buf *out)
{
    const mp_value *v = s->value;
    mp_buf_puts(out, "<data");
    if (isfinite(v->value)) {
        mp_buf_puts(out, " value=\"");
        value_attr(out, v->value);
        mp_buf_putc(out, '"');
    }
    attr(out, "data-unit", v->unit);
    if (v->name) {
        const char *label = mp_label_name(v->label);
        attr(out, "data-name", v->name);
        attr(out, "data-label", label);
        attr(out, "data-basis", v->basis);
        if (label || v->basis) {
            mp_buf_puts(out, " title=\"");
            mp_html_esc(out, label);
            mp_buf_puts(out, label && v->basis ? ": " : "");
            mp_html_esc(out, v->basis);
            mp_buf_putc(out, '"');
        }
    }
    mp_buf_putc(out, '>');
    mp_html_esc(out, s->text);
    mp_buf_puts(out, "</data>");
}

/* An item's HTML: each span escaped, emphasis and code in their elements,
 * numbers as <data>. */
static void item_html(const mp_item *it, mp_buf *out)
{
    for (int i = 0; i < it->n; i++) {
        const mp_span *s = &it->spans[i];
        switch (s->kind) {
        case MP_SPAN_TEXT: mp_html_esc(out, s->text); break;
        case MP_SPAN_STRONG:
            mp_buf_puts(out, "<strong>");
            mp_html_esc(out, s->text);
            mp_buf_puts(out, "</strong>");
            break;
        case MP_SPAN_CODE:
            mp_buf_puts(out, "<code>");
            mp_html_esc(out, s->text);
            mp_buf_puts(out, "</code>");
            break;
        case MP_SPAN_VALUE: value_html(s, out); break;
        }
    }
}

static void table_html(const mp_block *b, mp_buf *out)
{
    if (b->ncols <= 0 || b->n <= b->ncols)
        return; /* a header without rows says nothing (as in the Markdown) */
    bool right[MP_TABLE_MAX_COLS] = {false};
    mp_buf_puts(out, "<table>\n<thead><tr>");
    for (int k = 0; k < b->ncols; k++) {
        const mp_item *h = &b->items[k];
        bool r = h->n && h->spans[0].text[0] == '>'; /* right-aligned (render/table.h) */
        if (k < MP_TABLE_MAX_COLS)
            right[k] = r;
        mp_buf_puts(out, r ? "<th class=\"r\">" : "<th>");
        mp_html_esc(out, column_name(h));
        for (int i = 1; i < h->n; i++)
            mp_html_esc(out, h->spans[i].text);
        mp_buf_puts(out, "</th>");
    }
    mp_buf_puts(out, "</tr></thead>\n<tbody>\n");
    for (int r = 1; (r + 1) * b->ncols <= b->n; r++) {
        mp_buf_puts(out, "<tr>");
        for (int k = 0; k < b->ncols; k++) {
            mp_buf_puts(out, k < MP_TABLE_MAX_COLS && right[k] ? "<td class=\"r\">" : "<td>");
            item_html(&b->items[r * b->ncols + k], out);
            mp_buf_puts(out, "</td>");
        }
        mp_buf_puts(out, "</tr>\n");
    }
    mp_buf_puts(out, "</tbody></table>\n");
}

static void block_html(const mp_block *b, mp_buf *out)
{
    static const char *const list_open[] = {
        [MP_BLK_BULLETS] = "<ul>\n",
        [MP_BLK_NUMBERED] = "<ol>\n",
        [MP_BLK_CHECKLIST] = "<ul class=\"todo\">\n",
    };
    switch (b->kind) {
    case MP_BLK_PARA:
        if (b->n) {
            mp_buf_puts(out, "<p>");
            item_html(&b->items[0], out);
            mp_buf_puts(out, "</p>\n");
        }
        break;
    case MP_BLK_BULLETS:
    case MP_BLK_NUMBERED:
    case MP_BLK_CHECKLIST:
        mp_buf_puts(out, list_open[b->kind]);
        for (int i = 0; i < b->n; i++) {
            mp_buf_puts(out, "<li>");
            item_html(&b->items[i], out);
            mp_buf_puts(out, "</li>\n");
        }
        mp_buf_puts(out, b->kind == MP_BLK_NUMBERED ? "</ol>\n" : "</ul>\n");
        break;
    case MP_BLK_CODE: {
        const char *code = b->n && b->items[0].n ? b->items[0].spans[0].text : "";
        if (b->path) {
            mp_buf_puts(out, "<p><code>");
            mp_html_esc(out, b->path);
            mp_buf_puts(out, "</code>:</p>\n");
        }
        mp_buf_puts(out, "<pre><code");
        if (b->lang && b->lang[0]) {
            mp_buf_puts(out, " class=\"language-");
            mp_html_esc(out, b->lang);
            mp_buf_putc(out, '"');
        }
        mp_buf_putc(out, '>');
        mp_html_esc(out, code);
        if (code[0] && code[strlen(code) - 1] != '\n')
            mp_buf_putc(out, '\n');
        mp_buf_puts(out, "</code></pre>\n");
        break;
    }
    case MP_BLK_TABLE: table_html(b, out); break;
    }
}

void mp_render_plan_html(const mp_plan *p, const mp_chart_set *charts, mp_buf *out)
{
    bool placed[MP_CHARTS_MAX] = {false};
    mp_buf title = MP_BUF_INIT;
    mp_buf_printf(&title, "Plan: %s", p->title ? p->title : "");
    if (mp_buf_status(&title))
        out->oom = true;
    mp_html_open(out, mp_buf_cstr(&title));
    mp_buf_puts(out, "<h1>");
    mp_html_esc(out, mp_buf_cstr(&title));
    mp_buf_puts(out, "</h1>\n");
    mp_buf_release(&title);
    mp_html_charts(out, charts, placed, "");
    char heading[120];
    for (int s = 0; s < MP_SEC_COUNT; s++) {
        const mp_section *sec = &p->sections[s];
        if (!sec->n)
            continue;
        /* the heading text as the Markdown writes it: charts name it */
        snprintf(heading, sizeof heading, "%d. %s", s + 1, sec->title);
        mp_buf_printf(out, "<h2 id=\"%s\">", sec->id);
        mp_html_esc(out, heading);
        mp_buf_puts(out, "</h2>\n");
        mp_html_charts(out, charts, placed, heading);
        for (int i = 0; i < sec->n; i++)
            block_html(&sec->blocks[i], out);
    }
    mp_html_close(out, charts, placed);
}
