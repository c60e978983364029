// Imports libzbar (Debian libzbar-dev) into Swift: TwofoldQR scans QR codes in grey pixels.
#include <zbar.h>
