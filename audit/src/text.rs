//! Text that fits a terminal of [`WIDTH`] columns: the audit's report, one hazard per block.

use soft_delete_core::audit::AuditReport;

/// The widest line the command prints.
pub(crate) const WIDTH: usize = 100;

/// The report as blocks: the kind and the table on one line, then what is wrong and what to do,
/// indented and wrapped to [`WIDTH`] columns; or `no hazards found`.
pub(crate) fn report(report: &AuditReport) -> String {
    if report.is_clean() {
        return "no hazards found\n".to_owned();
    }
    let mut out = String::new();
    for (n, hazard) in report.hazards.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(&wrap(
            &format!("{}  {}", hazard.kind(), hazard.table()),
            "",
            "",
        ));
        out.push_str(&wrap(&hazard.detail(), "    ", "    "));
        out.push_str(&wrap(&hazard.advice(), "    fix: ", "         "));
    }
    out
}

/// `text` wrapped at word boundaries to [`WIDTH`] columns, its first line after `first`, the
/// others after `rest`; a word longer than a line is cut.
pub(crate) fn wrap(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_owned();
    let mut empty = true;
    for word in text.split_whitespace() {
        let mut word = word;
        loop {
            let room = WIDTH.saturating_sub(line.chars().count() + usize::from(!empty));
            if word.chars().count() <= room {
                if !empty {
                    line.push(' ');
                }
                line.push_str(word);
                empty = false;
                break;
            }
            if empty {
                // Longer than a whole line: cut it.
                let cut = word
                    .char_indices()
                    .nth(room.max(1))
                    .map_or(word.len(), |(at, _)| at);
                line.push_str(&word[..cut]);
                word = &word[cut..];
            }
            out.push_str(line.trim_end());
            out.push('\n');
            rest.clone_into(&mut line);
            empty = true;
            if word.is_empty() {
                break;
            }
        }
    }
    if !empty || out.is_empty() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use soft_delete_core::audit::Hazard;

    use super::*;

    #[test]
    fn lines_fit() {
        let long = "word ".repeat(60) + &"z".repeat(250);
        let text = wrap(&long, "    fix: ", "         ");
        assert!(
            text.lines().all(|line| line.chars().count() <= WIDTH),
            "{text}"
        );
        assert!(text.starts_with("    fix: word word"));
        assert_eq!(text.matches('z').count(), 250);
        assert_eq!(wrap("", "", ""), "\n");
        let full = format!("{} {}", "a".repeat(WIDTH), "b".repeat(WIDTH - 1));
        assert_eq!(
            wrap(&full, "", ""),
            format!("{}\n{}\n", "a".repeat(WIDTH), "b".repeat(WIDTH - 1))
        );
    }

    #[test]
    fn one_block_per_hazard() {
        let report = AuditReport::new(vec![
            Hazard::UnindexedTombstone {
                table: "repos".into(),
                column: "deleted_at".into(),
            },
            Hazard::CascadingForeignKey {
                table: "issues".into(),
                columns: vec!["repo_id".into()],
                constraint: Some("issues_repo_id_fkey".into()),
                referenced_table: "repos".into(),
            },
        ]);
        let text = super::report(&report);
        assert!(text.starts_with("cascading-foreign-key issues\n    `issues`.`repo_id`"));
        assert!(text.contains("\n\nunindexed-tombstone repos\n"), "{text}");
        assert!(
            text.lines().all(|line| line.chars().count() <= WIDTH),
            "{text}"
        );
        assert_eq!(super::report(&AuditReport::default()), "no hazards found\n");
    }
}
