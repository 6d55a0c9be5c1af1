"""InfluxDBClient: the seed's client over one C influx_client."""

import logging
import threading
import warnings

from influxdb_client_c._lib import lib
from influxdb_client_c.client._c import error_from, new_conf, conf_get, _ERRBUF, InfluxValueError
from influxdb_client_c import _cdefs as C
from influxdb_client_c.client import management
from influxdb_client_c.configuration import Configuration, LOGGERS_NAMES

logger = logging.getLogger('influxdb_client_c.client.influxdb_client')

_C_KEYS = ("verify_ssl", "ssl_ca_cert", "cert_file", "cert_key_file", "cert_key_password", "proxy",
           "connection_pool_maxsize", "auth_basic")


def _client_options(url, token, timeout, enable_gzip, org, kwargs):
    o = {"url": url, "token": token, "org": org, "timeout": int(timeout) if timeout is not None else None,
         "enable_gzip": bool(enable_gzip)}
    for k in _C_KEYS:
        if kwargs.get(k) is not None:
            o[k] = kwargs[k]
    if kwargs.get("auth_basic") and token is None and kwargs.get("username") is not None:
        o["token"] = f"{kwargs['username']}:{kwargs.get('password', '')}"
    elif kwargs.get("username") and kwargs.get("password"):
        # the seed's session sign-in (POST /api/v2/signin, then a cookie; no token sent)
        o["username"] = kwargs["username"]
        o["password"] = kwargs["password"]
    return o


class _BaseClient:
    """What the sync and async clients share: one C client, made at construction."""

    @classmethod
    def from_config_file(cls, config_file: str = "config.ini", debug=None, enable_gzip=False, **kwargs):
        """Configure client via configuration file (ini, toml or json; section ``influx2``, ``tags``)."""
        return _from_conf(cls, lambda conf, err: lib.influx_conf_load_file(conf, str(config_file).encode(), err,
                                                                           _ERRBUF), debug, enable_gzip, kwargs)

    @classmethod
    def from_env_properties(cls, debug=None, enable_gzip=False, **kwargs):
        """Configure client via environment properties (INFLUXDB_V2_URL, _TOKEN, _ORG, ...)."""
        return _from_conf(cls, lambda conf, err: lib.influx_conf_load_env(conf, err, _ERRBUF), debug, enable_gzip,
                          kwargs)

    def __init__(self, url, token=None, debug=None, timeout=10_000, enable_gzip=False, org: str = None,
                 default_tags: dict = None, _conf=None, **kwargs):
        self.url = url
        self.token = token
        self.org = org
        self.default_tags = default_tags
        self.conf = Configuration()
        self.conf.host = url
        self.conf.timeout = timeout
        self.conf.enable_gzip = enable_gzip
        self.conf.loggers["http_client_logger"] = logging.getLogger(kwargs.get("http_client_logger"))
        for name in LOGGERS_NAMES:
            self.conf.loggers[name] = logging.getLogger(name)
        self.conf.debug = debug
        for k in _C_KEYS:
            if k in kwargs:
                setattr(self.conf, k, kwargs[k])
        if kwargs.get("ssl_context") is not None:
            warnings.warn("ssl_context is not supported by influxdb_client_c: use ssl_ca_cert, cert_file "
                          "and cert_key_file", UserWarning, stacklevel=3)
        self.conf.username = kwargs.get("username", None)
        self.conf.password = kwargs.get("password", None)
        self.profilers = kwargs.get("profilers", None)
        conf = _conf if _conf is not None else new_conf(_client_options(url, token, timeout, enable_gzip,
                                                                        org, kwargs))
        err = C.ctypes.create_string_buffer(_ERRBUF)
        self._c = lib.influx_client_new(conf, err, _ERRBUF)   # consumes conf
        if not self._c:
            raise InfluxValueError(C.INFLUX_ERR_CONFIG, err.value.decode("utf-8", "replace"))
        self._lock = threading.Lock()

    @property
    def api_client(self):
        """What the seed's services take (``OrganizationsService(api_client=client.api_client)``)."""
        return _ApiClient(self)

    def _handle(self):
        c = self._c
        if not c:
            raise error_from(C.INFLUX_ERR_CLOSED, "the client is closed")
        return c

    def _free(self):
        with self._lock:
            c, self._c = self._c, None
        if c:
            lib.influx_client_free(c)


class _ApiClient:
    """The ``api_client`` of a client: the client, and whether its services' calls are awaitable."""

    def __init__(self, influxdb_client):
        self.influxdb_client = influxdb_client
        self.is_async = not isinstance(influxdb_client, InfluxDBClient)


def _from_conf(cls, load, debug, enable_gzip, kwargs):
    conf = lib.influx_conf_new()
    err = C.ctypes.create_string_buffer(_ERRBUF)
    rc = load(conf, err)
    if rc:
        lib.influx_conf_free(conf)
        raise error_from(rc, err.value.decode("utf-8", "replace"))
    if enable_gzip:
        lib.influx_conf_set(conf, b"enable_gzip", b"true", None, 0)
    for k in _C_KEYS:
        if kwargs.get(k) is not None:
            v = kwargs[k]
            v = ("true" if v else "false") if isinstance(v, bool) else str(v)
            lib.influx_conf_set(conf, k.encode(), v.encode(), None, 0)
    if not kwargs.get("auth_basic") and kwargs.get("username") and kwargs.get("password"):
        for k in ("username", "password"):
            rc = lib.influx_conf_set(conf, k.encode(), str(kwargs[k]).encode(), err, _ERRBUF)
            if rc:
                lib.influx_conf_free(conf)
                raise error_from(rc, err.value.decode("utf-8", "replace"))
    url = conf_get(conf, "url")
    org = conf_get(conf, "org") or None
    timeout = int(conf_get(conf, "timeout") or 10000)
    return cls(url=url, token=None, debug=debug, timeout=timeout, enable_gzip=enable_gzip, org=org,
               _conf=conf, **kwargs)


class InfluxDBClient(_BaseClient):
    """InfluxDBClient is client for InfluxDB v2 (the seed's API on the C library)."""

    def __init__(self, url, token: str = None, debug=None, timeout=10_000, enable_gzip=False, org: str = None,
                 default_tags: dict = None, **kwargs) -> None:
        """Initialize defaults.

        :param url: InfluxDB server API url (ex. http://localhost:8086).
        :param token: ``token`` to authenticate to the InfluxDB API
        :param timeout: HTTP client timeout setting for a request specified in milliseconds.
        :param enable_gzip: Enable Gzip compression for http requests.
        :param org: organization name (used as a default in Query, Write and Delete API)
        :key verify_ssl, ssl_ca_cert, cert_file, cert_key_file, cert_key_password, proxy,
             connection_pool_maxsize, auth_basic: as the seed's
        :key username, password: sign in with them (``POST /api/v2/signin``) instead of a token, as the
             seed; the session is renewed when the server forgets it and signed out on close
        """
        super().__init__(url=url, token=token, debug=debug, timeout=timeout, enable_gzip=enable_gzip, org=org,
                         default_tags=default_tags, **kwargs)

    def __enter__(self):
        """Enter the runtime context related to this object."""
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        """Shutdown the client."""
        self.close()

    def write_api(self, write_options=None, point_settings=None, **kwargs):
        """A write API: batching by default (``write_options=SYNCHRONOUS`` / ``ASYNCHRONOUS`` else).

        :key success_callback, error_callback, retry_callback: the seed's batching callbacks
        """
        from influxdb_client_c.client.write_api import WriteApi, WriteOptions, PointSettings
        return WriteApi(influxdb_client=self, write_options=write_options or WriteOptions(),
                        point_settings=point_settings or PointSettings(), **kwargs)

    def query_api(self, query_options=None):
        """The query API."""
        from influxdb_client_c.client.query_api import QueryApi, QueryOptions
        return QueryApi(self, query_options or QueryOptions())

    def buckets_api(self):
        """The buckets API."""
        return management.BucketsApi(self)

    def organizations_api(self):
        """The organizations API."""
        return management.OrganizationsApi(self)

    def delete_api(self):
        """The delete API."""
        return management.DeleteApi(self)

    def close(self):
        """Free the client (write APIs made from it stay usable until closed)."""
        self._free()

    def __del__(self):
        """Free the C client."""
        if getattr(self, "_c", None):
            self._free()

    def health(self):
        """The server's health (never raises: status "fail" with the reason instead)."""
        warnings.warn("This method is deprecated. Call 'ping()' instead.", DeprecationWarning)
        return management.health(self._handle())

    def ping(self) -> bool:
        """True when the server answers GET /ping."""
        return management.ping(self._handle())

    def version(self) -> str:
        """The server's version (X-Influxdb-Version, "unknown" when absent)."""
        return management.ping_info(self._handle())[0]

    def build(self) -> str:
        """The server's build type (X-Influxdb-Build: "OSS", "Cloud"; "unknown" when absent)."""
        return management.ping_info(self._handle())[1]

    def ready(self):
        """GET /ready."""
        return management.ready(self._handle())
