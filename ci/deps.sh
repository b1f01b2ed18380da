#!/bin/sh
# Check that the Debian packages a task needs are installed.  As root on a Debian-like system,
# install what is missing with apt-get and say so; otherwise stop with the exact command to run.
#
#   ci/deps.sh GROUP...     groups: build lint conform bench report kernels all
#
# The build group also fetches Debian's libcap2 source once (ci/libcap-src.sh), for the musl
# build of sbx-run; when it cannot, the Makefile builds sbx-run with glibc and says why.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

# musl-tools: sbx-run is linked against musl; dpkg-dev: dpkg-source unpacks libcap2's source.
pkgs_build="gcc make pkg-config libc6-dev libcap-dev libatf-dev kyua musl-tools dpkg-dev keyutils"
pkgs_lint="clang-format cppcheck"
pkgs_conform="bubblewrap firejail runc crun systemd-container proot util-linux"
pkgs_bench="hyperfine strace"
pkgs_report="chromium"
pkgs_kernels="qemu-system-x86 busybox-static cpio keyutils"

want=""
libcap_src=no
for g in "$@"; do
	case $g in
	build) want="$want $pkgs_build" libcap_src=yes ;;
	lint) want="$want $pkgs_lint" ;;
	conform) want="$want $pkgs_conform" ;;
	bench) want="$want $pkgs_bench" ;;
	report) want="$want $pkgs_report" ;;
	kernels) want="$want $pkgs_kernels" ;;
	all) want="$want $pkgs_build $pkgs_lint $pkgs_conform $pkgs_bench $pkgs_report $pkgs_kernels"
		libcap_src=yes ;;
	*) echo "deps.sh: unknown group '$g'" >&2; exit 2 ;;
	esac
done

if ! command -v dpkg-query >/dev/null 2>&1; then
	# Not Debian: trust what is on PATH and in pkg-config, and name what is missing.
	missing=""
	for p in $want; do
		case $p in
		libcap-dev) pkg-config --exists libcap 2>/dev/null || missing="$missing $p" ;;
		libatf-dev) pkg-config --exists atf-c 2>/dev/null || missing="$missing $p" ;;
		keyutils) command -v keyctl >/dev/null 2>&1 || missing="$missing $p" ;;
		gcc|make|pkg-config|kyua|clang-format|cppcheck|hyperfine|strace|proot|firejail|runc|crun|cpio)
			command -v "$p" >/dev/null 2>&1 || missing="$missing $p" ;;
		esac
	done
	[ -z "$missing" ] && exit 0
	echo "sandproof: missing:$missing (install them with your distribution's package manager)" >&2
	exit 1
fi

# Debian's libcap2 source, once; optional (the Makefile falls back to a glibc sbx-run).
fetch_libcap_src() {
	[ "$libcap_src" = yes ] && [ "$(id -u)" = 0 ] || return 0
	"$top/ci/libcap-src.sh" --auto || true
}

missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $st in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
if [ -z "$missing" ]; then
	fetch_libcap_src
	exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "sandproof: installing missing Debian packages:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# An old or absent package list makes apt-get fail to find packages: refresh it once.
	if ! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
		apt-get update -q >/dev/null 2>&1 || true
		if ! apt-get install -y -q --no-install-recommends $missing >&2; then
			echo "sandproof: apt-get install failed for:$missing" >&2
			exit 1
		fi
	fi
	fetch_libcap_src
	exit 0
fi
echo "sandproof: missing Debian packages; run as root:" >&2
echo "  apt-get install$missing" >&2
exit 1
