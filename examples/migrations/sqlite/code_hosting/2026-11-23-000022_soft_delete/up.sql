-- Makes `repos`, `issues`, `issue_comments`, `proposals`, `proposal_comments` soft-deletable (soft_delete_core::migration::Plan).

CREATE TABLE IF NOT EXISTS `soft_delete_flag_stamps` (
    `table_name` VARCHAR(128) NOT NULL,
    `row_key` TEXT NOT NULL,
    `stamp` TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS `soft_delete_flag_stamps_by_key`
    ON `soft_delete_flag_stamps` (`row_key`, `table_name`, `stamp`);

ALTER TABLE `repos` ADD COLUMN `deleted_at` TIMESTAMP NULL;
CREATE INDEX `repos_deleted_at_idx` ON `repos` (`deleted_at`);

ALTER TABLE `issues` ADD COLUMN `deleted_at` TIMESTAMP NULL;
CREATE INDEX `issues_deleted_at_idx` ON `issues` (`deleted_at`);

ALTER TABLE `issue_comments` ADD COLUMN `is_deleted` BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX `issue_comments_is_deleted_idx` ON `issue_comments` (`is_deleted`);

ALTER TABLE `proposals` ADD COLUMN `deleted_at` TIMESTAMP NULL;
CREATE INDEX `proposals_deleted_at_idx` ON `proposals` (`deleted_at`);

ALTER TABLE `proposal_comments` ADD COLUMN `is_deleted` BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX `proposal_comments_is_deleted_idx` ON `proposal_comments` (`is_deleted`);
