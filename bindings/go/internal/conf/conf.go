// Package conf carries the settings of a write API from package influxdb2 (Options) to
// package api (the write APIs).
package conf

import "influxdb-client-c/go/influx"

// Write is what a write API of package api is made with.
type Write struct {
	Settings    []influx.Setting  // write settings for the C write API (batching etc.)
	Precision   influx.Precision  // timestamps
	DefaultTags map[string]string // applied in Go: a point's own tag wins (upstream's rule)
	BatchSize   int               // WriteAPIBlocking.EnableBatching
}
