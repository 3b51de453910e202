//! Every output format in one place: text, JSON and SARIF 2.1.0.

use std::fmt::Write as _;

use serde_json::{json, Value};

use scaling::finding::{num, usd};
use scaling::{Analysis, Finding, Severity, RULES};

use crate::input::LoadedProfile;

pub struct Checked {
    pub loaded: LoadedProfile,
    pub analysis: Analysis,
}

fn location(c: &Checked, f: &Finding) -> String {
    let loc = f.location.to_string();
    if loc.is_empty() {
        c.loaded.address.clone()
    } else {
        format!("{}: {loc}", c.loaded.address)
    }
}

fn file_line(c: &Checked, f: &Finding) -> Option<(String, usize)> {
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
    let _ = writeln!(
        o,
        "{} profile(s): {e} error(s), {w} warning(s), {i} info",
        checked.len()
    );
    o
}

fn finding_json(c: &Checked, f: &Finding) -> Value {
    let fl = file_line(c, f);
    json!({
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
                "findings": c.analysis.findings.iter().map(|f| finding_json(c, f)).collect::<Vec<_>>(),
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

pub fn sarif(checked: &[Checked]) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.title,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": r.rationale},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"category": r.category},
            })
        })
        .collect();
    let mut results = Vec::new();
    for c in checked {
        for f in &c.analysis.findings {
            let logical = json!([{
                "fullyQualifiedName": format!("{}.{}", c.loaded.address, f.location).trim_end_matches('.'),
                "kind": "member",
            }]);
            let mut loc = json!({"logicalLocations": logical});
            if let Some((file, line)) = file_line(c, f) {
                loc["physicalLocation"] = json!({
                    "artifactLocation": {"uri": file},
                    "region": {"startLine": line},
                });
            }
            let mut result = json!({
                "ruleId": f.rule_id,
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [loc],
            });
            if let Some(idx) = RULES.iter().position(|r| r.id == f.rule_id) {
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

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
