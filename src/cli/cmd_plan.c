/* cmd_plan.c - `mlxplan plan REQUEST...`: the main job. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "cli/cli.h"
#include "cli/report.h"
#include "plan/ask.h"
#include "plan/journal.h"
#include "plan/plan.h"
#include "render/json.h"
#include "render/plan.h"
#include "util/file.h"
#include "platform/term.h"
#include "util/text.h"

/* Join the positional words into one request (bounded). */
static int join_request(const cli_args *args, char *buf, size_t cap, mp_error *err)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < args->n_pos; i++) {
        size_t n = strlen(args->pos[i]);
        if (k + n + 2 > cap)
            return mp_error_set(err, MP_ELIMIT, "the request is over the limit of %d bytes",
                                MP_REQUEST_MAX_BYTES);
        if (k)
            buf[k++] = ' ';
        memcpy(buf + k, args->pos[i], n + 1);
        k += n;
    }
    return 0;
}

/* `plan -`: the request from standard input (at most MP_REQUEST_MAX_BYTES,
 * UTF-8 without NUL bytes; what is wrong is named with its offset). */
static int read_stdin_request(char *buf, size_t cap, mp_error *err)
{
    char *in = NULL;
    size_t len = 0;
    int rc = mp_read_stream(stdin, MP_REQUEST_MAX_BYTES, "the request on standard input", &in,
                            &len, err);
    if (rc)
        return rc;
    size_t bad = mp_utf8_bad_at(in, len);
    if (bad < len) {
        rc = mp_error_set(err, MP_EINVAL, "the request on standard input is not UTF-8 text: "
                          "byte 0x%02x at offset %zu", (unsigned)(unsigned char)in[bad], bad);
    } else if (len + 1 > cap) {
        rc = mp_error_set(err, MP_ELIMIT, "the request is over the limit of %d bytes",
                          MP_REQUEST_MAX_BYTES);
    } else {
        memcpy(buf, in, len + 1);
    }
    free(in);
    return rc;
}

/* Ask `q` on the terminal (stderr, the answer from stdin); the answer, or
 * "" for the default (Enter, or the end of input: *eof is then set). */
static int ask_one(int i, const mp_ask *q, char *answer, size_t cap, bool *eof, mp_error *err)
{
    fprintf(stderr, "%d. %s [%s] ", i, q->question, q->dflt);
    fflush(stderr);
    answer[0] = '\0';
    if (!fgets(answer, (int)cap, stdin)) {
        *eof = true;
        fputc('\n', stderr);
        return 0;
    }
    size_t n = strlen(answer);
    if (n && answer[n - 1] != '\n' && !feof(stdin))
        return mp_error_set(err, MP_ELIMIT, "answer %d is over the limit of %zu bytes", i,
                            cap - 2);
    while (n && (answer[n - 1] == '\n' || answer[n - 1] == '\r' || answer[n - 1] == ' '))
        answer[--n] = '\0';
    size_t bad = mp_utf8_bad_at(answer, n);
    if (bad < n)
        return mp_error_set(err, MP_EINVAL, "answer %d is not UTF-8 text: byte 0x%02x at "
                            "offset %zu", i, (unsigned)(unsigned char)answer[bad], bad);
    mp_clean_line(answer);
    const char *a = answer;
    while (*a == ' ')
        a++;
    memmove(answer, a, strlen(a) + 1);
    return 0;
}

/* At a terminal: ask the questions for what `*plan` assumed (at most
 * MP_ASK_MAX, after `asked` already asked), add the answers to `text`, and
 * plan again when one was given. */
static int ask_and_replan(const mp_plan_in *in, char *text, size_t cap, int asked, mp_plan **plan,
                          mp_error *err)
{
    mp_ask qs[MP_ASK_MAX];
    int n = mp_plan_asks(*plan, qs);
    if (n > MP_ASK_MAX - asked)
        n = MP_ASK_MAX - asked;
    if (n <= 0)
        return 0;
    if (!asked)
        fprintf(stderr, "The request leaves %s open; Enter keeps the assumed answer in "
                        "brackets.\n", n == 1 ? "one thing" : n == 2 ? "two things" : "three things");
    bool eof = false, changed = false;
    for (int i = 0; i < n && !eof; i++) {
        char answer[400];
        int rc = ask_one(asked + i + 1, &qs[i], answer, sizeof answer, &eof, err);
        if (rc)
            return rc;
        if (answer[0]) {
            if ((rc = mp_ask_apply(text, cap, &qs[i], answer, err)) != 0)
                return rc;
            changed = true;
        }
    }
    if (!changed)
        return 0;
    mp_plan *again = NULL;
    int rc = mp_plan_run(in, &again, err);
    if (rc)
        return rc;
    mp_plan_free(*plan);
    *plan = again;
    return 0;
}

/* The request `--example` plans: the flagship scenario, fully specified so
 * the output is the same on every machine. */
#define EXAMPLE_REQUEST \
    "fine-tune Llama 3.1 8B on my support chats on my M3 Max 36GB and serve it"

/* --html / --svg: the page of the typed plan with the charts of its engine results,
 * each after the section it illustrates. */
static int write_report(const mp_plan *plan, const cli_args *args, cli_io *io)
{
    mp_chart_set set;
    mp_chart_set_init(&set);
    const char *section = "1. Summary and verdict"; /* the charts back the verdict */
    if (plan->infer && plan->machine_spec) {
        mp_chart *c = mp_chart_add(&set, "memory", section);
        if (c)
            mp_chart_memory_infer(c, plan->infer_subject, plan->infer, plan->machine_spec);
        if (plan->sweep && (c = mp_chart_add(&set, "context", section)) != NULL)
            mp_chart_context(c, plan->infer_subject, plan->sweep, plan->machine_spec);
    }
    if (plan->train && plan->machine_spec) {
        mp_chart *c = mp_chart_add(&set, "training-memory", section);
        if (c)
            mp_chart_memory_train(c, plan->train_subject, plan->train, plan->machine_spec);
        if ((c = mp_chart_add(&set, "training-time", section)) != NULL)
            mp_chart_train_time(c, plan->train_subject, plan->train);
    }
    return cli_report_write(args, NULL, plan, &set, io);
}

static int run(const cli_args *args, cli_io *io)
{
    mp_error *err = &io->err;
    static char text[MP_REQUEST_MAX_BYTES + 2];
    bool from_stdin = args->n_pos == 1 && strcmp(args->pos[0], "-") == 0;
    int rc = from_stdin ? read_stdin_request(text, sizeof text, err)
                        : join_request(args, text, sizeof text, err);
    if (rc)
        return rc;
    const mp_pvals *pv = &args->pv;
    bool example = mp_pv_given(pv, MP_P_EXAMPLE);
    if (example && (text[0] || mp_pv_given(pv, MP_P_MODEL) || mp_pv_given(pv, MP_P_CHIP)))
        return cli_usage_error(&cli_cmd_plan, err, "--example plans its own request: give no "
                               "request text, --model or --chip with it");
    if (example)
        mp_strlcpy(text, EXAMPLE_REQUEST, sizeof text);
    const char *journal = pv->v[MP_P_JOURNAL].s;
    bool write = mp_pv_given(pv, MP_P_WRITE);
    if (write && !journal)
        return cli_usage_error(&cli_cmd_plan, err, "--write needs --journal DIR");
    const char *out_path = pv->v[MP_P_OUT].s;
    if (write && out_path)
        return cli_usage_error(&cli_cmd_plan, err, "--write and --out both choose where the plan "
                               "goes: give one");

    mp_plan_in in = {pv, text, true, !mp_pv_given(pv, MP_P_NO_DETECT) && !example,
                     cli_report_wanted(args)};
    /* a person at a terminal is asked what the request leaves open */
    bool ask = !from_stdin && !example && !mp_pv_given(pv, MP_P_STRICT) &&
               !mp_pv_given(pv, MP_P_NO_INPUT) && !mp_pv_given(pv, MP_P_JSON) &&
               mp_term_interactive();
    mp_plan *plan = NULL;
    int asked = 0;
    rc = mp_plan_run(&in, &plan, err);
    if (rc == MP_EINVAL && ask && strncmp(err->msg, MP_PLAN_NOTHING_MSG,
                                          strlen(MP_PLAN_NOTHING_MSG)) == 0) {
        mp_ask goal;
        mp_ask_goal(&goal);
        fprintf(stderr, "mlxplan: %s\n", err->msg);
        char answer[400];
        bool eof = false;
        if ((rc = ask_one(++asked, &goal, answer, sizeof answer, &eof, err)) != 0)
            return rc;
        if ((rc = mp_ask_apply(text, sizeof text, &goal, answer[0] ? answer : goal.dflt,
                               err)) != 0)
            return rc;
        mp_error_clear(err);
        rc = mp_plan_run(&in, &plan, err);
        if (!rc && eof)
            ask = false;
    }
    if (rc)
        return rc;
    if (ask && (rc = ask_and_replan(&in, text, sizeof text, asked, &plan, err)) != 0) {
        mp_plan_free(plan);
        return rc;
    }
    mp_buf doc = MP_BUF_INIT;
    if (mp_pv_given(pv, MP_P_JSON)) {
        cJSON *root = mp_render_plan_json(plan);
        rc = mp_json_emit(root, &doc, err);
    } else {
        mp_render_plan_md(plan, &doc);
    }
    if (!rc && (rc = mp_buf_status(&doc)) != 0)
        mp_error_set(err, rc, "the plan is too large");
    if (!rc && write) {
        char date[16], kept[200];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(date, sizeof date, "%Y-%m-%d", &tm);
        char line[400];
        snprintf(line, sizeof line, "mlxplan wrote OUR-PLAN.md: %s (%s)", plan->title,
                 plan->verdict ? plan->verdict : "plan");
        rc = mp_journal_write(journal, mp_buf_cstr(&doc), line, date, kept, sizeof kept,
                              err);
        if (!rc)
            mp_buf_printf(&io->out, "wrote %s/OUR-PLAN.md%s%s%s and appended to CHANGELOG.md\n",
                          journal, kept[0] ? " (previous plan kept as " : "", kept,
                          kept[0] ? ")" : "");
    } else if (!rc && out_path) {
        rc = mp_write_file_atomic(out_path, doc.data, doc.len, "--out", err);
    } else if (!rc) {
        mp_buf_append(&io->out, mp_buf_cstr(&doc), doc.len);
    }
    mp_buf_release(&doc);
    if (!rc && cli_report_wanted(args))
        rc = write_report(plan, args, io);
    mp_plan_free(plan);
    return rc;
}

const cli_cmd cli_cmd_plan = {
    "plan",
    run,
    "a grounded implementation plan from a request in plain words",
    "[REQUEST...] [--model ID] [--chip NAME] [--memory GB] [--task T] [options]",
    "Example (--example): mlxplan plan \"" EXAMPLE_REQUEST "\".\n"
    "Flags win over the text; the plan lists where every input\n"
    "came from (flag, request, journal, detected, assumed), the questions that would\n"
    "change it, and numbers computed by the same engines as 'estimate' and 'fit'.\n"
    "A request that names several models (\"Qwen3 8B or Llama 3.1 8B\") plans the\n"
    "first (an exact Hugging Face id before a family name) and, for running or\n"
    "serving, compares the others with it on the same machine.\n"
    "'mlxplan plan -' reads the request from standard input.  At a terminal (standard\n"
    "input and output both), when the request leaves the task, the model or the\n"
    "machine open, plan asks up to three numbered questions, each with the answer it\n"
    "would assume as the default (Enter keeps it); --no-input, --json or a pipe never ask.\n"
    "Limits: the request is at most 64 KiB; journal files at most 1 MiB each.",
    NULL,
    0,
    -1,
    MP_PC_PLAN,
};
