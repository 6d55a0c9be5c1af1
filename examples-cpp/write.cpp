// Write points from C++: a batching write API with a default tag and delivery callbacks, the
// same readings as Points and as rows of a Shape, flush, stats, close. Configuration from the
// environment (INFLUXDB_V2_URL, _TOKEN, _ORG), the bucket from INFLUXDB_V2_BUCKET; argv[1] is
// the number of points (default 10000). Exit code 0 only if every point was delivered.
#include <influxdb_client.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
    const char* bucket = std::getenv("INFLUXDB_V2_BUCKET");
    if (!bucket) {
        std::fprintf(stderr, "set INFLUXDB_V2_BUCKET\n");
        return 2;
    }
    try {
        influx::Client client = influx::Client::from_env();

        std::atomic<std::uint64_t> delivered{0}, failed{0};
        influx::Callbacks cb;  // run on the write API's thread
        cb.on_success = [&](const influx::Batch& b) { delivered += b.lines; };
        cb.on_error = [&](const influx::Batch& b, const influx::Failure& f) {
            failed += b.lines;
            std::fprintf(stderr, "batch of %zu lines failed: %.*s (HTTP %d)\n", b.lines,
                         static_cast<int>(f.message.size()), f.message.data(), f.http_status);
        };
        influx::WriteApi api = client.write_api(
            influx::Conf{}.set("batch_size", "5000").set("flush_interval", "1000").default_tag("site", "example"),
            std::move(cb));

        const auto t0 = std::chrono::system_clock::now();
        // 1. Points: one object reused (same keys in the same order is the fast path)
        influx::Point p{"cpp_example"};
        for (int i = 0; i < n / 2; i++) {
            p.reset("cpp_example")
                .tag("host", "server-" + std::to_string(i % 10))
                .field("usage", i * 0.25)
                .field("count", i)
                .field("ok", i % 2 == 0)
                .time(t0 + std::chrono::microseconds(i));
            std::error_code ec;
            api.write(bucket, p, ec);  // buffer_full under load is an error code, not an exception
            if (ec) std::fprintf(stderr, "point %d not accepted: %s\n", i, ec.message().c_str());
        }
        // 2. Rows of a shape into a line buffer: keys checked and escaped once
        influx::Shape shape{"cpp_example", {"host"}, {{"usage", influx::FieldType::f64},
                                                       {"count", influx::FieldType::i64},
                                                       {"ok", influx::FieldType::boolean}}};
        influx::Lines lines{api};
        for (int i = n / 2; i < n; i++) {
            const std::string host = "server-" + std::to_string(i % 10);
            lines.add_row(shape, {host}, {i * 0.25, i, i % 2 == 0}, t0 + std::chrono::microseconds(i));
            if (lines.size() == 1000) api.write(bucket, lines);
        }
        api.write(bucket, lines);

        api.flush();  // every point above is now delivered or reported failed
        const influx::Stats s = api.stats();
        api.close();
        std::printf("accepted %llu, written %llu, failed %llu, retries %llu; callbacks saw %llu delivered\n",
                    static_cast<unsigned long long>(s.accepted), static_cast<unsigned long long>(s.written),
                    static_cast<unsigned long long>(s.failed), static_cast<unsigned long long>(s.retries),
                    static_cast<unsigned long long>(delivered.load()));
        return s.written == static_cast<std::uint64_t>(n) && failed == 0 ? 0 : 1;
    } catch (const influx::Error& e) {
        std::fprintf(stderr, "error: %s (HTTP %d) %s\n", e.what(), e.http_status(), e.server_message().c_str());
        return 1;
    }
}
