//! Integration tests against the sandbox account (emulators on loopback).
//! Fixtures are created through the SDK; assertions read AWS back with
//! separate SDK calls.

#[path = "../common/mod.rs"]
mod common;

mod stage;
mod lambda;
mod cloudfront_cloudwatch;
mod dynamodb;
mod quota;
mod accelerator;
