/*
 * flow_pretrain.c - the "train a transformer from scratch" plan: a project
 * of files (config, model, data, tokenizer step, training loop with
 * resume, generation, export to an mlx_lm folder, tests) whose code comes
 * from the templates of data/plan/scratch/, filled with the planner's
 * sizing.  The templates run under the real MLX in tests/mlx/plans.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plan/doc.h"
#include "plan/flow.h"
#include "plan/template.h"

/* The run's settings that the plan and config.py share, derived once. */
typedef struct pre_settings {
    long long updates, warmup, log_every, eval_every, save_every;
    double lr;
    double params, embed_params;  /* all parameters; embedding table + untied head */
    double tied_share;            /* the embedding share with a tied head */
    int token_bytes;              /* 2 (uint16) or 4 (uint32) per token on disk */
} pre_settings;

static pre_settings settings_of(const mp_flow_pretrain *f)
{
    pre_settings s;
    const mp_arch *a = f->arch;
    s.updates = f->res->iters > 0 ? f->res->iters : 1;
    s.warmup = s.updates / 50 > 100 ? s.updates / 50 : 100;
    if (s.warmup > 2000)
        s.warmup = 2000;
    s.log_every = s.updates >= 2000 ? 100 : 10;
    s.eval_every = s.updates >= 20000 ? 1000 : 200;
    s.save_every = s.eval_every;
    s.params = mp_arch_params(a);
    s.lr = s.params > 400e6 ? 3e-4 : 6e-4;
    double table = (double)a->vocab * (double)a->hidden;
    s.embed_params = a->tied_embeddings ? table : 2 * table;
    s.tied_share = table / (s.params - (a->tied_embeddings ? 0 : table));
    s.token_bytes = a->vocab <= 65536 ? 2 : 4;
    return s;
}

/* the largest share of the parameters the embedding table and head may hold */
#define MAX_EMBED_SHARE 0.4

int mp_flow_pretrain_size(double params, mp_dtype dtype, mp_arch *a, mp_error *err)
{
    static const int64_t vocabs[] = {32000, 16384, 8192};
    size_t n = sizeof vocabs / sizeof vocabs[0];
    for (size_t i = 0; i < n; i++) {
        /* a vocabulary too large for the size has no shape: try the next */
        int rc = mp_arch_for_size(params, vocabs[i], dtype, a, i + 1 == n ? err : NULL);
        if (rc && i + 1 == n)
            return rc;
        if (rc)
            continue;
        double table = 2.0 * (double)a->vocab * (double)a->hidden;
        if (table <= MAX_EMBED_SHARE * mp_arch_params(a) || i + 1 == n)
            return 0;
        mp_arch_release(a);
    }
    return 0;
}

static const char *fmt(mp_plan *p, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(mp_plan *p, const char *f, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return mp_arena_strdup(p->arena, buf);
}

/* A run's length, typed in seconds ("3.2 days", "5.1 h", "40 min"). */
static const char *duration(mp_plan *p, double s)
{
    return s >= 48 * 3600 ? mp_doc_fig(p, s, "s", "%.1f days", s / 86400)
           : s >= 3600    ? mp_doc_fig(p, s, "s", "%.1f h", s / 3600)
                          : mp_doc_fig(p, s, "s", "%.0f min", s / 60);
}

/* Token files' bytes in decimal GB ("1.2 GB"). */
static const char *token_gb(mp_plan *p, double bytes)
{
    return mp_doc_fig(p, bytes, "bytes", "%.1f GB", bytes / 1e9);
}

/* A count of `unit` ("parameters", "tokens") in millions or billions ("12.3M"). */
static const char *millions(mp_plan *p, double n, const char *unit)
{
    return n >= 1e9 ? mp_doc_fig(p, n, unit, "%.2fB", n / 1e9)
                    : mp_doc_fig(p, n, unit, "%.1fM", n / 1e6);
}

void mp_flow_pretrain_architecture(mp_plan *p, mp_block *b, const mp_flow_pretrain *f)
{
    const mp_arch *a = f->arch;
    pre_settings s = settings_of(f);
    mp_doc_add(p, b, "Model (model.py): decoder-only transformer, %lld blocks of (RMSNorm -> "
               "causal self-attention with RoPE, %lld heads of %lld -> RMSNorm -> SwiGLU MLP of "
               "%lld), token embedding and %s output head over a %s-token vocabulary; %s "
               "parameters (the parameter names of mlx_lm's llama model, so a checkpoint "
               "exports to an mlx_lm folder as is).",
               (long long)a->n_layers, (long long)a->n_heads, (long long)a->head_dim,
               (long long)a->intermediate, a->tied_embeddings ? "tied" : "untied",
               mp_doc_int(p, a->vocab, "tokens"), millions(p, s.params, "parameters"));
    mp_doc_add(p, b, "Parameter split: %s (%.0f%%) in the embedding table%s, %s (%.0f%%) in "
               "the blocks.%s",
               millions(p, s.embed_params, "parameters"), 100 * s.embed_params / s.params,
               a->tied_embeddings ? "" : " and the output head",
               millions(p, s.params - s.embed_params, "parameters"),
               100 * (1 - s.embed_params / s.params),
               s.embed_params > MAX_EMBED_SHARE * s.params && !a->tied_embeddings
                   ? fmt(p, " At this size the vocabulary holds much of the model: tying the "
                            "head to the table (tie_embeddings = True in config.py) gives the "
                            "blocks %.0f%% of the parameters, or train a smaller tokenizer.",
                         100 * (1 - s.tied_share))
                   : "");
    mp_doc_add(p, b, "Data (data.py, prepare_data.py): the corpus is tokenized once, offline, "
               "into data/train.bin and data/valid.bin (%s, %d bytes a token: %s for the "
               "run's %s tokens), read through np.memmap in random windows of %s + 1 tokens; "
               "no Python work per token in the loop.",
               s.token_bytes == 2 ? "uint16" : "uint32", s.token_bytes,
               token_gb(p, f->tokens * s.token_bytes), millions(p, f->tokens, "tokens"),
               mp_doc_int(p, f->req->seq_len, "tokens"));
    mp_doc_add(p, b, "Training (train.py): AdamW (weight decay 0.1), linear warm-up over %s "
               "updates then cosine decay to a tenth of %.1e, both sized from the updates "
               "actually run; optim.clip_grad_norm at 1.0; %d micro-batch%s of %d x %s tokens "
               "per update; the update compiled with mx.compile over the model, optimizer and "
               "random state; one mx.eval per update, host reads only at log lines; %s "
               "weights%s.",
               mp_doc_int(p, s.warmup, "updates"), s.lr, f->req->grad_accum,
               f->req->grad_accum == 1 ? "" : "es", f->req->batch,
               mp_doc_int(p, f->req->seq_len, "tokens"), mp_dtype_name(f->req->train_dtype),
               f->req->grad_checkpoint ? ", each block recomputed in the backward pass "
                                         "(nn.utils.checkpoint, which passes the block's "
                                         "weights to mx.checkpoint)"
                                       : "");
    mp_doc_add(p, b, "Checkpoints: every %s updates a folder checkpoints/update-N with "
               "model.safetensors, optimizer.safetensors (tree_flatten(optimizer.state)) and "
               "state.json (update count, data generator state), written under a .tmp name and "
               "renamed; checkpoints/latest names the newest; `python train.py --resume` "
               "continues the same run.", mp_doc_int(p, s.save_every, "updates"));
}

const char *mp_flow_pretrain_pip(void)
{
    return "pip install numpy tokenizers pytest  # token files, the BPE step, the tests\n";
}

void mp_flow_pretrain_steps(mp_plan *p, mp_block *steps, const mp_flow_pretrain *f)
{
    pre_settings s = settings_of(f);
    double tok_update = (double)f->req->batch * f->req->grad_accum * (double)f->req->seq_len;
    mp_doc_add(p, steps, "**Write the project.** The files of Code patterns, as they are "
               "(config.py holds every number this plan sized).");
    mp_doc_add(p, steps, "**Run the tests.** `python -m pytest tests -q` (or `python "
               "tests/test_model.py` without pytest): the tiny configuration of config.tiny() "
               "runs every test in seconds on any Mac.");
    mp_doc_add(p, steps, "**Tokenize the corpus.** `python prepare_data.py corpus/*.txt` "
               "trains a byte-level BPE of %s entries and writes data/train.bin and "
               "data/valid.bin; the full run reads %s tokens (%s of token files).",
               mp_doc_int(p, f->arch->vocab, "tokens"), millions(p, f->tokens, "tokens"),
               token_gb(p, f->tokens * s.token_bytes));
    mp_doc_add(p, steps, "**First run.** `python train.py --updates 200`: the first line's "
               "loss is about ln(%lld) = %.2f and must fall; from the second speed line on "
               "(the first includes compilation) tok/s should be near the target.",
               (long long)f->arch->vocab, log((double)f->arch->vocab));
    mp_doc_add(p, steps, "**Train.** `python train.py`: %s updates of %s tokens, about %s "
               "estimated; after an interruption `python train.py --resume`.",
               mp_doc_int(p, s.updates, "updates"), mp_doc_fig(p, tok_update, "tokens", "%.0f", tok_update),
               duration(p, f->res->total_s));
    mp_doc_add(p, steps, "**Generate and export.** `python generate.py \"Once upon a time\"`, "
               "then `python export.py --out my-model` for mlx_lm.");
    mp_doc_code(p, MP_SEC_STEPS, "sh", NULL,
                "python -m pytest tests -q\n"
                "python prepare_data.py corpus/*.txt\n"
                "python train.py --updates 200\n"
                "python train.py 2>&1 | tee train.log\n"
                "python generate.py \"Once upon a time\" --max-tokens 200\n");
}

int mp_flow_pretrain_code(mp_plan *p, const mp_flow_pretrain *f, mp_error *err)
{
    const mp_arch *a = f->arch;
    const mp_train_req *r = f->req;
    pre_settings s = settings_of(f);
    const mp_tpl_var vars[] = {
        {"SIZED_FOR", fmt(p, "%s, %s training tokens in about %s (budget %.0f h).",
                          f->machine_label, mp_doc_plain(p, millions(p, f->tokens, "tokens")),
                          mp_doc_plain(p, duration(p, f->res->total_s)),
                          f->budget_h)},
        {"VOCAB", fmt(p, "%lld", (long long)a->vocab)},
        {"LAYERS", fmt(p, "%lld", (long long)a->n_layers)},
        {"DIM", fmt(p, "%lld", (long long)a->hidden)},
        {"HEADS", fmt(p, "%lld", (long long)a->n_heads)},
        {"KV_HEADS", fmt(p, "%lld", (long long)a->n_kv_heads)},
        {"MLP", fmt(p, "%lld", (long long)a->intermediate)},
        {"CONTEXT", fmt(p, "%lld", (long long)r->seq_len)},
        {"TIE", a->tied_embeddings ? "True" : "False"},
        {"BATCH", fmt(p, "%d", r->batch)},
        {"ACCUM", fmt(p, "%d", r->grad_accum)},
        {"UPDATES", fmt(p, "%lld", s.updates)},
        {"WARMUP", fmt(p, "%lld", s.warmup)},
        {"LR", fmt(p, "%.1e", s.lr)},
        {"DTYPE", mp_dtype_name(r->train_dtype)},
        {"CKPT", r->grad_checkpoint ? "True" : "False"},
        {"LOG_EVERY", fmt(p, "%lld", s.log_every)},
        {"EVAL_EVERY", fmt(p, "%lld", s.eval_every)},
        {"SAVE_EVERY", fmt(p, "%lld", s.save_every)},
        {"PARAMS", fmt(p, "%.0f", s.params)},
        {"EMBED_PARAMS", fmt(p, "%.0f", s.embed_params)},
    };
    return mp_tpl_write(p, "pretrain", vars, sizeof vars / sizeof vars[0], err);
}

void mp_flow_pretrain_testing(mp_plan *p, mp_block *b, const mp_flow_pretrain *f)
{
    pre_settings s = settings_of(f);
    mp_doc_add(p, b, "tests/test_model.py: output shapes; the causal mask (changing token t+1 "
               "leaves the logits up to t unchanged); the loss at initialisation near "
               "ln(vocab); the KV cache gives the logits of a full forward pass; checkpointed "
               "gradients equal plain ones and none is zero; the 8-bit nn.quantize model "
               "runs; config.py builds the %s parameters this plan sized.",
               mp_doc_fig(p, s.params, "parameters", "%.0f", s.params));
    mp_doc_add(p, b, "tests/test_train.py: the schedule of a 1-, 2- or 3-update run (a "
               "cosine_decay of 0 steps raises); one batch overfitted in 100 updates; the loss "
               "falling over 50 updates; equal losses under mx.random.seed; two half "
               "micro-batches giving the whole batch's gradient; a run stopped at update 40 "
               "and resumed ending with the weights of an uninterrupted one.");
    mp_doc_add(p, b, "tests/test_generate.py: cached greedy generation equals decoding "
               "without a cache; top-p keeps ids in the vocabulary; a prompt past the context "
               "is refused; the exported folder loads with mlx_lm.utils.load_model and gives "
               "the same logits.");
    mp_doc_add(p, b, "In the full run, read the validation loss every %s updates: when it "
               "rises while the training loss falls, the model overfits (stop at the best "
               "checkpoint or add data).", mp_doc_int(p, s.eval_every, "updates"));
    if (f->res->total_s > 3600 && f->mach->chip.tier == MP_APPLE_TIER_BASE &&
        f->mach->chip.vendor == MP_VENDOR_APPLE)
        mp_doc_add(p, b, "A fanless Mac (MacBook Air) throttles within the first hour of "
                   "sustained GPU load, so the estimate of %s holds only with a fan: "
                   "compare the tok/s lines after 30 minutes with the first ones and re-size "
                   "TrainConfig.updates from the lower figure.", duration(p, f->res->total_s));
}

void mp_flow_pretrain_deployment(mp_plan *p, mp_block *b, const mp_flow_pretrain *f)
{
    (void)f;
    mp_doc_add(p, b, "Generation: generate.py keeps a KV cache of the context, samples with "
               "temperature and top-p, and queues each next token with mx.async_eval before "
               "reading the current one; `--quantize 4` applies nn.quantize (group size 64) "
               "for faster decoding.");
    mp_doc_add(p, b, "mlx_lm: `python export.py --out my-model` writes config.json (model_type "
               "llama), model.safetensors and the tokenizer; then `mlx_lm.generate --model "
               "my-model --prompt \"Once upon a time\"`, `mlx_lm.convert --hf-path my-model -q` "
               "for a 4-bit copy, or mlx_lm.server to serve it.");
    mp_doc_add(p, b, "Keep checkpoints/ with config.py, the tokenizer (data/tokenizer.json) "
               "and the token files' hashes: together they are the model.");
}
