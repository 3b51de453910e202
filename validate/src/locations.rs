//! Where a finding is: the rule engine's locations (`lambda[1].timeout`)
//! against the 1.0 attribute paths of the configuration
//! (`lambda_pools["web"].timeout`), for lines and for what is printed.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use scaling::model::{self, Described};
use scaling::{Location, LocationStep};

/// Lines of the rule engine's locations (`lambda[1].timeout`: blocks by
/// their location names and positions in key order) from the lines of the
/// 1.0 attributes (`lambda_pools.api.timeout`), so a finding points at the
/// line of what it concerns.
pub fn location_lines(
    tree: &Map<String, Value>,
    lines: &mut std::collections::BTreeMap<String, usize>,
) {
    let mut aliases = Vec::new();
    for (path, line) in lines.iter() {
        if let Some(loc) = location_of(tree, path) {
            aliases.push((loc, *line));
        }
    }
    for (loc, line) in aliases {
        lines.entry(loc).or_insert(line);
    }
    // And the form findings are printed in (`lambda_pools["api"].timeout`).
    let shown: Vec<(String, usize)> = lines
        .iter()
        .filter_map(|(path, line)| shown_of(path).map(|s| (s, *line)))
        .collect();
    for (s, line) in shown {
        lines.entry(s).or_insert(line);
    }
}

/// `lambda_pools.api.timeout` → `lambda_pools["api"].timeout`; None when the
/// path does not start with a map attribute's entry.
fn shown_of(path: &str) -> Option<String> {
    let mut segs = path.splitn(3, '.');
    let first = segs.next()?;
    let top = model::RESOURCE
        .blocks()
        .iter()
        .find(|c| c.name() == first)?;
    if top.nesting() != model::Nesting::Map {
        return None;
    }
    let key = segs.next()?;
    let mut out = format!("{first}[{key:?}]");
    if let Some(rest) = segs.next() {
        out.push('.');
        out.push_str(rest);
    }
    Some(out)
}

/// The keys of the profile's map attributes in key order (the order of the
/// rule engine's indices), by the rule engine's location name (`lambda`).
pub fn map_keys(tree: &Map<String, Value>) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for top in model::RESOURCE.blocks() {
        if top.nesting() != model::Nesting::Map {
            continue;
        }
        if let Some(Value::Object(m)) = tree.get(top.name()) {
            let mut keys: Vec<String> = m.keys().cloned().collect();
            keys.sort();
            out.insert(top.location().to_string(), keys);
        }
    }
    out
}

/// A rule engine location (`lambda[1].timeout`, `dynamodb[0].autoscaling[0].read[0]`)
/// as the configuration writes it (`lambda_pools["web"].timeout`,
/// `dynamodb_tables["feeds"].autoscaling.read`): what the CLI prints, the same
/// path the provider's diagnostics carry.
pub fn user_location(loc: &Location, keys: &BTreeMap<String, Vec<String>>) -> Location {
    let mut out = Vec::new();
    let mut block: Option<&dyn Described> = Some(&model::RESOURCE);
    let mut top = true;
    let mut steps = loc.0.iter().peekable();
    while let Some(step) = steps.next() {
        let child = match (step, block) {
            (LocationStep::Attr(a), Some(b)) => b.blocks().iter().find(|c| c.location() == a),
            _ => None,
        };
        let Some(c) = child else {
            out.push(step.clone());
            block = None;
            continue;
        };
        let mut name = c.name().to_string();
        if let Some(LocationStep::Index(i)) = steps.peek() {
            let i = *i;
            steps.next();
            if c.nesting() == model::Nesting::Map {
                match keys
                    .get(c.location())
                    .and_then(|k| k.get(i))
                    .filter(|_| top)
                {
                    Some(k) => name = format!("{name}[{k:?}]"),
                    None => name = format!("{name}[{i}]"),
                }
            }
        }
        out.push(LocationStep::Attr(name));
        top = false;
        block = Some(*c);
    }
    Location(out)
}

/// The rule engine's location of a 1.0 path (`dynamodb_tables.feeds.autoscaling.read`
/// → `dynamodb[0].autoscaling[0].read[0]`), None when it names no block.
fn location_of(tree: &Map<String, Value>, path: &str) -> Option<String> {
    let mut segs = path.split('.');
    let first = segs.next()?;
    let top = model::RESOURCE.block(first)?;
    let mut out = String::new();
    let mut block: &dyn Described = top;
    let mut index = 0usize;
    if top.nesting() == model::Nesting::Map {
        let key = segs.next()?;
        let Some(Value::Object(m)) = tree.get(first) else {
            return None;
        };
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort();
        index = keys.iter().position(|k| k.as_str() == key)?;
    }
    out.push_str(&format!("{}[{index}]", top.location()));
    for seg in segs {
        match block.block(seg) {
            Some(child) => {
                out.push_str(&format!(".{}[0]", child.location()));
                block = child;
            }
            None => {
                out.push_str(&format!(".{seg}"));
                break;
            }
        }
    }
    Some(out)
}

/// The rule engine's location of an attribute path of the configuration
/// (`lambda_pools.api.reserved_concurrency` → `lambda[0].reserved_concurrency`,
/// `traffic.peak_rps` → `traffic[0].peak_rps`), with the map keys in key
/// order ([`map_keys`]). A path that names no block of the model is kept as
/// one step.
pub fn engine_location(path: &str, keys: &BTreeMap<String, Vec<String>>) -> Location {
    if path.is_empty() {
        return Location::root();
    }
    let raw = || Location::attr(path);
    let mut segs = path.split('.');
    let Some(top) = segs.next().and_then(|first| model::RESOURCE.block(first)) else {
        return raw();
    };
    let mut index = 0;
    if top.nesting() == model::Nesting::Map {
        let Some(key) = segs.next() else {
            return Location::attr(top.location());
        };
        let found = keys
            .get(top.location())
            .and_then(|k| k.iter().position(|k| k == key));
        let Some(i) = found else { return raw() };
        index = i;
    }
    let mut loc = Location::attr(top.location()).index(index);
    let mut block: &dyn Described = top;
    for seg in segs {
        match block.block(seg) {
            Some(child) => {
                loc = loc.then(child.location()).index(0);
                block = child;
            }
            None => return loc.then(seg),
        }
    }
    loc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_locations_print_as_the_configuration_writes_them() {
        let keys: BTreeMap<String, Vec<String>> = [
            (
                "lambda".to_string(),
                vec!["api".to_string(), "web".to_string()],
            ),
            ("dynamodb".to_string(), vec!["feeds".to_string()]),
        ]
        .into_iter()
        .collect();
        let shown = |l: Location| user_location(&l, &keys).to_string();
        assert_eq!(
            shown(Location::attr("lambda").index(1).then("timeout")),
            "lambda_pools[\"web\"].timeout"
        );
        assert_eq!(
            shown(
                Location::attr("dynamodb")
                    .index(0)
                    .then("autoscaling")
                    .index(0)
                    .then("read")
                    .index(0)
                    .then("max_capacity")
            ),
            "dynamodb_tables[\"feeds\"].autoscaling.read.max_capacity"
        );
        assert_eq!(
            shown(Location::attr("traffic").index(0).then("peak_rps")),
            "traffic.peak_rps"
        );
        assert_eq!(shown(Location::root()), "");
        for path in [
            "lambda_pools.web.timeout",
            "dynamodb_tables.feeds.autoscaling.read.max_capacity",
            "traffic.peak_rps",
        ] {
            let shown = shown(engine_location(path, &keys));
            let mut want = path.replace(".web.", "[\"web\"].");
            want = want.replace(".feeds.", "[\"feeds\"].");
            assert_eq!(shown, want);
        }
        // An entry the configuration does not have keeps its index.
        assert_eq!(
            shown(Location::attr("quota_request").index(0)),
            "quota_requests[0]"
        );
    }
}
