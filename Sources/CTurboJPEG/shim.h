// Imports the TurboJPEG API of libjpeg-turbo (Debian libturbojpeg0-dev) into Swift. TwofoldQR uses
// it rather than the libjpeg API because it reports errors by return value instead of longjmp.
#include <turbojpeg.h>
