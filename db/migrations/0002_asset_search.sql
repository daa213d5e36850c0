-- Substring search of the ledger (tag, plate, model, custodian) through an FTS5 trigram index kept in step by triggers.
CREATE VIRTUAL TABLE `assets_search` USING fts5(asset_tag, plate_number, model, custodian, content='assets', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
INSERT INTO `assets_search`(`assets_search`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `assets_search_insert` AFTER INSERT ON `assets` BEGIN
  INSERT INTO `assets_search`(rowid, asset_tag, plate_number, model, custodian) VALUES (new.id, new.asset_tag, new.plate_number, new.model, new.custodian);
END;
--> statement-breakpoint
CREATE TRIGGER `assets_search_delete` AFTER DELETE ON `assets` BEGIN
  INSERT INTO `assets_search`(`assets_search`, rowid, asset_tag, plate_number, model, custodian) VALUES ('delete', old.id, old.asset_tag, old.plate_number, old.model, old.custodian);
END;
--> statement-breakpoint
CREATE TRIGGER `assets_search_update` AFTER UPDATE OF asset_tag, plate_number, model, custodian ON `assets` BEGIN
  INSERT INTO `assets_search`(`assets_search`, rowid, asset_tag, plate_number, model, custodian) VALUES ('delete', old.id, old.asset_tag, old.plate_number, old.model, old.custodian);
  INSERT INTO `assets_search`(rowid, asset_tag, plate_number, model, custodian) VALUES (new.id, new.asset_tag, new.plate_number, new.model, new.custodian);
END;
