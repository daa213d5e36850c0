ALTER TABLE `catalog_items` ADD `parameters` text;--> statement-breakpoint
ALTER TABLE `catalog_items` ADD `succeeds` text;--> statement-breakpoint
ALTER TABLE `catalog_items` ADD `added_by` text;