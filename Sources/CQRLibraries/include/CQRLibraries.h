// The QR code libraries, loaded with dlopen the first time they are needed rather than
// linked: libzbar alone pulls in 13 more libraries (X11, D-Bus, systemd, V4L, libgcrypt...)
// whose loading and initialisers cost every `twofold` call, `twofold code` included, about
// 1 ms (README, "Performance"). The headers give the types and constants; each table below
// holds the functions TwofoldQR calls, typed from the header's own declarations
// (__typeof__), so a signature cannot drift from the library's.
#ifndef TWOFOLD_CQRLIBRARIES_H
#define TWOFOLD_CQRLIBRARIES_H

#include <png.h>
#include <qrencode.h>
#include <turbojpeg.h>
#include <zbar.h>

#define TWOFOLD_ZBAR_FUNCTIONS(X)                                                                    \
    X(zbar_image_scanner_create) X(zbar_image_scanner_destroy) X(zbar_image_scanner_set_config)      \
    X(zbar_image_create) X(zbar_image_destroy) X(zbar_image_set_format) X(zbar_image_set_size)       \
    X(zbar_image_set_data) X(zbar_scan_image) X(zbar_image_first_symbol) X(zbar_symbol_next)         \
    X(zbar_symbol_get_type) X(zbar_symbol_get_data) X(zbar_symbol_get_data_length)
#define TWOFOLD_QRENCODE_FUNCTIONS(X) X(QRcode_encodeString) X(QRcode_free)
#define TWOFOLD_PNG_FUNCTIONS(X) X(png_image_begin_read_from_memory) X(png_image_finish_read) X(png_image_free)
#define TWOFOLD_TURBOJPEG_FUNCTIONS(X)                                                               \
    X(tjInitDecompress) X(tjDecompressHeader3) X(tjDecompress2) X(tjDestroy) X(tjGetErrorCode)       \
    X(tjGetErrorStr2)

#define TWOFOLD_QR_FIELD(name) __typeof__(&name) _Nonnull name;

/// libzbar's functions (Debian libzbar0, libzbar.so.0).
struct twofold_zbar { TWOFOLD_ZBAR_FUNCTIONS(TWOFOLD_QR_FIELD) };
/// libqrencode's functions (Debian libqrencode4, libqrencode.so.4).
struct twofold_qrencode { TWOFOLD_QRENCODE_FUNCTIONS(TWOFOLD_QR_FIELD) };
/// libpng's simplified API (Debian libpng16-16, libpng16.so.16).
struct twofold_png { TWOFOLD_PNG_FUNCTIONS(TWOFOLD_QR_FIELD) };
/// The TurboJPEG API (Debian libturbojpeg0, libturbojpeg.so.0).
struct twofold_turbojpeg { TWOFOLD_TURBOJPEG_FUNCTIONS(TWOFOLD_QR_FIELD) };

// Each loads its library once (thread-safe) and returns its table, or NULL with *error set
// to dlopen's or dlsym's message (static storage: valid for the life of the process).
const struct twofold_zbar *_Nullable twofold_zbar_load(const char *_Nullable *_Nonnull error);
const struct twofold_qrencode *_Nullable twofold_qrencode_load(const char *_Nullable *_Nonnull error);
const struct twofold_png *_Nullable twofold_png_load(const char *_Nullable *_Nonnull error);
const struct twofold_turbojpeg *_Nullable twofold_turbojpeg_load(const char *_Nullable *_Nonnull error);

/// Opens `soname` and fills `count` function pointers named by `names` into `slots`: the
/// common part of the loaders above, exposed for tests of the failure messages. Returns 0, or
/// -1 with `message` holding what failed.
int twofold_qr_open(const char *_Nonnull soname, const char *_Nonnull const *_Nonnull names, void *_Nullable *_Nonnull slots,
                    int count, char *_Nonnull message, int message_size);

#endif
