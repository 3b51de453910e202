//! Pinned unit prices, per Region, each with its source and date.
//!
//! The built-in table holds us-east-1. A JSON file can override items or add
//! Regions (`PriceTable::from_json`); a Region missing from the table falls
//! back to us-east-1 and the cost estimate says so.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const DEFAULT_REGION: &str = "us-east-1";

/// Item keys of the table.
pub mod item {
    pub const APIGW_REST_REQUESTS: &str = "apigateway.rest.requests";
    pub const APIGW_HTTP_REQUESTS: &str = "apigateway.http.requests";
    pub const LAMBDA_REQUESTS: &str = "lambda.requests";
    pub const LAMBDA_DURATION_X86: &str = "lambda.duration.x86_64";
    pub const LAMBDA_DURATION_ARM: &str = "lambda.duration.arm64";
    pub const LAMBDA_PC_X86: &str = "lambda.provisioned.x86_64";
    pub const LAMBDA_PC_ARM: &str = "lambda.provisioned.arm64";
    pub const LAMBDA_PC_DURATION_X86: &str = "lambda.provisioned_duration.x86_64";
    pub const LAMBDA_PC_DURATION_ARM: &str = "lambda.provisioned_duration.arm64";
    pub const DDB_ONDEMAND_READ: &str = "dynamodb.on_demand.read";
    pub const DDB_ONDEMAND_WRITE: &str = "dynamodb.on_demand.write";
    pub const DDB_RCU_HOUR: &str = "dynamodb.provisioned.rcu_hour";
    pub const DDB_WCU_HOUR: &str = "dynamodb.provisioned.wcu_hour";
    pub const CF_REQUESTS: &str = "cloudfront.https_requests";
    pub const CF_DATA_OUT: &str = "cloudfront.data_out";
    pub const CW_DASHBOARD: &str = "cloudwatch.dashboard";
    pub const GA_HOUR: &str = "globalaccelerator.hour";
    pub const GA_DT_PREMIUM: &str = "globalaccelerator.dt_premium";
}

/// One band of a tiered price: `usd` per `unit` for quantities up to
/// `up_to` (cumulative over the month; `None` = no upper end).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    pub up_to: Option<f64>,
    pub usd: f64,
}

/// A priced item. Flat prices have one tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceItem {
    /// What one `usd` buys, e.g. "1M requests", "GB-s", "10,000 requests".
    pub unit: String,
    /// How many base quantities (requests, GB-s, GB...) one unit is.
    pub unit_size: f64,
    pub tiers: Vec<Tier>,
    pub source: String,
    /// Date of the source, ISO 8601.
    pub as_of: String,
}

impl PriceItem {
    fn flat(unit: &str, unit_size: f64, usd: f64, source: &str, as_of: &str) -> PriceItem {
        PriceItem {
            unit: unit.into(),
            unit_size,
            tiers: vec![Tier { up_to: None, usd }],
            source: source.into(),
            as_of: as_of.into(),
        }
    }

    fn tiered(
        unit: &str,
        unit_size: f64,
        tiers: &[(Option<f64>, f64)],
        source: &str,
        as_of: &str,
    ) -> PriceItem {
        PriceItem {
            unit: unit.into(),
            unit_size,
            tiers: tiers
                .iter()
                .map(|(up_to, usd)| Tier {
                    up_to: *up_to,
                    usd: *usd,
                })
                .collect(),
            source: source.into(),
            as_of: as_of.into(),
        }
    }

    /// Cost of `quantity` base quantities over a month, walking the tiers.
    pub fn cost(&self, quantity: f64) -> f64 {
        let units = quantity.max(0.0) / self.unit_size;
        let mut total = 0.0;
        let mut below = 0.0;
        for t in &self.tiers {
            let top = t.up_to.unwrap_or(f64::INFINITY);
            if units <= below {
                break;
            }
            let in_band = units.min(top) - below;
            if in_band > 0.0 {
                total += in_band * t.usd;
            }
            below = top;
        }
        total
    }

    /// The first tier's price, for messages.
    pub fn first_usd(&self) -> f64 {
        self.tiers.first().map(|t| t.usd).unwrap_or(0.0)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PriceError {
    #[error("price file is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("price item {region}/{item}: {reason}")]
    Invalid {
        region: String,
        item: String,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceTable {
    /// Region → item key → price.
    pub regions: BTreeMap<String, BTreeMap<String, PriceItem>>,
}

/// The JSON shape `from_json` reads: the same as the table's own serialisation.
#[derive(Deserialize)]
struct PriceFile {
    regions: BTreeMap<String, BTreeMap<String, PriceItem>>,
}

impl Default for PriceTable {
    fn default() -> Self {
        PriceTable::us_east_1()
    }
}

impl PriceTable {
    /// The pinned us-east-1 table.
    pub fn us_east_1() -> PriceTable {
        use item::*;
        const APIGW: &str = "aws.amazon.com/api-gateway/pricing (tiers per third-party copies: amnic.com, apigatewaycost.com)";
        const LAMBDA: &str = "aws.amazon.com/lambda/pricing (AWS Price List tiers)";
        const DDB: &str =
            "aws.amazon.com/dynamodb/pricing (after the 2024-11-01 on-demand price cut)";
        const CF: &str = "aws.amazon.com/cloudfront/pricing (US, Canada, Mexico)";
        let mut m = BTreeMap::new();
        let mut put = |k: &str, v: PriceItem| {
            m.insert(k.to_string(), v);
        };
        put(
            APIGW_REST_REQUESTS,
            PriceItem::tiered(
                "1M requests",
                1e6,
                &[
                    (Some(333.0), 3.50),
                    (Some(1_000.0), 2.80),
                    (Some(20_000.0), 2.38),
                    (None, 1.51),
                ],
                APIGW,
                "2026-06-10",
            ),
        );
        put(
            APIGW_HTTP_REQUESTS,
            PriceItem::tiered(
                "1M requests",
                1e6,
                &[(Some(300.0), 1.00), (None, 0.90)],
                APIGW,
                "2026-06-10",
            ),
        );
        put(
            LAMBDA_REQUESTS,
            PriceItem::flat("1M requests", 1e6, 0.20, LAMBDA, "2026-09-19"),
        );
        put(
            LAMBDA_DURATION_X86,
            PriceItem::tiered(
                "GB-s",
                1.0,
                &[
                    (Some(6e9), 0.0000166667),
                    (Some(15e9), 0.0000150000),
                    (None, 0.0000133334),
                ],
                LAMBDA,
                "2026-09-19",
            ),
        );
        put(
            LAMBDA_DURATION_ARM,
            PriceItem::tiered(
                "GB-s",
                1.0,
                &[
                    (Some(7.5e9), 0.0000133334),
                    (Some(18.75e9), 0.0000120001),
                    (None, 0.0000106667),
                ],
                LAMBDA,
                "2026-09-19",
            ),
        );
        put(
            LAMBDA_PC_X86,
            PriceItem::flat("GB-s", 1.0, 0.0000041667, LAMBDA, "2026-09-19"),
        );
        put(
            LAMBDA_PC_ARM,
            PriceItem::flat("GB-s", 1.0, 0.0000033334, LAMBDA, "2026-09-19"),
        );
        put(
            LAMBDA_PC_DURATION_X86,
            PriceItem::flat("GB-s", 1.0, 0.0000097222, LAMBDA, "2026-09-19"),
        );
        put(
            LAMBDA_PC_DURATION_ARM,
            PriceItem::flat("GB-s", 1.0, 0.0000077778, LAMBDA, "2026-09-19"),
        );
        put(
            DDB_ONDEMAND_READ,
            PriceItem::flat("1M read request units", 1e6, 0.125, DDB, "2026-07-31"),
        );
        put(
            DDB_ONDEMAND_WRITE,
            PriceItem::flat("1M write request units", 1e6, 0.625, DDB, "2026-07-31"),
        );
        put(
            DDB_RCU_HOUR,
            PriceItem::flat("RCU-hour", 1.0, 0.00013, DDB, "2026-07-31"),
        );
        put(
            DDB_WCU_HOUR,
            PriceItem::flat("WCU-hour", 1.0, 0.00065, DDB, "2026-07-31"),
        );
        put(
            CF_REQUESTS,
            PriceItem::flat(
                "10,000 HTTPS requests",
                10_000.0,
                0.0100,
                "wring.co CloudFront pricing guide",
                "2026-03-08",
            ),
        );
        // Bands in GB (1 TB = 1,024 GB): 10 TB, +40 TB, +100 TB, +350 TB, +524 TB, +4 PB.
        put(
            CF_DATA_OUT,
            PriceItem::tiered(
                "GB",
                1.0,
                &[
                    (Some(10_240.0), 0.085),
                    (Some(51_200.0), 0.080),
                    (Some(153_600.0), 0.060),
                    (Some(512_000.0), 0.040),
                    (Some(1_048_576.0), 0.030),
                    (Some(5_242_880.0), 0.025),
                    (None, 0.020),
                ],
                CF,
                "2026-03-08",
            ),
        );
        put(
            CW_DASHBOARD,
            PriceItem::flat(
                "dashboard-month",
                1.0,
                3.00,
                "aws.amazon.com/cloudwatch/pricing",
                "2026-06-13",
            ),
        );
        put(
            GA_HOUR,
            PriceItem::flat(
                "accelerator-hour",
                1.0,
                0.025,
                "aws.amazon.com/global-accelerator/pricing",
                "2026-06-10",
            ),
        );
        put(
            GA_DT_PREMIUM,
            PriceItem::flat(
                "GB (North America)",
                1.0,
                0.015,
                "aws.amazon.com/global-accelerator/pricing",
                "2026-06-10",
            ),
        );
        let mut regions = BTreeMap::new();
        regions.insert(DEFAULT_REGION.to_string(), m);
        PriceTable { regions }
    }

    /// The built-in table with the file's items laid over it. The file has
    /// the table's own JSON shape: `{"regions": {"us-east-1": {"lambda.requests": {...}}}}`.
    pub fn from_json(text: &str) -> Result<PriceTable, PriceError> {
        let file: PriceFile = serde_json::from_str(text)?;
        let mut table = PriceTable::us_east_1();
        for (region, items) in file.regions {
            for (key, price) in items {
                if price.tiers.is_empty() {
                    return Err(PriceError::Invalid {
                        region,
                        item: key,
                        reason: "no tiers".into(),
                    });
                }
                if !(price.unit_size.is_finite() && price.unit_size > 0.0) {
                    return Err(PriceError::Invalid {
                        region,
                        item: key,
                        reason: "unit_size must be a positive number".into(),
                    });
                }
                if price
                    .tiers
                    .iter()
                    .any(|t| !t.usd.is_finite() || t.usd < 0.0)
                {
                    return Err(PriceError::Invalid {
                        region,
                        item: key,
                        reason: "prices must be non-negative numbers".into(),
                    });
                }
                table
                    .regions
                    .entry(region.clone())
                    .or_default()
                    .insert(key, price);
            }
        }
        Ok(table)
    }

    /// Whether the table has prices for `region` (else us-east-1 is used).
    pub fn has_region(&self, region: &str) -> bool {
        self.regions.contains_key(region)
    }

    /// An item for a Region, falling back to us-east-1.
    pub fn get(&self, region: &str, key: &str) -> Option<&PriceItem> {
        self.regions
            .get(region)
            .and_then(|m| m.get(key))
            .or_else(|| self.regions.get(DEFAULT_REGION).and_then(|m| m.get(key)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_walked_in_order() {
        let t = PriceTable::us_east_1();
        let apigw = t.get("us-east-1", item::APIGW_REST_REQUESTS).cloned();
        let apigw = apigw.unwrap_or_else(|| panic!("no API Gateway price"));
        // 100M requests: all in the first band.
        assert!((apigw.cost(100e6) - 350.0).abs() < 1e-9);
        // 51.84B: 333×3.50 + 667×2.80 + 19,000×2.38 + 31,840×1.51
        let expect = 333.0 * 3.5 + 667.0 * 2.8 + 19_000.0 * 2.38 + 31_840.0 * 1.51;
        assert!((apigw.cost(51.84e9) - expect).abs() < 1e-6);
        assert!((expect - 96_331.5).abs() < 1e-6);
    }

    #[test]
    fn unknown_region_falls_back_to_us_east_1() {
        let t = PriceTable::us_east_1();
        assert!(!t.has_region("eu-west-3"));
        assert!(t.get("eu-west-3", item::LAMBDA_REQUESTS).is_some());
    }

    #[test]
    fn json_overrides_one_item_and_keeps_the_rest() {
        let json = r#"{"regions":{"eu-west-1":{"lambda.requests":{"unit":"1M requests","unit_size":1000000,
            "tiers":[{"up_to":null,"usd":0.25}],"source":"test","as_of":"2026-01-01"}}}}"#;
        let t = PriceTable::from_json(json).unwrap_or_else(|e| panic!("{e}"));
        let p = t
            .get("eu-west-1", item::LAMBDA_REQUESTS)
            .map(|p| p.first_usd());
        assert_eq!(p, Some(0.25));
        assert_eq!(
            t.get("us-east-1", item::LAMBDA_REQUESTS)
                .map(|p| p.first_usd()),
            Some(0.20)
        );
        assert!(t.get("eu-west-1", item::CW_DASHBOARD).is_some());
    }

    #[test]
    fn bad_price_files_are_rejected() {
        assert!(PriceTable::from_json("{").is_err());
        let no_tiers = r#"{"regions":{"us-east-1":{"x":{"unit":"u","unit_size":1,"tiers":[],"source":"s","as_of":"d"}}}}"#;
        assert!(matches!(
            PriceTable::from_json(no_tiers),
            Err(PriceError::Invalid { .. })
        ));
    }

    #[test]
    fn round_trips_through_its_own_json() {
        let t = PriceTable::us_east_1();
        let text = serde_json::to_string(&t).unwrap_or_default();
        let back = PriceTable::from_json(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, t);
    }
}
