#!/usr/bin/env bash
# Builds a kube-apiserver for @fleet/provider-k8s's tests from Debian's own kubernetes source package, offline
# (apt only), and caches it outside the repository so a machine that built it once is done in seconds.
# Prints the binary's path on stdout (everything else goes to stderr). Needs root on Debian bookworm.
#
#   scripts/kube-apiserver.sh            # build if needed, print the path
#   FLEET_CACHE_DIR=/somewhere scripts/kube-apiserver.sh
#
# Why each step (the recipe of issue #7):
# - no kube-apiserver ships as a Debian binary or on npm, but bookworm's `kubernetes` source package carries the
#   1.20.2 tree with its vendor/ folder, so it builds without network beyond apt;
# - the vendored github.com/modern-go/reflect2 1.0.1 is memory-unsafe on Go >= 1.18 (crashes at start), so it is
#   replaced by Debian's golang-github-modern-go-reflect2-dev (1.0.2);
# - `make gen_openapi` generates the OpenAPI definitions the server needs (it uses rsync);
# - the build runs in GOPATH mode (the tree predates a working go.mod build here) with the version variables set, so
#   clients that read /version see v1.20.2.
set -euo pipefail

cache_root="${FLEET_CACHE_DIR:-/var/cache/fleet}/kube-apiserver"
k8s_version="v1.20.2"
log() { echo "[kube-apiserver.sh] $*" >&2; }

cached_binary() {
  # Newest cached build, if any (one directory per Debian source version).
  find "$cache_root" -mindepth 2 -maxdepth 2 -name kube-apiserver -type f -perm -u+x 2>/dev/null | sort | tail -n 1
}

existing="$(cached_binary || true)"
if [[ -n "$existing" ]] && command -v etcd >/dev/null 2>&1; then
  echo "$existing"
  exit 0
fi
# FLEET_KUBE_CHECK_ONLY=1: only answer whether a build is cached (exit 1 when not).
[[ -z "${FLEET_KUBE_CHECK_ONLY:-}" ]] || exit 1

if [[ "$(id -u)" != 0 ]]; then
  log "not cached under $cache_root and building needs root (apt-get); run this script as root once"
  exit 1
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
flock 9 # two CI jobs on one machine build once

# deb-src for bookworm main, derived from the deb entries this machine already uses (no mirror named here).
src_list=/etc/apt/sources.list.d/fleet-deb-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src ' /etc/apt/sources.list; then
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$src_list"
  else
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' >/etc/apt/sources.list.d/fleet-deb-src.list
  fi
  log "added deb-src entries"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
  golang-1.19-go etcd-server rsync make openssl dpkg-dev golang-github-modern-go-reflect2-dev >&2

work="$(mktemp -d /var/tmp/fleet-kube-apiserver.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get source --download-only kubernetes >&2
dsc="$(ls kubernetes_*.dsc | head -n 1)"
deb_version="$(sed -n 's/^Version: //p' "$dsc")"
out_dir="$cache_root/$deb_version"
if [[ -x "$out_dir/kube-apiserver" ]]; then
  echo "$out_dir/kube-apiserver"
  exit 0
fi
log "building kube-apiserver $k8s_version from Debian source $deb_version (several minutes)"
dpkg-source --no-check -x "$dsc" tree >&2

export GOPATH="$work/gopath"
mkdir -p "$GOPATH/src/k8s.io"
ln -s "$work/tree" "$GOPATH/src/k8s.io/kubernetes"
cd "$GOPATH/src/k8s.io/kubernetes"

rsync -a --delete /usr/share/gocode/src/github.com/modern-go/reflect2/ vendor/github.com/modern-go/reflect2/

export PATH="/usr/lib/go-1.19/bin:$PATH"
export GO111MODULE=off CGO_ENABLED=0 GOFLAGS=
export GOCACHE="$work/gocache"
export KUBE_GIT_VERSION="$k8s_version" KUBE_GIT_TREE_STATE=clean
make gen_openapi >&2

ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X k8s.io/kubernetes/vendor/$pkg.gitVersion=$k8s_version"
  ldflags+=" -X k8s.io/kubernetes/vendor/$pkg.gitMajor=1 -X k8s.io/kubernetes/vendor/$pkg.gitMinor=20"
  ldflags+=" -X k8s.io/kubernetes/vendor/$pkg.gitTreeState=clean"
done
go build -o "$work/kube-apiserver" -ldflags "-s -w $ldflags" ./cmd/kube-apiserver >&2

mkdir -p "$out_dir"
mv "$work/kube-apiserver" "$out_dir/kube-apiserver.tmp"
mv "$out_dir/kube-apiserver.tmp" "$out_dir/kube-apiserver"
log "built in ${SECONDS}s"
echo "$out_dir/kube-apiserver"
