-- Undoes making `routes`, `route_segments`, `schedules`, `notification_preferences` soft-deletable (soft_delete_core::migration::Plan).

DROP INDEX "notification_preferences_is_deleted_idx";
ALTER TABLE "notification_preferences" DROP COLUMN "is_deleted";

DROP INDEX "schedules_deleted_at_idx";
ALTER TABLE "schedules" DROP COLUMN "deleted_at";

DROP INDEX "route_segments_sequence";
CREATE UNIQUE INDEX "route_segments_sequence" ON "route_segments" ("route_id", "sequence");
DROP INDEX "route_segments_deleted_at_idx";
ALTER TABLE "route_segments" DROP COLUMN "deleted_at";

DROP INDEX "routes_deleted_at_idx";
ALTER TABLE "routes" DROP COLUMN "deleted_at";

DROP TABLE IF EXISTS "soft_delete_flag_stamps";
