// The benchmark's null sink: a separate process on 127.0.0.1 answering 204 to every write
// (/api/v2/write and v1 /write) and counting the body's non-empty lines; GET /count prints the
// count, POST /reset zeroes it. Prints "port N" on stdout, runs until stdin closes.
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>

#include "../tests/http_stub.hpp"

int main() {
    std::atomic<unsigned long long> lines{0};
    stub::Server s([&](const stub::Request& r) {
        stub::Response resp;
        if (r.target.rfind("/count", 0) == 0) {
            resp.status = 200;
            resp.body = std::to_string(lines.load());
            return resp;
        }
        if (r.target.rfind("/reset", 0) == 0) {
            lines = 0;
            return resp;
        }
        // count non-empty lines (memchr per line)
        const char* p = r.body.data();
        const char* end = p + r.body.size();
        unsigned long long n = 0;
        while (p < end) {
            const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
            const char* stop = nl ? nl : end;
            if (stop > p) n++;
            p = stop + 1;
        }
        lines += n;
        return resp;
    });
    std::printf("port %d\n", s.port());
    std::fflush(stdout);
    char buf[256];
    while (::read(0, buf, sizeof buf) > 0) {
    }
    s.stop();
    return 0;
}
