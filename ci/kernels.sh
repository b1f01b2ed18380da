#!/bin/bash
# make kernels: the kernel matrix (issue 10, docs/KERNELS.md).  For each kernel in
# ci/kernels/list and each variant, run the suite against the `ref` adapter as root and as an
# unprivileged user: Debian's kernels in qemu (KVM when it works, TCG otherwise) from an
# initramfs built out of this build tree, the running kernel natively.
#
#   ci/kernels.sh [--ci] [--kernel NAME]... [--variant V]... [--mode root|user]...
#                 [--timeout SECONDS] [--accel auto|kvm|tcg] [--jobs N] [--filter F]...
#
#   --ci        only the kernels marked `ci` in the list, default variant, both modes
#   --kernel    only these kernels (names from ci/kernels/list)
#   --variant   only these variants: default, kernel.unprivileged_userns_clone=0,
#               user.max_user_namespaces=0
#   --timeout   seconds one guest may run (default 1200), then qemu is killed
#   --filter    run only these kyua test filters (cases/userns, cases/tmp/tmp_test:CASE)
#
# Results: $BUILD/kernels/results/KERNEL/VARIANT/MODE.db (and .log), one line per column in
# $BUILD/kernels/columns:  kernel|variant|mode|db_path|duration_s|skip_reason
# (db_path relative to the top of the tree; skip_reason empty when the column ran; a reason
# starting with `error:` is a column that should have run and did not, and counts as a failure),
# and $BUILD/kernels/summary.txt.  Exit status 1 when a column failed or did not complete.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
BUILD=${BUILD:-build}
KDIR=$top/$BUILD/kernels
HERE=$top/ci/kernels
GUEST_PREFIX=/opt/sandproof
GUEST_USER=sandproof
# The guest's userland is Debian's where it matters (what a sandboxed /bin/sh, ls or unshare(1)
# prints is compared by cases), busybox for the rest (mount, su, tar, insmod, poweroff ...).
GUEST_PACKAGES="coreutils dash bash grep sed gzip findutils"
GUEST_PROGRAMS="kyua unshare nsenter setpriv setsid keyctl findmnt lsns"
CHECK_USER=${SANDPROOF_CHECK_USER:-sandproof-check}
ADAPTER=${SANDPROOF_ADAPTER:-ref}
ALL_VARIANTS="default kernel.unprivileged_userns_clone=0 user.max_user_namespaces=0"

ci=0 kernels=() variants=() modes=() filters=() timeout=1200 accel=${SANDPROOF_ACCEL:-auto}
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -gt 4 ] && jobs=4
mem_mb=2048

usage() { sed -n '7,16s/^# \{0,1\}//p' "$0"; }
while [ $# -gt 0 ]; do
	case $1 in
	--ci) ci=1 ;;
	--kernel) kernels+=("${2:?}"); shift ;;
	--variant) variants+=("${2:?}"); shift ;;
	--mode) modes+=("${2:?}"); shift ;;
	--timeout) timeout=${2:?}; shift ;;
	--accel) accel=${2:?}; shift ;;
	--jobs) jobs=${2:?}; shift ;;
	--filter)
		case ${2:?} in *[!A-Za-z0-9_./:-]*) echo "kernels: bad filter '$2'" >&2; exit 2 ;; esac
		filters+=("$2"); shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[ ${#modes[@]} -gt 0 ] || modes=(root user)
if [ ${#variants[@]} -eq 0 ]; then
	if [ $ci = 1 ]; then variants=(default); else read -ra variants <<< "$ALL_VARIANTS"; fi
fi
for v in "${variants[@]}"; do
	[[ " $ALL_VARIANTS " == *" $v "* ]] || { echo "kernels: unknown variant '$v'" >&2; exit 2; }
done
for m in "${modes[@]}"; do
	case $m in root | user) ;; *) echo "kernels: unknown mode '$m'" >&2; exit 2 ;; esac
done

say() { echo "kernels: $*" >&2; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

[ "$(id -u)" = 0 ] || { say "must run as root (qemu, the unprivileged runs)"; exit 2; }
ci/deps.sh build kernels || exit 1

# Nothing is left behind: no qemu (killed through its pid file), no staging tree.  No loop
# device and no mount is ever made on the host.
qemu_pidfile="" tmp_dirs=() results_img=""
cleanup() {
	local pid
	trap - INT TERM HUP
	if [ -n "$qemu_pidfile" ] && [ -s "$qemu_pidfile" ]; then
		pid=$(cat "$qemu_pidfile" 2>/dev/null)
		if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = qemu-system-x86 ]; then
			kill -KILL "$pid" 2>/dev/null
		fi
	fi
	[ -n "$results_img" ] && rm -f "$results_img"
	[ ${#tmp_dirs[@]} -gt 0 ] && rm -rf "${tmp_dirs[@]}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$KDIR/cache" "$KDIR/initramfs" "$KDIR/runs"
rm -rf "$KDIR/results" "$KDIR/columns" "$KDIR/summary.txt"
mkdir -p "$KDIR/results"
: > "$KDIR/columns"
timings=()

# ---- the kernel list ------------------------------------------------------------------------
# list_kernels: NAME<TAB>SOURCE lines selected by --ci / --kernel.
list_kernels() {
	local name src flag k want
	while read -r name src flag _; do
		case $name in '' | '#'*) continue ;; esac
		if [ ${#kernels[@]} -gt 0 ]; then
			want=0
			for k in "${kernels[@]}"; do [ "$k" = "$name" ] && want=1; done
			[ $want = 1 ] || continue
		elif [ $ci = 1 ] && [ "$flag" != ci ]; then
			continue
		fi
		printf '%s\t%s\n' "$name" "$src"
	done < "$HERE/list"
}

# fetch_deb GLOB: print the path of the newest matching kernel package, downloading it into
# the cache when it is not there yet.  Offline, the newest cached match is used.
fetch_deb() {
	local glob=$1 re pkg ver best="" bestver="" deb f
	re=$(printf '%s' "$glob" | sed -e 's/[.+]/\\&/g' -e 's/\*/.*/g')
	# No package list yet (a fresh machine): refresh it once.
	if [ -z "$(apt-cache search --names-only "^$re\$" 2>/dev/null)" ]; then
		apt-get update -q >/dev/null 2>&1 || true
	fi
	while read -r pkg _; do
		ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
		case $ver in '' | '(none)') continue ;; esac
		if [ -z "$bestver" ] || dpkg --compare-versions "$ver" gt "$bestver"; then
			best=$pkg bestver=$ver
		fi
	done < <(apt-cache search --names-only "^$re\$" 2>/dev/null)
	if [ -n "$best" ]; then
		deb="$KDIR/cache/${best}_${bestver//:/%3a}_amd64.deb"
		if [ ! -s "$deb" ]; then
			say "downloading $best $bestver"
			(cd "$KDIR/cache" && apt-get download -q -o APT::Sandbox::User=root "$best=$bestver" \
				>/dev/null) || say "apt-get download $best=$bestver failed"
		fi
		[ -s "$deb" ] || deb=$(ls -t "$KDIR/cache/${best}_"*.deb 2>/dev/null | head -n 1)
		[ -s "$deb" ] && { echo "$deb"; return 0; }
	fi
	deb=""
	for f in "$KDIR"/cache/*.deb; do # the newest version of the highest ABI, offline
		[ -e "$f" ] || continue
		[[ $(basename "$f") == $glob"_"* ]] || continue
		if [ -z "$deb" ] || dpkg --compare-versions "$(dpkg-deb -f "$f" Version)" gt \
			"$(dpkg-deb -f "$deb" Version)"; then
			deb=$f
		fi
	done
	[ -n "${deb:-}" ] && [ -s "$deb" ] && { say "using the cached $(basename "$deb")"; echo "$deb"; return 0; }
	say "no package matches '$glob' (apt-get update?) and none is cached"
	return 1
}

# unpack_deb DEB: unpack once into the cache (dpkg-deb -x, no root tools needed) and generate
# modules.dep there; print the directory.
unpack_deb() {
	local deb=$1 dir kver
	dir="$KDIR/cache/$(basename "$deb" .deb)"
	if [ ! -e "$dir/.unpacked" ]; then
		rm -rf "$dir"
		dpkg-deb -x "$deb" "$dir" || return 1
		for kver in "$dir"/lib/modules/*; do
			[ -d "$kver" ] && busybox depmod -b "$dir" "$(basename "$kver")"
		done
		touch "$dir/.unpacked"
	fi
	echo "$dir"
}

# ---- the guest's initramfs ------------------------------------------------------------------
# The common part: busybox, kyua and bash with the libraries ldd names, the installed suite at
# $GUEST_PREFIX, /etc, and /init.  Built once per invocation from the build tree.
build_common_initramfs() {
	local root="$KDIR/initramfs/root" tree="$KDIR/initramfs/tree" f lib a
	rm -rf "$root" "$tree"
	if [ -n "${SANDPROOF_KERNELS_TREE:-}" ]; then
		# Development hook: a stand-in suite already laid out as PREFIX (tests/sandproof, bin).
		mkdir -p "$tree$GUEST_PREFIX" && cp -a "$SANDPROOF_KERNELS_TREE"/. "$tree$GUEST_PREFIX/"
	elif ! make --no-print-directory -s BUILD="$BUILD" prefix="$GUEST_PREFIX" DESTDIR="$tree" \
		install > "$KDIR/initramfs/install.log" 2>&1; then
		cat "$KDIR/initramfs/install.log" >&2
		say "make install for the guest failed"
		return 1
	fi
	mkdir -p "$root"/usr/{bin,sbin,lib,lib64,share} "$root"/{etc/sandproof,proc,sys,dev,tmp,run}
	for a in bin sbin lib lib64; do ln -s "usr/$a" "$root/$a"; done
	cp -a "$tree/." "$root/"
	# Debug information is most of the size and nothing in the guest reads it.
	find "$root$GUEST_PREFIX" -type f -perm -u+x -exec strip --strip-debug {} + 2>/dev/null
	install -m 755 "$(command -v busybox)" "$root/usr/bin/busybox"
	# Debian's programs first (see GUEST_PACKAGES), at their merged-/usr paths; busybox fills in.
	for a in $GUEST_PACKAGES; do
		dpkg -L "$a" | grep -E '^/(usr/)?s?bin/[^/]+$' | while IFS= read -r f; do
			[ -f "$f" ] && [ ! -L "$f" ] && [ -x "$f" ] || continue
			case $f in /usr/*) t=$f ;; *) t=/usr$f ;; esac
			install -m 755 "$f" "$root$t"
		done
	done
	for a in $GUEST_PROGRAMS; do
		install -m 755 "$(command -v "$a")" "$root/usr/bin/$a" || return 1
	done
	ln -sf dash "$root/usr/bin/sh"
	cp -a /usr/share/kyua "$root/usr/share/"
	# Every dynamic ELF file: its libraries and the loader, at the paths ldd names.
	while IFS= read -r f; do
		ldd "$f" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }'
	done < <(find "$root" -type f \( -perm -u+x -o -name '*.so*' \) ! -path "$root/usr/share/*") |
		sort -u | while IFS= read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
	done
	for a in $(busybox --list); do
		[ -e "$root/usr/bin/$a" ] || [ -e "$root/usr/sbin/$a" ] || ln -s busybox "$root/usr/bin/$a"
	done
	cat > "$root/etc/passwd" <<-EOF
	root:x:0:0:root:/root:/bin/sh
	$GUEST_USER:x:1000:1000:sandproof unprivileged runs:/home/$GUEST_USER:/bin/sh
	nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat > "$root/etc/group" <<-EOF
	root:x:0:
	tty:x:5:
	$GUEST_USER:x:1000:
	nogroup:x:65534:
	EOF
	printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' > "$root/etc/nsswitch.conf"
	printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
	printf '/bin/sh\n/bin/bash\n' > "$root/etc/shells"
	: > "$root/etc/fstab"
	install -m 755 "$HERE/init" "$root/init"
	chmod 755 "$root"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) \
		> "$KDIR/initramfs/common.cpio" || return 1
	# Ownership for what the image holds is root's; the unprivileged user's home is made by init.
	say "initramfs: $(du -sh "$KDIR/initramfs/common.cpio" | cut -f1) common part"
}

# modules_cpio DIR KVER OUT: the modules listed in ci/kernels/modules with their dependencies,
# and /etc/sandproof/modules with the insmod order.
modules_cpio() {
	local dir=$1 kver=$2 out=$3 mroot m path
	local dep="$dir/lib/modules/$kver/modules.dep"
	mroot=$(mktemp -d "$KDIR/initramfs/mods.XXXXXX")
	mkdir -p "$mroot/usr/lib/modules/$kver" "$mroot/etc/sandproof"
	: > "$mroot/etc/sandproof/modules"
	declare -A seen=()
	add_module() { # PATH (relative to lib/modules/KVER): dependencies first
		local p=$1 d
		[ -n "${seen[$p]:-}" ] && return
		seen[$p]=1
		for d in $(awk -v m="$p:" '$1 == m { $1 = ""; print }' "$dep"); do add_module "$d"; done
		mkdir -p "$mroot/usr/lib/modules/$kver/$(dirname "$p")"
		cp "$dir/lib/modules/$kver/$p" "$mroot/usr/lib/modules/$kver/$p"
		echo "$p" >> "$mroot/etc/sandproof/modules"
	}
	if [ -s "$dep" ]; then
		while read -r m _; do
			case $m in '' | '#'*) continue ;; esac
			path=$(awk -v m="$m" '{ p = $1; sub(/:$/, "", p); n = p; sub(/.*\//, "", n);
				sub(/\.ko(\.[a-z]+)?$/, "", n); gsub(/-/, "_", n) }
				n == m { print p; exit }' "$dep")
			[ -n "$path" ] && add_module "$path"
		done < "$HERE/modules"
	fi
	# Every directory entry of an archive sets its mode, "." included (mktemp made it 0700).
	chmod 755 "$mroot"
	(cd "$mroot" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$out"
	local rc=$?
	rm -rf "$mroot"
	return $rc
}

# ---- KVM or TCG -----------------------------------------------------------------------------
# /dev/kvm can exist and even run a boot sector while a real kernel hangs (nested KVM): boot the
# kernel itself with a tiny initramfs under KVM and trust it only if it comes up.  Cached for
# this boot of the host.
detect_accel() {
	local vmlinuz=$1 cache="$KDIR/accel" id probe out
	id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)
	if [ -s "$cache" ] && [ "$(sed -n 1p "$cache")" = "$id" ]; then
		sed -n 2p "$cache"
		return
	fi
	local result=tcg
	if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		probe=$(mktemp -d "$KDIR/kvmprobe.XXXXXX")
		tmp_dirs+=("$probe")
		mkdir -p "$probe/root/bin"
		cp "$(command -v busybox)" "$probe/root/bin/busybox"
		printf '#!/bin/busybox sh\n/bin/busybox echo sandproof-kvm-ok\n/bin/busybox poweroff -f\n' \
			> "$probe/root/init"
		chmod 755 "$probe/root/init"
		(cd "$probe/root" && find . | cpio -o -H newc -R 0:0 --quiet) > "$probe/initrd"
		out=$(timeout --kill-after=5 15 qemu-system-x86_64 -accel kvm -cpu host -machine q35 \
			-m 256 -nodefaults -display none -monitor none -no-reboot -nic none -serial stdio \
			-kernel "$vmlinuz" -initrd "$probe/initrd" -append "console=ttyS0 panic=-1 quiet" \
			< /dev/null 2>&1)
		case $out in *sandproof-kvm-ok*) result=kvm ;; esac
		rm -rf "$probe"
	fi
	printf '%s\n%s\n' "$id" "$result" > "$cache"
	echo "$result"
}

# ---- one column line --------------------------------------------------------------------------
add_column() { # KERNEL VARIANT MODE DB DURATION REASON
	local db=$4
	[ -n "$db" ] && db=${db#"$top/"}
	printf '%s|%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$db" "$5" "$6" >> "$KDIR/columns"
}

# ---- a guest run: one boot per (kernel, variant), both modes inside ---------------------------
run_vm() {
	local kver=$1 vmlinuz=$2 initrd=$3 variant=$4 accel_now=$5
	local run="$KDIR/runs/$kver/$variant" res="$KDIR/results/$kver/$variant"
	local -a acc
	rm -rf "$run"
	mkdir -p "$run/out" "$res"
	results_img="$run/results.img"
	truncate -s 1G "$results_img"
	if [ "$accel_now" = kvm ]; then acc=(-accel kvm -cpu host); else acc=(-accel tcg,thread=multi -cpu max); fi
	local cmdline="console=ttyS0 panic=-1 quiet loglevel=4 sandproof_variant=$variant"
	cmdline+=" sandproof_modes=$(IFS=,; echo "${modes[*]}") sandproof_jobs=$jobs"
	cmdline+=" sandproof_adapter=$ADAPTER sandproof_prefix=$GUEST_PREFIX"
	[ -n "${SANDPROOF_KERNELS_DEBUG:-}" ] && cmdline+=" sandproof_debug=1"
	[ ${#filters[@]} -gt 0 ] && cmdline+=" sandproof_filter=$(IFS=,; echo "${filters[*]}")"
	say "$kver $variant: booting ($accel_now, ${jobs} cpus, timeout ${timeout}s)"
	qemu_pidfile="$run/qemu.pid"
	local t0 t1 rc
	t0=$(now)
	# In the background with `wait`, so that a signal to this script runs its trap (which kills
	# qemu through the pid file) at once instead of after the guest.
	{
		timeout --kill-after=10 "$timeout" qemu-system-x86_64 "${acc[@]}" -machine q35 \
			-smp "$jobs" -m "$mem_mb" -nodefaults -display none -monitor none -no-reboot \
			-nic none -serial stdio -pidfile "$run/qemu.pid" -kernel "$vmlinuz" \
			-initrd "$initrd" -append "$cmdline" \
			-drive "file=$run/results.img,format=raw,if=virtio,cache=unsafe" < /dev/null 2>&1
		echo $? > "$run/qemu.rc"
	} | tee "$run/console.log" | grep --line-buffered -a 'sandproof-guest:' | sed -u 's/^/  /' >&2 &
	wait $!
	rc=$(cat "$run/qemu.rc" 2>/dev/null || echo 125)
	t1=$(now)
	qemu_pidfile=""
	local wall
	wall=$(secs "$t0" "$t1")
	[ "$rc" = 124 ] && say "$kver $variant: timed out after ${timeout}s (qemu killed)"
	# The results: a tar on the raw disk, else base64 between markers on the console.
	tar -xf "$run/results.img" -C "$run/out" 2>/dev/null
	if [ ! -e "$run/out/info" ] && grep -q 'sandproof-results-begin' "$run/console.log"; then
		sed -n '/sandproof-results-begin/,/sandproof-results-end/p' "$run/console.log" |
			sed '1d;$d' | tr -d '\r' | base64 -d 2>/dev/null | gunzip 2>/dev/null |
			tar -xf - -C "$run/out" 2>/dev/null
	fi
	rm -f "$results_img"
	results_img=""
	local boot="" m db dur line reason
	[ -e "$run/out/info" ] && boot=$(sed -n 's/^boot_s=//p' "$run/out/info")
	line="$kver $variant: qemu ${wall}s (${accel_now}), boot ${boot:-?}s"
	for m in "${modes[@]}"; do
		db="" dur="" reason=""
		if [ -s "$run/out/$m.skip" ]; then
			reason=$(cat "$run/out/$m.skip")
		elif [ -s "$run/out/$m.db" ]; then
			mv "$run/out/$m.db" "$res/$m.db"
			db="$res/$m.db"
			[ -s "$run/out/$m.time" ] && dur=$(awk '{ printf "%.1f", $2 - $1 }' "$run/out/$m.time")
			line+=", $m ${dur}s"
		elif [ -s "$run/out/fatal" ]; then
			reason="error: guest: $(cat "$run/out/fatal")"
		elif [ "$rc" = 124 ]; then
			reason="error: the guest timed out after ${timeout}s before the $m run finished"
		else
			reason="error: the $m run did not complete (qemu exit $rc; see ${run#"$top/"}/console.log)"
		fi
		[ -e "$run/out/$m.log" ] && cp "$run/out/$m.log" "$res/$m.log"
		[ -s "$run/out/$m.kernel.json" ] && cp "$run/out/$m.kernel.json" "$res/$m.kernel.json"
		add_column "$kver" "$variant" "$m" "$db" "$dur" "$reason"
	done
	cp "$run/console.log" "$res/console.log" 2>/dev/null
	timings+=("$line")
	say "$line"
}

# ---- the running kernel, natively ---------------------------------------------------------------
native_stage=""
prepare_native() {
	[ -n "$native_stage" ] && return 0
	native_stage=$(mktemp -d /var/tmp/sandproof-kernels.XXXXXX) || return 1
	tmp_dirs+=("$native_stage")
	chmod 755 "$native_stage"
	if [ -n "${SANDPROOF_KERNELS_TREE:-}" ]; then
		mkdir -p "$native_stage/usr" && cp -a "$SANDPROOF_KERNELS_TREE"/. "$native_stage/usr/"
	elif ! make --no-print-directory -s BUILD="$BUILD" prefix="$native_stage/usr" install \
		> "$native_stage/install.log" 2>&1; then
		cat "$native_stage/install.log" >&2
		say "staging install for the native runs failed"
		return 1
	fi
	if ! id -u "$CHECK_USER" > /dev/null 2>&1; then
		useradd --system --no-create-home --shell /usr/sbin/nologin "$CHECK_USER" ||
			{ say "cannot create user '$CHECK_USER'"; return 1; }
		say "created system user '$CHECK_USER' for the unprivileged runs"
	fi
	install -d -m 700 "$native_stage/home-root"
	install -d -o "$CHECK_USER" -m 700 "$native_stage/home-user" "$native_stage/results"
	gcc -O2 -Wall -o "$native_stage/userns-exec" "$HERE/userns-exec.c" || return 1
}

# kyua with only fds 0-2 open (the suite counts leaked descriptors) and a small environment.
kyua_clean() { # HOME KYUA-ARGS...
	local home=$1 fd
	shift
	for fd in /proc/self/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] 2> /dev/null && eval "exec $fd>&-" 2> /dev/null
	done
	exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME="$home" LANG=C.UTF-8 kyua "$@"
}

run_native() {
	local variant=$1 kver m db dur t0 t1 reason rc key
	kver=$(uname -r)
	local res="$KDIR/results/$kver/$variant"
	local -a wrap
	mkdir -p "$res"
	local line="$kver $variant: native"
	for m in "${modes[@]}"; do
		db="" dur="" reason="" wrap=()
		case $variant in
		default) ;;
		kernel.unprivileged_userns_clone=*)
			if [ -e /proc/sys/kernel/unprivileged_userns_clone ]; then
				reason="not applicable natively: kernel.unprivileged_userns_clone is global and the host's setting is never changed; run this kernel in a VM"
			else
				reason="not applicable: kernel.unprivileged_userns_clone does not exist on kernel $kver (a Debian patch)"
			fi ;;
		user.max_*)
			# Per user namespace and writable by its owner: set it in a fresh namespace.
			key=${variant%%=*}
			if [ -e "/proc/sys/$(echo "$key" | tr . /)" ]; then
				wrap=("$native_stage/userns-exec" -s "$variant")
			else
				reason="not applicable: $key does not exist on kernel $kver"
			fi ;;
		*) reason="not applicable natively: $variant would change a host sysctl" ;;
		esac
		if [ -n "$reason" ]; then
			add_column "$kver" "$variant" "$m" "" "" "$reason"
			say "$kver $variant $m: skipped: $reason"
			continue
		fi
		local udb="$native_stage/results/$m-$$.db" kvars
		rm -f "$udb"
		kvars=(-c none -v parallelism="$jobs" -v test_suites.sandproof.adapter="$ADAPTER"
			-v test_suites.sandproof.must_work=false
			-v test_suites.sandproof.sbx_run="$native_stage/usr/bin/sbx-run" test -r "$udb"
			${filters[@]+"${filters[@]}"})
		say "$kver $variant $m: running the suite natively${wrap[0]:+ in a user namespace with $variant}"
		local kreport="$native_stage/usr/bin/sandproof-kernel"
		if [ -x "$kreport" ]; then
			(cd / || exit
			if [ "$m" = root ]; then
				${wrap[@]+"${wrap[@]}"} "$kreport" --format=json
			elif [ ${#wrap[@]} -gt 0 ]; then
				"${wrap[@]}" -u "$(id -u "$CHECK_USER")" -g "$(id -g "$CHECK_USER")" -- \
					"$kreport" --format=json
			else
				runuser -u "$CHECK_USER" -- "$kreport" --format=json
			fi) > "$res/$m.kernel.json" 2> /dev/null < /dev/null
			[ -s "$res/$m.kernel.json" ] || rm -f "$res/$m.kernel.json"
		fi
		t0=$(now)
		if [ "$m" = root ]; then
			(cd "$native_stage/usr/tests/sandproof" && ${wrap[@]+"${wrap[@]}"} \
				bash -c "$(declare -f kyua_clean); kyua_clean \"\$@\"" kyua \
				"$native_stage/home-root" "${kvars[@]}") > "$res/$m.log" 2>&1
		elif [ ${#wrap[@]} -gt 0 ]; then
			(cd "$native_stage/usr/tests/sandproof" && "${wrap[@]}" -u "$(id -u "$CHECK_USER")" \
				-g "$(id -g "$CHECK_USER")" -- \
				bash -c "$(declare -f kyua_clean); kyua_clean \"\$@\"" kyua \
				"$native_stage/home-user" "${kvars[@]}") > "$res/$m.log" 2>&1
		else
			(cd "$native_stage/usr/tests/sandproof" && runuser -u "$CHECK_USER" -- \
				bash -c "$(declare -f kyua_clean); kyua_clean \"\$@\"" kyua \
				"$native_stage/home-user" "${kvars[@]}") > "$res/$m.log" 2>&1
		fi
		rc=$?
		t1=$(now)
		dur=$(secs "$t0" "$t1")
		if [ -s "$udb" ]; then
			mv "$udb" "$res/$m.db"
			db="$res/$m.db"
			line+=", $m ${dur}s"
		else
			reason="error: the $m run did not complete (kyua exit $rc; see ${res#"$top/"}/$m.log)"
			tail -n 5 "$res/$m.log" | sed 's/^/  /' >&2
		fi
		add_column "$kver" "$variant" "$m" "$db" "$dur" "$reason"
	done
	timings+=("$line")
	say "$line"
}

# ---- main -------------------------------------------------------------------------------------
if [ -z "${SANDPROOF_KERNELS_TREE:-}" ]; then
	make --no-print-directory -s BUILD="$BUILD" all >&2 || { say "the build failed"; exit 2; }
fi
mapfile -t entries < <(list_kernels)
[ ${#entries[@]} -gt 0 ] || { say "no kernel selected"; exit 2; }
# Both staged trees come from the same build, made before any run starts.
for entry in "${entries[@]}"; do
	if [ "${entry#*$'\t'}" = native ]; then prepare_native || exit 2; fi
done
for entry in "${entries[@]}"; do
	if [ "${entry#*$'\t'}" != native ]; then
		t0=$(now)
		build_common_initramfs || exit 2
		say "initramfs built in $(secs "$t0" "$(now)")s"
		break
	fi
done
for entry in "${entries[@]}"; do
	name=${entry%%$'\t'*} src=${entry#*$'\t'}
	case $src in
	native)
		prepare_native || exit 2
		for v in "${variants[@]}"; do run_native "$v"; done
		continue ;;
	apt:*) deb=$(fetch_deb "${src#apt:}") ;;
	deb:*) deb=${src#deb:} ;;
	*) say "$name: unknown source '$src'"; exit 2 ;;
	esac
	if [ -z "$deb" ] || [ ! -s "$deb" ] || ! dir=$(unpack_deb "$deb"); then
		for v in "${variants[@]}"; do
			for m in "${modes[@]}"; do add_column "$name" "$v" "$m" "" "" "error: kernel $name is unavailable ($src)"; done
		done
		continue
	fi
	vmlinuz=$(ls "$dir"/boot/vmlinuz-* 2>/dev/null | head -n 1)
	kver=${vmlinuz##*/vmlinuz-}
	if [ -z "$vmlinuz" ]; then
		say "$name: no /boot/vmlinuz-* in $(basename "$deb")"
		exit 2
	fi
	modules_cpio "$dir" "$kver" "$KDIR/initramfs/modules-$kver.cpio" || exit 2
	cat "$KDIR/initramfs/common.cpio" "$KDIR/initramfs/modules-$kver.cpio" \
		> "$KDIR/initramfs/initrd-$kver.cpio"
	if [ "$accel" = auto ]; then
		acc_now=$(detect_accel "$vmlinuz")
		say "accelerator: $acc_now (KVM $([ "$acc_now" = kvm ] && echo works || echo does not boot a kernel here))"
	else
		acc_now=$accel
	fi
	say "$name: kernel $kver from $(basename "$deb")"
	for v in "${variants[@]}"; do run_vm "$kver" "$vmlinuz" "$KDIR/initramfs/initrd-$kver.cpio" "$v" "$acc_now"; done
done

# ---- summary ----------------------------------------------------------------------------------
rc=0 tp=0 tf=0 ts=0
{
	echo "sandproof kernel matrix ($(date -u +%Y-%m-%dT%H:%M:%SZ), adapter $ADAPTER)"
	echo
	while IFS='|' read -r k v m db dur reason; do
		if [ -n "$db" ]; then
			read -r p f s < <(kyua db-exec --no-headers -r "$top/$db" \
				"SELECT result_type, COUNT(*) FROM test_results GROUP BY result_type" |
				awk -F, '$1 == "passed" || $1 == "expected_failure" { p += $2 }
					$1 == "failed" || $1 == "broken" { f += $2 } $1 == "skipped" { s += $2 }
					END { print p + 0, f + 0, s + 0 }')
			printf '%-28s %-36s %-4s  %d passed, %d failed, %d skipped  (suite %ss)\n' \
				"$k" "$v" "$m" "$p" "$f" "$s" "$dur"
			tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + s))
			[ "$f" = 0 ] || rc=1
		else
			case $reason in
			error:*) rc=1
				printf '%-28s %-36s %-4s  column DID NOT RUN: %s\n' "$k" "$v" "$m" "$reason" ;;
			*) printf '%-28s %-36s %-4s  column skipped: %s\n' "$k" "$v" "$m" "$reason" ;;
			esac
		fi
	done < "$KDIR/columns"
	echo
	echo "guest runs (wall time of qemu, boot = kernel start to /init, then each suite run):"
	for t in "${timings[@]}"; do echo "  $t"; done
	echo
	echo "skip reasons (count, reason), per column:"
	while IFS='|' read -r k v m db _; do
		[ -n "$db" ] || continue
		echo "  $k $v $m:"
		kyua db-exec --no-headers -r "$top/$db" "SELECT COUNT(*), result_reason FROM test_results
			WHERE result_type = 'skipped' GROUP BY result_reason ORDER BY 1 DESC, 2" |
			sed 's/^\([0-9]*\),/    \1  /'
	done < "$KDIR/columns"
	if [ $rc != 0 ]; then
		echo
		echo "failed or broken cases:"
		while IFS='|' read -r k v m db _; do
			[ -n "$db" ] || continue
			kyua db-exec --no-headers -r "$top/$db" "SELECT tp.relative_path || ':' || tc.name,
				tr.result_type, tr.result_reason FROM test_programs tp
				JOIN test_cases tc USING (test_program_id) JOIN test_results tr USING (test_case_id)
				WHERE tr.result_type IN ('failed', 'broken')" | sed "s|^|  $k $v $m: |"
		done < "$KDIR/columns"
	fi
} > "$KDIR/summary.txt"
cat "$KDIR/summary.txt" >&2
echo "$tp passed, $tf failed, $ts skipped"
exit $rc
