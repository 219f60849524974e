/*
 * planner.c - from a request to a plan (see plan.h): the entry point.
 *
 * Three phases:
 *  1. understand: flags, request text, journal, this machine, assumptions
 *     (each spec field keeps its provenance);
 *  2. decide: every recommendation through the engines (mp_fit_inference
 *     for formats and contexts, mp_fit_training for fine-tuning settings,
 *     mp_train over sizes for training from scratch, mp_infer for speeds);
 *  3. write: the twelve sections, from the decisions only.
 * The phases live in resolve.c and understand.c (1), decide.c (2) and
 * write_*.c (3); they share the context of planner.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/tdata.h"
#include "plan/flow.h"
#include "plan/planner.h"

#define DEFAULT_CONTEXT 8192

static const struct {
    const char *id, *title;
} section_names[MP_SEC_COUNT] = {
    {"summary", "Summary and verdict"},
    {"understood", "What was understood"},
    {"architecture", "Architecture"},
    {"dependencies", "Dependencies"},
    {"steps", "Implementation steps"},
    {"targets", "Performance targets"},
    {"code", "Code patterns"},
    {"testing", "Testing and validation"},
    {"optimization", "Optimisation guide"},
    {"deployment", "Deployment"},
    {"todo", "Todo checklist"},
    {"sources", "Sources"},
};

/* ---- entry -------------------------------------------------------------------------- */

static bool anything(const mp_spec *s)
{
    return s->intents || s->model.prov || s->chip.prov || !isnan(s->model_size.value);
}

/* The fine-tuning data the request names (--data PATH, or a .jsonl in the
 * words), read through the app's hook as `mlxplan estimate --data` reads it;
 * its format becomes the plan's data format.  Without the hook (MCP) the
 * path is only named. */
static int read_data(mp_pctx *c)
{
    mp_spec *s = &c->p->spec;
    const mp_plan_hooks *h = c->req->hooks;
    if (!s->data_path.value[0] || !h || !h->read_data)
        return 0;
    c->have_data = true;
    mp_error e = {0};
    int rc = h->read_data(h->ctx, s->data_path.value, &c->data, &e);
    if (rc && s->data_path.prov == MP_PROV_FLAG) {
        *c->err = e;
        return rc;
    }
    if (rc) { /* a file the words name may be on another machine: said, not fatal */
        mp_doc_assume(c->p, "The request names %s, which mlxplan could not read (%s): the "
                      "plan does not use its lengths (`--data PATH` reads it).",
                      s->data_path.value, e.msg);
        mp_tdata_release(&c->data);
        c->have_data = false;
        return 0;
    }
    const char *fmt = c->data.format == MP_TDATA_TEXT          ? "text"
                      : c->data.format == MP_TDATA_COMPLETIONS ? "completions"
                                                               : "chat";
    mp_spec_set_str(s, &s->data_format, "data format", fmt, s->data_path.prov,
                    S(c, "%s (its first line)", s->data_path.value));
    mp_spec_set_num(s, &s->data_examples, "data size", (double)c->data.n_examples,
                    s->data_path.prov, s->data_path.value);
    return 0;
}

int mp_plan_build(const mp_plan_req *req, mp_plan **out, mp_error *err)
{
    *out = NULL;
    const char *text = req->text ? req->text : "";
    size_t len = strlen(text);
    bool blank = true;
    for (size_t i = 0; i < len; i++)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n')
            blank = false;
    if (blank && !req->model && !req->task && !req->chip && !req->journal_dir)
        return mp_error_set(err, MP_EUSAGE, "plan needs a request in plain words, e.g. mlxplan "
                            "plan \"fine-tune Llama 3.1 8B on my M3 Max 36GB\"");
    char why[300];
    if (!blank && mp_spec_impossible(text, why, sizeof why))
        return mp_error_set(err, MP_EUNSUPPORTED, "cannot plan this: %s", why);

    mp_plan *p = calloc(1, sizeof *p);
    mp_pctx *c = calloc(1, sizeof *c);
    if (!p || !c) {
        free(p);
        free(c);
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    }
    p->arena = mp_arena_new();
    c->nodes = 1;
    c->p = p;
    c->req = req;
    c->err = err;
    int rc = 0;
    if (!p->arena) {
        rc = mp_error_set(err, MP_ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < MP_SEC_COUNT; i++) {
        p->sections[i].id = section_names[i].id;
        p->sections[i].title = section_names[i].title;
    }
    mp_spec_init(&p->spec);
    mp_spec *s = &p->spec;
    if ((rc = mp_pl_read_flags(c)) != 0)
        goto done;
    if (!blank && (rc = mp_spec_parse_text(s, text, len, MP_PROV_REQUEST, err)) != 0)
        goto done;
    if (req->journal_dir && (rc = mp_journal_read(req->journal_dir, s, &c->journal, err)) != 0)
        goto done;
    if (!anything(s)) {
        rc = mp_error_set(err, MP_EINVAL,
                          MP_PLAN_NOTHING_MSG " in '%.60s%s': name a model, a task (run, "
                          "fine-tune, train from scratch, serve, quantize, speed up) or a Mac",
                          text, len > 60 ? "..." : "");
        goto done;
    }
    c->sc = s->intents ? s->intents : MP_INTENT_RUN;
    if ((c->sc & (MP_INTENT_SERVE | MP_INTENT_QUANTIZE | MP_INTENT_OPTIMIZE |
                  MP_INTENT_DISTRIBUTED | MP_INTENT_EVALUATE | MP_INTENT_CUDA)) &&
        !(c->sc & (MP_INTENT_FINETUNE | MP_INTENT_PRETRAIN)))
        c->sc |= MP_INTENT_RUN;
    if (s->intents == 0) {
        s->intents_prov = MP_PROV_ASSUMED;
        mp_strlcpy(s->intent_evidence, "no task named: run the model", sizeof s->intent_evidence);
    }
    if (s->unknown_model[0] && !req->model)
        mp_doc_question(p, "The request names '%s', which is not in mlxplan's registry: which "
                        "Hugging Face id is it? (`--model ORG/NAME` reads its config from the "
                        "local cache or the Hub.)", s->unknown_model);
    c->slow = mp_pl_is_slow(c);
    c->context = isnan(s->context.value) ? (c->slow ? MP_PL_SLOW_CONTEXT : DEFAULT_CONTEXT)
                                         : (int64_t)s->context.value;
    c->prompt = isnan(s->prompt_tokens.value) ? 0 : (int64_t)s->prompt_tokens.value;
    if (c->prompt && isnan(s->context.value))
        c->context = c->prompt + MP_PL_ANSWER_TOKENS;
    else if (c->prompt > c->context)
        c->prompt = c->context; /* the stated context holds the prompt */
    mp_understand(p);
    if ((rc = mp_pl_resolve_machine(c)) != 0)
        goto done;
    mp_pl_calibrate(c);
    c->sc |= s->intents & MP_INTENT_CUDA;
    if (c->sc & MP_INTENT_PRETRAIN) {
        if ((rc = mp_pl_decide_pretrain(c)) != 0)
            goto done;
    } else {
        if (s->model.value[0] && s->model.prov != MP_PROV_ASSUMED) {
            if ((rc = mp_pl_load_model(c, s->model.value)) != 0)
                goto done;
        } else if (s->model.value[0]) {
            /* a family without a size: take the registry's pick, say so */
            if ((rc = mp_pl_load_model(c, s->model.value)) != 0)
                goto done;
            c->model_assumed = true;
            if (s->model_note[0]) {
                mp_doc_assume(p, "%s", s->model_note);
                if (!s->unknown_model[0]) /* else the Hub id is asked for already */
                    mp_doc_question(p, "Which model of that size do you want (a Hugging Face "
                                       "id)?");
            } else {
                mp_doc_assume(p, "The model is %s: the request names '%s' without a size.",
                              s->model.value, s->model.evidence);
                mp_doc_question(p, "Which size of %s do you want?", s->model.evidence);
            }
        } else {
            if (req->strict) {
                rc = mp_error_set(err, MP_EINVAL, "%s: the request names no model (give "
                                  "%s)", mp_pname(MP_P_STRICT), mp_pname(MP_P_MODEL));
                goto done;
            }
            rc = c->slow ? mp_pl_slow_assume_model(c)
                         : mp_pl_choose_model(c, (c->sc & MP_INTENT_FINETUNE) != 0);
            if (rc)
                goto done;
        }
        if (isnan(s->context.value) && c->arch.max_position > 0 &&
            c->arch.max_position < c->context) {
            if (c->prompt)
                mp_doc_assume(p, "%s-token prompts are longer than %s's %s positions "
                              "(max_position_embeddings): the plan is for its full window.",
                              count(c, (double)c->prompt), c->model_id,
                              count(c, (double)c->arch.max_position));
            c->context = c->arch.max_position;
            if (c->prompt >= c->context)
                c->prompt = c->context - MP_PL_ANSWER_TOKENS;
        }
        if (isnan(s->context.value) && c->prompt)
            mp_doc_assume(p, "Context of %s tokens: the %s-token prompt and a %d-token answer.",
                          count(c, (double)c->context), count(c, (double)c->prompt),
                          MP_PL_ANSWER_TOKENS);
        else if (isnan(s->context.value))
            mp_doc_assume(p, "Context of %s tokens: the request gives none.",
                          count(c, (double)c->context));
        if (c->sc & MP_INTENT_FINETUNE) {
            if ((rc = read_data(c)) != 0)
                goto done;
            c->data_format = s->data_format.value[0] ? s->data_format.value : "chat";
            if (!s->data_format.value[0] && !c->have_data) {
                mp_doc_assume(p, "The data is conversations (mlx-lm's chat format): the "
                                 "request does not say.");
                bool sized = !isnan(s->data_examples.value) || !isnan(s->data_tokens.value);
                mp_doc_question(p, "What does your data look like (conversations, "
                                   "prompt/answer pairs, or raw text)%s?",
                                sized ? "" : ", and how many examples");
            }
            if ((rc = mp_pl_decide_training(c)) != 0)
                goto done;
        }
        if (c->slow)
            mp_pl_slow_assume_quant(c);
        if (c->sc & (MP_INTENT_RUN | MP_INTENT_SERVE)) {
            if ((rc = mp_pl_decide_inference(c)) != 0)
                goto done;
        }
        if (c->infer && !c->train && c->nodes == 1)
            mp_pl_compare_models(c);
        else
            for (int k = 0; k < s->n_alt_models; k++)
                if (!mp_ieq(s->alt_models[k].value, c->model_id))
                    mp_doc_assume(p, "The request also names %s; this plan is for %s "
                                  "(`mlxplan plan --model %s` plans the other).",
                                  s->alt_models[k].value, c->model_id, s->alt_models[k].value);
        if (!(c->infer && !c->train && c->nodes == 1))
            for (int k = 0; k < s->n_alt_quants; k++)
                mp_doc_assume(p, "The request also names the format %s; this plan weighs only "
                              "%s (`mlxplan estimate --quant` gives the other).",
                              s->alt_quants[k].value, s->quant.value);
    }
    if (!isnan(s->observed_tok_s.value) && (c->infer || c->train))
        mp_doc_number(p, "observed_tok_s", s->observed_tok_s.value, "tok/s", MP_LABEL_MEASURED,
                      "the request");
    p->scenarios = c->sc;
    if (c->slow) {
        if ((rc = mp_pl_write_slow(c)) != 0)
            goto done;
        goto written;
    }
    mp_pl_alt_machines(c);
    mp_pl_write_summary(c);
    if (c->near_done && c->near_planned < 0) {
        /* it runs nowhere here as asked: no step, target or code runs it on
         * this Mac (the summary's options say what does) */
        c->infer = false;
    }
    mp_pl_write_understood(c);
    mp_pl_write_architecture(c);
    mp_pl_write_dependencies(c);
    mp_pl_write_steps(c);
    if (c->near_done && c->near_planned < 0)
        mp_pl_write_no_run(c);
    mp_pl_write_targets(c);
    if ((rc = mp_pl_write_code(c)) != 0)
        goto done;
    mp_pl_write_testing(c);
    const mp_plan_judged *judged = NULL;
    if ((rc = mp_pl_judge(c, false, &judged)) != 0)
        goto done;
    if (judged)
        mp_flow_judged(p, judged);
    mp_pl_write_diagnosis(c);
    mp_pl_write_optimization(c);
    mp_pl_write_deployment(c);
    mp_pl_write_todo(c);
    mp_pl_write_sources(c, req);
written:
    mp_pl_finish_understood(c);
    mp_pl_keep_results(c);
    if (mp_arena_failed(p->arena))
        rc = mp_error_set(err, MP_ENOMEM, "out of memory");
done:
    if (c->have_data)
        mp_tdata_release(&c->data);
    if (c->have_arch)
        mp_arch_release(&c->arch);
    if (c->pretrain)
        mp_arch_release(&c->parch);
    free(c);
    if (rc) {
        mp_plan_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void mp_plan_free(mp_plan *p)
{
    if (!p)
        return;
    mp_arena_free(p->arena);
    free(p);
}
