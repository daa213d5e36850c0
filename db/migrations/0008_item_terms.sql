CREATE TABLE `item_terms` (
	`item_code` text PRIMARY KEY NOT NULL,
	`unit_price_fen` integer NOT NULL,
	`price_note` text,
	`service_years` integer,
	`service_km` integer,
	`life_note` text,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`item_code`) REFERENCES `catalog_items`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "item_terms_values" CHECK("item_terms"."unit_price_fen" >= 0 and ("item_terms"."service_years" is null or "item_terms"."service_years" between 1 and 50) and ("item_terms"."service_km" is null or "item_terms"."service_km" >= 1000))
);
--> statement-breakpoint
CREATE TABLE `score_checklists` (
	`agency_id` integer NOT NULL,
	`year` integer NOT NULL,
	`answers` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`agency_id`, `year`),
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE cascade
);
