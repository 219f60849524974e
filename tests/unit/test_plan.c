/* test_plan.c - request parsing with provenance, the journal, and plans whose
 * numbers are the engines' numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/infer.h"
#include "model/registry.h"
#include "plan/journal.h"
#include "plan/plan.h"
#include "plan/planner.h"
#include "render/estimate.h"
#include "plan/spec.h"

static mp_spec parse(const char *text)
{
    mp_spec s;
    mp_error e;
    mp_error_clear(&e);
    mp_spec_init(&s);
    int rc = mp_spec_parse_text(&s, text, strlen(text), MP_PROV_REQUEST, &e);
    if (rc)
        fail_msg("'%s': %s", text, e.msg);
    return s;
}

/* An item's text as the Markdown renderer prints it (spans joined, no markup). */
static const char *cell_text(const mp_item *it)
{
    static char buf[512];
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < it->n && k < sizeof buf; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k, "%s", it->spans[i].text);
    return buf;
}

static void test_the_three_requests(void **state)
{
    (void)state;
    mp_spec s = parse("I need to build a transformer architecture from scratch using Apple MLX "
                      "for training on Apple Silicon");
    assert_true(s.intents & MP_INTENT_PRETRAIN);
    assert_false(s.intents & MP_INTENT_FINETUNE);
    assert_int_equal(s.model.prov, MP_PROV_NONE);

    s = parse("My MLX model inference is slower than expected on my M3 Max, how can I optimize "
              "it?");
    assert_true(s.intents & MP_INTENT_OPTIMIZE);
    assert_true(s.intents & MP_INTENT_RUN);
    assert_string_equal(s.chip.value, "m3 max");
    assert_int_equal(s.chip.prov, MP_PROV_REQUEST);
    assert_true(s.my_machine);

    s = parse("I want to fine-tune a language model using MLX-LM and deploy it efficiently");
    assert_true(s.intents & MP_INTENT_FINETUNE);
    assert_true(s.intents & MP_INTENT_SERVE);
    assert_int_equal(s.model.prov, MP_PROV_NONE);
    assert_int_equal(s.chip.prov, MP_PROV_NONE);
}

static void test_fields_and_evidence(void **state)
{
    (void)state;
    mp_spec s = parse("QLoRA fine-tune Qwen3-32B on an M4 Pro 48GB with 2000 chat examples, "
                      "budget 3 hours");
    assert_string_equal(s.model.value, "Qwen/Qwen3-32B");
    assert_string_equal(s.task.value, "qlora");
    assert_true(s.memory_gb.value == 48);
    assert_string_equal(s.memory_gb.evidence, "48gb");
    assert_true(s.data_examples.value == 2000);
    assert_true(s.budget_hours.value == 3);
    assert_string_equal(s.data_format.value, "chat");

    s = parse("serve Mistral 7B Instruct to 8 users on an M2 Ultra 60c 192GB");
    assert_string_equal(s.model.value, "mistralai/Mistral-7B-Instruct-v0.3");
    assert_true(s.users.value == 8);
    assert_string_equal(s.users.evidence, "8 users");
    assert_string_equal(s.chip.value, "m2 ultra 60c");

    s = parse("run DeepSeek V3 across two M3 Ultra 512GB Macs");
    assert_true(s.n_macs.value == 2);
    assert_true(s.intents & MP_INTENT_DISTRIBUTED);
    assert_string_equal(s.model.value, "deepseek-ai/DeepSeek-V3");
    /* a count right before a chip counts Macs too; a count of other things does not */
    s = parse("run DeepSeek V3 on two M3 Ultra 512GB");
    assert_true(s.n_macs.value == 2);
    assert_true(s.intents & MP_INTENT_DISTRIBUTED);
    assert_string_equal(s.n_macs.evidence, "two m3 ultra");
    /* "train a 125M GPT" is a model trained from scratch; "train it on" is a fine-tune */
    s = parse("train a 125M GPT on tinystories");
    assert_true(s.intents & MP_INTENT_PRETRAIN);
    assert_true(s.model_size.value == 125e6);
    s = parse("train Qwen3 8B on my data");
    assert_false(s.intents & MP_INTENT_PRETRAIN);

    /* a second format is compared; the KV cache's bits are not a format */
    s = parse("evaluate Qwen3 8B 4-bit vs 8-bit vs 4bit with a 8-bit kv cache");
    assert_string_equal(s.quant.value, "4-bit");
    assert_int_equal(s.n_alt_quants, 1);
    assert_string_equal(s.alt_quants[0].value, "8-bit");
    assert_true(s.kv_bits.value == 8);

    s = parse("run Qwen3 8B on an M4 Max with 2 m2 ssds");
    assert_true(isnan(s.n_macs.value));
    assert_false(s.intents & MP_INTENT_DISTRIBUTED);

    s = parse("Llama 3.1 8B 4-bit generates only 20 tok/s on my M4 Max 40c 64GB");
    assert_true(s.observed_tok_s.value == 20);
    assert_false(s.observed_training);
    assert_string_equal(s.quant.value, "4-bit");
    assert_false(s.intents & MP_INTENT_QUANTIZE); /* naming a format is not a quantize task */
    assert_string_equal(s.model.evidence, "llama 3.1 8b");

    s = parse("run Llama 3.1 8B Instruct with 128k context with 4-bit kv cache quantization");
    assert_true(s.kv_bits.value == 4);
    assert_true(s.context.value == 131072);
    assert_int_equal(s.quant.prov, MP_PROV_NONE); /* the bits are the cache's */
    assert_false(s.intents & MP_INTENT_QUANTIZE);

    s = parse("my LoRA training of Qwen3 8B runs at 200 tokens/sec, why so slow");
    assert_true(s.observed_training);
    assert_false(s.intents & MP_INTENT_RUN);

    s = parse("quantize Qwen2.5-7B-Instruct with DWQ");
    assert_string_equal(s.quant_method.value, "dwq");
    assert_true(s.intents & MP_INTENT_QUANTIZE);
}

static void test_stronger_source_wins(void **state)
{
    (void)state;
    mp_spec s;
    mp_error e;
    mp_error_clear(&e);
    mp_spec_init(&s);
    const char *journal = "Hardware: M2 Max 38c with 64GB";
    assert_int_equal(mp_spec_parse_text(&s, journal, strlen(journal), MP_PROV_JOURNAL, &e), 0);
    const char *req = "run Qwen3 8B on my M3 Max 36GB";
    assert_int_equal(mp_spec_parse_text(&s, req, strlen(req), MP_PROV_REQUEST, &e), 0);
    assert_string_equal(s.chip.value, "m3 max");
    assert_int_equal(s.chip.prov, MP_PROV_REQUEST);
    assert_true(s.memory_gb.value == 36);
    assert_int_equal(s.n_contradictions, 2);
    assert_non_null(strstr(s.contradictions[0], "journal"));
    /* a weaker source afterwards changes nothing */
    assert_int_equal(mp_spec_parse_text(&s, journal, strlen(journal), MP_PROV_JOURNAL, &e), 0);
    assert_string_equal(s.chip.value, "m3 max");
}

static void test_impossible(void **state)
{
    (void)state;
    char why[200];
    assert_true(mp_spec_impossible("run it on my AMD GPU", why, sizeof why));
    assert_non_null(strstr(why, "AMD"));
    assert_true(mp_spec_impossible("fine-tune Whisper", why, sizeof why));
    assert_false(mp_spec_impossible("run Qwen3 8B on an M4 Max", why, sizeof why));
}

/* ---- journal ------------------------------------------------------------------------- */

static char tmp_dir[4096];

static int make_tmp(void **state)
{
    (void)state;
    const char *root = getenv("MLXPLAN_TEST_TMP");
    if (!root)
        root = "/tmp";
    mkdir(root, 0755);
    snprintf(tmp_dir, sizeof tmp_dir, "%s/journal-XXXXXX", root);
    return mkdtemp(tmp_dir) ? 0 : -1;
}

static char *slurp(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static int count_entries(const char *dir)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

static void test_journal_write_keeps_old_plan(void **state)
{
    (void)state;
    mp_error e;
    mp_error_clear(&e);
    char kept[200];
    assert_int_equal(mp_journal_write(tmp_dir, "# Plan: one\n", "wrote plan one", "2026-11-25",
                                      kept, sizeof kept, &e), 0);
    assert_string_equal(kept, "");
    assert_string_equal(slurp(tmp_dir, "OUR-PLAN.md"), "# Plan: one\n");
    assert_string_equal(slurp(tmp_dir, "CHANGELOG.md"),
                        "# Changelog\n\n- 2026-11-25: wrote plan one\n");
    assert_int_equal(mp_journal_write(tmp_dir, "# Plan: two\n", "wrote plan two", "2026-11-25",
                                      kept, sizeof kept, &e), 0);
    assert_string_equal(kept, "OUR-PLAN.2026-11-25.md");
    assert_string_equal(slurp(tmp_dir, "OUR-PLAN.2026-11-25.md"), "# Plan: one\n");
    assert_string_equal(slurp(tmp_dir, "OUR-PLAN.md"), "# Plan: two\n");
    assert_int_equal(mp_journal_write(tmp_dir, "# Plan: three\n", "wrote plan three",
                                      "2026-11-25", kept, sizeof kept, &e), 0);
    assert_string_equal(kept, "OUR-PLAN.2026-11-25-1.md");
    assert_string_equal(slurp(tmp_dir, "CHANGELOG.md"),
                        "# Changelog\n\n- 2026-11-25: wrote plan one\n"
                        "- 2026-11-25: wrote plan two\n- 2026-11-25: wrote plan three\n");
    assert_int_equal(count_entries(tmp_dir), 4); /* no temporary files left */
    /* what was written reads back as journal context */
    mp_spec s;
    mp_spec_init(&s);
    mp_journal_info info;
    assert_int_equal(mp_journal_read(tmp_dir, &s, &info, &e), 0);
    assert_int_equal(info.n_files, 2);
    assert_string_equal(info.files, "CHANGELOG.md, OUR-PLAN.md");
}

static void test_journal_refuses_symlinks(void **state)
{
    (void)state;
    char target[4200], link_path[4200];
    snprintf(target, sizeof target, "%s/elsewhere.md", tmp_dir);
    snprintf(link_path, sizeof link_path, "%s/OUR-PLAN.md", tmp_dir);
    FILE *f = fopen(target, "w");
    assert_non_null(f);
    fputs("not yours\n", f);
    fclose(f);
    unlink(link_path);
    assert_int_equal(symlink(target, link_path), 0);
    int before = count_entries(tmp_dir);
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_journal_write(tmp_dir, "# Plan\n", "x", "2026-11-25", NULL, 0, &e),
                     MP_EIO);
    assert_non_null(strstr(e.msg, "symbolic link"));
    assert_string_equal(slurp(tmp_dir, "elsewhere.md"), "not yours\n");
    assert_int_equal(count_entries(tmp_dir), before); /* nothing half-written */
    unlink(link_path);
    /* a CHANGELOG.md that is a folder stops the write before anything moves */
    char log_dir[4200];
    snprintf(log_dir, sizeof log_dir, "%s/CHANGELOG.md", tmp_dir);
    assert_int_equal(mkdir(log_dir, 0755), 0);
    before = count_entries(tmp_dir);
    mp_error_clear(&e); /* an mp_error keeps its first message */
    assert_int_equal(mp_journal_write(tmp_dir, "# Plan\n", "x", "2026-11-25", NULL, 0, &e),
                     MP_EIO);
    assert_non_null(strstr(e.msg, "not a regular file"));
    assert_int_equal(count_entries(tmp_dir), before);
    rmdir(log_dir);
}

static void test_journal_read_limits(void **state)
{
    (void)state;
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/big", tmp_dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    char path[4300];
    snprintf(path, sizeof path, "%s/PRD.md", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < MP_JOURNAL_MAX_BYTES / 64 + 1; i++)
        fputs("run Qwen3 8B on an M4 Max 40c with 64GB, again and again and....\n", f);
    fclose(f);
    mp_spec s;
    mp_spec_init(&s);
    mp_journal_info info;
    mp_error e;
    mp_error_clear(&e);
    assert_int_not_equal(mp_journal_read(dir, &s, &info, &e), 0);
    assert_non_null(strstr(e.msg, "PRD.md"));
}

/* ---- plans --------------------------------------------------------------------------- */

static mp_plan *build(const char *text, const char *chip, int memory_gb)
{
    mp_plan_req req;
    memset(&req, 0, sizeof req);
    req.text = text;
    req.chip = chip;
    req.memory_gb = memory_gb;
    mp_plan *p = NULL;
    mp_error e;
    mp_error_clear(&e);
    int rc = mp_plan_build(&req, &p, &e);
    if (rc)
        fail_msg("'%s': %s", text, e.msg);
    return p;
}

static double number(const mp_plan *p, const char *name)
{
    for (int i = 0; i < p->n_numbers; i++)
        if (strcmp(p->numbers[i].name, name) == 0)
            return p->numbers[i].value;
    fail_msg("plan has no number '%s'", name);
    return NAN;
}

/* Registry model `id` in affine 4-bit g64 on an M4 Pro 20c with 24 GB at
 * 8,192 tokens of context, a 4,096-token prompt and batch 1, straight
 * through the estimator. */
static void infer_4bit(const char *id, mp_infer_result *res)
{
    const mp_model_row *row = mp_registry_find(id);
    assert_non_null(row);
    mp_arch a;
    assert_int_equal(mp_registry_arch(row, &a, NULL), 0);
    mp_chip_match cm;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_chip_resolve("M4 Pro 20c", 24, &cm, &e), 0);
    mp_machine m;
    assert_int_equal(mp_machine_init(&m, &cm.chip, 24, &e), 0);
    mp_quant q = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a.dtype};
    mp_infer_req r = {&a, &m, q, 8192, 4096, 1, 0, 64, 0, 0, NULL};
    assert_int_equal(mp_infer(&r, res, &e), 0);
    mp_arch_release(&a);
}

static void test_plan_numbers_are_engine_numbers(void **state)
{
    (void)state;
    mp_plan *p = build("run Qwen3 8B in 4-bit at 8k context", "M4 Pro 20c", 24);
    assert_string_equal(p->verdict, "fits");
    assert_string_equal(p->model_id, "Qwen/Qwen3-8B");
    /* the same inputs straight through the estimator */
    mp_infer_result res;
    infer_4bit("Qwen/Qwen3-8B", &res);
    assert_true(number(p, "decode_tok_s") == res.decode_tok_s);
    assert_true(number(p, "prefill_tok_s") == res.prefill_tok_s);
    assert_true(number(p, "total_bytes") == floor(res.total_bytes));
    assert_true(number(p, "ttft_s") == res.ttft_s);
    assert_non_null(p->reproduce_infer);
    assert_non_null(strstr(p->reproduce_infer, "--quant 4 --group-size 64 --context 8192"));
    mp_plan_free(p);
}

/* "X or Y": Y is estimated as X is (same machine, context, prompt, batch,
 * format rule) and its row and reproduce line say what mp_infer gives. */
static void test_plan_compares_named_models(void **state)
{
    (void)state;
    mp_plan *p = build("run Qwen3 8B or Llama 3.1 8B in 4-bit at 8k context", "M4 Pro 20c", 24);
    assert_string_equal(p->model_id, "Qwen/Qwen3-8B");
    assert_int_equal(p->spec.n_alt_models, 1);
    assert_string_equal(p->spec.alt_models[0].value, "meta-llama/Llama-3.1-8B-Instruct");
    assert_int_equal(p->n_reproduce_compared, 1);
    assert_string_equal(p->reproduce_compared[0],
                        "mlxplan estimate --model meta-llama/Llama-3.1-8B-Instruct --chip "
                        "\"M4 Pro 20c\" --memory 24 --quant 4 --group-size 64 --context 8192 "
                        "--prompt 4096 --batch 1");
    mp_infer_result res;
    infer_4bit("meta-llama/Llama-3.1-8B-Instruct", &res);
    char gb[32], tok[32], want_mem[48], want_dec[48];
    mp_fmt_gib(res.total_bytes, gb, sizeof gb);
    mp_fmt_rate(res.decode_tok_s, tok, sizeof tok);
    snprintf(want_mem, sizeof want_mem, "%s GiB", gb);
    snprintf(want_dec, sizeof want_dec, "%s tok/s", tok);
    /* the summary's comparison table: header, planned model, then Llama */
    const mp_section *sum = &p->sections[MP_SEC_SUMMARY];
    const mp_block *t = NULL;
    for (int i = 0; i < sum->n; i++)
        if (sum->blocks[i].kind == MP_BLK_TABLE)
            t = &sum->blocks[i];
    assert_non_null(t);
    assert_int_equal(t->ncols, 7);
    assert_int_equal(t->n, 3 * 7);
    const mp_item *llama = &t->items[2 * 7];
    assert_string_equal(cell_text(&llama[0]), "meta-llama/Llama-3.1-8B-Instruct");
    assert_string_equal(cell_text(&llama[2]), "affine 4-bit g64");
    assert_string_equal(cell_text(&llama[3]), want_mem);
    assert_string_equal(cell_text(&llama[4]), want_dec);
    assert_string_equal(cell_text(&llama[6]), mp_verdict_name(res.verdict));
    assert_string_equal(cell_text(&t->items[7]), "Qwen/Qwen3-8B");
    /* the cells keep the engine's numbers with their units, not only the digits */
    assert_int_equal(llama[3].spans[0].kind, MP_SPAN_VALUE);
    assert_true(llama[3].spans[0].value->value == res.total_bytes);
    assert_string_equal(llama[3].spans[0].value->unit, "bytes");
    assert_int_equal(llama[4].spans[0].kind, MP_SPAN_VALUE);
    assert_true(llama[4].spans[0].value->value == res.decode_tok_s);
    assert_string_equal(llama[4].spans[0].value->unit, "tok/s");
    mp_plan_free(p);

    /* a fine-tune plans one model and says so of the other */
    p = build("fine-tune Qwen3 8B or Llama 3.1 8B on my chats", "M4 Pro 20c", 24);
    assert_int_equal(p->n_reproduce_compared, 0);
    bool said = false;
    for (int i = 0; i < p->n_assumptions; i++)
        said |= strstr(p->assumptions[i], "also names meta-llama/Llama-3.1-8B-Instruct") != NULL;
    assert_true(said);
    mp_plan_free(p);

    /* the same model twice, and a name the registry lacks */
    p = build("run Qwen3 8B, i.e. Qwen/Qwen3-8B, not gemma 3 40b", "M4 Pro 20c", 24);
    assert_int_equal(p->spec.n_alt_models, 0);
    assert_string_equal(p->spec.unknown_model, "gemma 3 40b");
    mp_plan_free(p);
}

static void test_plan_sections_all_filled(void **state)
{
    (void)state;
    static const char *const reqs[] = {
        "fine-tune Llama 3.1 8B on my support chats and serve it",
        "train a transformer from scratch",
        "my Qwen3 8B is slow, 10 tok/s",
        "quantize Qwen3 14B and measure quality",
        "serve Qwen3 8B to 16 users",
    };
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        mp_plan *p = build(reqs[i], "M3 Max 40c", 64);
        for (int sct = 0; sct < MP_SEC_COUNT; sct++)
            if (p->sections[sct].n == 0)
                fail_msg("'%s': section %s is empty", reqs[i], p->sections[sct].title);
        assert_non_null(p->verdict);
        mp_plan_free(p);
    }
}

static void test_plan_errors(void **state)
{
    (void)state;
    mp_plan_req req;
    memset(&req, 0, sizeof req);
    mp_plan *p = NULL;
    mp_error e;
    mp_error_clear(&e);
    req.text = "";
    assert_int_equal(mp_plan_build(&req, &p, &e), MP_EUSAGE);
    assert_null(p);
    req.text = "zzz yyy xxx";
    mp_error_clear(&e);
    assert_int_equal(mp_plan_build(&req, &p, &e), MP_EINVAL);
    assert_non_null(strstr(e.msg, "zzz yyy xxx"));
    req.text = "fine-tune something";
    req.strict = true;
    mp_error_clear(&e);
    assert_int_equal(mp_plan_build(&req, &p, &e), MP_EINVAL);
    assert_non_null(strstr(e.msg, "--strict"));
    assert_null(p);
}

/* Every MLX-LM default the planner reads (facts.c) is in the knowledge
 * tables, and is a number where the planner computes with it. */
static void test_planner_facts_in_tables(void **state)
{
    (void)state;
    for (int f = 0; f < MP_FACT_N; f++) {
        const char *s = mp_pl_fact_text((mp_fact)f);
        assert_non_null(s);
        assert_true(s[0] != '\0');
        if (f != MP_FACT_SERVER_HOST) {
            assert_true(isfinite(mp_pl_fact((mp_fact)f)));
            assert_true(mp_pl_fact((mp_fact)f) > 0);
        }
    }
    assert_null(mp_pl_fact_text(MP_FACT_N));
    assert_true(isnan(mp_pl_fact(MP_FACT_SERVER_HOST))); /* "127.0.0.1" is no number */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_three_requests),
        cmocka_unit_test(test_fields_and_evidence),
        cmocka_unit_test(test_stronger_source_wins),
        cmocka_unit_test(test_impossible),
        cmocka_unit_test_setup(test_journal_write_keeps_old_plan, make_tmp),
        cmocka_unit_test_setup(test_journal_refuses_symlinks, make_tmp),
        cmocka_unit_test_setup(test_journal_read_limits, make_tmp),
        cmocka_unit_test(test_plan_numbers_are_engine_numbers),
        cmocka_unit_test(test_plan_compares_named_models),
        cmocka_unit_test(test_plan_sections_all_filled),
        cmocka_unit_test(test_plan_errors),
        cmocka_unit_test(test_planner_facts_in_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
