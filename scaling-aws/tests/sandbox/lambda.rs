use crate::common::{fast_polls, first_apply, profile, reapply_writes_nothing, zip_one, Sandbox};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime};
use scaling::LambdaPool;
use scaling_aws::{apply_profile, destroy_profile, Aws};
use std::time::Duration;

pub(crate) async fn function_fixture(aws: &Aws, name: &str) -> String {
    let l = aws.lambda();
    let code = zip_one(
        "index.py",
        b"def handler(event, context):\n    return {'statusCode': 200}\n",
    );
    l.create_function()
        .function_name(name)
        .runtime(Runtime::Python311)
        .role("arn:aws:iam::123456789012:role/lambda-role")
        .handler("index.handler")
        .code(FunctionCode::builder().zip_file(Blob::new(code)).build())
        .memory_size(128)
        .timeout(3)
        .send()
        .await
        .unwrap();
    // Wait out the create (State Pending) before publishing.
    for _ in 0..50 {
        let c = l
            .get_function_configuration()
            .function_name(name)
            .send()
            .await
            .unwrap();
        if c.state().map(|s| s.as_str()) == Some("Active") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let v = l
        .publish_version()
        .function_name(name)
        .send()
        .await
        .unwrap();
    let version = v.version().unwrap().to_string();
    l.create_alias()
        .function_name(name)
        .name("prod")
        .function_version(&version)
        .send()
        .await
        .unwrap();
    version
}

pub(crate) fn pool(name: &str) -> LambdaPool {
    LambdaPool {
        function_name: name.into(),
        reserved_concurrency: Some(20),
        provisioned_concurrency: Some(5),
        qualifier: Some("prod".into()),
        memory_size: Some(512),
        timeout: Some(10),
        publish_on_change: true,
    }
}

#[tokio::test]
async fn lambda_pool_lifecycle_publishes_moves_alias_and_restores() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    let first = function_fixture(&aws, "smuppy-api-handler").await;
    let mut p = profile("staging");
    p.lambdas.push(pool("smuppy-api-handler"));

    let out = first_apply(&aws, &p, &fast_polls()).await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let l = aws.lambda();
    let latest = l
        .get_function_configuration()
        .function_name("smuppy-api-handler")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (latest.memory_size(), latest.timeout()),
        (Some(512), Some(10))
    );
    let alias = l
        .get_alias()
        .function_name("smuppy-api-handler")
        .name("prod")
        .send()
        .await
        .unwrap();
    let moved = alias.function_version().unwrap().to_string();
    assert_ne!(
        moved, first,
        "the alias must move to a newly published version"
    );
    let served = l
        .get_function_configuration()
        .function_name("smuppy-api-handler")
        .qualifier(&moved)
        .send()
        .await
        .unwrap();
    assert_eq!(served.memory_size(), Some(512));
    let reserved = l
        .get_function_concurrency()
        .function_name("smuppy-api-handler")
        .send()
        .await
        .unwrap();
    assert_eq!(reserved.reserved_concurrent_executions(), Some(20));
    let pc = l
        .get_provisioned_concurrency_config()
        .function_name("smuppy-api-handler")
        .qualifier("prod")
        .send()
        .await
        .unwrap();
    assert_eq!(pc.requested_provisioned_concurrent_executions(), Some(5));
    assert_eq!(pc.status().map(|s| s.as_str()), Some("READY"));
    let o = out.observed.lambdas[0].clone().unwrap();
    assert_eq!(o.qualifier_version.as_deref(), Some(moved.as_str()));
    assert_eq!(o.qualifier_memory_size, Some(512));
    assert_eq!(
        o.provisioned.as_ref().map(|p| p.status.as_str()),
        Some("READY")
    );

    let again = reapply_writes_nothing(&sb, &aws, &p, &out, &fast_polls()).await;

    let d = destroy_profile(&aws, &p, &again.observed, again.private).await;
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert!(d.private.is_empty(), "{:?}", d.private);
    let latest = l
        .get_function_configuration()
        .function_name("smuppy-api-handler")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (latest.memory_size(), latest.timeout()),
        (Some(128), Some(3))
    );
    let reserved = l
        .get_function_concurrency()
        .function_name("smuppy-api-handler")
        .send()
        .await
        .unwrap();
    assert_eq!(reserved.reserved_concurrent_executions(), None);
    let alias = l
        .get_alias()
        .function_name("smuppy-api-handler")
        .name("prod")
        .send()
        .await
        .unwrap();
    assert_eq!(alias.function_version(), Some(first.as_str()));
    let gone = l
        .get_provisioned_concurrency_config()
        .function_name("smuppy-api-handler")
        .qualifier("prod")
        .send()
        .await;
    assert!(gone.is_err(), "provisioned concurrency must be removed");
}

#[tokio::test]
async fn lambda_latest_qualifier_and_missing_function_are_errors() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    function_fixture(&aws, "fn-a").await;
    let mut p = profile("staging");
    let mut bad = pool("fn-a");
    bad.qualifier = Some("$LATEST".into());
    p.lambdas.push(bad);
    p.lambdas.push(pool("does-not-exist"));
    let out = first_apply(&aws, &p, &fast_polls()).await;
    assert_eq!(out.errors.len(), 2, "{:?}", out.errors);
    assert_eq!(out.errors[0].location.to_string(), "lambda[0].qualifier");
    assert!(out.errors[0].summary.contains("$LATEST"));
    assert_eq!(out.errors[1].location.to_string(), "lambda[1]");
    assert_eq!(out.writes, 0);
    // Nothing was changed on fn-a.
    let c = aws
        .lambda()
        .get_function_configuration()
        .function_name("fn-a")
        .send()
        .await
        .unwrap();
    assert_eq!(c.memory_size(), Some(128));
}

#[tokio::test]
async fn removed_lambda_block_restores_the_function() {
    let sb = Sandbox::start();
    let aws = sb.connect().await;
    function_fixture(&aws, "fn-b").await;
    let mut p = profile("staging");
    let mut only_memory = pool("fn-b");
    only_memory.provisioned_concurrency = None;
    only_memory.reserved_concurrency = None;
    only_memory.publish_on_change = false;
    p.lambdas.push(only_memory);
    let out = first_apply(&aws, &p, &fast_polls()).await;
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    // Not publishing: the alias keeps the old settings, and the outcome says so.
    assert!(
        out.warnings
            .iter()
            .any(|w| w.summary.contains("alias keeps the old settings")),
        "{:?}",
        out.warnings
    );
    let o = out.observed.lambdas[0].clone().unwrap();
    assert_eq!(
        (o.memory_size, o.qualifier_memory_size),
        (Some(512), Some(128))
    );

    let without = profile("staging");
    let out2 = apply_profile(
        &aws,
        &without,
        Some(&p),
        &out.observed,
        out.private,
        &fast_polls(),
    )
    .await;
    assert!(out2.errors.is_empty(), "{:?}", out2.errors);
    assert!(out2.private.is_empty(), "{:?}", out2.private);
    let c = aws
        .lambda()
        .get_function_configuration()
        .function_name("fn-b")
        .send()
        .await
        .unwrap();
    assert_eq!((c.memory_size(), c.timeout()), (Some(128), Some(3)));
}
