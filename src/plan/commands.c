/* commands.c - command lines from the knowledge base's flags; see commands.h. */
#include "plan/commands.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "engine/tdata.h"
#include "kb/kb.h"

static bool plain_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-_./:=,@+%", c) != NULL;
}

void mp_cmd_word(mp_buf *b, const char *w)
{
    bool plain = *w != '\0';
    for (const char *p = w; *p; p++)
        if (!plain_char(*p))
            plain = false;
    if (plain) {
        mp_buf_puts(b, w);
        return;
    }
    mp_buf_putc(b, '\'');
    for (const char *p = w; *p; p++) {
        if (*p == '\'')
            mp_buf_puts(b, "'\\''");
        else
            mp_buf_putc(b, *p);
    }
    mp_buf_putc(b, '\'');
}

void mp_cmd_start(mp_buf *b, const char *command)
{
    assert(mp_kb_cli_command_known(command));
    mp_buf_puts(b, command);
}

void mp_cmd_flag(mp_buf *b, const char *command, const char *flag, const char *value)
{
    const mp_cli_row *r = mp_kb_cli_find(command, flag);
    assert(r != NULL && "flag missing from data/mlx/mlx-lm-cli.tsv");
    mp_buf_putc(b, ' ');
    mp_buf_puts(b, r ? flag : "--UNKNOWN-FLAG");
    if (value) {
        mp_buf_putc(b, ' ');
        mp_cmd_word(b, value);
    }
}

const char *mp_cmd_dtype(mp_dtype d)
{
    return mp_dtype_name(d);
}

void mp_cmd_convert(mp_buf *b, const char *hf_id, const mp_quant *q, const char *out_dir)
{
    static const char *const cmd = "mlx_lm.convert";
    char num[16];
    mp_cmd_start(b, cmd);
    mp_cmd_flag(b, cmd, "--hf-path", hf_id);
    switch (q->mode) {
    case MP_Q_FLOAT:
        mp_cmd_flag(b, cmd, "--dtype", mp_cmd_dtype(q->dtype));
        break;
    case MP_Q_AFFINE:
        mp_cmd_flag(b, cmd, "-q", NULL);
        if (q->recipe) {
            static const char *const names[] = {"", "mixed_2_6", "mixed_3_4", "mixed_3_6",
                                                "mixed_4_6"};
            mp_cmd_flag(b, cmd, "--quant-predicate", names[q->recipe]);
        } else {
            snprintf(num, sizeof num, "%d", q->bits);
            mp_cmd_flag(b, cmd, "--q-bits", num);
        }
        snprintf(num, sizeof num, "%d", q->group);
        mp_cmd_flag(b, cmd, "--q-group-size", num);
        break;
    case MP_Q_MXFP4:
    case MP_Q_NVFP4:
    case MP_Q_MXFP8:
        mp_cmd_flag(b, cmd, "-q", NULL);
        mp_cmd_flag(b, cmd, "--q-mode",
                    q->mode == MP_Q_MXFP4 ? "mxfp4" : q->mode == MP_Q_NVFP4 ? "nvfp4" : "mxfp8");
        break;
    }
    mp_cmd_flag(b, cmd, "--mlx-path", out_dir);
}

void mp_cmd_generate(mp_buf *b, const char *model, int64_t max_tokens, int kv_bits,
                     int kv_group, int64_t max_kv_size)
{
    static const char *const cmd = "mlx_lm.generate";
    char num[32];
    mp_cmd_start(b, cmd);
    mp_cmd_flag(b, cmd, "--model", model);
    mp_cmd_flag(b, cmd, "--prompt", "-");
    snprintf(num, sizeof num, "%lld", (long long)max_tokens);
    mp_cmd_flag(b, cmd, "--max-tokens", num);
    if (kv_bits) {
        snprintf(num, sizeof num, "%d", kv_bits);
        mp_cmd_flag(b, cmd, "--kv-bits", num);
        if (kv_group && kv_group != 64) {
            snprintf(num, sizeof num, "%d", kv_group);
            mp_cmd_flag(b, cmd, "--kv-group-size", num);
        }
    }
    if (max_kv_size) {
        snprintf(num, sizeof num, "%lld", (long long)max_kv_size);
        mp_cmd_flag(b, cmd, "--max-kv-size", num);
    }
}

void mp_cmd_benchmark(mp_buf *b, const char *model, int64_t prompt_tokens, int64_t gen_tokens,
                      int batch)
{
    static const char *const cmd = "mlx_lm.benchmark";
    char num[32];
    mp_cmd_start(b, cmd);
    mp_cmd_flag(b, cmd, "--model", model);
    snprintf(num, sizeof num, "%lld", (long long)prompt_tokens);
    mp_cmd_flag(b, cmd, "-p", num);
    snprintf(num, sizeof num, "%lld", (long long)gen_tokens);
    mp_cmd_flag(b, cmd, "-g", num);
    if (batch > 1) {
        snprintf(num, sizeof num, "%d", batch);
        mp_cmd_flag(b, cmd, "-b", num);
    }
}

void mp_cmd_lora(mp_buf *b, const char *model, const char *data_dir, const mp_train_req *t,
                 const char *adapter_dir)
{
    static const char *const cmd = "mlx_lm.lora";
    char num[32];
    mp_cmd_start(b, cmd);
    mp_cmd_flag(b, cmd, "--model", model);
    mp_cmd_flag(b, cmd, "--train", NULL);
    mp_cmd_flag(b, cmd, "--data", data_dir);
    const char *ft = t->task == MP_TASK_DORA ? "dora" : t->task == MP_TASK_FULL ? "full" : "lora";
    if (strcmp(ft, "lora") != 0)
        mp_cmd_flag(b, cmd, "--fine-tune-type", ft);
    if (t->optim != MP_OPT_ADAM)
        mp_cmd_flag(b, cmd, "--optimizer", mp_optim_name(t->optim));
    snprintf(num, sizeof num, "%d", t->num_layers);
    mp_cmd_flag(b, cmd, "--num-layers", num);
    snprintf(num, sizeof num, "%d", t->batch);
    mp_cmd_flag(b, cmd, "--batch-size", num);
    snprintf(num, sizeof num, "%lld", (long long)(t->iters > 0 ? t->iters : 1000));
    mp_cmd_flag(b, cmd, "--iters", num);
    snprintf(num, sizeof num, "%lld", (long long)t->seq_len);
    mp_cmd_flag(b, cmd, "--max-seq-length", num);
    if (t->grad_checkpoint)
        mp_cmd_flag(b, cmd, "--grad-checkpoint", NULL);
    if (t->grad_accum > 1) {
        snprintf(num, sizeof num, "%d", t->grad_accum);
        mp_cmd_flag(b, cmd, "--grad-accumulation-steps", num);
    }
    mp_cmd_flag(b, cmd, "--adapter-path", adapter_dir);
}

void mp_cmd_out_dir(const char *hf_id, const mp_quant *q, char *buf, size_t cap)
{
    const char *name = strrchr(hf_id, '/');
    name = name ? name + 1 : hf_id;
    char suffix[32];
    switch (q->mode) {
    case MP_Q_FLOAT:
        snprintf(suffix, sizeof suffix, "%s", q->dtype == MP_DT_BF16   ? "bf16"
                                              : q->dtype == MP_DT_F16 ? "fp16"
                                                                      : "fp32");
        break;
    case MP_Q_AFFINE:
        if (q->recipe) {
            char label[64];
            mp_quant_label(q, label, sizeof label);
            label[strcspn(label, " ")] = '\0';
            snprintf(suffix, sizeof suffix, "%s", label);
        } else {
            snprintf(suffix, sizeof suffix, "%dbit", q->bits);
        }
        break;
    case MP_Q_MXFP4: snprintf(suffix, sizeof suffix, "mxfp4"); break;
    case MP_Q_NVFP4: snprintf(suffix, sizeof suffix, "nvfp4"); break;
    case MP_Q_MXFP8: snprintf(suffix, sizeof suffix, "mxfp8"); break;
    }
    snprintf(buf, cap, "mlx_model/%s-%s", name, suffix);
}

int mp_cmd_estimate_steps(mp_buf *cmds, const char *hf_id, const mp_infer_req *inf,
                          const mp_train_req *train)
{
    char out_dir[200];
    const char *model = hf_id;
    int n = 0;
    if (inf) {
        mp_quant native = mp_arch_native_quant(inf->arch);
        if (memcmp(&native, &inf->quant, sizeof native) != 0) {
            mp_cmd_out_dir(hf_id, &inf->quant, out_dir, sizeof out_dir);
            mp_cmd_convert(&cmds[n++], hf_id, &inf->quant, out_dir);
            model = out_dir;
        }
        mp_cmd_benchmark(&cmds[n++], model,
                         inf->prompt_tokens > 0 ? inf->prompt_tokens : inf->context_tokens, 128,
                         inf->batch);
        mp_cmd_generate(&cmds[n++], model, 256, inf->kv_bits, inf->kv_group, inf->max_kv_size);
        return n;
    }
    if (train->task == MP_TASK_PRETRAIN)
        return 0;
    if (train->base_quant.mode != MP_Q_FLOAT) {
        mp_cmd_out_dir(hf_id, &train->base_quant, out_dir, sizeof out_dir);
        mp_cmd_convert(&cmds[n++], hf_id, &train->base_quant, out_dir);
        model = out_dir;
    }
    /* --data: the folder of its train.jsonl, as mlx_lm.lora --data takes it */
    char data_dir[sizeof train->data->train_path] = "data";
    const char *tp = train->data ? train->data->train_path : "";
    size_t tl = strlen(tp), sl = strlen("/train.jsonl");
    if (tl > sl && strcmp(tp + tl - sl, "/train.jsonl") == 0)
        snprintf(data_dir, sizeof data_dir, "%.*s", (int)(tl - sl), tp);
    mp_cmd_lora(&cmds[n++], model, data_dir, train, "adapters");
    return n;
}
