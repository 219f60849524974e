/*
 * fuzz_check.c - libFuzzer target for `mlxplan check`: the input is Python
 * source for the tokenizer, the parser, the scope analysis and every rule
 * (mp_check_source), then the text and JSON renderers.  Must hold: a
 * refusal (not Python, not UTF-8, too deep) is one line; every finding has
 * a line and column inside the input, a one-line message and a hint.
 */
#include "check/check.h"
#include "fuzz.h"
#include "render/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mp_check_result r = MP_CHECK_RESULT_INIT;
    mp_error e;
    mp_error_clear(&e);
    if (mp_check_source((const char *)data, size, "fuzz.py", NULL, &r, &e) != 0) {
        fuzz_check_one_line(e.msg);
    } else {
        /* lines as Python counts them: "\n", "\r\n" and a lone "\r" each end one
         * (a lone "\r" once made this target report a correct finding) */
        size_t lines = 1;
        for (size_t i = 0; i < size; i++)
            lines += data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));
        for (size_t i = 0; i < r.n; i++) {
            const mp_check_finding *f = &r.items[i];
            if (f->line < 1 || f->line > lines || f->col < 1 || !f->message || !f->hint)
                abort();
            fuzz_check_one_line(f->message);
        }
        mp_buf out = MP_BUF_INIT;
        mp_render_check_text(&r, &out);
        cJSON *j = mp_render_check_json(&r);
        if (!j)
            abort();
        cJSON_Delete(j);
        mp_buf_release(&out);
    }
    mp_check_result_release(&r);
    return 0;
}
