// C++ binding without a database: line protocol text, errors, Conf, shapes and rows, move
// semantics, and the write callbacks against a scripted HTTP server that fails on demand
// (retries, rejections, a server that never answers), including callbacks that throw.
#include "influxdb_client.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <stdexcept>

#include "http_stub.hpp"

using namespace std::chrono;
using influx::errc;

namespace {

template <class F>
errc code_of(F&& f) {
    try {
        f();
    } catch (const influx::Error& e) {
        return e.kind();
    }
    return static_cast<errc>(0);
}

influx::Client stub_client(const stub::Server& s, const char* token = "secret-token-xyz") {
    return influx::Client{influx::Conf{}.set("url", s.url()).set("token", token).set("org", "o").set("timeout", "2000")};
}

}  // namespace

TEST(Point, IssueSampleText) {
    influx::Point p{"cpu"};
    p.tag("host", "a").field("v", 0.5).field("n", std::int64_t{3}).field("ok", true).field("s", std::string{"x"})
        .time(time_point<system_clock, nanoseconds>{nanoseconds{1700000000000000000}});
    EXPECT_EQ(p.to_line_protocol(), "cpu,host=a n=3i,ok=true,s=\"x\",v=0.5 1700000000000000000");
}

TEST(Point, FieldOverloadsPickTheType) {
    influx::Point p{"m"};
    const char carr[] = "arr";
    std::string_view sv = "sv";
    p.field("a", std::int8_t{-1}).field("b", short{-2}).field("c", -3).field("d", -4L).field("e", -5LL);
    p.field("f", std::uint8_t{1}).field("g", static_cast<unsigned short>(2)).field("h", 3u).field("i", 4UL)
        .field("j", 5ULL);
    p.field("k", 1.5f).field("l", 2.25).field("m", 3.0L).field("n", false);
    p.field("o", "lit").field("p", carr).field("q", sv).field("r", std::string("str"));
    EXPECT_EQ(p.to_line_protocol(),
              "m a=-1i,b=-2i,c=-3i,d=-4i,e=-5i,f=1u,g=2u,h=3u,i=4u,j=5u,k=1.5,l=2.25,m=3,n=false,o=\"lit\",p=\"arr\","
              "q=\"sv\",r=\"str\"");
}

TEST(Point, TimePrecisionFollowsTheDuration) {
    const auto base = system_clock::time_point{} + seconds{1700000000};
    EXPECT_EQ(influx::Point{"m"}.field("f", 1).time(time_point_cast<seconds>(base)).to_line_protocol(), "m f=1i 1700000000");
    EXPECT_EQ(influx::Point{"m"}.field("f", 1).time(time_point_cast<milliseconds>(base) + milliseconds{7}).to_line_protocol(),
              "m f=1i 1700000000007");
    EXPECT_EQ(influx::Point{"m"}.field("f", 1).time(time_point_cast<microseconds>(base) + microseconds{7}).to_line_protocol(),
              "m f=1i 1700000000000007");
    EXPECT_EQ(influx::Point{"m"}.field("f", 1).time(time_point_cast<nanoseconds>(base) + nanoseconds{7}).to_line_protocol(),
              "m f=1i 1700000000000000007");
    // minutes: exact in seconds
    EXPECT_EQ(influx::Point{"m"}.field("f", 1).time(time_point_cast<minutes>(base)).to_line_protocol(),
              "m f=1i " + std::to_string(1700000000 / 60 * 60));
    EXPECT_EQ(influx::Point{"m"}.field("f", 1).time(5, influx::Precision::ms).to_line_protocol(), "m f=1i 5");
}

TEST(Point, ReuseWithReset) {
    influx::Point p{"a"};
    for (int i = 0; i < 3; i++) {
        p.reset("cpu").tag("host", "h" + std::to_string(i)).field("v", i);
        EXPECT_EQ(p.to_line_protocol(), "cpu,host=h" + std::to_string(i) + " v=" + std::to_string(i) + "i");
    }
}

TEST(Error, CodesCategoryAndDetail) {
    try {
        influx::Point bad{"#comment"};
        FAIL() << "no throw";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), errc::invalid_point);
        EXPECT_STREQ(e.code().category().name(), "influx");
        EXPECT_NE(std::string(e.what()).find("#comment"), std::string::npos);
    }
    EXPECT_EQ(code_of([] { influx::Point{"m"}.tag("time", "x"); }), errc::invalid_point);
    EXPECT_EQ(code_of([] { influx::Point{"m"}.tag("k", "bad\\"); }), errc::invalid_point);
    EXPECT_EQ(code_of([] { (void)influx::Point{"m"}.to_line_protocol(); }), errc::invalid_point);  // no field
    EXPECT_EQ(code_of([] { influx::Point{"m"}.field("k", std::string_view("a\0b", 3)); }), errc::invalid_arg);
    EXPECT_EQ(code_of([] { influx::Point{std::string_view("\xff", 1)}; }), errc::invalid_utf8);
    std::error_code ec = errc::buffer_full;
    EXPECT_EQ(ec, std::errc::no_buffer_space);
    EXPECT_EQ(std::error_code(errc::timed_out), std::errc::timed_out);
    EXPECT_EQ(ec.message(), influx_strerror(INFLUX_ERR_BUFFER_FULL));
}

TEST(Conf, SetGetEnvFile) {
    influx::Conf c;
    c.set("batch_size", "123").set("token", "tok").default_tag("dc", "eu");
    EXPECT_EQ(c.get("batch_size"), "123");
    EXPECT_EQ(c.get("token"), "***");
    EXPECT_EQ(c.get("default_tags.dc"), "eu");
    EXPECT_EQ(code_of([&] { c.set("no_such_key", "1"); }), errc::config);
    EXPECT_EQ(code_of([&] { c.set("batch_size", "many"); }), errc::config);

    ::setenv("INFLUXDB_V2_URL", "http://env-host:8086", 1);
    ::setenv("INFLUXDB_V2_ORG", "env-org", 1);
    auto e = influx::Conf::from_env();
    EXPECT_EQ(e.get("url"), "http://env-host:8086");
    EXPECT_EQ(e.get("org"), "env-org");
    ::unsetenv("INFLUXDB_V2_URL");
    ::unsetenv("INFLUXDB_V2_ORG");

    char path[] = "/tmp/influx-cpp-conf-XXXXXX.ini";
    int fd = ::mkstemps(path, 4);
    ASSERT_GE(fd, 0);
    ::close(fd);
    {
        std::ofstream f(path);
        f << "[influx2]\nurl=http://file-host:8086\norg=file-org\ntoken=t\n[tags]\nrack=r1\n";
    }
    auto fc = influx::Conf::from_file(path);
    EXPECT_EQ(fc.get("url"), "http://file-host:8086");
    EXPECT_EQ(fc.get("default_tags.rack"), "r1");
    std::remove(path);
    EXPECT_EQ(code_of([] { influx::Conf::from_file("/nonexistent/x.ini"); }), errc::io);
}

TEST(Lines, RowsEqualCallsAndConvertExactly) {
    influx::Shape shape{"cpu",
                        {"host", "region"},
                        {{"usage_user", influx::FieldType::f64},
                         {"count", influx::FieldType::i64},
                         {"big", influx::FieldType::u64},
                         {"ok", influx::FieldType::boolean},
                         {"s", influx::FieldType::str}}};
    EXPECT_EQ(shape.tag_count(), 2u);
    EXPECT_EQ(shape.field_count(), 5u);
    influx::Lines rows, calls;
    std::string host = "server-1";
    rows.add_row(shape, {host, "us-west-1"}, {0.37, std::int64_t{1}, 2u, true, std::string_view("x y")},
                 std::int64_t{1700000000000000000});
    rows.add_row(shape, {"server-2", ""}, {2 /* int → f64 */, 5u /* u64 → i64 */, 6 /* i64 → u64 */, false, "z"});
    calls.begin("cpu").tag("host", "server-1").tag("region", "us-west-1").field("usage_user", 0.37).field("count", 1)
        .field("big", 2u).field("ok", true).field("s", "x y");
    calls.end_at(1700000000000000000);
    calls.begin("cpu").tag("host", "server-2").field("usage_user", 2.0).field("count", 5).field("big", 6u).field("ok", false)
        .field("s", "z");
    calls.end();
    EXPECT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows.data(), calls.data());
    EXPECT_EQ(rows.data(),
              "cpu,host=server-1,region=us-west-1 big=2u,count=1i,ok=true,s=\"x y\",usage_user=0.37 1700000000000000000\n"
              "cpu,host=server-2 big=6u,count=5i,ok=false,s=\"z\",usage_user=2");
    // no silent conversions: bool/string/float to int, negative to unsigned, wrong counts
    EXPECT_EQ(code_of([&] { rows.add_row(shape, {"a", "b"}, {0.5, 1.5, 1u, true, "s"}); }), errc::invalid_arg);
    EXPECT_EQ(code_of([&] { rows.add_row(shape, {"a", "b"}, {0.5, 1, -1, true, "s"}); }), errc::invalid_arg);
    EXPECT_EQ(code_of([&] { rows.add_row(shape, {"a", "b"}, {0.5, 1, 1u, 1, "s"}); }), errc::invalid_arg);
    EXPECT_EQ(code_of([&] { rows.add_row(shape, {"a", "b"}, {"s", 1, 1u, true, "s"}); }), errc::invalid_arg);
    EXPECT_EQ(code_of([&] { rows.add_row(shape, {"a"}, {0.5, 1, 1u, true, "s"}); }), errc::invalid_arg);
    EXPECT_EQ(code_of([&] { rows.add_row(shape, {"a", "b\\"}, {0.5, 1, 1u, true, "s"}); }), errc::invalid_point);
    EXPECT_EQ(rows.size(), 2u);
    // time points convert to the buffer's precision
    influx::Lines ms{influx::Precision::ms};
    ms.add_row(shape, {"a", "b"}, {1.0, 1, 1u, true, ""}, system_clock::time_point{} + seconds{2});
    EXPECT_NE(ms.data().find(" 2000"), std::string_view::npos);
    // error_code overload
    std::error_code ec;
    std::string_view tags[] = {"a", "b"};
    influx::Value vals[] = {1.0, 1, 1u, true, "s"};
    ms.add_row(shape, tags, 2, vals, 5, nullptr, ec);
    EXPECT_FALSE(ec);
    ms.clear();
    EXPECT_TRUE(ms.empty());
    // more keys than the stack arrays hold
    std::vector<std::string> many;
    std::vector<influx::FieldSpec> fs;
    for (int i = 0; i < 20; i++) {
        many.push_back("t" + std::to_string(i + 10));
        fs.push_back({"f" + std::to_string(i + 10), influx::FieldType::i64});
    }
    influx::Shape wide{"w", many, fs};
    std::vector<std::string_view> tv(many.begin(), many.end());
    std::vector<influx::Value> fv;
    for (int i = 0; i < 20; i++) fv.emplace_back(i);
    influx::Lines wl;
    wl.add_row(wide, tv.data(), tv.size(), fv.data(), fv.size(), nullptr);
    EXPECT_EQ(wl.size(), 1u);
    EXPECT_NE(wl.data().find("t29=t29 "), std::string_view::npos);
    EXPECT_NE(wl.data().find("f29=19i"), std::string_view::npos);
}

TEST(Move, MovedFromObjectsAreSafe) {
    stub::Server s([](const stub::Request&) { return stub::Response{}; });
    influx::Conf c1;
    c1.set("url", s.url()).set("org", "o");
    influx::Conf c2 = std::move(c1);
    c1 = std::move(c2);
    c2 = std::move(c1);
    influx::Client a{std::move(c2)};
    influx::Client b = std::move(a);
    a = std::move(b);
    b = std::move(a);
    influx::WriteApi w1 = b.write_api(influx::Conf{}.set("batch_size", "10"));
    influx::WriteApi w2 = std::move(w1);
    EXPECT_FALSE(w1.is_open());
    EXPECT_TRUE(w2.is_open());
    EXPECT_EQ(code_of([&] { w1.write("b", influx::Point{"m"}.field("f", 1)); }), errc::invalid_arg);
    EXPECT_EQ(code_of([&] { w1.flush(); }), errc::invalid_arg);
    EXPECT_NO_THROW(w1.close());
    auto& self = w2;
    w2 = std::move(self);  // self-move: still open
    EXPECT_TRUE(w2.is_open());
    influx::Point p1{"m"};
    p1.field("f", 1);
    influx::Point p2 = std::move(p1);
    EXPECT_EQ(p2.to_line_protocol(), "m f=1i");
    EXPECT_EQ(code_of([&] { (void)p1.to_line_protocol(); }), errc::invalid_arg);
    w2.write("b", p2);
    influx::Lines l1{w2};
    influx::Lines l2 = std::move(l1);
    influx::Shape sh1{"m", {}, {{"f", influx::FieldType::f64}}};
    influx::Shape sh2 = std::move(sh1);
    l2.add_row(sh2, {}, {1.0});
    w2.write("b", l2);
    EXPECT_EQ(code_of([&] { l1.add_row(sh2, {}, {1.0}); }), errc::invalid_arg);
    influx::WriteApi w3;
    w3 = std::move(w2);  // w3 was empty
    w2 = b.write_api();  // assigning over a moved-from object
    w3.flush();
    EXPECT_EQ(w3.stats().written, 2u);
    w3 = b.write_api();  // closes the old one first (delivered already)
    influx::Query q1;
    influx::Query q2 = std::move(q1);
    EXPECT_FALSE(q2.next());
    EXPECT_TRUE(q2.begin() == q2.end());
}

TEST(Callbacks, RetriesThenSuccessOnAFailingServer) {
    std::atomic<int> n{0};
    stub::Server s([&](const stub::Request& r) {
        stub::Response resp;
        if (r.target.rfind("/api/v2/write", 0) != 0) return resp;
        if (n++ < 2) {
            resp.status = 503;
            resp.body = R"({"code":"unavailable","message":"try later"})";
        }
        return resp;
    });
    auto client = stub_client(s);
    std::mutex mu;
    std::vector<std::string> events;
    influx::Callbacks cb;
    cb.on_success = [&](const influx::Batch& b) {
        std::lock_guard<std::mutex> g(mu);
        events.push_back("ok " + std::to_string(b.lines) + " " + std::string(b.bucket) + " " + std::to_string(b.attempts));
    };
    cb.on_retry = [&](const influx::Batch&, const influx::Failure& f, std::uint32_t retry, milliseconds) {
        std::lock_guard<std::mutex> g(mu);
        events.push_back("retry " + std::to_string(retry) + " " + std::to_string(f.http_status) + " " +
                         std::string(f.server_message));
    };
    cb.on_error = [&](const influx::Batch&, const influx::Failure&) {
        std::lock_guard<std::mutex> g(mu);
        events.push_back("error");
    };
    auto api = client.write_api(influx::Conf{}.set("batch_size", "100").set("retry_interval", "10").set("jitter_interval", "0"),
                                std::move(cb));
    for (int i = 0; i < 100; i++) api.write("bk", influx::Point{"m"}.field("i", i).time(i, influx::Precision::s));
    api.flush();
    const auto st = api.stats();
    EXPECT_EQ(st.accepted, 100u);
    EXPECT_EQ(st.written, 100u);
    EXPECT_EQ(st.failed, 0u);
    EXPECT_EQ(st.retries, 2u);
    api.close();
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0], "retry 1 503 try later");
    EXPECT_EQ(events[1], "retry 2 503 try later");
    EXPECT_EQ(events[2], "ok 100 bk 3");
}

TEST(Callbacks, RejectedBatchReportsStatusAndMessage) {
    stub::Server s([](const stub::Request&) {
        stub::Response r;
        r.status = 400;
        r.body = R"({"code":"invalid","message":"field type conflict"})";
        return r;
    });
    auto client = stub_client(s);
    std::vector<std::string> got;
    std::mutex mu;
    influx::Callbacks cb;
    cb.on_error = [&](const influx::Batch& b, const influx::Failure& f) {
        std::lock_guard<std::mutex> g(mu);
        got.push_back(std::to_string(f.http_status) + "|" + std::string(f.server_message) + "|" +
                      std::to_string(static_cast<int>(f.code)) + "|" + std::string(b.data));
        EXPECT_EQ(std::string(f.message).find("secret-token-xyz"), std::string::npos);
    };
    auto api = client.write_api(influx::Conf{}.set("batch_size", "2"), std::move(cb));
    api.write("b", influx::Point{"m"}.field("f", 1));
    api.write("b", influx::Point{"m"}.field("f", 2));
    api.flush();
    EXPECT_EQ(api.stats().failed, 2u);
    api.close();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], "400|field type conflict|" + std::to_string(INFLUX_ERR_HTTP) + "|m f=1i\nm f=2i");

    // synchronous: the exception carries status and server message, never the token
    auto sync_api = client.write_api(influx::Conf{}.set("write_type", "synchronous"));
    try {
        sync_api.write("bucket", influx::Point{"m"}.field("f", 1.0));
        FAIL() << "no throw";
    } catch (const influx::Error& e) {
        EXPECT_EQ(e.kind(), errc::http);
        EXPECT_EQ(e.http_status(), 400);
        EXPECT_EQ(e.server_message(), "field type conflict");
        EXPECT_EQ(std::string(e.what()).find("secret-token-xyz"), std::string::npos);
    }
    std::error_code ec;
    sync_api.write("bucket", influx::Point{"m"}.field("f", 1.0), ec);
    EXPECT_EQ(ec, errc::http);
    EXPECT_EQ(influx::last_http_status(), 400);
}

TEST(Callbacks, ExceptionsNeverCrossIntoC) {
    stub::Server s([](const stub::Request& r) {
        stub::Response resp;
        if (r.body.find("bad") != std::string::npos) resp.status = 422;
        return resp;
    });
    auto client = stub_client(s);
    std::atomic<int> calls{0};
    influx::Callbacks cb;
    cb.on_success = [&](const influx::Batch&) {
        calls++;
        throw std::runtime_error("thrown by on_success");
    };
    cb.on_error = [&](const influx::Batch&, const influx::Failure&) {
        calls++;
        throw 42;  // not even a std::exception
    };
    auto api = client.write_api(influx::Conf{}.set("batch_size", "1"), std::move(cb));
    for (int i = 0; i < 5; i++) api.write("b", influx::Point{"m"}.field("f", i));
    api.write("b", influx::Point{"bad"}.field("f", 1));
    api.flush();
    const auto st = api.stats();
    EXPECT_EQ(calls.load(), 6);
    EXPECT_EQ(st.callback_exceptions, 6u);
    EXPECT_EQ(st.written, 5u);
    EXPECT_EQ(st.failed, 1u);
    // the write API still works after the exceptions
    api.write("b", influx::Point{"m"}.field("f", 9));
    api.flush();
    EXPECT_EQ(api.stats().written, 6u);
    api.close();
}

TEST(Close, ThrowsTimedOutWhenUndeliveredAndTheDestructorDoesNot) {
    stub::Server s([](const stub::Request&) {
        stub::Response r;
        r.hang = true;
        return r;
    });
    auto client = influx::Client{influx::Conf{}.set("url", s.url()).set("token", "t").set("org", "o").set("timeout", "300")};
    std::atomic<int> timed_out{0};
    std::thread::id closing = std::this_thread::get_id(), seen;
    influx::Callbacks cb;
    cb.on_error = [&](const influx::Batch&, const influx::Failure& f) {
        if (f.code == errc::timed_out) {
            timed_out++;
            seen = std::this_thread::get_id();
        }
    };
    auto api = client.write_api(
        influx::Conf{}.set("batch_size", "5").set("max_close_wait", "200").set("max_retries", "0"), std::move(cb));
    for (int i = 0; i < 20; i++) api.write("b", influx::Point{"m"}.field("f", i));
    EXPECT_FALSE(api.flush_for(milliseconds(50)));
    try {
        api.close();
        FAIL() << "close did not throw";
    } catch (const influx::Error& e) {
        EXPECT_EQ(e.kind(), errc::timed_out);
    }
    EXPECT_FALSE(api.is_open());
    EXPECT_GE(timed_out.load(), 1);
    EXPECT_EQ(seen, closing);
    EXPECT_NO_THROW(api.close());  // closing twice does nothing

    // the destructor: same situation, no exception, a line on stderr
    {
        auto api2 = client.write_api(
            influx::Conf{}.set("batch_size", "5").set("max_close_wait", "100").set("max_retries", "0"));
        for (int i = 0; i < 20; i++) api2.write("b", influx::Point{"m"}.field("f", i));
        testing::internal::CaptureStderr();
    }
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("undelivered"), std::string::npos) << err;
}

TEST(Write, BufferFullIsAnErrorCodeNotAnException) {
    stub::Server s([](const stub::Request&) {
        stub::Response r;
        r.hang = true;
        return r;
    });
    auto client = influx::Client{influx::Conf{}.set("url", s.url()).set("token", "t").set("org", "o").set("timeout", "300")};
    auto api = client.write_api(influx::Conf{}
                                    .set("batch_size", "10")
                                    .set("max_buffer_lines", "20")
                                    .set("buffer_full_policy", "reject")
                                    .set("max_close_wait", "100")
                                    .set("max_retries", "0"));
    influx::Point p{"m"};
    p.field("f", 1.0);
    std::error_code ec;
    int accepted = 0;
    for (int i = 0; i < 100 && !ec; i++) {
        api.write("b", p, ec);
        if (!ec) accepted++;
    }
    EXPECT_EQ(ec, errc::buffer_full);
    EXPECT_EQ(ec, std::errc::no_buffer_space);
    EXPECT_LE(accepted, 20);
    EXPECT_NE(influx::last_error_message(), "");
    testing::internal::CaptureStderr();
    api = influx::WriteApi{};  // closes (undelivered: reported, not thrown)
    testing::internal::GetCapturedStderr();
}
