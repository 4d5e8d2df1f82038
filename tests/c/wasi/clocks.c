/* Clocks, sleeping and poll_oneoff. Times differ between runs, so only facts about them
 * are printed: monotonic time never goes back, a sleep lasts at least as long as asked,
 * the wall clock is after 2020. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
    struct timespec a, b, res;
    printf("clock_gettime(MONOTONIC) %d\n", clock_gettime(CLOCK_MONOTONIC, &a));
    printf("clock_getres(MONOTONIC) %d, positive %d\n", clock_getres(CLOCK_MONOTONIC, &res),
           ns(res) > 0);
    printf("clock_getres(REALTIME) %d, at most 1 ms %d\n", clock_getres(CLOCK_REALTIME, &res),
           ns(res) > 0 && ns(res) <= 1000000);
    struct timespec nap = {0, 20 * 1000 * 1000};
    printf("nanosleep(20 ms) %d\n", nanosleep(&nap, NULL));
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("monotonic advanced by at least 20 ms: %d\n", ns(b) - ns(a) >= 20000000);
    long long prev = 0;
    int backwards = 0;
    for (int i = 0; i < 100; i++) {
        clock_gettime(CLOCK_MONOTONIC, &a);
        backwards += ns(a) < prev;
        prev = ns(a);
    }
    printf("monotonic went backwards %d times\n", backwards);
    clock_gettime(CLOCK_REALTIME, &a);
    printf("realtime after 2020: %d\n", a.tv_sec > 1577836800);
    time_t t = time(NULL);
    printf("time() within 5 s of realtime: %d\n", t - a.tv_sec <= 5 && a.tv_sec - t <= 5);
    struct timeval tv;
    printf("gettimeofday %d, after 2020: %d\n", gettimeofday(&tv, NULL), tv.tv_sec > 1577836800);
    struct tm gm;
    time_t fixed = 1234567890;
    gmtime_r(&fixed, &gm);
    char text[64];
    strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S %A %j", &gm);
    printf("gmtime(1234567890) = %s\n", text);
    printf("usleep(5000) %d\n", usleep(5000));
    errno = 0;
    printf("clock_gettime(bad clock) %d errno %s\n", clock_gettime((clockid_t)99, &a), strerror(errno));

    /* poll_oneoff directly: a 10 ms relative timer and stdout (always writable). */
    __wasi_subscription_t subs[2];
    memset(subs, 0, sizeof subs);
    subs[0].userdata = 11;
    subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[0].u.u.clock.timeout = 10 * 1000 * 1000;
    subs[1].userdata = 22;
    subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
    subs[1].u.u.fd_write.file_descriptor = 1;
    __wasi_event_t events[2];
    __wasi_size_t n = 0;
    int e = __wasi_poll_oneoff(subs, events, 2, &n);
    printf("poll_oneoff(timer, stdout) -> %d, %u event(s)\n", e, (unsigned)n);
    for (unsigned i = 0; i < n; i++)
        printf("  event userdata %llu type %d error %d nbytes %llu\n",
               (unsigned long long)events[i].userdata, events[i].type, events[i].error,
               (unsigned long long)events[i].fd_readwrite.nbytes);
    clock_gettime(CLOCK_MONOTONIC, &a);
    e = __wasi_poll_oneoff(subs, events, 1, &n);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("poll_oneoff(timer) -> %d, %u event(s), userdata %llu, nbytes %llu, waited 10 ms: %d\n",
           e, (unsigned)n, (unsigned long long)events[0].userdata,
           (unsigned long long)events[0].fd_readwrite.nbytes, ns(b) - ns(a) >= 10000000);
    subs[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
    subs[0].u.u.clock.timeout = (unsigned long long)ns(b) + 5000000;
    e = __wasi_poll_oneoff(subs, events, 1, &n);
    clock_gettime(CLOCK_MONOTONIC, &a);
    printf("poll_oneoff(absolute timer) -> %d, %u event(s), reached: %d\n", e, (unsigned)n,
           ns(a) >= ns(b) + 5000000);
    return 0;
}
