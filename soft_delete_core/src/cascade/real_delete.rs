//! Deleting rows for real: the foreign keys that would refuse, read from the catalog; the
//! check that none of them still references a row; the leaves-first delete where the database
//! checks a self-reference row by row.

use diesel::Column;
use diesel::query_builder::QueryFragment;
use diesel::result::{DatabaseErrorKind, Error as Diesel};

use crate::dialect::SupportedBackend;
use crate::dialect::catalog;
use crate::error::{Error, Result};
use crate::exec::Executor;
use crate::model::{Model, Policy, Target};
use crate::render::{ModelOn, RowSet, State, ledger, statements};
use crate::sql::{EVERY_ROW, Statement};

/// A foreign key that refuses the delete of a row it references: `table.column` holds
/// `referenced_table.referenced_column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Blocker {
    pub(crate) name: Option<String>,
    pub(crate) table: String,
    pub(crate) column: String,
    pub(crate) referenced_table: String,
    pub(crate) referenced_column: String,
}

/// Every single-column foreign key of the database that refuses deletes.
pub(crate) async fn blockers<X>(x: &mut X) -> Result<Vec<Blocker>>
where
    X: Executor,
    X::Backend: SupportedBackend,
{
    let foreign_keys = catalog::foreign_keys_on(x).await?;
    Ok(foreign_keys
        .iter()
        .filter(|key| key.on_delete.blocks_delete())
        .filter_map(
            |key| match (&key.columns[..], &key.referenced_columns[..]) {
                ([column], [referenced]) => Some(Blocker {
                    name: key.name.clone(),
                    table: key.table.clone(),
                    column: column.clone(),
                    referenced_table: key.referenced_table.clone(),
                    referenced_column: referenced.clone(),
                }),
                _ => None,
            },
        )
        .collect())
}

/// Deletes the rows of `set` for real: their ledger entries first, then a check of every
/// foreign key in `blockers` that would refuse, then the rows. `self_links` are the columns
/// through which rows of a table point at each other (a tree's parent, a kept fork link).
pub(crate) async fn delete_rows<M, X>(
    x: &mut X,
    set: &dyn RowSet<X::Backend>,
    blockers: &[Blocker],
    self_links: &[(&'static str, &'static str)],
) -> Result<usize>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: ModelOn<X::Backend>,
{
    if M::USES_LEDGER {
        x.execute(ledger::forget_rows::<M, X::Backend>(set)).await?;
    }
    refuse_blocked::<M, X>(x, set, blockers).await?;
    let mut deleted = 0;
    // Every column through which rows of this table point at each other, each once.
    let mut links: Vec<&'static str> = Vec::new();
    for &(table, column) in self_links {
        if table == M::TABLE && !links.contains(&column) {
            links.push(column);
        }
    }
    if <X::Backend as SupportedBackend>::ROW_BY_ROW_FOREIGN_KEYS && !links.is_empty() {
        // Leaves first, one level per statement, so no row goes while another still points at
        // it.
        loop {
            let rows = x
                .execute(delete_leaves::<M, X::Backend>(set, &links))
                .await?;
            if rows == 0 {
                break;
            }
            deleted += rows;
        }
        // What is left is a cycle in the data (no row of it is a leaf): cut its links first.
        let mut cut = Statement::new();
        cut.sql("UPDATE ").fragment(M::table()).sql(" SET ");
        for (index, link) in links.iter().enumerate() {
            if index > 0 {
                cut.sql(", ");
            }
            cut.ident(link).sql(" = NULL");
        }
        cut.sql(" WHERE ");
        set.condition(&mut cut);
        x.execute(cut).await?;
    }
    // Everything at once (or, after the loop, what a cycle in the data kept back).
    deleted += x
        .execute(statements::delete_from::<M, X::Backend>(set))
        .await?;
    Ok(deleted)
}

/// Names used by the leaves-first delete; chosen not to collide with user columns.
const PARENT: &str = "soft_delete_parent";
const PARENTS: &str = "soft_delete_parents";

/// `DELETE FROM table WHERE <set> AND key NOT IN (<every key a row of the table points at
/// through one of links>)`: the rows of `set` no row points at.
fn delete_leaves<'s, M, DB>(set: &'s dyn RowSet<DB>, links: &[&'static str]) -> Statement<'s, DB>
where
    DB: SupportedBackend,
    M: ModelOn<DB>,
{
    let mut statement = statements::delete_where::<M, DB>(set);
    statement
        .sql(" AND ")
        .fragment(M::key())
        .sql(" NOT IN (SELECT ")
        .ident(PARENT)
        .sql(" FROM (");
    for (index, link) in links.iter().enumerate() {
        if index > 0 {
            statement.sql(" UNION ");
        }
        statement
            .sql("SELECT DISTINCT ")
            .ident(link)
            .sql(" AS ")
            .ident(PARENT)
            .sql(" FROM ")
            .fragment(M::table())
            .sql(" WHERE ")
            .ident(link)
            // Every row that still points at one, whatever its state; said so for the leak
            // detector.
            .sql(" IS NOT NULL AND ")
            .fragment(M::in_state(State::Any));
    }
    statement.sql(") ").ident(PARENTS).sql(")");
    statement
}

/// Whether `blocker` is one of `M`'s soft edges: its tombstoned rows were deleted just before,
/// and its live rows were refused by the checks, so it needs no probe.
fn covered<M: Model>(blocker: &Blocker) -> bool {
    M::CASCADE_GRAPH.edges.iter().any(|edge| {
        if edge.policy != Policy::Soft {
            return false;
        }
        let table = match edge.target {
            Target::Model(child) if !edge.owned => child.table,
            Target::Itself => M::TABLE,
            _ => return false,
        };
        table.eq_ignore_ascii_case(&blocker.table)
            && edge.column.eq_ignore_ascii_case(&blocker.column)
    })
}

/// [`Error::Referenced`] if a foreign key of `blockers` that `M`'s own soft edges do not cover
/// still references a row of `set`.
pub(crate) async fn refuse_blocked<M, X>(
    x: &mut X,
    set: &dyn RowSet<X::Backend>,
    blockers: &[Blocker],
) -> Result<()>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: ModelOn<X::Backend>,
{
    for blocker in blockers {
        if blocker.referenced_table.eq_ignore_ascii_case(M::TABLE) && !covered::<M>(blocker) {
            refuse_if_referenced::<M, X>(x, set, blocker).await?;
        }
    }
    Ok(())
}

/// [`Error::Referenced`] if a foreign key of `blockers` from another table still references a
/// row of a hard edge's table (`Fk`'s) that references `parent`: a row the edge is about to
/// delete for real. Read from the catalog, so it holds where the database does not enforce the
/// key (SQLite without `PRAGMA foreign_keys`).
pub(crate) async fn refuse_blocked_hard<Parent, Fk, X>(
    x: &mut X,
    parent: &dyn RowSet<X::Backend>,
    blockers: &[Blocker],
) -> Result<()>
where
    X: Executor,
    X::Backend: SupportedBackend,
    Parent: ModelOn<X::Backend>,
    Fk: Column + Default + QueryFragment<X::Backend> + Send + Sync + 'static,
    Fk::Table: Default + QueryFragment<X::Backend> + Send + Sync + 'static,
{
    let hard_table = <X::Backend as SupportedBackend>::table_name::<Fk::Table>();
    for blocker in blockers {
        if !blocker.referenced_table.eq_ignore_ascii_case(&hard_table)
            || blocker.table.eq_ignore_ascii_case(&hard_table)
        {
            continue;
        }
        let mut statement = referencing_count(blocker);
        statement
            .push(statements::referencing::<Parent, Fk, X::Backend>(
                "", parent,
            ))
            .sql(")");
        refuse_counted(x, statement, &hard_table, blocker).await?;
    }
    Ok(())
}

/// `SELECT COUNT(*) FROM <blocker's table> WHERE <its column> IN (SELECT <referenced column>
/// FROM `, to be followed by the rows to delete and `)`: the rows that still reference them.
/// It reads every row of the referencing table, whatever its tombstone, and says so.
fn referencing_count<'s, DB: SupportedBackend>(blocker: &Blocker) -> Statement<'s, DB> {
    let mut statement = Statement::new();
    statement
        .sql(EVERY_ROW)
        .sql(" SELECT COUNT(*) FROM ")
        .ident_owned(&blocker.table)
        .sql(" WHERE ")
        .ident_owned(&blocker.column)
        .sql(" IN (SELECT ")
        .ident_owned(&blocker.referenced_column)
        .sql(" FROM ");
    statement
}

/// Runs a [`referencing_count`]: [`Error::Referenced`] for `table` when it counts any row.
async fn refuse_counted<X>(
    x: &mut X,
    statement: Statement<'_, X::Backend>,
    table: &str,
    blocker: &Blocker,
) -> Result<()>
where
    X: Executor,
    X::Backend: SupportedBackend,
{
    let rows = <X::Backend as SupportedBackend>::count(x, statement).await?;
    Error::unless_unreferenced(
        rows,
        table,
        || format!("{}.{}", blocker.table, blocker.column),
        blocker.name.as_deref(),
    )
}

/// [`Error::Referenced`] if rows outside `set` hold, through `blocker`, a key of a row in it.
async fn refuse_if_referenced<M, X>(
    x: &mut X,
    set: &dyn RowSet<X::Backend>,
    blocker: &Blocker,
) -> Result<()>
where
    X: Executor,
    X::Backend: SupportedBackend,
    M: ModelOn<X::Backend>,
{
    let mut statement = referencing_count(blocker);
    statement.fragment(M::table()).sql(" WHERE ");
    set.condition(&mut statement);
    statement.sql(")");
    if blocker
        .table
        .eq_ignore_ascii_case(&blocker.referenced_table)
    {
        // A self-reference from a row deleted in the same statement does not count.
        statement.sql(" AND NOT (");
        set.condition(&mut statement);
        statement.sql(")");
    }
    refuse_counted(x, statement, M::TABLE, blocker).await
}

/// A foreign key violation raised by the database while deleting rows of `M`'s subtree for
/// real (one the checks could not see coming, such as a concurrent insert) as
/// [`Error::Referenced`]; other errors as they are.
pub(crate) fn referenced<M: Model>(error: Error) -> Error {
    referenced_in(M::TABLE, error)
}

/// A foreign key violation raised while deleting rows of `table` as [`Error::Referenced`],
/// naming the referencing table (or the database's message where it names none) and the
/// constraint where the database gives it; other errors as they are. SQLite reports a foreign
/// key failure without a kind of its own (`FOREIGN KEY constraint failed`), so its message is
/// what tells it.
pub(crate) fn referenced_in(table: &str, error: Error) -> Error {
    let Error::Database(Diesel::DatabaseError(kind, info)) = &error else {
        return error;
    };
    let foreign_key = match kind {
        DatabaseErrorKind::ForeignKeyViolation => true,
        DatabaseErrorKind::Unknown => info.message().contains("FOREIGN KEY constraint failed"),
        _ => false,
    };
    if !foreign_key {
        return error;
    }
    let message = info.message();
    let (table_in_message, constraint_in_message) = named_in_message(message);
    Error::Referenced {
        table: table.to_owned(),
        referenced_by: info
            .table_name()
            .or(table_in_message)
            .unwrap_or(message)
            .to_owned(),
        constraint: info
            .constraint_name()
            .or(constraint_in_message)
            .map(ToOwned::to_owned),
        rows: 0,
    }
}

/// The referencing table and the constraint MySQL and MariaDB name in their message, which
/// Diesel does not take apart: `... a foreign key constraint fails (`db`.`table`, CONSTRAINT
/// `name` FOREIGN KEY ...)`.
fn named_in_message(message: &str) -> (Option<&str>, Option<&str>) {
    let Some((_, rest)) = message.split_once("constraint fails (") else {
        return (None, None);
    };
    let table = rest
        .split_once(", CONSTRAINT")
        .and_then(|(path, _)| path.rsplit('.').next())
        .map(|name| name.trim_matches('`'));
    let constraint = rest
        .split_once("CONSTRAINT `")
        .and_then(|(_, tail)| tail.split_once('`'))
        .map(|(name, _)| name);
    (table, constraint)
}
