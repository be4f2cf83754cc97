#!/usr/bin/env bash
# README's test command: prepares this host (deploy/setup-host.sh), then builds Ferry and runs
# every test: unit tests, integration tests and end-to-end tests against real crun, CRIU and etcd.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup-host.sh
. /etc/ferry/java.env
export JAVA_HOME
exec ./mvnw -B -ntp verify "$@"
