/*
 * fuzz_st_index.c - libFuzzer target for model.safetensors.index.json
 * (mp_st_index_parse), read from model folders, the Hugging Face cache
 * and the Hub.  Must hold: a refusal is one line; an accepted index names
 * at most MP_ST_MAX_FILES distinct shards, each a plain file name in the
 * folder (no '/', not starting with '.').
 */
#include "fuzz.h"
#include "model/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mp_st_index ix;
    mp_error e;
    mp_error_clear(&e);
    if (mp_st_index_parse((const char *)data, size, "model.safetensors.index.json", &ix, &e) != 0) {
        fuzz_check_one_line(e.msg);
    } else {
        if (ix.n_files < 0 || ix.n_files > MP_ST_MAX_FILES || ix.n_tensors < ix.n_files)
            abort();
        for (int i = 0; i < ix.n_files; i++) {
            if (!ix.files[i] || strchr(ix.files[i], '/') || ix.files[i][0] == '.')
                abort();
            for (int j = 0; j < i; j++)
                if (strcmp(ix.files[i], ix.files[j]) == 0)
                    abort();
        }
        if (!(ix.total_size == -1 || (ix.total_size >= 0 && ix.total_size < 1e16)))
            abort();
    }
    mp_st_index_release(&ix);
    return 0;
}
