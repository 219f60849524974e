/* test_model.c - exact storage arithmetic, parameter counts and config.json
 * parsing (including every malformed-input path). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/arch.h"
#include "model/quant.h"
#include "model/registry.h"

static mp_quant Q(mp_qmode m, int bits, int group)
{
    mp_quant q = {m, bits, group, MP_RECIPE_NONE, MP_DT_BF16};
    return q;
}

static void test_matrix_bytes(void **state)
{
    (void)state;
    /* 4096 x 4096, affine 4-bit g64, bf16 scales: packed 4096*4096/2 bytes +
     * 4096*64 groups * 2 (scale, bias) * 2 bytes */
    mp_quant q = Q(MP_Q_AFFINE, 4, 64);
    assert_true(mp_quant_matrix_bytes(&q, 1, 4096, 4096) == 8388608.0 + 1048576.0);
    /* = 4.5 bits per weight */
    assert_true(mp_quant_bpw(&q) == 4.5);
    q = Q(MP_Q_AFFINE, 3, 64); /* 3-bit: 4096*3/32 = 384 words per row */
    assert_true(mp_quant_matrix_bytes(&q, 1, 4096, 4096) == 4096.0 * 384 * 4 + 4096.0 * 64 * 4);
    q = Q(MP_Q_AFFINE, 8, 32);
    assert_true(mp_quant_bpw(&q) == 9.0);
    q = Q(MP_Q_MXFP4, 4, 32); /* uint8 scale per 32: 4.25 bpw */
    assert_true(mp_quant_matrix_bytes(&q, 1, 2880, 2880) == 2880.0 * 2880 / 2 + 2880.0 * 90);
    assert_true(mp_quant_bpw(&q) == 4.25);
    q = Q(MP_Q_NVFP4, 4, 16);
    assert_true(mp_quant_bpw(&q) == 4.5);
    q = Q(MP_Q_MXFP8, 8, 32);
    assert_true(mp_quant_bpw(&q) == 8.25);
    /* experts: n copies */
    q = Q(MP_Q_AFFINE, 4, 64);
    assert_true(mp_quant_matrix_bytes(&q, 128, 768, 2048) ==
                128.0 * (768.0 * 2048 / 2 + 768.0 * 32 * 4));
    /* input not a multiple of the group: stays bf16 */
    assert_true(mp_quant_matrix_bytes(&q, 1, 100, 48) == 100.0 * 48 * 2);
    /* float32 model: affine scales and biases are float32 */
    mp_quant f32 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, MP_DT_F32};
    assert_true(mp_quant_bpw(&f32) == 5.0);
    /* quantized KV: 8 bits + 2 * 2 B per 64 values */
    assert_true(mp_kv_elem_bytes(8, 64, MP_DT_BF16) == 1.0 + 4.0 / 64);
    assert_true(mp_kv_elem_bytes(0, 64, MP_DT_F16) == 2.0);
}

static void test_quant_parse(void **state)
{
    (void)state;
    mp_quant q;
    mp_error e;
    assert_int_equal(mp_quant_parse("4", 0, MP_DT_BF16, &q, NULL), 0);
    assert_true(q.mode == MP_Q_AFFINE && q.bits == 4 && q.group == 64);
    assert_int_equal(mp_quant_parse("q8", 32, MP_DT_BF16, &q, NULL), 0);
    assert_true(q.bits == 8 && q.group == 32);
    assert_int_equal(mp_quant_parse("4bit", 0, MP_DT_BF16, &q, NULL), 0);
    assert_int_equal(mp_quant_parse("mxfp4", 0, MP_DT_BF16, &q, NULL), 0);
    assert_true(q.mode == MP_Q_MXFP4 && q.group == 32);
    assert_int_equal(mp_quant_parse("nvfp4", 0, MP_DT_BF16, &q, NULL), 0);
    assert_true(q.group == 16);
    assert_int_equal(mp_quant_parse("fp16", 0, MP_DT_BF16, &q, NULL), 0);
    assert_true(q.mode == MP_Q_FLOAT && q.dtype == MP_DT_F16);
    assert_int_equal(mp_quant_parse("mixed_3_6", 0, MP_DT_BF16, &q, NULL), 0);
    assert_true(q.recipe == MP_RECIPE_MIXED_3_6 && q.bits == 3);
    mp_error_clear(&e);
    assert_int_equal(mp_quant_parse("7", 0, MP_DT_BF16, &q, &e), MP_EINVAL);
    assert_string_equal(e.msg, "affine quantization takes 2, 3, 4, 5, 6 or 8 bits, not 7");
    mp_error_clear(&e);
    assert_int_equal(mp_quant_parse("4", 48, MP_DT_BF16, &q, &e), MP_EINVAL);
    assert_string_equal(e.msg, "affine quantization takes group size 32, 64 or 128, not 48");
    mp_error_clear(&e);
    assert_int_equal(mp_quant_parse("mxfp4", 64, MP_DT_BF16, &q, &e), MP_EINVAL);
    assert_string_equal(e.msg, "mxfp4 needs group size 32, not 64");
    mp_error_clear(&e);
    assert_int_equal(mp_quant_parse("int9", 0, MP_DT_BF16, &q, &e), MP_EINVAL);
    mp_error_clear(&e);
    assert_int_equal(mp_quant_parse("mixed_5_7", 0, MP_DT_BF16, &q, &e), MP_EINVAL);
    mp_error_clear(&e);
    assert_int_equal(mp_quant_parse("bf16", 64, MP_DT_BF16, &q, &e), MP_EINVAL);
}

/* Published parameter counts of the reference checkpoints. */
static void test_registry_params(void **state)
{
    (void)state;
    static const struct {
        const char *id;
        double params;
    } cases[] = {
        {"meta-llama/Llama-3.1-8B-Instruct", 8030261248.0},
        {"meta-llama/Llama-3.2-1B-Instruct", 1235814400.0},
        {"Qwen/Qwen3-8B", 8190735360.0},
        {"Qwen/Qwen3-30B-A3B", 30532122624.0},
        {"Qwen/Qwen2.5-7B-Instruct", 7615616512.0},
        {"mistralai/Mixtral-8x7B-v0.1", 46702792704.0},
        {"deepseek-ai/DeepSeek-V3", 671026419200.0},
        {"openai/gpt-oss-20b", 20914757184.0},
        {"google/gemma-2-9b", 9241705984.0},
        {"microsoft/Phi-3.5-mini-instruct", 3821079552.0},
        {"openai-community/gpt2", 124439808.0},
        {"HuggingFaceTB/SmolLM2-135M", 134515008.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mp_arch a;
        mp_error e;
        mp_error_clear(&e);
        if (mp_model_load(cases[i].id, NULL, &a, NULL, &e) != 0)
            fail_msg("%s: %s", cases[i].id, e.msg);
        if (mp_arch_params(&a) != cases[i].params)
            fail_msg("%s: %.0f parameters, want %.0f", cases[i].id, mp_arch_params(&a),
                     cases[i].params);
        mp_arch_release(&a);
    }
}

static void test_formats(void **state)
{
    (void)state;
    mp_arch a;
    assert_int_equal(mp_model_load("Qwen/Qwen3-30B-A3B", NULL, &a, NULL, NULL), 0);
    mp_quant q4 = Q(MP_Q_AFFINE, 4, 64);
    bool saw_router = false, saw_norm = false;
    for (size_t i = 0; i < a.n_tensors; i++) {
        mp_quant f = mp_arch_tensor_format(&a, &a.tensors[i], &q4);
        if (a.tensors[i].role == MP_ROLE_ROUTER) {
            /* qwen3_moe's quant_predicate keeps mlp.gate at 8 bits */
            assert_true(f.mode == MP_Q_AFFINE && f.bits == 8 && f.group == 64);
            saw_router = true;
        }
        if (a.tensors[i].kind == MP_TK_NORM) {
            assert_true(f.mode == MP_Q_FLOAT);
            saw_norm = true;
        }
    }
    assert_true(saw_router && saw_norm);
    /* MoE: active parameters are the shared part plus 8 of 128 experts */
    assert_true(mp_arch_active_params(&a) < 0.11 * mp_arch_params(&a));
    mp_arch_release(&a);

    /* mixed_4_6: lm_head and v/down projections of the outer eighths at 6 bits */
    assert_int_equal(mp_model_load("meta-llama/Llama-3.1-8B-Instruct", NULL, &a, NULL, NULL), 0);
    mp_quant mix;
    assert_int_equal(mp_quant_parse("mixed_4_6", 0, a.dtype, &mix, NULL), 0);
    for (size_t i = 0; i < a.n_tensors; i++) {
        const mp_tensor *t = &a.tensors[i];
        mp_quant f = mp_arch_tensor_format(&a, t, &mix);
        if (strcmp(t->path, "lm_head") == 0 || strcmp(t->path, "model.layers.0.mlp.down_proj") == 0 ||
            strcmp(t->path, "model.layers.31.self_attn.v_proj") == 0 ||
            strcmp(t->path, "model.layers.6.self_attn.v_proj") == 0)
            assert_int_equal(f.bits, 6);
        if (strcmp(t->path, "model.layers.5.mlp.down_proj") == 0 ||
            strcmp(t->path, "model.layers.0.self_attn.q_proj") == 0 ||
            strcmp(t->path, "model.embed_tokens") == 0)
            assert_int_equal(f.bits, 4);
    }
    mp_arch_release(&a);

    /* gpt-oss: the experts stay MXFP4 whatever is asked */
    assert_int_equal(mp_model_load("openai/gpt-oss-20b", NULL, &a, NULL, NULL), 0);
    mp_quant q8 = Q(MP_Q_AFFINE, 8, 64);
    for (size_t i = 0; i < a.n_tensors; i++)
        if (a.tensors[i].kind == MP_TK_SWITCH) {
            mp_quant f = mp_arch_tensor_format(&a, &a.tensors[i], &q8);
            assert_int_equal(f.mode, MP_Q_MXFP4);
        }
    mp_arch_release(&a);
}

static void test_mlx_quant_block(void **state)
{
    (void)state;
    static const char cfg[] =
        "{\"model_type\":\"qwen3\",\"hidden_size\":128,\"intermediate_size\":256,"
        "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":2,"
        "\"head_dim\":32,\"vocab_size\":1000,\"tie_word_embeddings\":true,"
        "\"torch_dtype\":\"bfloat16\",\"quantization\":{\"group_size\":64,\"bits\":4,"
        "\"mode\":\"affine\",\"model.layers.0.mlp.down_proj\":{\"group_size\":64,\"bits\":8}}}";
    mp_arch a;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_arch_from_json(cfg, strlen(cfg), "tiny", &a, &e), 0);
    assert_true(a.has_config_quant);
    assert_int_equal(a.n_qoverrides, 1);
    mp_quant nq = mp_arch_native_quant(&a);
    assert_true(nq.mode == MP_Q_AFFINE && nq.bits == 4);
    for (size_t i = 0; i < a.n_tensors; i++) {
        const mp_tensor *t = &a.tensors[i];
        mp_quant f = mp_arch_tensor_format(&a, t, &nq);
        if (strcmp(t->path, "model.layers.0.mlp.down_proj") == 0)
            assert_int_equal(f.bits, 8);
        if (strcmp(t->path, "model.layers.1.mlp.down_proj") == 0)
            assert_int_equal(f.bits, 4);
    }
    /* exact bytes: embed 1000x128 4-bit = 1000*(64 + 2*2*2) */
    double embed = 1000.0 * (128 / 2 + 2 * 2 * 2);
    bool found = false;
    for (size_t i = 0; i < a.n_tensors; i++)
        if (a.tensors[i].role == MP_ROLE_EMBED) {
            assert_true(mp_arch_tensor_bytes(&a, &a.tensors[i], &nq) == embed);
            found = true;
        }
    assert_true(found);
    mp_arch_release(&a);
}

static void bad(const char *json, int code, const char *msg)
{
    mp_arch a;
    mp_error e;
    mp_error_clear(&e);
    int rc = mp_arch_from_json(json, strlen(json), "m", &a, &e);
    if (rc != code)
        fail_msg("'%s': got %d (%s), want %d", json, rc, e.msg, code);
    if (msg && strcmp(e.msg, msg) != 0)
        fail_msg("'%s': message '%s', want '%s'", json, e.msg, msg);
}

static void test_bad_configs(void **state)
{
    (void)state;
    bad("", MP_EPARSE, "m: config.json is not valid JSON (near byte 0)");
    bad("{\"model_type\": \"llama\"", MP_EPARSE, NULL);
    bad("[1,2]", MP_EPARSE, "m: config.json must hold a JSON object");
    bad("{}", MP_EPARSE, "m: config.json has no 'model_type'");
    bad("{\"model_type\":\"llama\"}", MP_EPARSE, "m: config.json has no 'hidden_size'");
    bad("{\"model_type\":\"llama\",\"hidden_size\":\"big\",\"num_hidden_layers\":2,"
        "\"num_attention_heads\":2,\"vocab_size\":10,\"intermediate_size\":8}",
        MP_EPARSE, "m: config.json 'hidden_size' must be a number");
    bad("{\"model_type\":\"llama\",\"hidden_size\":-64,\"num_hidden_layers\":2,"
        "\"num_attention_heads\":2,\"vocab_size\":10,\"intermediate_size\":8}",
        MP_EPARSE, "m: config.json 'hidden_size' = -64 is not a whole number in [1, 1048576]");
    bad("{\"model_type\":\"llama\",\"hidden_size\":64.5,\"num_hidden_layers\":2,"
        "\"num_attention_heads\":2,\"vocab_size\":10,\"intermediate_size\":8}",
        MP_EPARSE, NULL);
    bad("{\"model_type\":\"llama\",\"hidden_size\":64,\"num_hidden_layers\":1e12,"
        "\"num_attention_heads\":2,\"vocab_size\":10,\"intermediate_size\":8}",
        MP_EPARSE, NULL);
    bad("{\"model_type\":\"llama\",\"hidden_size\":64,\"num_hidden_layers\":2,"
        "\"num_attention_heads\":2,\"vocab_size\":10,\"intermediate_size\":8,"
        "\"tie_word_embeddings\":\"yes\"}",
        MP_EPARSE, "m: config.json 'tie_word_embeddings' must be true or false");
    bad("{\"model_type\":\"space_weaver\"}", MP_EUNSUPPORTED, NULL);
    bad("{\"model_type\":\"llama\",\"hidden_size\":64,\"num_hidden_layers\":2,"
        "\"num_attention_heads\":2,\"vocab_size\":10,\"intermediate_size\":8,"
        "\"quantization\":{\"bits\":7,\"group_size\":64}}",
        MP_EPARSE, "m: config.json 'quantization' needs valid bits, group_size and mode");
    /* nesting far beyond cJSON's limit is refused with the limit, not a crash */
    char deep[20050];
    size_t k = 0;
    for (int i = 0; i < 10000; i++)
        deep[k++] = '[';
    for (int i = 0; i < 10000; i++)
        deep[k++] = ']';
    deep[k] = '\0';
    bad(deep, MP_ELIMIT, "m: config.json nests 10000 levels deep, over the limit of 1000 levels");
}

static void test_registry_lookup(void **state)
{
    (void)state;
    /* older and newer repo names, any case, bare names when unique */
    const mp_model_row *r = mp_registry_find("meta-llama/Llama-3.1-8B");
    assert_non_null(r);
    assert_string_equal(r->id, "meta-llama/Meta-Llama-3.1-8B");
    assert_non_null(mp_registry_find("qwen/qwen3-8b"));
    r = mp_registry_find("Qwen3-8B");
    assert_non_null(r);
    assert_string_equal(r->id, "Qwen/Qwen3-8B");
    assert_null(mp_registry_find("Nope/Nothing"));
    mp_arch a;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_model_load("Qwen/Qwen3-9B", NULL, &a, NULL, &e), MP_ENOTFOUND);
    assert_non_null(strstr(e.msg, "did you mean"));
    mp_error_clear(&e);
    assert_int_equal(mp_model_load("", NULL, &a, NULL, &e), MP_EINVAL);
}

/* MLX conversions read from their repo names: the base's config with the
 * format the suffix says, the reading stated; other names are not read. */
static void test_repo_quant(void **state)
{
    (void)state;
    static const struct {
        const char *name, *base;
        mp_qmode mode;   /* MP_Q_FLOAT: a float copy */
        int bits, group;
        mp_dtype dtype;  /* for float copies */
    } ok[] = {
        {"mlx-community/Qwen3-8B-4bit", "Qwen/Qwen3-8B", MP_Q_AFFINE, 4, 64, MP_DT_BF16},
        {"mlx-community/Qwen3-8B-8bit", "Qwen/Qwen3-8B", MP_Q_AFFINE, 8, 64, MP_DT_BF16},
        {"mlx-community/Qwen3-8B-3bit", "Qwen/Qwen3-8B", MP_Q_AFFINE, 3, 64, MP_DT_BF16},
        {"mlx-community/Qwen3-8B-6bit", "Qwen/Qwen3-8B", MP_Q_AFFINE, 6, 64, MP_DT_BF16},
        {"MLX-Community/qwen3-8b-bf16", "Qwen/Qwen3-8B", MP_Q_FLOAT, 0, 0, MP_DT_BF16},
        {"mlx-community/Qwen3-8B-fp16", "Qwen/Qwen3-8B", MP_Q_FLOAT, 0, 0, MP_DT_F16},
        {"mlx-community/Qwen3-30B-A3B-4bit-DWQ", "Qwen/Qwen3-30B-A3B", MP_Q_AFFINE, 4, 64,
         MP_DT_BF16},
        {"mlx-community/Qwen3-30B-A3B-4bit-DWQ-053125", "Qwen/Qwen3-30B-A3B", MP_Q_AFFINE, 4, 64,
         MP_DT_BF16},
        {"mlx-community/Qwen3-30B-A3B-DWQ", "Qwen/Qwen3-30B-A3B", MP_Q_AFFINE, 4, 64, MP_DT_BF16},
        {"mlx-community/Qwen3-14B-mxfp4", "Qwen/Qwen3-14B", MP_Q_MXFP4, 4, 32, MP_DT_BF16},
        {"mlx-community/gpt-oss-20b-MXFP4-Q8", "openai/gpt-oss-20b", MP_Q_AFFINE, 8, 64,
         MP_DT_BF16},
        {"mlx-community/Meta-Llama-3.1-8B-Instruct-4bit", "meta-llama/Llama-3.1-8B-Instruct",
         MP_Q_AFFINE, 4, 64, MP_DT_BF16},
        {"mlx-community/gemma-3-27b-it-qat-4bit", "google/gemma-3-27b-it", MP_Q_AFFINE, 4, 64,
         MP_DT_BF16},
        {"Qwen/Qwen3-8B-MLX-4bit", "Qwen/Qwen3-8B", MP_Q_AFFINE, 4, 64, MP_DT_BF16},
        {"lmstudio-community/Qwen3-8B-MLX-bf16", "Qwen/Qwen3-8B", MP_Q_FLOAT, 0, 0, MP_DT_BF16},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        mp_repo_quant r;
        assert_int_equal(mp_repo_quant_read(ok[i].name, &r), 0);
        assert_non_null(r.base);
        assert_string_equal(r.base->id, ok[i].base);
        assert_non_null(strstr(r.why, ok[i].base));
        mp_arch a;
        mp_error e;
        mp_error_clear(&e);
        assert_int_equal(mp_repo_quant_arch(ok[i].name, &r, &a, &e), 0);
        assert_string_equal(a.id, ok[i].name);
        if (ok[i].mode == MP_Q_FLOAT) {
            assert_false(a.has_config_quant);
            assert_int_equal(a.dtype, ok[i].dtype);
        } else {
            assert_true(a.has_config_quant);
            assert_int_equal(a.config_quant.mode, ok[i].mode);
            assert_int_equal(a.config_quant.bits, ok[i].bits);
            assert_int_equal(a.config_quant.group, ok[i].group);
        }
        mp_arch_release(&a);
    }
    /* a conversion of a model the registry lacks reads, with no base */
    mp_repo_quant r;
    assert_int_equal(mp_repo_quant_read("mlx-community/Nothing-9B-4bit", &r), 0);
    assert_null(r.base);
    assert_string_equal(r.base_name, "Nothing-9B");
    /* not conversions: other orgs without an MLX part, plain ids, paths */
    static const char *const no[] = {"Qwen/Qwen3-8B", "someone/Qwen3-8B-4bit", "Qwen3-8B-4bit",
                                     "mlx-community/", "a/b/c-4bit", "mlx-community/Qwen3-8B-053125"};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(mp_repo_quant_read(no[i], &r), MP_ENOTFOUND);
    /* mp_model_load reaches it offline (the tests run with HF_HUB_OFFLINE=1) and says so */
    mp_load_opts lo = {true};
    mp_arch a;
    mp_origin o;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_model_load("mlx-community/Qwen3-8B-4bit", &lo, &a, &o, &e), 0);
    assert_int_equal(o.kind, MP_ORIGIN_REGISTRY);
    assert_non_null(strstr(o.assumed, "read from the repo name as Qwen/Qwen3-8B"));
    mp_arch_release(&a);
    mp_error_clear(&e);
    assert_int_equal(mp_model_load("mlx-community/Nothing-9B-4bit", &lo, &a, &o, &e),
                     MP_ENOTFOUND);
    assert_non_null(strstr(e.msg, "'Nothing-9B', which the registry lacks"));
}

/* Use tags: every row has some, all from the vocabulary, chat and base
 * exclusive; the picks of a use carry its tag, lowest pick first. */
static void test_registry_use(void **state)
{
    (void)state;
    static const char *const vocab[] = {"chat", "coding", "reasoning", "vision",
                                        "embedding", "edge", "base"};
    for (size_t i = 0; i < mp_model_rows_len; i++) {
        const mp_model_row *r = &mp_model_rows[i];
        assert_true(r->use[0] != '\0');
        char buf[200];
        snprintf(buf, sizeof buf, "%s", r->use);
        char *save = NULL;
        for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            bool known = false;
            for (size_t k = 0; k < sizeof vocab / sizeof vocab[0]; k++)
                known |= strcmp(w, vocab[k]) == 0;
            if (!known)
                fail_msg("%s: unknown use tag '%s'", r->id, w);
        }
        assert_false(mp_registry_has_use(r, "chat") && mp_registry_has_use(r, "base"));
        if (r->pick > 0 && mp_registry_has_use(r, "base"))
            fail_msg("%s: a base model is never a default pick", r->id);
    }
    for (size_t k = 0; k < sizeof vocab / sizeof vocab[0]; k++) {
        const mp_model_row *out[64];
        size_t n = mp_registry_picks(vocab[k], out, 64);
        for (size_t i = 0; i < n; i++) {
            assert_true(mp_registry_has_use(out[i], vocab[k]));
            assert_true(out[i]->pick > 0);
            if (i)
                assert_true(out[i - 1]->pick <= out[i]->pick);
        }
    }
    const mp_model_row *out[64];
    assert_true(mp_registry_picks("coding", out, 64) > 0);
    assert_true(mp_registry_picks("chat", out, 64) > 0);
    assert_false(mp_registry_has_use(mp_registry_find("Qwen/Qwen3-8B"), "base"));
    assert_true(mp_registry_has_use(mp_registry_find("Qwen/Qwen2.5-7B"), "base"));
    assert_false(mp_registry_has_use(mp_registry_find("Qwen/Qwen3-8B"), "chatty"));
}

/* A config without torch_dtype: gpt2's stored float32 weights are kept (as
 * mlx_lm.convert keeps them); a checkpoint published quantized stays bf16. */
static void test_dtype_missing(void **state)
{
    (void)state;
    mp_arch a;
    assert_int_equal(mp_registry_arch(mp_registry_find("openai-community/gpt2"), &a, NULL), 0);
    assert_int_equal(a.dtype, MP_DT_F32);
    assert_true(a.dtype_assumed);
    mp_quant f = mp_arch_native_quant(&a);
    /* 124.4M parameters (wte tied) at 4 bytes */
    assert_true(mp_arch_weight_bytes(&a, &f, NULL) > 4.0 * 124e6);
    mp_arch_release(&a);
    assert_int_equal(mp_registry_arch(mp_registry_find("openai/gpt-oss-20b"), &a, NULL), 0);
    assert_int_equal(a.dtype, MP_DT_BF16);
    assert_true(a.dtype_assumed);
    mp_arch_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_bytes),   cmocka_unit_test(test_quant_parse),
        cmocka_unit_test(test_dtype_missing),
        cmocka_unit_test(test_registry_params), cmocka_unit_test(test_formats),
        cmocka_unit_test(test_mlx_quant_block), cmocka_unit_test(test_bad_configs),
        cmocka_unit_test(test_registry_lookup), cmocka_unit_test(test_repo_quant),
        cmocka_unit_test(test_registry_use),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
