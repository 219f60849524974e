/* run.c - a run compared with its estimate, and the stored runs; see run.h. */
#include "render/run.h"

#include <stdio.h>
#include <string.h>

#include "render/json.h"
#include "render/runs.h"

/* Figures of each kind: measured and plain-estimate slots of a row. */
static void kind_figs(const mp_run_row *r, mp_run_kind k, double *meas, double *exp)
{
    switch (k) {
    case MP_RUN_KIND_DECODE: *meas = r->gen_tok_s; *exp = r->exp_gen_tok_s; break;
    case MP_RUN_KIND_PREFILL: *meas = r->prompt_tok_s; *exp = r->exp_prompt_tok_s; break;
    default: *meas = r->train_tok_s; *exp = r->exp_train_tok_s; break;
    }
}

static const char *const kind_labels[MP_RUN_KIND_N] = {
    "generation (decode)", "prompt (prefill)", "training"};

static void setup_md(const mp_run_row *r, mp_buf *out)
{
    mp_buf_printf(out, "- model: %s; weights %s; task %s\n", r->model, r->quant, r->task);
    mp_buf_printf(out, "- machine: %s, %lld GB\n", r->chip, (long long)r->memory_gb);
    if (strcmp(r->task, "inference") == 0)
        mp_buf_printf(out, "- context %lld tokens (prompt %lld), batch %lld\n",
                      (long long)r->context_tokens, (long long)r->prompt_tokens,
                      (long long)r->batch);
    else
        mp_buf_printf(out, "- sequences of %lld tokens, batch %lld\n",
                      (long long)r->context_tokens, (long long)r->batch);
    mp_buf_printf(out, "- setup from: %s\n", r->sources);
}

static void compare_md(const mp_run_row *r, const double *band, mp_buf *out)
{
    mp_buf_puts(out, "| figure | measured | estimated (plain) | measured / estimated |\n"
                     "|---|---:|---:|---:|\n");
    for (int k = 0; k < MP_RUN_KIND_N; k++) {
        double m, e;
        kind_figs(r, (mp_run_kind)k, &m, &e);
        if (m < 0)
            continue;
        mp_buf_printf(out, "| %s | %.1f tok/s | ", kind_labels[k], m);
        if (e > 0) {
            mp_buf_printf(out, "%.1f tok/s", e);
            if (band && band[k] > 0)
                mp_buf_printf(out, " +/-%.0f%%", band[k]);
            mp_buf_printf(out, " | %.2f |\n", m / e);
        } else {
            mp_buf_puts(out, "- | - |\n");
        }
    }
    if (r->peak_gb > 0)
        mp_buf_printf(out, "| peak memory | %.2f GB | | |\n", r->peak_gb);
}

void mp_render_run_md(const mp_run_view *v, mp_buf *out)
{
    const mp_run_row *r = v->row;
    if (!v->have_estimate) {
        mp_render_reading_md(v->reading, out);
        mp_buf_printf(out, "\nNo estimate to compare with: %s.\n", v->no_estimate);
        return;
    }
    const char *sub = v->title ? "###" : "##";
    if (v->title)
        mp_buf_printf(out, "## %s\n\n", v->title);
    else if (v->id > 0)
        mp_buf_printf(out, "# Run %lld added: %s\n\n", (long long)v->id, r->format);
    else
        mp_buf_printf(out, "# Run output read: %s\n\n", r->format);
    mp_buf_printf(out, "%s Setup\n\n", sub);
    setup_md(r, out);
    for (int i = 0; i < v->n_assumed; i++)
        mp_buf_printf(out, "- assumed: %s\n", v->assumed[i]);
    mp_buf_printf(out, "\n%s Measured against the estimate\n\n", sub);
    compare_md(r, v->band_pct, out);
    mp_buf_puts(out, "\nMeasured: read from the output; estimated: mlxplan's model for this "
                     "setup, without calibration on your runs.\n");
    if (v->diag)
        mp_render_diagnosis_level_md(v->diag, v->title ? 3 : 2, out);
    if (v->id > 0)
        mp_buf_printf(out, "\nStored in %s as run %lld ('mlxplan runs show %lld'; "
                      "'mlxplan runs forget %lld' removes it).\n",
                      v->db_path, (long long)v->id, (long long)v->id, (long long)v->id);
}

cJSON *mp_render_run_row_fields(const mp_run_row *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    if (r->id > 0)
        mp_json_num(o, "id", (double)r->id);
    if (r->added_at[0])
        mp_json_str(o, "added_at", r->added_at);
    mp_json_str(o, "model", r->model);
    mp_json_str(o, "quant", r->quant);
    mp_json_str(o, "task", r->task);
    mp_json_str(o, "chip", r->chip);
    mp_json_num(o, "memory_gb", (double)r->memory_gb);
    mp_json_str(o, "format", r->format);
    mp_json_num(o, "context_tokens", (double)r->context_tokens);
    mp_json_num(o, "prompt_tokens", (double)r->prompt_tokens);
    mp_json_num(o, "batch", (double)r->batch);
    mp_json_str(o, "setup_sources", r->sources);
    cJSON *figs = cJSON_AddArrayToObject(o, "figures");
    for (int k = 0; figs && k < MP_RUN_KIND_N; k++) {
        double m, e;
        kind_figs(r, (mp_run_kind)k, &m, &e);
        if (m < 0)
            continue;
        cJSON *f = cJSON_CreateObject();
        if (!f)
            break;
        mp_json_str(f, "kind", mp_run_kind_name((mp_run_kind)k));
        mp_json_num(f, "measured_tok_s", m);
        if (e > 0) {
            mp_json_num(f, "estimated_tok_s", e);
            mp_json_num(f, "ratio", m / e);
        }
        cJSON_AddItemToArray(figs, f);
    }
    if (r->peak_gb > 0)
        mp_json_num(o, "peak_memory_gb", r->peak_gb);
    return o;
}

cJSON *mp_render_run_json(const mp_run_view *v)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    if (v->id > 0) {
        mp_json_num(o, "id", (double)v->id);
        mp_json_str(o, "database", v->db_path);
    }
    cJSON_AddBoolToObject(o, "have_estimate", v->have_estimate);
    if (v->have_estimate) {
        cJSON *row = mp_render_run_row_fields(v->row);
        if (row) {
            cJSON *figs = cJSON_GetObjectItem(row, "figures");
            cJSON *f;
            cJSON_ArrayForEach(f, figs)
            {
                const char *k = cJSON_GetStringValue(cJSON_GetObjectItem(f, "kind"));
                for (int i = 0; k && i < MP_RUN_KIND_N; i++)
                    if (strcmp(k, mp_run_kind_name((mp_run_kind)i)) == 0 && v->band_pct[i] > 0)
                        mp_json_num(f, "band_pct", v->band_pct[i]);
            }
            cJSON_AddItemToObject(o, "run", row);
        }
        if (v->diag) {
            cJSON *dj = mp_render_diagnosis_json(v->diag);
            if (dj)
                cJSON_AddItemToObject(o, "diagnosis", dj);
        }
        cJSON *as = cJSON_AddArrayToObject(o, "assumed");
        for (int i = 0; as && i < v->n_assumed; i++)
            cJSON_AddItemToArray(as, cJSON_CreateString(v->assumed[i]));
    } else {
        mp_json_str(o, "no_estimate", v->no_estimate);
    }
    cJSON *reading = mp_render_reading_json(v->reading);
    if (reading)
        cJSON_AddItemToObject(o, "reading", reading);
    return o;
}

void mp_render_runs_list_md(const mp_run_row *rows, int n, const char *db_path, mp_buf *out)
{
    mp_buf_printf(out, "# Your runs: %d\n\n", n);
    if (n == 0) {
        mp_buf_printf(out, "None stored (%s). Add one with 'mlxplan runs add FILE' "
                      "(output of mlx_lm.generate --verbose, mlx_lm.benchmark or "
                      "mlx_lm.lora).\n", db_path);
        return;
    }
    mp_buf_puts(out, "| id | added | model | weights | task | machine | measured | "
                     "measured / estimated |\n|---:|---|---|---|---|---|---:|---:|\n");
    for (int i = 0; i < n; i++) {
        const mp_run_row *r = &rows[i];
        mp_buf_printf(out, "| %lld | %s | %s | %s | %s | %s %lld GB | ", (long long)r->id,
                      r->added_at, r->model, r->quant, r->task, r->chip,
                      (long long)r->memory_gb);
        bool first = true;
        for (int k = 0; k < MP_RUN_KIND_N; k++) {
            double m, e;
            kind_figs(r, (mp_run_kind)k, &m, &e);
            if (m < 0)
                continue;
            mp_buf_printf(out, "%s%s %.1f tok/s", first ? "" : ", ",
                          mp_run_kind_name((mp_run_kind)k), m);
            first = false;
        }
        mp_buf_puts(out, " | ");
        first = true;
        for (int k = 0; k < MP_RUN_KIND_N; k++) {
            double m, e;
            kind_figs(r, (mp_run_kind)k, &m, &e);
            if (m < 0 || e <= 0)
                continue;
            mp_buf_printf(out, "%s%.2f", first ? "" : ", ", m / e);
            first = false;
        }
        mp_buf_puts(out, " |\n");
    }
    mp_buf_printf(out, "\nDatabase: %s.\n", db_path);
}

cJSON *mp_render_runs_list_json(const mp_run_row *rows, int n, const char *db_path)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    mp_json_str(o, "database", db_path);
    cJSON *arr = cJSON_AddArrayToObject(o, "runs");
    for (int i = 0; arr && i < n; i++) {
        cJSON *r = mp_render_run_row_fields(&rows[i]);
        if (r)
            cJSON_AddItemToArray(arr, r);
    }
    return o;
}

void mp_render_run_row_md(const mp_run_row *r, const char *reading_json, mp_buf *out)
{
    mp_buf_printf(out, "# Run %lld: %s, added %s\n\n", (long long)r->id, r->format, r->added_at);
    setup_md(r, out);
    mp_buf_puts(out, "\n");
    compare_md(r, NULL, out);
    mp_buf_puts(out, "\nMeasured: read from the output; estimated: mlxplan's model for this "
                     "setup when the run was added, without calibration.\n");
    (void)reading_json;
}

cJSON *mp_render_run_row_json(const mp_run_row *r, const char *reading_json)
{
    cJSON *o = mp_render_run_row_fields(r);
    if (!o)
        return NULL;
    cJSON *reading = reading_json ? cJSON_Parse(reading_json) : NULL;
    if (reading)
        cJSON_AddItemToObject(o, "reading", reading);
    return o;
}

void mp_render_diagnosis_md(const mp_diagnosis *d, mp_buf *out)
{
    mp_render_diagnosis_level_md(d, 2, out);
}

void mp_render_diagnosis_level_md(const mp_diagnosis *d, int level, mp_buf *out)
{
    if (d->verdict == MP_DIAG_NONE)
        return;
    mp_buf_printf(out, "\n%.*s Diagnosis\n\n**Verdict: %s.** %s: measured %.1f tok/s is %.2f x "
                  "the estimate %.1f tok/s (band %.1f .. %.1f tok/s, +/-%.0f%%).\n",
                  level, "####", mp_diag_verdict_name(d->verdict), kind_labels[d->kind], d->measured_tok_s,
                  d->ratio, d->expected_tok_s, d->low_tok_s, d->high_tok_s, d->band_pct);
    if (d->n_causes == 0)
        return;
    mp_buf_printf(out, "\n%s, most likely first:\n\n",
                  d->verdict == MP_DIAG_SLOWER || d->verdict == MP_DIAG_MUCH_SLOWER
                      ? "Likely causes"
                      : "Worth checking even so");
    for (int i = 0; i < d->n_causes; i++) {
        const mp_diag_cause *c = &d->causes[i];
        mp_buf_printf(out, "%d. **%s**: %s.\n   - check: `%s`\n   - fix: %s\n", i + 1, c->id,
                      c->evidence, c->check, c->fix);
        if (c->gain_x > 0)
            mp_buf_printf(out, "   - gain: %s%.2f x (estimated: %s)\n", c->gain_upper ? "up to " : "",
                          c->gain_x, c->gain_basis);
    }
}

cJSON *mp_render_diagnosis_json(const mp_diagnosis *d)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    mp_json_str(o, "verdict", mp_diag_verdict_name(d->verdict));
    if (d->verdict == MP_DIAG_NONE)
        return o;
    mp_json_str(o, "figure", mp_run_kind_name(d->kind));
    mp_json_num(o, "measured_tok_s", d->measured_tok_s);
    mp_json_num(o, "expected_tok_s", d->expected_tok_s);
    mp_json_num(o, "ratio", d->ratio);
    mp_json_num(o, "band_pct", d->band_pct);
    mp_json_num(o, "band_low_tok_s", d->low_tok_s);
    mp_json_num(o, "band_high_tok_s", d->high_tok_s);
    cJSON *arr = cJSON_AddArrayToObject(o, "causes");
    for (int i = 0; arr && i < d->n_causes; i++) {
        const mp_diag_cause *c = &d->causes[i];
        cJSON *j = cJSON_CreateObject();
        if (!j)
            break;
        mp_json_str(j, "id", c->id);
        mp_json_num(j, "score", c->score);
        mp_json_str(j, "evidence", c->evidence);
        mp_json_str(j, "check", c->check);
        mp_json_str(j, "fix", c->fix);
        if (c->gain_x > 0) {
            mp_json_num(j, "gain_x", c->gain_x);
            cJSON_AddBoolToObject(j, "gain_upper_bound", c->gain_upper);
            mp_json_str(j, "gain_basis", c->gain_basis);
            mp_json_str(j, "gain_label", "estimated");
        }
        cJSON_AddItemToArray(arr, j);
    }
    return o;
}
