//! The report: text, JSON and SARIF 2.1.0 here, JUnit and GitHub
//! annotations in `crate::ci`, the rule list for `--list-rules`.

use std::fmt::Write as _;

use serde_json::{json, Value};

use scaling::acknowledge::ACK_RULES;
use scaling::finding::{num, usd};
use scaling::{Analysis, Finding, RuleInfo, Severity, RULES};

use crate::config_file::FailOn;
use crate::input::LoadedProfile;
use crate::Format;

pub struct Checked {
    pub loaded: LoadedProfile,
    /// The findings as the team decided (`crate::policy::decide`).
    pub analysis: Analysis,
    /// Per finding: whether the baseline already holds it.
    pub baselined: Vec<bool>,
}

impl Checked {
    /// The findings with whether each fails the run.
    pub fn findings(&self, fail_on: FailOn) -> impl Iterator<Item = (&Finding, bool)> {
        self.analysis
            .findings
            .iter()
            .enumerate()
            .map(move |(i, f)| {
                let known = self.baselined.get(i).copied().unwrap_or(false);
                (f, !known && fail_on.fails(f.severity))
            })
    }

    fn in_baseline(&self) -> usize {
        self.baselined.iter().filter(|b| **b).count()
    }
}

/// Everything a format needs.
pub struct Report<'a> {
    pub checked: &'a [Checked],
    pub fail_on: FailOn,
    /// The rules document; SARIF's `helpUri` is it with the rule's anchor.
    pub rules_doc_uri: &'a str,
    /// Whether a baseline was given (SARIF then says new or unchanged).
    pub with_baseline: bool,
}

impl Report<'_> {
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => text(self.checked),
            Format::Json => json(self.checked),
            Format::Sarif => sarif(self),
            Format::Junit => crate::ci::junit(self),
            Format::Github => crate::ci::github(self),
        }
    }

    /// How many findings fail the run.
    pub fn failing(&self) -> usize {
        self.checked
            .iter()
            .map(|c| c.findings(self.fail_on).filter(|(_, fails)| *fails).count())
            .sum()
    }
}

/// Every rule a report can name: the catalogue, then the acknowledgement checks.
pub fn all_rules() -> impl Iterator<Item = &'static RuleInfo> {
    RULES.iter().chain(ACK_RULES)
}

/// The documentation of a rule: `<doc>#<id in lower case>`.
pub fn help_uri(doc: &str, id: &str) -> String {
    format!("{doc}#{}", id.to_lowercase())
}

/// `--list-rules`: id, severity, title, one line each.
pub fn rules_text() -> String {
    let mut o = String::new();
    for r in all_rules() {
        let _ = writeln!(o, "{:<8} {:<8} {}", r.id, r.severity.as_str(), r.title);
    }
    o
}

/// `--list-rules --format json`.
pub fn rules_json(doc: &str) -> String {
    let rules: Vec<Value> = all_rules()
        .map(|r| {
            json!({
                "id": r.id,
                "severity": r.severity,
                "category": r.category,
                "title": r.title,
                "rationale": r.rationale,
                "help_uri": help_uri(doc, r.id),
            })
        })
        .collect();
    serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n"
}

/// A finding's fingerprint: FNV-1a (64 bit) of rule id, resource address
/// and attribute path, so it survives message and line changes.
pub fn fingerprint(address: &str, f: &Finding) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let loc = f.location.to_string();
    for part in [f.rule_id, address, loc.as_str()] {
        for b in part.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn location(c: &Checked, f: &Finding) -> String {
    let loc = f.location.to_string();
    if loc.is_empty() {
        c.loaded.address.clone()
    } else {
        format!("{}: {loc}", c.loaded.address)
    }
}

pub(crate) fn file_line(c: &Checked, f: &Finding) -> Option<(String, usize)> {
    let file = c.loaded.file.clone()?;
    let line = c.loaded.line_of(&f.location.to_string())?;
    Some((file, line))
}

fn totals(checked: &[Checked]) -> (usize, usize, usize) {
    let mut t = (0, 0, 0);
    for c in checked {
        for f in &c.analysis.findings {
            match f.severity {
                Severity::Error => t.0 += 1,
                Severity::Warning => t.1 += 1,
                Severity::Info => t.2 += 1,
            }
        }
    }
    t
}

pub fn text(checked: &[Checked]) -> String {
    let mut o = String::new();
    for c in checked {
        let a = &c.analysis;
        let at = match (&c.loaded.file, c.loaded.lines.get("")) {
            (Some(f), Some(l)) => format!(" ({f}:{l})"),
            (Some(f), None) => format!(" ({f})"),
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "{}{at}: profile \"{}\"",
            c.loaded.address, c.loaded.profile.name
        );
        let _ = writeln!(o);
        let _ = writeln!(o, "  {:<8} {:<8} LOCATION / MESSAGE", "RULE", "SEVERITY");
        for f in &a.findings {
            let where_ = match file_line(c, f) {
                Some((file, line)) => format!("{}  [{file}:{line}]", location(c, f)),
                None => location(c, f),
            };
            let _ = writeln!(o, "  {:<8} {:<8} {where_}", f.rule_id, f.severity.as_str());
            let _ = writeln!(o, "  {:<8} {:<8} {}", "", "", f.message);
        }
        let cap = &a.capacity;
        let _ = writeln!(o);
        let _ = writeln!(o, "  Capacity");
        match (cap.peak_rps, cap.origin_rps) {
            (Some(peak), Some(origin)) => {
                let _ = writeln!(
                    o,
                    "    target               {} rps at the edge, {} cache hit: {} rps at the origin",
                    num(peak),
                    num(cap.cache_hit_ratio),
                    num(origin)
                );
            }
            _ => {
                let _ = writeln!(o, "    target               none (traffic.peak_rps unset)");
            }
        }
        let source = match a.traffic.latency_source {
            scaling::traffic::LatencySource::Profile => "from the profile",
            scaling::traffic::LatencySource::Measured => "measured",
            scaling::traffic::LatencySource::Default => "assumed",
        };
        let _ = writeln!(
            o,
            "    latency              {} ms ({source})",
            num(cap.latency_ms)
        );
        if let Some(req) = cap.required_concurrency {
            let _ = writeln!(
                o,
                "    concurrency          {} required ({} without the cache), {} available, {} provisioned",
                num(req.ceil()),
                num(cap.required_concurrency_no_cache.unwrap_or(req).ceil()),
                num(cap.available_concurrency),
                num(cap.provisioned_concurrency as f64)
            );
        }
        if let Some(r) = cap.ramp_seconds {
            let _ = writeln!(
                o,
                "    ramp                 {} s from provisioned to required concurrency",
                num(r)
            );
        }
        for l in &cap.links {
            let _ = writeln!(
                o,
                "    {:<20} {} rps at the origin ({})",
                l.link,
                num(l.max_origin_rps),
                l.basis
            );
        }
        let _ = writeln!(
            o,
            "    max sustainable      {} rps at the edge{}",
            cap.max_sustainable_rps
                .map(num)
                .unwrap_or_else(|| "unbounded".into()),
            cap.headroom
                .map(|h| format!(", headroom {}×", num(h)))
                .unwrap_or_default()
        );
        let _ = writeln!(o, "    bottleneck           {}", cap.bottleneck);
        let cost = &a.cost;
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "  Monthly cost ({}; {} requests, {} past the cache)",
            cost.region,
            num(cost.monthly_requests),
            num(cost.origin_requests)
        );
        let width = cost
            .per_service
            .iter()
            .map(|s| s.service.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        for s in &cost.per_service {
            let _ = writeln!(
                o,
                "    {:<width$}  {:>15}  {}",
                s.service,
                usd(s.usd),
                s.basis
            );
        }
        let _ = writeln!(
            o,
            "    {:<width$}  {:>15}",
            "Total",
            usd(cost.monthly_total_usd)
        );
        let _ = writeln!(o, "    assumptions:");
        for s in &cost.assumptions {
            let _ = writeln!(o, "      - {s}");
        }
        let _ = writeln!(o);
    }
    let (e, w, i) = totals(checked);
    let known: usize = checked.iter().map(Checked::in_baseline).sum();
    let _ = writeln!(
        o,
        "{} profile(s): {e} error(s), {w} warning(s), {i} info{}",
        checked.len(),
        if known > 0 {
            format!(" ({known} already in the baseline)")
        } else {
            String::new()
        }
    );
    o
}

fn finding_json(c: &Checked, i: usize, f: &Finding) -> Value {
    let fl = file_line(c, f);
    json!({
        "baseline": c.baselined.get(i).copied().unwrap_or(false),
        "rule_id": f.rule_id,
        "severity": f.severity,
        "message": f.message,
        "location": f.location.to_string(),
        "file": fl.as_ref().map(|x| x.0.clone()),
        "line": fl.as_ref().map(|x| x.1),
    })
}

pub fn json(checked: &[Checked]) -> String {
    let (e, w, i) = totals(checked);
    let profiles: Vec<Value> = checked
        .iter()
        .map(|c| {
            json!({
                "address": c.loaded.address,
                "name": c.loaded.profile.name,
                "file": c.loaded.file,
                "line": c.loaded.lines.get(""),
                "findings": c.analysis.findings.iter().enumerate().map(|(i, f)| finding_json(c, i, f)).collect::<Vec<_>>(),
                "capacity": c.analysis.capacity,
                "cost": c.analysis.cost,
                "traffic": c.analysis.traffic,
            })
        })
        .collect();
    let doc = json!({
        "profiles": profiles,
        "summary": {"errors": e, "warnings": w, "info": i},
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

pub fn sarif(report: &Report) -> String {
    let (checked, doc) = (report.checked, report.rules_doc_uri);
    let rules: Vec<Value> = all_rules()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.title,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": r.rationale},
                "helpUri": help_uri(doc, r.id),
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"category": r.category},
            })
        })
        .collect();
    let mut results = Vec::new();
    for c in checked {
        for (i, f) in c.analysis.findings.iter().enumerate() {
            let address = &c.loaded.address;
            let loc = f.location.to_string();
            let mut logical = vec![json!({
                "fullyQualifiedName": address,
                "name": address.rsplit('.').next().unwrap_or(address),
                "kind": "resource",
            })];
            if !loc.is_empty() {
                logical.insert(
                    0,
                    json!({
                        "fullyQualifiedName": format!("{address}.{loc}"),
                        "name": loc,
                        "kind": "member",
                    }),
                );
            }
            let mut location = json!({"logicalLocations": logical});
            if let Some((file, line)) = file_line(c, f) {
                location["physicalLocation"] = json!({
                    "artifactLocation": {"uri": file},
                    "region": {"startLine": line},
                });
            }
            let mut result = json!({
                "ruleId": f.rule_id,
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [location],
                "partialFingerprints": {"smuppyFinding/v1": fingerprint(address, f)},
            });
            if report.with_baseline {
                let known = c.baselined.get(i).copied().unwrap_or(false);
                result["baselineState"] = json!(if known { "unchanged" } else { "new" });
            }
            if let Some(idx) = all_rules().position(|r| r.id == f.rule_id) {
                result["ruleIndex"] = json!(idx);
            }
            results.push(result);
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "smuppy-validate",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

pub(crate) fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
