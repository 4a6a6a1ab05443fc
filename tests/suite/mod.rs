// The behaviour suite. Each file in `tests/` includes this inside a module that defines:
//   type Conn        the backend's connection type
//   type Db          the backend
//   type TimestampTz the SQL type of a `DateTime<Utc>` column on that backend
//   fn connect() -> Conn, a connection with the suite's schema and nothing else
// so every test body below runs on every backend with concrete types.

mod schema {
    use super::TimestampTz;

    include!("schema.rs");
}

mod scopes {
    use super::schema::*;
    use super::{Db, connect};
    use diesel::prelude::*;

    include!("scopes.rs");
}

mod operations {
    use super::connect;
    use super::schema::*;
    use diesel::prelude::*;

    include!("operations.rs");
}
