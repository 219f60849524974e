/* test_engine.c - the estimators: exact KV-cache and training memory terms on
 * small configs, verdict thresholds, error paths, and the fit searches never
 * proposing what the estimator rejects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/fit.h"
#include "engine/infer.h"
#include "engine/settings.h"
#include "engine/train.h"
#include "model/registry.h"

/* A tiny llama: 2 layers, hidden 128, 4 heads of 32, 2 KV heads, MLP 256. */
static const char tiny[] =
    "{\"model_type\":\"llama\",\"hidden_size\":128,\"intermediate_size\":256,"
    "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":2,"
    "\"vocab_size\":1000,\"tie_word_embeddings\":false,\"torch_dtype\":\"bfloat16\"}";

static void machine(const char *chip, int gb, mp_machine *m)
{
    mp_chip_match cm;
    assert_int_equal(mp_chip_resolve(chip, gb, &cm, NULL), 0);
    assert_int_equal(mp_machine_init(m, &cm.chip, gb, NULL), 0);
}

static void test_kv_bytes(void **state)
{
    (void)state;
    mp_arch a;
    assert_int_equal(mp_arch_from_json(tiny, strlen(tiny), "tiny", &a, NULL), 0);
    /* per token: 2 layers x (K+V) x 2 heads x 32 x 2 B = 512 B; 300 tokens
     * allocate 512 slots (256-token steps) */
    assert_true(mp_kv_bytes(&a, 300, 1, 0, 64, 0) == 512.0 * 512);
    assert_true(mp_kv_bytes(&a, 256, 1, 0, 64, 0) == 512.0 * 256);
    assert_true(mp_kv_bytes(&a, 300, 3, 0, 64, 0) == 3 * 512.0 * 512);
    /* 8-bit KV, group 32: 1 B + 4 B / 32 per value */
    assert_true(mp_kv_bytes(&a, 256, 1, 8, 32, 0) == 256.0 * 256 * (1.0 + 4.0 / 32));
    /* --max-kv-size caps a model without its own cache... llama builds its own,
     * so it has no effect here */
    assert_true(a.own_cache);
    assert_true(mp_kv_bytes(&a, 4096, 1, 0, 64, 1024) == 512.0 * 4096);
    mp_arch_release(&a);

    /* qwen3 has no make_cache: --max-kv-size rotates at 1024 tokens */
    assert_int_equal(mp_model_load("Qwen/Qwen3-0.6B", NULL, &a, NULL, NULL), 0);
    double per_tok = 28.0 * 2 * 8 * 128 * 2; /* layers x K,V x kv heads x head_dim x 2 B */
    assert_true(mp_kv_bytes(&a, 4096, 1, 0, 64, 1024) == per_tok * 1024);
    assert_true(mp_kv_bytes(&a, 4096, 1, 0, 64, 0) == per_tok * 4096);
    mp_arch_release(&a);

    /* gemma-3 sliding layers stop at their 1024-token window */
    assert_int_equal(mp_model_load("google/gemma-3-27b-it", NULL, &a, NULL, NULL), 0);
    int full = 0, slide = 0;
    for (int64_t i = 0; i < a.n_layers; i++) {
        full += a.layers[i].attn == MP_ATTN_FULL;
        slide += a.layers[i].attn == MP_ATTN_SLIDING;
    }
    assert_int_equal(full, 10); /* 62 layers, every 6th global */
    assert_int_equal(slide, 52);
    double kv_tok = 2.0 * 16 * 128 * 2;
    assert_true(mp_kv_bytes(&a, 8192, 1, 0, 64, 0) == kv_tok * (10.0 * 8192 + 52.0 * 1024));
    mp_arch_release(&a);

    /* DeepSeek V3 caches the latent: 512 + 64 values per token per layer */
    assert_int_equal(mp_model_load("deepseek-ai/DeepSeek-V3", NULL, &a, NULL, NULL), 0);
    assert_true(mp_kv_bytes(&a, 1024, 1, 0, 64, 0) == 61.0 * 576 * 2 * 1024);
    mp_arch_release(&a);
}

/* The verdict with the error band: tight when the band's upper end passes the
 * default GPU limit though the point estimate is under 90 % of it; the
 * sentence states the margin. */
static void test_verdict_band(void **state)
{
    (void)state;
    mp_machine m;
    machine("M3 Max 30c", 36, &m); /* 24 GiB default limit, 27 GiB raised */
    double lim = m.gpu_default_bytes;
    mp_memory_judgement j;
    char text[MP_BASIS_LEN];
    /* 12 GiB +/-45 %: 17.4 GiB at the upper end, under 24 */
    mp_memory_verdict(&m, 0.5 * lim, 45, &j, text);
    assert_int_equal(j.verdict, MP_FITS);
    assert_int_equal(j.point, MP_FITS);
    assert_non_null(strstr(text, "the 12.0 GiB to spare covers the +/-45% band (5.4 GiB)"));
    /* 19.2 GiB +/-45 %: 27.8 GiB at the upper end passes 24 by 3.8 */
    mp_memory_verdict(&m, 0.8 * lim, 45, &j, text);
    assert_int_equal(j.verdict, MP_TIGHT);
    assert_int_equal(j.point, MP_FITS);
    assert_non_null(strstr(text, "the 4.8 GiB to spare is less than the +/-45% band (8.6 GiB)"));
    assert_non_null(strstr(text, "27.8 GiB, it would pass the limit by 3.8 GiB"));
    /* the same total with a 10 % band fits */
    assert_int_equal(mp_verdict_banded(&m, 0.8 * lim, 10), MP_FITS);
    /* above the raised limit: does not fit, by how much */
    mp_memory_verdict(&m, m.gpu_max_bytes + 2 * MP_GIB, 45, &j, text);
    assert_int_equal(j.verdict, MP_NO_FIT);
    assert_non_null(strstr(text, "by 2.0 GiB"));
    /* between the default and the raised limit: tight with the sysctl */
    mp_memory_verdict(&m, lim + 1 * MP_GIB, 45, &j, text);
    assert_int_equal(j.verdict, MP_TIGHT);
    assert_non_null(strstr(text, "by 1.0 GiB; it fits after 'sudo sysctl iogpu.wired_limit_mb="));
}

static void test_infer(void **state)
{
    (void)state;
    mp_arch a;
    mp_machine m;
    assert_int_equal(mp_model_load("Qwen/Qwen3-8B", NULL, &a, NULL, NULL), 0);
    machine("M4 Pro 20c", 24, &m);
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, MP_DT_BF16};
    mp_infer_req r = {&a, &m, q4, 8192, 8192, 1, 0, 64, 0, 0, NULL};
    mp_infer_result res;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_infer(&r, &res, &e), 0);
    assert_int_equal(res.verdict, MP_FITS);
    assert_true(res.total_bytes == res.weights.bytes + res.kv.bytes + res.activations.bytes);
    assert_true(res.kv.bytes == mp_kv_bytes(&a, 8192, 1, 0, 64, 0));
    assert_true(res.decode_tok_s > 20 && res.decode_tok_s < 80);
    /* decode slows as the context grows */
    for (int i = 1; i < res.n_curve; i++)
        assert_true(res.curve[i].decode_tok_s < res.curve[i - 1].decode_tok_s);
    /* bf16 does not fit 24 GB with a long context; remedies are re-estimated */
    r.quant = mp_quant_float(MP_DT_BF16);
    r.context_tokens = r.prompt_tokens = 32768;
    assert_int_equal(mp_infer(&r, &res, NULL), 0);
    assert_int_equal(res.verdict, MP_NO_FIT);
    mp_remedy rem[MP_MAX_REMEDIES];
    int nr = mp_fit_remedies(&r, &res, rem, MP_MAX_REMEDIES);
    assert_true(nr >= 2);
    /* errors */
    r.context_tokens = 0;
    mp_error_clear(&e);
    assert_int_equal(mp_infer(&r, &res, &e), MP_EINVAL);
    r.context_tokens = 4096;
    r.batch = 0;
    assert_int_equal(mp_infer(&r, &res, NULL), MP_EINVAL);
    r.batch = 1;
    r.kv_bits = 7;
    assert_int_equal(mp_infer(&r, &res, NULL), MP_EINVAL);
    mp_arch_release(&a);
    /* gemma-3 has rotating caches: mlx-lm cannot quantize them */
    assert_int_equal(mp_model_load("google/gemma-3-4b-it", NULL, &a, NULL, NULL), 0);
    mp_infer_req g = {&a, &m, q4, 8192, 8192, 1, 8, 64, 0, 0, NULL};
    mp_error_clear(&e);
    assert_int_equal(mp_infer(&g, &res, &e), MP_EUNSUPPORTED);
    assert_non_null(strstr(e.msg, "NotImplementedError"));
    mp_arch_release(&a);
}

static void test_train_terms(void **state)
{
    (void)state;
    mp_arch a;
    mp_machine m;
    assert_int_equal(mp_arch_from_json(tiny, strlen(tiny), "tiny", &a, NULL), 0);
    machine("M3 Max 30c", 36, &m);
    mp_train_req r;
    memset(&r, 0, sizeof r);
    r.arch = &a;
    r.mach = &m;
    r.base_quant = mp_quant_float(MP_DT_BF16);
    r.task = MP_TASK_LORA;
    r.batch = 2;
    r.seq_len = 64;
    r.num_layers = 1;
    r.rank = 8;
    r.grad_accum = 1;
    r.optim = MP_OPT_ADAM;
    mp_train_result t;
    assert_int_equal(mp_train(&r, &t, NULL), 0);
    /* adapters on the last block's 7 linears: q (128->128), k, v (128->64),
     * o (128->128), gate, up (128->256), down (256->128):
     * r * (in + out) summed = 8 * (256 + 192 + 192 + 256 + 384 + 384 + 384) */
    double adapters = 8.0 * (256 + 192 + 192 + 256 + 384 + 384 + 384);
    assert_true(t.trainable_params == adapters);
    assert_true(t.trainable.bytes == adapters * 4);      /* float32 */
    assert_true(t.grads.bytes == 0.5 * adapters * 4); /* half exist at the peak */
    assert_true(t.optimizer.bytes == adapters * 4 * 2); /* Adam m, v */
    /* logits: 128 tokens x 1000 x (2 + 4 + 2) */
    assert_true(t.logits.bytes == 128.0 * 1000 * 8);
    /* activations: 1 block x 128 tokens x (6*128 + 2*64 + 6*256) x 2 B;
     * attention probabilities 2 x 4 heads x 64^2 x 2 B kept by the trained
     * layer (unfused attention while tracing gradients) + 3 such copies
     * while its backward runs; float32 copies of the adapted layers'
     * inputs: 128 tokens x 4 B x (q, k, v, o, gate, up: 128 each; down: 256) */
    double kept = 128.0 * (6 * 128 + 2 * 64 + 6 * 256) * 2;
    double probs = 2.0 * 4 * 64 * 64 * 2;
    double cast = 128.0 * 4 * (6 * 128 + 256);
    assert_true(t.activations.bytes == kept + probs + 3 * probs + cast);
    /* all trained layers keep their probabilities */
    r.num_layers = 2;
    assert_int_equal(mp_train(&r, &t, NULL), 0);
    assert_true(t.activations.bytes == 2 * kept + 2 * probs + 3 * probs + 2 * cast);
    /* --grad-checkpoint: block inputs, one block recomputed with its probabilities */
    r.grad_checkpoint = true;
    assert_int_equal(mp_train(&r, &t, NULL), 0);
    assert_true(t.activations.bytes == 2 * 128.0 * 128 * 2 + kept + 3 * probs + cast);
    r.grad_checkpoint = false;
    /* CUDA runs cuDNN attention for bf16: no layer keeps its probabilities */
    mp_machine h100;
    machine("H100 SXM5 80GB", 80, &h100);
    r.mach = &h100;
    assert_int_equal(mp_train(&r, &t, NULL), 0);
    assert_true(t.activations.bytes == 2 * kept + 3 * probs + 2 * cast);
    assert_true(mp_train_fused_attention(&h100.chip, &a, 2));
    assert_false(mp_train_fused_attention(&h100.chip, &a, 4));
    assert_false(mp_train_fused_attention(&m.chip, &a, 2));
    /* a float32 base needs no float32 copies */
    r.mach = &m;
    r.num_layers = 1;
    r.base_quant = mp_quant_float(MP_DT_F32);
    assert_int_equal(mp_train(&r, &t, NULL), 0);
    assert_true(t.activations.bytes == 2 * (kept + 4 * probs));
    r.base_quant = mp_quant_float(MP_DT_BF16);
    /* SGD keeps one buffer */
    r.optim = MP_OPT_SGD;
    assert_int_equal(mp_train(&r, &t, NULL), 0);
    assert_true(t.optimizer.bytes == adapters * 4);
    /* full fine-tune of the last block in bf16 with AdamW */
    r.task = MP_TASK_FULL;
    r.optim = MP_OPT_ADAMW;
    assert_int_equal(mp_train(&r, &t, NULL), 0);
    double block = 128.0 * 128 * 2 + 64.0 * 128 * 2 + 256.0 * 128 * 3 + 2 * 128;
    assert_true(t.trainable_params == block);
    assert_true(t.optimizer.bytes == block * 2 * 2);
    /* errors */
    mp_error e;
    r.task = MP_TASK_LORA;
    r.rank = 0;
    mp_error_clear(&e);
    assert_int_equal(mp_train(&r, &t, &e), MP_EINVAL);
    assert_string_equal(e.msg, "--rank must be at least 1, got 0");
    r.rank = 8;
    r.num_layers = 3;
    mp_error_clear(&e);
    assert_int_equal(mp_train(&r, &t, &e), MP_EINVAL);
    assert_string_equal(e.msg, "--num-layers must be -1 (all) or between 1 and the model's 2 "
                               "layers, got 3");
    r.num_layers = 1;
    r.batch = -1;
    assert_int_equal(mp_train(&r, &t, NULL), MP_EINVAL);
    r.batch = 2;
    r.task = MP_TASK_FULL;
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, MP_DT_BF16};
    r.base_quant = q4;
    assert_int_equal(mp_train(&r, &t, NULL), MP_EUNSUPPORTED);
    mp_optim o;
    mp_error_clear(&e);
    assert_int_equal(mp_optim_parse("lamb", &o, &e), MP_EINVAL);
    assert_string_equal(e.msg, "unknown --optimizer 'lamb'; mlx_lm.lora takes adam, adamw, muon, "
                               "sgd or adafactor");
    mp_arch_release(&a);
    /* DoRA refuses expert layers, as mlx-lm does */
    assert_int_equal(mp_model_load("Qwen/Qwen3-30B-A3B", NULL, &a, NULL, NULL), 0);
    memset(&r, 0, sizeof r);
    r.arch = &a;
    r.mach = &m;
    r.base_quant = mp_quant_float(MP_DT_BF16);
    r.task = MP_TASK_DORA;
    r.batch = 1;
    r.seq_len = 512;
    r.num_layers = 4;
    r.rank = 8;
    assert_int_equal(mp_train(&r, &t, NULL), MP_EUNSUPPORTED);
    mp_arch_release(&a);
}

static void test_fit_consistent(void **state)
{
    (void)state;
    mp_arch a;
    mp_machine m;
    assert_int_equal(mp_model_load("meta-llama/Llama-3.1-8B-Instruct", NULL, &a, NULL, NULL), 0);
    machine("M3 Max 30c", 36, &m);
    mp_fit_infer opts[MP_FIT_MAX];
    int n = 0;
    mp_fit_infer_req fr = {&a, &m, 16384, 0, 1, true, false};
    assert_int_equal(mp_fit_inference(&fr, opts, MP_FIT_MAX, &n, NULL), 0);
    assert_true(n >= 3);
    for (int i = 0; i < n; i++) {
        /* every proposal, estimated again from scratch, fits (point estimate; the
         * printed verdict is tight where the error band passes the limit) */
        mp_infer_req r = {&a, &m, opts[i].quant, opts[i].context, opts[i].context, 1,
                          opts[i].kv_bits, 64, 0, 0, NULL};
        mp_infer_result res;
        assert_int_equal(mp_infer(&r, &res, NULL), 0);
        assert_int_equal(res.verdict_point, MP_FITS);
        assert_int_equal(res.verdict, mp_verdict_banded(&m, res.total_bytes, res.band_mem_pct));
        assert_true(opts[i].context >= 16384);
        if (i > 0)
            assert_true(mp_quant_quality(&opts[i].quant) <= mp_quant_quality(&opts[i - 1].quant));
    }
    /* fine-tuning search: every option fits when re-estimated */
    mp_train_req want;
    memset(&want, 0, sizeof want);
    want.arch = &a;
    want.mach = &m;
    want.base_quant = mp_quant_float(MP_DT_BF16);
    want.task = MP_TASK_LORA;
    want.batch = 4;
    want.seq_len = 2048;
    want.num_layers = 16;
    want.rank = 8;
    want.optim = MP_OPT_ADAM;
    mp_fit_train t[8];
    assert_int_equal(mp_fit_training(&want, t, 8, &n, NULL), 0);
    assert_true(n >= 1);
    for (int i = 0; i < n; i++) {
        mp_train_result res;
        assert_int_equal(mp_train(&t[i].req, &res, NULL), 0);
        assert_int_equal(res.verdict_point, MP_FITS);
        assert_true(res.total_bytes == t[i].est.total_bytes);
    }
    mp_arch_release(&a);
    /* models that fit a 16 GB M2: none larger than the machine */
    machine("M2 8c", 16, &m);
    mp_fit_model models[80];
    assert_int_equal(mp_fit_models(&m, 4096, 0, models, 80, &n, NULL), 0);
    assert_true(n > 10);
    for (int i = 0; i < n; i++)
        assert_true(models[i].best.est.total_bytes <= 0.9 * m.gpu_default_bytes);
}

/* engine/settings.h: defaults, and the rules that need several values. */
static void test_settings(void **state)
{
    (void)state;
    mp_arch a;
    assert_int_equal(mp_arch_from_json(tiny, strlen(tiny), "tiny", &a, NULL), 0);
    mp_machine m;
    machine("M4 Pro 20c", 24, &m);
    mp_settings s;
    memset(&s, 0, sizeof s);
    mp_infer_req ir;
    assert_int_equal(mp_settings_infer_req(&s, &a, &m, &ir, NULL), 0);
    assert_int_equal(ir.quant.mode, MP_Q_FLOAT);
    assert_int_equal(ir.quant.dtype, MP_DT_BF16);
    assert_int_equal(ir.context_tokens, 4096);
    assert_int_equal(ir.prompt_tokens, 4096);
    assert_int_equal(ir.batch, 1);
    assert_int_equal(ir.kv_bits, 0);
    assert_int_equal(ir.kv_group, 64);
    /* a prompt longer than the default context stretches it */
    s.given = MP_SET_PROMPT | MP_SET_QUANT;
    s.prompt_tokens = 9000;
    s.quant = "q4";
    assert_int_equal(mp_settings_infer_req(&s, &a, &m, &ir, NULL), 0);
    assert_int_equal(ir.context_tokens, 9000);
    assert_int_equal(ir.quant.bits, 4);
    assert_int_equal(ir.quant.group, 64);

    mp_train_req tr;
    memset(&s, 0, sizeof s);
    assert_int_equal(mp_settings_train_req(&s, MP_TASK_QLORA, false, &a, &m, &tr, NULL), 0);
    assert_int_equal(tr.base_quant.mode, MP_Q_AFFINE); /* QLoRA's 4-bit base */
    assert_int_equal(tr.base_quant.bits, 4);
    assert_int_equal(tr.batch, 4);
    assert_int_equal(tr.seq_len, 2048);
    assert_int_equal(tr.num_layers, 16);
    assert_int_equal(tr.rank, 8);
    assert_int_equal(tr.grad_accum, 1);
    assert_int_equal(tr.optim, MP_OPT_ADAM);
    assert_int_equal(tr.train_dtype, MP_DT_BF16);
    s.given = MP_SET_DTYPE;
    s.dtype = "bfloat16";
    assert_int_equal(mp_settings_train_req(&s, MP_TASK_PRETRAIN, true, &a, &m, &tr, NULL), 0);
    assert_int_equal(tr.train_dtype, MP_DT_BF16);
    assert_int_equal(mp_settings_train_req(&s, MP_TASK_PRETRAIN, false, &a, &m, &tr, NULL), 0);
    assert_int_equal(tr.train_dtype, a.dtype); /* --dtype is for a new model only */

    static const struct {
        unsigned given;
        int64_t a, b;
        bool training;
        int code;
        const char *msg;
    } bad[] = {
        {MP_SET_PROMPT | MP_SET_CONTEXT, 5000, 4096, false, MP_EINVAL,
         "--prompt (5000) is longer than --context (4096)"},
        {MP_SET_KV_GROUP, 32, 0, false, MP_EUSAGE, "--kv-group-size needs --kv-bits"},
        {MP_SET_KV_BITS | MP_SET_MAX_KV, 4, 1024, false, MP_EUNSUPPORTED,
         "--kv-bits and --max-kv-size do not combine: mlx-lm cannot quantize a rotating cache "
         "(RotatingKVCache.to_quantized raises NotImplementedError)"},
        {MP_SET_GROUP, 32, 0, false, MP_EUSAGE, "--group-size needs --quant"},
        {MP_SET_BATCH, 0, 0, true, MP_EINVAL, "--batch must be at least 1, got 0"},
        {MP_SET_BATCH, 5000, 0, false, MP_EINVAL, "--batch must be between 1 and 4096, got 5000"},
        {MP_SET_LAYERS, -2, 0, true, MP_EINVAL,
         "--num-layers must be -1 (all) or at least 1, got -2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&s, 0, sizeof s);
        s.given = bad[i].given;
        s.prompt_tokens = s.kv_group = s.kv_bits = s.group_size = s.batch = s.num_layers =
            bad[i].a;
        s.context_tokens = s.max_kv_size = bad[i].b;
        mp_error e;
        mp_error_clear(&e);
        int rc = bad[i].training
                     ? mp_settings_train_req(&s, MP_TASK_LORA, false, &a, &m, &tr, &e)
                     : mp_settings_infer_req(&s, &a, &m, &ir, &e);
        assert_int_equal(rc, bad[i].code);
        assert_string_equal(e.msg, bad[i].msg);
    }
    mp_arch_release(&a);
}

/* A model size out of the parameter table's range for --params (as a plan
 * asks it, not through the CLI reader) is refused with the table's bounds. */
static void test_arch_for_size_range(void **state)
{
    (void)state;
    mp_arch a;
    mp_error e;
    static const double bad[] = {10, 999999, 2.5e12};
    static const char *const got[] = {"10", "1e+06", "2.5e+12"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mp_error_clear(&e);
        assert_int_equal(mp_arch_for_size(bad[i], 32000, MP_DT_F32, &a, &e), MP_EINVAL);
        char want[120];
        snprintf(want, sizeof want, "--params must be between 1M and 2T, got %s", got[i]);
        assert_string_equal(e.msg, want);
    }
    assert_int_equal(mp_arch_for_size(125e6, 32000, MP_DT_F32, &a, NULL), 0);
    mp_arch_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kv_bytes),
        cmocka_unit_test(test_verdict_band),
        cmocka_unit_test(test_infer),
        cmocka_unit_test(test_train_terms),
        cmocka_unit_test(test_fit_consistent),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_arch_for_size_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
