//! Generated sections of hand-written Markdown: the text between a begin and
//! an end marker comment, which `cargo xtask codegen` rewrites and
//! `codegen --check` compares. Today one section: the permission table of
//! `mock-server/README.md`, rendered from the spec's `access:` rules.

use std::path::Path;

use harvest_codegen::FileState;

/// The file holding the permission table, relative to the workspace root.
pub const PERMISSIONS_FILE: &str = "mock-server/README.md";

/// The line that opens the permission table.
pub const PERMISSIONS_BEGIN: &str =
    "<!-- permissions: generated from spec/harvest by `cargo xtask codegen`; edit the spec, not this table -->";

/// The line that closes it.
pub const PERMISSIONS_END: &str = "<!-- end of permissions -->";

/// `text` with everything between the `begin` and `end` lines replaced by `content`.
pub fn splice(text: &str, begin: &str, end: &str, content: &str) -> Result<String, String> {
    let once = |marker: &str| match text.match_indices(marker).map(|(i, _)| i).collect::<Vec<_>>().as_slice() {
        [i] => Ok(*i),
        [] => Err(format!("the marker `{marker}` is missing")),
        _ => Err(format!("the marker `{marker}` appears more than once")),
    };
    let (open, close) = (once(begin)?, once(end)?);
    if close < open {
        return Err(format!("`{end}` comes before `{begin}`"));
    }
    let body_start = open + begin.len();
    let mut out = String::with_capacity(text.len() + content.len());
    out.push_str(&text[..body_start]);
    out.push_str("\n\n");
    out.push_str(content.trim_end_matches('\n'));
    out.push_str("\n\n");
    out.push_str(&text[close..]);
    Ok(out)
}

/// Compares (`check`) or rewrites the section between `begin` and `end` in the file at `path`.
pub fn sync_section(path: &Path, begin: &str, end: &str, content: &str, check: bool) -> Result<FileState, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let wanted = splice(&text, begin, end, content).map_err(|e| format!("{}: {e}", path.display()))?;
    if wanted == text {
        Ok(FileState::Fresh(path.to_path_buf()))
    } else if check {
        Ok(FileState::Stale(path.to_path_buf()))
    } else {
        std::fs::write(path, wanted).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(FileState::Written(path.to_path_buf()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "<!-- b -->";
    const E: &str = "<!-- e -->";

    #[test]
    fn only_the_text_between_the_markers_changes() {
        let text = "# Title\n\nbefore\n<!-- b -->\nold table\n<!-- e -->\nafter\n";
        let new = splice(text, B, E, "| a |\n").unwrap_or_default();
        assert_eq!(new, "# Title\n\nbefore\n<!-- b -->\n\n| a |\n\n<!-- e -->\nafter\n");
        assert_eq!(splice(&new, B, E, "| a |\n").as_deref(), Ok(new.as_str()), "splicing again changes nothing");
    }

    #[test]
    fn missing_repeated_or_swapped_markers_are_errors() {
        assert!(splice("no markers", B, E, "x").is_err_and(|e| e.contains("missing")));
        assert!(splice("<!-- b --> <!-- b --> <!-- e -->", B, E, "x").is_err_and(|e| e.contains("more than once")));
        assert!(splice("<!-- e --> <!-- b -->", B, E, "x").is_err_and(|e| e.contains("comes before")));
    }

    #[test]
    fn check_reports_a_stale_section_and_a_write_makes_it_fresh() {
        let path = std::env::temp_dir().join(format!("xtask-readme-{}.md", std::process::id()));
        let result = (|| -> Result<(), String> {
            std::fs::write(&path, "a\n<!-- b -->\nold\n<!-- e -->\n").map_err(|e| e.to_string())?;
            assert!(matches!(sync_section(&path, B, E, "new", true)?, FileState::Stale(_)));
            assert!(std::fs::read_to_string(&path).is_ok_and(|t| t.contains("old")), "check writes nothing");
            assert!(matches!(sync_section(&path, B, E, "new", false)?, FileState::Written(_)));
            assert!(matches!(sync_section(&path, B, E, "new", true)?, FileState::Fresh(_)));
            Ok(())
        })();
        let _ = std::fs::remove_file(&path);
        assert_eq!(result, Ok(()));
    }

    /// The checked-in table equals what the spec renders now (`cargo xtask codegen` fixes it).
    #[test]
    fn the_mock_readme_permission_table_is_fresh() {
        let root = crate::workspace_root();
        let spec = match harvest_spec::load_path(&root.join("spec/harvest")) {
            Ok(spec) => spec,
            Err(d) => panic!("{d}"),
        };
        let table = harvest_spec::permission_table(&spec);
        let state = sync_section(&root.join(PERMISSIONS_FILE), PERMISSIONS_BEGIN, PERMISSIONS_END, &table, true);
        assert!(
            matches!(state, Ok(FileState::Fresh(_))),
            "{PERMISSIONS_FILE}'s permission table is stale or unmarked (run `cargo xtask codegen`): {state:?}"
        );
    }
}
