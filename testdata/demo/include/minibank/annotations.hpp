// Lets liblockstep see minibank's shared-memory accesses when the demo is built against it.
//
// The runtime sees locks, condition variables and threads by itself (it interposes
// pthreads), but plain memory accesses only where they are annotated. A normal build
// (MINIBANK_WITH_LOCKSTEP undefined) compiles the annotations away.
#pragma once

#if defined(MINIBANK_WITH_LOCKSTEP)
#include <lockstep/lockstep.hpp>
#define MINIBANK_READ(lvalue) LOCKSTEP_READ(lvalue)
#define MINIBANK_WRITE(lvalue) LOCKSTEP_WRITE(lvalue)
#else
#define MINIBANK_READ(lvalue) static_cast<void>(0)
#define MINIBANK_WRITE(lvalue) static_cast<void>(0)
#endif
