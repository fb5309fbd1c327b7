// sem-release-exceeds-max: a semaphore released above its maximum: release(n) with constant n > LeastMaxValue, or a binary semaphore released twice with no acquire between.
#include <semaphore>

namespace scaffold {

// FIXME: replace this placeholder with real buggy cases (at least 6 for this
// check across testdata/analyzer), each with the "expect:" comment on the line
// of the finding's primary location. The placeholder's expectation fails until
// the check reports something there, which is the reminder.
void Placeholder() {} // expect: sem-release-exceeds-max

} // namespace scaffold
