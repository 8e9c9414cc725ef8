#pragma once
#include <lapacke.h>
// lapack_int is a macro (int32_t unless LAPACK_ILP64), which Swift cannot see: give it a name.
typedef lapack_int LAPACKInt;
