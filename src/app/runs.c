/* runs.c - the runs use-cases: read pasted output, settle its setup,
 * estimate it, store it; list, show, forget.  See runs.h. */
#include "app/runs.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/chips.h"
#include "platform/host.h"
#include "render/json.h"
#include "render/runs.h"
#include "util/text.h"

static void assume(mp_run_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void assume(mp_run_out *o, const char *fmt, ...)
{
    if (o->n_assumed >= MP_RUN_MAX_ASSUMED)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->assumed[o->n_assumed++], sizeof o->assumed[0], fmt, ap);
    va_end(ap);
}

static void source(mp_run_out *o, const char *what, const char *from)
{
    size_t n = strlen(o->row.sources);
    snprintf(o->row.sources + n, sizeof o->row.sources - n, "%s%s %s", n ? "; " : "", what, from);
}

/* The line of the pasted command line, 0 when none. */
static int command_line_no(const mp_run_reading *r)
{
    for (int i = 0; i < r->n_notes; i++)
        if (strcmp(r->notes[i].what, "command line") == 0)
            return r->notes[i].line_no;
    return 0;
}

/* The format an MLX conversion's name says ("mlx-community/X-4bit"), read
 * by the registry's naming rules; false when the name says none. */
static bool quant_of_name(const char *model, mp_quant *q)
{
    mp_repo_quant rq;
    if (!model[0] || mp_repo_quant_read(model, &rq) != 0)
        return false;
    if (rq.quantized)
        *q = rq.q;
    else if (rq.float_given)
        *q = mp_quant_float(rq.dtype);
    else
        return false;
    return true;
}

/* Read setting `id` from text `v`, kept in o's pool: mp_pvals borrow the
 * text they were read from, and the estimate runs after the settling. */
static int set_text(mp_run_out *o, mp_pvals *pv, mp_param_id id, const char *v, mp_error *err)
{
    if (!v)
        return mp_param_read_text(pv, id, NULL, err);
    if (o->n_pool >= MP_RUN_POOL)
        return mp_error_set(err, MP_EINTERNAL, "run setup: too many settings");
    char *slot = o->pool[o->n_pool++];
    mp_strlcpy(slot, v, sizeof o->pool[0]);
    return mp_param_read_text(pv, id, slot, err);
}

static int set_int(mp_run_out *o, mp_pvals *pv, mp_param_id id, long long v, mp_error *err)
{
    char t[32];
    snprintf(t, sizeof t, "%lld", v);
    return set_text(o, pv, id, t, err);
}

/* Settle the model: the pasted command line's, else the one given. */
static int settle_model(const mp_run_in *in, mp_run_out *o, mp_pvals *pv, mp_error *err)
{
    const mp_run_reading *r = &o->reading;
    const char *given = mp_pv_given(in->pv, MP_P_MODEL) ? in->pv->v[MP_P_MODEL].s : NULL;
    if (r->model[0] && given && strcmp(r->model, given) != 0)
        return mp_error_set(err, MP_EINVAL, "%s '%.100s' contradicts line %d of the output "
                            "(--model %.100s)", mp_pname(MP_P_MODEL), given,
                            command_line_no(r), r->model);
    const char *m = r->model[0] ? r->model : given;
    if (!m)
        return 1;
    mp_strlcpy(o->row.model, m, sizeof o->row.model);
    source(o, "model", r->model[0] ? "pasted" : "given");
    return set_text(o, pv, MP_P_MODEL, m, err);
}

/* Settle the weight format: given, else what the model's name says (the
 * loader reads it from the name too), else as stored (assumed). */
static int settle_quant(const mp_run_in *in, mp_run_out *o, mp_pvals *pv, mp_error *err)
{
    mp_quant named;
    bool has_named = quant_of_name(o->row.model, &named);
    if (mp_pv_given(in->pv, MP_P_QUANT)) {
        const char *q = in->pv->v[MP_P_QUANT].s;
        mp_quant a;
        if (has_named && mp_quant_parse(q, 0, MP_DT_BF16, &a, NULL) == 0 &&
            (a.mode != named.mode || (a.mode != MP_Q_FLOAT && a.bits != named.bits))) {
            char nl[64];
            mp_quant_label(&named, nl, sizeof nl);
            return mp_error_set(err, MP_EINVAL, "%s '%.32s' contradicts the model's name "
                                "'%.120s' (%s)", mp_pname(MP_P_QUANT), q, o->row.model, nl);
        }
        source(o, "quant", "given");
        o->quantized = mp_quant_parse(q, 0, MP_DT_BF16, &a, NULL) == 0 && a.mode != MP_Q_FLOAT;
        int rc = set_text(o, pv, MP_P_QUANT, q, err);
        if (!rc && mp_pv_given(in->pv, MP_P_GROUP_SIZE))
            rc = set_int(o, pv, MP_P_GROUP_SIZE, (long long)in->pv->v[MP_P_GROUP_SIZE].i, err);
        return rc;
    }
    if (has_named) {
        source(o, "quant", "from the model's name");
        o->quantized = named.mode != MP_Q_FLOAT;
        o->quant_named = true;
        return 0;
    }
    source(o, "quant", "assumed");
    return 0; /* as stored: said once the model is loaded */
}

/* Settle the machine: given, else this machine, else refused. */
static int settle_machine(const mp_run_in *in, mp_run_out *o, mp_pvals *pv, mp_error *err)
{
    int rc;
    if (mp_pv_given(in->pv, MP_P_CHIP)) {
        source(o, "chip", "given");
        if ((rc = set_text(o, pv, MP_P_CHIP, in->pv->v[MP_P_CHIP].s, err)))
            return rc;
        if (mp_pv_given(in->pv, MP_P_MEMORY)) {
            source(o, "memory", "given");
            return set_int(o, pv, MP_P_MEMORY, (long long)in->pv->v[MP_P_MEMORY].i, err);
        }
        source(o, "memory", "assumed");
        return 0;
    }
    if (!in->detect) {
        snprintf(o->no_estimate, sizeof o->no_estimate, "no machine given (%s)",
                 mp_pname(MP_P_CHIP));
        return 1;
    }
    mp_host h;
    mp_host_detect(&h, NULL);
    mp_chip chip;
    char note[256];
    if (!mp_machine_host_chip(&h, &chip, note, sizeof note)) {
        snprintf(o->no_estimate, sizeof o->no_estimate, "no machine: pass %s (%.150s)",
                 mp_pname(MP_P_CHIP), note);
        return 1;
    }
    source(o, "chip", "detected");
    if ((rc = set_text(o, pv, MP_P_CHIP, chip.short_name, err)))
        return rc;
    if (mp_pv_given(in->pv, MP_P_MEMORY)) {
        source(o, "memory", "given");
        return set_int(o, pv, MP_P_MEMORY, (long long)in->pv->v[MP_P_MEMORY].i, err);
    }
    if (h.memory_gib > 0) {
        source(o, "memory", "detected");
        return set_int(o, pv, MP_P_MEMORY, (long long)(h.memory_gib + 0.5), err);
    }
    source(o, "memory", "assumed");
    return 0;
}

/* Inference settings: context and prompt measured, else given, else the
 * default (assumed); batch from the output. */
static int settle_inference(const mp_run_in *in, mp_run_out *o, mp_pvals *pv, mp_error *err)
{
    const mp_run_reading *r = &o->reading;
    int rc;
    mp_strlcpy(o->row.task, "inference", sizeof o->row.task);
    int64_t prompt = r->prompt_tokens > 0 ? (int64_t)r->prompt_tokens : 0;
    int64_t gen = r->gen_tokens > 0 ? (int64_t)r->gen_tokens
                  : r->max_tokens > 0 ? r->max_tokens : 0;
    if (prompt > 0) {
        source(o, "context", "measured");
        if ((rc = set_int(o, pv, MP_P_CONTEXT, (long long)(prompt + gen), err)) ||
            (rc = set_int(o, pv, MP_P_PROMPT, (long long)prompt, err)))
            return rc;
    } else if (mp_pv_given(in->pv, MP_P_CONTEXT)) {
        source(o, "context", "given");
        if ((rc = set_int(o, pv, MP_P_CONTEXT, (long long)in->pv->v[MP_P_CONTEXT].i, err)))
            return rc;
        if (mp_pv_given(in->pv, MP_P_PROMPT) &&
            (rc = set_int(o, pv, MP_P_PROMPT, (long long)in->pv->v[MP_P_PROMPT].i, err)))
            return rc;
    } else {
        source(o, "context", "assumed");
        assume(o, "context: %lld tokens (the default; the output shows no prompt length, "
               "pass %s)", (long long)mp_param_dflt_i64(MP_P_CONTEXT), mp_pname(MP_P_CONTEXT));
    }
    if (r->batch_size > 1 && (rc = set_int(o, pv, MP_P_BATCH, (long long)r->batch_size, err)))
        return rc;
    if (r->batch_size <= 1 && mp_pv_given(in->pv, MP_P_BATCH) &&
        (rc = set_int(o, pv, MP_P_BATCH, (long long)in->pv->v[MP_P_BATCH].i, err)))
        return rc;
    if (r->kv_bits > 0 && (rc = set_int(o, pv, MP_P_KV_BITS, (long long)r->kv_bits, err)))
        return rc;
    if (r->max_kv_size > 0 && (rc = set_int(o, pv, MP_P_MAX_KV_SIZE, (long long)r->max_kv_size, err)))
        return rc;
    return 0;
}

/* Training settings of a LoRA log: type, batch, sequence length, layers,
 * rank, each read or mlx_lm.lora's default (assumed). */
static int settle_training(mp_run_out *o, mp_pvals *pv, mp_error *err)
{
    const mp_run_reading *r = &o->reading;
    int rc;
    const char *type = r->fine_tune_type[0] ? r->fine_tune_type : "lora";
    if (!r->fine_tune_type[0])
        assume(o, "fine-tune type: lora (mlx_lm.lora's default; the log does not say)");
    bool quantized = o->quantized;
    const char *task = strcmp(type, "full") == 0 ? "full"
                       : strcmp(type, "dora") == 0 ? "dora"
                       : quantized                   ? "qlora"
                                                     : "lora";
    mp_strlcpy(o->row.task, task, sizeof o->row.task);
    if ((rc = set_text(o, pv, MP_P_TASK, task, err)))
        return rc;
    if (r->batch_size > 0) {
        if ((rc = set_int(o, pv, MP_P_BATCH, (long long)r->batch_size, err)))
            return rc;
    } else {
        assume(o, "batch: 4 (mlx_lm.lora's default; the log does not say)");
    }
    /* the tokens each example really had: trained tokens over examples seen
     * (mlx-lm pads a batch to its longest example, capped at --max-seq-length) */
    int64_t batch = r->batch_size > 0 ? r->batch_size : 4;
    double per_example = r->trained_tokens > 0 && r->last_iter > 0
                             ? r->trained_tokens / ((double)r->last_iter * (double)batch) : 0;
    int64_t cap = r->max_seq_length > 0 ? r->max_seq_length : 2048;
    if (per_example >= 1 && per_example < (double)cap) {
        int64_t seq = (int64_t)ceil(per_example);
        if ((rc = set_int(o, pv, MP_P_SEQ, (long long)seq, err)))
            return rc;
        assume(o, "sequence length: %lld tokens (%.0f trained tokens / %lld iterations / "
               "batch %lld)", (long long)seq, r->trained_tokens, (long long)r->last_iter,
               (long long)batch);
    } else if (r->max_seq_length > 0) {
        if ((rc = set_int(o, pv, MP_P_SEQ, (long long)r->max_seq_length, err)))
            return rc;
    } else {
        assume(o, "sequence length: 2048 tokens (--max-seq-length default; the log does not say)");
    }
    if (r->lora_layers > 0 && strcmp(task, "full") != 0 &&
        (rc = set_int(o, pv, MP_P_NUM_LAYERS, (long long)r->lora_layers, err)))
        return rc;
    if (r->lora_rank > 0 && strcmp(task, "full") != 0 &&
        (rc = set_int(o, pv, MP_P_RANK, (long long)r->lora_rank, err)))
        return rc;
    return 0;
}

static int estimate(const mp_run_in *in, mp_run_out *o, mp_pvals *pv, mp_error *err)
{
    mp_estimate_in ein = {pv, !in->names_only, false, true};
    return mp_estimate_run(&ein, &o->est, err);
}

/* mp_run_prepare after the reading: o->reading is filled, the rest zero. */
static int prepare_reading(const mp_run_in *in, mp_run_out *o, mp_error *err)
{
    int rc;
    const mp_run_reading *r = &o->reading;
    mp_run_row *row = &o->row;
    row->context_tokens = row->prompt_tokens = 0;
    row->batch = r->batch_size > 0 ? r->batch_size : 1;
    mp_strlcpy(row->format, mp_run_format_name(r->format), sizeof row->format);
    row->prompt_tok_s = r->prompt_tok_per_s;
    row->gen_tok_s = r->gen_tok_per_s;
    row->train_tok_s = r->train_tok_per_s;
    row->peak_gb = r->peak_memory_gb;
    row->exp_prompt_tok_s = row->exp_gen_tok_s = row->exp_train_tok_s = -1;
    mp_pvals pv;
    memset(&pv, 0, sizeof pv);
    if ((rc = set_text(o, &pv, MP_P_OFFLINE, NULL, err)))
        return rc;
    rc = settle_model(in, o, &pv, err);
    if (rc == 1) {
        snprintf(o->no_estimate, sizeof o->no_estimate,
                 "the output names no model (no mlx_lm command line): pass %s",
                 mp_pname(MP_P_MODEL));
        return in->need_setup ? mp_error_set(err, MP_EUSAGE, "%s", o->no_estimate) : 0;
    }
    if (rc || (rc = settle_quant(in, o, &pv, err)))
        return rc;
    rc = settle_machine(in, o, &pv, err);
    if (rc == 1)
        return in->need_setup ? mp_error_set(err, MP_EUSAGE, "%s", o->no_estimate) : 0;
    if (rc)
        return rc;
    rc = mp_run_is_training(r) ? settle_training(o, &pv, err) : settle_inference(in, o, &pv, err);
    if (rc || (rc = estimate(in, o, &pv, err)))
        return rc;
    o->have_estimate = true;
    const mp_machine *m = &o->est.mach;
    mp_strlcpy(row->chip, m->chip.short_name, sizeof row->chip);
    row->memory_gb = m->memory_gb;
    if (m->memory_assumed)
        assume(o, "memory: %d GB (the chip's smallest; pass %s)", m->memory_gb,
               mp_pname(MP_P_MEMORY));
    char ql[64];
    if (o->est.task == MP_TASK_INFER) {
        const mp_infer_result *inf = &o->est.inf;
        mp_quant_label(&inf->quant, ql, sizeof ql);
        row->context_tokens = inf->context_tokens;
        row->prompt_tokens = inf->prompt_tokens;
        row->batch = inf->batch;
        row->exp_gen_tok_s = inf->batch > 1 ? inf->decode_total_tok_s : inf->decode_tok_s;
        row->exp_prompt_tok_s = inf->prefill_tok_s;
        o->band_pct[MP_RUN_KIND_DECODE] = inf->band_decode_pct;
        o->band_pct[MP_RUN_KIND_PREFILL] = inf->band_prefill_pct;
    } else {
        mp_quant_label(&o->est.treq.base_quant, ql, sizeof ql);
        row->context_tokens = o->est.treq.seq_len;
        row->batch = o->est.treq.batch;
        row->exp_train_tok_s = o->est.tr.tok_s;
        o->band_pct[MP_RUN_KIND_TRAIN] = o->est.tr.band_speed_pct;
    }
    mp_strlcpy(row->quant, ql, sizeof row->quant);
    if (!mp_pv_given(&pv, MP_P_QUANT) && !o->quant_named)
        assume(o, "weights: %s as stored (neither the output nor %s names a format)", ql,
               mp_pname(MP_P_QUANT));
    mp_run_diagnose(o);
    return 0;
}

static void out_init(mp_run_out *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < MP_CMD_STEPS_MAX; i++)
        mp_buf_init(&o->est.cmds[i]);
}

int mp_run_prepare(const mp_run_in *in, mp_run_out *o, mp_error *err)
{
    out_init(o);
    int rc = mp_runs_read(in->text, in->len, &o->reading, err);
    return rc ? rc : prepare_reading(in, o, err);
}

int mp_run_add(const mp_run_in *in, mp_run_out *o, mp_error *err)
{
    mp_run_in need = *in;
    need.need_setup = true;
    int rc = mp_run_prepare(&need, o, err);
    if (rc)
        return rc;
    bool own;
    if ((rc = mp_runs_db_path(o->db_path, sizeof o->db_path, &own, err)))
        return rc;
    cJSON *j = mp_render_reading_json(&o->reading);
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    if (!text)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    mp_runs_db *db = NULL;
    rc = mp_runs_open(o->db_path, true, &db, err);
    if (!rc)
        rc = mp_runs_insert(db, &o->row, text, &o->id, err);
    if (!rc)
        o->row.id = o->id;
    mp_runs_close(db);
    cJSON_free(text);
    return rc;
}

void mp_run_out_release(mp_run_out *o)
{
    if (o)
        mp_estimate_out_release(&o->est);
}

static int open_existing(char *path, mp_runs_db **db, mp_error *err)
{
    bool own;
    int rc = mp_runs_db_path(path, 4096, &own, err);
    return rc ? rc : mp_runs_open(path, false, db, err);
}

int mp_runs_list_run(mp_run_row **rows, int *n, char *db_path, mp_error *err)
{
    mp_runs_db *db = NULL;
    *rows = NULL;
    *n = 0;
    int rc = open_existing(db_path, &db, err);
    if (!rc)
        rc = mp_runs_select(db, NULL, 0, rows, n, err);
    mp_runs_close(db);
    return rc;
}

int mp_runs_show_run(int64_t id, mp_run_row *row, char **reading_json, mp_error *err)
{
    char path[4096];
    mp_runs_db *db = NULL;
    *reading_json = NULL;
    int rc = open_existing(path, &db, err);
    if (!rc)
        rc = mp_runs_get(db, id, row, reading_json, err);
    mp_runs_close(db);
    return rc;
}

int mp_runs_forget_run(int64_t id, int *removed, mp_error *err)
{
    char path[4096];
    mp_runs_db *db = NULL;
    *removed = 0;
    int rc = open_existing(path, &db, err);
    if (!rc)
        rc = mp_runs_delete(db, id, removed, err);
    mp_runs_close(db);
    return rc;
}

int mp_run_for_plan(const mp_plan_measure *m, const char *text, size_t len, bool names_only,
                    mp_run_out *o, mp_error *err)
{
    out_init(o);
    mp_run_reading *r = &o->reading;
    int rc;
    if (text) {
        if ((rc = mp_runs_read(text, len, r, err)) != 0)
            return rc;
    } else {
        /* the request's figure: a generation speed timed by mlx_lm or by
         * the user's own code, nothing else known */
        mp_runs_reading_init(r);
        r->format = m->by_mlx_lm ? MP_RUN_FMT_GENERATE : MP_RUN_FMT_NONE;
        r->gen_tok_per_s = m->observed_tok_s;
    }
    bool pasted_model = r->model[0] != '\0';
    mp_pvals pv;
    memset(&pv, 0, sizeof pv);
    char mem[16], ctx[24], prompt[24], batch[16], group[16];
    snprintf(group, sizeof group, "%d", m->group);
    snprintf(mem, sizeof mem, "%d", m->mach->memory_gb);
    snprintf(ctx, sizeof ctx, "%lld", (long long)m->context_tokens);
    snprintf(prompt, sizeof prompt, "%lld", (long long)m->prompt_tokens);
    snprintf(batch, sizeof batch, "%d", m->batch);
    bool own = !pasted_model && m->model_id; /* the plan's setup, not the paste's */
    if ((own && (rc = mp_param_read_text(&pv, MP_P_MODEL, m->model_id, err))) ||
        (own && m->quant && (rc = mp_param_read_text(&pv, MP_P_QUANT, m->quant, err))) ||
        (own && m->quant && m->group > 0 &&
         (rc = mp_param_read_text(&pv, MP_P_GROUP_SIZE, group, err))) ||
        (rc = mp_param_read_text(&pv, MP_P_CHIP, m->mach->chip.short_name, err)) ||
        (rc = mp_param_read_text(&pv, MP_P_MEMORY, mem, err)))
        return rc;
    if (own && m->inference && m->context_tokens > 0 &&
        ((rc = mp_param_read_text(&pv, MP_P_CONTEXT, ctx, err)) ||
         (m->prompt_tokens > 0 && (rc = mp_param_read_text(&pv, MP_P_PROMPT, prompt, err))) ||
         (m->batch > 1 && (rc = mp_param_read_text(&pv, MP_P_BATCH, batch, err)))))
        return rc;
    mp_run_in in = {&pv, text, len, false, true, names_only};
    return prepare_reading(&in, o, err);
}
