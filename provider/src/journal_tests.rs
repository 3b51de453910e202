//! Unit tests of the crash journal: names, permissions, symlinks, entries
//! that do not belong.

use super::*;
use std::os::unix::fs::symlink;

fn slot(profile: &str) -> Slot {
    Slot {
        workspace: "default".into(),
        region: "us-east-1".into(),
        profile: profile.into(),
    }
}

fn lambda(memory: i64) -> Capture {
    Capture::Lambda {
        memory_size: Some(memory),
        timeout: Some(3),
        reserved_concurrency: Some(0),
    }
}

fn with_instance(id: &str) -> PrivateState {
    let mut p = PrivateState::default();
    p.set_instance(id);
    p
}

fn entry_path(dir: &Path, s: &Slot, instance: &str) -> PathBuf {
    dir.join(format!(
        "{}-{}.json",
        s.hash(),
        sha256_hex(instance.as_bytes())
    ))
}

fn plant(dir: &Path, s: &Slot, instance: &str, captures: &[(&str, Capture)]) -> PathBuf {
    let mut private = PrivateState::default();
    for (k, c) in captures {
        private.capture_once(k, c.clone());
    }
    let e = Entry {
        format: ENTRY_FORMAT,
        workspace: s.workspace.clone(),
        region: s.region.clone(),
        profile: s.profile.clone(),
        instance: instance.into(),
        private,
    };
    std::fs::create_dir_all(dir).unwrap();
    let p = entry_path(dir, s, instance);
    std::fs::write(&p, serde_json::to_vec(&e).unwrap()).unwrap();
    p
}

fn keys(p: &PrivateState) -> Vec<String> {
    p.captures().keys().cloned().collect()
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().mode() & 0o777
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

const X: &str = "0123456789abcdef0123456789abcdef";
const Y: &str = "fedcba9876543210fedcba9876543210";

#[test]
fn names_are_fixed_length_safe_and_distinct() {
    let long = "n".repeat(300);
    let names = ["a/b", "a_b", "é", "ü", "..", "", long.as_str()];
    let hashes: Vec<String> = names.iter().map(|n| slot(n).hash()).collect();
    for h in &hashes {
        assert_eq!(h.len(), 64);
        assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    let distinct: std::collections::BTreeSet<_> = hashes.iter().collect();
    assert_eq!(distinct.len(), names.len(), "{hashes:?}");
    // Fields are length-prefixed: moving a character between them changes the slot.
    let a = Slot {
        workspace: "ab".into(),
        region: "c".into(),
        profile: "x".into(),
    };
    let b = Slot {
        workspace: "a".into(),
        region: "bc".into(),
        profile: "x".into(),
    };
    assert_ne!(a.hash(), b.hash());
    // Workspaces and regions are part of the slot.
    let mut w2 = slot("api");
    w2.workspace = "w2".into();
    assert_ne!(w2.hash(), slot("api").hash());
}

#[test]
fn a_long_name_journals() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("j");
    let mut p = PrivateState::default();
    let s = slot(&"n".repeat(300));
    let j = Journal::begin_in(Some(dir.clone()), s.clone(), &mut p, &|_| true);
    p.capture_once("lambda:f", lambda(256));
    j.record(&p);
    assert!(j.take_warnings().is_empty());
    let written = j.path().unwrap();
    assert_eq!(written.file_name().unwrap().len(), 64 + 1 + 64 + 5);
    let e: Entry = serde_json::from_slice(&std::fs::read(written).unwrap()).unwrap();
    assert_eq!(e.profile, s.profile);
    assert_eq!(keys(&e.private), ["lambda:f"]);
    assert_eq!(e.private.instance(), Some(j.instance()));
}

#[test]
fn files_are_0600_in_a_0700_directory() {
    let d = tempfile::tempdir().unwrap();
    let fresh = d.path().join("data").join("smuppy");
    let mut p = PrivateState::default();
    let j = Journal::begin_in(Some(fresh.clone()), slot("api"), &mut p, &|_| true);
    assert_eq!(mode(&fresh), 0o700);
    assert_eq!(mode(j.path().unwrap()), 0o600);
    // A directory an earlier version made 0755 is tightened.
    let old = d.path().join("old");
    std::fs::create_dir(&old).unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut p = PrivateState::default();
    let j = Journal::begin_in(Some(old.clone()), slot("api"), &mut p, &|_| true);
    assert_eq!(mode(&old), 0o700);
    assert_eq!(mode(j.path().unwrap()), 0o600);
    // Nothing else is left behind (no temporary files).
    assert_eq!(files(&old).len(), 1);
}

#[test]
fn a_symlink_at_the_entry_is_replaced_never_followed() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("j");
    std::fs::create_dir(&dir).unwrap();
    let victim = d.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let s = slot("api");
    let link = entry_path(&dir, &s, X);
    symlink(&victim, &link).unwrap();
    // Also where earlier versions put their temporary file.
    symlink(&victim, dir.join("api.json.tmp")).unwrap();
    let mut p = with_instance(X);
    let j = Journal::begin_in(Some(dir.clone()), s, &mut p, &|_| true);
    p.capture_once("lambda:f", lambda(256));
    j.record(&p);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_file());
    let w = j.take_warnings();
    assert!(
        w.iter()
            .any(|w| w.detail.contains(&link.display().to_string())
                && w.detail.contains("cannot be read")),
        "{w:?}"
    );
    // A symlinked journal directory is refused.
    let elsewhere = d.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let linked = d.path().join("linked");
    symlink(&elsewhere, &linked).unwrap();
    let mut p = PrivateState::default();
    let j = Journal::begin_in(Some(linked), slot("api"), &mut p, &|_| true);
    assert!(files(&elsewhere).is_empty());
    assert!(j
        .take_warnings()
        .iter()
        .any(|w| w.summary.contains("Cannot write")));
}

#[test]
fn a_killed_create_is_adopted_by_the_next_create() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("j");
    let s = slot("api");
    let mut first = PrivateState::default();
    let j = Journal::begin_in(Some(dir.clone()), s.clone(), &mut first, &|_| true);
    first.capture_once("lambda:fn-a", lambda(256));
    j.record(&first);
    let orphan = j.path().unwrap().to_path_buf();
    drop(j); // killed: Terraform stores nothing, the next apply is a new create

    let mut second = PrivateState::default();
    let j2 = Journal::begin_in(Some(dir.clone()), s, &mut second, &|k| k == "lambda:fn-a");
    assert_ne!(j2.instance(), first.instance().unwrap());
    assert_eq!(second.capture("lambda:fn-a"), Some(&lambda(256)));
    assert!(!orphan.exists(), "the adopted entry is gone");
    assert!(j2.path().unwrap().exists());
    assert!(j2.take_warnings().is_empty());
    j2.finish();
    assert!(files(&dir).is_empty());
}

#[test]
fn a_planted_entry_gives_back_only_what_the_profile_claims() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("j");
    let s = slot("api");
    let planted = plant(
        &dir,
        &s,
        Y,
        &[("lambda:fn-a", lambda(256)), ("lambda:other", lambda(128))],
    );
    let mut p = PrivateState::default();
    let j = Journal::begin_in(Some(dir.clone()), s.clone(), &mut p, &|k| {
        k == "lambda:fn-a"
    });
    assert_eq!(keys(&p), ["lambda:fn-a"]);
    let w = j.take_warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].detail.contains(&planted.display().to_string())
            && w[0].detail.contains("lambda:other")
    );
    // The file keeps what was not taken.
    let left: Entry = serde_json::from_slice(&std::fs::read(&planted).unwrap()).unwrap();
    assert_eq!(keys(&left.private), ["lambda:other"]);
    j.finish();

    // Nothing claimed: the file is left exactly as it was.
    let only_other = plant(&dir, &s, X, &[("lambda:other", lambda(128))]);
    let before = std::fs::read(&only_other).unwrap();
    let mut p = PrivateState::default();
    let j = Journal::begin_in(Some(dir.clone()), s, &mut p, &|k| k == "lambda:fn-a");
    assert!(p.is_empty());
    assert_eq!(std::fs::read(&only_other).unwrap(), before);
    assert!(j
        .take_warnings()
        .iter()
        .any(|w| w.detail.contains(&only_other.display().to_string())));
}

#[test]
fn an_entry_of_another_instance_is_left_alone() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("j");
    let s = slot("api");
    let theirs = plant(&dir, &s, Y, &[("lambda:fn-a", lambda(128))]);
    let before = std::fs::read(&theirs).unwrap();
    let mut p = with_instance(X);
    let j = Journal::begin_in(Some(dir.clone()), s, &mut p, &|_| true);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(std::fs::read(&theirs).unwrap(), before);
    assert!(j
        .take_warnings()
        .iter()
        .any(|w| w.detail.contains(&theirs.display().to_string())));
}

#[test]
fn its_own_entry_comes_back_whole() {
    // A failed apply of instance X left its entry; Terraform has the id.
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("j");
    let s = slot("api");
    plant(
        &dir,
        &s,
        X,
        &[("lambda:gone", lambda(128)), ("lambda:fn-a", lambda(256))],
    );
    let mut p = with_instance(X);
    let j = Journal::begin_in(Some(dir.clone()), s, &mut p, &|_| false);
    assert_eq!(keys(&p), ["lambda:fn-a", "lambda:gone"]);
    assert_eq!(j.instance(), X);
    assert!(j.take_warnings().is_empty());
}

#[test]
fn entries_of_other_slots_are_not_read_and_misfiled_ones_are_reported() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("j");
    let mut w2 = slot("api");
    w2.workspace = "w2".into();
    let other_ws = plant(&dir, &w2, Y, &[("lambda:fn-a", lambda(128))]);
    let mut p = PrivateState::default();
    let j = Journal::begin_in(Some(dir.clone()), slot("api"), &mut p, &|_| true);
    assert!(p.is_empty());
    assert!(j.take_warnings().is_empty());
    assert!(other_ws.exists());

    // The same entry copied under this slot's name: its content says whose it is.
    let copy = entry_path(&dir, &slot("api"), Y);
    std::fs::copy(&other_ws, &copy).unwrap();
    let mut p = PrivateState::default();
    let j = Journal::begin_in(Some(dir.clone()), slot("api"), &mut p, &|_| true);
    assert!(p.is_empty());
    let w = j.take_warnings();
    assert!(
        w.iter()
            .any(|w| w.detail.contains(&copy.display().to_string()) && w.detail.contains("\"w2\"")),
        "{w:?}"
    );
}

#[test]
fn unreadable_entries_are_reported_without_blocking() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("j");
    std::fs::create_dir(&dir).unwrap();
    let s = slot("api");
    let fifo = entry_path(&dir, &s, X);
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let big = entry_path(&dir, &s, Y);
    std::fs::write(&big, vec![b' '; MAX_ENTRY_BYTES as usize + 1]).unwrap();
    let mut p = PrivateState::default();
    let j = Journal::begin_in(Some(dir.clone()), s, &mut p, &|_| true);
    assert!(p.is_empty());
    let w = j.take_warnings();
    assert!(
        w.iter().any(|w| w.detail.contains("not a regular file")),
        "{w:?}"
    );
    assert!(w.iter().any(|w| w.detail.contains("larger than")), "{w:?}");
}

#[test]
fn a_legacy_file_is_reported_not_read() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("j");
    std::fs::create_dir(&dir).unwrap();
    let legacy = dir.join("a_b.json");
    std::fs::write(&legacy, r#"{"version":1,"captures":{"lambda:other":{"kind":"lambda","memory_size":128,"timeout":3,"reserved_concurrency":0}}}"#).unwrap();
    let mut p = PrivateState::default();
    let j = Journal::begin_in(Some(dir.clone()), slot("a/b"), &mut p, &|_| true);
    assert!(p.is_empty());
    assert!(j
        .take_warnings()
        .iter()
        .any(|w| w.detail.contains(&legacy.display().to_string())));
    assert!(legacy.exists());
}

#[test]
fn finish_removes_only_its_own_entry() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("j");
    let s = slot("api");
    let theirs = plant(&dir, &s, Y, &[]);
    let mut p = with_instance(X);
    let j = Journal::begin_in(Some(dir.clone()), s, &mut p, &|_| true);
    assert!(j.path().unwrap().exists());
    j.finish();
    assert!(!j.path().unwrap().exists());
    assert!(theirs.exists());
}

#[test]
fn a_successful_create_whose_answer_is_lost_is_adopted_by_the_next_create() {
    // The apply succeeded, but the process died before Terraform had its
    // answer: Terraform stores nothing and the next apply is a new create,
    // which must still find what the first one created and captured.
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("j");
    let s = slot("api");
    let mut first = PrivateState::default();
    let j = Journal::begin_in(Some(dir.clone()), s.clone(), &mut first, &|_| true);
    first.capture_once("cachepolicy:abc", Capture::Created { id: "abc".into() });
    j.record(&first);
    j.hand_over(&first);
    drop(j);

    let mut second = PrivateState::default();
    let j2 = Journal::begin_in(Some(dir.clone()), s, &mut second, &|k| {
        k == "cachepolicy:abc"
    });
    assert_eq!(
        second.capture("cachepolicy:abc"),
        Some(&Capture::Created { id: "abc".into() })
    );
    assert!(j2.take_warnings().is_empty());
}

#[test]
fn the_destroy_half_of_a_replacement_takes_back_the_entry_of_a_successful_apply() {
    // Terraform hands no private state to the destroy half of a replacement
    // (`-replace`, a tainted instance): what the create captured must still
    // be restored, so the entry outlives the successful apply.
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("j");
    let s = slot("api");
    let mut created = PrivateState::default();
    let j = Journal::begin_in(Some(dir.clone()), s.clone(), &mut created, &|_| true);
    created.capture_once("lambda:fn-a", lambda(256));
    j.hand_over(&created);
    assert!(
        j.path().unwrap().exists(),
        "the entry outlives a successful apply"
    );

    let mut destroy = PrivateState::default();
    let jd = Journal::begin_in(Some(dir.clone()), s, &mut destroy, &|k| k == "lambda:fn-a");
    assert_eq!(destroy.capture("lambda:fn-a"), Some(&lambda(256)));
    jd.finish();
    assert!(files(&dir).is_empty(), "{:?}", files(&dir));
}
