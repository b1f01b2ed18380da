#!/bin/bash
# The restricted-environment matrix (issue 7): proof that every missing kernel feature is a named,
# clean skip.
#
#   BUILD=build ci/restricted.sh [ROW...]        (make restricted)
#
# Runs the whole suite with kyua against an adapter (ADAPTER, default ref) inside a fresh user
# namespace, once with no limit lowered (the baseline) and once per row with one of
# user.max_{user,mnt,pid,net,uts,ipc,cgroup,time}_namespaces set to 0.  These limits are per user
# namespace and writable by its owner, and a limit binds every descendant namespace, so no host
# setting changes.  A row is right when:
#   - the kernel probe (sandproof-kernel) inside it reports the restricted type as <type>ns-unavailable;
#   - no case failed or broke;
#   - every case whose verdict differs from the baseline's is skipped with the restricted type's
#     reason code: the skip reason starts with "<type>ns-unavailable:";
#   - every other case has the baseline's verdict (for skips: the same reason code).
# Prints one row per restriction and exits 1 when a row is wrong (2 on a setup error).
#
# Environment: BUILD (build root, default build), ADAPTER (default ref), KYUA (default kyua),
# RESTRICTED_OUT (default $BUILD/restricted), RESTRICTED_FILTER (kyua test filters, default the
# whole suite), KYUA_VARS (extra "-v name=value" words for kyua).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) BUILD_ABS=$BUILD ;; *) BUILD_ABS=$ROOT/$BUILD ;; esac
OUT=${RESTRICTED_OUT:-$BUILD_ABS/restricted}
ADAPTER=${ADAPTER:-ref}
KYUA=${KYUA:-kyua}
ALL_ROWS="user mnt pid net uts ipc cgroup time"

die() {
	echo "restricted.sh: $*" >&2
	exit 2
}

# ---- inside the user namespace: lower one limit, probe, run the suite --------------------------
if [ "${1:-}" = --inner ]; then
	row=$2
	if [ "$row" != baseline ]; then
		sysctl=/proc/sys/user/max_${row}_namespaces
		echo 0 >"$sysctl" || die "cannot write 0 to $sysctl in the row's user namespace"
		[ "$(cat "$sysctl")" = 0 ] || die "$sysctl reads $(cat "$sysctl") after writing 0"
	fi
	"$BUILD_ABS/tools/sandproof-kernel" --format=kv >"$OUT/$row.kernel.kv" 2>&1
	mkdir -p "$OUT/home" "$OUT/tmp"
	cd "$ROOT" || exit 2
	# shellcheck disable=SC2086 # KYUA_VARS and RESTRICTED_FILTER are word lists
	HOME=$OUT/home TMPDIR=$OUT/tmp "$KYUA" -c none -v "test_suites.sandproof.adapter=$ADAPTER" \
		${KYUA_VARS:-} test -k Kyuafile --build-root="$BUILD_ABS" -r "$OUT/$row.db" \
		${RESTRICTED_FILTER:-} >"$OUT/$row.log" 2>&1
	rc=$?
	# 0: all passed or skipped; 1: some failed or broke (judged below).  2 and up: kyua itself.
	[ $rc -le 1 ] || die "kyua exited $rc in row $row (see $OUT/$row.log)"
	exit 0
fi

# ---- outside: one fresh user namespace per row --------------------------------------------------

# Runs "$0 --inner ROW" as root of a new user namespace.  As root, the namespace maps ids 0-65535
# to themselves and keeps setgroups allowed (a privileged parent writes the maps, as a container
# runtime would), so the suite sees an ordinary root; otherwise util-linux maps this user to root.
in_userns() {
	if [ "$(id -u)" -ne 0 ]; then
		unshare --user --map-root-user -- "$0" --inner "$1"
		return
	fi
	local fifo pid rc ours
	fifo=$OUT/.go.$1
	rm -f "$fifo"
	mkfifo -m 600 "$fifo" || die "mkfifo $fifo"
	# The child blocks on the fifo until its maps are written.
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --user -- /bin/sh -c 'read -r go <"$0" && [ "$go" = go ] && exec "$@"' \
		"$fifo" "$0" --inner "$1" &
	pid=$!
	ours=$(readlink /proc/self/ns/user)
	for _ in $(seq 500); do
		[ "$(readlink "/proc/$pid/ns/user" 2>/dev/null)" != "$ours" ] && break
		sleep 0.01
	done
	if echo "0 0 65536" >"/proc/$pid/uid_map" && echo "0 0 65536" >"/proc/$pid/gid_map"; then
		echo go >"$fifo"
	else
		echo no >"$fifo"
	fi
	wait "$pid"
	rc=$?
	rm -f "$fifo"
	return $rc
}

# One line per case: "relative_path:case<TAB>result_type<TAB>reason".
verdicts() {
	"$KYUA" db-exec --no-headers -r "$1" "SELECT tp.relative_path||':'||tc.name||char(9)||
		tr.result_type||char(9)||replace(coalesce(tr.result_reason,''),char(10),' ')
		FROM test_programs tp JOIN test_cases tc USING (test_program_id)
		JOIN test_results tr USING (test_case_id) ORDER BY 1"
}

case ${1:-} in
-h | --help)
	sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p}' "$0"
	exit 0
	;;
esac
command -v "$KYUA" >/dev/null || die "kyua not found"
command -v unshare >/dev/null || die "unshare (util-linux) not found"
[ -x "$BUILD_ABS/tools/sandproof-kernel" ] || die "$BUILD_ABS/tools/sandproof-kernel not built"
rows=${*:-$ALL_ROWS}
for r in $rows; do
	case " $ALL_ROWS " in *" $r "*) ;; *) die "unknown row '$r' (rows: $ALL_ROWS)" ;; esac
done
rm -rf "$OUT"
mkdir -p "$OUT/home" || die "cannot create $OUT"
export HOME=$OUT/home # kyua keeps logs under ~/.kyua

for row in baseline $rows; do
	echo "restricted.sh: running the suite against $ADAPTER, $([ "$row" = baseline ] &&
		echo "no limit lowered" || echo "user.max_${row}_namespaces=0")" >&2
	in_userns "$row" || die "row $row did not run"
	verdicts "$OUT/$row.db" >"$OUT/$row.tsv" || die "cannot read $OUT/$row.db"
done

# Judge every row against the baseline; details of each wrong case go to $OUT/details.txt.
: >"$OUT/details.txt"
printf '%-34s %6s %6s %7s %6s %6s %6s %6s  %-22s %s\n' restriction passed failed skipped \
	broken xfail needs differ probe row
wrong=0
for row in baseline $rows; do
	if [ "$row" = baseline ]; then
		label="baseline (no limit lowered)"
		code=-
		probe=-
	else
		label="user.max_${row}_namespaces=0"
		code=${row}ns-unavailable
		probe=$(sed -n "s/^ns\.$row\.code=//p" "$OUT/$row.kernel.kv")
		[ -n "$probe" ] || probe="creatable?!"
	fi
	line=$(awk -F'\t' -v code="$code" -v row="$row" -v details="$OUT/details.txt" '
		function rcode(reason,  c) {
			c = reason
			sub(/: .*/, "", c)
			return (c ~ /^[a-z0-9][a-z0-9-]*$/) ? c : reason
		}
		FNR == NR { bt[$1] = $2; bc[$1] = rcode($3); next }
		{
			seen[$1] = 1
			n[$2]++
			if ($2 == "failed" || $2 == "broken") {
				bad++; print row ": " $1 ": " $2 ": " $3 >> details
			} else if (!($1 in bt)) {
				bad++; print row ": " $1 ": not in the baseline: " $2 >> details
			} else if ($2 == bt[$1] && ($2 != "skipped" || rcode($3) == bc[$1])) {
				same++
			} else if ($2 == "skipped" && rcode($3) == code) {
				needs++
			} else {
				bad++
				print row ": " $1 ": " $2 " (" $3 "), baseline " bt[$1] \
					(bt[$1] == "skipped" ? " (" bc[$1] ")" : "") >> details
			}
		}
		END {
			for (c in bt) if (!(c in seen)) {
				bad++; print row ": " c ": missing (baseline " bt[c] ")" >> details
			}
			printf "%d %d %d %d %d %d %d\n", n["passed"], n["failed"], n["skipped"],
				n["broken"], n["expected_failure"], needs, bad
		}' "$OUT/baseline.tsv" "$OUT/$row.tsv")
	read -r p f s b x needs bad <<<"$line"
	ok=ok
	[ "$bad" -eq 0 ] || ok=WRONG
	[ "$row" = baseline ] || [ "$probe" = "$code" ] || ok=WRONG
	[ "$(wc -l <"$OUT/$row.tsv")" -gt 0 ] || ok=WRONG
	[ "$ok" = ok ] || wrong=$((wrong + 1))
	printf '%-34s %6d %6d %7d %6d %6d %6d %6d  %-22s %s\n' "$label" "$p" "$f" "$s" "$b" "$x" \
		"$needs" "$bad" "$probe" "$ok"
done
if [ -s "$OUT/details.txt" ]; then
	echo
	echo "cases that make a row wrong (all in $OUT/details.txt):"
	head -n 40 "$OUT/details.txt"
fi
echo
echo "needs: skipped with the restricted type's code; differ: failed, broken, or a verdict other"
echo "than the baseline's without that code.  Logs and databases: $OUT"
[ "$wrong" -eq 0 ] || exit 1
exit 0
