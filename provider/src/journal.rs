//! A crash journal of the "before" values one resource instance must restore.
//!
//! Terraform stores what destroy needs (private state) only when apply
//! returns. If the provider process dies mid-apply — killed, out of memory,
//! the machine gone — the values captured before the first changes would be
//! lost with it (Terraform then keeps the prior state beside a *nil*
//! private), and a later destroy could not put them back. So each apply
//! writes its captures here before its first AWS write and again with each
//! new capture, and the next apply of the same instance takes back what
//! Terraform never received.
//!
//! # Whose entry is it
//!
//! An entry belongs to one resource instance, never to "a profile name":
//!
//! - **Instance id.** A create draws a random 128-bit id; it travels in the
//!   private state Terraform stores, and every entry records it. An apply
//!   whose private state carries an id reads only the entry of that id
//!   (another state's or another workspace's instance of the same profile
//!   has another id).
//! - **Recovery slot.** What Terraform hands the provider after a kill
//!   carries no id: a killed create leaves nothing in state (the next apply
//!   is a new create) and a killed update leaves a nil private. Both must
//!   still find the entry of the killed run. The provider is not told the
//!   resource address, so the slot is what Terraform gives every run of the
//!   same instance alike: the working directory (the journal's directory is
//!   in it), the selected workspace (`TF_WORKSPACE`, else
//!   `<data dir>/environment`, else `default`), the provider's region and the
//!   profile name. Only an apply without an id adopts entries of its slot,
//!   and from them only captures of the AWS things its own profile claims
//!   (the configuration, or for an update or destroy the prior state): the
//!   rest stays in the file and is reported as a warning with the path.
//!
//! Trade-off: two instances that share a slot (two states of one workspace,
//! `-state=other.tfstate`, or two resources with the same `name` and region)
//! are told apart by their ids as long as their private state is intact;
//! after a kill, the recovering one may adopt captures of the other for the
//! things both profiles claim — things they fight over anyway.
//!
//! # Files
//!
//! `.terraform/smuppy/` of the working directory (`$TF_DATA_DIR/smuppy` when
//! Terraform's data dir is moved; `SMUPPY_JOURNAL_DIR` overrides), mode
//! 0700. An entry is `<sha256(slot)>-<sha256(instance id)>.json` (hex, fixed
//! length whatever the profile name), mode 0600, written through a
//! temporary file with a unique name opened `O_CREAT|O_EXCL|O_NOFOLLOW`,
//! fsync'ed, renamed over the entry (a rename replaces a symlink, it does not
//! follow it) and the directory fsync'ed. Entries are read `O_NOFOLLOW`,
//! regular files only, at most [`MAX_ENTRY_BYTES`]. An apply leaves its
//! entry holding exactly the private state it hands to Terraform, failed or
//! not, and the entry lives as long as the instance: Terraform does not hand
//! that private state back when the answer was lost with the process, nor
//! to the destroy half of a replacement. A successful destroy removes it. Failing
//! to journal never stops an apply: it is a warning diagnostic.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use scaling_aws::{Capture, PrivateState};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The entry format this provider writes.
pub const ENTRY_FORMAT: u32 = 1;
/// Larger files are not journal entries (a private state is a few KiB).
pub const MAX_ENTRY_BYTES: u64 = 1 << 20;
/// Bytes of the instance id (hex-encoded in private state).
const INSTANCE_BYTES: usize = 16;

/// Where one resource instance's entries live, and whose they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub workspace: String,
    pub region: String,
    pub profile: String,
}

impl Slot {
    /// The slot of profile `profile` in region `region` for the workspace
    /// Terraform has selected.
    pub fn current(profile: &str, region: &str) -> Slot {
        Slot {
            workspace: workspace(),
            region: region.to_string(),
            profile: profile.to_string(),
        }
    }

    /// sha256 of the length-prefixed fields: fixed length, safe in a file
    /// name, distinct for any two distinct slots (`a/b` and `a_b` too).
    pub fn hash(&self) -> String {
        let mut text = String::from("smuppy-journal/1\n");
        for f in [&self.workspace, &self.region, &self.profile] {
            text.push_str(&format!("{}:{}\n", f.len(), f));
        }
        sha256_hex(text.as_bytes())
    }
}

/// What one entry file holds.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    format: u32,
    workspace: String,
    region: String,
    profile: String,
    instance: String,
    private: PrivateState,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    let ok = File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buf));
    if ok.is_err() {
        // No /dev/urandom: time, pid and address bits hashed (unique enough
        // for an id that only has to differ from its neighbours').
        let seed = format!(
            "{:?}{}{:p}",
            std::time::SystemTime::now(),
            std::process::id(),
            &buf
        );
        return sha256_hex(seed.as_bytes())[..2 * n].to_string();
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A well-formed instance id (what [`Journal::begin`] draws).
pub fn is_instance_id(s: &str) -> bool {
    s.len() == 2 * INSTANCE_BYTES && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn data_dir() -> Option<PathBuf> {
    match std::env::var_os("TF_DATA_DIR").filter(|d| !d.is_empty()) {
        Some(d) => Some(PathBuf::from(d)),
        None => std::env::current_dir().ok().map(|d| d.join(".terraform")),
    }
}

/// The directory of the journal.
pub fn dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("SMUPPY_JOURNAL_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    data_dir().map(|d| d.join("smuppy"))
}

/// The workspace Terraform runs in: what it tells its own subcommands
/// (`TF_WORKSPACE`, else the `environment` file of its data dir).
pub fn workspace() -> String {
    if let Some(w) = std::env::var("TF_WORKSPACE").ok().filter(|w| !w.is_empty()) {
        return w;
    }
    data_dir()
        .and_then(|d| read_limited(&d.join("environment"), 4096).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "default".to_string())
}

/// Reads a regular file without following a symlink (or blocking on a FIFO),
/// refusing more than `limit` bytes.
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    if meta.len() > limit {
        return Err(std::io::Error::other(format!("larger than {limit} bytes")));
    }
    let mut out = Vec::new();
    f.take(limit + 1).read_to_end(&mut out)?;
    if out.len() as u64 > limit {
        return Err(std::io::Error::other(format!("larger than {limit} bytes")));
    }
    Ok(out)
}

/// Creates `dir` (0700) or checks the one there: a real directory (not a
/// symlink) owned by this user, tightened to 0700.
fn ensure_dir(dir: &Path) -> std::io::Result<()> {
    DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.is_dir() {
        return Err(std::io::Error::other("not a directory (a symlink?)"));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(std::io::Error::other(format!(
            "owned by uid {}, not by this user ({me})",
            meta.uid()
        )));
    }
    if meta.mode() & 0o777 != 0o700 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically, never through a symlink.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no parent directory"))?;
    ensure_dir(dir)?;
    let name = path.file_name().unwrap_or(OsStr::new("entry"));
    let tmp = dir.join(format!(
        ".{}.{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        random_hex(8)
    ));
    let written = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// One finding for the user: a warning diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub summary: String,
    pub detail: String,
}

/// The journal of one resource instance during one apply or destroy.
#[derive(Debug)]
pub struct Journal {
    /// The entry file; `None` when there is no usable directory.
    path: Option<PathBuf>,
    slot: Slot,
    instance: String,
    warnings: Mutex<Vec<Warning>>,
    /// The last write failed (reported once).
    failed: Mutex<bool>,
}

impl Journal {
    /// Starts the journal of the instance whose private state is `private`
    /// (Terraform's, as planned): takes back the captures that belong to it
    /// (see the module doc) into `private`, gives `private` an instance id
    /// when it has none, and writes the entry before the first AWS write.
    /// `claims` says whether the profile claims a capture key.
    pub fn begin(slot: Slot, private: &mut PrivateState, claims: &dyn Fn(&str) -> bool) -> Journal {
        Journal::begin_in(dir(), slot, private, claims)
    }

    /// [`begin`](Self::begin) with an explicit directory.
    pub fn begin_in(
        dir: Option<PathBuf>,
        slot: Slot,
        private: &mut PrivateState,
        claims: &dyn Fn(&str) -> bool,
    ) -> Journal {
        // Neither scanned nor written unless it is a real directory of ours.
        let (dir, unusable) = match dir {
            Some(d) => match ensure_dir(&d) {
                Ok(()) => (Some(d), None),
                Err(e) => (None, Some(format!("{}: {e}", d.display()))),
            },
            None => (None, Some("no working directory".to_string())),
        };
        let known = private
            .instance()
            .filter(|i| is_instance_id(i))
            .map(str::to_string);
        let instance = known.clone().unwrap_or_else(|| random_hex(INSTANCE_BYTES));
        private.set_instance(&instance);
        let slot_hash = slot.hash();
        let path = dir.as_ref().map(|d| {
            d.join(format!(
                "{slot_hash}-{}.json",
                sha256_hex(instance.as_bytes())
            ))
        });
        let journal = Journal {
            path,
            slot,
            instance,
            warnings: Mutex::new(Vec::new()),
            failed: Mutex::new(false),
        };
        if let Some(why) = unusable {
            *lock(&journal.failed) = true;
            journal.warn(
                "Cannot write the crash journal",
                format!("{why}. The apply went on, but if the provider is killed before it ends, the values to restore on destroy may be lost."),
            );
        }
        let mut adopted = Vec::new();
        if let Some(d) = &dir {
            journal.warn_legacy(d);
            for file in slot_files(d, &slot_hash) {
                if Some(&file) == journal.path.as_ref() && known.is_some() {
                    journal.take_own(&file, private);
                } else if known.is_none() {
                    if let Some(rest) = journal.adopt(&file, private, claims) {
                        adopted.push((file, rest));
                    }
                } else {
                    journal.warn(
                        "Crash journal entry of another instance left alone",
                        format!(
                            "{} is in the slot of profile {:?} but belongs to another resource instance (another state, or another resource with this name); nothing from it was applied.",
                            file.display(),
                            journal.slot.profile
                        ),
                    );
                }
            }
        }
        // Our entry holds what we adopted before the orphans are thinned.
        journal.record(private);
        if !*lock(&journal.failed) {
            for (file, rest) in adopted {
                let gone = match rest {
                    None => std::fs::remove_file(&file),
                    Some(bytes) => write_atomic(&file, &bytes),
                };
                if let Err(e) = gone {
                    tracing::warn!(path = %file.display(), error = %e, "cannot update an adopted journal entry");
                }
            }
        }
        journal
    }

    fn warn(&self, summary: &str, detail: String) {
        tracing::warn!(summary, detail = %detail, "crash journal");
        lock(&self.warnings).push(Warning {
            summary: summary.to_string(),
            detail,
        });
    }

    /// Warnings for the user (drains them).
    pub fn take_warnings(&self) -> Vec<Warning> {
        std::mem::take(&mut *lock(&self.warnings))
    }

    /// The instance id this run journals under (also set in the private state).
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// The entry file, if there is a journal directory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// A file an earlier provider version read (`<sanitised name>.json`):
    /// never read now, but shown, since it may undo settings if an older
    /// provider runs here again.
    fn warn_legacy(&self, dir: &Path) {
        let safe: String = self
            .slot
            .profile
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let legacy = dir.join(format!("{safe}.json"));
        if std::fs::symlink_metadata(&legacy).is_ok() {
            self.warn(
                "Crash journal file not read",
                format!(
                    "{} has the name earlier provider versions gave the journal of every profile named like {:?}; it is not tied to this resource instance, so nothing from it was applied. Remove it once you have checked it.",
                    legacy.display(),
                    self.slot.profile
                ),
            );
        }
    }

    /// Parses `file`; a warning (and `None`) when it is no entry of this slot.
    fn load(&self, file: &Path) -> Option<Entry> {
        match check_entry(file, &self.slot) {
            Ok(e) => Some(e),
            Err(why) => {
                self.warn(
                    "Crash journal entry ignored",
                    format!("{}: {why}; nothing from it was applied.", file.display()),
                );
                None
            }
        }
    }

    /// Our own entry (an earlier apply of this instance failed or was killed
    /// after Terraform stored the id): every capture in it is ours.
    fn take_own(&self, file: &Path, private: &mut PrivateState) {
        if let Some(e) = self.load(file) {
            if e.instance == self.instance {
                private.absorb(e.private);
            }
        }
    }

    /// An entry of a run whose id Terraform never stored: its captures of
    /// things `claims` accepts move into `private`. Returns what to leave in
    /// the file (`Some(None)`: remove it), `None` to leave it untouched.
    fn adopt(
        &self,
        file: &Path,
        private: &mut PrivateState,
        claims: &dyn Fn(&str) -> bool,
    ) -> Option<Option<Vec<u8>>> {
        let mut e = self.load(file)?;
        let (mine, rest): (BTreeMap<String, Capture>, BTreeMap<String, Capture>) = e
            .private
            .captures()
            .clone()
            .into_iter()
            .partition(|(k, _)| claims(k));
        let mut taken = PrivateState::default();
        for (k, c) in mine {
            taken.capture_once(&k, c);
        }
        if taken.is_empty() && !rest.is_empty() {
            self.warn_unclaimed(file, &rest);
            return None;
        }
        tracing::info!(path = %file.display(), captures = taken.captures().len(), "adopting the journal of an interrupted apply");
        private.absorb(taken);
        if rest.is_empty() {
            return Some(None);
        }
        self.warn_unclaimed(file, &rest);
        let mut left = PrivateState::default();
        for (k, c) in rest {
            left.capture_once(&k, c);
        }
        e.private = left;
        Some(serde_json::to_vec(&e).ok())
    }

    fn warn_unclaimed(&self, file: &Path, rest: &BTreeMap<String, Capture>) {
        self.warn(
            "Crash journal entry not applied",
            format!(
                "{} holds values captured for {} that this profile does not manage; they were not applied and the file is kept for you to check.",
                file.display(),
                rest.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        );
    }

    /// Persists `state` as this instance's entry (before the change a new
    /// capture protects).
    pub fn record(&self, state: &PrivateState) {
        let Some(path) = &self.path else { return };
        let mut private = state.clone();
        private.set_instance(&self.instance);
        let entry = Entry {
            format: ENTRY_FORMAT,
            workspace: self.slot.workspace.clone(),
            region: self.slot.region.clone(),
            profile: self.slot.profile.clone(),
            instance: self.instance.clone(),
            private,
        };
        let result = serde_json::to_vec(&entry)
            .map_err(std::io::Error::other)
            .and_then(|b| write_atomic(path, &b));
        self.note(path, result);
    }

    fn note(&self, path: &Path, result: std::io::Result<()>) {
        let mut failed = lock(&self.failed);
        match result {
            Ok(()) => *failed = false,
            Err(e) => {
                let first = !*failed;
                *failed = true;
                drop(failed);
                if first {
                    self.warn(
                        "Cannot write the crash journal",
                        format!(
                            "{}: {e}. The apply went on, but if the provider is killed before it ends, the values to restore on destroy may be lost.",
                            path.display()
                        ),
                    );
                }
            }
        }
    }

    /// The end of an apply, failed or not: the entry holds exactly the
    /// private state handed to Terraform, and stays for the life of the
    /// instance. Terraform does not always give that private state back: the
    /// process may die before its answer arrives (Terraform then stores
    /// nothing for a create, a nil private for an update), and the destroy
    /// half of a replacement (`-replace`, a tainted instance) gets none. Such
    /// an apply has no instance id and takes the entry back.
    pub fn hand_over(&self, state: &PrivateState) {
        self.record(state)
    }

    /// Removes the entry: a destroy restored everything it held (Terraform
    /// drops the instance; an answer lost leaves it a prior state whose
    /// settings AWS no longer has to give back).
    pub fn finish(&self) {
        if let Some(path) = &self.path {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "cannot remove the crash journal entry")
                }
            }
        }
    }
}

/// `file` parsed as an entry of `slot`, or why it is none.
fn check_entry(file: &Path, slot: &Slot) -> Result<Entry, String> {
    let e = read_limited(file, MAX_ENTRY_BYTES)
        .and_then(|b| serde_json::from_slice::<Entry>(&b).map_err(std::io::Error::other))
        .map_err(|e| format!("it cannot be read: {e}"))?;
    if e.format > ENTRY_FORMAT {
        return Err(format!("format {} is newer than this provider's", e.format));
    }
    if !is_instance_id(&e.instance) {
        return Err("its instance id is malformed".to_string());
    }
    if (e.workspace.as_str(), e.region.as_str(), e.profile.as_str())
        != (
            slot.workspace.as_str(),
            slot.region.as_str(),
            slot.profile.as_str(),
        )
    {
        return Err(format!(
            "it names profile {:?} in workspace {:?}, region {:?}",
            e.profile, e.workspace, e.region
        ));
    }
    let expected = format!("{}-{}.json", slot.hash(), sha256_hex(e.instance.as_bytes()));
    if file.file_name().and_then(OsStr::to_str) != Some(expected.as_str()) {
        return Err("its name does not match its instance id".to_string());
    }
    Ok(e)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Entry files of the slot `slot_hash` in `dir` (names only; not followed).
fn slot_files(dir: &Path, slot_hash: &str) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let prefix = format!("{slot_hash}-");
    let mut out: Vec<PathBuf> = read
        .flatten()
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.starts_with(&prefix) && n.ends_with(".json") && n.len() == 64 + 1 + 64 + 5
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;
