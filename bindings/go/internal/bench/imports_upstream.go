//go:build upstream

package bench

import (
	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/influxdata/influxdb-client-go/v2/api"
)

const client = "upstream"

var (
	newClient  = influxdb2.NewClientWithOptions
	newOptions = influxdb2.DefaultOptions
	newPoint   = influxdb2.NewPointWithMeasurement
)

type writeAPI = api.WriteAPI
