//go:build !upstream

package bench

import (
	"influxdb-client-c/go/api"
	influxdb2 "influxdb-client-c/go/influxdb2"
)

const client = "ours"

var (
	newClient  = influxdb2.NewClientWithOptions
	newOptions = influxdb2.DefaultOptions
	newPoint   = influxdb2.NewPointWithMeasurement
)

type writeAPI = api.WriteAPI
