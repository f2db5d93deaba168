#!/usr/bin/env bash
# Smoke pass for CI: builds the benchmarks jar and runs every benchmark and harness once, very
# briefly (numbers meaningless), failing on any error, so the benchmarks cannot rot.
# Usage (from the repository root): bash ect-benchmarks/smoke.sh     [JAVA=/path/to/java]
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA:-java}"
JAR="${JAR:-ect-benchmarks/target/benchmarks.jar}"
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -q -pl ect-benchmarks -am package -DskipTests -Djacoco.skip=true
fi
start=$(date +%s)
echo "== JMH: every benchmark, in-process (-f 0), 1 iteration of 100 ms"
"$JAVA" -Dect.bench.pool=512 -jar "$JAR" -f 0 -wi 0 -i 1 -r 100ms -foe true -v SILENT -rf csv -rff /tmp/ect-bench-smoke.csv
ran=$(($(wc -l < /tmp/ect-bench-smoke.csv) - 1))
echo "   ran $ran benchmark/param combinations"
[[ $ran -ge 20 ]] || { echo "expected at least 20 benchmark results, got $ran"; exit 1; }
echo "== Ratios (paired runner), quick"
"$JAVA" -cp "$JAR" dev.ect.benchmarks.Ratios --quick --providers jdk,accp --only verifyVsRawVerify
echo "== ReplayMemory, 20,000 entries"
"$JAVA" -Xmx512m -cp "$JAR" dev.ect.benchmarks.ReplayMemory 20000
echo "== LedgerMemory (FileLedger open: time and heap), 2,000 entries"
"$JAVA" -Xmx512m -cp "$JAR" dev.ect.benchmarks.LedgerMemory 2000
if "$JAVA" -cp "$JAR" dev.ect.benchmarks.LoadTest --help >/dev/null 2>&1; then
  echo "== LoadTest, quick"
  "$JAVA" -cp "$JAR" dev.ect.benchmarks.LoadTest --quick
fi
# The split-cores load test needs taskset and two CPUs; on a machine without them it would fail by
# design, so the smoke pass only runs it where it can (~10 s).
if command -v taskset >/dev/null && [[ $(nproc) -ge 2 ]]; then
  echo "== SplitLoadTest (server and driver on separate CPUs), quick"
  "$JAVA" -cp "$JAR" dev.ect.benchmarks.SplitLoadTest --quick
else
  echo "== SplitLoadTest skipped: needs taskset and 2 CPUs"
fi
# The multi-instance test needs the machine's Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432,
# db test, user postgres); without them it is skipped, with them any error fails the pass (~20 s:
# N = 1 and 2, SunEC, local and shared stores, fresh schema and key prefix, dropped afterwards).
if (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  echo "== MultiInstanceLoadTest (N = 1, 2 child-JVM instances, shared Redis + PostgreSQL vs local stores), quick"
  "$JAVA" -cp "$JAR" dev.ect.benchmarks.MultiInstanceLoadTest --quick
else
  echo "== MultiInstanceLoadTest skipped: needs Redis on 127.0.0.1:6379 and PostgreSQL on 127.0.0.1:5432"
fi
echo "benchmarks smoke passed in $(( $(date +%s) - start )) s"
