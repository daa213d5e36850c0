CREATE TABLE `import_files` (
	`token` text PRIMARY KEY NOT NULL,
	`owner_id` integer,
	`file_name` text NOT NULL,
	`encoding` text,
	`delimiter` text,
	`bytes` blob NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `import_files_owner` ON `import_files` (`owner_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `import_files_created` ON `import_files` (`created_at`);