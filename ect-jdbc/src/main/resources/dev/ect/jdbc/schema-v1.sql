-- ECT audit ledger on PostgreSQL, schema version 1 (profile section 8).
-- JdbcLedger runs this once per ledger, inside one transaction, after replacing
--   ${schema}  the schema (default "public"), created first when missing
--   ${prefix}  the table name prefix (default "ect_")
-- Both are validated as plain lowercase SQL identifiers before substitution.
-- Statements are separated by lines holding only ";;" (function bodies contain ';').

-- L-02: one row per entry; seq from 1 without gaps; the hash chain links row n to row n-1.
CREATE TABLE ${schema}.${prefix}ledger (
    seq          bigint      PRIMARY KEY CHECK (seq >= 1),
    jti          text        NOT NULL,
    wid          text        NOT NULL,          -- '' when the ECT has no wid (C-06 wids are UUIDs, never '')
    iss          text        NOT NULL,
    exec_act     text        NOT NULL,
    pred         text[]      NOT NULL,
    recorded_at  timestamptz NOT NULL,
    compact      text        NOT NULL,
    prev_hash    char(64)    NOT NULL,
    hash         char(64)    NOT NULL UNIQUE,
    CONSTRAINT ${prefix}ledger_wid_jti UNIQUE (wid, jti)   -- L-06 / G-01: a jti once per workflow
)
;;
CREATE INDEX ${prefix}ledger_jti ON ${schema}.${prefix}ledger (jti)
;;
-- L-01: append-only, enforced by the database for every client, not only this library.
-- (DROP TABLE / DROP SCHEMA remain possible for the owner: retention is an operator's decision.)
CREATE FUNCTION ${schema}.${prefix}ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ECT audit ledger %.% is append-only (L-01): % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$
;;
CREATE TRIGGER ${prefix}ledger_no_update_delete BEFORE UPDATE OR DELETE ON ${schema}.${prefix}ledger
    FOR EACH ROW EXECUTE FUNCTION ${schema}.${prefix}ledger_refuse_change()
;;
CREATE TRIGGER ${prefix}ledger_no_truncate BEFORE TRUNCATE ON ${schema}.${prefix}ledger
    FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.${prefix}ledger_refuse_change()
;;
-- L-02: a new row must continue the chain: seq = previous seq + 1 and prev_hash = previous hash.
-- JdbcLedger serializes appends (advisory lock) so this never fires for it; it stops any other
-- writer from forking or skipping the chain.
CREATE FUNCTION ${schema}.${prefix}ledger_check_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    previous char(64);
BEGIN
    IF NEW.seq = 1 THEN
        IF NEW.prev_hash <> repeat('0', 64) THEN
            RAISE EXCEPTION 'ledger entry 1 must have the genesis prev_hash' USING ERRCODE = 'check_violation';
        END IF;
    ELSE
        SELECT hash INTO previous FROM ${schema}.${prefix}ledger WHERE seq = NEW.seq - 1;
        IF previous IS NULL OR previous <> NEW.prev_hash THEN
            RAISE EXCEPTION 'ledger entry % does not continue the chain', NEW.seq USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$
;;
CREATE TRIGGER ${prefix}ledger_link BEFORE INSERT ON ${schema}.${prefix}ledger
    FOR EACH ROW EXECUTE FUNCTION ${schema}.${prefix}ledger_check_link()
