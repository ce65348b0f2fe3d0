#!/usr/bin/env bash
# Installs what `npm run bench` compares against: Debian's PyTorch (for /usr/bin/python3) and
# the pthread build of OpenBLAS as the system BLAS. Idempotent: once torch imports and OpenBLAS
# pthread is the selected libblas.so.3, it changes nothing. Never fails the bench: on any problem
# it says why on stderr and exits 0, and the bench reports pytorch: null with the reason.
# Not part of `npm test` or CI: it downloads ~1 GB of packages.
set -u

say() { echo "bench-setup: $*" >&2; }

# root runs apt directly; otherwise sudo, without prompting for a password.
if [ "$(id -u)" = 0 ]; then AS_ROOT=(); elif command -v sudo >/dev/null 2>&1; then AS_ROOT=(sudo -n); else AS_ROOT=(none); fi
as_root() {
  if [ "${AS_ROOT[0]:-}" = none ]; then say "not root and no sudo: cannot run $*"; return 1; fi
  "${AS_ROOT[@]}" "$@"
}

has_torch() {
  for py in /usr/bin/python3 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import torch' >/dev/null 2>&1; then return 0; fi
  done
  return 1
}

if ! has_torch || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  say "installing python3-torch and libopenblas0-pthread (Debian) ..."
  if ! { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      python3-torch libopenblas0-pthread >/dev/null; }; then
    say "apt-get install failed: the bench runs without PyTorch"
    exit 0
  fi
fi

# PyTorch's CPU matmuls go through libblas.so.3: the reference BLAS (or OpenBLAS's OpenMP build
# fighting torch's own OpenMP threads) makes model M 4-15x slower, so pick OpenBLAS pthread.
select_openblas_pthread() {
  local alt=$1 want have
  want=$(update-alternatives --list "$alt" 2>/dev/null | grep '/openblas-pthread/' | head -n 1)
  have=$(update-alternatives --query "$alt" 2>/dev/null | sed -n 's/^Value: //p')
  if [ -n "$want" ] && [ "$have" != "$want" ]; then
    say "selecting $want as $alt (was ${have:-none})"
    as_root update-alternatives --set "$alt" "$want" >/dev/null || say "could not select $want"
  fi
}
select_openblas_pthread libblas.so.3-x86_64-linux-gnu
# LAPACK too, so both come from one OpenBLAS (one thread pool).
select_openblas_pthread liblapack.so.3-x86_64-linux-gnu

has_torch || say "torch still does not import: the bench runs without PyTorch"
exit 0
