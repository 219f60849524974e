/*
 * bench_mcp.c - latency of the MCP server per message, measured through the
 * whole protocol layer (parse, validate, run the tool, render, print the
 * answer), in this process so that pipe and scheduling noise stay out.
 *
 *   bench_mcp [N]     N calls of each (default 2000; 200 at most for plans and
 *                     the registry- or chip-wide searches); prints the median
 *                     and the mean in microseconds
 *
 * `hardware detect` reads /proc each call; set MLXPLAN_NVIDIA_SMI="" to keep
 * nvidia-smi out of the figure (it is a process start of several ms).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcp/server.h"
#include "mcp/tools.h"

typedef struct bench_case {
    const char *label;
    const char *message;
    int max_calls; /* 0: N; the slow searches and plans are timed fewer times */
} bench_case;

#define CALL(tool, args)                                                                \
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" tool \
    "\",\"arguments\":" args "}}"

static const bench_case cases[] = {
    {"ping", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", 0},
    {"tools/list", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", 0},
    {"hardware list", CALL("hardware", "{\"action\":\"list\"}"), 0},
    {"hardware show",
     CALL("hardware", "{\"action\":\"show\",\"chip\":\"M4 Pro 20c\",\"memory_gb\":24}"), 0},
    {"hardware show (ambiguous name)",
     CALL("hardware", "{\"action\":\"show\",\"chip\":\"m3max\"}"), 0},
    {"hardware detect", CALL("hardware", "{\"action\":\"detect\"}"), 0},
    {"hardware, bad arguments", CALL("hardware", "{\"action\":\"shw\",\"chp\":1}"), 0},
    {"plan (fine-tune, serve)",
     CALL("plan", "{\"request\":\"fine-tune Llama 3.1 8B on my support chats on my M3 Max 36GB "
                  "and serve it\"}"), 200},
    {"plan, bad arguments", CALL("plan", "{\"request\":\"x\",\"users\":0}"), 0},
    {"estimate inference",
     CALL("estimate", "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\",\"quant\":\"q4\"}"), 0},
    {"estimate lora",
     CALL("estimate",
          "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\",\"task\":\"lora\"}"), 0},
    {"estimate, contradictory arguments",
     CALL("estimate", "{\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\",\"rank\":16}"), 0},
    {"fit formats",
     CALL("fit", "{\"mode\":\"formats\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\"}"), 0},
    {"fit models (whole registry)",
     CALL("fit", "{\"mode\":\"models\",\"chip\":\"M4 Pro 20c\",\"memory_gb\":48}"), 200},
    {"fit machines (every chip)",
     CALL("fit",
          "{\"mode\":\"machines\",\"model\":\"Qwen/Qwen3-8B\",\"min_decode_tok_s\":30}"), 200},
    {"fit training",
     CALL("fit", "{\"mode\":\"training\",\"model\":\"Qwen/Qwen3-8B\",\"chip\":\"M4 Pro 20c\","
                 "\"task\":\"qlora\"}"), 200},
    {"model_info", CALL("model_info", "{\"model\":\"Qwen/Qwen3-8B\"}"), 0},
    {"docs_search", CALL("docs_search", "{\"query\":\"rms norm\"}"), 0},
    {"docs_show", CALL("docs_show", "{\"name\":\"mx.fast.rms_norm\"}"), 0},
    {"check_code (a 9-line training loop)",
     CALL("check_code",
          "{\"source\":\"import mlx.core as mx\\nimport mlx.nn as nn\\nimport mlx.optimizers as "
          "optim\\nmodel = nn.Linear(4, 4)\\nopt = optim.AdamW(learning_rate=1e-3)\\nloss_grad = "
          "nn.value_and_grad(model, lambda m, x: m(x).sum())\\nfor step in range(10):\\n    loss, "
          "g = loss_grad(model, mx.ones((2, 4)))\\n    opt.update(model, g)\\n\"}"), 0},
};

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 2000;
    if (n < 1 || n > 1000000) {
        fprintf(stderr, "usage: bench_mcp [N]   (1 <= N <= 1000000)\n");
        return 2;
    }
    mp_mcp_server *s = NULL;
    mp_error err;
    mp_error_clear(&err);
    if (mp_mcp_server_new(NULL, &s, &err)) {
        fprintf(stderr, "bench_mcp: %s\n", err.msg);
        return 1;
    }
    double *t = malloc((size_t)n * sizeof *t);
    mp_buf out = MP_BUF_INIT;
    if (!t) {
        mp_mcp_server_free(s);
        return 1;
    }
    printf("| message | median (us) | mean (us) | answer (bytes) | calls |\n"
           "|---|--:|--:|--:|--:|\n");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *msg = cases[c].message;
        size_t len = strlen(msg);
        int calls = cases[c].max_calls && cases[c].max_calls < n ? cases[c].max_calls : n;
        double sum = 0;
        for (int i = 0; i < calls; i++) {
            mp_buf_reset(&out);
            double t0 = now_us();
            mp_mcp_handle(s, msg, len, &out);
            t[i] = now_us() - t0;
            sum += t[i];
        }
        qsort(t, (size_t)calls, sizeof *t, cmp_double);
        printf("| %s | %.1f | %.1f | %zu | %d |\n", cases[c].label, t[calls / 2], sum / calls,
               out.len, calls);
    }
    printf("\nup to %d calls each; tools in this build:", n);
    for (size_t i = 0; i < mp_mcp_tools_len; i++)
        if (mp_mcp_tools[i].run)
            printf(" %s", mp_mcp_tools[i].name);
    printf("\n");
    mp_buf_release(&out);
    free(t);
    mp_mcp_server_free(s);
    return 0;
}
