/* Scripted HTTP server for the adversarial tests (see fault_server.h). */
#include "fault_server.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { MAX_TARGETS = 1024, TARGET_LEN = 512, MAX_HELD = 256, HEADER_MAX = 65536, HEADER_LOG_MAX = 1 << 20 };

struct fault_server {
    int listen_fd;
    int port;
    char url[64];
    fs_step *script;
    size_t steps;
    pthread_t thread;
    int has_thread;
    atomic_int stop;
    pthread_mutex_t mu;
    int requests;
    char (*targets)[TARGET_LEN];
    char *header_log;
    size_t header_log_len;
    int held[MAX_HELD];
    int nheld;
};

static void sleep_ms(fault_server *fs, int ms) {
    while (ms > 0 && !atomic_load(&fs->stop)) {
        int step = ms < 10 ? ms : 10;
        struct timespec ts = {0, step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static int send_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) {
            if (w < 0 && errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Case-insensitive search for header `name` ("content-length:") in the header block. */
static const char *find_header(const char *hdr, const char *name) {
    size_t n = strlen(name);
    for (const char *p = hdr; *p; p++) {
        if ((p == hdr || p[-1] == '\n') && strncasecmp(p, name, n) == 0) return p + n;
    }
    return NULL;
}

/* Read one request (headers and body). Returns 0 when a whole request was read. */
static int read_request(fault_server *fs, int fd) {
    char *buf = malloc(HEADER_MAX + 1);
    if (!buf) return -1;
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        if (len == HEADER_MAX || atomic_load(&fs->stop)) {
            free(buf);
            return -1;
        }
        ssize_t r = recv(fd, buf + len, HEADER_MAX - len, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            free(buf);
            return -1;
        }
        len += (size_t)r;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    size_t head = (size_t)(end - buf) + 4;
    char saved = buf[head];
    buf[head] = '\0';
    long long body = 0;
    const char *cl = find_header(buf, "content-length:");
    if (cl) body = atoll(cl);
    const char *te = find_header(buf, "transfer-encoding:");
    int chunked = te && strstr(te, "chunked") && strstr(te, "chunked") < strchr(te, '\n');

    pthread_mutex_lock(&fs->mu);
    if (fs->requests < MAX_TARGETS) {
        const char *sp = strchr(buf, ' ');
        const char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
        size_t tl = sp && sp2 ? (size_t)(sp2 - sp - 1) : 0;
        if (tl >= TARGET_LEN) tl = TARGET_LEN - 1;
        memcpy(fs->targets[fs->requests], sp ? sp + 1 : "", tl);
        fs->targets[fs->requests][tl] = '\0';
    }
    if (fs->header_log_len + head < HEADER_LOG_MAX) {
        memcpy(fs->header_log + fs->header_log_len, buf, head);
        fs->header_log_len += head;
        fs->header_log[fs->header_log_len] = '\0';
    }
    pthread_mutex_unlock(&fs->mu);
    buf[head] = saved;

    /* the body: what came with the headers, then the rest */
    long long have = (long long)(len - head);
    if (chunked) {
        /* read until the terminating zero-length chunk "0\r\n\r\n" */
        char last[5] = {0};
        for (size_t i = head; i < len; i++) memmove(last, last + 1, 4), last[4] = buf[i];
        while (memcmp(last, "0\r\n\r\n", 5) != 0) {
            char c;
            ssize_t r = recv(fd, &c, 1, 0);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) {
                free(buf);
                return -1;
            }
            memmove(last, last + 1, 4);
            last[4] = c;
        }
    } else {
        while (have < body) {
            ssize_t r = recv(fd, buf, HEADER_MAX, 0);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) {
                free(buf);
                return -1;
            }
            have += r;
        }
    }
    free(buf);
    pthread_mutex_lock(&fs->mu);
    fs->requests++;
    pthread_mutex_unlock(&fs->mu);
    return 0;
}

static void answer(fault_server *fs, int fd, const fs_step *st) {
    sleep_ms(fs, st->delay_ms);
    const char *body = st->body ? st->body : "";
    char head[2048];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d Scripted\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n%s\r\n",
                     st->status, strlen(body), st->headers ? st->headers : "");
    if (n > 0 && send_all(fd, head, (size_t)n) == 0) send_all(fd, body, strlen(body));
}

static void *serve(void *arg) {
    fault_server *fs = arg;
    while (!atomic_load(&fs->stop)) {
        struct pollfd p = {fs->listen_fd, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0) continue;
        int fd = accept(fs->listen_fd, NULL, NULL);
        if (fd < 0) continue;
        struct timeval tv = {10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        pthread_mutex_lock(&fs->mu);
        int index = fs->requests;
        pthread_mutex_unlock(&fs->mu);
        if (read_request(fs, fd) != 0) {
            close(fd);
            continue;
        }
        const fs_step *st = &fs->script[(size_t)index < fs->steps ? (size_t)index : fs->steps - 1];
        if (st->action == FS_HANG) {
            pthread_mutex_lock(&fs->mu);
            if (fs->nheld < MAX_HELD) {
                fs->held[fs->nheld++] = fd;
                fd = -1;
            }
            pthread_mutex_unlock(&fs->mu);
            if (fd >= 0) close(fd);
            continue;
        }
        if (st->action == FS_ANSWER) answer(fs, fd, st);
        shutdown(fd, SHUT_RDWR);
        close(fd);
    }
    return NULL;
}

static fault_server *create(void) {
    fault_server *fs = calloc(1, sizeof *fs);
    if (!fs) return NULL;
    fs->targets = calloc(MAX_TARGETS, TARGET_LEN);
    fs->header_log = calloc(1, HEADER_LOG_MAX + 1);
    pthread_mutex_init(&fs->mu, NULL);
    fs->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t l = sizeof a;
    if (!fs->targets || !fs->header_log || fs->listen_fd < 0 || bind(fs->listen_fd, (struct sockaddr *)&a, sizeof a) ||
        listen(fs->listen_fd, 64) || getsockname(fs->listen_fd, (struct sockaddr *)&a, &l)) {
        fs_stop(fs);
        return NULL;
    }
    fs->port = ntohs(a.sin_port);
    snprintf(fs->url, sizeof fs->url, "http://127.0.0.1:%d", fs->port);
    return fs;
}

fault_server *fs_start(const fs_step *script, size_t n) {
    if (!script || n == 0) return NULL;
    fault_server *fs = create();
    if (!fs) return NULL;
    fs->script = malloc(n * sizeof *script);
    if (!fs->script) {
        fs_stop(fs);
        return NULL;
    }
    memcpy(fs->script, script, n * sizeof *script);
    fs->steps = n;
    if (pthread_create(&fs->thread, NULL, serve, fs) != 0) {
        fs_stop(fs);
        return NULL;
    }
    fs->has_thread = 1;
    return fs;
}

fault_server *fs_start_silent(void) { return create(); }

const char *fs_url(const fault_server *fs) { return fs ? fs->url : "http://127.0.0.1:9"; }

int fs_requests(fault_server *fs) {
    if (!fs) return 0;
    pthread_mutex_lock(&fs->mu);
    int n = fs->requests;
    pthread_mutex_unlock(&fs->mu);
    return n;
}

void fs_target(fault_server *fs, int i, char *buf, size_t size) {
    if (!buf || size == 0) return;
    buf[0] = '\0';
    if (!fs) return;
    pthread_mutex_lock(&fs->mu);
    if (i >= 0 && i < fs->requests && i < MAX_TARGETS) snprintf(buf, size, "%s", fs->targets[i]);
    pthread_mutex_unlock(&fs->mu);
}

int fs_headers_contain(fault_server *fs, const char *needle) {
    if (!fs) return 0;
    pthread_mutex_lock(&fs->mu);
    int found = strstr(fs->header_log, needle) != NULL;
    pthread_mutex_unlock(&fs->mu);
    return found;
}

void fs_stop(fault_server *fs) {
    if (!fs) return;
    atomic_store(&fs->stop, 1);
    if (fs->has_thread) pthread_join(fs->thread, NULL);
    for (int i = 0; i < fs->nheld; i++) close(fs->held[i]);
    if (fs->listen_fd >= 0) close(fs->listen_fd);
    pthread_mutex_destroy(&fs->mu);
    free(fs->script);
    free(fs->targets);
    free(fs->header_log);
    free(fs);
}
