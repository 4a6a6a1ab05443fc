//! What predicates do to a reference's tombstone: [`Cover`], from open to live, and the
//! analyser's judgement of `WHERE`, `ON`, `HAVING` and `FILTER` expressions.

use core::ops::ControlFlow;
use std::collections::HashMap;

use sqlparser::ast::{
    BinaryOperator, Expr, Query, SelectItem, SetExpr, TableFactor, UnaryOperator, Value, Visit,
    Visitor,
};

use super::analyser::{Analyser, ColumnRef, Rel, last, qualifier_index, renamed};
use super::{Dialect, LeakKind};
use crate::model::TombstoneKind;

/// How well the predicates seen so far restrict one reference's tombstone, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cover {
    /// Nothing restricts it: tombstoned rows pass.
    Open,
    /// Restricted in a way the scanner cannot judge.
    Unsure(&'static str),
    /// Tombstoned rows are read on purpose (the trash, `with_deleted`, a stamp).
    Deliberate,
    /// Only live rows pass.
    Live,
}

impl Cover {
    pub(super) fn rank(self) -> u8 {
        match self {
            Cover::Open => 0,
            Cover::Unsure(_) => 1,
            Cover::Deliberate => 2,
            Cover::Live => 3,
        }
    }

    pub(super) fn best(self, other: Cover) -> Cover {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    pub(super) fn worst(self, other: Cover) -> Cover {
        if other.rank() < self.rank() {
            other
        } else {
            self
        }
    }

    pub(super) fn done(self) -> bool {
        self.rank() >= 2
    }
}

impl Analyser<'_> {
    /// Applies predicate `expr` to the relations `filtered` of `rels`: only to those its
    /// columns name (looked up by qualifier and column, so a join's `ON` costs what it
    /// mentions, not what precedes it), or to every one when it is a constant.
    pub(super) fn filter(&self, expr: &Expr, rels: &mut [Rel], filtered: core::ops::Range<usize>) {
        let index = qualifier_index(rels);
        self.filter_indexed(expr, rels, filtered, &index);
    }

    pub(super) fn filter_indexed(
        &self,
        expr: &Expr,
        rels: &mut [Rel],
        filtered: core::ops::Range<usize>,
        index: &HashMap<String, Vec<usize>>,
    ) {
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        if is_literal(expr) {
            for n in filtered.clone() {
                candidates.extend((0..rels[n].pendings.len()).map(|m| (n, m)));
            }
        } else {
            let mentioned = columns(expr, self.dialect);
            if mentioned.is_empty() {
                return;
            }
            let mut qualifiers: Vec<&str> = Vec::new();
            let mut unqualified: std::collections::HashSet<&str> = std::collections::HashSet::new();
            for (qualifier, column) in &mentioned {
                match qualifier {
                    Some(q) => qualifiers.push(q.as_str()),
                    None => {
                        unqualified.insert(column.as_str());
                    }
                }
            }
            // Qualified names through the scope's index: a join's `ON` costs what it names.
            for q in qualifiers {
                for &n in index.get(q).map_or(&[][..], Vec::as_slice) {
                    if filtered.contains(&n) && !candidates.iter().any(|&(c, _)| c == n) {
                        candidates.extend((0..rels[n].pendings.len()).map(|m| (n, m)));
                    }
                }
            }
            // Unqualified names: every relation of the range that may have the column.
            if !unqualified.is_empty() {
                for n in filtered.clone() {
                    let rel = &rels[n];
                    let by_column = rel.renamed.is_some()
                        || rel.pendings.iter().any(|p| {
                            p.column.as_deref().is_some_and(|c| unqualified.contains(c))
                                || unqualified.contains(self.names[p.watched].3.as_str())
                        });
                    if by_column && !candidates.iter().any(|&(c, _)| c == n) {
                        candidates.extend((0..rel.pendings.len()).map(|m| (n, m)));
                    }
                }
            }
        }
        let covers: Vec<(usize, usize, Cover)> = candidates
            .into_iter()
            .filter(|&(n, m)| rels[n].pendings[m].cover.rank() < 3)
            .map(|(n, m)| (n, m, self.cover(expr, rels, n, m)))
            .collect();
        for (n, m, cover) in covers {
            let pending = &mut rels[n].pendings[m];
            pending.cover = pending.cover.best(cover);
        }
    }

    /// Whether column `r` may touch `rels[n].pendings[m]`: its tombstone, or any column of a
    /// renamed relation.
    pub(super) fn touches(&self, r: &ColumnRef, rels: &[Rel], n: usize, m: usize) -> bool {
        if let Some(column) = &rels[n].pendings[m].column
            && self.refers(r, rels, n, column)
        {
            return true;
        }
        self.renamed_mention(r, &rels[n])
    }

    pub(super) fn renamed_mention(&self, r: &ColumnRef, rel: &Rel) -> bool {
        let Some(columns) = &rel.renamed else {
            return false;
        };
        match &r.0 {
            Some(qualifier) => rel.qualifier.as_ref() == Some(qualifier),
            None => columns.contains(&r.1),
        }
    }

    /// How `expr`, a filter, restricts the tombstone of `rels[n].pendings[m]`.
    pub(super) fn cover(&self, expr: &Expr, rels: &[Rel], n: usize, m: usize) -> Cover {
        let pending = &rels[n].pendings[m];
        let is_tombstone = |e: &Expr| {
            column_ref(e, self.dialect).is_some_and(|r| {
                pending
                    .column
                    .as_ref()
                    .is_some_and(|c| self.refers(&r, rels, n, c))
            })
        };
        let mentions = |e: &Expr| {
            columns(e, self.dialect)
                .iter()
                .any(|r| self.touches(r, rels, n, m))
        };
        let flag = self.watched[pending.watched].kind == Some(TombstoneKind::Flag);
        match expr {
            Expr::Nested(inner) => self.cover(inner, rels, n, m),
            Expr::BinaryOp {
                left,
                op: BinaryOperator::And,
                right,
            } => {
                // Left-deep chains: walk the spine in a loop.
                let mut cover = self.cover(right, rels, n, m);
                let mut node = &**left;
                while let Expr::BinaryOp {
                    left,
                    op: BinaryOperator::And,
                    right,
                } = node
                {
                    cover = cover.best(self.cover(right, rels, n, m));
                    node = left;
                }
                cover.best(self.cover(node, rels, n, m))
            }
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Or,
                right,
            } => {
                let mut covers = vec![self.cover(right, rels, n, m)];
                let mut node = &**left;
                while let Expr::BinaryOp {
                    left,
                    op: BinaryOperator::Or,
                    right,
                } = node
                {
                    covers.push(self.cover(right, rels, n, m));
                    node = left;
                }
                covers.push(self.cover(node, rels, n, m));
                if covers.iter().all(|c| *c == Cover::Live) {
                    Cover::Live
                } else {
                    covers
                        .into_iter()
                        .reduce(Cover::worst)
                        .unwrap_or(Cover::Open)
                }
            }
            Expr::Value(value) => match value.value {
                Value::Boolean(false) | Value::Null => Cover::Live,
                Value::Number(ref n, _) if n.parse::<f64>() == Ok(0.0) => Cover::Live,
                _ => Cover::Open,
            },
            Expr::IsNull(inner) if is_tombstone(inner) => Cover::Live,
            Expr::IsNotNull(inner) if is_tombstone(inner) => {
                if flag {
                    Cover::Open
                } else {
                    Cover::Deliberate
                }
            }
            Expr::IsFalse(inner) | Expr::IsNotTrue(inner) if is_tombstone(inner) => Cover::Live,
            Expr::IsTrue(inner) | Expr::IsNotFalse(inner) if is_tombstone(inner) => {
                Cover::Deliberate
            }
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr: inner,
            } => {
                if is_tombstone(inner) {
                    return Cover::Live;
                }
                match strip(inner) {
                    Expr::IsNull(e) if is_tombstone(e) => {
                        if flag {
                            Cover::Open
                        } else {
                            Cover::Deliberate
                        }
                    }
                    Expr::IsNotNull(e) if is_tombstone(e) => Cover::Live,
                    e if mentions(e) => Cover::Unsure("the tombstone is tested under a NOT"),
                    _ => Cover::Open,
                }
            }
            Expr::BinaryOp { left, op, right } if is_tombstone(left) || is_tombstone(right) => {
                let other = if is_tombstone(left) { right } else { left };
                let truth = literal_truth(other);
                if mentions(other) || !columns(other, self.dialect).is_empty() {
                    return Cover::Unsure("the tombstone is compared with a column");
                }
                match (op, truth, flag) {
                    (BinaryOperator::Eq, Some(false), _)
                    | (BinaryOperator::NotEq, Some(true), _) => Cover::Live,
                    (BinaryOperator::Eq | BinaryOperator::NotEq, _, true) => Cover::Deliberate,
                    // A timestamp compared with any value: NULL never compares true, so only
                    // tombstoned rows pass (a stamp, a cut-off).
                    (
                        BinaryOperator::Eq
                        | BinaryOperator::NotEq
                        | BinaryOperator::Lt
                        | BinaryOperator::LtEq
                        | BinaryOperator::Gt
                        | BinaryOperator::GtEq,
                        _,
                        false,
                    ) => Cover::Deliberate,
                    _ => Cover::Unsure(
                        "the tombstone is compared in a way the detector cannot judge",
                    ),
                }
            }
            Expr::In {
                expr: inner,
                target: sqlparser::ast::InTarget::Subquery(subquery),
                negated: false,
                ..
            } => {
                if self.live_keys(inner, subquery, rels, n, m) {
                    Cover::Live
                } else if mentions(expr) {
                    Cover::Unsure("the tombstone is tested against a subquery")
                } else {
                    Cover::Open
                }
            }
            Expr::Between { expr: inner, .. } | Expr::In { expr: inner, .. }
                if is_tombstone(inner) && !flag =>
            {
                Cover::Deliberate
            }
            e if mentions(e) && rels[n].renamed.is_some() => {
                Cover::Unsure("the table's columns are renamed by an alias list")
            }
            e if mentions(e) => Cover::Unsure("the tombstone is used in an expression"),
            _ => Cover::Open,
        }
    }

    /// `key IN (SELECT key FROM table WHERE <live>)`, the key of the same watched table.
    pub(super) fn live_keys(
        &self,
        key: &Expr,
        subquery: &Query,
        rels: &[Rel],
        n: usize,
        m: usize,
    ) -> bool {
        let pending = &rels[n].pendings[m];
        let key_name = &self.names[pending.watched].3;
        let Some(r) = column_ref(key, self.dialect) else {
            return false;
        };
        // The key must be the base table's own (not through a derived table).
        if pending.column.as_deref() != Some(self.names[pending.watched].2.as_str())
            || r.1 != *key_name
            || !(r.0.is_none() || r.0 == rels[n].qualifier)
            || rels[n].renamed.is_some()
        {
            return false;
        }
        if subquery.with.is_some() {
            return false;
        }
        let SetExpr::Select(select) = &*subquery.body else {
            return false;
        };
        let [item] = select.from.as_slice() else {
            return false;
        };
        let [SelectItem::UnnamedExpr(projected)] = select.projection.as_slice() else {
            return false;
        };
        if !item.joins.is_empty()
            || column_ref(projected, self.dialect).is_none_or(|p| p.1 != *key_name)
        {
            return false;
        }
        let TableFactor::Table {
            name,
            alias,
            args: None,
            ..
        } = &item.relation
        else {
            return false;
        };
        if self.cte(name).is_some() || self.table(name) != Some(pending.watched) {
            return false;
        }
        let Some(selection) = &select.selection else {
            return false;
        };
        let inner = [Rel {
            qualifier: alias
                .as_ref()
                .map(|a| self.dialect.fold(&a.name))
                .or_else(|| last(name).map(|i| self.dialect.fold(i))),
            renamed: alias.as_ref().and_then(|a| renamed(a, self.dialect)),
            pendings: vec![self.base(pending.watched, LeakKind::Read)],
        }];
        self.cover(selection, &inner, 0, 0) == Cover::Live
    }
}

pub(super) fn strip(mut expr: &Expr) -> &Expr {
    while let Expr::Nested(inner) = expr {
        expr = inner;
    }
    expr
}

pub(super) fn is_literal(expr: &Expr) -> bool {
    matches!(strip(expr), Expr::Value(_))
}

/// `true`, `false`, `1`, `0` as a truth value.
pub(super) fn literal_truth(expr: &Expr) -> Option<bool> {
    match &strip(expr) {
        Expr::Value(value) => match &value.value {
            Value::Boolean(b) => Some(*b),
            Value::Number(n, _) => n.parse::<f64>().ok().map(|n| n != 0.0),
            _ => None,
        },
        _ => None,
    }
}

/// `expr` as a column reference.
pub(super) fn column_ref(expr: &Expr, dialect: Dialect) -> Option<ColumnRef> {
    match strip(expr) {
        Expr::Identifier(ident) => Some((None, dialect.fold_column(ident))),
        Expr::CompoundIdentifier(parts) => {
            let (column, rest) = parts.split_last()?;
            Some((
                rest.last().map(|q| dialect.fold(q)),
                dialect.fold_column(column),
            ))
        }
        _ => None,
    }
}

/// Every column `expr` mentions outside its subqueries.
pub(super) fn columns(expr: &Expr, dialect: Dialect) -> Vec<ColumnRef> {
    struct Columns {
        dialect: Dialect,
        depth: usize,
        found: Vec<ColumnRef>,
    }
    impl Visitor for Columns {
        type Break = ();
        fn pre_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            self.depth += 1;
            ControlFlow::Continue(())
        }
        fn post_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
            self.depth -= 1;
            ControlFlow::Continue(())
        }
        fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
            if self.depth == 0
                && let Some(r) = column_ref(expr, self.dialect)
                && matches!(expr, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
            {
                self.found.push(r);
            }
            ControlFlow::Continue(())
        }
    }
    let mut visitor = Columns {
        dialect,
        depth: 0,
        found: Vec::new(),
    };
    let _ = expr.visit(&mut visitor);
    visitor.found
}
