-- ECT audit ledger on PostgreSQL, schema version 2 (applied after version 1; same substitutions).
--
-- G-01 / L-06 / P-01 [changed]: an ECT is unique per (iss, wid, jti), not per (wid, jti): with
-- (wid, jti) alone any trusted issuer that recorded an id first could take another agent's task id.
-- Ids are compared in their canonical lower-case form (a UUID differing only in letter case is the
-- same id); the columns keep the text the token was signed with, so the chain check still finds
-- them equal to the token's claims.
ALTER TABLE ${schema}.${prefix}ledger DROP CONSTRAINT ${prefix}ledger_wid_jti
;;
CREATE UNIQUE INDEX ${prefix}ledger_iss_wid_jti ON ${schema}.${prefix}ledger (iss, lower(wid), lower(jti))
;;
DROP INDEX ${schema}.${prefix}ledger_jti
;;
CREATE INDEX ${prefix}ledger_jti ON ${schema}.${prefix}ledger (lower(jti))
;;
CREATE INDEX ${prefix}ledger_wid ON ${schema}.${prefix}ledger (lower(wid))
;;
-- Which append() call wrote the row (random, not part of the hash chain): a retry after a broken
-- connection takes a row as its own first attempt only when it carries its own append_id, never
-- because another instance appended the same token (that is dag_duplicate_jti, L-06).
ALTER TABLE ${schema}.${prefix}ledger ADD COLUMN append_id uuid
