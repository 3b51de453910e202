//! Registry-style documentation rendered from the schemas and the module
//! sources: `docs/index.md`, `docs/resources/scaling_profile.md`, a page
//! per function (`docs/functions/`), per data source
//! (`docs/data-sources/`) and per list resource (`docs/list-resources/`),
//! and the Inputs/Outputs tables of the
//! scaling-profile module's README.
//!
//! The rendering functions are pure (strings in, strings out). [`generate`]
//! reads the hand-written templates under `docs/templates/`, the examples they
//! embed and the module's `variables.tf`/`outputs.tf`, and returns every
//! generated file; [`stale`] compares them with what is on disk. The
//! `smuppy-docs` binary writes them (or, with `--check`, lists stale ones).
//!
//! By concern: [`reference`] renders a schema's argument and attribute
//! reference (nested blocks and nested attributes included), [`template`]
//! expands the page templates, [`module`] renders the module README
//! tables; this file puts the set together and compares it with the disk.
//!
//! Template placeholders (one per line or inline):
//! - `{{ description }}`: the schema block's description;
//! - `{{ schema }}`: the argument and attribute reference;
//! - `{{ tffile "PATH" }}`: the file at PATH (from the repository root) in a
//!   fenced `terraform` block;
//! - `{{ codefile "LANG" "PATH" }}`: the same with another fence language.

use std::path::{Path, PathBuf};

use terraform_provider_smuppy::schema::{provider_schema, resource_schema};

pub mod data_sources;
pub mod functions;
pub mod list_resources;
pub mod module;
pub mod reference;
pub mod template;

pub use module::{
    inputs_table, markers, outputs_table, parse_outputs, parse_variables, replace_section,
    ModuleOutput, ModuleVariable,
};
pub use reference::{object_fields, schema_markdown, type_label, OBJECT_FIELD_DOCS};
pub use template::render_template;

/// How to regenerate the docs; stale-docs messages print it.
pub const GENERATOR_COMMAND: &str = "cargo run -p smuppy-docs";

/// The module whose README tables are generated.
pub const MODULE_DIR: &str = "terraform/modules/scaling-profile";

/// Why the docs could not be generated or checked.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

pub(crate) fn invalid(path: &str, message: impl Into<String>) -> DocsError {
    DocsError::Invalid {
        path: path.to_string(),
        message: message.into(),
    }
}

/// One generated file, its path relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub content: String,
}

/// Collapses a (possibly multi-line) description onto one line.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first sentence of a description, for a page's front matter.
pub(crate) fn first_sentence(text: &str) -> String {
    let text = one_line(text);
    match text.find(". ") {
        Some(i) => text[..=i].to_string(),
        None => text,
    }
}

// ---------------------------------------------------------------------------
// The whole set
// ---------------------------------------------------------------------------

/// Templates and the files they generate (relative to the repository root).
pub const PAGES: &[(&str, &str, Page)] = &[
    (
        "docs/templates/index.md.tmpl",
        "docs/index.md",
        Page::Provider,
    ),
    (
        "docs/templates/resources/scaling_profile.md.tmpl",
        "docs/resources/scaling_profile.md",
        Page::Resource,
    ),
];

/// Which schema a page documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Provider,
    Resource,
}

fn read_under(root: &Path, rel: &str) -> Result<String, DocsError> {
    let path = root.join(rel);
    std::fs::read_to_string(&path).map_err(|source| DocsError::Read { path, source })
}

/// Renders every generated file from the sources under `root`.
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, DocsError> {
    let read = |rel: &str| read_under(root, rel);
    let mut files = Vec::new();
    for (template, target, page) in PAGES {
        let schema = match page {
            Page::Provider => provider_schema(),
            Page::Resource => resource_schema(),
        };
        let text = read(template)?;
        files.push(GeneratedFile {
            path: PathBuf::from(target),
            content: render_template(template, &text, &schema, &read)?,
        });
    }

    let vars_path = format!("{MODULE_DIR}/variables.tf");
    let outs_path = format!("{MODULE_DIR}/outputs.tf");
    files.extend(functions::pages(&read)?);
    files.extend(data_sources::pages(&read)?);
    files.extend(list_resources::pages());

    let readme_path = format!("{MODULE_DIR}/README.md");
    let vars = parse_variables(&vars_path, &read(&vars_path)?)?;
    let outs = parse_outputs(&outs_path, &read(&outs_path)?)?;
    let readme = read(&readme_path)?;
    let readme = replace_section(&readme_path, &readme, "inputs", &inputs_table(&vars))?;
    let readme = replace_section(&readme_path, &readme, "outputs", &outputs_table(&outs))?;
    files.push(GeneratedFile {
        path: PathBuf::from(readme_path),
        content: readme,
    });
    Ok(files)
}

/// The generated files whose content on disk differs (or which are missing).
pub fn stale(root: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(root.join(&f.path))
                .map(|on_disk| on_disk != f.content)
                .unwrap_or(true)
        })
        .map(|f| f.path.clone())
        .collect()
}

/// Writes the files that changed; returns their paths.
pub fn write(root: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, DocsError> {
    let changed = stale(root, files);
    for f in files.iter().filter(|f| changed.contains(&f.path)) {
        let path = root.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| DocsError::Write {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, &f.content).map_err(|source| DocsError::Write { path, source })?;
    }
    Ok(changed)
}
