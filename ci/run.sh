#!/bin/bash
# What CI runs on a clean clone (from .ci/run): install what is missing, build, lint, run the
# suite as root and as an unprivileged user, then the same with ASan+UBSan, the restricted-
# environment matrix, and the suite on Debian's 6.1 kernel in qemu.  The last line is the
# combined `N passed, N failed, N skipped` of the two make check runs.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
start=$(date +%s)
jobs=$(nproc 2>/dev/null || echo 2)
rc=0
step() { echo "==== $* ($(($(date +%s) - start))s)" >&2; }

step "dependencies"
ci/deps.sh build lint || exit 1

step "build"
make -j"$jobs" all >/dev/null || { make all; exit 1; }

step "lint"
make lint || rc=1

# This machine has every namespace and feature the suite uses: an environment skip would hide a
# regression, so it fails here (must_work; not-applicable and unclaimed skips stay skips).
export SANDPROOF_MUST_WORK=true

step "check (root and unprivileged)"
make check > build/ci-check.out
r=$?
[ $r = 0 ] || rc=1
tail -n 1 build/ci-check.out >&2

step "check with ASan+UBSan"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
make -j"$jobs" SANITIZE=1 all >/dev/null || { make SANITIZE=1 all; exit 1; }
SANDPROOF_DOCS_CHECK=0 make SANITIZE=1 check > build/ci-check-san.out
r=$?
[ $r = 0 ] || rc=1
tail -n 1 build/ci-check-san.out >&2

step "restricted-environment matrix (each namespace limit at 0 in a user namespace)"
make restricted || rc=1

step "kernel matrix: Debian 12's 6.1 kernel in qemu, default variant, root and user"
ci/kernels.sh --ci || rc=1

step "done"
# One summary line over both runs.
read -r p1 _ f1 _ s1 _ < <(tail -n 1 build/ci-check.out)
read -r p2 _ f2 _ s2 _ < <(tail -n 1 build/ci-check-san.out)
p=$(( ${p1:-0} + ${p2:-0} )) f=$(( ${f1:-0} + ${f2:-0} )) s=$(( ${s1:-0} + ${s2:-0} ))
[ "$rc" = 0 ] || echo "ci: a step failed (see above)" >&2
echo "$p passed, $f failed, $s skipped"
exit "$rc"
