"""The seed's model classes returned by the management calls (the attributes the seed's have)."""


class _Model:
    _attrs = ()

    def __init__(self, **kwargs):
        for a in self._attrs:
            setattr(self, a, kwargs.get(a))

    def to_dict(self):
        """Return the model properties as a dict."""
        out = {}
        for a in self._attrs:
            v = getattr(self, a)
            if isinstance(v, list):
                v = [x.to_dict() if isinstance(x, _Model) else x for x in v]
            elif isinstance(v, _Model):
                v = v.to_dict()
            out[a] = v
        return out

    def to_str(self):
        """Return the string representation of the model."""
        return repr(self.to_dict())

    def __repr__(self):
        """For `print` and `pprint`."""
        return self.to_str()

    def __eq__(self, other):
        """Return true if both objects are equal."""
        return type(self) is type(other) and self.to_dict() == other.to_dict()

    def __ne__(self, other):
        """Return true if both objects are not equal."""
        return not self == other


class HealthCheck(_Model):
    """GET /health."""

    _attrs = ("name", "message", "checks", "status", "version", "commit")


class Ready(_Model):
    """GET /ready."""

    _attrs = ("status", "started", "up")


class BucketRetentionRules(_Model):
    """A bucket's retention rule (type "expire")."""

    _attrs = ("type", "every_seconds", "shard_group_duration_seconds")

    def __init__(self, type="expire", every_seconds=None, shard_group_duration_seconds=None, **kwargs):
        super().__init__(type=type, every_seconds=every_seconds,
                         shard_group_duration_seconds=shard_group_duration_seconds)


class Bucket(_Model):
    """A bucket."""

    _attrs = ("links", "id", "type", "name", "description", "org_id", "rp", "schema_type", "created_at",
              "updated_at", "retention_rules", "labels")


class Buckets(_Model):
    """A page of buckets."""

    _attrs = ("links", "buckets")


class Organization(_Model):
    """An organization."""

    _attrs = ("links", "id", "name", "default_storage_type", "description", "created_at", "updated_at",
              "status")


class Organizations(_Model):
    """A page of organizations."""

    _attrs = ("links", "orgs")
