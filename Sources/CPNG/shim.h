// Imports libpng 1.6 (Debian libpng-dev) into Swift. TwofoldQR uses only the "simplified" API
// (png_image_*), which reports errors by return value instead of longjmp.
#include <png.h>
