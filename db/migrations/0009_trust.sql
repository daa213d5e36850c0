CREATE TABLE `audit_agencies` (
	`audit_id` integer NOT NULL,
	`agency_code` text NOT NULL,
	PRIMARY KEY(`agency_code`, `audit_id`),
	FOREIGN KEY (`audit_id`) REFERENCES `audit_log`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `audit_agencies_entry` ON `audit_agencies` (`audit_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_import_names` (
	`scope` text DEFAULT '' NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`code` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`scope`, `kind`, `name`)
);
--> statement-breakpoint
INSERT INTO `__new_import_names`("scope", "kind", "name", "code", "updated_by", "updated_at") SELECT '', "kind", "name", "code", "updated_by", "updated_at" FROM `import_names`;--> statement-breakpoint
DROP TABLE `import_names`;--> statement-breakpoint
ALTER TABLE `__new_import_names` RENAME TO `import_names`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
ALTER TABLE `maintenance_records` ADD `voided_at` text;--> statement-breakpoint
ALTER TABLE `maintenance_records` ADD `voided_by` text;--> statement-breakpoint
ALTER TABLE `maintenance_records` ADD `void_reason` text;--> statement-breakpoint
ALTER TABLE `calibrations` ADD `voided_at` text;--> statement-breakpoint
ALTER TABLE `calibrations` ADD `voided_by` text;--> statement-breakpoint
ALTER TABLE `calibrations` ADD `void_reason` text;--> statement-breakpoint
INSERT OR IGNORE INTO `audit_agencies` (`audit_id`, `agency_code`)
  SELECT `id`, json_extract(`after`, '$.agencyCode') FROM `audit_log`
  WHERE json_valid(`after`) AND json_type(`after`) = 'object' AND json_type(`after`, '$.agencyCode') = 'text';--> statement-breakpoint
INSERT OR IGNORE INTO `audit_agencies` (`audit_id`, `agency_code`)
  SELECT `id`, json_extract(`before`, '$.agencyCode') FROM `audit_log`
  WHERE json_valid(`before`) AND json_type(`before`) = 'object' AND json_type(`before`, '$.agencyCode') = 'text';--> statement-breakpoint
INSERT OR IGNORE INTO `audit_agencies` (`audit_id`, `agency_code`)
  SELECT l.`id`, a.`code` FROM `audit_log` l JOIN `agencies` a ON a.`code` = l.`entity_key` WHERE l.`entity` = 'agency';--> statement-breakpoint
INSERT OR IGNORE INTO `audit_agencies` (`audit_id`, `agency_code`)
  SELECT l.`id`, g.`code` FROM `audit_log` l
  JOIN `assets` s ON s.`asset_tag` = CASE WHEN instr(l.`entity_key`, '#') > 0 THEN substr(l.`entity_key`, 1, instr(l.`entity_key`, '#') - 1) ELSE l.`entity_key` END
  JOIN `agencies` g ON g.`id` = s.`agency_id`
  WHERE l.`entity` IN ('asset', 'maintenance', 'calibration', 'disposal', 'dispatch');--> statement-breakpoint
INSERT OR IGNORE INTO `audit_agencies` (`audit_id`, `agency_code`)
  SELECT l.`id`, substr(l.`entity_key`, 1, instr(l.`entity_key`, '/') - 1) FROM `audit_log` l
  WHERE l.`entity` = 'score_checklist' AND instr(l.`entity_key`, '/') > 1;