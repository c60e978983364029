// Imports zlib (Debian zlib1g-dev) into Swift: KDBX payloads are gzip-compressed.
#include <zlib.h>
