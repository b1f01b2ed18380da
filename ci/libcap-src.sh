#!/bin/sh
# Debian's libcap2 source package, unpacked once into a cache directory, for the musl build of
# sbx-run (Debian ships libcap built for glibc only; its libcap.a needs glibc's ctype and _chk
# symbols).  Quiet and quick when the source is already there.
#
#   ci/libcap-src.sh [--auto] [DIR]   DIR defaults to build-deps/libcap2 in the source tree
#
# --auto (ci/deps.sh, on every make): after a failed download, do not try again for an hour.
#
# The download uses apt-get with a source list, package lists and cache of its own in a
# temporary directory: the system's apt configuration and state are not touched.  apt checks
# the files against the hashes of the signed Sources index (debian-archive-keyring), and
# dpkg-source -x checks them against the .dsc before it unpacks and applies Debian's patches.
# Needs root (apt-get) on Debian; exits 1 with one line on stderr otherwise, and the Makefile
# then builds the glibc launcher.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
auto=no
[ "${1:-}" = --auto ] && auto=yes && shift
dir=${1:-$top/build-deps/libcap2}

[ -f "$dir/libcap/cap_alloc.c" ] && exit 0

say() { echo "libcap-src: $*" >&2; }
failed="$dir.failed"
if [ "$auto" = yes ] && [ -n "$(find "$failed" -mmin -60 2>/dev/null)" ]; then
	say "not fetched: the last try failed less than an hour ago (see '$failed')"
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-source >/dev/null 2>&1; then
	say "needs apt-get and dpkg-source (Debian's apt and dpkg-dev)"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	say "run as root once to fetch Debian's libcap2 source: ci/libcap-src.sh $dir"
	exit 1
fi

codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
codename=${codename:-bookworm}
mkdir -p "$(dirname "$dir")"
work=$(mktemp -d "$(dirname "$dir")/.libcap2.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
# apt downloads as the unprivileged _apt user: let it write its partial directories.
chmod 755 "$work" "$work/lists" "$work/cache" "$work/cache/archives" "$work/src"
chown _apt "$work/lists/partial" "$work/cache/archives/partial" "$work/src" 2>/dev/null || true
# The point releases and the security archive too: the source of the libcap the system has.
{
	echo "deb-src http://deb.debian.org/debian $codename main"
	echo "deb-src http://deb.debian.org/debian $codename-updates main"
	echo "deb-src http://deb.debian.org/debian-security $codename-security main"
} > "$work/sources.list"
apt_get() {
	apt-get -q -o Dir::Etc::SourceList="$work/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache" "$@"
}

# The version of the installed libcap-dev if the archive still has it, else the newest.
version=$(dpkg-query -W -f='${source:Version}' libcap-dev 2>/dev/null || true)
say "fetching Debian's libcap2 source ($codename${version:+, $version}) into $dir"
# A suite without sources (no -updates or -security for unstable) is not an error here.
apt_get update > "$work/log" 2>&1 || true
if ! { [ -n "$version" ] &&
	(cd "$work/src" && apt_get source --download-only "libcap2=$version") >> "$work/log" 2>&1; } &&
	! (cd "$work/src" && apt_get source --download-only libcap2) >> "$work/log" 2>&1; then
	cat "$work/log" >&2
	say "apt-get could not fetch libcap2's source"
	cp "$work/log" "$failed" 2>/dev/null || true
	exit 1
fi
dsc=$(ls "$work"/src/libcap2_*.dsc)
if ! dpkg-source -x "$dsc" "$work/libcap2" >> "$work/log" 2>&1; then
	cat "$work/log" >&2
	say "dpkg-source -x '$dsc' failed"
	cp "$work/log" "$failed" 2>/dev/null || true
	exit 1
fi
# Another build may have fetched it meanwhile: keep the first.
mv -T "$work/libcap2" "$dir" 2>/dev/null || [ -f "$dir/libcap/cap_alloc.c" ]
rm -f "$failed"
say "unpacked $(basename "$dsc" .dsc) into $dir"
