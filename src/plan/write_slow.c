/*
 * write_slow.c - the planner's side of the slow-inference flow
 * (flow_slow.c): when a request is that flow, what it assumes while the
 * user's setup is unknown, and the twelve sections written from the
 * user's setup instead of from a model mlxplan would pick.
 */
#include "plan/planner.h"

/* the model the figures use while the request names none: a common
 * mlx-lm setup, said so in the plan */
#define SLOW_MODEL "meta-llama/Llama-3.1-8B-Instruct"

int64_t mp_pl_slow_gen_tokens(const mp_pctx *c)
{
    int64_t gen = c->context > 2 * MP_PL_ANSWER_TOKENS ? MP_PL_ANSWER_TOKENS : c->context / 2;
    return gen >= 1 ? gen : 1;
}

bool mp_pl_is_slow(const mp_pctx *c)
{
    return (c->sc & MP_INTENT_OPTIMIZE) &&
           !(c->sc & (MP_INTENT_FINETUNE | MP_INTENT_PRETRAIN | MP_INTENT_SERVE |
                      MP_INTENT_DISTRIBUTED)) &&
           !c->p->spec.observed_training;
}

int mp_pl_slow_assume_model(mp_pctx *c)
{
    mp_spec *s = &c->p->spec;
    mp_spec_set_str(s, &s->model, "model", SLOW_MODEL, MP_PROV_ASSUMED,
                    "a common setup until you name yours");
    c->model_assumed = true;
    mp_doc_assume(c->p, "The worked figures use %s, a common mlx-lm setup: the request does not "
                  "say which model is slow. The expected-speed table covers other models.",
                  SLOW_MODEL);
    return mp_pl_load_model(c, SLOW_MODEL);
}

bool mp_pl_slow_assume_quant(mp_pctx *c)
{
    mp_spec *s = &c->p->spec;
    if (s->quant.value[0] || c->arch.has_config_quant)
        return false;
    mp_spec_set_str(s, &s->quant, "quant", "4", MP_PROV_ASSUMED,
                    "the format of most mlx-community copies");
    mp_doc_assume(c->p, "The weights are 4-bit (group size 64), the format of most "
                  "mlx-community copies: the request does not say; 16-bit is the first cause "
                  "to rule out.");
    return true;
}

/* Whether the lower-cased request contains one of `words`. */
static bool says(const char *lower, const char *const *words)
{
    for (int i = 0; words[i]; i++)
        if (strstr(lower, words[i]))
            return true;
    return false;
}

/* How the request says the user generates and measures. */
static void read_setup(const mp_pctx *c, mp_slow_loop *loop, bool *measured)
{
    static const char *const own[] = {"own loop", "my loop", "own generation loop",
                                      "custom loop", "own generate", "hand-written loop",
                                      "handwritten loop", "my generation loop", NULL};
    static const char *const lib[] = {"mlx_lm.generate", "mlx_lm.server", "mlx_lm.chat",
                                      "stream_generate", "mlx-lm generate", "mlx_lm generate",
                                      "mlx_lm.benchmark", NULL};
    static const char *const tool[] = {"mlx_lm.generate", "mlx_lm.benchmark", "mlx-lm generate",
                                       "mlx_lm generate", NULL};
    char lower[1024];
    const char *t = c->req->text ? c->req->text : "";
    size_t n = 0;
    for (; t[n] && n + 1 < sizeof lower; n++)
        lower[n] = (char)tolower((unsigned char)t[n]);
    lower[n] = '\0';
    *loop = says(lower, own) ? MP_SLOW_LOOP_OWN
            : says(lower, lib) ? MP_SLOW_LOOP_MLX_LM
                               : MP_SLOW_LOOP_UNKNOWN;
    *measured = says(lower, tool);
}

static void write_dependencies(mp_pctx *c)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_DEPENDENCIES, MP_BLK_BULLETS);
    mp_doc_add(p, b, "Nothing new to install for the diagnosis: it measures the setup you "
               "have. If your versions are older than mlx %s and mlx-lm %s (step 1 prints "
               "them), upgrade in the environment your script uses and measure again.",
               pin("mlx_pin"), pin("mlx_lm_pin"));
    mp_doc_add(p, b, "macOS >= %s on Apple silicon and a native arm64 Python (an x86 Python "
               "under Rosetta gets no GPU).", pin("macos_min"));
    mp_doc_code(p, MP_SEC_DEPENDENCIES, "sh", NULL,
                S(c, "pip install -U \"mlx==%s\" \"mlx-lm==%s\"\n"
                     "python3 -c \"import mlx.core as mx, mlx_lm; print(mx.__version__, "
                     "mlx_lm.__version__)\"\n",
                  pin("mlx_pin"), pin("mlx_lm_pin")));
}

static void write_targets(mp_pctx *c, const mp_flow_slow *f)
{
    mp_plan *p = c->p;
    const mp_infer_result *e = &c->ires;
    long long pt = (long long)e->prompt_tokens, g = (long long)f->gen_tokens;
    mp_block *t = mp_doc_table(p, MP_SEC_TARGETS, 4, "target\tvalue\tmeasured with\ttolerance");
    mp_doc_row(p, t, "decode speed at %s tokens of context\t%s tok/s\tmlx_lm.benchmark --model "
               "\"$MODEL\" -p %lld -g %lld -n 5: Averages generation_tps\t+/-%.0f%%",
               count(c, (double)e->context_tokens), rate(c, e->decode_tok_s), pt, g,
               e->band_decode_pct);
    mp_doc_row(p, t, "prefill speed\t%s tok/s\tsame run: Averages prompt_tps\t+/-%.0f%%",
               rate(c, e->prefill_tok_s), e->band_prefill_pct);
    mp_doc_row(p, t, "peak memory\t%s\tsame run: peak_memory (mx.get_peak_memory)\t"
               "+/-%.0f%%", gb_dec(c, e->total_bytes), e->band_mem_pct);
    mp_doc_row(p, t, "time to first token\t%s\tmlx_lm.generate: the Prompt line's tokens over "
               "its tokens-per-sec, for a %s-token prompt\t+/-%.0f%%",
               dur(c, e->ttft_s), count(c, (double)pt), e->band_prefill_pct);
}

int mp_pl_write_slow(mp_pctx *c)
{
    mp_plan *p = c->p;
    int64_t gen = mp_pl_slow_gen_tokens(c);
    int rc;
    const mp_spec *s = &p->spec;
    /* the commands load the user's copy: the checkpoint itself when the
     * format is its own, else a converted folder (the line that makes it) */
    mp_quant nq = mp_arch_native_quant(&c->arch);
    const char *run_model = c->model_id, *convert = NULL;
    if (memcmp(&nq, &c->ires.quant, sizeof nq) != 0 && c->ires.quant.mode == MP_Q_AFFINE) {
        const char *base = strrchr(c->model_id, '/');
        run_model = S(c, "mlx_model/%s-%dbit", base ? base + 1 : c->model_id,
                      c->ires.quant.bits);
        convert = S(c, "mlx_lm.convert --hf-path %s -q --q-bits %d --q-group-size %d "
                       "--mlx-path %s", c->model_id, c->ires.quant.bits, c->ires.quant.group,
                    run_model);
    }
    mp_flow_slow f = {
        .arch = &c->arch,
        .model_id = c->model_id,
        .run_model = run_model,
        .convert = convert,
        .model_assumed = c->model_assumed,
        .quant_assumed = s->quant.prov == MP_PROV_ASSUMED,
        .req = &c->ireq,
        .res = &c->ires,
        .mach = &c->mach,
        .machine_label = c->mach_label,
        .bin_assumed = c->mach_assumed || s->chip.prov == MP_PROV_ASSUMED,
        .observed_tok_s = s->observed_tok_s.value,
        .gen_tokens = gen,
        .prompt_given = c->prompt > 0,
    };
    read_setup(c, &f.loop, &f.measured_by_mlx_lm);
    if ((rc = mp_pl_judge(c, f.measured_by_mlx_lm || f.loop == MP_SLOW_LOOP_MLX_LM, &f.judged)))
        return rc;
    p->title = S(c, "Diagnose slow inference of %s on %s", c->model_id, c->mach_label);
    p->verdict = S(c, "%s", mp_verdict_name(c->ires.verdict));
    mp_flow_slow_summary(p, mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_BULLETS), &f);
    mp_pl_write_understood(c);
    mp_flow_slow_questions(p, &f);
    mp_flow_slow_architecture(p, mp_doc_block(p, MP_SEC_ARCHITECTURE, MP_BLK_BULLETS), &f);
    write_dependencies(c);
    mp_flow_slow_steps(p, mp_doc_block(p, MP_SEC_STEPS, MP_BLK_NUMBERED), &f);
    write_targets(c, &f);
    if ((rc = mp_flow_slow_code(p, &f, c->err)) != 0)
        return rc;
    mp_flow_slow_testing(p, mp_doc_block(p, MP_SEC_TESTING, MP_BLK_BULLETS), &f);
    mp_flow_slow_optimization(p, &f);
    mp_flow_slow_deployment(p, mp_doc_block(p, MP_SEC_DEPLOYMENT, MP_BLK_BULLETS), &f);
    mp_pl_write_todo(c);
    mp_pl_write_sources(c, c->req);
    return 0;
}
