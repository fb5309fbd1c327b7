// Memory-access annotations for C++ (C++11 and later): LOCKSTEP_READ / LOCKSTEP_WRITE tell liblockstep
// about accesses to shared data so it can report data races between them.
//
//   int counter;                       // shared between threads
//   LOCKSTEP_WRITE(counter);           // just before (or after) writing it
//   counter = counter + 1;
//   LOCKSTEP_READ(config.limit);       // any lvalue: a variable, a member, an element
//
// The declarations, the macros and their contract are in the C header <lockstep/lockstep.h>, which C
// code includes directly; in C++ the macros take the lvalue's address with std::addressof.
#pragma once

#include <lockstep/lockstep.h>
