/*
 * fuzz_request.c - libFuzzer target for `mlxplan plan` request text ->
 * spec (mp_spec_parse_text): the input is read as a request, then again as
 * journal text over it (the weaker source that records contradictions),
 * then checked for impossible asks.  Must hold: a refusal is one line;
 * every field the parser fills is valid UTF-8 (it quotes the user's words
 * into the plan and its JSON) and every number is finite.
 */
#include <math.h>

#include "fuzz.h"
#include "plan/spec.h"

static void check_text(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == cap || !mp_utf8_valid(s, n))
        abort();
}

static void check_sfield(const mp_sfield *f)
{
    check_text(f->value, sizeof f->value);
    check_text(f->evidence, sizeof f->evidence);
}

static void check_nfield(const mp_nfield *f)
{
    if (f->prov != MP_PROV_NONE && !isfinite(f->value))
        abort();
    check_text(f->evidence, sizeof f->evidence);
}

static void check_spec(const mp_spec *s)
{
    const mp_sfield *sf[] = {&s->task, &s->model, &s->chip, &s->data_format, &s->data_path,
                             &s->quant, &s->quant_method};
    for (size_t i = 0; i < sizeof sf / sizeof sf[0]; i++)
        check_sfield(sf[i]);
    const mp_nfield *nf[] = {&s->model_size,    &s->memory_gb,      &s->context,
                             &s->data_examples, &s->data_tokens,    &s->target_tok_s,
                             &s->observed_tok_s, &s->budget_hours,  &s->n_macs,
                             &s->users,         &s->kv_bits};
    for (size_t i = 0; i < sizeof nf / sizeof nf[0]; i++)
        check_nfield(nf[i]);
    check_text(s->intent_evidence, sizeof s->intent_evidence);
    if (s->n_contradictions < 0 || s->n_contradictions > MP_SPEC_MAX_NOTES)
        abort();
    for (int i = 0; i < s->n_contradictions; i++)
        check_text(s->contradictions[i], sizeof s->contradictions[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mp_spec *s = malloc(sizeof *s);
    if (!s)
        abort();
    mp_spec_init(s);
    mp_error e;
    mp_error_clear(&e);
    const char *text = (const char *)data;
    if (mp_spec_parse_text(s, text, size, MP_PROV_REQUEST, &e) != 0) {
        fuzz_check_one_line(e.msg);
    } else {
        check_spec(s);
        mp_error_clear(&e);
        if (mp_spec_parse_text(s, text, size, MP_PROV_JOURNAL, &e) != 0)
            abort(); /* accepted once, accepted again */
        check_spec(s);
        char *c = fuzz_cstr(data, size);
        char why[200];
        if (mp_spec_impossible(c, why, sizeof why))
            check_text(why, sizeof why);
        free(c);
    }
    free(s);
    return 0;
}
