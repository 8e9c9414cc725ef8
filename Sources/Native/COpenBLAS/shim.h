#pragma once
#include <cblas.h>

/// OpenBLAS's own: ends its pool of worker threads (they are started again by the next call that
/// uses more than one thread). Exported by libopenblas but declared in no public header.
void blas_thread_shutdown_(void);
