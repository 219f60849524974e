/*
 * fuzz_quant.c - libFuzzer target for weight-format strings
 * (mp_quant_parse).  Input: an optional first line with the group size,
 * then the --quant value ("64\nmxfp4").  An accepted format must pass
 * mp_quant_check, and its label, mlx_lm.convert flags, bits per weight and
 * matrix sizes must be sane.
 */
#include <math.h>

#include "fuzz.h"
#include "model/quant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *qs = NULL;
    int64_t group = fuzz_split_number(data, size, 0, 4096, &qs);
    static const mp_dtype dts[] = {MP_DT_BF16, MP_DT_F16, MP_DT_F32};
    for (size_t i = 0; i < sizeof dts / sizeof dts[0]; i++) {
        mp_quant q;
        mp_error e;
        mp_error_clear(&e);
        if (mp_quant_parse(qs, (int)group, dts[i], &q, &e) != 0) {
            fuzz_check_one_line(e.msg);
            continue;
        }
        if (mp_quant_check(&q, NULL) != 0)
            abort();
        char label[64], flags[128];
        mp_quant_label(&q, label, sizeof label);
        mp_quant_convert_flags(&q, flags, sizeof flags);
        if (!label[0])
            abort();
        double bpw = mp_quant_bpw(&q);
        if (!(bpw > 0 && bpw <= 32))
            abort();
        double bytes = mp_quant_matrix_bytes(&q, 8, 4096, 4096);
        if (!(bytes > 0) || !isfinite(bytes))
            abort();
        (void)mp_quant_applies(&q, 4096);
    }
    free(qs);
    return 0;
}
