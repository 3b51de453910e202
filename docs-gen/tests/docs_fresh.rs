//! The committed docs must be what the generator renders from the schemas,
//! the templates, the examples and the module sources.

use std::path::{Path, PathBuf};

use smuppy_docs as docs;

fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

#[test]
fn committed_docs_are_fresh() {
    let root = repo_root();
    let files = match docs::generate(&root) {
        Ok(f) => f,
        Err(e) => panic!("docs cannot be generated: {e}"),
    };
    let expected = [
        "docs/index.md",
        "docs/resources/scaling_profile.md",
        "terraform/modules/scaling-profile/README.md",
        "docs/functions/required_concurrency.md",
        "docs/functions/origin_rps.md",
        "docs/functions/monthly_cost.md",
        "docs/functions/max_sustainable_rps.md",
        "docs/functions/check.md",
        "docs/data-sources/account_limits.md",
        "docs/data-sources/capacity.md",
    ];
    for path in expected {
        assert!(
            files.iter().any(|f| f.path == Path::new(path)),
            "{path} is not generated"
        );
    }
    let stale = docs::stale(&root, &files);
    assert!(
        stale.is_empty(),
        "stale docs {stale:?}: run `{}`",
        docs::GENERATOR_COMMAND
    );
}

#[test]
fn every_embedded_example_exists_and_every_part_has_one() {
    let root = repo_root();
    let dir = root.join("examples/resources/smuppy_scaling_profile");
    // File name (the docs template embeds it) and the attribute it shows.
    for (file, attribute) in [
        ("api_gateway", "api_gateway"),
        ("lambda", "lambda_pools"),
        ("dynamodb", "dynamodb_tables"),
        ("quota_request", "quota_requests"),
        ("cache_policy", "cache_policy"),
        ("dashboard", "dashboard"),
        ("global_accelerator", "global_accelerator"),
    ] {
        let path = dir.join(format!("{file}.tf"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            text.contains(&format!("  {attribute} = {{")),
            "{} does not set {attribute}",
            path.display()
        );
    }
    let page = std::fs::read_to_string(root.join("docs/resources/scaling_profile.md"))
        .unwrap_or_else(|e| panic!("docs/resources/scaling_profile.md: {e}"));
    assert!(page.contains("terraform import smuppy_scaling_profile.api"));
    assert!(page.contains("import {"));
}
