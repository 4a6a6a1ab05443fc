-- Undoes making `hosted_sites`, `stores`, `store_pages` soft-deletable (soft_delete_core::migration::Plan).

DROP INDEX `store_pages_deleted_at_idx`;
ALTER TABLE `store_pages` DROP COLUMN `deleted_at`;

DROP INDEX `stores_subdomain`;
CREATE UNIQUE INDEX `stores_subdomain` ON `stores` (`subdomain`);
DROP INDEX `stores_deleted_at_idx`;
ALTER TABLE `stores` DROP COLUMN `deleted_at`;

DROP INDEX `hosted_sites_deleted_at_idx`;
ALTER TABLE `hosted_sites` DROP COLUMN `deleted_at`;
