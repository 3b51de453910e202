//! Indexes over the `aws_*` resources of a run, built once, so that linking
//! stays linear in the number of resources: by type, by address, and per
//! (type, attribute) by the address the attribute refers to and by its
//! known value. Each lookup returns the candidates that
//! [`AwsResource::links`] would accept among all resources, in the order of
//! the run; the caller's test then decides, so the result is what a scan of
//! every resource gives.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::{strip_instance_key, AwsResource};

pub(super) struct Index<'a> {
    all: &'a [AwsResource],
    by_type: HashMap<&'a str, Vec<usize>>,
    by_address: HashMap<&'a str, Vec<usize>>,
    /// The known `function_name` of every function.
    function_names: HashSet<String>,
    /// Built on first use, per (type, attribute, type of the target asked
    /// for; `None`: any).
    attrs: RefCell<HashMap<AttrKey, Rc<AttrIndex>>>,
}

/// (type, attribute, type of the target asked for).
type AttrKey = (String, String, Option<String>);

#[derive(Default)]
struct AttrIndex {
    /// Referred address → positions.
    by_ref: HashMap<String, Vec<usize>>,
    /// Known value, and every part of it after a `/`, → positions.
    by_value: HashMap<String, Vec<usize>>,
}

impl<'a> Index<'a> {
    pub(super) fn new(all: &'a [AwsResource]) -> Self {
        Self::keeping(all, |_| true)
    }

    /// An index of the resources of `all` that `keep` accepts (one
    /// Region's): lookups see only those.
    pub(super) fn keeping(all: &'a [AwsResource], keep: impl Fn(&AwsResource) -> bool) -> Self {
        let mut by_type: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_address: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut function_names = HashSet::new();
        for (i, r) in all.iter().enumerate().filter(|(_, r)| keep(r)) {
            by_type.entry(r.ty.as_str()).or_default().push(i);
            by_address.entry(r.address.as_str()).or_default().push(i);
            if r.ty == "aws_lambda_function" {
                function_names.extend(r.str(super::aws_attrs::FUNCTION_NAME));
            }
        }
        Index {
            all,
            by_type,
            by_address,
            function_names,
            attrs: RefCell::default(),
        }
    }

    /// The resources of `ty`, in the order of the run.
    pub(super) fn of_type(&self, ty: &str) -> Vec<&'a AwsResource> {
        self.pick(self.by_type.get(ty).cloned().unwrap_or_default())
    }

    /// The resources at `address` (one, unless the run repeats it).
    pub(super) fn of_address(&self, address: &str) -> impl Iterator<Item = &'a AwsResource> + '_ {
        let all = self.all;
        self.by_address
            .get(address)
            .into_iter()
            .flatten()
            .map(move |&i| &all[i])
    }

    /// Every resource kept, in the order of the run.
    pub(super) fn members(&self) -> Vec<&'a AwsResource> {
        self.pick(self.by_type.values().flatten().copied().collect())
    }

    /// Whether a function of the run has the known name `name`.
    pub(super) fn is_function_name(&self, name: &str) -> bool {
        self.function_names.contains(name)
    }

    /// The resources of `ty` whose `attr` links them to `target` (see
    /// [`AwsResource::links`]), in the order of the run.
    pub(super) fn linked(
        &self,
        ty: &str,
        attr: &str,
        target: &AwsResource,
        name: Option<&str>,
    ) -> Vec<&'a AwsResource> {
        let mut found = self.referring(ty, attr, &target.address);
        if let Some(n) = name {
            found.extend(self.valued(ty, attr, Some(&target.ty), n));
        }
        let mut out = self.pick(found);
        out.retain(|r| r.links(attr, target, name));
        out
    }

    /// Positions of the resources of `ty` whose `attr` refers to `address`.
    pub(super) fn referring(&self, ty: &str, attr: &str, address: &str) -> Vec<usize> {
        let ix = self.attr(ty, attr, None);
        ix.by_ref.get(address).cloned().unwrap_or_default()
    }

    /// Positions of the resources of `ty` whose known `attr` is `value` or
    /// ends with `/value`; with `target_ty`, leaving out those whose `attr`
    /// refers to a resource of that type (they link by reference only).
    pub(super) fn valued(
        &self,
        ty: &str,
        attr: &str,
        target_ty: Option<&str>,
        value: &str,
    ) -> Vec<usize> {
        let ix = self.attr(ty, attr, target_ty);
        ix.by_value.get(value).cloned().unwrap_or_default()
    }

    /// Positions → resources, in the order of the run, each once.
    pub(super) fn pick(&self, mut positions: Vec<usize>) -> Vec<&'a AwsResource> {
        positions.sort_unstable();
        positions.dedup();
        positions.into_iter().map(|i| &self.all[i]).collect()
    }

    fn attr(&self, ty: &str, attr: &str, target_ty: Option<&str>) -> Rc<AttrIndex> {
        let key = (
            ty.to_string(),
            attr.to_string(),
            target_ty.map(str::to_string),
        );
        if let Some(ix) = self.attrs.borrow().get(&key) {
            return ix.clone();
        }
        let mut ix = AttrIndex::default();
        for &i in self.by_type.get(ty).into_iter().flatten() {
            let r = &self.all[i];
            let reference = r.refs.get(attr);
            if let Some(to) = reference {
                ix.by_ref.entry(to.clone()).or_default().push(i);
                let to_target_type =
                    target_ty.is_some_and(|t| strip_instance_key(to).rsplit('.').nth(1) == Some(t));
                if to_target_type {
                    continue;
                }
            }
            let Some(v) = r.str(attr) else {
                continue;
            };
            for (j, _) in v.match_indices('/') {
                ix.by_value
                    .entry(v[j + 1..].to_string())
                    .or_default()
                    .push(i);
            }
            ix.by_value.entry(v).or_default().push(i);
        }
        let ix = Rc::new(ix);
        self.attrs.borrow_mut().insert(key, ix.clone());
        ix
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn res(address: &str, ty: &str, stage_name: Option<&str>, to: Option<&str>) -> AwsResource {
        let mut r = AwsResource {
            address: address.into(),
            ty: ty.into(),
            ..Default::default()
        };
        if let Some(v) = stage_name {
            r.values.insert("stage_name".into(), json!(v));
        }
        if let Some(t) = to {
            r.refs.insert("stage_name".into(), t.into());
        }
        r
    }

    /// What the index finds is what a scan of every resource with `links`
    /// finds, in the same order: by reference, by equal name, by a name
    /// after a `/`, and not through a reference to another stage.
    #[test]
    fn linked_is_the_scan_of_every_resource() {
        const STAGE: &str = "aws_api_gateway_stage";
        const SETTINGS: &str = "aws_api_gateway_method_settings";
        let stage =
            |k: &str, name: &str| res(&format!("{STAGE}.s[\"{k}\"]"), STAGE, Some(name), None);
        let mut all = vec![stage("a", "prod"), stage("b", "prod"), stage("c", "dev")];
        let to_a = "aws_api_gateway_stage.s[\"a\"]";
        let to_b = "aws_api_gateway_stage.s[\"b\"]";
        for (i, (name, to)) in [
            (Some("prod"), Some(to_a)),
            (Some("prod"), Some(to_b)),
            (Some("prod"), None),
            (Some("x/prod"), None),
            (Some("xprod"), None),
            (Some("dev"), Some("aws_api_gateway_rest_api.api")),
            (None, Some(to_a)),
            (Some("prod"), Some("aws_api_gateway_stage.other")),
            (Some("a/b/dev"), None),
        ]
        .into_iter()
        .enumerate()
        {
            all.push(res(&format!("{SETTINGS}.m{i}"), SETTINGS, name, to));
        }
        // Another type with the same attribute is never found.
        all.push(res(
            "aws_lambda_alias.x",
            "aws_lambda_alias",
            Some("prod"),
            Some(to_a),
        ));
        let ix = Index::new(&all);
        let stages = ix.of_type(STAGE);
        assert_eq!(stages.len(), 3);
        let mut seen = 0;
        for s in stages {
            let name = s.str("stage_name");
            for n in [name.as_deref(), None] {
                let scan: Vec<&str> = all
                    .iter()
                    .filter(|r| r.ty == SETTINGS && r.links("stage_name", s, n))
                    .map(|r| r.address.as_str())
                    .collect();
                let found: Vec<&str> = ix
                    .linked(SETTINGS, "stage_name", s, n)
                    .into_iter()
                    .map(|r| r.address.as_str())
                    .collect();
                assert_eq!(found, scan, "stage {} name {n:?}", s.address);
                seen += found.len();
            }
        }
        // Not vacuous: a: m0 m2 m3 m6 by name, m0 m6 by reference;
        // b: m1 m2 m3, m1; c: m5 m8.
        assert_eq!(seen, 4 + 2 + 3 + 1 + 2);
    }
}
