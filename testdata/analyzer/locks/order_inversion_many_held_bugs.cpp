// lock-order-inversion in functions holding more locks at once than the analyzer records direct
// order edges for (16): their edges are chained, and the reports must still name the two
// acquisitions that conflict.
#include <mutex>

namespace checkpoint {

// Checkpoint() holds all 20 shards and then takes the stats lock;
// RecordHit() takes the stats lock and then one shard.
std::mutex shard[20];
std::mutex stats_mu;
long hits = 0;

void Checkpoint() {
  std::lock_guard<std::mutex> g0(shard[0]);
  std::lock_guard<std::mutex> g1(shard[1]);
  std::lock_guard<std::mutex> g2(shard[2]);
  std::lock_guard<std::mutex> g3(shard[3]);
  std::lock_guard<std::mutex> g4(shard[4]);
  std::lock_guard<std::mutex> g5(shard[5]);
  std::lock_guard<std::mutex> g6(shard[6]);
  std::lock_guard<std::mutex> g7(shard[7]);
  std::lock_guard<std::mutex> g8(shard[8]);
  std::lock_guard<std::mutex> g9(shard[9]);
  std::lock_guard<std::mutex> g10(shard[10]);
  std::lock_guard<std::mutex> g11(shard[11]);
  std::lock_guard<std::mutex> g12(shard[12]);
  std::lock_guard<std::mutex> g13(shard[13]);
  std::lock_guard<std::mutex> g14(shard[14]);
  std::lock_guard<std::mutex> g15(shard[15]);
  std::lock_guard<std::mutex> g16(shard[16]);
  std::lock_guard<std::mutex> g17(shard[17]);
  std::lock_guard<std::mutex> g18(shard[18]);
  std::lock_guard<std::mutex> g19(shard[19]);
  std::lock_guard<std::mutex> s(stats_mu);
  hits = 0;
}

void RecordHit(int I) {
  std::lock_guard<std::mutex> s(stats_mu);
  ++hits;
  std::lock_guard<std::mutex> g(shard[3]); // expect: lock-order-inversion "'shard[3]' is acquired while holding 'stats_mu', but 'checkpoint::Checkpoint' acquires them in the opposite order"
  hits += I;
}

} // namespace checkpoint

namespace compaction {

// Through a call: Compact() holds 18 segments and calls FlushIndex(), which
// takes the index lock; Lookup() holds the index lock and takes a segment.
std::mutex segment[18];
std::mutex index_mu;
int entries = 0;

void FlushIndex() {
  std::lock_guard<std::mutex> i(index_mu);
  entries = 0;
}

void Compact() {
  std::lock_guard<std::mutex> g0(segment[0]);
  std::lock_guard<std::mutex> g1(segment[1]);
  std::lock_guard<std::mutex> g2(segment[2]);
  std::lock_guard<std::mutex> g3(segment[3]);
  std::lock_guard<std::mutex> g4(segment[4]);
  std::lock_guard<std::mutex> g5(segment[5]);
  std::lock_guard<std::mutex> g6(segment[6]);
  std::lock_guard<std::mutex> g7(segment[7]);
  std::lock_guard<std::mutex> g8(segment[8]);
  std::lock_guard<std::mutex> g9(segment[9]);
  std::lock_guard<std::mutex> g10(segment[10]);
  std::lock_guard<std::mutex> g11(segment[11]);
  std::lock_guard<std::mutex> g12(segment[12]);
  std::lock_guard<std::mutex> g13(segment[13]);
  std::lock_guard<std::mutex> g14(segment[14]);
  std::lock_guard<std::mutex> g15(segment[15]);
  std::lock_guard<std::mutex> g16(segment[16]);
  std::lock_guard<std::mutex> g17(segment[17]);
  FlushIndex();
}

int Lookup() {
  std::lock_guard<std::mutex> i(index_mu);
  std::lock_guard<std::mutex> s(segment[2]); // expect: lock-order-inversion "'segment[2]' is acquired while holding 'index_mu', but 'compaction::Compact' acquires them in the opposite order"
  return entries;
}

} // namespace compaction

namespace rebalance {

// A lock released in between: with 18 buckets held, Rebalance() takes
// move_mu, then journal_mu, releases move_mu and takes catalog_mu. No path
// holds move_mu while taking catalog_mu, but three threads (one holding
// move_mu, one holding journal_mu, one in Reader holding catalog_mu) can
// wait on each other: a cycle of three locks, not a pair.
std::mutex bucket[18];
std::mutex move_mu, journal_mu, catalog_mu;
int moved = 0;

void Rebalance() {
  std::lock_guard<std::mutex> g0(bucket[0]);
  std::lock_guard<std::mutex> g1(bucket[1]);
  std::lock_guard<std::mutex> g2(bucket[2]);
  std::lock_guard<std::mutex> g3(bucket[3]);
  std::lock_guard<std::mutex> g4(bucket[4]);
  std::lock_guard<std::mutex> g5(bucket[5]);
  std::lock_guard<std::mutex> g6(bucket[6]);
  std::lock_guard<std::mutex> g7(bucket[7]);
  std::lock_guard<std::mutex> g8(bucket[8]);
  std::lock_guard<std::mutex> g9(bucket[9]);
  std::lock_guard<std::mutex> g10(bucket[10]);
  std::lock_guard<std::mutex> g11(bucket[11]);
  std::lock_guard<std::mutex> g12(bucket[12]);
  std::lock_guard<std::mutex> g13(bucket[13]);
  std::lock_guard<std::mutex> g14(bucket[14]);
  std::lock_guard<std::mutex> g15(bucket[15]);
  std::lock_guard<std::mutex> g16(bucket[16]);
  std::lock_guard<std::mutex> g17(bucket[17]);
  move_mu.lock();
  journal_mu.lock();
  ++moved;
  move_mu.unlock();
  catalog_mu.lock();
  catalog_mu.unlock();
  journal_mu.unlock();
}

void Reader() {
  std::lock_guard<std::mutex> c(catalog_mu);
  std::lock_guard<std::mutex> m(move_mu); // expect: lock-order-inversion "closing a cycle of 3 locks"
  ++moved;
}

} // namespace rebalance

namespace pages {

// Two inversions against one function holding 20 page locks: one with two
// neighbouring pages, one with the first and the last.
std::mutex page[20];
int dirty = 0;

void FlushAll() {
  std::lock_guard<std::mutex> g0(page[0]);
  std::lock_guard<std::mutex> g1(page[1]);
  std::lock_guard<std::mutex> g2(page[2]);
  std::lock_guard<std::mutex> g3(page[3]);
  std::lock_guard<std::mutex> g4(page[4]);
  std::lock_guard<std::mutex> g5(page[5]);
  std::lock_guard<std::mutex> g6(page[6]);
  std::lock_guard<std::mutex> g7(page[7]);
  std::lock_guard<std::mutex> g8(page[8]);
  std::lock_guard<std::mutex> g9(page[9]);
  std::lock_guard<std::mutex> g10(page[10]);
  std::lock_guard<std::mutex> g11(page[11]);
  std::lock_guard<std::mutex> g12(page[12]);
  std::lock_guard<std::mutex> g13(page[13]);
  std::lock_guard<std::mutex> g14(page[14]);
  std::lock_guard<std::mutex> g15(page[15]);
  std::lock_guard<std::mutex> g16(page[16]);
  std::lock_guard<std::mutex> g17(page[17]);
  std::lock_guard<std::mutex> g18(page[18]);
  std::lock_guard<std::mutex> g19(page[19]);
  dirty = 0;
}

void Swap() {
  std::lock_guard<std::mutex> b(page[1]);
  std::lock_guard<std::mutex> a(page[0]); // expect: lock-order-inversion "'page[0]' is acquired while holding 'page[1]'"
  ++dirty;
}

void Wrap() {
  std::lock_guard<std::mutex> z(page[19]);
  std::lock_guard<std::mutex> a(page[0]); // expect: lock-order-inversion "'page[0]' is acquired while holding 'page[19]'"
  ++dirty;
}

} // namespace pages
