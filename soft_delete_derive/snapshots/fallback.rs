// The expansion of `snapshots::fallback` in soft_delete_derive/src/snapshots.rs.
// Regenerate with `SOFT_DELETE_SNAPSHOTS=overwrite cargo test -p soft_delete_derive`.

::core::compile_error! {
    "unknown key `deleted_bye` in `#[soft_delete(...)]`; did you mean `deleted_by`?\nexpected one of: a tombstone field (`#[soft_delete(deleted_at)]`), `timestamp = field`, `flag = field`, `deleted_by = field`, `parent = Model`, `crate = path`"
}
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
        const TABLE: &'static str = "repos";
        const CASCADE_EDGES: &'static [__soft_delete::GraphEdge] = &[];
        fn key_of(row: &Self) -> Self::Id {
            row.id.clone()
        }
    }
    #[automatically_derived]
    #[diagnostic::do_not_recommend]
    impl<__P> __soft_delete::SoftChildOf<__P> for Repo {
        type Model = Self;
    }
    #[automatically_derived]
    impl __soft_delete::CascadesTo<Issue> for Repo {
        type Edge = __soft_delete::Soft<Issue, ()>;
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
        #[doc(hidden)]
        pub fn soft_delete<__C, __I>(
            _conn: &mut __C,
            _id: __I,
        ) -> __soft_delete::Result<__soft_delete::Report, __soft_delete::Error> {
            ::core::unreachable!("a model whose derive failed does not compile")
        }
        #[doc(hidden)]
        pub fn restore<__C, __I>(
            _conn: &mut __C,
            _id: __I,
        ) -> __soft_delete::Result<__soft_delete::Report, __soft_delete::Error> {
            ::core::unreachable!("a model whose derive failed does not compile")
        }
        #[doc(hidden)]
        pub fn soft_delete_by<__C, __I, __A>(
            _conn: &mut __C,
            _id: __I,
            _actor: __A,
        ) -> __soft_delete::Result<__soft_delete::Report, __soft_delete::Error> {
            ::core::unreachable!("a model whose derive failed does not compile")
        }
        #[doc(hidden)]
        pub fn soft_delete_where_by<__C, __P, __A>(
            _conn: &mut __C,
            _predicate: __P,
            _actor: __A,
        ) -> __soft_delete::Result<__soft_delete::Report, __soft_delete::Error> {
            ::core::unreachable!("a model whose derive failed does not compile")
        }
        #[doc(hidden)]
        pub fn soft_delete_record_by<__C, __A>(
            &self,
            _conn: &mut __C,
            _actor: __A,
        ) -> __soft_delete::Result<__soft_delete::Report, __soft_delete::Error> {
            ::core::unreachable!("a model whose derive failed does not compile")
        }
    }
};
