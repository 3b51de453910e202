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
    /// `# smuppy:ignore` comments on or inside the resource block (HCL only).
    pub ignores: Vec<crate::ignore::InlineIgnore>,
    /// Keys of the map attributes in key order, by the rule engine's location
    /// name (`lambda` → `["api", "web"]`), to print findings' locations.
    pub keys: BTreeMap<String, Vec<String>>,
    /// The provider configuration it uses, as the resource's `provider`
    /// meta-argument writes it (`smuppy`, `smuppy.west`): with the Region,
    /// which profiles share an account (the account rules, ACC).
    pub provider: String,
    /// Values the loader could not evaluate (HCL only): each is unset in
    /// `profile`, and reported (INP001) with why.
    pub unevaluated: Vec<crate::blocks::Unevaluated>,
    /// For a profile assembled from `aws_*` resources: each location as the
    /// profile writes it (`lambda_pools["x"].timeout`) → the `aws_*` address
    /// and attribute it was read from. Empty for a `smuppy_scaling_profile`.
    pub aws: BTreeMap<String, String>,
}

impl LoadedProfile {
    /// A location as the report prints it: as the configuration writes it,
    /// on the `aws_*` resource it was read from when there is one.
    pub fn shown(&self, loc: &scaling::Location) -> String {
        let shown = crate::locations::user_location(loc, &self.keys).to_string();
        crate::awsres::aws_location(&self.aws, &shown).unwrap_or(shown)
    }

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

/// The provider configuration of a resource without a `provider` meta-argument.
pub const DEFAULT_PROVIDER: &str = "smuppy";

/// What the command line asked to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub var_files: Vec<PathBuf>,
    pub vars: Vec<(String, String)>,
}

/// Loads `path`: a directory (or `.tf` file) of HCL, or a JSON plan. A
/// panic while reading or evaluating becomes an input error.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Vec<LoadedProfile>, InputError> {
    crate::guard::quietly(|| load_unguarded(path, opts)).unwrap_or_else(|msg| {
        Err(InputError::Other(format!(
            "{}: internal error while reading the configuration: {msg}",
            display_path(path)
        )))
    })
}

fn load_unguarded(path: &Path, opts: &LoadOptions) -> Result<Vec<LoadedProfile>, InputError> {
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

/// Largest plan, price table, k6 summary or facts file read (JSON).
pub const MAX_JSON_BYTES: u64 = 64 << 20;

/// Reads a JSON input file (plan, prices, k6 summary, account facts).
pub(crate) fn read(path: &Path) -> Result<String, InputError> {
    read_capped(path, MAX_JSON_BYTES)
}

/// Reads a configuration or variables file within the run's budget.
pub(crate) fn read_config(path: &Path, budget: &crate::eval::Budget) -> Result<String, InputError> {
    let text = read_capped(path, budget.limits.file_bytes)?;
    budget
        .read_bytes(text.len() as u64)
        .map_err(|reason| InputError::Limit {
            at: display_path(path),
            reason,
        })?;
    Ok(text)
}

/// Reads a regular file of at most `cap` bytes. Anything else (a device, a
/// FIFO, a socket, a directory, also behind a symlink) is refused before it
/// is read; the size is checked before and while reading.
pub(crate) fn read_capped(path: &Path, cap: u64) -> Result<String, InputError> {
    use std::io::Read;
    let fail = |reason: String| InputError::Read {
        path: path.to_path_buf(),
        reason,
    };
    let too_large = |size: String| InputError::Limit {
        at: display_path(path),
        reason: format!(
            "file size limit reached: {size} bytes, more than {} bytes",
            crate::eval::group(cap)
        ),
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail(format!("not a regular file ({})", file_kind(&meta))));
    }
    if meta.len() > cap {
        return Err(too_large(crate::eval::group(meta.len())));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Should the path be swapped for a FIFO after the check, opening it
        // does not wait for a writer.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| fail(e.to_string()))?;
    let meta = file.metadata().map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail(format!("not a regular file ({})", file_kind(&meta))));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(cap) as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(format!("more than {}", crate::eval::group(cap))));
    }
    String::from_utf8(bytes).map_err(|e| fail(format!("not UTF-8 text ({e})")))
}

#[cfg(all(unix, any(target_os = "linux", target_os = "android")))]
const O_NONBLOCK: i32 = 0o4000;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
const O_NONBLOCK: i32 = 0x0004;

fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
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
