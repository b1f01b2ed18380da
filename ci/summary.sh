#!/bin/bash
# Summarise kyua results databases: print the failing cases with their output, then one line,
# alone and last: `N passed, N failed, N skipped`.  kyua's own "x/y passed" counts skips as passes,
# so the counts come from the databases.  Broken counts as failed, an expected failure as passed.
# Exit status 1 when anything failed or broke, 2 when a database is missing.
set -uo pipefail
passed=0 failed=0 skipped=0 rc=0
for db in "$@"; do
	if [ ! -s "$db" ]; then
		echo "sandproof: no results in '$db' (kyua did not run; see the log beside it)" >&2
		rc=2
		continue
	fi
	read -r p f s < <(kyua db-exec --no-headers -r "$db" \
		"SELECT SUM(result_type IN ('passed','expected_failure')),
		        SUM(result_type IN ('failed','broken')),
		        SUM(result_type = 'skipped') FROM test_results" | tr ',' ' ')
	p=${p:-0} f=${f:-0} s=${s:-0}
	[ -z "$p" ] && p=0
	if [ "$f" != 0 ]; then
		echo "==== failed or broken cases in $db" >&2
		kyua report -r "$db" --verbose --results-filter=broken,failed >&2
		rc=1
	fi
	echo "  $(basename "$db" .db): $p passed, $f failed, $s skipped" >&2
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
# Checks counted outside kyua (the self-test): "PASSED FAILED SKIPPED".
if [ -n "${SUMMARY_EXTRA:-}" ]; then
	read -r ep ef es <<< "$SUMMARY_EXTRA"
	echo "  selftest: $ep passed, $ef failed, $es skipped" >&2
	passed=$((passed + ep)) failed=$((failed + ef)) skipped=$((skipped + es))
	[ "$ef" = 0 ] || rc=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$rc" = 0 ] && [ "$failed" = 0 ] || exit $((rc ? rc : 1))
