package influx

/*
#include "shim.h"
*/
import "C"

import (
	"time"
	"unsafe"
)

// PingInfo is what GET /ping reports.
type PingInfo struct{ Version, Build string }

// Ping sends GET /ping (no token needed).
func (c *Client) Ping() (PingInfo, error) {
	var out C.influx_ping_info
	err := c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_ping(cc, &out) })
	})
	return PingInfo{C.GoString(&out.version[0]), C.GoString(&out.build[0])}, err
}

// HealthInfo is what GET /health reports.
type HealthInfo struct{ Name, Status, Message, Version, Commit string }

// Health sends GET /health. On failure the info still describes it (status "fail").
func (c *Client) Health() (HealthInfo, error) {
	var out C.influx_health_info
	err := c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_health(cc, &out) })
	})
	h := HealthInfo{gs(out.name), gs(out.status), gs(out.message), gs(out.version), gs(out.commit)}
	C.influx_health_info_clear(&out)
	return h, err
}

// ReadyInfo is what GET /ready reports.
type ReadyInfo struct{ Status, Started, Up string }

// Ready sends GET /ready.
func (c *Client) Ready() (ReadyInfo, error) {
	var out C.influx_ready_info
	err := c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_ready(cc, &out) })
	})
	r := ReadyInfo{gs(out.status), gs(out.started), gs(out.up)}
	C.influx_ready_info_clear(&out)
	return r, err
}

func gs(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// Bucket is a bucket as the server describes it; JSON is the object as sent.
type Bucket struct {
	ID, OrgID, Name, Description, Type string
	RetentionSeconds                   int64
	ShardGroupDurationSeconds          int64
	CreatedAt, UpdatedAt               string
	JSON                               string
}

func bucketOf(b *C.influx_bucket) Bucket {
	return Bucket{gs(b.id), gs(b.org_id), gs(b.name), gs(b.description), gs(b._type),
		int64(b.retention_seconds), int64(b.shard_group_duration_seconds), gs(b.created_at), gs(b.updated_at), gs(b.json)}
}

// Org is an organization; JSON is the object as sent.
type Org struct{ ID, Name, Description, CreatedAt, UpdatedAt, JSON string }

func orgOf(o *C.influx_org) Org {
	return Org{gs(o.id), gs(o.name), gs(o.description), gs(o.created_at), gs(o.updated_at), gs(o.json)}
}

// ListOpts are the paging options of the list calls (every field optional).
type ListOpts struct {
	Org, Name, After string // buckets only
	Offset, Limit    int
}

type cstrs []*C.char

func (cs *cstrs) s(v string) *C.char {
	p := cstrOrNil(v)
	if p != nil {
		*cs = append(*cs, p)
	}
	return p
}

func (cs cstrs) free() {
	for _, p := range cs {
		freeC(p)
	}
}

// CreateBucket creates bucket name in org (name or ID; "" the client's org).
func (c *Client) CreateBucket(org, name, description string, retention, shardGroup time.Duration) (Bucket, error) {
	var cs cstrs
	defer cs.free()
	var out C.influx_bucket
	o, n, d := cs.s(org), cs.s(name), cs.s(description)
	if n == nil {
		n = cs.s("\x00")
	}
	err := c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result {
			return C.influx_bucket_create(cc, o, n, d, C.int64_t(retention/time.Second), C.int64_t(shardGroup/time.Second), &out)
		})
	})
	b := bucketOf(&out)
	C.influx_bucket_clear(&out)
	return b, err
}

// FindBucket finds the first bucket named name (org "": any org the token can read).
func (c *Client) FindBucket(org, name string) (Bucket, error) {
	var cs cstrs
	defer cs.free()
	var out C.influx_bucket
	o, n := cs.s(org), cs.s(name)
	err := c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_bucket_find(cc, o, n, &out) })
	})
	b := bucketOf(&out)
	C.influx_bucket_clear(&out)
	return b, err
}

// FindBucketByID finds a bucket by ID.
func (c *Client) FindBucketByID(id string) (Bucket, error) {
	var cs cstrs
	defer cs.free()
	var out C.influx_bucket
	i := cs.s(id)
	err := c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_bucket_find_by_id(cc, i, &out) })
	})
	b := bucketOf(&out)
	C.influx_bucket_clear(&out)
	return b, err
}

func (cs *cstrs) opts(o *ListOpts) *C.influx_list_opts {
	if o == nil {
		return nil
	}
	co := (*C.influx_list_opts)(C.calloc(1, C.size_t(unsafe.Sizeof(C.influx_list_opts{}))))
	*cs = append(*cs, (*C.char)(unsafe.Pointer(co)))
	co.org, co.name, co.after = cs.s(o.Org), cs.s(o.Name), cs.s(o.After)
	co.offset, co.limit = C.int32_t(o.Offset), C.int32_t(o.Limit)
	return co
}

// ListBuckets returns one page of buckets and whether the server offers another.
func (c *Client) ListBuckets(o *ListOpts) ([]Bucket, bool, error) {
	var cs cstrs
	defer cs.free()
	co := cs.opts(o)
	var arr *C.influx_bucket
	var n C.size_t
	var more C.bool
	err := c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_buckets_list(cc, co, &arr, &n, &more) })
	})
	if err != nil {
		return nil, false, err
	}
	out := make([]Bucket, 0, int(n))
	if n > 0 {
		for i, b := range unsafe.Slice(arr, int(n)) {
			_ = i
			out = append(out, bucketOf(&b))
		}
	}
	C.influx_buckets_free(arr, n)
	return out, bool(more), nil
}

// DeleteBucket deletes a bucket by ID.
func (c *Client) DeleteBucket(id string) error {
	var cs cstrs
	defer cs.free()
	i := cs.s(id)
	return c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_bucket_delete(cc, i) })
	})
}

// FindOrg finds an organization by name.
func (c *Client) FindOrg(name string) (Org, error) {
	var cs cstrs
	defer cs.free()
	var out C.influx_org
	n := cs.s(name)
	err := c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_org_find(cc, n, &out) })
	})
	o := orgOf(&out)
	C.influx_org_clear(&out)
	return o, err
}

// ListOrgs returns one page of organizations (Offset, Limit) and whether it was full.
func (c *Client) ListOrgs(o *ListOpts) ([]Org, bool, error) {
	var cs cstrs
	defer cs.free()
	co := cs.opts(o)
	var arr *C.influx_org
	var n C.size_t
	var more C.bool
	err := c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_orgs_list(cc, co, &arr, &n, &more) })
	})
	if err != nil {
		return nil, false, err
	}
	out := make([]Org, 0, int(n))
	if n > 0 {
		for _, v := range unsafe.Slice(arr, int(n)) {
			out = append(out, orgOf(&v))
		}
	}
	C.influx_orgs_free(arr, n)
	return out, bool(more), nil
}

// CreateOrg creates an organization.
func (c *Client) CreateOrg(name, description string) (Org, error) {
	var cs cstrs
	defer cs.free()
	var out C.influx_org
	n, d := cs.s(name), cs.s(description)
	err := c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_org_create(cc, n, d, &out) })
	})
	o := orgOf(&out)
	C.influx_org_clear(&out)
	return o, err
}

// DeleteOrg deletes an organization by ID.
func (c *Client) DeleteOrg(id string) error {
	var cs cstrs
	defer cs.free()
	i := cs.s(id)
	return c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_org_delete(cc, i) })
	})
}

// ResolveOrgID maps an organization name (or ID) to its ID ("" = the client's org).
func (c *Client) ResolveOrgID(org string) (string, error) {
	var cs cstrs
	defer cs.free()
	o := cs.s(org)
	var id [17]C.char
	err := c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result { return C.influx_org_resolve_id(cc, o, &id[0]) })
	})
	return C.GoString(&id[0]), err
}

// Delete deletes the points of bucket (name or ID) in org (name or ID; "" the client's)
// in [start, stop] that match predicate ("" all).
func (c *Client) Delete(bucket, org string, start, stop time.Time, predicate string) error {
	var cs cstrs
	defer cs.free()
	b, o, p := cs.s(bucket), cs.s(org), cs.s(predicate)
	return c.with(func(cc *C.influx_client) error {
		return call(func() C.influx_result {
			return C.influx_delete(cc, b, o, C.int64_t(start.UnixNano()), C.int64_t(stop.UnixNano()), p)
		})
	})
}
