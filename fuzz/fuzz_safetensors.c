/*
 * fuzz_safetensors.c - libFuzzer target for safetensors headers: the input
 * is a whole .safetensors file (8-byte little-endian length, JSON header,
 * data).  It is read twice into one model, as two shards would be, then the
 * parameter count and the `models inspect` renderers run on it.  Must hold:
 * a failure is one line of message; a success gives finite totals that
 * agree with the tensors, and JSON that parses back.
 */
#include <math.h>

#include "fuzz.h"
#include "model/registry.h"
#include "model/safetensors.h"
#include "render/models.h"

static void check_totals(const mp_st_model *m)
{
    double sum = 0;
    for (size_t i = 0; i < m->n_tensors; i++) {
        const mp_st_tensor *t = &m->tensors[i];
        if (!t->name || t->ndim < 0 || t->ndim > 8 || !(t->bytes >= 0))
            abort();
        sum += t->bytes;
    }
    if (sum != m->total_bytes || m->n_dtypes > MP_ST_MAX_DTYPES)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mp_st_model m;
    memset(&m, 0, sizeof m);
    mp_error e;
    mp_error_clear(&e);
    int rc = mp_st_read_buffer("fuzz.safetensors", data, size, &m, &e);
    if (rc == 0)
        rc = mp_st_read_buffer("fuzz-2.safetensors", data, size, &m, &e);
    if (rc != 0) {
        fuzz_check_one_line(e.msg);
        mp_st_release(&m);
        return 0;
    }
    check_totals(&m);
    mp_arch a;
    if (mp_registry_arch(mp_registry_find("HuggingFaceTB/SmolLM2-135M"), &a, NULL) != 0)
        abort();
    double p = mp_st_params(&m, &a);
    if (!(p >= 0) || isinf(p))
        abort();
    mp_buf md = MP_BUF_INIT;
    mp_render_inspect_md("fuzz", &a, &m, &md);
    mp_buf_release(&md);
    fuzz_check_json(mp_render_inspect_json("fuzz", &a, &m));
    mp_arch_release(&a);
    mp_st_release(&m);
    return 0;
}
