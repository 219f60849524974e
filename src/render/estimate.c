/* estimate.c - Markdown and JSON for estimates; see estimate.h. */
#include "render/estimate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "render/json.h"
#include "render/table.h"

void mp_fmt_origin(const mp_origin *o, char *buf, size_t cap)
{
    if (!o) {
        snprintf(buf, cap, "?");
        return;
    }
    switch (o->kind) {
    case MP_ORIGIN_REGISTRY: snprintf(buf, cap, "the mlxplan registry (%s)", o->where); break;
    case MP_ORIGIN_FILE: snprintf(buf, cap, "config file %s", o->where); break;
    case MP_ORIGIN_DIR: snprintf(buf, cap, "local model folder %s", o->where); break;
    case MP_ORIGIN_HF_CACHE:
        snprintf(buf, cap, "the local Hugging Face cache, %s (%s)", o->where,
                 o->ref[0] ? "refs/main" : "newest snapshot; no refs/main");
        break;
    case MP_ORIGIN_HUB: {
        char when[40] = "";
        time_t t = (time_t)o->fetched_s;
        struct tm tm;
        if (o->from_cache && gmtime_r(&t, &tm))
            strftime(when, sizeof when, "fetched %Y-%m-%d %H:%M UTC", &tm);
        snprintf(buf, cap, "the Hugging Face Hub, %s @ %s (%s%s%s)", o->where,
                 o->revision[0] ? o->revision : "main", o->from_cache ? when : "just fetched",
                 o->cache_file[0] ? (o->from_cache ? "; description cache " : "; saved to ") : "",
                 o->cache_file);
        break;
    }
    }
}

void mp_fmt_ckpt(const mp_origin *o, const mp_arch *a, const mp_quant *q, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (!o || !o->ckpt.known) {
        if (o && o->note[0])
            snprintf(buf, cap, "%s", o->note);
        return;
    }
    const mp_ckpt *c = &o->ckpt;
    char n1[40], g[32], cmp[120] = "";
    mp_fmt_count(c->tensor_bytes, n1, sizeof n1);
    mp_fmt_gib(c->tensor_bytes, g, sizeof g);
    mp_quant nq = mp_arch_native_quant(a);
    if (q && memcmp(q, &nq, sizeof nq) == 0 && c->tensor_bytes > 0) {
        /* the estimate loads the checkpoint as it is: compare the two */
        double w = mp_arch_weight_bytes(a, &nq, NULL);
        if (w == c->tensor_bytes)
            snprintf(cmp, sizeof cmp, "; equal to the weights of mlxplan's tensor list");
        else
            snprintf(cmp, sizeof cmp, "; mlxplan's tensor list holds %.2f%% %s",
                     fabs(w - c->tensor_bytes) * 100 / c->tensor_bytes,
                     w > c->tensor_bytes ? "more" : "less");
    }
    char par[64] = "";
    if (c->params > 0) {
        char n2[40];
        mp_fmt_count(c->params, n2, sizeof n2);
        snprintf(par, sizeof par, " (%s parameters)", n2);
    }
    snprintf(buf, cap, "%s bytes of tensors (%s GiB) in %d file%s, %d tensors%s, from %s%s%s%s",
             n1, g, c->files, c->files == 1 ? "" : "s", c->tensors, par, c->basis, cmp,
             o->note[0] ? "; " : "", o->note);
}

cJSON *mp_ckpt_json(const mp_origin *o)
{
    if (!o || (!o->ckpt.known && !o->note[0]))
        return cJSON_CreateNull();
    const mp_ckpt *c = &o->ckpt;
    cJSON *j = cJSON_CreateObject();
    mp_json_str(j, "basis", c->known ? c->basis : NULL);
    mp_json_num(j, "tensor_bytes", c->known ? c->tensor_bytes : NAN);
    mp_json_num(j, "file_bytes", c->file_bytes > 0 ? c->file_bytes : NAN);
    mp_json_num(j, "params", c->params > 0 ? c->params : NAN);
    mp_json_num(j, "files", c->known ? c->files : NAN);
    mp_json_num(j, "tensors", c->known ? c->tensors : NAN);
    mp_json_str(j, "note", o->note[0] ? o->note : NULL);
    return j;
}


/* ---- local calibration (runs/calib.h) ------------------------------------ */

static const mp_calib_kind *calib_kind(const mp_estimate_view *v, mp_run_kind k)
{
    return v->calib && v->calib->used ? &v->calib->kind[k] : NULL;
}

/* " (calibrated)" / " (measured)" after a row's name; "" for estimated. */
static const char *label_suffix(const mp_estimate_view *v, mp_run_kind k)
{
    const mp_calib_kind *c = calib_kind(v, k);
    if (!c || c->label == MP_CAL_ESTIMATED)
        return "";
    return c->label == MP_CAL_MEASURED ? " (measured)" : " (calibrated)";
}

static const char *label_of(const mp_estimate_view *v, mp_run_kind k)
{
    const mp_calib_kind *c = calib_kind(v, k);
    return mp_calib_label_name(c ? c->label : MP_CAL_ESTIMATED);
}

/* One basis line per calibrated kind: the factor, the runs, the bound. */
static void calib_md(const mp_estimate_view *v, const mp_run_kind *kinds, int n, mp_buf *out)
{
    for (int i = 0; i < n; i++) {
        const mp_calib_kind *c = calib_kind(v, kinds[i]);
        if (!c || c->label == MP_CAL_ESTIMATED)
            continue;
        mp_buf_printf(out, "- %s: ", mp_run_kind_name(kinds[i]));
        if (c->label == MP_CAL_MEASURED)
            mp_buf_printf(out, "measured: the median of your %d run%s of this exact setup; ",
                          c->n_exact, c->n_exact == 1 ? "" : "s");
        mp_buf_printf(out, "calibrated on %d of your runs on this machine: x%.2f, the median of "
                      "measured / estimated%s (runs", c->n_runs, c->factor,
                      c->bounded ? ", held to 0.33..3" : "");
        for (int j = 0; j < c->n_ids; j++)
            mp_buf_printf(out, "%s %lld", j ? "," : "", (long long)c->ids[j]);
        mp_buf_printf(out, "%s; mlxplan runs list; --no-calibration for the model alone)\n",
                      c->n_runs > c->n_ids ? ", ..." : "");
    }
}

void mp_render_calib_json(const mp_calib *cal, cJSON *root)
{
    cJSON *o = cJSON_AddObjectToObject(root, "calibration");
    if (!o)
        return;
    cJSON_AddBoolToObject(o, "used", cal && cal->used);
    for (int k = 0; cal && cal->used && k < MP_RUN_KIND_N; k++) {
        const mp_calib_kind *c = &cal->kind[k];
        if (c->n_runs == 0)
            continue;
        cJSON *j = cJSON_AddObjectToObject(o, mp_run_kind_name((mp_run_kind)k));
        mp_json_str(j, "label", mp_calib_label_name(c->label));
        mp_json_num(j, "runs", c->n_runs);
        mp_json_num(j, "factor", c->factor);
        mp_json_num(j, "median_ratio", c->raw_median);
        cJSON_AddBoolToObject(j, "bounded", c->bounded);
        if (c->label == MP_CAL_MEASURED)
            mp_json_num(j, "measured_tok_s", c->measured_tok_s);
        cJSON *ids = cJSON_AddArrayToObject(j, "run_ids");
        for (int i = 0; ids && i < c->n_ids; i++)
            cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)c->ids[i]));
    }
}

static void header(const mp_estimate_view *v, const char *verdict, mp_buf *out)
{
    const mp_machine *m = v->mach;
    mp_buf_printf(out, "# %s on %s (%d GB): %s\n\n", v->model_label, m->chip.short_name,
                  m->memory_gb, verdict);
}

/* `q`: the weight format the estimate loads (NULL for a new model). */
static void machine_line(const mp_estimate_view *v, const mp_quant *q, mp_buf *out)
{
    const mp_machine *m = v->mach;
    char src[1400];
    mp_fmt_origin(v->origin, src, sizeof src);
    mp_buf_printf(out, "- model: %s (%s, mlx-lm module `%s`), from %s\n", v->arch->id,
                  v->arch->model_type, v->arch->module, src);
    mp_fmt_ckpt(v->origin, v->arch, q, src, sizeof src);
    if (src[0])
        mp_buf_printf(out, "- checkpoint: %s\n", src);
    mp_buf_printf(out, "- machine: %s, %g GB/s, %d GB%s%s\n", m->chip.name, m->chip.bandwidth_gbs,
                  m->memory_gb, m->memory_assumed ? " (assumed: smallest configuration; pass --memory)" : "",
                  v->chip_by_memory ? " (GPU bin chosen by the memory size)" : "");
}

void mp_fmt_tdata(const mp_tdata *d, int64_t seq_len, char *buf, size_t cap)
{
    if (!d) {
        snprintf(buf, cap, "data: none given, so every example is assumed to be full length, %lld "
                 "tokens (%s); %s PATH counts the real examples and the batches mlx_lm.lora "
                 "builds from them", (long long)seq_len, mp_pname(MP_P_SEQ), mp_pname(MP_P_DATA));
        return;
    }
    char valid[64] = "";
    if (d->n_valid >= 0)
        snprintf(valid, sizeof valid, " (and %lld in valid.jsonl)", (long long)d->n_valid);
    size_t tl = strlen(d->train_path), sl = strlen("/train.jsonl");
    bool in_folder = tl > sl && strcmp(d->train_path + tl - sl, "/train.jsonl") == 0;
    snprintf(buf, cap, "data: %.1000s: %lld %s examples%s; tokens per example (estimated from "
             "bytes, no tokenizer run: %.0f bytes of text per token, %d per chat message for its "
             "role markers, 1 for BOS/EOS): median %lld, longest %lld, total %lld%s",
             d->train_path, (long long)d->n_examples, mp_tdata_format_name(d->format), valid,
             MP_TDATA_BYTES_PER_TOKEN, MP_TDATA_TOKENS_PER_MESSAGE, (long long)d->median_tokens,
             (long long)d->max_tokens, (long long)d->total_tokens,
             in_folder ? "" : "; mlx_lm.lora --data takes a folder: copy the file to "
                              "data/train.jsonl for the command below");
}

/* The lines of the "Training data" section; `n` set to their count. */
enum { DATA_LINES = 4, DATA_LINE_LEN = 1400 };
static void data_lines(const mp_estimate_view *v, char lines[DATA_LINES][DATA_LINE_LEN], int *n)
{
    const mp_train_data *t = v->td;
    *n = 0;
    if (v->treq->task == MP_TASK_INFER || v->treq->task == MP_TASK_PRETRAIN)
        return;
    mp_fmt_tdata(t ? v->treq->data : NULL, v->treq->seq_len, lines[(*n)++], DATA_LINE_LEN);
    if (!t)
        return;
    const mp_tdata_batches *b = &t->b;
    char trunc[96] = "", dropped[96] = "no partial last batch";
    if (b->n_truncated)
        snprintf(trunc, sizeof trunc, "; %lld example%s longer and cut", (long long)b->n_truncated,
                 b->n_truncated == 1 ? " is" : "s are");
    if (b->n_dropped)
        snprintf(dropped, sizeof dropped, "the %lld longest example%s, a partial last batch, "
                 "dropped", (long long)b->n_dropped, b->n_dropped == 1 ? "" : "s");
    snprintf(lines[(*n)++], DATA_LINE_LEN,
             "batches as mlx_lm.lora builds them (mlx_lm/tuner/trainer.py iterate_batches, "
             "0.32.0): examples sorted by length, %lld batches of %d (%s), each padded to 1 + a "
             "multiple of %d of its longest example, at most %lld tokens (--max-seq-length)%s; "
             "the model sees one token less",
             (long long)b->n_batches, b->batch, dropped, MP_TDATA_PAD_TO, (long long)b->max_seq,
             trunc);
    char typ[32], worst[32];
    mp_fmt_gib(t->typical.total_bytes, typ, sizeof typ);
    mp_fmt_gib(t->worst.total_bytes, worst, sizeof worst);
    snprintf(lines[(*n)++], DATA_LINE_LEN,
             "peak memory (estimated, +/-%.0f%%): typical (the median batch, padded to %lld) %s "
             "GiB, worst (the longest batch, padded to %lld) %s GiB; the memory table and the "
             "verdict are the worst batch's",
             t->worst.band_mem_pct, (long long)b->median_padded, typ,
             (long long)b->worst_padded, worst);
    char total[32], val[32], val_part[200] = "";
    mp_fmt_duration(t->total_s, total, sizeof total);
    if (t->n_evals) {
        mp_fmt_duration(t->val_s, val, sizeof val);
        snprintf(val_part, sizeof val_part, " + %lld validation passes (iteration 1, every %d "
                 "and the last) of %lld batch%s of valid.jsonl, forward only, %s",
                 (long long)t->n_evals, MP_TDATA_STEPS_PER_EVAL, (long long)t->val_batches,
                 t->val_batches == 1 ? "" : "es", val);
    }
    snprintf(lines[(*n)++], DATA_LINE_LEN,
             "whole run (estimated, +/-%.0f%%): %lld iterations x the mean batch time%s = %s",
             t->worst.band_speed_pct, (long long)t->iters, val_part, total);
}

static void notes_md(const mp_estimate_view *v, char notes[][MP_BASIS_LEN], int n, mp_buf *out)
{
    int total = n + v->arch->n_notes;
    if (!total)
        return;
    mp_buf_puts(out, "\n## Notes\n\n");
    for (int i = 0; i < v->arch->n_notes; i++)
        mp_buf_printf(out, "- %s\n", v->arch->notes[i]);
    for (int i = 0; i < n; i++)
        mp_buf_printf(out, "- %s\n", notes[i]);
}

static void commands_md(const mp_estimate_view *v, mp_buf *out)
{
    if (!v->n_commands)
        return;
    mp_buf_puts(out, "\n## Commands\n\n```sh\n");
    for (int i = 0; i < v->n_commands; i++)
        mp_buf_printf(out, "%s\n", v->commands[i]);
    mp_buf_puts(out, "```\n");
}

static void infer_md(const mp_estimate_view *v, mp_buf *out)
{
    const mp_infer_result *r = v->inf;
    char ql[64], a[32], b[32], c[32];
    mp_quant_label(&r->quant, ql, sizeof ql);
    header(v, mp_verdict_name(r->verdict), out);
    mp_fmt_count((double)r->context_tokens, a, sizeof a);
    mp_fmt_count((double)r->prompt_tokens, b, sizeof b);
    mp_buf_printf(out, "%s; context %s tokens; prompt %s; batch %d.\n\n", ql, a, b, r->batch);
    machine_line(v, &r->quant, out);

    mp_buf_puts(out, "\n## Memory\n\n");
    static const char *const hdr[] = {"term", ">GiB"};
    mp_table t;
    mp_table_init(&t, 2, hdr);
    mp_fmt_gib(r->weights.bytes, a, sizeof a);
    mp_table_rowf(&t, "weights\t%s", a);
    mp_fmt_gib(r->kv.bytes, a, sizeof a);
    mp_table_rowf(&t, "KV cache\t%s", a);
    mp_fmt_gib(r->activations.bytes, a, sizeof a);
    mp_table_rowf(&t, "prefill activations\t%s", a);
    mp_fmt_gib(r->total_bytes, a, sizeof a);
    mp_table_rowf(&t, "**total** (+/-%.0f%%)\t**%s**", r->band_mem_pct, a);
    mp_fmt_gib(r->budget_bytes, a, sizeof a);
    mp_table_rowf(&t, "GPU limit\t%s", a);
    mp_table_write(&t, out);
    mp_table_release(&t);
    mp_buf_printf(out, "\n- weights: %s\n- KV cache: %s\n- prefill activations: %s\n"
                       "- total: peak MLX memory as mx.get_peak_memory reports it; %s\n"
                       "- GPU limit: %s\n",
                  r->weights.basis, r->kv.basis, r->activations.basis, r->overhead.basis,
                  v->mach->budget_basis);
    mp_buf_printf(out, "\n**Verdict: %s.** %s.\n", mp_verdict_name(r->verdict), r->verdict_text);

    mp_buf_puts(out, "\n## Speed\n\n");
    static const char *const sh[] = {"measure", ">value", ">error band"};
    mp_table_init(&t, 3, sh);
    mp_fmt_rate(r->decode_tok_s, a, sizeof a);
    mp_fmt_count((double)r->context_tokens, b, sizeof b);
    const char *dl = label_suffix(v, MP_RUN_KIND_DECODE), *pl = label_suffix(v, MP_RUN_KIND_PREFILL);
    mp_table_rowf(&t, "decode at %s tokens%s\t%s tok/s\t+/-%.0f%%", b, dl, a, r->band_decode_pct);
    if (r->batch > 1) {
        mp_fmt_rate(r->decode_total_tok_s, a, sizeof a);
        mp_table_rowf(&t, "decode, all %d sequences%s\t%s tok/s\t+/-%.0f%%", r->batch, dl, a,
                      r->band_decode_pct);
    }
    mp_fmt_rate(r->prefill_tok_s, a, sizeof a);
    mp_table_rowf(&t, "prefill%s\t%s tok/s\t+/-%.0f%%", pl, a, r->band_prefill_pct);
    mp_fmt_duration(r->ttft_s, a, sizeof a);
    mp_fmt_count((double)r->prompt_tokens, c, sizeof c);
    mp_table_rowf(&t, "time to first token (%s-token prompt)\t%s\t+/-%.0f%%", c, a,
                  r->band_prefill_pct);
    mp_table_write(&t, out);
    mp_table_release(&t);
    mp_buf_printf(out, "\n- decode: %s\n- prefill: %s\n- time to first token: the prompt's "
                       "prefill, then one decode step\n"
                       "- error bands: 90th-percentile error on measured MLX runs of the same "
                       "category, each run predicted by constants fitted without it (%s)\n",
                  r->decode_basis, r->prefill_basis, "data/calibration/error-bands.tsv");
    if (r->band_thin)
        mp_buf_puts(out, "- the calibration data has few runs like this one (chip class or model "
                         "kind): the bands are those of a broader category\n");
    static const mp_run_kind ikinds[] = {MP_RUN_KIND_DECODE, MP_RUN_KIND_PREFILL};
    calib_md(v, ikinds, 2, out);

    if (r->n_curve > 1) {
        mp_buf_puts(out, "\nDecode speed as the context grows:\n\n");
        static const char *const ch[] = {">context (tokens)", ">decode (tok/s)", ">KV cache (GiB)"};
        mp_table_init(&t, 3, ch);
        for (int i = 0; i < r->n_curve; i++) {
            mp_fmt_count((double)r->curve[i].context_tokens, a, sizeof a);
            mp_fmt_rate(r->curve[i].decode_tok_s, b, sizeof b);
            mp_fmt_gib(r->curve[i].kv_bytes, c, sizeof c);
            mp_table_rowf(&t, "%s\t%s\t%s", a, b, c);
        }
        mp_table_write(&t, out);
        mp_table_release(&t);
    }
    if (v->n_remedies) {
        mp_buf_puts(out, "\n## To make it fit\n\n");
        for (int i = 0; i < v->n_remedies; i++)
            mp_buf_printf(out, "%d. `%s`: %s\n", i + 1, v->remedies[i].action,
                          v->remedies[i].effect);
    }
    commands_md(v, out);
    char (*notes)[MP_BASIS_LEN] = (char (*)[MP_BASIS_LEN])r->notes;
    notes_md(v, notes, r->n_notes, out);
}

static void train_md(const mp_estimate_view *v, mp_buf *out)
{
    const mp_train_result *r = v->tr;
    const mp_train_req *q = v->treq;
    char ql[64], a[32], b[32];
    header(v, mp_verdict_name(r->verdict), out);
    int nl = r->layers_trained;
    mp_fmt_params(r->trainable_params, a, sizeof a);
    if (q->task == MP_TASK_PRETRAIN)
        snprintf(ql, sizeof ql, "%s weights", mp_dtype_name(q->train_dtype));
    else {
        char tmp[64];
        mp_quant_label(&q->base_quant, tmp, sizeof tmp);
        snprintf(ql, sizeof ql, "%s base", tmp);
    }
    mp_buf_printf(out,
                  "%s (%s); %d of %lld layers trained; %s trainable parameters; batch %d x "
                  "%lld tokens%s%s; optimizer %s.\n\n",
                  mp_task_name(q->task), ql, nl, (long long)v->arch->n_layers, a, q->batch,
                  (long long)q->seq_len, q->grad_checkpoint ? "; gradient checkpointing" : "",
                  q->grad_accum > 1 ? "; gradient accumulation" : "", mp_optim_name(q->optim));
    machine_line(v, q->task == MP_TASK_PRETRAIN ? NULL : &q->base_quant, out);
    char dl[DATA_LINES][DATA_LINE_LEN];
    int n_dl;
    data_lines(v, dl, &n_dl);
    for (int i = 0; i < n_dl; i++)
        mp_buf_printf(out, "%s- %s\n", i == 0 ? "\n## Training data\n\n" : "", dl[i]);
    if (q->task == MP_TASK_PRETRAIN) {
        const mp_arch *ar = v->arch;
        mp_fmt_params(mp_arch_params(ar), a, sizeof a);
        mp_buf_printf(out, "- shape: %lld layers, hidden %lld, %lld heads of %lld, MLP %lld, "
                           "vocabulary %lld (%s parameters, untied embeddings)\n",
                      (long long)ar->n_layers, (long long)ar->hidden, (long long)ar->n_heads,
                      (long long)ar->head_dim, (long long)ar->intermediate, (long long)ar->vocab,
                      a);
    }

    mp_buf_puts(out, "\n## Memory\n\n");
    static const char *const hdr[] = {"term", ">GiB"};
    mp_table t;
    mp_table_init(&t, 2, hdr);
    const struct {
        const char *name;
        const mp_mem_term *term;
    } terms[] = {{"frozen weights", &r->frozen},    {"trainable weights", &r->trainable},
                 {"gradients", &r->grads},         {"optimizer state", &r->optimizer},
                 {"activations for backprop", &r->activations}, {"logits and loss", &r->logits}};
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        mp_fmt_gib(terms[i].term->bytes, a, sizeof a);
        mp_table_rowf(&t, "%s\t%s", terms[i].name, a);
    }
    mp_fmt_gib(r->total_bytes, a, sizeof a);
    mp_table_rowf(&t, "**total** (+/-%.0f%%)\t**%s**", r->band_mem_pct, a);
    mp_fmt_gib(r->budget_bytes, a, sizeof a);
    mp_table_rowf(&t, "GPU limit\t%s", a);
    mp_table_write(&t, out);
    mp_table_release(&t);
    mp_buf_puts(out, "\n");
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
        mp_buf_printf(out, "- %s: %s\n", terms[i].name, terms[i].term->basis);
    mp_buf_printf(out, "- GPU limit: %s\n", v->mach->budget_basis);
    mp_buf_printf(out, "\n**Verdict: %s.** %s.\n", mp_verdict_name(r->verdict), r->verdict_text);

    mp_buf_puts(out, "\n## Speed\n\n");
    static const char *const sh[] = {"measure", ">value", ">error band"};
    mp_table_init(&t, 3, sh);
    mp_fmt_rate(r->tok_s, a, sizeof a);
    mp_table_rowf(&t, "training throughput%s\t%s tok/s\t+/-%.0f%%",
                  label_suffix(v, MP_RUN_KIND_TRAIN), a, r->band_speed_pct);
    mp_fmt_rate(r->it_s, a, sizeof a);
    mp_table_rowf(&t, "iterations\t%s it/s\t+/-%.0f%%", a, r->band_speed_pct);
    mp_fmt_duration(r->total_s, a, sizeof a);
    mp_table_rowf(&t, "total time\t%s\t+/-%.0f%%", a, r->band_speed_pct);
    if (r->chinchilla_tokens > 0) {
        mp_fmt_params(r->chinchilla_tokens, b, sizeof b);
        mp_fmt_duration(r->chinchilla_s, a, sizeof a);
        mp_table_rowf(&t, "compute-optimal budget: %s tokens\t%s\t+/-%.0f%%", b, a,
                      r->band_speed_pct);
    }
    mp_table_write(&t, out);
    mp_table_release(&t);
    mp_buf_printf(out, "\n- throughput: %s\n- iterations: one micro-batch each, as mlx_lm.lora "
                       "reports it/s\n- total time: %s\n",
                  r->speed_basis, r->total_basis);
    static const mp_run_kind tkinds[] = {MP_RUN_KIND_TRAIN};
    calib_md(v, tkinds, 1, out);
    if (r->chinchilla_tokens > 0)
        mp_buf_puts(out, "- compute-optimal budget: 20 training tokens per parameter "
                         "(Chinchilla)\n");
    mp_buf_puts(out, "- error band: few measured fine-tuning runs exist (data/calibration/), so "
                     "the band is wide\n");
    commands_md(v, out);
    char (*notes)[MP_BASIS_LEN] = (char (*)[MP_BASIS_LEN])r->notes;
    notes_md(v, notes, r->n_notes, out);
}

void mp_render_estimate_md(const mp_estimate_view *v, mp_buf *out)
{
    if (v->inf)
        infer_md(v, out);
    else
        train_md(v, out);
}

/* ---- JSON ---------------------------------------------------------------------- */

static cJSON *term_json(cJSON *parent, const char *key, const mp_mem_term *t)
{
    cJSON *o = cJSON_AddObjectToObject(parent, key);
    mp_json_num(o, "bytes", floor(t->bytes));
    mp_json_str(o, "basis", t->basis);
    return o;
}

static void common_json(const mp_estimate_view *v, cJSON *root)
{
    char buf[1400], ql[64];
    cJSON *model = cJSON_AddObjectToObject(root, "model");
    mp_json_str(model, "id", v->arch->id);
    mp_json_str(model, "model_type", v->arch->model_type);
    mp_json_str(model, "mlx_lm_module", v->arch->module);
    mp_fmt_origin(v->origin, buf, sizeof buf);
    mp_json_str(model, "source", buf);
    mp_json_str(model, "source_revision",
                v->origin && v->origin->revision[0] ? v->origin->revision : NULL);
    cJSON_AddItemToObject(model, "checkpoint", mp_ckpt_json(v->origin));
    mp_json_num(model, "params", mp_arch_params(v->arch));
    mp_json_num(model, "active_params", mp_arch_active_params(v->arch));
    mp_json_num(model, "layers", (double)v->arch->n_layers);
    mp_quant nq = mp_arch_native_quant(v->arch);
    mp_quant_label(&nq, ql, sizeof ql);
    mp_json_str(model, "stored_format", ql);
    const mp_machine *m = v->mach;
    cJSON *mach = cJSON_AddObjectToObject(root, "machine");
    mp_json_str(mach, "chip", m->chip.short_name);
    mp_json_str(mach, "chip_name", m->chip.name);
    mp_json_num(mach, "memory_gb", m->memory_gb);
    cJSON_AddBoolToObject(mach, "memory_assumed", m->memory_assumed);
    cJSON_AddBoolToObject(mach, "bin_chosen_by_memory", v->chip_by_memory);
    mp_json_num(mach, "bandwidth_gbs", m->chip.bandwidth_gbs);
    mp_json_num(mach, "gpu_limit_bytes", floor(m->gpu_default_bytes));
    mp_json_num(mach, "gpu_max_bytes", floor(m->gpu_max_bytes));
    if (m->chip.vendor == MP_VENDOR_APPLE)
        mp_json_num(mach, "wired_limit_mb", m->wired_limit_mb);
    mp_json_str(mach, "gpu_limit_basis", m->budget_basis);
    cJSON *cmds = cJSON_AddArrayToObject(root, "commands");
    for (int i = 0; i < v->n_commands; i++)
        cJSON_AddItemToArray(cmds, cJSON_CreateString(v->commands[i]));
    cJSON *rem = cJSON_AddArrayToObject(root, "remedies");
    for (int i = 0; i < v->n_remedies; i++) {
        cJSON *o = cJSON_CreateObject();
        mp_json_str(o, "action", v->remedies[i].action);
        mp_json_str(o, "effect", v->remedies[i].effect);
        cJSON_AddItemToArray(rem, o);
    }
}

static void notes_json(const mp_estimate_view *v, cJSON *root, char notes[][MP_BASIS_LEN], int n)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "notes");
    for (int i = 0; i < v->arch->n_notes; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(v->arch->notes[i]));
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(notes[i]));
}

cJSON *mp_render_estimate_json(const mp_estimate_view *v)
{
    cJSON *root = cJSON_CreateObject();
    char ql[64];
    if (v->inf) {
        const mp_infer_result *r = v->inf;
        mp_json_str(root, "task", "inference");
        common_json(v, root);
        cJSON *s = cJSON_AddObjectToObject(root, "settings");
        mp_quant_label(&r->quant, ql, sizeof ql);
        mp_json_str(s, "quant", ql);
        mp_json_num(s, "bits_per_weight", r->bits_per_weight);
        mp_json_num(s, "context_tokens", (double)r->context_tokens);
        mp_json_num(s, "prompt_tokens", (double)r->prompt_tokens);
        mp_json_num(s, "batch", r->batch);
        cJSON *mem = cJSON_AddObjectToObject(root, "memory");
        term_json(mem, "weights", &r->weights);
        term_json(mem, "kv_cache", &r->kv);
        term_json(mem, "activations", &r->activations);
        mp_json_num(mem, "weights_bytes", floor(r->weights.bytes));
        mp_json_num(mem, "kv_cache_bytes", floor(r->kv.bytes));
        mp_json_num(mem, "activations_bytes", floor(r->activations.bytes));
        mp_json_num(mem, "total_bytes", floor(r->total_bytes));
        mp_json_num(mem, "error_band_pct", r->band_mem_pct);
        mp_json_num(mem, "budget_bytes", floor(r->budget_bytes));
        mp_json_num(mem, "warn_bytes", floor(r->warn_bytes));
        mp_json_num(mem, "max_bytes", floor(r->max_bytes));
        mp_json_str(root, "verdict", mp_verdict_name(r->verdict));
        mp_json_str(root, "verdict_reason", r->verdict_text);
        cJSON *sp = cJSON_AddObjectToObject(root, "speed");
        mp_json_num(sp, "decode_tok_s", r->decode_tok_s);
        if (calib_kind(v, MP_RUN_KIND_DECODE)) { /* without runs every speed is estimated */
            mp_json_str(sp, "decode_label", label_of(v, MP_RUN_KIND_DECODE));
            mp_json_str(sp, "prefill_label", label_of(v, MP_RUN_KIND_PREFILL));
            mp_render_calib_json(v->calib, root);
        }
        mp_json_num(sp, "decode_total_tok_s", r->decode_total_tok_s);
        mp_json_num(sp, "decode_error_band_pct", r->band_decode_pct);
        mp_json_str(sp, "decode_basis", r->decode_basis);
        mp_json_num(sp, "prefill_tok_s", r->prefill_tok_s);
        mp_json_num(sp, "prefill_error_band_pct", r->band_prefill_pct);
        mp_json_num(sp, "prefill_tflops", r->prefill_tflops);
        mp_json_str(sp, "prefill_basis", r->prefill_basis);
        mp_json_num(sp, "ttft_s", r->ttft_s);
        cJSON_AddBoolToObject(sp, "calibration_thin", r->band_thin);
        cJSON *curve = cJSON_AddArrayToObject(sp, "decode_curve");
        for (int i = 0; i < r->n_curve; i++) {
            cJSON *pt = cJSON_CreateObject();
            mp_json_num(pt, "context_tokens", (double)r->curve[i].context_tokens);
            mp_json_num(pt, "decode_tok_s", r->curve[i].decode_tok_s);
            mp_json_num(pt, "kv_cache_bytes", floor(r->curve[i].kv_bytes));
            cJSON_AddItemToArray(curve, pt);
        }
        char (*notes)[MP_BASIS_LEN] = (char (*)[MP_BASIS_LEN])r->notes;
        notes_json(v, root, notes, r->n_notes);
        return root;
    }
    const mp_train_result *r = v->tr;
    const mp_train_req *q = v->treq;
    mp_json_str(root, "task", mp_task_name(q->task));
    common_json(v, root);
    cJSON *s = cJSON_AddObjectToObject(root, "settings");
    mp_quant_label(&q->base_quant, ql, sizeof ql);
    mp_json_str(s, "base_quant", ql);
    mp_json_num(s, "batch", q->batch);
    mp_json_num(s, "seq_len_tokens", (double)q->seq_len);
    mp_json_num(s, "num_layers", r->layers_trained);
    mp_json_num(s, "rank", q->rank);
    cJSON_AddBoolToObject(s, "grad_checkpoint", q->grad_checkpoint);
    mp_json_num(s, "grad_accumulation_steps", q->grad_accum > 0 ? q->grad_accum : 1);
    mp_json_str(s, "optimizer", mp_optim_name(q->optim));
    mp_json_num(s, "trainable_params", r->trainable_params);
    cJSON *mem = cJSON_AddObjectToObject(root, "memory");
    term_json(mem, "frozen_weights", &r->frozen);
    term_json(mem, "trainable_weights", &r->trainable);
    term_json(mem, "gradients", &r->grads);
    term_json(mem, "optimizer_state", &r->optimizer);
    term_json(mem, "activations", &r->activations);
    term_json(mem, "logits", &r->logits);
    mp_json_num(mem, "total_bytes", floor(r->total_bytes));
    mp_json_num(mem, "error_band_pct", r->band_mem_pct);
    mp_json_num(mem, "budget_bytes", floor(r->budget_bytes));
    mp_json_num(mem, "max_bytes", floor(r->max_bytes));
    mp_json_str(root, "verdict", mp_verdict_name(r->verdict));
    mp_json_str(root, "verdict_reason", r->verdict_text);
    cJSON *sp = cJSON_AddObjectToObject(root, "speed");
    mp_json_num(sp, "tok_s", r->tok_s);
    if (calib_kind(v, MP_RUN_KIND_TRAIN)) { /* without runs every speed is estimated */
        mp_json_str(sp, "label", label_of(v, MP_RUN_KIND_TRAIN));
        mp_render_calib_json(v->calib, root);
    }
    mp_json_num(sp, "it_s", r->it_s);
    mp_json_num(sp, "step_s", r->step_s);
    mp_json_num(sp, "iters", (double)r->iters);
    mp_json_num(sp, "total_s", r->total_s);
    mp_json_num(sp, "error_band_pct", r->band_speed_pct);
    mp_json_str(sp, "basis", r->speed_basis);
    mp_json_str(sp, "total_basis", r->total_basis);
    if (r->chinchilla_tokens > 0)
        mp_json_num(sp, "chinchilla_tokens", r->chinchilla_tokens);
    char (*notes)[MP_BASIS_LEN] = (char (*)[MP_BASIS_LEN])r->notes;
    notes_json(v, root, notes, r->n_notes);
    char dl[DATA_LINES][DATA_LINE_LEN];
    int n_dl;
    data_lines(v, dl, &n_dl);
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "notes");
    for (int i = 0; i < n_dl; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(dl[i]));
    return root;
}

