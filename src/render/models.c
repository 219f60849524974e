/* models.c - registry, architecture and inspection renderers; see models.h. */
#include "render/models.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine/infer.h"
#include "render/estimate.h"
#include "render/json.h"
#include "render/table.h"
#include "util/text.h"

static bool family_match(const mp_model_row *r, const char *family)
{
    return !family || mp_ieq(r->family, family);
}

/* Per-token KV-cache bytes of the layers whose cache grows with the context. */
static double kv_per_token(const mp_arch *a)
{
    mp_quant q = mp_arch_native_quant(a);
    double ab = mp_dtype_bytes(q.mode == MP_Q_FLOAT ? q.dtype : a->dtype);
    double s = 0;
    for (int64_t i = 0; i < a->n_layers; i++)
        if (a->layers[i].attn == MP_ATTN_FULL || a->layers[i].attn == MP_ATTN_LATENT)
            s += (double)a->layers[i].kv_elems * ab;
    return s;
}

void mp_render_model_list_md(const char *family, mp_buf *out)
{
    static const char *const hdr[] = {"model", "module", ">params", ">active", ">layers",
                                      ">context", "dtype", "family", "use"};
    mp_table t;
    mp_table_init(&t, 9, hdr);
    size_t n = 0;
    for (size_t i = 0; i < mp_model_rows_len; i++) {
        const mp_model_row *r = &mp_model_rows[i];
        if (!family_match(r, family))
            continue;
        mp_arch a;
        if (mp_registry_arch(r, &a, NULL) != 0)
            continue;
        char p[16], act[16], ctx[24];
        mp_fmt_params(mp_arch_params(&a), p, sizeof p);
        mp_fmt_params(mp_arch_active_params(&a), act, sizeof act);
        if (a.max_position)
            mp_fmt_count((double)a.max_position, ctx, sizeof ctx);
        else
            snprintf(ctx, sizeof ctx, "-");
        mp_table_rowf(&t, "%s\t%s\t%s\t%s\t%lld\t%s\t%s\t%s\t%s", r->id, a.module, p,
                      a.n_experts ? act : "", (long long)a.n_layers, ctx,
                      mp_dtype_name(a.dtype), r->family, r->use);
        mp_arch_release(&a);
        n++;
    }
    mp_buf_printf(out, "# Models: %zu in the registry%s%s\n\n", n, family ? ", family " : "",
                  family ? family : "");
    mp_table_write(&t, out);
    mp_table_release(&t);
    mp_buf_puts(out, "\nParameters as mlx-lm counts them after loading (vision towers and "
                     "multi-token-prediction layers dropped); 'active' is per token for MoE "
                     "models; 'use' is what the model is for (chat, coding, reasoning, vision: "
                     "images through mlx-vlm, embedding, edge: 4B or fewer, base: pretrained "
                     "only).  Any other Hugging Face config.json or model folder works too: "
                     "--model PATH.\n");
}

cJSON *mp_render_model_list_json(const char *family)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "models");
    for (size_t i = 0; i < mp_model_rows_len; i++) {
        const mp_model_row *r = &mp_model_rows[i];
        if (!family_match(r, family))
            continue;
        mp_arch a;
        if (mp_registry_arch(r, &a, NULL) != 0)
            continue;
        cJSON *o = cJSON_CreateObject();
        mp_json_str(o, "id", r->id);
        mp_json_str(o, "family", r->family);
        mp_json_str(o, "model_type", a.model_type);
        mp_json_str(o, "mlx_lm_module", a.module);
        mp_json_num(o, "params", mp_arch_params(&a));
        mp_json_num(o, "active_params", mp_arch_active_params(&a));
        mp_json_num(o, "layers", (double)a.n_layers);
        mp_json_num(o, "max_position_tokens", a.max_position ? (double)a.max_position : NAN);
        mp_json_str(o, "dtype", mp_dtype_name(a.dtype));
        cJSON *uses = cJSON_AddArrayToObject(o, "use");
        char buf[256];
        mp_strlcpy(buf, r->use, sizeof buf);
        char *save = NULL;
        for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
            cJSON_AddItemToArray(uses, cJSON_CreateString(w));
        cJSON *al = cJSON_AddArrayToObject(o, "aliases");
        mp_strlcpy(buf, r->aliases, sizeof buf);
        save = NULL;
        for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
            cJSON_AddItemToArray(al, cJSON_CreateString(w));
        cJSON_AddItemToArray(arr, o);
        mp_arch_release(&a);
    }
    return root;
}

static const char *origin_label(const mp_origin *o)
{
    switch (o->kind) {
    case MP_ORIGIN_REGISTRY: return "registry";
    case MP_ORIGIN_FILE: return "config file";
    case MP_ORIGIN_DIR: return "model folder";
    case MP_ORIGIN_HF_CACHE: return "Hugging Face cache";
    case MP_ORIGIN_HUB: return "Hugging Face Hub";
    }
    return "?";
}

static void layer_summary(const mp_arch *a, char *buf, size_t cap)
{
    int full = 0, slide = 0, lat = 0, lin = 0, shared = 0, win = 0;
    for (int64_t i = 0; i < a->n_layers; i++) {
        switch (a->layers[i].attn) {
        case MP_ATTN_FULL: full++; break;
        case MP_ATTN_SLIDING:
        case MP_ATTN_CHUNKED:
            slide++;
            win = a->layers[i].window;
            break;
        case MP_ATTN_LATENT: lat++; break;
        case MP_ATTN_LINEAR: lin++; break;
        case MP_ATTN_SHARED: shared++; break;
        }
    }
    size_t k = 0;
    buf[0] = '\0';
    if (full)
        k += (size_t)snprintf(buf + k, cap - k, "%d full attention", full);
    if (lat && k < cap)
        k += (size_t)snprintf(buf + k, cap - k, "%s%d latent attention (MLA)", k ? ", " : "", lat);
    if (slide && k < cap)
        k += (size_t)snprintf(buf + k, cap - k, "%s%d windowed (%d tokens)", k ? ", " : "", slide,
                              win);
    if (lin && k < cap)
        k += (size_t)snprintf(buf + k, cap - k, "%s%d linear attention (fixed state)",
                              k ? ", " : "", lin);
    if (shared && k < cap)
        snprintf(buf + k, cap - k, "%s%d sharing another layer's cache", k ? ", " : "", shared);
}

void mp_render_model_md(const mp_arch *a, const mp_origin *o, mp_buf *out)
{
    char p[16], act[16], kv[32], lay[200];
    mp_fmt_params(mp_arch_params(a), p, sizeof p);
    mp_fmt_params(mp_arch_active_params(a), act, sizeof act);
    mp_buf_printf(out, "# %s\n\n", a->id);
    static const char *const hdr[] = {"property", "value"};
    mp_table t;
    mp_table_init(&t, 2, hdr);
    char src[1400];
    mp_fmt_origin(o, src, sizeof src);
    mp_table_rowf(&t, "source\t%s", src);
    mp_quant nq = mp_arch_native_quant(a);
    mp_fmt_ckpt(o, a, &nq, src, sizeof src);
    if (src[0])
        mp_table_rowf(&t, "checkpoint\t%s", src);
    mp_table_rowf(&t, "model_type\t%s (mlx-lm module %s%s)", a->model_type, a->module,
                  a->mlx_lm_supported ? "" : "; not in mlx-lm's list");
    mp_table_rowf(&t, "parameters\t%s%s%s%s", p, a->n_experts ? " total, " : "",
                  a->n_experts ? act : "", a->n_experts ? " active per token" : "");
    mp_table_rowf(&t, "layers\t%lld", (long long)a->n_layers);
    mp_table_rowf(&t, "hidden size\t%lld", (long long)a->hidden);
    mp_table_rowf(&t, "attention\t%lld heads, %lld KV heads, head dim %lld", (long long)a->n_heads,
                  (long long)a->n_kv_heads, (long long)a->head_dim);
    layer_summary(a, lay, sizeof lay);
    mp_table_rowf(&t, "layer kinds\t%s", lay);
    if (a->n_experts)
        mp_table_rowf(&t, "experts\t%lld routed, %lld per token, width %lld, %d MoE layers",
                      (long long)a->n_experts, (long long)a->experts_per_tok,
                      (long long)a->moe_intermediate, a->n_moe_layers);
    else
        mp_table_rowf(&t, "MLP width\t%lld", (long long)a->intermediate);
    mp_table_rowf(&t, "vocabulary\t%lld (%s embeddings)", (long long)a->vocab,
                  a->tied_embeddings ? "tied" : "untied");
    if (a->max_position)
        mp_table_rowf(&t, "max position\t%lld", (long long)a->max_position);
    mp_table_rowf(&t, "dtype\t%s%s", mp_dtype_name(a->dtype), a->dtype_assumed ? " (assumed)" : "");
    mp_fmt_count(kv_per_token(a), kv, sizeof kv);
    mp_table_rowf(&t, "KV cache per token\t%s bytes (growing layers, 16-bit)", kv);
    if (a->has_config_quant) {
        char ql[64];
        mp_quant_label(&a->config_quant, ql, sizeof ql);
        mp_table_rowf(&t, "stored quantization\t%s, %d per-layer overrides", ql, a->n_qoverrides);
    }
    mp_table_rowf(&t, "tensors\t%zu", a->n_tensors);
    mp_table_write(&t, out);
    mp_table_release(&t);

    mp_buf_puts(out, "\n## Weights by format\n\n");
    static const char *const wh[] = {"format", ">GiB", ">bits/weight"};
    mp_table_init(&t, 3, wh);
    static const char *const formats[] = {"bf16", "8", "6", "5", "4", "mxfp4", "mixed_3_6", "3",
                                          "2"};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        mp_quant q;
        if (mp_quant_parse(formats[i], 0, a->dtype, &q, NULL) != 0)
            continue;
        double w = mp_arch_weight_bytes(a, &q, NULL);
        char ql[64], g[32];
        mp_quant_label(&q, ql, sizeof ql);
        mp_fmt_gib(w, g, sizeof g);
        mp_table_rowf(&t, "%s\t%s\t%.2f", ql, g, w * 8 / mp_arch_params(a));
    }
    mp_table_write(&t, out);
    mp_table_release(&t);
    mp_buf_puts(out, "\nExact storage of every tensor mlx-lm holds in that format (norms, biases "
                     "and matrices whose input is not a multiple of the group size stay float; "
                     "the model's 8-bit router overrides and formats fixed in the checkpoint are "
                     "applied).\n");
    if (a->n_notes) {
        mp_buf_puts(out, "\n## Notes\n\n");
        for (int i = 0; i < a->n_notes; i++)
            mp_buf_printf(out, "- %s\n", a->notes[i]);
    }
}

cJSON *mp_render_model_json(const mp_arch *a, const mp_origin *o)
{
    cJSON *root = cJSON_CreateObject();
    mp_json_str(root, "id", a->id);
    cJSON *src = cJSON_AddObjectToObject(root, "source");
    mp_json_str(src, "kind", origin_label(o));
    mp_json_str(src, "where", o->where);
    mp_json_str(src, "revision", o->revision[0] ? o->revision : NULL);
    mp_json_str(src, "description_cache", o->cache_file[0] ? o->cache_file : NULL);
    mp_json_num(src, "fetched_unix_s", o->kind == MP_ORIGIN_HUB ? (double)o->fetched_s : NAN);
    cJSON_AddItemToObject(root, "checkpoint", mp_ckpt_json(o));
    mp_json_str(root, "model_type", a->model_type);
    mp_json_str(root, "mlx_lm_module", a->module);
    cJSON_AddBoolToObject(root, "mlx_lm_supported", a->mlx_lm_supported);
    mp_json_num(root, "params", mp_arch_params(a));
    mp_json_num(root, "active_params", mp_arch_active_params(a));
    mp_json_num(root, "layers", (double)a->n_layers);
    mp_json_num(root, "hidden_size", (double)a->hidden);
    mp_json_num(root, "intermediate_size", (double)a->intermediate);
    mp_json_num(root, "attention_heads", (double)a->n_heads);
    mp_json_num(root, "kv_heads", (double)a->n_kv_heads);
    mp_json_num(root, "head_dim", (double)a->head_dim);
    mp_json_num(root, "vocab_size", (double)a->vocab);
    cJSON_AddBoolToObject(root, "tied_embeddings", a->tied_embeddings);
    mp_json_num(root, "max_position_tokens", a->max_position ? (double)a->max_position : NAN);
    mp_json_str(root, "dtype", mp_dtype_name(a->dtype));
    mp_json_num(root, "experts", (double)a->n_experts);
    mp_json_num(root, "experts_per_token", (double)a->experts_per_tok);
    mp_json_num(root, "moe_layers", a->n_moe_layers);
    mp_json_num(root, "kv_cache_bytes_per_token", kv_per_token(a));
    char lay[200];
    layer_summary(a, lay, sizeof lay);
    mp_json_str(root, "layer_kinds", lay);
    if (a->has_config_quant) {
        char ql[64];
        mp_quant_label(&a->config_quant, ql, sizeof ql);
        mp_json_str(root, "stored_quantization", ql);
    } else {
        cJSON_AddNullToObject(root, "stored_quantization");
    }
    cJSON *w = cJSON_AddObjectToObject(root, "weights_bytes");
    static const char *const formats[] = {"bf16", "8", "6", "5", "4", "mxfp4", "3", "2"};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        mp_quant q;
        if (mp_quant_parse(formats[i], 0, a->dtype, &q, NULL) != 0)
            continue;
        char ql[64];
        mp_quant_label(&q, ql, sizeof ql);
        mp_json_num(w, ql, mp_arch_weight_bytes(a, &q, NULL));
    }
    cJSON *notes = cJSON_AddArrayToObject(root, "notes");
    for (int i = 0; i < a->n_notes; i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(a->notes[i]));
    return root;
}

void mp_render_inspect_md(const char *dir, const mp_arch *a, const mp_st_model *st, mp_buf *out)
{
    char n1[40], n2[40], n3[40];
    mp_buf_printf(out, "# %s\n\n", dir);
    char ql[64] = "none recorded (float weights)";
    if (a->has_config_quant)
        mp_quant_label(&a->config_quant, ql, sizeof ql);
    mp_buf_printf(out, "- config.json: %s (mlx-lm module %s); quantization: %s", a->model_type,
                  a->module, ql);
    if (a->n_qoverrides)
        mp_buf_printf(out, "; %d per-layer overrides", a->n_qoverrides);
    mp_fmt_count(st->file_bytes, n1, sizeof n1);
    mp_buf_printf(out, "\n- safetensors: %d file%s%s, %zu tensors, %s bytes on disk (headers read, "
                       "no tensor data)\n\n",
                  st->n_files, st->n_files == 1 ? "" : "s",
                  st->has_index ? " named by model.safetensors.index.json" : "", st->n_tensors, n1);
    static const char *const hdr[] = {"dtype", ">tensors", ">elements", ">bytes"};
    mp_table t;
    mp_table_init(&t, 4, hdr);
    for (int i = 0; i < st->n_dtypes; i++) {
        mp_fmt_count(st->dtypes[i].tensors, n1, sizeof n1);
        mp_fmt_count(st->dtypes[i].elements, n2, sizeof n2);
        mp_fmt_count(st->dtypes[i].bytes, n3, sizeof n3);
        mp_table_rowf(&t, "%s\t%s\t%s\t%s", st->dtypes[i].dtype, n1, n2, n3);
    }
    mp_fmt_count((double)st->n_tensors, n1, sizeof n1);
    mp_fmt_count(st->total_bytes, n3, sizeof n3);
    mp_table_rowf(&t, "**all**\t%s\t\t**%s**", n1, n3);
    mp_table_write(&t, out);
    mp_table_release(&t);

    double hp = mp_st_params(st, a), cp = mp_arch_params(a);
    mp_quant nq = mp_arch_native_quant(a);
    double cw = mp_arch_weight_bytes(a, &nq, NULL);
    mp_fmt_count(hp, n1, sizeof n1);
    mp_fmt_count(cp, n2, sizeof n2);
    mp_buf_printf(out, "\nParameters: %s from the headers (quantized weights counted as elements x "
                       "32 / bits, as mlx-lm does), %s from config.json: %s.\n",
                  n1, n2, hp == cp ? "equal" : "different");
    mp_fmt_count(st->total_bytes, n1, sizeof n1);
    mp_fmt_count(cw, n2, sizeof n2);
    mp_buf_printf(out, "Weight bytes: %s in the files, %s computed from config.json: %s.\n", n1, n2,
                  st->total_bytes == cw ? "equal" : "different");
    if (hp != cp || st->total_bytes != cw)
        mp_buf_puts(out, "\nA Hugging Face checkpoint can differ from what mlx-lm holds after "
                         "loading: vision towers and multi-token-prediction layers are dropped, "
                         "FP8 weights are dequantized, experts are stacked.  mlxplan's estimates "
                         "use the config.json figures.\n");
}

cJSON *mp_render_inspect_json(const char *dir, const mp_arch *a, const mp_st_model *st)
{
    cJSON *root = cJSON_CreateObject();
    mp_json_str(root, "path", dir);
    mp_json_str(root, "model_type", a->model_type);
    mp_json_str(root, "mlx_lm_module", a->module);
    if (a->has_config_quant) {
        cJSON *q = cJSON_AddObjectToObject(root, "quantization");
        static const char *const modes[] = {"float", "affine", "mxfp4", "nvfp4", "mxfp8"};
        mp_json_str(q, "mode", modes[a->config_quant.mode]);
        mp_json_num(q, "bits", a->config_quant.bits);
        mp_json_num(q, "group_size", a->config_quant.group);
        cJSON *ov = cJSON_AddArrayToObject(q, "overrides");
        for (int i = 0; i < a->n_qoverrides; i++) {
            cJSON *o = cJSON_CreateObject();
            mp_json_str(o, "path", a->qoverrides[i].path);
            cJSON_AddBoolToObject(o, "quantized", a->qoverrides[i].quantized);
            if (a->qoverrides[i].quantized) {
                /* an entry's mode can differ from the block's (an affine
                 * router in an mxfp4 model) */
                mp_json_str(o, "mode", modes[a->qoverrides[i].q.mode]);
                mp_json_num(o, "bits", a->qoverrides[i].q.bits);
                mp_json_num(o, "group_size", a->qoverrides[i].q.group);
            }
            cJSON_AddItemToArray(ov, o);
        }
    } else {
        cJSON_AddNullToObject(root, "quantization");
    }
    mp_json_num(root, "files", st->n_files);
    cJSON_AddBoolToObject(root, "index", st->has_index);
    mp_json_num(root, "file_bytes", st->file_bytes);
    mp_json_num(root, "tensors", (double)st->n_tensors);
    cJSON *d = cJSON_AddArrayToObject(root, "dtypes");
    for (int i = 0; i < st->n_dtypes; i++) {
        cJSON *o = cJSON_CreateObject();
        mp_json_str(o, "dtype", st->dtypes[i].dtype);
        mp_json_num(o, "tensors", st->dtypes[i].tensors);
        mp_json_num(o, "elements", st->dtypes[i].elements);
        mp_json_num(o, "bytes", st->dtypes[i].bytes);
        cJSON_AddItemToArray(d, o);
    }
    mp_quant nq = mp_arch_native_quant(a);
    mp_json_num(root, "weights_bytes", st->total_bytes);
    mp_json_num(root, "config_weights_bytes", mp_arch_weight_bytes(a, &nq, NULL));
    mp_json_num(root, "params", mp_st_params(st, a));
    mp_json_num(root, "config_params", mp_arch_params(a));
    return root;
}

/* ---- the description cache ---------------------------------------------------- */

static void utc_text(int64_t unix_s, char *buf, size_t cap)
{
    time_t t = (time_t)unix_s;
    struct tm tm;
    if (unix_s <= 0 || !gmtime_r(&t, &tm) || !strftime(buf, cap, "%Y-%m-%d %H:%M", &tm))
        snprintf(buf, cap, "?");
}

void mp_render_desc_cache_md(const char *dir, const mp_desc_entry *e, int n, mp_buf *out)
{
    mp_buf_printf(out, "# Model descriptions cached by mlxplan\n\nFolder: %s\n\n", dir);
    if (n == 0) {
        mp_buf_puts(out, "No description is cached.\n");
        return;
    }
    static const char *const hdr[] = {"repo", "revision", "fetched (UTC)", ">checkpoint GiB",
                                      ">file bytes"};
    mp_table t;
    mp_table_init(&t, 5, hdr);
    for (int i = 0; i < n; i++) {
        char when[40], g[32] = "?", b[40];
        utc_text(e[i].fetched_s, when, sizeof when);
        if (e[i].tensor_bytes > 0)
            mp_fmt_gib(e[i].tensor_bytes, g, sizeof g);
        mp_fmt_count(e[i].record_bytes, b, sizeof b);
        mp_table_rowf(&t, "%s\t%s\t%s\t%s\t%s", e[i].repo, e[i].commit[0] ? e[i].commit : "main",
                      when, g, b);
    }
    mp_table_write(&t, out);
    mp_table_release(&t);
    mp_buf_printf(out, "\n%d description%s; 'mlxplan models cache clear' removes them.\n", n,
                  n == 1 ? "" : "s");
}

cJSON *mp_render_desc_cache_json(const char *dir, const mp_desc_entry *e, int n)
{
    cJSON *root = cJSON_CreateObject();
    mp_json_str(root, "folder", dir);
    cJSON *arr = cJSON_AddArrayToObject(root, "descriptions");
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        char when[40];
        utc_text(e[i].fetched_s, when, sizeof when);
        mp_json_str(o, "repo", e[i].repo);
        mp_json_str(o, "commit", e[i].commit[0] ? e[i].commit : NULL);
        mp_json_num(o, "fetched_unix_s", (double)e[i].fetched_s);
        mp_json_str(o, "fetched_utc", when);
        mp_json_num(o, "checkpoint_bytes", e[i].tensor_bytes > 0 ? e[i].tensor_bytes : NAN);
        mp_json_num(o, "file_bytes", e[i].record_bytes);
        cJSON_AddItemToArray(arr, o);
    }
    return root;
}

void mp_render_desc_clear_md(const char *dir, int removed, mp_buf *out)
{
    mp_buf_printf(out, "Removed %d model description%s from %s.\n", removed,
                  removed == 1 ? "" : "s", dir);
}

cJSON *mp_render_desc_clear_json(const char *dir, int removed)
{
    cJSON *root = cJSON_CreateObject();
    mp_json_str(root, "folder", dir);
    mp_json_num(root, "removed", removed);
    return root;
}
