"""Version of the binding (the seed's version it follows, then ours)."""

VERSION = '1.50.0'
"""The version of the seed (influxdb-client) whose API this package provides."""
BINDING_VERSION = '0.1.0'
