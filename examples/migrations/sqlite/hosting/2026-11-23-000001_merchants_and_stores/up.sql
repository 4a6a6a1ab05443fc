-- The hosting schema (seed 000) as the application had it before soft delete.
CREATE TABLE merchants (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE stores (id INTEGER PRIMARY KEY, subdomain VARCHAR(64) NOT NULL);
CREATE UNIQUE INDEX stores_subdomain ON stores (subdomain);
CREATE TABLE hosted_sites (
    id INTEGER PRIMARY KEY,
    merchant_id INTEGER NOT NULL REFERENCES merchants (id),
    store_id INTEGER NOT NULL REFERENCES stores (id),
    name TEXT NOT NULL
);
CREATE TABLE store_pages (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id),
    title TEXT NOT NULL
);
