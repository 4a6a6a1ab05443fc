//! Command-line arguments.

pub(crate) const USAGE: &str = "\
usage: soft_delete_bench --backend <sqlite|postgres|mysql> --rows <N> [options]

Every option takes its value as `--flag value` or `--flag=value`.

  --backend <sqlite|postgres|mysql>   the database (postgres and mysql need their features)
  --rows <N>                          comments under the benchmarked repo (at least 10; `_` and
                                      `,` may group digits)
  --repeat <R>                        runs per contender, the median is reported (default 5)
  --rowwise <auto|always|never>       time the row-by-row loop too (auto: up to 200,000 rows)
  --csv <file>                        append the medians to a CSV file, for the chart
  --memory                            measure each contender's memory in a fresh process
  --sqlite-cache-kib <K>              SQLite's page cache per connection, KiB
  --tree <timestamp|flag>             the tree to build (default timestamp)
  --analyze                           refresh the planner's statistics between delete and restore
  --scenario <cascade|small|purge|detector|async|throughput>
                                      what to measure (default cascade); small and detector
                                      work among rows/100 trees of 100 comments
  -h, --help                          print this help";

/// What a run measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scenario {
    /// One big tree deleted and restored (`--tree` says which).
    Cascade,
    /// 1 repo -> 10 issues -> 100 comments, hundreds of times: a web request's cascade.
    Small,
    /// `--rows` tombstoned rows purged in batches.
    Purge,
    /// 20,000 point reads by key through a connection with the leak detector logging, against
    /// the same reads without it.
    Detector,
    /// The `--tree timestamp` tree deleted and restored on a blocking and on an async
    /// connection (feature `async`).
    Async,
    /// 64 small cascades at once from a pool of 8: async tasks against blocking calls in
    /// `spawn_blocking` (feature `async`).
    Throughput,
}

/// The tree a run builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tree {
    /// Every tombstone a timestamp.
    Timestamp,
    /// The comments tombstoned by a boolean, restored through the flag ledger.
    Flag,
}

/// What to run.
#[derive(Debug)]
pub(crate) struct Args {
    pub(crate) backend: String,
    /// Comments under the benchmarked repo; it has a tenth as many issues.
    pub(crate) rows: usize,
    pub(crate) repeat: usize,
    /// Whether to time the row-by-row loop; `auto` does up to 200,000 rows.
    pub(crate) rowwise: bool,
    /// A CSV file to append the medians to, for the chart.
    pub(crate) csv: Option<String>,
    /// Whether to measure the memory of the crate's cascade (and the SQL's), each in a fresh
    /// process of its own.
    pub(crate) memory: bool,
    /// SQLite's page cache per connection, KiB (`PRAGMA cache_size = -K`); SQLite's default
    /// (2,000 KiB) when absent.
    pub(crate) sqlite_cache_kib: Option<usize>,
    /// Internal: run one contender's delete and restore in this fresh process, on the tables
    /// of `namespace`, and print its resident memory (what `--memory` starts).
    pub(crate) probe: Option<Contender>,
    /// Internal: the tables to use instead of making new ones (with `--probe`).
    pub(crate) namespace: Option<String>,
    /// What to measure.
    pub(crate) scenario: Scenario,
    /// The tree to build.
    pub(crate) tree: Tree,
    /// Whether to refresh the planner's statistics (`ANALYZE`) between each delete and its
    /// restore; without it the tables keep the statistics of their empty creation.
    pub(crate) analyze: bool,
}

/// A contender whose memory a probe measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Contender {
    /// (a) the crate's cascade.
    Crate,
    /// (b) the hand-written set-based SQL.
    Sql,
}

impl Contender {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Contender::Crate => "crate",
            Contender::Sql => "sql",
        }
    }
}

impl Args {
    /// The arguments, or `None` for `--help`/`-h`.
    pub(crate) fn parse(words: impl Iterator<Item = String>) -> Result<Option<Self>, String> {
        // `--flag=value` is `--flag value` (so `--memory=yes` is `--memory` and a stray `yes`).
        let mut words = words.flat_map(|word| match word.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                vec![flag.to_owned(), value.to_owned()]
            }
            _ => vec![word],
        });
        let mut backend = None;
        let mut rows = None;
        let mut repeat = 5;
        let mut rowwise = "auto".to_owned();
        let mut csv = None;
        let mut memory = false;
        let mut sqlite_cache_kib = None;
        let mut probe = None;
        let mut namespace = None;
        let mut tree = Tree::Timestamp;
        let mut scenario = Scenario::Cascade;
        let mut analyze = false;
        while let Some(word) = words.next() {
            let mut value = || {
                words
                    .next()
                    .ok_or_else(|| format!("`{word}` needs a value"))
            };
            match word.as_str() {
                "-h" | "--help" => return Ok(None),
                "--backend" => backend = Some(value()?),
                "--rows" => rows = Some(number(&value()?)?),
                "--repeat" => repeat = number(&value()?)?.max(1),
                "--rowwise" => rowwise = value()?,
                "--csv" => csv = Some(value()?),
                "--memory" => memory = true,
                "--sqlite-cache-kib" => sqlite_cache_kib = Some(number(&value()?)?),
                "--probe" => {
                    probe = Some(match value()?.as_str() {
                        "crate" => Contender::Crate,
                        "sql" => Contender::Sql,
                        other => return Err(format!("--probe takes crate or sql, not `{other}`")),
                    });
                }
                "--namespace" => namespace = Some(value()?),
                "--tree" => {
                    tree = match value()?.as_str() {
                        "timestamp" => Tree::Timestamp,
                        "flag" => Tree::Flag,
                        other => {
                            return Err(format!("--tree takes timestamp or flag, not `{other}`"));
                        }
                    };
                }
                "--analyze" => analyze = true,
                "--scenario" => scenario = parse_scenario(&value()?)?,
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        if probe.is_some() != namespace.is_some() {
            return Err("--probe and --namespace go together".to_owned());
        }
        let rows = rows.ok_or("--rows is required")?;
        if rows < 10 {
            return Err("--rows must be at least 10".to_owned());
        }
        let rowwise = match rowwise.as_str() {
            "auto" => rows <= 200_000,
            "always" => true,
            "never" => false,
            other => {
                return Err(format!(
                    "--rowwise takes auto, always or never, not `{other}`"
                ));
            }
        };
        Ok(Some(Args {
            backend: backend.ok_or("--backend is required")?,
            rows,
            repeat,
            rowwise,
            csv,
            memory,
            sqlite_cache_kib,
            probe,
            namespace,
            scenario,
            tree,
            analyze,
        }))
    }
}

fn parse_scenario(text: &str) -> Result<Scenario, String> {
    Ok(match text {
        "cascade" => Scenario::Cascade,
        "small" => Scenario::Small,
        "purge" => Scenario::Purge,
        "detector" => Scenario::Detector,
        "async" => Scenario::Async,
        "throughput" => Scenario::Throughput,
        other => {
            return Err(format!(
                "--scenario takes cascade, small, purge, detector, async or throughput, not \
                 `{other}`"
            ));
        }
    })
}

fn number(text: &str) -> Result<usize, String> {
    text.replace(['_', ','], "")
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Option<Args>, String> {
        Args::parse(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn flags_take_values_with_a_space_or_an_equals_sign() {
        let args =
            parse("--backend=postgres --rows 1_000 --repeat=2 --memory --tree=flag --analyze")
                .unwrap()
                .unwrap();
        assert_eq!(
            (args.backend.as_str(), args.rows, args.repeat),
            ("postgres", 1000, 2)
        );
        assert!(args.memory && args.analyze && args.rowwise);
        assert_eq!(args.tree, Tree::Flag);
        let args = parse("--rows=300000 --backend sqlite --scenario=purge --rowwise=auto")
            .unwrap()
            .unwrap();
        assert_eq!(
            (args.rows, args.scenario, args.rowwise),
            (300_000, Scenario::Purge, false)
        );
        assert_eq!(
            parse("--backend postgres --rows 1000 --scenario detector")
                .unwrap()
                .unwrap()
                .scenario,
            Scenario::Detector
        );
        assert!(
            parse("--backend postgres --rows 1000 --scenario leaks")
                .unwrap_err()
                .contains("detector")
        );
        assert_eq!(
            parse("--backend sqlite --rows 10 --csv=a=b.csv")
                .unwrap()
                .unwrap()
                .csv
                .as_deref(),
            Some("a=b.csv")
        );
    }

    #[test]
    fn help_and_mistakes() {
        assert!(parse("--help").unwrap().is_none());
        assert!(parse("--backend sqlite -h").unwrap().is_none());
        assert!(
            parse("--backend sqlite --rows")
                .unwrap_err()
                .contains("needs a value")
        );
        assert!(
            parse("--backend sqlite --rows=")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(parse("--backend sqlite --rows 10 --memory=yes").is_err());
        assert!(
            parse("--backend sqlite --rows 10 --verbose")
                .unwrap_err()
                .contains("--verbose")
        );
        assert!(parse("--rows 10").unwrap_err().contains("--backend"));
        assert!(USAGE.lines().all(|line| line.len() <= 100));
    }
}
