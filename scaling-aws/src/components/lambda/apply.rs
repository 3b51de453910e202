//! Apply: what each setting should become, the order of the writes, and
//! the check that they took.

use super::read::read;
use super::shared::{function_key, is_version, loc, qualifier_key};
use super::shared::{target, Target};
use super::write::{
    delete_provisioned, publish_and_move, put_provisioned, set_reserved, update_config, wait_ready,
};
use crate::error::ComponentError;
use crate::run::{Ctx, Part};
use crate::state::{Capture, LambdaObserved};
use scaling::model::names;
use scaling::LambdaPool;

/// Converge pool `i`. `previous` is the same function's block in the
/// previous profile, if any (fields it set and this one unsets are restored).
pub(crate) async fn apply(
    ctx: &Ctx<'_>,
    i: usize,
    desired: &LambdaPool,
    previous: Option<&LambdaPool>,
) -> Part<LambdaObserved> {
    let f = desired.function_name.as_str();
    let q = desired.qualifier.as_deref();
    if desired.provisioned_concurrency.is_some() {
        match q {
            None => {
                return Part::failed(None, ComponentError::message(loc(i).then(names::LAMBDA_QUALIFIER), "qualifier required", "provisioned concurrency needs a qualifier: an alias or a published version"));
            }
            Some("$LATEST") => {
                return Part::failed(None, ComponentError::message(loc(i).then(names::LAMBDA_QUALIFIER), "$LATEST cannot carry provisioned concurrency", "AWS allocates provisioned concurrency only on a published version or an alias that points to one; publish a version and use an alias such as \"prod\""));
            }
            _ => {}
        }
    }
    let before = match read(ctx, f, q).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            return Part::failed(
                None,
                ComponentError::message(
                    loc(i),
                    "function not found",
                    format!(
                        "Lambda function {f:?} does not exist in {}",
                        ctx.aws.region()
                    ),
                ),
            )
        }
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(loc(i), "could not read the function", e),
            )
        }
    };
    ctx.capture_once(
        &function_key(f),
        Capture::Lambda {
            memory_size: before.memory_size,
            timeout: before.timeout,
            reserved_concurrency: before.reserved_concurrency,
        },
    );
    if let Some(q) = q {
        if q != "$LATEST" {
            ctx.capture_once(
                &qualifier_key(f, q),
                Capture::Qualifier {
                    alias_version: if is_version(q) {
                        None
                    } else {
                        before.qualifier_version.clone()
                    },
                    provisioned: before.provisioned.as_ref().map(|p| p.requested),
                },
            );
        }
    }
    let prior_fn = match ctx.capture(&function_key(f)) {
        Some(Capture::Lambda {
            memory_size,
            timeout,
            reserved_concurrency,
        }) => Some((memory_size, timeout, reserved_concurrency)),
        _ => None,
    };
    let prior_pc = match q.and_then(|q| ctx.capture(&qualifier_key(f, q))) {
        Some(Capture::Qualifier { provisioned, .. }) => Some(provisioned),
        _ => None,
    };
    let prev = previous.filter(|p| p.function_name == desired.function_name);
    let memory = target(
        desired.memory_size,
        prev.and_then(|p| p.memory_size),
        prior_fn.map(|p| p.0),
    );
    let timeout = target(
        desired.timeout,
        prev.and_then(|p| p.timeout),
        prior_fn.map(|p| p.1),
    );
    let reserved = target(
        desired.reserved_concurrency,
        prev.and_then(|p| p.reserved_concurrency),
        prior_fn.map(|p| p.2),
    );
    let same_q = prev.is_some_and(|p| p.qualifier.as_deref() == q);
    let pc = target(
        desired.provisioned_concurrency,
        if same_q {
            prev.and_then(|p| p.provisioned_concurrency)
        } else {
            None
        },
        prior_pc,
    );

    let mut part = Part::new(Some(before.clone()));

    // What changes. Memory and timeout go to $LATEST; a version is published
    // and the alias moved only when asked, and only after that update settled.
    let want_mem = match memory {
        Target::Set(m) if before.memory_size != Some(m) => Some(m),
        _ => None,
    };
    let want_to = match timeout {
        Target::Set(t) if before.timeout != Some(t) => Some(t),
        _ => None,
    };
    let alias = q.filter(|q| *q != "$LATEST" && !is_version(q));
    let alias_stale = before.qualifier_version.is_some()
        && (matches!(memory, Target::Set(m) if before.qualifier_memory_size != Some(m))
            || matches!(timeout, Target::Set(t) if before.qualifier_timeout != Some(t)));
    let config_change = want_mem.is_some() || want_to.is_some();
    let publishes = desired.publish_on_change && alias.is_some() && (config_change || alias_stale);
    let reserved = match reserved {
        Target::Set(n) if before.reserved_concurrency == Some(n) => Target::Keep,
        Target::Unset if before.reserved_concurrency.is_none() => Target::Keep,
        t => t,
    };

    // 1-2. memory and timeout, then (publish_on_change) a version and the alias.
    let config_f = async {
        let mut notes = Part::<()>::new(None);
        let mut config_changed = false;
        if config_change {
            let at = if want_mem.is_some() {
                names::LAMBDA_MEMORY_SIZE
            } else {
                names::LAMBDA_TIMEOUT
            };
            match update_config(ctx, f, want_mem, want_to).await {
                Ok(()) => config_changed = true,
                Err(m) => {
                    notes.errors.push(ComponentError::message(
                        loc(i).then(at),
                        "could not update the function configuration",
                        m,
                    ));
                    return (notes, false);
                }
            }
        }
        let mut published = false;
        if publishes {
            if let Some(alias) = alias {
                if before.qualifier_version.is_none() {
                    notes.errors.push(ComponentError::message(loc(i).then(names::LAMBDA_QUALIFIER), "alias not found", format!("function {f:?} has no alias {alias:?}; create it so a published version can be attached")));
                } else if let Err(e) = publish_and_move(ctx, f, alias).await {
                    notes.errors.push(ComponentError::aws(
                        loc(i).then(names::LAMBDA_PUBLISH_FLAG),
                        "could not publish a version and move the alias",
                        e,
                    ));
                } else {
                    published = true;
                }
            }
        } else if desired.publish_on_change {
            if config_changed && q.is_some_and(is_version) {
                notes.warnings.push(ComponentError::message(
                    loc(i).then(names::LAMBDA_QUALIFIER),
                    "a published version cannot change",
                    "the qualifier is a version number; publish_on_change needs an alias to move",
                ));
            }
        } else if config_changed || alias_stale {
            if let Some(alias) = alias {
                notes.warnings.push(ComponentError::message(
                    loc(i).then(names::LAMBDA_PUBLISH_FLAG),
                    "the alias keeps the old settings",
                    format!("memory and timeout changed on $LATEST only; alias {alias:?} still serves version {} with its old settings until a version is published and the alias moved (set publish_on_change = true)", before.qualifier_version.as_deref().unwrap_or("?")),
                ));
            }
        }
        (notes, published)
    };

    // 3. reserved concurrency: the function's, independent of its configuration.
    let reserved_f = async {
        let mut notes = Part::<()>::new(None);
        if let Err(e) = set_reserved(ctx, f, reserved).await {
            notes.errors.push(ComponentError::aws(
                loc(i).then(names::LAMBDA_RESERVED_CONCURRENCY),
                "could not set reserved concurrency",
                e,
            ));
        }
        notes
    };

    // 4. provisioned concurrency on the qualifier; `true` when READY must be
    // awaited.
    let provisioned_put = |published: bool| async move {
        let mut notes = Part::<()>::new(None);
        let Some(q) = q.filter(|q| *q != "$LATEST") else {
            return (notes, false);
        };
        let current = before.provisioned.as_ref();
        match pc {
            Target::Set(n) if current.map(|p| p.requested) != Some(n) => {
                match put_provisioned(ctx, f, q, n).await {
                    Ok(()) => (notes, true),
                    Err(e) => {
                        notes.errors.push(ComponentError::aws(
                            loc(i).then(names::LAMBDA_PROVISIONED_CONCURRENCY),
                            "could not set provisioned concurrency",
                            e,
                        ));
                        (notes, false)
                    }
                }
            }
            Target::Set(_) => {
                let settling = current.is_some_and(|p| p.status != "READY") || published;
                (notes, settling)
            }
            Target::Unset if current.is_some() => {
                if let Err(e) = delete_provisioned(ctx, f, q).await {
                    notes.errors.push(ComponentError::aws(
                        loc(i).then(names::LAMBDA_PROVISIONED_CONCURRENCY),
                        "could not remove provisioned concurrency",
                        e,
                    ));
                }
                (notes, false)
            }
            _ => (notes, false),
        }
    };
    let provisioned_wait = |wait: bool| async move {
        let mut notes = Part::<()>::new(None);
        let Some(q) = q.filter(|q| wait && *q != "$LATEST") else {
            return notes;
        };
        if let Err(m) = wait_ready(ctx, f, q).await {
            notes.errors.push(ComponentError::message(
                loc(i).then(names::LAMBDA_PROVISIONED_CONCURRENCY),
                "provisioned concurrency is not READY",
                m,
            ));
        }
        notes
    };

    // The concurrency settings go first: they take effect at once, and AWS
    // refuses them while a configuration update is in progress. Then the
    // configuration update, whose settling overlaps the wait for provisioned
    // concurrency. A published version changes what the alias serves, so
    // with publish_on_change the provisioned concurrency follows the alias.
    let notes = if publishes {
        let (reserved, (config, published)) = {
            let reserved = reserved_f.await;
            (reserved, config_f.await)
        };
        let mut notes = vec![reserved];
        let failed = !config.errors.is_empty();
        notes.push(config);
        if !failed {
            let (put, wait) = provisioned_put(published).await;
            notes.push(put);
            notes.push(provisioned_wait(wait).await);
        }
        notes
    } else {
        let (reserved, (put, wait)) = futures::join!(reserved_f, provisioned_put(false));
        let ((config, _), waited) = futures::join!(config_f, provisioned_wait(wait));
        vec![reserved, put, config, waited]
    };
    for n in notes {
        part.errors.extend(n.errors);
        part.warnings.extend(n.warnings);
    }

    match read(ctx, f, q).await {
        Ok(o) => {
            if let (true, Some(after)) = (part.errors.is_empty(), &o) {
                part.errors.extend(ComponentError::not_applied(
                    &loc(i),
                    "function",
                    f,
                    not_reached(desired, after),
                ));
            }
            part.observed = o;
        }
        Err(e) => part.errors.push(ComponentError::aws(
            loc(i),
            "could not read the function back",
            e,
        )),
    }
    part
}

/// The settings the read after an apply still shows differing from
/// `desired`, as (attribute, what it reads): empty when every write took.
pub fn not_reached(desired: &LambdaPool, after: &LambdaObserved) -> Vec<(&'static str, String)> {
    let mut left = Vec::new();
    for (attr, want, got) in [
        (
            names::LAMBDA_RESERVED_CONCURRENCY,
            desired.reserved_concurrency,
            after.reserved_concurrency,
        ),
        (
            names::LAMBDA_MEMORY_SIZE,
            desired.memory_size,
            after.memory_size,
        ),
        (names::LAMBDA_TIMEOUT, desired.timeout, after.timeout),
    ] {
        if let Some(w) = want {
            if got != Some(w) {
                left.push((attr, format!("{attr} {got:?} (expected {w})")));
            }
        }
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_reached_names_each_setting_the_read_back_differs_on() {
        let want = LambdaPool {
            function_name: "f".into(),
            reserved_concurrency: Some(200),
            provisioned_concurrency: None,
            qualifier: None,
            memory_size: Some(1024),
            timeout: None,
            publish_on_change: false,
        };
        let mut after = LambdaObserved {
            function_name: "f".into(),
            reserved_concurrency: Some(200),
            memory_size: Some(1024),
            timeout: Some(3),
            ..LambdaObserved::default()
        };
        assert!(not_reached(&want, &after).is_empty());
        after.reserved_concurrency = None;
        after.memory_size = Some(128);
        let left = not_reached(&want, &after);
        assert_eq!(
            left,
            vec![
                (
                    "reserved_concurrency",
                    "reserved_concurrency None (expected 200)".to_string()
                ),
                (
                    "memory_size",
                    "memory_size Some(128) (expected 1024)".to_string()
                ),
            ]
        );
    }
}
