/* hub.c - the Hugging Face Hub client (libcurl easy interface, loaded with
 * dlopen on the first fetch: platform/dynlib.h); see hub.h. */
#include "hub/hub.h"
#include "kb/param.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"

#ifdef MLXPLAN_HAVE_CURL
/* for the types and constants only: the functions come from mp_dynlib */
#include <curl/curl.h>

#include "platform/dynlib.h"
#endif

bool mp_hub_offline_env(void)
{
    const char *v = getenv("HF_HUB_OFFLINE");
    return v && (mp_ieq(v, "1") || mp_ieq(v, "on") || mp_ieq(v, "yes") || mp_ieq(v, "true"));
}

static bool name_ok(const char *s, size_t n)
{
    if (n == 0 || n > MP_HUB_REPO_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!isalnum(ch) && ch != '.' && ch != '_' && ch != '-')
            return false;
        if (i + 1 < n && (ch == '.' || ch == '-') && s[i + 1] == ch)
            return false; /* ".." and "--" (the cache's separator) */
    }
    return s[0] != '.' && s[0] != '-' && s[n - 1] != '.' && s[n - 1] != '-';
}

bool mp_hub_repo_id_valid(const char *id)
{
    if (!id)
        return false;
    const char *slash = strchr(id, '/');
    if (!slash || strchr(slash + 1, '/'))
        return false;
    return name_ok(id, (size_t)(slash - id)) && name_ok(slash + 1, strlen(slash + 1));
}

int mp_hub_cfg_from_env(mp_hub_cfg *c, mp_error *err)
{
    memset(c, 0, sizeof *c);
    const char *ep = getenv("HF_ENDPOINT");
    if (!ep || !*ep)
        ep = MP_HUB_DEFAULT_ENDPOINT;
    size_t n = strlen(ep);
    while (n > 0 && ep[n - 1] == '/')
        n--;
    const char *rest = NULL;
    if (n > 8 && strncmp(ep, "https://", 8) == 0)
        rest = ep + 8;
    else if (n > 7 && strncmp(ep, "http://", 7) == 0)
        rest = ep + 7;
    bool clean = rest && n < sizeof c->endpoint;
    for (size_t i = 0; clean && i < n; i++)
        if (!isgraph((unsigned char)ep[i]))
            clean = false;
    if (!clean || *rest == '/' || (size_t)(rest - ep) >= n)
        return mp_error_set(err, MP_EINVAL,
                            "HF_ENDPOINT must be an http:// or https:// URL, not '%.120s'", ep);
    memcpy(c->endpoint, ep, n);
    c->endpoint[n] = '\0';
    /* host[:port] without any user:password@ */
    size_t hl = strcspn(rest, "/");
    if (hl > (size_t)(ep + n - rest))
        hl = (size_t)(ep + n - rest);
    const char *host = rest;
    const char *at = memchr(rest, '@', hl);
    if (at) {
        hl -= (size_t)(at + 1 - rest);
        host = at + 1;
    }
    snprintf(c->host, sizeof c->host, "%.*s", (int)hl, host);
    snprintf(c->shown, sizeof c->shown, "%.*s%.*s", (int)(rest - ep), ep,
             (int)(ep + n - host), host);

    const char *tok = getenv("HF_TOKEN");
    if (tok && *tok) {
        if (strlen(tok) >= sizeof c->token || strpbrk(tok, "\r\n"))
            return mp_error_set(err, MP_EINVAL, "HF_TOKEN is not a valid token (%zu characters)",
                                strlen(tok));
        mp_strlcpy(c->token, tok, sizeof c->token);
    }
    const char *lib = getenv("MLXPLAN_LIBCURL");
    if (lib && *lib) {
        if (strlen(lib) >= sizeof c->libcurl)
            return mp_error_set(err, MP_EINVAL, "MLXPLAN_LIBCURL is longer than %zu characters",
                                sizeof c->libcurl - 1);
        mp_strlcpy(c->libcurl, lib, sizeof c->libcurl);
    }
    c->connect_timeout_s = MP_HUB_CONNECT_TIMEOUT_S;
    c->timeout_s = MP_HUB_TIMEOUT_S;
    const char *t = getenv("MLXPLAN_HUB_TIMEOUT_S");
    if (t && *t) {
        int64_t v;
        int rc = mp_parse_i64(t, 1, 600, "MLXPLAN_HUB_TIMEOUT_S", &v, err);
        if (rc)
            return rc;
        c->timeout_s = (long)v;
        if (c->connect_timeout_s > c->timeout_s)
            c->connect_timeout_s = c->timeout_s;
    }
    return 0;
}

void mp_hub_fetch_release(mp_hub_fetch *f)
{
    if (!f)
        return;
    free(f->config);
    free(f->index);
    free(f->st_header);
    memset(f, 0, sizeof *f);
}

#ifndef MLXPLAN_HAVE_CURL

bool mp_hub_available(void)
{
    return false;
}

int mp_hub_fetch_model(const mp_hub_cfg *c, const char *repo, mp_hub_fetch *f, mp_error *err)
{
    (void)c;
    memset(f, 0, sizeof *f);
    return mp_error_set(err, MP_EUNSUPPORTED,
                        "cannot ask the Hub for '%.120s': this mlxplan was built without libcurl "
                        "(MLXPLAN_CURL=OFF)",
                        repo);
}

#else

bool mp_hub_available(void)
{
    return true;
}

/* The libcurl functions this file calls, looked up on the first fetch
 * (curl.h's curl_easy_setopt macro is for direct calls; these are
 * pointers). */
static struct curl_api {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} g_curl;
static bool g_curl_loaded;

/* Load libcurl (c->libcurl, else the system's names) once per process.  The
 * first fetch of a process is the only caller that loads; mlxplan fetches
 * from one thread. */
static int curl_load(const mp_hub_cfg *c, const char *repo, mp_error *err)
{
    if (g_curl_loaded)
        return 0;
    static const char *const syms[] = {
        "curl_easy_init",    "curl_easy_setopt",    "curl_easy_perform",  "curl_easy_getinfo",
        "curl_easy_cleanup", "curl_easy_strerror", "curl_slist_append", "curl_slist_free_all",
    };
    enum { N_SYMS = sizeof syms / sizeof syms[0] };
    const char *own[] = {c->libcurl, NULL};
    mp_error e;
    mp_error_clear(&e);
    void *lib = mp_dynlib_open("libcurl", c->libcurl[0] ? own : mp_dynlib_libcurl_names(), &e);
    mp_dynlib_fn fn[N_SYMS];
    if (!lib || mp_dynlib_syms(lib, "libcurl", syms, fn, N_SYMS, &e) != 0)
        return mp_error_set(err, MP_EUNSUPPORTED,
                            "cannot ask the Hub for '%.120s': %s; install libcurl%s (%s stays "
                            "local)",
                            repo, e.msg, c->libcurl[0] ? " or fix MLXPLAN_LIBCURL" : "",
                            mp_pname(MP_P_OFFLINE));
    g_curl.easy_init = (CURL * (*)(void)) fn[0];
    g_curl.easy_setopt = (CURLcode(*)(CURL *, CURLoption, ...))fn[1];
    g_curl.easy_perform = (CURLcode(*)(CURL *))fn[2];
    g_curl.easy_getinfo = (CURLcode(*)(CURL *, CURLINFO, ...))fn[3];
    g_curl.easy_cleanup = (void (*)(CURL *))fn[4];
    g_curl.easy_strerror = (const char *(*)(CURLcode))fn[5];
    g_curl.slist_append = (struct curl_slist * (*)(struct curl_slist *, const char *)) fn[6];
    g_curl.slist_free_all = (void (*)(struct curl_slist *))fn[7];
    g_curl_loaded = true;
    return 0;
}

/* One response: the body of the last hop and the headers that matter. */
typedef struct resp {
    long status;           /* of the response being received */
    mp_buf body;
    size_t cap;            /* body limit */
    bool over_cap;         /* the transfer was stopped at the cap */
    char commit[72];       /* first X-Repo-Commit seen along the redirects */
    char error_code[48];   /* X-Error-Code of the last response */
    double range_total;    /* the "/TOTAL" of Content-Range, 0 when absent */
} resp;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    resp *r = userdata;
    size_t n = size * nmemb;
    if (r->status < 200 || r->status >= 300)
        return n; /* an error page: only its status and headers matter */
    if (r->body.len + n > r->cap) {
        r->over_cap = true;
        return 0; /* stops the transfer: CURLE_WRITE_ERROR */
    }
    mp_buf_append(&r->body, data, n);
    return mp_buf_status(&r->body) ? 0 : n;
}

/* The value of header line `line` when it is `name:`, trimmed, else NULL. */
static const char *header_value(const char *line, size_t n, const char *name, size_t *vlen)
{
    size_t k = strlen(name);
    if (n <= k || line[k] != ':')
        return NULL;
    for (size_t i = 0; i < k; i++)
        if (tolower((unsigned char)line[i]) != name[i])
            return NULL;
    const char *v = line + k + 1;
    const char *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    *vlen = (size_t)(end - v);
    return v;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata)
{
    resp *r = userdata;
    size_t n = size * nmemb, vl;
    const char *v;
    if (n > 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* a new response in the redirect chain */
        const char *sp = memchr(line, ' ', n);
        r->status = sp && (size_t)(sp - line) + 4 <= n ? strtol(sp + 1, NULL, 10) : 0;
        r->error_code[0] = '\0';
        r->range_total = 0;
    } else if ((v = header_value(line, n, "x-repo-commit", &vl)) != NULL) {
        bool ok = vl > 0 && vl < sizeof r->commit;
        for (size_t i = 0; ok && i < vl; i++)
            ok = isalnum((unsigned char)v[i]) != 0;
        if (ok && !r->commit[0])
            snprintf(r->commit, sizeof r->commit, "%.*s", (int)vl, v);
    } else if ((v = header_value(line, n, "x-error-code", &vl)) != NULL) {
        snprintf(r->error_code, sizeof r->error_code, "%.*s", (int)vl, v);
    } else if ((v = header_value(line, n, "content-range", &vl)) != NULL) {
        const char *slash = memchr(v, '/', vl);
        if (slash && slash + 1 < v + vl && isdigit((unsigned char)slash[1]))
            r->range_total = strtod(slash + 1, NULL);
    }
    return n;
}

static int transport_error(const mp_hub_cfg *c, CURLcode cc, const char *what, const char *detail,
                           const resp *r, mp_error *err)
{
    switch (cc) {
    case CURLE_OPERATION_TIMEDOUT:
        return mp_error_set(err, MP_ENETWORK,
                            "%s did not answer for %s within %ld s (MLXPLAN_HUB_TIMEOUT_S sets the "
                            "limit; %s stays local)",
                            c->host, what, c->timeout_s, mp_pname(MP_P_OFFLINE));
    case CURLE_COULDNT_RESOLVE_HOST:
        return mp_error_set(err, MP_ENETWORK,
                            "cannot resolve %s: is the network down? %s",
                            c->host, mp_say(MP_SAY_OFFLINE_LOCAL));
    case CURLE_COULDNT_RESOLVE_PROXY:
        return mp_error_set(err, MP_ENETWORK, "cannot resolve the proxy for %s (HTTPS_PROXY): %s",
                            c->host, detail);
    case CURLE_COULDNT_CONNECT:
        return mp_error_set(err, MP_ENETWORK, "cannot connect to %s: %s %s",
                            c->host, detail, mp_say(MP_SAY_OFFLINE_LOCAL));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
        return mp_error_set(err, MP_ENETWORK, "TLS failure with %s: %s", c->host, detail);
    case CURLE_PARTIAL_FILE:
        return mp_error_set(err, MP_ENETWORK,
                            "the answer from %s for %s was cut short after %zu bytes: %s", c->host,
                            what, r->body.len, detail);
    case CURLE_TOO_MANY_REDIRECTS:
        return mp_error_set(err, MP_ENETWORK, "%s redirected %s more than %d times", c->host,
                            what, MP_HUB_MAX_REDIRECTS);
    case CURLE_WRITE_ERROR:
        if (r->over_cap)
            return mp_error_set(err, MP_ELIMIT, "%s from %s is larger than the %zu KiB limit",
                                what, c->host, r->cap >> 10);
        return mp_error_set(err, MP_ENOMEM, "out of memory reading %s from %s", what, c->host);
    default:
        return mp_error_set(err, MP_ENETWORK, "fetching %s from %s failed: %s", what, c->host,
                            detail);
    }
}

/* GET `url` (optionally one byte range) into r; 0 for any HTTP answer
 * (r->status says which), a negative code when there was none. */
static int http_get(const mp_hub_cfg *c, const char *url, const char *range, size_t cap,
                    const char *what, resp *r, mp_error *err)
{
    memset(r, 0, sizeof *r);
    mp_buf_init(&r->body);
    r->cap = cap;
    CURL *h = g_curl.easy_init();
    if (!h)
        return mp_error_set(err, MP_ENOMEM, "cannot start an HTTP request (libcurl)");
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL;
    char auth[600];
    if (c->token[0]) {
        /* libcurl sends a custom Authorization header to the first host only */
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
        headers = g_curl.slist_append(headers, auth);
    }
    g_curl.easy_setopt(h, CURLOPT_URL, url);
    g_curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    g_curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    g_curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    g_curl.easy_setopt(h, CURLOPT_MAXREDIRS, (long)MP_HUB_MAX_REDIRECTS);
#if LIBCURL_VERSION_NUM >= 0x075500
    g_curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    g_curl.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    g_curl.easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    g_curl.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    g_curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->connect_timeout_s);
    g_curl.easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s);
    g_curl.easy_setopt(h, CURLOPT_USERAGENT, "mlxplan/" MLXPLAN_VERSION);
    g_curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    g_curl.easy_setopt(h, CURLOPT_WRITEDATA, r);
    g_curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    g_curl.easy_setopt(h, CURLOPT_HEADERDATA, r);
    if (headers)
        g_curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    if (range)
        g_curl.easy_setopt(h, CURLOPT_RANGE, range);
    CURLcode cc = g_curl.easy_perform(h);
    long status = 0;
    g_curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    g_curl.slist_free_all(headers);
    g_curl.easy_cleanup(h);
    memset(auth, 0, sizeof auth);
    if (status)
        r->status = status;
    if (cc == CURLE_OK)
        return 0;
    if (cc == CURLE_WRITE_ERROR && r->over_cap && range)
        return 0; /* the caller sees over_cap: a server that ignored Range */
    int rc = transport_error(c, cc, what, errbuf[0] ? errbuf : g_curl.easy_strerror(cc), r, err);
    mp_buf_release(&r->body);
    return rc;
}

/* An HTTP status that is not the answer we wanted. */
static int status_error(const mp_hub_cfg *c, const char *repo, const char *file, const resp *r,
                        mp_hub_fetch *f, mp_error *err)
{
    bool gated = strcmp(r->error_code, "GatedRepo") == 0;
    bool repo_missing = strcmp(r->error_code, "RepoNotFound") == 0;
    if (gated || r->status == 403) {
        if (c->token[0])
            return mp_error_set(err, MP_ENETWORK,
                                "repo '%s' is gated or private and HF_TOKEN has no access to it "
                                "(HTTP %ld): accept its license on huggingface.co with the "
                                "token's account",
                                repo, r->status);
        return mp_error_set(err, MP_ENETWORK,
                            "repo '%s' is gated or private: accept its license on huggingface.co "
                            "and set HF_TOKEN",
                            repo);
    }
    if (r->status == 401 && c->token[0] && !repo_missing)
        return mp_error_set(err, MP_ENETWORK, "%s refused HF_TOKEN (HTTP 401): check the token",
                            c->host);
    f->repo_missing =
        r->status == 401 || (r->status == 404 && strcmp(r->error_code, "EntryNotFound") != 0);
    if (r->status == 401)
        /* the Hub answers 401 to anonymous requests for private, gated and
         * missing repos alike */
        return mp_error_set(err, MP_ENOTFOUND,
                            "no repo '%s' on %s, or it is gated or private (HTTP 401): check the "
                            "name; for a gated repo accept its license on huggingface.co and set "
                            "HF_TOKEN",
                            repo, c->shown);
    if (r->status == 404 && f->repo_missing)
        return mp_error_set(err, MP_ENOTFOUND, "no repo '%s' on %s", repo, c->shown);
    if (r->status == 404)
        return mp_error_set(err, MP_ENOTFOUND, "repo '%s' on %s has no %s", repo, c->shown,
                            file);
    return mp_error_set(err, MP_ENETWORK, "%s answered HTTP %ld for %s/%s", c->host, r->status,
                        repo, file);
}

static void file_url(const mp_hub_cfg *c, const char *repo, const char *rev, const char *file,
                     char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s/resolve/%s/%s", c->endpoint, repo, rev, file);
}

/* The JSON header of model.safetensors by two Range requests; a note (not
 * an error) when the server has no such file or ignores Range. */
static int fetch_header(const mp_hub_cfg *c, const char *repo, const char *rev, mp_hub_fetch *f,
                        mp_error *err)
{
    char url[800];
    file_url(c, repo, rev, "model.safetensors", url, sizeof url);
    resp r;
    int rc = http_get(c, url, "0-7", 8, "model.safetensors", &r, err);
    if (rc)
        return rc;
    uint64_t n = 0;
    if (r.status == 206 && r.body.len == 8) {
        const unsigned char *p = (const unsigned char *)r.body.data;
        for (int i = 7; i >= 0; i--)
            n = (n << 8) | p[i];
    }
    double total = r.range_total;
    long status = r.status;
    bool ignored = r.over_cap || status == 200;
    mp_buf_release(&r.body);
    if (status == 404) {
        snprintf(f->note, sizeof f->note,
                 "the repo has neither model.safetensors.index.json nor model.safetensors");
        return 0;
    }
    if (ignored) {
        snprintf(f->note, sizeof f->note,
                 "%s ignored the byte-range request for model.safetensors's header", c->host);
        return 0;
    }
    if (status != 206) {
        snprintf(f->note, sizeof f->note, "%s answered HTTP %ld for model.safetensors", c->host,
                 status);
        return 0;
    }
    if (n == 0 || n > MP_HUB_HEADER_MAX_BYTES) {
        snprintf(f->note, sizeof f->note,
                 "model.safetensors declares a %llu-byte header (limit %zu MiB)",
                 (unsigned long long)n, MP_HUB_HEADER_MAX_BYTES >> 20);
        return 0;
    }
    char range[64];
    snprintf(range, sizeof range, "8-%llu", (unsigned long long)(n + 7));
    rc = http_get(c, url, range, (size_t)n, "model.safetensors header", &r, err);
    if (rc)
        return rc;
    if (r.status != 206 || r.body.len != n) {
        snprintf(f->note, sizeof f->note,
                 "%s answered the header request for model.safetensors with HTTP %ld, %zu bytes",
                 c->host, r.status, r.body.len);
        mp_buf_release(&r.body);
        return 0;
    }
    f->st_header = mp_buf_detach(&r.body, &f->st_header_len);
    if (!f->st_header)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    f->st_file_bytes = total > 0 ? total : r.range_total;
    return 0;
}

int mp_hub_fetch_model(const mp_hub_cfg *c, const char *repo, mp_hub_fetch *f, mp_error *err)
{
    memset(f, 0, sizeof *f);
    if (!mp_hub_repo_id_valid(repo))
        return mp_error_set(err, MP_EINVAL, "'%.120s' is not a Hugging Face repo id (org/name)",
                            repo);
    int rc = curl_load(c, repo, err);
    if (rc)
        return rc;
    mp_strlcpy(f->repo, repo, sizeof f->repo);
    snprintf(f->url, sizeof f->url, "%s/%s", c->shown, repo);
    char url[800];
    resp r;
    file_url(c, repo, "main", "config.json", url, sizeof url);
    rc = http_get(c, url, NULL, MP_HUB_CONFIG_MAX_BYTES, "config.json", &r, err);
    if (rc)
        goto fail;
    if (r.status != 200) {
        mp_buf_release(&r.body);
        rc = status_error(c, repo, "config.json", &r, f, err);
        goto fail;
    }
    mp_strlcpy(f->commit, r.commit, sizeof f->commit);
    f->config = mp_buf_detach(&r.body, &f->config_len);
    if (!f->config) {
        rc = mp_error_set(err, MP_ENOMEM, "out of memory");
        goto fail;
    }
    const char *rev = f->commit[0] ? f->commit : "main";
    file_url(c, repo, rev, "model.safetensors.index.json", url, sizeof url);
    rc = http_get(c, url, NULL, MP_HUB_INDEX_MAX_BYTES, "model.safetensors.index.json", &r, err);
    if (rc)
        goto fail;
    if (r.status == 200) {
        f->index = mp_buf_detach(&r.body, &f->index_len);
        if (!f->index) {
            rc = mp_error_set(err, MP_ENOMEM, "out of memory");
            goto fail;
        }
        return 0;
    }
    mp_buf_release(&r.body);
    if (r.status != 404) {
        rc = status_error(c, repo, "model.safetensors.index.json", &r, f, err);
        goto fail;
    }
    rc = fetch_header(c, repo, rev, f, err);
    if (rc == 0)
        return 0;
fail:;
    bool missing = f->repo_missing;
    mp_hub_fetch_release(f);
    f->repo_missing = missing;
    return rc;
}

#endif
