//! A model's cascade graph as a compile-time constant, printable as Mermaid or DOT.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::TombstoneKind;

/// What a cascade edge does to the rows it reaches.
///
/// ```
/// use soft_delete_core::cascade::Policy;
///
/// assert_eq!(Policy::Restrict.to_string(), "restrict");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Policy {
    /// Tombstone the child rows, and restore them with the parent.
    Soft,
    /// Delete the child rows for real at soft-delete time: a restore brings the parent back
    /// without them. For rows the parent cannot live without (its configuration), use
    /// [`WithParent`](Policy::WithParent).
    Hard,
    /// Refuse the whole operation while live child rows exist.
    Restrict,
    /// Leave the child rows alone: they outlive the parent on purpose (a fork, a log, a
    /// `deleted_by` column). Declaring it tells the schema audit the reference is meant.
    Keep,
    /// The child rows live and die with the parent: a soft delete and a restore leave them
    /// alone, the parent's purge and hard delete delete them for real, children first, in the
    /// same transaction.
    WithParent,
}

impl Policy {
    /// What the edge does, in a few words, for the graph's edge labels: the lossy `hard`
    /// says that a soft delete loses the rows.
    ///
    /// ```
    /// use soft_delete_core::cascade::Policy;
    ///
    /// assert_eq!(Policy::Hard.effect(), "deleted by a soft delete, never restored");
    /// assert_eq!(Policy::WithParent.effect(), "kept, deleted by purge and hard delete");
    /// ```
    #[must_use]
    pub fn effect(self) -> &'static str {
        match self {
            Policy::Soft => "tombstoned and restored with it",
            Policy::Hard => "deleted by a soft delete, never restored",
            Policy::Restrict => "refuses the delete while live",
            Policy::Keep => "outlive it",
            Policy::WithParent => "kept, deleted by purge and hard delete",
        }
    }
}

impl core::fmt::Display for Policy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Policy::Soft => "soft",
            Policy::Hard => "hard",
            Policy::Restrict => "restrict",
            Policy::Keep => "keep",
            Policy::WithParent => "with_parent",
        })
    }
}

/// The graph of the model an edge leads to, reached through a function rather than embedded.
///
/// A model's graph is a constant, and so is each of its edges; if an edge embedded its child's
/// graph, two models cascading to each other would make a constant that contains itself, which
/// the compiler can only refuse with its own cycle error. Through a function, each graph is a
/// finite constant; the derive reports a cycle itself, naming the models. It dereferences to
/// the child's [`CascadeGraph`], so `child.table` reads as before.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::model::graph::GraphRef;
///
/// let repo = GraphRef::of::<Repo>();
/// assert_eq!(repo.table, "repos");
/// assert!(core::ptr::eq(repo.get(), repo.get()));
/// ```
#[derive(Clone, Copy)]
pub struct GraphRef(fn() -> &'static CascadeGraph);

impl GraphRef {
    /// The graph `graph` returns: for a graph written by hand, `GraphRef::new(|| &POSTS)`.
    #[must_use]
    pub const fn new(graph: fn() -> &'static CascadeGraph) -> Self {
        GraphRef(graph)
    }

    /// The graph of model `M`.
    #[must_use]
    pub const fn of<M: super::Model>() -> Self {
        GraphRef(graph_of::<M>)
    }

    /// The graph.
    #[must_use]
    pub fn get(self) -> &'static CascadeGraph {
        (self.0)()
    }
}

/// `M`'s graph, promoted to a `'static` constant.
fn graph_of<M: super::Model>() -> &'static CascadeGraph {
    &M::CASCADE_GRAPH
}

impl core::ops::Deref for GraphRef {
    type Target = CascadeGraph;

    fn deref(&self) -> &CascadeGraph {
        self.get()
    }
}

/// Two references are equal when they lead to the same model; the graphs behind them are not
/// compared, so comparing never walks a graph.
impl PartialEq for GraphRef {
    fn eq(&self, other: &Self) -> bool {
        let (this, other) = (self.get(), other.get());
        this.model == other.model && this.table == other.table
    }
}

impl Eq for GraphRef {}

impl core::fmt::Debug for GraphRef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let graph = self.get();
        write!(f, "GraphRef({} -> {})", graph.model, graph.table)
    }
}

/// Where an edge leads.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::cascade::Target;
///
/// let target = Target::Other("webhooks");
/// assert_ne!(target, Target::Itself);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// Another soft-deletable model, with its own graph.
    Model(GraphRef),
    /// The same model: a self-referencing tree (replies, folders).
    Itself,
    /// A table that is not soft-deletable, by its SQL name.
    Other(&'static str),
}

/// One edge of a [`CascadeGraph`]; the derive builds them with the constructors below.
///
/// ```
/// use soft_delete_core::cascade::{GraphEdge, Policy, Target};
///
/// let edge = GraphEdge::other("webhooks", "repo_id", Policy::Hard);
/// assert_eq!((edge.target, edge.column, edge.owned), (Target::Other("webhooks"), "repo_id", false));
/// assert_eq!(GraphEdge::tree("parent_id").target, Target::Itself);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphEdge {
    /// Where the edge leads.
    pub target: Target,
    /// The column that links the two tables.
    pub column: &'static str,
    /// `true` when the column sits on the parent and holds the child's key (an owned record);
    /// `false` when it sits on the child and holds the parent's key.
    pub owned: bool,
    /// What the edge does.
    pub policy: Policy,
}

impl GraphEdge {
    /// An edge to a soft-deletable model whose foreign key `column` sits on the child.
    #[must_use]
    pub const fn soft(child: GraphRef, column: &'static str) -> Self {
        GraphEdge {
            target: Target::Model(child),
            column,
            owned: false,
            policy: Policy::Soft,
        }
    }

    /// An edge to an owned soft-deletable model whose key the parent's `column` holds.
    #[must_use]
    pub const fn owned(child: GraphRef, column: &'static str) -> Self {
        GraphEdge {
            target: Target::Model(child),
            column,
            owned: true,
            policy: Policy::Soft,
        }
    }

    /// A self-referencing edge through `column`.
    #[must_use]
    pub const fn tree(column: &'static str) -> Self {
        GraphEdge {
            target: Target::Itself,
            column,
            owned: false,
            policy: Policy::Soft,
        }
    }

    /// A self-referencing column whose rows are kept when the row they point at is deleted
    /// (`#[cascade(Self(keep, foreign_key = repos::fork_parent_id))]`).
    ///
    /// ```
    /// use soft_delete_core::cascade::{GraphEdge, Policy, Target};
    ///
    /// let forks = GraphEdge::kept_self("fork_parent_id");
    /// assert_eq!((forks.target, forks.policy), (Target::Itself, Policy::Keep));
    /// ```
    #[must_use]
    pub const fn kept_self(column: &'static str) -> Self {
        GraphEdge {
            target: Target::Itself,
            column,
            owned: false,
            policy: Policy::Keep,
        }
    }

    /// An edge to table `table` (by its SQL name), which is not soft-deletable, with `policy`
    /// (`hard`, `restrict`, `keep`).
    #[must_use]
    pub const fn other(table: &'static str, column: &'static str, policy: Policy) -> Self {
        GraphEdge {
            target: Target::Other(table),
            column,
            owned: false,
            policy,
        }
    }
}

/// A model's cascade graph: its table and tombstone, and the edges to what deleting one of its
/// rows also reaches, recursively.
///
/// Every model has one as [`Model::CASCADE_GRAPH`](super::Model::CASCADE_GRAPH);
/// the derive adds `Model::cascade_graph()`.
///
/// ```
/// # soft_delete_core::__doc_fixture!();
/// use soft_delete_core::SoftDelete;
///
/// let graph = Repo::cascade_graph();
/// assert_eq!(graph.table, "repos");
/// assert!(graph.to_mermaid().starts_with("flowchart TD"));
/// assert!(graph.to_dot().starts_with("digraph cascade {"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CascadeGraph {
    /// The model's name.
    pub model: &'static str,
    /// Its table, as named in the Diesel schema.
    pub table: &'static str,
    /// Its tombstone column.
    pub tombstone: &'static str,
    /// Its tombstone's kind.
    pub kind: TombstoneKind,
    /// Its actor column (`#[soft_delete(deleted_by = ...)]`), if it records who deleted a row.
    pub actor: Option<&'static str>,
    /// The edges leaving it.
    pub edges: &'static [GraphEdge],
}

/// One line of a graph, ready for either notation.
struct Line {
    from: &'static str,
    to: &'static str,
    label: String,
}

impl CascadeGraph {
    /// Every node and edge reachable from this model, each once.
    fn walk(&'static self) -> (Vec<&'static str>, Vec<Line>) {
        let mut nodes = vec![self.table];
        let mut lines = Vec::new();
        let mut seen = BTreeSet::from([self.table]);
        let mut queue = vec![self];
        while let Some(graph) = queue.pop() {
            for edge in graph.edges {
                let to = match edge.target {
                    Target::Model(child) => {
                        if seen.insert(child.table) {
                            nodes.push(child.table);
                            queue.push(child.get());
                        }
                        child.table
                    }
                    Target::Itself => graph.table,
                    Target::Other(name) => {
                        if seen.insert(name) {
                            nodes.push(name);
                        }
                        name
                    }
                };
                let place = if edge.owned { "owned via " } else { "" };
                // A hard edge loses rows on a soft delete: its label says so.
                let lossy = if edge.policy == Policy::Hard {
                    format!(": {}", edge.policy.effect())
                } else {
                    String::new()
                };
                lines.push(Line {
                    from: graph.table,
                    to,
                    label: format!("{} ({place}{}){lossy}", edge.policy, edge.column),
                });
            }
        }
        (nodes, lines)
    }

    /// The graph in Mermaid's flowchart notation: each node labelled by its table's SQL name,
    /// under an id Mermaid accepts (the name with anything but letters, digits and `_` replaced
    /// by `_`, numbered if two names come out alike).
    ///
    /// ```
    /// # soft_delete_core::__doc_fixture!();
    /// use soft_delete_core::SoftDelete;
    ///
    /// let mermaid = Repo::cascade_graph().to_mermaid();
    /// assert_eq!(mermaid, "flowchart TD\n    repos[\"repos\"]\n");
    /// ```
    #[must_use]
    pub fn to_mermaid(&'static self) -> String {
        let (nodes, lines) = self.walk();
        let mut ids: Vec<(&str, String)> = Vec::with_capacity(nodes.len());
        for node in nodes {
            let mut id: String = node
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            if ids.iter().any(|(_, taken)| *taken == id) {
                id = format!("{id}_{}", ids.len());
            }
            ids.push((node, id));
        }
        let id_of = |table: &'static str| -> &str {
            ids.iter()
                .find(|(node, _)| *node == table)
                .map_or(table, |(_, id)| id.as_str())
        };
        let mut out = String::from("flowchart TD\n");
        for (node, id) in &ids {
            let _ = writeln!(out, "    {id}[\"{}\"]", node.replace('"', "#quot;"));
        }
        for line in lines {
            let _ = writeln!(
                out,
                "    {} -->|\"{}\"| {}",
                id_of(line.from),
                line.label,
                id_of(line.to)
            );
        }
        out
    }

    /// The graph in Graphviz's DOT notation.
    #[must_use]
    pub fn to_dot(&'static self) -> String {
        let (nodes, lines) = self.walk();
        let mut out = String::from("digraph cascade {\n");
        for node in nodes {
            let _ = writeln!(out, "    \"{}\";", dot_escaped(node));
        }
        for line in lines {
            let _ = writeln!(
                out,
                "    \"{}\" -> \"{}\" [label=\"{}\"];",
                dot_escaped(line.from),
                dot_escaped(line.to),
                line.label
            );
        }
        out.push_str("}\n");
        out
    }

    /// The tables a soft delete of this model reaches, as an indented list:
    /// `repos -> issues (repo_id) -> issue_comments (issue_id)`.
    #[must_use]
    pub fn describe(&'static self) -> String {
        let (_, lines) = self.walk();
        lines
            .iter()
            .map(|line| format!("{} -> {}: {}", line.from, line.to, line.label))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A name inside a DOT string: its quotes and backslashes escaped.
fn dot_escaped(name: &str) -> String {
    name.replace('\\', "\\\\").replace('"', "\\\"")
}
