//! Inputs: a directory of `.tf`/`.tfvars` or a `terraform show -json` file,
//! resolved into profiles the rest of the program trusts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use scaling::Profile;

use crate::error::InputError;

/// A profile with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedProfile {
    /// Terraform address, e.g. `module.api.smuppy_scaling_profile.main`.
    pub address: String,
    /// File it was declared in, as given on the command line (HCL only).
    pub file: Option<String>,
    /// Line of each known location (`""` = the resource block itself).
    pub lines: BTreeMap<String, usize>,
    pub profile: Profile,
}

impl LoadedProfile {
    /// The line of a location, or of the nearest enclosing block that has one.
    pub fn line_of(&self, location: &str) -> Option<usize> {
        let mut loc = location.to_string();
        loop {
            if let Some(l) = self.lines.get(&loc) {
                return Some(*l);
            }
            if loc.is_empty() {
                return None;
            }
            // Drop the last step: `.attr` or `[i]`.
            let cut = match (loc.rfind('.'), loc.rfind('[')) {
                (Some(d), Some(b)) => d.max(b),
                (Some(d), None) => d,
                (None, Some(b)) => b,
                (None, None) => 0,
            };
            loc.truncate(cut);
        }
    }
}

/// What the command line asked to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub var_files: Vec<PathBuf>,
    pub vars: Vec<(String, String)>,
}

/// Loads `path`: a directory (or `.tf` file) of HCL, or a JSON plan.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Vec<LoadedProfile>, InputError> {
    let meta = std::fs::metadata(path).map_err(|e| InputError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if meta.is_dir() {
        return crate::hcl::load_dir(path, opts);
    }
    let is_json = path
        .extension()
        .map(|e| e.eq_ignore_ascii_case("json"))
        .unwrap_or(false);
    if is_json {
        crate::plan::load_plan(path)
    } else {
        crate::hcl::load_file(path, opts)
    }
}

pub(crate) fn read(path: &Path) -> Result<String, InputError> {
    std::fs::read_to_string(path).map_err(|e| InputError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// A path as it should be printed: `a/b/../c` folded to `a/c`, forward
/// slashes, no leading `./`.
pub(crate) fn display_path(p: &Path) -> String {
    use std::path::Component;
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for c in p.components() {
        match c {
            Component::RootDir => absolute = true,
            Component::CurDir => {}
            Component::ParentDir => {
                if parts.last().map(|l| l != "..").unwrap_or(false) {
                    parts.pop();
                } else if !absolute {
                    parts.push("..".into());
                }
            }
            Component::Normal(n) => parts.push(n.to_string_lossy().to_string()),
            Component::Prefix(pre) => parts.push(pre.as_os_str().to_string_lossy().to_string()),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}
