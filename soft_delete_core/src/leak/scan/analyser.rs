//! The analyser: a statement walked scope by scope (statements, queries, `FROM` items,
//! subqueries), each reference to a watched table followed to the predicates that filter it.

use core::ops::ControlFlow;
use std::collections::HashMap;

use sqlparser::ast::{
    Expr, FromTable, GroupByExpr, Ident, JoinConstraint, JoinOperator, MergeAction,
    MergeClauseKind, ObjectName, ObjectNamePart, OnConflictAction, OnInsert, Query, Select,
    SelectItem, SelectItemQualifiedWildcardKind, SetExpr, Statement, TableFactor, TableObject,
    TableWithJoins, UpdateTableFromKind, Value, Visit, Visitor,
};

use super::cover::{Cover, column_ref};
use super::parse::Found;
use super::{Dialect, LeakKind, MAX_LEAKS_PER_STATEMENT, Watched};

/// A reference to a watched table still to be judged, as seen from the scope that holds it.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub(super) watched: usize,
    pub(super) kind: LeakKind,
    pub(super) cover: Cover,
    /// The name of the column through which the tombstone is visible here, if any.
    pub(super) column: Option<String>,
}

/// One item of a scope's `FROM`: a table, a derived table or a CTE.
#[derive(Debug)]
pub(super) struct Rel {
    /// The alias, or the table's (or CTE's) own name: what qualifies its columns.
    pub(super) qualifier: Option<String>,
    /// The names of a column alias list (`AS r(a, b)`): its tombstone is unknown by name.
    pub(super) renamed: Option<Vec<String>>,
    pub(super) pendings: Vec<Pending>,
}

/// A column mentioned in an expression: `(qualifier, column)`, folded.
pub(super) type ColumnRef = (Option<String>, String);

pub(super) struct Analyser<'w> {
    pub(super) dialect: Dialect,
    pub(super) watched: &'w [Watched],
    /// Each watched table's `(schema, table, tombstone, key)`, folded.
    pub(super) names: Vec<(Option<String>, String, String, String)>,
    /// The CTE names in scope, innermost last, with what each one's body leaves unfiltered.
    pub(super) ctes: Vec<(String, Option<Vec<Pending>>)>,
    /// Where each CTE name sits in `ctes`, innermost last.
    pub(super) cte_index: HashMap<String, Vec<usize>>,
    pub(super) found: Vec<Found>,
}

impl Analyser<'_> {
    pub(super) fn push_cte(&mut self, name: String, pendings: Option<Vec<Pending>>) {
        self.cte_index
            .entry(name.clone())
            .or_default()
            .push(self.ctes.len());
        self.ctes.push((name, pendings));
    }

    pub(super) fn truncate_ctes(&mut self, len: usize) {
        while self.ctes.len() > len {
            if let Some((name, _)) = self.ctes.pop()
                && let Some(at) = self.cte_index.get_mut(&name)
            {
                at.pop();
                if at.is_empty() {
                    self.cte_index.remove(&name);
                }
            }
        }
    }

    pub(super) fn report(&mut self, pending: &Pending) {
        let (kind, detail) = match pending.cover {
            Cover::Open => (pending.kind, ""),
            Cover::Unsure(why) => (LeakKind::Unsure, why),
            Cover::Deliberate | Cover::Live => return,
        };
        let found = Found {
            watched: pending.watched,
            kind,
            detail,
        };
        if self.found.len() < MAX_LEAKS_PER_STATEMENT && !self.found.contains(&found) {
            self.found.push(found);
        }
    }

    pub(super) fn report_all(&mut self, pendings: &[Pending]) {
        for pending in pendings {
            self.report(pending);
        }
    }

    // ---- statements ----

    pub(super) fn statement(&mut self, statement: &Statement) {
        match statement {
            Statement::Query(query) => {
                let pendings = self.query(query);
                self.report_all(&pendings);
            }
            Statement::Insert(insert) => {
                if let Some(source) = &insert.source {
                    let pendings = self.query(source);
                    self.report_all(&pendings);
                }
                self.subqueries(&insert.assignments, &[]);
                if let TableObject::TableName(name) = &insert.table
                    && let Some(index) = self.table(name)
                {
                    let upsert = match &insert.on {
                        Some(OnInsert::DuplicateKeyUpdate(assignments)) => {
                            self.subqueries(assignments, &[]);
                            true
                        }
                        Some(OnInsert::OnConflict(conflict)) => match &conflict.action {
                            OnConflictAction::DoUpdate(update) => {
                                self.subqueries(&update.assignments, &[]);
                                let mut rel = Rel {
                                    qualifier: Some(self.names[index].1.clone()),
                                    renamed: None,
                                    pendings: vec![self.base(index, LeakKind::Update)],
                                };
                                if let Some(selection) = &update.selection {
                                    self.subqueries(selection, &[]);
                                    let mut rels = [rel];
                                    self.filter(selection, &mut rels, 0..1);
                                    rel = rels.into_iter().next().unwrap_or_else(|| {
                                        unreachable!("one relation in, one out")
                                    });
                                }
                                !rel.pendings[0].cover.done()
                            }
                            OnConflictAction::DoNothing => false,
                        },
                        _ => false,
                    };
                    if upsert {
                        self.report(&Pending {
                            watched: index,
                            kind: LeakKind::Update,
                            cover: Cover::Unsure("an upsert may update a tombstoned row"),
                            column: None,
                        });
                    }
                }
            }
            Statement::Update(update) => {
                let mut rels = Vec::new();
                let mut filters = Vec::new();
                self.from_item(
                    &update.table,
                    &mut rels,
                    &mut filters,
                    Some(LeakKind::Update),
                );
                if let Some(
                    UpdateTableFromKind::BeforeSet(from) | UpdateTableFromKind::AfterSet(from),
                ) = &update.from
                {
                    for item in from {
                        self.from_item(item, &mut rels, &mut filters, None);
                    }
                }
                self.subqueries(&update.assignments, &rels);
                self.finish_filters(filters, &mut rels);
                if let Some(selection) = &update.selection {
                    self.subqueries(selection, &rels);
                    let all = 0..rels.len();
                    self.filter(selection, &mut rels, all);
                }
                for rel in &rels {
                    self.report_all(&rel.pendings);
                }
            }
            Statement::Delete(delete) => {
                let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) =
                    &delete.from;
                let mut rels = Vec::new();
                let mut filters = Vec::new();
                let targets: Vec<String> = delete
                    .tables
                    .iter()
                    .filter_map(|name| last(name).map(|i| self.dialect.fold(i)))
                    .collect();
                for (n, item) in from.iter().enumerate() {
                    let kind = (targets.is_empty() && n == 0).then_some(LeakKind::Delete);
                    self.from_item(item, &mut rels, &mut filters, kind);
                }
                for item in delete.using.iter().flatten() {
                    self.from_item(item, &mut rels, &mut filters, None);
                }
                for rel in &mut rels {
                    if rel.qualifier.as_ref().is_some_and(|q| targets.contains(q)) {
                        for pending in &mut rel.pendings {
                            pending.kind = LeakKind::Delete;
                        }
                    }
                }
                self.finish_filters(filters, &mut rels);
                if let Some(selection) = &delete.selection {
                    self.subqueries(selection, &rels);
                    let all = 0..rels.len();
                    self.filter(selection, &mut rels, all);
                }
                for rel in &rels {
                    self.report_all(&rel.pendings);
                }
            }
            Statement::Truncate(truncate) => {
                for target in &truncate.table_names {
                    if let Some(index) = self.table(&target.name) {
                        let pending = self.base(index, LeakKind::Delete);
                        self.report(&pending);
                    }
                }
            }
            Statement::Merge(merge) => self.merge(merge),
            Statement::Explain {
                analyze,
                statement,
                options,
                ..
            } => {
                let analyse = *analyze
                    || options.iter().flatten().any(|option| {
                        option.name.value.eq_ignore_ascii_case("analyze")
                            && !matches!(
                                &option.arg,
                                Some(Expr::Value(v)) if matches!(v.value, Value::Boolean(false))
                            )
                            && !option
                                .arg
                                .as_ref()
                                .is_some_and(|a| a.to_string().eq_ignore_ascii_case("off"))
                    });
                if analyse {
                    self.statement(statement);
                }
            }
            Statement::CreateTable(create) => {
                if let Some(query) = &create.query {
                    let pendings = self.query(query);
                    self.report_all(&pendings);
                }
            }
            _ => {}
        }
    }

    pub(super) fn merge(&mut self, merge: &sqlparser::ast::Merge) {
        let mut rels = Vec::new();
        let mut filters = Vec::new();
        let target_kind = if merge
            .clauses
            .iter()
            .any(|c| matches!(c.action, MergeAction::Delete { .. }))
        {
            LeakKind::Delete
        } else {
            LeakKind::Update
        };
        self.factor(&merge.table, &mut rels, &mut filters, Some(target_kind));
        let target_end = rels.len();
        self.factor(&merge.source, &mut rels, &mut filters, None);
        self.finish_filters(filters, &mut rels);
        self.subqueries(&*merge.on, &rels);
        for clause in &merge.clauses {
            self.subqueries(clause, &rels);
        }
        let writes_matched = merge.clauses.iter().any(|c| {
            matches!(c.clause_kind, MergeClauseKind::Matched)
                && !matches!(c.action, MergeAction::DoNothing { .. })
        });
        let inserts_unmatched = merge.clauses.iter().any(|c| {
            !matches!(c.clause_kind, MergeClauseKind::Matched)
                && !matches!(c.action, MergeAction::DoNothing { .. })
        });
        // The target: matched rows are written unless `ON` or every matched clause's own
        // condition keeps them live.
        if writes_matched {
            let mut target: Vec<Rel> = rels.drain(..target_end).collect();
            let mut by_on = clone_rels(&target);
            let end = by_on.len();
            self.filter(&merge.on, &mut by_on, 0..end);
            let mut by_clauses: Option<Vec<Rel>> = None;
            for clause in merge
                .clauses
                .iter()
                .filter(|c| matches!(c.clause_kind, MergeClauseKind::Matched))
            {
                let mut rels = clone_rels(&target);
                if let Some(predicate) = &clause.predicate {
                    self.filter(predicate, &mut rels, 0..end);
                }
                by_clauses = Some(match by_clauses {
                    None => rels,
                    Some(mut acc) => {
                        for (a, b) in acc.iter_mut().zip(rels) {
                            for (p, q) in a.pendings.iter_mut().zip(b.pendings) {
                                p.cover = p.cover.worst(q.cover);
                            }
                        }
                        acc
                    }
                });
            }
            for (n, rel) in target.iter_mut().enumerate() {
                for (m, pending) in rel.pendings.iter_mut().enumerate() {
                    let on = by_on[n].pendings[m].cover;
                    let clauses = by_clauses
                        .as_ref()
                        .map_or(Cover::Open, |c| c[n].pendings[m].cover);
                    pending.cover = pending.cover.best(on).best(clauses);
                }
                self.report_all(&rel.pendings);
            }
        }
        // The source: rows `ON` leaves unmatched are inserted, whatever their tombstone.
        let source: Vec<Rel> = if writes_matched {
            rels
        } else {
            rels.split_off(target_end)
        };
        let mut source = source;
        if !inserts_unmatched {
            let end = source.len();
            self.filter(&merge.on, &mut source, 0..end);
        }
        for rel in &source {
            self.report_all(&rel.pendings);
        }
    }

    // ---- queries ----

    /// Judges `query`; returns what it leaves unfiltered, with the output column through which
    /// each one's tombstone is visible.
    pub(super) fn query(&mut self, query: &Query) -> Vec<Pending> {
        let outer = self.ctes.len();
        let mut defined = Vec::new();
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                let name = self.dialect.fold(&cte.alias.name);
                if with.recursive {
                    self.push_cte(name.clone(), None);
                }
                let writes = matches!(
                    *cte.query.body,
                    SetExpr::Insert(_)
                        | SetExpr::Update(_)
                        | SetExpr::Delete(_)
                        | SetExpr::Merge(_)
                );
                let mut pendings = self.query(&cte.query);
                if with.recursive {
                    let len = self.ctes.len() - 1;
                    self.truncate_ctes(len);
                }
                if let Some(columns) = renamed(&cte.alias, self.dialect) {
                    for pending in &mut pendings {
                        pending.column = None;
                        let _ = &columns;
                    }
                }
                if writes {
                    // Run whether read or not: judged now.
                    self.report_all(&pendings);
                    pendings.clear();
                }
                defined.push(self.ctes.len());
                self.push_cte(name, Some(pendings));
            }
        }
        let pendings = self.set_expr(&query.body);
        if let Some(order_by) = &query.order_by {
            self.subqueries(order_by, &[]);
        }
        if let Some(limit) = &query.limit_clause {
            self.subqueries(limit, &[]);
        }
        self.truncate_ctes(outer);
        pendings
    }

    pub(super) fn set_expr(&mut self, body: &SetExpr) -> Vec<Pending> {
        match body {
            SetExpr::Select(select) => self.select(select),
            SetExpr::Query(query) => self.query(query),
            SetExpr::SetOperation { left, right, .. } => {
                // A chain of set operations is left-deep: walk its spine in a loop.
                let mut branches = vec![&**right];
                let mut node = &**left;
                while let SetExpr::SetOperation { left, right, .. } = node {
                    branches.push(right);
                    node = left;
                }
                branches.push(node);
                let mut pendings = Vec::new();
                for branch in branches.into_iter().rev() {
                    for mut pending in self.set_expr(branch) {
                        // Which output column carries it is positional: not followed.
                        pending.column = None;
                        if !pending.cover.done() {
                            self.report(&pending);
                        }
                        let _ = &mut pendings;
                    }
                }
                pendings
            }
            SetExpr::Values(values) => {
                self.subqueries(values, &[]);
                Vec::new()
            }
            SetExpr::Insert(statement)
            | SetExpr::Update(statement)
            | SetExpr::Delete(statement)
            | SetExpr::Merge(statement) => {
                self.statement(statement);
                Vec::new()
            }
            SetExpr::Table(table) => {
                let Some(name) = &table.table_name else {
                    return Vec::new();
                };
                let object = ObjectName(
                    table
                        .schema_name
                        .iter()
                        .chain(Some(name))
                        .map(|ident| ObjectNamePart::Identifier(ident.clone()))
                        .collect(),
                );
                match self.cte(&object) {
                    Some(Some(pendings)) => pendings,
                    Some(None) => Vec::new(),
                    None => self
                        .table(&object)
                        .map(|index| vec![self.base(index, LeakKind::Read)])
                        .unwrap_or_default(),
                }
            }
        }
    }

    pub(super) fn select(&mut self, select: &Select) -> Vec<Pending> {
        let mut rels = Vec::new();
        let mut filters = Vec::new();
        for item in &select.from {
            self.from_item(item, &mut rels, &mut filters, None);
        }
        self.finish_filters(filters, &mut rels);
        self.subqueries(&select.projection, &rels);
        if let Some(selection) = &select.selection {
            self.subqueries(selection, &rels);
            let all = 0..rels.len();
            self.filter(selection, &mut rels, all);
        }
        self.subqueries(&select.group_by, &rels);
        if let Some(having) = &select.having {
            self.subqueries(having, &rels);
            let all = 0..rels.len();
            self.filter(having, &mut rels, all);
        }
        if let Some(qualify) = &select.qualify {
            self.subqueries(qualify, &rels);
        }
        self.aggregate_filters(select, &mut rels);
        // What is left unfiltered: passed to the caller with the output column that carries
        // its tombstone, if the projection passes it through.
        let mut out = Vec::new();
        for (n, rel) in rels.iter().enumerate() {
            for pending in &rel.pendings {
                if pending.cover.done() {
                    continue;
                }
                let mut pending = pending.clone();
                pending.column = self.exposed(select, &rels, n, &pending);
                out.push(pending);
            }
        }
        out
    }

    /// The name under which `select` outputs the tombstone of `pending` (in `rels[n]`).
    pub(super) fn exposed(
        &self,
        select: &Select,
        rels: &[Rel],
        n: usize,
        pending: &Pending,
    ) -> Option<String> {
        let column = pending.column.as_ref()?;
        for item in &select.projection {
            match item {
                SelectItem::Wildcard(_) => return Some(column.clone()),
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(name),
                    _,
                ) => {
                    if last(name).map(|i| self.dialect.fold(i)) == rels[n].qualifier {
                        return Some(column.clone());
                    }
                }
                SelectItem::UnnamedExpr(expr) => {
                    if self.names_tombstone(expr, rels, n, column) {
                        return Some(column.clone());
                    }
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    if self.names_tombstone(expr, rels, n, column) {
                        return Some(self.dialect.fold_column(alias));
                    }
                }
                _ => {}
            }
        }
        None
    }

    pub(super) fn names_tombstone(
        &self,
        expr: &Expr,
        rels: &[Rel],
        n: usize,
        column: &str,
    ) -> bool {
        column_ref(expr, self.dialect).is_some_and(|r| self.refers(&r, rels, n, column))
    }

    /// Whether column `r` is `column` of `rels[n]`.
    pub(super) fn refers(&self, r: &ColumnRef, rels: &[Rel], n: usize, column: &str) -> bool {
        if r.1 != column {
            return false;
        }
        match &r.0 {
            Some(qualifier) => rels[n].qualifier.as_ref() == Some(qualifier),
            None => {
                // Unqualified: the scope's relations that have such a column; a database
                // refuses an ambiguous name, so each candidate is this one.
                rels[n]
                    .pendings
                    .iter()
                    .any(|p| p.column.as_deref() == Some(column))
            }
        }
    }

    /// A `SELECT` without `GROUP BY` whose every output is a constant or an aggregate with a
    /// `FILTER (WHERE ...)`: its reads are as filtered as the weakest filter.
    pub(super) fn aggregate_filters(&self, select: &Select, rels: &mut [Rel]) {
        let grouped = match &select.group_by {
            GroupByExpr::All(_) => true,
            GroupByExpr::Expressions(exprs, _) => !exprs.is_empty(),
        };
        if grouped || select.having.is_some() || select.projection.is_empty() {
            return;
        }
        let mut filters = Vec::new();
        for item in &select.projection {
            let expr = match item {
                SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => expr,
                _ => return,
            };
            match expr {
                Expr::Value(_) => {}
                Expr::Function(function) if function.over.is_none() => match &function.filter {
                    Some(filter) => filters.push(&**filter),
                    None => return,
                },
                _ => return,
            }
        }
        if filters.is_empty() {
            return;
        }
        for n in 0..rels.len() {
            for m in 0..rels[n].pendings.len() {
                if rels[n].pendings[m].cover.done() {
                    continue;
                }
                let cover = filters
                    .iter()
                    .map(|f| self.cover(f, rels, n, m))
                    .reduce(Cover::worst)
                    .unwrap_or(Cover::Open);
                let pending = &mut rels[n].pendings[m];
                pending.cover = pending.cover.best(cover);
            }
        }
    }

    // ---- FROM ----

    /// The base reference to watched table `index`.
    pub(super) fn base(&self, index: usize, kind: LeakKind) -> Pending {
        Pending {
            watched: index,
            kind,
            cover: Cover::Open,
            column: Some(self.names[index].2.clone()),
        }
    }

    /// Adds the relations of one `FROM` item; records the join predicates with the relations
    /// each filters, in `filters`, to apply once every relation is known.
    pub(super) fn from_item(
        &mut self,
        item: &TableWithJoins,
        rels: &mut Vec<Rel>,
        filters: &mut Vec<(Expr, core::ops::Range<usize>, core::ops::Range<usize>)>,
        kind: Option<LeakKind>,
    ) {
        let start = rels.len();
        self.factor(&item.relation, rels, filters, kind);
        for join in &item.joins {
            let left = start..rels.len();
            self.factor(&join.relation, rels, filters, None);
            let right = left.end..rels.len();
            let (constraint, filtered) = match &join.join_operator {
                JoinOperator::Join(c)
                | JoinOperator::Inner(c)
                | JoinOperator::CrossJoin(c)
                | JoinOperator::StraightJoin(c)
                | JoinOperator::Semi(c)
                | JoinOperator::LeftSemi(c) => (c, start..right.end),
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (c, right.clone()),
                JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (c, left.clone()),
                JoinOperator::FullOuter(c) => (c, right.end..right.end),
                _ => continue,
            };
            if let JoinConstraint::On(on) = constraint {
                filters.push((on.clone(), start..right.end, filtered));
            }
        }
    }

    pub(super) fn finish_filters(
        &mut self,
        filters: Vec<(Expr, core::ops::Range<usize>, core::ops::Range<usize>)>,
        rels: &mut [Rel],
    ) {
        let index = qualifier_index(rels);
        for (on, visible, filtered) in filters {
            self.subqueries(&on, &[]);
            // Only the relations the join can see: `filtered` lies within `visible`.
            let _ = visible;
            self.filter_indexed(&on, rels, filtered, &index);
        }
    }

    pub(super) fn factor(
        &mut self,
        factor: &TableFactor,
        rels: &mut Vec<Rel>,
        filters: &mut Vec<(Expr, core::ops::Range<usize>, core::ops::Range<usize>)>,
        kind: Option<LeakKind>,
    ) {
        match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                if let Some(args) = args {
                    self.subqueries(&args.args, rels);
                }
                let own = last(name).map(|i| self.dialect.fold(i));
                let qualifier = alias.as_ref().map(|a| self.dialect.fold(&a.name)).or(own);
                let renamed = alias.as_ref().and_then(|a| renamed(a, self.dialect));
                let pendings = if args.is_some() {
                    Vec::new()
                } else if let Some(cte) = self.cte(name) {
                    cte.unwrap_or_default()
                } else if let Some(index) = self.table(name) {
                    let mut base = self.base(index, kind.unwrap_or(LeakKind::Read));
                    if renamed.is_some() {
                        // Renamed column by column: which name is the tombstone is unknown.
                        base.column = None;
                    }
                    vec![base]
                } else {
                    Vec::new()
                };
                rels.push(Rel {
                    qualifier,
                    renamed,
                    pendings,
                });
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let pendings = self.query(subquery);
                rels.push(Rel {
                    qualifier: alias.as_ref().map(|a| self.dialect.fold(&a.name)),
                    renamed: alias.as_ref().and_then(|a| renamed(a, self.dialect)),
                    pendings,
                });
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let start = rels.len();
                self.from_item(table_with_joins, rels, filters, kind);
                if let Some(alias) = alias {
                    let qualifier = self.dialect.fold(&alias.name);
                    for rel in &mut rels[start..] {
                        rel.qualifier = Some(qualifier.clone());
                    }
                }
            }
            other => {
                // Table functions, UNNEST, PIVOT...: their arguments may hold subqueries.
                self.subqueries(other, rels);
                rels.push(Rel {
                    qualifier: None,
                    renamed: None,
                    pendings: Vec::new(),
                });
            }
        }
    }

    /// The CTE in scope that an unqualified `name` means: `Some(pendings)` (`None` inside its
    /// own recursive body).
    pub(super) fn cte(&self, name: &ObjectName) -> Option<Option<Vec<Pending>>> {
        if name.0.len() != 1 {
            return None;
        }
        let folded = self.dialect.fold(last(name)?);
        let &at = self.cte_index.get(&folded)?.last()?;
        Some(self.ctes[at].1.clone())
    }

    /// The watched table `name` means, if any.
    pub(super) fn table(&self, name: &ObjectName) -> Option<usize> {
        let idents: Vec<&Ident> = name
            .0
            .iter()
            .filter_map(|part| match part {
                ObjectNamePart::Identifier(ident) => Some(ident),
                ObjectNamePart::Function(_) => None,
            })
            .collect();
        let (&table, rest) = idents.split_last()?;
        let table = self.dialect.fold(table);
        let schema = rest.last().map(|s| self.dialect.fold(s));
        self.names.iter().position(|(w_schema, w_table, _, _)| {
            *w_table == table
                && match (w_schema, &schema) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
        })
    }

    // ---- subqueries in expressions ----

    /// Judges every subquery in `node` (outside derived tables, which `factor` judges).
    pub(super) fn subqueries<V: Visit + ?Sized>(&mut self, node: &V, _scope: &[Rel]) {
        let mut finder = Subqueries {
            analyser: self,
            depth: 0,
            derived: 0,
        };
        let _ = node.visit(&mut finder);
    }
}

pub(super) struct Subqueries<'a, 'w> {
    pub(super) analyser: &'a mut Analyser<'w>,
    /// How many queries deep the visit is.
    pub(super) depth: usize,
    /// Derived tables entered at depth 0, whose query `factor` judges.
    pub(super) derived: usize,
}

impl Visitor for Subqueries<'_, '_> {
    type Break = ();

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if self.depth == 0 && matches!(factor, TableFactor::Derived { .. }) {
            self.derived += 1;
        }
        ControlFlow::Continue(())
    }

    fn post_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if self.depth == 0 && matches!(factor, TableFactor::Derived { .. }) {
            self.derived -= 1;
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if self.depth == 0 && self.derived == 0 {
            let pendings = self.analyser.query(query);
            self.analyser.report_all(&pendings);
        }
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        // SQLite's `x IN table`: a read of the whole table.
        if self.depth == 0
            && let Expr::In {
                target: sqlparser::ast::InTarget::Table { name, args: None },
                ..
            } = expr
            && self.analyser.cte(name).is_none()
            && let Some(index) = self.analyser.table(name)
        {
            let pending = self.analyser.base(index, LeakKind::Read);
            self.analyser.report(&pending);
        }
        ControlFlow::Continue(())
    }
}

/// Each qualifier of a scope, with the relations it names.
pub(super) fn qualifier_index(rels: &[Rel]) -> HashMap<String, Vec<usize>> {
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, rel) in rels.iter().enumerate() {
        if let Some(q) = &rel.qualifier {
            index.entry(q.clone()).or_default().push(n);
        }
    }
    index
}

pub(super) fn clone_rels(rels: &[Rel]) -> Vec<Rel> {
    rels.iter()
        .map(|rel| Rel {
            qualifier: rel.qualifier.clone(),
            renamed: rel.renamed.clone(),
            pendings: rel.pendings.clone(),
        })
        .collect()
}

pub(super) fn last(name: &ObjectName) -> Option<&Ident> {
    match name.0.last()? {
        ObjectNamePart::Identifier(ident) => Some(ident),
        ObjectNamePart::Function(_) => None,
    }
}

/// The column alias list of an alias, folded.
pub(super) fn renamed(alias: &sqlparser::ast::TableAlias, dialect: Dialect) -> Option<Vec<String>> {
    (!alias.columns.is_empty()).then(|| {
        alias
            .columns
            .iter()
            .map(|c| dialect.fold_column(&c.name))
            .collect()
    })
}
