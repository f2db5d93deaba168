-- ECT audit ledger on PostgreSQL, schema version 4 (applied after version 3; same substitutions).
--
-- A lean row. Version 3 made the database compute G-05 bounds per row (a trigger with two
-- lookups) and index every pred id (GIN): together ~100-110 µs of PostgreSQL CPU per row in
-- pgbench (store-floor.sh), paid inside the chain-head lock, so one chain topped out near 4,000
-- appends/s. Since version 4 the DAG check is answered from JdbcLedger's DAG cache (ids and the
-- ancestor walk in memory, kept exact by one catch-up query per check) and, where the cache cannot
-- answer, by the exact recursive walk (one statement), so neither is needed any more.
--
-- jti_shared: when the row was appended, another row with the same lower(jti) (any issuer, any
--   workflow) was already in the ledger or earlier in the same batch. The DAG cache uses it to
--   know that the rows of a jti it saw appended are all of them (false), or that older ones exist
--   that it must read (true); NULL (rows before version 4) counts as true. Computed by the
--   appender under the chain-head lock, where it sees every committed row; not part of the hash
--   chain (L-02 covers the token, which is what the ledger proves).
ALTER TABLE ${schema}.${prefix}ledger ADD COLUMN jti_shared boolean
;;
DROP TRIGGER ${prefix}ledger_link_dag ON ${schema}.${prefix}ledger
;;
DROP FUNCTION ${schema}.${prefix}ledger_dag_bounds()
;;
DROP INDEX ${schema}.${prefix}ledger_pred
;;
DROP INDEX ${schema}.${prefix}ledger_late
;;
DROP FUNCTION ${schema}.${prefix}ledger_lower_ids(text[])
;;
-- The unique index on hash (since version 1) is never read: no statement looks an entry up by its
-- hash, and the chain makes hashes unique anyway (each covers its seq and the previous hash, and
-- the link trigger checks every row's prev_hash against the row before it). Inserting a random
-- 64-character key into a B-tree is one of the row's dearest index updates.
ALTER TABLE ${schema}.${prefix}ledger DROP CONSTRAINT ${prefix}ledger_hash_key

;;
-- One index fewer per row: the unique key (L-06, P-01) with lower(jti) first also serves every
-- lookup by lower(jti) (its leading column), so the separate lower(jti) index goes. The same
-- uniqueness as version 2's (iss, lower(wid), lower(jti)): only the column order differs.
CREATE UNIQUE INDEX ${prefix}ledger_jti_wid_iss ON ${schema}.${prefix}ledger (lower(jti), lower(wid), iss)
;;
DROP INDEX ${schema}.${prefix}ledger_iss_wid_jti
;;
DROP INDEX ${schema}.${prefix}ledger_jti
