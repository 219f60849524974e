/*
 * spec.c - read a request in plain words into an mp_spec.
 *
 * The reader is deliberately simple and predictable: it lower-cases the
 * text, splits it into words, and looks for the phrases people use for each
 * field (model names by family, version and size; chip names; "36GB";
 * "32k context"; "10k examples"; "20 tok/s"; "in 8 hours"; "two Macs").
 * What it does not recognise it leaves unset, so the planner states an
 * assumption and asks, instead of guessing silently.
 */
#include "plan/spec.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/chips.h"
#include "kb/tables.h"
#include "model/registry.h"
#include "plan/spec_words.h"
#include "util/text.h"

static const char *const prov_names[] = {"none", "assumed", "detected", "journal", "request",
                                         "flag"};

const char *mp_prov_name(mp_prov p)
{
    return p <= MP_PROV_FLAG ? prov_names[p] : "?";
}

const char *mp_intent_name(unsigned bit)
{
    switch (bit) {
    case MP_INTENT_RUN: return "run";
    case MP_INTENT_FINETUNE: return "fine-tune";
    case MP_INTENT_PRETRAIN: return "train from scratch";
    case MP_INTENT_OPTIMIZE: return "optimize";
    case MP_INTENT_QUANTIZE: return "quantize";
    case MP_INTENT_SERVE: return "serve";
    case MP_INTENT_EVALUATE: return "evaluate";
    case MP_INTENT_DISTRIBUTED: return "several Macs";
    case MP_INTENT_CUDA: return "NVIDIA (CUDA)";
    default: return "?";
    }
}

void mp_spec_init(mp_spec *s)
{
    memset(s, 0, sizeof *s);
    mp_nfield *nums[] = {&s->model_size, &s->memory_gb, &s->context, &s->data_examples,
                         &s->data_tokens, &s->target_tok_s, &s->observed_tok_s,
                         &s->budget_hours, &s->n_macs, &s->users, &s->kv_bits,
                         &s->batch, &s->num_layers, &s->grad_ckpt, &s->prompt_tokens,
                         &s->request_rate, &s->data_bytes};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        nums[i]->value = NAN;
}

static void contradiction(mp_spec *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void contradiction(mp_spec *s, const char *fmt, ...)
{
    if (s->n_contradictions >= MP_SPEC_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->contradictions[s->n_contradictions++], sizeof s->contradictions[0], fmt, ap);
    va_end(ap);
}

void mp_spec_set_str(mp_spec *s, mp_sfield *f, const char *name, const char *value, mp_prov prov,
                     const char *evidence)
{
    if (f->prov != MP_PROV_NONE && f->prov > prov) {
        if (!mp_ieq(f->value, value) && prov >= MP_PROV_JOURNAL)
            contradiction(s, "%s: %s says '%s', %s says '%s'; using the %s", name,
                          mp_prov_name(f->prov), f->value, mp_prov_name(prov), value,
                          mp_prov_name(f->prov));
        return;
    }
    if (f->prov == prov && f->value[0] && !mp_ieq(f->value, value)) {
        contradiction(s, "%s: the %s names both '%s' and '%s'; using the first", name,
                      mp_prov_name(prov), f->value, value);
        return;
    }
    if (f->prov != MP_PROV_NONE && f->prov < prov && !mp_ieq(f->value, value) &&
        f->prov >= MP_PROV_JOURNAL)
        contradiction(s, "%s: %s says '%s', %s says '%s'; using the %s", name, mp_prov_name(prov),
                      value, mp_prov_name(f->prov), f->value, mp_prov_name(prov));
    mp_strlcpy(f->value, value, sizeof f->value);
    f->prov = prov;
    mp_strlcpy(f->evidence, evidence ? evidence : value, sizeof f->evidence);
}

void mp_spec_set_num(mp_spec *s, mp_nfield *f, const char *name, double value, mp_prov prov,
                     const char *evidence)
{
    if (f->prov != MP_PROV_NONE && f->prov > prov) {
        if (f->value != value && prov >= MP_PROV_JOURNAL)
            contradiction(s, "%s: %s says %g, %s says %g; using the %s", name,
                          mp_prov_name(f->prov), f->value, mp_prov_name(prov), value,
                          mp_prov_name(f->prov));
        return;
    }
    if (f->prov == prov && !isnan(f->value))
        return; /* first mention wins within one source */
    if (f->prov != MP_PROV_NONE && f->prov < prov && f->value != value &&
        f->prov >= MP_PROV_JOURNAL)
        contradiction(s, "%s: %s says %g, %s says %g; using the %s", name, mp_prov_name(prov),
                      value, mp_prov_name(f->prov), f->value, mp_prov_name(prov));
    f->value = value;
    f->prov = prov;
    mp_strlcpy(f->evidence, evidence ? evidence : "", sizeof f->evidence);
}


/* ---- fields ----------------------------------------------------------------------- */

/* A memory size read from the request: the first is the machine's, later
 * different ones of the same source are sizes to compare it with. */
static void memory_size(mp_spec *s, double gb, mp_prov prov, const char *ev)
{
    if (s->memory_gb.prov == prov && !isnan(s->memory_gb.value) && s->memory_gb.value != gb &&
        prov == MP_PROV_REQUEST) {
        for (int k = 0; k < s->n_alt_memory; k++)
            if (s->alt_memory_gb[k] == gb)
                return;
        if (s->n_alt_memory < MP_SPEC_MAX_ALT_MEMORY)
            s->alt_memory_gb[s->n_alt_memory++] = gb;
        return;
    }
    mp_spec_set_num(s, &s->memory_gb, "memory", gb, prov, ev);
}

static void intents(mp_spec *s, const words *ws, const char *lower, mp_prov prov)
{
    static const char *const ft[] = {"fine-tune", "finetune", "fine-tuning", "finetuning",
                                     "lora", "qlora", "dora", "adapter", "adapters", "sft",
                                     "fine-tuned", "finetuned", "teach", NULL};
    static const char *const pre[] = {"pretrain", "pre-train", "pretraining", "pre-training",
                                      "from-scratch",
                                      NULL};
    static const char *const run[] = {"run", "chat", "chatting", "chatbot", "inference",
                                      "generate", "generation", "use", "try", "prompt", "answer",
                                      "local", "locally", NULL};
    static const char *const opt[] = {"slow", "slower", "faster", "speed", "optimize",
                                      "optimise", "optimizing", "optimization", "profile",
                                      "profiling", "bottleneck", "sluggish", "latency", "terrible",
                                      "ttft", NULL};
    static const char *const quant[] = {"quantize", "quantise", "quantization", "quantisation",
                                        "quantized", "convert", "conversion", "compress",
                                        "dwq", "awq", "gptq", NULL};
    static const char *const serve[] = {"serve", "serving", "deploy", "deployment", "server",
                                        "api", "endpoint", "production", "host", "hosting",
                                        "deployed", NULL};
    static const char *const eval[] = {"evaluate", "evaluation", "eval", "benchmark",
                                       "perplexity", "accuracy", "test", NULL};
    static const char *const dist[] = {"distributed", "cluster", "thunderbolt", "jaccl",
                                       "mlx.launch", NULL};
    static const char *const cuda[] = {"nvidia", "cuda", "rtx", "h100", "a100", "h200",
                                       "4090", "3090", "5090", "l40s", "gb10", NULL};
    unsigned in = 0;
    if (any_word(ws, ft) || phrase(lower, "fine tune") || phrase(lower, "train on my") ||
        phrase(lower, "train it on") || phrase(lower, "on my data") || phrase(lower, "teach it"))
        in |= MP_INTENT_FINETUNE;
    if (any_word(ws, pre) || phrase(lower, "from scratch") ||
        ((phrase(lower, "build a transformer") || phrase(lower, "build a model") ||
          phrase(lower, "transformer architecture") || phrase(lower, "my own model") ||
          phrase(lower, "a new model")) &&
         (phrase(lower, "train") || phrase(lower, "build"))))
        in |= MP_INTENT_PRETRAIN;
    /* "train a 125M GPT", "training a 1B transformer": a size and a kind of
     * model right after "train" is a model trained from scratch */
    for (int i = 0; i < ws->n && !(in & (MP_INTENT_FINETUNE | MP_INTENT_PRETRAIN)); i++) {
        if (!one_of(ws->w[i], (const char *const[]){"train", "training", "trains", NULL}))
            continue;
        for (int j = i + 1; j < ws->n && j <= i + 3; j++) {
            const char *w = ws->w[j];
            size_t wl = strlen(w);
            bool size = wl >= 2 && isdigit((unsigned char)w[0]) &&
                        strspn(w, "0123456789.") == wl - 1 && (w[wl - 1] == 'm' || w[wl - 1] == 'b');
            if (size && j + 1 < ws->n &&
                one_of(ws->w[j + 1], (const char *const[]){"gpt", "transformer", "llm", "lm",
                                                           "model", "language", NULL}))
                in |= MP_INTENT_PRETRAIN;
        }
    }
    /* "train a tiny language model (about 20M params)": a parameter count
     * and a word for training, with no fine-tune cue, is training from scratch */
    for (int i = 0; i + 1 < ws->n && !(in & (MP_INTENT_FINETUNE | MP_INTENT_PRETRAIN)); i++) {
        const char *w = ws->w[i];
        size_t wl = strlen(w);
        bool size = wl >= 2 && isdigit((unsigned char)w[0]) &&
                    strspn(w, "0123456789.") == wl - 1 && (w[wl - 1] == 'm' || w[wl - 1] == 'b');
        if (size && one_of(ws->w[i + 1], (const char *const[]){"params", "parameters",
                                                                 "parameter", "param", NULL}) &&
            any_word(ws, (const char *const[]){"train", "training", "build", "write", NULL}))
            in |= MP_INTENT_PRETRAIN;
    }
    if (any_word(ws, opt) || phrase(lower, "time to first token"))
        in |= MP_INTENT_OPTIMIZE;
    /* "quantize the model" is a scenario; "quantized KV cache" is a setting */
    for (int i = 0; i < ws->n; i++)
        if (one_of(ws->w[i], quant) && !kv_word_near(ws, i))
            in |= MP_INTENT_QUANTIZE;
    if (phrase(lower, "bit version") || phrase(lower, "-bit copy"))
        in |= MP_INTENT_QUANTIZE; /* "make a 3bit version of qwen3-32b" */
    if (any_word(ws, serve))
        in |= MP_INTENT_SERVE;
    if (any_word(ws, eval) || phrase(lower, "how good"))
        in |= MP_INTENT_EVALUATE;
    if (any_word(ws, dist) || phrase(lower, " macs") || phrase(lower, "multiple mac") ||
        phrase(lower, "several mac") || phrase(lower, "two mac") || phrase(lower, "more than one mac"))
        in |= MP_INTENT_DISTRIBUTED;
    if (any_word(ws, cuda) || any_prefix(ws, (const char *const[]){"rtx", NULL}))
        in |= MP_INTENT_CUDA;
    if (any_word(ws, run) && !(in & (MP_INTENT_FINETUNE | MP_INTENT_PRETRAIN)))
        in |= MP_INTENT_RUN;
    if ((in & MP_INTENT_OPTIMIZE) && (in & (MP_INTENT_PRETRAIN | MP_INTENT_FINETUNE)) == 0 &&
        (phrase(lower, "inference") || phrase(lower, "generation") || phrase(lower, "tok")))
        in |= MP_INTENT_RUN;
    if (!in)
        return;
    if (s->intents_prov > prov)
        return;
    if (s->intents_prov == prov) {
        s->intents |= in;
        return;
    }
    s->intents = in | (s->intents_prov >= MP_PROV_JOURNAL ? s->intents : 0);
    s->intents_prov = prov;
    mp_strlcpy(s->intent_evidence, prov == MP_PROV_JOURNAL ? "project journal" : "request text",
               sizeof s->intent_evidence);
}

/* "kv cache quantization", "quantized kv", "kv-bits 4": the KV cache, in bits
 * (8 unless a bit count stands next to it). */
static void kv_quant(mp_spec *s, const words *ws, mp_prov prov)
{
    static const char *const q[] = {"quantize", "quantise", "quantization", "quantisation",
                                    "quantized", "quantised", "kv-bits", "--kv-bits", NULL};
    for (int i = 0; i < ws->n; i++) {
        /* "an 8-bit KV cache": the bits right before the cache */
        const char *w = ws->w[i];
        if (i + 1 < ws->n && strncmp(ws->w[i + 1], "kv", 2) == 0 && isdigit((unsigned char)w[0]) &&
            (strcmp(w + 1, "-bit") == 0 || strcmp(w + 1, "bit") == 0) && strchr("23468", w[0])) {
            char ev[MP_SPEC_TEXT];
            evidence(ws, i, i + 1, ev, sizeof ev);
            mp_spec_set_num(s, &s->kv_bits, "KV cache bits", w[0] - '0', prov, ev);
            return;
        }
        /* "kv 4bit", "kv cache 8-bit" */
        if ((strcmp(w, "kv") == 0 || strcmp(w, "kv-cache") == 0)) {
            for (int j = i + 1; j < ws->n && j <= i + 2; j++) {
                const char *wj = ws->w[j];
                if (isdigit((unsigned char)wj[0]) && strchr("23468", wj[0]) &&
                    (strcmp(wj + 1, "bit") == 0 || strcmp(wj + 1, "-bit") == 0)) {
                    char ev[MP_SPEC_TEXT];
                    evidence(ws, i, j, ev, sizeof ev);
                    mp_spec_set_num(s, &s->kv_bits, "KV cache bits", wj[0] - '0', prov, ev);
                    return;
                }
            }
        }
        if (!one_of(w, q) || !kv_word_near(ws, i))
            continue;
        double bits = 8;
        for (int j = i - 4 < 0 ? 0 : i - 4; j < ws->n && j <= i + 5; j++) {
            const char *wj = ws->w[j];
            if (isdigit((unsigned char)wj[0]) && (strcmp(wj + 1, "-bit") == 0 ||
                                                  strcmp(wj + 1, "bit") == 0 || wj[1] == '\0' ||
                                                  strcmp(wj + 1, "-bits") == 0) &&
                (wj[0] == '2' || wj[0] == '3' || wj[0] == '4' || wj[0] == '6' || wj[0] == '8'))
                bits = wj[0] - '0';
        }
        char ev[MP_SPEC_TEXT];
        evidence(ws, i - 2 < 0 ? 0 : i - 2, i, ev, sizeof ev);
        mp_spec_set_num(s, &s->kv_bits, "KV cache bits", bits, prov, ev);
        return;
    }
}

static void task(mp_spec *s, const words *ws, const char *lower, mp_prov prov)
{
    const char *t = NULL;
    if (any_word(ws, (const char *const[]){"qlora", NULL}))
        t = "qlora";
    else if (any_word(ws, (const char *const[]){"dora", NULL}))
        t = "dora";
    else if (phrase(lower, "full fine") || phrase(lower, "full-parameter") ||
             phrase(lower, "all parameters") || phrase(lower, "full finetun"))
        t = "full";
    /* "... in bf16 full": a lone "full" in a fine-tune (not "full precision") */
    for (int i = 0; !t && i < ws->n && (s->intents & MP_INTENT_FINETUNE); i++)
        if (strcmp(ws->w[i], "full") == 0 &&
            !(i + 1 < ws->n && one_of(ws->w[i + 1], (const char *const[]){
                                  "precision", "context", "speed", "power", "gpu", "memory",
                                  "size", "model", "weights", NULL})))
            t = "full";
    else if (any_word(ws, (const char *const[]){"lora", NULL}))
        t = "lora";
    if (t)
        mp_spec_set_str(s, &s->task, "task", t, prov, t);
}

/* Chip words: "m3", "max", "30c" / "30-core"; NVIDIA names.  The first
 * chip of the request is the machine's, later different ones are the chips
 * to compare it with (s->alt_chips). */
static void chip(mp_spec *s, const words *ws, const char *lower, mp_prov prov)
{
    char first_chip[96] = "";
    for (int i = 0; i < ws->n; i++) {
        const char *w = ws->w[i];
        bool apple = w[0] == 'm' && w[1] >= '1' && w[1] <= '6' &&
                     (w[2] == '\0' || mp_apple_tier_word(w + 2, NULL));
        if (!apple)
            continue;
        char name[96];
        size_t k = (size_t)snprintf(name, sizeof name, "%s", w);
        int last = i;
        for (int j = i + 1; j < ws->n && j <= i + 3; j++) {
            const char *x = ws->w[j];
            size_t xl = strlen(x);
            bool tier = mp_apple_tier_word(x, NULL);
            bool cores = (xl >= 2 && isdigit((unsigned char)x[0]) &&
                          (strcmp(x + xl - 1, "c") == 0 || strstr(x, "-core") ||
                           strstr(x, "core"))) ||
                         (isdigit((unsigned char)x[0]) && is(ws, j + 1, "gpu")) ||
                         (isdigit((unsigned char)x[0]) && is(ws, j + 1, "core"));
            if (!tier && !cores)
                break;
            if (cores && !strchr(x, 'c') && !strstr(x, "core"))
                k += (size_t)snprintf(name + k, sizeof name - k, " %sc", x);
            else
                k += (size_t)snprintf(name + k, sizeof name - k, " %s", x);
            last = j;
        }
        char ev[MP_SPEC_TEXT];
        evidence(ws, i, last, ev, sizeof ev);
        if (!first_chip[0]) {
            mp_strlcpy(first_chip, name, sizeof first_chip);
            mp_spec_set_str(s, &s->chip, "chip", name, prov, ev);
            if (prov != MP_PROV_REQUEST)
                break;
        } else if (strcmp(first_chip, name) != 0) {
            /* another chip of the request ("M3 Max or M4 Pro") is compared */
            bool seen = false;
            for (int a = 0; a < s->n_alt_chips; a++)
                seen |= strcmp(s->alt_chips[a].value, name) == 0;
            if (!seen && s->n_alt_chips < MP_SPEC_MAX_ALT_CHIPS) {
                mp_sfield *f = &s->alt_chips[s->n_alt_chips++];
                mp_strlcpy(f->value, name, sizeof f->value);
                f->prov = prov;
                mp_strlcpy(f->evidence, ev, sizeof f->evidence);
            }
        }
        i = last;
    }
    if (!s->chip.value[0] || s->chip.prov < prov) {
        static const char *const nv[] = {"rtx 4090", "rtx 3090", "rtx 5090", "h100", "h200",
                                         "a100", "l40s", "dgx spark", "gb10", "4090", "3090",
                                         "5090", NULL};
        for (int i = 0; nv[i]; i++)
            if (phrase(lower, nv[i])) {
                mp_spec_set_str(s, &s->chip, "chip", nv[i], prov, nv[i]);
                break;
            }
    }
    static const char *const mine[] = {"my mac", "my macbook", "my laptop", "this mac",
                                       "this machine", "my machine", "my computer", "my mac mini",
                                       "my mac studio", "my imac", NULL};
    for (int i = 0; mine[i]; i++)
        if (phrase(lower, mine[i]))
            s->my_machine = true;
    for (const char *p = lower; (p = strstr(p, "my m")) != NULL; p += 4)
        if (p[4] >= '1' && p[4] <= '6')
            s->my_machine = true;
}

static const char *const data_nouns[] = {"examples", "samples", "conversations", "chats",
                                          "dialogues", "rows", "pairs", "tickets", "emails",
                                          "documents", "messages", "records", NULL};
const char *const *const mp_spec_data_nouns = data_nouns; /* for spec_model.c */

static void numbers(mp_spec *s, const words *ws, mp_prov prov)
{
    char ev[MP_SPEC_TEXT];
    for (int i = 0; i < ws->n; i++) {
        const char *w = ws->w[i];
        double v;
        size_t wl = strlen(w);
        if (ws->taken[i])
            continue; /* read by a setting (spec_settings.c) */
        /* "36gb", "36 gb", "36g", "36 gigs" (not "gb/s") */
        size_t unit = wl > 2 && strcmp(w + wl - 2, "gb") == 0 ? 2
                      : wl > 1 && w[wl - 1] == 'g' && isdigit((unsigned char)w[wl - 2]) ? 1
                                                                                       : 0;
        if (unit) {
            char num[WORD_LEN];
            mp_strlcpy(num, w, sizeof num);
            num[wl - unit] = '\0';
            if (number(num, 1000, &v) && v >= 4 && v <= 4096 && !is(ws, i + 1, "s")) {
                evidence(ws, i, i, ev, sizeof ev);
                memory_size(s, v, prov, ev);
            }
            continue;
        }
        if (!number(w, 1024, &v))
            continue;
        const char *next = i + 1 < ws->n ? ws->w[i + 1] : "";
        const char *next2 = i + 2 < ws->n ? ws->w[i + 2] : "";
        const char *prev = i > 0 ? ws->w[i - 1] : "";
        if ((strcmp(next, "gb") == 0 || strcmp(next, "gib") == 0 || strcmp(next, "gigs") == 0 ||
             strcmp(next, "gig") == 0 || strcmp(next, "g") == 0 ||
             strcmp(next, "gigabytes") == 0 || strcmp(next, "gigabyte") == 0) &&
            v >= 4 && v <= 4096 &&
            strcmp(next2, "s") != 0) {
            evidence(ws, i, i + 1, ev, sizeof ev);
            memory_size(s, v, prov, ev);
        } else if ((strcmp(next, "tok/s") == 0 || strcmp(next, "t/s") == 0 ||
                    strcmp(next, "tokens/s") == 0 || strcmp(next, "tps") == 0 ||
                    strcmp(next, "tokens/sec") == 0 ||
                    ((strcmp(next, "tokens") == 0 || strcmp(next, "tok") == 0) &&
                     (strcmp(next2, "per") == 0 || strcmp(next2, "a") == 0)))) {
            evidence(ws, i - 1, i + 1, ev, sizeof ev);
            const char *prev2 = i > 1 ? ws->w[i - 2] : "";
            static const char *const seen[] = {"only", "get", "getting", "gets", "just",
                                               "currently", "see", "runs", "measure",
                                               "measured", "seeing", NULL};
            static const char *const wanted[] = {"want", "need", "target", "least", "reach",
                                                 "hit", "than", "above", "over", "under",
                                                 "below", "expect", NULL};
            /* "runs at 12 tok/s" is measured, "run it at 20 tok/s" a target; in a
             * request about slowness a bare speed is what the user sees */
            bool observed = one_of(prev, seen) ||
                            (strcmp(prev, "at") == 0 && (one_of(prev2, seen) ||
                                                         strcmp(prev2, "sits") == 0 ||
                                                         strcmp(prev2, "stuck") == 0)) ||
                            ((s->intents & MP_INTENT_OPTIMIZE) && !one_of(prev, wanted) &&
                             !one_of(prev2, wanted) && strcmp(prev, "at") != 0);
            mp_spec_set_num(s, observed ? &s->observed_tok_s : &s->target_tok_s,
                            observed ? "observed speed" : "target speed", v, prov, ev);
        } else if ((strcmp(next, "context") == 0 || strcmp(next2, "context") == 0 ||
                    strcmp(prev, "context") == 0) &&
                   !one_of(next, (const char *const[]){"hours", "hour", "h", "days", "day",
                                                       "minutes", "min", "mins", NULL})) {
            if (v >= 16 && v <= (1 << 24)) {
                /* "4k and 32k context", "8k or 16k context": the plan is for the
                 * longer (it bounds memory and decode speed), the other is stated */
                double other;
                int from = i;
                if (i >= 2 && one_of(prev, (const char *const[]){"and", "or", "vs", "to", NULL}) &&
                    !ws->taken[i - 2] && number(ws->w[i - 2], 1024, &other) && other >= 16 &&
                    other <= (1 << 24) && other != v) {
                    from = i - 2;
                    s->alt_context = floor(fmin(v, other));
                    v = fmax(v, other);
                }
                evidence(ws, from, i + 1, ev, sizeof ev);
                mp_spec_set_num(s, &s->context, "context", floor(v), prov, ev);
            }
        } else if (
                   (strcmp(prev, "of") == 0 && i >= 2 && strcmp(ws->w[i - 2], "context") == 0)) {
            if (v >= 16 && v <= (1 << 24)) {
                evidence(ws, i, i + 1, ev, sizeof ev);
                mp_spec_set_num(s, &s->context, "context", floor(v), prov, ev);
            }
        } else if (strcmp(next, "tokens") == 0 && v >= 16) {
            evidence(ws, i, i + 1, ev, sizeof ev);
            if (v >= 1e6)
                mp_spec_set_num(s, &s->data_tokens, "data tokens", v, prov, ev);
            else
                mp_spec_set_num(s, &s->context, "context", floor(v), prov, ev);
        } else if (one_of(next, data_nouns) || (one_of(next2, data_nouns) &&
                                                 !number_word(next, &(double){0})) ||
                   (i + 3 < ws->n && one_of(ws->w[i + 3], data_nouns) &&
                    !number_word(next, &(double){0}) && !number_word(next2, &(double){0}) &&
                    !one_of(next, (const char *const[]){"on", "of", "for", "with", NULL}))) {
            /* "2000 examples", "2,000 chat examples", "800 customer support tickets" */
            double n;
            if (number(w, 1000, &n)) {
                int last = one_of(next, data_nouns) ? i + 1 : one_of(next2, data_nouns) ? i + 2
                                                                                          : i + 3;
                evidence(ws, i, last, ev, sizeof ev);
                mp_spec_set_num(s, &s->data_examples, "data size", n, prov, ev);
            }
        } else if ((strcmp(next, "hours") == 0 || strcmp(next, "hour") == 0 ||
                    strcmp(next, "h") == 0) && v > 0 && v < 10000) {
            evidence(ws, i - 1, i + 1, ev, sizeof ev);
            mp_spec_set_num(s, &s->budget_hours, "time budget", v, prov, ev);
        } else if ((strcmp(next, "minutes") == 0 || strcmp(next, "mins") == 0 ||
                    strcmp(next, "min") == 0) && v > 0 && v < 100000) {
            evidence(ws, i - 1, i + 1, ev, sizeof ev);
            mp_spec_set_num(s, &s->budget_hours, "time budget", v / 60, prov, ev);
        } else if ((strcmp(next, "days") == 0 || strcmp(next, "day") == 0) && v > 0 && v < 1000) {
            evidence(ws, i - 1, i + 1, ev, sizeof ev);
            mp_spec_set_num(s, &s->budget_hours, "time budget", v * 24, prov, ev);
        }
    }
    /* "2 macs", "two M3 Ultra 512GB Macs", "4 Mac Studios": a count, then
     * within five words a noun for machines; or a count right before a chip
     * ("two M3 Ultra 512GB") */
    static const char *const boxes[] = {"macs", "mac", "machines", "studios", "minis",
                                        "macbooks", "computers", "nodes", NULL};
    for (int i = 0; i + 1 < ws->n; i++) {
        double v;
        if (!number_word(ws->w[i], &v) || v < 2 || v > 64 || v != floor(v))
            continue;
        /* "two m3 ultra": a chip family and tier (not "2 m2 ssds") */
        const char *chip = ws->w[i + 1];
        bool before_chip = chip[0] == 'm' && chip[1] >= '1' && chip[1] <= '9' && !chip[2] &&
                           i + 2 < ws->n &&
                           mp_apple_tier_word(ws->w[i + 2], NULL);
        int noun = -1;
        for (int j = i + 1; j < ws->n && j <= i + 5 && noun < 0; j++) {
            double other;
            if (number_word(ws->w[j], &other))
                break;
            if (one_of(ws->w[j], boxes))
                noun = j;
        }
        if (noun < 0 && !before_chip)
            continue;
        evidence(ws, i, noun >= 0 ? noun : i + 2, ev, sizeof ev);
        mp_spec_set_num(s, &s->n_macs, "number of Macs", v, prov, ev);
        /* a count of machines is a plan over several of them */
        s->intents |= MP_INTENT_DISTRIBUTED;
        if (!s->intents_prov)
            s->intents_prov = prov;
    }
    /* "8 users", "20 concurrent requests", "4 parallel clients" */
    for (int i = 0; i + 1 < ws->n; i++) {
        double v;
        const char *n1 = ws->w[i + 1], *n2 = i + 2 < ws->n ? ws->w[i + 2] : "";
        bool qual = strcmp(n1, "concurrent") == 0 || strcmp(n1, "parallel") == 0 ||
                    strcmp(n1, "simultaneous") == 0;
        const char *noun = qual ? n2 : n1;
        if (ws->taken[i])
            continue;
        if ((strcmp(noun, "users") == 0 || strcmp(noun, "clients") == 0 ||
             (qual && (strcmp(noun, "chats") == 0 || strcmp(noun, "conversations") == 0)) ||
             strcmp(noun, "requests") == 0 || strcmp(noun, "sessions") == 0 ||
             strcmp(noun, "streams") == 0 || strcmp(noun, "people") == 0) &&
            number_word(ws->w[i], &v) && v >= 1 && v <= 4096) {
            evidence(ws, i, qual ? i + 2 : i + 1, ev, sizeof ev);
            mp_spec_set_num(s, &s->users, "concurrent requests", floor(v), prov, ev);
        }
    }
    for (int i = 0; i < ws->n; i++)
        if (strcmp(ws->w[i], "overnight") == 0)
            mp_spec_set_num(s, &s->budget_hours, "time budget", 10, prov, "overnight");
}

static void data(mp_spec *s, const words *ws, const char *lower, const char *orig, mp_prov prov)
{
    const char *fmt = NULL;
    char ev[MP_SPEC_TEXT] = "";
    static const char *const chat[] = {"chats", "chat", "conversations", "conversation",
                                       "dialogues", "dialog", "dialogue", "messages", NULL};
    static const char *const comp[] = {"prompt/completion", "completions", "q&a", "qa",
                                       "questions", "instructions", "instruction", NULL};
    static const char *const text[] = {"documents", "corpus", "books", "articles", "wiki",
                                       "wikipedia", "papers", "docs", "text", NULL};
    bool training = (s->intents & (MP_INTENT_FINETUNE | MP_INTENT_PRETRAIN)) != 0;
    if (!training)
        return;
    if (any_word(ws, chat) || phrase(lower, "support chat") || phrase(lower, "customer support")) {
        fmt = "chat";
        mp_strlcpy(ev, phrase(lower, "support chat") ? "support chats" : "chat data", sizeof ev);
    } else if (any_word(ws, comp) || phrase(lower, "question and answer") ||
               phrase(lower, "prompt and completion")) {
        fmt = "completions";
        mp_strlcpy(ev, "prompt/answer pairs", sizeof ev);
    } else if (any_word(ws, text)) {
        fmt = "text";
        mp_strlcpy(ev, "raw text", sizeof ev);
    }
    if (fmt)
        mp_spec_set_str(s, &s->data_format, "data format", fmt, prov, ev);
    /* a data file it names: a run of the text (case kept, any length up to
     * the field) ending in .jsonl or .json, trailing punctuation cut */
    for (const char *p = orig; *p;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        const char *e = p;
        while (*e && !isspace((unsigned char)*e))
            e++;
        size_t n = (size_t)(e - p);
        while (n && strchr(".,;:!?)\"'", p[n - 1]))
            n--;
        if ((n > 6 && strncmp(p + n - 6, ".jsonl", 6) == 0) ||
            (n > 5 && strncmp(p + n - 5, ".json", 5) == 0)) {
            char path[MP_SPEC_TEXT];
            size_t skip = strspn(p, "(\"'");
            mp_strlcpy(path, p + skip, n - skip + 1 < sizeof path ? n - skip + 1 : sizeof path);
            mp_spec_set_str(s, &s->data_path, "data path", path, prov, path);
            break;
        }
        p = e;
    }
}

/* The format word of an MLX conversion's repo name ("4-bit", "mxfp4", "bf16"). */
static const char *repo_format(const mp_repo_quant *r, char *buf, size_t cap)
{
    if (!r->quantized)
        return r->dtype == MP_DT_F16 ? "fp16" : r->dtype == MP_DT_F32 ? "fp32" : "bf16";
    if (r->q.mode != MP_Q_AFFINE)
        return r->q.mode == MP_Q_MXFP4 ? "mxfp4" : r->q.mode == MP_Q_NVFP4 ? "nvfp4" : "mxfp8";
    snprintf(buf, cap, "%d-bit", r->q.bits);
    return buf;
}

static void quant(mp_spec *s, const words *ws, mp_prov prov)
{
    char first[16] = ""; /* the format taken first in this parse */
    for (int i = 0; i < ws->n; i++) {
        const char *w = ws->w[i];
        const char *q = NULL;
        char buf[16];
        mp_repo_quant rq;
        if (strchr(w, '/') && mp_repo_quant_read(w, &rq) == 0 && (rq.quantized || rq.float_given))
            q = repo_format(&rq, buf, sizeof buf); /* "mlx-community/X-4bit" names its format */
        else if (strcmp(w, "mxfp4") == 0 || strcmp(w, "nvfp4") == 0 || strcmp(w, "mxfp8") == 0 ||
            strcmp(w, "bf16") == 0 || strcmp(w, "fp16") == 0)
            q = w;
        else if (strcmp(w, "16-bit") == 0 || strcmp(w, "16bit") == 0 ||
                 (strcmp(w, "16") == 0 && is(ws, i + 1, "bit")) || strcmp(w, "bfloat16") == 0)
            q = "bf16"; /* a 16-bit checkpoint: the dtype MLX models ship in */
        else if (strlen(w) == 5 && isdigit((unsigned char)w[0]) && strcmp(w + 1, "-bit") == 0) {
            snprintf(buf, sizeof buf, "%c-bit", w[0]);
            q = buf;
        } else if (strlen(w) == 4 && isdigit((unsigned char)w[0]) && strcmp(w + 1, "bit") == 0) {
            snprintf(buf, sizeof buf, "%c-bit", w[0]);
            q = buf;
        } else if (isdigit((unsigned char)w[0]) && w[1] == '\0' && is(ws, i + 1, "bit")) {
            snprintf(buf, sizeof buf, "%c-bit", w[0]);
            q = buf;
        }
        if (q && kv_word_near(ws, i))
            continue; /* "4-bit KV cache" is the cache, not the weights */
        if (!q)
            continue;
        char ev[MP_SPEC_TEXT];
        evidence(ws, i, i, ev, sizeof ev);
        if (!first[0]) {
            mp_strlcpy(first, q, sizeof first);
            mp_spec_set_str(s, &s->quant, "quantization", q, prov, ev);
            continue;
        }
        /* later, different formats named in the request are compared */
        bool seen = mp_ieq(first, q);
        for (int k = 0; k < s->n_alt_quants; k++)
            seen |= mp_ieq(s->alt_quants[k].value, q);
        if (seen || prov != MP_PROV_REQUEST || s->n_alt_quants >= MP_SPEC_MAX_ALT_QUANTS)
            continue;
        mp_sfield *f = &s->alt_quants[s->n_alt_quants++];
        mp_strlcpy(f->value, q, sizeof f->value);
        f->prov = prov;
        mp_strlcpy(f->evidence, ev, sizeof f->evidence);
    }
}

/* Control characters (C0, DEL) and terminal escape sequences pasted with a
 * request ("\033[31m") become spaces, so the words around them stay apart. */
static void blank_controls(char *t)
{
    for (unsigned char *p = (unsigned char *)t; *p; p++) {
        if (*p == 0x1b && p[1] == '[') { /* CSI: parameters, then one final byte */
            unsigned char *q = p + 2;
            while (*q >= 0x20 && *q <= 0x3f)
                q++;
            if (*q >= 0x40 && *q <= 0x7e)
                q++;
            memset(p, ' ', (size_t)(q - p));
            p = q - 1;
        } else if (*p < 0x20 || *p == 0x7f) {
            *p = ' ';
        }
    }
}

int mp_spec_parse_text(mp_spec *s, const char *text, size_t len, mp_prov prov, mp_error *err)
{
    if (len > MP_REQUEST_MAX_BYTES)
        return mp_error_set(err, MP_ELIMIT, "the request is %zu bytes, over the limit of %d bytes",
                            len, MP_REQUEST_MAX_BYTES);
    size_t bad = mp_utf8_bad_at(text, len);
    if (bad < len)
        return mp_error_set(err, MP_EINVAL, "the request is not valid UTF-8 text: byte 0x%02x "
                            "at offset %zu", (unsigned)(unsigned char)text[bad], bad);
    /* `text` need not end with a NUL (a journal file is cut at its first
     * section): the helpers that search it get a terminated copy */
    char *orig = mp_strndup(text, len);
    char *lower = mp_strndup(text, len);
    words *ws = malloc(sizeof *ws);
    if (!orig || !lower || !ws) {
        free(orig);
        free(lower);
        free(ws);
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    }
    blank_controls(orig);
    blank_controls(lower);
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    split(orig, strlen(orig), ws);
    mp_spec_word_numbers(ws);
    intents(s, ws, lower, prov);
    task(s, ws, lower, prov);
    mp_spec_read_settings(s, ws, lower, prov);
    chip(s, ws, lower, prov);
    numbers(s, ws, prov);
    data(s, ws, lower, orig, prov);
    quant(s, ws, prov);
    kv_quant(s, ws, prov);
    for (int i = 0; i < ws->n; i++)
        if (one_of(ws->w[i], (const char *const[]){"dwq", "awq", "gptq", NULL})) {
            mp_spec_set_str(s, &s->quant_method, "quantization method", ws->w[i], prov,
                            ws->w[i]);
            break;
        }
    /* a measured speed means a slow setup to diagnose (decided before the
     * model, whose pick prefers instruct variants for running) */
    if (!isnan(s->observed_tok_s.value) && s->observed_tok_s.prov == prov &&
        s->intents_prov <= prov) {
        /* a measured speed of a training run is a training throughput */
        s->observed_training = (s->intents & (MP_INTENT_FINETUNE | MP_INTENT_PRETRAIN)) ||
                               any_word(ws, (const char *const[]){"training", "train", NULL});
        s->intents |= MP_INTENT_OPTIMIZE | (s->observed_training ? 0 : MP_INTENT_RUN);
        s->intents_prov = prov;
        if (!s->intent_evidence[0])
            mp_strlcpy(s->intent_evidence, "request text", sizeof s->intent_evidence);
    }
    mp_spec_read_model(s, ws, orig, prov);
    if (s->task.value[0] && !(s->intents & MP_INTENT_FINETUNE) && s->intents_prov <= prov) {
        s->intents |= MP_INTENT_FINETUNE;
        if (!s->intents_prov)
            s->intents_prov = prov;
    }
    free(orig);
    free(lower);
    free(ws);
    return 0;
}

bool mp_spec_impossible(const char *text, char *why, size_t cap)
{
    char lower[1024];
    size_t n = strlen(text);
    if (n >= sizeof lower)
        n = sizeof lower - 1;
    for (size_t i = 0; i < n; i++)
        lower[i] = (char)tolower((unsigned char)text[i]);
    lower[n] = '\0';
    static const struct {
        const char *cue, *reason;
    } rules[] = {
        {"amd gpu", "MLX has Metal (Apple silicon) and CUDA (NVIDIA) backends and a CPU backend; "
                    "it does not run on AMD GPUs (no ROCm backend)"},
        {"radeon", "MLX has no AMD (ROCm) backend: it runs on Apple silicon, on NVIDIA GPUs "
                   "through CUDA, or on the CPU"},
        {"rocm", "MLX has no ROCm backend: use Apple silicon or an NVIDIA GPU"},
        {"intel mac", "MLX needs Apple silicon on macOS; Intel Macs are not supported"},
        {"x86 mac", "MLX needs Apple silicon on macOS; Intel Macs are not supported"},
        {"windows", "MLX ships no Windows build: use a Mac, or Linux (for example WSL2) with an "
                    "NVIDIA GPU and pip install \"mlx[cuda]\""},
        {" tpu", "MLX has no TPU backend"},
        {"gpt-4", "GPT-4's weights are not public, so it cannot be run or fine-tuned locally; "
                  "pick an open model"},
        {"gpt-5", "GPT-5's weights are not public; pick an open model"},
        {"chatgpt", "ChatGPT's weights are not public; pick an open model"},
        {"claude", "Claude's weights are not public; pick an open model"},
        /* MLX can do these, mlxplan's tables cannot: say so instead of
         * planning a language model nobody asked for */
        {"diffusion", "mlxplan plans language models (MLX-LM) and transformers written in "
                      "MLX; image diffusion models are outside its tables"},
        {"image generation", "mlxplan plans language models (MLX-LM) and transformers written "
                             "in MLX; image generation is outside its tables"},
        {"whisper", "mlxplan plans language models (MLX-LM) and transformers written in MLX; "
                    "speech models such as Whisper are outside its tables"},
        {"speech recognition", "mlxplan plans language models (MLX-LM) and transformers "
                               "written in MLX; speech recognition is outside its tables"},
        {"text to speech", "mlxplan plans language models (MLX-LM) and transformers written "
                           "in MLX; text-to-speech models are outside its tables"},
        {"text-to-speech", "mlxplan plans language models (MLX-LM) and transformers written "
                           "in MLX; text-to-speech models are outside its tables"},
        {"image classifi", "mlxplan plans language models (MLX-LM) and transformers written "
                           "in MLX; image classifiers (CNNs such as ResNet) are outside its "
                           "tables"},
        {"resnet", "mlxplan plans language models (MLX-LM) and transformers written in MLX; "
                   "convolutional networks such as ResNet are outside its tables"},
        {"object detection", "mlxplan plans language models (MLX-LM) and transformers written "
                             "in MLX; object detection models are outside its tables"},
        {"yolo", "mlxplan plans language models (MLX-LM) and transformers written in MLX; "
                 "YOLO detectors are outside its tables"},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strstr(lower, rules[i].cue)) {
            mp_strlcpy(why, rules[i].reason, cap);
            return true;
        }
    return false;
}
