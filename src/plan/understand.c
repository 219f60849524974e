/*
 * understand.c - what the words of a request leave open, turned into stated
 * assumptions instead of errors (see understand.h): a machine that does not
 * exist as written, a memory size without a chip, a model named only by its
 * size ("a 7B", "70B-class models").
 */
#include "plan/understand.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "engine/fit.h"
#include "kb/chips.h"
#include "model/registry.h"
#include "plan/doc.h"
#include "util/fmt.h"
#include "util/text.h"

/* The tiers of the chip data, lowest first. */
#define N_TIERS ((int)(sizeof mp_apple_tier_names / sizeof mp_apple_tier_names[0]))

/* "M2" + Pro -> "M2 Pro"; the base tier is the family alone. */
static void chip_name(const char *family, mp_apple_tier tier, char *buf, size_t cap)
{
    if (tier == MP_APPLE_TIER_BASE)
        snprintf(buf, cap, "%s", family);
    else
        snprintf(buf, cap, "%s %s", family, mp_apple_tier_names[tier]);
}

/* Whether some bin of family+tier is sold with `gb`. */
static bool tier_offers(const char *family, mp_apple_tier tier, int gb)
{
    for (size_t i = 0; i < mp_chip_count(); i++) {
        mp_chip c;
        mp_chip_get(i, &c);
        if (c.vendor == MP_VENDOR_APPLE && strcmp(c.family, family) == 0 &&
            c.tier == tier && mp_chip_offers_memory(&c, gb))
            return true;
    }
    return false;
}

static void set_assumed(mp_sfield *f, const char *value)
{
    mp_strlcpy(f->value, value, sizeof f->value);
    f->prov = MP_PROV_ASSUMED;
}

/* A memory size and no chip ("on 8GB"): the newest Apple chip sold with it,
 * lowest tier first (provisional chips aside). */
static void chip_for_memory(mp_plan *p, int gb)
{
    mp_spec *s = &p->spec;
    const mp_chip *best = NULL;
    mp_chip all[160];
    size_t n = 0;
    char others[160] = "";
    size_t k = 0;
    for (size_t i = 0; i < mp_chip_count() && n < sizeof all / sizeof all[0]; i++) {
        mp_chip_get(i, &all[n]);
        mp_chip *c = &all[n];
        if (c->vendor != MP_VENDOR_APPLE || c->provisional || !mp_chip_offers_memory(c, gb))
            continue;
        if (!best || c->year > best->year || (c->year == best->year && c->tier < best->tier))
            best = c;
        n++;
    }
    if (!best)
        return; /* no chip has it: resolve_machine names the options */
    char name[64];
    chip_name(best->family, best->tier, name, sizeof name);
    for (size_t i = 0; i < n && k < sizeof others; i++) {
        char o[64];
        chip_name(all[i].family, all[i].tier, o, sizeof o);
        if (strcmp(o, name) != 0 && !strstr(others, o))
            k += (size_t)snprintf(others + k, sizeof others - k, "%s%s", k ? ", " : "", o);
    }
    set_assumed(&s->chip, name);
    mp_strlcpy(s->chip.evidence, s->memory_gb.evidence, sizeof s->chip.evidence);
    mp_doc_assume(p, "The machine is an %s with %d GB: the request gives the memory but no chip, "
                  "and the %s is the newest chip sold with %d GB%s%s.", name, gb, name, gb,
                  others[0] ? "; also " : "", others);
    mp_doc_question(p, "Which Mac has the %d GB (chip and GPU cores)?  `mlxplan hw detect` "
                       "prints it.", gb);
}

/* A chip named with a memory size none of its bins is sold with: a higher
 * tier of the same family that has it ("M2 32GB" -> M2 Pro), else the
 * chip's nearest memory size. */
static void fix_chip_memory(mp_plan *p, const mp_chip *c, int gb)
{
    mp_spec *s = &p->spec;
    if (c->vendor != MP_VENDOR_APPLE)
        return;
    char found[3][64];
    int nf = 0;
    for (int t = (int)c->tier + 1; t < N_TIERS && nf < 3; t++)
        if (tier_offers(c->family, (mp_apple_tier)t, gb))
            chip_name(c->family, (mp_apple_tier)t, found[nf++], sizeof found[0]);
    char was[64];
    chip_name(c->family, c->tier, was, sizeof was);
    char mem_text[64];
    mp_chip_memory_text(c, mem_text, sizeof mem_text);
    if (nf > 0) {
        set_assumed(&s->chip, found[0]);
        mp_doc_assume(p, "No %s is sold with %d GB (it comes with %s GB); the %s%s%s does: "
                      "planned for the %s.", was, gb, mem_text, found[0],
                      nf > 1 ? " and the " : "", nf > 1 ? found[1] : "", found[0]);
        mp_doc_question(p, "Is it the %s%s%s with %d GB?", found[0], nf > 1 ? " or the " : "",
                        nf > 1 ? found[1] : "", gb);
        return;
    }
    int near = 0;
    if (c->mem_is_range && c->n_mem_opts == 2) {
        near = gb < c->mem_opts_gb[0] ? c->mem_opts_gb[0] : c->mem_opts_gb[1];
    } else {
        for (int i = 0; i < c->n_mem_opts; i++)
            if (!near || abs(c->mem_opts_gb[i] - gb) < abs(near - gb))
                near = c->mem_opts_gb[i];
    }
    if (!near)
        return;
    s->memory_gb.value = near;
    s->memory_gb.prov = MP_PROV_ASSUMED;
    mp_doc_assume(p, "No %s is sold with %d GB (it comes with %s GB): planned with %d GB, the "
                  "nearest.", was, gb, mem_text, near);
    mp_doc_question(p, "How much memory does your %s have (%s GB)?", was, mem_text);
}

static void machine(mp_plan *p)
{
    mp_spec *s = &p->spec;
    /* flags are taken as given (a size a chip lacks stays an error) */
    if (isnan(s->memory_gb.value) || s->memory_gb.prov != MP_PROV_REQUEST ||
        s->chip.prov > MP_PROV_REQUEST || (s->intents & MP_INTENT_CUDA))
        return;
    int gb = (int)s->memory_gb.value;
    if (!s->chip.value[0]) {
        chip_for_memory(p, gb);
        return;
    }
    mp_chip_match m;
    int rc = mp_chip_resolve(s->chip.value, 0, &m, NULL);
    if (rc == 0) {
        if (!mp_chip_offers_memory(&m.chip, gb))
            fix_chip_memory(p, &m.chip, gb);
        return;
    }
    if (rc != MP_EAMBIGUOUS || m.n_candidates == 0)
        return;
    for (int i = 0; i < m.n_candidates; i++)
        if (mp_chip_offers_memory(&m.candidates[i], gb))
            return;
    fix_chip_memory(p, &m.candidates[0], gb);
}

/* Whether a registry id is a chat-tuned model (run plans prefer those). */
static bool chat_tuned(const char *id)
{
    return mp_istr(id, "instruct") || mp_istr(id, "-it") || mp_istr(id, "chat") ||
           mp_istr(id, "gpt-oss");
}

/* "chat-tuned " for a registry row tagged chat (or named so), "" otherwise. */
static const char *tuned(const mp_model_row *row)
{
    return mp_registry_has_use(row, "chat") || (!row->use[0] && chat_tuned(row->id))
               ? "chat-tuned "
               : "";
}

/* A size and no model ("a 7B", "70B-class models"): the registry model
 * nearest that size, of the request's use first, tuned before base. */
static void model_for_size(mp_plan *p)
{
    mp_spec *s = &p->spec;
    if (s->model.value[0] || isnan(s->model_size.value) || (s->intents & MP_INTENT_PRETRAIN))
        return;
    const char *use = strcmp(s->use.value, "small") == 0 ? "edge" : s->use.value;
    double want = s->model_size.value, best_d = INFINITY;
    const mp_model_row *best = NULL;
    double best_n = 0;
    for (size_t r = 0; r < mp_model_rows_len; r++) {
        const mp_model_row *row = &mp_model_rows[r];
        mp_arch a;
        if (mp_registry_arch(row, &a, NULL) != 0)
            continue;
        double n = mp_arch_params(&a);
        mp_arch_release(&a);
        double d = fabs(log(n / want));
        if (d > log(1.35))
            continue;
        /* the request's use first ("qwq 32b" asks for reasoning), then
         * tuned models: base models only when no tuned one is near */
        if (use[0] && !mp_registry_has_use(row, use))
            d += 0.5;
        if (mp_registry_has_use(row, "base") || (!row->use[0] && !chat_tuned(row->id)))
            d += 1;
        if (d < best_d) {
            best_d = d;
            best = row;
            best_n = n;
        }
    }
    if (!best)
        return;
    set_assumed(&s->model, best->id);
    mp_strlcpy(s->model.evidence, s->model_size.evidence, sizeof s->model.evidence);
    if (s->unknown_model[0])
        snprintf(s->model_note, sizeof s->model_note,
                 "'%s' is not in mlxplan's registry: planned with %s (%.1fB parameters), the "
                 "%s%smodel it holds nearest that size.", s->unknown_model, best->id,
                 best_n / 1e9, use[0] && mp_registry_has_use(best, use) ? use : "",
                 use[0] && mp_registry_has_use(best, use) ? " " : tuned(best));
    else
        snprintf(s->model_note, sizeof s->model_note,
                 "The model is %s (%.1fB parameters), the %s%smodel of mlxplan's registry "
                 "nearest the size the request gives ('%s').", best->id, best_n / 1e9,
                 use[0] && mp_registry_has_use(best, use) ? use : "",
                 use[0] && mp_registry_has_use(best, use) ? " " : tuned(best),
                 s->model_size.evidence);
}

/* A model named with a variant the registry model taken for it lacks
 * ("qwen2.5 14b instruct" -> Qwen/Qwen2.5-14B): never a silent swap. */
static void variant_note(mp_plan *p)
{
    const mp_spec *s = &p->spec;
    if (!s->model_variant_missing[0] || !s->model.value[0])
        return;
    /* an instruct, base or coder model has its sibling's architecture and size */
    char words[sizeof s->model_variant_missing];
    mp_strlcpy(words, s->model_variant_missing, sizeof words);
    bool same_shape = true;
    for (char *save = NULL, *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
        same_shape &= strcmp(w, "instruct") == 0 || strcmp(w, "base") == 0 ||
                      strcmp(w, "coder") == 0;
    mp_doc_assume(p, "'%s' names the %s variant, which mlxplan's registry does not hold: "
                  "planned with %s, %s; `--model ORG/NAME` with the variant's Hugging Face id "
                  "reads its own config.json.",
                  s->model.evidence, s->model_variant_missing, s->model.value,
                  same_shape ? "the same architecture and size (memory and speed as estimated "
                               "hold for the variant)"
                             : "its nearest sibling (the variant's extra parts, such as a "
                               "vision encoder, are not in these figures)");
}

void mp_understand(mp_plan *p)
{
    machine(p);
    model_for_size(p);
    variant_note(p);
}

static double gib_of(double bytes)
{
    return bytes / (1024.0 * 1024.0 * 1024.0);
}

/* ---- memory sizes compared: "is the 64 GB or the 128 GB worth it" ------------------ */

typedef struct size_row {
    int gb;
    mp_machine mach;
    bool ok;             /* a bin of the chip is sold with it */
    int n;               /* formats that fit */
    mp_fit_infer best;
    int64_t longest;     /* tokens at the best format */
} size_row;

void mp_understand_machines(mp_plan *p, const mp_arch *a, const mp_machine *m,
                            const mp_infer_result *planned)
{
    int64_t context = planned->context_tokens;
    const mp_spec *s = &p->spec;
    if (s->n_alt_memory == 0 || m->chip.vendor != MP_VENDOR_APPLE)
        return;
    size_row rows[1 + MP_SPEC_MAX_ALT_MEMORY];
    int nr = 0;
    rows[nr++].gb = m->memory_gb;
    for (int k = 0; k < s->n_alt_memory; k++)
        rows[nr++].gb = (int)s->alt_memory_gb[k];
    for (int i = 1; i < nr; i++) /* smallest first */
        for (int j = i; j > 0 && rows[j].gb < rows[j - 1].gb; j--) {
            size_row t = rows[j];
            rows[j] = rows[j - 1];
            rows[j - 1] = t;
        }
    int64_t cap = a->max_position > 0 ? a->max_position : 131072;
    for (int i = 0; i < nr; i++) {
        size_row *r = &rows[i];
        mp_chip_match cm;
        const mp_chip *chip = &m->chip;
        if (s->chip.value[0] && mp_chip_resolve(s->chip.value, r->gb, &cm, NULL) == 0)
            chip = &cm.chip;
        r->ok = mp_machine_init(&r->mach, chip, r->gb, NULL) == 0;
        r->n = 0;
        if (!r->ok)
            continue;
        static mp_fit_infer opts[MP_FIT_MAX];
        mp_fit_infer_req fr = {a, &r->mach, context, 0, 1, false, false};
        if (r->gb == m->memory_gb && planned->verdict_point != MP_NO_FIT &&
            planned->total_bytes <= m->gpu_max_bytes) { /* one Mac holds the plan */
            r->n = 1;
            r->best.quant = planned->quant;
            r->best.est = *planned;
        } else if (mp_fit_inference(&fr, opts, MP_FIT_MAX, &r->n, NULL) != 0) {
            r->n = 0;
        } else if (r->n > 0) {
            r->best = opts[0];
        }
        if (r->n > 0) {
            r->longest = mp_fit_max_context(a, &r->mach, &r->best.quant, 1, 0, cap, true);
        }
    }
    mp_block *b = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_PARA);
    char ctx[32];
    mp_fmt_count((double)context, ctx, sizeof ctx);
    mp_doc_add(p, b, "The memory sizes the request compares, for %s at %s tokens of context "
               "(estimated; the planned size in the plan's format, each other size in the "
               "highest-quality format that fits under 90%% of its GPU limit, as `mlxplan fit` "
               "ranks them):", a->id, ctx);
    mp_block *t = mp_doc_table(p, MP_SEC_SUMMARY, 7,
                               "machine\t>GPU limit\tformat\t>memory\t>decode\t>longest context "
                               "that runs (raised wired limit)\tverdict");
    for (int i = 0; i < nr; i++) {
        const size_row *r = &rows[i];
        if (!r->ok) {
            mp_doc_row(p, t, "%s, %d GB\t-\tnot sold with %d GB\t-\t-\t-\t-",
                       m->chip.family, r->gb, r->gb);
            continue;
        }
        if (r->n == 0) {
            mp_doc_row(p, t, "%s, %d GB\t%.1f GiB\tnone fits\t-\t-\t-\tdoes not fit",
                       r->mach.chip.short_name, r->gb, gib_of(r->mach.gpu_default_bytes));
            continue;
        }
        char ql[64], lg[32];
        mp_quant_label(&r->best.quant, ql, sizeof ql);
        mp_fmt_count((double)r->longest, lg, sizeof lg);
        mp_doc_row(p, t, "%s, %d GB\t%.1f GiB\t%s\t%.1f GiB\t%.1f tok/s\t%s tokens\t%s",
                   r->mach.chip.short_name, r->gb, gib_of(r->mach.gpu_default_bytes), ql,
                   gib_of(r->best.est.total_bytes), r->best.est.decode_tok_s, lg,
                   mp_verdict_name(r->best.est.verdict));
    }
    /* what the largest size buys over the smallest that runs the model */
    const size_row *lo = NULL, *hi = NULL;
    for (int i = 0; i < nr; i++)
        if (rows[i].ok && rows[i].n > 0) {
            if (!lo)
                lo = &rows[i];
            hi = &rows[i];
        }
    mp_block *n = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_BULLETS);
    if (!lo) {
        mp_doc_add(p, n, "None of these sizes runs %s at %s tokens.", a->id, ctx);
    } else if (lo == hi) {
        mp_doc_add(p, n, "Only the %d GB version runs %s at %s tokens.", lo->gb, a->id, ctx);
    } else {
        char ql[64], qh[64];
        mp_quant_label(&lo->best.quant, ql, sizeof ql);
        mp_quant_label(&hi->best.quant, qh, sizeof qh);
        bool better = mp_quant_quality(&hi->best.quant) > mp_quant_quality(&lo->best.quant);
        char bw[64];
        if (hi->mach.chip.bandwidth_gbs == lo->mach.chip.bandwidth_gbs)
            snprintf(bw, sizeof bw, "%.0f GB/s on both", hi->mach.chip.bandwidth_gbs);
        else
            snprintf(bw, sizeof bw, "%.0f vs %.0f GB/s", hi->mach.chip.bandwidth_gbs,
                     lo->mach.chip.bandwidth_gbs);
        if (better)
            mp_doc_add(p, n, "For %s, the %d GB version buys precision, not speed: %s instead of "
                       "%s%s. Decode reads every weight per token from memory (%s), so the "
                       "larger weights decode at %.1f tok/s against %.1f.",
                       a->id, hi->gb, qh, ql,
                       hi->longest > lo->longest ? ", and a longer context" : "", bw,
                       hi->best.est.decode_tok_s, lo->best.est.decode_tok_s);
        else
            mp_doc_add(p, n, "For %s, the %d GB version runs the same format as the %d GB one "
                       "(%s)%s, at %.1f against %.1f tok/s (%s).", a->id, hi->gb,
                       lo->gb, qh, hi->longest > lo->longest ? " with a longer context" : "",
                       hi->best.est.decode_tok_s, lo->best.est.decode_tok_s, bw);
        if (!better && hi->longest <= lo->longest)
            mp_doc_add(p, n, "More memory pays here only for a larger model (the next size "
                       "class) or several models loaded at once.");
        mp_doc_add(p, n, "Each row comes from `mlxplan fit --model %s --chip \"%s\" --memory %d "
                   "--context %lld` with that row's chip and memory.", a->id,
                   hi->mach.chip.short_name, hi->gb, (long long)context);
    }
}
