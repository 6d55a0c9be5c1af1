// A tiny scripted HTTP/1.1 server on 127.0.0.1 for the C++ tests (faults a real InfluxDB does
// not produce on demand) and the benchmark's null sink. One thread per connection, keep-alive,
// Content-Length bodies only (what the library sends). The handler decides each answer.
#ifndef INFLUX_CPP_HTTP_STUB_HPP
#define INFLUX_CPP_HTTP_STUB_HPP

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace stub {

struct Request {
    std::string method;
    std::string target;  // path and query
    std::string body;
};

struct Response {
    int status = 204;
    std::string body;           // sent as application/json when not empty
    std::string extra_headers;  // e.g. "Retry-After: 1\r\n"
    std::chrono::milliseconds delay{0};  // wait before answering
    bool hang = false;                   // never answer (until the server stops)
};

class Server {
public:
    using Handler = std::function<Response(const Request&)>;

    explicit Server(Handler h) : handler_(std::move(h)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) throw std::runtime_error("socket");
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0)
            throw std::runtime_error("bind/listen");
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    ~Server() { stop(); }

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::size_t requests() const { return requests_.load(); }

    void stop() {
        if (stopping_.exchange(true)) return;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        if (acceptor_.joinable()) acceptor_.join();
        std::vector<std::thread> conns;
        {
            std::lock_guard<std::mutex> g(mu_);
            for (int c : open_) ::shutdown(c, SHUT_RDWR);
            conns.swap(conns_);
        }
        for (auto& t : conns) t.join();
    }

private:
    void accept_loop() {
        while (!stopping_) {
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) {
                if (stopping_) return;
                continue;
            }
            int one = 1;
            ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            std::lock_guard<std::mutex> g(mu_);
            open_.push_back(c);
            conns_.emplace_back([this, c] { serve(c); });
        }
    }

    static std::string lower(std::string s) {
        for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return s;
    }

    void serve(int c) {
        std::string buf;
        char tmp[65536];
        for (;;) {
            std::size_t hdr_end;
            while ((hdr_end = buf.find("\r\n\r\n")) == std::string::npos) {
                ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
                if (n <= 0) return finish(c);
                buf.append(tmp, static_cast<std::size_t>(n));
            }
            Request req;
            const std::string head = buf.substr(0, hdr_end);
            const std::size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
            req.method = head.substr(0, sp1);
            req.target = head.substr(sp1 + 1, sp2 - sp1 - 1);
            std::size_t clen = 0;
            const std::string lh = lower(head);
            const std::size_t cl = lh.find("\r\ncontent-length:");
            if (cl != std::string::npos) clen = std::stoul(head.substr(cl + 17));
            buf.erase(0, hdr_end + 4);
            while (buf.size() < clen) {
                ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
                if (n <= 0) return finish(c);
                buf.append(tmp, static_cast<std::size_t>(n));
            }
            req.body = buf.substr(0, clen);
            buf.erase(0, clen);
            requests_++;
            Response r = handler_(req);
            if (r.hang) {
                while (!stopping_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
                return finish(c);
            }
            if (r.delay.count() > 0) std::this_thread::sleep_for(r.delay);
            std::string out = "HTTP/1.1 " + std::to_string(r.status) + " X\r\n" + r.extra_headers;
            if (!r.body.empty()) out += "Content-Type: application/json\r\n";
            out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
            if (::send(c, out.data(), out.size(), MSG_NOSIGNAL) < 0) return finish(c);
        }
    }

    void finish(int c) {
        std::lock_guard<std::mutex> g(mu_);
        open_.erase(std::remove(open_.begin(), open_.end(), c), open_.end());
        ::close(c);
    }

    Handler handler_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> requests_{0};
    std::thread acceptor_;
    std::mutex mu_;
    std::vector<std::thread> conns_;
    std::vector<int> open_;
};

}  // namespace stub

#endif
