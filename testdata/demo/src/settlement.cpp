// settle(): records an amount in the journal, then finishes the booking on the strand.
#include "minibank/settlement.hpp"

#include "minibank/annotations.hpp"

namespace minibank {

Strand::Strand() : worker_([this] { run(); }) {}

Strand::~Strand() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
  }
  ready_.notify_one();
  worker_.join();
}

void Strand::post(std::coroutine_handle<> h) {
  {
    std::lock_guard<std::mutex> g(mu_);
    queue_.push_back(h);
  }
  ready_.notify_one();
}

void Strand::run() {
  for (;;) {
    std::coroutine_handle<> next;
    {
      std::unique_lock<std::mutex> lk(mu_);
      ready_.wait(lk, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      next = queue_.front();
      queue_.pop_front();
    }
    next.resume();
  }
}

Task<Cents> Settlement::settle(Cents amount) {
  // BUG(coro-lock-across-suspend): the journal stays locked while the
  // coroutine waits for the strand, and is unlocked by the strand's thread;
  // anyone else who needs the journal meanwhile waits for the whole hop.
  std::lock_guard<std::mutex> g(journal_mu_);
  MINIBANK_WRITE(settled_);
  settled_ += amount;
  co_await strand_.schedule();
  MINIBANK_WRITE(entries_);
  ++entries_;
  co_return settled_;
}

Cents Settlement::settled() {
  std::lock_guard<std::mutex> g(journal_mu_);
  MINIBANK_READ(settled_);
  return settled_;
}

std::size_t Settlement::entries() {
  std::lock_guard<std::mutex> g(journal_mu_);
  MINIBANK_READ(entries_);
  return entries_;
}

} // namespace minibank
