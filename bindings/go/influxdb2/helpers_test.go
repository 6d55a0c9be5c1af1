package influxdb2_test

import (
	http2 "github.com/influxdata/influxdb-client-go/v2/api/http"
	"github.com/influxdata/influxdb-client-go/v2/domain"
	"github.com/influxdata/influxdb-client-go/v2/log"
)

type http2Error = http2.Error

func domainRule(every int64) domain.RetentionRule {
	return domain.RetentionRule{EverySeconds: every}
}

func init() { log.Log = nil } // the tests check errors themselves; keep the output readable

type domainDialect = domain.Dialect

func domainDateTimeFormat(s string) domain.DialectDateTimeFormat {
	return domain.DialectDateTimeFormat(s)
}
