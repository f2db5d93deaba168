#!/usr/bin/env bash
# The least CPU PostgreSQL and Redis spend per accepted request on this machine, measured with their
# own load tools (pgbench, redis-benchmark), not with this library: the floor under any shared-store
# design (issue 15). Each line: what the server processes spent (user + system, from /proc) divided
# by the work done. Needs PostgreSQL on 127.0.0.1:5432 (db test, user postgres, trust) and Redis on
# 127.0.0.1:6379. Uses and drops the schema ect_floor and the Redis keys ect:floor:*.
#
#   bash ect-benchmarks/scripts/store-floor.sh [SECONDS]     (default 10 per line)
set -euo pipefail
SECS=${1:-10}
PSQL=(psql -X -q -h 127.0.0.1 -U postgres -d test -v ON_ERROR_STOP=1)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; "${PSQL[@]}" -c "DROP SCHEMA IF EXISTS ect_floor CASCADE" >/dev/null 2>&1 || true; redis-cli -h 127.0.0.1 --scan --pattern "ect:floor:*" | xargs -r -n 500 redis-cli -h 127.0.0.1 del >/dev/null 2>&1 || true' EXIT
HZ=$(getconf CLK_TCK)

# CPU ticks of every process named $1 (user + system), plus the reaped children's (cutime + cstime):
# a pgbench connection's backend exits before the end of the line, and its CPU then shows in the
# postmaster's children times
ticks() { local t=0 p f; for p in $(pgrep -x "$1"); do f=$(cat /proc/$p/stat 2>/dev/null) || continue; f=${f##*) }; read -ra a <<<"$f"; t=$((t + a[11] + a[12] + a[13] + a[14])); done; echo $t; }
pg_ticks() { ticks postgres; }
rd_ticks() { ticks redis-server; }

"${PSQL[@]}" <<'SQL'
DROP SCHEMA IF EXISTS ect_floor CASCADE;
CREATE SCHEMA ect_floor;
-- the least a shared ledger row needs: its sequence number, the unique key of L-06 (also serving
-- lookups by jti, its first column), the token, the chain hashes; no trigger, no other index
CREATE TABLE ect_floor.ledger (seq bigint PRIMARY KEY, jti text NOT NULL, wid text NOT NULL, iss text NOT NULL,
  exec_act text NOT NULL, pred text[] NOT NULL, recorded_at timestamptz NOT NULL, compact text NOT NULL,
  prev_hash char(64) NOT NULL, hash char(64) NOT NULL);
CREATE UNIQUE INDEX ON ect_floor.ledger (lower(jti), lower(wid), iss);
CREATE SEQUENCE ect_floor.seq;
SQL

# one transaction = one batch of 32 rows of the harness's size (a 3-predecessor ES256 token is ~900 bytes)
cat > "$TMP/append.sql" <<'SQL'
INSERT INTO ect_floor.ledger SELECT nextval('ect_floor.seq'), 'task-' || md5(random()::text), 'wid-1', 'https://agent.example',
  'review', ARRAY['task-a','task-b','task-c'], now(), repeat('x', 900), repeat('0', 64), md5(random()::text) || md5(random()::text)
  FROM generate_series(1, 32);
SQL
# the DAG check's lookup of three predecessors, one statement per request
cat > "$TMP/lookup.sql" <<'SQL'
SELECT seq, jti, compact FROM ect_floor.ledger WHERE lower(jti) = ANY (ARRAY['task-a','task-b','task-c']);
SQL

line() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
echo "Store floor on $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), ${SECS} s per line"
echo
line "work" "done" "server CPU s" "server CPU µs per unit"
line "---" "---:" "---:" "---:"

run_pg() { # name, script, units per transaction, clients
  local t0 t1 out tx
  t0=$(pg_ticks)
  out=$(pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$4" -j 1 -T "$SECS" -f "$2" test 2>&1)
  t1=$(pg_ticks)
  tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
  local units=$((tx * $3))
  awk -v n="$1" -v u="$units" -v t=$((t1 - t0)) -v hz="$HZ" \
    'BEGIN { printf "| %s | %d | %.2f | %.1f |\n", n, u, t / hz, (t / hz) * 1e6 / (u > 0 ? u : 1) }'
}
"${PSQL[@]}" -c "INSERT INTO ect_floor.ledger VALUES (0,'task-a','wid-1','i','a','{}',now(),'x','0','a'),(-1,'task-b','wid-1','i','a','{}',now(),'x','0','b'),(-2,'task-c','wid-1','i','a','{}',now(),'x','0','c')"
run_pg "PostgreSQL: durable append, 32 rows per commit, 2 clients (per row)" "$TMP/append.sql" 32 2
run_pg "PostgreSQL: 3-key lookup by jti, one statement per request, 8 clients (per statement)" "$TMP/lookup.sql" 1 8

run_redis() { # name, pipeline depth
  local t0 t1
  t0=$(rd_ticks)
  redis-benchmark -h 127.0.0.1 -q -c 16 -P "$2" -n 400000 -r 100000000 SET "ect:floor:__rand_int__" 1 NX PX 60000 >/dev/null 2>&1
  t1=$(rd_ticks)
  awk -v n="$1" -v u=400000 -v t=$((t1 - t0)) -v hz="$HZ" \
    'BEGIN { printf "| %s | %d | %.2f | %.1f |\n", n, u, t / hz, (t / hz) * 1e6 / u }'
}
run_redis "Redis: SET NX PX, one command per round trip, 16 clients (per command)" 1
run_redis "Redis: SET NX PX, pipelined 32 deep, 16 clients (per command)" 32

# The ledger's own schema (ect-jdbc's schema-v1..v3.sql, as JdbcLedger creates it), the same pgbench
# method: one 32-row INSERT per commit under the advisory lock, rows chained as the triggers demand;
# then without the G-05 bounds trigger, then also without the pred GIN index: what each part costs.
SQLDIR=$(cd "$(dirname "$0")/../../ect-jdbc/src/main/resources/dev/ect/jdbc" && pwd)
"${PSQL[@]}" -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS ect_floor CASCADE" -c "CREATE SCHEMA ect_floor" >/dev/null
for v in 1 2 3; do
  sed -e 's/\${schema}/ect_floor/g' -e 's/\${prefix}//g' -e 's/^;;[[:space:]]*$/;/' "$SQLDIR/schema-v$v.sql" | "${PSQL[@]}" >/dev/null
done
"${PSQL[@]}" -c "INSERT INTO ect_floor.ledger (seq, jti, wid, iss, exec_act, pred, recorded_at, compact, prev_hash, hash) VALUES
  (1, 'task-a', 'wid-1', 'i', 'a', '{}', now(), 'x', repeat('0', 64), md5('1') || md5('1')),
  (2, 'task-b', 'wid-1', 'i', 'a', '{}', now(), 'x', md5('1') || md5('1'), md5('2') || md5('2')),
  (3, 'task-c', 'wid-1', 'i', 'a', '{}', now(), 'x', md5('2') || md5('2'), md5('3') || md5('3'))" >/dev/null
cat > "$TMP/ledger.sql" <<'SQL'
BEGIN;
SELECT pg_advisory_xact_lock(1);
INSERT INTO ect_floor.ledger (seq, jti, wid, iss, exec_act, pred, recorded_at, compact, prev_hash, hash, append_id)
  SELECT h.seq + g, 'task-' || md5(random()::text), 'wid-1', 'https://agent.example', 'review', ARRAY['task-a','task-b','task-c'],
         now(), repeat('x', 900), CASE WHEN g = 1 THEN h.hash ELSE md5((h.seq + g - 1)::text) || md5((h.seq + g - 1)::text) END,
         md5((h.seq + g)::text) || md5((h.seq + g)::text), gen_random_uuid()
    FROM (SELECT seq, hash FROM ect_floor.ledger ORDER BY seq DESC LIMIT 1) h, generate_series(1, 32) g ORDER BY g;
COMMIT;
SQL
export PGOPTIONS="-c enable_seqscan=off -c plan_cache_mode=force_generic_plan" # as JdbcLedger's sessions
run_pg "PostgreSQL: ledger schema v3 as JdbcLedger creates it, 32 rows per commit, 2 clients (per row)" "$TMP/ledger.sql" 32 2
"${PSQL[@]}" -c "DROP TRIGGER ledger_link_dag ON ect_floor.ledger" >/dev/null
run_pg "PostgreSQL: the same without the G-05 bounds trigger (per row)" "$TMP/ledger.sql" 32 2
"${PSQL[@]}" -c "DROP INDEX ect_floor.ledger_pred" >/dev/null
run_pg "PostgreSQL: the same without the pred GIN index as well (per row)" "$TMP/ledger.sql" 32 2
