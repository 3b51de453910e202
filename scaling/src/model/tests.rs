use super::*;

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
