#ifndef DESCENT_COPENBLAS_SHIM_H
#define DESCENT_COPENBLAS_SHIM_H

// CBLAS from OpenBLAS (found through pkg-config "openblas") and the LAPACKE C
// interface (Debian's liblapacke-dev, which calls OpenBLAS's LAPACK).
#include <cblas.h>
#include <lapacke.h>

#endif // DESCENT_COPENBLAS_SHIM_H
