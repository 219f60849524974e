/*
 * lines.c - the per-format line patterns behind mp_runs_read (see read.h
 * for the formats, reader.h for the contract): number reading in Python's
 * print styles, the notes on each line, and one function per format.
 *
 * Formats follow the print statements of mlx-lm 0.32.0 (generate.py,
 * benchmark.py, cli_ui.py, tuner/trainer.py, server.py) and of older
 * releases (tuner/trainer.py before cli_ui: "Iter N: Train loss ...").
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runs/reader.h"
#include "util/text.h"

enum num_style {
    NUM_DEC,   /* printed with decimals (":.3f"): a lone comma is a decimal comma */
    NUM_GROUP, /* printed with thousands grouping and no decimals (":,.0f") */
    NUM_ANY,   /* a Python repr: point decimals and exponents */
};

static void skip_spaces(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

/* Match literal `s` at *p (after spaces); advance past it on success. */
static bool lit(const char **p, const char *s)
{
    const char *q = *p;
    skip_spaces(&q);
    size_t n = strlen(s);
    if (strncmp(q, s, n) != 0)
        return false;
    *p = q + n;
    return true;
}

/* Read a number at *p (after spaces) in the given style.  A leading '-' is
 * kept so absurd negative values can be named.  Sets *comma when a decimal
 * comma was read as a point. */
static bool num(const char **p, enum num_style style, double *v, bool *comma)
{
    const char *q = *p;
    skip_spaces(&q);
    char tok[64];
    size_t n = 0;
    if (*q == '-' || *q == '+')
        tok[n++] = *q++;
    const char *start = q;
    while ((isdigit((unsigned char)*q) || *q == '.' || *q == ',' ||
            (style == NUM_ANY && (*q == 'e' || *q == 'E' ||
                                  ((*q == '-' || *q == '+') && (q[-1] == 'e' || q[-1] == 'E'))))) &&
           n < sizeof tok - 1)
        tok[n++] = *q++;
    tok[n] = '\0';
    if (q == start || !isdigit((unsigned char)*start))
        return false;
    /* a trailing separator belongs to the sentence ("123.4, ...") */
    while (n > 1 && (tok[n - 1] == ',' || tok[n - 1] == '.')) {
        tok[--n] = '\0';
        q--;
    }
    if (style == NUM_GROUP) {
        /* a group separator is followed by exactly three digits */
        for (size_t i = 0; i < n; i++)
            if ((tok[i] == ',' || tok[i] == '.') &&
                (i + 3 >= n + 0 || !isdigit((unsigned char)tok[i + 1]) ||
                 !isdigit((unsigned char)tok[i + 2]) || !isdigit((unsigned char)tok[i + 3]) ||
                 (i + 4 < n && tok[i + 4] != ',' && tok[i + 4] != '.')))
                return false;
    }
    char clean[64];
    size_t m = 0;
    const char *lastc = strrchr(tok, ','), *lastp = strrchr(tok, '.');
    int n_comma = 0;
    for (size_t i = 0; i < n; i++)
        n_comma += tok[i] == ',';
    for (size_t i = 0; i < n; i++) {
        char c = tok[i];
        if (style == NUM_GROUP) {
            if (c == ',' || c == '.')
                continue; /* grouping; the field has no decimals */
        } else if (style == NUM_DEC && c == ',') {
            if (lastp && lastp > &tok[i])
                continue;                       /* "1,234.5": grouping */
            if (n_comma == 1 && &tok[i] == lastc) {
                c = '.';                        /* "293,266": decimal comma */
                *comma = true;
            } else {
                continue;
            }
        } else if (style == NUM_DEC && c == '.' && lastc && lastc > &tok[i]) {
            continue;                           /* "1.234,5": grouping point */
        } else if (style == NUM_ANY && c == ',') {
            break;
        }
        clean[m++] = c;
    }
    clean[m] = '\0';
    char *end;
    double d = strtod(clean, &end);
    if (end == clean || *end != '\0' || !isfinite(d))
        return false;
    *v = d;
    *p = q;
    return true;
}

/* ---- notes ------------------------------------------------------------- */

void mp_rd_note(reader *rd, mp_run_line_kind kind, const char *what, const char *line)
{
    mp_run_reading *r = rd->r;
    switch (kind) {
    case MP_RUN_LINE_USED: r->n_used++; break;
    case MP_RUN_LINE_UNKNOWN: r->n_unknown++; break;
    case MP_RUN_LINE_WARNING: r->n_warnings++; break;
    case MP_RUN_LINE_REJECTED: r->n_rejected++; break;
    }
    if (kind == MP_RUN_LINE_REJECTED && !rd->first_rejected) {
        rd->first_rejected = rd->line_no;
        mp_strlcpy(rd->first_rejected_what, what, sizeof rd->first_rejected_what);
        mp_strlcpy(rd->first_rejected_text, line, sizeof rd->first_rejected_text);
        mp_clean_line(rd->first_rejected_text);
    }
    if (r->n_notes >= MP_RUNS_MAX_NOTES)
        return;
    mp_run_note *nt = &r->notes[r->n_notes++];
    nt->line_no = rd->line_no;
    nt->kind = kind;
    mp_strlcpy(nt->what, what, sizeof nt->what);
    size_t len = strlen(line);
    if (len >= sizeof nt->text) {
        /* cut on a character boundary, then mark the cut */
        size_t cut = sizeof nt->text - 4;
        while (cut > 0 && ((unsigned char)line[cut] & 0xC0) == 0x80)
            cut--;
        /* and on a word boundary, so no flag is printed cut in half */
        size_t word = cut;
        while (word > 0 && line[word - 1] != ' ')
            word--;
        if (word > sizeof nt->text / 2)
            cut = word;
        memcpy(nt->text, line, cut);
        memcpy(nt->text + cut, "...", 4);
    } else {
        memcpy(nt->text, line, len + 1);
    }
    mp_clean_line(nt->text);
}

/* Keep value v in *slot when it lies in [lo, hi]; else note it rejected.
 * Returns true when kept. */
static bool keep(reader *rd, double *slot, double v, double lo, double hi, bool lo_open)
{
    if (v < lo || v > hi || (lo_open && v <= lo))
        return false;
    *slot = v;
    (void)rd;
    return true;
}

void mp_rd_model(reader *rd, const char *model)
{
    mp_run_reading *r = rd->r;
    if (!r->model[0]) {
        mp_strlcpy(r->model, model, sizeof r->model);
        rd->model_line = rd->line_no;
    } else if (strcmp(r->model, model) != 0 && !rd->conflict_line) {
        rd->conflict_line = rd->line_no;
        mp_strlcpy(rd->conflict_model, model, sizeof rd->conflict_model);
    }
}

void mp_rd_take_format(mp_run_reading *r, mp_run_format f)
{
    /* the first timing format seen decides; a generate paste that also
     * shows a GenerationResponse stays generate */
    if (r->format == MP_RUN_FMT_NONE || r->format == MP_RUN_FMT_SERVER)
        r->format = f;
}


/* ---- generate / batch_generate / old generate --------------------------- */

/* "Prompt: N tokens, X tokens-per-sec" or (older) "Prompt: X tokens-per-sec" */
static bool speed_line(reader *rd, const char *p, const char *label, double *tokens,
                       double *tps, double tps_max, const char *line, mp_run_format f)
{
    if (!lit(&p, label))
        return false;
    double a, b;
    bool comma = false;
    const char *at = p;
    if (!num(&p, NUM_DEC, &a, &comma))
        return false;
    bool has_count = false;
    const char *q = p;
    if (lit(&q, "tokens,")) {
        /* a count has no decimals: a comma in it groups thousands */
        bool c2 = false;
        if (!num(&at, NUM_GROUP, &a, &c2))
            return false;
        comma = false;
        if (!num(&q, NUM_DEC, &b, &comma) || !lit(&q, "tokens-per-sec"))
            return false;
        has_count = true;
        p = q;
    } else if (!lit(&p, "tokens-per-sec")) {
        return false;
    } else {
        b = a;
    }
    char what[48];
    snprintf(what, sizeof what, "%s speed", label[0] == 'P' ? "prompt" : "generation");
    if ((has_count && (a < 0 || a > TOKENS_MAX || a != floor(a))) ||
        !(b > 0 && b <= tps_max)) {
        mp_rd_note(rd, MP_RUN_LINE_REJECTED, what, line);
        return true;
    }
    if (has_count)
        *tokens = a;
    *tps = b;
    rd->r->decimal_comma |= comma;
    mp_rd_take_format(rd->r, f);
    rd->n_figures++;
    mp_rd_note(rd, MP_RUN_LINE_USED, what, line);
    return true;
}

static bool peak_line(reader *rd, const char *p, const char *line, mp_run_format f)
{
    if (!lit(&p, "Peak memory:"))
        return false;
    double v;
    bool comma = false;
    if (!num(&p, NUM_DEC, &v, &comma) || !lit(&p, "GB"))
        return false;
    if (!keep(rd, &rd->r->peak_memory_gb, v, 0, PEAK_GB_MAX, true)) {
        mp_rd_note(rd, MP_RUN_LINE_REJECTED, "peak memory", line);
        return true;
    }
    rd->r->decimal_comma |= comma;
    mp_rd_take_format(rd->r, f);
    rd->n_figures++;
    mp_rd_note(rd, MP_RUN_LINE_USED, "peak memory", line);
    return true;
}

bool mp_rd_generate_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    mp_run_format f = MP_RUN_FMT_GENERATE;
    if (lit(&p, "[batch_generate]")) {
        f = MP_RUN_FMT_BATCH;
        const char *q = p;
        if (lit(&q, "Finished processing")) {
            mp_rd_note(rd, MP_RUN_LINE_USED, "batch progress", line);
            return true;
        }
    }
    if (speed_line(rd, p, "Prompt:", &r->prompt_tokens, &r->prompt_tok_per_s, PROMPT_TPS_MAX,
                   line, f) ||
        speed_line(rd, p, "Generation:", &r->gen_tokens, &r->gen_tok_per_s, GEN_TPS_MAX, line,
                   f) ||
        peak_line(rd, p, line, f))
        return true;
    if (f == MP_RUN_FMT_GENERATE && strcmp(p, "No text generated for this prompt") == 0) {
        mp_rd_note(rd, MP_RUN_LINE_USED, "no text generated", line);
        return true;
    }
    return false;
}

/* ---- benchmark ----------------------------------------------------------- */

/* "prompt_tps=1.000, generation_tps=2.000, peak_memory=3.000[, total_time=..]" */
static bool bench_fields(const char *p, double *ptps, double *gtps, double *peak, bool *comma)
{
    *ptps = *gtps = *peak = -1;
    while (*p) {
        skip_spaces(&p);
        const char *eq = strchr(p, '=');
        if (!eq)
            break;
        size_t klen = (size_t)(eq - p);
        const char *v = eq + 1;
        double d;
        if (!num(&v, NUM_DEC, &d, comma))
            return false;
        if (klen == 10 && strncmp(p, "prompt_tps", 10) == 0)
            *ptps = d;
        else if (klen == 14 && strncmp(p, "generation_tps", 14) == 0)
            *gtps = d;
        else if (klen == 11 && strncmp(p, "peak_memory", 11) == 0)
            *peak = d;
        p = v;
        skip_spaces(&p);
        if (*p == ',')
            p++;
    }
    return *ptps >= 0 || *gtps >= 0;
}

bool mp_rd_benchmark_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    if (strcmp(p, "Running warmup..") == 0) {
        mp_rd_note(rd, MP_RUN_LINE_USED, "benchmark warmup", line);
        return true;
    }
    const char *q = p;
    if (lit(&q, "Timing with prompt_tokens=")) {
        double pt, gt, b;
        bool comma = false;
        if (!num(&q, NUM_GROUP, &pt, &comma) || !lit(&q, ", generation_tokens=") ||
            !num(&q, NUM_GROUP, &gt, &comma) || !lit(&q, ", batch_size=") ||
            !num(&q, NUM_GROUP, &b, &comma))
            return false;
        if (pt < 1 || pt > TOKENS_MAX || gt < 1 || gt > TOKENS_MAX || b < 1 || b > 4096) {
            mp_rd_note(rd, MP_RUN_LINE_REJECTED, "benchmark setup", line);
            return true;
        }
        r->prompt_tokens = pt;
        r->gen_tokens = gt;
        r->batch_size = (int64_t)b;
        mp_rd_take_format(r, MP_RUN_FMT_BENCHMARK);
        mp_rd_note(rd, MP_RUN_LINE_USED, "benchmark setup", line);
        return true;
    }
    bool trial = false;
    q = p;
    if (lit(&q, "Trial ")) {
        double n;
        bool c = false;
        if (!num(&q, NUM_GROUP, &n, &c) || !lit(&q, ":"))
            return false;
        trial = true;
    } else if (!lit(&q, "Averages:")) {
        return false;
    }
    double ptps, gtps, peak;
    bool comma = false;
    if (!bench_fields(q, &ptps, &gtps, &peak, &comma))
        return false;
    const char *what = trial ? "benchmark trial" : "benchmark average";
    if (!(ptps > 0 && ptps <= PROMPT_TPS_MAX) || !(gtps > 0 && gtps <= GEN_TPS_MAX) ||
        !(peak > 0 && peak <= PEAK_GB_MAX)) {
        mp_rd_note(rd, MP_RUN_LINE_REJECTED, what, line);
        return true;
    }
    r->decimal_comma |= comma;
    mp_rd_take_format(r, MP_RUN_FMT_BENCHMARK);
    if (trial) {
        rd->trial_prompt += ptps;
        rd->trial_gen += gtps;
        rd->trial_peak = fmax(rd->trial_peak, peak);
        if (rd->n_trial == 0)
            r->first_tok_per_s = gtps;
        r->last_tok_per_s = gtps;
        rd->n_trial++;
        r->n_trials = rd->n_trial;
    } else {
        rd->have_average = true;
        r->prompt_tok_per_s = ptps;
        r->gen_tok_per_s = gtps;
        r->peak_memory_gb = peak;
        r->averaged = true;
    }
    rd->n_figures++;
    mp_rd_note(rd, MP_RUN_LINE_USED, what, line);
    return true;
}

/* ---- lora: old "Iter N:" lines ----------------------------------------- */

bool mp_rd_iter_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    if (!lit(&p, "Iter "))
        return false;
    double it;
    bool comma = false;
    if (!num(&p, NUM_GROUP, &it, &comma) || !lit(&p, ":"))
        return false;
    skip_spaces(&p);
    if (strncmp(p, "Saved adapter weights", 21) == 0) {
        mp_rd_note(rd, MP_RUN_LINE_USED, "adapter save", line);
        mp_rd_take_format(r, MP_RUN_FMT_LORA);
        return true;
    }
    double loss = -1, tps = -1, its = -1, tokens = -1, peak = -1, val = -1, lr = -1;
    bool any = false, bad = false;
    while (*p) {
        skip_spaces(&p);
        struct { const char *key; double *slot; } keys[] = {
            {"Train loss", &loss}, {"Val loss", &val}, {"Learning Rate", &lr},
            {"It/sec", &its}, {"Tokens/sec", &tps}, {"Trained Tokens", &tokens},
            {"Peak mem", &peak}, {"Val took", NULL},
        };
        bool matched = false;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            const char *q = p;
            if (!lit(&q, keys[k].key))
                continue;
            double v;
            if (!num(&q, NUM_ANY, &v, &comma))
                return false;
            if (keys[k].slot)
                *keys[k].slot = v;
            if (v < 0)
                bad = true;
            lit(&q, "GB");
            lit(&q, "s");
            p = q;
            matched = any = true;
            break;
        }
        if (!matched)
            break;
        skip_spaces(&p);
        if (*p == ',')
            p++;
    }
    if (!any)
        return false;
    mp_rd_take_format(r, MP_RUN_FMT_LORA);
    if (bad || it > ITERS_MAX || (tps >= 0 && !(tps > 0 && tps <= TRAIN_TPS_MAX)) ||
        (its >= 0 && its == 0) ||
        (peak >= 0 && !(peak > 0 && peak <= PEAK_GB_MAX))) {
        mp_rd_note(rd, MP_RUN_LINE_REJECTED, val >= 0 ? "validation" : "training report", line);
        return true;
    }
    if (it > (double)r->last_iter)
        r->last_iter = (int64_t)it;
    if (val >= 0) {
        r->val_loss = val;
        mp_rd_note(rd, MP_RUN_LINE_USED, "validation loss", line);
        return true;
    }
    if (loss >= 0)
        r->train_loss = loss;
    if (tps > 0 && rd->n_train_speeds < (int)(sizeof rd->train_speeds / sizeof rd->train_speeds[0]))
        rd->train_speeds[rd->n_train_speeds++] = tps;
    if (its > 0)
        r->train_it_per_s = its;
    if (tokens >= 0)
        r->trained_tokens = tokens;
    if (peak > 0)
        r->peak_memory_gb = fmax(r->peak_memory_gb, peak);
    r->n_train_reports++;
    if (tps > 0)
        rd->n_figures++;
    mp_rd_note(rd, MP_RUN_LINE_USED, "training report", line);
    return true;
}

/* ---- lora: 0.32's table (cli_ui.TrainUI) and header panel --------------- */

bool mp_rd_lora_table_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    if (strncmp(p, "iter", 4) == 0 && strstr(p, "train_loss") && strstr(p, "tok/s")) {
        mp_rd_take_format(r, MP_RUN_FMT_LORA);
        mp_rd_note(rd, MP_RUN_LINE_USED, "training table header", line);
        return true;
    }
    if (strncmp(p, "save ", 5) == 0 && strstr(p, "adapters.safetensors")) {
        mp_rd_take_format(r, MP_RUN_FMT_LORA);
        mp_rd_note(rd, MP_RUN_LINE_USED, "adapter save", line);
        return true;
    }
    const char *q = p;
    if (lit(&q, "train ") && strchr(q, '%') && strchr(q, '/')) {
        /* progress bar "train ████ 100% · 30/30" */
        const char *slash = strrchr(q, '/');
        const char *v = slash + 1;
        double total;
        bool c = false;
        if (num(&v, NUM_GROUP, &total, &c) && total >= 1 && total <= 1e9) {
            r->total_iters = (int64_t)total;
            mp_rd_take_format(r, MP_RUN_FMT_LORA);
            mp_rd_note(rd, MP_RUN_LINE_USED, "training progress", line);
            return true;
        }
        return false;
    }
    q = p;
    double it, a;
    bool comma = false;
    if (!isdigit((unsigned char)*q) || !num(&q, NUM_GROUP, &it, &comma))
        return false;
    if (lit(&q, "val")) {
        double secs;
        if (!num(&q, NUM_DEC, &a, &comma) || !num(&q, NUM_DEC, &secs, &comma) || !lit(&q, "s"))
            return false;
        mp_rd_take_format(r, MP_RUN_FMT_LORA);
        if (a < 0 || secs < 0 || it > ITERS_MAX) {
            mp_rd_note(rd, MP_RUN_LINE_REJECTED, "validation", line);
            return true;
        }
        r->val_loss = a;
        if (it > (double)r->last_iter)
            r->last_iter = (int64_t)it;
        mp_rd_note(rd, MP_RUN_LINE_USED, "validation loss", line);
        return true;
    }
    double tps, ktok;
    if (!num(&q, NUM_DEC, &a, &comma))
        return false;
    if (!lit(&q, "\xe2\x96\xbc") && !lit(&q, "\xe2\x96\xb2")) /* ▼ ▲ */
        return false;
    if (!num(&q, NUM_GROUP, &tps, &comma) || !num(&q, NUM_DEC, &ktok, &comma) || !lit(&q, "k"))
        return false;
    mp_rd_take_format(r, MP_RUN_FMT_LORA);
    if (a < 0 || !(tps > 0 && tps <= TRAIN_TPS_MAX) || ktok < 0 || it > ITERS_MAX) {
        mp_rd_note(rd, MP_RUN_LINE_REJECTED, "training report", line);
        return true;
    }
    r->train_loss = a;
    if (rd->n_train_speeds < (int)(sizeof rd->train_speeds / sizeof rd->train_speeds[0]))
        rd->train_speeds[rd->n_train_speeds++] = tps;
    r->trained_tokens = ktok * 1000.0;
    if (it > (double)r->last_iter)
        r->last_iter = (int64_t)it;
    r->n_train_reports++;
    rd->n_figures++;
    mp_rd_note(rd, MP_RUN_LINE_USED, "training report", line);
    return true;
}

/* A header panel row "model    X" (after the borders were cut). */
bool mp_rd_panel_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    static const char *const keys[] = {"model", "type", "dataset", "optimizer",
                                       "batch \xc2\xb7 iters", "max seq", "max tokens"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        size_t n = strlen(keys[k]);
        if (strncmp(p, keys[k], n) != 0 || p[n] != ' ' || p[n + 1] != ' ')
            continue;
        const char *v = p + n;
        skip_spaces(&v);
        if (!*v)
            return false;
        bool comma = false;
        double d, d2;
        switch (k) {
        case 0:
            mp_rd_model(rd, v);
            break;
        case 1: {
            size_t w = strcspn(v, " ");
            if (w >= sizeof r->fine_tune_type)
                return false;
            memcpy(r->fine_tune_type, v, w);
            r->fine_tune_type[w] = '\0';
            const char *q = strstr(v, "\xc2\xb7");
            if (q) {
                q += 2;
                if (num(&q, NUM_GROUP, &d, &comma) && lit(&q, "layers"))
                    r->lora_layers = (int64_t)d;
                if (lit(&q, "\xc2\xb7") && lit(&q, "rank") && num(&q, NUM_GROUP, &d, &comma))
                    r->lora_rank = (int64_t)d;
            }
            break;
        }
        case 4:
            if (!num(&v, NUM_GROUP, &d, &comma) || !lit(&v, "\xc2\xb7") ||
                !num(&v, NUM_GROUP, &d2, &comma))
                return false;
            r->batch_size = (int64_t)d;
            r->total_iters = (int64_t)d2;
            break;
        case 5:
            if (!num(&v, NUM_GROUP, &d, &comma))
                return false;
            r->max_seq_length = (int64_t)d;
            break;
        case 6:
            if (!num(&v, NUM_GROUP, &d, &comma))
                return false;
            r->max_tokens = (int64_t)d;
            break;
        default:
            break;
        }
        mp_rd_note(rd, MP_RUN_LINE_USED, "setup (header panel)", line);
        return true;
    }
    if (strncmp(p, "\xe2\x80\xba ", 4) == 0 || strncmp(p, "commands ", 9) == 0 ||
        strcmp(p, "bye") == 0) {
        /* mlx_lm.chat's prompt marker "› ", its help row and its goodbye */
        mp_rd_take_format(r, MP_RUN_FMT_CHAT);
        mp_rd_note(rd, MP_RUN_LINE_USED, "chat prompt", line);
        return true;
    }
    if (strncmp(p, "mlx_lm.lora", 11) == 0 || strncmp(p, "mlx_lm.chat", 11) == 0) {
        mp_strlcpy(r->command, p[7] == 'l' ? "mlx_lm.lora" : "mlx_lm.chat", sizeof r->command);
        mp_rd_note(rd, MP_RUN_LINE_USED, "header panel title", line);
        return true;
    }
    return false;
}

/* Lines mlx_lm.lora prints around its reports (old and new). */
bool mp_rd_lora_chatter(reader *rd, const char *p, const char *line)
{
    static const char *const starts[] = {
        "Loading pretrained model", "Loading datasets", "Training", "Testing",
        "Trainable parameters:", "Starting training", "Saved final weights to",
        "Test loss ", "Loading fine-tuned weights", "Loading configuration file",
    };
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        size_t n = strlen(starts[i]);
        if (strncmp(p, starts[i], n) == 0 && (i != 2 || p[n] == '\0') && (i != 3 || p[n] == '\0')) {
            if (i >= 4)
                mp_rd_take_format(rd->r, MP_RUN_FMT_LORA);
            mp_rd_note(rd, MP_RUN_LINE_USED, "training progress", line);
            return true;
        }
    }
    return false;
}

/* ---- chat --------------------------------------------------------------- */

bool mp_rd_chat_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    double n, g, pr, pk;
    bool comma = false;
    const char *q = p;
    if (!num(&q, NUM_GROUP, &n, &comma) || !lit(&q, "tokens \xc2\xb7") ||
        !num(&q, NUM_DEC, &g, &comma) || !lit(&q, "tok/s \xc2\xb7 prompt") ||
        !num(&q, NUM_DEC, &pr, &comma) || !lit(&q, "tok/s \xc2\xb7 peak") ||
        !num(&q, NUM_DEC, &pk, &comma) || !lit(&q, "GB"))
        return false;
    mp_rd_take_format(r, MP_RUN_FMT_CHAT);
    if (n < 0 || !(g > 0 && g <= GEN_TPS_MAX) || !(pr > 0 && pr <= PROMPT_TPS_MAX) ||
        !(pk > 0 && pk <= PEAK_GB_MAX)) {
        mp_rd_note(rd, MP_RUN_LINE_REJECTED, "chat turn", line);
        return true;
    }
    /* the last turn counts: its prompt holds the whole conversation */
    r->gen_tokens = n;
    r->gen_tok_per_s = g;
    r->prompt_tok_per_s = pr;
    r->peak_memory_gb = fmax(r->peak_memory_gb, pk);
    r->decimal_comma |= comma;
    r->n_trials++;
    rd->n_figures++;
    mp_rd_note(rd, MP_RUN_LINE_USED, "chat turn", line);
    return true;
}

/* ---- server ------------------------------------------------------------- */

bool mp_rd_server_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    const char *q = p;
    if (lit(&q, "Prompt processing progress:") || lit(&q, "Starting httpd at") ||
        lit(&q, "Prompt Cache:")) {
        mp_rd_take_format(r, MP_RUN_FMT_SERVER);
        mp_rd_note(rd, MP_RUN_LINE_USED, "server log", line);
        return true;
    }
    /* access log: 127.0.0.1 - - [date] "POST /v1/chat/completions HTTP/1.1" 200 - */
    if (strstr(p, "\"POST /v1/") || strstr(p, "\"GET /v1/")) {
        mp_rd_take_format(r, MP_RUN_FMT_SERVER);
        if (strstr(p, "\"POST /v1/"))
            r->n_requests++;
        mp_rd_note(rd, MP_RUN_LINE_USED, "server request", line);
        return true;
    }
    /* the JSON usage object, whole or a line of it */
    const char *u;
    bool used = false;
    bool comma = false;
    if ((u = strstr(p, "\"prompt_tokens\":")) != NULL) {
        const char *v = u + 16;
        double d;
        if (num(&v, NUM_GROUP, &d, &comma) && d >= 0 && d <= TOKENS_MAX) {
            r->prompt_tokens = d;
            used = true;
        }
    }
    if ((u = strstr(p, "\"completion_tokens\":")) != NULL) {
        const char *v = u + 20;
        double d;
        if (num(&v, NUM_GROUP, &d, &comma) && d >= 0 && d <= TOKENS_MAX) {
            r->gen_tokens = d;
            used = true;
        }
    }
    if (used) {
        mp_rd_take_format(r, MP_RUN_FMT_SERVER);
        rd->n_figures++;
        mp_rd_note(rd, MP_RUN_LINE_USED, "token counts (usage)", line);
        return true;
    }
    if (strstr(p, "\"total_tokens\":") || strstr(p, "\"usage\":")) {
        mp_rd_note(rd, MP_RUN_LINE_USED, "token counts (usage)", line);
        return true;
    }
    return false;
}

/* ---- GenerationResponse(...) or its fields ------------------------------ */

bool mp_rd_api_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    struct { const char *key; double *slot; double lo, hi; } keys[] = {
        {"prompt_tokens=", &r->prompt_tokens, 0, TOKENS_MAX},
        {"prompt_tps=", &r->prompt_tok_per_s, 0, PROMPT_TPS_MAX},
        {"generation_tokens=", &r->gen_tokens, 0, TOKENS_MAX},
        {"generation_tps=", &r->gen_tok_per_s, 0, GEN_TPS_MAX},
        {"peak_memory=", &r->peak_memory_gb, 0, PEAK_GB_MAX},
    };
    bool is_repr = strstr(p, "GenerationResponse(") != NULL;
    double vals[5];
    int found = 0;
    bool comma = false;
    for (size_t k = 0; k < 5; k++) {
        vals[k] = -1;
        const char *hit = p;
        /* the key must start a field, not end another ("prompt_tps" inside
         * "..._prompt_tps") */
        while ((hit = strstr(hit, keys[k].key)) != NULL) {
            if (hit == p || hit[-1] == ' ' || hit[-1] == ',' || hit[-1] == '(')
                break;
            hit++;
        }
        if (!hit)
            continue;
        const char *v = hit + strlen(keys[k].key);
        double d;
        if (!num(&v, NUM_ANY, &d, &comma))
            continue;
        vals[k] = d;
        found++;
        if (d < keys[k].lo || d > keys[k].hi || ((k == 1 || k == 3 || k == 4) && d <= 0) ||
            ((k == 0 || k == 2) && d != floor(d))) {
            mp_rd_note(rd, MP_RUN_LINE_REJECTED, "GenerationResponse", line);
            return true;
        }
    }
    if (found == 0 || (!is_repr && found < 2 && strncmp(p, "prompt_", 7) != 0 &&
                       strncmp(p, "generation_", 11) != 0 && strncmp(p, "peak_memory", 11) != 0))
        return false;
    for (size_t k = 0; k < 5; k++)
        if (vals[k] >= 0)
            *keys[k].slot = vals[k];
    mp_rd_take_format(r, MP_RUN_FMT_API);
    rd->n_figures++;
    mp_rd_note(rd, MP_RUN_LINE_USED, is_repr ? "GenerationResponse" : "GenerationResponse field", line);
    return true;
}

/* ---- warnings ----------------------------------------------------------- */

bool mp_rd_warning_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    const char *q = p;
    if (lit(&q, "[WARNING] Generating with a model that requires")) {
        double mb, lim;
        bool comma = false;
        if (num(&q, NUM_GROUP, &mb, &comma) && lit(&q, "MB which is close to the maximum recommended size of") &&
            num(&q, NUM_GROUP, &lim, &comma) && mb > 0 && lim > 0) {
            r->warn_model_mb = mb;
            r->warn_limit_mb = lim;
            mp_rd_note(rd, MP_RUN_LINE_USED, "wired-limit warning", line);
            return true;
        }
    }
    if (strncmp(p, "[WARNING]", 9) == 0 || strstr(p, "Warning:") || strstr(p, "WARNING") ||
        strstr(p, "warnings.warn") || strncmp(p, "Traceback", 9) == 0 ||
        strstr(p, "is deprecated") || strstr(p, "Fetching ") == p) {
        mp_rd_note(rd, MP_RUN_LINE_WARNING, strncmp(p, "Fetching ", 9) == 0 ? "download progress" : "warning",
             line);
        return true;
    }
    return false;
}

