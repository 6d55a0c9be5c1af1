// Read data back with a Flux query from C++: write a few points synchronously, then iterate the
// records of a query (one at a time from the network: constant memory), typed cells by column
// name. Configuration from the environment (INFLUXDB_V2_URL, _TOKEN, _ORG, _BUCKET).
#include <influxdb_client.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

int main() {
    const char* bucket = std::getenv("INFLUXDB_V2_BUCKET");
    if (!bucket) {
        std::fprintf(stderr, "set INFLUXDB_V2_BUCKET\n");
        return 2;
    }
    try {
        influx::Client client = influx::Client::from_env();
        const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
        {
            influx::WriteApi api = client.write_api(influx::Conf{}.set("write_type", "synchronous"));
            for (int i = 0; i < 6; i++) {
                api.write(bucket, influx::Point{"cpp_query_example"}
                                      .tag("run", run)
                                      .tag("room", i % 2 ? "kitchen" : "hall")
                                      .field("temp", 20.5 + i)
                                      .time(std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>(
                                          std::chrono::seconds(1700000000 + i * 60))));
            }
        }  // closed here

        influx::QueryParams params;
        params.set("_bucket", bucket).set("_run", run);  // Flux sees them as _bucket, _run
        influx::Query q = client.query(
            "from(bucket: _bucket) |> range(start: 0) "
            "|> filter(fn: (r) => r._measurement == \"cpp_query_example\" and r.run == _run)",
            params);
        int records = 0;
        double sum = 0;
        for (const influx::Record& r : q) {
            const influx::Time t = r.get<influx::Time>("_time");
            const double temp = r.get<double>("_value");
            const std::string_view room = r["room"];
            std::printf("table %zu  %s  %-8.*s %.1f  (%lld s)\n", r.table(), std::string(r["_field"]).c_str(),
                        static_cast<int>(room.size()), room.data(), temp,
                        static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count()));
            sum += temp;
            records++;
        }
        std::printf("%d records in %zu tables, mean %.2f\n", records, q.tables(), sum / (records ? records : 1));
        return records == 6 && q.tables() == 2 ? 0 : 1;
    } catch (const influx::Error& e) {
        std::fprintf(stderr, "error: %s (HTTP %d) %s\n", e.what(), e.http_status(), e.server_message().c_str());
        return 1;
    }
}
