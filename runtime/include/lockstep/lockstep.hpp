// The umbrella header of liblockstep: drop-in primitives, annotations and naming in one include.
//
// Linking lockstep::runtime is enough for unmodified std::mutex, std::shared_mutex,
// std::condition_variable, std::thread, sem_t and pthread_barrier_t code to be watched; include this header to annotate
// memory accesses (LOCKSTEP_READ / LOCKSTEP_WRITE) or to use the named drop-in types.
#pragma once

#if __cplusplus < 202002L
#error "<lockstep/lockstep.hpp> needs C++20 (CMake: target_compile_features(<target> PRIVATE cxx_std_20)); C and C++11 code can use <lockstep/lockstep.h>"
#endif

#include <lockstep/annotations.hpp>
#include <lockstep/barrier.hpp>
#include <lockstep/condition_variable.hpp>
#include <lockstep/coroutine.hpp>
#include <lockstep/latch.hpp>
#include <lockstep/mutex.hpp>
#include <lockstep/names.hpp>
#include <lockstep/semaphore.hpp>
#include <lockstep/shared_mutex.hpp>
#include <lockstep/thread.hpp>
