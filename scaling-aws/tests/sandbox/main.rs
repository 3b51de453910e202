//! Integration tests against the sandbox account (emulators on loopback).
//! Fixtures are created through the SDK; assertions read AWS back with
//! separate SDK calls.

#[path = "../common/mod.rs"]
mod common;

mod accelerator;
mod cloudfront_cloudwatch;
mod dynamodb;
mod full;
mod lambda;
mod quota;
mod stage;
