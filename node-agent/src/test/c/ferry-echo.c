/*
 * ferry-echo: the network workload Ferry's connection-continuity tests migrate.
 *
 * One process, one poll() loop: a TCP echo server (any number of clients, every byte read is
 * written back in order) and a UDP echo server (every datagram goes back to its sender). A
 * single process with plain sockets is what CRIU checkpoints with --tcp-established: the
 * listening socket, each established connection with its queues, and the UDP socket.
 *
 * usage: ferry-echo [-t tcp-port] [-u udp-port]    (defaults 7000 and 7001; 0 turns one off)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 1024
#define BUF 65536

struct client {
    int fd;
    char pending[BUF]; /* bytes read but not yet written back (the client reads slower than it sends) */
    size_t len;
};

static struct client *clients[MAX_CLIENTS];
static int nclients;

static int open_socket(int type, int port) {
    int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("socket");
        exit(1);
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port),
                            .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("bind");
        exit(1);
    }
    if (type == SOCK_STREAM && listen(fd, 128) < 0) {
        perror("listen");
        exit(1);
    }
    return fd;
}

static void drop(int i) {
    close(clients[i]->fd);
    free(clients[i]);
    clients[i] = clients[--nclients];
}

static void accept_all(int listener) {
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            return; /* EAGAIN: no more waiting; anything else: the next poll tells */
        }
        if (nclients == MAX_CLIENTS) {
            close(fd);
            continue;
        }
        struct client *c = calloc(1, sizeof *c);
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->fd = fd;
        clients[nclients++] = c;
    }
}

/* Returns 0 when the client is gone. */
static int flush(struct client *c) {
    while (c->len > 0) {
        ssize_t n = write(c->fd, c->pending, c->len);
        if (n < 0) {
            return errno == EAGAIN || errno == EINTR;
        }
        memmove(c->pending, c->pending + n, c->len - (size_t)n);
        c->len -= (size_t)n;
    }
    return 1;
}

/* Reads what fits behind the pending bytes and echoes it; returns 0 when the client is gone. */
static int serve(struct client *c) {
    if (c->len < BUF) {
        ssize_t n = read(c->fd, c->pending + c->len, BUF - c->len);
        if (n == 0) {
            return 0;
        }
        if (n < 0) {
            return errno == EAGAIN || errno == EINTR;
        }
        c->len += (size_t)n;
    }
    return flush(c);
}

static void echo_datagrams(int fd) {
    char buf[BUF];
    for (;;) {
        struct sockaddr_in from;
        socklen_t fromlen = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen);
        if (n < 0) {
            return;
        }
        sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fromlen);
    }
}

int main(int argc, char **argv) {
    int tcp_port = 7000, udp_port = 7001, opt;
    while ((opt = getopt(argc, argv, "t:u:")) != -1) {
        switch (opt) {
        case 't': tcp_port = atoi(optarg); break;
        case 'u': udp_port = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: ferry-echo [-t tcp-port] [-u udp-port]\n");
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    int listener = tcp_port > 0 ? open_socket(SOCK_STREAM, tcp_port) : -1;
    int udp = udp_port > 0 ? open_socket(SOCK_DGRAM, udp_port) : -1;
    static struct pollfd fds[MAX_CLIENTS + 2];
    for (;;) {
        fds[0] = (struct pollfd){.fd = listener, .events = POLLIN};
        fds[1] = (struct pollfd){.fd = udp, .events = POLLIN};
        for (int i = 0; i < nclients; i++) {
            /* A full buffer waits for the client to read before more is taken from it. */
            short ev = (short)((clients[i]->len < BUF ? POLLIN : 0) | (clients[i]->len > 0 ? POLLOUT : 0));
            fds[i + 2] = (struct pollfd){.fd = clients[i]->fd, .events = ev};
        }
        int n = nclients;
        if (poll(fds, (nfds_t)n + 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("poll");
            return 1;
        }
        /* Back to front, so drop() (which moves the last client into the hole) skips nobody. */
        for (int i = n - 1; i >= 0; i--) {
            short re = fds[i + 2].revents;
            if (re == 0) {
                continue;
            }
            int alive = (re & (POLLIN | POLLHUP | POLLERR)) ? serve(clients[i]) : flush(clients[i]);
            if (!alive || (re & POLLNVAL)) {
                drop(i);
            }
        }
        if (fds[0].revents & POLLIN) {
            accept_all(listener);
        }
        if (fds[1].revents & POLLIN) {
            echo_datagrams(udp);
        }
    }
}
