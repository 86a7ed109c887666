#!/bin/sh
# install.sh - install cloudwatch-publisher on a Linux host with systemd.
#
#   curl -fsSL https://github.com/cloudwatch-publisher/cloudwatch-publisher/releases/download/v0.1.0/install.sh | sudo sh
#   sudo sh install.sh --binary ./cloudwatch-publisher-0.1.0-linux-x64     # air-gapped
#   sudo sh install.sh --uninstall
#
# Options:
#   --version V       release to install (default: the one this script came with)
#   --url URL         where release files are (default: the GitHub release of that version)
#   --binary PATH     install this file instead of downloading it; SHA256SUMS and
#                     cloudwatch-publisher.service are taken from beside it or this script
#   --prefix DIR      install the binary to DIR/bin (default /usr/local)
#   --no-start        install and enable, but do not start (or validate) the service
#   --uninstall       stop and remove everything this script installed
# DESTDIR=DIR installs into a scratch root (no systemctl calls; for packaging and tests).
#
# Every binary is checked against SHA256SUMS before it is installed; a mismatch installs nothing.
# The configuration file /etc/cloudwatch-publisher/env (mode 0600) is written from a template
# the first time and kept on upgrades. The configuration is validated before the service starts.
set -eu

VERSION=0.1.0
URL=""
BINARY=""
PREFIX=/usr/local
START=1
UNINSTALL=0
DESTDIR=${DESTDIR:-}

die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
say() { printf 'install.sh: %s\n' "$*"; }

while [ "$#" -gt 0 ]; do
  case "$1" in
    --version) VERSION=${2:?--version needs a value}; shift 2 ;;
    --url) URL=${2:?--url needs a value}; shift 2 ;;
    --binary) BINARY=${2:?--binary needs a path}; shift 2 ;;
    --prefix) PREFIX=${2:?--prefix needs a directory}; shift 2 ;;
    --no-start) START=0; shift ;;
    --uninstall) UNINSTALL=1; shift ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
URL=${URL:-https://github.com/cloudwatch-publisher/cloudwatch-publisher/releases/download/v$VERSION}

bin="$DESTDIR$PREFIX/bin/cloudwatch-publisher"
etc="$DESTDIR/etc/cloudwatch-publisher"
unit="$DESTDIR/etc/systemd/system/cloudwatch-publisher.service"
systemd=0
if [ -z "$DESTDIR" ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemd=1
fi

if [ "$UNINSTALL" -eq 1 ]; then
  if [ "$systemd" -eq 1 ]; then
    systemctl disable --now cloudwatch-publisher.service 2>/dev/null || true
  fi
  rm -f "$bin" "$unit" "$etc/env" "$etc/env.example"
  rmdir "$etc" 2>/dev/null || true
  if [ "$systemd" -eq 1 ]; then systemctl daemon-reload; fi
  say "removed cloudwatch-publisher (binary, unit, $etc)"
  exit 0
fi

# The artifact for this machine: architecture, and musl (Alpine) or glibc.
case "$(uname -m)" in
  x86_64|amd64) arch=x64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) die "unsupported architecture $(uname -m) (x86_64 and aarch64 are)" ;;
esac
libc=""
if ls /lib/ld-musl-* >/dev/null 2>&1; then libc=-musl; fi
artifact="cloudwatch-publisher-$VERSION-linux-$arch$libc"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() { # fetch NAME: from beside --binary or this script, else from the release URL
  for dir in ${BINARY:+"$(dirname "$BINARY")"} "$(dirname "$0")"; do
    if [ -f "$dir/$1" ]; then cp "$dir/$1" "$work/$1"; return 0; fi
  done
  if [ -n "$BINARY" ]; then return 1; fi
  if command -v curl >/dev/null 2>&1; then curl -fsSL -o "$work/$1" "$URL/$1"
  elif command -v wget >/dev/null 2>&1; then wget -q -O "$work/$1" "$URL/$1"
  else die "neither curl nor wget is installed"; fi
}

if [ -n "$BINARY" ]; then
  [ -f "$BINARY" ] || die "no such file: $BINARY"
  artifact=$(basename "$BINARY")
  cp "$BINARY" "$work/$artifact"
else
  say "downloading $artifact from $URL"
  fetch "$artifact" || die "cannot download $URL/$artifact"
fi
fetch SHA256SUMS || die "SHA256SUMS not found beside $BINARY (copy it from the release)"
fetch cloudwatch-publisher.service || die "cloudwatch-publisher.service not found beside $BINARY or $0"

# Checksums: the binary and the unit must both be listed, and match.
for f in "$artifact" cloudwatch-publisher.service; do
  want=$(awk -v f="$f" '$2 == f || $2 == "*" f { print $1 }' "$work/SHA256SUMS")
  [ -n "$want" ] || die "$f is not listed in SHA256SUMS"
  have=$(sha256sum "$work/$f" | awk '{ print $1 }')
  [ "$want" = "$have" ] || die "checksum mismatch for $f: expected $want, got $have; nothing was installed"
done
say "checksums verified"

mkdir -p "$(dirname "$bin")" "$(dirname "$unit")" "$etc"
install -m 0755 "$work/$artifact" "$bin"
sed "s|^ExecStart=/usr/local/bin/cloudwatch-publisher |ExecStart=$PREFIX/bin/cloudwatch-publisher |" \
  "$work/cloudwatch-publisher.service" > "$work/unit"
install -m 0644 "$work/unit" "$unit"

chmod 0700 "$etc"
umask 077
cat > "$etc/env.example" <<'TEMPLATE'
# /etc/cloudwatch-publisher/env - read by the cloudwatch-publisher systemd unit.
# One NAME=value per line; see `cloudwatch-publisher --help` for every variable.
# On EC2 leave the credentials out: the instance role is used, and the region
# comes from instance metadata.
#AWS_REGION=ap-southeast-2
#METRIC_NAMESPACE=CustomMetrics
#METRIC_NAME=TestMetric
#METRIC_UNIT=Count
#METRIC_DIMENSIONS=Service=web
#METRIC_EC2_DIMENSIONS=InstanceId
#PUBLISH_INTERVAL_SECONDS=60
#LOG_FORMAT=text
#AWS_ACCESS_KEY_ID=
#AWS_SECRET_ACCESS_KEY=
#HTTPS_PROXY=http://proxy.example:3128
TEMPLATE
chmod 0600 "$etc/env.example"
if [ -f "$etc/env" ]; then
  say "kept the existing $etc/env"
else
  cp "$etc/env.example" "$etc/env"
  chmod 0600 "$etc/env"
  say "wrote $etc/env (edit it to configure)"
fi
say "installed $bin ($("$bin" --version 2>/dev/null || echo "version unknown"))"

if [ "$systemd" -eq 0 ]; then
  say "not starting: no systemd here${DESTDIR:+ (DESTDIR is set)}"
  exit 0
fi
systemctl daemon-reload
systemctl enable cloudwatch-publisher.service >/dev/null
if [ "$START" -eq 0 ]; then
  say "enabled; start it with: systemctl start cloudwatch-publisher"
  exit 0
fi
# Validate before starting, as the unit will run: its environment file, a dynamic user.
if ! systemd-run --quiet --pipe --wait --collect -p EnvironmentFile="$etc/env" -p DynamicUser=yes \
  "$bin" validate; then
  die "the configuration is not valid: fix $etc/env, then: systemctl restart cloudwatch-publisher"
fi
systemctl restart cloudwatch-publisher.service
say "started; follow it with: journalctl -u cloudwatch-publisher -f"
