/* test_hub.c - models from a Hugging Face cache the test builds (several
 * repos, snapshots and refs, sharded and single-file safetensors with exact
 * headers), the description cache, and the Hub settings; all offline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "hub/desc_cache.h"
#include "hub/hf_cache.h"
#include "hub/hub.h"
#include "model/registry.h"
#include "util/buf.h"

/* The tiny llama every repo here holds: hidden 64, MLP 128, 2 heads of 32,
 * 1 KV head, vocabulary 256, tied embeddings, bfloat16. */
#define H 64
#define I 128
#define V 256
#define HD 32

/* Its sizes, counted by hand:
 *  bf16: embed 256x64 + per layer (q 64x64, k 32x64, v 32x64, o 64x64,
 *        gate/up 128x64, down 64x128, two norms of 64) + final norm
 *        = 16384 + 2 * 36992 + 64 = 90432 parameters, 180864 bytes;
 *  4-bit g64 with layer 0 v_proj at 8 bits and layer 1 down_proj at 6:
 *        packed weights 8192 (embedding) + 19456 + 20480 (layers) = 48128
 *        bytes, a bf16 scale and bias for each of 1408 groups = 5632 bytes,
 *        five norms of 64 = 640 bytes: 54400. */
#define BF16_BYTES 180864.0
#define PARAMS 90432.0
#define Q4_BYTES 54400.0

#define CONFIG_FMT                                                                      \
    "{\"model_type\": \"llama\", \"hidden_size\": 64, \"intermediate_size\": 128, "  \
    "\"num_hidden_layers\": %d, \"num_attention_heads\": 2, \"num_key_value_heads\": 1, " \
    "\"head_dim\": 32, \"vocab_size\": 256, \"tie_word_embeddings\": true, "           \
    "\"max_position_embeddings\": 2048, \"torch_dtype\": \"bfloat16\"%s}"

static const char *QUANT_BLOCK =
    ", \"quantization\": {\"group_size\": 64, \"bits\": 4, \"mode\": \"affine\", "
    "\"model.layers.0.self_attn.v_proj\": {\"group_size\": 64, \"bits\": 8}, "
    "\"model.layers.1.mlp.down_proj\": {\"group_size\": 64, \"bits\": 6}}";

typedef struct tspec {
    char name[96];
    const char *dtype;
    int64_t shape[2];
    int ndim;
} tspec;

static char g_root[1024];   /* the test's scratch folder */
static char g_hf[1100];     /* its HF cache */

/* ---- writing a cache --------------------------------------------------------- */

static void mkdirs(const char *path)
{
    char p[1400];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0755);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void add(tspec *t, int *n, const char *name, const char *dtype, int64_t a, int64_t b)
{
    snprintf(t[*n].name, sizeof t[*n].name, "%s", name);
    t[*n].dtype = dtype;
    t[*n].shape[0] = a;
    t[*n].shape[1] = b;
    t[*n].ndim = b ? 2 : 1;
    (*n)++;
}

static const struct {
    const char *name;
    int64_t out, in;
} LINEARS[] = {
    {"self_attn.q_proj", 2 * HD, H}, {"self_attn.k_proj", HD, H}, {"self_attn.v_proj", HD, H},
    {"self_attn.o_proj", H, 2 * HD}, {"mlp.gate_proj", I, H},      {"mlp.down_proj", H, I},
    {"mlp.up_proj", I, H},
};

static void norms(tspec *t, int *n, int layer)
{
    char p[96];
    snprintf(p, sizeof p, "model.layers.%d.input_layernorm.weight", layer);
    add(t, n, p, "BF16", H, 0);
    snprintf(p, sizeof p, "model.layers.%d.post_attention_layernorm.weight", layer);
    add(t, n, p, "BF16", H, 0);
}

/* bfloat16 tensors of layers [first, last), with the embedding and / or the
 * final norm when asked. */
static int float_tensors(tspec *t, int first, int last, bool embed, bool final_norm)
{
    int n = 0;
    char p[96];
    if (embed)
        add(t, &n, "model.embed_tokens.weight", "BF16", V, H);
    for (int l = first; l < last; l++) {
        for (size_t k = 0; k < sizeof LINEARS / sizeof LINEARS[0]; k++) {
            snprintf(p, sizeof p, "model.layers.%d.%s.weight", l, LINEARS[k].name);
            add(t, &n, p, "BF16", LINEARS[k].out, LINEARS[k].in);
        }
        norms(t, &n, l);
    }
    if (final_norm)
        add(t, &n, "model.norm.weight", "BF16", H, 0);
    return n;
}

/* The 4-bit g64 checkpoint with the two overrides of QUANT_BLOCK. */
static int quant_tensors(tspec *t)
{
    int n = 0;
    char p[96];
    add(t, &n, "model.embed_tokens.weight", "U32", V, H * 4 / 32);
    add(t, &n, "model.embed_tokens.scales", "BF16", V, H / 64);
    add(t, &n, "model.embed_tokens.biases", "BF16", V, H / 64);
    for (int l = 0; l < 2; l++) {
        for (size_t k = 0; k < sizeof LINEARS / sizeof LINEARS[0]; k++) {
            int bits = 4;
            if (l == 0 && strcmp(LINEARS[k].name, "self_attn.v_proj") == 0)
                bits = 8;
            if (l == 1 && strcmp(LINEARS[k].name, "mlp.down_proj") == 0)
                bits = 6;
            int64_t out = LINEARS[k].out, in = LINEARS[k].in;
            snprintf(p, sizeof p, "model.layers.%d.%s.weight", l, LINEARS[k].name);
            add(t, &n, p, "U32", out, in * bits / 32);
            snprintf(p, sizeof p, "model.layers.%d.%s.scales", l, LINEARS[k].name);
            add(t, &n, p, "BF16", out, in / 64);
            snprintf(p, sizeof p, "model.layers.%d.%s.biases", l, LINEARS[k].name);
            add(t, &n, p, "BF16", out, in / 64);
        }
        norms(t, &n, l);
    }
    add(t, &n, "model.norm.weight", "BF16", H, 0);
    return n;
}

/* Write a safetensors file (zero data, made sparse by ftruncate); returns
 * its tensor bytes. */
static double write_st(const char *path, const tspec *t, int n)
{
    mp_buf h = MP_BUF_INIT;
    mp_buf_puts(&h, "{\"__metadata__\":{\"format\":\"mlx\"}");
    double off = 0;
    for (int i = 0; i < n; i++) {
        double bytes = (strcmp(t[i].dtype, "U32") == 0 ? 4 : 2) * (double)t[i].shape[0] *
                       (t[i].ndim == 2 ? (double)t[i].shape[1] : 1);
        mp_buf_printf(&h, ",\"%s\":{\"dtype\":\"%s\",\"shape\":[%lld", t[i].name, t[i].dtype,
                      (long long)t[i].shape[0]);
        if (t[i].ndim == 2)
            mp_buf_printf(&h, ",%lld", (long long)t[i].shape[1]);
        mp_buf_printf(&h, "],\"data_offsets\":[%.0f,%.0f]}", off, off + bytes);
        off += bytes;
    }
    mp_buf_putc(&h, '}');
    while (h.len % 8)
        mp_buf_putc(&h, ' ');
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    unsigned char len8[8];
    for (int i = 0; i < 8; i++)
        len8[i] = (unsigned char)((uint64_t)h.len >> (8 * i));
    assert_int_equal(write(fd, len8, 8), 8);
    assert_int_equal(write(fd, h.data, h.len), (ssize_t)h.len);
    assert_int_equal(ftruncate(fd, (off_t)(8 + h.len + off)), 0);
    close(fd);
    mp_buf_release(&h);
    return off;
}

/* <hf>/models--ORG--NAME/snapshots/REV, created; refs/main -> REV when `ref`. */
static void snapshot_dir(const char *repo, const char *rev, bool ref, char *out, size_t cap)
{
    char folder[300];
    snprintf(folder, sizeof folder, "models--%s", repo);
    char *slash = strchr(folder, '/');
    memmove(slash + 2, slash + 1, strlen(slash + 1) + 1);
    slash[0] = slash[1] = '-';
    snprintf(out, cap, "%s/%s/snapshots/%s", g_hf, folder, rev);
    mkdirs(out);
    if (ref) {
        char p[1400];
        snprintf(p, sizeof p, "%s/%s/refs", g_hf, folder);
        mkdirs(p);
        snprintf(p, sizeof p, "%s/%s/refs/main", g_hf, folder);
        write_text(p, rev);
    }
}

static void write_config(const char *dir, int layers, bool quant)
{
    char text[1024], p[1400];
    snprintf(text, sizeof text, CONFIG_FMT, layers, quant ? QUANT_BLOCK : "");
    snprintf(p, sizeof p, "%s/config.json", dir);
    write_text(p, text);
}

#define REV_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define REV_OLD "0000000000000000000000000000000000000001"
#define REV_NEW "0000000000000000000000000000000000000002"

static double g_shard1, g_shard2;

static int build_cache(void **state)
{
    (void)state;
    const char *tmp = getenv("MLXPLAN_TEST_TMP");
    snprintf(g_root, sizeof g_root, "%s/hub-unit", tmp ? tmp : "/tmp/mlxplan-test");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_root);
    if (system(cmd) != 0)
        return -1;
    snprintf(g_hf, sizeof g_hf, "%s/hf", g_root);
    tspec *t = calloc(128, sizeof *t);
    char d[1400], p[1500];

    /* mlx-community 4-bit with overrides: one model.safetensors, config.json
     * as a symlink into blobs as huggingface_hub writes it */
    snapshot_dir("mlx-community/Tiny-4bit", REV_A, true, d, sizeof d);
    char blobs[1400];
    snprintf(blobs, sizeof blobs, "%s/../../blobs", d);
    mkdirs(blobs);
    write_config(blobs, 2, true); /* blobs/config.json stands for a blob */
    snprintf(p, sizeof p, "%s/config.json", d);
    if (symlink("../../blobs/config.json", p) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/model.safetensors", d);
    write_st(p, t, quant_tensors(t));

    /* bf16 in two shards with an index; an older one-layer snapshot that
     * refs/main does not name */
    snapshot_dir("test-org/Tiny-bf16", REV_OLD, false, d, sizeof d);
    write_config(d, 1, false);
    snapshot_dir("test-org/Tiny-bf16", REV_NEW, true, d, sizeof d);
    write_config(d, 2, false);
    snprintf(p, sizeof p, "%s/model-00001-of-00002.safetensors", d);
    int n1 = float_tensors(t, 0, 1, true, false);
    g_shard1 = write_st(p, t, n1);
    mp_buf ix = MP_BUF_INIT;
    mp_buf_puts(&ix, "{\"weight_map\": {");
    for (int i = 0; i < n1; i++)
        mp_buf_printf(&ix, "%s\"%s\": \"model-00001-of-00002.safetensors\"", i ? ", " : "",
                      t[i].name);
    snprintf(p, sizeof p, "%s/model-00002-of-00002.safetensors", d);
    int n2 = float_tensors(t, 1, 2, false, true);
    g_shard2 = write_st(p, t, n2);
    for (int i = 0; i < n2; i++)
        mp_buf_printf(&ix, ", \"%s\": \"model-00002-of-00002.safetensors\"", t[i].name);
    mp_buf_printf(&ix, "}, \"metadata\": {\"total_size\": %.0f}}", g_shard1 + g_shard2);
    snprintf(p, sizeof p, "%s/model.safetensors.index.json", d);
    write_text(p, mp_buf_cstr(&ix));

    /* only config.json and the index were downloaded */
    snapshot_dir("test-org/Tiny-Partial", REV_A, true, d, sizeof d);
    write_config(d, 2, false);
    snprintf(p, sizeof p, "%s/model.safetensors.index.json", d);
    write_text(p, mp_buf_cstr(&ix));
    mp_buf_release(&ix);

    /* no refs/main: the newest snapshot with a config.json wins */
    snapshot_dir("test-org/No-Ref", REV_OLD, false, d, sizeof d);
    write_config(d, 1, false);
    struct timeval old[2] = {{1000000000, 0}, {1000000000, 0}};
    utimes(d, old);
    snapshot_dir("test-org/No-Ref", REV_NEW, false, d, sizeof d);
    write_config(d, 2, false);
    struct timeval newer[2] = {{1100000000, 0}, {1100000000, 0}};
    utimes(d, newer);
    snapshot_dir("test-org/No-Ref", "ffffffffffffffffffffffffffffffffffffffff", false, d,
                 sizeof d); /* newest of all, but no config.json */

    /* refs/main names a snapshot that is not there */
    snapshot_dir("test-org/Dangling", REV_NEW, false, d, sizeof d);
    write_config(d, 2, false);
    snprintf(p, sizeof p, "%s/models--test-org--Dangling/refs", g_hf);
    mkdirs(p);
    snprintf(p, sizeof p, "%s/models--test-org--Dangling/refs/main", g_hf);
    write_text(p, REV_A "\n");

    /* a broken header beside a good config */
    snapshot_dir("test-org/Broken", REV_A, true, d, sizeof d);
    write_config(d, 2, false);
    snprintf(p, sizeof p, "%s/model.safetensors", d);
    {
        /* a 16-byte header length, then 16 bytes that are not JSON */
        static const char broken[] = "\x10\x00\x00\x00\x00\x00\x00\x00{not json at all";
        FILE *f = fopen(p, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(broken, 1, sizeof broken - 1, f), sizeof broken - 1);
        assert_int_equal(fclose(f), 0);
    }

    /* the same name under another org, and a repo with no config at all */
    snapshot_dir("other-org/Tiny-bf16", REV_A, true, d, sizeof d);
    write_config(d, 2, false);
    snapshot_dir("test-org/Weights-Only", REV_A, true, d, sizeof d);
    free(t);

    setenv("HF_HUB_CACHE", g_hf, 1);
    setenv("HF_HUB_OFFLINE", "1", 1);
    snprintf(p, sizeof p, "%s/mlxplan", g_root);
    setenv("MLXPLAN_CACHE_DIR", p, 1);
    return 0;
}

/* ---- resolution --------------------------------------------------------------- */

static const mp_load_opts OFFLINE = {true};

static void load_ok(const char *spec, mp_arch *a, mp_origin *o)
{
    mp_error e;
    mp_error_clear(&e);
    if (mp_model_load(spec, &OFFLINE, a, o, &e) != 0)
        fail_msg("%s: %s", spec, e.msg);
}

static void test_single_quantized(void **state)
{
    (void)state;
    mp_arch a;
    mp_origin o;
    load_ok("mlx-community/Tiny-4bit", &a, &o);
    assert_int_equal(o.kind, MP_ORIGIN_HF_CACHE);
    char want[1400];
    snprintf(want, sizeof want, "%s/models--mlx-community--Tiny-4bit/snapshots/" REV_A, g_hf);
    assert_string_equal(o.where, want);
    assert_string_equal(o.revision, REV_A);
    assert_string_equal(o.ref, "main");
    assert_string_equal(a.id, "mlx-community/Tiny-4bit");
    /* the config's quantization block sets the format, overrides included */
    assert_true(a.has_config_quant);
    assert_int_equal(a.config_quant.bits, 4);
    assert_int_equal(a.config_quant.group, 64);
    assert_int_equal(a.n_qoverrides, 2);
    /* exact sizes from the header */
    assert_true(o.ckpt.known);
    assert_true(o.ckpt.tensor_bytes == Q4_BYTES);
    assert_true(o.ckpt.params == PARAMS);
    assert_int_equal(o.ckpt.files, 1);
    assert_int_equal(o.ckpt.tensors, 50);
    assert_string_equal(o.ckpt.basis, "safetensors headers of 1 file");
    /* and mlxplan's own tensor list agrees to the byte */
    mp_quant nq = mp_arch_native_quant(&a);
    assert_true(mp_arch_weight_bytes(&a, &nq, NULL) == Q4_BYTES);
    assert_true(mp_arch_params(&a) == PARAMS);
    mp_arch_release(&a);
}

static void test_sharded_refs_main(void **state)
{
    (void)state;
    assert_true(g_shard1 + g_shard2 == BF16_BYTES);
    mp_arch a;
    mp_origin o;
    load_ok("test-org/Tiny-bf16", &a, &o);
    /* refs/main names the two-layer snapshot, not the older one-layer one */
    assert_string_equal(o.revision, REV_NEW);
    assert_int_equal(a.n_layers, 2);
    assert_true(o.ckpt.tensor_bytes == BF16_BYTES);
    assert_true(o.ckpt.params == PARAMS);
    assert_int_equal(o.ckpt.files, 2);
    assert_int_equal(o.ckpt.tensors, 20);
    assert_string_equal(o.ckpt.basis, "safetensors headers of 2 files named by the index");
    assert_true(o.ckpt.file_bytes > BF16_BYTES);
    mp_quant nq = mp_arch_native_quant(&a);
    assert_true(mp_arch_weight_bytes(&a, &nq, NULL) == BF16_BYTES);
    mp_arch_release(&a);
}

static void test_partial_download(void **state)
{
    (void)state;
    mp_arch a;
    mp_origin o;
    load_ok("test-org/Tiny-Partial", &a, &o);
    assert_true(o.ckpt.known);
    assert_true(o.ckpt.tensor_bytes == BF16_BYTES);
    assert_true(o.ckpt.params == 0); /* an index has no shapes */
    assert_int_equal(o.ckpt.files, 2);
    assert_int_equal(o.ckpt.tensors, 20);
    assert_non_null(strstr(o.ckpt.basis, "metadata.total_size"));
    mp_arch_release(&a);
}

static void test_newest_snapshot(void **state)
{
    (void)state;
    mp_arch a;
    mp_origin o;
    load_ok("test-org/No-Ref", &a, &o);
    assert_string_equal(o.revision, REV_NEW);
    assert_string_equal(o.ref, "");
    assert_int_equal(a.n_layers, 2);
    assert_false(o.ckpt.known); /* config only */
    assert_string_equal(o.note, "");
    mp_arch_release(&a);
    /* a refs/main naming a missing snapshot falls back the same way */
    load_ok("test-org/Dangling", &a, &o);
    assert_string_equal(o.revision, REV_NEW);
    assert_string_equal(o.ref, "");
    mp_arch_release(&a);
}

static void test_names(void **state)
{
    (void)state;
    mp_arch a;
    mp_origin o;
    load_ok("MLX-COMMUNITY/tiny-4BIT", &a, &o); /* Hub ids ignore case */
    assert_string_equal(a.id, "mlx-community/Tiny-4bit");
    mp_arch_release(&a);
    load_ok("Tiny-4bit", &a, &o); /* a bare name one org has */
    assert_string_equal(a.id, "mlx-community/Tiny-4bit");
    mp_arch_release(&a);
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_model_load("Tiny-bf16", &OFFLINE, &a, &o, &e), MP_EAMBIGUOUS);
    assert_string_equal(e.msg, "'Tiny-bf16' names 2 repos in the Hugging Face cache: "
                               "'other-org/Tiny-bf16', 'test-org/Tiny-bf16'; give the org too");
}

static void test_broken_header(void **state)
{
    (void)state;
    mp_arch a;
    mp_origin o;
    load_ok("test-org/Broken", &a, &o); /* the config is good: the estimate can go on */
    bool known = o.ckpt.known;
    /* the reason follows the file's path, which depends on where the tests
     * run: the note may be cut before it, so only its start is fixed */
    bool noted = strncmp(o.note, "checkpoint sizes not read: ", 27) == 0 &&
                 strstr(o.note, "model.safetensors") != NULL;
    mp_arch_release(&a);
    assert_false(known);
    assert_true(noted);
}

static void test_not_found(void **state)
{
    (void)state;
    mp_arch a;
    mp_origin o;
    mp_error e;
    char want[2000];
    /* a repo without config.json, offline */
    mp_error_clear(&e);
    assert_int_equal(mp_model_load("test-org/Weights-Only", &OFFLINE, &a, &o, &e), MP_ENOTFOUND);
    snprintf(want, sizeof want,
             "'test-org/Weights-Only' is not in the registry or the local Hugging Face cache "
             "with a config.json (%s/models--test-org--Weights-Only has none), and the Hub is off "
             "(--offline / HF_HUB_OFFLINE=1)",
             g_hf);
    assert_string_equal(e.msg, want);
    /* close cached names are suggested */
    mp_error_clear(&e);
    assert_int_equal(mp_model_load("mlx-community/Tiny-8bit", &OFFLINE, &a, &o, &e),
                     MP_ENOTFOUND);
    assert_non_null(strstr(e.msg, "; did you mean 'mlx-community/Tiny-4bit'"));
    /* the Hub is off through the environment too, even with opts allowing it,
     * and even with an endpoint that would answer nothing */
    setenv("HF_ENDPOINT", "http://127.0.0.1:9", 1);
    mp_error_clear(&e);
    assert_int_equal(mp_model_load("test-org/Nope", NULL, &a, &o, &e), MP_ENOTFOUND);
    assert_non_null(strstr(e.msg, "and the Hub is off"));
    /* names that cannot be repo ids never reach the cache or the Hub */
    mp_error_clear(&e);
    assert_int_equal(mp_model_load("org/../x", NULL, &a, &o, &e), MP_ENOTFOUND);
    assert_non_null(strstr(e.msg, "unknown model 'org/../x'"));
}

/* ---- the description cache ------------------------------------------------------ */

static void test_desc_cache(void **state)
{
    (void)state;
    char dir[1200];
    assert_int_equal(mp_desc_cache_dir(dir, sizeof dir, NULL), 0);
    char want[1200];
    snprintf(want, sizeof want, "%s/mlxplan/models", g_root);
    assert_string_equal(dir, want);

    char cfg[1024];
    snprintf(cfg, sizeof cfg, CONFIG_FMT, 2, "");
    mp_desc d;
    memset(&d, 0, sizeof d);
    snprintf(d.repo, sizeof d.repo, "Test-Org/Tiny-Hub");
    snprintf(d.commit, sizeof d.commit, "%s", REV_NEW);
    snprintf(d.url, sizeof d.url, "https://huggingface.co/Test-Org/Tiny-Hub");
    d.fetched_s = 1735689600;
    d.config = cfg;
    d.config_len = strlen(cfg);
    d.has_sizes = true;
    snprintf(d.size_basis, sizeof d.size_basis, "model.safetensors.index.json metadata.total_size");
    d.tensor_bytes = BF16_BYTES;
    d.files = 2;
    d.tensors = 20;
    char path[1400];
    assert_int_equal(mp_desc_store(dir, &d, path, sizeof path, NULL), 0);
    snprintf(want, sizeof want, "%s/models--test-org--tiny-hub.json", dir);
    assert_string_equal(path, want);
    /* a file that is not ours lives beside it */
    char other[1400];
    snprintf(other, sizeof other, "%s/keep.txt", dir);
    write_text(other, "not mlxplan's");

    mp_desc back;
    assert_int_equal(mp_desc_load(dir, "test-org/tiny-hub", &back, NULL, 0, NULL), 0);
    assert_string_equal(back.repo, "Test-Org/Tiny-Hub");
    assert_string_equal(back.commit, REV_NEW);
    assert_true(back.fetched_s == 1735689600);
    assert_string_equal(back.config, cfg);
    assert_true(back.tensor_bytes == BF16_BYTES);
    mp_desc_release(&back);

    /* through mp_model_load: offline, served from the description cache */
    mp_arch a;
    mp_origin o;
    load_ok("test-org/Tiny-Hub", &a, &o);
    assert_int_equal(o.kind, MP_ORIGIN_HUB);
    assert_true(o.from_cache);
    assert_string_equal(o.where, "https://huggingface.co/Test-Org/Tiny-Hub");
    assert_string_equal(o.revision, REV_NEW);
    assert_string_equal(o.cache_file, want);
    assert_true(o.ckpt.tensor_bytes == BF16_BYTES);
    assert_int_equal(a.n_layers, 2);
    mp_arch_release(&a);

    mp_desc_entry e[4];
    int n = -1;
    assert_int_equal(mp_desc_list(dir, e, 4, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_string_equal(e[0].repo, "Test-Org/Tiny-Hub");
    struct stat st;
    assert_int_equal(stat(want, &st), 0);
    assert_true(e[0].record_bytes == (double)st.st_size);

    /* a corrupt record is ignored, not trusted */
    write_text(want, "{\"mlxplan_description\": 1, \"repo\": \"test-org/Tiny-Hub\"}");
    mp_error err;
    mp_error_clear(&err);
    assert_int_equal(mp_desc_load(dir, "test-org/Tiny-Hub", &back, NULL, 0, &err), MP_ENOTFOUND);
    assert_int_equal(mp_desc_list(dir, e, 4, &n, NULL), 0);
    assert_int_equal(n, 0);

    /* ids that are not repo ids never become file names */
    snprintf(d.repo, sizeof d.repo, "../escape");
    assert_int_equal(mp_desc_store(dir, &d, NULL, 0, NULL), MP_EINVAL);
    snprintf(d.repo, sizeof d.repo, "a/..");
    assert_int_equal(mp_desc_store(dir, &d, NULL, 0, NULL), MP_EINVAL);

    /* clear removes our files only; the folder stays for keep.txt */
    int removed = -1;
    assert_int_equal(mp_desc_clear(dir, &removed, NULL), 0);
    assert_int_equal(removed, 1);
    assert_int_equal(stat(want, &st), -1);
    assert_int_equal(stat(other, &st), 0);
    unlink(other);
    assert_int_equal(mp_desc_clear(dir, &removed, NULL), 0);
    assert_int_equal(removed, 0);
    assert_int_equal(stat(dir, &st), -1); /* emptied, then removed */
    assert_int_equal(mp_desc_list(dir, e, 4, &n, NULL), 0);
    assert_int_equal(n, 0);
}

/* ---- settings --------------------------------------------------------------------- */

static void test_cache_root(void **state)
{
    (void)state;
    char buf[1200];
    const char *keep = getenv("HF_HUB_CACHE");
    char saved[1200];
    snprintf(saved, sizeof saved, "%s", keep ? keep : "");
    unsetenv("HUGGINGFACE_HUB_CACHE");
    setenv("HF_HOME", "/h", 1);
    setenv("XDG_CACHE_HOME", "/x", 1);
    setenv("HOME", "/home/u", 1);
    setenv("HF_HUB_CACHE", "/direct", 1);
    assert_int_equal(mp_hf_cache_root(buf, sizeof buf, NULL), 0);
    assert_string_equal(buf, "/direct");
    setenv("HF_HUB_CACHE", "~/hfc", 1);
    assert_int_equal(mp_hf_cache_root(buf, sizeof buf, NULL), 0);
    assert_string_equal(buf, "/home/u/hfc");
    unsetenv("HF_HUB_CACHE");
    setenv("HUGGINGFACE_HUB_CACHE", "/legacy", 1);
    assert_int_equal(mp_hf_cache_root(buf, sizeof buf, NULL), 0);
    assert_string_equal(buf, "/legacy");
    unsetenv("HUGGINGFACE_HUB_CACHE");
    assert_int_equal(mp_hf_cache_root(buf, sizeof buf, NULL), 0);
    assert_string_equal(buf, "/h/hub");
    unsetenv("HF_HOME");
    assert_int_equal(mp_hf_cache_root(buf, sizeof buf, NULL), 0);
    assert_string_equal(buf, "/x/huggingface/hub");
    unsetenv("XDG_CACHE_HOME");
    assert_int_equal(mp_hf_cache_root(buf, sizeof buf, NULL), 0);
    assert_string_equal(buf, "/home/u/.cache/huggingface/hub");
    unsetenv("HOME");
    assert_int_equal(mp_hf_cache_root(buf, sizeof buf, NULL), MP_ENOTFOUND);
    setenv("HF_HUB_CACHE", saved, 1);
}

static void test_repo_ids(void **state)
{
    (void)state;
    static const char *good[] = {"Qwen/Qwen3-8B", "mlx-community/Qwen2.5-7B-Instruct-4bit",
                                 "a/b", "org_1/x.y_z"};
    static const char *bad[] = {"", "Qwen3-8B", "a/b/c", "/abs", "a/", "/b", "a/..", "../a",
                                "a/.hidden", "a/b-", "a--b/c", "a/b..c", "a/b c", "a/b?x",
                                "a/b%2f", "a/b\n"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!mp_hub_repo_id_valid(good[i]))
            fail_msg("'%s' should be a repo id", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (mp_hub_repo_id_valid(bad[i]))
            fail_msg("'%s' should not be a repo id", bad[i]);
    char longer[200];
    memset(longer, 'a', sizeof longer);
    longer[0] = 'o';
    longer[1] = '/';
    longer[2 + 97] = '\0'; /* 97 characters: one over the Hub's limit */
    assert_false(mp_hub_repo_id_valid(longer));
    longer[2 + 96] = '\0';
    assert_true(mp_hub_repo_id_valid(longer));
}

static void test_hub_settings(void **state)
{
    (void)state;
    mp_hub_cfg c;
    mp_error e;
    unsetenv("HF_ENDPOINT");
    unsetenv("HF_TOKEN");
    unsetenv("MLXPLAN_HUB_TIMEOUT_S");
    assert_int_equal(mp_hub_cfg_from_env(&c, NULL), 0);
    assert_string_equal(c.endpoint, "https://huggingface.co");
    assert_string_equal(c.host, "huggingface.co");
    assert_string_equal(c.shown, "https://huggingface.co");
    assert_string_equal(c.token, "");
    assert_int_equal(c.connect_timeout_s, 10);
    assert_int_equal(c.timeout_s, 30);
    setenv("HF_ENDPOINT", "http://user:pw@127.0.0.1:8080/mirror//", 1);
    setenv("HF_TOKEN", "hf_abc", 1);
    setenv("MLXPLAN_HUB_TIMEOUT_S", "2", 1);
    assert_int_equal(mp_hub_cfg_from_env(&c, NULL), 0);
    assert_string_equal(c.endpoint, "http://user:pw@127.0.0.1:8080/mirror");
    assert_string_equal(c.host, "127.0.0.1:8080");
    assert_string_equal(c.shown, "http://127.0.0.1:8080/mirror");
    assert_string_equal(c.token, "hf_abc");
    assert_int_equal(c.timeout_s, 2);
    assert_int_equal(c.connect_timeout_s, 2);
    static const char *bad[] = {"ftp://x", "huggingface.co", "https://", "http:///x",
                                "https://a b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("HF_ENDPOINT", bad[i], 1);
        mp_error_clear(&e);
        if (mp_hub_cfg_from_env(&c, &e) != MP_EINVAL)
            fail_msg("HF_ENDPOINT '%s' accepted", bad[i]);
        assert_non_null(strstr(e.msg, "HF_ENDPOINT must be an http:// or https:// URL"));
    }
    unsetenv("HF_ENDPOINT");
    setenv("MLXPLAN_HUB_TIMEOUT_S", "601", 1);
    assert_int_equal(mp_hub_cfg_from_env(&c, NULL), MP_EINVAL);
    unsetenv("MLXPLAN_HUB_TIMEOUT_S");
    unsetenv("HF_TOKEN");
    /* MLXPLAN_LIBCURL: which libcurl the first fetch loads */
    assert_int_equal(mp_hub_cfg_from_env(&c, NULL), 0);
    assert_string_equal(c.libcurl, "");
    setenv("MLXPLAN_LIBCURL", "/opt/curl/lib/libcurl.so.4", 1);
    assert_int_equal(mp_hub_cfg_from_env(&c, NULL), 0);
    assert_string_equal(c.libcurl, "/opt/curl/lib/libcurl.so.4");
    char long_name[300];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    setenv("MLXPLAN_LIBCURL", long_name, 1);
    mp_error_clear(&e);
    assert_int_equal(mp_hub_cfg_from_env(&c, &e), MP_EINVAL);
    assert_string_equal(e.msg, "MLXPLAN_LIBCURL is longer than 255 characters");
#ifdef MLXPLAN_HAVE_CURL
    /* a libcurl that is not there: one line naming what was tried, before
     * any request (the endpoint is never asked) */
    setenv("MLXPLAN_LIBCURL", "libmlxplan-absent.so.0", 1);
    assert_int_equal(mp_hub_cfg_from_env(&c, NULL), 0);
    mp_hub_fetch f;
    mp_error_clear(&e);
    assert_int_equal(mp_hub_fetch_model(&c, "test-org/Nope", &f, &e), MP_EUNSUPPORTED);
    assert_false(f.repo_missing);
    assert_null(f.config);
    assert_non_null(strstr(e.msg, "cannot ask the Hub for 'test-org/Nope': cannot load libcurl "
                                  "(tried libmlxplan-absent.so.0): "));
    assert_non_null(strstr(e.msg, "; install libcurl or fix MLXPLAN_LIBCURL (--offline stays "
                                  "local)"));
    assert_null(strchr(e.msg, '\n'));
#endif
    unsetenv("MLXPLAN_LIBCURL");
    /* HF_HUB_OFFLINE's true values, as huggingface_hub reads them */
    static const char *on[] = {"1", "ON", "yes", "True"}, *off[] = {"0", "", "no", "false"};
    for (size_t i = 0; i < 4; i++) {
        setenv("HF_HUB_OFFLINE", on[i], 1);
        assert_true(mp_hub_offline_env());
        setenv("HF_HUB_OFFLINE", off[i], 1);
        assert_false(mp_hub_offline_env());
    }
    setenv("HF_HUB_OFFLINE", "1", 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_quantized), cmocka_unit_test(test_sharded_refs_main),
        cmocka_unit_test(test_partial_download), cmocka_unit_test(test_newest_snapshot),
        cmocka_unit_test(test_names),            cmocka_unit_test(test_broken_header),
        cmocka_unit_test(test_not_found),        cmocka_unit_test(test_desc_cache),
        cmocka_unit_test(test_cache_root),       cmocka_unit_test(test_repo_ids),
        cmocka_unit_test(test_hub_settings),
    };
    return cmocka_run_group_tests(tests, build_cache, NULL);
}
