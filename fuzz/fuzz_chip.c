/*
 * fuzz_chip.c - libFuzzer target for chip names (mp_chip_resolve).  Input:
 * an optional first line with a memory size in GB, then the name as typed
 * ("36\nM3 Max").  A resolved chip is checked against its memory and
 * rendered (Markdown and JSON).  Must hold: success names a chip; ambiguity
 * lists 2..MP_CHIP_MAX_CANDIDATES candidates; every failure is one line.
 */
#include "engine/machine.h"
#include "fuzz.h"
#include "render/hw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *name = NULL;
    int64_t mem = fuzz_split_number(data, size, 0, 4096, &name);
    mp_chip_match *m = malloc(sizeof *m);
    if (!m)
        abort();
    mp_error e;
    mp_error_clear(&e);
    int rc = mp_chip_resolve(name, (int)mem, m, &e);
    if (rc == 0) {
        if (!m->chip.name || !m->chip.short_name[0])
            abort();
        mp_error_clear(&e);
        if (mem && mp_chip_check_memory(&m->chip, (int)mem, &e) != 0)
            fuzz_check_one_line(e.msg);
        mp_machine mach;
        mp_error_clear(&e);
        if (mp_machine_init(&mach, &m->chip, (int)mem, &e) != 0)
            fuzz_check_one_line(e.msg);
        char text[128];
        mp_chip_memory_text(&m->chip, text, sizeof text);
        mp_buf b = MP_BUF_INIT;
        mp_render_chip_md(&m->chip, (int)mem, &b);
        mp_buf_release(&b);
        fuzz_check_json(mp_render_chip_json(&m->chip, (int)mem));
    } else {
        fuzz_check_one_line(e.msg);
        if (rc == MP_EAMBIGUOUS &&
            (m->n_candidates < 2 || m->n_candidates > MP_CHIP_MAX_CANDIDATES))
            abort();
    }
    free(m);
    free(name);
    return 0;
}
