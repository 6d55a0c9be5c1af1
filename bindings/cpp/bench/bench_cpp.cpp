// 1,000,000 standard points from one thread, timed from the first point until flush + close
// returned (delivery included), through:
//   cpp-points  influx::Point reused (reset, 2 tags, 4 fields, time) + WriteApi::write
//   cpp-rows    influx::Shape + influx::Lines::add_row, WriteApi::write(lines) every 1000
//   c-points    the C API doing the same: influx_point_reset + add_* + set_time + influx_write
//   c-rows      the C API: influx_lines_add_row + influx_write_lines every 1000
//   baseline    a C++ client with influxdb-cxx's architecture from Debian packages only: a
//               std::deque of points with std::variant fields, formatted with std::to_chars
//               and POSTed synchronously with libcurl in 5000-line bodies on the caller's thread
// Batching write APIs: batch_size 5000, flush_interval 1000 ms. Standard point i: cpu,
// host=server-<i%100>, region=us-west-<i%4>, usage_user=i*0.37, usage_system=i*0.11, count=i,
// ok=(i%2==0), time 1700000000000000000 + i*1000 ns.
//
//   bench_cpp MODE URL TOKEN ORG BUCKET N MEASUREMENT
// prints: result <MODE> <points/s> <cpu seconds> <wall seconds>
#include <influxdb_client.hpp>

#include <curl/curl.h>
#include <sys/resource.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <variant>
#include <vector>

namespace {

std::string hosts[100], regions[4];

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Args {
    std::string url, token, org, bucket, meas;
    long n;
};

influx::Client cpp_client(const Args& a) {
    return influx::Client{influx::Conf{}.set("url", a.url).set("token", a.token).set("org", a.org)};
}

influx::Conf write_conf() { return influx::Conf{}.set("batch_size", "5000").set("flush_interval", "1000"); }

void check_stats(const influx::Stats& s, long n) {
    if (s.written != static_cast<std::uint64_t>(n)) {
        std::fprintf(stderr, "written %llu of %ld\n", static_cast<unsigned long long>(s.written), n);
        std::exit(1);
    }
}

void cpp_points(const Args& a) {
    auto client = cpp_client(a);
    auto api = client.write_api(write_conf());
    influx::Point p{a.meas};
    for (long i = 0; i < a.n; i++) {
        p.reset(a.meas)
            .tag("host", hosts[i % 100])
            .tag("region", regions[i % 4])
            .field("usage_user", static_cast<double>(i) * 0.37)
            .field("usage_system", static_cast<double>(i) * 0.11)
            .field("count", static_cast<std::int64_t>(i))
            .field("ok", i % 2 == 0)
            .time(1700000000000000000LL + i * 1000, influx::Precision::ns);
        api.write(a.bucket, p);
    }
    api.flush();
    check_stats(api.stats(), a.n);
    api.close();
}

void cpp_rows(const Args& a) {
    auto client = cpp_client(a);
    auto api = client.write_api(write_conf());
    influx::Shape shape{a.meas,
                        {"host", "region"},
                        {{"usage_user", influx::FieldType::f64},
                         {"usage_system", influx::FieldType::f64},
                         {"count", influx::FieldType::i64},
                         {"ok", influx::FieldType::boolean}}};
    influx::Lines lines{api};
    for (long i = 0; i < a.n; i++) {
        lines.add_row(shape, {hosts[i % 100], regions[i % 4]},
                      {static_cast<double>(i) * 0.37, static_cast<double>(i) * 0.11, static_cast<std::int64_t>(i), i % 2 == 0},
                      std::int64_t{1700000000000000000LL + i * 1000});
        if (lines.size() == 1000) api.write(a.bucket, lines);
    }
    api.write(a.bucket, lines);
    api.flush();
    check_stats(api.stats(), a.n);
    api.close();
}

influx_write_api* c_api(const Args& a, influx_client** out) {
    influx_conf* c = influx_conf_new();
    influx_conf_set(c, "url", a.url.c_str(), nullptr, 0);
    influx_conf_set(c, "token", a.token.c_str(), nullptr, 0);
    influx_conf_set(c, "org", a.org.c_str(), nullptr, 0);
    *out = influx_client_new(c, nullptr, 0);
    influx_conf* w = influx_conf_new();
    influx_conf_set(w, "batch_size", "5000", nullptr, 0);
    influx_conf_set(w, "flush_interval", "1000", nullptr, 0);
    return influx_write_api_new(*out, w, nullptr, 0);
}

void c_finish(influx_write_api* api, influx_client* client, long n) {
    influx_flush(api);
    influx_write_stats s{};
    influx_write_api_stats(api, &s);
    if (s.written != static_cast<std::uint64_t>(n)) {
        std::fprintf(stderr, "written %llu of %ld\n", static_cast<unsigned long long>(s.written), n);
        std::exit(1);
    }
    influx_write_api_close(api);
    influx_client_free(client);
}

void c_points(const Args& a) {
    influx_client* client;
    influx_write_api* api = c_api(a, &client);
    const char* m = a.meas.c_str();
    const char* bucket = a.bucket.c_str();
    influx_point* p = influx_point_new(m);
    for (long i = 0; i < a.n; i++) {
        influx_result rc = influx_point_reset(p, m);
        rc |= influx_point_add_tag(p, "host", hosts[i % 100].c_str());
        rc |= influx_point_add_tag(p, "region", regions[i % 4].c_str());
        rc |= influx_point_add_field_f64(p, "usage_user", static_cast<double>(i) * 0.37);
        rc |= influx_point_add_field_f64(p, "usage_system", static_cast<double>(i) * 0.11);
        rc |= influx_point_add_field_i64(p, "count", i);
        rc |= influx_point_add_field_bool(p, "ok", i % 2 == 0);
        rc |= influx_point_set_time(p, 1700000000000000000LL + i * 1000, INFLUX_PRECISION_NS);
        rc |= influx_write(api, bucket, nullptr, p);
        if (rc) std::exit(1);
    }
    influx_point_free(p);
    c_finish(api, client, a.n);
}

void c_rows(const Args& a) {
    influx_client* client;
    influx_write_api* api = c_api(a, &client);
    const char* tag_keys[] = {"host", "region"};
    const char* field_keys[] = {"usage_user", "usage_system", "count", "ok"};
    influx_field_type types[] = {INFLUX_FIELD_F64, INFLUX_FIELD_F64, INFLUX_FIELD_I64, INFLUX_FIELD_BOOL};
    influx_shape* shape = influx_shape_new(a.meas.c_str(), tag_keys, 2, field_keys, types, 4);
    influx_lines* lines = influx_lines_new(api, INFLUX_PRECISION_NS);
    const char* bucket = a.bucket.c_str();
    for (long i = 0; i < a.n; i++) {
        const char* tags[] = {hosts[i % 100].c_str(), regions[i % 4].c_str()};
        influx_value f[4];
        f[0].f64 = static_cast<double>(i) * 0.37;
        f[1].f64 = static_cast<double>(i) * 0.11;
        f[2].i64 = i;
        f[3].b = i % 2 == 0;
        const std::int64_t t = 1700000000000000000LL + i * 1000;
        if (influx_lines_add_row(lines, shape, tags, f, &t)) std::exit(1);
        if (influx_lines_count(lines) == 1000 && influx_write_lines(api, bucket, nullptr, lines)) std::exit(1);
    }
    if (influx_write_lines(api, bucket, nullptr, lines)) std::exit(1);
    influx_lines_free(lines);
    influx_shape_free(shape);
    c_finish(api, client, a.n);
}

// ---- baseline: influxdb-cxx's architecture, Debian packages only (libcurl) ----
namespace baseline {
using FieldValue = std::variant<int, long long, std::string, double, bool, unsigned int, unsigned long long>;
struct Point {
    explicit Point(std::string m) : measurement(std::move(m)) {}
    Point&& addTag(std::string_view k, std::string_view v) {
        tags.emplace_back(std::string(k), std::string(v));
        return std::move(*this);
    }
    Point&& addField(std::string_view k, const FieldValue& v) {
        fields.emplace_back(std::string(k), v);
        return std::move(*this);
    }
    Point&& setTimestamp(std::int64_t ns) {
        timestamp = ns;
        return std::move(*this);
    }
    std::string measurement;
    std::vector<std::pair<std::string, std::string>> tags;
    std::vector<std::pair<std::string, FieldValue>> fields;
    std::int64_t timestamp = 0;
};

template <class T>
void num(std::string& out, T v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

std::string to_line(const Point& p) {
    std::string s = p.measurement;
    for (const auto& [k, v] : p.tags) s.append(",").append(k).append("=").append(v);
    char sep = ' ';
    for (const auto& [k, v] : p.fields) {
        s.push_back(sep);
        sep = ',';
        s.append(k).push_back('=');
        std::visit(
            [&](const auto& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, bool>)
                    s.append(x ? "true" : "false");
                else if constexpr (std::is_same_v<T, std::string>)
                    s.append("\"").append(x).append("\"");
                else if constexpr (std::is_same_v<T, double>)
                    num(s, x);
                else if constexpr (std::is_unsigned_v<T>) {
                    num(s, x);
                    s.push_back('u');
                } else {
                    num(s, x);
                    s.push_back('i');
                }
            },
            v);
    }
    s.push_back(' ');
    num(s, p.timestamp);
    return s;
}

class Client {
public:
    Client(const Args& a, std::size_t batch) : batch_(batch) {
        curl_ = curl_easy_init();
        url_ = a.url + "/api/v2/write?org=" + a.org + "&bucket=" + a.bucket + "&precision=ns";
        headers_ = curl_slist_append(nullptr, ("Authorization: Token " + a.token).c_str());
        headers_ = curl_slist_append(headers_, "Content-Type: text/plain; charset=utf-8");
        curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
        curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
        curl_easy_setopt(curl_, CURLOPT_POST, 1L);
        curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, +[](char*, size_t s, size_t n, void*) { return s * n; });
    }
    ~Client() {
        flushBatch();
        curl_slist_free_all(headers_);
        curl_easy_cleanup(curl_);
    }
    void write(Point&& p) {
        points_.push_back(std::move(p));
        if (points_.size() >= batch_) flushBatch();
    }
    void flushBatch() {
        if (points_.empty()) return;
        std::string body;
        for (const auto& p : points_) {
            body += to_line(p);
            body.push_back('\n');
        }
        points_.clear();
        curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        const CURLcode rc = curl_easy_perform(curl_);
        long status = 0;
        curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
        if (rc != CURLE_OK || status / 100 != 2) {
            std::fprintf(stderr, "baseline: POST failed: %s, HTTP %ld\n", curl_easy_strerror(rc), status);
            std::exit(1);
        }
    }

private:
    CURL* curl_;
    curl_slist* headers_;
    std::string url_;
    std::size_t batch_;
    std::deque<Point> points_;
};
}  // namespace baseline

void baseline_run(const Args& a) {
    baseline::Client c(a, 5000);
    for (long i = 0; i < a.n; i++) {
        c.write(baseline::Point{a.meas}
                    .addTag("host", hosts[i % 100])
                    .addTag("region", regions[i % 4])
                    .addField("usage_user", static_cast<double>(i) * 0.37)
                    .addField("usage_system", static_cast<double>(i) * 0.11)
                    .addField("count", static_cast<long long>(i))
                    .addField("ok", i % 2 == 0)
                    .setTimestamp(1700000000000000000LL + i * 1000));
    }
    c.flushBatch();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 8) {
        std::fprintf(stderr, "usage: bench_cpp MODE URL TOKEN ORG BUCKET N MEASUREMENT\n");
        return 2;
    }
    for (int i = 0; i < 100; i++) hosts[i] = "server-" + std::to_string(i);
    for (int i = 0; i < 4; i++) regions[i] = "us-west-" + std::to_string(i);
    const std::string mode = argv[1];
    Args a{argv[2], argv[3], argv[4], argv[5], argv[7], std::atol(argv[6])};
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const double c0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    if (mode == "cpp-points")
        cpp_points(a);
    else if (mode == "cpp-rows")
        cpp_rows(a);
    else if (mode == "c-points")
        c_points(a);
    else if (mode == "c-rows")
        c_rows(a);
    else if (mode == "baseline")
        baseline_run(a);
    else {
        std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
        return 2;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpu_seconds() - c0;
    std::printf("result %s %.0f %.3f %.3f\n", mode.c_str(), static_cast<double>(a.n) / wall, cpu, wall);
    curl_global_cleanup();
    return 0;
}
