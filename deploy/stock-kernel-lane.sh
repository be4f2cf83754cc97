#!/usr/bin/env bash
# The stock-kernel lane: boots Debian's own kernel under software emulation (virtme-ng, no KVM),
# sharing this machine's files read-only, and runs dev.ferry.e2e.lane.StockKernelLane inside it:
# pre-copy (soft-dirty tracking) and post-copy (lazy pages with a big pipe) work on that kernel,
# not on this machine's. Results land in OUT_DIR (through a directory under /tmp: virtme-ng lets
# the guest write only below the paths it overlays, and this one is its only window on the host).
#
# usage: FERRY_LANE_CLASSPATH=<jars only: e2e-tests' jar and target/lib> deploy/stock-kernel-lane.sh OUT_DIR
# FERRY_LANE_BASELINE=1 also moves the pre-copy workload with stop-and-copy first (the blackout to compare with).
# (StockKernelLaneIT sets the classpath; setup-host.sh installs the kernel, virtme-ng and qemu.)
set -euo pipefail

out=${1:?usage: stock-kernel-lane.sh OUT_DIR}
classpath=${FERRY_LANE_CLASSPATH:?set FERRY_LANE_CLASSPATH to the e2e tests classpath}
java=${FERRY_LANE_JAVA:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java}
memory=${FERRY_LANE_MEMORY:-6G}
# QEMU's default model. "max" (every extension TCG emulates: SSE4.2, AVX2, SHA...) made the lane slower
# here, not faster: the cluster came up in 176 s instead of 129-151 s, a 16 MiB dump took 43 s instead of 27 s.
cpu=${FERRY_LANE_CPU:-qemu64}
kernel=${FERRY_LANE_KERNEL:-$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)}

[[ -n "$kernel" && -r "$kernel" ]] || { echo "stock-kernel-lane: no Debian kernel in /boot (deploy/setup-host.sh installs linux-image-amd64)" >&2; exit 2; }
command -v vng >/dev/null || { echo "stock-kernel-lane: vng not found (deploy/setup-host.sh installs virtme-ng)" >&2; exit 2; }
command -v unzip >/dev/null || { echo "stock-kernel-lane: unzip not found (deploy/setup-host.sh installs it)" >&2; exit 2; }

mkdir -p "$out"
out=$(cd "$out" && pwd)

# Class-data sharing archive of the whole classpath, made here on the host (native speed) before the
# boot: the guest runs the same JDK and the same jars (virtiofs keeps their sizes and times, which
# the JVM checks), so its JVMs map parsed, verified classes instead of loading ~20k classes in
# emulated software. Kept beside OUT_DIR while the jars do not change.
cds_dir=${FERRY_LANE_CDS_DIR:-$(dirname "$out")/stock-kernel-lane-cds}
mkdir -p "$cds_dir"
cds_key=$( { "$java" -version 2>&1; tr ':' '\n' <<<"$classpath" | xargs -r stat -c '%n %s %Y' 2>/dev/null; } | sha1sum | cut -c1-16)
cds="$cds_dir/$cds_key.jsa"
if [[ ! -s "$cds" ]]; then
  cds_start=$SECONDS
  rm -f "$cds_dir"/*.jsa "$cds_dir"/*.classlist
  # The JDK's own start-up classes, then every class of every jar but the signed crypto provider
  # (CDS skips signed jars; a plaintext lane does not use it).
  { grep -v -e '^#' -e '^@' "$(dirname "$(dirname "$java")")/lib/classlist" | cut -d' ' -f1
    tr ':' '\n' <<<"$classpath" | grep '\.jar$' | grep -v '/bc[a-z]*-' | while read -r jar; do
      unzip -Z1 "$jar" | sed -n -e '/module-info/d' -e '/^META-INF\//d' -e 's/\.class$//p'
    done; } > "$cds_dir/$cds_key.classlist"
  "$java" -Xshare:dump --enable-native-access=ALL-UNNAMED -XX:SharedClassListFile="$cds_dir/$cds_key.classlist" -XX:SharedArchiveFile="$cds.tmp" \
    -cp "$classpath" > "$cds_dir/dump.log" 2>&1 || { echo "stock-kernel-lane: CDS dump failed (see $cds_dir/dump.log)" >&2; exit 2; }
  mv "$cds.tmp" "$cds"
  echo "stock-kernel-lane: class-data archive of $(wc -l < "$cds_dir/$cds_key.classlist") classes made in $((SECONDS - cds_start)) s"
fi

rm -f "$out"/*.json "$out"/*.verdict "$out"/lane.*
window=$(mktemp -d /tmp/ferry-lane.XXXXXX)
trap 'cp -a "$window"/. "$out"/ 2>/dev/null; rm -rf "$window"' EXIT
printf '%s' "$classpath" > "$window/classpath"
cat > "$window/guest.sh" <<GUEST
#!/bin/bash
# Inside the guest: a fresh kernel, so the host's runtime settings are redone here.
sysctl -qw fs.pipe-max-size=67108864   # lazy pages splice big pipes
# Every JVM of the guest (the lane's and the cluster's it starts) maps the host-made archive and
# configures its logging in code (dev.ferry.e2e.lane.LaneLogging): both are minutes under emulation.
# Mapped where it was made (no relocation): relocating touches every page of it, minutes under emulation.
export JAVA_TOOL_OPTIONS="-XX:SharedArchiveFile=$cds -Xshare:auto -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
export FERRY_LANE_LOGGING=1
exec "$java" -Xlog:cds=info:file=$window/lane-cds.log -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx512m \\
  --enable-native-access=ALL-UNNAMED -cp "\$(cat "$window/classpath")" dev.ferry.e2e.lane.StockKernelLane "$window" ${FERRY_LANE_BASELINE:+--with-baseline}
GUEST
chmod +x "$window/guest.sh"

echo "stock-kernel-lane: booting $(basename "$kernel") under emulation (no KVM, CPU model $cpu), ${memory} memory"
cd "$window"   # virtme-ng accepts --rwdir only below the directory it starts in
# The CPU time qemu got says how loaded this machine was: on an idle one the two emulated CPUs
# get two cores, so wall time / (CPU time / wall time / 2) estimates the lane's idle duration.
TIMEFORMAT="stock-kernel-lane: guest ran %R s wall; qemu and virtiofsd used %U s user + %S s system CPU"
{ time vng --disable-kvm --run "$kernel" --user root --memory "$memory" --cpus 2 --qemu-opts="-cpu $cpu" --rwdir "$window" -- "$window/guest.sh"; } 2>&1
mapped=$(grep -c 'Mapped static' "$window/lane-cds.log" 2>/dev/null || true)
echo "stock-kernel-lane: class-data archive in the guest: ${mapped:-0} regions mapped (0: not used, see lane-cds.log)"
