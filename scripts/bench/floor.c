/*
 * The kernel's floor for N CARP groups at advbase 1 on this testbed: what sending or receiving N adverts a second
 * costs with nothing else done (no HMAC, no state machine, no address renewal). scale.sh runs it as the "floor"
 * implementation, next to the library and ucarp, with the same sockets and the same measurement.
 *
 *   floor send <source-ipv4> <ifindex> <count> [sendto|sendmmsg|spread]
 *   floor recv <source-ipv4> <ifindex>
 *
 * send: a raw IPPROTO_CARP (112) socket configured as the library's (IP_MULTICAST_TTL 255, IP_TOS low delay,
 * IP_MULTICAST_LOOP 0, IP_MULTICAST_ALL 0, IP_MULTICAST_IF the source); every second, on the second of
 * CLOCK_MONOTONIC (as the library's alignAdverts), <count> prebuilt 36-byte CARP adverts to 224.0.0.18, vhid 1 to
 * <count>: one sendto() each, or one sendmmsg() for the whole burst; "spread": one sendto() per wake-up, the
 * <count> wake-ups evenly spread over the second (what groups started at different instants cost: the library's
 * default, where each master wakes up for its own advert).
 * recv: the same socket joined to 224.0.0.18, 1 MiB receive buffer, non-blocking; epoll_wait, then recvfrom() until
 * EAGAIN (the library's receive loop); the bytes are read and dropped; every 10 s it prints how many it read.
 *
 * Build: gcc -O2 -o floor floor.c (scale.sh does it). Linux only; needs CAP_NET_RAW.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CARP_PROTO 112
#define CARP_LEN 36
#define MAX_GROUPS 255

static void fail(const char *what) {
    perror(what);
    exit(1);
}

static int open_socket(const char *source, int ifindex) {
    int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, CARP_PROTO);
    if (fd < 0) fail("socket");
    int ttl = 255, tos = 0x10, off = 0;
    struct ip_mreqn mreq = {0};
    if (inet_pton(AF_INET, source, &mreq.imr_address) != 1) fail("source address");
    mreq.imr_ifindex = ifindex;
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq) < 0) fail("IP_MULTICAST_IF");
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) < 0) fail("IP_MULTICAST_TTL");
    if (setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos) < 0) fail("IP_TOS");
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof off) < 0) fail("IP_MULTICAST_LOOP");
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof off) < 0) fail("IP_MULTICAST_ALL");
    return fd;
}

static _Noreturn void do_send(int fd, int count, int mmsg, int spread) {
    static unsigned char packets[MAX_GROUPS][CARP_LEN];
    static struct mmsghdr messages[MAX_GROUPS];
    static struct iovec iov[MAX_GROUPS];
    struct sockaddr_in to = {.sin_family = AF_INET};
    inet_pton(AF_INET, "224.0.0.18", &to.sin_addr);
    for (int i = 0; i < count; i++) {
        unsigned char *p = packets[i];
        memset(p, 0, CARP_LEN);
        p[0] = 0x21; /* version 2, type advertisement */
        p[1] = (unsigned char) (i + 1); /* vhid */
        p[3] = 1; /* one address */
        p[5] = 1; /* advbase 1 */
        iov[i].iov_base = p;
        iov[i].iov_len = CARP_LEN;
        messages[i].msg_hdr.msg_name = &to;
        messages[i].msg_hdr.msg_namelen = sizeof to;
        messages[i].msg_hdr.msg_iov = &iov[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    if (spread) {
        long step = 1000000000L / count;
        for (;;) {
            next.tv_sec += 1;
            next.tv_nsec = 0;
            for (int i = 0; i < count; i++) {
                struct timespec at = {.tv_sec = next.tv_sec, .tv_nsec = i * step};
                while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {
                }
                sendto(fd, packets[i], CARP_LEN, MSG_DONTWAIT, (struct sockaddr *) &to, sizeof to);
            }
        }
    }
    for (;;) {
        next.tv_sec += 1;
        next.tv_nsec = 0;
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {
        }
        if (mmsg) {
            int sent = 0;
            while (sent < count) {
                int n = sendmmsg(fd, messages + sent, (unsigned) (count - sent), MSG_DONTWAIT);
                if (n <= 0) break;
                sent += n;
            }
        } else {
            for (int i = 0; i < count; i++) {
                sendto(fd, packets[i], CARP_LEN, MSG_DONTWAIT, (struct sockaddr *) &to, sizeof to);
            }
        }
    }
}

static _Noreturn void do_recv(int fd, int ifindex) {
    struct ip_mreqn join = {.imr_ifindex = ifindex};
    inet_pton(AF_INET, "224.0.0.18", &join.imr_multiaddr);
    if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &join, sizeof join) < 0) fail("IP_ADD_MEMBERSHIP");
    int rcvbuf = 1 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0) fail("SO_RCVBUFFORCE");
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) fail("epoll");
    unsigned char buffer[2048];
    long received = 0, wakeups = 0;
    struct timespec now, report;
    clock_gettime(CLOCK_MONOTONIC, &report);
    for (;;) {
        if (epoll_wait(ep, &ev, 1, -1) < 0 && errno != EINTR) fail("epoll_wait");
        wakeups++;
        while (recvfrom(fd, buffer, sizeof buffer, MSG_DONTWAIT, NULL, NULL) > 0) {
            received++;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - report.tv_sec >= 10) { /* so that a run shows the packets did arrive */
            printf("received %ld adverts in %ld wake-ups\n", received, wakeups);
            fflush(stdout);
            report = now;
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: floor send <source> <ifindex> <count> [sendto|sendmmsg] | floor recv <source> <ifindex>\n");
        return 2;
    }
    int ifindex = atoi(argv[3]);
    int fd = open_socket(argv[2], ifindex);
    if (strcmp(argv[1], "send") == 0 && argc >= 5) {
        int count = atoi(argv[4]);
        if (count < 1 || count > MAX_GROUPS) {
            fprintf(stderr, "count: %d (expected 1-%d)\n", count, MAX_GROUPS);
            return 2;
        }
        const char *how = argc >= 6 ? argv[5] : "sendto";
        do_send(fd, count, strcmp(how, "sendmmsg") == 0, strcmp(how, "spread") == 0);
    }
    if (strcmp(argv[1], "recv") == 0) do_recv(fd, ifindex);
    fprintf(stderr, "unknown mode: %s\n", argv[1]);
    return 2;
}
