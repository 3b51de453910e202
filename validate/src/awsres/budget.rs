//! The budget the estimate is held against (COST002): an
//! `aws_budgets_budget` of the run with `budget_type = "COST"`, `time_unit =
//! "MONTHLY"` and `limit_unit = "USD"` (or unset), without `cost_filter`
//! (a filtered budget tracks a part of the bill, not the stack's whole
//! estimate). Of several, the lowest limit, the first the estimate passes.
//!
//! A budget is account-wide: it goes to the first profile, the one that
//! holds every function and table, as quota values do. An AWS budget only
//! notifies (budget actions act after the spend, not before an apply), so
//! it is never `enforce`: COST002 stays a warning. A COST budget over another
//! period or in another currency is not a monthly USD budget: it is said on
//! its attribute (INP001) and not compared.

use scaling::model::{names, BUDGET};
use serde_json::Value as Json;

use super::index::Index;
use super::{AwsResource, Stack};
use crate::blocks::Unevaluated;

/// Adds the budget to `s`; returns what was left out, with why.
pub(super) fn add_budget<'a>(s: &mut Stack<'a>, ix: &Index<'a>) -> Vec<Unevaluated> {
    let mut skipped = Vec::new();
    let mut monthly: Vec<(&AwsResource, Option<f64>)> = Vec::new();
    for b in ix.of_type("aws_budgets_budget") {
        if b.str("budget_type").as_deref() != Some("COST") {
            continue;
        }
        let filtered = matches!(b.values.get("cost_filter"), Some(Json::Array(f)) if !f.is_empty());
        if filtered {
            continue;
        }
        match b.str("time_unit").as_deref() {
            Some("MONTHLY") => {}
            Some(other) => {
                skipped.push(Unevaluated {
                    path: b.attr_address("time_unit"),
                    why: format!(
                        "a {other} budget is not a monthly one; COST002 holds the monthly estimate against MONTHLY budgets only"
                    ),
                });
                continue;
            }
            None => continue,
        }
        match b.str("limit_unit").as_deref() {
            None | Some("USD") => {}
            Some(other) => {
                skipped.push(Unevaluated {
                    path: b.attr_address("limit_unit"),
                    why: format!(
                        "the estimate is in USD, the budget in {other}; COST002 compares USD budgets only"
                    ),
                });
                continue;
            }
        }
        monthly.push((b, amount(b)));
    }
    // The lowest known limit; unknown ones only when none is known.
    let chosen = monthly
        .iter()
        .filter(|(_, a)| a.is_some())
        .min_by(|x, y| x.1.partial_cmp(&y.1).unwrap_or(std::cmp::Ordering::Equal))
        .or(monthly.first());
    if let Some((b, amount)) = chosen {
        let path = [BUDGET.name, names::BUDGET_MONTHLY_USD];
        s.set(&path, path.join("."), b, "limit_amount");
        // limit_amount is a string in the AWS provider ("2050"): the
        // profile's budget takes the number; what is no number stays for
        // the profile's reading to refuse on the attribute.
        if let Some(v) = amount.and_then(serde_json::Number::from_f64) {
            s.put(&path, Json::Number(v));
        }
        s.renames.insert(BUDGET.name.into(), b.address.clone());
    }
    skipped
}

/// `limit_amount` as a number, when it is one (a string of digits or a number).
fn amount(b: &AwsResource) -> Option<f64> {
    match b.get("limit_amount")? {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
        _ => None,
    }
}
