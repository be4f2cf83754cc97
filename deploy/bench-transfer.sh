#!/usr/bin/env bash
# Ferry's transfer vs tar|zstd -1|zstd -d|tar and tar|tar on the same data in the same run,
# over loopback. Prints MB/s of raw data, the ratio to the best baseline, bytes on the wire,
# CPU seconds and peak heap.
#
# Usage: deploy/bench-transfer.sh [image MiB (1024)] [rootfs files (20000)]
# The data lives on a tmpfs mounted for the run (root needed; FERRY_BENCH_DIR=<dir> to use a
# disk directory instead), so the numbers measure the transfer, not the file system.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
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
"$JAVA_HOME/bin/java" -Xmx1g --enable-native-access=ALL-UNNAMED \
  -cp "transfer/target/test-classes:transfer/target/classes:proto/target/classes:process/target/classes:$(cat "$cp_file")" \
  dev.ferry.transfer.bench.TransferBenchmark "$work" "${1:-1024}" "${2:-20000}"
