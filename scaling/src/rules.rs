//! The rules. Each is a pure check over the profile, the limits and the
//! resolved traffic/capacity/cost models; each has a stable id documented in
//! `docs/rules.md`. Rules skip values that are unknown (`None`).
//!
//! One file per family of the catalogue ([`catalogue`]): traffic, capacity
//! (with the throttles of single methods in `methods`),
//! limits, security and cost; and account, over several profiles sharing
//! one account ([`check_account`]). Each family emits through the catalogue's
//! entries, never through an id of its own.

mod account;
mod capacity;
pub mod catalogue;
mod context;
mod cost;
mod input;
mod limits;
mod methods;
mod ranges;
mod security;
mod traffic;

pub use account::{check_account, Member};
pub use catalogue::*;
pub use input::not_evaluated;

pub(crate) use context::Ctx;

use crate::finding::Finding;

pub(crate) fn run(c: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    traffic::rules(c, &mut out);
    capacity::rules(c, &mut out);
    methods::rules(c, &mut out);
    limits::rules(c, &mut out);
    ranges::rules(c, &mut out);
    security::rules(c, &mut out);
    cost::rules(c, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::RULES;
    use std::path::Path;

    /// Rules in the catalogue that no family emits, with the reason. Empty:
    /// every entry can be emitted.
    const RESERVED: &[(&str, &str)] = &[];

    /// The crate's sources, each cut before its tests.
    fn sources() -> Vec<(String, String)> {
        fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
            for e in std::fs::read_dir(dir).expect("read src") {
                let p = e.expect("dir entry").path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).expect("read source");
                    let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
                    out.push((p.display().to_string(), code));
                }
            }
        }
        let mut out = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
        assert!(out.len() > 10, "found only {} sources", out.len());
        out
    }

    /// Whether `s` is shaped like a rule id: 3 or 4 capitals, then 3 digits.
    fn id_shaped(s: &str) -> bool {
        let letters = s.chars().take_while(|c| c.is_ascii_uppercase()).count();
        (3..=4).contains(&letters)
            && s.len() == letters + 3
            && s[letters..].chars().all(|c| c.is_ascii_digit())
    }

    /// The `rule::ID` references of a source.
    fn references(code: &str) -> Vec<&str> {
        code.match_indices("rule::")
            .map(|(i, m)| {
                let rest = &code[i + m.len()..];
                let end = rest
                    .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .unwrap_or(rest.len());
                &rest[..end]
            })
            .filter(|r| id_shaped(r))
            .collect()
    }

    #[test]
    fn every_emitted_id_is_catalogued_and_every_entry_is_emitted() {
        let mut emitted = std::collections::BTreeSet::new();
        for (path, code) in sources() {
            // Findings are made only by the catalogue's entries.
            if !path.ends_with("catalogue.rs") && !path.ends_with("finding.rs") {
                assert!(
                    !code.contains("Finding::new("),
                    "{path} makes a finding outside the catalogue"
                );
            }
            // No id is spelled as a string: ids come from the catalogue.
            for lit in code.split('"').skip(1).step_by(2) {
                assert!(
                    !id_shaped(lit),
                    "{path} spells the rule id {lit:?} as a string"
                );
            }
            for id in references(&code) {
                assert!(
                    RULES.iter().any(|r| r.id == id),
                    "{path} emits {id}, which is not in the catalogue"
                );
                emitted.insert(id.to_string());
            }
        }
        for r in RULES {
            let reserved = RESERVED.iter().any(|(id, _)| *id == r.id);
            assert!(
                emitted.contains(r.id) || reserved,
                "{} is in the catalogue but no rule emits it (list it in RESERVED with a reason)",
                r.id
            );
            assert!(
                !(emitted.contains(r.id) && reserved),
                "{} is emitted and listed as reserved",
                r.id
            );
        }
    }

    #[test]
    fn the_catalogue_is_in_id_order_without_duplicates() {
        let ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
        assert_eq!(RULES.len(), 51);
    }
}
