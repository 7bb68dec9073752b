/* version.c - the banner's version and commit (AEGIS_COMMIT comes from the build). */
#include <aegis/kernel.h>

const char aegis_version[] = "0.1.0";
const char aegis_commit[] = AEGIS_COMMIT;
