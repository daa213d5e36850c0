CREATE TABLE `stocktakes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agency_id` integer NOT NULL,
	`title` text NOT NULL,
	`status` text NOT NULL,
	`counter` text,
	`supervisor` text,
	`responsible` text,
	`started_by` text NOT NULL,
	`started_at` text NOT NULL,
	`closed_by` text,
	`closed_at` text,
	`proposed_by` text,
	`proposed_at` text,
	`decided_by` text,
	`decided_at` text,
	`note` text,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `stocktakes_agency` ON `stocktakes` (`agency_id`,`status`);--> statement-breakpoint
CREATE TABLE `stocktake_expected` (
	`stocktake_id` integer NOT NULL,
	`asset_id` integer NOT NULL,
	`asset_tag` text NOT NULL,
	`item_code` text NOT NULL,
	`agency_id` integer NOT NULL,
	`custodian` text,
	`location` text,
	`status` text NOT NULL,
	PRIMARY KEY(`stocktake_id`, `asset_id`),
	FOREIGN KEY (`stocktake_id`) REFERENCES `stocktakes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `stocktake_expected_tag` ON `stocktake_expected` (`stocktake_id`,`asset_tag`);--> statement-breakpoint
CREATE TABLE `stocktake_scans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`stocktake_id` integer NOT NULL,
	`code` text NOT NULL,
	`asset_id` integer,
	`agency_id` integer NOT NULL,
	`custodian` text,
	`outcome` text NOT NULL,
	`source` text NOT NULL,
	`client_id` text,
	`scanned_by` text NOT NULL,
	`scanned_at` text NOT NULL,
	FOREIGN KEY (`stocktake_id`) REFERENCES `stocktakes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `stocktake_scans_code` ON `stocktake_scans` (`stocktake_id`,`code`);--> statement-breakpoint
CREATE UNIQUE INDEX `stocktake_scans_client` ON `stocktake_scans` (`stocktake_id`,`client_id`);--> statement-breakpoint
CREATE TABLE `stocktake_differences` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`stocktake_id` integer NOT NULL,
	`kind` text NOT NULL,
	`code` text NOT NULL,
	`asset_id` integer,
	`expected_agency_id` integer,
	`found_agency_id` integer,
	`found_custodian` text,
	`reason` text,
	`proposal` text,
	`settlement` text,
	`registration` text,
	`settled_asset_id` integer,
	FOREIGN KEY (`stocktake_id`) REFERENCES `stocktakes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`expected_agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`found_agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`settled_asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `stocktake_differences_stocktake` ON `stocktake_differences` (`stocktake_id`);--> statement-breakpoint
CREATE TABLE `blank_labels` (
	`code` text PRIMARY KEY NOT NULL,
	`agency_id` integer NOT NULL,
	`printed_by` text NOT NULL,
	`printed_at` text NOT NULL,
	`asset_id` integer,
	`linked_by` text,
	`linked_at` text,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blank_labels_asset` ON `blank_labels` (`asset_id`);--> statement-breakpoint
CREATE INDEX `blank_labels_agency` ON `blank_labels` (`agency_id`);