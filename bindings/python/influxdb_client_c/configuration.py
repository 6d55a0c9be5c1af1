"""Configuration: the client's settings, with the seed's attribute names."""

import logging
import sys

# the seed's logger categories (README "Logging"), in this package
LOGGERS_NAMES = [
    'influxdb_client_c.client.influxdb_client',
    'influxdb_client_c.client.influxdb_client_async',
    'influxdb_client_c.client.write_api',
    'influxdb_client_c.client.write_api_async',
    'influxdb_client_c.client.write.retry',
    'influxdb_client_c.client.write.dataframe_serializer',
    'influxdb_client_c.client.util.multiprocessing_helper',
    'influxdb_client_c.client.http',
    'influxdb_client_c.client.exceptions',
]


class Configuration(object):
    """Settings of a client (url as ``host``, TLS, proxy, timeouts, gzip)."""

    def __init__(self):
        """Initialize configuration."""
        self.host = "http://localhost:8086"
        self.temp_folder_path = None
        self.api_key = {}
        self.api_key_prefix = {}
        self.username = ""
        self.password = ""
        self.loggers = {}
        self.__debug = False
        self.verify_ssl = True
        self.ssl_ca_cert = None
        self.cert_file = None
        self.cert_key_file = None
        self.cert_key_password = None
        self.assert_hostname = None
        self.ssl_context = None
        self.connection_pool_maxsize = None
        self.proxy = None
        self.proxy_headers = None
        self.safe_chars_for_path_param = ''
        self.timeout = 10_000
        self.enable_gzip = False
        self.auth_basic = False
        self.retries = False
        self.logger_format = '%(asctime)s %(levelname)s %(message)s'

    @property
    def debug(self):
        """Debug status."""
        return self.__debug

    @debug.setter
    def debug(self, value):
        """Debug status: True sets the client's loggers to DEBUG (the http one printing to stdout),
        anything else to WARNING, as the seed's. (The HTTP exchange itself is the C library's
        and is not logged.)"""
        self.__debug = value
        for name, logger in self.loggers.items():
            if value:
                logger.setLevel(logging.DEBUG)
                if name == 'influxdb_client_c.client.http' and not any(
                        isinstance(h, logging.StreamHandler) and h.stream == sys.stdout for h in logger.handlers):
                    logger.addHandler(logging.StreamHandler(sys.stdout))
            else:
                logger.setLevel(logging.WARNING)
