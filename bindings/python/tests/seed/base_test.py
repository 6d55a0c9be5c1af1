# Written for this project (the seed's tests/base_test.py is not in its sdist): the part of the
# seed's BaseTest that the vendored tests use, against the server of INFLUXDB_V2_URL/_TOKEN/_ORG.
import os
import time
import unittest

from influxdb_client_c import InfluxDBClient


class BaseTest(unittest.TestCase):

    def setUp(self) -> None:
        self.host = os.environ["INFLUXDB_V2_URL"]
        self.auth_token = os.environ["INFLUXDB_V2_TOKEN"]
        self.org = os.environ["INFLUXDB_V2_ORG"]
        self.client = InfluxDBClient(url=self.host, token=self.auth_token, debug=False, org=self.org)
        self.query_api = self.client.query_api()
        self.buckets_api = self.client.buckets_api()
        self.my_organization = self.client.organizations_api().find_organizations(org=self.org)[0]
        self._buckets = []

    def tearDown(self) -> None:
        for b in self._buckets:
            self.buckets_api.delete_bucket(b)
        self.client.close()

    def create_test_bucket(self):
        bucket = self.buckets_api.create_bucket(bucket_name=f"test_bucket_{time.time_ns()}", org=self.org)
        self._buckets.append(bucket)
        return bucket
