// The expansion of `snapshots::plain` in soft_delete_derive/src/snapshots.rs.
// Regenerate with `SOFT_DELETE_SNAPSHOTS=overwrite cargo test -p soft_delete_derive`.

#[doc(hidden)]
const _: () = {
    use ::soft_delete_core::__private as __soft_delete;
    #[automatically_derived]
    impl __soft_delete::Model for Repo {
        type Table = repos::table;
        type Key = repos::id;
        type Id = i32;
        type Tombstone = <Option<
            NaiveDateTime,
        > as __soft_delete::TombstoneField<repos::deleted_at>>::Tombstone;
        type Actor = __soft_delete::NoActor;
        type Cascade = ();
        type Parents = ();
        const MODEL: &'static str = "Repo";
        const TABLE: &'static str = <repos::table as __soft_delete::TableName>::SQL_NAME;
        const CASCADE_EDGES: &'static [__soft_delete::GraphEdge] = &[];
        fn key_of(row: &Self) -> Self::Id {
            row.id.clone()
        }
    }
    const _: () = __soft_delete::assert_field::<i32, repos::id>();
    const _: () = __soft_delete::assert_field::<
        <<Option<
            NaiveDateTime,
        > as __soft_delete::TombstoneField<
            repos::deleted_at,
        >>::Tombstone as __soft_delete::FieldOf>::Field,
        repos::deleted_at,
    >();
    #[automatically_derived]
    #[diagnostic::do_not_recommend]
    impl<__P> __soft_delete::SoftChildOf<__P> for Repo {
        type Model = Self;
    }
    #[automatically_derived]
    impl Repo {
        /// Live `Repo` rows, those whose tombstone `repos.deleted_at` is unset: the scope every read should start from.
        #[must_use]
        pub fn active() -> __soft_delete::Active<Self> {
            __soft_delete::active::<Self>()
        }
        /// Tombstoned `Repo` rows, those whose tombstone `repos.deleted_at` is set.
        #[must_use]
        pub fn only_deleted() -> __soft_delete::OnlyDeleted<Self> {
            __soft_delete::only_deleted::<Self>()
        }
        /// The predicate "this `Repo` row is live" (its tombstone `repos.deleted_at` unset), to filter a join.
        #[must_use]
        pub fn is_active() -> __soft_delete::IsActive<Self> {
            __soft_delete::is_active::<Self>()
        }
        /// The predicate "this `Repo` row is tombstoned" (its tombstone `repos.deleted_at` set).
        #[must_use]
        pub fn is_deleted() -> __soft_delete::IsDeleted<Self> {
            __soft_delete::is_deleted::<Self>()
        }
        /// Soft deletes the `Repo` whose key is `id` in one transaction. A row already tombstoned keeps its stamp (`Outcome::AlreadyDeleted`); an unknown key is `Error::NotFound`. Touches no other table.
        pub fn soft_delete<__C>(
            conn: &mut __C,
            id: impl __soft_delete::Into<i32>,
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
        /// Restores the `Repo` whose key is `id`: clears its tombstone. A live row is left alone (`Outcome::AlreadyActive`); an unknown key is `Error::NotFound`.
        pub fn restore<__C>(
            conn: &mut __C,
            id: impl __soft_delete::Into<i32>,
        ) -> __soft_delete::Result<__soft_delete::Report, __soft_delete::Error>
        where
            __C: __soft_delete::LoadConnection,
            __C::Backend: __soft_delete::SupportedBackend,
            Self: __soft_delete::SoftDeleteOn<__C::Backend>,
        {
            __soft_delete::restore::<Self, __C>(conn, __soft_delete::Into::into(id))
        }
    }
};
