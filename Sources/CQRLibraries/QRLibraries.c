// Loads the QR code libraries on first use: see include/CQRLibraries.h for why.
#include "CQRLibraries.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

int twofold_qr_open(const char *soname, const char *const *names, void **slots, int count, char *message, int message_size) {
    void *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        snprintf(message, (size_t)message_size, "%s", reason ? reason : soname);
        return -1;
    }
    for (int i = 0; i < count; i++) {
        slots[i] = dlsym(handle, names[i]);
        if (slots[i] == NULL) {
            snprintf(message, (size_t)message_size, "%s has no %s", soname, names[i]);
            dlclose(handle);
            return -1;
        }
    }
    return 0;  // the handle stays open for the life of the process
}

// One loader per library. The table is filled as an array of pointers, which POSIX's dlsym
// contract (a function's address round-trips through void *) makes sound on Linux.
#define TWOFOLD_QR_NAME(name) #name,
#define TWOFOLD_QR_LOADER(lib, soname, FUNCTIONS)                                                     \
    static struct twofold_##lib lib##_table;                                                          \
    static char lib##_message[256];                                                                   \
    static int lib##_failed;                                                                          \
    static pthread_once_t lib##_once = PTHREAD_ONCE_INIT;                                             \
    static void lib##_open(void) {                                                                    \
        static const char *const names[] = {FUNCTIONS(TWOFOLD_QR_NAME)};                              \
        _Static_assert(sizeof(lib##_table) == sizeof(names) / sizeof(names[0]) * sizeof(void *),      \
                       "one pointer per name");                                                       \
        lib##_failed = twofold_qr_open(soname, names, (void **)&lib##_table,                          \
                                       (int)(sizeof(names) / sizeof(names[0])), lib##_message,        \
                                       (int)sizeof(lib##_message)) != 0;                              \
    }                                                                                                 \
    const struct twofold_##lib *twofold_##lib##_load(const char **error) {                            \
        pthread_once(&lib##_once, lib##_open);                                                        \
        if (lib##_failed) {                                                                           \
            *error = lib##_message;                                                                   \
            return NULL;                                                                              \
        }                                                                                             \
        return &lib##_table;                                                                          \
    }

TWOFOLD_QR_LOADER(zbar, "libzbar.so.0", TWOFOLD_ZBAR_FUNCTIONS)
TWOFOLD_QR_LOADER(qrencode, "libqrencode.so.4", TWOFOLD_QRENCODE_FUNCTIONS)
TWOFOLD_QR_LOADER(png, "libpng16.so.16", TWOFOLD_PNG_FUNCTIONS)
TWOFOLD_QR_LOADER(turbojpeg, "libturbojpeg.so.0", TWOFOLD_TURBOJPEG_FUNCTIONS)
