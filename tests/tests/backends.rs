//! Says, in the test output, which server backends this run leaves out and why: the README's
//! `cargo test --workspace` runs the suite on SQLite only, and needs no server.

#[cfg(not(feature = "postgres"))]
#[test]
#[ignore = "PostgreSQL suite skipped: the `postgres` feature is off; with a server up (`bash .ci/services` starts one) run `cargo test -p soft_delete_tests --features postgres,mysql`"]
fn postgres_suite() {}

#[cfg(not(feature = "mysql"))]
#[test]
#[ignore = "MySQL/MariaDB suite skipped: the `mysql` feature is off; with a server up (`bash .ci/services` starts one) run `cargo test -p soft_delete_tests --features postgres,mysql`"]
fn mysql_suite() {}
