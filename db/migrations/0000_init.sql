CREATE TABLE `agencies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`parent_id` integer,
	`staff` integer DEFAULT 0 NOT NULL,
	`authorized_posts` integer,
	`offices` integer DEFAULT 1 NOT NULL,
	`latitude` real,
	`longitude` real,
	FOREIGN KEY (`parent_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "agencies_level" CHECK("agencies"."level" in ('province','city','county')),
	CONSTRAINT "agencies_counts" CHECK("agencies"."staff" >= 0 and "agencies"."offices" >= 0 and ("agencies"."authorized_posts" is null or "agencies"."authorized_posts" >= 0))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agencies_code_unique` ON `agencies` (`code`);--> statement-breakpoint
CREATE INDEX `agencies_parent` ON `agencies` (`parent_id`);--> statement-breakpoint
CREATE TABLE `catalog_items` (
	`code` text PRIMARY KEY NOT NULL,
	`category` text NOT NULL,
	`name` text NOT NULL,
	`unit` text NOT NULL,
	`kind` text NOT NULL,
	`needs_calibration` integer DEFAULT false NOT NULL,
	`aliases` text DEFAULT '[]' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rule_sets` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`source` text NOT NULL,
	`effective_date` text,
	`based_on` text
);
--> statement-breakpoint
CREATE TABLE `quota_rules` (
	`rule_set_id` text NOT NULL,
	`item_code` text NOT NULL,
	`level` text NOT NULL,
	`basis` text NOT NULL,
	`quantity` integer NOT NULL,
	`per` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`rule_set_id`, `item_code`, `level`),
	FOREIGN KEY (`rule_set_id`) REFERENCES `rule_sets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_code`) REFERENCES `catalog_items`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "quota_rules_values" CHECK("quota_rules"."quantity" >= 0 and "quota_rules"."per" >= 1)
);
--> statement-breakpoint
CREATE TABLE `assets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_tag` text NOT NULL,
	`item_code` text NOT NULL,
	`agency_id` integer NOT NULL,
	`model` text,
	`serial_number` text,
	`purchase_date` text,
	`price_fen` integer,
	`funding_source` text,
	`status` text DEFAULT 'in_service' NOT NULL,
	`custodian` text,
	`location` text,
	`plate_number` text,
	`odometer_km` integer,
	`calibration_valid_until` text,
	`notes` text,
	FOREIGN KEY (`item_code`) REFERENCES `catalog_items`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "assets_status" CHECK("assets"."status" in ('in_service','under_repair','idle','scrapped')),
	CONSTRAINT "assets_numbers" CHECK(("assets"."price_fen" is null or "assets"."price_fen" >= 0) and ("assets"."odometer_km" is null or "assets"."odometer_km" >= 0))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `assets_asset_tag_unique` ON `assets` (`asset_tag`);--> statement-breakpoint
CREATE INDEX `assets_holdings` ON `assets` (`agency_id`,`item_code`,`status`,`calibration_valid_until`);--> statement-breakpoint
CREATE INDEX `assets_item` ON `assets` (`item_code`);--> statement-breakpoint
CREATE INDEX `assets_plate` ON `assets` (`plate_number`);--> statement-breakpoint
CREATE TABLE `maintenance_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_id` integer NOT NULL,
	`date` text NOT NULL,
	`kind` text NOT NULL,
	`description` text NOT NULL,
	`cost_fen` integer,
	`vendor` text,
	`odometer_km` integer,
	`next_due_date` text,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `maintenance_asset` ON `maintenance_records` (`asset_id`,`date`);--> statement-breakpoint
CREATE INDEX `maintenance_due` ON `maintenance_records` (`next_due_date`);--> statement-breakpoint
CREATE TABLE `calibrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_id` integer NOT NULL,
	`date` text NOT NULL,
	`valid_until` text NOT NULL,
	`certificate_no` text,
	`institution` text,
	`result` text NOT NULL,
	`notes` text,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `calibrations_asset` ON `calibrations` (`asset_id`,`date`);--> statement-breakpoint
CREATE TABLE `disposals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_id` integer NOT NULL,
	`status` text NOT NULL,
	`reason` text NOT NULL,
	`requested_by` text NOT NULL,
	`requested_at` text NOT NULL,
	`approval_ref` text,
	`approved_by` text,
	`approved_at` text,
	`disposed_date` text,
	`residual_value_fen` integer,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `disposals_asset` ON `disposals` (`asset_id`);--> statement-breakpoint
CREATE INDEX `disposals_status` ON `disposals` (`status`);--> statement-breakpoint
CREATE TABLE `custody_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_id` integer NOT NULL,
	`agency_id` integer NOT NULL,
	`custodian` text NOT NULL,
	`from_date` text NOT NULL,
	`to_date` text,
	`purpose` text,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `custody_asset` ON `custody_records` (`asset_id`,`from_date`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_key` text NOT NULL,
	`before` text,
	`after` text,
	`batch` text
);
--> statement-breakpoint
CREATE INDEX `audit_entity` ON `audit_log` (`entity`,`entity_key`);--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_batch` ON `audit_log` (`batch`);