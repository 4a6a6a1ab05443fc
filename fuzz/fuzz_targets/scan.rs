//! Any bytes, in every dialect: the scanner never panics and records at most its cap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use soft_delete_core::leak::{Dialect, MAX_LEAKS_PER_STATEMENT, Watched, scan_in};

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    let watched = [Watched::new("posts", "deleted_at"), Watched::new("tags", "is_deleted")];
    for dialect in [Dialect::Generic, Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
        assert!(scan_in(dialect, sql, &watched).len() <= MAX_LEAKS_PER_STATEMENT);
    }
});
