// The C++ header compiles on its own: included first (before any standard header) and twice,
// with -Wall -Wextra -Wpedantic -Werror, under g++ and clang++, C++17 and C++20 (ctest
// cpp_header_*). Every template of the API is instantiated below, so the check covers them.
#include "influxdb_client.hpp"
#include "influxdb_client.hpp"

namespace {
[[maybe_unused]] void uses_everything(const influx::Client& c, influx::WriteApi& api) {
    using namespace std::chrono;
    influx::Point p{"m"};
    p.tag("k", "v").field("a", 1).field("b", 2u).field("c", 1.5).field("d", true).field("e", "s").field("f", std::string("s"));
    p.time(system_clock::now()).time(time_point_cast<seconds>(system_clock::now())).time(1, influx::Precision::ms);
    influx::Point q = influx::Point{"m"}.field("f", 1.0f).time(time_point_cast<milliseconds>(system_clock::now()));
    std::error_code ec;
    api.write("b", p);
    api.write("b", "o", p);
    api.write("b", p, ec);
    api.write_lp("b", "m f=1", influx::Precision::s);
    influx::Shape s{"m", {"t"}, {{"f", influx::FieldType::f64}}};
    influx::Lines l{api, influx::Precision::us};
    l.add_row(s, {"x"}, {1.0}, system_clock::now());
    l.begin("m").tag("t", "x").field("f", std::uint16_t{1});
    l.end_at(system_clock::now());
    api.write("b", l, ec);
    (void)api.flush_for(milliseconds(10));
    (void)api.flush_for(seconds(1));
    const influx::Stats st = api.stats();
    (void)st;
    influx::QueryParams qp;
    qp.set("a", 1).set("b", 2.0).set("c", "x").set("d", true).set("e", system_clock::now()).set("f", minutes(5));
    for (const influx::Record& r : c.query("buckets()", qp)) {
        (void)r.get<double>("a");
        (void)r.get<float>(0);
        (void)r.get<std::int32_t>("a");
        (void)r.get<std::uint8_t>("a");
        (void)r.get<bool>("a");
        (void)r.get<std::string_view>("a");
        (void)r.get<std::string>("a");
        (void)r.get<influx::Time>("a");
        (void)r.get<nanoseconds>("a");
        (void)r.get<std::vector<std::uint8_t>>("a");
        (void)r.get_optional<double>("a");
        (void)r["a"];
    }
    c.delete_data("b", system_clock::now(), time_point_cast<seconds>(system_clock::now()));
    influx::Callbacks cb;
    cb.on_retry = [](const influx::Batch&, const influx::Failure&, std::uint32_t, milliseconds) {};
    influx::WriteApi w = c.write_api(influx::Conf{}.set("batch_size", "10").default_tag("a", "b"), std::move(cb));
}
}  // namespace

int main() { return 0; }
