//! `soft-delete`: a live database's schema, seen from soft delete.
//!
//! ```text
//! soft-delete audit <DATABASE_URL> [--tombstone-column NAME]... [--json]
//! soft-delete graph <DATABASE_URL> [--format mermaid|dot] [--tombstone-column NAME]...
//! soft-delete migration <DATABASE_URL> --table TABLE[:COLUMN[:flag]]... [--dir DIR]
//!                       [--name NAME] [--actor COLUMN:SQLTYPE] [--version VERSION]
//! soft-delete --help | --version        (and `soft-delete <command> --help | --version`)
//! ```
//!
//! **`audit`** reads the schema the URL leads to and reports, for every table with a tombstone
//! column (`deleted_at` unless `--tombstone-column` names others; repeat it for several):
//!
//! | kind | what it means |
//! |---|---|
//! | `cascading-foreign-key` | an `ON DELETE CASCADE` into a soft-deletable table: a hard delete in disguise |
//! | `child-without-tombstone` | a table that references a soft-deletable one but has no tombstone: it stays visible under a tombstoned parent |
//! | `unique-counts-tombstones` | a unique key that still counts tombstoned rows: "slug already exists" after a delete |
//! | `coarse-tombstone` | a timestamp tombstone keeping fewer than 6 digits of a second (MySQL's plain `DATETIME`): operations in the same second share a stamp, so a restore can bring back what another hid |
//! | `unindexed-tombstone` | a tombstone column no index covers |
//!
//! each with what to write instead, one hazard per block (or `--json`). This is
//! `soft_delete_core::audit::audit_schema`; the graph-aware audit, which also knows the models'
//! cascade edges, runs from Rust (`soft_delete_core::audit::audit`).
//!
//! **`graph`** draws the schema's soft-delete graph, in Mermaid (the default) or Graphviz DOT:
//! every table with a tombstone column (soft) and every table that references one (plain), and
//! the foreign keys between them, labelled with their columns and `ON DELETE` action. A model's
//! compiled graph is `CascadeGraph::to_mermaid` in Rust.
//!
//! **`migration`** writes the `diesel_migrations` directory `DIR/<version>_<name>/` with
//! `up.sql` and `down.sql` that make the `--table`s soft-deletable on the URL's backend: the
//! tombstone column (a nullable timestamp, or with `:flag` a boolean) and an index on it, the
//! `--actor` column, every unique key but the primary key replaced by one over live rows only,
//! and the flag ledger's table when a table is a flag (and the database has none yet).
//! `down.sql` undoes it in reverse order. The version is the UTC time as the diesel CLI writes
//! it (`2026-01-02-030405`) unless `--version` sets it; the name is `soft_delete_<tables>`
//! unless `--name` sets it. Without `--dir` it prints both files. This is
//! `soft_delete_core::migration::Plan` filled from the live schema; `Plan::for_graph` fills it
//! from a model's cascade graph.
//!
//! The URL's scheme picks the backend: `postgres://` or `postgresql://` (PostgreSQL, the schema
//! is `current_schema()`: set it with `?options=-csearch_path%3Dmy_schema`), `mysql://` (MySQL
//! or MariaDB, the URL's database), anything else a SQLite file (a path, `sqlite://path`, or a
//! `file:` URI). SQLite is built in; PostgreSQL and MySQL need the client libraries and the
//! features of the same names. The package is `soft-delete-audit`; the command it installs is
//! `soft-delete`:
//!
//! ```text
//! cargo install --path audit --features postgres,mysql
//! soft-delete audit app.sqlite3
//! soft-delete audit 'postgres://user@host/db?options=-csearch_path%3Dapp' --json
//! soft-delete graph 'mysql://root@127.0.0.1:3306/app' --format dot | dot -Tsvg > graph.svg
//! soft-delete migration app.sqlite3 --table sites --table tags:is_deleted:flag --dir migrations
//! ```
//!
//! Exit status: `audit` exits 0 when no hazard was found and 1 when some were; every command
//! exits 0 when it did its work, and 2 when the arguments are wrong or the database cannot be
//! read (the message goes to standard error). Output lines fit 100 columns.

mod connect;
mod graph;
mod migration;
mod text;

use std::process::ExitCode;

use clap::{Args, CommandFactory as _, Parser, Subcommand, ValueEnum};
use soft_delete_core::audit::{AuditReport, Options, audit_schema};

/// A live database's schema, seen from soft delete: audit, graph, migration.
#[derive(Debug, Parser)]
#[command(
    name = "soft-delete",
    version,
    propagate_version = true,
    after_help = concat!(
        "DATABASE_URL: postgres://..., mysql://..., or a SQLite file (see <COMMAND> --help).\n\n",
        "Exit status: 0 done (audit: no hazards), 1 audit found hazards,\n",
        "             2 wrong arguments or the database cannot be read."
    )
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Report what in the schema undoes soft delete (exit status 1 if anything)
    #[command(
        display_name = "soft-delete",
        long_about = concat!(
            "Report what in the schema undoes soft delete, each with what to write instead:\n",
            "ON DELETE CASCADE into soft-deletable tables, children without a tombstone,\n",
            "unique keys that count tombstoned rows, tombstones that keep whole seconds only,\n",
            "tombstones no index covers. A table is soft-deletable when it has a tombstone\n",
            "column (--tombstone-column)."
        ),
        after_help = concat!(
            "DATABASE_URL is postgres://... or postgresql://... (PostgreSQL; the schema is\n",
            "current_schema(), e.g. ?options=-csearch_path%3Dapp), mysql://... (MySQL/MariaDB),\n",
            "otherwise a SQLite file: a path, sqlite://path or a file: URI.\n\n",
            "Exit status: 0 no hazards, 1 hazards found, 2 wrong arguments or connection error."
        )
    )]
    Audit(AuditArgs),
    /// Draw the schema's soft-delete graph, in Mermaid or Graphviz DOT
    #[command(
        display_name = "soft-delete",
        long_about = concat!(
            "Draw the schema's soft-delete graph: every table with a tombstone column (soft),\n",
            "every table that references one (plain), and the foreign keys between them,\n",
            "labelled with their columns and ON DELETE action."
        ),
        after_help = concat!(
            "DATABASE_URL is postgres://... or postgresql://... (PostgreSQL; the schema is\n",
            "current_schema(), e.g. ?options=-csearch_path%3Dapp), mysql://... (MySQL/MariaDB),\n",
            "otherwise a SQLite file: a path, sqlite://path or a file: URI.\n\n",
            "Exit status: 0 graph printed, 2 wrong arguments or connection error."
        )
    )]
    Graph(GraphArgs),
    /// Write the diesel migration that makes tables soft-deletable
    #[command(
        disable_version_flag = true,
        override_usage = "soft-delete migration <DATABASE_URL> --table <TABLE[:COLUMN[:flag]]>... [OPTIONS]",
        long_about = concat!(
            "Write the diesel migration (DIR/<version>_<name>/up.sql and down.sql) that makes\n",
            "tables soft-deletable on the database's backend: the tombstone column and an index\n",
            "on it, the actor column (--actor), every unique key but the primary key replaced by\n",
            "one over live rows only (a partial index; a generated column on MySQL/MariaDB), and\n",
            "the flag ledger's table when a table is a flag. down.sql undoes it in reverse order."
        ),
        after_help = concat!(
            "DATABASE_URL is postgres://... or postgresql://... (PostgreSQL; the schema is\n",
            "current_schema(), e.g. ?options=-csearch_path%3Dapp), mysql://... (MySQL/MariaDB),\n",
            "otherwise a SQLite file: a path, sqlite://path or a file: URI.\n\n",
            "Exit status: 0 migration written (or printed), 2 wrong arguments, connection error,\n",
            "             or a table the migration cannot change."
        )
    )]
    Migration(MigrationArgs),
}

/// `--tombstone-column NAME`, repeatable.
#[derive(Debug, Args)]
struct Tombstones {
    #[arg(
        long = "tombstone-column",
        value_name = "NAME",
        value_parser = clap::builder::NonEmptyStringValueParser::new(),
        help = "A tombstone column's name, repeatable [default: deleted_at]",
        long_help = "A column that marks a table soft-deletable; repeat it for several \
                     [default: deleted_at]"
    )]
    columns: Vec<String>,
}

impl Tombstones {
    fn options(&self) -> Options {
        if self.columns.is_empty() {
            Options::default()
        } else {
            Options::with_tombstone_columns(self.columns.iter().cloned())
        }
    }
}

#[derive(Debug, Args)]
struct AuditArgs {
    /// The database to read (see below)
    #[arg(value_name = "DATABASE_URL")]
    url: String,
    #[command(flatten)]
    tombstones: Tombstones,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// Mermaid flowchart
    Mermaid,
    /// Graphviz DOT
    Dot,
}

#[derive(Debug, Args)]
struct GraphArgs {
    /// The database to read (see below)
    #[arg(value_name = "DATABASE_URL")]
    url: String,
    /// The notation
    #[arg(long, value_enum, default_value_t = Format::Mermaid)]
    format: Format,
    #[command(flatten)]
    tombstones: Tombstones,
}

#[derive(Debug, Args)]
struct MigrationArgs {
    /// The database to read (see below)
    #[arg(value_name = "DATABASE_URL", required_unless_present = "version")]
    url: Option<String>,
    /// A table to make soft-deletable, repeatable
    #[arg(long_help = concat!(
        "A table to make soft-deletable, repeatable: TABLE, TABLE:COLUMN or TABLE:COLUMN:flag.\n",
        "The tombstone column is deleted_at unless COLUMN names another; it is a nullable\n",
        "timestamp, or with :flag a boolean (and the migration creates the flag ledger)."
    ))]
    #[arg(
        long = "table",
        value_name = "TABLE[:COLUMN[:flag]]",
        value_parser = migration::table_arg,
        required_unless_present = "version"
    )]
    tables: Vec<migration::TableArg>,
    #[arg(
        long,
        value_name = "DIR",
        help = "Write DIR/<version>_<name>/{up,down}.sql [default: print]"
    )]
    dir: Option<std::path::PathBuf>,
    #[arg(
        long,
        value_name = "NAME",
        help = "The migration's name [default: soft_delete_<tables>]"
    )]
    name: Option<String>,
    #[arg(
        long,
        value_name = "COLUMN:SQLTYPE",
        value_parser = migration::actor_arg,
        help = "Add an actor column (who deleted), e.g. deleted_by:BIGINT"
    )]
    actor: Option<(String, String)>,
    /// Migration version [default: UTC now]; alone: prints version
    #[arg(long_help = concat!(
        "The migration's version [default: the UTC time as YYYY-MM-DD-HHMMSS, as the diesel\n",
        "CLI writes it]. Without a value, print the command's version, as every command does."
    ))]
    #[arg(long, value_name = "VERSION", num_args = 0..=1)]
    #[allow(
        clippy::option_option,
        reason = "clap's optional value: absent, `--version` alone, `--version VERSION`"
    )]
    version: Option<Option<String>>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Audit(args) => audit(&args),
        Command::Graph(args) => graph(&args),
        Command::Migration(args) => migration(args),
    };
    result.unwrap_or_else(|message| {
        eprint!(
            "{}",
            text::wrap(&format!("soft-delete: {message}"), "", "    ")
        );
        ExitCode::from(2)
    })
}

fn audit(args: &AuditArgs) -> Result<ExitCode, String> {
    let schema = connect::read(&args.url)?;
    let options = args.tombstones.options();
    let report = audit_schema(&schema.catalog, &options);
    if args.json {
        print_json(&report);
    } else {
        print!("{}", text::report(&report));
        print!(
            "{}",
            text::wrap(
                &format!(
                    "{} table(s) read; tombstone column(s): {}",
                    schema.catalog.tables.len(),
                    options.tombstone_columns.join(", ")
                ),
                "",
                ""
            )
        );
    }
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The report as JSON, on one line.
fn print_json(report: &AuditReport) {
    println!(
        "{}",
        serde_json::to_string(report).expect("a report serializes")
    );
}

fn graph(args: &GraphArgs) -> Result<ExitCode, String> {
    let schema = connect::read(&args.url)?;
    let options = args.tombstones.options();
    print!(
        "{}",
        match args.format {
            Format::Mermaid => graph::mermaid(&schema.catalog, &options),
            Format::Dot => graph::dot(&schema.catalog, &options),
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn migration(args: MigrationArgs) -> Result<ExitCode, String> {
    let version = match args.version {
        Some(None) => {
            print!("{}", Cli::command().render_version());
            return Ok(ExitCode::SUCCESS);
        }
        Some(Some(version)) => version,
        None => soft_delete_core::migration::version_now(),
    };
    let (Some(url), false) = (args.url, args.tables.is_empty()) else {
        Cli::command()
            .find_subcommand_mut("migration")
            .expect("the migration subcommand")
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "a migration needs <DATABASE_URL> and at least one --table",
            )
            .exit();
    };
    let schema = connect::read(&url)?;
    let plan = migration::plan(
        &schema.catalog,
        &args.tables,
        args.actor.as_ref(),
        schema.has_ledger,
    )?;
    let name = args
        .name
        .unwrap_or_else(|| migration::default_name(&args.tables));
    if let Some(dir) = args.dir {
        let written = plan
            .write_dir(schema.dialect, &dir, &version, &name)
            .map_err(|error| {
                format!(
                    "cannot write {}: {error}",
                    dir.join(format!("{version}_{name}")).display()
                )
            })?;
        println!("{}", written.join("up.sql").display());
        println!("{}", written.join("down.sql").display());
    } else {
        println!("-- {version}_{name}/up.sql");
        print!("{}", plan.up_in(schema.dialect));
        println!("\n-- {version}_{name}/down.sql");
        print!("{}", plan.down_in(schema.dialect));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn arguments() {
        let cli = Cli::try_parse_from([
            "soft-delete",
            "audit",
            "db.sqlite3",
            "--tombstone-column",
            "is_deleted",
            "--tombstone-column=removed_at",
            "--json",
        ])
        .unwrap();
        let Command::Audit(args) = cli.command else {
            panic!("{cli:?}")
        };
        assert_eq!(
            args.tombstones.options(),
            Options::with_tombstone_columns(["is_deleted", "removed_at"])
        );
        assert!(args.json);

        for line in [
            &["soft-delete"][..],
            &["soft-delete", "audit"],
            &["soft-delete", "audit", "a", "b"],
            &["soft-delete", "audit", "a", "--verbose"],
            &["soft-delete", "audit", "a", "--tombstone-column"],
            &["soft-delete", "graph", "a", "--format", "png"],
            &["soft-delete", "migration", "a", "--table", "t:c:bool"],
        ] {
            assert!(Cli::try_parse_from(line).is_err(), "{line:?}");
        }

        let cli = Cli::try_parse_from(["soft-delete", "migration", "--version"]).unwrap();
        let Command::Migration(args) = cli.command else {
            panic!("{cli:?}")
        };
        assert_eq!(args.version, Some(None));
        let cli = Cli::try_parse_from([
            "soft-delete",
            "migration",
            "a.db",
            "--table",
            "t",
            "--version",
            "2026-01-02-030405",
        ])
        .unwrap();
        let Command::Migration(args) = cli.command else {
            panic!("{cli:?}")
        };
        assert_eq!(args.version, Some(Some("2026-01-02-030405".to_owned())));
    }
}
