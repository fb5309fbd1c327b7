// lock-order-inversion look-alikes in functions holding more locks at once than the analyzer
// records direct order edges for (16): chained edges must not make up an order that never held.
#include <mutex>

namespace released {

// clean: lock-order-inversion  a lock released before the next is taken (many held underneath)
// Merge() takes and releases merge_mu before it takes publish_mu: nothing
// orders merge_mu before publish_mu, so Publish() taking them the other way
// round is fine.
std::mutex run[20];
std::mutex merge_mu, publish_mu;
int merged = 0;

void Merge() {
  std::lock_guard<std::mutex> g0(run[0]);
  std::lock_guard<std::mutex> g1(run[1]);
  std::lock_guard<std::mutex> g2(run[2]);
  std::lock_guard<std::mutex> g3(run[3]);
  std::lock_guard<std::mutex> g4(run[4]);
  std::lock_guard<std::mutex> g5(run[5]);
  std::lock_guard<std::mutex> g6(run[6]);
  std::lock_guard<std::mutex> g7(run[7]);
  std::lock_guard<std::mutex> g8(run[8]);
  std::lock_guard<std::mutex> g9(run[9]);
  std::lock_guard<std::mutex> g10(run[10]);
  std::lock_guard<std::mutex> g11(run[11]);
  std::lock_guard<std::mutex> g12(run[12]);
  std::lock_guard<std::mutex> g13(run[13]);
  std::lock_guard<std::mutex> g14(run[14]);
  std::lock_guard<std::mutex> g15(run[15]);
  std::lock_guard<std::mutex> g16(run[16]);
  std::lock_guard<std::mutex> g17(run[17]);
  std::lock_guard<std::mutex> g18(run[18]);
  std::lock_guard<std::mutex> g19(run[19]);
  merge_mu.lock();
  ++merged;
  merge_mu.unlock();
  publish_mu.lock();
  ++merged;
  publish_mu.unlock();
}

void Publish() {
  std::lock_guard<std::mutex> p(publish_mu);
  std::lock_guard<std::mutex> m(merge_mu);
  merged = 0;
}

} // namespace released

namespace gated {

// clean: lock-order-inversion  the first of many held locks is a gate held on both sides
// Checkpoint() holds every shard, shard[0] first, then takes stats_mu;
// RecordHit() takes stats_mu, then shard[5], but only under shard[0].
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

void RecordHit() {
  std::lock_guard<std::mutex> g(shard[0]);
  std::lock_guard<std::mutex> s(stats_mu);
  std::lock_guard<std::mutex> g5(shard[5]);
  ++hits;
}

} // namespace gated

namespace subset {

// clean: lock-order-inversion  a few of many locks taken elsewhere in the same order
std::mutex level[24];
int compactions = 0;

void CompactAll() {
  std::lock_guard<std::mutex> g0(level[0]);
  std::lock_guard<std::mutex> g1(level[1]);
  std::lock_guard<std::mutex> g2(level[2]);
  std::lock_guard<std::mutex> g3(level[3]);
  std::lock_guard<std::mutex> g4(level[4]);
  std::lock_guard<std::mutex> g5(level[5]);
  std::lock_guard<std::mutex> g6(level[6]);
  std::lock_guard<std::mutex> g7(level[7]);
  std::lock_guard<std::mutex> g8(level[8]);
  std::lock_guard<std::mutex> g9(level[9]);
  std::lock_guard<std::mutex> g10(level[10]);
  std::lock_guard<std::mutex> g11(level[11]);
  std::lock_guard<std::mutex> g12(level[12]);
  std::lock_guard<std::mutex> g13(level[13]);
  std::lock_guard<std::mutex> g14(level[14]);
  std::lock_guard<std::mutex> g15(level[15]);
  std::lock_guard<std::mutex> g16(level[16]);
  std::lock_guard<std::mutex> g17(level[17]);
  std::lock_guard<std::mutex> g18(level[18]);
  std::lock_guard<std::mutex> g19(level[19]);
  std::lock_guard<std::mutex> g20(level[20]);
  std::lock_guard<std::mutex> g21(level[21]);
  std::lock_guard<std::mutex> g22(level[22]);
  std::lock_guard<std::mutex> g23(level[23]);
  ++compactions;
}

void CompactSome() {
  std::lock_guard<std::mutex> a(level[2]);
  std::lock_guard<std::mutex> b(level[17]);
  std::lock_guard<std::mutex> c(level[23]);
  ++compactions;
}

} // namespace subset

namespace together {

// clean: lock-order-inversion  two locks taken together with scoped_lock on top of many held
std::mutex table[18];
std::mutex src_mu, dst_mu;
int copies = 0;

void CopyAll() {
  std::lock_guard<std::mutex> g0(table[0]);
  std::lock_guard<std::mutex> g1(table[1]);
  std::lock_guard<std::mutex> g2(table[2]);
  std::lock_guard<std::mutex> g3(table[3]);
  std::lock_guard<std::mutex> g4(table[4]);
  std::lock_guard<std::mutex> g5(table[5]);
  std::lock_guard<std::mutex> g6(table[6]);
  std::lock_guard<std::mutex> g7(table[7]);
  std::lock_guard<std::mutex> g8(table[8]);
  std::lock_guard<std::mutex> g9(table[9]);
  std::lock_guard<std::mutex> g10(table[10]);
  std::lock_guard<std::mutex> g11(table[11]);
  std::lock_guard<std::mutex> g12(table[12]);
  std::lock_guard<std::mutex> g13(table[13]);
  std::lock_guard<std::mutex> g14(table[14]);
  std::lock_guard<std::mutex> g15(table[15]);
  std::lock_guard<std::mutex> g16(table[16]);
  std::lock_guard<std::mutex> g17(table[17]);
  std::scoped_lock both(src_mu, dst_mu);
  ++copies;
}

void CopyBack() {
  std::lock_guard<std::mutex> d(dst_mu);
  std::lock_guard<std::mutex> s(src_mu);
  ++copies;
}

} // namespace together
