// `op!` for the suite on blocking connections: the operation as written. (The async test files
// include `async_ops.rs` instead, which runs it through `soft_delete_core::asynchronous`.)

#[allow(unused_macros)]
macro_rules! op {
    (@record($row:expr) . $($call:tt)*) => {
        $row.$($call)*
    };
    ($($call:tt)*) => {
        $($call)*
    };
}
