"""The seed's warning classes (``influxdb_client.client.warnings``)."""
import warnings


class MissingPivotFunction(UserWarning):
    """A DataFrame query without ``pivot()``: the frame has a row per field value."""

    @staticmethod
    def print_warning(query: str):
        """Warn, unless the query pivots (``pivot`` or ``fieldsAsCols``), as the seed does."""
        if 'fieldsAsCols' in query or 'pivot' in query:
            return
        warnings.warn(
            "The query doesn't contains the pivot() function.\n\n"
            "The result will not be shaped to optimal processing by pandas.DataFrame. "
            "Use the pivot() function by:\n\n"
            f'    {query} |> pivot(rowKey:["_time"], columnKey: ["_field"], valueColumn: "_value")\n\n'
            "You can disable this warning by:\n"
            "    import warnings\n"
            "    from influxdb_client_c.client.warnings import MissingPivotFunction\n\n"
            '    warnings.simplefilter("ignore", MissingPivotFunction)\n',
            MissingPivotFunction, stacklevel=3)


class CloudOnlyWarning(UserWarning):
    """An API that only InfluxDB Cloud has."""

    @staticmethod
    def print_warning(api_name: str, doc_url: str):
        """Warn that ``api_name`` is available only on InfluxDB Cloud."""
        warnings.warn(f"The '{api_name}' is available only on the InfluxDB Cloud.\n\nFor more info see:\n"
                      f"    - {doc_url}\n    - https://docs.influxdata.com/influxdb/cloud/\n",
                      CloudOnlyWarning, stacklevel=3)
