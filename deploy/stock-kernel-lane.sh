#!/usr/bin/env bash
# The stock-kernel lane: boots Debian's own kernel under software emulation (virtme-ng, no KVM),
# sharing this machine's files read-only, and runs dev.ferry.e2e.lane.StockKernelLane inside it:
# pre-copy (soft-dirty tracking) and post-copy (lazy pages with a big pipe) work on that kernel,
# not on this machine's. Results land in OUT_DIR (through a directory under /tmp: virtme-ng lets
# the guest write only below the paths it overlays, and this one is its only window on the host).
#
# usage: FERRY_LANE_CLASSPATH=<classpath of the e2e tests> deploy/stock-kernel-lane.sh OUT_DIR
# (StockKernelLaneIT sets the classpath; setup-host.sh installs the kernel, virtme-ng and qemu.)
set -euo pipefail

out=${1:?usage: stock-kernel-lane.sh OUT_DIR}
classpath=${FERRY_LANE_CLASSPATH:?set FERRY_LANE_CLASSPATH to the e2e tests classpath}
java=${FERRY_LANE_JAVA:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java}
memory=${FERRY_LANE_MEMORY:-6G}
kernel=${FERRY_LANE_KERNEL:-$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)}

[[ -n "$kernel" && -r "$kernel" ]] || { echo "stock-kernel-lane: no Debian kernel in /boot (deploy/setup-host.sh installs linux-image-amd64)" >&2; exit 2; }
command -v vng >/dev/null || { echo "stock-kernel-lane: vng not found (deploy/setup-host.sh installs virtme-ng)" >&2; exit 2; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/*.json "$out"/*.verdict "$out"/lane.*
window=$(mktemp -d /tmp/ferry-lane.XXXXXX)
trap 'cp -a "$window"/. "$out"/ 2>/dev/null; rm -rf "$window"' EXIT
printf '%s' "$classpath" > "$window/classpath"
cat > "$window/guest.sh" <<GUEST
#!/bin/bash
# Inside the guest: a fresh kernel, so the host's runtime settings are redone here.
sysctl -qw fs.pipe-max-size=67108864   # lazy pages splice big pipes
exec "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx512m --enable-native-access=ALL-UNNAMED \\
  -cp "\$(cat "$window/classpath")" dev.ferry.e2e.lane.StockKernelLane "$window"
GUEST
chmod +x "$window/guest.sh"

echo "stock-kernel-lane: booting $(basename "$kernel") under emulation (no KVM), ${memory} memory"
cd "$window"   # virtme-ng accepts --rwdir only below the directory it starts in
vng --disable-kvm --run "$kernel" --user root --memory "$memory" --cpus 2 --rwdir "$window" -- "$window/guest.sh"
