/*
 * resolve.c - the first phase of the planner (see planner.h): the request's flags
 * into the spec, then the machine and the model the plan is for (named,
 * detected, or assumed and said so).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/mcal.h"
#include "plan/planner.h"

/* The machine assumed when the request names none (stated in the plan). */
#define DEFAULT_CHIP "M4 Pro 20c"
#define DEFAULT_MEMORY_GB 48
#define DEFAULT_NVIDIA "RTX 4090"

int mp_pl_read_flags(mp_pctx *c)
{
    const mp_plan_req *r = c->req;
    mp_spec *s = &c->p->spec;
    if (r->model)
        mp_spec_set_str(s, &s->model, "model", r->model, MP_PROV_FLAG, "--model");
    if (r->chip)
        mp_spec_set_str(s, &s->chip, "chip", r->chip, MP_PROV_FLAG, "--chip");
    if (r->memory_gb)
        mp_spec_set_num(s, &s->memory_gb, "memory", r->memory_gb, MP_PROV_FLAG, "--memory");
    if (r->context)
        mp_spec_set_num(s, &s->context, "context", (double)r->context, MP_PROV_FLAG, "--context");
    if (r->budget_hours > 0)
        mp_spec_set_num(s, &s->budget_hours, "time budget", r->budget_hours, MP_PROV_FLAG,
                        "--budget-hours");
    if (r->users > 0)
        mp_spec_set_num(s, &s->users, "concurrent requests", r->users, MP_PROV_FLAG, "--users");
    if (r->target_tok_s > 0)
        mp_spec_set_num(s, &s->target_tok_s, "target speed", r->target_tok_s, MP_PROV_FLAG,
                        "--min-tok-s");
    if (r->data) {
        const char *fmt = strcmp(r->data, "chat") == 0 || strcmp(r->data, "completions") == 0 ||
                                  strcmp(r->data, "text") == 0
                              ? r->data
                              : NULL;
        if (fmt)
            mp_spec_set_str(s, &s->data_format, "data format", fmt, MP_PROV_FLAG, "--data");
        else
            mp_spec_set_str(s, &s->data_path, "data path", r->data, MP_PROV_FLAG, "--data");
    }
    if (r->task) {
        mp_task t;
        int rc = mp_task_parse(r->task, &t, c->err);
        if (rc)
            return rc;
        unsigned in = t == MP_TASK_INFER      ? MP_INTENT_RUN
                      : t == MP_TASK_PRETRAIN ? MP_INTENT_PRETRAIN
                                              : MP_INTENT_FINETUNE;
        if (t != MP_TASK_INFER && t != MP_TASK_PRETRAIN)
            mp_spec_set_str(s, &s->task, "task", mp_task_name(t), MP_PROV_FLAG, "--task");
        s->intents = in;
        s->intents_prov = MP_PROV_FLAG;
        mp_strlcpy(s->intent_evidence, "--task", sizeof s->intent_evidence);
    }
    return 0;
}

int mp_pl_resolve_machine(mp_pctx *c)
{
    mp_spec *s = &c->p->spec;
    mp_plan *p = c->p;
    int mem = isnan(s->memory_gb.value) ? 0 : (int)s->memory_gb.value;
    if (!s->chip.value[0] && s->my_machine && c->req->detect) {
        mp_host h;
        mp_host_detect(&h, NULL);
        char name[200] = "";
        if (strstr(h.cpu_brand, "Apple M")) {
            if (h.gpu_cores)
                snprintf(name, sizeof name, "%s %dc", h.cpu_brand, h.gpu_cores);
            else
                snprintf(name, sizeof name, "%s", h.cpu_brand);
        } else if (h.has_nvidia) {
            snprintf(name, sizeof name, "%s", h.nvidia_name);
        }
        if (name[0]) {
            mp_spec_set_str(s, &s->chip, "chip", name, MP_PROV_DETECTED, "hw detect");
            if (!mem && h.memory_gib > 0 && strstr(h.cpu_brand, "Apple M")) {
                mem = (int)(h.memory_gib + 0.5);
                mp_spec_set_num(s, &s->memory_gb, "memory", mem, MP_PROV_DETECTED, "hw detect");
            }
        }
    }
    const char *chip = s->chip.value;
    bool cuda = (s->intents & MP_INTENT_CUDA) != 0;
    if (!chip[0]) {
        if (c->req->strict)
            return mp_error_set(c->err, MP_EINVAL, "%s: the request names no machine "
                                "(give %s and %s)", mp_pname(MP_P_STRICT),
                                mp_pname(MP_P_CHIP), mp_pname(MP_P_MEMORY));
        chip = cuda ? DEFAULT_NVIDIA : DEFAULT_CHIP;
        if (!mem && !cuda)
            mem = DEFAULT_MEMORY_GB;
        mp_spec_set_str(s, &s->chip, "chip", chip, MP_PROV_ASSUMED, "no machine named");
        if (!cuda)
            mp_spec_set_num(s, &s->memory_gb, "memory", mem, MP_PROV_ASSUMED, "no machine named");
        c->mach_assumed = true;
        int shown_gb = mem;
        mp_chip_match dm;
        if (cuda && mp_chip_resolve(DEFAULT_NVIDIA, 0, &dm, NULL) == 0 && dm.chip.n_mem_opts)
            shown_gb = dm.chip.mem_opts_gb[0]; /* its memory (data/hw/nvidia.tsv) */
        mp_doc_assume(p, "The machine is an %s with %d GB: the request names none.",
                      cuda ? DEFAULT_NVIDIA : DEFAULT_CHIP, shown_gb);
        mp_doc_question(p, "Which machine will run this (chip, GPU cores, memory)?  "
                           "`mlxplan hw detect` prints it.");
    }
    mp_chip_match m;
    mp_error sub;
    mp_error_clear(&sub);
    int rc = mp_chip_resolve(chip, mem, &m, &sub);
    if (rc == MP_EAMBIGUOUS) {
        /* take the smaller bin: estimates err on the slow side */
        mp_chip pick = m.candidates[0];
        for (int i = 1; i < m.n_candidates; i++)
            if (m.candidates[i].gpu_cores < pick.gpu_cores)
                pick = m.candidates[i];
        if (c->req->strict)
            return mp_error_set(c->err, MP_EINVAL, "%s: %s", mp_pname(MP_P_STRICT), sub.msg);
        m.chip = pick;
        char alts[200] = "";
        size_t k = 0;
        for (int i = 0; i < m.n_candidates && k < sizeof alts; i++)
            k += (size_t)snprintf(alts + k, sizeof alts - k, "%s%s", i ? " or " : "",
                                  m.candidates[i].short_name);
        mp_doc_assume(p, "'%s' is %s: planned for the %s (fewer GPU cores, lower bandwidth), so "
                      "the other bin only runs faster.", s->chip.evidence, alts,
                      pick.short_name);
        mp_doc_question(p, "How many GPU cores does your %s have (%s)?  `mlxplan hw detect` "
                           "tells.", s->chip.value, alts);
        if (!mem)
            mem = 0;
    } else if (rc) {
        *c->err = sub;
        return rc;
    }
    if (mem && !mp_chip_offers_memory(&m.chip, mem)) {
        if (s->memory_gb.prov >= MP_PROV_REQUEST) {
            rc = mp_chip_check_memory(&m.chip, mem, c->err);
            return rc;
        }
        mem = 0;
    }
    rc = mp_machine_init(&c->mach, &m.chip, mem, c->err);
    if (rc)
        return rc;
    if (c->mach.memory_assumed) {
        mp_spec_set_num(s, &s->memory_gb, "memory", c->mach.memory_gb, MP_PROV_ASSUMED,
                        "smallest configuration of the chip");
        if (!c->mach_assumed) {
            mp_doc_assume(p, "The %s has %d GB, its smallest configuration: the request gives "
                          "no memory size.", m.chip.short_name, c->mach.memory_gb);
            mp_doc_question(p, "How much memory does the %s have?", m.chip.short_name);
        }
    }
    c->have_mach = true;
    snprintf(c->mach_label, sizeof c->mach_label, "%s, %d GB", c->mach.chip.short_name,
             c->mach.memory_gb);
    p->machine = S(c, "%s", c->mach_label);
    if (c->mach.chip.vendor == MP_VENDOR_NVIDIA)
        s->intents |= MP_INTENT_CUDA;
    return 0;
}

const char *mp_pl_use_tag(const mp_spec *s)
{
    const char *u = s->use.value;
    if (!u[0])
        return "chat";
    return strcmp(u, "small") == 0 ? "edge" : u;
}

size_t mp_pl_candidates(const mp_pctx *c, const mp_model_row **out, size_t max)
{
    size_t n = mp_registry_picks(mp_pl_use_tag(&c->p->spec), out, max);
    return n ? n : mp_registry_picks("chat", out, max);
}

/* A request about images: mlx-lm loads a vision-language model's language
 * model only, so the plan says mlx-vlm is the runtime for image input, or
 * that the model takes text only. */
static void vision_note(mp_pctx *c)
{
    if (strcmp(mp_pl_use_tag(&c->p->spec), "vision") != 0)
        return;
    const mp_model_row *row = mp_registry_find(c->model_id);
    mp_repo_quant rq;
    if (!row && mp_repo_quant_read(c->model_id, &rq) == 0)
        row = rq.base;
    if (row && mp_registry_has_use(row, "vision"))
        mp_doc_assume(c->p, "%s takes images through mlx-vlm, the runtime for MLX "
                      "vision-language models; the mlx-lm commands in this plan load its "
                      "language model only and take text, and the estimates leave out the "
                      "vision tower and the image tokens.", c->model_id);
    else
        mp_doc_assume(c->p, "%s takes text only: for images, name a vision-language model "
                      "(`mlxplan models list` tags them vision) and run it with mlx-vlm.",
                      c->model_id);
}

/* An embedding model (registry use tag "embedding", or a conversion of
 * one): mlx-lm 0.32.0 generates text and has no embedding command or
 * pooling, so no plan of mlx-lm commands serves it.  MP_EUNSUPPORTED with
 * what mlxplan covers and the closest it does (estimate's memory and
 * prompt-processing rate: embedding a text is one prefill pass); 0 for any
 * other model. */
static int embedding_scope(mp_pctx *c)
{
    const mp_model_row *row = mp_registry_find(c->model_id);
    mp_repo_quant rq;
    if (!row && mp_repo_quant_read(c->model_id, &rq) == 0)
        row = rq.base;
    if (!row || !mp_registry_has_use(row, "embedding"))
        return 0;
    return mp_error_set(c->err, MP_EUNSUPPORTED,
                        "cannot plan this: %s is an embedding model (it turns text into "
                        "vectors and does not generate), and mlx-lm 0.32.0, which mlxplan plans "
                        "for, generates text: it has no embedding command or pooling.  Closest: "
                        "`mlxplan estimate --model %s --chip \"%s\" --memory %d --prompt 512` "
                        "gives its weight memory and its prompt-processing rate, which is its "
                        "embedding rate (one prefill pass per text)",
                        c->model_id, row->id, c->mach.chip.short_name, c->mach.memory_gb);
}

/* An MLX conversion ("mlx-community/<base>-4bit") of a base the registry
 * lacks, found neither in the local cache nor on the Hub: planned as the
 * nearest registry model (mp_spec_nearest_model) in the format its name
 * gives, the stand-in stated and the exact model asked.  True when done
 * (c->arch, c->origin filled, the error cleared); false leaves the error. */
static bool nearest_conversion(mp_pctx *c, const char *id)
{
    mp_repo_quant rq;
    if (mp_repo_quant_read(id, &rq) != 0 || rq.base)
        return false;
    char why[64];
    rq.base = mp_spec_nearest_model(rq.base_name, why, sizeof why);
    if (!rq.base || mp_repo_quant_arch(id, &rq, &c->arch, NULL) != 0)
        return false;
    memset(&c->origin, 0, sizeof c->origin);
    c->origin.kind = MP_ORIGIN_REGISTRY;
    snprintf(c->origin.where, sizeof c->origin.where, "data/models/configs/%s, as %s",
             rq.base->file, rq.format);
    snprintf(c->origin.assumed, sizeof c->origin.assumed,
             "'%.120s' converts %.100s, which mlxplan's registry lacks, and it is not in the local "
             "Hugging Face cache and was not read from the Hub: planned with the shape of %s (%s), in the format its name "
             "gives (%.120s). The figures are that model's and hold only as far as the two "
             "share a shape.", id, rq.base_name, rq.base->id, why,
             rq.format);
    mp_doc_question(c->p, "%s is planned with the shape of %s: give its config.json "
                          "(`--model PATH`), or let mlxplan read it from the Hub (online), "
                          "for figures of the model itself.", id, rq.base->id);
    mp_error_clear(c->err);
    return true;
}

int mp_pl_load_model(mp_pctx *c, const char *id)
{
    mp_load_opts lo = {c->req->offline};
    int rc = c->req->names_only ? mp_model_load_name(id, &lo, &c->arch, &c->origin, c->err)
                                : mp_model_load(id, &lo, &c->arch, &c->origin, c->err);
    if (rc && (c->req->strict || !nearest_conversion(c, id)))
        return rc;
    c->have_arch = true;
    c->model_id = S(c, "%s", c->origin.kind == MP_ORIGIN_REGISTRY ? c->arch.id : id);
    c->p->model_id = c->model_id;
    if (c->have_mach && (rc = embedding_scope(c)) != 0)
        return rc;
    if (c->origin.assumed[0])
        mp_doc_assume(c->p, "%s", c->origin.assumed);
    vision_note(c);
    return 0;
}

/* Hours a fine-tune of an unnamed model may take: the request's budget, or 8 (a night). */
static double train_budget_h(const mp_pctx *c)
{
    double h = c->p->spec.budget_hours.value;
    return isnan(h) ? 8 : h;
}

/* Whether candidate `a` serves the request on this machine: its QLoRA (batch
 * 1, checkpointing, 1,000 iterations of 2,048 tokens) fits and ends within
 * the time budget, or it runs at 4-bit above MP_PL_MIN_DECODE_TOK_S.  When not,
 * `why` says what failed ("does not fit", "11 tok/s"). */
static bool candidate_ok(mp_pctx *c, const mp_arch *a, bool for_training, char *why, size_t cap)
{
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a->dtype};
    if (for_training) {
        mp_train_req t;
        memset(&t, 0, sizeof t);
        t.arch = a;
        t.mach = &c->mach;
        t.task = MP_TASK_QLORA;
        t.base_quant = q4;
        t.batch = 1;
        /* mlx_lm.lora's defaults, on a 4-bit base, batch 1, checkpointed */
        int layers = mp_pl_fact_int(MP_FACT_LORA_LAYERS);
        t.seq_len = c->choose_seq ? c->choose_seq : mp_pl_fact_int(MP_FACT_LORA_SEQ);
        t.num_layers = layers < a->n_layers ? layers : (int)a->n_layers;
        t.rank = mp_pl_fact_int(MP_FACT_LORA_RANK);
        t.grad_checkpoint = true;
        t.iters = mp_pl_fact_int(MP_FACT_LORA_ITERS);
        mp_train_result r;
        if (mp_train(&t, &r, NULL) != 0 || r.verdict_point != MP_FITS) {
            snprintf(why, cap, "its QLoRA does not fit");
            return false;
        }
        if (r.total_s > train_budget_h(c) * 3600) {
            snprintf(why, cap, "%s h for %s iterations", rate(c, r.total_s / 3600),
                     count(c, (double)t.iters));
            return false;
        }
        return true;
    }
    mp_infer_req r = {a, &c->mach, q4, c->context, c->context, 1, 0, 64, 0, 0, NULL};
    mp_infer_result res;
    if (mp_infer(&r, &res, NULL) != 0 || res.verdict_point != MP_FITS) {
        snprintf(why, cap, "does not fit at 4-bit");
        return false;
    }
    if (res.decode_tok_s < MP_PL_MIN_DECODE_TOK_S) {
        snprintf(why, cap, "%s tok/s at 4-bit", rate(c, res.decode_tok_s));
        return false;
    }
    return true;
}

static int choose_model(mp_pctx *c, bool for_training);

/* Whether any pick for the request's use (or chat) passes candidate_ok. */
static bool any_candidate(mp_pctx *c, bool for_training)
{
    const char *uses[] = {mp_pl_use_tag(&c->p->spec), "chat"};
    const mp_model_row *cand[64];
    for (int u = 0; u < 2; u++) {
        size_t n = mp_registry_picks(uses[u], cand, sizeof cand / sizeof cand[0]);
        for (size_t i = 0; i < n; i++) {
            mp_arch a;
            if (mp_registry_arch(cand[i], &a, NULL) != 0)
                continue;
            char why[96];
            bool ok = candidate_ok(c, &a, for_training, why, sizeof why);
            mp_arch_release(&a);
            if (ok)
                return true;
        }
    }
    return false;
}

/* A fine-tune for prompts of a given length is chosen at their window (the
 * prompt and its answer) when some pick trains that within the budget, else
 * at the longest of its halves (down to mlx-lm's default window) that one
 * does; the plan then trains the longest window that fits. */
int mp_pl_choose_model(mp_pctx *c, bool for_training)
{
    c->choose_seq = 0;
    int64_t dflt = mp_pl_fact_int(MP_FACT_LORA_SEQ);
    if (for_training && c->prompt) {
        int64_t want = c->prompt + MP_PL_ANSWER_TOKENS;
        for (c->choose_seq = want; c->choose_seq > dflt; c->choose_seq /= 2)
            if (any_candidate(c, for_training))
                break;
        if (c->choose_seq <= dflt)
            c->choose_seq = 0;
        if (c->choose_seq != want)
            mp_doc_assume(c->p, "No pick of mlxplan's trains 1,000 iterations of %s tokens "
                          "(your prompts and an answer) within %s h on the %s: the model is "
                          "chosen at %s-token sequences and trained at the longest window "
                          "that fits.", count(c, (double)want), rate(c, train_budget_h(c)),
                          c->mach_label,
                          count(c, (double)(c->choose_seq ? c->choose_seq : dflt)));
    }
    return choose_model(c, for_training);
}

/* The first of the registry's picks for the request's use (mp_pl_use_tag;
 * chat when the use has none that serves) that fits the machine (and, for a
 * fine-tune, trains 1,000 iterations within the time budget), with the
 * reason and the more capable picks passed over stated in the plan. */
static int choose_model(mp_pctx *c, bool for_training)
{
    mp_spec *s = &c->p->spec;
    const char *use = mp_pl_use_tag(s);
    const mp_model_row *cand[64];
    char skipped[480] = "";
    size_t sk = 0;
    int n_skipped = 0;
    for (int pass = 0; pass < 2; pass++) {
        const char *u = pass == 0 ? use : "chat";
        if (pass == 1 && strcmp(use, "chat") == 0)
            break;
        size_t n = mp_registry_picks(u, cand, sizeof cand / sizeof cand[0]);
        for (size_t i = 0; i < n; i++) {
            const mp_model_row *row = cand[i];
            mp_arch a;
            if (mp_registry_arch(row, &a, NULL) != 0)
                continue;
            if (!isnan(s->model_size.value) &&
                fabs(mp_arch_params(&a) / s->model_size.value - 1) > 0.35) {
                mp_arch_release(&a);
                continue;
            }
            char why[96];
            bool ok = candidate_ok(c, &a, for_training, why, sizeof why);
            mp_arch_release(&a);
            if (!ok) {
                if (pass == 0 && n_skipped++ < 3 && sk < sizeof skipped)
                    sk += (size_t)snprintf(skipped + sk, sizeof skipped - sk, "%s%s (%s)",
                                           sk ? ", " : "", row->id, why);
                continue;
            }
            const char *serves =
                for_training ? S(c, "fine-tunes (QLoRA, batch 1, checkpointing, %s "
                                    "iterations of %s tokens) within %s h",
                                 count(c, mp_pl_fact(MP_FACT_LORA_ITERS)),
                                 count(c, c->choose_seq ? (double)c->choose_seq
                                                        : mp_pl_fact(MP_FACT_LORA_SEQ)),
                                 rate(c, train_budget_h(c)))
                             : S(c, "runs at 4-bit above %d tok/s", MP_PL_MIN_DECODE_TOK_S);
            mp_spec_set_str(s, &s->model, "model", row->id, MP_PROV_ASSUMED,
                            S(c, "first %s pick that %s", u,
                              for_training ? "fine-tunes within the budget" : "fits at 4-bit"));
            c->model_assumed = true;
            c->model_for_qlora = for_training; /* chosen for its QLoRA: decide trains that */
            const char *named = s->unknown_model[0] ? "no model mlxplan knows" : "no model";
            const char *asked = s->use.value[0]
                                    ? S(c, "the request asks for %s and names %s", s->use.value,
                                        named)
                                    : S(c, "the request names no use and %s: chat assumed",
                                        named);
            if (pass == 1)
                mp_doc_assume(c->p, "The model is %s, the most capable of mlxplan's chat picks "
                              "that %s on the %s: no %s model in mlxplan's registry does%s%s "
                              "(%s).", row->id, serves, c->mach_label, use,
                              skipped[0] ? ": " : "", skipped, asked);
            else
                mp_doc_assume(c->p, "The model is %s, the most capable of mlxplan's %s picks "
                              "that %s on the %s (%s)%s%s.", row->id, u, serves, c->mach_label,
                              asked, skipped[0] ? "; more capable picks passed over: " : "",
                              skipped);
            if (!s->unknown_model[0])
                mp_doc_question(c->p, "Which model do you want (a Hugging Face id, or a size "
                                      "and family)?");
            return mp_pl_load_model(c, row->id);
        }
    }
    return mp_error_set(c->err, MP_EINVAL, "no %s model in the registry fits %s; name a model "
                        "with %s", use, c->mach_label, mp_pname(MP_P_MODEL));
}

void mp_pl_calibrate(mp_pctx *c)
{
    const mp_plan_hooks *h = c->req->hooks;
    if (!c->have_mach || c->slow || !h || !h->calibrate)
        return;
    mp_calib *cal = mp_arena_alloc(c->p->arena, sizeof *cal);
    if (cal && h->calibrate(h->ctx, &c->mach, cal))
        c->mach.calib = cal;
}

mp_label mp_pl_label(mp_calib_label l)
{
    return l == MP_CAL_MEASURED ? MP_LABEL_MEASURED
           : l == MP_CAL_CALIBRATED ? MP_LABEL_CALIBRATED : MP_LABEL_ESTIMATED;
}

const char *mp_pl_calib_basis(mp_pctx *c, const char *basis, const mp_calib *cal, mp_run_kind k,
                              mp_calib_label l)
{
    if (!cal || l == MP_CAL_ESTIMATED)
        return basis;
    char line[MP_BASIS_LEN];
    mp_mcal_basis(&cal->kind[k], line, sizeof line);
    return S(c, "%s; %s", basis, line);
}
