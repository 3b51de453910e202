//! The evaluator on expressions alone.

use super::*;

fn eval_str(src: &str) -> R<Value> {
    let e: Expression = src.parse().unwrap_or_else(|e| panic!("{src}: {e}"));
    evaluate_literal(&e, &Budget::default())
}

fn num(src: &str) -> f64 {
    match eval_str(src) {
        Ok(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        other => panic!("{src}: {other:?}"),
    }
}

#[test]
fn arithmetic() {
    assert_eq!(num("5 / 2"), 2.5);
    assert_eq!(num("7 % 3"), 1.0);
    assert_eq!(num("(-9223372036854775807 - 1) % -1"), 0.0);
    assert_eq!(num("18446744073709551615 + 1"), 18446744073709551616.0);
    assert_eq!(num("\"5\" + 1"), 6.0);
    assert_eq!(num("-(2 * 3)"), -6.0);
    for (src, why) in [
        ("1 / 0", "division by zero"),
        ("1 % 0", "modulo by zero"),
        ("1.5 % 0.0", "modulo by zero"),
        ("1e300 * 1e300", "too large"),
        ("true + 1", "must be a number"),
    ] {
        match eval_str(src) {
            Err(Failure::Error(m)) => assert!(m.contains(why), "{src}: {m}"),
            other => panic!("{src}: {other:?}"),
        }
    }
}

#[test]
fn collections_templates_and_conditions() {
    assert_eq!(
        eval_str("[for k, v in {a = 1, b = 2} : \"${k}=${v}\" if v > 1]"),
        Ok(Value::Array(vec![Value::from("b=2")]))
    );
    assert_eq!(
        eval_str("{for x in [\"a\", \"b\", \"a\"] : x => 1...}"),
        eval_str("{a = [1, 1], b = [1]}")
    );
    assert_eq!(eval_str("\"a ${~ \"b\" ~} c\""), Ok(Value::from("abc")));
    assert_eq!(
        eval_str("\"%{ for x in [1, 2] }${x},%{ endfor }\""),
        Ok(Value::from("1,2,"))
    );
    assert_eq!(eval_str("1 == 1.0 ? [1, 2][1] : 0"), Ok(Value::from(2u64)));
    assert_eq!(eval_str("[{a = 1}, {a = 2}][*].a"), eval_str("[1, 2]"));
    assert_eq!(
        eval_str("file(\"x\")"),
        Err(Failure::Unknown(
            "calls file(), a function the validator does not evaluate".into()
        ))
    );
    assert_eq!(
        eval_str("aws_lambda_function.f.arn"),
        Err(Failure::Unknown(
            "refers to aws_lambda_function.f.arn, known only after apply".into()
        ))
    );
    assert_eq!(eval_str("var.nope"), Err(Failure::Missing("nope".into())));
}

#[test]
fn limits_stop_growth() {
    let mut small = LIMITS;
    small.steps = 1_000;
    let budget = Budget::new(small);
    let e: Expression = "[for a in [1,2,3,4,5,6,7,8,9,10] : [for b in [1,2,3,4,5,6,7,8,9,10] : [for c in [1,2,3,4,5,6,7,8,9,10] : c]]]"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    match evaluate_literal(&e, &budget) {
        Err(Failure::Limit(m)) => assert!(m.contains("1,000 steps"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn common_terraform_functions_are_evaluated() {
    assert_eq!(num("max(1000, 2000)"), 2000.0);
    assert_eq!(num("min(50, 60, 55.5)"), 50.0);
    assert_eq!(num("max([3, 9, 4]...)"), 9.0);
    assert_eq!(num("coalesce(null, \"\", 0.5)"), 0.5);
    assert_eq!(num("lookup({a = 300}, \"b\", 1)"), 1.0);
    assert_eq!(num("lookup({a = 300}, \"a\", 1)"), 300.0);
    assert_eq!(num("try({}.x, 7)"), 7.0);
    assert_eq!(num("tonumber(\"1024\")"), 1024.0);
    assert_eq!(num("ceil(3.2)"), 4.0);
    assert_eq!(num("floor(-1.5)"), -2.0);
    assert_eq!(num("length(concat([1], [2, 3]))"), 3.0);
    assert_eq!(num("length(\"abc\")"), 3.0);
    assert_eq!(
        eval_str("merge({a = 1, b = 1}, null, {b = 2})"),
        eval_str("{a = 1, b = 2}")
    );
    for (src, why) in [
        ("min()", "at least one number"),
        ("max(1, \"x\")", "must be a number"),
        ("coalesce(null, \"\")", "every argument is null"),
        ("lookup({a = 1}, \"b\")", "no element \"b\""),
        ("tonumber(\"ten\")", "is not a number"),
        ("merge({a = 1}, [1])", "takes maps"),
        ("concat([1], 2)", "takes lists"),
        ("length(1)", "not defined"),
        ("try({}.x)", "no argument could be evaluated"),
    ] {
        match eval_str(src) {
            Err(Failure::Error(m)) => assert!(m.contains(why), "{src}: {m}"),
            other => panic!("{src}: {other:?}"),
        }
    }
}

#[test]
fn try_does_not_hide_what_is_unknown_or_over_a_limit() {
    assert!(matches!(
        eval_str("try(aws_lambda_function.f.memory_size, 128)"),
        Err(Failure::Unknown(_))
    ));
    assert!(matches!(
        eval_str("max(1, file(\"x\"))"),
        Err(Failure::Unknown(m)) if m.contains("file()")
    ));
}
