/*
 * fuzz_mcp.c - libFuzzer target for the MCP protocol layer: the input is a
 * session, split into lines, each handed to mp_mcp_handle on one server.
 * Every answer must be one line of valid JSON (else abort, so the fuzzer
 * keeps the input).  Build with -DMLXPLAN_FUZZ=ON (clang).
 */
#include "fuzz.h"
#include "mcp/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mp_mcp_options o = {NULL, 4096, 1 << 20};
    mp_mcp_server *s = NULL;
    if (mp_mcp_server_new(&o, &s, NULL) != 0)
        abort();
    mp_buf out = MP_BUF_INIT;
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        mp_buf_reset(&out);
        if (len > 4096)
            mp_mcp_reply_too_long(s, &out);
        else
            mp_mcp_handle(s, p, len, &out);
        if (out.len) {
            if (out.data[out.len - 1] != '\n' || memchr(out.data, '\n', out.len - 1))
                abort();
            cJSON *j = cJSON_ParseWithLength(out.data, out.len);
            if (!j)
                abort();
            cJSON_Delete(j);
        }
        p = nl ? nl + 1 : end;
    }
    mp_buf_release(&out);
    mp_mcp_server_free(s);
    return 0;
}
