// minibank: imports a statement, posts its transfers with worker threads, and reconciles the day.
#include "minibank/account.hpp"
#include "minibank/bounded_queue.hpp"
#include "minibank/connection_pool.hpp"
#include "minibank/pipeline.hpp"
#include "minibank/rate_store.hpp"
#include "minibank/reconcile.hpp"

#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr const char *statement = R"(# id from to amount memo
1 0 1 2500 rent share
2 1 2 1200 groceries
3 2 3 800 books
4 3 0 4100 refund
5 0 2 150 coffee
6 1 3 990 concert tickets
7 2 0 3000 loan repayment
8 3 1 620 dinner
)";

int run() {
  using namespace minibank;

  StatementSummary summary = sync_wait(import_statement(statement));
  std::printf("imported %zu transfers, %lld cents in total (largest %lld)\n",
              summary.transfers.size(), static_cast<long long>(summary.total),
              static_cast<long long>(summary.largest));

  std::vector<Cents> opening{10000, 5000, 7500, 2500};
  std::vector<std::unique_ptr<Account>> accounts;
  for (std::size_t i = 0; i < opening.size(); ++i)
    accounts.push_back(std::make_unique<Account>(i, opening[i]));

  // Post every transfer: one importer feeds the queue, two workers apply the
  // transfers and record each one in the ledger database.
  BoundedQueue queue(4);
  ConnectionPool pool("ledger.internal:5432", 2);
  std::vector<std::size_t> posted(2, 0);
  {
    std::vector<std::jthread> workers;
    for (std::size_t w = 0; w < posted.size(); ++w) {
      workers.emplace_back([&, w] {
        while (std::optional<Transfer> t = queue.pop()) {
          Account &from = *accounts.at(t->from);
          Account &to = *accounts.at(t->to);
          if (!from.withdraw(t->amount))
            continue;
          to.deposit(t->amount);
          ConnectionPool::Lease conn = pool.acquire();
          conn->execute("INSERT INTO ledger VALUES (" + std::to_string(t->id) + ")");
          ++posted[w];
        }
      });
    }
    for (const Transfer &t : summary.transfers)
      queue.push(t);
    queue.close();
  }
  QueueStats stats = queue.stats();
  std::printf("posted %zu + %zu transfers (%llu queued)\n", posted[0], posted[1],
              static_cast<unsigned long long>(stats.popped));
  for (const auto &account : accounts)
    std::printf("  account %zu: %lld\n", account->id(),
                static_cast<long long>(account->balance()));

  Reconciliation day = reconcile(opening, summary.transfers, 3);
  std::printf("reconciled %zu transfers, total %lld, %zu rejected\n", day.applied,
              static_cast<long long>(day.total), day.errors.size());

  RateStore rates;
  rates.set_rate("EUR", 1.0);
  rates.set_rate("USD", 0.92);
  if (std::optional<Cents> usd = rates.convert(day.total, "EUR", "USD"))
    std::printf("total in USD: %lld\n", static_cast<long long>(*usd));
  return 0;
}

} // namespace

int main() {
  try {
    return run();
  } catch (const std::exception &e) {
    std::fprintf(stderr, "minibank: %s\n", e.what());
    return 1;
  }
}
