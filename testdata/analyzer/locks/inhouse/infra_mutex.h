// The interface of an in-house lock library: unannotated, defined elsewhere, described to lockstep by .lockstep.yaml.
#ifndef LOCKSTEP_TESTDATA_INFRA_MUTEX_H
#define LOCKSTEP_TESTDATA_INFRA_MUTEX_H

namespace infra {

// The library reports errors by return value and never throws.

class Mutex {
public:
  Mutex();
  ~Mutex();
  Mutex(const Mutex &) = delete;
  Mutex &operator=(const Mutex &) = delete;

  void Acquire() noexcept;
  void Release() noexcept;
  /// True when the mutex was acquired.
  bool TryAcquire() noexcept;
};

void lock_it(Mutex &M) noexcept;
void unlock_it(Mutex &M) noexcept;

/// Receive() blocks until a message arrives; -1 when the channel is closed.
class Channel {
public:
  int Receive() noexcept;
  void Send(int Message) noexcept;
};

} // namespace infra

#endif // LOCKSTEP_TESTDATA_INFRA_MUTEX_H
