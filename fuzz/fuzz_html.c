/*
 * fuzz_html.c - libFuzzer target for the HTML report writer: the input is a
 * Markdown document handed to mp_render_html.  The page must come out
 * without any element the input did not come from our own markup (no
 * script, no frame, no image, no javascript: link), else abort so the
 * fuzzer keeps the input.  Build with -DMLXPLAN_FUZZ=ON (clang).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *md = malloc(size + 1);
    if (!md)
        return 0;
    memcpy(md, data, size);
    md[size] = '\0'; /* the writer reads a C string: stop at the first NUL */
    mp_buf out = MP_BUF_INIT;
    mp_render_html(md, NULL, &out);
    const char *h = mp_buf_cstr(&out);
    static const char *const banned[] = {"<script", "<iframe", "<img", "<object", "<embed",
                                         "href=\"javascript", "href=\"data:", "<svg"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (strstr(h, banned[i]))
            abort();
    mp_buf_release(&out);
    free(md);
    return 0;
}
