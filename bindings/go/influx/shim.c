#include <string.h>
#include "shim.h"
#include "_cgo_export.h"

static void gi_on_success(const influx_batch *b, void *ud) {
    goInfluxReport((uintptr_t)ud, 0, (influx_batch *)b, NULL, 0, 0);
}

static void gi_on_error(const influx_batch *b, const influx_error *e, void *ud) {
    goInfluxReport((uintptr_t)ud, 1, (influx_batch *)b, (influx_error *)e, 0, 0);
}

static void gi_on_retry(const influx_batch *b, const influx_error *e, uint32_t retry,
                        uint64_t delay_ms, void *ud) {
    goInfluxReport((uintptr_t)ud, 2, (influx_batch *)b, (influx_error *)e, retry, delay_ms);
}

influx_result gi_conf_set_callbacks(influx_conf *conf, uintptr_t h) {
    return influx_conf_set_callbacks(conf, gi_on_success, gi_on_error, gi_on_retry, (void *)h);
}

influx_result gi_write_packed(influx_write_api *api, influx_lines *lb, const char *bucket,
                              const char *org, const uint8_t *data, size_t len) {
    influx_result rc = influx_lines_add_packed(lb, data, len, NULL);
    if (rc != INFLUX_OK) return rc;
    return influx_write_lines(api, bucket, org, lb);
}

influx_result gi_write_rows(influx_write_api *api, influx_lines *lb, const char *bucket,
                            const char *org, gi_shape *const *shapes, const gi_row *rows,
                            size_t nrows, const uint32_t *tag_off, const uint64_t *vals,
                            const char *arena, size_t *bad_row) {
    const char *tags[64];
    influx_value fields[64];
    for (size_t i = 0; i < nrows; i++) {
        const gi_row *r = &rows[i];
        const gi_shape *s = shapes[r->shape];
        for (uint32_t t = 0; t < s->ntags; t++) tags[t] = arena + tag_off[r->tag_start + t];
        for (uint32_t f = 0; f < s->nfields; f++) {
            uint64_t v = vals[r->val_start + f];
            switch (s->types[f]) {
            case INFLUX_FIELD_STR: fields[f].str = arena + v; break;
            case INFLUX_FIELD_BOOL: fields[f].b = v != 0; break;
            default: memcpy(&fields[f], &v, sizeof v); break;
            }
        }
        influx_result rc = influx_lines_add_row(lb, s->shape, tags, fields,
                                                r->has_time ? &r->time : NULL);
        if (rc != INFLUX_OK) {
            *bad_row = i;
            return rc;
        }
    }
    return influx_write_lines(api, bucket, org, lb);
}

const char *gi_last_message(void) { return influx_last_error_message(); }

influx_result gi_query_step(gi_query *g) {
    influx_query_event ev = INFLUX_QUERY_END;
    influx_result rc = influx_query_next(g->q, &ev);
    g->event = ev;
    if (rc != INFLUX_OK) return rc;
    if (ev == INFLUX_QUERY_TABLE) {
        const influx_table *t = influx_query_table(g->q);
        size_t n = influx_table_column_count(t);
        if (n > g->cap) {
            influx_cell *c = realloc(g->cells, n * sizeof *c);
            if (c == NULL) return INFLUX_ERR_INTERNAL;
            g->cells = c;
            g->cap = n;
        }
        g->ncols = n;
        g->new_block = influx_table_new_block(t);
        g->table_index = influx_table_index(t);
    } else if (ev == INFLUX_QUERY_RECORD) {
        rc = influx_record_get_cells(influx_query_record(g->q), g->cells, g->ncols);
        if (rc != INFLUX_OK) {
            const char *m = influx_last_error_message();
            strncpy(g->err, m ? m : "", sizeof g->err - 1);
            g->err[sizeof g->err - 1] = 0;
        }
    }
    return rc;
}
