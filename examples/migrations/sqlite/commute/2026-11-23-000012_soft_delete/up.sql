-- Makes `routes`, `route_segments`, `schedules`, `notification_preferences` soft-deletable (soft_delete_core::migration::Plan).

CREATE TABLE IF NOT EXISTS `soft_delete_flag_stamps` (
    `table_name` VARCHAR(128) NOT NULL,
    `row_key` TEXT NOT NULL,
    `stamp` TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS `soft_delete_flag_stamps_by_key`
    ON `soft_delete_flag_stamps` (`row_key`, `table_name`, `stamp`);

ALTER TABLE `routes` ADD COLUMN `deleted_at` TIMESTAMP NULL;
CREATE INDEX `routes_deleted_at_idx` ON `routes` (`deleted_at`);

ALTER TABLE `route_segments` ADD COLUMN `deleted_at` TIMESTAMP NULL;
CREATE INDEX `route_segments_deleted_at_idx` ON `route_segments` (`deleted_at`);
DROP INDEX `route_segments_sequence`;
CREATE UNIQUE INDEX `route_segments_sequence` ON `route_segments` (`route_id`, `sequence`) WHERE `deleted_at` IS NULL;

ALTER TABLE `schedules` ADD COLUMN `deleted_at` TIMESTAMP NULL;
CREATE INDEX `schedules_deleted_at_idx` ON `schedules` (`deleted_at`);

ALTER TABLE `notification_preferences` ADD COLUMN `is_deleted` BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX `notification_preferences_is_deleted_idx` ON `notification_preferences` (`is_deleted`);
