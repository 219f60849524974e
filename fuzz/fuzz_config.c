/*
 * fuzz_config.c - libFuzzer target for config.json -> model description
 * (mp_arch_from_json) and everything downstream that trusts the result:
 * parameter and weight-byte counts, the model renderers, and the inference
 * and LoRA estimates on one machine.  Must hold for any input: a failure
 * is one line of message; a success gives finite, non-negative figures and
 * JSON that parses back.
 */
#include <math.h>

#include "engine/infer.h"
#include "engine/train.h"
#include "fuzz.h"
#include "model/registry.h"
#include "render/models.h"

static void check_figure(double v)
{
    if (!isfinite(v) || v < 0)
        abort();
}

/* The estimates a command would run on this model. */
static void estimate(const mp_arch *a)
{
    mp_chip_match cm;
    mp_machine m;
    if (mp_chip_resolve("M4 Max 40c", 128, &cm, NULL) != 0 ||
        mp_machine_init(&m, &cm.chip, 128, NULL) != 0)
        abort();
    mp_infer_req ir;
    memset(&ir, 0, sizeof ir);
    ir.arch = a;
    ir.mach = &m;
    ir.quant = mp_arch_native_quant(a);
    ir.context_tokens = ir.prompt_tokens = 4096;
    ir.batch = 1;
    ir.kv_group = 64;
    mp_infer_result *res = malloc(sizeof *res);
    if (!res)
        abort();
    mp_error e;
    mp_error_clear(&e);
    if (mp_infer(&ir, res, &e) == 0) {
        check_figure(res->total_bytes);
        check_figure(res->weights.bytes);
        check_figure(res->kv.bytes);
    } else {
        fuzz_check_one_line(e.msg);
    }
    free(res);

    mp_train_req tr;
    memset(&tr, 0, sizeof tr);
    tr.arch = a;
    tr.mach = &m;
    tr.task = MP_TASK_LORA;
    tr.base_quant = mp_arch_native_quant(a);
    tr.batch = 1;
    tr.seq_len = 512;
    tr.num_layers = 16;
    tr.rank = 8;
    tr.grad_accum = 1;
    tr.optim = MP_OPT_ADAM;
    tr.train_dtype = MP_DT_BF16;
    mp_train_result *t = malloc(sizeof *t);
    if (!t)
        abort();
    mp_error_clear(&e);
    if (mp_train(&tr, t, &e) == 0)
        check_figure(t->total_bytes);
    else
        fuzz_check_one_line(e.msg);
    free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MP_CONFIG_MAX_BYTES)
        return 0; /* mp_read_file refuses these before parsing */
    mp_arch *a = malloc(sizeof *a);
    if (!a)
        abort();
    mp_error e;
    mp_error_clear(&e);
    if (mp_arch_from_json((const char *)data, size, "fuzz", a, &e) != 0) {
        fuzz_check_one_line(e.msg);
        free(a);
        return 0;
    }
    check_figure(mp_arch_params(a));
    check_figure(mp_arch_active_params(a));
    double active = 0;
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a->dtype};
    mp_quant mx = {MP_Q_MXFP4, 4, 32, MP_RECIPE_NONE, a->dtype};
    mp_quant mixed = {MP_Q_AFFINE, 4, 64, MP_RECIPE_MIXED_4_6, a->dtype};
    const mp_quant qs[] = {mp_arch_native_quant(a), q4, mx, mixed};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        check_figure(mp_arch_weight_bytes(a, &qs[i], &active));
        check_figure(active);
    }
    mp_origin o;
    memset(&o, 0, sizeof o);
    o.kind = MP_ORIGIN_FILE;
    mp_buf md = MP_BUF_INIT;
    mp_render_model_md(a, &o, &md);
    mp_buf_release(&md);
    fuzz_check_json(mp_render_model_json(a, &o));
    estimate(a);
    mp_arch_release(a);
    free(a);
    return 0;
}
