package api

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	http2 "github.com/influxdata/influxdb-client-go/v2/api/http"
	"github.com/influxdata/influxdb-client-go/v2/domain"

	"influxdb-client-c/go/influx"
)

// ErrNotSupported is returned by the upstream methods the C API does not offer (members,
// owners, updates).
var ErrNotSupported = errors.New("not supported by influxdb-client-c")

// mgmtError gives a failed management call as upstream does: *http.Error for an answer of
// the server (or none), the *influx.Error inside.
// ManagementError maps a library error as the management calls return it (for influxdb2).
func ManagementError(err error) error { return mgmtError(err) }

func mgmtError(err error) error {
	if e, ok := err.(*influx.Error); ok {
		switch e.Code {
		case influx.HTTPError, influx.TransportError, influx.Timeout, influx.NotFound:
			he := httpError(e)
			if e.Code == influx.NotFound && he.StatusCode == 0 {
				he.StatusCode = 404
				he.Code = "not found"
			}
			return he
		}
	}
	return err
}

func ctxCheck(ctx context.Context) error {
	if ctx == nil {
		return nil
	}
	return ctx.Err()
}

func toBucket(b influx.Bucket) (*domain.Bucket, error) {
	var d domain.Bucket
	if err := json.Unmarshal([]byte(b.JSON), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

func toOrg(o influx.Org) (*domain.Organization, error) {
	var d domain.Organization
	if err := json.Unmarshal([]byte(o.JSON), &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// BucketsAPI manages buckets (upstream's interface).
type BucketsAPI interface {
	GetBuckets(ctx context.Context, pagingOptions ...PagingOption) (*[]domain.Bucket, error)
	FindBucketByName(ctx context.Context, bucketName string) (*domain.Bucket, error)
	FindBucketByID(ctx context.Context, bucketID string) (*domain.Bucket, error)
	FindBucketsByOrgID(ctx context.Context, orgID string, pagingOptions ...PagingOption) (*[]domain.Bucket, error)
	FindBucketsByOrgName(ctx context.Context, orgName string, pagingOptions ...PagingOption) (*[]domain.Bucket, error)
	CreateBucket(ctx context.Context, bucket *domain.Bucket) (*domain.Bucket, error)
	CreateBucketWithName(ctx context.Context, org *domain.Organization, bucketName string, rules ...domain.RetentionRule) (*domain.Bucket, error)
	CreateBucketWithNameWithID(ctx context.Context, orgID, bucketName string, rules ...domain.RetentionRule) (*domain.Bucket, error)
	UpdateBucket(ctx context.Context, bucket *domain.Bucket) (*domain.Bucket, error)
	DeleteBucket(ctx context.Context, bucket *domain.Bucket) error
	DeleteBucketWithID(ctx context.Context, bucketID string) error
	GetMembers(ctx context.Context, bucket *domain.Bucket) (*[]domain.ResourceMember, error)
	GetMembersWithID(ctx context.Context, bucketID string) (*[]domain.ResourceMember, error)
	AddMember(ctx context.Context, bucket *domain.Bucket, user *domain.User) (*domain.ResourceMember, error)
	AddMemberWithID(ctx context.Context, bucketID, memberID string) (*domain.ResourceMember, error)
	RemoveMember(ctx context.Context, bucket *domain.Bucket, user *domain.User) error
	RemoveMemberWithID(ctx context.Context, bucketID, memberID string) error
	GetOwners(ctx context.Context, bucket *domain.Bucket) (*[]domain.ResourceOwner, error)
	GetOwnersWithID(ctx context.Context, bucketID string) (*[]domain.ResourceOwner, error)
	AddOwner(ctx context.Context, bucket *domain.Bucket, user *domain.User) (*domain.ResourceOwner, error)
	AddOwnerWithID(ctx context.Context, bucketID, memberID string) (*domain.ResourceOwner, error)
	RemoveOwner(ctx context.Context, bucket *domain.Bucket, user *domain.User) error
	RemoveOwnerWithID(ctx context.Context, bucketID, memberID string) error
}

type bucketsAPI struct{ c *influx.Client }

// NewBucketsAPIWithClient is the BucketsAPI of c; for package influxdb2.
func NewBucketsAPIWithClient(c *influx.Client) BucketsAPI { return &bucketsAPI{c} }

func (b *bucketsAPI) list(ctx context.Context, org string, opts []PagingOption) (*[]domain.Bucket, error) {
	if err := ctxCheck(ctx); err != nil {
		return nil, err
	}
	p := paging(opts)
	list, _, err := b.c.ListBuckets(&influx.ListOpts{Org: org, After: p.after, Offset: p.offset, Limit: p.limit})
	if err != nil {
		return nil, mgmtError(err)
	}
	out := make([]domain.Bucket, 0, len(list))
	for _, x := range list {
		d, err := toBucket(x)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return &out, nil
}

func (b *bucketsAPI) GetBuckets(ctx context.Context, pagingOptions ...PagingOption) (*[]domain.Bucket, error) {
	return b.list(ctx, "", pagingOptions)
}

func (b *bucketsAPI) FindBucketByName(ctx context.Context, bucketName string) (*domain.Bucket, error) {
	if err := ctxCheck(ctx); err != nil {
		return nil, err
	}
	x, err := b.c.FindBucket("", bucketName)
	if err != nil {
		if errors.Is(err, influx.ErrNotFound) {
			return nil, errors.New("bucket '" + bucketName + "' not found") // upstream's text
		}
		return nil, mgmtError(err)
	}
	return toBucket(x)
}

func (b *bucketsAPI) FindBucketByID(ctx context.Context, bucketID string) (*domain.Bucket, error) {
	if err := ctxCheck(ctx); err != nil {
		return nil, err
	}
	x, err := b.c.FindBucketByID(bucketID)
	if err != nil {
		return nil, mgmtError(err)
	}
	return toBucket(x)
}

func (b *bucketsAPI) FindBucketsByOrgID(ctx context.Context, orgID string, pagingOptions ...PagingOption) (*[]domain.Bucket, error) {
	return b.list(ctx, orgID, pagingOptions)
}

func (b *bucketsAPI) FindBucketsByOrgName(ctx context.Context, orgName string, pagingOptions ...PagingOption) (*[]domain.Bucket, error) {
	return b.list(ctx, orgName, pagingOptions)
}

func (b *bucketsAPI) create(ctx context.Context, org, name, description string, rules []domain.RetentionRule) (*domain.Bucket, error) {
	if err := ctxCheck(ctx); err != nil {
		return nil, err
	}
	var every, shard int64
	for _, r := range rules {
		every = r.EverySeconds
		if r.ShardGroupDurationSeconds != nil {
			shard = *r.ShardGroupDurationSeconds
		}
	}
	x, err := b.c.CreateBucket(org, name, description, time.Duration(every)*time.Second, time.Duration(shard)*time.Second)
	if err != nil {
		return nil, mgmtError(err)
	}
	return toBucket(x)
}

func (b *bucketsAPI) CreateBucket(ctx context.Context, bucket *domain.Bucket) (*domain.Bucket, error) {
	if bucket == nil {
		return nil, errors.New("bucket is nil")
	}
	org, desc := "", ""
	if bucket.OrgID != nil {
		org = *bucket.OrgID
	}
	if bucket.Description != nil {
		desc = *bucket.Description
	}
	return b.create(ctx, org, bucket.Name, desc, bucket.RetentionRules)
}

func (b *bucketsAPI) CreateBucketWithName(ctx context.Context, org *domain.Organization, bucketName string, rules ...domain.RetentionRule) (*domain.Bucket, error) {
	if org == nil || org.Id == nil {
		return nil, errors.New("organization or its ID is nil")
	}
	return b.create(ctx, *org.Id, bucketName, "", rules)
}

func (b *bucketsAPI) CreateBucketWithNameWithID(ctx context.Context, orgID, bucketName string, rules ...domain.RetentionRule) (*domain.Bucket, error) {
	return b.create(ctx, orgID, bucketName, "", rules)
}

func (b *bucketsAPI) UpdateBucket(context.Context, *domain.Bucket) (*domain.Bucket, error) {
	return nil, ErrNotSupported
}

func (b *bucketsAPI) DeleteBucket(ctx context.Context, bucket *domain.Bucket) error {
	if bucket == nil || bucket.Id == nil {
		return errors.New("bucket or its ID is nil")
	}
	return b.DeleteBucketWithID(ctx, *bucket.Id)
}

func (b *bucketsAPI) DeleteBucketWithID(ctx context.Context, bucketID string) error {
	if err := ctxCheck(ctx); err != nil {
		return err
	}
	return mgmtError(b.c.DeleteBucket(bucketID))
}

func (b *bucketsAPI) GetMembers(context.Context, *domain.Bucket) (*[]domain.ResourceMember, error) {
	return nil, ErrNotSupported
}
func (b *bucketsAPI) GetMembersWithID(context.Context, string) (*[]domain.ResourceMember, error) {
	return nil, ErrNotSupported
}
func (b *bucketsAPI) AddMember(context.Context, *domain.Bucket, *domain.User) (*domain.ResourceMember, error) {
	return nil, ErrNotSupported
}
func (b *bucketsAPI) AddMemberWithID(context.Context, string, string) (*domain.ResourceMember, error) {
	return nil, ErrNotSupported
}
func (b *bucketsAPI) RemoveMember(context.Context, *domain.Bucket, *domain.User) error {
	return ErrNotSupported
}
func (b *bucketsAPI) RemoveMemberWithID(context.Context, string, string) error {
	return ErrNotSupported
}
func (b *bucketsAPI) GetOwners(context.Context, *domain.Bucket) (*[]domain.ResourceOwner, error) {
	return nil, ErrNotSupported
}
func (b *bucketsAPI) GetOwnersWithID(context.Context, string) (*[]domain.ResourceOwner, error) {
	return nil, ErrNotSupported
}
func (b *bucketsAPI) AddOwner(context.Context, *domain.Bucket, *domain.User) (*domain.ResourceOwner, error) {
	return nil, ErrNotSupported
}
func (b *bucketsAPI) AddOwnerWithID(context.Context, string, string) (*domain.ResourceOwner, error) {
	return nil, ErrNotSupported
}
func (b *bucketsAPI) RemoveOwner(context.Context, *domain.Bucket, *domain.User) error {
	return ErrNotSupported
}
func (b *bucketsAPI) RemoveOwnerWithID(context.Context, string, string) error { return ErrNotSupported }

// OrganizationsAPI manages organizations (upstream's interface).
type OrganizationsAPI interface {
	GetOrganizations(ctx context.Context, pagingOptions ...PagingOption) (*[]domain.Organization, error)
	FindOrganizationByName(ctx context.Context, orgName string) (*domain.Organization, error)
	FindOrganizationByID(ctx context.Context, orgID string) (*domain.Organization, error)
	FindOrganizationsByUserID(ctx context.Context, userID string, pagingOptions ...PagingOption) (*[]domain.Organization, error)
	CreateOrganization(ctx context.Context, org *domain.Organization) (*domain.Organization, error)
	CreateOrganizationWithName(ctx context.Context, orgName string) (*domain.Organization, error)
	UpdateOrganization(ctx context.Context, org *domain.Organization) (*domain.Organization, error)
	DeleteOrganization(ctx context.Context, org *domain.Organization) error
	DeleteOrganizationWithID(ctx context.Context, orgID string) error
	GetMembers(ctx context.Context, org *domain.Organization) (*[]domain.ResourceMember, error)
	GetMembersWithID(ctx context.Context, orgID string) (*[]domain.ResourceMember, error)
	AddMember(ctx context.Context, org *domain.Organization, user *domain.User) (*domain.ResourceMember, error)
	AddMemberWithID(ctx context.Context, orgID, memberID string) (*domain.ResourceMember, error)
	RemoveMember(ctx context.Context, org *domain.Organization, user *domain.User) error
	RemoveMemberWithID(ctx context.Context, orgID, memberID string) error
	GetOwners(ctx context.Context, org *domain.Organization) (*[]domain.ResourceOwner, error)
	GetOwnersWithID(ctx context.Context, orgID string) (*[]domain.ResourceOwner, error)
	AddOwner(ctx context.Context, org *domain.Organization, user *domain.User) (*domain.ResourceOwner, error)
	AddOwnerWithID(ctx context.Context, orgID, memberID string) (*domain.ResourceOwner, error)
	RemoveOwner(ctx context.Context, org *domain.Organization, user *domain.User) error
	RemoveOwnerWithID(ctx context.Context, orgID, memberID string) error
}

type organizationsAPI struct{ c *influx.Client }

// NewOrganizationsAPIWithClient is the OrganizationsAPI of c; for package influxdb2.
func NewOrganizationsAPIWithClient(c *influx.Client) OrganizationsAPI { return &organizationsAPI{c} }

func (o *organizationsAPI) GetOrganizations(ctx context.Context, pagingOptions ...PagingOption) (*[]domain.Organization, error) {
	if err := ctxCheck(ctx); err != nil {
		return nil, err
	}
	p := paging(pagingOptions)
	list, _, err := o.c.ListOrgs(&influx.ListOpts{Offset: p.offset, Limit: p.limit})
	if err != nil {
		return nil, mgmtError(err)
	}
	out := make([]domain.Organization, 0, len(list))
	for _, x := range list {
		d, err := toOrg(x)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return &out, nil
}

func (o *organizationsAPI) FindOrganizationByName(ctx context.Context, orgName string) (*domain.Organization, error) {
	if err := ctxCheck(ctx); err != nil {
		return nil, err
	}
	x, err := o.c.FindOrg(orgName)
	if err != nil {
		if errors.Is(err, influx.ErrNotFound) {
			return nil, errors.New("organization '" + orgName + "' not found") // upstream's text
		}
		return nil, mgmtError(err)
	}
	return toOrg(x)
}

func (o *organizationsAPI) FindOrganizationByID(ctx context.Context, orgID string) (*domain.Organization, error) {
	if err := ctxCheck(ctx); err != nil {
		return nil, err
	}
	// GET /api/v2/orgs/{id} is not in the C API: page through the list.
	for off := 0; ; off += 100 {
		list, more, err := o.c.ListOrgs(&influx.ListOpts{Offset: off, Limit: 100})
		if err != nil {
			return nil, mgmtError(err)
		}
		for _, x := range list {
			if x.ID == orgID {
				return toOrg(x)
			}
		}
		if !more {
			return nil, &http2.Error{StatusCode: 404, Code: "not found", Message: "organization not found"}
		}
	}
}

func (o *organizationsAPI) FindOrganizationsByUserID(context.Context, string, ...PagingOption) (*[]domain.Organization, error) {
	return nil, ErrNotSupported
}

func (o *organizationsAPI) CreateOrganization(ctx context.Context, org *domain.Organization) (*domain.Organization, error) {
	if org == nil {
		return nil, errors.New("organization is nil")
	}
	if err := ctxCheck(ctx); err != nil {
		return nil, err
	}
	desc := ""
	if org.Description != nil {
		desc = *org.Description
	}
	x, err := o.c.CreateOrg(org.Name, desc)
	if err != nil {
		return nil, mgmtError(err)
	}
	return toOrg(x)
}

func (o *organizationsAPI) CreateOrganizationWithName(ctx context.Context, orgName string) (*domain.Organization, error) {
	return o.CreateOrganization(ctx, &domain.Organization{Name: orgName})
}

func (o *organizationsAPI) UpdateOrganization(context.Context, *domain.Organization) (*domain.Organization, error) {
	return nil, ErrNotSupported
}

func (o *organizationsAPI) DeleteOrganization(ctx context.Context, org *domain.Organization) error {
	if org == nil || org.Id == nil {
		return errors.New("organization or its ID is nil")
	}
	return o.DeleteOrganizationWithID(ctx, *org.Id)
}

func (o *organizationsAPI) DeleteOrganizationWithID(ctx context.Context, orgID string) error {
	if err := ctxCheck(ctx); err != nil {
		return err
	}
	return mgmtError(o.c.DeleteOrg(orgID))
}

func (o *organizationsAPI) GetMembers(context.Context, *domain.Organization) (*[]domain.ResourceMember, error) {
	return nil, ErrNotSupported
}
func (o *organizationsAPI) GetMembersWithID(context.Context, string) (*[]domain.ResourceMember, error) {
	return nil, ErrNotSupported
}
func (o *organizationsAPI) AddMember(context.Context, *domain.Organization, *domain.User) (*domain.ResourceMember, error) {
	return nil, ErrNotSupported
}
func (o *organizationsAPI) AddMemberWithID(context.Context, string, string) (*domain.ResourceMember, error) {
	return nil, ErrNotSupported
}
func (o *organizationsAPI) RemoveMember(context.Context, *domain.Organization, *domain.User) error {
	return ErrNotSupported
}
func (o *organizationsAPI) RemoveMemberWithID(context.Context, string, string) error {
	return ErrNotSupported
}
func (o *organizationsAPI) GetOwners(context.Context, *domain.Organization) (*[]domain.ResourceOwner, error) {
	return nil, ErrNotSupported
}
func (o *organizationsAPI) GetOwnersWithID(context.Context, string) (*[]domain.ResourceOwner, error) {
	return nil, ErrNotSupported
}
func (o *organizationsAPI) AddOwner(context.Context, *domain.Organization, *domain.User) (*domain.ResourceOwner, error) {
	return nil, ErrNotSupported
}
func (o *organizationsAPI) AddOwnerWithID(context.Context, string, string) (*domain.ResourceOwner, error) {
	return nil, ErrNotSupported
}
func (o *organizationsAPI) RemoveOwner(context.Context, *domain.Organization, *domain.User) error {
	return ErrNotSupported
}
func (o *organizationsAPI) RemoveOwnerWithID(context.Context, string, string) error {
	return ErrNotSupported
}

// DeleteAPI deletes points (upstream's interface).
type DeleteAPI interface {
	Delete(ctx context.Context, org *domain.Organization, bucket *domain.Bucket, start, stop time.Time, predicate string) error
	DeleteWithID(ctx context.Context, orgID, bucketID string, start, stop time.Time, predicate string) error
	DeleteWithName(ctx context.Context, orgName, bucketName string, start, stop time.Time, predicate string) error
}

type deleteAPI struct{ c *influx.Client }

// NewDeleteAPIWithClient is the DeleteAPI of c; for package influxdb2.
func NewDeleteAPIWithClient(c *influx.Client) DeleteAPI { return &deleteAPI{c} }

func (d *deleteAPI) Delete(ctx context.Context, org *domain.Organization, bucket *domain.Bucket, start, stop time.Time, predicate string) error {
	if org == nil || org.Id == nil || bucket == nil || bucket.Id == nil {
		return errors.New("organization, bucket or their IDs are nil")
	}
	return d.DeleteWithID(ctx, *org.Id, *bucket.Id, start, stop, predicate)
}

func (d *deleteAPI) DeleteWithID(ctx context.Context, orgID, bucketID string, start, stop time.Time, predicate string) error {
	return d.DeleteWithName(ctx, orgID, bucketID, start, stop, predicate)
}

func (d *deleteAPI) DeleteWithName(ctx context.Context, orgName, bucketName string, start, stop time.Time, predicate string) error {
	if err := ctxCheck(ctx); err != nil {
		return err
	}
	return mgmtError(d.c.Delete(bucketName, orgName, start, stop, predicate))
}
