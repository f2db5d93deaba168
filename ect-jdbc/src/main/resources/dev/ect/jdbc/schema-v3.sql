-- ECT audit ledger on PostgreSQL, schema version 3 (applied after version 2; same substitutions).
--
-- G-05 without a walk in the common case. A fresh child with jti J can only close a cycle if an
-- ECT of its workflow already names J in pred, and the dag_too_deep bound can be answered from
-- bounds stored with each entry; JdbcLedger.walkAncestors runs the exact recursive walk only when
-- the probe hits or the bounds do not decide. Nothing here is part of the hash chain; the columns
-- are computed by the database (a trigger), so no writer can set them, and rows written before
-- this version keep NULL there ("unknown": walks through them take the exact path).

-- The pred ids in lower case (P-01), as the walk compares them. IMMUTABLE is true of it (lower()
-- of each element) and lets it index pred; the cast lower(pred::text)::text[] the walk uses is
-- only STABLE, so it cannot.
CREATE FUNCTION ${schema}.${prefix}ledger_lower_ids(ids text[]) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT ARRAY(SELECT lower(x) FROM unnest(ids) AS u(x)) $$
;;
-- "Does any entry name J in pred?": one GIN probe (without the pending list, so a probe never
-- scans unmerged inserts).
CREATE INDEX ${prefix}ledger_pred ON ${schema}.${prefix}ledger USING gin (${schema}.${prefix}ledger_lower_ids(pred))
    WITH (fastupdate = off)
;;
-- anc_upper: at most this many entries are reachable from the entry through pred within its
--   workflow, itself included, as the ledger stood when it was appended: 1 + the sum over the
--   entries its pred ids resolved to (an over-count on diamonds), capped at 2^31 (more than any
--   maxAncestors); NULL when one of them has no bound (a row older than version 3).
-- anc_lower: at least this many are reachable (the longest pred path, itself included); an
--   ancestry only grows, so it stays a lower bound for ever.
-- late: when it was appended, an entry of its workflow already named its jti in pred (a
--   predecessor recorded after its child, G-02 ALLOW, or a second issuer's entry for an id
--   already used): that entry's anc_upper, and its descendants', now understate their ancestry,
--   so the upper bounds of this workflow are not used.
ALTER TABLE ${schema}.${prefix}ledger ADD COLUMN anc_upper bigint, ADD COLUMN anc_lower bigint, ADD COLUMN late boolean
;;
CREATE INDEX ${prefix}ledger_late ON ${schema}.${prefix}ledger (lower(wid)) WHERE late
;;
CREATE FUNCTION ${schema}.${prefix}ledger_dag_bounds() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    found_n bigint;
    known_n bigint;
    upper_sum numeric;
    lower_max bigint;
BEGIN
    SELECT count(*), count(t.anc_upper), sum(t.anc_upper), max(coalesce(t.anc_lower, 1))
      INTO found_n, known_n, upper_sum, lower_max
      FROM (SELECT wid, anc_upper, anc_lower FROM ${schema}.${prefix}ledger
             WHERE lower(jti) = ANY(${schema}.${prefix}ledger_lower_ids(NEW.pred)) OFFSET 0) t
     WHERE lower(t.wid) = lower(NEW.wid);
    NEW.anc_upper := CASE WHEN known_n < found_n THEN NULL ELSE least(2147483648, 1 + coalesce(upper_sum, 0)) END;
    NEW.anc_lower := least(2147483648, 1 + coalesce(lower_max, 0));
    NEW.late := EXISTS (SELECT 1 FROM (SELECT wid FROM ${schema}.${prefix}ledger
             WHERE ${schema}.${prefix}ledger_lower_ids(pred) @> ARRAY[lower(NEW.jti)] OFFSET 0) t
         WHERE lower(t.wid) = lower(NEW.wid));
    RETURN NEW;
END
$$
;;
-- Fires after <prefix>ledger_link (BEFORE triggers run in name order), so every earlier entry of
-- the chain is visible to it, whoever writes.
CREATE TRIGGER ${prefix}ledger_link_dag BEFORE INSERT ON ${schema}.${prefix}ledger
    FOR EACH ROW EXECUTE FUNCTION ${schema}.${prefix}ledger_dag_bounds()
