/* test_runs_read.c - the readers of mlx-lm output (src/runs/read.c) take the
 * exact values from every sample of tests/fixtures/runs/good/, refuse every
 * sample of tests/fixtures/runs/bad/ with its message, and handle the number
 * forms (decimal commas, thousands groups), command lines and notes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runs/read.h"
#include "util/text.h"

#define N -1.0 /* the output does not carry the figure */

typedef struct sample {
    const char *file;
    const char *format;
    double prompt_tokens, prompt_tps, gen_tokens, gen_tps, peak_gb, train_tps;
    int n_unknown, n_warnings;
    const char *model;
    const char *command;
} sample;

/* Every value below is the one printed in the sample file (train_tps: the
 * median of the reports after the first; a truncated benchmark: the mean of
 * its complete trials). */
static const sample samples[] = {
    {"api-fields.txt", "api", 1024, 835.2214, 128, 41.50771, 5.1873, N, 3, 0, "", ""},
    {"bench-command-batch4.txt", "benchmark", 512, 1426.419, 128, 121.944, 6.911, N, 0, 0,
     "mlx-community/Llama-3.1-8B-Instruct-4bit", "mlx_lm.benchmark"},
    {"bench-grouped-comma.txt", "benchmark", 2048, 4512.3, 256, 251.774, 1.842, N, 0, 0,
     "mlx-community/Llama-3.2-1B-Instruct-4bit", "mlx_lm.benchmark"},
    {"bench-truncated.txt", "benchmark", 512, (402.118 + 398.702) / 2, 1024,
     (31.206 + 30.994) / 2, 9.144, N, 0, 0, "mlx-community/Qwen3-14B-4bit", "mlx_lm.benchmark"},
    {"cap-batch-generate.txt", "batch_generate", 255, 16238.667, 64, 3020.015, 0.004, N, 0, 0,
     "", ""},
    {"cap-benchmark-batch4.txt", "benchmark", 64, 67463.866, 16, 3829.169, 0.004, N, 0, 0, "", ""},
    {"cap-benchmark.txt", "benchmark", 128, 20191.365, 32, 923.259, 0.004, N, 0, 0, "", ""},
    {"cap-benchmark-batch2.txt", "benchmark", 96, 21498.068, 24, 1408.391, 0.023, N, 0, 0, "",
     ""},
    {"cap-generate-long-prompt.txt", "generate", 2490, 2324.308, 24, 73.582, 0.023, N, 0, 0, "",
     ""},
    {"cap-generate-rotating.txt", "generate", 119, 2886.691, 24, 63.877, 0.023, N, 0, 0, "", ""},
    /* real captures damaged as pastes are: cut inside the Generation line;
     * a Latin-1 line and a Python warning before the output */
    {"cap-generate-cut.txt", "generate", 2490, 2324.308, N, N, N, N, 1, 0, "", ""},
    {"cap-generate-latin1.txt", "generate", 119, 2886.691, 24, 63.877, 0.023, N, 1, 2, "", ""},
    {"cap-chat-turn.txt", "chat", N, 2066.6, 12, 647.6, 0.01, N, 1, 0, "", ""},
    {"cap-generate-response.txt", "api", 119, 27851.143831742975, 20, 606.2599737414693,
     0.00097954, N, 0, 0, "", ""},
    {"cap-generate-verbose.txt", "generate", 119, 107.511, 40, 1333.380, 0.001, N, 0, 0, "", ""},
    {"cap-lora-train.txt", "lora", N, N, N, N, N, (399 + 243) / 2.0, 0, 0, "", ""},
    {"chat-multi-turn.txt", "chat", N, 688.0, 12, 95.1, 1.95, N, 2, 0,
     "mlx-community/Llama-3.2-3B-Instruct-4bit", "mlx_lm.chat"},
    {"gen-32k-prompt.txt", "generate", 32768, 421.208, 18, 21.436, 11.842, N, 0, 0,
     "mlx-community/Qwen3-8B-4bit", "mlx_lm.generate"},
    {"gen-bf16-8b.txt", "generate", 18, 182.441, 47, 9.212, 16.212, N, 0, 0,
     "meta-llama/Llama-3.1-8B-Instruct", "mlx_lm.generate"},
    {"gen-command-4bit.txt", "generate", 43, 612.334, 24, 98.517, 1.912, N, 0, 0,
     "mlx-community/Llama-3.2-3B-Instruct-4bit", "mlx_lm.generate"},
    {"gen-cpu-device.txt", "generate", 14, 48.612, 29, 12.905, 0.782, N, 0, 0,
     "mlx-community/Llama-3.2-1B-Instruct-4bit", "mlx_lm.generate"},
    {"gen-crlf.txt", "generate", 9, 150.5, 4, 88.8, 2.201, N, 0, 0,
     "mlx-community/Phi-3.5-mini-instruct-4bit", "mlx_lm.generate"},
    {"gen-decimal-comma.txt", "generate", 512, 1234.567, 64, 71.25, 2.611, N, 0, 0,
     "mlx-community/Qwen3-4B-4bit", "mlx_lm.generate"},
    {"gen-multiline-command.txt", "generate", 12, 95.33, 15, 22.847, 13.402, N, 0, 0,
     "mlx-community/Mistral-Small-24B-Instruct-2501-4bit", "mlx_lm.generate"},
    {"gen-non-utf8.txt", "generate", 27, 385.12, 80, 52.004, 4.716, N, 1, 0, "", ""},
    {"gen-old-format.txt", "generate", N, 69.472, N, 29.837, N, N, 0, 0,
     "mlx-community/Mistral-7B-Instruct-v0.2-4bit", "mlx_lm.generate"},
    {"gen-python-m-umbrella.txt", "generate", 9, 220.613, 10, 88.472, 17.223, N, 0, 0,
     "mlx-community/Qwen3-30B-A3B-4bit", "mlx_lm.generate"},
    {"gen-swap-warning.txt", "generate", 24, 3.102, 19, 0.846, 34.875, N, 0, 0,
     "mlx-community/Qwen2.5-32B-Instruct-8bit", "mlx_lm.generate"},
    {"gen-truncated.txt", "generate", 15, 203.88, N, N, N, N, 1, 0,
     "mlx-community/gemma-3-12b-it-4bit", "mlx_lm.generate"},
    {"gen-warnings.txt", "generate", 31, 540.019, 8, 44.12, 5.027, N, 0, 4, "", ""},
    {"lora-032-panel.txt", "lora", N, N, N, N, N, 1184, 0, 0,
     "mlx-community/Qwen3-4B-Instruct-2507-4bit", "mlx_lm.lora"},
    {"lora-old-full.txt", "lora", N, N, N, N, 6.702, 345.116, 0, 1,
     "mlx-community/Mistral-7B-Instruct-v0.3-4bit", "mlx_lm.lora"},
    {"lora-old-warnings.txt", "lora", N, N, N, N, 4.111, (725.904 + 716.448) / 2, 0, 2,
     "mlx-community/Llama-3.2-3B-Instruct-4bit", "mlx_lm.lora"},
    {"lora-oldest.txt", "lora", N, N, N, N, N, (339.140 + 352.007) / 2, 1, 0, "", ""},
    {"server-usage.txt", "server", 3130, N, 211, N, N, N, 0, 0, "mlx-community/Qwen3-8B-4bit",
     "mlx_lm.server"},
};

typedef struct bad_sample {
    const char *file;
    int code;
    const char *message;
} bad_sample;

static const bad_sample bad_samples[] = {
    {"absurd-iteration.txt", MP_EINVAL,
     "line 1: absurd training report in 'Iter 266666666666666666666666666: Train loss 1.234, "
     "Learning Rate 1.000e-05, It/sec 0.412, Toke'"},
    {"absurd-speed.txt", MP_EINVAL,
     "line 1: absurd generation speed in 'Generation: 100 tokens, 1000000000.000 tokens-per-sec'"},
    {"binary.txt", MP_EPARSE, "no line of mlx-lm output recognised (first line: '???PNG')"},
    {"blank.txt", MP_EPARSE, "the input is empty: paste what mlx_lm printed"},
    {"empty.txt", MP_EPARSE, "the input is empty: paste what mlx_lm printed"},
    {"negative-speed.txt", MP_EINVAL,
     "line 4: absurd generation speed in 'Generation: 100 tokens, -45.000 tokens-per-sec'"},
    {"server-no-timings.txt", MP_EPARSE,
     "the server log carries no timings (line 4 read); time the same model with "
     "mlx_lm.benchmark and paste its output"},
    {"two-runs.txt", MP_EINVAL,
     "line 8 names model 'mlx-community/Llama-3.2-1B-Instruct-4bit', line 1 "
     "'mlx-community/Qwen3-8B-4bit': the paste holds two runs; paste one at a time"},
    {"truncated-before-figures.txt", MP_EPARSE,
     "the generate output has no speed line (truncated before the figures?)"},
    {"unrecognised.txt", MP_EPARSE,
     "no line of mlx-lm output recognised (first line: 'It was slow, maybe 9 tokens a second?')"},
    {"zero-speed.txt", MP_EINVAL,
     "line 1: absurd prompt speed in 'Prompt: 20 tokens, 0.000 tokens-per-sec'"},
};

static char *load(const char *dir, const char *file, size_t *len)
{
    const char *fix = getenv("MLXPLAN_FIXTURES");
    char path[1024];
    snprintf(path, sizeof path, "%s/runs/%s/%s", fix ? fix : "tests/fixtures", dir, file);
    char *text = NULL;
    mp_error err;
    mp_error_clear(&err);
    if (mp_read_file(path, MP_RUNS_MAX_INPUT_BYTES, "sample", &text, len, &err) != 0)
        fail_msg("%s", err.msg);
    return text;
}

static void expect_close(const char *file, const char *what, double want, double got)
{
    if (want < 0 ? got >= 0 : fabs(got - want) > 1e-9 * fmax(1.0, fabs(want)))
        fail_msg("%s: %s is %.9g, expected %.9g", file, what, got, want);
}

static void test_good_samples(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        const sample *s = &samples[i];
        size_t len;
        char *text = load("good", s->file, &len);
        mp_run_reading r;
        mp_error err;
        mp_error_clear(&err);
        int rc = mp_runs_read(text, len, &r, &err);
        free(text);
        if (rc != 0)
            fail_msg("%s: %s", s->file, err.msg);
        if (strcmp(mp_run_format_name(r.format), s->format) != 0)
            fail_msg("%s: format %s, expected %s", s->file, mp_run_format_name(r.format),
                     s->format);
        expect_close(s->file, "prompt tokens", s->prompt_tokens, r.prompt_tokens);
        expect_close(s->file, "prompt tok/s", s->prompt_tps, r.prompt_tok_per_s);
        expect_close(s->file, "generated tokens", s->gen_tokens, r.gen_tokens);
        expect_close(s->file, "generation tok/s", s->gen_tps, r.gen_tok_per_s);
        expect_close(s->file, "peak GB", s->peak_gb, r.peak_memory_gb);
        expect_close(s->file, "training tok/s", s->train_tps, r.train_tok_per_s);
        if (r.n_unknown != s->n_unknown || r.n_warnings != s->n_warnings)
            fail_msg("%s: %d lines not understood and %d warnings, expected %d and %d", s->file,
                     r.n_unknown, r.n_warnings, s->n_unknown, s->n_warnings);
        if (strcmp(r.model, s->model) != 0 || strcmp(r.command, s->command) != 0)
            fail_msg("%s: model '%s' command '%s', expected '%s' '%s'", s->file, r.model,
                     r.command, s->model, s->command);
    }
}

/* Every file of the corpus is in one of the tables, so a sample cannot be
 * added without its expected values. */
static void test_corpus_complete(void **state)
{
    (void)state;
    const char *fix = getenv("MLXPLAN_FIXTURES");
    const char *dirs[] = {"good", "bad"};
    int total = 0;
    for (int d = 0; d < 2; d++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/runs/%s", fix ? fix : "tests/fixtures", dirs[d]);
        DIR *dir = opendir(path);
        assert_non_null(dir);
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            bool found = false;
            if (d == 0)
                for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
                    found |= strcmp(samples[i].file, e->d_name) == 0;
            else
                for (size_t i = 0; i < sizeof bad_samples / sizeof bad_samples[0]; i++)
                    found |= strcmp(bad_samples[i].file, e->d_name) == 0;
            if (!found)
                fail_msg("%s/%s has no expected values in test_runs_read.c", dirs[d], e->d_name);
            total++;
        }
        closedir(dir);
    }
    assert_int_equal(total, (int)(sizeof samples / sizeof samples[0] +
                                  sizeof bad_samples / sizeof bad_samples[0]));
}

static void test_bad_samples(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_samples / sizeof bad_samples[0]; i++) {
        size_t len;
        char *text = load("bad", bad_samples[i].file, &len);
        mp_run_reading r;
        mp_error err;
        mp_error_clear(&err);
        int rc = mp_runs_read(text, len, &r, &err);
        free(text);
        if (rc != bad_samples[i].code || strcmp(err.msg, bad_samples[i].message) != 0)
            fail_msg("%s: rc %d '%s', expected %d '%s'", bad_samples[i].file, rc, err.msg,
                     bad_samples[i].code, bad_samples[i].message);
    }
}

static int read_str(const char *s, mp_run_reading *r)
{
    return mp_runs_read(s, strlen(s), r, NULL);
}

static void test_numbers(void **state)
{
    (void)state;
    mp_run_reading r;
    /* grouped thousands with a decimal point: "1,234.500" */
    assert_int_equal(read_str("Prompt: 2,048 tokens, 1,234.500 tokens-per-sec\n", &r), 0);
    assert_true(r.prompt_tokens == 2048 && r.prompt_tok_per_s == 1234.5 && !r.decimal_comma);
    /* German grouping with a decimal comma: "1.234,5" */
    assert_int_equal(read_str("Generation: 10 tokens, 1.234,5 tokens-per-sec\n", &r), 0);
    assert_true(r.gen_tok_per_s == 1234.5 && r.decimal_comma);
    /* 0.32's LoRA tok/s column groups thousands: "22,174" is 22174 */
    assert_int_equal(read_str("  20    3.870 \xe2\x96\xbc    22,174      4.8k\n", &r), 0);
    assert_true(r.train_tok_per_s == 22174 && r.trained_tokens == 4800 && r.train_loss == 3.87);
    /* an exponent in a repr */
    assert_int_equal(read_str("GenerationResponse(prompt_tps=1.5e+03, generation_tps=42.0, "
                              "peak_memory=1.2e-05)\n", &r), 0);
    assert_true(r.prompt_tok_per_s == 1500 && r.peak_memory_gb == 1.2e-05);
    /* a fractional token count is not a count: the line is not understood */
    assert_int_equal(read_str("Prompt: 12.5 tokens, 100.000 tokens-per-sec\n", &r), MP_EPARSE);
}

static void test_old_lora_is_training(void **state)
{
    (void)state;
    mp_run_reading r;
    /* the example: It/sec 0.456 is not a speed of 0 tok/s */
    assert_int_equal(read_str("Iter 10: Train loss 2.299, It/sec 0.456, Tokens/sec 345.678\n", &r),
                     0);
    assert_true(mp_run_is_training(&r));
    assert_true(r.train_it_per_s == 0.456 && r.train_tok_per_s == 345.678);
    assert_true(r.gen_tok_per_s < 0 && r.prompt_tok_per_s < 0);
}

static void test_command_line(void **state)
{
    (void)state;
    mp_run_reading r;
    memset(&r, 0, sizeof r);
    r.batch_size = r.max_tokens = r.kv_bits = r.max_kv_size = -1;
    assert_true(mp_runs_read_command("$ mlx_lm.generate --model 'a/b c' --max-tokens=300 "
                                     "--kv-bits 4 --max-kv-size 4096", &r));
    assert_string_equal(r.command, "mlx_lm.generate");
    assert_string_equal(r.model, "a/b c");
    assert_true(r.max_tokens == 300 && r.kv_bits == 4 && r.max_kv_size == 4096);
    assert_true(mp_runs_read_command("python3 -m mlx_lm benchmark --model m -b 8", &r));
    assert_string_equal(r.command, "mlx_lm.benchmark");
    assert_true(r.batch_size == 8);
    assert_false(mp_runs_read_command("pip install mlx_lm", &r));
    assert_false(mp_runs_read_command("my_mlx_lm.generate --model x", &r));
}

static void test_notes_and_limits(void **state)
{
    (void)state;
    mp_run_reading r;
    mp_error err;
    mp_error_clear(&err);
    /* a line longer than a note is cut with "..." on a character boundary */
    char big[600];
    memset(big, 'x', sizeof big);
    big[599] = '\0';
    char text[800];
    snprintf(text, sizeof text, "%s\nPrompt: 1 tokens, 2.000 tokens-per-sec\n", big);
    assert_int_equal(mp_runs_read(text, strlen(text), &r, &err), 0);
    assert_int_equal(r.notes[0].kind, MP_RUN_LINE_UNKNOWN);
    assert_int_equal(strlen(r.notes[0].text), MP_RUNS_NOTE_TEXT - 1);
    assert_string_equal(r.notes[0].text + MP_RUNS_NOTE_TEXT - 4, "...");
    /* a long command line is cut between words */
    const char *cmd = "mlx_lm.lora --model mlx-community/Mistral-7B-Instruct-v0.3-4bit --train "
                      "--data ./data --batch-size 4 --num-layers 16\nIter 1: Train loss 1.0, "
                      "Tokens/sec 10.0\n";
    assert_int_equal(mp_runs_read(cmd, strlen(cmd), &r, &err), 0);
    assert_string_equal(r.notes[0].text,
                        "mlx_lm.lora --model mlx-community/Mistral-7B-Instruct-v0.3-4bit --train "
                        "--data ./data ...");
    /* too big */
    assert_int_equal(mp_runs_read(text, MP_RUNS_MAX_INPUT_BYTES + 1u, &r, &err), MP_ELIMIT);
    /* NUL bytes inside a line do not end the input */
    const char nul[] = "Prompt: 5 tokens, 10.000 tokens-per-sec\0\nGeneration: 3 tokens, "
                       "7.000 tokens-per-sec\n";
    assert_int_equal(mp_runs_read(nul, sizeof nul - 1, &r, NULL), 0);
    assert_true(r.gen_tok_per_s == 7.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_samples),     cmocka_unit_test(test_corpus_complete),
        cmocka_unit_test(test_bad_samples),      cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_old_lora_is_training), cmocka_unit_test(test_command_line),
        cmocka_unit_test(test_notes_and_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
