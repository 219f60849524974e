/*
 * soak.c - 10,000 mixed MCP messages in one session.
 *
 *   mcp_soak run          feed them to the protocol layer in this process;
 *                         check every answer (count, id, error code) and
 *                         that the heap in use does not grow between the
 *                         1,000th and the last message
 *   mcp_soak write FILE   write them to FILE, one per line, and print how
 *                         many answers a server must give (for the run of
 *                         the real binary under valgrind, soak_valgrind.sh)
 *
 * The mix is fixed (a linear congruential sequence with a fixed seed):
 * initialize, then pings with number and string ids, tools/list, hardware
 * list / show / detect, estimates, the four fit searches, model_info,
 * docs_search, docs_show and plans (valid and not), tool calls with bad
 * arguments, check_code on clean, faulty and unparsable code, unknown methods and
 * tools, unparsable lines, invalid UTF-8, refused batches, notifications,
 * client responses, stateless requests and unsupported versions.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mcp/server.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#define N_MESSAGES 10000
#define WARMUP 1000
/* glibc's per-thread cache keeps freed chunks counted as in use, a bounded
 * amount that still creeps up as new sizes appear; ctest turns it off
 * (GLIBC_TUNABLES=glibc.malloc.tcache_count=0) and then the heap in use
 * must be the same to the byte.  Run by hand with the cache on, allow it. */
#define TCACHE_SLACK_BYTES 65536

#define META                                                                          \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","          \
    "\"io.modelcontextprotocol/clientCapabilities\":{}}"

typedef struct expect {
    bool answered;
    int code;        /* 0: a result; else the error code */
    bool tool_error; /* a result with isError */
    char id[40];     /* the id as printed in the answer */
} expect;

static const char *const chips[] = {"M3 Max 30c", "m4-pro-20", "M2 Ultra 76-core", "rtx 4090",
                                    "M1 8c", "h100 sxm", "M4 Max 40c"};
static const char *const models[] = {"Qwen/Qwen3-8B", "Qwen/Qwen3-0.6B", "openai/gpt-oss-20b",
                                     "meta-llama/Llama-3.1-8B-Instruct", "google/gemma-3-4b-it"};
static const char *const queries[] = {"rms norm", "kv cache bits", "lora rank", "mx.fast",
                                      "--num-layers", "value and grad"};
static const size_t n_queries = sizeof queries / sizeof queries[0];

/* Message `i` into buf; what its answer must be into *e. */
static void make(int i, unsigned *rng, char *buf, size_t cap, expect *e)
{
    memset(e, 0, sizeof *e);
    e->answered = true;
    snprintf(e->id, sizeof e->id, "%d", i);
    if (i == 0) {
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                           "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                           "\"clientInfo\":{\"name\":\"soak\",\"version\":\"1\"}}}");
        return;
    }
    if (i == 1) {
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        e->answered = false;
        return;
    }
    *rng = *rng * 1103515245u + 12345u;
    unsigned k = (*rng >> 16) % 26;
    const char *chip = chips[(*rng >> 8) % (sizeof chips / sizeof chips[0])];
    const char *model = models[(*rng >> 12) % (sizeof models / sizeof models[0])];
    switch (k) {
    case 0:
    case 1:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"}", i);
        break;
    case 2:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":\"s-%d\",\"method\":\"ping\"}", i);
        snprintf(e->id, sizeof e->id, "\"s-%d\"", i);
        break;
    case 3:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/list\"}", i);
        break;
    case 4:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"hardware\",\"arguments\":{\"action\":\"list\"}}}", i);
        break;
    case 5:
    case 6:
    case 7:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"hardware\",\"arguments\":{\"action\":\"show\","
                           "\"chip\":\"%s\"}}}", i, chip);
        break;
    case 8:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"hardware\",\"arguments\":{\"action\":\"detect\"}}}", i);
        break;
    case 9:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"hardware\",\"arguments\":{\"action\":\"show\","
                           "\"chip\":\"m3max\",\"memory_gb\":%d}}}", i, (i % 3) ? 48 : 37);
        e->tool_error = i % 3 == 0; /* 48 GB picks the 40-core bin; none is sold with 37 GB */
        break;
    case 10:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"hardware\",\"arguments\":{\"action\":\"shw\",\"x\":1}}}", i);
        e->tool_error = true;
        break;
    case 11:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"estimate\",\"arguments\":{\"model\":\"%s\","
                           "\"chip\":\"%s\",\"quant\":\"q4\"%s}}}", i, model, chip,
                 i % 3 ? "" : ",\"task\":\"lora\",\"rank\":16");
        break;
    case 12:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"nope\",\"arguments\":{}}}", i);
        e->code = -32602;
        break;
    case 13:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"resources/list\"}", i);
        e->code = -32601;
        break;
    case 14:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"", i);
        e->code = -32700;
        snprintf(e->id, sizeof e->id, "null");
        break;
    case 15:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"p\xc3\x28ng\"}", i);
        e->code = -32700;
        snprintf(e->id, sizeof e->id, "null");
        break;
    case 16:
        snprintf(buf, cap, "[{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"ping\"}]", i);
        e->code = -32600;
        snprintf(e->id, sizeof e->id, "null");
        break;
    case 17:
        if (i % 2)
            snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                               "\"params\":{\"requestId\":%d}}", i - 1);
        else
            snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"result\":{}}", i);
        e->answered = false;
        break;
    case 18:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":{" META "}}",
                 i, (i % 2) ? "server/discover" : "tools/list");
        break;
    case 19:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/list\",\"params\":"
                           "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"1.0\"}}}", i);
        e->code = -32022;
        break;
    case 20:
        /* the searches: the registry-wide ones are the slowest, so the rarest */
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"fit\",\"arguments\":%s}}", i,
                 i % 32 == 0  ? "{\"mode\":\"models\",\"chip\":\"M4 Pro 20c\",\"memory_gb\":48}"
                 : i % 8 == 0 ? "{\"mode\":\"machines\",\"model\":\"Qwen/Qwen3-8B\","
                                "\"min_decode_tok_s\":30,\"limit\":3}"
                 : i % 4 == 0 ? "{\"mode\":\"training\",\"model\":\"Qwen/Qwen3-0.6B\","
                                "\"chip\":\"M4 Max 40c\",\"task\":\"qlora\",\"limit\":3}"
                              : "{\"mode\":\"formats\",\"model\":\"Qwen/Qwen3-8B\","
                                "\"chip\":\"M4 Pro 20c\",\"limit\":3}");
        break;
    case 21:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"model_info\",\"arguments\":{\"model\":\"%s\"}}}", i,
                 i % 5 ? model : "not-a/model");
        e->tool_error = i % 5 == 0;
        break;
    case 22:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"docs_search\",\"arguments\":{\"query\":\"%s\","
                           "\"limit\":5}}}", i, queries[(*rng >> 4) % n_queries]);
        break;
    case 23:
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"docs_show\",\"arguments\":{\"name\":\"%s\"}}}", i,
                 i % 4 ? "mx.fast.rms_norm" : "mx.fast.rms_nrm");
        e->tool_error = i % 4 == 0;
        break;
    case 24:
        /* a plan is a costly call: one in twenty of these */
        if (i % 20 == 0)
            snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                               "{\"name\":\"plan\",\"arguments\":{\"request\":\"fine-tune %s "
                               "on my notes on an M4 Max 40c 64GB\"}}}", i, model);
        else
            snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                               "{\"name\":\"plan\",\"arguments\":{\"request\":\"x\","
                               "\"users\":0}}}", i);
        e->tool_error = i % 20 != 0;
        break;
    default:
        /* clean code, then code with a finding, then code that is not Python */
        snprintf(buf, cap, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                           "{\"name\":\"check_code\",\"arguments\":{\"source\":\"%s\"}}}", i,
                 i % 3 == 0   ? "x = 1\\n"
                 : i % 3 == 1 ? "import mlx.core as mx\\nx = mx.relu(mx.array([1.0]))\\n"
                              : "def f(:\\n");
        e->tool_error = i % 3 == 2;
        break;
    }
}

static int check(int i, const char *line, const expect *e)
{
    cJSON *j = cJSON_Parse(line);
    if (!j) {
        fprintf(stderr, "message %d: answer is not JSON: %.200s\n", i, line);
        return 1;
    }
    char *id = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(j, "id"));
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(j, "error");
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(j, "result");
    int code = err ? cJSON_GetObjectItemCaseSensitive(err, "code")->valueint : 0;
    bool tool_error = res && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError"));
    int bad = !id || strcmp(id, e->id) != 0 || code != e->code || tool_error != e->tool_error;
    if (bad)
        fprintf(stderr, "message %d: want id %s code %d tool error %d; got %.300s\n", i, e->id,
                e->code, e->tool_error, line);
    cJSON_free(id);
    cJSON_Delete(j);
    return bad;
}

/* Bytes allocated and not freed (glibc); 0 where it cannot be read. */
static size_t heap_in_use(void)
{
#ifdef __GLIBC__
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks;
#else
    return 0;
#endif
}

static int run(void)
{
    mp_mcp_server *s = NULL;
    mp_error err;
    mp_error_clear(&err);
    if (mp_mcp_server_new(NULL, &s, &err)) {
        fprintf(stderr, "mcp_soak: %s\n", err.msg);
        return 1;
    }
    mp_buf out = MP_BUF_INIT;
    unsigned rng = 20260728u;
    int failures = 0, answers = 0;
    size_t heap_warm = 0;
    for (int i = 0; i < N_MESSAGES; i++) {
        char msg[512];
        expect e;
        make(i, &rng, msg, sizeof msg, &e);
        mp_buf_release(&out); /* measure the server, not this buffer's high-water mark */
        if (mp_mcp_handle(s, msg, strlen(msg), &out) != 0) {
            fprintf(stderr, "message %d: could not answer\n", i);
            failures++;
            continue;
        }
        if (!e.answered) {
            if (out.len) {
                fprintf(stderr, "message %d was answered: %.200s\n", i, out.data);
                failures++;
            }
        } else if (!out.len) {
            fprintf(stderr, "message %d got no answer\n", i);
            failures++;
        } else {
            answers++;
            failures += check(i, out.data, &e);
        }
        if (i == WARMUP) {
            mp_buf_release(&out);
            heap_warm = heap_in_use();
        }
    }
    mp_buf_release(&out);
    size_t heap_end = heap_in_use();
    printf("mcp_soak: %d messages, %d answers, %d wrong; heap in use after %d: %zu bytes, "
           "after %d: %zu bytes\n",
           N_MESSAGES, answers, failures, WARMUP, heap_warm, N_MESSAGES, heap_end);
    mp_mcp_server_free(s);
    const char *tun = getenv("GLIBC_TUNABLES");
    size_t slack = tun && strstr(tun, "tcache_count=0") ? 0 : TCACHE_SLACK_BYTES;
    if (heap_end > heap_warm + slack) {
        fprintf(stderr, "mcp_soak: the heap grew by %zu bytes\n", heap_end - heap_warm);
        return 1;
    }
    return failures ? 1 : 0;
}

/* The first n messages (n <= N_MESSAGES) into path, one per line; prints how
 * many of them must be answered. */
static int write_file(const char *path, int n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    unsigned rng = 20260728u;
    int answers = 0;
    for (int i = 0; i < n; i++) {
        char msg[512];
        expect e;
        make(i, &rng, msg, sizeof msg, &e);
        fprintf(f, "%s\n", msg);
        answers += e.answered;
    }
    if (fclose(f) != 0) {
        perror(path);
        return 1;
    }
    printf("%d\n", answers);
    return 0;
}

int main(int argc, char **argv)
{
    /* detect reads the fixtures, not this machine, so every run is the same */
    if (getenv("MLXPLAN_FIXTURES")) {
        char root[1024];
        snprintf(root, sizeof root, "%s/host-linux", getenv("MLXPLAN_FIXTURES"));
        setenv("MLXPLAN_PROC_ROOT", root, 1);
    }
    setenv("MLXPLAN_NVIDIA_SMI", "", 1);
    if (argc == 2 && strcmp(argv[1], "run") == 0)
        return run();
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "write") == 0) {
        char *end = NULL;
        long n = argc == 4 ? strtol(argv[3], &end, 10) : N_MESSAGES;
        if (argc == 4 && (*end || n < 2 || n > N_MESSAGES)) {
            fprintf(stderr, "mcp_soak: N must be a whole number from 2 to %d, got '%s'\n",
                    N_MESSAGES, argv[3]);
            return 2;
        }
        return write_file(argv[2], (int)n);
    }
    fprintf(stderr, "usage: mcp_soak run | mcp_soak write FILE [N]\n");
    return 2;
}
