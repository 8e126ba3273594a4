#ifndef DESCENT_CBASELINEBLAS_SHIM_H
#define DESCENT_CBASELINEBLAS_SHIM_H

// The same headers as the root package's COpenBLAS: CBLAS from OpenBLAS (found
// through pkg-config "openblas") and LAPACKE (Debian's liblapacke-dev).
#include <cblas.h>
#include <lapacke.h>

#endif // DESCENT_CBASELINEBLAS_SHIM_H
