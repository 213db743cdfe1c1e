#!/usr/bin/env bash
# The engines some suites need beyond npm, made ready before `pnpm test` runs them: Debian's dockerd and a static
# busybox (provider-docker), Debian's chromium (the chart test in examples/quickstart), and a kube-apiserver built
# from Debian's kubernetes source package, cached outside the repository (provider-k8s). Each step is quick when its
# engine is already there. They need apt-get and root: without them this only says which suites will skip; under
# CI=true, where a skipped real-engine suite must not pass, it fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
{ command -v dockerd && dpkg -s busybox-static; } >/dev/null 2>&1 || missing+=("dockerd + busybox-static (provider-docker)")
[ -x /usr/bin/chromium ] || missing+=("chromium (examples/quickstart chart test)")
FLEET_KUBE_CHECK_ONLY=1 scripts/kube-apiserver.sh >/dev/null 2>&1 || missing+=("kube-apiserver + etcd (provider-k8s)")
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  printf 'test-engines: missing, their real-engine tests will skip: %s\n' "${missing[@]}" >&2
  echo "test-engines: as root on Debian, scripts/test-engines.sh installs them (apt-get)" >&2
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi

printf 'test-engines: installing %s\n' "${missing[@]}" >&2
bash scripts/install-docker.sh
bash scripts/install-chromium.sh
scripts/kube-apiserver.sh >/dev/null # the first build on a machine takes minutes; later runs find it cached
