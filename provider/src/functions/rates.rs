//! `required_concurrency` and `origin_rps`: the traffic model's figures from
//! three numbers, through the `scaling` crate's traffic and capacity models.

use scaling::{capacity, Limits, Profile, Traffic, TrafficModel};
use tfplugin::{Function, FunctionDef, FunctionError, Parameter, Type, Value};

use super::number_arg;

fn peak_rps() -> Parameter {
    Parameter::new("peak_rps", Type::Number)
        .describe("Target peak requests per second at the edge (before the cache). At least 0.")
}

fn cache_hit_ratio() -> Parameter {
    Parameter::new("cache_hit_ratio", Type::Number).describe(
        "Share of requests CloudFront answers from its cache, between 0 and 1 (0: every request reaches the origin).",
    )
}

fn latency_ms() -> Parameter {
    Parameter::new("latency_ms", Type::Number)
        .describe("Average origin latency (the Lambda duration) in milliseconds. At least 0.")
}

fn rate(args: &[Value], i: usize) -> Result<f64, FunctionError> {
    number_arg(args, i, "peak_rps", 0.0, None)
}

fn ratio(args: &[Value], i: usize) -> Result<f64, FunctionError> {
    number_arg(args, i, "cache_hit_ratio", 0.0, Some(1.0))
}

/// The traffic model of a profile with these three figures.
fn model(peak: f64, latency: Option<f64>, hit: f64) -> (Profile, TrafficModel) {
    let profile = Profile {
        traffic: Traffic {
            peak_rps: Some(peak),
            latency_ms: latency,
            cache_hit_ratio: Some(hit),
            ..Traffic::default()
        },
        ..Profile::default()
    };
    let t = TrafficModel::from_profile(&profile, None);
    (profile, t)
}

pub struct RequiredConcurrency;

impl Function for RequiredConcurrency {
    fn definition(&self) -> FunctionDef {
        FunctionDef::new(
            Type::Number,
            "Lambda concurrency a traffic model needs (Little's law after the cache).",
        )
        .describe(
            "The concurrent executions the origin needs at the peak: requests per second that pass the cache (`peak_rps × (1 − cache_hit_ratio)`) times the latency in seconds, rounded up to a whole execution. The same figure as `capacity.required_concurrency` of `smuppy_scaling_profile`, rounded up.",
        )
        .param(peak_rps())
        .param(latency_ms())
        .param(cache_hit_ratio())
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let peak = rate(&args, 0)?;
        let latency = number_arg(&args, 1, "latency_ms", 0.0, None)?;
        let hit = ratio(&args, 2)?;
        let (profile, t) = model(peak, Some(latency), hit);
        let cap = capacity::compute(&profile, &Limits::default(), &t);
        let required = cap.required_concurrency.unwrap_or(0.0);
        Ok(Value::float(required.ceil()))
    }
}

pub struct OriginRps;

impl Function for OriginRps {
    fn definition(&self) -> FunctionDef {
        FunctionDef::new(
            Type::Number,
            "Requests per second that pass the cache and reach the origin.",
        )
        .describe(
            "`peak_rps × (1 − cache_hit_ratio)`: what API Gateway, Lambda and DynamoDB must carry at the peak. The same figure as `capacity.origin_rps` of `smuppy_scaling_profile`.",
        )
        .param(peak_rps())
        .param(cache_hit_ratio())
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let peak = rate(&args, 0)?;
        let hit = ratio(&args, 1)?;
        let (_, t) = model(peak, None, hit);
        Ok(Value::float(t.origin_rps().unwrap_or(0.0)))
    }
}
