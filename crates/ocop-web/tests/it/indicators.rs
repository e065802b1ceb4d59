//! Indicators, plans and periodic reports through the API (issue 13): every
//! indicator gets data built for it and its count checked; the contract shape of
//! `GET /api/v1/indicators`; scope (403); bad input; the report workflow with its
//! frozen snapshot. Runs on SQLite and, with `TEST_DATABASE_URL`, on PostgreSQL.

use crate::common::TestApp;
use chrono::NaiveDate;
use ocop_domain::roles::Role;
use ocop_domain::units::Period;
use ocop_store::entities::*;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{json, Value};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Test data written straight through the entities (the trade and registry pages
/// are not what is tested here).
pub struct Data<'a> {
    app: &'a TestApp,
    n: i64,
}

/// A producer's place: both paths.
#[derive(Clone)]
pub struct Place {
    pub unit_path: String,
    pub current: String,
}

impl<'a> Data<'a> {
    pub fn new(app: &'a TestApp) -> Data<'a> {
        Data { app, n: 0 }
    }

    pub async fn place(&self, code: &str, period: Period) -> Place {
        let r = ocop_store::units::resolve(&self.app.db.conn, code, period)
            .await
            .unwrap()
            .unwrap();
        Place {
            unit_path: r.path,
            current: r.current_path,
        }
    }

    pub async fn producer(&mut self, at: &Place, legal_form: &str) -> i64 {
        self.n += 1;
        let now = ocop_store::now();
        producer::ActiveModel {
            name: Set(format!("Chủ thể {}", self.n)),
            name_fold: Set(format!("chu the {}", self.n)),
            name_sort: Set(format!("chu the {}", self.n)),
            legal_form: Set(legal_form.into()),
            tax_code: Set(None),
            commune_code: Set("03388".into()),
            commune_period: Set("post2025".into()),
            commune_name: Set("Phường Đoàn Kết".into()),
            province_code: Set("12".into()),
            unit_path: Set(at.unit_path.clone()),
            current_unit_path: Set(at.current.clone()),
            representative_name: Set("Lò Văn A".into()),
            representative_female: Set(false),
            representative_ethnic_minority: Set(true),
            representative_disability: Set(false),
            status: Set("active".into()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&self.app.db.conn)
        .await
        .unwrap()
        .id
    }

    pub async fn product(&mut self, producer_id: i64, at: &Place) -> i64 {
        self.n += 1;
        let now = ocop_store::now();
        product::ActiveModel {
            producer_id: Set(producer_id),
            name: Set(format!("Sản phẩm {}", self.n)),
            name_fold: Set(format!("san pham {}", self.n)),
            name_sort: Set(format!("san pham {}", self.n)),
            set_code: Set("QD26-01".into()),
            product_code: Set(format!("T-{}", self.n)),
            status: Set("certified".into()),
            unit_path: Set(at.unit_path.clone()),
            current_unit_path: Set(at.current.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&self.app.db.conn)
        .await
        .unwrap()
        .id
    }

    /// A certificate valid 36 months; `revoked_on` revokes it.
    #[allow(clippy::too_many_arguments)]
    pub async fn cert(
        &mut self,
        product_id: i64,
        producer_id: i64,
        at: &Place,
        kind: &str,
        stars: i32,
        issued: NaiveDate,
        revoked_on: Option<NaiveDate>,
    ) {
        self.n += 1;
        certificate::ActiveModel {
            number: Set(format!("T{}/2025", self.n)),
            product_id: Set(product_id),
            producer_id: Set(producer_id),
            product_name: Set("x".into()),
            producer_name: Set("y".into()),
            stars: Set(stars),
            kind: Set(kind.into()),
            issued_on: Set(issued),
            expires_on: Set(issued + chrono::Duration::days(36 * 30)),
            issuing_body: Set("UBND tỉnh Lai Châu".into()),
            decision_ref: Set("1/QĐ-UBND".into()),
            revoked: Set(revoked_on.is_some()),
            revoked_on: Set(revoked_on),
            key_id: Set("k".into()),
            payload: Set("p".into()),
            signature: Set("s".into()),
            unit_path: Set(at.unit_path.clone()),
            current_unit_path: Set(at.current.clone()),
            lookups: Set(0),
            created_at: Set(ocop_store::now()),
            ..Default::default()
        }
        .insert(&self.app.db.conn)
        .await
        .unwrap();
    }

    /// A producer with one certified product: (producer, product).
    pub async fn certified(
        &mut self,
        at: &Place,
        legal_form: &str,
        kind: &str,
        stars: i32,
        issued: NaiveDate,
    ) -> (i64, i64) {
        let pr = self.producer(at, legal_form).await;
        let p = self.product(pr, at).await;
        self.cert(p, pr, at, kind, stars, issued, None).await;
        (pr, p)
    }

    pub async fn channel(&self, producer_id: i64, at: &Place, kind: &str, from: NaiveDate) {
        sales_channel::ActiveModel {
            producer_id: Set(producer_id),
            kind: Set(kind.into()),
            partner: Set("Shopee".into()),
            started_on: Set(from),
            unit_path: Set(at.unit_path.clone()),
            current_unit_path: Set(at.current.clone()),
            created_by: Set("test".into()),
            created_at: Set(ocop_store::now()),
            version: Set(1),
            ..Default::default()
        }
        .insert(&self.app.db.conn)
        .await
        .unwrap();
    }

    pub async fn revenue(&self, producer_id: i64, product_id: i64, at: &Place, year: i32, v: i64) {
        let now = ocop_store::now();
        revenue_record::ActiveModel {
            producer_id: Set(producer_id),
            product_id: Set(product_id),
            year: Set(year),
            revenue_vnd: Set(v),
            source: Set("officer".into()),
            unit_path: Set(at.unit_path.clone()),
            current_unit_path: Set(at.current.clone()),
            entered_by: Set("test".into()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&self.app.db.conn)
        .await
        .unwrap();
    }

    pub async fn milestone(&self, producer_id: i64, at: &Place, year: i32, kind: &str) {
        organisation_milestone::ActiveModel {
            producer_id: Set(producer_id),
            year: Set(year),
            kind: Set(kind.into()),
            legal_form: Set("cooperative".into()),
            occurred_on: Set(d(year, 5, 1)),
            unit_path: Set(at.unit_path.clone()),
            current_unit_path: Set(at.current.clone()),
            recorded_by: Set("test".into()),
            created_at: Set(ocop_store::now()),
            ..Default::default()
        }
        .insert(&self.app.db.conn)
        .await
        .unwrap();
    }

    pub async fn dossier(
        &mut self,
        product_id: i64,
        producer_id: i64,
        at: &Place,
        state: &str,
        deadline: Option<NaiveDate>,
        paused: bool,
    ) {
        self.n += 1;
        let now = ocop_store::now();
        dossier::ActiveModel {
            product_id: Set(product_id),
            producer_id: Set(producer_id),
            kind: Set("first".into()),
            target_stars: Set(3),
            rulebook_id: Set("QD26-2026".into()),
            state: Set(state.into()),
            registration_number: Set(format!("HS-{}", self.n)),
            filed_on: Set(Some(d(2025, 9, 1))),
            deadline_on: Set(deadline),
            paused_since: Set(paused.then(|| d(2025, 9, 20))),
            pauses: Set("[]".into()),
            unit_path: Set(at.unit_path.clone()),
            current_unit_path: Set(at.current.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&self.app.db.conn)
        .await
        .unwrap();
    }
}

/// The value of indicator `id` in a `GET /api/v1/indicators` answer.
pub fn actual(body: &Value, id: &str) -> Value {
    body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("indicator {id} in {body}"))["actual"]
        .clone()
}

/// The Lai Châu 2025 plan's targets, as the province officer enters them.
pub fn plan_2025() -> Value {
    json!({"unit": "12", "year": 2025, "title": "Kế hoạch số 1426/KH-UBND", "targets": [
        {"indicator": "new_recognitions", "comparator": "gt", "value": 60},
        {"indicator": "re_recognitions", "comparator": "gt", "value": 30},
        {"indicator": "total_products", "comparator": "gt", "value": 282},
        {"indicator": "organisations_developed", "comparator": "gt", "value": 20},
        {"indicator": "modern_channel_share", "comparator": "ge", "value": "70"},
        {"indicator": "revenue_growth", "comparator": "range", "value": 5, "max": 10}
    ]})
}

#[tokio::test]
async fn indicators_answer_the_contract_with_the_2025_plan_targets() {
    let app = TestApp::new().await;
    app.user(
        "tinh",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let api = app.api_as("tinh").await;
    let (s, plan) = api.post("/api/v1/plans", plan_2025()).await;
    assert_eq!(s, 201, "{plan}");
    assert_eq!(plan["targets"][5]["text"], "5–10 %");
    let (s, b) = api.get("/api/v1/indicators?unit=12&year=2025").await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["unit"], "12");
    assert_eq!(b["year"], 2025);
    let ind = b["indicators"].as_array().unwrap();
    let ids: Vec<&str> = ind.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(&ids[..6], ocop_domain::indicators::PLAN_IDS);
    for i in ind {
        for f in ["id", "name", "target", "actual", "measure"] {
            assert!(i.get(f).is_some(), "{f} in {i}");
        }
    }
    let target = |id: &str| ind.iter().find(|i| i["id"] == id).unwrap()["target"].as_f64();
    assert_eq!(target("new_recognitions"), Some(60.0));
    assert_eq!(target("re_recognitions"), Some(30.0));
    assert_eq!(target("total_products"), Some(282.0));
    assert_eq!(target("organisations_developed"), Some(20.0));
    assert_eq!(target("modern_channel_share"), Some(70.0));
    assert_eq!(target("revenue_growth"), Some(5.0));
    assert_eq!(ind[0]["name"], "Sản phẩm được công nhận mới");
    assert_eq!(ind[0]["measure"], "count");
    assert_eq!(ind[4]["measure"], "percent");
    assert_eq!(ind[0]["actual"], 0.0);
    // The plan is entered once.
    let (s, _) = api.post("/api/v1/plans", plan_2025()).await;
    assert_eq!(s, 409);
    // In the OpenAPI document.
    let doc: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for p in [
        "/api/v1/indicators",
        "/api/v1/plans",
        "/api/v1/reports",
        "/api/v1/reports/{id}/{action}",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} documented");
    }
}

#[tokio::test]
async fn indicators_count_recognitions_and_valid_products_in_both_periods() {
    let app = TestApp::new().await;
    app.user(
        "tinh",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let mut data = Data::new(&app);
    let new_commune = data.place("03388", Period::Post2025).await;
    // An old commune merged into Đoàn Kết: counts for the province, the new ward and
    // its old district.
    let old_commune = data.place("03386", Period::Pre2025).await;
    data.certified(&new_commune, "cooperative", "new", 3, d(2025, 8, 1))
        .await;
    data.certified(&old_commune, "cooperative", "new", 4, d(2025, 3, 1))
        .await;
    data.certified(
        &old_commune,
        "cooperative",
        "re_recognition",
        3,
        d(2025, 4, 1),
    )
    .await;
    data.certified(&new_commune, "cooperative", "new", 3, d(2024, 6, 1))
        .await;
    // Revoked in 2025: neither a recognition of 2025 nor a valid product.
    let pr = data.producer(&new_commune, "cooperative").await;
    let p = data.product(pr, &new_commune).await;
    data.cert(
        p,
        pr,
        &new_commune,
        "new",
        3,
        d(2025, 2, 1),
        Some(d(2025, 10, 1)),
    )
    .await;
    // Expired before the end of 2025.
    data.certified(&new_commune, "cooperative", "new", 3, d(2022, 1, 1))
        .await;

    let api = app.api_as("tinh").await;
    let (s, b) = api.get("/api/v1/indicators?unit=12&year=2025").await;
    assert_eq!(s, 200);
    assert_eq!(actual(&b, "new_recognitions"), 2.0);
    assert_eq!(actual(&b, "re_recognitions"), 1.0);
    assert_eq!(actual(&b, "total_products"), 4.0);
    // On 30 September the revoked one still counted.
    let (_, b) = api
        .get("/api/v1/indicators?unit=12&year=2025&date=2025-09-30")
        .await;
    assert_eq!(b["date"], "2025-09-30");
    assert_eq!(actual(&b, "new_recognitions"), 3.0);
    // The old district (pre-reform) sees only the old commune's records.
    let (_, b) = api.get("/api/v1/indicators?unit=105&year=2025").await;
    assert_eq!(b["period"], "pre2025");
    assert_eq!(actual(&b, "new_recognitions"), 1.0);
    assert_eq!(actual(&b, "re_recognitions"), 1.0);
    // The new ward counts the old commune merged into it.
    let (_, b) = api
        .get("/api/v1/indicators?unit=03388&year=2025&period=post2025")
        .await;
    assert_eq!(actual(&b, "new_recognitions"), 2.0);
}

#[tokio::test]
async fn indicators_modern_channels_revenue_growth_and_organisations() {
    let app = TestApp::new().await;
    app.user(
        "tinh",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let mut data = Data::new(&app);
    let at = data.place("03388", Period::Post2025).await;
    let (a, pa) = data
        .certified(&at, "cooperative", "new", 3, d(2024, 1, 10))
        .await;
    let (b, pb) = data
        .certified(&at, "cooperative", "new", 3, d(2024, 1, 10))
        .await;
    let (c, _) = data
        .certified(&at, "cooperative", "new", 3, d(2024, 1, 10))
        .await;
    let (_d, pd) = data
        .certified(&at, "cooperative", "new", 3, d(2024, 1, 10))
        .await;
    data.channel(a, &at, "ecommerce", d(2025, 1, 1)).await;
    data.channel(b, &at, "supermarket", d(2025, 3, 1)).await;
    data.channel(c, &at, "traditional", d(2025, 1, 1)).await;
    // Revenue: a 1 000 → 1 100, b 2 000 → 2 100, d only in 2025 (left out).
    data.revenue(a, pa, &at, 2024, 1_000_000).await;
    data.revenue(a, pa, &at, 2025, 1_100_000).await;
    data.revenue(b, pb, &at, 2024, 2_000_000).await;
    data.revenue(b, pb, &at, 2025, 2_100_000).await;
    data.revenue(_d, pd, &at, 2025, 9_000_000).await;
    data.milestone(a, &at, 2025, "established").await;
    data.milestone(a, &at, 2025, "consolidated").await;
    data.milestone(b, &at, 2025, "consolidated").await;
    data.milestone(c, &at, 2024, "consolidated").await;

    let api = app.api_as("tinh").await;
    let (_, body) = api.get("/api/v1/indicators?unit=12&year=2025").await;
    assert_eq!(actual(&body, "modern_channel_share"), 50.0);
    // (1 100 000 + 2 100 000) / (1 000 000 + 2 000 000) − 1 = 6,7 %.
    assert_eq!(actual(&body, "revenue_growth"), 6.7);
    assert_eq!(actual(&body, "organisations_developed"), 2.0);
    // Before b's supermarket contract started only a counted.
    let (_, body) = api.get("/api/v1/indicators?unit=12&date=2025-02-01").await;
    assert_eq!(body["year"], 2025);
    assert_eq!(actual(&body, "modern_channel_share"), 25.0);
}

#[tokio::test]
async fn indicators_national_and_process_counts() {
    let app = TestApp::new().await;
    app.user(
        "tinh",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    let mut data = Data::new(&app);
    let at = data.place("03388", Period::Post2025).await;
    // Certificates of 36 × 30 days: issued 2022-11-20 expires 2025-11-04.
    data.certified(&at, "cooperative", "new", 5, d(2022, 11, 20))
        .await;
    data.certified(
        &at,
        "production_household",
        "re_recognition",
        3,
        d(2022, 12, 20),
    )
    .await;
    data.certified(&at, "joint_stock", "upgrade", 4, d(2023, 1, 20))
        .await;
    let (pr, p) = data
        .certified(&at, "cooperative", "new", 2, d(2025, 1, 20))
        .await;
    data.dossier(p, pr, &at, "submitted", Some(d(2025, 10, 1)), false)
        .await;
    data.dossier(
        p,
        pr,
        &at,
        "supplement_requested",
        Some(d(2025, 10, 1)),
        true,
    )
    .await;
    data.dossier(p, pr, &at, "province_council", Some(d(2025, 11, 30)), false)
        .await;
    data.dossier(p, pr, &at, "recognised", Some(d(2025, 1, 1)), false)
        .await;

    let api = app.api_as("tinh").await;
    let (_, b) = api.get("/api/v1/indicators?unit=12&date=2025-10-21").await;
    assert_eq!(actual(&b, "five_star_products"), 1.0);
    // 3★+: three products, of cooperatives or SMEs: two.
    assert_eq!(actual(&b, "coop_sme_share_3star"), 66.7);
    // Re-recognised or upgraded: two of four valid products.
    assert_eq!(actual(&b, "upgraded_share"), 50.0);
    // Expiring: 2025-11-04 (≤30), 2025-12-04 (≤60), 2026-01-03 (≤90).
    assert_eq!(actual(&b, "expiring_30"), 1.0);
    assert_eq!(actual(&b, "expiring_60"), 2.0);
    assert_eq!(actual(&b, "expiring_90"), 3.0);
    assert_eq!(actual(&b, "dossiers_in_progress"), 3.0);
    assert_eq!(actual(&b, "dossiers_overdue"), 1.0);
}

#[tokio::test]
async fn indicators_outside_the_officers_unit_are_forbidden() {
    let app = TestApp::new().await;
    app.user(
        "xa.doanket",
        Role::CommuneOfficer,
        Some(("03388", Period::Post2025)),
        None,
    )
    .await;
    let api = app.api_as("xa.doanket").await;
    let (s, b) = api.get("/api/v1/indicators?unit=12&year=2025").await;
    assert_eq!(s, 403, "{b}");
    assert_eq!(b["error"]["code"], "forbidden");
    let (s, _) = api.get("/api/v1/indicators?unit=03390&year=2025").await;
    assert_eq!(s, 403);
    // Its own ward, and an old commune merged into it.
    let (s, _) = api.get("/api/v1/indicators?unit=03388&year=2025").await;
    assert_eq!(s, 200);
    let (s, _) = api.get("/api/v1/indicators?unit=03386&year=2024").await;
    assert_eq!(s, 200);
    let (s, b) = api.get("/api/v1/indicators?unit=12&year=abc").await;
    assert_eq!(s, 400);
    assert!(b["error"]["message"].is_string());
    let (s, _) = api.get("/api/v1/indicators?unit=99999&year=2025").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn plans_refuse_bad_targets_wrong_periods_and_other_units() {
    let app = TestApp::new().await;
    app.user(
        "tinh",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    app.user(
        "huyen",
        Role::DistrictOfficer,
        Some(("105", Period::Pre2025)),
        None,
    )
    .await;
    app.user(
        "xa.doanket",
        Role::CommuneOfficer,
        Some(("03388", Period::Post2025)),
        None,
    )
    .await;
    let tinh = app.api_as("tinh").await;
    let mut bad = plan_2025();
    bad["targets"][0]["value"] = json!("sáu mươi");
    let (s, b) = tinh.post("/api/v1/plans", bad).await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"]["code"], "validation_failed");
    assert!(b["error"]["fields"]["message_vi"]
        .as_str()
        .unwrap()
        .contains("phải là một số"));
    let mut reversed = plan_2025();
    reversed["targets"][5]["max"] = json!(2);
    assert_eq!(tinh.post("/api/v1/plans", reversed).await.0, 422);
    // Nothing was saved.
    let (_, list) = tinh.get("/api/v1/plans").await;
    assert_eq!(list["total"], 0);
    // A district plan after the reform: the district no longer exists.
    let huyen = app.api_as("huyen").await;
    let (s, b) = huyen
        .post("/api/v1/plans", json!({"year": 2026, "targets": []}))
        .await;
    assert_eq!(s, 422, "{b}");
    let (s, _) = huyen
        .post("/api/v1/plans", json!({"year": 2024, "targets": [{"indicator": "new_recognitions", "comparator": "ge", "value": 5}]}))
        .await;
    assert_eq!(s, 201);
    // The commune officer does not make the province's plan.
    let xa = app.api_as("xa.doanket").await;
    assert_eq!(xa.post("/api/v1/plans", plan_2025()).await.0, 403);
    let (s, p) = xa
        .post("/api/v1/plans", json!({"year": 2025, "targets": [{"indicator": "new_recognitions", "comparator": "gt", "value": 1}]}))
        .await;
    assert_eq!(s, 201, "{p}");
    // The province sees the plans below it; the commune not the district's.
    assert_eq!(tinh.get("/api/v1/plans").await.1["total"], 2);
    let (_, mine) = xa.get("/api/v1/plans").await;
    assert_eq!(mine["total"], 1);
    let district_plan = tinh.get("/api/v1/plans").await.1["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["unit"] == "105")
        .unwrap()["id"]
        .clone();
    assert_eq!(
        xa.get(&format!("/api/v1/plans/{district_plan}")).await.0,
        404
    );
}

#[tokio::test]
async fn a_quarterly_report_is_submitted_once_frozen_returned_with_a_reason_and_accepted() {
    let app = TestApp::new().await;
    app.user(
        "tinh",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    app.user(
        "xa.doanket",
        Role::CommuneOfficer,
        Some(("03388", Period::Post2025)),
        None,
    )
    .await;
    let mut data = Data::new(&app);
    let at = data.place("03388", Period::Post2025).await;
    data.certified(&at, "cooperative", "new", 3, d(2025, 8, 1))
        .await;
    let xa = app.api_as("xa.doanket").await;
    let tinh = app.api_as("tinh").await;

    let (s, b) = xa
        .post(
            "/api/v1/reports",
            json!({"kind": "quarterly", "from": "2025-09-30", "to": "2025-07-01"}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"]["code"], "invalid_period");
    let (s, r) = xa
        .post(
            "/api/v1/reports",
            json!({"kind": "quarterly", "from": "2025-07-01", "to": "2025-09-30"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_i64().unwrap();
    assert_eq!(r["state"], "draft");
    assert_eq!(actual(&r["figures"], "new_recognitions"), 1.0);

    // Completeness before: the ward has not reported.
    let q = "/api/v1/reports/completeness?kind=quarterly&from=2025-07-01&to=2025-09-30";
    let (s, c) = tinh.get(q).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["submitted"], 0);
    assert!(c["total"].as_u64().unwrap() >= 2);

    let (s, _) = xa
        .post(
            &format!("/api/v1/reports/{id}/annotate"),
            json!({"text": "Quý III: 1 sản phẩm mới."}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, r) = xa
        .post(&format!("/api/v1/reports/{id}/submit"), json!({}))
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["state"], "submitted");
    assert_eq!(r["note"], "Quý III: 1 sản phẩm mới.");
    let (s, b) = xa
        .post(&format!("/api/v1/reports/{id}/submit"), json!({}))
        .await;
    assert_eq!(s, 409, "{b}");
    // The ward cannot accept its own report.
    assert_eq!(
        xa.post(&format!("/api/v1/reports/{id}/accept"), json!({}))
            .await
            .0,
        403
    );

    // Frozen: a later certificate of the quarter does not change the submitted report.
    data.certified(&at, "cooperative", "new", 3, d(2025, 9, 1))
        .await;
    let (_, r) = tinh.get(&format!("/api/v1/reports/{id}")).await;
    assert_eq!(actual(&r["figures"], "new_recognitions"), 1.0);
    let (_, live) = tinh
        .get("/api/v1/indicators?unit=03388&date=2025-09-30")
        .await;
    assert_eq!(actual(&live, "new_recognitions"), 2.0);

    let (_, c) = tinh.get(q).await;
    assert_eq!(c["submitted"], 1);

    let (s, b) = tinh
        .post(
            &format!("/api/v1/reports/{id}/return"),
            json!({"text": "  "}),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"]["code"], "reason_required");
    let (s, r) = tinh
        .post(
            &format!("/api/v1/reports/{id}/return"),
            json!({"text": "Bổ sung số liệu doanh thu"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(r["state"], "returned");
    assert_eq!(r["return_reason"], "Bổ sung số liệu doanh thu");
    let (_, r) = xa
        .post(&format!("/api/v1/reports/{id}/submit"), json!({}))
        .await;
    assert_eq!(r["state"], "submitted");
    // Submitted again: fresh figures, frozen again.
    assert_eq!(actual(&r["figures"], "new_recognitions"), 2.0);
    let (s, r) = tinh
        .post(&format!("/api/v1/reports/{id}/accept"), json!({}))
        .await;
    assert_eq!(s, 200);
    assert_eq!(r["state"], "accepted");
    // Another commune's officer does not see it.
    app.user(
        "xa.binhlu",
        Role::CommuneOfficer,
        Some(("03390", Period::Post2025)),
        None,
    )
    .await;
    let other = app.api_as("xa.binhlu").await;
    assert_eq!(other.get(&format!("/api/v1/reports/{id}")).await.0, 404);
    assert_eq!(other.get("/api/v1/reports").await.1["total"], 0);
}

/// The text of a PDF through pdftotext (poppler-utils).
fn pdf_text(bytes: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!(
        "ocop-report-{}-{}.pdf",
        std::process::id(),
        ocop_store::users::random_token(4)
    ));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) installed");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every text cell of the first sheet of an .xlsx, read back with calamine.
fn xlsx_cells(bytes: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).expect("an xlsx file");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn report_pages_print_as_pdf_and_xlsx_and_the_national_export_reads_back() {
    use ocop_store::demo::DEMO_PASSWORD;
    let app = TestApp::with_demo().await;
    let web = app.web_as("xa.binhlu", DEMO_PASSWORD).await;
    // Bad input: a year that is not a number saves nothing.
    let r = web
        .post_form(
            "/reports",
            "/reports",
            &[("kind", "quarterly"), ("year", "hai nghìn"), ("n", "3")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert!(body.contains("report-error"), "an error is shown");
    let r = web
        .post_form(
            "/reports",
            "/reports",
            &[
                ("kind", "ad_hoc"),
                ("from", "30/09/2025"),
                ("to", "01/07/2025"),
            ],
        )
        .await;
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Kỳ báo cáo kết thúc trước ngày bắt đầu."),
        "reversed period refused"
    );
    let r = web
        .post_form(
            "/reports",
            "/reports",
            &[("kind", "quarterly"), ("year", "2025"), ("n", "3")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with("/reports/"), "{loc}");
    let (s, page) = web.get_text(&loc).await;
    assert_eq!(s, 200);
    assert!(page.contains("Sản phẩm được công nhận mới"));
    assert!(page.contains("01/07/2025"));

    let pdf = web.get(&format!("{loc}/pdf")).await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let text = pdf_text(&pdf.bytes().await.unwrap());
    for want in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN",
        "Xã Bình Lư",
        "NGƯỜI LẬP BIỂU",
    ] {
        assert!(text.contains(want), "{want} in the PDF: {text}");
    }
    let x = web.get(&format!("{loc}/xlsx")).await;
    assert_eq!(x.status(), 200);
    let cells = xlsx_cells(x.bytes().await.unwrap().to_vec());
    let flat: Vec<&String> = cells.iter().flatten().collect();
    assert!(
        flat.iter().any(|c| c.as_str() == "UBND XÃ BÌNH LƯ"),
        "{flat:?}"
    );
    assert!(flat
        .iter()
        .any(|c| c.as_str() == "Sản phẩm được công nhận mới"));
    assert!(flat.iter().any(|c| c.as_str() == "THỦ TRƯỞNG ĐƠN VỊ"));

    // The province's national export: .xlsx and CSV with the documented columns.
    let tinh = app.web_as("tinh", DEMO_PASSWORD).await;
    let x = tinh.get("/exports/national.xlsx").await;
    assert_eq!(x.status(), 200);
    let cells = xlsx_cells(x.bytes().await.unwrap().to_vec());
    assert_eq!(cells[2][1], "Tên sản phẩm");
    assert_eq!(cells[2][11], "Số giấy chứng nhận");
    let products = cells.len() - 3;
    let (_, valid) = app
        .api_demo("tinh")
        .await
        .get("/api/v1/certificates?per_page=500")
        .await;
    assert!(products > 0 && products as u64 <= valid["total"].as_u64().unwrap());
    assert!(
        cells[3..].iter().all(|r| r[9] == "Tỉnh Lai Châu"),
        "province filled"
    );
    let (s, csv) = tinh.get_text("/exports/national.csv").await;
    assert_eq!(s, 200);
    assert!(csv
        .trim_start_matches('\u{feff}')
        .starts_with("TT,Tên sản phẩm,Mã sản phẩm"));
    assert_eq!(csv.lines().count(), products + 1);
    // A producer gets no export.
    let (s, _) = app
        .web_as("chuthe", DEMO_PASSWORD)
        .await
        .get_text("/exports/national.csv")
        .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn the_demo_shows_the_2025_plan_on_the_dashboard_and_the_indicators_page() {
    use ocop_store::demo::DEMO_PASSWORD;
    let app = TestApp::with_demo().await;
    let (s, b) = app
        .api_demo("tinh")
        .await
        .get("/api/v1/indicators?unit=12&year=2025")
        .await;
    assert_eq!(s, 200);
    let t: Vec<Option<f64>> = b["indicators"].as_array().unwrap()[..6]
        .iter()
        .map(|i| i["target"].as_f64())
        .collect();
    assert_eq!(
        t,
        [
            Some(60.0),
            Some(30.0),
            Some(282.0),
            Some(20.0),
            Some(70.0),
            Some(5.0)
        ]
    );
    let web = app.web_as("tinh", DEMO_PASSWORD).await;
    let (_, home) = web.get_text("/").await;
    assert!(
        home.contains("id=\"plan-targets\""),
        "the dashboard has the plan panel"
    );
    assert!(
        ["&gt; 282", "&#62; 282", "> 282"]
            .iter()
            .any(|t| home.contains(t)),
        "the 2025 total target on the dashboard"
    );
    let (s, page) = web.get_text("/indicators?unit=12&year=2025").await;
    assert_eq!(s, 200);
    assert!(page.contains("<svg class=\"chart\""));
    assert!(page.contains("5–10 %"));
    // Drill-down to an old district (2025 is reported by the pre-reform units until June).
    let (s, _) = web
        .get_text("/indicators?unit=110&period=pre2025&year=2024")
        .await;
    assert_eq!(s, 200);
    // A commune officer may not open the province's page.
    let xa = app.web_as("xa.binhlu", DEMO_PASSWORD).await;
    let (s, _) = xa.get_text("/indicators?unit=12&year=2025").await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn browser_a_quarterly_report_is_made_submitted_and_accepted() {
    use crate::browser::{skipped, Browser};
    use ocop_store::demo::DEMO_PASSWORD;
    if skipped("browser_a_quarterly_report_is_made_submitted_and_accepted") {
        return;
    }
    let app = TestApp::with_demo().await;
    let b = Browser::start(&app).await;
    b.login("xa.binhlu", DEMO_PASSWORD).await;
    b.goto("/reports").await;
    b.choose("#kind", "quarterly").await;
    b.fill("#year", "2025").await;
    b.fill("#n", "3").await;
    b.click("#create-report").await;
    let path = b
        .wait_path("the new report", |p| {
            p.starts_with("/reports/") && p[9..].chars().all(|c| c.is_ascii_digit())
        })
        .await;
    b.wait_text("#report-state", "Đang soạn").await;
    b.fill("#note", "Quý III: đã rà soát các sản phẩm tiềm năng.")
        .await;
    b.click("#annotate").await;
    b.wait_text("#report-note", "rà soát").await;
    b.click("#submit-report").await;
    b.wait_text("#report-state", "Đã gửi").await;
    b.click("#logout").await;

    b.login("tinh", DEMO_PASSWORD).await;
    b.phone(360, 800).await;
    b.goto(&path).await;
    b.wait_text("#report-state", "Đã gửi").await;
    let (scroll, inner) = b.widths().await;
    assert!(
        scroll <= inner,
        "no sideways scroll at 360 px: {}",
        b.overflowing().await
    );
    b.shot("report-360.png").await;
    b.click_in_view("#accept-report").await;
    b.wait_text("#report-state", "Đã tiếp nhận").await;
    // The dashboard shows the 2025 targets with live progress.
    b.goto("/").await;
    b.wait_text("#plan-targets", "> 282").await;
    let (scroll, inner) = b.widths().await;
    assert!(
        scroll <= inner,
        "dashboard at 360 px: {}",
        b.overflowing().await
    );
    b.shot("dashboard-plan-360.png").await;
    b.goto("/indicators").await;
    b.wait_text("#targets", "5–10 %").await;
    b.shot("indicators-360.png").await;
    b.quit().await;
}
