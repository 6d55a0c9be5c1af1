"""influxdb_client_c: the seed's Python API (influxdb-client 1.50) on the C library.

Replace ``influxdb_client`` by ``influxdb_client_c`` in the imports; nothing else changes.
"""
from influxdb_client_c.version import VERSION
from influxdb_client_c.domain.write_precision import WritePrecision
from influxdb_client_c.domain.models import (Bucket, BucketRetentionRules, Buckets, HealthCheck, Organization,
                                             Organizations, Ready)
from influxdb_client_c.client.write.point import Point
from influxdb_client_c.client.influxdb_client import InfluxDBClient
from influxdb_client_c.client.write_api import WriteApi, WriteOptions, PointSettings, WriteType
from influxdb_client_c.client.management import BucketsApi, OrganizationsApi, DeleteApi
from influxdb_client_c.configuration import Configuration
from influxdb_client_c.client.query_api import Dialect, QueryApi, QueryOptions
from influxdb_client_c.service.organizations_service import OrganizationsService

__version__ = VERSION
__all__ = ['Point', 'WritePrecision', 'InfluxDBClient', 'WriteApi', 'WriteOptions', 'PointSettings', 'WriteType',
           'BucketsApi', 'OrganizationsApi', 'DeleteApi', 'Configuration', 'Bucket', 'BucketRetentionRules',
           'Buckets', 'HealthCheck', 'Organization', 'Organizations', 'Ready', 'VERSION', 'Dialect',
           'OrganizationsService', 'QueryApi', 'QueryOptions']
