// Unannotated code, built with lockstep_instrument, that hands data from a worker to main through an
// eventfd and through an epoll instance (epoll_eventfd_handoff.hpp), the data complete before each
// signal. Both orderings are real, and the data is never touched by two threads at once: silent.
// (The same with the last element written after the signal: epoll_eventfd_signal_before_data_data_race.)
#include "epoll_eventfd_handoff.hpp"

int main() { return handoff::run(false); }
