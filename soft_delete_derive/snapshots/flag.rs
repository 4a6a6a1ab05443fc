// The expansion of `snapshots::flag` in soft_delete_derive/src/snapshots.rs.
// Regenerate with `SOFT_DELETE_SNAPSHOTS=overwrite cargo test -p soft_delete_derive`.

#[doc(hidden)]
const _: () = {
    use ::soft_delete_core::__private as __soft_delete;
    #[automatically_derived]
    impl __soft_delete::Model for IssueComment {
        type Table = issue_comments::table;
        type Key = issue_comments::id;
        type Id = i32;
        type Tombstone = <bool as __soft_delete::FlagField<
            issue_comments::is_deleted,
        >>::Tombstone;
        type Actor = __soft_delete::NoActor;
        type Cascade = ();
        type Parents = (__soft_delete::ParentLink<Issue>,);
        const MODEL: &'static str = "IssueComment";
        const TABLE: &'static str = <issue_comments::table as __soft_delete::TableName>::SQL_NAME;
        const CASCADE_EDGES: &'static [__soft_delete::GraphEdge] = &[];
        fn key_of(row: &Self) -> Self::Id {
            row.id.clone()
        }
    }
    const _: () = __soft_delete::assert_field::<i32, issue_comments::id>();
    const _: () = __soft_delete::assert_field::<
        <<bool as __soft_delete::FlagField<
            issue_comments::is_deleted,
        >>::Tombstone as __soft_delete::FieldOf>::Field,
        issue_comments::is_deleted,
    >();
    const _: () = __soft_delete::assert_cascades::<Issue, IssueComment>();
    #[automatically_derived]
    #[diagnostic::do_not_recommend]
    impl<__P> __soft_delete::SoftChildOf<__P> for IssueComment {
        type Model = Self;
    }
    #[automatically_derived]
    impl __soft_delete::HasParent<Issue> for IssueComment {}
    #[automatically_derived]
    impl __soft_delete::ChildOf<Issue> for IssueComment {
        type ForeignKey = <IssueComment as __soft_delete::BelongsTo<
            Issue,
        >>::ForeignKeyColumn;
    }
    #[automatically_derived]
    impl IssueComment {
        /// Live `IssueComment` rows, those whose tombstone `issue_comments.is_deleted` is unset: the scope every read should start from.
        #[must_use]
        pub fn active() -> __soft_delete::Active<Self> {
            __soft_delete::active::<Self>()
        }
        /// Tombstoned `IssueComment` rows, those whose tombstone `issue_comments.is_deleted` is set.
        #[must_use]
        pub fn only_deleted() -> __soft_delete::OnlyDeleted<Self> {
            __soft_delete::only_deleted::<Self>()
        }
        /// The predicate "this `IssueComment` row is live" (its tombstone `issue_comments.is_deleted` unset), to filter a join.
        #[must_use]
        pub fn is_active() -> __soft_delete::IsActive<Self> {
            __soft_delete::is_active::<Self>()
        }
        /// The predicate "this `IssueComment` row is tombstoned" (its tombstone `issue_comments.is_deleted` set).
        #[must_use]
        pub fn is_deleted() -> __soft_delete::IsDeleted<Self> {
            __soft_delete::is_deleted::<Self>()
        }
        /// Soft deletes the `IssueComment` whose key is `id` in one transaction. A row already tombstoned keeps its stamp (`Outcome::AlreadyDeleted`); an unknown key is `Error::NotFound`. Touches no other table.
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
        /// Restores the `IssueComment` whose key is `id`: clears its tombstone. A live row is left alone (`Outcome::AlreadyActive`); an unknown key is `Error::NotFound`.
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
