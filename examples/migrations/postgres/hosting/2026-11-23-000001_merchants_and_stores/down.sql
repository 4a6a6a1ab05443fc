DROP TABLE store_pages;
DROP TABLE hosted_sites;
DROP INDEX stores_subdomain;
DROP TABLE stores;
DROP TABLE merchants;
