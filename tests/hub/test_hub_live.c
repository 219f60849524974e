/* test_hub_live.c - the Hub client against the fake Hub (fake_hub.py) that
 * the ctest fixture started on 127.0.0.1: success with exact sizes, the
 * description cache making the second call offline, 401 / 403 / 404, a
 * slow answer hitting the timeout, a truncated body, redirects, size caps,
 * a server that ignores Range; and that no request reads weights. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "hub/hub.h"
#include "model/registry.h"
#include "util/buf.h"

#define COMMIT_4BIT "4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b"
#define Q4_BYTES 54400.0
#define BF16_BYTES 180864.0
#define PARAMS 90432.0

static char g_endpoint[64];
static char g_tmp[1024];

static size_t collect(char *data, size_t size, size_t n, void *user)
{
    mp_buf_append(user, data, size * n);
    return size * n;
}

/* The fake Hub's request log. */
static cJSON *server_log(void)
{
    char url[128];
    snprintf(url, sizeof url, "%s/__log", g_endpoint);
    mp_buf b = MP_BUF_INIT;
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    assert_int_equal(curl_easy_perform(h), CURLE_OK);
    curl_easy_cleanup(h);
    cJSON *log = cJSON_Parse(mp_buf_cstr(&b));
    mp_buf_release(&b);
    assert_non_null(log);
    return log;
}

static int log_size(void)
{
    cJSON *log = server_log();
    int n = cJSON_GetArraySize(log);
    cJSON_Delete(log);
    return n;
}

/* A fresh, empty description cache (and HF cache) for one test. */
static void fresh_caches(const char *name)
{
    char p[1200], cmd[1300];
    snprintf(p, sizeof p, "%s/%s", g_tmp, name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", p, p);
    assert_int_equal(system(cmd), 0);
    setenv("MLXPLAN_CACHE_DIR", p, 1);
    setenv("HF_HUB_OFFLINE", "0", 1);
    setenv("HF_ENDPOINT", g_endpoint, 1);
    unsetenv("HF_TOKEN");
    unsetenv("MLXPLAN_HUB_TIMEOUT_S");
}

static int load(const char *spec, mp_arch *a, mp_origin *o, mp_error *e)
{
    mp_error_clear(e);
    int rc = mp_model_load(spec, NULL, a, o, e);
    if (rc == 0)
        mp_arch_release(a);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    const char *st = getenv("MLXPLAN_HUB_STATE");
    char p[1100];
    snprintf(p, sizeof p, "%s/port", st ? st : ".");
    FILE *f = fopen(p, "r");
    if (!f)
        return -1;
    int port = 0;
    if (fscanf(f, "%d", &port) != 1)
        port = 0;
    fclose(f);
    if (port <= 0)
        return -1;
    snprintf(g_endpoint, sizeof g_endpoint, "http://127.0.0.1:%d", port);
    const char *tmp = getenv("MLXPLAN_TEST_TMP");
    snprintf(g_tmp, sizeof g_tmp, "%s/hub-live", tmp ? tmp : "/tmp/mlxplan-test");
    /* nothing between us and 127.0.0.1; an empty HF cache */
    static const char *proxies[] = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                                    "ALL_PROXY", "all_proxy"};
    for (size_t i = 0; i < sizeof proxies / sizeof proxies[0]; i++)
        unsetenv(proxies[i]);
    char hf[1100];
    snprintf(hf, sizeof hf, "%s/empty-hf-cache", g_tmp);
    setenv("HF_HUB_CACHE", hf, 1);
    return 0;
}

static void test_single_file(void **state)
{
    (void)state;
    fresh_caches("single");
    int before = log_size();
    mp_arch a;
    mp_origin o;
    mp_error e;
    mp_error_clear(&e);
    if (mp_model_load("test-org/tiny-4bit", NULL, &a, &o, &e) != 0)
        fail_msg("%s", e.msg);
    assert_int_equal(o.kind, MP_ORIGIN_HUB);
    char want[200];
    snprintf(want, sizeof want, "%s/test-org/tiny-4bit", g_endpoint);
    assert_string_equal(o.where, want);
    assert_string_equal(o.revision, COMMIT_4BIT); /* main resolved by X-Repo-Commit */
    assert_false(o.from_cache);
    assert_true(o.ckpt.known);
    assert_true(o.ckpt.tensor_bytes == Q4_BYTES);
    assert_true(o.ckpt.params == PARAMS);
    assert_int_equal(o.ckpt.files, 1);
    assert_int_equal(o.ckpt.tensors, 50);
    assert_true(a.has_config_quant && a.config_quant.bits == 4 && a.n_qoverrides == 2);
    mp_quant nq = mp_arch_native_quant(&a);
    assert_true(mp_arch_weight_bytes(&a, &nq, NULL) == Q4_BYTES);
    double file_bytes = o.ckpt.file_bytes;
    assert_true(file_bytes > Q4_BYTES);
    struct stat st;
    assert_int_equal(stat(o.cache_file, &st), 0);
    mp_arch_release(&a);

    /* what went over the wire: config.json, the index (404), then two byte
     * ranges of model.safetensors (each via the CDN redirect); no tensor data */
    cJSON *log = server_log();
    int n = cJSON_GetArraySize(log);
    assert_int_equal(n - before, 6);
    double weight_bytes = 0, header_len = 0;
    for (int i = before; i < n; i++) {
        const cJSON *r = cJSON_GetArrayItem(log, i);
        const char *path = cJSON_GetObjectItem(r, "path")->valuestring;
        const cJSON *ua = cJSON_GetObjectItem(r, "user_agent");
        assert_true(cJSON_IsString(ua) && strncmp(ua->valuestring, "mlxplan/", 8) == 0);
        if (strncmp(path, "/cdn/", 5) == 0) {
            const cJSON *rng = cJSON_GetObjectItem(r, "range");
            assert_true(cJSON_IsString(rng)); /* never a whole-file request */
            weight_bytes += cJSON_GetObjectItem(r, "bytes")->valuedouble;
            assert_int_equal((int)cJSON_GetObjectItem(r, "status")->valuedouble, 206);
        }
        if (i == before)
            assert_string_equal(path, "/test-org/tiny-4bit/resolve/main/config.json");
        if (i == before + 1)
            assert_string_equal(path, "/test-org/tiny-4bit/resolve/" COMMIT_4BIT
                                      "/model.safetensors.index.json");
    }
    header_len = file_bytes - 8 - Q4_BYTES;
    assert_true(weight_bytes == 8 + header_len);
    cJSON_Delete(log);

    /* a second call, offline: from the description cache, same answer */
    setenv("HF_HUB_OFFLINE", "1", 1);
    before = log_size();
    mp_error_clear(&e);
    if (mp_model_load("test-org/tiny-4bit", NULL, &a, &o, &e) != 0)
        fail_msg("%s", e.msg);
    assert_true(o.from_cache);
    assert_string_equal(o.revision, COMMIT_4BIT);
    assert_true(o.ckpt.tensor_bytes == Q4_BYTES && o.ckpt.params == PARAMS);
    assert_true(o.fetched_s > 1700000000 && o.fetched_s <= (int64_t)time(NULL));
    mp_arch_release(&a);
    /* ... also with the Hub allowed: the cache answers first */
    setenv("HF_HUB_OFFLINE", "0", 1);
    assert_int_equal(load("test-org/tiny-4bit", &a, &o, &e), 0);
    assert_true(o.from_cache);
    assert_int_equal(log_size(), before);
}

static void test_sharded(void **state)
{
    (void)state;
    fresh_caches("sharded");
    int before = log_size();
    mp_arch a;
    mp_origin o;
    mp_error e;
    assert_int_equal(load("test-org/tiny-sharded", &a, &o, &e), 0);
    assert_true(o.ckpt.tensor_bytes == BF16_BYTES);
    assert_int_equal(o.ckpt.files, 2);
    assert_int_equal(o.ckpt.tensors, 20);
    assert_true(o.ckpt.params == 0);
    /* config.json and the index only: the shards are never asked for */
    assert_int_equal(log_size() - before, 2);
}

static void test_no_commit_header(void **state)
{
    (void)state;
    fresh_caches("no-commit");
    int before = log_size();
    mp_arch a;
    mp_origin o;
    mp_error e;
    assert_int_equal(load("test-org/no-commit", &a, &o, &e), 0);
    assert_string_equal(o.revision, "");
    assert_true(o.ckpt.tensor_bytes == Q4_BYTES);
    cJSON *log = server_log();
    const cJSON *r = cJSON_GetArrayItem(log, before + 1);
    assert_string_equal(cJSON_GetObjectItem(r, "path")->valuestring,
                        "/test-org/no-commit/resolve/main/model.safetensors.index.json");
    cJSON_Delete(log);
}

static void test_auth(void **state)
{
    (void)state;
    fresh_caches("auth");
    mp_arch a;
    mp_origin o;
    mp_error e;
    char want[600];
    /* anonymous: the Hub's 401 covers missing, private and gated repos */
    assert_int_equal(load("test-org/private", &a, &o, &e), MP_ENOTFOUND);
    snprintf(want, sizeof want,
             "no repo 'test-org/private' on %s, or it is gated or private (HTTP 401): check the "
             "name; for a gated repo accept its license on huggingface.co and set HF_TOKEN",
             g_endpoint);
    assert_string_equal(e.msg, want);
    /* a refused token */
    setenv("HF_TOKEN", "hf_bad", 1);
    assert_int_equal(load("test-org/private", &a, &o, &e), MP_ENETWORK);
    snprintf(want, sizeof want, "%s refused HF_TOKEN (HTTP 401): check the token", g_endpoint + 7);
    assert_string_equal(e.msg, want);
    /* the right one */
    int before = log_size();
    setenv("HF_TOKEN", "hf_good", 1);
    assert_int_equal(load("test-org/private", &a, &o, &e), 0);
    assert_false(o.ckpt.known);
    assert_string_equal(o.note, "checkpoint sizes not read: the repo has neither "
                                "model.safetensors.index.json nor model.safetensors");
    cJSON *log = server_log();
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(log, before), "auth")));
    cJSON_Delete(log);
    /* gated, with and without a token */
    assert_int_equal(load("test-org/gated", &a, &o, &e), MP_ENETWORK);
    assert_string_equal(e.msg, "repo 'test-org/gated' is gated or private and HF_TOKEN has no "
                               "access to it (HTTP 403): accept its license on huggingface.co "
                               "with the token's account");
    unsetenv("HF_TOKEN");
    assert_int_equal(load("test-org/gated", &a, &o, &e), MP_ENETWORK);
    assert_string_equal(e.msg, "repo 'test-org/gated' is gated or private: accept its license on "
                               "huggingface.co and set HF_TOKEN");
}

static void test_not_found(void **state)
{
    (void)state;
    fresh_caches("not-found");
    mp_arch a;
    mp_origin o;
    mp_error e;
    char want[600];
    assert_int_equal(load("Qwen/Qwen3-9B", &a, &o, &e), MP_ENOTFOUND);
    snprintf(want, sizeof want,
             "no repo 'Qwen/Qwen3-9B' on %s; did you mean 'Qwen/Qwen3-4B', 'Qwen/Qwen3-8B' or "
             "'Qwen/Qwen3.5-9B'?",
             g_endpoint);
    assert_string_equal(e.msg, want);
    assert_int_equal(load("test-org/no-config", &a, &o, &e), MP_ENOTFOUND);
    snprintf(want, sizeof want, "repo 'test-org/no-config' on %s has no config.json", g_endpoint);
    assert_string_equal(e.msg, want);
    assert_int_equal(load("test-org/server-error", &a, &o, &e), MP_ENETWORK);
    snprintf(want, sizeof want, "%s answered HTTP 500 for test-org/server-error/config.json",
             g_endpoint + 7);
    assert_string_equal(e.msg, want);
    assert_int_equal(load("test-org/bad-config", &a, &o, &e), MP_EPARSE);
    snprintf(want, sizeof want, "fetched from %s/test-org/bad-config: ", g_endpoint);
    assert_non_null(strstr(e.msg, want));
    /* nothing was cached for any of them */
    setenv("HF_HUB_OFFLINE", "1", 1);
    assert_int_equal(load("test-org/bad-config", &a, &o, &e), MP_ENOTFOUND);
    assert_non_null(strstr(e.msg, "and the Hub is off"));
}

static void test_transport(void **state)
{
    (void)state;
    fresh_caches("transport");
    mp_arch a;
    mp_origin o;
    mp_error e;
    char want[600];
    const char *host = g_endpoint + 7;
    /* slow: the 1 s limit ends it before the server's 4 s (the message says
     * which limit; how long it took is no test's business under load) */
    setenv("MLXPLAN_HUB_TIMEOUT_S", "1", 1);
    assert_int_equal(load("test-org/slow", &a, &o, &e), MP_ENETWORK);
    snprintf(want, sizeof want,
             "%s did not answer for config.json within 1 s (MLXPLAN_HUB_TIMEOUT_S sets the "
             "limit; --offline stays local)",
             host);
    assert_string_equal(e.msg, want);
    unsetenv("MLXPLAN_HUB_TIMEOUT_S");
    /* a body shorter than its Content-Length */
    assert_int_equal(load("test-org/truncated", &a, &o, &e), MP_ENETWORK);
    snprintf(want, sizeof want, "the answer from %s for config.json was cut short after 10 bytes: ",
             host);
    assert_non_null(strstr(e.msg, want));
    /* redirects: followed (relative, like a renamed repo), but not forever */
    assert_int_equal(load("test-org/renamed", &a, &o, &e), 0);
    assert_string_equal(o.revision, COMMIT_4BIT);
    assert_true(o.ckpt.tensor_bytes == Q4_BYTES);
    assert_int_equal(load("test-org/loop", &a, &o, &e), MP_ENETWORK);
    snprintf(want, sizeof want, "%s redirected config.json more than 5 times", host);
    assert_string_equal(e.msg, want);
    /* size caps */
    assert_int_equal(load("test-org/huge", &a, &o, &e), MP_ELIMIT);
    snprintf(want, sizeof want, "config.json from %s is larger than the 4096 KiB limit", host);
    assert_string_equal(e.msg, want);
    assert_int_equal(load("test-org/big-header", &a, &o, &e), 0);
    assert_false(o.ckpt.known);
    assert_string_equal(o.note, "checkpoint sizes not read: model.safetensors declares a "
                                "17825792-byte header (limit 16 MiB)");
    /* a server that sends the whole file for a range request is cut off */
    assert_int_equal(load("test-org/norange", &a, &o, &e), 0);
    assert_false(o.ckpt.known);
    snprintf(want, sizeof want,
             "checkpoint sizes not read: %s ignored the byte-range request for "
             "model.safetensors's header",
             host);
    assert_string_equal(o.note, want);
    /* nobody listening */
    setenv("HF_ENDPOINT", "http://127.0.0.1:9", 1);
    assert_int_equal(load("test-org/tiny-4bit", &a, &o, &e), MP_ENETWORK);
    assert_non_null(strstr(e.msg, "cannot connect to 127.0.0.1:9: "));
}

static void test_offline_never_connects(void **state)
{
    (void)state;
    fresh_caches("offline");
    int before = log_size();
    mp_arch a;
    mp_origin o;
    mp_error e;
    mp_load_opts off = {true};
    mp_error_clear(&e);
    assert_int_equal(mp_model_load("test-org/tiny-4bit", &off, &a, &o, &e), MP_ENOTFOUND);
    assert_non_null(strstr(e.msg, "and the Hub is off (--offline / HF_HUB_OFFLINE=1)"));
    setenv("HF_HUB_OFFLINE", "yes", 1);
    assert_int_equal(load("test-org/tiny-sharded", &a, &o, &e), MP_ENOTFOUND);
    assert_int_equal(log_size(), before);
}

static void test_cache_not_writable(void **state)
{
    (void)state;
    fresh_caches("unwritable");
    char p[1300];
    snprintf(p, sizeof p, "%s/unwritable/a-file", g_tmp);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
    setenv("MLXPLAN_CACHE_DIR", p, 1); /* a file where the folder should be */
    mp_arch a;
    mp_origin o;
    mp_error e;
    assert_int_equal(load("test-org/tiny-4bit", &a, &o, &e), 0);
    assert_string_equal(o.cache_file, "");
    assert_non_null(strstr(o.note, "description not cached: cannot create the cache folder"));
    assert_true(o.ckpt.tensor_bytes == Q4_BYTES); /* the answer itself is complete */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_file),   cmocka_unit_test(test_sharded),
        cmocka_unit_test(test_no_commit_header), cmocka_unit_test(test_auth),
        cmocka_unit_test(test_not_found),     cmocka_unit_test(test_transport),
        cmocka_unit_test(test_offline_never_connects),
        cmocka_unit_test(test_cache_not_writable),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
