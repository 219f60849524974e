/*
 * fuzz_model_name.c - libFuzzer target for model names: the registry
 * look-up (id, alias, bare repo name, any case) and mp_model_load's
 * fallbacks (a path, the Hugging Face and description caches, else
 * "unknown model" with suggestions), offline in an empty folder.  Names
 * that exist on disk are skipped so the fuzzer never reads the machine's
 * files.
 * Must hold: a registry hit loads; a failure is one line.
 */
#include <sys/stat.h>

#include "fuzz.h"
#include "model/registry.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_isolate(); /* the Hugging Face cache and the Hub are out of reach */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *name = fuzz_cstr(data, size);
    const mp_model_row *row = mp_registry_find(name);
    struct stat st;
    if (!row && name[0] && stat(name, &st) == 0) {
        free(name);
        return 0;
    }
    mp_arch *a = malloc(sizeof *a);
    if (!a)
        abort();
    mp_origin o;
    mp_error e;
    mp_error_clear(&e);
    mp_load_opts offline = {true};
    int rc = mp_model_load(name, &offline, a, &o, &e);
    if (rc == 0) {
        if (!row || o.kind != MP_ORIGIN_REGISTRY)
            abort(); /* only registry names can load here */
        mp_arch_release(a);
    } else {
        fuzz_check_one_line(e.msg);
        if (row)
            abort(); /* every registry model must load */
    }
    free(a);
    free(name);
    return 0;
}
