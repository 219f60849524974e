/* test_parity.c - mlxplan's parameter counts and weight bytes, computed from
 * config.json alone, against the exact counts in safetensors headers.
 *
 * make_checkpoints.py writes one small model folder per case into
 * $MLXPLAN_PARITY_DIR (a ctest fixture does it before this test).  For each
 * case the folder is loaded the normal way (mp_model_load), its headers read
 * (mp_st_read_dir), and three things must agree exactly:
 *  - parameters: mp_arch_params against mp_st_params over the headers
 *    (quantized weights counted as mlx-lm counts them);
 *  - bytes: mp_arch_weight_bytes in the config's own format against the sum
 *    of the header byte sizes;
 *  - for checkpoints in mlx-lm's layout (what mlx_lm.convert saves), every
 *    tensor: mlxplan's tensor list, stored in the format mlxplan assigns it,
 *    must name exactly the header entries with their dtypes and shapes.
 * Hugging Face checkpoints hold subtrees mlx-lm's sanitize drops (Gemma 3's
 * vision tower and projector): the header side leaves them out, since
 * mlxplan describes what mlx-lm holds after loading.
 *
 * Hand-computed cases (no files) pin the storage arithmetic itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/registry.h"
#include "model/safetensors.h"

typedef struct pcase {
    const char *name;
    bool mlx_layout;           /* tensors as mlx-lm holds them: compare one by one */
    const char *dropped[3];    /* subtrees mlx-lm's sanitize drops */
    int files;                 /* safetensors files */
} pcase;

/* Keep in step with CASES in make_checkpoints.py. */
static const pcase CASES[] = {
    {"llama-tied-gqa", false, {NULL}, 1},
    {"llama-untied", false, {NULL}, 1},
    {"mistral-headdim-sharded", false, {NULL}, 2},
    {"smollm3-tied", false, {NULL}, 1},
    {"qwen2-bias", false, {NULL}, 1},
    {"qwen3-qknorm", false, {NULL}, 1},
    {"gemma2", false, {NULL}, 1},
    {"gemma3-multimodal", false, {"vision_tower.", "multi_modal_projector.", NULL}, 1},
    {"phi3-fused", false, {NULL}, 1},
    {"mixtral", false, {NULL}, 1},
    {"qwen3-moe", false, {NULL}, 1},
    {"deepseek-v3-mla", false, {NULL}, 2},
    {"deepseek-v3-no-qlora", false, {NULL}, 1},
    {"gpt-oss-mxfp4", false, {NULL}, 1},
    {"gemma3-text", false, {NULL}, 1},
    {"glm4-moe-mtp", false, {"model.layers.3.", NULL}, 1},
    {"minimax-m2", false, {NULL}, 1},
    {"qwen3-next", false, {"mtp.", NULL}, 1},
    {"llama4-multimodal", false, {"vision_model.", "multi_modal_projector.", NULL}, 1},
    {"llama-q4-g64", true, {NULL}, 1},
    {"qwen2-q8-g32-f16", true, {NULL}, 1},
    {"llama-q4-overrides", true, {NULL}, 1},
    {"qwen3-moe-q4", true, {NULL}, 1},
    {"qwen3-moe-mxfp4", true, {NULL}, 1},
    {"llama-nvfp4", true, {NULL}, 1},
    {"phi3-mxfp8", true, {NULL}, 1},
    {"llama-mixed-3-6", true, {NULL}, 1},
    {"llama-q4-partial", true, {NULL}, 1},
    {"deepseek-v3-q4", true, {NULL}, 2},
    {"gpt-oss-q4", true, {NULL}, 1},
    {"qwen3-next-q4", true, {NULL}, 1},
    {"glm4-moe-q8", true, {NULL}, 1},
    {"llama4-q4", true, {NULL}, 1},
};

static const char *parity_dir(void)
{
    const char *d = getenv("MLXPLAN_PARITY_DIR");
    if (!d || !*d)
        fail_msg("MLXPLAN_PARITY_DIR is not set (run through ctest)");
    return d;
}

static bool dropped(const pcase *pc, const char *name)
{
    for (int i = 0; i < 3 && pc->dropped[i]; i++)
        if (strncmp(name, pc->dropped[i], strlen(pc->dropped[i])) == 0)
            return true;
    return false;
}

/* ---- one tensor of mlxplan's list against the header ---------------------------- */

static const char *dtype_code(mp_dtype d)
{
    return d == MP_DT_F32 ? "F32" : d == MP_DT_F16 ? "F16" : "BF16";
}

/* Find `name` with `dtype` and `shape` in the header; mark it used.  Prints
 * what differs and returns false when it is missing or different. */
static bool expect(const char *cname, const mp_st_model *st, bool *used, const char *name,
                   const char *dtype, int ndim, const int64_t *shape)
{
    for (size_t i = 0; i < st->n_tensors; i++) {
        const mp_st_tensor *t = &st->tensors[i];
        if (strcmp(t->name, name) != 0)
            continue;
        bool same = !used[i] && strcmp(t->dtype, dtype) == 0 && t->ndim == ndim;
        for (int k = 0; same && k < ndim; k++)
            same = t->shape[k] == shape[k];
        if (!same) {
            print_error("%s: %s is %s [%lld, %lld, %lld] (ndim %d) in the header, mlxplan says "
                        "%s [%lld, %lld, %lld] (ndim %d)\n",
                        cname, name, t->dtype, (long long)t->shape[0],
                        (long long)(t->ndim > 1 ? t->shape[1] : 0),
                        (long long)(t->ndim > 2 ? t->shape[2] : 0), t->ndim, dtype,
                        (long long)shape[0], (long long)(ndim > 1 ? shape[1] : 0),
                        (long long)(ndim > 2 ? shape[2] : 0), ndim);
            return false;
        }
        used[i] = true;
        return true;
    }
    print_error("%s: mlxplan has %s (%s), the header does not\n", cname, name, dtype);
    return false;
}

static bool is_matrix(mp_tkind k)
{
    return k == MP_TK_LINEAR || k == MP_TK_EMBED || k == MP_TK_SWITCH || k == MP_TK_MULTI;
}

/* The header entries tensor `t` has when stored in format `f`: a float
 * tensor under its own name; a quantized one as .weight (uint32), .scales
 * and, for affine, .biases. */
static bool expect_tensor(const char *cname, const mp_st_model *st, bool *used, const mp_tensor *t,
                          mp_quant f)
{
    char name[160];
    int64_t shape[4];
    int nd = 0;
    if (t->n > 1 || t->kind == MP_TK_SWITCH || t->kind == MP_TK_MULTI)
        shape[nd++] = t->n;
    shape[nd++] = t->out;
    if (t->in > 1 || is_matrix(t->kind))
        shape[nd++] = t->in;
    if (t->kind == MP_TK_CONV)
        shape[nd++] = 1; /* MLX's Conv1d weight: (channels, kernel, 1) */
    bool suffixed = t->kind != MP_TK_BIAS && t->kind != MP_TK_RAW;
    snprintf(name, sizeof name, "%s%s", t->path, suffixed ? ".weight" : "");
    if (f.mode == MP_Q_FLOAT)
        return expect(cname, st, used, name, dtype_code(f.dtype), nd, shape);
    int64_t in = shape[nd - 1];
    shape[nd - 1] = in * f.bits / 32;
    bool ok = expect(cname, st, used, name, "U32", nd, shape);
    shape[nd - 1] = in / f.group;
    snprintf(name, sizeof name, "%s.scales", t->path);
    ok &= expect(cname, st, used, name, f.mode == MP_Q_AFFINE ? dtype_code(f.dtype) : "U8", nd,
                 shape);
    if (f.mode == MP_Q_AFFINE) {
        snprintf(name, sizeof name, "%s.biases", t->path);
        ok &= expect(cname, st, used, name, dtype_code(f.dtype), nd, shape);
    }
    return ok;
}

static bool same_tensors(const char *cname, const mp_arch *a, const mp_st_model *st)
{
    bool *used = calloc(st->n_tensors ? st->n_tensors : 1, sizeof *used);
    assert_non_null(used);
    mp_quant nq = mp_arch_native_quant(a);
    bool ok = true;
    for (size_t i = 0; i < a->n_tensors; i++)
        ok &= expect_tensor(cname, st, used, &a->tensors[i],
                            mp_arch_tensor_format(a, &a->tensors[i], &nq));
    for (size_t i = 0; i < st->n_tensors; i++)
        if (!used[i]) {
            print_error("%s: the header has %s (%s), mlxplan does not\n", cname,
                        st->tensors[i].name, st->tensors[i].dtype);
            ok = false;
        }
    free(used);
    return ok;
}

/* ---- one case ---------------------------------------------------------------------- */

static void run_case(void **state)
{
    const pcase *pc = *state;
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/%s", parity_dir(), pc->name);
    mp_arch a;
    mp_origin o;
    mp_error err;
    mp_error_clear(&err);
    mp_load_opts lo = {true};
    if (mp_model_load(dir, &lo, &a, &o, &err) != 0)
        fail_msg("%s: %s", pc->name, err.msg);
    assert_int_equal(o.kind, MP_ORIGIN_DIR);
    mp_st_model st;
    if (mp_st_read_dir(dir, &st, &err) != 0)
        fail_msg("%s: %s", pc->name, err.msg);
    assert_int_equal(st.n_files, pc->files);
    assert_true(st.has_index == (pc->files > 1));

    /* what mlx-lm holds: the header minus the subtrees its sanitize drops */
    mp_st_model kept = st;
    kept.tensors = calloc(st.n_tensors, sizeof *kept.tensors);
    assert_non_null(kept.tensors);
    kept.n_tensors = 0;
    double bytes = 0;
    for (size_t i = 0; i < st.n_tensors; i++)
        if (!dropped(pc, st.tensors[i].name)) {
            kept.tensors[kept.n_tensors++] = st.tensors[i];
            bytes += st.tensors[i].bytes;
        }
    double header_params = mp_st_params(&kept, &a);
    double config_params = mp_arch_params(&a);
    mp_quant nq = mp_arch_native_quant(&a);
    double config_bytes = mp_arch_weight_bytes(&a, &nq, NULL);
    bool ok = true;
    if (header_params != config_params) {
        print_error("%s: parameters %.0f from the headers, %.0f from config.json\n", pc->name,
                    header_params, config_params);
        ok = false;
    }
    if (bytes != config_bytes) {
        print_error("%s: weight bytes %.0f in the headers, %.0f from config.json\n", pc->name,
                    bytes, config_bytes);
        ok = false;
    }
    if (pc->mlx_layout)
        ok &= same_tensors(pc->name, &a, &kept);
    /* the checkpoint record mp_model_load made from the same headers */
    assert_true(o.ckpt.known);
    assert_true(o.ckpt.tensor_bytes == st.total_bytes);
    assert_int_equal(o.ckpt.tensors, (int)st.n_tensors);
    if (!pc->dropped[0])
        assert_true(o.ckpt.params == header_params);
    free(kept.tensors);
    mp_st_release(&st);
    mp_arch_release(&a);
    if (!ok)
        fail_msg("%s: config.json and the safetensors headers disagree", pc->name);
}

/* Every case the generator wrote is in the table, and the reverse. */
static void test_case_list(void **state)
{
    (void)state;
    char path[1200], line[200];
    snprintf(path, sizeof path, "%s/cases.txt", parity_dir());
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        bool found = false;
        for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
            found |= strcmp(CASES[i].name, line) == 0;
        if (!found)
            fail_msg("the generator wrote '%s', which test_parity.c does not check", line);
        n++;
    }
    fclose(f);
    assert_int_equal(n, sizeof CASES / sizeof CASES[0]);
}

/* ---- hand-computed storage ------------------------------------------------------------ */

static void test_matrix_bytes(void **state)
{
    (void)state;
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, MP_DT_BF16};
    /* 256 x 512, 4 bits: 256*512/8 uint32 words = 65,536 bytes; 256 rows of
     * 512/64 = 8 groups, a bf16 scale and a bf16 bias each: 8,192 bytes */
    assert_true(mp_quant_matrix_bytes(&q4, 1, 256, 512) == 65536.0 + 8192.0);
    /* 8 bits, group 32, float16: 256*512 bytes + 256*16 groups * 2 * 2 */
    mp_quant q8 = {MP_Q_AFFINE, 8, 32, MP_RECIPE_NONE, MP_DT_F16};
    assert_true(mp_quant_matrix_bytes(&q8, 1, 256, 512) == 131072.0 + 16384.0);
    /* 3 bits, group 32: a row of 96 is 9 words (36 bytes) and 3 groups */
    mp_quant q3 = {MP_Q_AFFINE, 3, 32, MP_RECIPE_NONE, MP_DT_BF16};
    assert_true(mp_quant_matrix_bytes(&q3, 1, 128, 96) == 128 * 36.0 + 128 * 3 * 4.0);
    /* mxfp4: 4-bit values and one uint8 scale per 32; no biases */
    mp_quant mx4 = {MP_Q_MXFP4, 4, 32, MP_RECIPE_NONE, MP_DT_BF16};
    assert_true(mp_quant_matrix_bytes(&mx4, 1, 256, 512) == 65536.0 + 256 * 16.0);
    /* nvfp4: one uint8 scale per 16 */
    mp_quant nv4 = {MP_Q_NVFP4, 4, 16, MP_RECIPE_NONE, MP_DT_BF16};
    assert_true(mp_quant_matrix_bytes(&nv4, 1, 256, 512) == 65536.0 + 256 * 32.0);
    /* mxfp8: a byte per value, one uint8 scale per 32 */
    mp_quant mx8 = {MP_Q_MXFP8, 8, 32, MP_RECIPE_NONE, MP_DT_BF16};
    assert_true(mp_quant_matrix_bytes(&mx8, 1, 256, 512) == 131072.0 + 256 * 16.0);
    /* an expert stack counts every expert: 8 x (64 x 128) at 8 bits g64 */
    mp_quant e8 = {MP_Q_AFFINE, 8, 64, MP_RECIPE_NONE, MP_DT_BF16};
    assert_true(mp_quant_matrix_bytes(&e8, 8, 64, 128) == 8 * 64 * 128.0 + 8 * 64 * 2 * 4.0);
    /* an input of 100 is no multiple of 64: the matrix stays bf16 */
    assert_true(mp_quant_matrix_bytes(&q4, 1, 64, 100) == 64 * 100 * 2.0);
    assert_false(mp_quant_applies(&q4, 100));
}

#define MIXED_LLAMA                                                                       \
    "{\"model_type\": \"llama\", \"hidden_size\": 64, \"intermediate_size\": 128, "      \
    "\"num_hidden_layers\": 8, \"num_attention_heads\": 2, \"num_key_value_heads\": 1, " \
    "\"vocab_size\": 256, \"tie_word_embeddings\": false, \"torch_dtype\": \"bfloat16\"}"

/* mixed_3_6 on an 8-layer llama, counted by hand.  A (out x in) matrix at b
 * bits, group 64, bf16 scales and biases takes out*in*b/8 + out*(in/64)*4
 * bytes.  Per layer at 3 bits: q 1792, k 896, v 896, o 1792, gate, up and
 * down 3584 each, two norms 256: 16,384.  v_proj and down_proj go to 6 bits
 * (1664 and 6656) in layers 0 (< 8/8), 7 (>= 7*8/8), 3 and 6 ((i-1)%3 == 2):
 * 20,224 for those.  Embedding 3-bit 7168, lm_head 6-bit 13,312, final norm
 * 128.  Total 4*16384 + 4*20224 + 7168 + 13312 + 128 = 167,040 bytes. */
static void test_mixed_recipe_by_hand(void **state)
{
    (void)state;
    mp_arch a;
    mp_error err;
    assert_int_equal(mp_arch_from_json(MIXED_LLAMA, strlen(MIXED_LLAMA), "mixed", &a, &err), 0);
    mp_quant q;
    assert_int_equal(mp_quant_parse("mixed_3_6", 0, MP_DT_BF16, &q, &err), 0);
    assert_true(mp_arch_weight_bytes(&a, &q, NULL) == 167040.0);
    /* 8 * (2*64*64 + 2*32*64 + 3*128*64 + 128) + 2*256*64 + 64 */
    assert_true(mp_arch_params(&a) == 328768.0);
    mp_arch_release(&a);
}

static struct CMUnitTest unit(const char *name, CMUnitTestFunction fn, const void *state)
{
    struct CMUnitTest t = {name, fn, NULL, NULL, (void *)state};
    return t;
}

static bool has_tensor(const mp_arch *a, const char *path, int64_t out, int64_t in)
{
    for (size_t i = 0; i < a->n_tensors; i++)
        if (strcmp(a->tensors[i].path, path) == 0)
            return a->tensors[i].out == out && a->tensors[i].in == in;
    return false;
}

/* deepseek_v3's ModelArgs: q_lora_rank absent means its default 1536 (a
 * q_a_proj / q_b_proj pair); only an explicit null gives a plain q_proj. */
#define MLA_FMT                                                                            \
    "{\"model_type\": \"deepseek_v3\", \"hidden_size\": 256, \"num_hidden_layers\": 1, "    \
    "\"num_attention_heads\": 2, \"vocab_size\": 128, \"kv_lora_rank\": 64, "                \
    "\"qk_rope_head_dim\": 16, \"qk_nope_head_dim\": 32, \"v_head_dim\": 32%s}"

static void test_mla_q_lora_default(void **state)
{
    (void)state;
    char json[512];
    mp_arch a;
    mp_error err;
    snprintf(json, sizeof json, MLA_FMT, "");
    assert_int_equal(mp_arch_from_json(json, strlen(json), "mla", &a, &err), 0);
    assert_true(has_tensor(&a, "model.layers.0.self_attn.q_a_proj", 1536, 256));
    assert_true(has_tensor(&a, "model.layers.0.self_attn.q_b_proj", 2 * 48, 1536));
    mp_arch_release(&a);
    snprintf(json, sizeof json, MLA_FMT, ", \"q_lora_rank\": null");
    assert_int_equal(mp_arch_from_json(json, strlen(json), "mla", &a, &err), 0);
    assert_true(has_tensor(&a, "model.layers.0.self_attn.q_proj", 2 * 48, 256));
    assert_false(has_tensor(&a, "model.layers.0.self_attn.q_a_proj", 1536, 256));
    mp_arch_release(&a);
}

int main(void)
{
    struct CMUnitTest tests[sizeof CASES / sizeof CASES[0] + 4];
    size_t n = 0;
    tests[n++] = unit("matrix_bytes", test_matrix_bytes, NULL);
    tests[n++] = unit("mixed_recipe_by_hand", test_mixed_recipe_by_hand, NULL);
    tests[n++] = unit("mla_q_lora_default", test_mla_q_lora_default, NULL);
    tests[n++] = unit("case_list", test_case_list, NULL);
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
        tests[n++] = unit(CASES[i].name, run_case, &CASES[i]);
    return _cmocka_run_group_tests("parity", tests, n, NULL, NULL);
}
