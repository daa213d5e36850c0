CREATE TABLE `service_contracts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agency_id` integer NOT NULL,
	`provider` text NOT NULL,
	`reference` text,
	`valid_from` text NOT NULL,
	`valid_to` text NOT NULL,
	`cost_per_year_fen` integer NOT NULL,
	`note` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "service_contracts_dates" CHECK("service_contracts"."valid_from" <= "service_contracts"."valid_to"),
	CONSTRAINT "service_contracts_cost" CHECK("service_contracts"."cost_per_year_fen" >= 0)
);
--> statement-breakpoint
CREATE INDEX `service_contracts_valid_to` ON `service_contracts` (`valid_to`);--> statement-breakpoint
CREATE TABLE `service_contract_items` (
	`contract_id` integer NOT NULL,
	`item_code` text NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`contract_id`, `item_code`),
	FOREIGN KEY (`contract_id`) REFERENCES `service_contracts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_code`) REFERENCES `catalog_items`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "service_contract_items_quantity" CHECK("service_contract_items"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE `service_contract_agencies` (
	`contract_id` integer NOT NULL,
	`agency_id` integer NOT NULL,
	PRIMARY KEY(`contract_id`, `agency_id`),
	FOREIGN KEY (`contract_id`) REFERENCES `service_contracts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `service_contract_agencies_agency` ON `service_contract_agencies` (`agency_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_quota_rules` (
	`rule_set_id` text NOT NULL,
	`item_code` text NOT NULL,
	`level` text NOT NULL,
	`basis` text NOT NULL,
	`quantity` integer NOT NULL,
	`per` integer DEFAULT 1 NOT NULL,
	`at_least` integer DEFAULT 0 NOT NULL,
	`optional` integer DEFAULT 0 NOT NULL,
	`service` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`rule_set_id`, `item_code`, `level`),
	FOREIGN KEY (`rule_set_id`) REFERENCES `rule_sets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_code`) REFERENCES `catalog_items`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "quota_rules_values" CHECK("__new_quota_rules"."quantity" >= 0 and "__new_quota_rules"."per" >= 1),
	CONSTRAINT "quota_rules_flags" CHECK("__new_quota_rules"."at_least" in (0, 1) and "__new_quota_rules"."optional" in (0, 1) and "__new_quota_rules"."service" in (0, 1) and ("__new_quota_rules"."optional" = 0 or "__new_quota_rules"."quantity" = 0))
);
--> statement-breakpoint
INSERT INTO `__new_quota_rules`("rule_set_id", "item_code", "level", "basis", "quantity", "per") SELECT "rule_set_id", "item_code", "level", "basis", "quantity", "per" FROM `quota_rules`;--> statement-breakpoint
DROP TABLE `quota_rules`;--> statement-breakpoint
ALTER TABLE `__new_quota_rules` RENAME TO `quota_rules`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
UPDATE quota_rules SET at_least = 1 WHERE rule_set_id IN ('national-2020', 'zhejiang-2022') AND item_code IN ('S09', 'S11', 'S13');
