//! Account rules (ACC): what several profiles of one run add up to in the
//! account they share, and settings two of them would both manage.
//!
//! The other families look at one profile; these look at a group of
//! profiles the caller has decided share an account (the same provider
//! configuration and Region). Each member gets its own findings, at its own
//! attributes, and each message names every address and attribute involved.
//! A group of one is left to the per-profile rules (LIM001, CAP005, CAP010).

use std::collections::BTreeMap;

use super::catalogue as rule;
use crate::finding::{num, Finding};
use crate::limits::{Limits, QUOTA_LAMBDA_CONCURRENCY};
use crate::profile::{BillingMode, Location, Profile};
use crate::traffic::TrafficModel;

/// One profile of a group that shares an account.
pub struct Member<'a> {
    /// Its Terraform address, e.g. `module.api.smuppy_scaling_profile.main`.
    pub address: &'a str,
    pub profile: &'a Profile,
    /// Its resolved traffic model (the analysis's).
    pub traffic: &'a TrafficModel,
    /// How a location of this profile is written in messages, e.g.
    /// `lambda[0].reserved_concurrency` → `lambda_pools["api"].reserved_concurrency`.
    pub shown: &'a dyn Fn(&Location) -> String,
    /// Locations of values the front end could not evaluate (unset in
    /// `profile`): a sum that would have counted one says it left it out.
    pub unknown: &'a [Location],
}

impl Member<'_> {
    /// The address and attribute of a location. A front end that read the
    /// setting from another resource (`aws_lambda_function.api.memory_size`)
    /// shows it with that resource's address, used as it is.
    fn at(&self, loc: &Location) -> String {
        let shown = (self.shown)(loc);
        if ["aws_", "module.", "data."]
            .iter()
            .any(|p| shown.starts_with(p))
        {
            shown
        } else {
            format!("{}.{shown}", self.address)
        }
    }
}

/// A name a profile gives to something in the account; names not known
/// before apply (`(known after apply)`, empty) match nothing. AWS names of
/// functions, tables, stages and policies never contain a parenthesis.
fn known(name: &str) -> bool {
    !name.is_empty() && !name.contains('(')
}

/// The findings of each member, in the members' order.
pub fn check_account(members: &[Member], limits: &Limits) -> Vec<Vec<Finding>> {
    let mut out: Vec<Vec<Finding>> = members.iter().map(|_| Vec::new()).collect();
    if members.len() < 2 {
        return out;
    }
    reserved_sum(members, limits, &mut out);
    stage_sum(members, limits, &mut out);
    table_sum(members, limits, &mut out);
    ownership(members, &mut out);
    out
}

/// One contribution to a sum: which member, where, how much.
struct Part {
    member: usize,
    loc: Location,
    value: f64,
}

/// Parts named in one message; past it the message says how many more
/// (each of them is reported on its own attribute), so N profiles cost N
/// findings of bounded length, not N × N.
const LISTED: usize = 10;

fn listing(members: &[Member], parts: &[Part]) -> String {
    let mut out = parts
        .iter()
        .take(LISTED)
        .map(|p| format!("{} {}", members[p.member].at(&p.loc), num(p.value)))
        .collect::<Vec<_>>()
        .join(", ");
    if parts.len() > LISTED {
        out.push_str(&format!(
            " and {} more, each reported on its own attribute",
            num((parts.len() - LISTED) as f64)
        ));
    }
    out
}

fn contributors(parts: &[Part]) -> usize {
    let mut m: Vec<usize> = parts.iter().map(|p| p.member).collect();
    m.dedup();
    m.len()
}

/// The first part of each member: where its finding points.
fn first_of_each(parts: &[Part]) -> BTreeMap<usize, Location> {
    let mut first = BTreeMap::new();
    for p in parts {
        first.entry(p.member).or_insert_with(|| p.loc.clone());
    }
    first
}

/// ACC001: reserved concurrency of every pool of the group, each function
/// counted once (at its largest value), against the account concurrency
/// minus the 100 AWS keeps unreserved minus what functions outside the run
/// reserve (read with `--live`).
fn reserved_sum(members: &[Member], l: &Limits, out: &mut [Vec<Finding>]) {
    let mut parts = Vec::new();
    let mut left_out = Vec::new();
    let mut by_function: BTreeMap<&str, i64> = BTreeMap::new();
    for (mi, m) in members.iter().enumerate() {
        for (i, f) in m.profile.lambdas.iter().enumerate() {
            let loc = Location::attr("lambda")
                .index(i)
                .then("reserved_concurrency");
            if f.reserved_concurrency.is_none() && m.unknown.contains(&loc) {
                left_out.push(m.at(&loc));
            }
            let Some(rc) = f.reserved_concurrency.filter(|v| *v > 0) else {
                continue;
            };
            parts.push(Part {
                member: mi,
                loc,
                value: rc as f64,
            });
            let key = if known(&f.function_name) {
                f.function_name.as_str()
            } else {
                // Unknown names are taken as distinct functions.
                ""
            };
            if key.is_empty() {
                *by_function.entry("").or_default() += rc;
            } else {
                let e = by_function.entry(key).or_default();
                *e = (*e).max(rc);
            }
        }
    }
    let sum: i64 = by_function.values().sum();
    let acct = l.lambda_concurrency();
    let elsewhere = l.reserved_elsewhere();
    let allowed = acct.value - l.lambda_unreserved_min as f64 - elsewhere as f64;
    let skipped = if left_out.is_empty() {
        String::new()
    } else {
        format!("; left out, not known: {} (INP001)", left_out.join(", "))
    };
    if sum as f64 <= allowed {
        // Within what the account gives, but values it could not count may
        // not be: say the check was not complete, on every pool it skipped.
        if !left_out.is_empty() && contributors(&parts) + left_out.len() >= 2 {
            let msg = format!(
                "reserved concurrency summed over the profiles sharing this account is {} of the {} the account can give ({} − {} unreserved minimum{}), without the values not known: the sum was not checked in full{skipped}",
                num(sum as f64),
                num(allowed.max(0.0)),
                num(acct.value),
                l.lambda_unreserved_min,
                if elsewhere > 0 {
                    format!(" − {} reserved by functions outside this run", num(elsewhere as f64))
                } else {
                    String::new()
                },
            );
            for (mi, m) in members.iter().enumerate() {
                for (i, f) in m.profile.lambdas.iter().enumerate() {
                    let loc = Location::attr("lambda")
                        .index(i)
                        .then("reserved_concurrency");
                    if f.reserved_concurrency.is_none() && m.unknown.contains(&loc) {
                        rule::ACC001.emit_at(&mut out[mi], crate::Severity::Info, loc, msg.clone());
                    }
                }
            }
        }
        return;
    }
    if contributors(&parts) < 2 {
        return;
    }
    let needed = sum + l.lambda_unreserved_min + elsewhere;
    let asked = members.iter().find_map(|m| {
        m.profile
            .quota_requests
            .iter()
            .enumerate()
            .find_map(|(qi, q)| {
                (q.quota_code == QUOTA_LAMBDA_CONCURRENCY
                    && q.desired_value.is_some_and(|d| d >= needed as f64))
                .then(|| {
                    m.at(&Location::attr("quota_request")
                        .index(qi)
                        .then("desired_value"))
                })
            })
    });
    let detail = format!(
        "reserved concurrency summed over the {} profiles sharing this account is {}: {}; it needs an account concurrency of ≥ {} ({} + {} unreserved minimum{}); the account has {} ({})",
        contributors(&parts),
        num(sum as f64),
        listing(members, &parts),
        num(needed as f64),
        num(sum as f64),
        l.lambda_unreserved_min,
        if elsewhere > 0 {
            format!(" + {} reserved by functions outside this run", num(elsewhere as f64))
        } else {
            String::new()
        },
        num(acct.value),
        acct.source
    ) + &skipped;
    for (mi, loc) in first_of_each(&parts) {
        match &asked {
            Some(q) => rule::ACC001.emit_at(
                &mut out[mi],
                crate::Severity::Warning,
                loc,
                format!("{detail}; it relies on the quota request {q}, which is asynchronous and may be refused: reserving fails until it is applied"),
            ),
            None => rule::ACC001.emit(
                &mut out[mi],
                loc,
                format!("{detail}; the apply that reserves last is refused. Request {QUOTA_LAMBDA_CONCURRENCY} ≥ {} first, or reserve less", num(needed as f64)),
            ),
        }
    }
}

/// ACC002: the group's stages share the account throttle. The traffic the
/// profiles send to API Gateway, summed, above it is an error; the stage
/// rates alone summed above it, a warning (each stage alone can reach its
/// rate, not all at once). A stage in two profiles counts once.
fn stage_sum(members: &[Member], l: &Limits, out: &mut [Vec<Finding>]) {
    let mut rates = Vec::new();
    let mut needs = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for (mi, m) in members.iter().enumerate() {
        let Some(s) = &m.profile.api_gateway else {
            continue;
        };
        let id = (
            s.rest_api_id.clone().unwrap_or_default(),
            s.stage_name.clone().unwrap_or_default(),
        );
        let named = known(&id.0) && known(&id.1);
        if named && seen.contains(&id) {
            continue;
        }
        seen.push(id);
        if let Some(r) = s.rate_limit.filter(|r| *r > 0.0) {
            rates.push(Part {
                member: mi,
                loc: Location::attr("api_gateway").index(0).then("rate_limit"),
                value: r,
            });
        }
        if let Some(o) = m.traffic.origin_rps().filter(|o| *o > 0.0) {
            needs.push(Part {
                member: mi,
                loc: TrafficModel::location("peak_rps"),
                value: o,
            });
        }
    }
    let acct = l.apigw_rate();
    let need: f64 = needs.iter().map(|p| p.value).sum();
    if contributors(&needs) >= 2 && need > acct.value {
        let msg = format!(
            "the {} profiles sharing this account send {} rps past the cache to API Gateway ({}), above the account throttle of {} rps ({}): requests above it are answered 429 whatever the stage rates. Request apigateway/L-8A5B8E43 ≥ {}",
            contributors(&needs),
            num(need),
            listing(members, &needs),
            num(acct.value),
            acct.source,
            num(need.ceil())
        );
        for (mi, loc) in first_of_each(&needs) {
            rule::ACC002.emit(&mut out[mi], loc, msg.clone());
        }
        return;
    }
    let sum: f64 = rates.iter().map(|p| p.value).sum();
    if contributors(&rates) >= 2 && sum > acct.value {
        let msg = format!(
            "stage rates summed over the {} profiles sharing this account are {} rps ({}), above the account throttle of {} rps ({}): the stages cannot all reach their rate at once",
            contributors(&rates),
            num(sum),
            listing(members, &rates),
            num(acct.value),
            acct.source
        );
        for (mi, loc) in first_of_each(&rates) {
            rule::ACC002.emit_at(&mut out[mi], crate::Severity::Warning, loc, msg.clone());
        }
    }
}

/// ACC003: provisioned capacity of every table of the group (the auto
/// scaling maximum, else the fixed capacity) against the per-account
/// DynamoDB quotas. A table in two profiles counts once (its largest).
fn table_sum(members: &[Member], l: &Limits, out: &mut [Vec<Finding>]) {
    for (read, quota, dir) in [
        (true, l.ddb_account_rcu, "read"),
        (false, l.ddb_account_wcu, "write"),
    ] {
        let mut parts = Vec::new();
        let mut by_table: BTreeMap<String, f64> = BTreeMap::new();
        for (mi, m) in members.iter().enumerate() {
            for (i, t) in m.profile.dynamodb.iter().enumerate() {
                if t.billing_mode != Some(BillingMode::Provisioned) {
                    continue;
                }
                let base = Location::attr("dynamodb").index(i);
                let (scaling, fixed) = if read {
                    (&t.read_autoscaling, t.read_capacity)
                } else {
                    (&t.write_autoscaling, t.write_capacity)
                };
                let (loc, value) = match (scaling.as_ref().and_then(|s| s.max_capacity), fixed) {
                    (Some(max), _) => (
                        base.then("autoscaling")
                            .index(0)
                            .then(dir)
                            .index(0)
                            .then("max_capacity"),
                        max,
                    ),
                    (None, Some(c)) => (base.then(&format!("{dir}_capacity")), c),
                    (None, None) => continue,
                };
                let value = value.max(0) as f64;
                parts.push(Part {
                    member: mi,
                    loc,
                    value,
                });
                let key = if known(&t.table_name) {
                    t.table_name.clone()
                } else {
                    format!("({mi}/{i})")
                };
                let e = by_table.entry(key).or_default();
                *e = e.max(value);
            }
        }
        let sum: f64 = by_table.values().sum();
        if contributors(&parts) < 2 || sum <= quota {
            continue;
        }
        let msg = format!(
            "provisioned {dir} capacity summed over the tables of the {} profiles sharing this account is {} units ({}), above the per-account quota of {}: the table that scales last is refused",
            contributors(&parts),
            num(sum),
            listing(members, &parts),
            num(quota)
        );
        for (mi, loc) in first_of_each(&parts) {
            rule::ACC003.emit(&mut out[mi], loc, msg.clone());
        }
    }
}

/// The kind of resource a shown location belongs to: `profile` for a
/// `smuppy_scaling_profile`, else its type (`aws_lambda_function`), past
/// any `module.NAME[KEY].` prefix.
fn owner_kind(at: &str) -> String {
    let mut parts = at.split('.');
    while let Some(part) = parts.next() {
        match part {
            "module" => {
                parts.next();
            }
            "smuppy_scaling_profile" => return "profile".into(),
            ty if ty.contains('_') => return ty.to_string(),
            _ => break,
        }
    }
    "profile".into()
}

/// What is managed (`function`, `stage`, …), its name, the setting.
type Setting = (&'static str, String, &'static str);

/// ACC004: one setting managed by two profiles. Each apply would put back
/// its own value, and each destroy restore what it found.
fn ownership(members: &[Member], out: &mut [Vec<Finding>]) {
    // (what, name, attribute) → where each member sets it.
    let mut owners: BTreeMap<Setting, Vec<(usize, Location)>> = BTreeMap::new();
    let mut own = |what: &'static str, name: &str, attr: &'static str, mi: usize, loc: Location| {
        if known(name) {
            owners
                .entry((what, name.to_string(), attr))
                .or_default()
                .push((mi, loc));
        }
    };
    for (mi, m) in members.iter().enumerate() {
        let p = m.profile;
        for (i, f) in p.lambdas.iter().enumerate() {
            let at = |attr: &str| Location::attr("lambda").index(i).then(attr);
            for (attr, set) in [
                ("reserved_concurrency", f.reserved_concurrency.is_some()),
                (
                    "provisioned_concurrency",
                    f.provisioned_concurrency.is_some(),
                ),
                ("memory_size", f.memory_size.is_some()),
                ("timeout", f.timeout.is_some()),
            ] {
                if set {
                    own("function", &f.function_name, attr, mi, at(attr));
                }
            }
        }
        if let Some(s) = &p.api_gateway {
            let name = format!(
                "{}/{}",
                s.rest_api_id.as_deref().unwrap_or_default(),
                s.stage_name.as_deref().unwrap_or_default()
            );
            if s.rest_api_id.as_deref().is_some_and(known)
                && s.stage_name.as_deref().is_some_and(known)
            {
                // The profile owns the stage's `*/*` throttle, set or not.
                own(
                    "stage",
                    &name,
                    "throttle",
                    mi,
                    Location::attr("api_gateway").index(0).then("stage_name"),
                );
            }
        }
        for (i, t) in p.dynamodb.iter().enumerate() {
            own(
                "table",
                &t.table_name,
                "billing_mode",
                mi,
                Location::attr("dynamodb").index(i).then("billing_mode"),
            );
        }
        if let Some(c) = &p.cache_policy {
            own(
                "cache policy",
                &c.name,
                "policy",
                mi,
                Location::attr("cache_policy").index(0).then("name"),
            );
        }
        if let Some(d) = &p.dashboard {
            own(
                "dashboard",
                &d.name,
                "dashboard",
                mi,
                Location::attr("dashboard").index(0).then("name"),
            );
        }
    }
    for ((what, name, attr), places) in owners {
        let mut distinct: Vec<usize> = places.iter().map(|(m, _)| *m).collect();
        distinct.sort();
        distinct.dedup();
        if distinct.len() < 2 {
            continue;
        }
        let setting = match what {
            "function" => format!("the {attr} of function {name}"),
            "stage" => format!("the throttle of stage {name}"),
            "table" => format!("the capacity mode and throughput of table {name}"),
            _ => format!("the {what} {name}"),
        };
        let mut all: Vec<String> = places
            .iter()
            .take(LISTED)
            .map(|(m, loc)| members[*m].at(loc))
            .collect();
        if places.len() > LISTED {
            all.push(format!("{} more", num((places.len() - LISTED) as f64)));
        }
        // Who owns it, by kind: profiles, or a front end's other resources
        // (an `aws_lambda_function` that sets the same memory size).
        let mut kinds: Vec<(String, usize)> = Vec::new();
        for &m in &distinct {
            let first = places.iter().find(|(p, _)| *p == m).map(|(_, l)| l);
            let kind =
                first.map_or_else(|| "profile".to_string(), |l| owner_kind(&members[m].at(l)));
            match kinds.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => kinds.push((kind, 1)),
            }
        }
        let only_profiles = kinds.iter().all(|(k, _)| k == "profile");
        let owners: Vec<String> = kinds
            .iter()
            .map(|(k, n)| match (k.as_str(), n) {
                ("profile", 1) => "a profile".to_string(),
                ("profile", n) => format!("{n} profiles"),
                (k, 1) if k.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {k}"),
                (k, 1) => format!("a {k}"),
                (k, n) => format!("{n} {k} resources"),
            })
            .collect();
        let msg = format!(
            "{setting} is managed by {}: {}; each apply would undo the other's value and each destroy restore what it found. Keep it in one {}",
            owners.join(" and "),
            all.join(" and "),
            if only_profiles { "profile" } else { "place" }
        );
        let mut done = Vec::new();
        for (mi, loc) in places {
            if done.contains(&mi) {
                continue;
            }
            done.push(mi);
            rule::ACC004.emit(&mut out[mi], loc, msg.clone());
        }
    }
}
