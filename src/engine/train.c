/* train.c - fine-tuning and training estimates; see train.h. */
#include "engine/train.h"
#include "engine/speed.h"
#include "kb/param.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/bands.h"
#include "engine/mcal.h"
#include "util/text.h"

/* Training-memory constants fitted on the measured peaks of
 * data/calibration/mlx-train-memory.tsv (real MLX, mlx_lm's compiled train
 * step; the 125M rows held out).  Each is a count of tensors, not a fudge on
 * the total:
 *  - TRAIN_EXTRA_MLP_WIDTHS: MLP-wide tensors per token the step keeps
 *    besides gate, up, activation and product (the activation's sigmoid and
 *    the compiled graph's copies);
 *  - TRAIN_BACKWARD_PROB_COPIES: attention-probability-sized tensors live at
 *    once while one layer's attention is differentiated (the gradient of the
 *    probabilities, the softmax product, the masked gradient);
 *  - TRAIN_GRADS_AT_PEAK: share of the gradients that exist at the peak: the
 *    backward pass frees a block's activations as it produces its
 *    gradients. */
#define TRAIN_EXTRA_MLP_WIDTHS 2.0
#define TRAIN_BACKWARD_PROB_COPIES 3.0
#define TRAIN_GRADS_AT_PEAK 0.5

static const char *const task_names[] = {"inference", "lora", "dora", "qlora", "full", "pretrain"};

const char *mp_task_name(mp_task t)
{
    return t <= MP_TASK_PRETRAIN ? task_names[t] : "?";
}

int mp_task_parse(const char *s, mp_task *out, mp_error *err)
{
    if (s && mp_ieq(s, "infer")) {
        *out = MP_TASK_INFER;
        return 0;
    }
    for (int i = 0; s && i <= MP_TASK_PRETRAIN; i++)
        if (mp_ieq(s, task_names[i])) {
            *out = (mp_task)i;
            return 0;
        }
    return mp_error_set(err, MP_EINVAL,
                        "unknown %s '%.40s'; use inference, lora, dora, qlora, full or "
                        "pretrain",
                        mp_pname(MP_P_TASK), s ? s : "");
}

static const char *const optim_names[] = {"adam", "adamw", "muon", "sgd", "adafactor"};

const char *mp_optim_name(mp_optim o)
{
    return o <= MP_OPT_ADAFACTOR ? optim_names[o] : "?";
}

int mp_optim_parse(const char *s, mp_optim *out, mp_error *err)
{
    for (int i = 0; s && i <= MP_OPT_ADAFACTOR; i++)
        if (mp_ieq(s, optim_names[i])) {
            *out = (mp_optim)i;
            return 0;
        }
    return mp_error_set(err, MP_EINVAL,
                        "unknown %s '%.40s'; mlx_lm.lora takes adam, adamw, muon, sgd "
                        "or adafactor",
                        mp_pname(MP_P_OPTIMIZER), s ? s : "");
}

static void note(mp_train_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(mp_train_result *r, const char *fmt, ...)
{
    if (r->n_notes >= (int)(sizeof r->notes / sizeof r->notes[0]))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->notes[r->n_notes++], sizeof r->notes[0], fmt, ap);
    va_end(ap);
}

bool mp_train_fused_attention(const mp_chip *chip, const mp_arch *a, double act_bytes)
{
    /* mlx/backend/cuda/scaled_dot_product_attention.cpp: supports_sdpa_cudnn
     * (16-bit, head_dim a multiple of 8 up to 128); Metal's use_fallback
     * returns true whenever is_training, the CPU has no fused kernel */
    return chip->vendor == MP_VENDOR_NVIDIA && act_bytes == 2 && a->head_dim % 8 == 0 &&
           a->head_dim <= 128;
}

static bool adaptable(const mp_tensor *t)
{
    return t->kind == MP_TK_LINEAR || t->kind == MP_TK_SWITCH || t->kind == MP_TK_EMBED;
}

/* Optimizer state elements for a parameter of shape (n, out, in). */
static double state_elems(mp_optim o, double n, double out, double in)
{
    switch (o) {
    case MP_OPT_ADAM:
    case MP_OPT_ADAMW: return 2 * n * out * in;
    case MP_OPT_SGD:
    case MP_OPT_MUON: return n * out * in;
    case MP_OPT_ADAFACTOR: return in > 1 ? n * (out + in) : n * out;
    }
    return 0;
}

int mp_arch_for_size(double params, int64_t vocab, mp_dtype dtype, mp_arch *a, mp_error *err)
{
    const mp_param *range = &mp_param_table[MP_P_PARAMS]; /* the bounds, once */
    if (!(params >= range->lo && params <= range->hi)) {
        char lo[32], hi[32];
        mp_count_text(range->lo, lo, sizeof lo);
        mp_count_text(range->hi, hi, sizeof hi);
        return mp_error_set(err, MP_EINVAL, "%s must be between %s and %s, got %.3g",
                            mp_pname(MP_P_PARAMS), lo, hi, params);
    }
    /* search hidden sizes; layers from the target; pick the closest */
    double best = INFINITY;
    int64_t bh = 0, bl = 0, bi = 0;
    for (int64_t h = 256; h <= 32768; h += 128) {
        int64_t inter = (int64_t)ceil(8.0 * h / 3.0 / 256.0) * 256;
        double per_layer = 4.0 * h * h + 3.0 * h * inter + 2.0 * h;
        double l = (params - 2.0 * vocab * h) / per_layer;
        if (l < 2)
            continue;
        int64_t li = (int64_t)llround(l);
        double ratio = (double)h / li;
        if (ratio < 32 || ratio > 160)
            continue;
        double got = li * per_layer + 2.0 * vocab * h + h;
        double d = fabs(got / params - 1) + fabs(log(ratio / 80.0)) * 0.02;
        if (d < best) {
            best = d;
            bh = h;
            bl = li;
            bi = inter;
        }
    }
    if (!bh)
        return mp_error_set(err, MP_EINVAL, "no decoder shape has about %.3g parameters with a "
                            "vocabulary of %lld", params, (long long)vocab);
    char json[512];
    snprintf(json, sizeof json,
             "{\"model_type\":\"llama\",\"hidden_size\":%lld,\"intermediate_size\":%lld,"
             "\"num_hidden_layers\":%lld,\"num_attention_heads\":%lld,\"num_key_value_heads\":%lld,"
             "\"head_dim\":64,\"vocab_size\":%lld,\"tie_word_embeddings\":false,"
             "\"max_position_embeddings\":4096,\"torch_dtype\":\"%s\"}",
             (long long)bh, (long long)bi, (long long)bl, (long long)(bh / 64),
             (long long)(bh / 64), (long long)vocab, mp_dtype_name(dtype));
    char id[64];
    if (params >= 1e9)
        snprintf(id, sizeof id, "decoder-%.3gB", params / 1e9);
    else
        snprintf(id, sizeof id, "decoder-%.3gM", params / 1e6);
    return mp_arch_from_json(json, strlen(json), id, a, err);
}

int mp_train(const mp_train_req *req, mp_train_result *res, mp_error *err)
{
    memset(res, 0, sizeof *res);
    const mp_arch *a = req->arch;
    const mp_machine *m = req->mach;
    res->task = req->task;
    if (req->task == MP_TASK_INFER)
        return mp_error_set(err, MP_EINVAL, "mp_train needs a training task");
    if (req->batch < 1)
        return mp_error_set(err, MP_EINVAL, "%s must be at least 1, got %d",
                            mp_pname(MP_P_BATCH), req->batch);
    if (req->seq_len < 1)
        return mp_error_set(err, MP_EINVAL, "%s must be at least 1, got %lld",
                            mp_pname(MP_P_SEQ), (long long)req->seq_len);
    if (req->grad_accum < 0)
        return mp_error_set(err, MP_EINVAL, "%s must be at least 1, got %d",
                            mp_pname(MP_P_GRAD_ACCUM), req->grad_accum);
    int accum = req->grad_accum ? req->grad_accum : 1;
    bool lora = req->task == MP_TASK_LORA || req->task == MP_TASK_DORA ||
                req->task == MP_TASK_QLORA;
    if (lora && req->rank < 1)
        return mp_error_set(err, MP_EINVAL, "%s must be at least 1, got %d",
                            mp_pname(MP_P_RANK), req->rank);
    int L = (int)a->n_layers;
    int nl = req->task == MP_TASK_PRETRAIN ? L : req->num_layers;
    if (nl == -1)
        nl = L;
    if (nl < 1 || nl > L)
        return mp_error_set(err, MP_EINVAL,
                            "%s must be -1 (all) or between 1 and the model's %d "
                            "layers, got %d",
                            mp_pname(MP_P_NUM_LAYERS), L, req->num_layers);
    res->layers_trained = nl;
    int first = L - nl; /* first block that gets gradients */
    mp_quant bq = req->base_quant;
    bool base_quantized = bq.mode != MP_Q_FLOAT;
    if (req->task == MP_TASK_QLORA && !base_quantized)
        return mp_error_set(err, MP_EINVAL, "qlora needs a quantized base: %s",
                            mp_say(MP_SAY_PASS_QUANT));
    if ((req->task == MP_TASK_FULL || req->task == MP_TASK_PRETRAIN) && base_quantized)
        return mp_error_set(err, MP_EUNSUPPORTED,
                            "%s trains the weights themselves: quantized weights are frozen in "
                            "MLX (QuantizedLinear calls freeze()); use bf16/fp16/fp32",
                            mp_task_name(req->task));
    if (req->task == MP_TASK_DORA && a->n_experts > 0)
        for (size_t i = 0; i < a->n_tensors; i++)
            if (a->tensors[i].kind == MP_TK_SWITCH && a->tensors[i].layer >= first)
                return mp_error_set(err, MP_EUNSUPPORTED,
                                    "DoRA cannot adapt expert layers: mlx-lm raises ValueError "
                                    "('SwitchLinear doesn't support DoRA yet'); use lora");

    double ab = bq.mode == MP_Q_FLOAT ? mp_dtype_bytes(bq.dtype) : mp_dtype_bytes(a->dtype);
    double tb = req->task == MP_TASK_PRETRAIN ? mp_dtype_bytes(req->train_dtype)
                                              : mp_dtype_bytes(a->dtype);

    /* ---- parameters: frozen and trainable ---- */
    double frozen = 0, trainable = 0, state = 0, adapt_elems = 0;
    for (size_t i = 0; i < a->n_tensors; i++) {
        const mp_tensor *t = &a->tensors[i];
        bool in_block = t->layer >= first && t->layer >= 0;
        double e = (double)t->n * (double)t->out * (double)t->in;
        if (req->task == MP_TASK_PRETRAIN || (req->task == MP_TASK_FULL && in_block)) {
            trainable += e;
            state += state_elems(req->optim, (double)t->n, (double)t->out, (double)t->in);
            continue;
        }
        frozen += mp_arch_tensor_bytes(a, t, &bq);
        if (lora && in_block && adaptable(t)) {
            /* lora_a (in x r) and lora_b (r x out), per expert for SwitchLinear */
            double ad = (double)t->n * (double)req->rank * (double)(t->in + t->out);
            adapt_elems += ad;
            state += state_elems(req->optim, (double)t->n, (double)req->rank, (double)t->in) +
                     state_elems(req->optim, (double)t->n, (double)t->out, (double)req->rank);
            if (req->task == MP_TASK_DORA) {
                adapt_elems += (double)t->out; /* magnitude m */
                state += state_elems(req->optim, 1, (double)t->out, 1);
            }
        }
    }
    if (req->task == MP_TASK_PRETRAIN) {
        res->trainable_params = trainable;
        res->trainable.bytes = trainable * tb;
        res->grads.bytes = TRAIN_GRADS_AT_PEAK * trainable * tb;
        res->optimizer.bytes = state * tb;
        res->frozen.bytes = 0;
    } else if (req->task == MP_TASK_FULL) {
        res->trainable_params = trainable;
        res->trainable.bytes = trainable * tb;
        res->grads.bytes = TRAIN_GRADS_AT_PEAK * trainable * tb;
        res->optimizer.bytes = state * tb;
        res->frozen.bytes = frozen;
    } else {
        res->trainable_params = adapt_elems;
        res->trainable.bytes = adapt_elems * 4.0; /* adapters are float32 */
        res->grads.bytes = TRAIN_GRADS_AT_PEAK * adapt_elems * 4.0;
        res->optimizer.bytes = state * 4.0;
        res->frozen.bytes = frozen;
    }
    char ql[64];
    mp_quant_label(&bq, ql, sizeof ql);
    if (req->task == MP_TASK_PRETRAIN)
        snprintf(res->frozen.basis, MP_BASIS_LEN, "nothing is frozen when training from scratch");
    else if (req->task == MP_TASK_FULL)
        snprintf(res->frozen.basis, MP_BASIS_LEN, "the %d blocks before the trained ones, "
                 "embeddings and head, stored %s", first, ql);
    else
        snprintf(res->frozen.basis, MP_BASIS_LEN, "every base weight, stored %s", ql);
    if (lora)
        snprintf(res->trainable.basis, MP_BASIS_LEN,
                 "rank-%d adapters (lora_a, lora_b%s) on every linear layer of the last %d "
                 "blocks: %.3gM parameters x 4 B (float32)",
                 req->rank, req->task == MP_TASK_DORA ? ", magnitude" : "", nl,
                 adapt_elems / 1e6);
    else
        snprintf(res->trainable.basis, MP_BASIS_LEN, "%s: %.3gB parameters x %.0f B (%s)",
                 req->task == MP_TASK_PRETRAIN ? "every parameter" : "every parameter of the "
                                                                     "trained blocks",
                 trainable / 1e9, tb, req->task == MP_TASK_PRETRAIN ? mp_dtype_name(req->train_dtype)
                                                                   : mp_dtype_name(a->dtype));
    snprintf(res->grads.basis, MP_BASIS_LEN,
             "one gradient per trainable parameter, same dtype; %.0f%% of them exist at the "
             "peak (the backward pass frees activations as it makes gradients; measured)",
             100.0 * TRAIN_GRADS_AT_PEAK);
    snprintf(res->optimizer.basis, MP_BASIS_LEN,
             "%s: %s per trainable parameter, in the parameter's dtype",
             mp_optim_name(req->optim),
             req->optim <= MP_OPT_ADAMW ? "two moments (m, v)"
             : req->optim == MP_OPT_ADAFACTOR ? "factored row and column moments"
                                               : "one buffer");

    /* ---- activations and logits ---- */
    double toks = (double)req->batch * (double)req->seq_len;
    double kvdim = (double)a->n_kv_heads * (double)a->head_dim;
    double width = (double)a->intermediate;
    if (a->n_experts)
        width = fmax(a->n_moe_layers < a->n_layers ? width : 0,
                     (double)a->experts_per_tok * (double)a->moe_intermediate);
    /* saved per token per block: the block input, the two norm outputs, q,
     * k, v, the attention output, and the MLP's gate, up, activation and
     * product, plus what the compiled step keeps besides (fitted) */
    double per_tok_block =
        ab * (6.0 * a->hidden + 2.0 * kvdim + (4.0 + TRAIN_EXTRA_MLP_WIDTHS) * width);
    /* attention probabilities: batch x heads x seq^2 in the activation dtype
     * per attention layer (linear-attention layers have none) */
    int attn_trained = 0;
    for (int l = first; l < L; l++)
        attn_trained += a->layers[l].attn != MP_ATTN_LINEAR;
    double probs_layer = (double)req->batch * (double)a->n_heads * (double)req->seq_len *
                         (double)req->seq_len * ab;
    bool fused = mp_train_fused_attention(&m->chip, a, ab);
    /* float32 copies of each adapted layer's input when a 16-bit base meets
     * float32 adapters (x @ lora_a promotes x) */
    double cast = 0;
    if (lora && ab < 4) {
        for (size_t i = 0; i < a->n_tensors; i++) {
            const mp_tensor *t = &a->tensors[i];
            if (t->layer >= first && t->kind == MP_TK_LINEAR && adaptable(t))
                cast += toks * (double)t->in * 4.0;
        }
    }
    double keep_probs = fused || req->grad_checkpoint ? 0 : attn_trained * probs_layer;
    double transient = (attn_trained ? TRAIN_BACKWARD_PROB_COPIES : 0) * probs_layer;
    const char *probs_how =
        fused ? "MLX's CUDA backend runs the fused (cuDNN) attention, so only one layer's "
                "attention probabilities are live at a time"
              : "while tracing gradients MLX runs the unfused attention (mx.fast."
                "scaled_dot_product_attention falls back), so every layer keeps its attention "
                "probabilities";
    if (req->grad_checkpoint) {
        res->activations.bytes = toks * nl * ab * a->hidden + toks * per_tok_block + transient +
                                 cast / nl;
        snprintf(res->activations.basis, MP_BASIS_LEN,
                 "--grad-checkpoint: each of %d blocks keeps its input (%lld tokens x hidden "
                 "%lld x %.0f B), one block is recomputed at a time with its attention "
                 "probabilities (batch x heads x seq^2)",
                 nl, (long long)toks, (long long)a->hidden, ab);
    } else {
        res->activations.bytes = toks * nl * per_tok_block + keep_probs + transient + cast;
        snprintf(res->activations.basis, MP_BASIS_LEN,
                 "%d blocks x %lld tokens x (6 x hidden + 2 x KV width + %.0f x MLP width) x "
                 "%.0f B kept for the backward pass, plus %s (batch x heads x seq^2 x %.0f B)%s",
                 nl, (long long)toks, 4.0 + TRAIN_EXTRA_MLP_WIDTHS, ab, probs_how, ab,
                 cast > 0 ? ", plus float32 copies of the adapted layers' inputs" : "");
    }
    res->logits.bytes = toks * (double)a->vocab * (2.0 * ab + 4.0);
    snprintf(res->logits.basis, MP_BASIS_LEN,
             "%lld tokens x vocab %lld x (%.0f B logits + 4 B float32 softmax + %.0f B gradient)",
             (long long)toks, (long long)a->vocab, ab, ab);
    res->total_bytes = res->frozen.bytes + res->trainable.bytes + res->grads.bytes +
                       res->optimizer.bytes + res->activations.bytes + res->logits.bytes;

    mp_bands b;
    mp_bands_for(&m->chip, a->n_moe_layers > 0, &b);
    res->band_mem_pct = fmax(b.memory_pct, 25); /* no measured training peaks with full settings */
    mp_memory_judgement mj;
    mp_memory_verdict(m, res->total_bytes, res->band_mem_pct, &mj, res->verdict_text);
    res->verdict = mj.verdict;
    res->verdict_point = mj.point;
    res->budget_bytes = mj.budget_bytes;
    res->warn_bytes = mj.warn_bytes;
    res->max_bytes = mj.max_bytes;

    /* ---- speed ---- */
    double mat_all = 0, mat_blocks = 0, head = 0;
    for (size_t i = 0; i < a->n_tensors; i++) {
        const mp_tensor *t = &a->tensors[i];
        if (t->kind == MP_TK_NORM || t->kind == MP_TK_BIAS || t->kind == MP_TK_RAW ||
            t->kind == MP_TK_CONV)
            continue;
        double e = (double)t->n * (double)t->out * (double)t->in;
        if (t->n == a->n_experts && a->n_experts > 0 &&
            (t->role == MP_ROLE_EXPERT || t->role == MP_ROLE_EXPERT_DOWN))
            e *= (double)a->experts_per_tok / (double)a->n_experts;
        if (t->role == MP_ROLE_HEAD || (t->role == MP_ROLE_EMBED && a->tied_embeddings)) {
            head += e;
            continue;
        }
        if (t->role == MP_ROLE_EMBED)
            continue;
        mat_all += e;
        if (t->layer >= first)
            mat_blocks += e;
    }
    double attn = mp_forward_flops(a, req->seq_len, 0) - 2.0 * mat_all * req->seq_len - 2.0 * head;
    double attn_blocks = attn * nl / (double)L;
    double fwd = 2.0 * (mat_all + head) * toks + attn * req->batch;
    double bwd = 2.0 * head * toks;                            /* gradient into the blocks */
    bwd += 2.0 * mat_blocks * toks + 2.0 * attn_blocks * req->batch; /* input gradients */
    if (req->task == MP_TASK_FULL || req->task == MP_TASK_PRETRAIN)
        bwd += 2.0 * mat_blocks * toks + (req->task == MP_TASK_PRETRAIN ? 2.0 * head * toks : 0);
    else
        bwd += 4.0 * adapt_elems * toks;                       /* adapter gradients */
    double recompute = req->grad_checkpoint ? 2.0 * mat_blocks * toks + attn_blocks * req->batch : 0;
    double flops = fwd + bwd + recompute;
    char rb[200];
    double peak = mp_speed_peak_flops(&m->chip, rb, sizeof rb);
    const mp_speed_consts *k = mp_speed_fitted();
    double bw = m->chip.bandwidth_gbs * 1e9;
    double opt_bytes = res->trainable.bytes * 4 + res->optimizer.bytes * 2; /* weights, grads */
    res->step_x[MP_TR_MM] = flops / peak;
    res->step_x[MP_TR_LAYER] = (double)L * mp_speed_layer_s(&m->chip);
    res->step_fixed_s = opt_bytes / bw / accum;
    res->micro_tokens = toks;
    double t_micro = mp_speed_train_s(NULL, res->step_x, res->step_fixed_s);
    res->it_s = 1.0 / t_micro;
    res->step_s = accum * t_micro;
    res->tok_s = toks * res->it_s;
    snprintf(res->speed_basis, MP_BASIS_LEN,
             "%.2f TFLOP per micro-batch of %lld tokens (forward, backward%s) over %.1f TFLOPS "
             "(%s x %.0f%% training efficiency, fitted) + %d layers x %.1f us (%.1f x the "
             "fitted decode cost per layer) + optimizer update",
             flops / 1e12, (long long)toks, req->grad_checkpoint ? ", recompute" : "",
             peak / k->t[MP_TR_MM] / 1e12, rb, 100.0 / k->t[MP_TR_MM], L,
             k->t[MP_TR_LAYER] * mp_speed_layer_s(&m->chip) * 1e6, k->t[MP_TR_LAYER]);
    int64_t iters = req->iters;
    if (iters <= 0 && req->dataset_tokens > 0)
        iters = (int64_t)ceil(req->dataset_tokens / toks);
    if (iters <= 0)
        iters = 1000;
    res->iters = iters;
    res->total_s = (double)iters / res->it_s;
    if (req->iters > 0)
        snprintf(res->total_basis, MP_BASIS_LEN, "%lld iterations (--iters) / %.3g it/s",
                 (long long)iters, res->it_s);
    else if (req->dataset_tokens > 0)
        snprintf(res->total_basis, MP_BASIS_LEN,
                 "%.3g dataset tokens / %lld tokens per iteration = %lld iterations, one pass",
                 req->dataset_tokens, (long long)toks, (long long)iters);
    else
        snprintf(res->total_basis, MP_BASIS_LEN, "%lld iterations (mlx_lm.lora --iters default)",
                 (long long)iters);
    if (req->task == MP_TASK_PRETRAIN) {
        res->chinchilla_tokens = 20.0 * mp_arch_params(a);
        res->chinchilla_s = res->chinchilla_tokens / res->tok_s;
    }

    /* few measured fine-tuning runs: never quote less than +/-50 % */
    res->band_speed_pct = mp_band_pct("lora-tok", 50, 50, NULL);
    res->band_thin = true;
    if (req->task == MP_TASK_QLORA || (lora && base_quantized))
        note(res, "QLoRA: the base stays %s and frozen; adapters train in float32", ql);
    if (req->seq_len > 2048 && lora)
        note(res, "mlx_lm.lora truncates examples to --max-seq-length (2048 by default)");
    if (m->chip.vendor == MP_VENDOR_NVIDIA)
        note(res, "training speed on the CUDA backend rests on one measured run (mlx_lm.lora "
                  "on an A100, ml-explore/mlx-lm PR #330)");
    mp_mcal_train(m->calib, res);
    return 0;
}
