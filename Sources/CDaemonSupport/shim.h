// prctl(2) is variadic, so Swift cannot call it: this wraps the one call twofoldd makes.
#include <sys/prctl.h>

static inline int twofold_set_not_dumpable(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
