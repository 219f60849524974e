/*
 * fuzz_html.c - libFuzzer target for the HTML report writer: the input is a
 * Markdown document handed to mp_render_html.  The page must come out
 * without any element the input did not come from our own markup (no
 * script, no frame, no image, no object), and every link must be relative
 * or http(s): a scheme such as javascript:, data: or file: must never
 * reach an href.  Else abort, so the fuzzer keeps the input.
 */
#include "fuzz.h"
#include "render/html.h"

/* Whether the href value starting at v (up to the closing quote) is a
 * relative link or an http(s) one. */
static bool safe_href(const char *v)
{
    size_t n = strcspn(v, "\"");
    size_t scheme = strcspn(v, ":/?#\"");
    if (scheme >= n || v[scheme] != ':')
        return true; /* no scheme: relative */
    return mp_istarts(v, "http:") || mp_istarts(v, "https:");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *md = fuzz_cstr(data, size); /* the writer reads a C string */
    mp_buf out = MP_BUF_INIT;
    mp_render_html(md, NULL, &out);
    const char *h = mp_buf_cstr(&out);
    static const char *const banned[] = {"<script", "<iframe", "<img", "<object", "<embed",
                                         "<svg"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (strstr(h, banned[i]))
            abort();
    for (const char *p = strstr(h, "href=\""); p; p = strstr(p + 6, "href=\""))
        if (!safe_href(p + 6))
            abort();
    mp_buf_release(&out);
    free(md);
    return 0;
}
