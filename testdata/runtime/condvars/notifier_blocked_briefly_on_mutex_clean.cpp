// Clean: the look-alike of notifier_blocked_on_held_mutex_deadlock. The notifier blocks on a mutex
// (a watched wait) for many check intervals, but the mutex is held by a third thread that sleeps
// (running) and then lets it go; the waiter holds nothing the notifier needs. The main thread joins.
#include <pthread.h>
#include <time.h>

#include <atomic>

// lockstep-options: deadlock_check_ms=10

namespace {
pthread_mutex_t table_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t ready_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
bool has_item = false;  // guarded by ready_mu
int table = 0;          // guarded by table_mu
std::atomic<bool> table_taken{false};

void sleep_ms(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, nullptr);
}

void *consumer(void *) {
  pthread_mutex_lock(&ready_mu);
  while (!has_item) pthread_cond_wait(&ready, &ready_mu);
  has_item = false;
  pthread_mutex_unlock(&ready_mu);
  return nullptr;
}

void *maintenance(void *) {
  pthread_mutex_lock(&table_mu);
  table_taken.store(true);
  sleep_ms(300);  // holds the table for 30 check intervals, but runs
  ++table;
  pthread_mutex_unlock(&table_mu);
  return nullptr;
}

void *producer(void *) {
  while (!table_taken.load()) sleep_ms(1);
  pthread_mutex_lock(&table_mu);  // blocked while maintenance sleeps
  ++table;
  pthread_mutex_unlock(&table_mu);
  pthread_mutex_lock(&ready_mu);
  has_item = true;
  pthread_mutex_unlock(&ready_mu);
  pthread_cond_signal(&ready);
  return nullptr;
}
}  // namespace

int main() {
  pthread_t c, m, p;
  pthread_create(&c, nullptr, consumer, nullptr);
  pthread_create(&m, nullptr, maintenance, nullptr);
  pthread_create(&p, nullptr, producer, nullptr);
  pthread_join(p, nullptr);
  pthread_join(m, nullptr);
  pthread_join(c, nullptr);
  return table == 2 ? 0 : 1;
}
