//go:build influx_static

package influx

// Development build (-tags influx_static): the header of this tree and the static library
// of `cargo build --release`, in target/release of the tree. With another CARGO_TARGET_DIR
// add its release directory: CGO_LDFLAGS=-L$CARGO_TARGET_DIR/release.

// #cgo CFLAGS: -I${SRCDIR}/../../../include
// #cgo LDFLAGS: -L${SRCDIR}/../../../target/release -l:libinfluxdb_client.a -lpthread -ldl -lm
import "C"
