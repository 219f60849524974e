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

int mp_machine_host_chip(const mp_host *h, mp_chip *chip, char *note, size_t cap)
{
    note[0] = '\0';
    if (strstr(h->cpu_brand, "Apple M") == NULL) {
        if (h->has_nvidia) {
            mp_chip_match m;
            if (mp_chip_resolve(h->nvidia_name, 0, &m, NULL) == 0) {
                *chip = m.chip;
                return 1;
            }
            snprintf(note, cap, "NVIDIA GPU '%s' is not in mlxplan's table; pass --chip with the "
                     "closest one (mlxplan hw list).", h->nvidia_name);
            return 0;
        }
        snprintf(note, cap, "No Apple Silicon or NVIDIA GPU found: MLX runs here only on the CPU "
                 "(pip install \"mlx[cpu]\"); mlxplan's GPU estimates do not apply.");
        return 0;
    }
    char name[192];
    if (h->gpu_cores)
        snprintf(name, sizeof name, "%s %dc", h->cpu_brand, h->gpu_cores);
    else if (h->cpu_p + h->cpu_e)
        snprintf(name, sizeof name, "%s %d-core CPU", h->cpu_brand, h->cpu_p + h->cpu_e);
    else
        snprintf(name, sizeof name, "%s", h->cpu_brand);
    int gb = (int)(h->memory_gib + 0.5);
    mp_chip_match m;
    mp_error e;
    mp_error_clear(&e);
    if (mp_chip_resolve(name, gb, &m, &e) == 0) {
        *chip = m.chip;
        snprintf(note, cap, "Use: --chip \"%s\" --memory %d", m.chip.short_name, gb);
        return 1;
    }
    snprintf(note, cap, "Could not pin down the chip: %s", e.msg);
    return 0;
}
