// Unannotated code, built with lockstep_instrument: the look-alike of epoll_eventfd_handoff_norace with
// the worker's last write after its signal (the eventfd write, the epoll_ctl), so nothing orders it
// before main's read of it: one race for each channel (epoll_eventfd_handoff.hpp).
// expect-reports: 2
#include "epoll_eventfd_handoff.hpp"

int main() { return handoff::run(true); }
