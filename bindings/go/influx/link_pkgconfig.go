//go:build !influx_static

package influx

// Default build: the installed library, found through pkg-config (the influxdb_client.pc that
// `cmake --install` writes). Set PKG_CONFIG_PATH for an unusual prefix, and LD_LIBRARY_PATH
// (or -Wl,-rpath in CGO_LDFLAGS) when the prefix is not in the loader's path.

// #cgo pkg-config: influxdb_client
import "C"
