CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`lead_agency_id` integer NOT NULL,
	`location_agency_id` integer,
	`latitude` real,
	`longitude` real,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`priority` integer NOT NULL,
	`team_size` integer,
	`notes` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`lead_agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`location_agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "tasks_type" CHECK("tasks"."type" in ('special','cross','assist','emergency')),
	CONSTRAINT "tasks_priority" CHECK("tasks"."priority" between 1 and 5),
	CONSTRAINT "tasks_dates_order" CHECK("tasks"."start_date" <= "tasks"."end_date")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_code_unique` ON `tasks` (`code`);--> statement-breakpoint
CREATE INDEX `tasks_dates` ON `tasks` (`start_date`,`end_date`);--> statement-breakpoint
CREATE TABLE `task_demands` (
	`task_id` integer NOT NULL,
	`item_code` text NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`task_id`, `item_code`),
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`item_code`) REFERENCES `catalog_items`(`code`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "task_demands_quantity" CHECK("task_demands"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE `plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`status` text NOT NULL,
	`reserve_ratio` real NOT NULL,
	`solver_status` text NOT NULL,
	`objective` real NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`approval_ref` text,
	`approved_by` text,
	`approved_at` text,
	`dispatched_by` text,
	`dispatched_at` text,
	`closed_at` text,
	CONSTRAINT "plans_status" CHECK("plans"."status" in ('draft','approved','dispatched','returned','cancelled'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plans_code_unique` ON `plans` (`code`);--> statement-breakpoint
CREATE INDEX `plans_status` ON `plans` (`status`);--> statement-breakpoint
CREATE TABLE `plan_tasks` (
	`plan_id` integer NOT NULL,
	`task_id` integer NOT NULL,
	PRIMARY KEY(`plan_id`, `task_id`),
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE TABLE `plan_assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`task_id` integer NOT NULL,
	`asset_id` integer NOT NULL,
	`from_agency_id` integer NOT NULL,
	`item_code` text NOT NULL,
	`km` real NOT NULL,
	`custody_id` integer,
	`returned_at` text,
	`return_odometer_km` integer,
	`damage_note` text,
	`maintenance_id` integer,
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`asset_id`) REFERENCES `assets`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`from_agency_id`) REFERENCES `agencies`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`custody_id`) REFERENCES `custody_records`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`maintenance_id`) REFERENCES `maintenance_records`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `plan_assignments_plan` ON `plan_assignments` (`plan_id`);--> statement-breakpoint
CREATE INDEX `plan_assignments_asset` ON `plan_assignments` (`asset_id`);--> statement-breakpoint
CREATE TABLE `plan_unmet` (
	`plan_id` integer NOT NULL,
	`task_id` integer NOT NULL,
	`item_code` text NOT NULL,
	`quantity` integer NOT NULL,
	`reason` text NOT NULL,
	`detail` text NOT NULL,
	PRIMARY KEY(`plan_id`, `task_id`, `item_code`),
	FOREIGN KEY (`plan_id`) REFERENCES `plans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE restrict
);
