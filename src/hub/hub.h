/*
 * hub.h - the Hugging Face Hub over HTTP(S), through libcurl: a model's
 * config.json and what sizes its safetensors, never the weights.
 *
 * What one fetch asks for (all under ${HF_ENDPOINT:-https://huggingface.co}):
 *   1. {repo}/resolve/main/config.json: the description; the Hub's
 *      X-Repo-Commit header names the commit `main` pointed at, and every
 *      later request uses that commit so the files agree;
 *   2. {repo}/resolve/{commit}/model.safetensors.index.json: a sharded
 *      checkpoint's tensor map and metadata.total_size (exact tensor bytes);
 *   3. when there is no index, the header of {repo}/resolve/{commit}/
 *      model.safetensors by two HTTP Range requests (bytes 0-7 give the
 *      header length N, then bytes 8..8+N-1): exact dtypes and shapes, at
 *      most 8 + MP_HUB_HEADER_MAX_BYTES bytes of a multi-gigabyte file.  A
 *      server that ignores Range is cut off at the cap and the sizes are
 *      left unknown.
 *
 * Limits: config.json <= 4 MiB, index <= 16 MiB, header <= 16 MiB; a body
 * over its cap aborts the transfer.  Timeouts: connect 10 s, whole request
 * 30 s (MLXPLAN_HUB_TIMEOUT_S overrides the whole-request limit, 1..600;
 * the connect limit is the smaller of the two).  At most 5 redirects, http
 * and https only.  Proxies come from HTTPS_PROXY / HTTP_PROXY / NO_PROXY as
 * libcurl reads them.  HF_TOKEN is sent as a bearer token to the endpoint's
 * host only (libcurl drops it when a redirect leaves that host).
 *
 * libcurl is not linked in: the first fetch of a process loads it
 * (platform/dynlib.h), so commands that never fetch do not pay for loading
 * it and its dependencies at start.  MLXPLAN_LIBCURL names the library to
 * load instead of the system's (a file name or path).  Its headers are still
 * needed to build.  Built without them (MLXPLAN_CURL=OFF),
 * mp_hub_available() is false and mp_hub_fetch_model() fails with
 * MP_EUNSUPPORTED.
 */
#ifndef MP_HUB_HUB_H
#define MP_HUB_HUB_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define MP_HUB_DEFAULT_ENDPOINT "https://huggingface.co"
#define MP_HUB_CONFIG_MAX_BYTES ((size_t)4 << 20)
#define MP_HUB_INDEX_MAX_BYTES ((size_t)16 << 20)
#define MP_HUB_HEADER_MAX_BYTES ((size_t)16 << 20)
#define MP_HUB_MAX_REDIRECTS 5
#define MP_HUB_CONNECT_TIMEOUT_S 10
#define MP_HUB_TIMEOUT_S 30
#define MP_HUB_REPO_MAX 96 /* the Hub's limit on an org or repo name */

typedef struct mp_hub_cfg {
    char endpoint[256];   /* scheme://host[:port][/path], no trailing slash */
    char shown[256];      /* the endpoint without any user:password@, for messages */
    char host[160];       /* host[:port], for messages */
    char token[512];      /* HF_TOKEN, "" when unset; never printed */
    char libcurl[256];    /* MLXPLAN_LIBCURL, "" for the system's libcurl */
    long connect_timeout_s, timeout_s;
} mp_hub_cfg;

/* Whether this build can reach the Hub at all (built with libcurl's
 * headers); whether the library itself loads is known at the first fetch. */
bool mp_hub_available(void);

/* HF_HUB_OFFLINE is set to a true value ("1", "on", "yes", "true", any
 * case), as huggingface_hub reads it. */
bool mp_hub_offline_env(void);

/* Settings from HF_ENDPOINT, HF_TOKEN and MLXPLAN_HUB_TIMEOUT_S.  Errors:
 * MP_EINVAL naming the variable when HF_ENDPOINT is not an http(s) URL or
 * the timeout is not a whole number of seconds in 1..600, or MLXPLAN_LIBCURL
 * is too long. */
int mp_hub_cfg_from_env(mp_hub_cfg *c, mp_error *err);

/* "org/name" with the Hub's characters ([A-Za-z0-9._-], not starting or
 * ending with '.' or '-', no "--" or "..", each part at most 96): the only
 * form that is ever put in a URL or a file name. */
bool mp_hub_repo_id_valid(const char *id);

typedef struct mp_hub_fetch {
    char repo[128];
    char commit[72];       /* what `main` resolved to; "" when the Hub did not say */
    char url[512];         /* {endpoint}/{repo} as shown (no credentials) */
    char *config;          /* config.json text (NUL-terminated), owned */
    size_t config_len;
    char *index;           /* model.safetensors.index.json, NULL when the repo has none */
    size_t index_len;
    char *st_header;       /* model.safetensors's JSON header, NULL when not read */
    size_t st_header_len;
    double st_file_bytes;  /* that file's size (from Content-Range), 0 when unknown */
    char note[200];        /* why neither index nor header was read, "" otherwise */
    bool repo_missing;     /* after MP_ENOTFOUND: the repo itself is unknown (kept on error) */
} mp_hub_fetch;

/* Fetch `repo`'s description as described at the top.  `repo` must pass
 * mp_hub_repo_id_valid.  Errors (one line, naming the repo or host):
 *   MP_ENOTFOUND  no such repo, or no config.json in it ("no repo 'X' on E");
 *   MP_ENETWORK   gated or private (401/403: says to accept the license and
 *                 set HF_TOKEN), refused token, timeout, connection, DNS,
 *                 proxy or TLS failure, a cut-short body, too many
 *                 redirects, another HTTP status;
 *   MP_ELIMIT     a body over its cap;
 *   MP_EUNSUPPORTED built without libcurl, or libcurl cannot be loaded
 *                 ("cannot ask the Hub for 'X': is libcurl installed?: cannot
 *                 load libcurl (tried ...): <the loader's reason>").
 * On error `f` holds nothing to release (only repo_missing is set); on success release it with
 * mp_hub_fetch_release (which accepts NULL and a zeroed struct). */
int mp_hub_fetch_model(const mp_hub_cfg *c, const char *repo, mp_hub_fetch *f, mp_error *err);
void mp_hub_fetch_release(mp_hub_fetch *f);

#endif
