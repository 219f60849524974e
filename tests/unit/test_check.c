/* test_check.c - the checker's API (src/check/check.h): the rule table and
 * its practices, rule selection, input limits and errors, ignore comments,
 * findings of small sources, the renderers, and robustness against mangled
 * input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check/check.h"
#include "kb/kb.h"
#include "render/check.h"
#include "render/json.h"
#include "util/text.h"

/* Findings of `src` as "LINE:COL RULE" lines; all rules unless `only`. */
static char *findings(const char *src, const char *only)
{
    mp_check_options o;
    mp_check_options_all(&o);
    if (only)
        assert_int_equal(mp_check_options_select(&o, &only, 1, NULL, 0, NULL), 0);
    mp_check_result r = MP_CHECK_RESULT_INIT;
    mp_error e;
    mp_error_clear(&e);
    int rc = mp_check_source(src, strlen(src), "t.py", &o, &r, &e);
    if (rc)
        fail_msg("check failed: %s", e.msg);
    size_t n;
    const mp_check_rule *rules = mp_check_rules(&n);
    mp_buf b = MP_BUF_INIT;
    for (size_t i = 0; i < r.n; i++)
        mp_buf_printf(&b, "%s%u:%u %s", i ? "\n" : "", (unsigned)r.items[i].line,
                      (unsigned)r.items[i].col, rules[r.items[i].rule].id);
    mp_check_result_release(&r);
    return mp_buf_detach(&b, NULL);
}

static void finds(const char *src, const char *want)
{
    char *got = findings(src, NULL);
    assert_string_equal(got, want);
    free(got);
}

/* The error a source gives: code and message. */
static void rejects(const char *src, size_t len, int code, const char *msg)
{
    mp_check_result r = MP_CHECK_RESULT_INIT;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_check_source(src, len, "bad.py", NULL, &r, &e), code);
    assert_string_equal(e.msg, msg);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.n_files, 0);
    mp_check_result_release(&r);
}

/* Whether a name of a practice's names column exists in the knowledge base. */
static bool kb_name_exists(const char *name)
{
    if (strncmp(name, "lora_config.", 12) == 0)
        return mp_kb_lora_key(name) != NULL;
    const char *sp = strchr(name, ' ');
    if (sp) {
        char cmd[96];
        snprintf(cmd, sizeof cmd, "%.*s", (int)(sp - name), name);
        return mp_kb_cli_find(cmd, sp + 1) != NULL;
    }
    return mp_kb_api_find(name) != NULL || mp_kb_cli_command_known(name);
}

static void test_rule_table(void **state)
{
    (void)state;
    size_t n;
    const mp_check_rule *rules = mp_check_rules(&n);
    assert_int_equal(n, MP_CHECK_N_RULES);
    assert_int_equal(n, 18);
    for (size_t i = 0; i < n; i++) {
        if (i)
            assert_true(strcmp(rules[i - 1].id, rules[i].id) < 0);
        assert_int_equal(strlen(rules[i].id), 6);
        assert_ptr_equal(mp_check_rule_find(rules[i].id), &rules[i]);
        assert_ptr_equal(mp_check_rule_find(rules[i].name), &rules[i]);
        assert_true(strlen(rules[i].summary) <= 70);
        /* every rule's practice exists, and every name it cites is known */
        const mp_practice_row *p = mp_kb_practice(rules[i].practice);
        if (!p)
            fail_msg("rule %s: practice %s missing", rules[i].id, rules[i].practice);
        char names[1024];
        mp_strlcpy(names, p->names, sizeof names);
        for (char *save = NULL, *tok = strtok_r(names, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save))
            if (!kb_name_exists(tok))
                fail_msg("practice %s names unknown '%s'", p->id, tok);
    }
    assert_true(mp_kb_api_has_prefix("mlx.core.fast."));
    assert_true(mp_kb_api_has_prefix("mlx_lm.models.cache."));
    assert_false(mp_kb_api_has_prefix("mlx.core.fastt."));
    assert_ptr_equal(mp_check_rule_find("mlx101"), &rules[3]);
    assert_ptr_equal(mp_check_rule_find("SYNC-IN-LOOP"), &rules[4]);
    assert_null(mp_check_rule_find("MLX999"));
    assert_string_equal(mp_check_severity_name(rules[0].severity), "error");
    assert_string_equal(mp_check_severity_name(rules[6].severity), "note");

    mp_buf b = MP_BUF_INIT;
    mp_check_rules_text(&b);
    assert_int_equal(strncmp(mp_buf_cstr(&b),
                             "  MLX001  unknown-name (error, practice API-001)\n          a name "
                             "under mx., nn., optim., mlx.utils or mlx_lm that does not exist\n",
                             130),
                     0);
    assert_non_null(strstr(mp_buf_cstr(&b), "  MLX304  rng-mix (warning, practice RAND-001)\n"));
    mp_buf_release(&b);
}

static void test_select(void **state)
{
    (void)state;
    mp_check_options o;
    mp_error e;
    mp_error_clear(&e);
    const char *sel[] = {"MLX001", "sync-in-loop"};
    const char *ign[] = {"mlx001"};
    assert_int_equal(mp_check_options_select(&o, sel, 2, ign, 1, &e), 0);
    assert_int_equal(o.enabled, 1u << MP_CHECK_MLX102);
    assert_int_equal(mp_check_options_select(&o, NULL, 0, ign, 1, &e), 0);
    assert_int_equal(o.enabled, ((1u << MP_CHECK_N_RULES) - 1) & ~1u);
    const char *bad[] = {"MLX10"};
    assert_int_equal(mp_check_options_select(&o, bad, 1, NULL, 0, &e), MP_ENOTFOUND);
    assert_string_equal(e.msg, "unknown rule 'MLX10'; did you mean 'MLX101', 'MLX102' or "
                               "'MLX103'?");
    mp_error_clear(&e);
    const char *far[] = {"zzzzzzzzzzzz"};
    assert_int_equal(mp_check_options_select(&o, NULL, 0, far, 1, &e), MP_ENOTFOUND);
    assert_string_equal(e.msg, "unknown rule 'zzzzzzzzzzzz' (rules are MLX001-MLX305; see "
                               "'mlxplan check --help')");

    /* a disabled rule reports nothing */
    const char *src = "import mlx.core as mx\nx = mx.zeross(3)\ny = mx.zeros(3, dtyp=1)\n";
    char *got = findings(src, "MLX003");
    assert_string_equal(got, "3:17 MLX003");
    free(got);
}

static void test_input_errors(void **state)
{
    (void)state;
    rejects("x = 'abc\n", 9, MP_EPARSE, "bad.py:1:5: not valid Python: unterminated string "
                                         "literal");
    rejects("def f(:\n", 8, MP_EPARSE, "bad.py:1:6: not valid Python: '(' was never closed");
    rejects("x = 1\n  y = 2\n", 14, MP_EPARSE, "bad.py:2:3: not valid Python: unexpected indent");
    rejects("x\0y", 3, MP_EPARSE, "bad.py: binary file (NUL bytes), not Python source");
    rejects("caf\xe9 = 1\n", 9, MP_EPARSE, "bad.py: not UTF-8 text, not Python source");

    /* the size limit holds for buffers, whatever their content */
    size_t big = MP_CHECK_MAX_SOURCE_BYTES + 1;
    char *buf = malloc(big);
    assert_non_null(buf);
    memset(buf, '#', big);
    rejects(buf, big, MP_ELIMIT, "bad.py: 2097153 bytes, over the limit of 2097152 bytes (2 MiB)");
    /* exactly at the limit is fine: 2 MiB of comment lines */
    for (size_t i = 99; i < big; i += 100)
        buf[i] = '\n';
    mp_check_result r = MP_CHECK_RESULT_INIT;
    assert_int_equal(mp_check_source(buf, MP_CHECK_MAX_SOURCE_BYTES, "big.py", NULL, &r, NULL), 0);
    assert_int_equal(r.n_files, 1);
    mp_check_result_release(&r);
    free(buf);
}

static void test_files(void **state)
{
    (void)state;
    const char *tmp = getenv("MLXPLAN_TEST_TMP");
    assert_non_null(tmp);
    mkdir(tmp, 0755);
    char path[1024];
    mp_check_result r = MP_CHECK_RESULT_INIT;
    mp_error e;

    snprintf(path, sizeof path, "%s/check-huge.py", tmp);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < MP_CHECK_MAX_SOURCE_BYTES / 64 + 1; i++)
        fputs("# a comment line that is exactly sixty-four bytes long ........\n", f);
    fclose(f);
    mp_error_clear(&e);
    assert_int_equal(mp_check_file(path, NULL, &r, &e), MP_ELIMIT);
    char want[1200];
    snprintf(want, sizeof want,
             "Python file '%s' is 2097216 bytes, over the limit of 2097152 bytes", path);
    assert_string_equal(e.msg, want);

    mp_error_clear(&e);
    assert_int_equal(mp_check_file(tmp, NULL, &r, &e), MP_EIO);
    snprintf(want, sizeof want, "Python file '%s' is a directory", tmp);
    assert_string_equal(e.msg, want);

    snprintf(path, sizeof path, "%s/check-missing.py", tmp);
    remove(path);
    mp_error_clear(&e);
    assert_int_equal(mp_check_file(path, NULL, &r, &e), MP_EIO);
    snprintf(want, sizeof want, "cannot read Python file '%s': No such file or directory", path);
    assert_string_equal(e.msg, want);

    snprintf(path, sizeof path, "%s/check-ok.py", tmp);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("import mlx.core as mx\nprint(mx.zeros((2,)))\n", f);
    fclose(f);
    assert_int_equal(mp_check_file(path, NULL, &r, NULL), 0);
    assert_int_equal(r.n_files, 1);
    assert_int_equal(r.n, 0);

    /* a stream gives the same result as the file */
    f = fopen(path, "rb");
    assert_int_equal(mp_check_stream(f, NULL, NULL, &r, NULL), 0);
    fclose(f);
    assert_int_equal(r.n_files, 2);
    mp_check_result_release(&r);
}

static void test_ignore_comments(void **state)
{
    (void)state;
    finds("import mlx.core as mx\nx = mx.zeross(3)\n", "2:5 MLX001");
    finds("import mlx.core as mx\nx = mx.zeross(3)  # mlxplan: ignore\n", "");
    finds("import mlx.core as mx\nx = mx.zeross(3)  # mlxplan: ignore[MLX001]\n", "");
    finds("import mlx.core as mx\nx = mx.zeross(3)  # mlxplan: ignore[unknown-name]\n", "");
    finds("import mlx.core as mx\nx = mx.zeross(3)  # note; mlxplan:ignore[MLX002, MLX001]\n",
          "");
    /* another rule, another line, or a misspelled directive do not silence */
    finds("import mlx.core as mx\nx = mx.zeross(3)  # mlxplan: ignore[MLX002]\n", "2:5 MLX001");
    finds("import mlx.core as mx\n# mlxplan: ignore\nx = mx.zeross(3)\n", "3:5 MLX001");
    finds("import mlx.core as mx\nx = mx.zeross(3)  # mlxplan: ignored\n", "2:5 MLX001");
    /* a directive inside a string is not a comment */
    finds("import mlx.core as mx\nx = mx.zeross('# mlxplan: ignore')\n", "2:5 MLX001");
}

static void test_names(void **state)
{
    (void)state;
    /* aliases in every spelling; attributes of objects are not looked up */
    finds("import mlx.core as mx\nimport mlx.nn as nn\nimport mlx.optimizers as optim\n"
          "from mlx import nn as N\nimport mlx.core\nfrom mlx.utils import tree_flatten\n"
          "m = nn.Linear(2, 2)\nm.parameters()\nm.frobnicate()\nx = mx.zeros(2)\nx.astype(1)\n"
          "N.Linear(1, 1)\nmlx.core.zeros(1)\noptim.Adam(learning_rate=1)\n"
          "tree_flatten(m.parameters())\nmx.random.normal((2,))\nmx.fast.rms_norm\n"
          "mx.random.state\nmx.array.item\nmx.float32.size\nmx.__version__\nmx._private\n"
          "nn.layers.linear.Linear\nnn.init.normal()\nnn.losses.cross_entropy\n",
          "");
    finds("import mlx.core\nmlx.core.zeross(1)\n", "2:1 MLX001");
    finds("import mlx.nn as nn\nnn.losses.crossentropy\n", "2:1 MLX001");
    finds("from mlx.core import random as R\nR.normall()\n", "2:1 MLX001");
    finds("import mlx.core.fastt as f\n", "1:8 MLX001");
    finds("from mlx.optimizers import Adamm, SGD\n", "1:28 MLX001");
    /* local rebinding of an alias stops the checks */
    finds("import mlx.core as mx\ndef f(mx):\n    return mx.zeross(1)\n", "");
    finds("import mlx.core as mx\nmx = object()\nmx.zeross(1)\n", "");
    /* modules the table does not list completely are not reported */
    finds("import mlx.nn.layers.base as b\nb.Foo\nimport mlx_lm.models.llama as ll\nll.Model\n"
          "from mlx_lm.utils import whatever\nimport numpy as np\nnp.foo\n",
          "");
    /* a module of the user called like an MLX alias is not MLX */
    finds("import nn\nnn.frobnicate()\nimport mx\nmx.metal.get_peak_memory()\n", "");
    /* deprecated names through from-imports */
    finds("from mlx.core.metal import clear_cache\nclear_cache()\n", "2:1 MLX002");
    /* keyword arguments: **kwargs, overloads, classes, unknown signatures */
    finds("import mlx.core as mx\nimport mlx.nn as nn\nfrom mlx_lm import generate\n"
          "mx.arange(0, 10, 2, dtype=mx.int32)\nmx.arange(10, step=2)\nnn.Linear(2, 2, "
          "bias=False)\ngenerate(1, 2, 'p', max_tokens=3, anything=1)\nmx.roll(x, shift=1, "
          "axis=0)\nmx.eval(x, y)\n",
          "");
    finds("import mlx.nn as nn\nnn.Linear(2, 2, biass=False)\n", "2:17 MLX003");
}

static void test_render(void **state)
{
    (void)state;
    const char *src = "import mlx.core as mx\nx = mx.zeross(3)\nprint(mx.metal.get_peak_memory())\n";
    mp_check_result r = MP_CHECK_RESULT_INIT;
    assert_int_equal(mp_check_source(src, strlen(src), "a.py", NULL, &r, NULL), 0);
    assert_int_equal(mp_check_source("x = 1\n", 6, "b.py", NULL, &r, NULL), 0);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.n_files, 2);
    assert_int_equal(r.n_files_with_findings, 1);
    assert_int_equal(r.count[MP_CHECK_error], 1);
    assert_int_equal(r.count[MP_CHECK_warning], 1);
    mp_buf b = MP_BUF_INIT;
    mp_render_check_text(&r, &b);
    assert_string_equal(
        mp_buf_cstr(&b),
        "a.py:2:5: error [MLX001] unknown name 'mx.zeross': mlx.core has no 'zeross' (mlx "
        "0.32.2.dev)\n"
        "  hint: did you mean 'mx.zeros'?\n"
        "  practice: API-001 - Reach MLX names through their own modules: mx = mlx.core, nn = "
        "mlx.nn (layers, activations, losses), optim = mlx.optimizers, mlx.utils for trees\n"
        "a.py:3:7: warning [MLX002] 'mx.metal.get_peak_memory' is deprecated since mlx v0.24.1: "
        "use 'mx.get_peak_memory'\n"
        "  hint: replace 'mx.metal.get_peak_memory' with 'mx.get_peak_memory'; the old name "
        "prints a deprecation warning\n"
        "  practice: MEM-001 - Use the top-level mx.* memory APIs; the mx.metal.* versions have "
        "been deprecated since 0.24.1\n"
        "2 problems (1 error, 1 warning) in 1 of 2 files\n");
    cJSON *j = mp_render_check_json(&r);
    assert_non_null(j);
    cJSON *f0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "findings"), 0);
    assert_string_equal(cJSON_GetObjectItem(f0, "file")->valuestring, "a.py");
    assert_int_equal(cJSON_GetObjectItem(f0, "line")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(f0, "col")->valueint, 5);
    assert_string_equal(cJSON_GetObjectItem(f0, "rule")->valuestring, "MLX001");
    assert_string_equal(cJSON_GetObjectItem(f0, "name")->valuestring, "unknown-name");
    assert_string_equal(cJSON_GetObjectItem(f0, "severity")->valuestring, "error");
    assert_string_equal(cJSON_GetObjectItem(f0, "practice")->valuestring, "API-001");
    assert_string_equal(cJSON_GetObjectItem(f0, "hint")->valuestring, "did you mean 'mx.zeros'?");
    cJSON *counts = cJSON_GetObjectItem(j, "counts");
    assert_int_equal(cJSON_GetObjectItem(counts, "files")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(counts, "files_with_findings")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(counts, "errors")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(counts, "warnings")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(counts, "notes")->valueint, 0);
    assert_int_equal(cJSON_GetObjectItem(counts, "total")->valueint, 2);
    cJSON_Delete(j);
    mp_check_result_release(&r);

    mp_buf_reset(&b);
    mp_check_result empty = MP_CHECK_RESULT_INIT;
    mp_check_source("x = 1\n", 6, "c.py", NULL, &empty, NULL);
    mp_render_check_text(&empty, &b);
    assert_string_equal(mp_buf_cstr(&b), "no problems found in 1 file\n");
    mp_check_result_release(&empty);
    mp_buf_release(&b);
}

/* Findings of `head` followed by `body`. */
static void finds_after(const char *head, const char *body, const char *want)
{
    char src[4096];
    snprintf(src, sizeof src, "%s%s", head, body);
    finds(src, want);
}

static void test_lazy_rules(void **state)
{
    (void)state;
    const char *head = "import mlx.core as mx\nimport mlx.nn as nn\nimport mlx.optimizers as "
                       "optim\nmodel = nn.Linear(2, 2)\nopt = optim.SGD(learning_rate=0.1)\n"
                       "lg = nn.value_and_grad(model, lambda m, x: m(x).sum())\nx = mx.ones((1, "
                       "2))\n";
    /* an eval under a condition still counts as an eval; the sync then is not
     * before an every-iteration eval */
    finds_after(head, "for i in range(9):\n    l, g = lg(model, x)\n    opt.update(model, "
                "g)\n    print(l)\n    if i % 10 == 0:\n        mx.eval(model)\n", "");
    /* a scalar read every step keeps the graph bounded: no MLX101 */
    finds_after(head, "for i in range(9):\n    l, g = lg(model, x)\n    opt.update(model, "
                "g)\n    print(l.item())\n", "");
    /* gradient accumulation: grads in an inner loop, the update in the outer one */
    finds_after(head, "for i in range(9):\n    for j in range(4):\n        l, g = "
                "lg(model, x)\n    opt.update(model, g)\n", "8:1 MLX101");
    /* a helper of another module given the state may evaluate it */
    finds_after(head, "from helpers import sync\nimport time\nfor i in range(9):\n    l, g "
                "= lg(model, x)\n    opt.update(model, g)\n    sync(model, opt)\n", "");
    finds_after(head, "import time\nfor i in range(9):\n    l, g = lg(model, x)\n    "
                "opt.update(model, g)\n    time.sleep(0.1)\n    model.train()\n", "9:1 MLX101");
    /* an update without gradients computed in the loop is not training */
    finds_after(head, "for i in range(9):\n    opt.update({}, {})\n", "");
    /* the sync after the eval is fine, the one before is not; both in a step */
    finds_after(head, "def step():\n    l, g = lg(model, x)\n    print(l.tolist())\n"
                "    opt.update(model, g)\n    return l\nfor i in range(9):\n    "
                "l = step()\n    mx.eval(l, model.parameters(), opt.state)\n    "
                "print(float(l))\n", "10:11 MLX102");
    /* printing an array made before the loop reads nothing new */
    finds_after(head, "lr = mx.array(0.1)\nfor i in range(9):\n    print(lr)\n    l, g = "
                "lg(model, x)\n    opt.update(model, g)\n    mx.eval(model, opt.state)\n", "");
    /* a retry loop that breaks out once the model loaded */
    finds("from mlx_lm import load\nfor attempt in range(3):\n    try:\n        m, t = "
          "load('repo')\n        break\n    except OSError:\n        pass\n",
          "");
    finds("from mlx_lm import load\nfor q in ['a', 'b']:\n    m, t = load('repo')\n", "3:12 MLX204");
    /* a decorator may change a function's signature: no arity check */
    finds_after(head, "def deco(f):\n    return f\n@deco\ndef lf(m, a, b):\n    return "
                "m(a).sum()\nvg = nn.value_and_grad(model, lf)\nvg(x)\n", "");
}

/* Mangled copies of a real script must give a result or a syntax error,
 * never a crash or a hang (run under the sanitizers in CI). */
static void test_mangled_input(void **state)
{
    (void)state;
    const char *fix = getenv("MLXPLAN_FIXTURES");
    assert_non_null(fix);
    char path[1024];
    snprintf(path, sizeof path, "%s/../check/ok/lora_finetune.py", fix);
    char *src = NULL;
    size_t len = 0;
    assert_int_equal(mp_read_file(path, MP_CHECK_MAX_SOURCE_BYTES, "corpus", &src, &len, NULL), 0);
    static const char pool[] = "()[]{}:'\"\\\n\t #=.,@*fx0";
    uint32_t seed = 12345;
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    int parsed = 0, rejected = 0;
    for (int round = 0; round < 1500; round++) {
        memcpy(copy, src, len);
        int edits = 1 + round % 4;
        for (int k = 0; k < edits; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            copy[at] = pool[(seed >> 8) % (sizeof pool - 1)];
        }
        size_t cut = round % 7 == 0 ? (size_t)(seed >> 4) % len : len;
        mp_check_result r = MP_CHECK_RESULT_INIT;
        mp_error e;
        mp_error_clear(&e);
        int rc = mp_check_source(copy, cut, "m.py", NULL, &r, &e);
        assert_true(rc == 0 || rc == MP_EPARSE);
        if (rc == 0)
            parsed++;
        else
            rejected++;
        mp_check_result_release(&r);
    }
    assert_true(parsed > 100);
    assert_true(rejected > 100);
    free(copy);
    free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_table),   cmocka_unit_test(test_select),
        cmocka_unit_test(test_input_errors), cmocka_unit_test(test_files),
        cmocka_unit_test(test_ignore_comments), cmocka_unit_test(test_names),
        cmocka_unit_test(test_render),       cmocka_unit_test(test_lazy_rules),
        cmocka_unit_test(test_mangled_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
