# Sourced by the tools/bench scripts that work on Debian's source packages. Needs $work (the work dir,
# outside the repository) and $sudo ("" when root, else "sudo").

# fetch_source PACKAGE: prints the unpacked source directory of Debian's source package.
fetch_source() {
  local pkg=$1 src
  src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "$pkg-[0-9]*" | sort | tail -n 1)
  if [ -z "$src" ]; then
    if ! apt-get source --print-uris "$pkg" >/dev/null 2>&1; then
      # apt knows no source packages yet: add deb-src twins of the existing deb
      # entries (same URIs, suites, components and key; only the Types line differs).
      local system=/etc/apt/sources.list.d/debian.sources twin=/etc/apt/sources.list.d/lockstep-deb-src.sources
      [ -f "$system" ] || { echo "$(basename "$0"): $system not found; add a deb-src entry for your mirror by hand" >&2; return 2; }
      echo "adding $twin (the deb-src twin of $system)" >&2
      sed -E 's/^Types:.*/Types: deb-src/' "$system" | $sudo tee "$twin" >/dev/null
      $sudo apt-get update -qq
    fi
    (cd "$work" && apt-get source -qq "$pkg" >&2)
    src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "$pkg-[0-9]*" | sort | tail -n 1)
    [ -n "$src" ] || { echo "$(basename "$0"): apt-get source $pkg produced no $pkg-* directory in $work" >&2; return 1; }
  fi
  echo "$src"
}

