#!/bin/bash
# make lint: formatting (clang-format), static analysis (cppcheck), and a -Werror build of
# everything with the strict warning set (the Makefile always builds with it).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
files=("$@")
[ ${#files[@]} -gt 0 ] || mapfile -t files < <(find lib cases tools ci -name '*.[ch]' | sort)
rc=0

echo "lint: clang-format (${#files[@]} files)" >&2
if ! clang-format --dry-run --Werror "${files[@]}"; then
	echo "lint: clang-format would change the files above (run: clang-format -i FILE)" >&2
	rc=1
fi

echo "lint: cppcheck" >&2
if ! cppcheck -q --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
	--inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE -D__linux__ \
	-Ilib -Icases/harness -Icases/probe "${files[@]}"; then
	echo "lint: cppcheck found problems" >&2
	rc=1
fi

echo "lint: strict-warning build (-Werror)" >&2
if ! make --no-print-directory -s BUILD=build-lint all >/dev/null; then
	echo "lint: the -Werror build failed" >&2
	rc=1
fi
[ "$rc" = 0 ] && echo "lint: clean" >&2
exit "$rc"
