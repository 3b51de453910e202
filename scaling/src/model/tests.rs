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
