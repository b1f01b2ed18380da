#!/bin/bash
# Open a written report in headless Chromium and check that the rendered page holds the matrix:
# one row per property of results.json and one cell per column, with the verdicts of the JSON.
#
#   ci/report-check.sh REPORT_DIR [SCREENSHOT.png]
set -uo pipefail
dir=${1:?usage: report-check.sh REPORT_DIR [SCREENSHOT.png]}
shot=${2:-}
[ -f "$dir/index.html" ] && [ -f "$dir/results.json" ] || {
	echo "report-check: '$dir' holds no index.html and results.json" >&2
	exit 2
}
browser=$(command -v chromium || command -v chromium-browser) || {
	echo "report-check: chromium is not installed (apt-get install chromium)" >&2
	exit 2
}
profile=$(mktemp -d /var/tmp/sandproof-chromium.XXXXXX) || exit 2
trap 'rm -rf "$profile"' EXIT
# The flags keep a headless Chromium off the network it would otherwise try at start.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	--user-data-dir="$profile" --window-size=1400,1000)
dom=$(timeout 90 "$browser" "${flags[@]}" --dump-dom "file://$(realpath "$dir/index.html")" 2>/dev/null)
[ -n "$dom" ] || { echo "report-check: chromium rendered nothing" >&2; exit 1; }

# What the page must show, from the JSON: properties, columns and verdict counts.
read -r want_rows want_cols want_pass want_fail < <(python3 - "$dir/results.json" 2>/dev/null <<'PY' || echo "- - - -"
import json, sys
d = json.load(open(sys.argv[1]))
runs = d.get("runs", [])
props = {r.get("property") or r.get("case") for run in runs for r in run.get("results", [])}
v = [r["verdict"] for run in runs for r in run.get("results", [])]
print(len(props), len(runs), v.count("pass"), v.count("fail"))
PY
)
# Only the matrix table (the attack-surface table has rows of its own).
dom=$(tr -d '\n' <<< "$dom" | grep -o '<table class="matrix" id="matrix">.*' | sed 's#</table>.*##')
rows=$(grep -o '<td class="prop"' <<< "$dom" | wc -l)
cells=$(grep -o '<td class="cell v-' <<< "$dom" | wc -l)
pass=$(grep -o '<td class="cell v-pass">PASS</td>' <<< "$dom" | wc -l)
fail=$(grep -o '<td class="cell v-fail">FAIL</td>' <<< "$dom" | wc -l)
rc=0
if [ "$want_rows" = - ]; then
	# No python3: check the page against itself (every row has one cell per column).
	cols=$(grep -o '<th class="col"' <<< "$dom" | wc -l)
	[ "$rows" -gt 0 ] && [ "$cells" = $((rows * cols)) ] || rc=1
	echo "report-check: $rows properties x $cols columns rendered, $cells cells" >&2
else
	[ "$rows" = "$want_rows" ] && [ "$cells" = $((want_rows * want_cols)) ] &&
		[ "$pass" = "$want_pass" ] && [ "$fail" = "$want_fail" ] || rc=1
	echo "report-check: rendered $rows properties, $cells cells ($pass PASS, $fail FAIL);" \
		"results.json has $want_rows properties x $want_cols columns ($want_pass pass, $want_fail fail)" >&2
fi
if [ -n "$shot" ]; then
	timeout 90 "$browser" "${flags[@]}" --screenshot="$shot" \
		"file://$(realpath "$dir/index.html")" >/dev/null 2>&1
	echo "report-check: screenshot in $shot" >&2
fi
[ $rc = 0 ] && echo "report-check: the rendered page holds the matrix" >&2
exit $rc
