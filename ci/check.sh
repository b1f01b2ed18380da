#!/bin/bash
# make check: the project's own kyua suite (libsbx's tests and the conformance suite against the
# reference sandbox), as this user and, when root, once more as an unprivileged user from an
# installed copy of the tree (so the user can reach every file wherever this checkout lives).
# Ends with one line, alone: `N passed, N failed, N skipped`, counted from kyua's databases
# (broken counts as failed; an expected failure counts as passed).
set -uo pipefail

BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
ADAPTER=${SANDPROOF_ADAPTER:-ref}
JOBS=${SANDPROOF_JOBS:-$(nproc 2>/dev/null || echo 2)}
MUST_WORK=${SANDPROOF_MUST_WORK:-false}
CHECK_USER=${SANDPROOF_CHECK_USER:-sandproof-check}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2

dbs=()
stage=""
cleanup() { [ -n "$stage" ] && rm -rf "$stage"; }
trap cleanup EXIT

# kyua passes inherited descriptors on to the tests, and the fd cases count them: start it with
# only 0, 1 and 2 open, and with a small, known environment.
kyua_clean() {
	local fd
	for fd in /proc/self/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
	done
	exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME="${KYUA_HOME:-$HOME}" LANG=C.UTF-8 ${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} \
		${UBSAN_OPTIONS:+UBSAN_OPTIONS=$UBSAN_OPTIONS} kyua "$@"
}

kyua_vars=(-c none -v parallelism="$JOBS" -v test_suites.sandproof.adapter="$ADAPTER"
	-v test_suites.sandproof.must_work="$MUST_WORK")

# ---- run 1: as the invoking user, from the source tree against $BUILD ----------------------
mode=$([ "$(id -u)" = 0 ] && echo root || echo user)
db="$top/$BUILD/check-$mode.db"
rm -f "$db"
echo "sandproof: running the suite as $(id -un) ($mode) against adapter '$ADAPTER'" >&2
(kyua_clean "${kyua_vars[@]}" test -k "$top/Kyuafile" --build-root="$top/$BUILD" -r "$db") \
	> "$top/$BUILD/check-$mode.log" 2>&1
tail -n 3 "$top/$BUILD/check-$mode.log" | sed 's/^/  /' >&2
dbs+=("$db")

# ---- run 2: as root, again as an unprivileged user --------------------------------------
if [ "$(id -u)" = 0 ]; then
	# A system user without a password; its shell is /bin/sh, not nologin, because firejail
	# runs the sandboxed command through the user's shell.
	if ! id -u "$CHECK_USER" >/dev/null 2>&1; then
		useradd --system --no-create-home --shell /bin/sh "$CHECK_USER" ||
			{ echo "sandproof: cannot create user '$CHECK_USER'" >&2; exit 2; }
		echo "sandproof: created system user '$CHECK_USER' for the unprivileged run" >&2
	fi
	stage=$(mktemp -d /var/tmp/sandproof-check.XXXXXX)
	chmod 755 "$stage"
	if ! "$MAKE" --no-print-directory -s BUILD="$BUILD" SANITIZE="${SANITIZE:-0}" \
		prefix="$stage/usr" install \
		> "$stage/install.log" 2>&1; then
		cat "$stage/install.log" >&2
		echo "sandproof: staging install for the unprivileged run failed" >&2
		exit 2
	fi
	install -d -o "$CHECK_USER" -m 700 "$stage/home" "$stage/results"
	udb="$stage/results/check-user.db"
	echo "sandproof: running the suite as '$CHECK_USER' (user) from an installed tree" >&2
	(cd "$stage/usr/tests/sandproof" && KYUA_HOME="$stage/home" \
		runuser -u "$CHECK_USER" -- bash -c "$(declare -f kyua_clean); kyua_clean \"\$@\"" \
		kyua "${kyua_vars[@]}" -v test_suites.sandproof.sbx_run="$stage/usr/bin/sbx-run" \
		test -r "$udb") > "$top/$BUILD/check-user.log" 2>&1
	tail -n 3 "$top/$BUILD/check-user.log" | sed 's/^/  /' >&2
	rm -f "$top/$BUILD/check-user.db"
	[ -f "$udb" ] && cp "$udb" "$top/$BUILD/check-user.db" && dbs+=("$top/$BUILD/check-user.db")
fi

# ---- the suite's power: every property case fails under some negative control ---------------
# (sandproof selftest); each case killed counts as a passed check, each survivor as a failed one.
extra=(0 0 0)
if [ "${SANDPROOF_SELFTEST:-1}" = 1 ]; then
	echo "sandproof: self-test: every property case must fail under a negative control" >&2
	"$top/$BUILD/tools/sandproof" selftest --jobs "$JOBS" --kills="$top/$BUILD/kills.txt" \
		> "$top/$BUILD/selftest.log" 2>&1
	st=$?
	line=$(grep -E '^selftest: [0-9]+ of [0-9]+ property cases killed' "$top/$BUILD/selftest.log")
	echo "  $line" >&2
	if [ -n "$line" ]; then
		read -r k t u < <(echo "$line" |
			sed -E 's/^selftest: ([0-9]+) of ([0-9]+) .*, ([0-9]+) untestable.*/\1 \2 \3/')
		extra=("$k" $((t - k)) "$u")
	else
		extra=(0 1 0)
	fi
	if [ "$st" != 0 ]; then
		cat "$top/$BUILD/selftest.log" >&2
		[ "${extra[1]}" != 0 ] || extra[1]=1
	fi
	# docs/PROPERTIES.md is generated from the metadata and the kill matrix: it must not drift.
	if [ "${SANDPROOF_DOCS_CHECK:-1}" = 1 ] && [ "$(id -u)" = 0 ]; then
		"$top/$BUILD/tools/sandproof" properties --format=md --kills="$top/$BUILD/kills.txt" \
			> "$top/$BUILD/PROPERTIES.md"
		if ! cmp -s "$top/$BUILD/PROPERTIES.md" "$top/docs/PROPERTIES.md"; then
			echo "sandproof: docs/PROPERTIES.md is stale (run: make docs)" >&2
			diff -u "$top/docs/PROPERTIES.md" "$top/$BUILD/PROPERTIES.md" | head -n 40 >&2
			extra[1]=$((extra[1] + 1))
		fi
	fi
fi

# ---- summary ------------------------------------------------------------------------------
SUMMARY_EXTRA="${extra[*]}" ci/summary.sh "${dbs[@]}"
exit $?
