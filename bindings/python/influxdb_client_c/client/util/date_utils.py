"""Date helpers: parsing timestamps and converting datetimes (the seed's DateHelper)."""
import datetime
import threading
from datetime import timezone as tz

date_helper = None

lock_ = threading.Lock()


class DateHelper:
    """Date operations used to serialize times of points and to parse times of query results.

    Replace ``date_utils.date_helper`` (or its ``parse_date``) to change how query results are
    parsed, as with the seed.
    """

    def __init__(self, timezone: datetime.tzinfo = tz.utc) -> None:
        """:param timezone: timezone of a ``datetime`` without ``tzinfo`` (default UTC)."""
        self.timezone = timezone

    def parse_date(self, date_string: str):
        """Parse string into Date or Timestamp (set by get_date_helper())."""
        pass

    def to_nanoseconds(self, delta):
        """Nanoseconds in a timedelta (days, seconds and microseconds, exactly)."""
        return (delta.days * 86400 + delta.seconds) * 10 ** 9 + delta.microseconds * 10 ** 3

    def to_utc(self, value: datetime.datetime):
        """Convert datetime to UTC (a naive one is taken in this helper's timezone)."""
        if not value.tzinfo:
            return self.to_utc(value.replace(tzinfo=self.timezone))
        return value.astimezone(tz.utc)


def get_date_helper() -> DateHelper:
    """The shared DateHelper: ciso8601.parse_datetime when installed, else datetime.fromisoformat
    (Python >= 3.11) or dateutil's parser."""
    global date_helper
    if date_helper is None:
        with lock_:
            if date_helper is None:
                _date_helper = DateHelper()
                try:
                    import ciso8601
                    _date_helper.parse_date = ciso8601.parse_datetime
                except ModuleNotFoundError:
                    import sys
                    if sys.version_info >= (3, 11):
                        _date_helper.parse_date = datetime.datetime.fromisoformat
                    else:
                        from dateutil import parser
                        _date_helper.parse_date = parser.parse
                date_helper = _date_helper
    return date_helper
