// prctl(2) is variadic, so Swift cannot call it: this wraps the one call twofoldd makes.
#include <sys/prctl.h>

static inline int twofold_set_not_dumpable(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

#include <sys/timex.h>

// adjtimex(2) with modes 0 only reads the kernel's clock discipline (no privilege needed);
// `doctor` uses it where timedatectl cannot answer (no systemd, a container). 1: the
// kernel's clock is synchronised (an NTP daemon steers it), 0: it is not (STA_UNSYNC or
// TIME_ERROR), -1: the call failed.
static inline int twofold_clock_synchronised(void) {
    struct timex t = {0};
    int state = adjtimex(&t);
    if (state < 0) return -1;
    if (state == TIME_ERROR || (t.status & STA_UNSYNC)) return 0;
    return 1;
}
