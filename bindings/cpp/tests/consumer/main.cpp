// Links against influxdb_client::cxx; checks a point's text and the library version.
#include <influxdb_client.hpp>

#include <cstdio>
#include <optional>  // C++17 library feature: the target must bring cxx_std_17

int main() {
    std::optional<influx::Point> p;
    p.emplace("consumer");
    p->field("v", 1).tag("lang", "cpp");
    const bool ok = p->to_line_protocol() == "consumer,lang=cpp v=1i" && influx_version_int() == INFLUXDB_CLIENT_VERSION;
    std::printf("cxx consumer: %d passed, %d failed\n", ok, !ok);
    return ok ? 0 : 1;
}
