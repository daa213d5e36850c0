-- The ledger's sorted pages put blanks first going up and last going down, on both engines, with the id as
-- tie-breaker (db/queries/assets.ts orderedIds). PostgreSQL's indexes hold blanks last by default, so a page
-- sorted by one of these columns scanned and sorted a province's assets. Held blanks first with the id, each
-- index serves the sort both ways (read backwards going down). The names stay those of the schema's indexes.
DROP INDEX IF EXISTS "assets_plate";--> statement-breakpoint
CREATE INDEX "assets_plate" ON "assets" USING btree ("plate_number" NULLS FIRST, "id");--> statement-breakpoint
DROP INDEX IF EXISTS "assets_purchase_date";--> statement-breakpoint
CREATE INDEX "assets_purchase_date" ON "assets" USING btree ("purchase_date" NULLS FIRST, "id");--> statement-breakpoint
DROP INDEX IF EXISTS "assets_calibration";--> statement-breakpoint
CREATE INDEX "assets_calibration" ON "assets" USING btree ("calibration_valid_until" NULLS FIRST, "id");--> statement-breakpoint
DROP INDEX IF EXISTS "assets_odometer";--> statement-breakpoint
CREATE INDEX "assets_odometer" ON "assets" USING btree ("odometer_km" NULLS FIRST, "id");--> statement-breakpoint
DROP INDEX IF EXISTS "assets_custodian";--> statement-breakpoint
CREATE INDEX "assets_custodian" ON "assets" USING btree ("custodian" NULLS FIRST, "id");
