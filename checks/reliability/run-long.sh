#!/usr/bin/env bash
# The reliability campaign's long form, on demand: every scenario at its long scale (README.md).
# Builds what it needs, starts PostgreSQL like .ci/run, then runs only this module's scenarios.
# Optional arguments are passed to Maven, e.g. -Dit.test=CrashLoopIT for one scenario.
set -euo pipefail
cd "$(dirname "$0")/../.."
EDEN_TEST_POSTGRES_URL="${EDEN_TEST_POSTGRES_URL:-$(bash .ci/start-postgres)}"
export EDEN_TEST_POSTGRES_URL
mvn -B -q -DskipTests install -pl checks/reliability -am
mvn -B verify -pl checks/reliability -Deden.campaign=long "$@"
