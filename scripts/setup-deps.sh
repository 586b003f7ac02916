#!/bin/sh
# Installs, idempotently and non-interactively, every Debian package that route53d's build,
# tests, benchmarks and demo need. Safe to run again: it does nothing when all are present.
set -eu

PACKAGES="
  build-essential g++ make autoconf automake pkg-config
  libevent-dev libldns-dev libcurl4-openssl-dev libssl-dev rapidjson-dev
  libgtest-dev libgmock-dev libpugixml-dev libinih-dev libsystemd-dev
  dpkg-dev debhelper lintian fakeroot python3-prometheus-client
  clang libclang-rt-14-dev clang-tidy
  bind9 bind9-dnsutils bind9-utils nsd knot-dnsutils knot-dnssecutils ldnsutils dnsperf
  awscli python3 python3-boto3 python3-botocore python3-dnspython
  kea-dhcp-ddns-server
  curl procps iproute2 ca-certificates
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "setup-deps: all packages present"
  exit 0
fi

echo "setup-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
# named, nsd and kea-dhcp-ddns are started by the tests themselves, never as system services.
if command -v systemctl >/dev/null 2>&1; then
  for unit in named nsd kea-dhcp-ddns-server; do
    if systemctl is-active --quiet "$unit" 2>/dev/null; then $SUDO systemctl stop "$unit" || true; fi
  done
  if systemctl is-enabled --quiet kea-dhcp-ddns-server 2>/dev/null; then
    $SUDO systemctl disable --quiet kea-dhcp-ddns-server 2>/dev/null || true
  fi
fi
echo "setup-deps: done"
