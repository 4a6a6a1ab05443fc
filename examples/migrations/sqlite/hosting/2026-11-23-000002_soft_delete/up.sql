-- Makes `hosted_sites`, `stores`, `store_pages` soft-deletable (soft_delete_core::migration::Plan).

ALTER TABLE `hosted_sites` ADD COLUMN `deleted_at` TIMESTAMP NULL;
CREATE INDEX `hosted_sites_deleted_at_idx` ON `hosted_sites` (`deleted_at`);

ALTER TABLE `stores` ADD COLUMN `deleted_at` TIMESTAMP NULL;
CREATE INDEX `stores_deleted_at_idx` ON `stores` (`deleted_at`);
DROP INDEX `stores_subdomain`;
CREATE UNIQUE INDEX `stores_subdomain` ON `stores` (`subdomain`) WHERE `deleted_at` IS NULL;

ALTER TABLE `store_pages` ADD COLUMN `deleted_at` TIMESTAMP NULL;
CREATE INDEX `store_pages_deleted_at_idx` ON `store_pages` (`deleted_at`);
