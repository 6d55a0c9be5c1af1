package influx

/*
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"runtime"
)

// Code is a result code of the C library (influx_result). Codes are never renumbered.
type Code int

// The result codes of include/influxdb_client.h.
const (
	OK               Code = C.INFLUX_OK
	InvalidArg       Code = C.INFLUX_ERR_INVALID_ARG
	InvalidUTF8      Code = C.INFLUX_ERR_INVALID_UTF8
	InvalidPoint     Code = C.INFLUX_ERR_INVALID_POINT
	ConfigError      Code = C.INFLUX_ERR_CONFIG
	HTTPError        Code = C.INFLUX_ERR_HTTP
	TransportError   Code = C.INFLUX_ERR_TRANSPORT
	Timeout          Code = C.INFLUX_ERR_TIMEOUT
	BufferFull       Code = C.INFLUX_ERR_BUFFER_FULL
	Closed           Code = C.INFLUX_ERR_CLOSED
	TimedOut         Code = C.INFLUX_ERR_TIMED_OUT
	Internal         Code = C.INFLUX_ERR_INTERNAL
	IOError          Code = C.INFLUX_ERR_IO
	Dropped          Code = C.INFLUX_ERR_DROPPED
	RetriesExhausted Code = C.INFLUX_ERR_RETRIES_EXHAUSTED
	QueryError       Code = C.INFLUX_ERR_QUERY
	ParseError       Code = C.INFLUX_ERR_PARSE
	TypeError        Code = C.INFLUX_ERR_TYPE
	NullError        Code = C.INFLUX_ERR_NULL
	ValueError       Code = C.INFLUX_ERR_VALUE
	NotFound         Code = C.INFLUX_ERR_NOT_FOUND
)

// String is the library's static text for the code (influx_strerror).
func (c Code) String() string { return C.GoString(C.influx_strerror(C.influx_result(c))) }

// Error is a failure reported by the library: a result code with its detail.
// errors.Is(err, ErrBufferFull) (and the other Err* values) compares the code only.
type Error struct {
	Code          Code
	HTTPStatus    int    // 0 if there was no HTTP answer
	Message       string // full message; never contains the token
	ServerMessage string // the server's JSON "message", "" if none
	Retriable     bool   // delivery reports: whether the failure was retriable
	sentinel      bool
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code.String()
	}
	return e.Message
}

// Is reports whether target is the sentinel of e's code (or an equal *Error).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if t.sentinel {
		return t.Code == e.Code
	}
	return *t == *e
}

func sentinel(c Code) *Error { return &Error{Code: c, sentinel: true} }

// Sentinels for errors.Is.
var (
	ErrInvalidArg       error = sentinel(InvalidArg)
	ErrInvalidPoint     error = sentinel(InvalidPoint)
	ErrConfig           error = sentinel(ConfigError)
	ErrHTTP             error = sentinel(HTTPError)
	ErrTransport        error = sentinel(TransportError)
	ErrTimeout          error = sentinel(Timeout)
	ErrBufferFull       error = sentinel(BufferFull)
	ErrClosed           error = sentinel(Closed)
	ErrTimedOut         error = sentinel(TimedOut)
	ErrDropped          error = sentinel(Dropped)
	ErrRetriesExhausted error = sentinel(RetriesExhausted)
	ErrQuery            error = sentinel(QueryError)
	ErrNotFound         error = sentinel(NotFound)
)

// lastError reads the calling thread's error detail. The caller must hold the OS thread
// (runtime.LockOSThread) since the failed call: the detail is thread-local in C.
func lastError(rc C.influx_result) *Error {
	return &Error{
		Code:          Code(rc),
		Message:       C.GoString(C.influx_last_error_message()),
		ServerMessage: C.GoString(C.influx_last_server_message()),
		HTTPStatus:    int(C.influx_last_http_status()),
	}
}

// call runs f (one or more C calls) with the OS thread held, and turns a failing result
// into an *Error read on that same thread.
func call(f func() C.influx_result) error {
	runtime.LockOSThread()
	rc := f()
	if rc == C.INFLUX_OK {
		runtime.UnlockOSThread()
		return nil
	}
	e := lastError(rc)
	runtime.UnlockOSThread()
	return e
}

func errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}
