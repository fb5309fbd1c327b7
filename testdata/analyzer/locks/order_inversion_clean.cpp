// lock-order-inversion look-alikes: opposite orders that cannot deadlock (gate locks, std::lock, try_lock, distinct objects).
#include "annotated_spinlock.h"

#include <map>
#include <mutex>
#include <pthread.h>
#include <string>
#include <vector>

namespace bank {

// clean: lock-order-inversion  a common gate lock is held around both orders
class Bank {
public:
  void Transfer(int From, int To, long Amount) {
    std::lock_guard<std::mutex> g(gate_mu_);
    std::lock_guard<std::mutex> a(accounts_mu_);
    std::lock_guard<std::mutex> j(journal_mu_);
    balances_[From] -= Amount;
    balances_[To] += Amount;
    journal_.push_back(Amount);
  }

  long Audit() {
    std::lock_guard<std::mutex> g(gate_mu_);
    std::lock_guard<std::mutex> j(journal_mu_);
    std::lock_guard<std::mutex> a(accounts_mu_);
    return static_cast<long>(journal_.size() + balances_.size());
  }

private:
  std::mutex gate_mu_;
  std::mutex accounts_mu_;
  std::mutex journal_mu_;
  std::map<int, long> balances_;
  std::vector<long> journal_;
};

} // namespace bank

namespace config {

std::mutex g_config_mu;
std::mutex g_plugins_mu;
int g_config_version = 0;
int g_plugin_count = 0;

// clean: lock-order-inversion  one side takes both locks with std::lock, which imposes no order
void ReloadConfig() {
  std::lock(g_config_mu, g_plugins_mu);
  std::lock_guard<std::mutex> c(g_config_mu, std::adopt_lock);
  std::lock_guard<std::mutex> p(g_plugins_mu, std::adopt_lock);
  ++g_config_version;
  g_plugin_count = 0;
}

void RegisterPlugin() {
  std::lock_guard<std::mutex> p(g_plugins_mu);
  std::lock_guard<std::mutex> c(g_config_mu);
  ++g_plugin_count;
  ++g_config_version;
}

} // namespace config

namespace catalog {

// clean: lock-order-inversion  scoped_lock with several mutexes on one side, nested guards on the other
class Catalog {
public:
  void Rename(int Id, const std::string &Name) {
    std::scoped_lock both(names_mu_, ids_mu_);
    names_[Id] = Name;
  }

  void Renumber(int Old, int New) {
    std::lock_guard<std::mutex> i(ids_mu_);
    std::lock_guard<std::mutex> n(names_mu_);
    names_[New] = names_[Old];
  }

private:
  std::mutex names_mu_;
  std::mutex ids_mu_;
  std::map<int, std::string> names_;
};

} // namespace catalog

namespace cache {

// clean: lock-order-inversion  the same order in both functions, once directly and once through a call
class Store {
public:
  void Load() {
    std::lock_guard<std::mutex> s(storage_mu_);
    ++loads_;
  }

  void Refresh() {
    std::lock_guard<std::mutex> i(index_mu_);
    Load();
  }

  void Compact() {
    std::lock_guard<std::mutex> i(index_mu_);
    std::lock_guard<std::mutex> s(storage_mu_);
    loads_ = 0;
  }

  // clean: lock-order-inversion  the first lock is released before the second is taken
  void Rebuild() {
    {
      std::lock_guard<std::mutex> s(storage_mu_);
      ++loads_;
    }
    std::lock_guard<std::mutex> i(index_mu_);
    index_.clear();
  }

private:
  std::mutex index_mu_;
  std::mutex storage_mu_;
  std::map<std::string, int> index_;
  int loads_ = 0;
};

} // namespace cache

namespace sockets {

struct Socket {
  pthread_mutex_t sock_mu = PTHREAD_MUTEX_INITIALIZER;
  pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
  long bytes = 0;
};

void OnSend(Socket *S, long N) {
  pthread_mutex_lock(&S->sock_mu);
  pthread_mutex_lock(&S->stats_mu);
  S->bytes += N;
  pthread_mutex_unlock(&S->stats_mu);
  pthread_mutex_unlock(&S->sock_mu);
}

// clean: lock-order-inversion  the reverse order uses trylock and backs off, so it cannot wait in a cycle
long DumpStats(Socket *S) {
  long Result = -1;
  pthread_mutex_lock(&S->stats_mu);
  if (pthread_mutex_trylock(&S->sock_mu) == 0) {
    Result = S->bytes;
    pthread_mutex_unlock(&S->sock_mu);
  }
  pthread_mutex_unlock(&S->stats_mu);
  return Result;
}

} // namespace sockets

namespace router {

// clean: lock-order-inversion  members of two different Queue objects: in_.mu and out_.mu are never the same lock
struct Queue {
  std::mutex mu;
  std::vector<int> items;
};

class Router {
public:
  void Receive(int V) {
    std::lock_guard<std::mutex> q(in_.mu);
    in_.items.push_back(V);
    std::lock_guard<std::mutex> l(log_mu_);
    ++received_;
  }

  void Send() {
    std::lock_guard<std::mutex> l(log_mu_);
    ++sent_;
    std::lock_guard<std::mutex> q(out_.mu);
    out_.items.clear();
  }

private:
  Queue in_;
  Queue out_;
  std::mutex log_mu_;
  long received_ = 0;
  long sent_ = 0;
};

} // namespace router

namespace render {

// clean: lock-order-inversion  the reverse function releases the annotated lock by hand before taking the other
class Scene {
public:
  void Update() {
    util::SpinGuard m(mesh_lock_);
    util::SpinGuard t(texture_lock_);
    ++frame_;
  }

  void Upload() {
    texture_lock_.Lock();
    int Pending = uploads_;
    texture_lock_.Unlock();
    util::SpinGuard m(mesh_lock_);
    uploads_ = Pending + 1;
  }

private:
  util::SpinLock mesh_lock_;
  util::SpinLock texture_lock_;
  int frame_ = 0;
  int uploads_ = 0;
};

} // namespace render

namespace pipeline {

// clean: lock-order-inversion  three locks always taken in one global order (parse, plan, exec)
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
    std::lock_guard<std::mutex> p(parse_mu_);
    std::lock_guard<std::mutex> e(exec_mu_);
    ++stages_;
  }

private:
  std::mutex parse_mu_;
  std::mutex plan_mu_;
  std::mutex exec_mu_;
  int stages_ = 0;
};

} // namespace pipeline
