package influxdb2

import (
	"crypto/tls"
	nethttp "net/http"
	"strconv"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api/http"
	"github.com/influxdata/influxdb-client-go/v2/api/write"

	"influxdb-client-c/go/influx"
)

// Options are the client options (upstream's type and setters, same units: milliseconds,
// the HTTP timeout in seconds). Set reaches any key of CONFIGURATION.md.
type Options struct {
	logLevel     uint
	writeOptions *write.Options
	httpOptions  *http.Options
	extra        []influx.Setting
	reportData   bool
}

// BatchSize returns the points per batch.
func (o *Options) BatchSize() uint { return o.WriteOptions().BatchSize() }

// SetBatchSize sets the points per batch (default 5000).
func (o *Options) SetBatchSize(batchSize uint) *Options {
	o.WriteOptions().SetBatchSize(batchSize)
	return o
}

// FlushInterval returns the flush interval in ms.
func (o *Options) FlushInterval() uint { return o.WriteOptions().FlushInterval() }

// SetFlushInterval sets the flush interval in ms (default 1000).
func (o *Options) SetFlushInterval(flushIntervalMs uint) *Options {
	o.WriteOptions().SetFlushInterval(flushIntervalMs)
	return o
}

// RetryInterval returns the first retry delay in ms.
func (o *Options) RetryInterval() uint { return o.WriteOptions().RetryInterval() }

// SetRetryInterval sets the first retry delay in ms (default 5000).
func (o *Options) SetRetryInterval(retryIntervalMs uint) *Options {
	o.WriteOptions().SetRetryInterval(retryIntervalMs)
	return o
}

// MaxRetries returns the most retries of a batch.
func (o *Options) MaxRetries() uint { return o.WriteOptions().MaxRetries() }

// SetMaxRetries sets the most retries of a batch (0 disables retrying; default 5).
func (o *Options) SetMaxRetries(maxRetries uint) *Options {
	o.WriteOptions().SetMaxRetries(maxRetries)
	return o
}

// RetryBufferLimit returns the most points buffered.
func (o *Options) RetryBufferLimit() uint { return o.WriteOptions().RetryBufferLimit() }

// SetRetryBufferLimit sets the most points buffered (max_buffer_lines; default 50000).
func (o *Options) SetRetryBufferLimit(retryBufferLimit uint) *Options {
	o.WriteOptions().SetRetryBufferLimit(retryBufferLimit)
	return o
}

// MaxRetryInterval returns the longest retry delay in ms.
func (o *Options) MaxRetryInterval() uint { return o.WriteOptions().MaxRetryInterval() }

// SetMaxRetryInterval sets the longest retry delay in ms (default 125000).
func (o *Options) SetMaxRetryInterval(maxRetryIntervalMs uint) *Options {
	o.WriteOptions().SetMaxRetryInterval(maxRetryIntervalMs)
	return o
}

// MaxRetryTime returns the retry time limit in ms.
func (o *Options) MaxRetryTime() uint { return o.WriteOptions().MaxRetryTime() }

// SetMaxRetryTime sets the retry time limit in ms (default 180000).
func (o *Options) SetMaxRetryTime(maxRetryTimeMs uint) *Options {
	o.WriteOptions().SetMaxRetryTime(maxRetryTimeMs)
	return o
}

// ExponentialBase returns the backoff base.
func (o *Options) ExponentialBase() uint { return o.WriteOptions().ExponentialBase() }

// SetExponentialBase sets the backoff base (default 2).
func (o *Options) SetExponentialBase(exponentialBase uint) *Options {
	o.WriteOptions().SetExponentialBase(exponentialBase)
	return o
}

// LogLevel returns the log level (0 error .. 3 debug).
func (o *Options) LogLevel() uint { return o.logLevel }

// SetLogLevel sets the log level of upstream's log package (0 error .. 3 debug).
func (o *Options) SetLogLevel(logLevel uint) *Options {
	o.logLevel = logLevel
	return o
}

// Precision returns the timestamp precision.
func (o *Options) Precision() time.Duration { return o.WriteOptions().Precision() }

// SetPrecision sets the timestamp precision (time.Nanosecond .. time.Second).
func (o *Options) SetPrecision(precision time.Duration) *Options {
	o.WriteOptions().SetPrecision(precision)
	return o
}

// UseGZip returns whether write bodies are compressed.
func (o *Options) UseGZip() bool { return o.WriteOptions().UseGZip() }

// SetUseGZip compresses write bodies (enable_gzip).
func (o *Options) SetUseGZip(useGZip bool) *Options {
	o.WriteOptions().SetUseGZip(useGZip)
	return o
}

// HTTPClient returns the client set with SetHTTPClient (not used: see README).
func (o *Options) HTTPClient() *nethttp.Client { return o.HTTPOptions().HTTPClient() }

// SetHTTPClient is accepted for compatibility; the HTTP stack is the C library's, so the
// client is not used (a warning is logged when a client is made with it).
func (o *Options) SetHTTPClient(c *nethttp.Client) *Options {
	o.HTTPOptions().SetHTTPClient(c)
	return o
}

// TLSConfig returns the TLS configuration.
func (o *Options) TLSConfig() *tls.Config { return o.HTTPOptions().TLSConfig() }

// SetTLSConfig maps InsecureSkipVerify to verify_ssl=false; CA pools and certificates
// cannot be read out of a tls.Config: use Set("ssl_ca_cert", path), Set("cert_file", ...).
func (o *Options) SetTLSConfig(tlsConfig *tls.Config) *Options {
	o.HTTPOptions().SetTLSConfig(tlsConfig)
	return o
}

// HTTPRequestTimeout returns the request timeout in seconds.
func (o *Options) HTTPRequestTimeout() uint { return o.HTTPOptions().HTTPRequestTimeout() }

// SetHTTPRequestTimeout sets the request timeout in seconds (default 20).
func (o *Options) SetHTTPRequestTimeout(httpRequestTimeout uint) *Options {
	o.HTTPOptions().SetHTTPRequestTimeout(httpRequestTimeout)
	return o
}

// WriteOptions returns upstream's write options held by o.
func (o *Options) WriteOptions() *write.Options {
	if o.writeOptions == nil {
		o.writeOptions = write.DefaultOptions()
	}
	return o.writeOptions
}

// HTTPOptions returns upstream's HTTP options held by o.
func (o *Options) HTTPOptions() *http.Options {
	if o.httpOptions == nil {
		o.httpOptions = http.DefaultOptions()
	}
	return o.httpOptions
}

// AddDefaultTag adds a tag written with every point that does not have the key itself.
func (o *Options) AddDefaultTag(key, value string) *Options {
	o.WriteOptions().AddDefaultTag(key, value)
	return o
}

// ApplicationName returns the application name.
func (o *Options) ApplicationName() string { return o.HTTPOptions().ApplicationName() }

// SetApplicationName is kept for compatibility (the C library sends its own User-Agent).
func (o *Options) SetApplicationName(appName string) *Options {
	o.HTTPOptions().SetApplicationName(appName)
	return o
}

// Set sets any option of CONFIGURATION.md by key (applied after the typed setters, so it
// wins), e.g. Set("buffer_full_policy", "reject"), Set("max_close_wait", "10s").
func (o *Options) Set(key, value string) *Options {
	o.extra = append(o.extra, influx.Setting{Key: key, Value: value})
	return o
}

// SetBufferLimits sets max_buffer_lines, max_buffer_bytes and buffer_full_policy
// (block | reject | drop_oldest).
func (o *Options) SetBufferLimits(maxLines, maxBytes uint, policy string) *Options {
	return o.Set("max_buffer_lines", strconv.FormatUint(uint64(maxLines), 10)).
		Set("max_buffer_bytes", strconv.FormatUint(uint64(maxBytes), 10)).
		Set("buffer_full_policy", policy)
}

// SetMaxCloseWait bounds Close in ms (max_close_wait).
func (o *Options) SetMaxCloseWait(ms uint) *Options {
	return o.Set("max_close_wait", strconv.FormatUint(uint64(ms), 10))
}

// SetCACertFile trusts the CAs of a PEM file (ssl_ca_cert).
func (o *Options) SetCACertFile(path string) *Options { return o.Set("ssl_ca_cert", path) }

// SetReportData makes delivery reports of the write APIs carry their batch's text.
func (o *Options) SetReportData(on bool) *Options { o.reportData = on; return o }

// DefaultOptions are upstream's defaults: batch 5000, flush 1000 ms, retry 5000 ms, 5
// retries, max retry interval 125 s, max retry time 180 s, base 2, buffer 50000 points,
// precision ns, no gzip, HTTP timeout 20 s, log level error.
func DefaultOptions() *Options {
	return &Options{logLevel: 0, writeOptions: write.DefaultOptions(), httpOptions: http.DefaultOptions()}
}

func u(v uint) string { return strconv.FormatUint(uint64(v), 10) }

// clientSettings maps o to the C client's settings; problems that cannot map are returned
// as warnings (logged by NewClientWithOptions).
func (o *Options) clientSettings(serverURL, token string) ([]influx.Setting, []string) {
	var warn []string
	s := []influx.Setting{{Key: "url", Value: serverURL}}
	if token != "" {
		s = append(s, influx.Setting{Key: "token", Value: token})
	}
	h := o.HTTPOptions()
	s = append(s, influx.Setting{Key: "timeout", Value: u(h.HTTPRequestTimeout() * 1000)})
	if o.UseGZip() {
		s = append(s, influx.Setting{Key: "enable_gzip", Value: "true"})
	}
	if t := h.TLSConfig(); t != nil {
		if t.InsecureSkipVerify {
			s = append(s, influx.Setting{Key: "verify_ssl", Value: "false"})
		}
		if t.RootCAs != nil || len(t.Certificates) > 0 {
			warn = append(warn, "TLSConfig: RootCAs and Certificates cannot be used; set ssl_ca_cert / cert_file / cert_key_file with Options.Set")
		}
	}
	if h.HTTPClient() != nil {
		warn = append(warn, "SetHTTPClient: the HTTP client is not used (the C library does HTTP)")
	}
	if w := o.WriteOptions(); w.Consistency() != "" {
		warn = append(warn, "SetConsistency: not supported (InfluxDB Enterprise 1.x only)")
	}
	return s, warn
}

// writeSettings maps o to the settings of a batching write API.
func (o *Options) writeSettings() []influx.Setting {
	w := o.WriteOptions()
	buf := w.RetryBufferLimit()
	if buf < w.BatchSize() {
		buf = w.BatchSize()
	}
	s := []influx.Setting{
		{Key: "batch_size", Value: u(w.BatchSize())},
		{Key: "flush_interval", Value: u(w.FlushInterval())},
		{Key: "retry_interval", Value: u(w.RetryInterval())},
		{Key: "max_retries", Value: u(w.MaxRetries())},
		{Key: "max_retry_delay", Value: u(w.MaxRetryInterval())},
		{Key: "max_retry_time", Value: u(w.MaxRetryTime())},
		{Key: "exponential_base", Value: u(w.ExponentialBase())},
		{Key: "max_buffer_lines", Value: u(buf)},
	}
	return s
}
