//! Management and status calls: `influx_ping`, `influx_health`, `influx_ready`,
//! `influx_bucket_*`, `influx_buckets_list`, `influx_org_*`, `influx_orgs_list`,
//! `influx_delete` over [`crate::api::ManagementApi`].
//!
//! Out-structs are the caller's (on its stack, say); the library fills them and allocates
//! their strings with `malloc`, which `*_clear()` frees (and zeroes the struct). A call
//! overwrites its out-struct without reading it (clear it first if it held a result) and
//! leaves it zeroed on failure (`influx_health` excepted: it then describes the failure).
//! Lists are a new `malloc`ed array, freed with `influx_buckets_free` / `influx_orgs_free`.

use std::alloc::{handle_alloc_error, Layout};
use std::ffi::c_char;

use libc::{calloc, free, malloc};

use super::client::influx_client;
use super::{influx_result, opt_str_arg, result_of, str_arg};
use crate::api::{Bucket, ListOptions, ManagementApi, Org};
use crate::error::{Code, Error};

/// What `GET /ping` reports (fixed-size, NUL-terminated; nothing to free).
#[repr(C)]
pub struct influx_ping_info {
    /// `X-Influxdb-Version` (e.g. "v2.7.12"), "unknown" when absent (InfluxDB Cloud).
    pub version: [c_char; 64],
    /// `X-Influxdb-Build` ("OSS", "Cloud"), "unknown" when absent.
    pub build: [c_char; 32],
}

/// What `GET /health` reports. Strings are the library's: free with
/// influx_health_info_clear().
#[repr(C)]
pub struct influx_health_info {
    /// "influxdb"
    pub name: *mut c_char,
    /// "pass" or "fail"
    pub status: *mut c_char,
    /// The server's text, or why the check failed.
    pub message: *mut c_char,
    /// "" if absent.
    pub version: *mut c_char,
    /// "" if absent.
    pub commit: *mut c_char,
}

/// What `GET /ready` reports. Free the strings with influx_ready_info_clear().
#[repr(C)]
pub struct influx_ready_info {
    /// "ready"
    pub status: *mut c_char,
    /// RFC 3339 text as sent.
    pub started: *mut c_char,
    /// Go duration text as sent, e.g. "14m45.911966424s".
    pub up: *mut c_char,
}

/// A bucket. Strings are the library's: free with influx_bucket_clear() (or
/// influx_buckets_free() for a list).
#[repr(C)]
pub struct influx_bucket {
    /// 16 hex digits.
    pub id: *mut c_char,
    pub org_id: *mut c_char,
    pub name: *mut c_char,
    /// "" if none.
    pub description: *mut c_char,
    /// "user" or "system".
    pub r#type: *mut c_char,
    /// everySeconds of the "expire" rule; 0: kept forever.
    pub retention_seconds: i64,
    /// 0: not reported.
    pub shard_group_duration_seconds: i64,
    /// RFC 3339 text as sent, "" if absent.
    pub created_at: *mut c_char,
    pub updated_at: *mut c_char,
    /// The bucket object as sent (JSON), for the fields not mapped here.
    pub json: *mut c_char,
}

/// An organization. Free the strings with influx_org_clear() (or influx_orgs_free()).
#[repr(C)]
pub struct influx_org {
    /// 16 hex digits.
    pub id: *mut c_char,
    pub name: *mut c_char,
    /// "" if none.
    pub description: *mut c_char,
    /// RFC 3339 text as sent, "" if absent.
    pub created_at: *mut c_char,
    pub updated_at: *mut c_char,
    /// The organization object as sent (JSON).
    pub json: *mut c_char,
}

/// Paging and filters of the list calls (zero-initialise; every field optional).
#[repr(C)]
pub struct influx_list_opts {
    /// Buckets only: organization name or ID (else every org the token can read).
    pub org: *const c_char,
    /// Buckets only: only this name.
    pub name: *const c_char,
    /// Buckets only: the ID to continue after (exclusive): the last ID of the previous page.
    pub after: *const c_char,
    /// Items to skip (>= 0).
    pub offset: i32,
    /// 1..100; 0: the server's default (20).
    pub limit: i32,
}

// ------------------------------------------------------------------ helpers

/// A `malloc`ed NUL-terminated copy of `s` (an interior NUL, never expected, becomes U+FFFD).
fn c_str(s: &str) -> *mut c_char {
    let owned;
    let s = if s.contains('\0') {
        owned = s.replace('\0', "\u{FFFD}");
        owned.as_str()
    } else {
        s
    };
    // SAFETY: plain allocation of len + 1 bytes.
    let p = unsafe { malloc(s.len() + 1) }.cast::<u8>();
    if p.is_null() {
        handle_alloc_error(Layout::array::<u8>(s.len() + 1).unwrap_or(Layout::new::<u8>()));
    }
    // SAFETY: p is valid for len + 1 bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr(), p, s.len());
        *p.add(s.len()) = 0;
    }
    p.cast()
}

/// Free a string made by [`c_str`] and set the pointer to NULL.
///
/// # Safety
/// `*p` is NULL or came from [`c_str`] and was not freed before.
unsafe fn free_str(p: &mut *mut c_char) {
    if !p.is_null() {
        // SAFETY: malloc'ed by c_str (caller contract).
        unsafe { free(p.cast()) };
    }
    *p = std::ptr::null_mut();
}

/// Copy `s` into `buf`, truncated at a UTF-8 boundary, always NUL-terminated.
fn copy_fixed(buf: &mut [c_char], s: &str) {
    let Some(max) = buf.len().checked_sub(1) else {
        return;
    };
    let mut n = s.len().min(max);
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    for (dst, &b) in buf.iter_mut().zip(&s.as_bytes()[..n]) {
        *dst = b as c_char;
    }
    buf[n] = 0;
}

/// # Safety
/// `client` is NULL or a live `influx_client`.
unsafe fn mgmt(client: *const influx_client) -> crate::Result<ManagementApi> {
    // SAFETY: caller contract; NULL checked.
    unsafe { client.as_ref() }
        .map(|c| c.client.management())
        .ok_or_else(|| Error::invalid_argument("client is NULL"))
}

/// A required out-pointer, only ever written whole (the caller's memory may be
/// uninitialised, so no reference to it is made and nothing is read).
struct Out<T>(*mut T);

impl<T> Out<T> {
    /// # Safety
    /// `p` is NULL or valid for writes of `T` for as long as the `Out` is used.
    unsafe fn new(p: *mut T, what: &str) -> crate::Result<Out<T>> {
        if p.is_null() {
            return Err(Error::invalid_argument(format!("{what} is NULL")));
        }
        Ok(Out(p))
    }

    /// [`Out::new`], then `zero` written: a failure from here on leaves the out-struct zeroed.
    ///
    /// # Safety
    /// As [`Out::new`].
    unsafe fn zeroed(p: *mut T, zero: T) -> crate::Result<Out<T>> {
        // SAFETY: forwarded contract.
        let mut out = unsafe { Out::new(p, "out") }?;
        out.set(zero);
        Ok(out)
    }

    fn set(&mut self, v: T) {
        // SAFETY: non-NULL and valid for writes (contract of `Out::new`); `write` neither
        // reads nor drops the old contents.
        unsafe { self.0.write(v) }
    }
}

/// Write `v` to `p` unless it is NULL (an optional out-pointer).
///
/// # Safety
/// `p` is NULL or valid for writes of `T`.
unsafe fn set_opt<T>(p: *mut T, v: T) {
    if !p.is_null() {
        // SAFETY: caller contract.
        unsafe { p.write(v) }
    }
}

/// The list options from C (NULL: none).
///
/// # Safety
/// `opts` is NULL or a valid `influx_list_opts` whose strings outlive `'a`.
unsafe fn list_opts<'a>(opts: *const influx_list_opts) -> crate::Result<ListOptions<'a>> {
    // SAFETY: caller contract.
    let Some(o) = (unsafe { opts.as_ref() }) else {
        return Ok(ListOptions::default());
    };
    // SAFETY: caller contract for the strings.
    unsafe {
        Ok(ListOptions {
            org: opt_str_arg(o.org, "opts->org")?,
            name: opt_str_arg(o.name, "opts->name")?,
            after: opt_str_arg(o.after, "opts->after")?,
            offset: o.offset,
            limit: o.limit,
        })
    }
}

impl influx_health_info {
    const ZERO: influx_health_info = influx_health_info {
        name: std::ptr::null_mut(),
        status: std::ptr::null_mut(),
        message: std::ptr::null_mut(),
        version: std::ptr::null_mut(),
        commit: std::ptr::null_mut(),
    };
}

impl influx_ready_info {
    const ZERO: influx_ready_info = influx_ready_info {
        status: std::ptr::null_mut(),
        started: std::ptr::null_mut(),
        up: std::ptr::null_mut(),
    };
}

impl influx_bucket {
    const ZERO: influx_bucket = influx_bucket {
        id: std::ptr::null_mut(),
        org_id: std::ptr::null_mut(),
        name: std::ptr::null_mut(),
        description: std::ptr::null_mut(),
        r#type: std::ptr::null_mut(),
        retention_seconds: 0,
        shard_group_duration_seconds: 0,
        created_at: std::ptr::null_mut(),
        updated_at: std::ptr::null_mut(),
        json: std::ptr::null_mut(),
    };

    fn of(b: &Bucket) -> influx_bucket {
        influx_bucket {
            id: c_str(&b.id),
            org_id: c_str(&b.org_id),
            name: c_str(&b.name),
            description: c_str(&b.description),
            r#type: c_str(&b.kind),
            retention_seconds: b.retention_seconds,
            shard_group_duration_seconds: b.shard_group_duration_seconds,
            created_at: c_str(&b.created_at),
            updated_at: c_str(&b.updated_at),
            json: c_str(&b.json),
        }
    }
}

impl Clear for influx_bucket {
    unsafe fn clear(&mut self) {
        // SAFETY: caller contract.
        unsafe {
            for s in [
                &mut self.id,
                &mut self.org_id,
                &mut self.name,
                &mut self.description,
                &mut self.r#type,
                &mut self.created_at,
                &mut self.updated_at,
                &mut self.json,
            ] {
                free_str(s);
            }
        }
        *self = influx_bucket::ZERO;
    }
}

impl influx_org {
    const ZERO: influx_org = influx_org {
        id: std::ptr::null_mut(),
        name: std::ptr::null_mut(),
        description: std::ptr::null_mut(),
        created_at: std::ptr::null_mut(),
        updated_at: std::ptr::null_mut(),
        json: std::ptr::null_mut(),
    };

    fn of(o: &Org) -> influx_org {
        influx_org {
            id: c_str(&o.id),
            name: c_str(&o.name),
            description: c_str(&o.description),
            created_at: c_str(&o.created_at),
            updated_at: c_str(&o.updated_at),
            json: c_str(&o.json),
        }
    }
}

impl Clear for influx_org {
    unsafe fn clear(&mut self) {
        // SAFETY: caller contract.
        unsafe {
            for s in [
                &mut self.id,
                &mut self.name,
                &mut self.description,
                &mut self.created_at,
                &mut self.updated_at,
                &mut self.json,
            ] {
                free_str(s);
            }
        }
        *self = influx_org::ZERO;
    }
}

/// A new `calloc`ed array of `items` converted by `f` (NULL when empty).
fn c_array<T, U>(items: &[T], f: impl Fn(&T) -> U) -> *mut U {
    if items.is_empty() {
        return std::ptr::null_mut();
    }
    // SAFETY: plain zeroed allocation of n elements (calloc checks the product).
    let p = unsafe { calloc(items.len(), std::mem::size_of::<U>()) }.cast::<U>();
    if p.is_null() {
        handle_alloc_error(Layout::array::<U>(items.len()).unwrap_or(Layout::new::<U>()));
    }
    for (i, item) in items.iter().enumerate() {
        // SAFETY: p is valid for items.len() elements, suitably aligned (malloc alignment).
        unsafe { p.add(i).write(f(item)) };
    }
    p
}

// ------------------------------------------------------------------ server status

/// GET /ping (answered without authentication). INFLUX_OK on a 2xx answer; `out` (may be
/// NULL) gets the version and build headers ("unknown" when absent, truncated to the arrays).
/// On error `out` holds two empty strings. The seed's ping() is `rc == INFLUX_OK`.
#[no_mangle]
pub extern "C" fn influx_ping(
    client: *mut influx_client,
    out: *mut influx_ping_info,
) -> influx_result {
    result_of(|| {
        const EMPTY: influx_ping_info = influx_ping_info {
            version: [0; 64],
            build: [0; 32],
        };
        // SAFETY: out is NULL or writable (caller contract).
        unsafe { set_opt(out, EMPTY) };
        // SAFETY: caller contract.
        let info = unsafe { mgmt(client) }?.ping()?;
        let mut filled = EMPTY;
        copy_fixed(&mut filled.version, &info.version);
        copy_fixed(&mut filled.build, &info.build);
        // SAFETY: as above.
        unsafe { set_opt(out, filled) };
        Ok(())
    })
}

/// GET /health. INFLUX_OK only for a 2xx answer with status "pass". Otherwise the error code
/// (INFLUX_ERR_HTTP for a non-2xx answer or another status, INFLUX_ERR_TRANSPORT,
/// INFLUX_ERR_TIMEOUT, INFLUX_ERR_PARSE) and `*out` still filled: status "fail" and the
/// reason in message, as the seed's health() which never raises. Free with
/// influx_health_info_clear() in both cases. `out` NULL: INFLUX_ERR_INVALID_ARG.
#[no_mangle]
pub extern "C" fn influx_health(
    client: *mut influx_client,
    out: *mut influx_health_info,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let mut out = unsafe { Out::zeroed(out, influx_health_info::ZERO) }?;
        // SAFETY: caller contract.
        let h = unsafe { mgmt(client) }?.health();
        out.set(influx_health_info {
            name: c_str(&h.info.name),
            status: c_str(&h.info.status),
            message: c_str(&h.info.message),
            version: c_str(&h.info.version),
            commit: c_str(&h.info.commit),
        });
        h.error.map_or(Ok(()), Err)
    })
}

/// Free the strings of `info` and zero it. NULL and a zeroed struct are no-ops.
#[no_mangle]
pub extern "C" fn influx_health_info_clear(info: *mut influx_health_info) {
    super::guard((), || {
        // SAFETY: caller contract: NULL or filled by influx_health.
        if let Some(i) = unsafe { info.as_mut() } {
            // SAFETY: the strings are the library's or NULL.
            unsafe {
                for s in [
                    &mut i.name,
                    &mut i.status,
                    &mut i.message,
                    &mut i.version,
                    &mut i.commit,
                ] {
                    free_str(s);
                }
            }
        }
    })
}

/// GET /ready (answered without authentication). Free `*out` with influx_ready_info_clear().
#[no_mangle]
pub extern "C" fn influx_ready(
    client: *mut influx_client,
    out: *mut influx_ready_info,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract.
        let mut out = unsafe { Out::zeroed(out, influx_ready_info::ZERO) }?;
        // SAFETY: caller contract.
        let r = unsafe { mgmt(client) }?.ready()?;
        out.set(influx_ready_info {
            status: c_str(&r.status),
            started: c_str(&r.started),
            up: c_str(&r.up),
        });
        Ok(())
    })
}

/// Free the strings of `info` and zero it. NULL and a zeroed struct are no-ops.
#[no_mangle]
pub extern "C" fn influx_ready_info_clear(info: *mut influx_ready_info) {
    super::guard((), || {
        // SAFETY: caller contract: NULL or filled by influx_ready.
        if let Some(i) = unsafe { info.as_mut() } {
            // SAFETY: the strings are the library's or NULL.
            unsafe {
                for s in [&mut i.status, &mut i.started, &mut i.up] {
                    free_str(s);
                }
            }
        }
    })
}

/// A struct whose strings are the library's.
trait Clear {
    /// Free the strings and zero the struct.
    ///
    /// # Safety
    /// The strings are NULL or the library's, not freed before.
    unsafe fn clear(&mut self);
}

/// Clear each of the `n` structs of a calloc'ed array and free it; NULL is a no-op.
///
/// # Safety
/// `items` is NULL or a calloc'ed array of `n` structs filled by this library.
unsafe fn clear_and_free<T: Clear>(items: *mut T, n: usize) {
    if items.is_null() {
        return;
    }
    for i in 0..n {
        // SAFETY: the array has n elements (caller contract).
        unsafe { (*items.add(i)).clear() };
    }
    // SAFETY: calloc'ed (caller contract).
    unsafe { free(items.cast()) };
}

// ------------------------------------------------------------------ buckets

/// Free the strings of `bucket` and zero it. NULL and a zeroed struct are no-ops.
#[no_mangle]
pub extern "C" fn influx_bucket_clear(bucket: *mut influx_bucket) {
    super::guard((), || {
        // SAFETY: caller contract: NULL or filled by this library.
        if let Some(b) = unsafe { bucket.as_mut() } {
            // SAFETY: as above.
            unsafe { b.clear() };
        }
    })
}

/// Clear each of the `n` buckets and free the array (as returned by influx_buckets_list()
/// with its count). NULL is a no-op.
#[no_mangle]
pub extern "C" fn influx_buckets_free(buckets: *mut influx_bucket, n: usize) {
    // SAFETY: as returned by influx_buckets_list (caller contract).
    super::guard((), || unsafe { clear_and_free(buckets, n) })
}

/// POST /api/v2/buckets. `org` is a name or an ID (NULL: the client's `org`), resolved to an
/// ID as the seed does (see influx_org_resolve_id(); an unknown name is
/// INFLUX_ERR_NOT_FOUND). `description` may be NULL. `retention_seconds` 0: keep forever;
/// `shard_group_duration_seconds` 0: the server's default; negative: INFLUX_ERR_INVALID_ARG.
/// A name already taken is the server's 422 (INFLUX_ERR_HTTP). Free `*out` with
/// influx_bucket_clear().
#[no_mangle]
pub extern "C" fn influx_bucket_create(
    client: *mut influx_client,
    org: *const c_char,
    name: *const c_char,
    description: *const c_char,
    retention_seconds: i64,
    shard_group_duration_seconds: i64,
    out: *mut influx_bucket,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        let (mut out, api, org, name, description) = unsafe {
            (
                Out::zeroed(out, influx_bucket::ZERO)?,
                mgmt(client)?,
                opt_str_arg(org, "org")?,
                str_arg(name, "name")?,
                opt_str_arg(description, "description")?,
            )
        };
        let b = api.create_bucket(
            org,
            name,
            description,
            retention_seconds,
            shard_group_duration_seconds,
        )?;
        out.set(influx_bucket::of(&b));
        Ok(())
    })
}

/// `GET /api/v2/buckets?name=<name>` (plus orgID= when `org` is an ID, org= when a name; NULL:
/// any org the token can read, as the seed's find_bucket_by_name). The first bucket so
/// named; INFLUX_ERR_NOT_FOUND if none. Free `*out` with influx_bucket_clear().
#[no_mangle]
pub extern "C" fn influx_bucket_find(
    client: *mut influx_client,
    org: *const c_char,
    name: *const c_char,
    out: *mut influx_bucket,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        let (mut out, api, org, name) = unsafe {
            (
                Out::zeroed(out, influx_bucket::ZERO)?,
                mgmt(client)?,
                opt_str_arg(org, "org")?,
                str_arg(name, "name")?,
            )
        };
        out.set(influx_bucket::of(&api.find_bucket(org, name)?));
        Ok(())
    })
}

/// GET /api/v2/buckets/{id}: INFLUX_ERR_NOT_FOUND if there is none (an ID of the wrong form
/// is the server's 400, INFLUX_ERR_HTTP). Free `*out` with influx_bucket_clear().
#[no_mangle]
pub extern "C" fn influx_bucket_find_by_id(
    client: *mut influx_client,
    id: *const c_char,
    out: *mut influx_bucket,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        let (mut out, api, id) = unsafe {
            (
                Out::zeroed(out, influx_bucket::ZERO)?,
                mgmt(client)?,
                str_arg(id, "id")?,
            )
        };
        out.set(influx_bucket::of(&api.find_bucket_by_id(id)?));
        Ok(())
    })
}

/// GET /api/v2/buckets with `opts` (NULL: the first page of every bucket the token can
/// read). `*out` is a new array of `*count` buckets (NULL when there are none; free it with
/// influx_buckets_free(*out, *count)); `*more` (`more` may be NULL) tells whether the server
/// offers a next page: ask for it with opts->after = the last bucket's id. A limit outside
/// 0..100 or a negative offset: INFLUX_ERR_INVALID_ARG.
#[no_mangle]
pub extern "C" fn influx_buckets_list(
    client: *mut influx_client,
    opts: *const influx_list_opts,
    out: *mut *mut influx_bucket,
    count: *mut usize,
    more: *mut bool,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer; the outs are set to "nothing" first,
        // so that a failure leaves them so.
        let (mut out, mut count) = unsafe {
            set_opt(out, std::ptr::null_mut());
            set_opt(count, 0);
            set_opt(more, false);
            (Out::new(out, "out")?, Out::new(count, "count")?)
        };
        // SAFETY: caller contract.
        let (api, opts) = unsafe { (mgmt(client)?, list_opts(opts)?) };
        let page = api.list_buckets(&opts)?;
        out.set(c_array(&page.buckets, influx_bucket::of));
        count.set(page.buckets.len());
        // SAFETY: more is NULL or writable (caller contract).
        unsafe { set_opt(more, page.more) };
        Ok(())
    })
}

/// DELETE /api/v2/buckets/{id}: INFLUX_ERR_NOT_FOUND if there is none.
#[no_mangle]
pub extern "C" fn influx_bucket_delete(
    client: *mut influx_client,
    id: *const c_char,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        let (api, id) = unsafe { (mgmt(client)?, str_arg(id, "id")?) };
        api.delete_bucket(id)
    })
}

// ------------------------------------------------------------------ organizations

/// Free the strings of `org` and zero it. NULL and a zeroed struct are no-ops.
#[no_mangle]
pub extern "C" fn influx_org_clear(org: *mut influx_org) {
    super::guard((), || {
        // SAFETY: caller contract: NULL or filled by this library.
        if let Some(o) = unsafe { org.as_mut() } {
            // SAFETY: as above.
            unsafe { o.clear() };
        }
    })
}

/// Clear each of the `n` organizations and free the array (as returned by
/// influx_orgs_list() with its count). NULL is a no-op.
#[no_mangle]
pub extern "C" fn influx_orgs_free(orgs: *mut influx_org, n: usize) {
    // SAFETY: as returned by influx_orgs_list (caller contract).
    super::guard((), || unsafe { clear_and_free(orgs, n) })
}

/// `GET /api/v2/orgs?org=<name>`: INFLUX_ERR_NOT_FOUND if there is none. Free `*out` with
/// influx_org_clear().
#[no_mangle]
pub extern "C" fn influx_org_find(
    client: *mut influx_client,
    name: *const c_char,
    out: *mut influx_org,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        let (mut out, api, name) = unsafe {
            (
                Out::zeroed(out, influx_org::ZERO)?,
                mgmt(client)?,
                str_arg(name, "name")?,
            )
        };
        out.set(influx_org::of(&api.find_org(name)?));
        Ok(())
    })
}

/// GET /api/v2/orgs with opts->offset and opts->limit (opts->org, ->name, ->after are
/// ignored; opts NULL: the first page). `*out` is a new array of `*count` organizations
/// (NULL when none; free with influx_orgs_free(*out, *count)); `*more` (`more` may be NULL) =
/// the page is full, since the server sends no next link for organizations: ask for the
/// next with offset + count.
#[no_mangle]
pub extern "C" fn influx_orgs_list(
    client: *mut influx_client,
    opts: *const influx_list_opts,
    out: *mut *mut influx_org,
    count: *mut usize,
    more: *mut bool,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer; the outs are set to "nothing" first,
        // so that a failure leaves them so.
        let (mut out, mut count) = unsafe {
            set_opt(out, std::ptr::null_mut());
            set_opt(count, 0);
            set_opt(more, false);
            (Out::new(out, "out")?, Out::new(count, "count")?)
        };
        // SAFETY: caller contract.
        let (api, opts) = unsafe { (mgmt(client)?, list_opts(opts)?) };
        let page = api.list_orgs(&opts)?;
        out.set(c_array(&page.orgs, influx_org::of));
        count.set(page.orgs.len());
        // SAFETY: more is NULL or writable (caller contract).
        unsafe { set_opt(more, page.more) };
        Ok(())
    })
}

/// POST /api/v2/orgs; `description` may be NULL. A name already taken is the server's 422
/// (INFLUX_ERR_HTTP). Free `*out` with influx_org_clear().
#[no_mangle]
pub extern "C" fn influx_org_create(
    client: *mut influx_client,
    name: *const c_char,
    description: *const c_char,
    out: *mut influx_org,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        let (mut out, api, name, description) = unsafe {
            (
                Out::zeroed(out, influx_org::ZERO)?,
                mgmt(client)?,
                str_arg(name, "name")?,
                opt_str_arg(description, "description")?,
            )
        };
        out.set(influx_org::of(&api.create_org(name, description)?));
        Ok(())
    })
}

/// DELETE /api/v2/orgs/{id} (its buckets go with it): INFLUX_ERR_NOT_FOUND if there is none.
#[no_mangle]
pub extern "C" fn influx_org_delete(
    client: *mut influx_client,
    id: *const c_char,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        let (api, id) = unsafe { (mgmt(client)?, str_arg(id, "id")?) };
        api.delete_org(id)
    })
}

/// The seed's name -> ID rule: 16 hex digits are an ID as they are (no request); otherwise
/// `GET /api/v2/orgs?org=<name>` and the first ID (none: INFLUX_ERR_NOT_FOUND with the seed's
/// message). `org` NULL: the client's `org` (none: INFLUX_ERR_INVALID_ARG). Writes 16 hex
/// digits and a NUL to `id_out` (17 bytes); "" on error.
#[no_mangle]
pub extern "C" fn influx_org_resolve_id(
    client: *mut influx_client,
    org: *const c_char,
    id_out: *mut c_char,
) -> influx_result {
    result_of(|| {
        if id_out.is_null() {
            return Err(Error::invalid_argument("id_out is NULL"));
        }
        // SAFETY: id_out is valid for 17 bytes (caller contract).
        unsafe { id_out.write(0) };
        // SAFETY: caller contract for every pointer.
        let (api, org) = unsafe { (mgmt(client)?, opt_str_arg(org, "org")?) };
        let id = api.resolve_org_id(org)?;
        if !crate::api::is_id(&id) {
            return Err(Error::new(
                Code::Parse,
                format!("malformed response: organization id {id:?} is not 16 hex digits"),
            ));
        }
        let mut buf: [c_char; 17] = [0; 17];
        copy_fixed(&mut buf, &id);
        // SAFETY: id_out is valid for 17 bytes (caller contract).
        unsafe { std::ptr::copy_nonoverlapping(buf.as_ptr(), id_out, buf.len()) };
        Ok(())
    })
}

// ------------------------------------------------------------------ delete data

/// POST /api/v2/delete?org=&bucket= {"start","stop","predicate"}: delete the points of
/// `bucket` (name or ID) in [start_ns, stop_ns] (ns since the epoch, sent as RFC 3339 UTC)
/// that match `predicate` (NULL or "": all), e.g. `_measurement="cpu" AND host="a"`. `org`
/// is a name or an ID (NULL: the client's). The server checks the predicate (400 for OR,
/// 501 for _field) and the range; an unknown bucket or org is INFLUX_ERR_NOT_FOUND.
#[no_mangle]
pub extern "C" fn influx_delete(
    client: *mut influx_client,
    bucket: *const c_char,
    org: *const c_char,
    start_ns: i64,
    stop_ns: i64,
    predicate: *const c_char,
) -> influx_result {
    result_of(|| {
        // SAFETY: caller contract for every pointer.
        let (api, bucket, org, predicate) = unsafe {
            (
                mgmt(client)?,
                str_arg(bucket, "bucket")?,
                opt_str_arg(org, "org")?,
                opt_str_arg(predicate, "predicate")?,
            )
        };
        api.delete(bucket, org, start_ns, stop_ns, predicate.unwrap_or(""))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn fixed_copies_truncate_at_char_boundaries() {
        let mut buf = [0x55 as c_char; 6];
        copy_fixed(&mut buf, "abcé€");
        // SAFETY: NUL-terminated by copy_fixed.
        assert_eq!(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str(), Ok("abcé"));
        copy_fixed(&mut buf, "ab");
        // SAFETY: as above.
        assert_eq!(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str(), Ok("ab"));
    }

    #[test]
    fn structs_round_trip_and_clear_twice() {
        let b = Bucket {
            id: "0123456789abcdef".into(),
            name: "n\0x".into(),
            retention_seconds: 5,
            ..Bucket::default()
        };
        let mut c = influx_bucket::of(&b);
        // SAFETY: made by c_str.
        assert_eq!(unsafe { CStr::from_ptr(c.name) }.to_str(), Ok("n\u{FFFD}x"));
        // SAFETY: as above.
        assert_eq!(unsafe { CStr::from_ptr(c.description) }.to_bytes(), b"");
        assert_eq!(c.retention_seconds, 5);
        influx_bucket_clear(&mut c);
        assert!(c.id.is_null() && c.json.is_null() && c.retention_seconds == 0);
        influx_bucket_clear(&mut c);
        influx_bucket_clear(std::ptr::null_mut());

        let orgs = [
            Org::default(),
            Org {
                id: "x".into(),
                ..Org::default()
            },
        ];
        let arr = c_array(&orgs, influx_org::of);
        influx_orgs_free(arr, orgs.len());
        influx_orgs_free(std::ptr::null_mut(), 3);
        assert!(c_array(&[] as &[Org], influx_org::of).is_null());
    }
}
