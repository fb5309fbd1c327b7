#!/usr/bin/env bash
# Checks that the runtime's source files call each other without cycles: file A depends on file B when
# A's object uses a lockstep symbol (a lockstep:: function or variable, or a lockstep_* C entry point)
# that B's object defines. The dependencies must form a partial order; the order is printed from the
# lowest layer up, and a cycle fails with the files on it and the symbols that close it.
#
#   check_layers.sh OBJECT...      (the objects of liblockstep: CMake's $<TARGET_OBJECTS:...>)
#
# Calls into libc and the C++ ABI (free, __cxa_guard_acquire, ...) are not dependencies between
# runtime files even where the runtime interposes them: the compiler and libc make them.
set -euo pipefail
export LC_ALL=C  # join needs its inputs sorted in the collation it compares with

if [ $# -eq 0 ]; then
  echo "check_layers.sh: no object files given" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for obj in "$@"; do
  if [ ! -f "$obj" ]; then
    echo "check_layers.sh: no such object file: $obj" >&2
    exit 2
  fi
  name=$(basename "$obj")
  name=${name%.o}
  name=${name%.cpp}
  # Mangled names: every lockstep:: symbol has the mangled namespace 8lockstep in it.
  nm "$obj" | awk -v f="$name" -v defs="$work/defs" -v uses="$work/uses" '
    $1 == "U" && ($2 ~ /8lockstep/ || $2 ~ /^lockstep_/) { print $2, f >>uses }
    NF == 3 && $2 ~ /^[TDBR]$/ && ($3 ~ /8lockstep/ || $3 ~ /^lockstep_/) { print $3, f >>defs }'
  echo "$name $name" >>"$work/pairs"  # every file is a node, even one that uses nothing
done

sort -u -o "$work/defs" "$work/defs"
sort -u -o "$work/uses" "$work/uses"
# "definer user symbol" for every use of a symbol another file defines.
join "$work/defs" "$work/uses" | awk '$2 != $3 { print $2, $3, $1 }' >"$work/edges"
awk '{ print $1, $2 }' "$work/edges" | sort -u >>"$work/pairs"

if order=$(tsort "$work/pairs" 2>"$work/tsort.err"); then
  echo "runtime layers, lowest first: $(echo $order)"
  echo "$(awk '{ print $1, $2 }' "$work/edges" | sort -u | wc -l) dependencies between $# files, no cycle"
  exit 0
fi

echo "the runtime's files call each other in a cycle:" >&2
# tsort names the files on the loop, one per line after its message.
grep -v "input contains a loop" "$work/tsort.err" | sed 's/^tsort: *//' | sort -u >"$work/loop"
while read -r definer user symbol; do
  if grep -qx "$definer" "$work/loop" && grep -qx "$user" "$work/loop"; then
    echo "  $user -> $definer: $(echo "$symbol" | c++filt)" >&2
  fi
done <"$work/edges"
exit 1
