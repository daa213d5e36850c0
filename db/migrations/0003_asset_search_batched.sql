-- FTS5 flushes its buffer at every statement savepoint, which each trigger firing opens: indexing
-- new assets row by row from a trigger is ~20x slower than one INSERT ... SELECT per batch, which
-- the code that inserts assets now runs (db/queries/search.ts). Updates re-index only real changes.
DROP TRIGGER `assets_search_insert`;
--> statement-breakpoint
DROP TRIGGER `assets_search_update`;
--> statement-breakpoint
CREATE TRIGGER `assets_search_update` AFTER UPDATE OF asset_tag, plate_number, model, custodian ON `assets`
WHEN old.asset_tag IS NOT new.asset_tag OR old.plate_number IS NOT new.plate_number OR old.model IS NOT new.model OR old.custodian IS NOT new.custodian
BEGIN
  INSERT INTO `assets_search`(`assets_search`, rowid, asset_tag, plate_number, model, custodian) VALUES ('delete', old.id, old.asset_tag, old.plate_number, old.model, old.custodian);
  INSERT INTO `assets_search`(rowid, asset_tag, plate_number, model, custodian) VALUES (new.id, new.asset_tag, new.plate_number, new.model, new.custodian);
END;
