/* machine.c - memory budget of a machine; see machine.h. */
#include "engine/machine.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int mp_machine_init(mp_machine *m, const mp_chip *chip, int memory_gb, mp_error *err)
{
    memset(m, 0, sizeof *m);
    m->chip = *chip;
    if (memory_gb == 0) {
        memory_gb = mp_chip_min_memory(chip);
        m->memory_assumed = true;
    } else {
        int rc = mp_chip_check_memory(chip, memory_gb, err);
        if (rc)
            return rc;
    }
    m->memory_gb = memory_gb;
    m->ram_bytes = memory_gb * MP_GIB;
    if (chip->vendor == MP_VENDOR_NVIDIA) {
        m->default_fraction = 0.95;
        m->gpu_default_bytes = 0.95 * m->ram_bytes;
        m->gpu_max_bytes = m->gpu_default_bytes;
        m->wired_limit_mb = 0;
        snprintf(m->budget_basis, sizeof m->budget_basis,
                 "MLX CUDA allocator limit: 0.95 x %d GB GPU memory", memory_gb);
        return 0;
    }
    m->default_fraction = memory_gb <= 36 ? 2.0 / 3.0 : 0.75;
    m->gpu_default_bytes = m->default_fraction * m->ram_bytes;
    double reserve = fmax(4.0 * MP_GIB, m->ram_bytes / 8.0);
    m->gpu_max_bytes = m->ram_bytes - reserve;
    m->wired_limit_mb = (int)floor(m->gpu_max_bytes / (1024.0 * 1024.0));
    snprintf(m->budget_basis, sizeof m->budget_basis,
             "macOS default GPU working set: %s of %d GB RAM (observed: 2/3 up to 36 GB, 3/4 above)",
             memory_gb <= 36 ? "2/3" : "3/4", memory_gb);
    return 0;
}
