// The expansion of `snapshots::actor` in soft_delete_derive/src/snapshots.rs.
// Regenerate with `SOFT_DELETE_SNAPSHOTS=overwrite cargo test -p soft_delete_derive`.

#[doc(hidden)]
const _: () = {
    use ::soft_delete_core::__private as __soft_delete;
    #[automatically_derived]
    impl __soft_delete::Model for Account {
        type Table = accounts::table;
        type Key = accounts::key;
        type Id = String;
        type Tombstone = <Option<
            chrono::DateTime<chrono::Utc>,
        > as __soft_delete::TimestampField<accounts::removed>>::Tombstone;
        type Actor = __soft_delete::ActorColumn<
            accounts::deleted_by,
            <Option<i64> as __soft_delete::ActorField>::Value,
        >;
        type Cascade = ();
        type Parents = ();
        const MODEL: &'static str = "Account";
        const TABLE: &'static str = <accounts::table as __soft_delete::TableName>::SQL_NAME;
        const CASCADE_EDGES: &'static [__soft_delete::GraphEdge] = &[];
        fn key_of(row: &Self) -> Self::Id {
            row.key.clone()
        }
    }
    const _: () = __soft_delete::assert_field::<String, accounts::key>();
    const _: () = __soft_delete::assert_field::<
        <<Option<
            chrono::DateTime<chrono::Utc>,
        > as __soft_delete::TimestampField<
            accounts::removed,
        >>::Tombstone as __soft_delete::FieldOf>::Field,
        accounts::removed,
    >();
    const _: () = __soft_delete::assert_field::<
        __soft_delete::Option<<Option<i64> as __soft_delete::ActorField>::Value>,
        accounts::deleted_by,
    >();
    #[automatically_derived]
    #[diagnostic::do_not_recommend]
    impl<__P> __soft_delete::SoftChildOf<__P> for Account {
        type Model = Self;
    }
    #[automatically_derived]
    impl Account {
        /// Live `Account` rows, those whose tombstone `accounts.removed` is unset: the scope every read should start from.
        #[must_use]
        pub fn active() -> __soft_delete::Active<Self> {
            __soft_delete::active::<Self>()
        }
        /// Tombstoned `Account` rows, those whose tombstone `accounts.removed` is set.
        #[must_use]
        pub fn only_deleted() -> __soft_delete::OnlyDeleted<Self> {
            __soft_delete::only_deleted::<Self>()
        }
        /// The predicate "this `Account` row is live" (its tombstone `accounts.removed` unset), to filter a join.
        #[must_use]
        pub fn is_active() -> __soft_delete::IsActive<Self> {
            __soft_delete::is_active::<Self>()
        }
        /// The predicate "this `Account` row is tombstoned" (its tombstone `accounts.removed` set).
        #[must_use]
        pub fn is_deleted() -> __soft_delete::IsDeleted<Self> {
            __soft_delete::is_deleted::<Self>()
        }
        /// Soft deletes the `Account` whose key is `id` in one transaction. A row already tombstoned keeps its stamp (`Outcome::AlreadyDeleted`); an unknown key is `Error::NotFound`. Touches no other table.
        pub fn soft_delete<__C>(
            conn: &mut __C,
            id: impl __soft_delete::Into<String>,
        ) -> __soft_delete::Result<__soft_delete::Report, __soft_delete::Error>
        where
            __C: __soft_delete::LoadConnection,
            __C::Backend: __soft_delete::SupportedBackend,
            Self: __soft_delete::SoftDeleteOn<__C::Backend>,
        {
            __soft_delete::soft_delete::<
                Self,
                __C,
            >(conn, __soft_delete::Into::into(id), __soft_delete::None)
        }
        /// Restores the `Account` whose key is `id`: clears its tombstone and actor. A live row is left alone (`Outcome::AlreadyActive`); an unknown key is `Error::NotFound`.
        pub fn restore<__C>(
            conn: &mut __C,
            id: impl __soft_delete::Into<String>,
        ) -> __soft_delete::Result<__soft_delete::Report, __soft_delete::Error>
        where
            __C: __soft_delete::LoadConnection,
            __C::Backend: __soft_delete::SupportedBackend,
            Self: __soft_delete::SoftDeleteOn<__C::Backend>,
        {
            __soft_delete::restore::<Self, __C>(conn, __soft_delete::Into::into(id))
        }
        /// Soft deletes the `Account` whose key is `id`, recording `actor` in `accounts.deleted_by`; see [`Account::soft_delete`].
        pub fn soft_delete_by<__C>(
            conn: &mut __C,
            id: impl __soft_delete::Into<String>,
            actor: impl __soft_delete::Into<
                <Option<i64> as __soft_delete::ActorField>::Value,
            >,
        ) -> __soft_delete::Result<__soft_delete::Report, __soft_delete::Error>
        where
            __C: __soft_delete::LoadConnection,
            __C::Backend: __soft_delete::SupportedBackend,
            Self: __soft_delete::SoftDeleteOn<__C::Backend>,
        {
            __soft_delete::soft_delete::<
                Self,
                __C,
            >(
                conn,
                __soft_delete::Into::into(id),
                __soft_delete::Some(__soft_delete::Into::into(actor)),
            )
        }
        /// Soft deletes every live `Account` that `predicate` selects, recording `actor`; see [`Account::soft_delete_where`].
        pub fn soft_delete_where_by<__C, __P>(
            conn: &mut __C,
            predicate: __P,
            actor: impl __soft_delete::Into<
                <Option<i64> as __soft_delete::ActorField>::Value,
            >,
        ) -> __soft_delete::Result<__soft_delete::Report, __soft_delete::Error>
        where
            __C: __soft_delete::LoadConnection,
            __C::Backend: __soft_delete::SupportedBackend,
            Self: __soft_delete::SoftDeleteOn<__C::Backend>,
            __P: __soft_delete::Expression
                + __soft_delete::AppearsOnTable<accounts::table>
                + __soft_delete::QueryFragment<__C::Backend> + __soft_delete::Send
                + __soft_delete::Sync,
            __P::SqlType: __soft_delete::BoolOrNullableBool,
        {
            __soft_delete::soft_delete_where::<
                Self,
                __C,
                __P,
            >(conn, predicate, __soft_delete::Some(__soft_delete::Into::into(actor)))
        }
        /// Soft deletes this `Account`, recording `actor`.
        pub fn soft_delete_record_by<__C>(
            &self,
            conn: &mut __C,
            actor: impl __soft_delete::Into<
                <Option<i64> as __soft_delete::ActorField>::Value,
            >,
        ) -> __soft_delete::Result<__soft_delete::Report, __soft_delete::Error>
        where
            __C: __soft_delete::LoadConnection,
            __C::Backend: __soft_delete::SupportedBackend,
            Self: __soft_delete::SoftDeleteOn<__C::Backend>,
        {
            let id = <Self as __soft_delete::Model>::key_of(self);
            __soft_delete::soft_delete::<
                Self,
                __C,
            >(conn, id, __soft_delete::Some(__soft_delete::Into::into(actor)))
        }
    }
};
