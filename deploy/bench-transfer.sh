#!/usr/bin/env bash
# Ferry's transfer vs tar|zstd|tar and tar|tar on the same data, over loopback.
# Usage: deploy/bench-transfer.sh [work dir] [image MiB] [rootfs files]
# Prints MB/s, the ratio to the best baseline, wire bytes, CPU seconds and peak heap.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cp_file="$PWD/transfer/target/bench.classpath"
./mvnw -B -q -pl transfer -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
exec "$JAVA_HOME/bin/java" -Xmx1g --enable-native-access=ALL-UNNAMED \
  -cp "transfer/target/test-classes:transfer/target/classes:proto/target/classes:process/target/classes:$(cat "$cp_file")" \
  dev.ferry.transfer.bench.TransferBenchmark "${1:-/var/tmp/ferry-bench}" "${2:-1024}" "${3:-20000}"
