/*
 * safetensors.h - read safetensors headers (never tensor data) and sum a
 * model folder's tensors exactly.
 *
 * Format: 8-byte little-endian header length N, then N bytes of JSON
 * mapping each tensor name to {dtype, shape, data_offsets}, plus an
 * optional "__metadata__" object; tensor data follows.  Every header is
 * checked: N at most MP_ST_MAX_HEADER and within the file, known dtypes,
 * non-negative shapes, offsets that match shape x dtype size and lie inside
 * the data section.
 */
#ifndef MP_MODEL_SAFETENSORS_H
#define MP_MODEL_SAFETENSORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/arch.h"
#include "util/error.h"

#define MP_ST_MAX_HEADER ((uint64_t)100 << 20) /* the format's own limit: 100 MB */
#define MP_ST_MAX_FILES 1024                     /* shards of one model */
#define MP_ST_MAX_INDEX_BYTES ((size_t)16 << 20) /* model.safetensors.index.json */
#define MP_ST_MAX_DTYPES 16

typedef struct mp_st_dtype_total {
    char dtype[12];     /* "BF16", "U32", ... */
    double tensors, elements, bytes;
} mp_st_dtype_total;

typedef struct mp_st_tensor {
    char *name;         /* owned */
    char dtype[12];
    int ndim;
    int64_t shape[8];
    double elements, bytes;
} mp_st_tensor;

typedef struct mp_st_model {
    int n_files;
    double file_bytes;            /* sum of the files' sizes */
    mp_st_tensor *tensors;        /* every tensor of every file */
    size_t n_tensors, cap;
    int n_dtypes;
    mp_st_dtype_total dtypes[MP_ST_MAX_DTYPES];
    double total_bytes;           /* tensor data bytes */
    bool has_index;               /* model.safetensors.index.json was used */
} mp_st_model;

/* Read the header of one file and append its tensors to `m`.  Errors
 * (MP_EIO, MP_EPARSE, MP_ELIMIT) name the file and the bad field. */
int mp_st_read_file(const char *path, mp_st_model *m, mp_error *err);

/* The same for a whole file held in memory (`size` bytes at `data`, the
 * 8-byte length first); `label` names it in messages.  Used by the fuzzer
 * and the tests: both readers share every check. */
int mp_st_read_buffer(const char *label, const void *data, size_t size, mp_st_model *m,
                      mp_error *err);

/* Parse one header already in memory (fetched by an HTTP range request):
 * `json[0..len)` is the JSON after the 8-byte length; `file_bytes` the
 * whole file's size (0 when unknown: offsets are then checked only against
 * shapes).  `label` names the file in messages.  Errors as mp_st_read_file. */
int mp_st_read_header(const char *label, const char *json, size_t len, double file_bytes,
                      mp_st_model *m, mp_error *err);

/* model.safetensors.index.json: which file holds each tensor. */
typedef struct mp_st_index {
    double total_size;             /* metadata.total_size (tensor bytes), -1 when absent */
    int n_tensors;                 /* weight_map entries */
    int n_files;
    char *files[MP_ST_MAX_FILES];  /* distinct shard names, owned */
} mp_st_index;

/* Parse an index text.  Every shard must be a plain file name (no '/', not
 * starting with '.').  MP_EPARSE naming `label` and the bad entry,
 * MP_ELIMIT past MP_ST_MAX_FILES shards.  Release with mp_st_index_release
 * (also after an error). */
int mp_st_index_parse(const char *json, size_t len, const char *label, mp_st_index *ix,
                      mp_error *err);
void mp_st_index_release(mp_st_index *ix);

/* Read a model folder: the files named by model.safetensors.index.json when
 * present (a missing shard is an error), else every *.safetensors file.
 * A folder with no safetensors file is MP_ENOTFOUND. */
int mp_st_read_dir(const char *dir, mp_st_model *m, mp_error *err);

void mp_st_release(mp_st_model *m);

/* Parameters as mlx-lm counts them (get_total_parameters): a quantized
 * weight (uint32 with a sibling ".scales") counts elements * 32 / bits,
 * using the bits recorded for that path in `a`'s quantization block (or
 * its default); its scales and biases are not parameters.  Hugging Face
 * MXFP4 pairs (uint8 "X_blocks" beside "X_scales", gpt-oss) count two
 * values per byte and the scales nothing. */
double mp_st_params(const mp_st_model *m, const mp_arch *a);

#endif
