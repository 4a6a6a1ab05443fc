-- The commute schema (seed 004) as the application had it before soft delete.
CREATE TABLE routes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE route_segments (
    id INTEGER PRIMARY KEY,
    route_id INTEGER NOT NULL REFERENCES routes (id),
    sequence INTEGER NOT NULL,
    station TEXT NOT NULL
);
CREATE UNIQUE INDEX route_segments_sequence ON route_segments (route_id, sequence);
CREATE TABLE schedules (
    id INTEGER PRIMARY KEY,
    route_id INTEGER NOT NULL REFERENCES routes (id),
    departs TEXT NOT NULL
);
CREATE TABLE station_index (
    id INTEGER PRIMARY KEY,
    route_id INTEGER NOT NULL REFERENCES routes (id),
    station TEXT NOT NULL
);
CREATE TABLE notification_preferences (
    id INTEGER PRIMARY KEY,
    route_id INTEGER NOT NULL REFERENCES routes (id),
    channel TEXT NOT NULL
);
CREATE TABLE notification_log (
    id INTEGER PRIMARY KEY,
    route_id INTEGER NOT NULL REFERENCES routes (id),
    message TEXT NOT NULL
);
