/* C side of the Go binding: callback trampolines and loops that turn one cgo call into many
 * library calls. Only declarations here; definitions in shim.c. */
#ifndef INFLUX_GO_SHIM_H
#define INFLUX_GO_SHIM_H
#include <stdint.h>
#include <stdlib.h>
#include "influxdb_client.h"

/* A shape as the row loop needs it (allocated in C memory, owned by a Go *Shape). */
typedef struct gi_shape {
    influx_shape *shape;
    int *types;
    uint32_t ntags, nfields;
} gi_shape;

/* One buffered row: its shape (index into the shapes array), where its tag offsets and its
 * field values start, and its time. */
typedef struct gi_row {
    uint32_t shape;
    uint32_t tag_start;
    uint32_t val_start;
    uint32_t has_time;
    int64_t time;
} gi_row;

/* Register the trampolines on `conf` with the cgo.Handle `h` as user data. */
influx_result gi_conf_set_callbacks(influx_conf *conf, uintptr_t h);

/* influx_lines_add_packed + influx_write_lines in one call. On error nothing is written and
 * the caller clears the buffer after reading the error detail. */
influx_result gi_write_packed(influx_write_api *api, influx_lines *lb, const char *bucket,
                              const char *org, const uint8_t *data, size_t len);

/* Rows -> line buffer -> write API, in one call. `*bad_row` receives the index of a row that
 * failed to encode (nothing is written then). On error the caller clears the buffer. At most
 * 64 tags and 64 fields per shape (NewShape checks). */
influx_result gi_write_rows(influx_write_api *api, influx_lines *lb, const char *bucket,
                            const char *org, gi_shape *const *shapes, const gi_row *rows,
                            size_t nrows, const uint32_t *tag_off, const uint64_t *vals,
                            const char *arena, size_t *bad_row);

/* Copy the calling thread's last error detail (call right after the failed call, on the same
 * thread: the Go side keeps the OS thread locked in between). */
const char *gi_last_message(void);

/* An open query as the Go side steps through it (C memory, owned by a Go *Query). */
typedef struct gi_query {
    influx_query *q;
    influx_cell *cells; /* the current record's cells (ncols of them after a RECORD event) */
    size_t cap;         /* cells allocated */
    size_t ncols;       /* columns of the current table */
    int event;          /* the last event: INFLUX_QUERY_END, _TABLE or _RECORD */
    int new_block;      /* the last TABLE event came with its own annotation rows */
    size_t table_index; /* influx_table_index() of the current table */
    char err[512];      /* the message of a failed influx_record_get_cells() */
} gi_query;

/* influx_query_next() and, on a RECORD event, influx_record_get_cells() for every column:
 * one cgo call per record. On a TABLE event ncols, new_block and table_index are set and
 * cells grown. A conversion error returns its code with the message in g->err. */
influx_result gi_query_step(gi_query *g);
#endif
