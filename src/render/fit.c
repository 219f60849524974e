/* fit.c - renderers for settings, model and machine searches; see fit.h. */
#include "render/fit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/mcal.h"
#include "render/estimate.h"
#include "render/json.h"
#include "render/table.h"

/* Where a model outside the registry came from (the registry is the
 * default and goes unsaid). */
static void source_md(const mp_fit_view *v, mp_buf *out)
{
    if (!v->origin || v->origin->kind == MP_ORIGIN_REGISTRY)
        return;
    char src[1400];
    mp_fmt_origin(v->origin, src, sizeof src);
    mp_buf_printf(out, "Model from %s.\n\n", src);
}

static void formats_md(const mp_fit_view *v, mp_buf *out)
{
    char a[32], b[32], c[32], ql[64];
    mp_fmt_count((double)v->context, a, sizeof a);
    mp_buf_printf(out, "# %s on %s (%d GB): formats that fit %s tokens\n\n", v->model_label,
                  v->mach->chip.short_name, v->mach->memory_gb, a);
    source_md(v, out);
    if (!v->n) {
        mp_buf_puts(out, "Nothing fits: even 2-bit weights with a quantized KV cache exceed 90% "
                         "of the GPU limit at this context.  Try a shorter --context, a machine "
                         "with more memory ('mlxplan fit --model ... --min-tok-s ...'), or "
                         "several Macs.\n");
        return;
    }
    static const char *const hdr[] = {">#", "weights", "KV cache", ">max context", ">memory GiB",
                                      ">decode tok/s", ">prefill tok/s"};
    mp_table t;
    mp_table_init(&t, 7, hdr);
    for (int i = 0; i < v->n; i++) {
        const mp_fit_infer *o = &v->formats[i];
        mp_quant_label(&o->quant, ql, sizeof ql);
        mp_fmt_count((double)o->context, a, sizeof a);
        mp_fmt_gib(o->est.total_bytes, b, sizeof b);
        mp_fmt_rate(o->est.decode_tok_s, c, sizeof c);
        char p[32], kv[24];
        mp_fmt_rate(o->est.prefill_tok_s, p, sizeof p);
        snprintf(kv, sizeof kv, o->kv_bits ? "%d-bit" : "16-bit", o->kv_bits);
        mp_table_rowf(&t, "%d\t%s\t%s\t%s\t%s\t%s\t%s", i + 1, ql, kv, a, b, c, p);
    }
    mp_table_write(&t, out);
    mp_table_release(&t);
    mp_buf_puts(out, "\nRanked by quality (more bits first), each at the longest context that "
                     "fits under 90% of the GPU limit (capped at the requested one):\n\n");
    for (int i = 0; i < v->n; i++)
        mp_buf_printf(out, "%d. %s\n", i + 1, v->formats[i].why);
    mp_buf_printf(out, "\nDecode error band +/-%.0f%%, memory +/-%.0f%% (data/calibration/).\n",
                  v->formats[0].est.band_decode_pct, v->formats[0].est.band_mem_pct);
}

static void models_md(const mp_fit_view *v, mp_buf *out)
{
    char a[32], b[32], c[32], ql[64], p[16];
    mp_fmt_count((double)v->context, a, sizeof a);
    mp_buf_printf(out, "# Models that fit %s (%d GB) at %s tokens%s\n\n", v->mach->chip.short_name,
                  v->mach->memory_gb, a, v->min_tok_s > 0 ? " and the speed target" : "");
    if (!v->n) {
        mp_buf_puts(out, "No registry model fits these constraints.\n");
        return;
    }
    static const char *const hdr[] = {"model", ">params", "best format", ">memory GiB",
                                      ">decode tok/s", ">max context"};
    mp_table t;
    mp_table_init(&t, 6, hdr);
    for (int i = 0; i < v->n; i++) {
        const mp_fit_model *m = &v->models[i];
        mp_quant_label(&m->best.quant, ql, sizeof ql);
        mp_fmt_params(m->params, p, sizeof p);
        mp_fmt_gib(m->best.est.total_bytes, b, sizeof b);
        mp_fmt_rate(m->best.est.decode_tok_s, c, sizeof c);
        mp_fmt_count((double)m->best.context, a, sizeof a);
        mp_table_rowf(&t, "%s\t%s\t%s\t%s\t%s\t%s", m->model_id, p, ql, b, c, a);
    }
    mp_table_write(&t, out);
    mp_table_release(&t);
    mp_buf_puts(out, "\nLargest first; each with the highest-quality format that fits under 90% "
                     "of the GPU limit at the requested context.\n");
}

static void machines_md(const mp_fit_view *v, mp_buf *out)
{
    char a[32], b[32], c[32], ql[64];
    mp_quant_label(v->quant, ql, sizeof ql);
    mp_fmt_count((double)v->context, a, sizeof a);
    mp_buf_printf(out, "# Machines for %s (%s) at %s tokens", v->model_label, ql, a);
    if (v->min_tok_s > 0)
        mp_buf_printf(out, ", at least %.0f tok/s", v->min_tok_s);
    mp_buf_puts(out, "\n\n");
    source_md(v, out);
    if (!v->n) {
        mp_buf_puts(out, "No single machine in mlxplan's table meets this; see 'mlxplan estimate' "
                         "for the remedies (fewer bits, several Macs).\n");
        return;
    }
    static const char *const hdr[] = {"chip", ">memory GB", ">GPU limit GiB", ">needs GiB",
                                      ">decode tok/s", ">TTFT"};
    mp_table t;
    mp_table_init(&t, 6, hdr);
    for (int i = 0; i < v->n; i++) {
        const mp_fit_machine *m = &v->machines[i];
        mp_fmt_gib(m->est.budget_bytes, a, sizeof a);
        mp_fmt_gib(m->est.total_bytes, b, sizeof b);
        mp_fmt_rate(m->est.decode_tok_s, c, sizeof c);
        char tt[32];
        mp_fmt_duration(m->est.ttft_s, tt, sizeof tt);
        mp_table_rowf(&t, "%s%s\t%d\t%s\t%s\t%s\t%s", m->chip.short_name,
                      m->chip.provisional ? " (provisional)" : "", m->memory_gb, a, b, c, tt);
    }
    mp_table_write(&t, out);
    mp_table_release(&t);
    mp_buf_puts(out, "\nThe smallest memory size of each chip that runs it under 90% of the GPU "
                     "limit; least memory first, then fewest GPU cores.\n");
}

static void training_md(const mp_fit_view *v, mp_buf *out)
{
    char a[32], b[32], ql[64];
    mp_buf_printf(out, "# %s of %s on %s (%d GB): settings that fit\n\n",
                  mp_task_name(v->train_want->task), v->model_label, v->mach->chip.short_name,
                  v->mach->memory_gb);
    source_md(v, out);
    if (!v->n) {
        mp_buf_puts(out, "No combination fits (4-bit base, 4 layers, a quarter of the sequence "
                         "length, batch 1 with checkpointing included).  Use a machine with "
                         "more memory or a smaller model.\n");
        return;
    }
    static const char *const hdr[] = {">#", "base", ">layers", ">seq", ">batch x accum",
                                      "checkpoint", ">memory GiB", ">tok/s", ">1000 iters"};
    mp_table t;
    mp_table_init(&t, 9, hdr);
    for (int i = 0; i < v->n; i++) {
        const mp_fit_train *o = &v->training[i];
        mp_quant_label(&o->req.base_quant, ql, sizeof ql);
        mp_fmt_gib(o->est.total_bytes, a, sizeof a);
        mp_fmt_rate(o->est.tok_s, b, sizeof b);
        char tt[32];
        mp_fmt_duration(1000.0 / o->est.it_s, tt, sizeof tt);
        mp_table_rowf(&t, "%d\t%s\t%d\t%lld\t%d x %d\t%s\t%s\t%s\t%s", i + 1, ql,
                      o->est.layers_trained, (long long)o->req.seq_len, o->req.batch,
                      o->req.grad_accum, o->req.grad_checkpoint ? "yes" : "no", a, b, tt);
    }
    mp_table_write(&t, out);
    mp_table_release(&t);
    mp_buf_puts(out, "\nQuality first (unquantized base, more adapted layers, full sequences, the "
                     "requested effective batch through accumulation), then an error band that "
                     "stays under the GPU limit, then speed:\n\n");
    for (int i = 0; i < v->n; i++)
        mp_buf_printf(out, "%d. %s\n", i + 1, v->training[i].why);
    mp_buf_printf(out, "\nMemory +/-%.0f%%, speed +/-%.0f%% (few measured fine-tuning runs).\n",
                  v->training[0].est.band_mem_pct, v->training[0].est.band_speed_pct);
    char data[1600];
    mp_fmt_tdata(v->train_want->data, v->train_want->seq_len, data, sizeof data);
    mp_buf_printf(out, "\n- %s\n", data);
    if (v->train_want->data)
        mp_buf_printf(out, "- each option's memory is its longest batch, its speed and time the "
                           "mean over its batches, as mlx_lm.lora builds them for its batch size "
                           "and --max-seq-length (seq): sorted by length, the last partial batch "
                           "dropped, each padded to 1 + a multiple of %d of its longest "
                           "example\n", MP_TDATA_PAD_TO);
}

/* Whether the search's figures are of kind `k` (training searches train). */
static bool shows_kind(const mp_fit_view *v, int k)
{
    return (k == MP_RUN_KIND_TRAIN) == (v->mode == MP_FIT_MODE_TRAINING);
}

/* The basis line of each calibrated kind the search shows (engine/mcal.h). */
static void calib_md(const mp_fit_view *v, mp_buf *out)
{
    if (!v->calib || !v->calib->used || v->n == 0)
        return;
    int n = 0;
    for (int k = 0; k < MP_RUN_KIND_N; k++) {
        char line[MP_BASIS_LEN];
        if (!shows_kind(v, k) || !mp_mcal_basis(&v->calib->kind[k], line, sizeof line))
            continue;
        if (n++ == 0)
            mp_buf_puts(out, "\nSpeeds on this machine are scaled by your runs of it:\n");
        mp_buf_printf(out, "- %s: %s\n", mp_run_kind_name((mp_run_kind)k), line);
    }
    if (n)
        mp_buf_puts(out, "(mlxplan runs list shows them; --no-calibration for the model "
                         "alone)\n");
}

void mp_render_fit_md(const mp_fit_view *v, mp_buf *out)
{
    switch (v->mode) {
    case MP_FIT_MODE_FORMATS: formats_md(v, out); break;
    case MP_FIT_MODE_MODELS: models_md(v, out); break;
    case MP_FIT_MODE_MACHINES: machines_md(v, out); break;
    case MP_FIT_MODE_TRAINING: training_md(v, out); break;
    }
    calib_md(v, out);
}

static cJSON *infer_json(const mp_fit_infer *o)
{
    cJSON *j = cJSON_CreateObject();
    char ql[64];
    mp_quant_label(&o->quant, ql, sizeof ql);
    mp_json_str(j, "quant", ql);
    mp_json_num(j, "kv_bits", o->kv_bits);
    mp_json_num(j, "context_tokens", (double)o->context);
    mp_json_num(j, "total_bytes", floor(o->est.total_bytes));
    mp_json_num(j, "weights_bytes", floor(o->est.weights.bytes));
    mp_json_num(j, "kv_cache_bytes", floor(o->est.kv.bytes));
    mp_json_num(j, "decode_tok_s", o->est.decode_tok_s);
    if (o->est.calib) { /* without runs every speed is estimated */
        mp_json_str(j, "decode_label", mp_calib_label_name(o->est.decode_label));
        mp_json_str(j, "prefill_label", mp_calib_label_name(o->est.prefill_label));
    }
    mp_json_num(j, "prefill_tok_s", o->est.prefill_tok_s);
    mp_json_num(j, "ttft_s", o->est.ttft_s);
    mp_json_str(j, "verdict", mp_verdict_name(o->est.verdict));
    mp_json_str(j, "why", o->why);
    return j;
}

cJSON *mp_render_fit_json(const mp_fit_view *v)
{
    static const char *const modes[] = {"formats", "models", "machines", "training"};
    cJSON *root = cJSON_CreateObject();
    mp_json_str(root, "mode", modes[v->mode]);
    mp_json_str(root, "model", v->model_label);
    char src[1400];
    if (v->origin)
        mp_fmt_origin(v->origin, src, sizeof src);
    mp_json_str(root, "source", v->origin ? src : NULL);
    if (v->mach) {
        mp_json_str(root, "chip", v->mach->chip.short_name);
        mp_json_num(root, "memory_gb", v->mach->memory_gb);
        mp_json_num(root, "gpu_limit_bytes", floor(v->mach->gpu_default_bytes));
    }
    mp_json_num(root, "context_tokens", (double)v->context);
    mp_json_num(root, "min_tok_s", v->min_tok_s);
    if (v->calib && v->calib->used)
        mp_render_calib_json(v->calib, root);
    cJSON *arr = cJSON_AddArrayToObject(root, "options");
    for (int i = 0; i < v->n; i++) {
        cJSON *o;
        char ql[64];
        switch (v->mode) {
        case MP_FIT_MODE_FORMATS:
            o = infer_json(&v->formats[i]);
            break;
        case MP_FIT_MODE_MODELS:
            o = infer_json(&v->models[i].best);
            mp_json_str(o, "model", v->models[i].model_id);
            mp_json_num(o, "params", v->models[i].params);
            break;
        case MP_FIT_MODE_MACHINES: {
            const mp_fit_machine *m = &v->machines[i];
            o = cJSON_CreateObject();
            mp_json_str(o, "chip", m->chip.short_name);
            mp_json_num(o, "memory_gb", m->memory_gb);
            mp_json_num(o, "total_bytes", floor(m->est.total_bytes));
            mp_json_num(o, "gpu_limit_bytes", floor(m->est.budget_bytes));
            mp_json_num(o, "decode_tok_s", m->est.decode_tok_s);
            mp_json_num(o, "ttft_s", m->est.ttft_s);
            cJSON_AddBoolToObject(o, "provisional", m->chip.provisional);
            mp_json_str(o, "why", m->why);
            break;
        }
        case MP_FIT_MODE_TRAINING:
        default: {
            const mp_fit_train *t = &v->training[i];
            o = cJSON_CreateObject();
            mp_json_str(o, "task", mp_task_name(t->req.task));
            mp_quant_label(&t->req.base_quant, ql, sizeof ql);
            mp_json_str(o, "base_quant", ql);
            mp_json_num(o, "num_layers", t->est.layers_trained);
            mp_json_num(o, "seq_len_tokens", (double)t->req.seq_len);
            mp_json_num(o, "batch", t->req.batch);
            mp_json_num(o, "grad_accumulation_steps", t->req.grad_accum);
            cJSON_AddBoolToObject(o, "grad_checkpoint", t->req.grad_checkpoint);
            mp_json_num(o, "total_bytes", floor(t->est.total_bytes));
            mp_json_num(o, "tok_s", t->est.tok_s);
            if (t->est.calib)
                mp_json_str(o, "speed_label", mp_calib_label_name(t->est.speed_label));
            mp_json_num(o, "it_s", t->est.it_s);
            mp_json_str(o, "why", t->why);
            break;
        }
        }
        mp_json_num(o, "rank", i + 1);
        cJSON_AddItemToArray(arr, o);
    }
    return root;
}
