// Bug (deadlock): the consumer waits on `ready` (with ready_mu) while still holding `table_mu`; the
// producer must update the table under table_mu before it can notify, so it blocks on table_mu for
// ever, and the main thread waits to join it. No live thread can notify the consumer: a deadlock is
// reported (the consumer's wait, the producer's lock of the mutex the consumer holds) and the
// process ends. Plain pthread calls, as C code would write them.
#include <pthread.h>

#include <atomic>
#include <ctime>

// expect-stack: 0 consume_one

namespace {
pthread_mutex_t table_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t ready_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
bool has_item = false;  // guarded by ready_mu
int table = 0;          // guarded by table_mu
std::atomic<bool> consumer_waits{false};

__attribute__((noinline)) void consume_one() {
  pthread_mutex_lock(&table_mu);  // held across the wait: the bug
  pthread_mutex_lock(&ready_mu);
  consumer_waits.store(true);
  while (!has_item) pthread_cond_wait(&ready, &ready_mu);
  has_item = false;
  pthread_mutex_unlock(&ready_mu);
  ++table;
  pthread_mutex_unlock(&table_mu);
}

void *consumer(void *) {
  consume_one();
  return nullptr;
}

__attribute__((noinline)) void produce_one() {
  pthread_mutex_lock(&table_mu);  // blocks for ever: the consumer holds it
  ++table;
  pthread_mutex_unlock(&table_mu);
  pthread_mutex_lock(&ready_mu);
  has_item = true;
  pthread_mutex_unlock(&ready_mu);
  pthread_cond_signal(&ready);
}

void *producer(void *) {
  produce_one();
  return nullptr;
}
}  // namespace

int main() {
  pthread_t c, p;
  pthread_create(&c, nullptr, consumer, nullptr);
  while (!consumer_waits.load()) {
    timespec ts{0, 1000000};
    nanosleep(&ts, nullptr);
  }
  pthread_create(&p, nullptr, producer, nullptr);
  pthread_join(p, nullptr);
  pthread_join(c, nullptr);
  return 0;
}
