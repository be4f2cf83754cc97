/*
 * ferry-workload: the test workload every Ferry test migrates.
 *
 * It allocates N MiB, fills it with data of realistic entropy (zero, text-like and random
 * pages), rewrites D MiB/s of it, and keeps one 64-bit hash per page. A verifier walks the
 * pages continuously and counts every page whose content no longer matches its hash, so a
 * migration that loses or corrupts memory shows up as errors > 0. Every interval it appends
 * a heartbeat line to a file inside its own root filesystem:
 *
 *   hb <seq> <pid> <mono_ns> <boot_ns> <real_ns> <checksum> <errors> <verified_passes>
 *
 * seq continues across a checkpoint/restore (a restart would begin at 0 again); checksum is
 * the XOR of all page hashes, which changes only when the workload itself rewrites a page.
 *
 * -w keeps the rewrites within the first W MiB (a hot working set, as most services have; default:
 * all of it). Spread over all the memory, rewrites dirty every 2 MiB transparent huge page, and the
 * kernel tracks dirty memory per huge page: pre-copy could then never shrink a round.
 *
 * usage: ferry-workload [-m MiB] [-d MiB/s] [-w MiB] [-i ms] [-o heartbeat-file] [-s seed]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096u

static uint64_t rng_state;

static uint64_t next_random(void) { /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t hash_page(const unsigned char *p) {
    const uint64_t *w = (const uint64_t *)p;
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (unsigned i = 0; i < PAGE / 8; i++) {
        h ^= w[i];
        h *= 0x100000001B3ULL;
        h ^= h >> 29;
    }
    return h;
}

static const char *const WORDS[] = {
    "container", "migration", "checkpoint", "restore", "kernel", "memory", "page", "socket",
    "namespace", "clock", "monotonic", "frozen", "target", "source", "agent", "coordinator",
    "the", "a", "of", "and", "to", "in", "is", "for", "on", "with", "as", "by", "request",
    "response", "user", "session", "cache", "value", "key", "error", "timeout", "retry"};

/* Page kinds in a realistic mix: ~20% zero, ~45% text-like, ~35% random. */
static void fill_page(unsigned char *p) {
    uint64_t kind = next_random() % 20;
    if (kind < 4) {
        memset(p, 0, PAGE);
    } else if (kind < 13) {
        unsigned off = 0;
        while (off < PAGE) {
            const char *w = WORDS[next_random() % (sizeof WORDS / sizeof WORDS[0])];
            size_t len = strlen(w);
            if (off + len + 1 > PAGE) { memset(p + off, ' ', PAGE - off); break; }
            memcpy(p + off, w, len);
            off += len;
            p[off++] = (next_random() % 9 == 0) ? '\n' : ' ';
        }
    } else {
        uint64_t *w = (uint64_t *)p;
        for (unsigned i = 0; i < PAGE / 8; i++) w[i] = next_random();
    }
}

static int64_t now_ns(clockid_t clk) {
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(int64_t mono_deadline) {
    struct timespec ts = {mono_deadline / 1000000000LL, mono_deadline % 1000000000LL};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {}
}

int main(int argc, char **argv) {
    long mib = 64, interval_ms = 5, hot_mib = 0;
    double dirty_mib_s = 1; /* fractional rates for slow machines (emulated guests) */
    const char *out = "/heartbeat.log";
    rng_state = 0x1234567ULL;
    int opt;
    while ((opt = getopt(argc, argv, "m:d:w:i:o:s:")) != -1) {
        switch (opt) {
        case 'm': mib = atol(optarg); break;
        case 'd': dirty_mib_s = atof(optarg); break;
        case 'w': hot_mib = atol(optarg); break;
        case 'i': interval_ms = atol(optarg); break;
        case 'o': out = optarg; break;
        case 's': rng_state = strtoull(optarg, NULL, 0) | 1; break;
        default:
            fprintf(stderr, "usage: %s [-m MiB] [-d MiB/s] [-w MiB] [-i ms] [-o file] [-s seed]\n", argv[0]);
            return 2;
        }
    }
    if (mib < 1 || dirty_mib_s < 0 || interval_ms < 1 || hot_mib < 0) {
        fprintf(stderr, "ferry-workload: -m must be >= 1, -d >= 0, -w >= 0, -i >= 1\n");
        return 2;
    }
    size_t pages = (size_t)mib * 1024 * 1024 / PAGE;
    size_t hot_pages = hot_mib > 0 && (size_t)hot_mib * 1024 * 1024 / PAGE < pages ? (size_t)hot_mib * 1024 * 1024 / PAGE : pages;
    unsigned char *mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint64_t *hashes = calloc(pages, sizeof *hashes);
    if (mem == MAP_FAILED || !hashes) { perror("ferry-workload: allocate"); return 1; }

    uint64_t checksum = 0;
    for (size_t i = 0; i < pages; i++) {
        fill_page(mem + i * PAGE);
        hashes[i] = hash_page(mem + i * PAGE);
        checksum ^= hashes[i];
    }

    int fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) { perror("ferry-workload: open heartbeat file"); return 1; }
    signal(SIGPIPE, SIG_IGN);

    /* Per tick: rewrite dirty_pages pages, verify verify_pages pages (a full pass every ~2 s). */
    double dirty_per_tick = dirty_mib_s * 1024 * 1024 / PAGE * interval_ms / 1000.0;
    size_t verify_per_tick = pages * interval_ms / 2000 + 1;
    double dirty_debt = 0;
    size_t dirty_cursor = 0, verify_cursor = 0;
    uint64_t errors = 0, passes = 0, seq = 0;
    int64_t deadline = now_ns(CLOCK_MONOTONIC);
    char line[256];

    for (;;) {
        dirty_debt += dirty_per_tick;
        while (dirty_debt >= 1) {
            unsigned char *p = mem + dirty_cursor * PAGE;
            checksum ^= hashes[dirty_cursor];
            fill_page(p);
            hashes[dirty_cursor] = hash_page(p);
            checksum ^= hashes[dirty_cursor];
            dirty_cursor = (dirty_cursor + 7919) % hot_pages; /* stride over the working set */
            dirty_debt -= 1;
        }
        for (size_t k = 0; k < verify_per_tick; k++) {
            if (hash_page(mem + verify_cursor * PAGE) != hashes[verify_cursor]) errors++;
            if (++verify_cursor == pages) { verify_cursor = 0; passes++; }
        }
        int n = snprintf(line, sizeof line, "hb %llu %d %lld %lld %lld %016llx %llu %llu\n",
                         (unsigned long long)seq++, (int)getpid(), (long long)now_ns(CLOCK_MONOTONIC),
                         (long long)now_ns(CLOCK_BOOTTIME), (long long)now_ns(CLOCK_REALTIME),
                         (unsigned long long)checksum, (unsigned long long)errors,
                         (unsigned long long)passes);
        if (write(fd, line, (size_t)n) != n) { perror("ferry-workload: write heartbeat"); return 1; }
        deadline += interval_ms * 1000000LL;
        int64_t now = now_ns(CLOCK_MONOTONIC);
        if (deadline < now) deadline = now; /* after a freeze, do not try to catch up */
        sleep_until(deadline);
    }
}
