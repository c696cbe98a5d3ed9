//! Project automation. Run `cargo xtask help` for the commands.

mod bench;
mod readme;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use harvest_codegen::FileState;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen           regenerate generated-client/src/generated/ (Rust) and generated-client/api/
                    (openapi.json in OpenAPI 3.1, openapi-3.0.json in 3.0.3, operations.md)
                    from spec/harvest, with examples from the mock's default account
                    (and mock-server/api/admin-openapi.json, the mock's own document,
                    and the permission table in mock-server/README.md)
  codegen --check   exit non-zero, naming each stale file, when the checked-in code differs
  bench [options]   measure the mock, the client and the generator on 127.0.0.1 and write
                    BENCHMARKS.md (`cargo xtask bench --help` for the options)
  help              this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["bench", "--help" | "-h"] => {
            println!("{}", bench::USAGE);
            ExitCode::SUCCESS
        }
        ["bench", rest @ ..] => bench::run(&workspace_root(), rest),
        ["help"] | ["--help"] | ["-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// The mock's own document (admin API, hosted connector API, Harvest ID, search) as a file.
fn admin_document() -> Result<Vec<(String, String)>, harvest_codegen::Error> {
    let text = serde_json::to_string_pretty(&harvest_mock::admin_openapi())
        .map_err(|e| harvest_codegen::Error::Syntax { file: "admin-openapi.json".into(), message: e.to_string() })?;
    Ok(vec![("admin-openapi.json".into(), format!("{text}\n"))])
}

fn codegen(check: bool) -> ExitCode {
    let root = workspace_root();
    let spec = match harvest_spec::load_path(&root.join("spec/harvest")) {
        Ok(spec) => spec,
        Err(diags) => {
            eprintln!("{diags}");
            return ExitCode::FAILURE;
        }
    };
    // The documents' examples are what the mock serves from its default seeded account.
    let examples = match harvest_mock::examples::openapi_examples() {
        Ok(examples) => examples,
        Err(err) => {
            eprintln!("error: the OpenAPI examples: {err}");
            return ExitCode::FAILURE;
        }
    };
    let outputs = [
        ("generated-client/src/generated", harvest_codegen::generate_sources(&spec)),
        ("generated-client/api", harvest_codegen::doc_sources_with_examples(&spec, &examples)),
        ("mock-server/api", admin_document()),
    ];
    let mut states = Vec::new();
    for (dir, files) in outputs {
        let files = match files {
            Ok(files) => files,
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::FAILURE;
            }
        };
        let dir = root.join(dir);
        match harvest_codegen::sync_dir(&dir, &files, check) {
            Ok(s) => states.extend(s),
            Err(err) => {
                eprintln!("error: {}: {err}", dir.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let table = harvest_spec::permission_table(&spec);
    let readme = root.join(readme::PERMISSIONS_FILE);
    match readme::sync_section(&readme, readme::PERMISSIONS_BEGIN, readme::PERMISSIONS_END, &table, check) {
        Ok(state) => states.push(state),
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    }
    let mut stale = 0;
    for state in &states {
        let rel = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
        match state {
            FileState::Fresh(_) => {}
            FileState::Stale(p) => {
                stale += 1;
                eprintln!("stale: {} (run `cargo xtask codegen`)", rel(p));
            }
            FileState::Extra(p) if check => {
                stale += 1;
                eprintln!("stale: {} is no longer generated (run `cargo xtask codegen`)", rel(p));
            }
            FileState::Extra(p) => println!("removed {}", rel(p)),
            FileState::Written(p) => println!("wrote {}", rel(p)),
        }
    }
    if stale > 0 {
        eprintln!("{stale} generated file(s) out of date");
        return ExitCode::FAILURE;
    }
    if check {
        println!("generated code is up to date");
    }
    ExitCode::SUCCESS
}
