// Imports libqrencode (Debian libqrencode-dev) into Swift: TwofoldQR makes QR codes to show in a terminal.
#include <qrencode.h>
