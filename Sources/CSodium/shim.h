// Imports libsodium (Debian libsodium-dev) into Swift. Composite macros such as
// crypto_box_SEALBYTES do not import; TwofoldCrypto calls the function forms.
#include <sodium.h>
