DROP TABLE notification_log;
DROP TABLE notification_preferences;
DROP TABLE station_index;
DROP TABLE schedules;
DROP INDEX route_segments_sequence;
DROP TABLE route_segments;
DROP TABLE routes;
