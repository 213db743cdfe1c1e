#!/usr/bin/env bash
# Installs what @fleet/provider-docker's tests need: Debian's Docker engine (dockerd, containerd, runc)
# and a static busybox to build the test image offline. Quick when both are already there.
set -euo pipefail

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)

if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi
echo "install-docker: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
