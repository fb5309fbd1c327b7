// A thread that sleeps in sigsuspend until a handler for one signal has run on it a given number of
// times. Every other signal is blocked on it, and that one too outside sigsuspend, so each handler
// run interrupts the sleep (code outside the runtime) and nothing else. Used by the signal-handler
// programs of threads/ and instrumented/.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <thread>

class signal_waiter {
public:
  // Returns once the thread sleeps, ready for send(). What the caller does after the constructor is
  // not ordered before what the handlers do on the thread (starting it came first).
  signal_waiter(int sig, int runs) : sig_(sig), thread_([this, runs] { sleep(runs); }) {
    while (!ready_.load(std::memory_order_acquire)) std::this_thread::yield();
  }
  signal_waiter(const signal_waiter &) = delete;
  signal_waiter &operator=(const signal_waiter &) = delete;
  ~signal_waiter() { thread_.join(); }  // after the last handler run

  void send() { pthread_kill(thread_.native_handle(), sig_); }

private:
  void sleep(int runs) {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, nullptr);
    sigset_t all_but_sig = all;
    sigdelset(&all_but_sig, sig_);
    ready_.store(true, std::memory_order_release);
    for (int i = 0; i < runs; ++i) sigsuspend(&all_but_sig);  // returns after the handler ran
  }

  int sig_;
  std::atomic<bool> ready_{false};
  std::thread thread_;  // last: it starts once the members above exist
};
