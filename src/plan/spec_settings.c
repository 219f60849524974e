/*
 * spec_settings.c - the settings a request states in words, read before the
 * generic number reader of spec.c so that each number lands in the field it
 * was said for: batch size, sequence length, layers trained, gradient
 * checkpointing, prompt length, request rate, the size of the data set,
 * the use case, and numbers written as words ("ten million parameters").
 * Each number a setting takes is marked taken, so spec.c does not read it
 * again as a context, a memory size or a count of users.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plan/spec.h"
#include "plan/spec_words.h"
#include "util/text.h"

/* A number at word j (with its "k" meaning 1024 for token counts). */
static bool num_at(const words *ws, int j, double k_mult, double *v)
{
    return j >= 0 && j < ws->n && !ws->taken[j] && number(ws->w[j], k_mult, v);
}

static void take(words *ws, int j)
{
    if (j >= 0 && j < ws->n)
        ws->taken[j] = true;
}

/* The first number among words from..to (skipping filler words), or -1. */
static int number_after(const words *ws, int from, int to, double k_mult, double *v)
{
    static const char *const filler[] = {"size", "of", "a", "=", "is", "about", "around", "~",
                                         "roughly", "approx", "up", "to", "at", "length", "len",
                                         "sizes", "the", "with", "set", "around", NULL};
    for (int j = from; j <= to && j < ws->n; j++) {
        if (num_at(ws, j, k_mult, v))
            return j;
        if (!one_of(ws->w[j], filler))
            return -1;
    }
    return -1;
}

/* "32k-token" -> "32k" "token" (and "-tokens"), so "a 32k-token prompt"
 * reads like "a 32k token prompt"; the words after move one place on. */
static void split_token_counts(words *ws)
{
    for (int i = 0; i < ws->n && ws->n < MAX_WORDS; i++) {
        char *dash = strrchr(ws->w[i], '-');
        double v;
        if (!dash || (strcmp(dash + 1, "token") != 0 && strcmp(dash + 1, "tokens") != 0))
            continue;
        char num[WORD_LEN];
        mp_strlcpy(num, ws->w[i], (size_t)(dash - ws->w[i]) + 1);
        if (!number(num, 1024, &v))
            continue;
        memmove(ws->w[i + 2], ws->w[i + 1], (size_t)(ws->n - i - 1) * WORD_LEN);
        memmove(&ws->taken[i + 2], &ws->taken[i + 1], (size_t)(ws->n - i - 1) * sizeof ws->taken[0]);
        mp_strlcpy(ws->w[i + 1], dash + 1, WORD_LEN);
        ws->taken[i + 1] = false;
        mp_strlcpy(ws->w[i], num, WORD_LEN);
        ws->n++;
        i++;
    }
}

/* "ten million" -> "10m", "100 billion" -> "100b", "two thousand" -> "2k":
 * rewritten in place so the readers see one number word; "32k-token" split
 * in two (split_token_counts). */
void mp_spec_word_numbers(words *ws)
{
    static const struct {
        const char *w;
        int v;
    } small[] = {{"one", 1},      {"two", 2},      {"three", 3},   {"four", 4},     {"five", 5},
                 {"six", 6},      {"seven", 7},    {"eight", 8},   {"nine", 9},     {"ten", 10},
                 {"twelve", 12},  {"fifteen", 15}, {"twenty", 20}, {"thirty", 30},  {"forty", 40},
                 {"fifty", 50},   {"sixty", 60},   {"seventy", 70}, {"eighty", 80}, {"ninety", 90},
                 {"hundred", 100}, {"a", 1}};
    for (int i = 0; i + 1 < ws->n; i++) {
        const char *next = ws->w[i + 1];
        char suffix = strcmp(next, "million") == 0    ? 'm'
                      : strcmp(next, "billion") == 0  ? 'b'
                      : strcmp(next, "thousand") == 0 ? 'k'
                                                      : 0;
        if (!suffix)
            continue;
        double v = NAN;
        if (!number(ws->w[i], 1000, &v)) {
            for (size_t k = 0; k < sizeof small / sizeof small[0]; k++)
                if (strcmp(ws->w[i], small[k].w) == 0)
                    v = small[k].v;
        }
        if (isnan(v))
            continue;
        char buf[WORD_LEN];
        snprintf(buf, sizeof buf, "%g%c", v, suffix);
        mp_strlcpy(ws->w[i], buf, WORD_LEN);
        memmove(ws->w[i + 1], ws->w[i + 2], (size_t)(ws->n - i - 2) * WORD_LEN);
        ws->n--;
    }
    split_token_counts(ws);
}

static void batch(mp_spec *s, words *ws, mp_prov prov)
{
    static const char *const cue[] = {"batch", "batch-size", "batch_size", "--batch-size", "bs",
                                      NULL};
    char ev[MP_SPEC_TEXT];
    for (int i = 0; i < ws->n; i++) {
        if (!one_of(ws->w[i], cue))
            continue;
        double v;
        int j = number_after(ws, i + 1, i + 3, 1000, &v);
        if (j < 0 || v < 1 || v > 4096 || v != floor(v))
            continue;
        take(ws, j);
        evidence(ws, i, j, ev, sizeof ev);
        mp_spec_set_num(s, &s->batch, "batch size", v, prov, ev);
        return;
    }
}

/* "seq length 2048", "4096 seq len", "sequence length of 4096", "1024
 * tokens per sample", "16k ctx": the sequence length, in the context field. */
static void seq_len(mp_spec *s, words *ws, mp_prov prov)
{
    static const char *const cue[] = {"seq", "sequence", "seq-len", "seq_len", "seqlen",
                                      "max-seq-length", "--max-seq-length", "ctx", "sequences",
                                      NULL};
    char ev[MP_SPEC_TEXT];
    for (int i = 0; i < ws->n; i++) {
        double v;
        int j = -1;
        if (one_of(ws->w[i], cue)) {
            j = number_after(ws, i + 1, i + 3, 1024, &v);
            if (j < 0 && num_at(ws, i - 1, 1024, &v))
                j = i - 1; /* "4096 seq len", "16k ctx" */
        } else if ((strcmp(ws->w[i], "per") == 0 &&
                    one_of(ws->w[i + 1 < ws->n ? i + 1 : i],
                           (const char *const[]){"sample", "example", "sequence", "row", NULL}) &&
                    is(ws, i - 1, "tokens") && num_at(ws, i - 2, 1024, &v))) {
            j = i - 2;
        }
        if (j < 0 || v < 16 || v > (1 << 24))
            continue;
        take(ws, j);
        evidence(ws, j < i ? j : i, j < i ? i : j, ev, sizeof ev);
        mp_spec_set_num(s, &s->context, "context", floor(v), prov, ev);
        return;
    }
}

static void layers(mp_spec *s, words *ws, const char *lower, mp_prov prov)
{
    char ev[MP_SPEC_TEXT];
    if (strstr(lower, "all layers") || strstr(lower, "every layer") ||
        strstr(lower, "all the layers") || strcmp(s->task.value, "full") == 0) {
        mp_spec_set_num(s, &s->num_layers, "layers trained", MP_SPEC_ALL_LAYERS, prov,
                        strcmp(s->task.value, "full") == 0 ? "full fine-tune" : "all layers");
        return;
    }
    for (int i = 0; i < ws->n; i++) {
        double v;
        int j = -1;
        if (one_of(ws->w[i], (const char *const[]){"layers", "layer", NULL}) &&
            num_at(ws, i - 1, 1000, &v))
            j = i - 1;
        else if (one_of(ws->w[i], (const char *const[]){"num-layers", "--num-layers",
                                                         "num_layers", NULL}))
            j = number_after(ws, i + 1, i + 2, 1000, &v);
        if (j < 0 || v < 1 || v > 1024 || v != floor(v))
            continue;
        take(ws, j);
        evidence(ws, j < i ? j : i, j < i ? i : j, ev, sizeof ev);
        mp_spec_set_num(s, &s->num_layers, "layers trained", v, prov, ev);
        return;
    }
}

static void checkpointing(mp_spec *s, const words *ws, mp_prov prov)
{
    for (int i = 0; i < ws->n; i++) {
        const char *w = ws->w[i];
        if (!strstr(w, "checkpointing") && strcmp(w, "grad-checkpoint") != 0 &&
            strcmp(w, "--grad-checkpoint") != 0 &&
            !(strcmp(w, "checkpoint") == 0 && (is(ws, i - 1, "grad") || is(ws, i - 1, "gradient"))))
            continue;
        bool off = is(ws, i - 1, "no") || is(ws, i - 1, "without") || is(ws, i - 2, "without") ||
                   is(ws, i - 2, "no");
        char ev[MP_SPEC_TEXT];
        evidence(ws, i > 0 && !off ? i - 1 : i, i, ev, sizeof ev);
        mp_spec_set_num(s, &s->grad_ckpt, "gradient checkpointing", off ? 0 : 1, prov, ev);
        return;
    }
}

/* "2k token prompts", "a 4096 token prompt", "prompts ~3000 tokens", "long
 * prompts of 20k tokens", "30k token prompts". */
static void prompt_len(mp_spec *s, words *ws, mp_prov prov)
{
    static const char *const pw[] = {"prompt", "prompts", "inputs", "input", NULL};
    static const char *const tw[] = {"token", "tokens", "tok", "-token", NULL};
    char ev[MP_SPEC_TEXT];
    for (int i = 0; i < ws->n; i++) {
        if (!one_of(ws->w[i], pw))
            continue;
        double v;
        int j = -1;
        if (num_at(ws, i - 1, 1024, &v))
            j = i - 1; /* "a 2k prompt" */
        else if (one_of(ws->w[i > 0 ? i - 1 : 0], tw) && num_at(ws, i - 2, 1024, &v))
            j = i - 2; /* "2k token prompts" */
        else {
            j = number_after(ws, i + 1, i + 4, 1024, &v);
            if (j >= 0 && !(j + 1 < ws->n && one_of(ws->w[j + 1], tw)))
                j = -1; /* "prompts ~3000 tokens" (a number of tokens) */
        }
        if (j < 0 || v < 1 || v > (1 << 24))
            continue;
        take(ws, j);
        if (j + 1 < ws->n && one_of(ws->w[j + 1], tw))
            take(ws, j + 1);
        evidence(ws, j < i ? j : i, j < i ? i : j + 1, ev, sizeof ev);
        mp_spec_set_num(s, &s->prompt_tokens, "prompt length", floor(v), prov, ev);
        return;
    }
}

/* "5 requests per second", "2 req/s", "100 requests per minute", "10 rps". */
static void request_rate(mp_spec *s, words *ws, mp_prov prov)
{
    static const char *const nouns[] = {"requests", "request", "req", "reqs", "queries",
                                        "calls", "messages", NULL};
    char ev[MP_SPEC_TEXT];
    for (int i = 0; i < ws->n; i++) {
        double v;
        if (!num_at(ws, i, 1000, &v) || v <= 0)
            continue;
        const char *n1 = i + 1 < ws->n ? ws->w[i + 1] : "";
        double per_s = 0;
        int last = i + 1;
        if (strcmp(n1, "rps") == 0 || strcmp(n1, "qps") == 0 || strcmp(n1, "req/s") == 0 ||
            strcmp(n1, "requests/s") == 0 || strcmp(n1, "requests/sec") == 0)
            per_s = 1;
        else if (strcmp(n1, "rpm") == 0 || strcmp(n1, "req/min") == 0 ||
                 strcmp(n1, "requests/min") == 0)
            per_s = 1.0 / 60;
        else if (one_of(n1, nouns) && i + 3 < ws->n &&
                 (is(ws, i + 2, "per") || is(ws, i + 2, "a") || is(ws, i + 2, "every"))) {
            const char *u = ws->w[i + 3];
            last = i + 3;
            per_s = one_of(u, (const char *const[]){"second", "sec", "s", NULL})   ? 1
                    : one_of(u, (const char *const[]){"minute", "min", NULL})      ? 1.0 / 60
                    : one_of(u, (const char *const[]){"hour", "hr", "h", NULL})    ? 1.0 / 3600
                                                                                   : 0;
        }
        if (per_s == 0)
            continue;
        for (int j = i; j <= last; j++)
            take(ws, j);
        evidence(ws, i, last, ev, sizeof ev);
        mp_spec_set_num(s, &s->request_rate, "request rate", v * per_s, prov, ev);
        return;
    }
}

/* "300MB of jsonl", "a 2GB jsonl of conversations", "my dataset is 1.5 GB". */
static void data_size(mp_spec *s, words *ws, mp_prov prov)
{
    static const char *const data_words[] = {"jsonl", "json", "csv", "parquet", "data",
                                             "dataset", "text", "corpus", "of", "txt", NULL};
    char ev[MP_SPEC_TEXT];
    for (int i = 0; i < ws->n; i++) {
        const char *w = ws->w[i];
        size_t wl = strlen(w);
        char num[WORD_LEN];
        double mult = 0;
        int unit = i;
        mp_strlcpy(num, w, sizeof num);
        static const struct {
            const char *u;
            double m;
        } units[] = {{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12}};
        for (size_t k = 0; k < 4 && !mult; k++) {
            size_t ul = strlen(units[k].u);
            if (wl > ul && strcmp(w + wl - ul, units[k].u) == 0) {
                num[wl - ul] = '\0';
                mult = units[k].m;
            } else if (strcmp(ws->w[i + 1 < ws->n ? i + 1 : i], units[k].u) == 0 && i + 1 < ws->n) {
                mult = units[k].m;
                unit = i + 1;
            }
        }
        double v;
        if (!mult || !number(num, 1000, &v) || ws->taken[i])
            continue;
        /* a data word right after the size, or "dataset is" / "data is" before it */
        bool cue = (unit + 1 < ws->n && one_of(ws->w[unit + 1], data_words) &&
                    (mult < 1e9 || !is(ws, unit + 1, "of") ||
                     (unit + 2 < ws->n && one_of(ws->w[unit + 2], data_words)))) ||
                   (is(ws, i - 1, "is") && (is(ws, i - 2, "dataset") || is(ws, i - 2, "data")));
        if (mult < 1e9 && !cue)
            cue = unit + 1 < ws->n && strcmp(ws->w[unit + 1], "ram") != 0;
        if (!cue)
            continue;
        for (int j = i; j <= unit; j++)
            take(ws, j);
        evidence(ws, i, unit + 1 < ws->n ? unit + 1 : unit, ev, sizeof ev);
        mp_spec_set_num(s, &s->data_bytes, "data size", v * mult, prov, ev);
        return;
    }
}

/* The use case, from the words people use for it. */
static void use_case(mp_spec *s, const words *ws, const char *lower, mp_prov prov)
{
    static const char *const embedding[] = {"embedding", "embeddings", "embed", "embedder",
                                            "sentence-transformers", NULL};
    static const char *const vision[] = {"vision", "image", "images", "screenshot",
                                         "screenshots", "photo", "photos", "receipts",
                                         "pictures", "ocr", "multimodal", "vlm", "vl", NULL};
    static const char *const coding[] = {"coding", "code", "coder", "copilot", "programming",
                                         "codebase", "devstral", "codestral", "programmer", NULL};
    static const char *const reasoning[] = {"reasoning", "math", "maths", "r1", "qwq",
                                            "thinking", NULL};
    static const char *const small[] = {"phone", "phone-class", "edge", "on-device", "embedded",
                                        "iphone-class", NULL};
    static const struct {
        const char *use;
        const char *const *cues;
    } uses[] = {{"embedding", embedding}, {"vision", vision}, {"coding", coding},
                {"reasoning", reasoning}, {"small", small}};
    for (size_t u = 0; u < sizeof uses / sizeof uses[0]; u++)
        for (int i = 0; i < ws->n; i++) {
            const char *w = ws->w[i];
            bool hit = one_of(w, uses[u].cues);
            /* in a model name: "qwen2.5-coder-7b", "qwen2.5-vl", "deepseek-r1-distill" */
            for (const char *const *c = uses[u].cues; !hit && *c; c++) {
                if (strlen(*c) < 2 || strcmp(*c, "code") == 0)
                    continue;
                char mid[WORD_LEN + 2];
                snprintf(mid, sizeof mid, "-%s", *c);
                const char *at = strstr(w, mid);
                hit = at && (at[strlen(mid)] == '\0' || at[strlen(mid)] == '-');
            }
            if (!hit)
                continue;
            mp_spec_set_str(s, &s->use, "use case", uses[u].use, prov, w);
            return;
        }
    (void)lower;
}

void mp_spec_read_settings(mp_spec *s, words *ws, const char *lower, mp_prov prov)
{
    request_rate(s, ws, prov);
    data_size(s, ws, prov);
    batch(s, ws, prov);
    seq_len(s, ws, prov);
    prompt_len(s, ws, prov);
    layers(s, ws, lower, prov);
    checkpointing(s, ws, prov);
    use_case(s, ws, lower, prov);
}
