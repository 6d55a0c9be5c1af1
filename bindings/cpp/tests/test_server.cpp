// C++ binding against the real InfluxDB 2.x named by INFLUXDB_V2_URL/_TOKEN/_ORG/_BUCKET
// (run through scripts/with-influxdb.sh): every field type at every precision written and
// read back through influx::Query, rows, 8 threads through one WriteApi, queries with
// parameters and errors, status calls, buckets, organizations and deleting data.
#include "influxdb_client.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <thread>

using namespace std::chrono;
using influx::errc;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) {
        std::fprintf(stderr, "%s is not set: run through scripts/with-influxdb.sh\n", name);
        std::exit(2);
    }
    return v;
}

std::string run_id() {
    static const std::string id = "r" + std::to_string(system_clock::now().time_since_epoch().count()) + "_" +
                                  std::to_string(::getpid());
    return id;
}

influx::Client client() { return influx::Client::from_env(); }

std::string flux_for(const std::string& meas) {
    return "from(bucket:\"" + env("INFLUXDB_V2_BUCKET") + "\") |> range(start:0) |> filter(fn:(r)=>r._measurement==\"" +
           meas + "\" and r.run==\"" + run_id() + "\")";
}

std::int64_t count(const influx::Client& c, const std::string& meas, const std::string& field) {
    auto q = c.query(flux_for(meas) + " |> filter(fn:(r)=>r._field==\"" + field + "\") |> group() |> count()");
    std::int64_t n = 0;
    for (const auto& r : q) n += r.get<std::int64_t>("_value");
    return n;
}

template <class F>
errc code_of_get(F&& f) {
    try {
        f();
    } catch (const influx::Error& e) {
        return e.kind();
    }
    return static_cast<errc>(0);
}

const std::string kStr = "quote\" back\\slash, comma=equals žluť 🚀\nnewline";

}  // namespace

// Every field type at every precision: written with Point (synchronous) and with rows
// (batching), read back typed, times to the unit of the precision.
TEST(RealServer, EveryFieldTypeAndPrecisionRoundTrips) {
    auto c = client();
    auto sync_api = c.write_api(influx::Conf{}.set("write_type", "synchronous"));
    auto batch_api = c.write_api(influx::Conf{}.set("batch_size", "1000"));
    const std::string bucket = env("INFLUXDB_V2_BUCKET");
    const auto base = system_clock::time_point{} + seconds{1700000000};
    struct Case {
        const char* name;
        std::int64_t expect_ns;
    };
    const Case cases[] = {{"s", 1700000007LL * 1000000000},
                          {"ms", 1700000000007LL * 1000000},
                          {"us", 1700000000000007LL * 1000},
                          {"ns", 1700000000000000007LL}};
    influx::Shape shape{"placeholder", {"run", "how"}, {{"f", influx::FieldType::f64}, {"i", influx::FieldType::i64},
                                                        {"u", influx::FieldType::u64}, {"b", influx::FieldType::boolean},
                                                        {"s", influx::FieldType::str}}};
    for (const auto& cs : cases) {
        const std::string meas = std::string("cpp_types_") + cs.name;
        influx::Point p{meas};
        p.tag("run", run_id()).tag("how", "point");
        p.field("f", -0.30000000000000004).field("i", std::numeric_limits<std::int64_t>::min() + 1)
            .field("u", std::numeric_limits<std::uint64_t>::max()).field("b", true).field("s", kStr);
        const std::string n = cs.name;
        influx::Precision prec;
        if (n == "s") {
            p.time(time_point_cast<seconds>(base) + seconds{7});
            prec = influx::Precision::s;
        } else if (n == "ms") {
            p.time(time_point_cast<milliseconds>(base) + milliseconds{7});
            prec = influx::Precision::ms;
        } else if (n == "us") {
            p.time(time_point_cast<microseconds>(base) + microseconds{7});
            prec = influx::Precision::us;
        } else {
            p.time(time_point_cast<nanoseconds>(base) + nanoseconds{7});
            prec = influx::Precision::ns;
        }
        sync_api.write(bucket, p);

        // the same values as a row of another measurement, through a line buffer
        influx::Shape s{meas + "_rows", {"run", "how"}, {{"f", influx::FieldType::f64}, {"i", influx::FieldType::i64},
                                                         {"u", influx::FieldType::u64}, {"b", influx::FieldType::boolean},
                                                         {"s", influx::FieldType::str}}};
        influx::Lines lines{batch_api, prec};
        lines.add_row(s, {run_id(), "rows"},
                      {-0.30000000000000004, std::numeric_limits<std::int64_t>::min() + 1,
                       std::numeric_limits<std::uint64_t>::max(), true, kStr},
                      time_point_cast<nanoseconds>(base) + nanoseconds{cs.expect_ns - 1700000000LL * 1000000000});
        batch_api.write(bucket, lines);
    }
    batch_api.flush();
    EXPECT_EQ(batch_api.stats().written, 4u);

    for (const auto& cs : cases) {
        for (const std::string suffix : {"", "_rows"}) {
            const std::string meas = std::string("cpp_types_") + cs.name + suffix;
            std::map<std::string, int> seen;
            auto q = c.query(flux_for(meas));
            for (const influx::Record& r : q) {
                const std::string field(r["_field"]);
                seen[field]++;
                EXPECT_EQ(r.get<influx::Time>("_time").time_since_epoch().count(), cs.expect_ns) << meas << " " << field;
                EXPECT_EQ(r["how"], suffix.empty() ? "point" : "rows");
                if (field == "f") {
                    EXPECT_EQ(r.get<double>("_value"), -0.30000000000000004);
                } else if (field == "i") {
                    EXPECT_EQ(r.get<std::int64_t>("_value"), std::numeric_limits<std::int64_t>::min() + 1);
                } else if (field == "u") {
                    EXPECT_EQ(r.get<std::uint64_t>("_value"), std::numeric_limits<std::uint64_t>::max());
                    EXPECT_THROW(r.get<std::int64_t>("_value"), influx::Error);  // out of int64 range
                } else if (field == "b") {
                    EXPECT_TRUE(r.get<bool>("_value"));
                    EXPECT_THROW(r.get<double>("_value"), influx::Error);  // a bool is not a number
                } else if (field == "s") {
                    EXPECT_EQ(r.get<std::string>("_value"), kStr);
                    EXPECT_EQ(r.get<std::string_view>("_value"), kStr);
                }
            }
            EXPECT_EQ(seen.size(), 5u) << meas;
            for (const auto& kv : seen) EXPECT_EQ(kv.second, 1) << meas << " " << kv.first;
            EXPECT_GE(q.tables(), 5u);
        }
    }
}

TEST(RealServer, EightThreadsThroughOneWriteApi) {
    auto c = client();
    const std::string bucket = env("INFLUXDB_V2_BUCKET");
    std::atomic<std::uint64_t> ok_lines{0}, err_lines{0};
    influx::Callbacks cb;
    cb.on_success = [&](const influx::Batch& b) { ok_lines += b.lines; };
    cb.on_error = [&](const influx::Batch& b, const influx::Failure&) { err_lines += b.lines; };
    auto api = c.write_api(influx::Conf{}.set("batch_size", "2000").default_tag("run", run_id()), std::move(cb));
    constexpr int kThreads = 8, kPoints = 5000;
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; t++) {
        ts.emplace_back([&, t] {
            influx::Point p{"cpp_threads"};
            influx::Lines lines{api};
            influx::Shape shape{"cpp_threads", {"thread"}, {{"n", influx::FieldType::i64}}};
            const std::string tag = "t" + std::to_string(t);
            for (int i = 0; i < kPoints; i++) {
                if (i % 2 == 0) {
                    p.reset("cpp_threads").tag("thread", tag).field("n", i).time(1700000000000000000LL + i, influx::Precision::ns);
                    api.write(bucket, p);
                } else {
                    lines.add_row(shape, {tag}, {i}, std::int64_t{1700000000000000000LL + i});
                    if (lines.size() >= 100) api.write(bucket, lines);
                }
            }
            api.write(bucket, lines);
        });
    }
    for (auto& th : ts) th.join();
    api.flush();
    const auto st = api.stats();
    EXPECT_EQ(st.accepted, std::uint64_t{kThreads * kPoints});
    EXPECT_EQ(st.written, std::uint64_t{kThreads * kPoints});
    EXPECT_EQ(st.failed, 0u);
    api.close();
    EXPECT_EQ(ok_lines.load(), std::uint64_t{kThreads * kPoints});
    EXPECT_EQ(err_lines.load(), 0u);
    EXPECT_EQ(count(c, "cpp_threads", "n"), kThreads * kPoints);
}

TEST(RealServer, QueriesParamsAndErrors) {
    auto c = client();
    const std::string bucket = env("INFLUXDB_V2_BUCKET");
    auto api = c.write_api(influx::Conf{}.set("write_type", "synchronous"));
    for (int i = 0; i < 10; i++)
        api.write(bucket, influx::Point{"cpp_query"}.tag("run", run_id()).tag("k", i % 2 ? "odd" : "even").field("v", i)
                              .time(1700000000 + i, influx::Precision::s));
    // parameters, tables, manual next()
    influx::QueryParams params;
    params.set("_bucket", bucket).set("_run", run_id()).set("_min", 3).set("_start", system_clock::time_point{});
    auto q = c.query(
        "from(bucket: _bucket) |> range(start: _start) |> filter(fn:(r)=>r._measurement==\"cpp_query\" and "
        "r.run==_run and r._value >= _min)",
        params);
    std::int64_t sum = 0, n = 0;
    while (q.next()) {
        const influx::Record& r = q.record();
        sum += r.get<std::int64_t>("_value");
        n++;
        EXPECT_LT(r.column_index("_value"), r.size());
        EXPECT_EQ(r.column_index("no_such_column"), influx::Record::npos);
        EXPECT_EQ(r.get<std::string>(r.column_index("_measurement")), "cpp_query");
    }
    EXPECT_EQ(n, 7);
    EXPECT_EQ(sum, 3 + 4 + 5 + 6 + 7 + 8 + 9);
    EXPECT_EQ(q.tables(), 2u);  // k=even, k=odd
    EXPECT_FALSE(q.next());     // stays at the end

    // a missing column, a null cell
    auto q2 = c.query(flux_for("cpp_query") + " |> limit(n:1)");
    auto it = q2.begin();
    ASSERT_TRUE(it != q2.end());
    EXPECT_EQ(code_of_get([&] { (void)it->get<double>("nope"); }), errc::not_found);
    ++it;
    EXPECT_TRUE(it == q2.end() || it->table() >= 1);

    // a syntax error: the HTTP answer at open
    try {
        (void)c.query("from(bucket: ");
        FAIL() << "no throw";
    } catch (const influx::Error& e) {
        EXPECT_EQ(e.kind(), errc::http);
        EXPECT_EQ(e.http_status(), 400);
        EXPECT_FALSE(e.server_message().empty());
    }
    // an error in the result (after a 200): thrown while iterating. The server may find it
    // before sending anything (an HTTP 400 at open, same message): try until it is in-band.
    const std::string bad =
        "import \"array\"\narray.from(rows:[{a:1}]) |> yield(name:\"ok\")\n"
        "array.from(rows:[{a:2}]) |> map(fn: (r) => ({r with b: die(msg:\"boom\")})) |> yield(name:\"bad\")";
    bool in_band = false;
    for (int attempt = 0; attempt < 20 && !in_band; attempt++) {
        influx::Query q3;
        try {
            q3 = c.query(bad);
        } catch (const influx::Error& e) {
            EXPECT_EQ(e.http_status(), 400);
            EXPECT_NE(e.server_message().find("boom"), std::string::npos);
            continue;
        }
        in_band = true;
        int rows = 0;
        try {
            for (const auto& r : q3) {
                EXPECT_EQ(r.get<std::int64_t>("a"), 1);
                rows++;
            }
            ADD_FAILURE() << "no throw";
        } catch (const influx::Error& e) {
            EXPECT_EQ(e.kind(), errc::query);
            EXPECT_NE(std::string(e.what()).find("boom"), std::string::npos) << e.what();
        }
        EXPECT_EQ(rows, 1);
        EXPECT_THROW(q3.next(), influx::Error);  // sticky
    }
    EXPECT_TRUE(in_band) << "no in-band error in 20 attempts";
    // raw CSV
    const std::string csv = c.query_raw(flux_for("cpp_query") + " |> count()");
    EXPECT_NE(csv.find("#datatype"), std::string::npos);
}

TEST(RealServer, StatusBucketsOrgsDelete) {
    auto c = client();
    const auto ping = c.ping();
    EXPECT_EQ(ping.version.rfind("v2.", 0), 0u) << ping.version;
    std::error_code ec;
    EXPECT_TRUE(c.ping(ec));
    EXPECT_FALSE(ec);
    const auto health = c.health();
    EXPECT_TRUE(health.ok()) << health.message;
    EXPECT_EQ(c.ready().status, "ready");

    const std::string name = "cpp_bucket_" + run_id();
    influx::BucketOptions bo;
    bo.description = "made by the C++ tests";
    bo.retention = hours{2};
    const influx::Bucket b = c.create_bucket(name, bo);
    EXPECT_EQ(b.name, name);
    EXPECT_EQ(b.retention, seconds{7200});
    EXPECT_EQ(b.org_id, env("INFLUXDB_V2_ORG_ID"));
    const auto found = c.find_bucket(name);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, b.id);
    EXPECT_EQ(c.find_bucket_by_id(b.id)->name, name);
    influx::ListOptions lo;
    lo.name = name;
    const auto page = c.list_buckets(lo);
    ASSERT_EQ(page.items.size(), 1u);
    EXPECT_EQ(page.items[0].description, "made by the C++ tests");
    c.delete_bucket(b.id);
    EXPECT_FALSE(c.find_bucket(name).has_value());
    EXPECT_EQ(code_of_get([&] { c.delete_bucket(b.id); }), errc::not_found);

    EXPECT_EQ(c.org_id(), env("INFLUXDB_V2_ORG_ID"));
    ASSERT_TRUE(c.find_org(env("INFLUXDB_V2_ORG")).has_value());
    EXPECT_FALSE(c.find_org("no-such-org-" + run_id()).has_value());
    const influx::Org o = c.create_org("cpp_org_" + run_id(), "temporary");
    EXPECT_EQ(o.description, "temporary");
    influx::ListOptions ol;
    ol.limit = 100;
    bool listed = false;
    for (const auto& x : c.list_orgs(ol).items) listed = listed || x.id == o.id;
    EXPECT_TRUE(listed);
    c.delete_org(o.id);

    // delete data: host a goes, host b stays
    const std::string bucket = env("INFLUXDB_V2_BUCKET");
    auto api = c.write_api(influx::Conf{}.set("write_type", "synchronous"));
    api.write(bucket, influx::Point{"cpp_delete"}.tag("run", run_id()).tag("host", "a").field("v", 1).time(1700000000, influx::Precision::s));
    api.write(bucket, influx::Point{"cpp_delete"}.tag("run", run_id()).tag("host", "b").field("v", 1).time(1700000000, influx::Precision::s));
    EXPECT_EQ(count(c, "cpp_delete", "v"), 2);
    c.delete_data(bucket, system_clock::time_point{} + seconds{1690000000}, system_clock::time_point{} + seconds{1710000000},
                  "_measurement=\"cpp_delete\" AND host=\"a\" AND run=\"" + run_id() + "\"");
    EXPECT_EQ(count(c, "cpp_delete", "v"), 1);
}

TEST(RealServer, BadTokenIsA401WithoutTheToken) {
    const std::string token = "wrong-token-must-not-leak-42";
    influx::Client c{influx::Conf{}.set("url", env("INFLUXDB_V2_URL")).set("token", token).set("org", env("INFLUXDB_V2_ORG"))};
    auto api = c.write_api(influx::Conf{}.set("write_type", "synchronous"));
    try {
        api.write(env("INFLUXDB_V2_BUCKET"), influx::Point{"m"}.field("f", 1.0));
        FAIL() << "no throw";
    } catch (const influx::Error& e) {
        EXPECT_EQ(e.kind(), errc::http);
        EXPECT_EQ(e.http_status(), 401);
        EXPECT_EQ(std::string(e.what()).find(token), std::string::npos);
        EXPECT_EQ(e.server_message().find(token), std::string::npos);
    }
    EXPECT_THROW((void)c.query("buckets()"), influx::Error);
}
