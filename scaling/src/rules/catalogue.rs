//! The catalogue: every rule's id, severity, category, title and rationale,
//! written once. Each entry is a constant named by its id; the rule families
//! emit through these constants ([`RuleInfo::emit`]), so an id cannot be
//! spelled twice or emitted without an entry.

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::profile::Location;

/// A rule's catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RuleInfo {
    pub id: &'static str,
    /// The severity it reports at (its worst, for rules that vary).
    pub severity: Severity,
    pub category: &'static str,
    pub title: &'static str,
    /// Why it matters, in one line.
    pub rationale: &'static str,
}

impl RuleInfo {
    /// A finding of this rule at its catalogued severity, for callers that
    /// return one rather than collect them.
    pub(crate) fn finding(&self, loc: Location, msg: String) -> Finding {
        Finding::new(self.id, self.severity, loc, msg)
    }

    /// Reports a finding of this rule at its catalogued severity.
    pub(crate) fn emit(&self, out: &mut Vec<Finding>, loc: Location, msg: String) {
        self.emit_at(out, self.severity, loc, msg);
    }

    /// Reports a finding of a rule whose severity varies: never worse than
    /// the catalogued one.
    pub(crate) fn emit_at(
        &self,
        out: &mut Vec<Finding>,
        sev: Severity,
        loc: Location,
        msg: String,
    ) {
        debug_assert!(
            sev >= self.severity,
            "{} reports at {sev}, worse than its catalogued {}",
            self.id,
            self.severity
        );
        out.push(Finding::new(self.id, sev, loc, msg));
    }
}

/// Defines one constant per rule, named by its id, and [`RULES`] listing
/// them all in the order given.
macro_rules! catalogue {
    ($list:ident; $($id:ident: $sev:ident, $category:literal, $title:literal, $rationale:literal;)*) => {
        $(
            #[doc = $title]
            pub const $id: RuleInfo = RuleInfo {
                id: stringify!($id),
                severity: Severity::$sev,
                category: $category,
                title: $title,
                rationale: $rationale,
            };
        )*
        /// The entries, in id order.
        pub const $list: &[RuleInfo] = &[$($id),*];
    };
}

catalogue! {
    RULES;
    ACC001: Error, "account",
        "Reserved concurrency of the run's profiles above what the account can give",
        "Every function of the Region draws on one concurrency quota, and AWS keeps 100 unreserved: profiles that each fit can together reserve more than the account has.";
    ACC002: Error, "account",
        "Stages of the run's profiles above the account throttle",
        "Every REST, HTTP and WebSocket API of the Region shares one throttle: the traffic of several stages is capped by it together.";
    ACC003: Error, "account",
        "Tables of the run's profiles above the account's DynamoDB quota",
        "Provisioned throughput of every table in the Region counts against the per-account read and write quotas (80,000 each by default).";
    ACC004: Error, "account",
        "Setting managed by two profiles",
        "Two resources that manage one setting undo each other on every apply, and each destroy puts back what it found.";
    CAP001: Info, "capacity",
        "Required Lambda concurrency (Little's law)",
        "Concurrency = origin rps × latency; it is the number every other Lambda limit is held against.";
    CAP002: Error, "capacity",
        "Required concurrency above reserved concurrency",
        "Reserved concurrency is also a ceiling: invocations above it are throttled.";
    CAP003: Error, "capacity",
        "Required concurrency above the account's concurrency",
        "All functions share the Region's concurrent-executions quota (1,000 by default).";
    CAP004: Error, "capacity",
        "Origin traffic above API Gateway's effective throttle",
        "API Gateway answers 429 above the lower of the stage rate and the account throttle.";
    CAP005: Error, "capacity",
        "Stage rate above the account throttle",
        "A stage cannot exceed the account/Region throttle; the extra rate does nothing.";
    CAP006: Warning, "capacity",
        "Stage burst above the account burst",
        "The account burst is set by AWS from the rate quota and cannot be requested; a higher stage burst does nothing.";
    CAP007: Warning, "capacity",
        "Lambda scaling ramp not covered by provisioned concurrency",
        "Each function gains at most 1,000 execution environments per 10 s; the gap above provisioned concurrency is throttled while it ramps.";
    CAP008: Error, "capacity",
        "DynamoDB read units above the table's ceiling",
        "Reads above on-demand per-table limits, provisioned capacity or the auto scaling maximum are throttled.";
    CAP009: Error, "capacity",
        "DynamoDB write units above the table's ceiling",
        "Writes above the table's ceiling are throttled.";
    CAP010: Error, "capacity",
        "Auto scaling maximum above the DynamoDB quota",
        "Per-table (40,000) and per-account (80,000) throughput quotas cap what auto scaling can reach.";
    CAP011: Info, "capacity",
        "Bottleneck and sustainable rate of the chain",
        "The lowest link sets what the whole chain can carry.";
    CAP012: Warning, "capacity",
        "Throttle far above the traffic that reaches API Gateway",
        "Only traffic past the cache reaches API Gateway; oversized quota requests are harder to get approved.";
    CAP013: Warning, "capacity",
        "Need close to a limit",
        "A need at 80 % (configurable) of what a limit allows leaves little room for a traffic peak or a slower release: raise the limit before it is reached.";
    CAP014: Error, "capacity",
        "Method throttle above the account throttle",
        "A method's own throttle overrides the stage's for that method only, and the account/Region throttle still bounds it: the rate or burst above the account's does nothing.";
    CAP015: Warning, "capacity",
        "Method throttle below the traffic that reaches API Gateway",
        "The traffic model does not say which share of the requests each method gets, so a method throttled below the origin traffic cannot be shown to hold: it holds only if its share stays under its throttle.";
    COST001: Info, "cost",
        "Monthly cost estimate",
        "Prices the traffic model with the pinned price table.";
    COST002: Error, "cost",
        "Estimate above the budget",
        "Warns (or fails, with enforce) when the estimate exceeds budget.monthly_usd.";
    INP001: Warning, "input",
        "Value not evaluated: the rules that read it skipped it",
        "A value the validator cannot compute (a function it does not evaluate, a remote module, a value known only after apply) is left unset and every rule that reads it skips it: a check that passes may not have been made.";
    LIM001: Error, "limits",
        "Reserved concurrency above the account can give",
        "At least 100 executions must stay unreserved: reserved sum ≤ account limit − 100.";
    LIM002: Error, "limits",
        "Provisioned concurrency above reserved",
        "Provisioned concurrency counts toward reserved concurrency and cannot exceed it.";
    LIM003: Warning, "limits",
        "Provisioned concurrency equal to reserved",
        "With PC equal to reserved, $LATEST and other versions get no concurrency and are throttled.";
    LIM004: Error, "limits",
        "Lambda memory out of range",
        "Standard functions take 128–10,240 MB.";
    LIM005: Error, "limits",
        "Lambda timeout above the API Gateway integration timeout",
        "API Gateway gives up after 29 s (REST); a longer function keeps running and billing after the client got a 504.";
    LIM006: Error, "limits",
        "Lambda timeout out of range",
        "Standard functions time out after 1–900 s.";
    LIM007: Error, "limits",
        "Auto scaling minimum above maximum",
        "Application Auto Scaling rejects min > max; DynamoDB's minimum is 1.";
    LIM008: Error, "limits",
        "Auto scaling target outside 20–90%",
        "DynamoDB target tracking accepts 20–90 percent.";
    LIM009: Error, "limits",
        "Auto scaling on an on-demand table",
        "Auto scaling governs provisioned capacity only; on PAY_PER_REQUEST it does nothing (and comes back into force on a switch).";
    LIM010: Error, "limits",
        "Provisioned concurrency on $LATEST or without qualifier",
        "PC needs a published version or an alias; $LATEST is rejected.";
    LIM011: Error, "limits",
        "Quota request below the applied value",
        "Service Quotas only raises quotas; a lower desired value would file a useless \"increase\".";
    LIM012: Warning, "limits",
        "Quota request already open",
        "Only one open request per quota is allowed; the open one is adopted, not duplicated.";
    LIM013: Warning, "limits",
        "Stage rate relies on a quota request only asked for",
        "An increase request is asynchronous and may be refused; until applied the account throttle caps the stage.";
    LIM014: Error, "limits",
        "Global Accelerator endpoint is API Gateway",
        "Endpoints can only be ALB, NLB, EC2 instances or Elastic IPs.";
    LIM015: Warning, "limits",
        "Function settings change while PC serves a frozen version",
        "Memory and timeout changes reach $LATEST only; the alias keeps the old version until a new one is published.";
    LIM016: Warning, "limits",
        "Reserved concurrency relies on a Lambda quota request only asked for",
        "Until the concurrency quota is raised, reserving above it fails.";
    LIM017: Error, "limits",
        "Cache policy TTLs out of order",
        "CloudFront needs MinTTL ≤ DefaultTTL ≤ MaxTTL.";
    LIM018: Error, "limits",
        "Too many cache key items",
        "A cache policy takes at most 10 headers, 10 cookies and 10 query strings.";
    LIM019: Warning, "limits",
        "Integration timeout above 29 s",
        "Raising it needs a quota increase (Regional or private REST APIs only) and may lower the account throttle.";
    LIM020: Error, "limits",
        "Provisioned table without capacity",
        "Switching to PROVISIONED needs read and write capacity (or auto scaling to set them).";
    LIM021: Error, "limits",
        "Fixed capacity beside auto scaling",
        "Auto scaling owns a dimension's provisioned capacity; a fixed read_capacity or write_capacity beside it could never hold.";
    LIM022: Error, "limits",
        "Value out of range",
        "A negative or out-of-range count, size, rate or TTL is refused by AWS (or by the provider's validation) and makes every figure built on it meaningless.";
    LIV001: Warning, "limits",
        "Account fact not readable: AWS default assumed",
        "A fact the account did not give (access denied, service unreachable, throttled) falls back to AWS's published default; the rules that use it say so.";
    SEC001: Warning, "security",
        "Authorization in the cache key",
        "Whitelisted headers are always in the cache key: one cache entry per token, so the hit ratio depends on each user repeating requests.";
    SEC002: Warning, "security",
        "MinTTL above 0 caches private responses",
        "With MinTTL > 0 CloudFront caches even no-store, no-cache and private responses.";
    SEC003: Error, "security",
        "Headers listed but not whitelisted",
        "With header_behavior \"none\" the listed headers are neither keyed nor forwarded: the origin never sees them.";
    TRF001: Info, "traffic",
        "Assumed traffic value",
        "A default replaced an unset traffic value; figures rest on it.";
    TRF002: Warning, "traffic",
        "Target extrapolated far beyond the measured rate",
        "Behaviour at several times the measured load is a guess: latency rarely stays flat.";
    TRF003: Error, "traffic",
        "Traffic value out of range",
        "Ratios must lie in 0–1, latencies and rates must be positive, sizes and counts per request 0 or more (items at most 400 KB): every figure rests on them.";
}

// The findings about acknowledgements themselves (see `crate::acknowledge`).
// Not part of RULES: they cannot be acknowledged in turn.
catalogue! {
    ACK_RULES;
    ACK001: Error, "acknowledgement",
        "Acknowledgement of an unknown rule",
        "An acknowledgement that names no rule acknowledges nothing; a typo would hide the finding it meant.";
    ACK002: Warning, "acknowledgement",
        "Acknowledgement without a reason",
        "An accepted risk is on the record only with the reason it was accepted.";
}

/// The catalogue entry of a rule id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}
