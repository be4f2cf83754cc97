#!/usr/bin/env bash
# README's demo command: prepares this host, builds Ferry, and runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup-host.sh
. /etc/ferry/java.env
export JAVA_HOME
./mvnw -B -q -ntp package -DskipTests
exec "$JAVA_HOME/bin/java" -cp "e2e-tests/target/classes:e2e-tests/target/lib/*" dev.ferry.e2e.demo.Demo "$@"
