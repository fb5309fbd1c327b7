// Settlement: moving money between accounts as coroutines that run on a strand.
#pragma once

#include "minibank/account.hpp"
#include "minibank/coro.hpp"

#include <condition_variable>
#include <coroutine>
#include <deque>
#include <mutex>
#include <thread>

namespace minibank {

/// One worker thread that resumes the coroutines scheduled on it, in order.
/// `co_await strand.schedule()` continues the awaiting coroutine on the
/// strand's thread. The destructor finishes what is queued, then joins.
class Strand {
public:
  Strand();
  ~Strand();
  Strand(const Strand &) = delete;
  Strand &operator=(const Strand &) = delete;

  auto schedule() {
    struct Awaiter {
      Strand *strand;
      bool await_ready() const noexcept { return false; }
      void await_suspend(std::coroutine_handle<> h) { strand->post(h); }
      void await_resume() const noexcept {}
    };
    return Awaiter{this};
  }

private:
  void post(std::coroutine_handle<> h);
  void run();

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::coroutine_handle<>> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

/// Settles amounts: each is recorded in the journal, then booked on the
/// settlement strand.
class Settlement {
public:
  /// Records \p amount and books it; returns the journal's total after it.
  Task<Cents> settle(Cents amount);

  /// The journal's total and number of bookings.
  Cents settled();
  std::size_t entries();

private:
  std::mutex journal_mu_;
  Cents settled_ = 0;
  std::size_t entries_ = 0;
  Strand strand_;
};

} // namespace minibank
