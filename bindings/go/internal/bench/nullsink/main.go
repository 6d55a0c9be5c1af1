// Command nullsink is the null HTTP sink of the benchmarks, in its own process: it accepts
// any write (204), counts the non-empty lines of the (gzip-less) bodies, and answers
// GET /count with the count. POST /reset zeroes it. It prints its URL on stdout.
package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
)

var lines atomic.Int64

var bufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// countLines counts non-empty lines, reading the body in fixed chunks (no allocation per
// request in steady state).
func countLines(r io.Reader) int64 {
	bp := bufs.Get().(*[]byte)
	defer bufs.Put(bp)
	buf := *bp
	var n int64
	prev := byte('\n')
	for {
		k, err := r.Read(buf)
		if k > 0 {
			chunk := buf[:k]
			for {
				i := bytes.IndexByte(chunk, '\n')
				if i < 0 {
					break
				}
				if i > 0 || prev != '\n' {
					n++
				}
				prev = '\n'
				chunk = chunk[i+1:]
			}
			if len(chunk) > 0 {
				prev = chunk[len(chunk)-1]
			}
		}
		if err != nil {
			break
		}
	}
	if prev != '\n' {
		n++
	}
	return n
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strconv.FormatInt(lines.Load(), 10))
	})
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) { lines.Store(0) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		lines.Add(countLines(r.Body))
		w.WriteHeader(http.StatusNoContent)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	os.Stdout.Sync()
	_ = http.Serve(ln, mux)
}
