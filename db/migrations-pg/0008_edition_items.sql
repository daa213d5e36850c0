ALTER TABLE "catalog_items" ADD COLUMN "parameters" text;--> statement-breakpoint
ALTER TABLE "catalog_items" ADD COLUMN "succeeds" text;--> statement-breakpoint
ALTER TABLE "catalog_items" ADD COLUMN "added_by" text;