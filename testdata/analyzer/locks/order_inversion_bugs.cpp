// lock-order-inversion: two functions take the same two locks in opposite orders, directly or through calls.
#include "annotated_spinlock.h"

#include <map>
#include <mutex>
#include <pthread.h>
#include <shared_mutex>
#include <string>
#include <vector>

namespace bank {

// Transfer() locks accounts then the journal; Audit() locks the journal then
// the accounts.
class Bank {
public:
  void Transfer(int From, int To, long Amount) {
    std::lock_guard<std::mutex> a(accounts_mu_);
    balances_[From] -= Amount;
    balances_[To] += Amount;
    std::lock_guard<std::mutex> j(journal_mu_);
    journal_.push_back(Amount);
  }

  long Audit() {
    std::lock_guard<std::mutex> j(journal_mu_);
    long Sum = 0;
    for (long Entry : journal_)
      Sum += Entry;
    std::lock_guard<std::mutex> a(accounts_mu_); // expect: lock-order-inversion "'accounts_mu_'"
    return Sum - static_cast<long>(balances_.size());
  }

private:
  std::mutex accounts_mu_;
  std::mutex journal_mu_;
  std::map<int, long> balances_;
  std::vector<long> journal_;
};

} // namespace bank

namespace config {

// Two globals, locked by hand in opposite orders by two free functions.
std::mutex g_config_mu;
std::mutex g_plugins_mu;
int g_config_version = 0;
int g_plugin_count = 0;

void ReloadConfig() noexcept {
  g_config_mu.lock();
  g_plugins_mu.lock();
  ++g_config_version;
  g_plugin_count = 0;
  g_plugins_mu.unlock();
  g_config_mu.unlock();
}

void RegisterPlugin() noexcept {
  g_plugins_mu.lock();
  ++g_plugin_count;
  g_config_mu.lock(); // expect: lock-order-inversion
  ++g_config_version;
  g_config_mu.unlock();
  g_plugins_mu.unlock();
}

} // namespace config

namespace cache {

// Through a call: Refresh() holds the index lock and calls Load(), which
// takes the storage lock; Compact() holds the storage lock and calls
// Reindex(), which takes the index lock.
class Store {
public:
  void Load() {
    std::lock_guard<std::mutex> s(storage_mu_);
    ++loads_;
  }

  void Reindex() {
    std::lock_guard<std::mutex> i(index_mu_);
    index_.clear();
  }

  void Refresh() {
    std::lock_guard<std::mutex> i(index_mu_);
    Load();
  }

  void Compact() {
    std::lock_guard<std::mutex> s(storage_mu_);
    Reindex(); // expect: lock-order-inversion
  }

private:
  std::mutex index_mu_;
  std::mutex storage_mu_;
  std::map<std::string, int> index_;
  int loads_ = 0;
};

} // namespace cache

namespace sockets {

// pthread mutexes: the send path locks socket then stats, the stats dump
// locks stats then socket.
struct Socket {
  pthread_mutex_t sock_mu = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
  long bytes = 0;
  int state = 0;
};

void OnSend(Socket *S, long N) {
  pthread_mutex_lock(&S->sock_mu);
  pthread_mutex_lock(&S->stats_mu);
  S->bytes += N;
  pthread_mutex_unlock(&S->stats_mu);
  pthread_mutex_unlock(&S->sock_mu);
}

long DumpStats(Socket *S) {
  pthread_mutex_lock(&S->stats_mu);
  pthread_mutex_lock(&S->sock_mu); // expect: lock-order-inversion
  long Result = S->bytes + S->state;
  pthread_mutex_unlock(&S->sock_mu);
  pthread_mutex_unlock(&S->stats_mu);
  return Result;
}

} // namespace sockets

namespace catalog {

// A reader/writer lock in one order (shared), a plain mutex in the other:
// a pending writer makes the shared acquisition wait too, so it still
// deadlocks.
class Catalog {
public:
  std::string Describe(int Id) {
    std::shared_lock<std::shared_mutex> r(tables_mu_);
    std::lock_guard<std::mutex> s(stats_mu_);
    ++lookups_;
    return std::to_string(Id);
  }

  void Drop(int Id) {
    std::lock_guard<std::mutex> s(stats_mu_);
    lookups_ = 0;
    std::unique_lock<std::shared_mutex> w(tables_mu_); // expect: lock-order-inversion
    dropped_.push_back(Id);
  }

private:
  std::shared_mutex tables_mu_;
  std::mutex stats_mu_;
  long lookups_ = 0;
  std::vector<int> dropped_;
};

} // namespace catalog

namespace render {

// Annotated spin locks, and unique_locks deferred then locked one by one:
// the order is the order of the lock() calls.
class Scene {
public:
  void Update() {
    util::SpinGuard m(mesh_lock_);
    util::SpinGuard t(texture_lock_);
    ++frame_;
  }

  void Upload() {
    util::SpinGuard t(texture_lock_);
    util::SpinGuard m(mesh_lock_); // expect: lock-order-inversion
    ++uploads_;
  }

private:
  util::SpinLock mesh_lock_;
  util::SpinLock texture_lock_;
  int frame_ = 0;
  int uploads_ = 0;
};

class Mixer {
public:
  void Play() {
    std::unique_lock<std::mutex> a(audio_mu_, std::defer_lock);
    std::unique_lock<std::mutex> v(video_mu_, std::defer_lock);
    a.lock();
    v.lock();
    ++played_;
  }

  void Seek() {
    std::unique_lock<std::mutex> a(audio_mu_, std::defer_lock);
    std::unique_lock<std::mutex> v(video_mu_, std::defer_lock);
    v.lock();
    a.lock(); // expect: lock-order-inversion
    played_ = 0;
  }

private:
  std::mutex audio_mu_;
  std::mutex video_mu_;
  int played_ = 0;
};

} // namespace render

namespace pipeline {

// Three locks in a cycle: parse -> plan, plan -> exec, exec -> parse. No
// two functions invert a pair, but the three together deadlock.
class Pipeline {
public:
  void Parse() {
    std::lock_guard<std::mutex> p(parse_mu_);
    std::lock_guard<std::mutex> q(plan_mu_);
    ++stages_;
  }

  void Plan() {
    std::lock_guard<std::mutex> q(plan_mu_);
    std::lock_guard<std::mutex> e(exec_mu_);
    ++stages_;
  }

  void Execute() {
    std::lock_guard<std::mutex> e(exec_mu_);
    std::lock_guard<std::mutex> p(parse_mu_); // expect: lock-order-inversion
    ++stages_;
  }

private:
  std::mutex parse_mu_;
  std::mutex plan_mu_;
  std::mutex exec_mu_;
  int stages_ = 0;
};

} // namespace pipeline

namespace queues {

// The same member of the same class reached through a parameter: Push()
// locks the queue then the global stats lock, Report() the other way round.
struct Queue {
  std::mutex mu;
  std::vector<int> items;
};

std::mutex g_stats_mu;
long g_pushes = 0;

void Push(Queue &Q, int V) {
  std::lock_guard<std::mutex> q(Q.mu);
  Q.items.push_back(V);
  std::lock_guard<std::mutex> s(g_stats_mu);
  ++g_pushes;
}

long Report(Queue &Q) {
  std::lock_guard<std::mutex> s(g_stats_mu);
  std::lock_guard<std::mutex> q(Q.mu); // expect: lock-order-inversion
  return g_pushes + static_cast<long>(Q.items.size());
}

} // namespace queues
