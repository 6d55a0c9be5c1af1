"""Configuration: the client's settings, with the seed's attribute names."""


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
        self.debug = False
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
