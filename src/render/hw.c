/* hw.c - chip, budget and host renderers; see hw.h. */
#include "render/hw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kb/tables.h"
#include "render/json.h"
#include "render/table.h"

static void tflops_text(const mp_chip *c, char *buf, size_t cap)
{
    if (isnan(c->fp32_tflops))
        snprintf(buf, cap, "not published");
    else
        snprintf(buf, cap, "%.2f%s", c->fp32_tflops, c->approx_compute ? " (approx.)" : "");
}

static void chip_notes(const mp_chip *c, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    if (c->neural_accel)
        k += (size_t)snprintf(buf + k, cap - k, "GPU neural accelerators");
    if (c->provisional && k < cap)
        k += (size_t)snprintf(buf + k, cap - k, "%sprovisional", k ? "; " : "");
    if (c->vendor == MP_VENDOR_NVIDIA && k < cap)
        snprintf(buf + k, cap - k, "%sMLX CUDA backend%s", k ? "; " : "",
                 c->unified_memory ? ", unified memory" : "");
}

void mp_render_chip_list_md(mp_buf *out)
{
    mp_buf_printf(out, "# Chips: %zu Apple Silicon GPU bins, %zu NVIDIA GPUs\n\n",
                  mp_apple_rows_len, mp_nvidia_rows_len);
    static const char *const hdr[] = {"chip", "full name", ">GPU cores", "memory (GB)",
                                      ">bandwidth (GB/s)", ">FP32 TFLOPS", "notes"};
    mp_table t;
    mp_table_init(&t, 7, hdr);
    for (size_t i = 0; i < mp_chip_count(); i++) {
        mp_chip c;
        mp_chip_get(i, &c);
        char mem[64], tf[32], notes[96], cores[16];
        mp_chip_memory_text(&c, mem, sizeof mem);
        tflops_text(&c, tf, sizeof tf);
        chip_notes(&c, notes, sizeof notes);
        if (c.gpu_cores)
            snprintf(cores, sizeof cores, "%d", c.gpu_cores);
        else
            snprintf(cores, sizeof cores, "-");
        mp_table_rowf(&t, "%s\t%s\t%s\t%s\t%g\t%s\t%s", c.short_name, c.name, cores, mem,
                      c.bandwidth_gbs, tf, notes);
    }
    mp_table_write(&t, out);
    mp_table_release(&t);
    mp_buf_puts(out, "\nSources: data/hw/apple-silicon.tsv and data/hw/nvidia.tsv (one source per "
                     "row; 'mlxplan hw show NAME' prints it).\n");
}

static cJSON *chip_json(const mp_chip *c)
{
    cJSON *o = cJSON_CreateObject();
    mp_json_str(o, "id", c->short_name);
    mp_json_str(o, "name", c->name);
    mp_json_str(o, "vendor", c->vendor == MP_VENDOR_APPLE ? "apple" : "nvidia");
    mp_json_str(o, "family", c->family);
    mp_json_str(o, "tier", c->vendor == MP_VENDOR_APPLE ? mp_chip_tier_name(c) : NULL);
    mp_json_num(o, "gpu_cores", c->gpu_cores ? c->gpu_cores : NAN);
    mp_json_num(o, "cpu_performance_cores", c->cpu_p ? c->cpu_p : NAN);
    mp_json_num(o, "cpu_efficiency_cores", c->cpu_e ? c->cpu_e : NAN);
    cJSON *mem = cJSON_AddArrayToObject(o, "memory_options_gb");
    for (int i = 0; i < c->n_mem_opts; i++)
        cJSON_AddItemToArray(mem, cJSON_CreateNumber(c->mem_opts_gb[i]));
    cJSON_AddBoolToObject(o, "memory_is_range", c->mem_is_range);
    mp_json_num(o, "bandwidth_gbs", c->bandwidth_gbs);
    mp_json_num(o, "fp32_tflops", c->fp32_tflops);
    mp_json_num(o, "bf16_tflops", c->bf16_tflops);
    cJSON_AddBoolToObject(o, "neural_accelerators", c->neural_accel);
    cJSON_AddBoolToObject(o, "unified_memory", c->unified_memory);
    cJSON_AddBoolToObject(o, "provisional", c->provisional);
    mp_json_num(o, "year", c->year ? c->year : NAN);
    mp_json_str(o, "source", c->source);
    return o;
}

cJSON *mp_render_chip_list_json(void)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "chips");
    for (size_t i = 0; i < mp_chip_count(); i++) {
        mp_chip c;
        mp_chip_get(i, &c);
        cJSON_AddItemToArray(arr, chip_json(&c));
    }
    return root;
}

static void budget_row(mp_table *t, const mp_chip *c, int gb)
{
    mp_machine m;
    if (mp_machine_init(&m, c, gb, NULL) != 0)
        return;
    char raise[96];
    if (c->vendor == MP_VENDOR_APPLE)
        snprintf(raise, sizeof raise, "%.1f (sudo sysctl iogpu.wired_limit_mb=%d)",
                 m.gpu_max_bytes / MP_GIB, m.wired_limit_mb);
    else
        snprintf(raise, sizeof raise, "n/a (no wired limit on CUDA)");
    mp_table_rowf(t, "%d\t%.1f\t%.1f\t%s", gb, m.gpu_default_bytes / MP_GIB,
                  0.9 * m.gpu_default_bytes / MP_GIB, raise);
}

void mp_render_chip_md(const mp_chip *c, int memory_gb, mp_buf *out)
{
    mp_buf_printf(out, "# %s: %s%s\n\n", c->short_name,
                  c->vendor == MP_VENDOR_APPLE ? "Apple " : "NVIDIA ", c->name);
    static const char *const hdr[] = {"property", "value"};
    mp_table t;
    mp_table_init(&t, 2, hdr);
    char mem[64], tf[32];
    mp_chip_memory_text(c, mem, sizeof mem);
    tflops_text(c, tf, sizeof tf);
    if (c->vendor == MP_VENDOR_APPLE) {
        mp_table_rowf(&t, "GPU cores\t%d", c->gpu_cores);
        if (c->cpu_p || c->cpu_e)
            mp_table_rowf(&t, "CPU cores\t%d performance + %d efficiency", c->cpu_p, c->cpu_e);
        else
            mp_table_rowf(&t, "CPU cores\tnot published");
    }
    mp_table_rowf(&t, "memory\t%s GB%s", mem, c->mem_is_range ? " (range published)" : "");
    mp_table_rowf(&t, "memory bandwidth\t%g GB/s", c->bandwidth_gbs);
    mp_table_rowf(&t, "FP32 compute\t%s%s", tf, isnan(c->fp32_tflops) ? "" : " TFLOPS");
    if (c->vendor == MP_VENDOR_NVIDIA) {
        if (isnan(c->bf16_tflops))
            mp_table_rowf(&t, "BF16 tensor compute\tnot published");
        else
            mp_table_rowf(&t, "BF16 tensor compute\t%g TFLOPS dense%s", c->bf16_tflops,
                          c->approx_compute ? " (approx.)" : "");
    }
    if (c->vendor == MP_VENDOR_APPLE) {
        mp_table_rowf(&t, "GPU neural accelerators\t%s",
                      c->neural_accel ? "yes (matmul units in every GPU core)" : "no");
        mp_table_rowf(&t, "released\t%d%s", c->year,
                      c->provisional ? " (provisional: announced 2026, figures may change)" : "");
    } else {
        mp_table_rowf(&t, "memory kind\t%s", c->unified_memory ? "unified (CPU + GPU)" : "GPU");
        mp_table_rowf(&t, "MLX backend\tCUDA (pip install \"mlx[cuda]\")");
    }
    mp_table_rowf(&t, "source\t%s", c->source);
    mp_table_write(&t, out);
    mp_table_release(&t);

    mp_buf_puts(out, "\n## GPU memory budget\n\n");
    static const char *const bh[] = {">memory (GB)", ">default GPU limit (GiB)",
                                     ">mlx-lm warns above (GiB)", "raised limit (GiB)"};
    mp_table b;
    mp_table_init(&b, 4, bh);
    if (memory_gb)
        budget_row(&b, c, memory_gb);
    else if (c->mem_is_range)
        for (int gb = c->mem_opts_gb[0]; gb <= c->mem_opts_gb[1]; gb += 8)
            budget_row(&b, c, gb);
    else
        for (int i = 0; i < c->n_mem_opts; i++)
            budget_row(&b, c, c->mem_opts_gb[i]);
    mp_table_write(&b, out);
    mp_table_release(&b);
    mp_machine m;
    if (mp_machine_init(&m, c, memory_gb, NULL) == 0) {
        if (c->vendor == MP_VENDOR_APPLE)
            mp_buf_printf(out,
                          "\nBasis: %s; mlx-lm warns when the model passes 90%% of it; the raised "
                          "limit leaves max(4 GiB, RAM/8) to macOS.\n",
                          m.budget_basis);
        else
            mp_buf_printf(out, "\nBasis: %s.\n", m.budget_basis);
    }
}

cJSON *mp_render_chip_json(const mp_chip *c, int memory_gb)
{
    cJSON *o = chip_json(c);
    cJSON *arr = cJSON_AddArrayToObject(o, "budgets");
    int opts[64], n = 0;
    if (memory_gb)
        opts[n++] = memory_gb;
    else if (c->mem_is_range)
        for (int gb = c->mem_opts_gb[0]; gb <= c->mem_opts_gb[1] && n < 64; gb += 8)
            opts[n++] = gb;
    else
        for (int i = 0; i < c->n_mem_opts; i++)
            opts[n++] = c->mem_opts_gb[i];
    for (int i = 0; i < n; i++) {
        mp_machine m;
        if (mp_machine_init(&m, c, opts[i], NULL) != 0)
            continue;
        cJSON *b = cJSON_CreateObject();
        mp_json_num(b, "memory_gb", opts[i]);
        mp_json_num(b, "ram_bytes", m.ram_bytes);
        mp_json_num(b, "gpu_default_bytes", floor(m.gpu_default_bytes));
        mp_json_num(b, "mlx_lm_warn_bytes", floor(0.9 * m.gpu_default_bytes));
        mp_json_num(b, "gpu_max_bytes", floor(m.gpu_max_bytes));
        if (c->vendor == MP_VENDOR_APPLE)
            mp_json_num(b, "wired_limit_mb", m.wired_limit_mb);
        mp_json_str(b, "basis", m.budget_basis);
        cJSON_AddItemToArray(arr, b);
    }
    return o;
}

void mp_render_host_md(const mp_host *h, const mp_chip *chip, const char *resolve_note,
                       mp_buf *out)
{
    mp_buf_puts(out, "# This machine\n\n");
    static const char *const hdr[] = {"property", "value"};
    mp_table t;
    mp_table_init(&t, 2, hdr);
    mp_table_rowf(&t, "operating system\t%s", h->os);
    mp_table_rowf(&t, "CPU\t%s", h->cpu_brand[0] ? h->cpu_brand : "unknown");
    if (h->cpu_p || h->cpu_e) {
        if (strcmp(h->os, "macos") == 0)
            mp_table_rowf(&t, "CPU cores\t%d performance + %d efficiency", h->cpu_p, h->cpu_e);
        else
            mp_table_rowf(&t, "logical CPUs\t%d", h->cpu_p);
    }
    if (h->gpu_cores)
        mp_table_rowf(&t, "GPU cores\t%d", h->gpu_cores);
    if (h->memory_gib > 0)
        mp_table_rowf(&t, "memory\t%.1f GiB", h->memory_gib);
    if (h->has_nvidia && h->nvidia_memory_gib > 0)
        mp_table_rowf(&t, "NVIDIA GPU\t%s, %.1f GiB", h->nvidia_name, h->nvidia_memory_gib);
    else if (h->has_nvidia)
        mp_table_rowf(&t, "NVIDIA GPU\t%s", h->nvidia_name);
    mp_table_rowf(&t, "mlxplan chip\t%s", chip ? chip->short_name : "none");
    mp_table_write(&t, out);
    mp_table_release(&t);
    if (resolve_note && *resolve_note)
        mp_buf_printf(out, "\n%s\n", resolve_note);
    if (h->n_missing) {
        mp_buf_puts(out, "\nCould not read:\n");
        for (int i = 0; i < h->n_missing; i++)
            mp_buf_printf(out, "- %s\n", h->missing[i]);
    }
}

cJSON *mp_render_host_json(const mp_host *h, const mp_chip *chip, const char *resolve_note)
{
    cJSON *o = cJSON_CreateObject();
    mp_json_str(o, "os", h->os);
    mp_json_str(o, "cpu", h->cpu_brand[0] ? h->cpu_brand : NULL);
    mp_json_num(o, "cpu_performance_cores", h->cpu_p ? h->cpu_p : NAN);
    mp_json_num(o, "cpu_efficiency_cores", h->cpu_e ? h->cpu_e : NAN);
    mp_json_num(o, "gpu_cores", h->gpu_cores ? h->gpu_cores : NAN);
    mp_json_num(o, "memory_gib", h->memory_gib > 0 ? h->memory_gib : NAN);
    if (h->has_nvidia) {
        mp_json_str(o, "nvidia_gpu", h->nvidia_name);
        mp_json_num(o, "nvidia_memory_gib", h->nvidia_memory_gib > 0 ? h->nvidia_memory_gib : NAN);
    } else {
        cJSON_AddNullToObject(o, "nvidia_gpu");
    }
    if (chip)
        cJSON_AddItemToObject(o, "chip", chip_json(chip));
    else
        cJSON_AddNullToObject(o, "chip");
    mp_json_str(o, "note", resolve_note && *resolve_note ? resolve_note : NULL);
    cJSON *miss = cJSON_AddArrayToObject(o, "could_not_read");
    for (int i = 0; i < h->n_missing; i++)
        cJSON_AddItemToArray(miss, cJSON_CreateString(h->missing[i]));
    return o;
}
