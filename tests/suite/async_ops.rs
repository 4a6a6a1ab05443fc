// `op!` for the suite on async connections: an operation as a test body writes it, by key on
// the model or on a loaded row, run through `soft_delete_core::asynchronous` on the async
// connection inside the test's blocking one, awaited on the suite's runtime. Included before
// the suite by the async test files; the blocking ones define `op!` as the call itself.

#[allow(unused_macros)]
macro_rules! op {
    (@record($row:expr) . soft_delete_record($conn:expr $(,)?)) => {
        soft_delete_tests::asynchronous::soft_delete_record($conn, &$row, None)
    };
    (@record($row:expr) . soft_delete_record_by($conn:expr, $actor:expr $(,)?)) => {
        soft_delete_tests::asynchronous::soft_delete_record(
            $conn,
            &$row,
            Some(::core::convert::Into::into($actor)),
        )
    };
    (@record($row:expr) . restore_record($conn:expr $(,)?)) => {
        soft_delete_tests::asynchronous::restore_record($conn, &$row)
    };
    ($model:ident :: soft_delete($conn:expr, $id:expr $(,)?)) => {
        soft_delete_tests::asynchronous::run(
            soft_delete_core::asynchronous::soft_delete::<$model, _>(
                soft_delete_tests::asynchronous::inner($conn),
                ::core::convert::Into::into($id),
                None,
            ),
        )
    };
    ($model:ident :: soft_delete_by($conn:expr, $id:expr, $actor:expr $(,)?)) => {
        soft_delete_tests::asynchronous::run(
            soft_delete_core::asynchronous::soft_delete::<$model, _>(
                soft_delete_tests::asynchronous::inner($conn),
                ::core::convert::Into::into($id),
                Some(::core::convert::Into::into($actor)),
            ),
        )
    };
    ($model:ident :: soft_delete_where($conn:expr, $predicate:expr $(,)?)) => {
        soft_delete_tests::asynchronous::run(soft_delete_core::asynchronous::soft_delete_where::<
            $model,
            _,
            _,
        >(
            soft_delete_tests::asynchronous::inner($conn),
            $predicate,
            None,
        ))
    };
    ($model:ident :: soft_delete_where_by($conn:expr, $predicate:expr, $actor:expr $(,)?)) => {
        soft_delete_tests::asynchronous::run(soft_delete_core::asynchronous::soft_delete_where::<
            $model,
            _,
            _,
        >(
            soft_delete_tests::asynchronous::inner($conn),
            $predicate,
            Some(::core::convert::Into::into($actor)),
        ))
    };
    ($model:ident :: restore($conn:expr, $id:expr $(,)?)) => {
        soft_delete_tests::asynchronous::run(soft_delete_core::asynchronous::restore::<$model, _>(
            soft_delete_tests::asynchronous::inner($conn),
            ::core::convert::Into::into($id),
        ))
    };
    ($model:ident :: restore_with_ancestors($conn:expr, $id:expr $(,)?)) => {
        soft_delete_tests::asynchronous::run(
            soft_delete_core::asynchronous::restore_with_ancestors::<$model, _>(
                soft_delete_tests::asynchronous::inner($conn),
                ::core::convert::Into::into($id),
            ),
        )
    };
    ($model:ident :: restore_path($conn:expr, $id:expr $(,)?)) => {
        soft_delete_tests::asynchronous::run(soft_delete_core::asynchronous::restore_path::<
            $model,
            _,
        >(
            soft_delete_tests::asynchronous::inner($conn),
            ::core::convert::Into::into($id),
        ))
    };
    ($model:ident :: restore_shallow($conn:expr, $id:expr $(,)?)) => {
        soft_delete_tests::asynchronous::run(soft_delete_core::asynchronous::restore_shallow::<
            $model,
            _,
        >(
            soft_delete_tests::asynchronous::inner($conn),
            ::core::convert::Into::into($id),
        ))
    };
    ($model:ident :: restore_where($conn:expr, $predicate:expr $(,)?)) => {
        soft_delete_tests::asynchronous::run(soft_delete_core::asynchronous::restore_where::<
            $model,
            _,
            _,
        >(
            soft_delete_tests::asynchronous::inner($conn),
            $predicate,
        ))
    };
    ($model:ident :: lock_live($conn:expr, $id:expr $(,)?)) => {
        soft_delete_tests::asynchronous::run(
            soft_delete_core::asynchronous::lock_live::<$model, _>(
                soft_delete_tests::asynchronous::inner($conn),
                ::core::convert::Into::into($id),
            ),
        )
    };
    ($model:ident :: hard_delete($conn:expr, $id:expr $(,)?)) => {
        soft_delete_tests::asynchronous::run(
            soft_delete_core::asynchronous::hard_delete::<$model, _>(
                soft_delete_tests::asynchronous::inner($conn),
                ::core::convert::Into::into($id),
            ),
        )
    };
    ($model:ident :: purge($conn:expr, $options:expr $(,)?)) => {
        soft_delete_tests::asynchronous::purge::<$model, _, _>($conn, $options)
    };
}
