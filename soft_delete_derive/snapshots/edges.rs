// The expansion of `snapshots::edges` in soft_delete_derive/src/snapshots.rs.
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
        type Cascade = (
            __soft_delete::Soft<
                Issue,
                <<Issue as __soft_delete::SoftChildOf<
                    Repo,
                >>::Model as __soft_delete::ChildOf<Repo>>::ForeignKey,
            >,
            __soft_delete::Owned<
                Owner,
                <Repo as __soft_delete::ChildOf<
                    <Owner as __soft_delete::SoftChildOf<Repo>>::Model,
                >>::ForeignKey,
            >,
            __soft_delete::Hard<
                Webhook,
                <Webhook as __soft_delete::BelongsTo<Repo>>::ForeignKeyColumn,
            >,
            __soft_delete::Restrict<
                Release,
                <Release as __soft_delete::BelongsTo<Repo>>::ForeignKeyColumn,
                __SoftDeleteLive_Repo_3,
            >,
            __soft_delete::Keep<forks::upstream_id>,
        );
        type Parents = (__soft_delete::ParentLink<Org>,);
        const MODEL: &'static str = "Repo";
        const TABLE: &'static str = <repos::table as __soft_delete::TableName>::SQL_NAME;
        const CASCADE_EDGES: &'static [__soft_delete::GraphEdge] = &[
            __soft_delete::GraphEdge::soft(
                __soft_delete::GraphRef::of::<
                    <Issue as __soft_delete::SoftChildOf<Repo>>::Model,
                >(),
                <<<Issue as __soft_delete::SoftChildOf<
                    Repo,
                >>::Model as __soft_delete::ChildOf<
                    Repo,
                >>::ForeignKey as __soft_delete::Column>::NAME,
            ),
            __soft_delete::GraphEdge::owned(
                __soft_delete::GraphRef::of::<
                    <Owner as __soft_delete::SoftChildOf<Repo>>::Model,
                >(),
                <<Repo as __soft_delete::ChildOf<
                    <Owner as __soft_delete::SoftChildOf<Repo>>::Model,
                >>::ForeignKey as __soft_delete::Column>::NAME,
            ),
            __soft_delete::GraphEdge::other(
                <<<Webhook as __soft_delete::BelongsTo<
                    Repo,
                >>::ForeignKeyColumn as __soft_delete::Column>::Table as __soft_delete::TableName>::SQL_NAME,
                <<Webhook as __soft_delete::BelongsTo<
                    Repo,
                >>::ForeignKeyColumn as __soft_delete::Column>::NAME,
                __soft_delete::Policy::Hard,
            ),
            __soft_delete::GraphEdge::other(
                <<<Release as __soft_delete::BelongsTo<
                    Repo,
                >>::ForeignKeyColumn as __soft_delete::Column>::Table as __soft_delete::TableName>::SQL_NAME,
                <<Release as __soft_delete::BelongsTo<
                    Repo,
                >>::ForeignKeyColumn as __soft_delete::Column>::NAME,
                __soft_delete::Policy::Restrict,
            ),
            __soft_delete::GraphEdge::other(
                <<forks::upstream_id as __soft_delete::Column>::Table as __soft_delete::TableName>::SQL_NAME,
                <forks::upstream_id as __soft_delete::Column>::NAME,
                __soft_delete::Policy::Keep,
            ),
        ];
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
    const _: () = __soft_delete::assert_parent::<
        <Issue as __soft_delete::SoftChildOf<Repo>>::Model,
        Repo,
    >();
    const _: () = if let __soft_delete::Some(message) = __soft_delete::cycle::<
        Repo,
        <Issue as __soft_delete::SoftChildOf<Repo>>::Model,
    >()
        .text()
    {
        ::core::panic!("{}", message)
    };
    const _: () = __soft_delete::assert_foreign_key::<
        <<Issue as __soft_delete::SoftChildOf<
            Repo,
        >>::Model as __soft_delete::ChildOf<Repo>>::ForeignKey,
        Repo,
    >();
    const _: () = __soft_delete::assert_parent::<
        <Owner as __soft_delete::SoftChildOf<Repo>>::Model,
        Repo,
    >();
    const _: () = if let __soft_delete::Some(message) = __soft_delete::cycle::<
        Repo,
        <Owner as __soft_delete::SoftChildOf<Repo>>::Model,
    >()
        .text()
    {
        ::core::panic!("{}", message)
    };
    const _: () = __soft_delete::assert_foreign_key::<
        <Repo as __soft_delete::ChildOf<
            <Owner as __soft_delete::SoftChildOf<Repo>>::Model,
        >>::ForeignKey,
        <Owner as __soft_delete::SoftChildOf<Repo>>::Model,
    >();
    const _: () = __soft_delete::assert_foreign_key::<
        <Webhook as __soft_delete::BelongsTo<Repo>>::ForeignKeyColumn,
        Repo,
    >();
    #[doc(hidden)]
    #[allow(non_camel_case_types)]
    pub struct __SoftDeleteLive_Repo_3;
    #[automatically_derived]
    impl __soft_delete::LiveFilterOf for __SoftDeleteLive_Repo_3 {
        fn live_filter() -> __soft_delete::Option<__soft_delete::LiveFilter> {
            #[allow(unused_imports)]
            use __soft_delete::{ProbeOther as _, ProbeSoft as _};
            (&__soft_delete::Probe::<Release>::new()).live_filter()
        }
    }
    const _: () = __soft_delete::assert_foreign_key::<
        <Release as __soft_delete::BelongsTo<Repo>>::ForeignKeyColumn,
        Repo,
    >();
    const _: () = __soft_delete::assert_foreign_key::<forks::upstream_id, Repo>();
    const _: () = __soft_delete::assert_cascades::<Org, Repo>();
    #[automatically_derived]
    #[diagnostic::do_not_recommend]
    impl<__P> __soft_delete::SoftChildOf<__P> for Repo {
        type Model = Self;
    }
    #[automatically_derived]
    impl __soft_delete::HasParent<Org> for Repo {}
    #[automatically_derived]
    impl __soft_delete::ChildOf<Owner> for Repo {
        type ForeignKey = <Repo as __soft_delete::BelongsTo<Owner>>::ForeignKeyColumn;
    }
    #[automatically_derived]
    impl __soft_delete::CascadesTo<Issue> for Repo {
        type Edge = __soft_delete::Soft<
            Issue,
            <<Issue as __soft_delete::SoftChildOf<
                Repo,
            >>::Model as __soft_delete::ChildOf<Repo>>::ForeignKey,
        >;
    }
    #[automatically_derived]
    impl __soft_delete::CascadesTo<Owner> for Repo {
        type Edge = __soft_delete::Owned<
            Owner,
            <Repo as __soft_delete::ChildOf<
                <Owner as __soft_delete::SoftChildOf<Repo>>::Model,
            >>::ForeignKey,
        >;
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
        /// Soft deletes the `Repo` whose key is `id` in one transaction. A row already tombstoned keeps its stamp (`Outcome::AlreadyDeleted`); an unknown key is `Error::NotFound`. Cascades: soft to `Issue`, soft to the owned `Owner`, hard delete of `Webhook`, refused while `Release` rows exist, `Fork` rows that reference it are kept; the whole graph is [`Repo::cascade_graph`].
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
