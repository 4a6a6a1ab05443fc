-- Undoes making `repos`, `issues`, `issue_comments`, `proposals`, `proposal_comments` soft-deletable (soft_delete_core::migration::Plan).

DROP INDEX `proposal_comments_is_deleted_idx`;
ALTER TABLE `proposal_comments` DROP COLUMN `is_deleted`;

DROP INDEX `proposals_deleted_at_idx`;
ALTER TABLE `proposals` DROP COLUMN `deleted_at`;

DROP INDEX `issue_comments_is_deleted_idx`;
ALTER TABLE `issue_comments` DROP COLUMN `is_deleted`;

DROP INDEX `issues_deleted_at_idx`;
ALTER TABLE `issues` DROP COLUMN `deleted_at`;

DROP INDEX `repos_deleted_at_idx`;
ALTER TABLE `repos` DROP COLUMN `deleted_at`;

DROP TABLE IF EXISTS `soft_delete_flag_stamps`;
