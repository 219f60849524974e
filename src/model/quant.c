/* quant.c - weight formats and their storage cost; see quant.h. */
#include "model/quant.h"
#include "kb/param.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/text.h"

int mp_dtype_bytes(mp_dtype d)
{
    return d == MP_DT_F32 ? 4 : 2;
}

const char *mp_dtype_name(mp_dtype d)
{
    switch (d) {
    case MP_DT_BF16: return "bfloat16";
    case MP_DT_F16: return "float16";
    case MP_DT_F32: return "float32";
    }
    return "bfloat16";
}

mp_quant mp_quant_float(mp_dtype d)
{
    mp_quant q = {MP_Q_FLOAT, mp_dtype_bytes(d) * 8, 0, MP_RECIPE_NONE, d};
    return q;
}

void mp_quant_defaults(mp_qmode m, int *group, int *bits)
{
    *bits = m == MP_Q_MXFP8 ? 8 : 4;
    *group = m == MP_Q_NVFP4 ? 16 : m == MP_Q_MXFP4 || m == MP_Q_MXFP8 ? 32 : 64;
}

int mp_quant_check(const mp_quant *q, mp_error *err)
{
    switch (q->mode) {
    case MP_Q_FLOAT:
        return 0;
    case MP_Q_AFFINE:
        if (q->bits < 2 || q->bits > 8 || q->bits == 7)
            return mp_error_set(err, MP_EINVAL,
                                "affine quantization takes 2, 3, 4, 5, 6 or 8 bits, not %d",
                                q->bits);
        if (q->group != 32 && q->group != 64 && q->group != 128)
            return mp_error_set(err, MP_EINVAL,
                                "affine quantization takes group size 32, 64 or 128, not %d",
                                q->group);
        return 0;
    case MP_Q_MXFP4:
    case MP_Q_MXFP8:
        if (q->group != 32)
            return mp_error_set(err, MP_EINVAL, "%s needs group size 32, not %d",
                                q->mode == MP_Q_MXFP4 ? "mxfp4" : "mxfp8", q->group);
        return 0;
    case MP_Q_NVFP4:
        if (q->group != 16)
            return mp_error_set(err, MP_EINVAL, "nvfp4 needs group size 16, not %d", q->group);
        return 0;
    }
    return mp_error_set(err, MP_EINVAL, "unknown quantization mode");
}

static bool parse_dtype_word(const char *s, mp_dtype *d)
{
    if (mp_ieq(s, "bf16") || mp_ieq(s, "bfloat16"))
        *d = MP_DT_BF16;
    else if (mp_ieq(s, "fp16") || mp_ieq(s, "f16") || mp_ieq(s, "float16"))
        *d = MP_DT_F16;
    else if (mp_ieq(s, "fp32") || mp_ieq(s, "f32") || mp_ieq(s, "float32"))
        *d = MP_DT_F32;
    else
        return false;
    return true;
}

int mp_quant_parse(const char *s, int group, mp_dtype dtype, mp_quant *out, mp_error *err)
{
    mp_quant q = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, dtype};
    mp_dtype d;
    if (!s || !*s)
        return mp_error_set(err, MP_EINVAL, "%s needs a value such as 4, mxfp4 or bf16",
                            mp_pname(MP_P_QUANT));
    if (parse_dtype_word(s, &d)) {
        if (group)
            return mp_error_set(err, MP_EINVAL, "%s applies to quantized formats, "
                                "not to '%s'", mp_pname(MP_P_GROUP_SIZE), s);
        *out = mp_quant_float(d);
        return 0;
    }
    if (mp_ieq(s, "mxfp4") || mp_ieq(s, "nvfp4") || mp_ieq(s, "mxfp8")) {
        q.mode = mp_ieq(s, "mxfp4") ? MP_Q_MXFP4 : mp_ieq(s, "nvfp4") ? MP_Q_NVFP4 : MP_Q_MXFP8;
        mp_quant_defaults(q.mode, &q.group, &q.bits);
        if (group)
            q.group = group;
    } else if (mp_istarts(s, "mixed_")) {
        static const struct {
            const char *name;
            mp_recipe r;
            int low;
        } recipes[] = {{"mixed_2_6", MP_RECIPE_MIXED_2_6, 2},
                       {"mixed_3_4", MP_RECIPE_MIXED_3_4, 3},
                       {"mixed_3_6", MP_RECIPE_MIXED_3_6, 3},
                       {"mixed_4_6", MP_RECIPE_MIXED_4_6, 4}};
        size_t i;
        for (i = 0; i < sizeof recipes / sizeof recipes[0]; i++)
            if (mp_ieq(s, recipes[i].name))
                break;
        if (i == sizeof recipes / sizeof recipes[0])
            return mp_error_set(err, MP_EINVAL, "unknown recipe '%.40s'; mlx-lm has mixed_2_6, "
                                "mixed_3_4, mixed_3_6 and mixed_4_6", s);
        q.recipe = recipes[i].r;
        q.bits = recipes[i].low;
        q.group = group ? group : 64;
    } else {
        /* "4", "4bit", "4-bit", "q4", "int4" */
        const char *p = s;
        if (mp_istarts(p, "int"))
            p += 3;
        else if (tolower((unsigned char)*p) == 'q')
            p++;
        if (!isdigit((unsigned char)p[0]) ||
            !(p[1] == '\0' || mp_ieq(p + 1, "bit") || mp_ieq(p + 1, "-bit") ||
              mp_ieq(p + 1, "b")))
            return mp_error_set(err, MP_EINVAL,
                                "unknown %s '%.40s'; use bf16, fp16, fp32, 2-8 (affine "
                                "bits), mxfp4, nvfp4, mxfp8 or mixed_4_6", mp_pname(MP_P_QUANT), s);
        q.bits = p[0] - '0';
        q.group = group ? group : 64;
    }
    int rc = mp_quant_check(&q, err);
    if (rc)
        return rc;
    *out = q;
    return 0;
}

static const char *recipe_name(mp_recipe r)
{
    switch (r) {
    case MP_RECIPE_MIXED_2_6: return "mixed_2_6";
    case MP_RECIPE_MIXED_3_4: return "mixed_3_4";
    case MP_RECIPE_MIXED_3_6: return "mixed_3_6";
    case MP_RECIPE_MIXED_4_6: return "mixed_4_6";
    default: return "";
    }
}

static int recipe_high(mp_recipe r)
{
    return r == MP_RECIPE_MIXED_3_4 ? 4 : 6;
}

void mp_quant_label(const mp_quant *q, char *buf, size_t cap)
{
    switch (q->mode) {
    case MP_Q_FLOAT:
        snprintf(buf, cap, "%s", q->dtype == MP_DT_BF16 ? "bf16" : q->dtype == MP_DT_F16 ? "fp16"
                                                                                         : "fp32");
        return;
    case MP_Q_AFFINE:
        if (q->recipe)
            snprintf(buf, cap, "%s (%d/%d-bit g%d)", recipe_name(q->recipe), q->bits,
                     recipe_high(q->recipe), q->group);
        else
            snprintf(buf, cap, "affine %d-bit g%d", q->bits, q->group);
        return;
    case MP_Q_MXFP4: snprintf(buf, cap, "mxfp4"); return;
    case MP_Q_NVFP4: snprintf(buf, cap, "nvfp4"); return;
    case MP_Q_MXFP8: snprintf(buf, cap, "mxfp8"); return;
    }
}

void mp_quant_convert_flags(const mp_quant *q, char *buf, size_t cap)
{
    switch (q->mode) {
    case MP_Q_FLOAT:
        snprintf(buf, cap, "--dtype %s", mp_dtype_name(q->dtype));
        return;
    case MP_Q_AFFINE:
        if (q->recipe)
            snprintf(buf, cap, "-q --quant-predicate %s --q-group-size %d", recipe_name(q->recipe),
                     q->group);
        else
            snprintf(buf, cap, "-q --q-bits %d --q-group-size %d", q->bits, q->group);
        return;
    case MP_Q_MXFP4: snprintf(buf, cap, "-q --q-mode mxfp4"); return;
    case MP_Q_NVFP4: snprintf(buf, cap, "-q --q-mode nvfp4"); return;
    case MP_Q_MXFP8: snprintf(buf, cap, "-q --q-mode mxfp8"); return;
    }
}

double mp_quant_bpw(const mp_quant *q)
{
    switch (q->mode) {
    case MP_Q_FLOAT: return 8.0 * mp_dtype_bytes(q->dtype);
    case MP_Q_AFFINE: return q->bits + 2.0 * 8 * mp_dtype_bytes(q->dtype) / q->group;
    default: return q->bits + 8.0 / q->group;
    }
}

bool mp_quant_applies(const mp_quant *q, int64_t in)
{
    return q->mode != MP_Q_FLOAT && q->group > 0 && in % q->group == 0;
}

double mp_quant_matrix_bytes(const mp_quant *q, int64_t n, int64_t out, int64_t in)
{
    double elems = (double)n * (double)out * (double)in;
    if (!mp_quant_applies(q, in))
        return elems * mp_dtype_bytes(q->dtype);
    double groups = (double)n * (double)out * (double)(in / q->group);
    /* packed words: in*bits/32 per row; exact because in % group == 0 and
     * group*bits is a multiple of 32 for every allowed combination */
    double packed = (double)n * (double)out * (double)(in * q->bits / 32) * 4.0;
    if (q->mode == MP_Q_AFFINE)
        return packed + groups * 2.0 * mp_dtype_bytes(q->dtype);
    return packed + groups * 1.0;
}

double mp_kv_elem_bytes(int kv_bits, int kv_group, mp_dtype act)
{
    if (kv_bits <= 0)
        return mp_dtype_bytes(act);
    return kv_bits / 8.0 + 2.0 * mp_dtype_bytes(act) / kv_group;
}
