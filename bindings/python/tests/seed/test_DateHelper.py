# Vendored from influxdb-client 1.50.0 (https://github.com/influxdata/influxdb-client-python, tests/test_DateHelper.py),
# MIT License, Copyright (c) 2019 InfluxData, Inc. (see LICENSE beside this file).
# Only change: the module paths name influxdb_client_c instead of influxdb_client, and
# tests.base_test is this directory's base_test.
# -*- coding: utf-8 -*-

import unittest
from datetime import datetime, timezone

from dateutil import tz

from influxdb_client_c.client.util.date_utils import DateHelper


class DateHelperTest(unittest.TestCase):

    def test_to_utc(self):
        date = DateHelper().to_utc(datetime(2021, 4, 29, 20, 30, 10, 0))
        self.assertEqual(datetime(2021, 4, 29, 20, 30, 10, 0, timezone.utc), date)

    def test_to_utc_different_timezone(self):
        date = DateHelper(timezone=tz.gettz('ETC/GMT+2')).to_utc(datetime(2021, 4, 29, 20, 30, 10, 0))
        self.assertEqual(datetime(2021, 4, 29, 22, 30, 10, 0, timezone.utc), date)


if __name__ == '__main__':
    unittest.main()
