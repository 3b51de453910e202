use super::*;
use crate::profile::LambdaPool;

#[test]
fn names_are_unique_within_each_block() {
    for (path, b) in all_blocks() {
        let mut names = b.names();
        names.extend(b.fields().iter().map(|f| f.name));
        names.sort();
        let before = names.len();
        names.dedup();
        // Settable names appear twice above (names() and fields()).
        let settable = b.fields().iter().filter(|f| f.mode.settable()).count();
        assert_eq!(before - settable, names.len(), "duplicate name in {path:?}");
    }
}

#[test]
fn what_renews_a_computed_attribute_names_settings_of_its_block() {
    for (path, b) in all_blocks() {
        let fields = b.fields();
        let settable = |n: &str| fields.iter().any(|f| f.name == n && f.mode.settable());
        for f in &fields {
            if f.renew != Renew::Never {
                assert_eq!(
                    f.mode,
                    Mode::Computed,
                    "{path:?}.{}: only a computed attribute renews",
                    f.name
                );
            }
            if let Renew::With {
                names,
                flag,
                published,
            } = f.renew
            {
                for n in names.iter().chain(published) {
                    assert!(
                        settable(n),
                        "{path:?}.{} renews with {n:?}, no setting of the block",
                        f.name
                    );
                }
                if !published.is_empty() {
                    let kind = fields.iter().find(|x| x.name == flag).map(|x| x.kind);
                    assert_eq!(
                        kind,
                        Some(Kind::Bool),
                        "{path:?}.{}: flag {flag:?} is no boolean of the block",
                        f.name
                    );
                }
            }
        }
    }
}

#[test]
fn observed_names_what_aws_reports_and_keeps_the_rest() {
    let mut pool = LambdaPool::blank();
    pool.memory_size = Some(512);
    pool.publish_on_change = true;
    let reported = LambdaReported {
        qualifier_version: Some("7".into()),
        provisioned_status: None,
    };
    let got: Vec<(&str, Val)> = LAMBDA
        .observed(Some(&pool), &reported)
        .into_iter()
        .map(|(f, v)| (f.name, v))
        .collect();
    // function_name (required, unset) and qualifier, publish_on_change
    // (optional: AWS does not hold them) are left to the configuration.
    assert_eq!(
        got,
        vec![
            ("reserved_concurrency", Val::Null),
            ("provisioned_concurrency", Val::Null),
            ("memory_size", Val::Int(512)),
            ("timeout", Val::Null),
            ("qualifier_version", Val::Str("7".into())),
            ("provisioned_status", Val::Null),
        ]
    );
    // Without settings (a component gone) only what AWS alone reports.
    let gone: Vec<&str> = CACHE_POLICY
        .observed(None, &CachePolicyReported::default())
        .into_iter()
        .map(|(f, _)| f.name)
        .collect();
    assert_eq!(gone, vec!["id", "etag"]);
}

#[test]
fn every_computed_attribute_of_a_reporting_block_has_a_report_field() {
    fn check<T, R>(b: &Block<T, R>) {
        for f in b.fields {
            assert_eq!(
                f.mode == Mode::Computed,
                f.report.is_some(),
                "{}.{}: computed exactly when AWS reports it",
                b.location,
                f.name
            );
        }
    }
    check(&QUOTA);
    check(&LAMBDA);
    check(&CACHE_POLICY);
    check(&DASHBOARD);
    check(&ACCELERATOR);
}
