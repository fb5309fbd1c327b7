// The phase primitives minibank uses, as liblockstep's drop-ins when the demo is built against it.
//
// liblockstep sees std::mutex, std::condition_variable and std::thread through the
// pthread calls they make, but libstdc++'s std::barrier and std::latch wait on futexes
// of their own, which no library can see. With MINIBANK_WITH_LOCKSTEP defined the same
// code uses lockstep::barrier and lockstep::latch (the exact std interfaces), so that
// the runtime knows what the threads wait for; a normal build uses the std types.
#pragma once

//
// Coroutines: a promise type derives from sync::promise_base<P>, which is liblockstep's
// tracked_promise (the runtime then follows the coroutine across threads) in that build
// and nothing in a normal one.
#if defined(MINIBANK_WITH_LOCKSTEP)
#include <lockstep/lockstep.hpp>
namespace minibank::sync {
using lockstep::barrier;
using lockstep::latch;
template <typename Promise> using promise_base = lockstep::tracked_promise<Promise>;
} // namespace minibank::sync
#else
#include <barrier>
#include <latch>
namespace minibank::sync {
using std::barrier;
using std::latch;
template <typename Promise> struct promise_base {};
} // namespace minibank::sync
#endif
