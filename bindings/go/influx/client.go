package influx

/*
#include "shim.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"sync"
	"unsafe"
)

// Setting is one configuration key and value (CONFIGURATION.md), applied in order.
type Setting struct{ Key, Value string }

// Version is the C library's version string.
func Version() string { return C.GoString(C.influx_version()) }

// newConf builds an influx_conf from settings; the caller owns it (consumed by the C
// constructors). On error the conf is freed.
func newConf(settings []Setting) (*C.influx_conf, error) {
	conf := C.influx_conf_new()
	var errbuf [512]C.char
	for _, s := range settings {
		k := C.CString(s.Key)
		v := C.CString(s.Value)
		rc := C.influx_conf_set(conf, k, v, &errbuf[0], C.size_t(len(errbuf)))
		C.free(unsafe.Pointer(k))
		C.free(unsafe.Pointer(v))
		if rc != C.INFLUX_OK {
			C.influx_conf_free(conf)
			return nil, &Error{Code: Code(rc), Message: C.GoString(&errbuf[0])}
		}
	}
	return conf, nil
}

// CheckSettings validates settings (keys and values) without creating anything.
func CheckSettings(settings []Setting) error {
	conf, err := newConf(settings)
	if err == nil {
		C.influx_conf_free(conf)
	}
	return err
}

// Client is a configured connection (URL, token, TLS, timeouts). Safe for concurrent use.
type Client struct {
	mu sync.RWMutex
	c  *C.influx_client
}

// NewClient creates a client from client settings ("url", "token", "org", "timeout", ...);
// write settings given here are the defaults of its write APIs. It does not contact the server.
func NewClient(settings ...Setting) (*Client, error) {
	conf, err := newConf(settings)
	if err != nil {
		return nil, err
	}
	var errbuf [512]C.char
	c := C.influx_client_new(conf, &errbuf[0], C.size_t(len(errbuf)))
	if c == nil {
		return nil, &Error{Code: ConfigError, Message: C.GoString(&errbuf[0])}
	}
	return &Client{c: c}, nil
}

// Close frees the client. Write APIs made from it stay usable until closed. Idempotent.
func (c *Client) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.c != nil {
		C.influx_client_free(c.c)
		c.c = nil
	}
}

// with runs f with the C client held (not freed meanwhile), or returns ErrClosed.
func (c *Client) with(f func(*C.influx_client) error) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.c == nil {
		return errorf(Closed, "client is closed")
	}
	return f(c.c)
}

// cstrings caches NUL-terminated copies of strings used on every write (bucket, org), so
// that no write pays a C.CString.
type cstrings struct {
	mu sync.Mutex
	m  map[string]*C.char
}

func (cs *cstrings) get(s string) *C.char {
	cs.mu.Lock()
	p, ok := cs.m[s]
	if !ok {
		if cs.m == nil {
			cs.m = make(map[string]*C.char)
		}
		p = C.CString(s)
		cs.m[s] = p
	}
	cs.mu.Unlock()
	return p
}

func (cs *cstrings) free() {
	cs.mu.Lock()
	for _, p := range cs.m {
		C.free(unsafe.Pointer(p))
	}
	cs.m = nil
	cs.mu.Unlock()
}

var errNUL = errors.New("string contains a NUL byte")

// cstr returns a C copy of s (to free), or nil for "".
func cstrOrNil(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

func freeC(p *C.char) {
	if p != nil {
		C.free(unsafe.Pointer(p))
	}
}

var _ = runtime.KeepAlive
