//! docs/rules.md documents every rule of the catalogue, with its severity.

#[test]
fn every_rule_is_documented() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for r in scaling::RULES.iter().chain(scaling::acknowledge::ACK_RULES) {
        assert!(
            doc.contains(&format!("### {}\n", r.id)),
            "{} has no section in docs/rules.md",
            r.id
        );
        let row = format!(
            "| [{}](#{}) | {} | {} |",
            r.id,
            r.id.to_lowercase(),
            r.severity,
            r.title
        );
        assert!(doc.contains(&row), "docs/rules.md has no table row {row}");
    }
    let sections = doc.matches("\n### ").count();
    assert_eq!(
        sections,
        scaling::RULES.len() + scaling::acknowledge::ACK_RULES.len(),
        "docs/rules.md documents rules that do not exist"
    );
}
