/* test_params.c - the parameter table (kb/params.def) against what is
 * generated from it: every `--help` option line of the table-driven
 * commands and every MCP `tools/list` schema property of the table-driven
 * tools; and the table's readers: range, choices, default, wrong type,
 * unknown names, task and mode checks, each message in both spellings. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kb/param.h"
#include "mcp/schema.h"
#include "mcp/server.h"
#include "mcp/tools.h"
#include "util/buf.h"

/* Every command of the CLI, with the MP_PC_* bit of its settings. */
static const struct {
    const char *name;
    unsigned bit;
} commands[] = {{"plan", MP_PC_PLAN},     {"estimate", MP_PC_ESTIMATE}, {"fit", MP_PC_FIT},
                {"hw", MP_PC_HW},         {"models", MP_PC_MODELS},     {"docs", MP_PC_DOCS},
                {"check", MP_PC_CHECK},   {"runs", MP_PC_RUNS},         {"mcp", MP_PC_MCP}};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* The output of `mlxplan ARGS` (the binary is built next to tests/). */
static char *output_of(const char *args)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    assert_true(n > 0);
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    assert_non_null(slash);
    *slash = '\0';
    char line[4600];
    snprintf(line, sizeof line, "'%s/../mlxplan' %s", exe, args);
    FILE *p = popen(line, "r");
    assert_non_null(p);
    mp_buf out = MP_BUF_INIT;
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, p)) > 0)
        mp_buf_append(&out, buf, got);
    assert_int_equal(pclose(p), 0);
    return mp_buf_detach(&out, NULL);
}

/* The list above is every command `mlxplan --help` names. */
static void test_every_command(void **state)
{
    (void)state;
    char *help = output_of("--help");
    const char *at = strstr(help, "\ncommands:\n");
    assert_non_null(at);
    at += strlen("\ncommands:\n");
    size_t listed = 0;
    for (const char *l = at; strncmp(l, "  ", 2) == 0 && l[2] != ' '; l = strchr(l, '\n') + 1) {
        char name[32];
        assert_int_equal(sscanf(l, " %31s", name), 1);
        bool known = false;
        for (size_t c = 0; c < N_COMMANDS; c++)
            known |= strcmp(commands[c].name, name) == 0;
        if (!known)
            fail_msg("command '%s' is not in test_params' list", name);
        listed++;
    }
    assert_int_equal(listed, N_COMMANDS);
    free(help);
}

static void test_help_lines(void **state)
{
    (void)state;
    for (size_t c = 0; c < N_COMMANDS; c++) {
        char args[64];
        snprintf(args, sizeof args, "%s --help", commands[c].name);
        char *help = output_of(args);
        int table_lines = 0;
        for (int i = 0; i < MP_P_N; i++) {
            const mp_param *p = &mp_param_table[i];
            if (!(p->cmds & commands[c].bit) || !p->cli[0])
                continue;
            char left[64], text[400], want[600];
            if (p->short_name)
                snprintf(left, sizeof left, "-%c, --%s%s%s", p->short_name, p->cli,
                         p->arg[0] ? " " : "", p->arg);
            else
                snprintf(left, sizeof left, "    --%s%s%s", p->cli, p->arg[0] ? " " : "", p->arg);
            mp_param_help(p->id, commands[c].bit, text, sizeof text);
            snprintf(want, sizeof want, "\n  %-24s %s%s\n", left, text,
                     p->type == MP_PT_LIST ? " (repeatable)" : "");
            if (!strstr(help, want))
                fail_msg("%s --help lacks the line of '%s':%s", commands[c].name, p->key, want);
            table_lines++;
        }
        /* and no option line that is not from the table (but --help) */
        int option_lines = 0;
        for (const char *l = strstr(help, "\noptions:\n"); l && (l = strchr(l + 1, '\n'));)
            if (strncmp(l, "\n  -", 4) == 0 && strncmp(l, "\n  -h, --help", 13) != 0)
                option_lines++;
            else if (strncmp(l, "\n      --", 9) == 0)
                option_lines++;
        if (option_lines != table_lines)
            fail_msg("%s --help has %d option lines, the table %d", commands[c].name,
                     option_lines, table_lines);
        free(help);
    }
}

/* Every tool of `tools/list`: each input property is the table's row of
 * that name for the tool's bit, and every row of the bit is there. */
static void test_schema_properties(void **state)
{
    (void)state;
    mp_mcp_server *s = NULL;
    assert_int_equal(mp_mcp_server_new(NULL, &s, NULL), 0);
    static const char init[] =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
        "\"2025-06-18\",\"capabilities\":{}}}";
    static const char list[] = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    mp_buf out = MP_BUF_INIT;
    assert_int_equal(mp_mcp_handle(s, init, strlen(init), &out), 0);
    mp_buf_release(&out);
    mp_buf_init(&out);
    assert_int_equal(mp_mcp_handle(s, list, strlen(list), &out), 0);
    cJSON *j = cJSON_Parse(mp_buf_cstr(&out));
    assert_non_null(j);
    const cJSON *tools = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(j, "result"), "tools");
    assert_int_equal(cJSON_GetArraySize(tools), (int)mp_mcp_tools_len);
    for (size_t c = 0; c < mp_mcp_tools_len; c++) {
        const mp_mcp_tool *t = &mp_mcp_tools[c];
        assert_int_not_equal(t->params, 0);
        const cJSON *tool = NULL;
        for (const cJSON *x = tools->child; x; x = x->next)
            if (strcmp(cJSON_GetObjectItemCaseSensitive(x, "name")->valuestring, t->name) == 0)
                tool = x;
        assert_non_null(tool);
        const cJSON *props = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(tool, "inputSchema"), "properties");
        int from_table = 0;
        for (const cJSON *p = props->child; p; p = p->next) {
            const mp_param *row = mp_param_by_mcp(p->string, t->params);
            if (!row)
                fail_msg("%s: property '%s' is not a row of the table", t->name, p->string);
            cJSON *want = mp_schema_param_property(row, t->params);
            if (!cJSON_Compare(p, want, true))
                fail_msg("%s: property '%s' differs from the table: %s", t->name, p->string,
                         cJSON_PrintUnformatted(p));
            cJSON_Delete(want);
            from_table++;
        }
        int rows = 0;
        for (int i = 0; i < MP_P_N; i++)
            rows += (mp_param_table[i].cmds & t->params) && mp_param_table[i].mcp[0];
        assert_int_equal(from_table, rows);
    }
    cJSON_Delete(j);
    mp_buf_release(&out);
    mp_mcp_server_free(s);
}

/* `read` fails with exactly `want_cli` under the CLI spelling and `want_mcp`
 * under MCP's. */
#define BOTH(call, want_cli, want_mcp)                                                     \
    do {                                                                                   \
        mp_pvals pv_;                                                                      \
        mp_error e_;                                                                       \
        memset(&pv_, 0, sizeof pv_);                                                       \
        mp_error_clear(&e_);                                                               \
        mp_param_set_spelling(MP_SPELL_CLI);                                               \
        mp_pvals *pv = &pv_;                                                               \
        mp_error *err = &e_;                                                       \
        (void)pv;                                                                          \
        (void)err;                                                                         \
        assert_int_not_equal(call, 0);                                                     \
        assert_string_equal(e_.msg, want_cli);                                             \
        mp_error_clear(&e_);                                                               \
        mp_param_set_spelling(MP_SPELL_MCP);                                               \
        assert_int_not_equal(call, 0);                                                     \
        assert_string_equal(e_.msg, want_mcp);                                             \
        mp_param_set_spelling(MP_SPELL_CLI);                                               \
    } while (0)

static void test_readers(void **state)
{
    (void)state;
    mp_pvals vals;
    memset(&vals, 0, sizeof vals);
    mp_error e0;
    mp_error_clear(&e0);
    /* values in range, with their suffixes and types */
    assert_int_equal(mp_param_read_text(&vals, MP_P_CONTEXT, "32k", &e0), 0);
    assert_true(mp_pv_given(&vals, MP_P_CONTEXT));
    assert_int_equal(vals.v[MP_P_CONTEXT].i, 32000);
    assert_int_equal(mp_param_read_number(&vals, MP_P_KV_BITS, 4, &e0), 0);
    assert_int_equal(vals.v[MP_P_KV_BITS].i, 4);
    assert_int_equal(mp_param_read_text(&vals, MP_P_PARAMS, "125M", &e0), 0);
    assert_true(vals.v[MP_P_PARAMS].d == 125e6);
    assert_int_equal(mp_param_read_text(&vals, MP_P_GRAD_CHECKPOINT, NULL, &e0), 0);
    assert_true(mp_pv_given(&vals, MP_P_GRAD_CHECKPOINT));
    assert_int_equal(mp_param_read_bool(&vals, MP_P_OFFLINE, false, &e0), 0);
    assert_false(mp_pv_given(&vals, MP_P_OFFLINE));
    assert_false(mp_pv_given(&vals, MP_P_RANK));

    /* defaults, from the table */
    assert_int_equal(mp_param_dflt_i64(MP_P_CONTEXT), 4096);
    assert_int_equal(mp_param_dflt_i64(MP_P_SEQ), 2048);
    assert_int_equal(mp_param_dflt_i64(MP_P_RANK), 8);
    char help[400];
    mp_param_help(MP_P_RANK, MP_PC_ESTIMATE, help, sizeof help);
    assert_string_equal(help, "training: LoRA rank (default 8)");
    mp_param_help(MP_P_MEMORY, MP_PC_ESTIMATE, help, sizeof help);
    assert_string_equal(help, "installed memory in GB (default: the chip's smallest)");
    /* plan takes what is not given from the request: no default */
    mp_param_help(MP_P_CONTEXT, MP_PC_PLAN, help, sizeof help);
    assert_string_equal(help, "inference: tokens the KV cache holds");

    /* range */
    BOTH(mp_param_read_text(pv, MP_P_BATCH, "0", err),
         "--batch must be between 1 and 4096, got '0'", "'batch' must be between 1 and 4096, got '0'");
    BOTH(mp_param_read_number(pv, MP_P_BATCH, 5000, err),
         "--batch must be between 1 and 4096, got 5000",
         "'batch' must be between 1 and 4096, got 5000");
    BOTH(mp_param_read_number(pv, MP_P_CONTEXT, 8.5, err),
         "--context must be an integer, got 8.5", "'context_tokens' must be an integer, got 8.5");
    /* choices: kv-bits is checked once, with the same list, in both */
    BOTH(mp_param_read_text(pv, MP_P_KV_BITS, "7", err),
         "--kv-bits must be 2, 3, 4, 5, 6 or 8, got '7'",
         "'kv_bits' must be 2, 3, 4, 5, 6 or 8, got '7'");
    BOTH(mp_param_read_number(pv, MP_P_KV_BITS, 7, err),
         "--kv-bits must be 2, 3, 4, 5, 6 or 8, got 7", "'kv_bits' must be 2, 3, 4, 5, 6 or 8, got 7");
    BOTH(mp_param_read_text(pv, MP_P_KV_BITS, "9", err),
         "--kv-bits must be between 2 and 8, got '9'", "'kv_bits' must be between 2 and 8, got '9'");
    /* wrong type */
    BOTH(mp_param_read_text(pv, MP_P_BATCH, "four", err), "--batch needs a whole number, got 'four'",
         "'batch' needs a whole number, got 'four'");
    BOTH(mp_param_read_string(pv, MP_P_RANK, "8", err), "--rank must be a number, got a string",
         "'rank' must be a number, got a string");
    BOTH(mp_param_read_number(pv, MP_P_QUANT, 4, err), "--quant must be a string, got a number",
         "'quant' must be a string, got a number");
    BOTH(mp_param_read_bool(pv, MP_P_CHIP, true, err), "--chip must be a string, got a boolean",
         "'chip' must be a string, got a boolean");
    BOTH(mp_param_read_string(pv, MP_P_GRAD_CHECKPOINT, "yes", err),
         "--grad-checkpoint must be a boolean, got a string",
         "'grad_checkpoint' must be a boolean, got a string");
    /* a setting one front-end lacks is named in the other's spelling */
    mp_param_set_spelling(MP_SPELL_MCP);
    assert_string_equal(mp_pname(MP_P_JSON), "--json");
    mp_param_set_spelling(MP_SPELL_CLI);
    assert_string_equal(mp_pname(MP_P_CONFIG_JSON), "'config_json'");

    /* unknown names and ids */
    assert_null(mp_param_by_cli("kv-bit", 6, MP_PC_ESTIMATE));
    assert_non_null(mp_param_by_cli("kv-bits", 7, MP_PC_ESTIMATE));
    assert_null(mp_param_by_cli("kv-bits", 7, MP_PC_FIT));
    assert_null(mp_param_by_mcp("kv-bits", MP_PC_ESTIMATE));
    assert_int_equal(mp_param_by_mcp("kv_bits", MP_PC_ESTIMATE)->id, MP_P_KV_BITS);
    /* one spelling, two settings: by command */
    assert_int_equal(mp_param_by_cli("limit", 5, MP_PC_FIT)->id, MP_P_LIMIT);
    assert_int_equal(mp_param_by_cli("limit", 5, MP_PC_DOCS)->id, MP_P_DOC_LIMIT);
    assert_int_equal(mp_param_by_mcp("limit", MP_PC_DOCS_SEARCH)->id, MP_P_DOC_LIMIT);
    assert_string_equal(mp_pname((mp_param_id)MP_P_N), "?");
    assert_string_equal(mp_pname((mp_param_id)-1), "?");

    /* which settings go with which task and search */
    mp_pvals given;
    memset(&given, 0, sizeof given);
    given.v[MP_P_RANK].given = true;
    assert_int_equal(mp_param_check_task(&given, MP_PC_ESTIMATE, 1 /* lora */, NULL), 0);
    BOTH(mp_param_check_task(&given, MP_PC_ESTIMATE, 4 /* full */, err),
         "--rank does not apply to task 'full'; it goes with task lora, dora or qlora",
         "'rank' does not apply to task 'full'; it goes with task lora, dora or qlora");
    memset(&given, 0, sizeof given);
    given.v[MP_P_CHIP].given = true;
    BOTH(mp_param_check_mode(&given, MP_PC_FIT, 2 /* machines */, err),
         "--chip does not apply to mode 'machines'; it goes with mode formats, models or training",
         "'chip' does not apply to mode 'machines'; it goes with mode formats, models or training");
}

/* Every row is well formed: a spelling, a help line, a type's range. */
static void test_rows(void **state)
{
    (void)state;
    for (int i = 0; i < MP_P_N; i++) {
        const mp_param *p = &mp_param_table[i];
        assert_int_equal(p->id, i);
        assert_true(p->cli[0] || p->mcp[0]);
        assert_true(p->help[0] && !strchr(p->help, '\n'));
        assert_true(p->cmds != 0);
        assert_true(p->lo <= p->hi);
        if (p->type == MP_PT_SWITCH)
            assert_string_equal(p->arg, "");
        else if (p->cli[0])
            assert_true(p->arg[0] != '\0');
        for (int k = 0; k < i; k++) {
            assert_string_not_equal(p->key, mp_param_table[k].key);
            if (p->cli[0] && (p->cmds & mp_param_table[k].cmds))
                assert_string_not_equal(p->cli, mp_param_table[k].cli);
            if (p->mcp[0] && (p->cmds & mp_param_table[k].cmds))
                assert_string_not_equal(p->mcp, mp_param_table[k].mcp);
            if (p->short_name && (p->cmds & mp_param_table[k].cmds))
                assert_int_not_equal(p->short_name, mp_param_table[k].short_name);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_readers),
        cmocka_unit_test(test_every_command),
        cmocka_unit_test(test_help_lines),
        cmocka_unit_test(test_schema_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
