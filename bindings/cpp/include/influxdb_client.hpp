// influxdb_client.hpp — C++17 binding of influxdb-client-c (header-only, namespace influx).
//
// A thin RAII layer over include/influxdb_client.h: every type owns one C handle and is
// move-only; strings go in as std::string_view (the length-taking *_n calls, no copies on
// the write path); errors are influx::Error (a std::system_error with the influx::errc
// category, the HTTP status and the server's message), with non-throwing std::error_code&
// overloads where a failure is expected under load (buffer_full). Callbacks are
// std::function objects called through noexcept trampolines: an exception thrown by a
// callback is caught and counted (Stats::callback_exceptions), never unwound into the
// library. See README.md, "C++".
#ifndef INFLUXDB_CLIENT_HPP
#define INFLUXDB_CLIENT_HPP

#include "influxdb_client.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__GNUC__)
#define INFLUX_CXX_COLD __attribute__((cold, noinline))
#else
#define INFLUX_CXX_COLD
#endif

namespace influx {

/// The library's result codes (influx_result) as a std::error_code enum.
enum class errc : int {
    invalid_arg = INFLUX_ERR_INVALID_ARG,
    invalid_utf8 = INFLUX_ERR_INVALID_UTF8,
    invalid_point = INFLUX_ERR_INVALID_POINT,
    config = INFLUX_ERR_CONFIG,
    http = INFLUX_ERR_HTTP,
    transport = INFLUX_ERR_TRANSPORT,
    timeout = INFLUX_ERR_TIMEOUT,
    buffer_full = INFLUX_ERR_BUFFER_FULL,
    closed = INFLUX_ERR_CLOSED,
    timed_out = INFLUX_ERR_TIMED_OUT,
    internal = INFLUX_ERR_INTERNAL,
    io = INFLUX_ERR_IO,
    dropped = INFLUX_ERR_DROPPED,
    retries_exhausted = INFLUX_ERR_RETRIES_EXHAUSTED,
    query = INFLUX_ERR_QUERY,
    parse = INFLUX_ERR_PARSE,
    type = INFLUX_ERR_TYPE,
    null = INFLUX_ERR_NULL,
    value = INFLUX_ERR_VALUE,
    not_found = INFLUX_ERR_NOT_FOUND,
};

namespace detail {
class category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "influx"; }
    std::string message(int code) const override { return influx_strerror(code); }
    std::error_condition default_error_condition(int code) const noexcept override {
        switch (code) {
            case INFLUX_ERR_INVALID_ARG:
            case INFLUX_ERR_INVALID_UTF8:
            case INFLUX_ERR_INVALID_POINT:
            case INFLUX_ERR_CONFIG: return std::errc::invalid_argument;
            case INFLUX_ERR_TIMEOUT:
            case INFLUX_ERR_TIMED_OUT: return std::errc::timed_out;
            case INFLUX_ERR_BUFFER_FULL: return std::errc::no_buffer_space;
            case INFLUX_ERR_IO: return std::errc::io_error;
            default: return std::error_condition(code, *this);
        }
    }
};
}  // namespace detail

/// The error category of influx::errc (name "influx", messages from influx_strerror()).
inline const std::error_category& category() noexcept {
    static const detail::category_impl instance;
    return instance;
}

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), category()}; }

}  // namespace influx

template <>
struct std::is_error_code_enum<influx::errc> : std::true_type {};

namespace influx {

/// What every throwing call throws: code() is an influx::errc error_code; what() is the
/// library's message (never the token); http_status() 0 when no HTTP answer was involved.
class Error : public std::system_error {
public:
    Error(errc code, const std::string& message, int http_status = 0, std::string server_message = {})
        : std::system_error(make_error_code(code), message),
          http_status_(http_status),
          server_message_(std::move(server_message)) {}
    errc kind() const noexcept { return static_cast<errc>(code().value()); }
    int http_status() const noexcept { return http_status_; }
    /// The server's error message (its JSON `message`), "" if none.
    const std::string& server_message() const noexcept { return server_message_; }

private:
    int http_status_;
    std::string server_message_;
};

/// Message of the last failed call on this thread (detail for the error_code overloads).
inline std::string last_error_message() { return influx_last_error_message(); }
inline int last_http_status() noexcept { return influx_last_http_status(); }

namespace detail {
/// Build an Error from this thread's last-error detail.
INFLUX_CXX_COLD inline Error last_error(influx_result rc) {
    return Error(static_cast<errc>(rc), influx_last_error_message(), influx_last_http_status(),
                 influx_last_server_message());
}
[[noreturn]] INFLUX_CXX_COLD inline void throw_last(influx_result rc) { throw last_error(rc); }
inline void check(influx_result rc) {
    if (rc != INFLUX_OK) throw_last(rc);
}
inline void set_ec(std::error_code& ec, influx_result rc) noexcept {
    if (rc == INFLUX_OK)
        ec.clear();
    else
        ec = make_error_code(static_cast<errc>(rc));
}
[[noreturn]] INFLUX_CXX_COLD inline void throw_error(errc code, const std::string& message) {
    throw Error(code, message);
}
inline const char* opt(const std::string& s) noexcept { return s.empty() ? nullptr : s.c_str(); }
inline std::string str(const char* p) { return p ? std::string(p) : std::string(); }
/// The library's code for a measurement influx_point_new_n() refused (the failure path only:
/// the same check again through reset, which returns its code).
INFLUX_CXX_COLD inline influx_result measurement_error(std::string_view m) noexcept {
    influx_point* p = influx_point_new("m");
    const influx_result rc = p ? influx_point_reset_n(p, m.data(), m.size()) : INFLUX_ERR_INTERNAL;
    influx_point_free(p);
    return rc == INFLUX_OK ? INFLUX_ERR_INTERNAL : rc;
}
template <class T>
struct dependent_false : std::false_type {};
template <class T>
inline constexpr bool is_text_v = std::is_convertible_v<const T&, std::string_view>;
template <class T>
inline constexpr bool is_field_value_v =
    std::is_same_v<T, bool> ||
    (std::is_integral_v<T> && !std::is_same_v<T, char> && !std::is_same_v<T, wchar_t> &&
     !std::is_same_v<T, char16_t> && !std::is_same_v<T, char32_t>) ||
    std::is_floating_point_v<T> || is_text_v<T>;
}  // namespace detail

/// Timestamp precision (the C INFLUX_PRECISION_* values).
enum class Precision : int { ns = INFLUX_PRECISION_NS, us = INFLUX_PRECISION_US, ms = INFLUX_PRECISION_MS, s = INFLUX_PRECISION_S };

/// Type of a field of a Shape (the C INFLUX_FIELD_* values).
enum class FieldType : int { f64 = INFLUX_FIELD_F64, i64 = INFLUX_FIELD_I64, u64 = INFLUX_FIELD_U64, boolean = INFLUX_FIELD_BOOL, str = INFLUX_FIELD_STR };

/// A UTC time point in nanoseconds: what queries return for dateTime columns.
using Time = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;

namespace detail {
/// The coarsest precision that represents every value of a duration with period P exactly.
template <class P>
constexpr Precision precision_for() {
    if constexpr (P::den == 1)
        return Precision::s;
    else if constexpr (1000 % P::den == 0)
        return Precision::ms;
    else if constexpr (1000000 % P::den == 0)
        return Precision::us;
    else
        return Precision::ns;
}
template <class Rep, class Period>
std::int64_t ticks(std::chrono::duration<Rep, Period> d, Precision p) {
    using namespace std::chrono;
    switch (p) {
        case Precision::s: return duration_cast<duration<std::int64_t>>(d).count();
        case Precision::ms: return duration_cast<duration<std::int64_t, std::milli>>(d).count();
        case Precision::us: return duration_cast<duration<std::int64_t, std::micro>>(d).count();
        case Precision::ns: break;
    }
    return duration_cast<duration<std::int64_t, std::nano>>(d).count();
}
}  // namespace detail

// ------------------------------------------------------------------------------------ Conf

/// Options of a client or a write API (keys as CONFIGURATION.md: url, token, org, timeout,
/// batch_size, flush_interval, write_type, default_tags.<name>, ...). Move-only; consumed by
/// Client and Client::write_api. set() validates at once (throws Error(errc::config)).
class Conf {
public:
    Conf() : c_(influx_conf_new()) {
        if (!c_) throw std::bad_alloc();
    }
    Conf(Conf&& o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
    Conf& operator=(Conf&& o) noexcept {
        if (this != &o) {
            influx_conf_free(c_);
            c_ = std::exchange(o.c_, nullptr);
        }
        return *this;
    }
    Conf(const Conf&) = delete;
    Conf& operator=(const Conf&) = delete;
    ~Conf() { influx_conf_free(c_); }

    /// The seed's environment variables (INFLUXDB_V2_URL, _TOKEN, _ORG, _TIMEOUT, ...).
    static Conf from_env() { return Conf{}.load_env(); }
    /// A config file (ini, toml or json by extension; section influx2 and tags).
    static Conf from_file(const std::string& path) { return Conf{}.load_file(path); }

    Conf& set(std::string_view key, std::string_view value) & {
        char err[512] = "";
        const std::string k(key), v(value);
        const influx_result rc = influx_conf_set(c_, k.c_str(), v.c_str(), err, sizeof err);
        if (rc != INFLUX_OK) throw Error(static_cast<errc>(rc), err[0] ? err : influx_last_error_message());
        return *this;
    }
    Conf&& set(std::string_view key, std::string_view value) && { return std::move(set(key, value)); }
    /// A default tag added to every point of the write API (`default_tags.<key>`).
    Conf& default_tag(std::string_view key, std::string_view value) & {
        return set(std::string("default_tags.").append(key), value);
    }
    Conf&& default_tag(std::string_view key, std::string_view value) && { return std::move(default_tag(key, value)); }
    Conf& load_env() & {
        char err[512] = "";
        const influx_result rc = influx_conf_load_env(c_, err, sizeof err);
        if (rc != INFLUX_OK) throw Error(static_cast<errc>(rc), err);
        return *this;
    }
    Conf&& load_env() && { return std::move(load_env()); }
    Conf& load_file(const std::string& path) & {
        char err[512] = "";
        const influx_result rc = influx_conf_load_file(c_, path.c_str(), err, sizeof err);
        if (rc != INFLUX_OK) throw Error(static_cast<errc>(rc), err);
        return *this;
    }
    Conf&& load_file(const std::string& path) && { return std::move(load_file(path)); }
    /// The value of `key` as stored (or its default); secrets read as "***".
    std::string get(std::string_view key) const {
        const std::string k(key);
        std::size_t size = 64;
        std::string buf(size, '\0');
        influx_result rc = influx_conf_get(c_, k.c_str(), buf.data(), &size);
        if (rc == INFLUX_ERR_INVALID_ARG && size > buf.size()) {
            buf.resize(size);
            rc = influx_conf_get(c_, k.c_str(), buf.data(), &size);
        }
        detail::check(rc);
        buf.resize(size ? size - 1 : 0);
        return buf;
    }

    influx_conf* c_ptr() const noexcept { return c_; }
    /// Give up ownership (the caller frees or consumes it).
    [[nodiscard]] influx_conf* release() noexcept { return std::exchange(c_, nullptr); }

private:
    influx_conf* c_;
};

// ------------------------------------------------------------------------------------ Point

/// A point: measurement, tags, fields, optional time. Move-only; reusable with reset()
/// (setting the same keys in the same order again is the library's fast path).
class Point {
public:
    explicit Point(std::string_view measurement) : p_(influx_point_new_n(measurement.data(), measurement.size())) {
        if (!p_) detail::throw_last(detail::measurement_error(measurement));
    }
    Point(Point&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    Point& operator=(Point&& o) noexcept {
        if (this != &o) {
            influx_point_free(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    Point(const Point&) = delete;
    Point& operator=(const Point&) = delete;
    ~Point() { influx_point_free(p_); }

    /// Set a tag (an empty key or value is not written, as the seed).
    Point& tag(std::string_view key, std::string_view value) & {
        detail::check(influx_point_add_tag_n(p_, key.data(), key.size(), value.data(), value.size()));
        return *this;
    }
    Point&& tag(std::string_view key, std::string_view value) && { return std::move(tag(key, value)); }

    /// Set a field: bool → boolean; signed integers → `i`; unsigned → `u`; floating → float
    /// (NaN/±Inf not written); anything convertible to std::string_view → string.
    template <class T>
    Point& field(std::string_view key, const T& value) & {
        detail::check(set_field(key, value));
        return *this;
    }
    template <class T>
    Point&& field(std::string_view key, const T& value) && {
        return std::move(field(key, value));
    }

    /// Set the time; the precision follows the time point's duration (seconds → s,
    /// milliseconds → ms, microseconds → us, finer → ns).
    template <class Dur>
    Point& time(std::chrono::time_point<std::chrono::system_clock, Dur> t) & {
        constexpr Precision p = detail::precision_for<typename Dur::period>();
        return time(detail::ticks(t.time_since_epoch(), p), p);
    }
    template <class Dur>
    Point&& time(std::chrono::time_point<std::chrono::system_clock, Dur> t) && {
        return std::move(time(t));
    }
    Point& time(std::int64_t t, Precision p) & {
        detail::check(influx_point_set_time(p_, t, static_cast<influx_precision>(p)));
        return *this;
    }
    Point&& time(std::int64_t t, Precision p) && { return std::move(time(t, p)); }

    /// Start over with a new measurement (tags, fields and time removed; memory kept).
    Point& reset(std::string_view measurement) {
        detail::check(influx_point_reset_n(p_, measurement.data(), measurement.size()));
        return *this;
    }

    /// The point's line protocol (no default tags): the seed's text.
    [[nodiscard]] std::string to_line_protocol() const {
        char* s = nullptr;
        std::size_t n = 0;
        detail::check(influx_point_to_line_protocol(p_, &s, &n));
        std::string out(s, n);
        influx_string_free(s);
        return out;
    }

    const influx_point* c_ptr() const noexcept { return p_; }
    influx_point* c_ptr() noexcept { return p_; }

private:
    template <class T>
    influx_result set_field(std::string_view k, const T& v) noexcept {
        using U = std::decay_t<T>;
        static_assert(detail::is_field_value_v<U>,
                      "influx::Point::field: the value must be bool, an integer (not char), a floating "
                      "point number or convertible to std::string_view");
        if constexpr (std::is_same_v<U, bool>)
            return influx_point_add_field_bool_n(p_, k.data(), k.size(), v);
        else if constexpr (std::is_integral_v<U> && std::is_signed_v<U>)
            return influx_point_add_field_i64_n(p_, k.data(), k.size(), static_cast<std::int64_t>(v));
        else if constexpr (std::is_integral_v<U>)
            return influx_point_add_field_u64_n(p_, k.data(), k.size(), static_cast<std::uint64_t>(v));
        else if constexpr (std::is_floating_point_v<U>)
            return influx_point_add_field_f64_n(p_, k.data(), k.size(), static_cast<double>(v));
        else {
            const std::string_view s = v;
            return influx_point_add_field_str_n(p_, k.data(), k.size(), s.data(), s.size());
        }
    }

    influx_point* p_;
};

// ------------------------------------------------------------------------------------ Shape, Value

/// A field key and its type, for Shape.
struct FieldSpec {
    std::string key;
    FieldType type;
};

/// Measurement, tag keys and typed field keys checked and escaped once, for Lines::add_row.
/// Immutable; may be shared by threads. Move-only.
class Shape {
public:
    Shape(std::string_view measurement, const std::vector<std::string>& tag_keys, const std::vector<FieldSpec>& fields)
        : ntags_(tag_keys.size()) {
        const std::string m(measurement);
        std::vector<const char*> tk;
        tk.reserve(tag_keys.size());
        for (const auto& k : tag_keys) tk.push_back(k.c_str());
        std::vector<const char*> fk;
        std::vector<influx_field_type> ft;
        for (const auto& f : fields) {
            fk.push_back(f.key.c_str());
            ft.push_back(static_cast<influx_field_type>(f.type));
            types_.push_back(f.type);
            has_str_ = has_str_ || f.type == FieldType::str;
        }
        s_ = influx_shape_new(m.c_str(), tk.data(), tk.size(), fk.data(), ft.data(), fk.size());
        if (!s_) detail::throw_last(INFLUX_ERR_INVALID_ARG);
    }
    Shape(Shape&& o) noexcept
        : s_(std::exchange(o.s_, nullptr)), ntags_(o.ntags_), types_(std::move(o.types_)), has_str_(o.has_str_) {}
    Shape& operator=(Shape&& o) noexcept {
        if (this != &o) {
            influx_shape_free(s_);
            s_ = std::exchange(o.s_, nullptr);
            ntags_ = o.ntags_;
            types_ = std::move(o.types_);
            has_str_ = o.has_str_;
        }
        return *this;
    }
    Shape(const Shape&) = delete;
    Shape& operator=(const Shape&) = delete;
    ~Shape() { influx_shape_free(s_); }

    std::size_t tag_count() const noexcept { return ntags_; }
    std::size_t field_count() const noexcept { return types_.size(); }
    FieldType field_type(std::size_t i) const { return types_.at(i); }
    const influx_shape* c_ptr() const noexcept { return s_; }

private:
    friend class Lines;
    influx_shape* s_ = nullptr;
    std::size_t ntags_ = 0;
    std::vector<FieldType> types_;
    bool has_str_ = false;
};

/// One field value of a row (implicit from bool, integers, floating point, strings). A
/// string value is a view: the text must outlive the add_row call.
class Value {
public:
    template <class T, std::enable_if_t<detail::is_field_value_v<std::decay_t<T>>, int> = 0>
    Value(const T& v) noexcept {  // NOLINT(google-explicit-constructor): rows read {1.0, 2, "x"}
        using U = std::decay_t<T>;
        if constexpr (std::is_same_v<U, bool>) {
            v_.b = v;
            type_ = FieldType::boolean;
        } else if constexpr (std::is_integral_v<U> && std::is_signed_v<U>) {
            v_.i64 = static_cast<std::int64_t>(v);
            type_ = FieldType::i64;
        } else if constexpr (std::is_integral_v<U>) {
            v_.u64 = static_cast<std::uint64_t>(v);
            type_ = FieldType::u64;
        } else if constexpr (std::is_floating_point_v<U>) {
            v_.f64 = static_cast<double>(v);
            type_ = FieldType::f64;
        } else {
            const std::string_view s = v;
            v_.str = s.data();
            len_ = s.size();
            type_ = FieldType::str;
        }
    }
    FieldType type() const noexcept { return type_; }

private:
    friend class Lines;
    influx_value v_{};
    std::size_t len_ = 0;
    FieldType type_ = FieldType::f64;
};

class WriteApi;

// ------------------------------------------------------------------------------------ Lines

/// A line buffer: points encoded as you call (begin/tag/field/end) or rows of a Shape
/// (add_row), written to a WriteApi in one call. Single-thread. Move-only.
class Lines {
public:
    explicit Lines(Precision p = Precision::ns) : Lines(nullptr, p) {}
    /// For `api`: its default tags are added to every line.
    explicit Lines(const WriteApi& api, Precision p = Precision::ns);
    Lines(Lines&& o) noexcept : l_(std::exchange(o.l_, nullptr)), p_(o.p_) {}
    Lines& operator=(Lines&& o) noexcept {
        if (this != &o) {
            influx_lines_free(l_);
            l_ = std::exchange(o.l_, nullptr);
            p_ = o.p_;
        }
        return *this;
    }
    Lines(const Lines&) = delete;
    Lines& operator=(const Lines&) = delete;
    ~Lines() { influx_lines_free(l_); }

    Lines& begin(std::string_view measurement) {
        detail::check(influx_lines_begin_n(l_, measurement.data(), measurement.size()));
        return *this;
    }
    Lines& tag(std::string_view key, std::string_view value) {
        detail::check(influx_lines_add_tag_n(l_, key.data(), key.size(), value.data(), value.size()));
        return *this;
    }
    template <class T>
    Lines& field(std::string_view key, const T& value) {
        using U = std::decay_t<T>;
        static_assert(detail::is_field_value_v<U>, "influx::Lines::field: unsupported value type");
        influx_result rc;
        if constexpr (std::is_same_v<U, bool>)
            rc = influx_lines_add_field_bool_n(l_, key.data(), key.size(), value);
        else if constexpr (std::is_integral_v<U> && std::is_signed_v<U>)
            rc = influx_lines_add_field_i64_n(l_, key.data(), key.size(), static_cast<std::int64_t>(value));
        else if constexpr (std::is_integral_v<U>)
            rc = influx_lines_add_field_u64_n(l_, key.data(), key.size(), static_cast<std::uint64_t>(value));
        else if constexpr (std::is_floating_point_v<U>)
            rc = influx_lines_add_field_f64_n(l_, key.data(), key.size(), static_cast<double>(value));
        else {
            const std::string_view s = value;
            rc = influx_lines_add_field_str_n(l_, key.data(), key.size(), s.data(), s.size());
        }
        detail::check(rc);
        return *this;
    }
    /// Finish the open line without a time (the server's clock).
    void end() { detail::check(influx_lines_end(l_)); }
    /// Finish the open line at `t` in the buffer's precision.
    void end_at(std::int64_t t) { detail::check(influx_lines_end_at(l_, t)); }
    template <class Dur>
    void end_at(std::chrono::time_point<std::chrono::system_clock, Dur> t) {
        end_at(detail::ticks(t.time_since_epoch(), p_));
    }
    /// Drop the open line (complete lines stay).
    void discard_line() noexcept { influx_lines_discard_line(l_); }

    /// One line of `shape` from its tag values (in the shape's order; "" leaves a tag out)
    /// and field values (converted to the shape's types where exact: integers to floats,
    /// i64 <-> u64 in range; otherwise errc::invalid_arg). No time: the server's clock.
    void add_row(const Shape& shape, std::initializer_list<std::string_view> tags, std::initializer_list<Value> fields) {
        detail::check(row(shape, tags.begin(), tags.size(), fields.begin(), fields.size(), nullptr));
    }
    void add_row(const Shape& shape, std::initializer_list<std::string_view> tags, std::initializer_list<Value> fields,
                 std::int64_t time) {
        detail::check(row(shape, tags.begin(), tags.size(), fields.begin(), fields.size(), &time));
    }
    template <class Dur>
    void add_row(const Shape& shape, std::initializer_list<std::string_view> tags, std::initializer_list<Value> fields,
                 std::chrono::time_point<std::chrono::system_clock, Dur> time) {
        add_row(shape, tags, fields, detail::ticks(time.time_since_epoch(), p_));
    }
    /// Arrays of values; `time` NULL: the server's clock. Non-throwing: the code in `ec`.
    void add_row(const Shape& shape, const std::string_view* tags, std::size_t n_tags, const Value* fields,
                 std::size_t n_fields, const std::int64_t* time, std::error_code& ec) noexcept {
        detail::set_ec(ec, row(shape, tags, n_tags, fields, n_fields, time));
    }
    void add_row(const Shape& shape, const std::string_view* tags, std::size_t n_tags, const Value* fields,
                 std::size_t n_fields, const std::int64_t* time) {
        detail::check(row(shape, tags, n_tags, fields, n_fields, time));
    }

    /// Complete lines held.
    std::size_t size() const noexcept { return influx_lines_count(l_); }
    bool empty() const noexcept { return size() == 0; }
    /// The complete lines, joined by '\n'.
    std::string_view data() const noexcept {
        std::size_t n = 0;
        const char* p = influx_lines_data(l_, &n);
        return p ? std::string_view(p, n) : std::string_view();
    }
    void clear() noexcept { influx_lines_clear(l_); }
    Precision precision() const noexcept { return p_; }
    influx_lines* c_ptr() const noexcept { return l_; }

private:
    Lines(const WriteApi* api, Precision p);

    // Convert a value to the field type the shape declares; false if it does not fit exactly.
    static bool convert(const Value& in, FieldType want, influx_value& out) noexcept {
        if (in.type_ == want) {
            out = in.v_;
            return true;
        }
        switch (want) {
            case FieldType::f64:
                if (in.type_ == FieldType::i64) {
                    out.f64 = static_cast<double>(in.v_.i64);
                    return true;
                }
                if (in.type_ == FieldType::u64) {
                    out.f64 = static_cast<double>(in.v_.u64);
                    return true;
                }
                return false;
            case FieldType::i64:
                if (in.type_ == FieldType::u64 && in.v_.u64 <= static_cast<std::uint64_t>(INT64_MAX)) {
                    out.i64 = static_cast<std::int64_t>(in.v_.u64);
                    return true;
                }
                return false;
            case FieldType::u64:
                if (in.type_ == FieldType::i64 && in.v_.i64 >= 0) {
                    out.u64 = static_cast<std::uint64_t>(in.v_.i64);
                    return true;
                }
                return false;
            default: return false;
        }
    }

    influx_result row(const Shape& shape, const std::string_view* tags, std::size_t n_tags, const Value* fields,
                      std::size_t n_fields, const std::int64_t* time) const {
        constexpr std::size_t kStack = 16;
        if (n_tags != shape.ntags_ || n_fields != shape.types_.size()) return count_mismatch(shape, n_tags, n_fields);
        const char* tp_s[kStack];
        std::size_t tl_s[kStack];
        influx_value fv_s[kStack];
        std::size_t fl_s[kStack];
        std::vector<const char*> tp_h;
        std::vector<std::size_t> tl_h, fl_h;
        std::vector<influx_value> fv_h;
        const char** tp = tp_s;
        std::size_t* tl = tl_s;
        influx_value* fv = fv_s;
        std::size_t* fl = fl_s;
        if (n_tags > kStack) {
            tp_h.resize(n_tags);
            tl_h.resize(n_tags);
            tp = tp_h.data();
            tl = tl_h.data();
        }
        if (n_fields > kStack) {
            fv_h.resize(n_fields);
            fl_h.resize(n_fields);
            fv = fv_h.data();
            fl = fl_h.data();
        }
        for (std::size_t i = 0; i < n_tags; i++) {
            tp[i] = tags[i].data();
            tl[i] = tags[i].size();
        }
        for (std::size_t i = 0; i < n_fields; i++) {
            if (!convert(fields[i], shape.types_[i], fv[i])) return type_mismatch(shape, fields, i);
            fl[i] = fields[i].len_;
        }
        return influx_lines_add_row_n(l_, shape.s_, tp, tl, fv, fl, time);
    }

    [[noreturn]] INFLUX_CXX_COLD static influx_result count_mismatch(const Shape&, std::size_t, std::size_t) {
        throw Error(errc::invalid_arg, "add_row: the number of tag or field values differs from the shape's");
    }
    [[noreturn]] INFLUX_CXX_COLD static influx_result type_mismatch(const Shape&, const Value*, std::size_t i) {
        throw Error(errc::invalid_arg,
                    "add_row: field value " + std::to_string(i) + " does not fit the shape's field type");
    }

    influx_lines* l_ = nullptr;
    Precision p_ = Precision::ns;
};

// ------------------------------------------------------------------------------------ callbacks

/// A batch as the callbacks see it; the views are valid only during the callback.
struct Batch {
    std::string_view bucket;
    std::string_view org;
    std::string_view data;  ///< line protocol, lines separated by '\n'
    Precision precision;
    std::size_t lines;
    std::uint32_t attempts;
};

/// Why a batch failed (or is retried); the views are valid only during the callback.
struct Failure {
    errc code;
    int http_status;
    std::string_view message;
    std::string_view server_message;
    bool retriable;
};

/// Delivery reports of a batching/asynchronous WriteApi. They run on the write API's
/// background thread (an error report of a dropped batch on the writing thread, of a batch
/// close gives up on on the closing thread), never after close() returns. Exceptions they
/// throw are caught and counted (Stats::callback_exceptions).
struct Callbacks {
    std::function<void(const Batch&)> on_success;
    std::function<void(const Batch&, const Failure&)> on_error;
    std::function<void(const Batch&, const Failure&, std::uint32_t retry, std::chrono::milliseconds delay)> on_retry;
};

namespace detail {
struct CallbackState {
    explicit CallbackState(Callbacks c) : cb(std::move(c)) {}
    Callbacks cb;
    std::atomic<std::uint64_t> exceptions{0};
};
inline Batch to_batch(const influx_batch* b) noexcept {
    return Batch{b->bucket ? std::string_view(b->bucket) : std::string_view(),
                 b->org ? std::string_view(b->org) : std::string_view(),
                 std::string_view(b->data ? b->data : "", b->data ? b->len : 0),
                 static_cast<Precision>(b->precision),
                 b->lines,
                 b->attempts};
}
inline Failure to_failure(const influx_error* e) noexcept {
    return Failure{static_cast<errc>(e->code), e->http_status, e->message ? e->message : "",
                   e->server_message ? e->server_message : "", e->retriable};
}
inline void success_trampoline(const influx_batch* b, void* ud) noexcept {
    auto* s = static_cast<CallbackState*>(ud);
    try {
        s->cb.on_success(to_batch(b));
    } catch (...) {
        s->exceptions.fetch_add(1, std::memory_order_relaxed);
    }
}
inline void error_trampoline(const influx_batch* b, const influx_error* e, void* ud) noexcept {
    auto* s = static_cast<CallbackState*>(ud);
    try {
        s->cb.on_error(to_batch(b), to_failure(e));
    } catch (...) {
        s->exceptions.fetch_add(1, std::memory_order_relaxed);
    }
}
inline void retry_trampoline(const influx_batch* b, const influx_error* e, std::uint32_t retry, std::uint64_t delay_ms,
                             void* ud) noexcept {
    auto* s = static_cast<CallbackState*>(ud);
    try {
        s->cb.on_retry(to_batch(b), to_failure(e), retry, std::chrono::milliseconds(static_cast<std::int64_t>(delay_ms)));
    } catch (...) {
        s->exceptions.fetch_add(1, std::memory_order_relaxed);
    }
}
}  // namespace detail

/// Counters of a write API (lines; retries: requests), plus exceptions caught from callbacks.
struct Stats {
    std::uint64_t accepted = 0;
    std::uint64_t written = 0;
    std::uint64_t failed = 0;
    std::uint64_t dropped = 0;
    std::uint64_t retries = 0;
    std::uint64_t buffered_lines = 0;
    std::uint64_t buffered_bytes = 0;
    std::uint64_t callback_exceptions = 0;
};

// ------------------------------------------------------------------------------------ WriteApi

/// A write API (write_type synchronous, batching or asynchronous). Thread-safe: write,
/// flush and stats may be called from many threads at once; close() must not race them.
/// Move-only; the destructor closes (delivering what is pending within max_close_wait) and
/// never throws: undelivered data is reported through on_error; without an on_error callback
/// the destructor writes one line to stderr if lines were left undelivered (or had failed).
class WriteApi {
public:
    WriteApi() noexcept = default;
    WriteApi(WriteApi&& o) noexcept : api_(std::exchange(o.api_, nullptr)), state_(std::move(o.state_)) {}
    WriteApi& operator=(WriteApi&& o) noexcept {
        if (this != &o) {
            close_quietly();
            api_ = std::exchange(o.api_, nullptr);
            state_ = std::move(o.state_);
        }
        return *this;
    }
    WriteApi(const WriteApi&) = delete;
    WriteApi& operator=(const WriteApi&) = delete;
    ~WriteApi() { close_quietly(); }

    void write(std::string_view bucket, const Point& p) {
        detail::check(influx_write_n(api_, bucket.data(), bucket.size(), nullptr, 0, p.c_ptr()));
    }
    void write(std::string_view bucket, std::string_view org, const Point& p) {
        detail::check(influx_write_n(api_, bucket.data(), bucket.size(), org.data(), org.size(), p.c_ptr()));
    }
    /// Non-throwing: errc::buffer_full, errc::closed, ... in `ec` (detail: last_error_message()).
    void write(std::string_view bucket, const Point& p, std::error_code& ec) noexcept {
        detail::set_ec(ec, influx_write_n(api_, bucket.data(), bucket.size(), nullptr, 0, p.c_ptr()));
    }
    void write(std::string_view bucket, std::string_view org, const Point& p, std::error_code& ec) noexcept {
        detail::set_ec(ec, influx_write_n(api_, bucket.data(), bucket.size(), org.data(), org.size(), p.c_ptr()));
    }
    /// Many points in one call: all validated first, nothing written if one is invalid.
    void write(std::string_view bucket, const std::vector<Point>& points) {
        std::vector<const influx_point*> ptrs;
        ptrs.reserve(points.size());
        for (const auto& p : points) ptrs.push_back(p.c_ptr());
        detail::check(influx_write_points_n(api_, bucket.data(), bucket.size(), nullptr, 0, ptrs.data(), ptrs.size()));
    }
    /// Every complete line of `lines` (emptied on success, unchanged on error).
    void write(std::string_view bucket, Lines& lines) {
        detail::check(influx_write_lines_n(api_, bucket.data(), bucket.size(), nullptr, 0, lines.c_ptr()));
    }
    void write(std::string_view bucket, std::string_view org, Lines& lines) {
        detail::check(influx_write_lines_n(api_, bucket.data(), bucket.size(), org.data(), org.size(), lines.c_ptr()));
    }
    void write(std::string_view bucket, Lines& lines, std::error_code& ec) noexcept {
        detail::set_ec(ec, influx_write_lines_n(api_, bucket.data(), bucket.size(), nullptr, 0, lines.c_ptr()));
    }
    /// Raw line protocol (default tags not added, as the seed).
    void write_lp(std::string_view bucket, std::string_view lp, Precision p = Precision::ns) {
        detail::check(influx_write_lp_n(api_, bucket.data(), bucket.size(), nullptr, 0, lp.data(), lp.size(),
                                        static_cast<influx_precision>(p)));
    }
    void write_lp(std::string_view bucket, std::string_view org, std::string_view lp, Precision p) {
        detail::check(influx_write_lp_n(api_, bucket.data(), bucket.size(), org.data(), org.size(), lp.data(),
                                        lp.size(), static_cast<influx_precision>(p)));
    }
    void write_lp(std::string_view bucket, std::string_view lp, Precision p, std::error_code& ec) noexcept {
        detail::set_ec(ec, influx_write_lp_n(api_, bucket.data(), bucket.size(), nullptr, 0, lp.data(), lp.size(),
                                             static_cast<influx_precision>(p)));
    }

    /// Wait until everything accepted before is delivered or reported failed.
    void flush() { detail::check(influx_flush(api_)); }
    void flush(std::error_code& ec) noexcept { detail::set_ec(ec, influx_flush(api_)); }
    /// As flush(), giving up after `timeout`: false if it timed out (the data stays queued).
    template <class Rep, class Period>
    [[nodiscard]] bool flush_for(std::chrono::duration<Rep, Period> timeout) {
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
        const influx_result rc = influx_flush_timeout(api_, ms < 0 ? 0 : static_cast<std::int64_t>(ms));
        if (rc == INFLUX_ERR_TIMED_OUT) return false;
        detail::check(rc);
        return true;
    }

    Stats stats() const {
        influx_write_stats s{};
        detail::check(influx_write_api_stats(api_, &s));
        Stats out;
        out.accepted = s.accepted;
        out.written = s.written;
        out.failed = s.failed;
        out.dropped = s.dropped;
        out.retries = s.retries;
        out.buffered_lines = s.buffered_lines;
        out.buffered_bytes = s.buffered_bytes;
        out.callback_exceptions = callback_exceptions();
        return out;
    }
    /// Exceptions thrown by callbacks and caught by the trampolines so far.
    std::uint64_t callback_exceptions() const noexcept {
        return state_ ? state_->exceptions.load(std::memory_order_relaxed) : 0;
    }

    /// Deliver what is pending (within max_close_wait), stop, free. Throws
    /// Error(errc::timed_out) if points were left undelivered (each also reported through
    /// on_error). The object is closed afterwards either way; closing twice does nothing.
    void close() {
        if (!api_) return;
        const influx_result rc = influx_write_api_close(api_);
        if (rc == INFLUX_ERR_INVALID_ARG) detail::throw_last(rc);  // from a callback: still open
        api_ = nullptr;
        state_.reset();  // no callback runs after close returned
        if (rc != INFLUX_OK) detail::throw_last(rc);
    }
    bool is_open() const noexcept { return api_ != nullptr; }
    explicit operator bool() const noexcept { return is_open(); }
    influx_write_api* c_ptr() const noexcept { return api_; }

private:
    friend class Client;
    WriteApi(influx_write_api* api, std::unique_ptr<detail::CallbackState> state) noexcept
        : api_(api), state_(std::move(state)) {}

    void close_quietly() noexcept {
        if (!api_) return;
        influx_write_stats before{};
        (void)influx_write_api_stats(api_, &before);
        const influx_result rc = influx_write_api_close(api_);
        if (rc == INFLUX_ERR_INVALID_ARG) {
            // destroyed inside its own callback: the handle stays alive for its thread, so
            // must its callback state (leaked rather than freed under a running callback)
            (void)state_.release();
            api_ = nullptr;
            std::fputs("influx::WriteApi destroyed inside a write callback: not closed\n", stderr);
            return;
        }
        const bool told = state_ && state_->cb.on_error;
        if (rc != INFLUX_OK && !told) {
            std::fprintf(stderr, "influx::WriteApi closed with undelivered data: %s\n", influx_last_error_message());
        } else if (!told && before.failed + before.dropped > 0) {
            std::fprintf(stderr, "influx::WriteApi closed: %llu lines were undelivered (no on_error callback)\n",
                         static_cast<unsigned long long>(before.failed + before.dropped));
        }
        api_ = nullptr;
        state_.reset();
    }

    influx_write_api* api_ = nullptr;
    std::unique_ptr<detail::CallbackState> state_;
};

inline Lines::Lines(const WriteApi& api, Precision p) : Lines(&api, p) {}
inline Lines::Lines(const WriteApi* api, Precision p)
    : l_(influx_lines_new(api ? api->c_ptr() : nullptr, static_cast<influx_precision>(p))), p_(p) {
    if (!l_) detail::throw_last(INFLUX_ERR_INVALID_ARG);
}

// ------------------------------------------------------------------------------------ queries

class Query;

/// The current record of a Query (a view: valid until the query advances). Cells by column
/// name (the last column so labelled) or index; get<T> converts: double, float, any integer
/// type (range-checked), bool, std::string_view (the cell's text), std::string,
/// influx::Time (dateTime), std::chrono::nanoseconds (duration), std::vector<std::uint8_t>
/// (base64Binary). A null cell throws errc::null; use get_optional or is_null.
class Record {
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    std::size_t size() const noexcept { return names_ ? names_->size() : 0; }
    /// Index of the last column labelled `name`, or npos.
    std::size_t column_index(std::string_view name) const noexcept {
        if (!names_) return npos;
        for (std::size_t i = names_->size(); i-- > 0;)
            if ((*names_)[i] == name) return i;
        return npos;
    }
    const std::string& column_name(std::size_t i) const { return names_->at(i); }
    std::size_t table() const noexcept { return table_; }
    bool is_null(std::string_view column) const noexcept { return influx_record_is_null(r_, column_index(column)); }
    bool is_null(std::size_t column) const noexcept { return influx_record_is_null(r_, column); }

    template <class T>
    T get(std::size_t column) const {
        T out{};
        detail::check(read(column, out));
        return out;
    }
    template <class T>
    T get(std::string_view column) const {
        const std::size_t i = column_index(column);
        if (i == npos) no_column(column);
        return get<T>(i);
    }
    template <class T>
    std::optional<T> get_optional(std::string_view column) const {
        const std::size_t i = column_index(column);
        if (i == npos) no_column(column);
        if (influx_record_is_null(r_, i)) return std::nullopt;
        return get<T>(i);
    }
    /// The cell's text (after #default), as sent.
    std::string_view operator[](std::string_view column) const { return get<std::string_view>(column); }
    std::string_view operator[](std::size_t column) const { return get<std::string_view>(column); }

    const influx_record* c_ptr() const noexcept { return r_; }

private:
    friend class Query;
    [[noreturn]] INFLUX_CXX_COLD static void no_column(std::string_view c) {
        throw Error(errc::not_found, "no column named '" + std::string(c) + "'");
    }
    template <class T>
    influx_result read(std::size_t c, T& out) const {
        if constexpr (std::is_same_v<T, bool>) {
            return influx_record_get_bool(r_, c, &out);
        } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
            double d = 0;
            const influx_result rc = influx_record_get_f64(r_, c, &d);
            out = static_cast<T>(d);
            return rc;
        } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
            std::int64_t v = 0;
            const influx_result rc = influx_record_get_i64(r_, c, &v);
            if (rc == INFLUX_OK) {
                if (v < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
                    v > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
                    throw Error(errc::value, "value out of range of the requested integer type");
                out = static_cast<T>(v);
            }
            return rc;
        } else if constexpr (std::is_integral_v<T>) {
            std::uint64_t v = 0;
            const influx_result rc = influx_record_get_u64(r_, c, &v);
            if (rc == INFLUX_OK) {
                if (v > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
                    throw Error(errc::value, "value out of range of the requested integer type");
                out = static_cast<T>(v);
            }
            return rc;
        } else if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) {
            const char* p = nullptr;
            std::size_t n = 0;
            const influx_result rc = influx_record_get_str(r_, c, &p, &n);
            if (rc == INFLUX_OK) out = T(p, n);
            return rc;
        } else if constexpr (std::is_same_v<T, Time>) {
            std::int64_t ns = 0;
            const influx_result rc = influx_record_get_time_ns(r_, c, &ns);
            out = Time(std::chrono::nanoseconds(ns));
            return rc;
        } else if constexpr (std::is_same_v<T, std::chrono::nanoseconds>) {
            std::int64_t ns = 0;
            const influx_result rc = influx_record_get_duration_ns(r_, c, &ns);
            out = std::chrono::nanoseconds(ns);
            return rc;
        } else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) {
            const std::uint8_t* p = nullptr;
            std::size_t n = 0;
            const influx_result rc = influx_record_get_bytes(r_, c, &p, &n);
            if (rc == INFLUX_OK) out.assign(p, p + n);
            return rc;
        } else {
            static_assert(detail::dependent_false<T>::value, "influx::Record::get: unsupported type");
            return INFLUX_ERR_TYPE;
        }
    }

    const influx_record* r_ = nullptr;
    const std::vector<std::string>* names_ = nullptr;
    std::size_t table_ = 0;
};

/// Bind parameters of a query (Flux `params`), sent as the query's extern options.
class QueryParams {
public:
    QueryParams() : p_(influx_query_params_new()) {
        if (!p_) throw std::bad_alloc();
    }
    QueryParams(QueryParams&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    QueryParams& operator=(QueryParams&& o) noexcept {
        if (this != &o) {
            influx_query_params_free(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    QueryParams(const QueryParams&) = delete;
    QueryParams& operator=(const QueryParams&) = delete;
    ~QueryParams() { influx_query_params_free(p_); }

    template <class T>
    QueryParams& set(std::string_view name, const T& v) {
        using U = std::decay_t<T>;
        const std::string n(name);
        influx_result rc;
        if constexpr (std::is_same_v<U, bool>)
            rc = influx_query_params_set_bool(p_, n.c_str(), v);
        else if constexpr (std::is_integral_v<U>)
            rc = influx_query_params_set_i64(p_, n.c_str(), static_cast<std::int64_t>(v));
        else if constexpr (std::is_floating_point_v<U>)
            rc = influx_query_params_set_f64(p_, n.c_str(), static_cast<double>(v));
        else if constexpr (detail::is_text_v<U>)
            rc = influx_query_params_set_str(p_, n.c_str(), std::string(std::string_view(v)).c_str());
        else {
            static_assert(detail::dependent_false<U>::value, "influx::QueryParams::set: unsupported type");
            rc = INFLUX_ERR_INVALID_ARG;
        }
        detail::check(rc);
        return *this;
    }
    template <class Dur>
    QueryParams& set(std::string_view name, std::chrono::time_point<std::chrono::system_clock, Dur> t) {
        detail::check(influx_query_params_set_time_ns(
            p_, std::string(name).c_str(), detail::ticks(t.time_since_epoch(), Precision::ns)));
        return *this;
    }
    template <class Rep, class Period>
    QueryParams& set(std::string_view name, std::chrono::duration<Rep, Period> d) {
        detail::check(influx_query_params_set_duration_ns(p_, std::string(name).c_str(), detail::ticks(d, Precision::ns)));
        return *this;
    }
    const influx_query_params* c_ptr() const noexcept { return p_; }

private:
    influx_query_params* p_;
};

/// An open query: one HTTP response read as it is iterated (constant memory). Input range
/// over its records: `for (const influx::Record& r : query)`. Single-thread. Move-only;
/// the destructor drops the connection if the answer is not finished. A Flux error in the
/// answer, a cut stream or a parse error is thrown while iterating.
class Query {
public:
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = Record;
        using difference_type = std::ptrdiff_t;
        using pointer = const Record*;
        using reference = const Record&;
        iterator() noexcept = default;
        reference operator*() const noexcept { return q_->record_; }
        pointer operator->() const noexcept { return &q_->record_; }
        iterator& operator++() {
            if (!q_->next()) q_ = nullptr;
            return *this;
        }
        void operator++(int) { ++*this; }
        friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.q_ == b.q_; }
        friend bool operator!=(const iterator& a, const iterator& b) noexcept { return a.q_ != b.q_; }

    private:
        friend class Query;
        explicit iterator(Query* q) noexcept : q_(q) {}
        Query* q_ = nullptr;
    };

    Query() noexcept = default;
    Query(Query&& o) noexcept { *this = std::move(o); }
    Query& operator=(Query&& o) noexcept {
        if (this != &o) {
            influx_query_close(q_);
            q_ = std::exchange(o.q_, nullptr);
            names_ = std::move(o.names_);
            tables_ = o.tables_;
            started_ = o.started_;
            done_ = o.done_;
            record_ = o.record_;
            record_.names_ = &names_;
            o.record_ = Record{};
        }
        return *this;
    }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    ~Query() { influx_query_close(q_); }

    /// Advance to the next record: false at the end. Throws on a Flux error (errc::query,
    /// message and reference in what()), errc::parse, errc::transport, errc::timeout.
    bool next() {
        started_ = true;
        if (!q_) done_ = true;
        if (done_) return false;
        for (;;) {
            influx_query_event ev = INFLUX_QUERY_END;
            const influx_result rc = influx_query_next(q_, &ev);
            if (rc != INFLUX_OK) fail(rc);  // sticky: every later next() throws it again
            if (ev == INFLUX_QUERY_END) {
                done_ = true;
                record_.r_ = nullptr;
                return false;
            }
            if (ev == INFLUX_QUERY_TABLE) {
                load_table();
                continue;
            }
            record_.r_ = influx_query_record(q_);
            return true;
        }
    }
    /// The current record (after next() returned true).
    const Record& record() const noexcept { return record_; }
    /// Tables announced so far.
    std::size_t tables() const noexcept { return tables_; }
    /// Column names of the current table.
    const std::vector<std::string>& columns() const noexcept { return names_; }

    iterator begin() {
        if (!started_ && !next()) return end();
        return done_ ? end() : iterator(this);
    }
    iterator end() noexcept { return iterator(); }

    /// Stop reading and drop the connection (also done by the destructor).
    void close() noexcept {
        influx_query_close(q_);
        q_ = nullptr;
        done_ = true;
        record_.r_ = nullptr;
    }
    influx_query* c_ptr() const noexcept { return q_; }

private:
    friend class Client;
    explicit Query(influx_query* q) noexcept : q_(q) { record_.names_ = &names_; }

    void load_table() {
        const influx_table* t = influx_query_table(q_);
        const std::size_t n = influx_table_column_count(t);
        names_.resize(n);
        for (std::size_t i = 0; i < n; i++) names_[i] = detail::str(influx_table_column_name(t, i));
        record_.table_ = influx_table_index(t);
        tables_++;
    }
    [[noreturn]] INFLUX_CXX_COLD void fail(influx_result rc) {
        const char* msg = nullptr;
        const char* ref = nullptr;
        if (rc == INFLUX_ERR_QUERY && influx_query_error(q_, &msg, &ref) == INFLUX_ERR_QUERY) {
            std::string what = detail::str(msg);
            if (ref && *ref) what.append(" (reference ").append(ref).append(")");
            throw Error(errc::query, what, 0, detail::str(msg));
        }
        detail::throw_last(rc);
    }

    influx_query* q_ = nullptr;
    std::vector<std::string> names_;
    std::size_t tables_ = 0;
    bool started_ = false;
    bool done_ = false;
    Record record_;
};

// ------------------------------------------------------------------------------------ management

struct PingInfo {
    std::string version;  ///< X-Influxdb-Version, "unknown" when absent
    std::string build;    ///< X-Influxdb-Build ("OSS", "Cloud"), "unknown" when absent
};
struct HealthInfo {
    std::string name, status, message, version, commit;
    bool ok() const noexcept { return status == "pass"; }
};
struct ReadyInfo {
    std::string status, started, up;
};
struct Bucket {
    std::string id, org_id, name, description, type;
    std::chrono::seconds retention{0};             ///< 0: kept forever
    std::chrono::seconds shard_group_duration{0};  ///< 0: not reported
    std::string created_at, updated_at;
    std::string json;  ///< the object as the server sent it
};
struct Org {
    std::string id, name, description, created_at, updated_at, json;
};
/// Paging and filters of list_buckets / list_orgs (every field optional).
struct ListOptions {
    std::string org;    ///< buckets: organization name or ID
    std::string name;   ///< buckets: only this name
    std::string after;  ///< buckets: continue after this ID (the last of the previous page)
    std::int32_t offset = 0;
    std::int32_t limit = 0;  ///< 1..100; 0: the server's default (20)
};
template <class T>
struct Page {
    std::vector<T> items;
    bool more = false;  ///< the server offers a next page
};
/// Options of Client::create_bucket.
struct BucketOptions {
    std::string org;  ///< name or ID; "": the client's org
    std::string description;
    std::chrono::seconds retention{0};  ///< 0: keep forever
    std::chrono::seconds shard_group_duration{0};
};

namespace detail {
inline Bucket to_bucket(influx_bucket& b) {
    Bucket o{str(b.id), str(b.org_id), str(b.name), str(b.description), str(b.type),
             std::chrono::seconds(b.retention_seconds), std::chrono::seconds(b.shard_group_duration_seconds),
             str(b.created_at), str(b.updated_at), str(b.json)};
    influx_bucket_clear(&b);
    return o;
}
inline Org to_org(influx_org& g) {
    Org o{str(g.id), str(g.name), str(g.description), str(g.created_at), str(g.updated_at), str(g.json)};
    influx_org_clear(&g);
    return o;
}
struct ListOpts {
    explicit ListOpts(const ListOptions& o) {
        c.org = opt(o.org);
        c.name = opt(o.name);
        c.after = opt(o.after);
        c.offset = o.offset;
        c.limit = o.limit;
    }
    influx_list_opts c{};
};
}  // namespace detail

// ------------------------------------------------------------------------------------ Client

/// A configured client (url, token, org, TLS, timeouts). Thread-safe; move-only. Write APIs
/// it made stay usable after it is destroyed.
class Client {
public:
    /// Consumes `conf` (e.g. `Client{Conf{}.set("url", u).set("token", t).set("org", o)}`).
    explicit Client(Conf conf) {
        char err[512] = "";
        c_ = influx_client_new(conf.release(), err, sizeof err);
        if (!c_) throw detail::last_error(INFLUX_ERR_CONFIG);
    }
    /// From INFLUXDB_V2_URL, _TOKEN, _ORG, ... (the seed's from_env_properties).
    static Client from_env() { return Client(Conf::from_env()); }
    static Client from_file(const std::string& path) { return Client(Conf::from_file(path)); }
    Client(Client&& o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
    Client& operator=(Client&& o) noexcept {
        if (this != &o) {
            influx_client_free(c_);
            c_ = std::exchange(o.c_, nullptr);
        }
        return *this;
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client() { influx_client_free(c_); }

    /// A write API with `options` (write_type, batch_size, default_tags.<name>, ...) and
    /// delivery-report callbacks (batching/asynchronous modes).
    [[nodiscard]] WriteApi write_api(Conf options = Conf{}, Callbacks callbacks = {}) const {
        auto state = std::make_unique<detail::CallbackState>(std::move(callbacks));
        influx_conf* conf = options.c_ptr();
        if (conf && (state->cb.on_success || state->cb.on_error || state->cb.on_retry)) {
            detail::check(influx_conf_set_callbacks(conf, state->cb.on_success ? &detail::success_trampoline : nullptr,
                                                    state->cb.on_error ? &detail::error_trampoline : nullptr,
                                                    state->cb.on_retry ? &detail::retry_trampoline : nullptr,
                                                    state.get()));
        }
        char err[512] = "";
        influx_write_api* api = influx_write_api_new(c_, options.release(), err, sizeof err);
        if (!api) throw detail::last_error(INFLUX_ERR_CONFIG);
        return WriteApi(api, std::move(state));
    }
    [[nodiscard]] WriteApi write_api(Callbacks callbacks) const { return write_api(Conf{}, std::move(callbacks)); }

    /// Run a Flux query; iterate the result. `org` "": the client's org.
    [[nodiscard]] Query query(std::string_view flux, std::string_view org = {}) const {
        return open(flux, nullptr, org);
    }
    [[nodiscard]] Query query(std::string_view flux, const QueryParams& params, std::string_view org = {}) const {
        return open(flux, params.c_ptr(), org);
    }
    /// The whole answer as annotated CSV (the default dialect).
    std::string query_raw(std::string_view flux, std::string_view org = {}) const {
        const std::string f(flux), o(org);
        influx_query* q = nullptr;
        detail::check(influx_query_open_raw(c_, detail::opt(o), f.c_str(), nullptr, nullptr, &q));
        std::unique_ptr<influx_query, void (*)(influx_query*)> guard(q, influx_query_close);
        std::string out;
        char buf[16384];
        for (;;) {
            std::size_t n = 0;
            detail::check(influx_query_read_raw(q, buf, sizeof buf, &n));
            if (n == 0) break;
            out.append(buf, n);
        }
        return out;
    }

    /// GET /ping: version and build (throws if the server does not answer 2xx).
    PingInfo ping() const {
        influx_ping_info p{};
        detail::check(influx_ping(c_, &p));
        return PingInfo{p.version, p.build};
    }
    /// As ping(), without throwing: false and `ec` set if the server is not reachable.
    bool ping(std::error_code& ec) const noexcept {
        const influx_result rc = influx_ping(c_, nullptr);
        detail::set_ec(ec, rc);
        return rc == INFLUX_OK;
    }
    /// GET /health. Never throws for a failing server (as the seed): status "fail" and the
    /// reason in message.
    HealthInfo health() const {
        influx_health_info h{};
        const influx_result rc = influx_health(c_, &h);
        if (rc == INFLUX_ERR_INVALID_ARG || rc == INFLUX_ERR_INTERNAL) detail::throw_last(rc);
        HealthInfo o{detail::str(h.name), detail::str(h.status), detail::str(h.message), detail::str(h.version),
                     detail::str(h.commit)};
        influx_health_info_clear(&h);
        return o;
    }
    ReadyInfo ready() const {
        influx_ready_info r{};
        detail::check(influx_ready(c_, &r));
        ReadyInfo o{detail::str(r.status), detail::str(r.started), detail::str(r.up)};
        influx_ready_info_clear(&r);
        return o;
    }

    Bucket create_bucket(std::string_view name, const BucketOptions& opts = {}) const {
        const std::string n(name);
        influx_bucket b{};
        detail::check(influx_bucket_create(c_, detail::opt(opts.org), n.c_str(), detail::opt(opts.description),
                                           opts.retention.count(), opts.shard_group_duration.count(), &b));
        return detail::to_bucket(b);
    }
    /// The bucket so named (in `org`, "" any org the token reads), or nullopt.
    std::optional<Bucket> find_bucket(std::string_view name, std::string_view org = {}) const {
        const std::string n(name), o(org);
        influx_bucket b{};
        const influx_result rc = influx_bucket_find(c_, detail::opt(o), n.c_str(), &b);
        if (rc == INFLUX_ERR_NOT_FOUND) return std::nullopt;
        detail::check(rc);
        return detail::to_bucket(b);
    }
    std::optional<Bucket> find_bucket_by_id(std::string_view id) const {
        const std::string i(id);
        influx_bucket b{};
        const influx_result rc = influx_bucket_find_by_id(c_, i.c_str(), &b);
        if (rc == INFLUX_ERR_NOT_FOUND) return std::nullopt;
        detail::check(rc);
        return detail::to_bucket(b);
    }
    /// One page of buckets; continue with opts.after = the last item's id while `more`.
    Page<Bucket> list_buckets(const ListOptions& opts = {}) const {
        detail::ListOpts lo(opts);
        influx_bucket* arr = nullptr;
        std::size_t n = 0;
        bool more = false;
        detail::check(influx_buckets_list(c_, &lo.c, &arr, &n, &more));
        Page<Bucket> page;
        page.more = more;
        page.items.reserve(n);
        for (std::size_t i = 0; i < n; i++) page.items.push_back(detail::to_bucket(arr[i]));
        influx_buckets_free(arr, n);
        return page;
    }
    void delete_bucket(std::string_view id) const { detail::check(influx_bucket_delete(c_, std::string(id).c_str())); }

    std::optional<Org> find_org(std::string_view name) const {
        const std::string n(name);
        influx_org g{};
        const influx_result rc = influx_org_find(c_, n.c_str(), &g);
        if (rc == INFLUX_ERR_NOT_FOUND) return std::nullopt;
        detail::check(rc);
        return detail::to_org(g);
    }
    Org create_org(std::string_view name, std::string_view description = {}) const {
        const std::string n(name), d(description);
        influx_org g{};
        detail::check(influx_org_create(c_, n.c_str(), detail::opt(d), &g));
        return detail::to_org(g);
    }
    /// One page of organizations; continue with opts.offset += items.size() while `more`.
    Page<Org> list_orgs(const ListOptions& opts = {}) const {
        detail::ListOpts lo(opts);
        influx_org* arr = nullptr;
        std::size_t n = 0;
        bool more = false;
        detail::check(influx_orgs_list(c_, &lo.c, &arr, &n, &more));
        Page<Org> page;
        page.more = more;
        page.items.reserve(n);
        for (std::size_t i = 0; i < n; i++) page.items.push_back(detail::to_org(arr[i]));
        influx_orgs_free(arr, n);
        return page;
    }
    void delete_org(std::string_view id) const { detail::check(influx_org_delete(c_, std::string(id).c_str())); }
    /// The ID of an org name (16 hex digits are taken as an ID); "": the client's org.
    std::string org_id(std::string_view org = {}) const {
        const std::string o(org);
        char id[17] = "";
        detail::check(influx_org_resolve_id(c_, detail::opt(o), id));
        return id;
    }

    /// Delete the points of `bucket` in [start, stop] matching `predicate` ("" all), e.g.
    /// `_measurement="cpu" AND host="a"`. `org` "": the client's org.
    template <class D1, class D2>
    void delete_data(std::string_view bucket, std::chrono::time_point<std::chrono::system_clock, D1> start,
                     std::chrono::time_point<std::chrono::system_clock, D2> stop, std::string_view predicate = {},
                     std::string_view org = {}) const {
        const std::string b(bucket), p(predicate), o(org);
        detail::check(influx_delete(c_, b.c_str(), detail::opt(o), detail::ticks(start.time_since_epoch(), Precision::ns),
                                    detail::ticks(stop.time_since_epoch(), Precision::ns), detail::opt(p)));
    }

    influx_client* c_ptr() const noexcept { return c_; }

private:
    Query open(std::string_view flux, const influx_query_params* params, std::string_view org) const {
        const std::string f(flux), o(org);
        influx_query* q = nullptr;
        detail::check(influx_query_open(c_, detail::opt(o), f.c_str(), params, &q));
        return Query(q);
    }

    influx_client* c_ = nullptr;
};

}  // namespace influx

#undef INFLUX_CXX_COLD

#endif  // INFLUXDB_CLIENT_HPP
