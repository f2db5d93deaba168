#!/usr/bin/env bash
# Every measurement of BENCHMARKS.md, for one JVM. From the repository root:
#   bash ect-benchmarks/run-all.sh                                          # default java
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bash ect-benchmarks/run-all.sh
# Results go to ect-benchmarks/results/<java version>/ (markdown tables and JMH json). ~10 min.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA:-java}"
JAR="${JAR:-ect-benchmarks/target/benchmarks.jar}"
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -q -pl ect-benchmarks -am package -DskipTests -Djacoco.skip=true
fi
ver=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.version =/{print $2}')
OUT=ect-benchmarks/results/jdk-$ver
mkdir -p "$OUT"
{ echo "date: $(date -u +%FT%TZ)"; echo "nproc: $(nproc)"; grep -m1 'model name' /proc/cpuinfo; echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"; } > "$OUT/machine.txt"
echo "== paired ratios"; "$JAVA" -cp "$JAR" dev.ect.benchmarks.Ratios ${RATIOS_ARGS:---pairs 12} 2>/dev/null | tee "$OUT/ratios.md"
echo "== verify and mint stage breakdown"
for p in jdk accp; do "$JAVA" -cp "$JAR" dev.ect.benchmarks.Breakdown "$p" 12 2>/dev/null | tee "$OUT/breakdown-$p.txt"; done
echo "== crypto (absolute, with allocation)"
"$JAVA" -jar "$JAR" 'CryptoBenchmark' -wi 2 -i 3 -prof gc -prof dev.ect.benchmarks.CpuTimeProfiler -rf json -rff "$OUT/crypto.json" 2>/dev/null | grep -E '^(Benchmark|CryptoBenchmark)' | grep -v 'gc\.\(count\|time\|alloc.rate \)' | tee "$OUT/crypto.txt"
echo "== DAG, replay store, durable appends"
"$JAVA" -jar "$JAR" 'DagBenchmark|ReplayBenchmark|DurableAppendBenchmark' -prof dev.ect.benchmarks.CpuTimeProfiler -rf json -rff "$OUT/dag-replay-append.json" 2>/dev/null | grep -E '^(Benchmark|DagBenchmark|ReplayBenchmark|DurableAppend)' | tee "$OUT/dag-replay-append.txt"
echo "== replay store memory"; "$JAVA" -Xmx2g -cp "$JAR" dev.ect.benchmarks.ReplayMemory 1000000 2>/dev/null | tee "$OUT/replay-memory.txt"
echo "== load test"; "$JAVA" -cp "$JAR" dev.ect.benchmarks.LoadTest 2>/dev/null | tee "$OUT/loadtest.md"
if command -v taskset >/dev/null && [[ $(nproc) -ge 2 ]]; then
  echo "== load test, server and driver on separate CPUs"
  "$JAVA" -cp "$JAR" dev.ect.benchmarks.SplitLoadTest --seconds 10 2>/dev/null | tee "$OUT/loadtest-split.md"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
echo "results in $OUT"
