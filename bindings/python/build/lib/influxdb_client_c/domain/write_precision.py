"""WritePrecision: the timestamp precision of written points (the seed's enum)."""


class WritePrecision(object):
    """Precision of the timestamps of written points: ``ms``, ``s``, ``us`` or ``ns``."""

    MS = "ms"
    S = "s"
    US = "us"
    NS = "ns"

    openapi_types = {}
    attribute_map = {}

    def __init__(self):
        """WritePrecision - a model defined in OpenAPI."""

    def to_dict(self):
        """Return the model properties as a dict."""
        return {}

    def to_str(self):
        """Return the string representation of the model."""
        return repr(self.to_dict())

    def __repr__(self):
        """For `print` and `pprint`."""
        return self.to_str()

    def __eq__(self, other):
        """Return true if both objects are equal."""
        return isinstance(other, WritePrecision)

    def __ne__(self, other):
        """Return true if both objects are not equal."""
        return not self == other


_C_PRECISION = {None: 0, "ns": 0, "us": 1, "ms": 2, "s": 3}


def c_precision(precision):
    """INFLUX_PRECISION_* of a WritePrecision value (None: ns)."""
    try:
        return _C_PRECISION[precision]
    except KeyError:
        raise ValueError(f"unknown write precision {precision!r}: use WritePrecision.NS/US/MS/S") from None
