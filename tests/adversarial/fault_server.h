/* A scripted HTTP server on 127.0.0.1 for faults a real InfluxDB cannot produce on demand:
 * 429/503 with Retry-After, 500s, 401/400 with a JSON body, slow answers, no answer at all,
 * connections closed without an answer, and a port that listens but never accepts.
 *
 * Requests are served one at a time, each on its own connection (every answer carries
 * `Connection: close`). Request number i (0-based) gets script[min(i, n - 1)]: the last step
 * repeats. The server records each request's request line target (path and query) and the
 * total number of body bytes. */
#ifndef INFLUX_ADV_FAULT_SERVER_H
#define INFLUX_ADV_FAULT_SERVER_H

#include <stddef.h>

typedef enum {
    FS_ANSWER = 0, /* answer with status/headers/body after delay_ms */
    FS_HANG,       /* read the request, never answer; the connection stays open until fs_stop */
    FS_CLOSE,      /* read the request, close the connection without an answer */
} fs_action;

typedef struct {
    fs_action action;
    int status;          /* FS_ANSWER: HTTP status */
    const char *headers; /* extra header lines, each ending in "\r\n" (or NULL) */
    const char *body;    /* answer body (or NULL) */
    int delay_ms;        /* wait before answering */
} fs_step;

typedef struct fault_server fault_server;

/* Start serving `script` (copied; `n` >= 1 steps). NULL on failure. */
fault_server *fs_start(const fs_step *script, size_t n);

/* A port that completes TCP connections (listen backlog) but never accepts or answers. */
fault_server *fs_start_silent(void);

/* "http://127.0.0.1:PORT" */
const char *fs_url(const fault_server *fs);

/* Requests received completely so far. */
int fs_requests(fault_server *fs);

/* Copy request i's target ("/api/v2/write?org=..."), "" if there is no such request. */
void fs_target(fault_server *fs, int i, char *buf, size_t size);

/* Whether any request's header block contained `needle`. */
int fs_headers_contain(fault_server *fs, const char *needle);

/* Stop the server, close every connection, free it. NULL is a no-op. */
void fs_stop(fault_server *fs);

#endif
