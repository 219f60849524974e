/* tdata.c - fine-tuning data read as mlx_lm.lora reads it, its batches and
 * the training estimate over them; see tdata.h. */
#include "engine/tdata.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "util/text.h"

static const char *const format_names[] = {"completions", "chat", "tools", "text"};

const char *mp_tdata_format_name(mp_tdata_format f)
{
    return (unsigned)f < sizeof format_names / sizeof format_names[0] ? format_names[f] : "?";
}

/* ---- token counts ----------------------------------------------------------- */

static int64_t text_tokens(size_t bytes)
{
    return (int64_t)ceil((double)bytes / MP_TDATA_BYTES_PER_TOKEN);
}

/* Bytes of text in a message's "content": a string, or a list of parts
 * whose "text" strings count; null (an assistant turn with tool calls)
 * counts 0.  -1 when it is none of these. */
static int64_t content_bytes(const cJSON *c)
{
    if (!c || cJSON_IsNull(c))
        return 0;
    if (cJSON_IsString(c))
        return (int64_t)strlen(c->valuestring);
    if (!cJSON_IsArray(c))
        return -1;
    int64_t n = 0;
    for (const cJSON *part = c->child; part; part = part->next) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(part, "text");
        if (cJSON_IsString(t))
            n += (int64_t)strlen(t->valuestring);
    }
    return n;
}

/* Bytes of `v` written as compact JSON (tool schemas, tool calls): the chat
 * template renders them as text. */
static int64_t json_bytes(const cJSON *v)
{
    if (!v)
        return 0;
    char *s = cJSON_PrintUnformatted(v);
    int64_t n = s ? (int64_t)strlen(s) : 0;
    cJSON_free(s);
    return n;
}

/* Tokens of a list of messages: role markers and text of each. */
static int64_t messages_tokens(const cJSON *msgs, const char **why)
{
    int64_t n = 0;
    if (!cJSON_IsArray(msgs) || !msgs->child) {
        *why = "'messages' is not a non-empty list";
        return -1;
    }
    for (const cJSON *m = msgs->child; m; m = m->next) {
        if (!cJSON_IsObject(m)) {
            *why = "a message is not an object";
            return -1;
        }
        int64_t b = content_bytes(cJSON_GetObjectItemCaseSensitive(m, "content"));
        if (b < 0) {
            *why = "a message's 'content' is not text";
            return -1;
        }
        b += json_bytes(cJSON_GetObjectItemCaseSensitive(m, "tool_calls"));
        n += MP_TDATA_TOKENS_PER_MESSAGE + text_tokens((size_t)b);
    }
    return n;
}

/* The format of one record and its estimated tokens; -1 with *why when it
 * has none.  Detection order of mlx_lm/tuner/datasets.py create_dataset. */
static int64_t record_tokens(const cJSON *o, mp_tdata_format *fmt, const char **why)
{
    const cJSON *prompt = cJSON_GetObjectItemCaseSensitive(o, "prompt");
    const cJSON *completion = cJSON_GetObjectItemCaseSensitive(o, "completion");
    const cJSON *messages = cJSON_GetObjectItemCaseSensitive(o, "messages");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(o, "text");
    const cJSON *tools = cJSON_GetObjectItemCaseSensitive(o, "tools");
    int64_t tools_tokens = tools ? text_tokens((size_t)json_bytes(tools)) : 0;
    if (prompt && completion) {
        *fmt = MP_TDATA_COMPLETIONS;
        if (!cJSON_IsString(prompt) || !cJSON_IsString(completion)) {
            *why = "'prompt' and 'completion' must be strings";
            return -1;
        }
        /* one user and one assistant message (CompletionsDataset) */
        return 1 + tools_tokens + 2 * MP_TDATA_TOKENS_PER_MESSAGE +
               text_tokens(strlen(prompt->valuestring)) +
               text_tokens(strlen(completion->valuestring));
    }
    if (messages) {
        *fmt = tools ? MP_TDATA_TOOLS : MP_TDATA_CHAT;
        int64_t n = messages_tokens(messages, why);
        return n < 0 ? -1 : 1 + tools_tokens + n;
    }
    if (text) {
        *fmt = MP_TDATA_TEXT;
        if (!cJSON_IsString(text)) {
            *why = "'text' must be a string";
            return -1;
        }
        return text_tokens(strlen(text->valuestring)) + 1; /* EOS appended */
    }
    *why = "no mlx-lm data format: needs 'messages' (chat, tools), 'prompt' and 'completion' "
           "(completions) or 'text'";
    return -1;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* ---- reading ------------------------------------------------------------------ */

/* The examples of one JSONL file into *tokens (malloc'd) and *count;
 * `is_valid` (valid.jsonl) must have the format of train.jsonl. */
static int read_jsonl(const char *path, mp_tdata *d, bool is_valid, int64_t **tokens,
                      int64_t *count, mp_error *err)
{
    const char *name = mp_pname(MP_P_DATA);
    char *text = NULL;
    size_t len = 0;
    int rc = mp_read_file(path, MP_TDATA_MAX_FILE_BYTES, "training data", &text, &len, err);
    if (rc) {
        mp_error_prefix(err, "%s", name);
        return rc;
    }
    int64_t cap = 0, n = 0, line_no = 0;
    size_t at = 0;
    bool have_format = is_valid; /* valid.jsonl must match train.jsonl */
    while (at < len && rc == 0) {
        line_no++;
        const char *line = text + at;
        const char *nl = memchr(line, '\n', len - at);
        size_t n_bytes = nl ? (size_t)(nl - line) : len - at;
        at += n_bytes + (nl ? 1 : 0);
        if (n_bytes && line[n_bytes - 1] == '\r')
            n_bytes--;
        const char *why = NULL;
        cJSON *o = NULL;
        if (n_bytes > MP_TDATA_MAX_LINE_BYTES) {
            rc = mp_error_set(err, MP_ELIMIT, "%s: %s:%lld: the line is %zu bytes, over the limit "
                              "of %u bytes", name, path, (long long)line_no, n_bytes,
                              MP_TDATA_MAX_LINE_BYTES);
            break;
        }
        if (n_bytes == 0 || strspn(line, " \t") >= n_bytes) {
            rc = mp_error_set(err, MP_EINVAL, "%s: %s:%lld: empty line (mlx_lm.lora reads one "
                              "JSON object per line)", name, path, (long long)line_no);
            break;
        }
        if (memchr(line, '\0', n_bytes) || !mp_utf8_valid(line, n_bytes)) {
            rc = mp_error_set(err, MP_EINVAL, "%s: %s:%lld: not valid UTF-8 text", name, path,
                              (long long)line_no);
            break;
        }
        const char *end = NULL;
        o = cJSON_ParseWithLengthOpts(line, n_bytes, &end, false);
        if (o && end && (size_t)(end - line) < n_bytes && strspn(end, " \t\r") <
                                                             n_bytes - (size_t)(end - line)) {
            cJSON_Delete(o);
            o = NULL;
        }
        if (o && !cJSON_IsObject(o)) {
            cJSON_Delete(o);
            rc = mp_error_set(err, MP_EINVAL, "%s: %s:%lld: a JSON value that is not an object "
                              "(mlx_lm.lora reads one object per line)", name, path,
                              (long long)line_no);
            break;
        }
        if (!o) {
            const char *e = cJSON_GetErrorPtr();
            long near = e && e >= line && e <= line + n_bytes ? (long)(e - line) : 0;
            rc = mp_error_set(err, MP_EINVAL, "%s: %s:%lld: not valid JSON (near byte %ld)", name,
                              path, (long long)line_no, near);
            break;
        }
        mp_tdata_format fmt = MP_TDATA_TEXT;
        int64_t toks = record_tokens(o, &fmt, &why);
        cJSON_Delete(o);
        /* chat and tools share mlx-lm's ChatDataset: not a mix */
        bool chatlike = (fmt == MP_TDATA_CHAT || fmt == MP_TDATA_TOOLS) &&
                        (d->format == MP_TDATA_CHAT || d->format == MP_TDATA_TOOLS);
        if (toks >= 0 && have_format && fmt != d->format && !chatlike) {
            rc = mp_error_set(err, MP_EINVAL, "%s: %s:%lld: a %s example, but the data is %s "
                              "(mlx-lm takes the format of the first line of train.jsonl)",
                              name, path, (long long)line_no, mp_tdata_format_name(fmt),
                              mp_tdata_format_name(d->format));
            break;
        }
        if (toks < 0) {
            rc = mp_error_set(err, MP_EINVAL, "%s: %s:%lld: %s", name, path, (long long)line_no,
                              why);
            break;
        }
        if (!have_format || (fmt == MP_TDATA_TOOLS && !is_valid))
            d->format = fmt; /* a tools list on any line makes it tool calling */
        have_format = true;
        if (n >= MP_TDATA_MAX_EXAMPLES) {
            rc = mp_error_set(err, MP_ELIMIT, "%s: %s: over %d examples", name, path,
                              MP_TDATA_MAX_EXAMPLES);
            break;
        }
        if (n == cap) {
            int64_t ncap = cap ? cap * 2 : 256;
            int64_t *t = realloc(*tokens, (size_t)ncap * sizeof *t);
            if (!t) {
                rc = mp_error_set(err, MP_ENOMEM, "out of memory");
                break;
            }
            *tokens = t;
            cap = ncap;
        }
        (*tokens)[n] = toks;
        if (!is_valid)
            d->total_tokens += toks;
        n++;
    }
    free(text);
    if (rc == 0 && n == 0)
        rc = mp_error_set(err, MP_EINVAL, "%s: %s: no examples (the file is empty)", name, path);
    *count = n;
    return rc;
}

int mp_tdata_read(const char *path, mp_tdata *d, mp_error *err)
{
    memset(d, 0, sizeof *d);
    d->n_valid = -1;
    const char *name = mp_pname(MP_P_DATA);
    struct stat st;
    if (stat(path, &st) != 0)
        return mp_error_set(err, MP_EIO, "%s: cannot read '%s': %s", name, path, strerror(errno));
    bool dir = S_ISDIR(st.st_mode);
    int w = snprintf(d->train_path, sizeof d->train_path, "%s%s", path,
                     dir ? (path[strlen(path) - 1] == '/' ? "train.jsonl" : "/train.jsonl") : "");
    if (w < 0 || (size_t)w >= sizeof d->train_path)
        return mp_error_set(err, MP_ELIMIT, "%s: the path is too long", name);
    if (dir && stat(d->train_path, &st) != 0)
        return mp_error_set(err, MP_EIO, "%s: folder '%s' has no train.jsonl (mlx_lm.lora --train "
                            "needs one)", name, path);
    int rc = read_jsonl(d->train_path, d, false, &d->tokens, &d->n_examples, err);
    if (rc)
        return rc;
    int64_t *sorted = malloc((size_t)d->n_examples * sizeof *sorted);
    if (!sorted)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    memcpy(sorted, d->tokens, (size_t)d->n_examples * sizeof *sorted);
    qsort(sorted, (size_t)d->n_examples, sizeof *sorted, cmp_i64);
    d->median_tokens = sorted[(d->n_examples - 1) / 2];
    d->max_tokens = sorted[d->n_examples - 1];
    free(sorted);
    if (!dir)
        return 0;
    char valid[sizeof d->train_path + 16];
    snprintf(valid, sizeof valid, "%.*s/valid.jsonl", (int)(strlen(d->train_path) - 12),
             d->train_path);
    if (stat(valid, &st) == 0)
        rc = read_jsonl(valid, d, true, &d->valid_tokens, &d->n_valid, err);
    return rc;
}

void mp_tdata_release(mp_tdata *d)
{
    free(d->tokens);
    free(d->valid_tokens);
    d->tokens = d->valid_tokens = NULL;
}

/* ---- batches ------------------------------------------------------------------ */


/* The batches of `n` examples of `tokens` (`file` names them in messages). */
static int batches_of(const int64_t *tokens, int64_t n, const char *file, int batch,
                      int64_t max_seq, mp_tdata_batches *b, mp_error *err)
{
    memset(b, 0, sizeof *b);
    if (batch < 1 || max_seq < 1)
        return mp_error_set(err, MP_EINVAL, "batch and sequence length must be at least 1");
    if (n < batch)
        return mp_error_set(err, MP_EINVAL, "%s: %s has %lld examples, fewer than the batch "
                            "size %d (mlx_lm.lora raises ValueError)", mp_pname(MP_P_DATA), file,
                            (long long)n, batch);
    int64_t *sorted = malloc((size_t)n * sizeof *sorted);
    b->n_batches = n / batch;
    b->padded = malloc((size_t)b->n_batches * sizeof *b->padded);
    if (!sorted || !b->padded) {
        free(sorted);
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    }
    memcpy(sorted, tokens, (size_t)n * sizeof *sorted);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_i64);
    b->batch = batch;
    b->max_seq = max_seq;
    b->n_dropped = n - b->n_batches * batch;
    for (int64_t i = 0; i < b->n_batches; i++) {
        int64_t longest = sorted[(i + 1) * batch - 1]; /* ascending: the last of the batch */
        int64_t pad = 1 + MP_TDATA_PAD_TO * ((longest + MP_TDATA_PAD_TO - 1) / MP_TDATA_PAD_TO);
        b->padded[i] = pad < max_seq ? pad : max_seq;
        for (int64_t j = i * batch; j < (i + 1) * batch; j++)
            b->n_truncated += sorted[j] > max_seq;
    }
    free(sorted);
    b->median_padded = b->padded[(b->n_batches - 1) / 2];
    b->worst_padded = b->padded[b->n_batches - 1];
    return 0;
}

int mp_tdata_batches_of(const mp_tdata *d, int batch, int64_t max_seq, mp_tdata_batches *b,
                        mp_error *err)
{
    return batches_of(d->tokens, d->n_examples, d->train_path, batch, max_seq, b, err);
}

int mp_tdata_batches_of_valid(const mp_tdata *d, int batch, int64_t max_seq,
                              mp_tdata_batches *b, mp_error *err)
{
    char file[sizeof d->train_path + 16];
    snprintf(file, sizeof file, "%.*s/valid.jsonl", (int)(strlen(d->train_path) - 12),
             d->train_path);
    return batches_of(d->valid_tokens, d->n_valid, file, batch, max_seq, b, err);
}

void mp_tdata_batches_release(mp_tdata_batches *b)
{
    free(b->padded);
    b->padded = NULL;
}

/* ---- the estimate over the batches ------------------------------------------------ */

/* mp_train for a batch padded to `padded` tokens: the model sees one less. */
static int train_batch(const mp_train_req *req, int64_t padded, mp_train_req *r,
                       mp_train_result *res, mp_error *err)
{
    *r = *req;
    r->seq_len = padded > 1 ? padded - 1 : 1;
    return mp_train(r, res, err);
}

/* The time of every batch of `b` once, and the tokens the model sees in them. */
static int batches_time(const mp_train_req *req, const mp_tdata_batches *b, double *time_s,
                        double *tokens, mp_error *err)
{
    *time_s = *tokens = 0;
    /* each distinct padded length once (the batches are sorted) */
    for (int64_t i = 0; i < b->n_batches;) {
        int64_t j = i;
        while (j < b->n_batches && b->padded[j] == b->padded[i])
            j++;
        mp_train_req r;
        mp_train_result res;
        int rc = train_batch(req, b->padded[i], &r, &res, err);
        if (rc)
            return rc;
        *time_s += (double)(j - i) / res.it_s;
        *tokens += (double)(j - i) * (double)req->batch * (double)r.seq_len;
        i = j;
    }
    return 0;
}

/* Validation passes of a run of `iters`: at iteration 1, every
 * --steps-per-eval and the last (trainer.py train). */
static int64_t n_evals(int64_t iters)
{
    return 1 + iters / MP_TDATA_STEPS_PER_EVAL +
           (iters % MP_TDATA_STEPS_PER_EVAL != 0 && iters != 1 ? 1 : 0);
}

int mp_train_on_data(const mp_train_req *req, const mp_tdata *d, mp_train_data *out,
                     mp_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = mp_tdata_batches_of(d, req->batch, req->seq_len, &out->b, err);
    if (rc)
        return rc;
    const mp_tdata_batches *b = &out->b;
    if ((rc = train_batch(req, b->median_padded, &out->typical_req, &out->typical, err)) ||
        (rc = train_batch(req, b->worst_padded, &out->worst_req, &out->worst, err)))
        return rc;
    double time_s, tokens;
    if ((rc = batches_time(req, b, &time_s, &tokens, err)) != 0)
        return rc;
    double mean_s = time_s / (double)b->n_batches; /* one micro-batch */
    out->iters = req->iters > 0 ? req->iters : 1000; /* mlx_lm.lora --iters default */
    out->it_s = 1.0 / mean_s;
    out->tok_s = tokens / time_s;
    if (d->n_valid > 0) {
        mp_tdata_batches vb;
        double vt, vtok;
        rc = mp_tdata_batches_of_valid(d, req->batch, req->seq_len, &vb, err);
        if (rc == 0)
            rc = batches_time(req, &vb, &vt, &vtok, err);
        if (rc == 0) {
            out->n_evals = n_evals(out->iters);
            out->val_batches = vb.n_batches < MP_TDATA_VAL_BATCHES ? vb.n_batches
                                                                   : MP_TDATA_VAL_BATCHES;
            out->val_s = (double)(out->n_evals * out->val_batches) *
                         (vt / (double)vb.n_batches) * MP_TDATA_FORWARD_SHARE;
        }
        mp_tdata_batches_release(&vb);
        if (rc)
            return rc;
    }
    out->total_s = (double)out->iters * mean_s + out->val_s;
    return 0;
}

void mp_train_data_release(mp_train_data *t)
{
    mp_tdata_batches_release(&t->b);
}

void mp_train_data_result(const mp_train_data *t, mp_train_result *out)
{
    *out = t->worst;
    out->it_s = t->it_s;
    out->tok_s = t->tok_s;
    out->step_s = t->worst.step_s * t->worst.it_s / t->it_s; /* the mean batch's step */
    out->iters = t->iters;
    out->total_s = t->total_s;
    snprintf(out->speed_basis, MP_BASIS_LEN,
             "mean over the %lld batches of the data (padded to %lld..%lld tokens); the longest "
             "batch: %.200s", (long long)t->b.n_batches, (long long)t->b.padded[0],
             (long long)t->b.worst_padded, t->worst.speed_basis);
    char val[160] = "";
    if (t->n_evals)
        snprintf(val, sizeof val, " + %lld validation passes of %lld batches of valid.jsonl "
                 "(--steps-per-eval %d, --val-batches %d) at a third of a batch's time (forward "
                 "only)", (long long)t->n_evals, (long long)t->val_batches,
                 MP_TDATA_STEPS_PER_EVAL, MP_TDATA_VAL_BATCHES);
    snprintf(out->total_basis, MP_BASIS_LEN,
             "%lld iterations (%s) x the mean time of one batch of the data (mlx_lm.lora visits "
             "its %lld batches in a random order, each once per pass)%s", (long long)t->iters,
             t->worst_req.iters > 0 ? "--iters" : "mlx_lm.lora --iters default",
             (long long)t->b.n_batches, val);
}

int mp_train_maybe_data(const mp_train_req *req, mp_train_result *out, mp_error *err)
{
    if (!req->data)
        return mp_train(req, out, err);
    mp_train_data t;
    int rc = mp_train_on_data(req, req->data, &t, err);
    if (rc == 0)
        mp_train_data_result(&t, out);
    mp_train_data_release(&t);
    return rc;
}
