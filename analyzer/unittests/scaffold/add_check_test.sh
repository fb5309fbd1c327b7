#!/usr/bin/env bash
# Tests tools/add-check on a scratch copy of the source tree: files created, registrations sorted, errors refused.
#
# Usage: add_check_test.sh <lockstep source dir> [<c++ compiler for the testdata skeletons>]
# It never touches the source tree itself and does not build the analyzer (the generated check was built by
# hand once; here the generated files and the registrations are checked).
# shellcheck disable=SC2015,SC2016 # `a && pass || fail`: pass cannot fail; Markdown backticks are literal
set -uo pipefail
export LC_ALL=C

src=${1:?usage: add_check_test.sh <lockstep source dir> [<c++ compiler>]}
cxx=${2:-}
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
pass() { echo "ok: $*"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/add-check-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A fresh copy of what the script reads and writes.
fresh_copy() {
  rm -rf "$work/tree"
  mkdir -p "$work/tree/tools" "$work/tree/testdata"
  cp -r "$src/analyzer" "$work/tree/analyzer"
  cp -r "$src/testdata/analyzer" "$work/tree/testdata/analyzer"
  cp "$src/tools/add-check" "$work/tree/tools/add-check"
  cp "$src/README.md" "$work/tree/README.md"
  tree=$work/tree
}
snapshot() { (cd "$tree" && find . -type f -print0 | sort -z | xargs -0 sha1sum); }
run() { # run <args...>: runs the copy's script, output in $out, status in $rc
  out=$("$tree/tools/add-check" "$@" 2>&1)
  rc=$?
}
has() { grep -qF -- "$2" "$tree/$1"; }
# The lines of the lockstepChecks source list, in file order.
cmake_sources() { awk '/^add_library\(lockstepChecks/ { on = 1; next } on && /^\)/ { on = 0 } on { print $1 }' \
  "$tree/analyzer/lib/checks/CMakeLists.txt"; }
# The IDs a module registers, in file order.
module_ids() { grep -A1 'registerCheck<' "$tree/$1" | grep -o '"[a-z0-9-]*"' | tr -d '"'; }
module_includes() { grep -o '^#include "[A-Za-z0-9]*Check\.h"' "$tree/$1"; }
is_sorted() { sort -c >/dev/null 2>&1; }

# --- bad input: exit 2, a message, nothing written ---------------------------------------------
fresh_copy
before=$(snapshot)
expect_error() { # expect_error <message part> <args...>
  local want=$1
  shift
  run "$@"
  if [[ $rc -ne 2 ]]; then
    fail "add-check $* exited $rc, expected 2; output: $out"
  elif [[ $out != *"$want"* ]]; then
    fail "add-check $* did not say '$want'; output: $out"
  elif [[ $(snapshot) != "$before" ]]; then
    fail "add-check $* changed the tree although it failed"
  else
    pass "refuses:$(printf " %q" "$@")"
  fi
}
expect_error "unknown family 'mutexes'" mutexes lock-foo "a summary"
expect_error "must be lower-case words" locks Lock-Foo "a summary"
expect_error "must be lower-case words" locks lock_foo "a summary"
expect_error "must be lower-case words" locks lock-foo- "a summary"
expect_error "must be lower-case words" locks lock "a summary"
expect_error "must start with the semaphores family's prefix: sem-" semaphores lock-foo "a summary"
expect_error "must start with the barriers family's prefix: barrier- latch-" barriers sem-foo "a summary"
expect_error "already exists" locks lock-double-lock "a summary"
expect_error "the summary is empty" semaphores sem-foo "   "
expect_error "single line" semaphores sem-foo $'two\nlines'
expect_error "must not contain '|'" semaphores sem-foo "a | b"
expect_error "expected 3 arguments" semaphores sem-foo
expect_error "unknown option '--force'" --force semaphores sem-foo "a summary"
# A file in the way is never overwritten, and then nothing else is written either.
mkdir -p "$tree/analyzer/lib/checks/semaphores"
: >"$tree/analyzer/lib/checks/semaphores/SemFooCheck.h"
: >"$tree/analyzer/lib/checks/semaphores/FooCheck.h"
before=$(snapshot)
expect_error "already exists; not overwriting it" semaphores sem-foo "a summary"

# --- --dry-run writes nothing and says what it would do -----------------------------------------
fresh_copy
before=$(snapshot)
run --dry-run threads thread-not-joined "a std::thread destroyed while still joinable"
if [[ $rc -eq 0 && $(snapshot) == "$before" && $out == *"analyzer/docs/checks/thread-not-joined.md"* &&
  $out == *"+void registerThreadsChecks(CheckFactories &F);"* ]]; then
  pass "--dry-run lists the files and the edits, writes nothing"
else
  fail "--dry-run: rc=$rc, tree changed: $([[ $(snapshot) == "$before" ]] && echo no || echo yes); output: $out"
fi

# --- a check of a family that may be new (semaphores) ----------------------------------------------
# All checks share one namespace: when another family has HeldAcrossWaitCheck, the prefix stays in the name.
if grep -rq 'class HeldAcrossWaitCheck\b' "$tree/analyzer/lib/checks"; then cls=SemHeldAcrossWaitCheck; else cls=HeldAcrossWaitCheck; fi
run semaphores sem-held-across-wait 'a semaphore "acquired" and held across a blocking wait.'
[[ $rc -eq 0 ]] || fail "semaphores sem-held-across-wait exited $rc: $out"
d=analyzer/lib/checks/semaphores
for f in $d/$cls.h $d/$cls.cpp $d/SemaphoresModule.cpp analyzer/docs/checks/sem-held-across-wait.md \
  testdata/analyzer/semaphores/held_across_wait_bugs.cpp testdata/analyzer/semaphores/held_across_wait_clean.cpp; do
  if [[ -s $tree/$f && $out == *"$f"* ]]; then pass "created and reported $f"; else fail "$f not created or not reported"; fi
done
[[ $out == *"Next steps"* ]] || fail "no next steps printed"
has $d/$cls.h "class $cls : public Check {" || fail "$cls.h does not declare the class"
has $d/$cls.h "#ifndef LOCKSTEP_CHECKS_SEMAPHORES_$(tr '[:lower:]' '[:upper:]' <<<"$cls")_H" || fail "$cls.h has no include guard"
has $d/$cls.h "void registerMatchers(clang::ast_matchers::MatchFinder &Finder) override;" ||
  fail "$cls.h does not declare registerMatchers"
has $d/$cls.h "check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;" ||
  fail "$cls.h does not declare check"
has $d/$cls.h "(llvm::StringRef Id, CheckContext &Ctx)" || fail "$cls.h has no constructor"
has $d/$cls.cpp "void $cls::registerMatchers(MatchFinder &Finder) {" || fail "$cls.cpp does not define registerMatchers"
has $d/$cls.cpp "void $cls::check(const MatchFinder::MatchResult &Result) {" || fail "$cls.cpp does not define check"
has $d/$cls.cpp "FIXME: " || fail "$cls.cpp has no FIXME where the logic goes"
# Every file opens with the one line that says what it is for; no line is longer than 80 columns.
for f in $d/$cls.h $d/$cls.cpp $d/SemaphoresModule.cpp; do
  head -1 "$tree/$f" | grep -q '^//===- .* - .*===//$' || fail "$f does not open with an LLVM-style banner"
  awk 'NR > 1 && length($0) > 80 { exit 1 }' "$tree/$f" || fail "$f has lines longer than 80 columns"
done
has $d/SemaphoresModule.cpp "void registerSemaphoresChecks(CheckFactories &F) {" || fail "module defines no register function"
has $d/SemaphoresModule.cpp '"A semaphore \"acquired\" and held across a blocking wait");' ||
  fail "the summary is not an escaped, capitalised C++ string without its final period"
has analyzer/include/lockstep/analyzer/Check.h "void registerSemaphoresChecks(CheckFactories &F);" ||
  fail "Check.h does not declare registerSemaphoresChecks"
grep -E '^ +register[A-Za-z]+Checks\(F\);$' "$tree/analyzer/lib/checks/Check.cpp" | is_sorted &&
  has analyzer/lib/checks/Check.cpp "    registerSemaphoresChecks(F);" ||
  fail "Check.cpp does not call registerSemaphoresChecks in sorted order"
has analyzer/docs/checks/sem-held-across-wait.md "# sem-held-across-wait" || fail "doc has no title"
for section in "## Why it matters" "## Example" "## Options" "## Known limitations"; do
  has analyzer/docs/checks/sem-held-across-wait.md "$section" || fail "doc lacks '$section'"
done
has testdata/analyzer/semaphores/held_across_wait_bugs.cpp "// expect: sem-held-across-wait" ||
  fail "bugs skeleton has no expectation"
has testdata/analyzer/semaphores/held_across_wait_clean.cpp "// clean: sem-held-across-wait " ||
  fail "clean skeleton has no clean marker"
grep -q '^// expect[^:@]' "$tree/testdata/analyzer/semaphores/held_across_wait_bugs.cpp" &&
  fail "a comment line in the bugs skeleton starts with 'expect' and would be a malformed expectation"
has README.md '| [`sem-held-across-wait`](analyzer/docs/checks/sem-held-across-wait.md) | a semaphore "acquired" and held across a blocking wait |' ||
  fail "README has no row for sem-held-across-wait"

# A second check of that family goes in sorted (sem-release-exceeds-max is a real one now); then one
# that sorts first.
grep -q '"sem-release-exceeds-max"' "$tree/$d/SemaphoresModule.cpp" || {
  run semaphores sem-release-exceeds-max "a release that can exceed the semaphore's maximum count"
  [[ $rc -eq 0 ]] || fail "sem-release-exceeds-max exited $rc: $out"
}
run semaphores sem-acquire-in-destructor "a semaphore acquired in a destructor"
[[ $rc -eq 0 ]] || fail "sem-acquire-in-destructor exited $rc: $out"
ids=$(module_ids $d/SemaphoresModule.cpp | tr '\n' ' ')
[[ $ids == "sem-acquire-in-destructor sem-held-across-wait sem-not-released sem-release-exceeds-max " ]] &&
  pass "semaphores module registers in ID order" || fail "semaphores module order: $ids"
module_includes $d/SemaphoresModule.cpp | is_sorted || fail "semaphores module includes not sorted"
[[ $(grep -c 'registerSemaphoresChecks' "$tree/analyzer/lib/checks/Check.cpp") -eq 1 ]] ||
  fail "Check.cpp calls registerSemaphoresChecks more than once"

# --- a check in the middle of an existing family --------------------------------------------------
run locks lock-held-too-long "a mutex held across a loop that may run for a long time"
[[ $rc -eq 0 ]] || fail "lock-held-too-long exited $rc: $out"
[[ $out != *LocksModule.cpp*LocksModule.cpp* && $out == *"Edited:"*"analyzer/lib/checks/locks/LocksModule.cpp"* ]] ||
  fail "LocksModule.cpp should be edited, not created: $out"
ids=$(module_ids analyzer/lib/checks/locks/LocksModule.cpp)
is_sorted <<<"$ids" && grep -qx lock-held-too-long <<<"$ids" && pass "locks module: lock-held-too-long in ID order" ||
  fail "locks module order: $(tr '\n' ' ' <<<"$ids")"
module_includes analyzer/lib/checks/locks/LocksModule.cpp | is_sorted &&
  has analyzer/lib/checks/locks/LocksModule.cpp '#include "HeldTooLongCheck.h"' || fail "locks module include missing or unsorted"

# --- barriers: two prefixes, and names that would collide -------------------------------------------
# latch-count-mismatch is a real check (CountMismatchCheck): barrier-count-mismatch keeps its prefix.
grep -q '"latch-count-mismatch"' "$tree/analyzer/lib/checks/barriers/BarriersModule.cpp" || {
  run barriers latch-count-mismatch "a latch counted down fewer times than its expected count"
  [[ $rc -eq 0 ]] || fail "latch-count-mismatch exited $rc: $out"
}
run barriers barrier-count-mismatch "a barrier whose expected count differs from the threads that arrive"
[[ $rc -eq 0 ]] || fail "barrier-count-mismatch exited $rc: $out"
for f in analyzer/lib/checks/barriers/CountMismatchCheck.h analyzer/lib/checks/barriers/BarrierCountMismatchCheck.h \
  testdata/analyzer/barriers/count_mismatch_bugs.cpp testdata/analyzer/barriers/barrier_count_mismatch_bugs.cpp; do
  [[ -s $tree/$f ]] && pass "collision avoided: $f" || fail "$f missing"
done
run barriers barrier-count-mismatch "again"
[[ $rc -eq 2 && $out == *"already exists"* ]] && pass "refuses an ID it created before" ||
  fail "second barrier-count-mismatch: rc=$rc $out"

# --- every list still sorted, everything registered ------------------------------------------------
srcs=$(cmake_sources)
is_sorted <<<"$srcs" && pass "lockstepChecks sources sorted" || fail "lockstepChecks sources not sorted: $srcs"
for f in semaphores/SemaphoresModule.cpp barriers/BarriersModule.cpp locks/HeldTooLongCheck.cpp \
  barriers/BarrierCountMismatchCheck.cpp semaphores/$cls.cpp; do
  grep -qx "$f" <<<"$srcs" || fail "$f not in the lockstepChecks sources"
done
for m in "$tree"/analyzer/lib/checks/*/*Module.cpp; do
  module_ids "${m#"$tree"/}" | is_sorted || fail "${m#"$tree"/} not sorted by ID"
done
grep -E '^void register[A-Za-z]+Checks\(CheckFactories &F\);$' "$tree/analyzer/include/lockstep/analyzer/Check.h" |
  grep -q registerBarriersChecks || fail "Check.h does not declare registerBarriersChecks"

# --- the testdata skeletons compile cleanly, as the expectation runner requires ----------------------
if [[ -n $cxx ]]; then
  # One per family include set (compiling is the slow part of this test).
  for f in "$tree"/testdata/analyzer/{semaphores/held_across_wait,barriers/barrier_count_mismatch,locks/held_too_long}_{bugs,clean}.cpp; do
    if msg=$("$cxx" -fsyntax-only -Wall -Werror -std=c++20 "$f" 2>&1); then
      pass "compiles: ${f#"$tree"/}"
    else
      fail "${f#"$tree"/} does not compile cleanly: $msg"
    fi
  done
fi

if ((failures)); then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "all add-check tests passed"
