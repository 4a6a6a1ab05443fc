//! `soft-delete graph`: the live schema's soft-delete graph, from the catalog.
//!
//! The nodes are every table with a tombstone column (soft) and every table whose foreign key
//! references one (soft or plain); the edges are the foreign keys between them, drawn from the
//! referenced table to the referencing one (the way a delete travels, as in a model's
//! `CascadeGraph::to_mermaid`), labelled with the column and the `ON DELETE` action.

use std::fmt::Write as _;

use soft_delete_core::audit::Options;
use soft_delete_core::dialect::catalog::{Catalog, ForeignKey};

/// One node: a table, and its tombstone column if it has one.
struct Node<'c> {
    table: &'c str,
    tombstone: Option<&'c str>,
}

/// The graph's nodes (in the catalog's order, by name) and edges.
fn graph<'c>(catalog: &'c Catalog, options: &Options) -> (Vec<Node<'c>>, Vec<&'c ForeignKey>) {
    let tombstone_of = |table: &'c soft_delete_core::dialect::catalog::Table| {
        table
            .columns
            .iter()
            .find(|column| {
                options
                    .tombstone_columns
                    .iter()
                    .any(|name| name.eq_ignore_ascii_case(&column.name))
            })
            .map(|column| column.name.as_str())
    };
    let soft = |name: &str| catalog.table(name).and_then(tombstone_of).is_some();
    let nodes: Vec<Node<'c>> = catalog
        .tables
        .iter()
        .filter(|table| {
            tombstone_of(table).is_some()
                || table
                    .foreign_keys
                    .iter()
                    .any(|fk| soft(&fk.referenced_table))
        })
        .map(|table| Node {
            table: &table.name,
            tombstone: tombstone_of(table),
        })
        .collect();
    let is_node = |name: &str| {
        nodes
            .iter()
            .any(|node| node.table.eq_ignore_ascii_case(name))
    };
    let edges = catalog
        .tables
        .iter()
        .flat_map(|table| &table.foreign_keys)
        .filter(|fk| is_node(&fk.table) && is_node(&fk.referenced_table))
        .collect();
    (nodes, edges)
}

/// `columns (ON DELETE action)`.
fn label(fk: &ForeignKey) -> String {
    format!("{} (ON DELETE {})", fk.columns.join(", "), fk.on_delete)
}

/// What a node says: its name, and `soft: column` or `plain`.
fn node_label(node: &Node<'_>) -> String {
    match node.tombstone {
        Some(column) => format!("{} (soft: {column})", node.table),
        None => format!("{} (plain)", node.table),
    }
}

/// Mermaid ids: `t_` and the name with anything but ASCII letters, digits and `_` replaced,
/// made unique with a number where two names collide.
fn mermaid_ids(nodes: &[Node<'_>]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::with_capacity(nodes.len());
    for node in nodes {
        let base: String = node
            .table
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mut id = format!("t_{base}");
        let mut n = 2;
        while ids.contains(&id) {
            id = format!("t_{base}_{n}");
            n += 1;
        }
        ids.push(id);
    }
    ids
}

/// Text inside a Mermaid label's quotes.
fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;")
}

/// Text inside a DOT string.
fn dot_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The graph in Mermaid's flowchart notation: soft tables as rectangles, plain ones rounded.
pub(crate) fn mermaid(catalog: &Catalog, options: &Options) -> String {
    let (nodes, edges) = graph(catalog, options);
    let ids = mermaid_ids(&nodes);
    let id = |table: &str| {
        nodes
            .iter()
            .position(|node| node.table.eq_ignore_ascii_case(table))
            .map_or("", |at| ids[at].as_str())
    };
    let mut out = String::from("flowchart TD\n");
    for (node, id) in nodes.iter().zip(&ids) {
        let text = mermaid_text(&node_label(node));
        let _ = match node.tombstone {
            Some(_) => writeln!(out, "    {id}[\"{text}\"]"),
            None => writeln!(out, "    {id}(\"{text}\")"),
        };
    }
    for fk in edges {
        let _ = writeln!(
            out,
            "    {} -->|\"{}\"| {}",
            id(&fk.referenced_table),
            mermaid_text(&label(fk)),
            id(&fk.table)
        );
    }
    out
}

/// The graph in Graphviz's DOT notation: soft tables as boxes, plain ones dashed ellipses.
pub(crate) fn dot(catalog: &Catalog, options: &Options) -> String {
    let (nodes, edges) = graph(catalog, options);
    let mut out = String::from("digraph soft_delete {\n");
    for node in &nodes {
        let style = match node.tombstone {
            Some(_) => "shape=box",
            None => "shape=ellipse, style=dashed",
        };
        let _ = writeln!(
            out,
            "    \"{}\" [label=\"{}\", {style}];",
            dot_text(node.table),
            dot_text(&node_label(node))
        );
    }
    for fk in edges {
        let _ = writeln!(
            out,
            "    \"{}\" -> \"{}\" [label=\"{}\"];",
            dot_text(&fk.referenced_table),
            dot_text(&fk.table),
            dot_text(&label(fk))
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use soft_delete_core::dialect::catalog::{ColumnInfo, FkAction, Table};

    use super::*;

    fn catalog() -> Catalog {
        let mut sites = Table::new("my sites");
        sites
            .columns
            .push(ColumnInfo::new("deleted_at", true, "TIMESTAMP"));
        let mut pages = Table::new("end");
        pages.foreign_keys.push(ForeignKey {
            name: None,
            table: "end".into(),
            columns: vec!["site_id".into()],
            referenced_table: "my sites".into(),
            referenced_columns: vec!["id".into()],
            on_delete: FkAction::Cascade,
        });
        Catalog {
            tables: vec![pages, sites, Table::new("unrelated")],
        }
    }

    #[test]
    fn mermaid_ids_are_identifiers_and_labels_real_names() {
        let text = mermaid(&catalog(), &Options::default());
        assert_eq!(
            text,
            "flowchart TD\n    t_end(\"end (plain)\")\n    t_my_sites[\"my sites (soft: deleted_at)\"]\n    \
             t_my_sites -->|\"site_id (ON DELETE CASCADE)\"| t_end\n"
        );
    }

    #[test]
    fn dot_quotes_names() {
        let text = dot(&catalog(), &Options::default());
        assert!(text.contains("\"my sites\" -> \"end\" [label=\"site_id (ON DELETE CASCADE)\"];"));
        assert!(!text.contains("unrelated"));
    }

    #[test]
    fn colliding_ids_get_numbers() {
        let nodes = [
            Node {
                table: "a-b",
                tombstone: None,
            },
            Node {
                table: "a_b",
                tombstone: None,
            },
        ];
        assert_eq!(mermaid_ids(&nodes), ["t_a_b", "t_a_b_2"]);
    }
}
