//! Renders the provider's registry-style docs and the scaling-profile
//! module's README tables.
//!
//! ```text
//! smuppy-docs [--check] [--root DIR]
//! ```
//!
//! Without `--check` it writes the files that changed. With `--check` it
//! writes nothing and exits 1 listing the stale files. `--root` is the
//! repository root (default: the workspace this binary was built from).
//! Exit codes: 0 up to date / written, 1 stale, 2 usage or input error.

use std::path::PathBuf;
use std::process::ExitCode;

use smuppy_docs as docs;

const USAGE: &str = "usage: smuppy-docs [--check] [--root DIR]";

fn default_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    let mut check = false;
    let mut root = default_root();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--root" => match args.next() {
                Some(dir) => root = PathBuf::from(dir),
                None => {
                    eprintln!("smuppy-docs: --root needs a directory\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("smuppy-docs: unknown argument {other:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }

    let files = match docs::generate(&root) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("smuppy-docs: {e}");
            return ExitCode::from(2);
        }
    };
    if check {
        let stale = docs::stale(&root, &files);
        if stale.is_empty() {
            println!("smuppy-docs: {} files up to date", files.len());
            return ExitCode::SUCCESS;
        }
        eprintln!("smuppy-docs: stale (run `{}`):", docs::GENERATOR_COMMAND);
        for p in stale {
            eprintln!("  {}", p.display());
        }
        return ExitCode::from(1);
    }
    match docs::write(&root, &files) {
        Ok(changed) if changed.is_empty() => {
            println!("smuppy-docs: {} files up to date", files.len());
            ExitCode::SUCCESS
        }
        Ok(changed) => {
            for p in changed {
                println!("wrote {}", p.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("smuppy-docs: {e}");
            ExitCode::from(2)
        }
    }
}
