#!/usr/bin/env bash
# Ferry's transfer vs tar|zstd -1|zstd -d|tar and tar|tar on the same data in the same run,
# over loopback and over a real 1 Gbit/s link (network namespaces bn-a/bn-b, 198.18.213.1/.2,
# joined by a veth shaped with tc tbf on both ends), with plaintext and mutual TLS 1.3 on both
# engines (BoringSSL via netty-tcnative, the JDK's). Prints MB/s of raw data, the ratio to the
# best baseline on that link, TLS vs plaintext, bytes on the wire, CPU seconds and peak heap.
# Sender and receiver are separate JVMs (the agents' two ends), in the two namespaces on the link.
#
# Usage: deploy/bench-transfer.sh [--links loopback,1gbit] [--tls PLAIN,TLS_OPENSSL,TLS_JDK]
#                                 [--modes auto,none,zstd1] [--repeat N] [image MiB (1024)] [rootfs files (20000)]
# --links takes "loopback" and/or tc rates ("1gbit", "500mbit"). Root needed (tmpfs, namespaces).
# --repeat N runs every row N times, baselines included, all rows' samples interleaved, and reports
# each row's median (the samples are listed under the table): single samples here vary by ±15-30%.
# The data lives on a tmpfs mounted for the run (FERRY_BENCH_DIR=<dir> to use a disk directory
# instead), so the numbers measure the transfer, not the file system.
# FERRY_BENCH_JVM_OPTS adds options to the sender and receiver JVMs ({main} is replaced by their
# class name), e.g. FERRY_BENCH_JVM_OPTS='-XX:StartFlightRecording=filename=/tmp/{main}.jfr'.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
links=loopback,1gbit tls=PLAIN,TLS_OPENSSL,TLS_JDK modes=auto,none,zstd1 repeat=1
while [[ $# -gt 0 && "$1" == --* ]]; do
  case "$1" in
    --links) links="$2"; shift 2 ;;
    --tls) tls="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    *) echo "unknown option $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done
work="${FERRY_BENCH_DIR:-}"
if [[ -z "$work" ]]; then
  work=/var/tmp/ferry-bench-tmpfs
  mkdir -p "$work"
  mount -t tmpfs -o size=6g tmpfs "$work"
  trap 'umount "$work"' EXIT
fi
cp_file="$PWD/transfer/target/bench.classpath"
./mvnw -B -q -pl transfer -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
# A copy of the compiled classes: a build in this tree during the run must not change the peers' classes.
classes="$work/classes"
rm -rf "$classes" && mkdir -p "$classes"
for m in transfer/target/test-classes transfer/target/classes proto/target/classes process/target/classes security/target/classes; do
  cp -r "$m" "$classes/${m//\//-}"
done
"$JAVA_HOME/bin/java" -Xmx512m --enable-native-access=ALL-UNNAMED \
  -cp "$(ls -d "$classes"/* | paste -sd:):$(cat "$cp_file")" \
  dev.ferry.transfer.bench.TransferBenchmark "$work" "${1:-1024}" "${2:-20000}" "$links" "$tls" "$modes" "$repeat"
