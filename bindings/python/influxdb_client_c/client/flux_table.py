"""Flux structures of query results: FluxTable, FluxColumn, FluxRecord, TableList (the seed's)."""
import codecs
import csv
import json
from http.client import HTTPResponse
from json import JSONEncoder
from typing import List, Iterator


class FluxStructure:
    """The data model of a query result."""

    pass


class FluxStructureEncoder(JSONEncoder):
    """The FluxStructure encoder to encode query results to JSON."""

    def default(self, obj):
        """Return serializable objects for JSONEncoder."""
        import datetime
        if isinstance(obj, FluxRecord):  # its row may not be built yet (see FluxRecord.row)
            return {"table": obj.table, "values": obj.values, "row": obj.row,
                    **{k: v for k, v in obj.__dict__.items() if k not in ("table", "values", "_row")}}
        if isinstance(obj, FluxStructure):
            return obj.__dict__
        elif isinstance(obj, (datetime.datetime, datetime.date)):
            return obj.isoformat()
        return super().default(obj)


class FluxTable(FluxStructure):
    """A table of a query result: its columns and records."""

    def __init__(self) -> None:
        """Initialize defaults."""
        self.columns = []
        self.records = []

    def get_group_key(self):
        """The columns of the group key."""
        return list(filter(lambda column: (column.group is True), self.columns))

    def __str__(self):
        """Return formatted output."""
        cls_name = type(self).__name__
        return cls_name + "() columns: " + str(len(self.columns)) + ", records: " + str(len(self.records))

    def __repr__(self):
        """Format for inspection."""
        return f"<{type(self).__name__}: {len(self.columns)} columns, {len(self.records)} records>"

    def __iter__(self):
        """Iterate over records."""
        return iter(self.records)


class FluxColumn(FluxStructure):
    """A column of a table: index, label, #datatype text, group flag and #default text."""

    def __init__(self, index=None, label=None, data_type=None, group=None, default_value=None) -> None:
        """Initialize defaults."""
        self.default_value = default_value
        self.group = group
        self.data_type = data_type
        self.label = label
        self.index = index

    def __repr__(self):
        """Format for inspection."""
        fields = [repr(self.index)] + [
            f'{name}={getattr(self, name)!r}' for name in ('label', 'data_type', 'group', 'default_value')
        ]
        return f"{type(self).__name__}({', '.join(fields)})"


class FluxRecord(FluxStructure):
    """A record of a table: ``table`` (the table's position in the result), ``values`` by label
    and ``row`` (every column in order)."""

    # The query reader makes records with their ``values`` only; ``row`` (the values in
    # column order, which is the order of ``values`` then) is built when first read.
    _row = None

    def __init__(self, table, values=None) -> None:
        """Initialize defaults."""
        if values is None:
            values = {}
        self.table = table
        self.values = values
        self._row = []

    @property
    def row(self):
        """Every column's value, in the table's column order."""
        r = self._row
        if r is None:
            r = self._row = list(self.values.values())
        return r

    @row.setter
    def row(self, value):
        self._row = value

    def get_start(self):
        """Get '_start' value."""
        return self["_start"]

    def get_stop(self):
        """Get '_stop' value."""
        return self["_stop"]

    def get_time(self):
        """Get timestamp."""
        return self["_time"]

    def get_value(self):
        """Get field value."""
        return self["_value"]

    def get_field(self):
        """Get field name."""
        return self["_field"]

    def get_measurement(self):
        """Get measurement name."""
        return self["_measurement"]

    def __getitem__(self, key):
        """Get value by key."""
        return self.values.__getitem__(key)

    def __setitem__(self, key, value):
        """Set value with key and value."""
        return self.values.__setitem__(key, value)

    def __str__(self):
        """Return formatted output."""
        cls_name = type(self).__name__
        return cls_name + "() table: " + str(self.table) + ", " + str(self.values)

    def __repr__(self):
        """Format for inspection."""
        return f"<{type(self).__name__}: field={self.values.get('_field')}, value={self.values.get('_value')}>"


class TableList(List[FluxTable]):
    """FluxTable list with additionally functional to better handle of query result."""

    def to_values(self, columns: List['str'] = None) -> List[List[object]]:
        """Serialize query results to a flattened list of values."""

        def filter_values(record):
            if columns is not None:
                return [record.values.get(k) for k in columns]
            return record.values.values()

        return self._to_values(filter_values)

    def to_json(self, columns: List['str'] = None, **kwargs) -> str:
        """Serialize query results to a JSON formatted :class:`~str`."""
        if 'indent' not in kwargs:
            kwargs['indent'] = 2

        def filter_values(record):
            if columns is not None:
                return {k: v for (k, v) in record.values.items() if k in columns}
            return record.values

        return json.dumps(self._to_values(filter_values), cls=FluxStructureEncoder, **kwargs)

    def _to_values(self, mapping):
        return [mapping(record) for table in self for record in table.records]


class CSVIterator(Iterator[List[str]]):
    """:class:`Iterator[List[str]]` over the rows of a raw CSV answer (empty rows skipped)."""

    def __init__(self, response) -> None:
        """Initialize ``csv.reader``."""
        self.delegate = csv.reader(codecs.iterdecode(response, 'utf-8'))

    def __iter__(self):
        """Return an iterator object."""
        return self

    def __next__(self):
        """Retrieve the next item from the iterator."""
        row = self.delegate.__next__()
        while not row:
            row = self.delegate.__next__()
        return row

    def to_values(self) -> List[List[str]]:
        """Serialize query results to a flattened list of values."""
        return list(self)


__all__ = ['FluxStructure', 'FluxStructureEncoder', 'FluxTable', 'FluxColumn', 'FluxRecord', 'TableList',
           'CSVIterator', 'HTTPResponse']
