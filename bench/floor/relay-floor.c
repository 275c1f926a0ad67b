// relay-floor: the least a single-threaded TCP relay with a PROXY header can do per request, written to
// measure floors, not to run in front of anyone. It answers one question for issue 11: how much of the
// proxy-core time per request in lb-bench's small and close scenarios any engine on this kernel must
// spend, with epoll (what TcpLb's loop does, minus everything TcpLb adds) and with io_uring (what a
// completion engine would do). Same client-first shape as TcpLb: the backend is dialled when the
// client's first bytes arrive, and the header and those bytes leave in one write.
//
// Missing on purpose: timeouts, limits, health, retries, metrics, logs, IPv6, reading PROXY headers,
// any error report beyond closing the pair. Memory per connection is not bounded either: a reader
// that stops makes the relay hold bytes (the benchmarks never do that).
//
// Build: cc -O2 -o relay-floor relay-floor.c -luring
// Usage: relay-floor epoll|uring LISTEN_HOST:PORT BACKEND_HOST:PORT v1|v2|off
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

enum header_kind { HEADER_OFF, HEADER_V1, HEADER_V2 };

static struct sockaddr_in listen_addr, backend_addr;
static enum header_kind header_kind;

static void die(const char *what) { perror(what); exit(2); }

static struct sockaddr_in parse_endpoint(const char *text) {
    struct sockaddr_in a = {.sin_family = AF_INET};
    char host[64];
    const char *colon = strrchr(text, ':');
    if (!colon || colon - text >= (long)sizeof host) { fprintf(stderr, "bad endpoint '%s'\n", text); exit(2); }
    memcpy(host, text, colon - text);
    host[colon - text] = 0;
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) { fprintf(stderr, "bad IPv4 address '%s'\n", host); exit(2); }
    a.sin_port = htons((uint16_t)atoi(colon + 1));
    return a;
}

// The PROXY header for a client, v1 text or v2 binary (IPv4 only), into out; returns its length.
static int write_header(const struct sockaddr_in *client, char *out) {
    if (header_kind == HEADER_V1) {
        char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &client->sin_addr, src, sizeof src);
        inet_ntop(AF_INET, &listen_addr.sin_addr, dst, sizeof dst);
        return sprintf(out, "PROXY TCP4 %s %s %u %u\r\n", src, dst, ntohs(client->sin_port), ntohs(listen_addr.sin_port));
    }
    if (header_kind == HEADER_V2) {
        static const char signature[12] = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};
        memcpy(out, signature, 12);
        out[12] = 0x21; // version 2, PROXY
        out[13] = 0x11; // TCP over IPv4
        out[14] = 0;
        out[15] = 12;
        memcpy(out + 16, &client->sin_addr, 4);
        memcpy(out + 20, &listen_addr.sin_addr, 4);
        memcpy(out + 24, &client->sin_port, 2);
        memcpy(out + 26, &listen_addr.sin_port, 2);
        return 28;
    }
    return 0;
}

static int open_listener(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0) die("socket");
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); // inherited by accepted sockets
    if (bind(fd, (struct sockaddr *)&listen_addr, sizeof listen_addr) < 0) die("bind");
    if (listen(fd, 4096) < 0) die("listen");
    return fd;
}

static int open_backend_socket(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    if (fd >= 0) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// ------------------------------------------------------------------------------------------ epoll
// Edge-triggered, each descriptor registered once for IN|OUT|RDHUP, reads into one loop buffer until a
// short read, bytes a peer cannot take yet copied aside and that direction paused: TcpLb's loop.

struct side {
    int fd;
    struct side *peer;
    struct pair *pair;
    char *pending; // bytes read from this side that the peer has not taken yet
    size_t pending_len, pending_off;
    int ended;     // this side sent FIN (or failed), passed on to the peer
};

struct pair {
    struct side client, backend;
    struct sockaddr_in client_addr;
    int dialled, connected, closed;
};

static char loop_buffer[65536];
static int epfd;
static struct pair *closed_this_turn[512]; // freed after the batch: a later event of it may be in there
static int closed_count;

static void pair_close(struct pair *p) {
    if (p->closed) return;
    p->closed = 1;
    close(p->client.fd);
    if (p->dialled) close(p->backend.fd);
    free(p->client.pending);
    free(p->backend.pending);
    closed_this_turn[closed_count++] = p;
}

static void side_register(struct side *s) {
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = s};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, s->fd, &ev) < 0) die("epoll_ctl");
}

static void keep_pending(struct side *from, const char *bytes, size_t len) {
    from->pending = realloc(from->pending, len);
    memcpy(from->pending, bytes, len);
    from->pending_len = len;
    from->pending_off = 0;
}

// Sends what from has pending to its peer; 1 when all of it left.
static int flush_pending(struct side *from) {
    while (from->pending_off < from->pending_len) {
        ssize_t n = send(from->peer->fd, from->pending + from->pending_off, from->pending_len - from->pending_off, MSG_NOSIGNAL);
        if (n < 0) return errno == EAGAIN ? 0 : -1;
        from->pending_off += (size_t)n;
    }
    from->pending_len = from->pending_off = 0;
    return 1;
}

// Moves bytes from one side to its peer until a short read (or, once the peer's FIN is in, until the
// read that returns 0); returns -1 when the pair must close.
static int pump(struct side *from, int fin_in) {
    if (from->ended || from->pending_len) return 0;
    for (;;) {
        ssize_t n = recv(from->fd, loop_buffer, sizeof loop_buffer, 0);
        if (n == 0) {
            from->ended = 1;
            shutdown(from->peer->fd, SHUT_WR);
            return from->peer->ended ? -1 : 0;
        }
        if (n < 0) return errno == EAGAIN ? 0 : -1;
        ssize_t sent = send(from->peer->fd, loop_buffer, (size_t)n, MSG_NOSIGNAL);
        if (sent < 0 && errno != EAGAIN) return -1;
        if (sent < 0) sent = 0;
        if (sent < n) { keep_pending(from, loop_buffer + sent, (size_t)(n - sent)); return 0; }
        if (n < (ssize_t)sizeof loop_buffer && !fin_in) return 0;
    }
}

// The client's first bytes: dial the backend; they wait in pending until the connect completes.
static int first_bytes(struct pair *p) {
    ssize_t n = recv(p->client.fd, loop_buffer, sizeof loop_buffer, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN)) return -1;
    if (n < 0) return 0;
    keep_pending(&p->client, loop_buffer, (size_t)n);
    p->backend.fd = open_backend_socket();
    if (p->backend.fd < 0) return -1;
    p->dialled = 1;
    if (connect(p->backend.fd, (struct sockaddr *)&backend_addr, sizeof backend_addr) < 0 && errno != EINPROGRESS) return -1;
    side_register(&p->backend);
    return 0;
}

// The connect completed: the header and the first bytes in one writev.
static int connected(struct pair *p) {
    char header[128];
    struct iovec iov[2] = {{header, (size_t)write_header(&p->client_addr, header)},
                           {p->client.pending, p->client.pending_len}};
    ssize_t n = writev(p->backend.fd, iov, 2);
    if (n < 0) return -1;
    p->connected = 1;
    size_t body_sent = (size_t)n > iov[0].iov_len ? (size_t)n - iov[0].iov_len : 0;
    if ((size_t)n < iov[0].iov_len) return -1; // a header cut short: not worth handling here
    p->client.pending_off = body_sent;
    if (body_sent == p->client.pending_len) p->client.pending_len = p->client.pending_off = 0;
    return 0;
}

static void on_side_event(struct side *s, uint32_t events) {
    struct pair *p = s->pair;
    int rc = 0;
    if (p->closed) return;
    if (!p->dialled) {
        rc = first_bytes(p);
    } else if (!p->connected) {
        if (s == &p->backend && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
            int error = 0;
            socklen_t len = sizeof error;
            getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &error, &len);
            rc = error ? -1 : connected(p);
            if (rc == 0) rc = pump(&p->client, 0);
        }
    } else {
        // Writable: the peer may take what the other side holds; readable: move bytes.
        if (events & EPOLLOUT) {
            int flushed = flush_pending(s->peer);
            if (flushed < 0) rc = -1;
            else if (flushed && s->peer->ended == 0) rc = pump(s->peer, 0);
        }
        if (rc == 0 && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) rc = pump(s, (events & (EPOLLRDHUP | EPOLLHUP)) != 0);
    }
    if (rc < 0) pair_close(p);
}

static void run_epoll(void) {
    int listener = open_listener();
    epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.ptr = NULL}, events[256]; // at most one close per event
    epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &ev);
    for (;;) {
        int n = epoll_wait(epfd, events, 256, -1);
        for (int i = 0; i < n; i++) {
            if (events[i].data.ptr == NULL) {
                for (;;) {
                    struct sockaddr_in client;
                    socklen_t len = sizeof client;
                    int fd = accept4(listener, (struct sockaddr *)&client, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0) break;
                    struct pair *p = calloc(1, sizeof *p);
                    p->client_addr = client;
                    p->client = (struct side){.fd = fd, .peer = &p->backend, .pair = p};
                    p->backend = (struct side){.fd = -1, .peer = &p->client, .pair = p};
                    side_register(&p->client);
                }
            } else {
                on_side_event(events[i].data.ptr, events[i].events);
            }
        }
        for (int i = 0; i < closed_count; i++) free(closed_this_turn[i]);
        closed_count = 0;
    }
}

// ---------------------------------------------------------------------------------------- io_uring
// One ring, one issuer, task work run only when the loop asks for completions (DEFER_TASKRUN): every
// send, receive, accept and connect of a turn goes to the kernel in the io_uring_enter that also waits.
// Receives are multishot into a ring of provided buffers (memory only while bytes are in flight); a
// buffer goes back to the ring when the send that carried it completes. One send in flight per
// direction keeps the bytes in order; the rest wait in a short queue.

enum op { OP_ACCEPT, OP_RECV_CLIENT, OP_RECV_BACKEND, OP_CONNECT, OP_SEND_TO_BACKEND, OP_SEND_TO_CLIENT, OP_CANCEL };

#define BUFFER_COUNT 256 // few enough to stay in cache: a ring of 4,096 cycled cold lines (small: 8 % fewer requests)
#define BUFFER_SIZE 16384
#define QUEUE_MAX 64

struct direction {
    uint16_t queued_id[QUEUE_MAX]; // buffers received, not sent yet
    uint32_t queued_len[QUEUE_MAX];
    int head, count;
    int sending, ended, recv_armed;
    uint32_t sent_in_flight; // bytes of the buffer at head already sent (a short send)
};

struct upair {
    int client_fd, backend_fd;
    struct sockaddr_in client_addr;
    struct direction up, down; // client -> backend, backend -> client
    int connected, closing, ops_in_flight;
    char header[128];
    struct iovec first[2];
    struct msghdr first_msg;
    uint16_t first_id;
};

static struct io_uring ring;
static struct io_uring_buf_ring *buffer_ring;
static char *buffer_memory;
static int buffer_mask;
static int accept_fd;

static char *buffer_at(uint16_t id) { return buffer_memory + (size_t)id * BUFFER_SIZE; }

static void give_back(uint16_t id) {
    io_uring_buf_ring_add(buffer_ring, buffer_at(id), BUFFER_SIZE, id, buffer_mask, 0);
    io_uring_buf_ring_advance(buffer_ring, 1);
}

static struct io_uring_sqe *next_sqe(void) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    if (!sqe) { io_uring_submit(&ring); sqe = io_uring_get_sqe(&ring); }
    return sqe;
}

static uint64_t tag(void *p, enum op op) { return (uint64_t)(uintptr_t)p | (uint64_t)op; }

static void arm_accept(void) {
    struct io_uring_sqe *sqe = next_sqe();
    io_uring_prep_multishot_accept(sqe, accept_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    io_uring_sqe_set_data64(sqe, tag(NULL, OP_ACCEPT));
}

static void arm_recv(struct upair *p, int fd, enum op op) {
    struct io_uring_sqe *sqe = next_sqe();
    io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = 0;
    io_uring_sqe_set_data64(sqe, tag(p, op));
    p->ops_in_flight++;
    (op == OP_RECV_CLIENT ? &p->up : &p->down)->recv_armed = 1;
}

static void send_head(struct upair *p, struct direction *d, int fd, enum op op) {
    if (d->sending || d->count == 0) return;
    uint16_t id = d->queued_id[d->head];
    struct io_uring_sqe *sqe = next_sqe();
    io_uring_prep_send(sqe, fd, buffer_at(id) + d->sent_in_flight, d->queued_len[d->head] - d->sent_in_flight, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, tag(p, op));
    d->sending = 1;
    p->ops_in_flight++;
}

static void cancel_on(struct upair *p, int fd) {
    struct io_uring_sqe *sqe = next_sqe();
    io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
    io_uring_sqe_set_data64(sqe, tag(p, OP_CANCEL));
    p->ops_in_flight++;
}

static void upair_begin_close(struct upair *p) {
    if (p->closing) return;
    p->closing = 1;
    // A receive still armed (or a connect still pending) completes with -ECANCELED once cancelled; the
    // pair is freed (and the descriptors closed) when the last of its operations has reported back.
    // When both directions ended with a FIN, their multishot receives have finished already and no
    // cancel is issued: the cancel walk costs more than a whole send.
    if (p->up.recv_armed) cancel_on(p, p->client_fd);
    if (p->backend_fd >= 0 && (p->down.recv_armed || !p->connected)) cancel_on(p, p->backend_fd);
}

static void upair_release_if_done(struct upair *p) {
    if (!p->closing || p->ops_in_flight) return;
    for (int i = 0; i < p->up.count; i++) give_back(p->up.queued_id[(p->up.head + i) % QUEUE_MAX]);
    for (int i = 0; i < p->down.count; i++) give_back(p->down.queued_id[(p->down.head + i) % QUEUE_MAX]);
    close(p->client_fd);
    if (p->backend_fd >= 0) close(p->backend_fd);
    free(p);
}

static void dial(struct upair *p) {
    p->backend_fd = open_backend_socket();
    if (p->backend_fd < 0) { upair_begin_close(p); return; }
    struct io_uring_sqe *sqe = next_sqe();
    io_uring_prep_connect(sqe, p->backend_fd, (struct sockaddr *)&backend_addr, sizeof backend_addr);
    io_uring_sqe_set_data64(sqe, tag(p, OP_CONNECT));
    p->ops_in_flight++;
}

// Connected: the header and the first buffer in one sendmsg, then the backend's bytes flow back.
static void send_first(struct upair *p) {
    p->connected = 1;
    struct direction *d = &p->up;
    uint16_t id = d->queued_id[d->head];
    p->first[0] = (struct iovec){p->header, (size_t)write_header(&p->client_addr, p->header)};
    p->first[1] = (struct iovec){buffer_at(id), d->queued_len[d->head]};
    p->first_msg = (struct msghdr){.msg_iov = p->first, .msg_iovlen = 2};
    struct io_uring_sqe *sqe = next_sqe();
    io_uring_prep_sendmsg(sqe, p->backend_fd, &p->first_msg, MSG_NOSIGNAL | MSG_WAITALL);
    io_uring_sqe_set_data64(sqe, tag(p, OP_SEND_TO_BACKEND));
    d->sending = 1;
    p->ops_in_flight++;
    arm_recv(p, p->backend_fd, OP_RECV_BACKEND);
}

static void on_received(struct upair *p, enum op op, struct io_uring_cqe *cqe) {
    int upward = op == OP_RECV_CLIENT;
    struct direction *d = upward ? &p->up : &p->down;
    if (!(cqe->flags & IORING_CQE_F_MORE)) d->recv_armed = 0;
    if (cqe->res > 0 && (cqe->flags & IORING_CQE_F_BUFFER)) {
        uint16_t id = (uint16_t)(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
        if (p->closing || d->count == QUEUE_MAX) { give_back(id); if (!p->closing) upair_begin_close(p); return; }
        int slot = (d->head + d->count) % QUEUE_MAX;
        d->queued_id[slot] = id;
        d->queued_len[slot] = (uint32_t)cqe->res;
        d->count++;
        if (upward && p->backend_fd < 0) dial(p);
        else if (!upward || p->connected) send_head(p, d, upward ? p->backend_fd : p->client_fd, upward ? OP_SEND_TO_BACKEND : OP_SEND_TO_CLIENT);
        if (!d->recv_armed && !p->closing) arm_recv(p, upward ? p->client_fd : p->backend_fd, op);
        return;
    }
    if (cqe->res == -ENOBUFS && !p->closing) { arm_recv(p, upward ? p->client_fd : p->backend_fd, op); return; }
    if (cqe->res == 0 && !p->closing) { // FIN: passed on once the bytes before it have left
        d->ended = 1;
        if (d->count == 0) {
            if (upward && p->backend_fd < 0) { upair_begin_close(p); return; }
            shutdown(upward ? p->backend_fd : p->client_fd, SHUT_WR);
            if ((upward ? p->down : p->up).ended) upair_begin_close(p);
        }
        return;
    }
    if (cqe->res < 0 && cqe->res != -ECANCELED) upair_begin_close(p);
}

static void on_sent(struct upair *p, enum op op, struct io_uring_cqe *cqe) {
    int upward = op == OP_SEND_TO_BACKEND;
    struct direction *d = upward ? &p->up : &p->down;
    int fd = upward ? p->backend_fd : p->client_fd;
    d->sending = 0;
    if (cqe->res < 0) { upair_begin_close(p); return; }
    uint32_t carried = (uint32_t)cqe->res;
    if (upward && p->first[0].iov_len) { // the first send carried the header too
        if (carried < p->first[0].iov_len) { upair_begin_close(p); return; }
        carried -= (uint32_t)p->first[0].iov_len;
        p->first[0].iov_len = 0;
    }
    d->sent_in_flight += carried;
    if (d->sent_in_flight < d->queued_len[d->head]) { if (!p->closing) send_head(p, d, fd, op); return; }
    give_back(d->queued_id[d->head]);
    d->head = (d->head + 1) % QUEUE_MAX;
    d->count--;
    d->sent_in_flight = 0;
    if (p->closing) return;
    if (d->count) { send_head(p, d, fd, op); return; }
    if (d->ended) {
        shutdown(fd, SHUT_WR);
        if ((upward ? p->down : p->up).ended) upair_begin_close(p);
    }
}

static void on_completion(struct io_uring_cqe *cqe) {
    enum op op = (enum op)(cqe->user_data & 7);
    struct upair *p = (struct upair *)(uintptr_t)(cqe->user_data & ~(uint64_t)7);
    if (op == OP_ACCEPT) {
        if (cqe->res >= 0) {
            p = calloc(1, sizeof *p); // 8-byte aligned: the low bits carry the op
            p->client_fd = cqe->res;
            p->backend_fd = -1;
            socklen_t len = sizeof p->client_addr;
            getpeername(p->client_fd, (struct sockaddr *)&p->client_addr, &len);
            arm_recv(p, p->client_fd, OP_RECV_CLIENT);
        }
        if (!(cqe->flags & IORING_CQE_F_MORE)) arm_accept();
        return;
    }
    if (!(cqe->flags & IORING_CQE_F_MORE)) p->ops_in_flight--;
    switch (op) {
    case OP_RECV_CLIENT:
    case OP_RECV_BACKEND: on_received(p, op, cqe); break;
    case OP_CONNECT:
        if (cqe->res < 0) upair_begin_close(p);
        else if (!p->closing) send_first(p);
        break;
    case OP_SEND_TO_BACKEND:
    case OP_SEND_TO_CLIENT: on_sent(p, op, cqe); break;
    default: break;
    }
    upair_release_if_done(p);
}

static void run_uring(void) {
    struct io_uring_params params = {.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE,
                                     .cq_entries = 65536};
    int rc = io_uring_queue_init_params(4096, &ring, &params);
    if (rc < 0) { errno = -rc; die("io_uring_queue_init_params"); }
    buffer_ring = mmap(NULL, BUFFER_COUNT * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (buffer_ring == MAP_FAILED) die("mmap");
    io_uring_buf_ring_init(buffer_ring);
    struct io_uring_buf_reg registration = {.ring_addr = (uint64_t)(uintptr_t)buffer_ring, .ring_entries = BUFFER_COUNT, .bgid = 0};
    rc = io_uring_register_buf_ring(&ring, &registration, 0);
    if (rc < 0) { errno = -rc; die("io_uring_register_buf_ring"); }
    buffer_mask = io_uring_buf_ring_mask(BUFFER_COUNT);
    buffer_memory = malloc((size_t)BUFFER_COUNT * BUFFER_SIZE);
    for (int id = 0; id < BUFFER_COUNT; id++) io_uring_buf_ring_add(buffer_ring, buffer_at((uint16_t)id), BUFFER_SIZE, (uint16_t)id, buffer_mask, id);
    io_uring_buf_ring_advance(buffer_ring, BUFFER_COUNT);
    accept_fd = open_listener();
    arm_accept();
    for (;;) {
        rc = io_uring_submit_and_wait(&ring, 1);
        if (rc < 0 && rc != -EINTR && rc != -EBUSY) { errno = -rc; die("io_uring_submit_and_wait"); }
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe) { on_completion(cqe); seen++; }
        io_uring_cq_advance(&ring, seen);
    }
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: relay-floor epoll|uring LISTEN_HOST:PORT BACKEND_HOST:PORT v1|v2|off\n"); return 2; }
    listen_addr = parse_endpoint(argv[2]);
    backend_addr = parse_endpoint(argv[3]);
    header_kind = !strcmp(argv[4], "v1") ? HEADER_V1 : !strcmp(argv[4], "v2") ? HEADER_V2 : HEADER_OFF;
    signal(SIGPIPE, SIG_IGN);
    if (!strcmp(argv[1], "epoll")) run_epoll();
    else if (!strcmp(argv[1], "uring")) run_uring();
    fprintf(stderr, "unknown engine '%s'\n", argv[1]);
    return 2;
}
