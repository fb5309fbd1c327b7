// A small multi-threaded coroutine scheduler for the coroutine testdata: worker threads take
// coroutine handles from a lock-free queue (atomics only, which liblockstep does not see) and resume
// them, so a coroutine migrates between threads at every `co_await pool.reschedule()`. The only
// happens-before between a coroutine's activations is the one tracked_promise gives.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <thread>
#include <vector>

#include <lockstep/coroutine.hpp>

namespace sched {

// A bounded multi-producer multi-consumer queue of handles (Vyukov's sequence-numbered ring).
class handle_queue {
 public:
  explicit handle_queue(std::size_t capacity) : cells_(capacity), mask_(capacity - 1) {
    for (std::size_t i = 0; i < capacity; ++i) cells_[i].seq.store(i, std::memory_order_relaxed);
  }
  bool push(std::coroutine_handle<> h) {
    std::size_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      cell &c = cells_[pos & mask_];
      const std::size_t seq = c.seq.load(std::memory_order_acquire);
      if (seq == pos) {
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          c.handle = h;
          c.seq.store(pos + 1, std::memory_order_release);
          return true;
        }
      } else if (seq < pos) {
        return false;  // full
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
  }
  bool pop(std::coroutine_handle<> &h) {
    std::size_t pos = head_.load(std::memory_order_relaxed);
    for (;;) {
      cell &c = cells_[pos & mask_];
      const std::size_t seq = c.seq.load(std::memory_order_acquire);
      if (seq == pos + 1) {
        if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          h = c.handle;
          c.seq.store(pos + mask_ + 1, std::memory_order_release);
          return true;
        }
      } else if (seq < pos + 1) {
        return false;  // empty
      } else {
        pos = head_.load(std::memory_order_relaxed);
      }
    }
  }

 private:
  struct cell {
    std::atomic<std::size_t> seq{0};
    std::coroutine_handle<> handle;
  };
  std::vector<cell> cells_;
  std::size_t mask_;
  std::atomic<std::size_t> head_{0}, tail_{0};
};

class pool {
 public:
  explicit pool(int threads) : queue_(1024) {
    for (int i = 0; i < threads; ++i)
      workers_.emplace_back([this] {
        std::coroutine_handle<> h;
        while (!stop_.load(std::memory_order_acquire)) {
          if (queue_.pop(h))
            h.resume();
          else
            std::this_thread::yield();
        }
      });
  }
  ~pool() {
    stop_.store(true, std::memory_order_release);
    for (std::thread &t : workers_) t.join();
  }
  void post(std::coroutine_handle<> h) {
    while (!queue_.push(h)) std::this_thread::yield();
  }
  // co_await pool.reschedule(): the coroutine continues on whichever worker takes it next.
  auto reschedule() {
    struct awaiter {
      pool *p;
      bool await_ready() const noexcept { return false; }
      void await_suspend(std::coroutine_handle<> h) { p->post(h); }
      void await_resume() const noexcept {}
    };
    return awaiter{this};
  }

 private:
  handle_queue queue_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
};

// A detached coroutine started on the pool: a hand-written task type made tracked in one line (the
// base class). It frees itself when it finishes.
struct job {
  struct promise_type : lockstep::tracked_promise<promise_type> {
    job get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

}  // namespace sched
