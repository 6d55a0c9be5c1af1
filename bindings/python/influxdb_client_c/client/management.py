"""Management over the C API: server status, buckets, organizations, delete."""

import ctypes
import json
from datetime import datetime

from influxdb_client_c import _cdefs as C
from influxdb_client_c._lib import lib
from influxdb_client_c.client._c import error_from, to_bytes
from influxdb_client_c.client.exceptions import InfluxDBError
from influxdb_client_c.client.util.date_utils import get_date_helper
from influxdb_client_c.domain.models import (Bucket, BucketRetentionRules, Buckets, HealthCheck, Organization,
                                             Ready)


def _s(b):
    return b.decode("utf-8", "replace") if b is not None else None


def _date(text):
    if not text:
        return None
    try:
        return get_date_helper().parse_date(text)
    except ValueError:
        return text


def _check(rc):
    if rc:
        raise error_from(rc)


def _bucket(b):
    rules = []
    if b.retention_seconds or b.shard_group_duration_seconds:
        rules.append(BucketRetentionRules(type="expire", every_seconds=b.retention_seconds,
                                          shard_group_duration_seconds=b.shard_group_duration_seconds or None))
    extra = {}
    try:
        extra = json.loads(_s(b.json) or "{}")
    except ValueError:
        pass
    return Bucket(id=_s(b.id), org_id=_s(b.org_id), name=_s(b.name), description=_s(b.description) or None,
                  type=_s(b.type), retention_rules=rules, created_at=_date(_s(b.created_at)),
                  updated_at=_date(_s(b.updated_at)), links=extra.get("links"), rp=extra.get("rp"),
                  schema_type=extra.get("schemaType"), labels=extra.get("labels"))


def _org(o):
    extra = {}
    try:
        extra = json.loads(_s(o.json) or "{}")
    except ValueError:
        pass
    return Organization(id=_s(o.id), name=_s(o.name), description=_s(o.description) or None,
                        created_at=_date(_s(o.created_at)), updated_at=_date(_s(o.updated_at)),
                        links=extra.get("links"), status=extra.get("status"))


def ping(client):
    return lib.influx_ping(client, None) == C.INFLUX_OK


def ping_info(client):
    info = C.influx_ping_info()
    _check(lib.influx_ping(client, ctypes.byref(info)))
    return info.version.decode(), info.build.decode()


def health(client):
    h = C.influx_health_info()
    lib.influx_health(client, ctypes.byref(h))
    try:
        return HealthCheck(name=_s(h.name), message=_s(h.message), status=_s(h.status),
                           version=_s(h.version) or None, commit=_s(h.commit) or None, checks=[])
    finally:
        lib.influx_health_info_clear(ctypes.byref(h))


def ready(client):
    r = C.influx_ready_info()
    _check(lib.influx_ready(client, ctypes.byref(r)))
    try:
        return Ready(status=_s(r.status), started=_date(_s(r.started)), up=_s(r.up))
    finally:
        lib.influx_ready_info_clear(ctypes.byref(r))


def _org_param(influxdb_client, org):
    if org is None:
        return None
    if isinstance(org, Organization):
        return org.id
    return org


class BucketsApi(object):
    """Buckets: create, find, list, delete (the seed's BucketsApi)."""

    def __init__(self, influxdb_client):
        """Initialize defaults."""
        self._influxdb_client = influxdb_client

    def create_bucket(self, bucket=None, bucket_name=None, org_id=None, retention_rules=None,
                      description=None, org=None) -> Bucket:
        """Create a bucket in ``org`` (name, ID or Organization; default the client's org)."""
        if isinstance(bucket, Bucket):
            bucket_name = bucket.name
            description = description or bucket.description
            retention_rules = retention_rules or bucket.retention_rules
            org_id = org_id or bucket.org_id
        elif bucket is not None and bucket_name is None:
            bucket_name = bucket
        org = _org_param(self._influxdb_client, org if org is not None else org_id)
        if org is None:
            org = self._influxdb_client.org
        every, shard = 0, 0
        rules = retention_rules if isinstance(retention_rules, list) else (
            [retention_rules] if retention_rules is not None else [])
        for r in rules:
            every = int(getattr(r, "every_seconds", 0) or 0)
            shard = int(getattr(r, "shard_group_duration_seconds", 0) or 0)
        out = C.influx_bucket()
        _check(lib.influx_bucket_create(self._influxdb_client._handle(), to_bytes(org), to_bytes(bucket_name),
                                        to_bytes(description), every, shard, ctypes.byref(out)))
        try:
            return _bucket(out)
        finally:
            lib.influx_bucket_clear(ctypes.byref(out))

    def delete_bucket(self, bucket):
        """Delete a bucket (a Bucket or its ID)."""
        bucket_id = bucket.id if isinstance(bucket, Bucket) else bucket
        _check(lib.influx_bucket_delete(self._influxdb_client._handle(), to_bytes(bucket_id)))
        return bucket

    def find_bucket_by_id(self, id):
        """The bucket with this ID (ApiException 404 if none)."""
        out = C.influx_bucket()
        rc = lib.influx_bucket_find_by_id(self._influxdb_client._handle(), to_bytes(id), ctypes.byref(out))
        _check(rc)
        try:
            return _bucket(out)
        finally:
            lib.influx_bucket_clear(ctypes.byref(out))

    def find_bucket_by_name(self, bucket_name):
        """The first bucket so named, or None."""
        out = C.influx_bucket()
        rc = lib.influx_bucket_find(self._influxdb_client._handle(), None, to_bytes(bucket_name), ctypes.byref(out))
        if rc == C.INFLUX_ERR_NOT_FOUND:
            return None
        _check(rc)
        try:
            return _bucket(out)
        finally:
            lib.influx_bucket_clear(ctypes.byref(out))

    def find_buckets(self, **kwargs):
        """One page of buckets: ``offset``, ``limit``, ``after``, ``org``, ``org_id``, ``name``."""
        page, more = self._page(**kwargs)
        links = {"next": True} if more else {}
        return Buckets(links=links, buckets=page)

    def _page(self, offset=0, limit=0, after=None, org=None, org_id=None, name=None, **_):
        opts = C.influx_list_opts()
        keep = [to_bytes(_org_param(self._influxdb_client, org if org is not None else org_id)),
                to_bytes(name), to_bytes(after)]
        opts.org, opts.name, opts.after = keep
        opts.offset, opts.limit = int(offset or 0), int(limit or 0)
        arr = ctypes.POINTER(C.influx_bucket)()
        n, more = ctypes.c_size_t(), ctypes.c_bool()
        _check(lib.influx_buckets_list(self._influxdb_client._handle(), ctypes.byref(opts), ctypes.byref(arr),
                                       ctypes.byref(n), ctypes.byref(more)))
        try:
            return [_bucket(arr[i]) for i in range(n.value)], more.value
        finally:
            lib.influx_buckets_free(arr, n.value)

    def find_buckets_iter(self, **kwargs):
        """Every bucket, one page (``limit``, default 100) at a time."""
        kwargs.setdefault("limit", 100)
        after = kwargs.pop("after", None)
        while True:
            page, more = self._page(after=after, **kwargs)
            yield from page
            if not more or not page:
                return
            after = page[-1].id


class OrganizationsApi(object):
    """Organizations: find, create, delete (the seed's OrganizationsApi)."""

    def __init__(self, influxdb_client):
        """Initialize defaults."""
        self._influxdb_client = influxdb_client

    def find_organizations(self, **kwargs):
        """Organizations: ``org`` (a name) or one page with ``offset``/``limit``."""
        name = kwargs.get("org")
        client = self._influxdb_client._handle()
        if name is not None:
            out = C.influx_org()
            rc = lib.influx_org_find(client, to_bytes(name), ctypes.byref(out))
            if rc == C.INFLUX_ERR_NOT_FOUND:
                return []
            _check(rc)
            try:
                return [_org(out)]
            finally:
                lib.influx_org_clear(ctypes.byref(out))
        opts = C.influx_list_opts()
        opts.offset, opts.limit = int(kwargs.get("offset") or 0), int(kwargs.get("limit") or 0)
        arr = ctypes.POINTER(C.influx_org)()
        n = ctypes.c_size_t()
        _check(lib.influx_orgs_list(client, ctypes.byref(opts), ctypes.byref(arr), ctypes.byref(n), None))
        try:
            orgs = [_org(arr[i]) for i in range(n.value)]
        finally:
            lib.influx_orgs_free(arr, n.value)
        org_id = kwargs.get("org_id")
        return [o for o in orgs if o.id == org_id] if org_id else orgs

    def find_organization(self, org_id):
        """The organization with this ID (looked up in the lists; ApiException-like 404 if none)."""
        offset = 0
        while True:
            page = self.find_organizations(offset=offset, limit=100)
            for o in page:
                if o.id == org_id:
                    return o
            if len(page) < 100:
                raise error_from(C.INFLUX_ERR_NOT_FOUND, f"organization not found: {org_id}", 404,
                                 f"organization not found: {org_id}")
            offset += len(page)

    def create_organization(self, name: str = None, organization: Organization = None) -> Organization:
        """Create an organization."""
        if name is None and organization is not None:
            name = organization.name
        desc = organization.description if organization is not None else None
        out = C.influx_org()
        _check(lib.influx_org_create(self._influxdb_client._handle(), to_bytes(name), to_bytes(desc),
                                     ctypes.byref(out)))
        try:
            return _org(out)
        finally:
            lib.influx_org_clear(ctypes.byref(out))

    def delete_organization(self, org_id: str):
        """Delete an organization (and its buckets)."""
        _check(lib.influx_org_delete(self._influxdb_client._handle(), to_bytes(org_id)))


def _ns(t):
    if isinstance(t, str):
        t = get_date_helper().parse_date(t)
    if isinstance(t, datetime):
        from influxdb_client_c.client.write.point import EPOCH
        h = get_date_helper()
        return h.to_nanoseconds(h.to_utc(t) - EPOCH)
    if isinstance(t, int):
        return t
    raise ValueError(f"start/stop must be str (RFC 3339) or datetime, not {type(t)}")


class DeleteApi(object):
    """Delete points (the seed's DeleteApi)."""

    def __init__(self, influxdb_client):
        """Initialize defaults."""
        self._influxdb_client = influxdb_client

    def delete(self, start, stop, predicate: str, bucket, org=None) -> None:
        """Delete the points of ``bucket`` in [start, stop] matching ``predicate``.

        :param start: str (RFC 3339) or datetime (naive = UTC)
        :param stop: str (RFC 3339) or datetime
        :param bucket: bucket name or ID (or Bucket)
        :param org: organization name, ID or Organization; default the client's
        """
        if hasattr(bucket, "id"):
            bucket = bucket.id
        org = _org_param(self._influxdb_client, org) or self._influxdb_client.org
        _check(lib.influx_delete(self._influxdb_client._handle(), to_bytes(bucket), to_bytes(org),
                                 _ns(start), _ns(stop), to_bytes(predicate)))


__all__ = ["BucketsApi", "OrganizationsApi", "DeleteApi", "InfluxDBError"]
