/*
 * fuzz_desc.c - libFuzzer target for mlxplan's description cache (records
 * of models fetched from the Hub, one JSON file each under
 * ~/.cache/mlxplan/models): the input is the record file of repo
 * "org/name"; it is loaded and, when accepted, its config.json goes
 * through mp_arch_from_json as the model loader does.  Must hold: a
 * record is accepted or ignored (never a crash), an accepted one names the
 * repo asked for, and sizes are finite.
 */
#include <math.h>
#include <stdio.h>

#include "fuzz.h"
#include "hub/desc_cache.h"
#include "model/arch.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_isolate();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen("models--org--name.json", "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
    mp_desc d;
    mp_error e;
    mp_error_clear(&e);
    if (mp_desc_load(".", "org/name", &d, NULL, 0, &e) != 0) {
        fuzz_check_one_line(e.msg);
        return 0;
    }
    if (!mp_ieq(d.repo, "org/name") || !d.config || !isfinite(d.tensor_bytes) ||
        !isfinite(d.file_bytes) || !isfinite(d.params) || d.files < 0 || d.tensors < 0)
        abort();
    mp_arch *a = malloc(sizeof *a);
    if (!a)
        abort();
    mp_error_clear(&e);
    if (mp_arch_from_json(d.config, d.config_len, d.repo, a, &e) == 0)
        mp_arch_release(a);
    else
        fuzz_check_one_line(e.msg);
    free(a);
    mp_desc_release(&d);
    return 0;
}
