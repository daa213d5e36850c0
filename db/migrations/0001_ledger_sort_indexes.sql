CREATE INDEX `assets_status` ON `assets` (`status`);--> statement-breakpoint
CREATE INDEX `assets_purchase_date` ON `assets` (`purchase_date`);--> statement-breakpoint
CREATE INDEX `assets_calibration` ON `assets` (`calibration_valid_until`);--> statement-breakpoint
CREATE INDEX `assets_odometer` ON `assets` (`odometer_km`);--> statement-breakpoint
CREATE INDEX `assets_custodian` ON `assets` (`custodian`);