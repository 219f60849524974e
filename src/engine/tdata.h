/*
 * tdata.h - fine-tuning data as mlx_lm.lora reads it (--data PATH): the
 * examples of a JSONL file, or of a folder's train.jsonl (valid.jsonl
 * counted when present), their token counts, the batches mlx_lm.lora
 * builds from them, and the training estimate over those batches.
 *
 * Facts from ml-explore/mlx-lm @d78bf58 (0.32.0):
 *  - tuner/datasets.py: one JSON object per line; the first line decides
 *    the format: {"prompt","completion"} (completions, checked first),
 *    {"messages"} (chat; with "tools", tool calling), {"text"} (text, EOS
 *    appended when missing); chat and completions are rendered with the
 *    tokenizer's chat template;
 *  - tuner/trainer.py iterate_batches: the examples are sorted by token
 *    length, cut into consecutive batches of --batch-size (a last partial
 *    batch, the longest examples, is dropped); each batch is padded to
 *    1 + the next multiple of 32 of its longest example, capped at
 *    --max-seq-length; the batches are visited in a random order each pass;
 *  - trainer.py default_loss: the model sees batch[:, :-1], one token less
 *    than the padded length.
 * Tokens are counted without the model's tokenizer: MP_TDATA_BYTES_PER_TOKEN
 * bytes of text per token, plus MP_TDATA_TOKENS_PER_MESSAGE for each chat
 * message's role markers and one for the EOS / BOS (the basis says so).
 */
#ifndef MP_ENGINE_TDATA_H
#define MP_ENGINE_TDATA_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/train.h"
#include "kb/param.h"

/* Limits of what is read (explicit, so bad input cannot exhaust memory). */
#define MP_TDATA_MAX_FILE_BYTES (1024u * 1024u * 1024u) /* one JSONL file */
#define MP_TDATA_MAX_LINE_BYTES (4u * 1024u * 1024u)    /* one example */
#define MP_TDATA_MAX_EXAMPLES 10000000

/* The approximation of the token count (no tokenizer is run). */
#define MP_TDATA_BYTES_PER_TOKEN 4.0
#define MP_TDATA_TOKENS_PER_MESSAGE 4
/* mlx_lm.lora pads each batch to 1 + a multiple of this (trainer.py pad_to). */
#define MP_TDATA_PAD_TO 32
/* Validation of mlx_lm.lora (lora.py CONFIG_DEFAULTS, trainer.py train):
 * at iteration 1, every --steps-per-eval and the last, --val-batches
 * batches of valid.jsonl, forward only: 2 of the 6 FLOPs per parameter
 * and token of a training step, so a third of its time. */
#define MP_TDATA_STEPS_PER_EVAL 200
#define MP_TDATA_VAL_BATCHES 25
#define MP_TDATA_FORWARD_SHARE (1.0 / 3.0)

typedef enum mp_tdata_format {
    MP_TDATA_COMPLETIONS,
    MP_TDATA_CHAT,
    MP_TDATA_TOOLS,  /* chat with a "tools" list */
    MP_TDATA_TEXT,
} mp_tdata_format;

/* "completions", "chat", "tools", "text" */
const char *mp_tdata_format_name(mp_tdata_format f);

struct mp_tdata {
    char train_path[4096];   /* the file the batches come from */
    mp_tdata_format format;
    int64_t n_examples;      /* in train_path */
    int64_t *tokens;         /* estimated tokens of each example, file order (malloc'd) */
    int64_t total_tokens;
    int64_t median_tokens, max_tokens;
    int64_t n_valid;         /* examples of the folder's valid.jsonl; -1 when none */
    int64_t *valid_tokens;   /* their estimated tokens (malloc'd), or NULL */
};
typedef struct mp_tdata mp_tdata;

/* Read `path`: a JSONL file, or a folder with train.jsonl (and optionally
 * valid.jsonl).  Release `d` with mp_tdata_release, also after an error.
 * Errors name the setting (mp_pname(MP_P_DATA)), the file and the line, in
 * one line, quoting no content: MP_EIO (missing, unreadable, a folder
 * without train.jsonl), MP_EINVAL (a line that is empty, not valid UTF-8,
 * not a JSON object, of no mlx-lm format or of another format than the
 * first line, a message without text; a file with no examples), MP_ELIMIT
 * (a file, line or count over the limits above). */
int mp_tdata_read(const char *path, mp_tdata *d, mp_error *err);
void mp_tdata_release(mp_tdata *d);

/* The batches of mlx_lm.lora for --batch-size `batch` and --max-seq-length
 * `max_seq`: padded lengths (tokens per row, the +1 included) of each
 * batch, sorted ascending. */
typedef struct mp_tdata_batches {
    int batch;
    int64_t max_seq;
    int64_t n_batches;
    int64_t n_dropped;       /* examples of the last partial batch */
    int64_t n_truncated;     /* kept examples longer than max_seq */
    int64_t *padded;         /* n_batches padded lengths, ascending (malloc'd) */
    int64_t median_padded;   /* of the median batch (the lower middle one) */
    int64_t worst_padded;    /* of the longest batch */
} mp_tdata_batches;

/* Errors: MP_EINVAL when there are fewer examples than `batch` (mlx_lm.lora
 * raises ValueError), or batch / max_seq < 1; MP_ENOMEM.  The same for the
 * examples of valid.jsonl with mp_tdata_batches_of_valid. */
int mp_tdata_batches_of(const mp_tdata *d, int batch, int64_t max_seq, mp_tdata_batches *b,
                        mp_error *err);
int mp_tdata_batches_of_valid(const mp_tdata *d, int batch, int64_t max_seq,
                              mp_tdata_batches *b, mp_error *err);
void mp_tdata_batches_release(mp_tdata_batches *b);

/* The training estimate over the batches of `d` for `req` (req->seq_len is
 * --max-seq-length; req->iters 0 means mlx_lm.lora's 1000). */
typedef struct mp_train_data {
    mp_tdata_batches b;
    mp_train_req typical_req, worst_req; /* seq_len: padded - 1 of that batch */
    mp_train_result typical;             /* the median batch */
    mp_train_result worst;               /* the longest batch: the run's peak */
    int64_t iters;
    int64_t n_evals;       /* validation passes (0 without valid.jsonl) */
    int64_t val_batches;   /* batches of each pass */
    double val_s;          /* their time */
    double total_s;        /* expected time of the whole run: iters x mean step + val_s */
    double it_s, tok_s;    /* over all batches (tokens: what the model sees) */
} mp_train_data;

/* Errors: those of mp_tdata_batches_of and mp_train. */
int mp_train_on_data(const mp_train_req *req, const mp_tdata *d, mp_train_data *out,
                     mp_error *err);
void mp_train_data_release(mp_train_data *t);

/* The run as one result: the longest batch's memory and verdict, the
 * speed and the time over all batches, with bases that say so. */
void mp_train_data_result(const mp_train_data *t, mp_train_result *out);

/* mp_train, or with req->data the result of mp_train_on_data. */
int mp_train_maybe_data(const mp_train_req *req, mp_train_result *out, mp_error *err);

#endif
