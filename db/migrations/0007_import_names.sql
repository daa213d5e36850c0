CREATE TABLE `import_names` (
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`code` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`kind`, `name`)
);
