/* runs.c - Markdown and JSON for readings of mlx-lm output; see runs.h. */
#include <stdio.h>
#include <string.h>

#include "render/json.h"
#include "render/runs.h"

static const char *const line_kind_names[] = {
    [MP_RUN_LINE_USED] = "used",
    [MP_RUN_LINE_UNKNOWN] = "not understood",
    [MP_RUN_LINE_WARNING] = "warning",
    [MP_RUN_LINE_REJECTED] = "rejected",
};

/* One figure row "| what | value unit | measured |" when present (>= 0). */
static void row(mp_buf *out, const char *what, double v, int decimals, const char *unit)
{
    if (v < 0)
        return;
    mp_buf_printf(out, "| %s | ", what);
    mp_buf_printf(out, "%.*f", decimals, v);
    mp_buf_printf(out, "%s%s | measured |\n", unit[0] ? " " : "", unit);
}

static void irow(mp_buf *out, const char *what, long long v)
{
    if (v >= 0)
        mp_buf_printf(out, "| %s | %lld | setting |\n", what, v);
}

void mp_render_reading_md(const mp_run_reading *r, mp_buf *out)
{
    mp_buf_printf(out, "# Run output read: %s\n\n", mp_run_format_name(r->format));
    mp_buf_printf(out, "%d lines: %d used, %d not understood, %d warnings, %d rejected.\n\n",
                  r->n_lines, r->n_used, r->n_unknown, r->n_warnings, r->n_rejected);
    mp_buf_puts(out, "| figure | value | label |\n|---|---|---|\n");
    if (r->command[0])
        mp_buf_printf(out, "| command | %s | pasted |\n", r->command);
    if (r->model[0])
        mp_buf_printf(out, "| model | %s | pasted |\n", r->model);
    if (r->fine_tune_type[0])
        mp_buf_printf(out, "| fine-tune type | %s | pasted |\n", r->fine_tune_type);
    row(out, "prompt tokens", r->prompt_tokens, 0, "tokens");
    row(out, "prompt speed", r->prompt_tok_per_s, 3, "tok/s");
    row(out, "generated tokens", r->gen_tokens, 0, "tokens");
    row(out, "generation speed", r->gen_tok_per_s, 3, "tok/s");
    row(out, "training speed (median)", r->train_tok_per_s, 3, "tok/s");
    row(out, "training iterations/s", r->train_it_per_s, 3, "it/s");
    row(out, "trained tokens", r->trained_tokens, 0, "tokens");
    row(out, "last train loss", r->train_loss, 3, "");
    row(out, "last validation loss", r->val_loss, 3, "");
    row(out, "peak memory", r->peak_memory_gb, 3, "GB");
    row(out, "model size in the wired-limit warning", r->warn_model_mb, 0, "MB");
    row(out, "GPU limit in the warning", r->warn_limit_mb, 0, "MB");
    if (r->n_trials > 0)
        mp_buf_printf(out, "| %s | %d | counted |\n",
                      r->format == MP_RUN_FMT_CHAT ? "chat turns" : "trials", r->n_trials);
    if (r->n_train_reports > 0)
        mp_buf_printf(out, "| training reports | %d | counted |\n", r->n_train_reports);
    if (r->n_requests > 0)
        mp_buf_printf(out, "| requests | %d | counted |\n", r->n_requests);
    irow(out, "batch size", r->batch_size);
    if (r->last_iter >= 0)
        mp_buf_printf(out, "| last iteration | %lld | counted |\n", (long long)r->last_iter);
    irow(out, "iterations", r->total_iters);
    irow(out, "LoRA layers", r->lora_layers);
    irow(out, "LoRA rank", r->lora_rank);
    irow(out, "max sequence length", r->max_seq_length);
    irow(out, "max tokens", r->max_tokens);
    irow(out, "max KV size", r->max_kv_size);
    irow(out, "KV bits", r->kv_bits);
    if (r->averaged)
        mp_buf_puts(out, "\nSpeeds are mlx_lm.benchmark's own averages over its trials.\n");
    if (r->decimal_comma)
        mp_buf_puts(out, "\nNote: a decimal comma was read as a decimal point.\n");
    if (r->format == MP_RUN_FMT_LORA)
        mp_buf_puts(out, "\nThis is a training run: its tokens/s are training throughput "
                         "(forward, backward and update), not generation speed.\n");
    mp_buf_puts(out, "\n## Lines\n\n");
    for (int i = 0; i < r->n_notes; i++) {
        const mp_run_note *n = &r->notes[i];
        mp_buf_printf(out, "- line %d, %s", n->line_no, line_kind_names[n->kind]);
        if (n->kind != MP_RUN_LINE_UNKNOWN)
            mp_buf_printf(out, " (%s)", n->what);
        mp_buf_printf(out, ": `%s`\n", n->text);
    }
    int noted = r->n_used + r->n_unknown + r->n_warnings + r->n_rejected;
    if (noted > r->n_notes)
        mp_buf_printf(out, "- ... %d more lines not listed\n", noted - r->n_notes);
}

static void num_if(cJSON *o, const char *key, double v)
{
    if (v >= 0)
        mp_json_num(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

void mp_render_reading_fields_json(const mp_run_reading *r, cJSON *o)
{
    mp_json_str(o, "format", mp_run_format_name(r->format));
    mp_json_str(o, "command", r->command[0] ? r->command : NULL);
    mp_json_str(o, "model", r->model[0] ? r->model : NULL);
    num_if(o, "prompt_tokens", r->prompt_tokens);
    num_if(o, "prompt_tok_per_s", r->prompt_tok_per_s);
    num_if(o, "gen_tokens", r->gen_tokens);
    num_if(o, "gen_tok_per_s", r->gen_tok_per_s);
    num_if(o, "peak_memory_gb", r->peak_memory_gb);
    num_if(o, "train_tok_per_s", r->train_tok_per_s);
    num_if(o, "train_it_per_s", r->train_it_per_s);
    num_if(o, "train_loss", r->train_loss);
    num_if(o, "val_loss", r->val_loss);
    num_if(o, "trained_tokens", r->trained_tokens);
    num_if(o, "batch_size", (double)r->batch_size);
    num_if(o, "iters", (double)r->total_iters);
    num_if(o, "lora_layers", (double)r->lora_layers);
    num_if(o, "max_seq_length", (double)r->max_seq_length);
    num_if(o, "max_tokens", (double)r->max_tokens);
    num_if(o, "max_kv_size", (double)r->max_kv_size);
    num_if(o, "kv_bits", (double)r->kv_bits);
    num_if(o, "warn_model_mb", r->warn_model_mb);
    num_if(o, "warn_limit_mb", r->warn_limit_mb);
    mp_json_num(o, "trials", r->n_trials);
    cJSON_AddBoolToObject(o, "averaged", r->averaged);
    cJSON_AddBoolToObject(o, "decimal_comma", r->decimal_comma);
    mp_json_str(o, "label", "measured");
}

cJSON *mp_render_reading_json(const mp_run_reading *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    mp_render_reading_fields_json(r, o);
    cJSON *lines = cJSON_AddObjectToObject(o, "lines");
    mp_json_num(lines, "total", r->n_lines);
    mp_json_num(lines, "used", r->n_used);
    mp_json_num(lines, "not_understood", r->n_unknown);
    mp_json_num(lines, "warnings", r->n_warnings);
    mp_json_num(lines, "rejected", r->n_rejected);
    cJSON *notes = cJSON_AddArrayToObject(o, "notes");
    for (int i = 0; notes && i < r->n_notes; i++) {
        cJSON *n = cJSON_CreateObject();
        if (!n)
            break;
        mp_json_num(n, "line", r->notes[i].line_no);
        mp_json_str(n, "kind", line_kind_names[r->notes[i].kind]);
        mp_json_str(n, "what", r->notes[i].what);
        mp_json_str(n, "text", r->notes[i].text);
        cJSON_AddItemToArray(notes, n);
    }
    return o;
}
