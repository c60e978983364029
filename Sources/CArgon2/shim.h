// Imports the Argon2 reference library (Debian libargon2-dev) into Swift: KDBX 4 files use
// Argon2d with parallelism above 1, which libsodium cannot compute.
#include <argon2.h>
