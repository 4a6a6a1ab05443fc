// The expansion of `snapshots::tree` in soft_delete_derive/src/snapshots.rs.
// Regenerate with `SOFT_DELETE_SNAPSHOTS=overwrite cargo test -p soft_delete_derive`.

#[doc(hidden)]
const _: () = {
    use ::soft_delete_core::__private as __soft_delete;
    #[automatically_derived]
    impl __soft_delete::Model for Comment {
        type Table = comments::table;
        type Key = comments::id;
        type Id = i64;
        type Tombstone = <Option<
            NaiveDateTime,
        > as __soft_delete::TombstoneField<comments::deleted_at>>::Tombstone;
        type Actor = __soft_delete::NoActor;
        type Cascade = (
            __soft_delete::Tree<comments::parent_id>,
            __soft_delete::Keep<comments::quoted_id>,
        );
        type Parents = (__soft_delete::TreeParent<Comment>,);
        const MODEL: &'static str = "Comment";
        const TABLE: &'static str = <comments::table as __soft_delete::TableName>::SQL_NAME;
        const CASCADE_EDGES: &'static [__soft_delete::GraphEdge] = &[
            __soft_delete::GraphEdge::tree(
                <comments::parent_id as __soft_delete::Column>::NAME,
            ),
            __soft_delete::GraphEdge::kept_self(
                <comments::quoted_id as __soft_delete::Column>::NAME,
            ),
        ];
        fn key_of(row: &Self) -> Self::Id {
            row.id.clone()
        }
    }
    const _: () = __soft_delete::assert_field::<i64, comments::id>();
    const _: () = __soft_delete::assert_field::<
        <<Option<
            NaiveDateTime,
        > as __soft_delete::TombstoneField<
            comments::deleted_at,
        >>::Tombstone as __soft_delete::FieldOf>::Field,
        comments::deleted_at,
    >();
    #[automatically_derived]
    impl __soft_delete::CascadesTo<Comment> for Comment {
        type Edge = __soft_delete::Tree<comments::parent_id>;
    }
    const _: () = __soft_delete::assert_foreign_key::<comments::parent_id, Comment>();
    const _: () = __soft_delete::assert_foreign_key::<comments::quoted_id, Comment>();
    #[automatically_derived]
    #[diagnostic::do_not_recommend]
    impl<__P> __soft_delete::SoftChildOf<__P> for Comment {
        type Model = Self;
    }
    #[automatically_derived]
    impl __soft_delete::HasParent<Comment> for Comment {}
    #[automatically_derived]
    impl Comment {
        /// Live `Comment` rows, those whose tombstone `comments.deleted_at` is unset: the scope every read should start from.
        #[must_use]
        pub fn active() -> __soft_delete::Active<Self> {
            __soft_delete::active::<Self>()
        }
        /// Tombstoned `Comment` rows, those whose tombstone `comments.deleted_at` is set.
        #[must_use]
        pub fn only_deleted() -> __soft_delete::OnlyDeleted<Self> {
            __soft_delete::only_deleted::<Self>()
        }
        /// The predicate "this `Comment` row is live" (its tombstone `comments.deleted_at` unset), to filter a join.
        #[must_use]
        pub fn is_active() -> __soft_delete::IsActive<Self> {
            __soft_delete::is_active::<Self>()
        }
        /// The predicate "this `Comment` row is tombstoned" (its tombstone `comments.deleted_at` set).
        #[must_use]
        pub fn is_deleted() -> __soft_delete::IsDeleted<Self> {
            __soft_delete::is_deleted::<Self>()
        }
        /// Soft deletes the `Comment` whose key is `id` in one transaction. A row already tombstoned keeps its stamp (`Outcome::AlreadyDeleted`); an unknown key is `Error::NotFound`. Cascades: soft through its own subtree, `Self` rows that reference it are kept; the whole graph is [`Comment::cascade_graph`].
        pub fn soft_delete<__C>(
            conn: &mut __C,
            id: impl __soft_delete::Into<i64>,
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
        /// Restores the `Comment` whose key is `id`: clears its tombstone. A live row is left alone (`Outcome::AlreadyActive`); an unknown key is `Error::NotFound`.
        pub fn restore<__C>(
            conn: &mut __C,
            id: impl __soft_delete::Into<i64>,
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
