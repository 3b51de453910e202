//! The account rules (`scaling::check_account`) over the profiles of one
//! run: which profiles share an account, and their findings added to each.

use std::collections::BTreeMap;

use scaling::{check_account, Analysis, Limits, Location, Member};

use crate::input::LoadedProfile;
use crate::locations::engine_location;

/// Profiles share an account when they use the same provider configuration
/// (the `provider` meta-argument as written) in the same Region. Profiles
/// assembled from `aws_*` resources count as the default configuration's,
/// in the Region of their `aws` provider configuration when known.
fn account_of(l: &LoadedProfile) -> (String, Option<String>) {
    (l.provider.clone(), l.profile.region.clone())
}

/// Adds the account rules' findings to each profile's analysis.
pub(crate) fn check(loaded: &[LoadedProfile], analyses: &mut [Analysis], limits: &Limits) {
    let mut groups: BTreeMap<(String, Option<String>), Vec<usize>> = BTreeMap::new();
    for (i, l) in loaded.iter().enumerate() {
        groups.entry(account_of(l)).or_default().push(i);
    }
    for indices in groups.values().filter(|g| g.len() > 1) {
        let shown: Vec<_> = indices
            .iter()
            .map(|&i| {
                let l = &loaded[i];
                move |loc: &Location| l.shown(loc)
            })
            .collect();
        let unknown: Vec<Vec<Location>> = indices
            .iter()
            .map(|&i| {
                let l = &loaded[i];
                l.unevaluated
                    .iter()
                    .map(|u| engine_location(&u.path, &l.keys))
                    .collect()
            })
            .collect();
        let found = {
            let members: Vec<Member> = indices
                .iter()
                .zip(&shown)
                .zip(&unknown)
                .map(|((&i, shown), unknown)| Member {
                    address: &loaded[i].address,
                    profile: &loaded[i].profile,
                    traffic: &analyses[i].traffic,
                    shown,
                    unknown,
                })
                .collect();
            check_account(&members, limits)
        };
        for (&i, findings) in indices.iter().zip(found) {
            if findings.is_empty() {
                continue;
            }
            let a = &mut analyses[i];
            a.findings.extend(findings);
            scaling::analysis::sort_findings(&mut a.findings);
        }
    }
}
