//! Trade promotion, sales channels, revenue and economic organisations (issue 12)
//! through the API, on the database of the run (SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`): scope (another commune's officer gets 404, a producer sees
//! only its own), bad input refused with nothing saved, the .xlsx import's preview
//! and all-or-nothing rule, growth, the public nearest-first list, exports.

use crate::api::{create_producer, create_product, error_code, producer, province_officer};
use crate::common::*;
use ocop_domain::roles::Role;
use ocop_domain::units::Period;
use serde_json::{json, Value};

/// Two producers in two communes (03388 Đoàn Kết, 03390 Bình Lư), a product each,
/// a producer account for the first and a commune officer of the second.
struct World {
    app: TestApp,
    prov: Api,
    /// Producer account of `p1`.
    pa: Api,
    /// Commune officer of 03390 (sees `p2` only).
    xa: Api,
    p1: i64,
    p2: i64,
    prod1: Value,
    prod2: Value,
}

async fn world() -> World {
    let app = TestApp::new().await;
    let prov = province_officer(&app).await;
    let p1 = create_producer(
        &prov,
        producer("HTX Chè Đoàn Kết", "6200000001", "03388", "post2025"),
    )
    .await;
    let p2 = create_producer(
        &prov,
        producer("HTX Miến Bình Lư", "6200000002", "03390", "post2025"),
    )
    .await;
    let prod1 = create_product(&prov, p1, "Chè Shan tuyết Đoàn Kết", json!({})).await;
    let prod2 = create_product(&prov, p2, "Miến dong Bình Lư", json!({})).await;
    app.user("chuthe1", Role::Producer, None, Some(p1)).await;
    app.user(
        "xa390",
        Role::CommuneOfficer,
        Some(("03390", Period::Post2025)),
        None,
    )
    .await;
    let pa = app.api_as("chuthe1").await;
    let xa = app.api_as("xa390").await;
    World {
        app,
        prov,
        pa,
        xa,
        p1,
        p2,
        prod1,
        prod2,
    }
}

async fn count<T: sea_orm::EntityTrait>(app: &TestApp) -> u64
where
    T::Model: Sync,
{
    use sea_orm::PaginatorTrait;
    T::find().count(&app.db.conn).await.unwrap()
}

#[tokio::test]
async fn trade_channels_scope_and_modern_activity() {
    let w = world().await;
    // The producer records its own channel, without naming itself.
    let (s, c) = w
        .pa
        .post(
            "/api/v1/sales-channels",
            json!({"kind": "supermarket", "partner": "WinMart Lai Châu", "contract_ref": "HĐ 12/2025",
                   "started_on": "2025-03-01", "product_id": w.prod1["id"]}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(c["producer_id"], w.p1);
    assert_eq!(c["modern"], true);
    let id = c["id"].as_i64().unwrap();
    // Another producer's product, an unknown kind, an end before the start: refused.
    let (s, v) = w
        .pa
        .post(
            "/api/v1/sales-channels",
            json!({"kind": "ecommerce", "partner": "Shopee", "started_on": "2025-01-01", "product_id": w.prod2["id"]}),
        )
        .await;
    assert_eq!(
        (s, error_code(&v).as_str()),
        (422, "product_of_other_producer"),
        "{v}"
    );
    let (s, v) =
        w.pa.post(
            "/api/v1/sales-channels",
            json!({"kind": "shop", "partner": "X", "started_on": "2025-01-01"}),
        )
        .await;
    assert_eq!(
        (s, error_code(&v).as_str()),
        (422, "unknown_channel"),
        "{v}"
    );
    let (s, v) = w
        .pa
        .post(
            "/api/v1/sales-channels",
            json!({"kind": "export", "partner": "X", "started_on": "2025-01-01", "ended_on": "2024-12-31"}),
        )
        .await;
    assert_eq!(
        (s, error_code(&v).as_str()),
        (422, "ends_before_start"),
        "{v}"
    );
    assert!(v["error"]["fields"]["message_vi"]
        .as_str()
        .unwrap()
        .contains("Ngày kết thúc"));
    // A producer cannot record a channel for another producer: 404 as if missing.
    let (s, _) = w
        .pa
        .post(
            "/api/v1/sales-channels",
            json!({"producer_id": w.p2, "kind": "export", "partner": "X", "started_on": "2025-01-01"}),
        )
        .await;
    assert_eq!(s, 404);
    assert_eq!(
        count::<ocop_store::entities::sales_channel::Entity>(&w.app).await,
        1
    );

    // The officer of the other commune neither sees nor changes it.
    assert_eq!(
        w.xa.get(&format!("/api/v1/sales-channels/{id}")).await.0,
        404
    );
    let (s, _) =
        w.xa.post(
            &format!("/api/v1/sales-channels/{id}/end"),
            json!({"ended_on": "2025-12-31", "version": 1}),
        )
        .await;
    assert_eq!(s, 404);
    assert_eq!(w.xa.get("/api/v1/sales-channels").await.1["total"], 0);
    // The officer records a channel for its own producer: a traditional one.
    let (s, v) = w
        .xa
        .post(
            "/api/v1/sales-channels",
            json!({"producer_id": w.p2, "kind": "traditional", "partner": "Chợ Bình Lư", "started_on": "2024-01-01"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let (_, v) = w.prov.get("/api/v1/sales-channels").await;
    assert_eq!(v["total"], 2);
    let (_, v) = w.pa.get("/api/v1/sales-channels").await;
    assert_eq!(v["total"], 1, "a producer sees only its own: {v}");

    // Active in a modern channel: on the start day yes, before it no, after the end no.
    let on = |d: &str| format!("/api/v1/sales-channels/modern-active?on={d}");
    assert_eq!(
        w.prov.get(&on("2025-03-01")).await.1["producer_ids"],
        json!([w.p1])
    );
    assert_eq!(w.prov.get(&on("2025-02-28")).await.1["count"], 0);
    let (s, v) =
        w.pa.post(
            &format!("/api/v1/sales-channels/{id}/end"),
            json!({"ended_on": "2025-12-31", "version": 1}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["ended_on"], "2025-12-31");
    assert_eq!(w.prov.get(&on("2025-12-31")).await.1["count"], 1);
    assert_eq!(w.prov.get(&on("2026-01-01")).await.1["count"], 0);
    // The old version is stale now.
    let (s, _) =
        w.pa.post(
            &format!("/api/v1/sales-channels/{id}/end"),
            json!({"ended_on": "2025-11-30", "version": 1}),
        )
        .await;
    assert_eq!(s, 409);
    // The other commune's officer does not count the first producer.
    assert_eq!(w.xa.get(&on("2025-06-01")).await.1["count"], 0);
}

fn rev(product: &Value, year: i32, amount: i64) -> Value {
    json!({"product_id": product["id"], "year": year, "revenue_vnd": amount})
}

#[tokio::test]
async fn trade_revenue_entry_refusals_and_growth() {
    let w = world().await;
    // Year founded of the test producers is 2016.
    let (s, v) =
        w.pa.post("/api/v1/revenue", rev(&w.prod1, 2024, 1_000_000_000))
            .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["source"], "producer");
    let (s, v) =
        w.pa.post("/api/v1/revenue", rev(&w.prod1, 2025, 1_080_000_000))
            .await;
    assert_eq!(s, 201, "{v}");
    // Entering the same period again corrects it rather than adding a second figure.
    let (s, v) =
        w.pa.post("/api/v1/revenue", rev(&w.prod1, 2025, 1_100_000_000))
            .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["revenue_vnd"], 1_100_000_000i64);
    assert_eq!(w.pa.get("/api/v1/revenue?year=2025").await.1["total"], 1);

    let before = count::<ocop_store::entities::revenue_record::Entity>(&w.app).await;
    for (body, code) in [
        (rev(&w.prod1, 2025, -5), "negative_amount"),
        (
            json!({"product_id": w.prod1["id"], "year": 2025, "quarter": 5, "revenue_vnd": 1}),
            "bad_quarter",
        ),
        (
            json!({"product_id": w.prod1["id"], "year": 2025, "quarter": 0, "revenue_vnd": 1}),
            "bad_quarter",
        ),
        (rev(&w.prod1, 2015, 1), "before_founded"),
        (rev(&w.prod2, 2025, 1), "product_of_other_producer"),
        (
            json!({"product_id": w.prod1["id"], "year": 2025, "channel": "chợ", "revenue_vnd": 1}),
            "unknown_channel",
        ),
    ] {
        let (s, v) = w.pa.post("/api/v1/revenue", body.clone()).await;
        assert_eq!((s, error_code(&v).as_str()), (422, code), "{body}: {v}");
        assert!(!v["error"]["fields"]["message_vi"]
            .as_str()
            .unwrap_or("")
            .is_empty());
    }
    // An officer naming the wrong producer for a product is refused too.
    let mut body = rev(&w.prod2, 2025, 1);
    body["producer_id"] = json!(w.p1);
    let (s, v) = w.prov.post("/api/v1/revenue", body).await;
    assert_eq!(
        (s, error_code(&v).as_str()),
        (422, "product_of_other_producer"),
        "{v}"
    );
    // The other commune's officer: 404 for the first producer's product and figures.
    let (s, _) = w.xa.post("/api/v1/revenue", rev(&w.prod1, 2025, 1)).await;
    assert_eq!(s, 404);
    let id = w.pa.get("/api/v1/revenue?year=2025").await.1["items"][0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(w.xa.get(&format!("/api/v1/revenue/{id}")).await.0, 404);
    assert_eq!(w.pa.get(&format!("/api/v1/revenue/{id}")).await.0, 200);
    assert_eq!(
        count::<ocop_store::entities::revenue_record::Entity>(&w.app).await,
        before
    );

    // The second product by channel and by quarter: 2024 by channel, 2025 by quarter.
    for (year, quarter, channel, amount) in [
        (2024, None, Some("ecommerce"), 200_000_000i64),
        (2024, None, Some("traditional"), 300_000_000),
        (2025, Some(1), Some("ecommerce"), 100_000_000),
        (2025, Some(2), Some("ecommerce"), 120_000_000),
        (2025, Some(3), Some("traditional"), 330_000_000),
    ] {
        let (s, v) = w
            .xa
            .post(
                "/api/v1/revenue",
                json!({"product_id": w.prod2["id"], "year": year, "quarter": quarter, "channel": channel,
                       "revenue_vnd": amount, "output": 1250.5, "output_unit": "kg"}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["source"], "officer");
    }
    let (s, g) = w
        .prov
        .get("/api/v1/revenue/growth?year=2025&by=product")
        .await;
    assert_eq!(s, 200, "{g}");
    let items = g["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let che = items
        .iter()
        .find(|i| i["label"] == "Chè Shan tuyết Đoàn Kết")
        .unwrap();
    assert_eq!(che["previous_vnd"], 1_000_000_000i64);
    assert_eq!(che["current_vnd"], 1_100_000_000i64);
    assert_eq!(che["growth_percent"], 10.0);
    let mien = items
        .iter()
        .find(|i| i["label"] == "Miến dong Bình Lư")
        .unwrap();
    assert_eq!(mien["previous_vnd"], 500_000_000i64);
    assert_eq!(mien["current_vnd"], 550_000_000i64);
    assert_eq!(mien["growth_percent"], 10.0);
    let (_, g) = w
        .prov
        .get("/api/v1/revenue/growth?year=2025&by=channel")
        .await;
    let e = g["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "ecommerce")
        .unwrap()
        .clone();
    assert_eq!(
        (e["previous_vnd"].as_i64(), e["current_vnd"].as_i64()),
        (Some(200_000_000), Some(220_000_000))
    );
    let (_, g) = w.prov.get("/api/v1/revenue/growth?year=2025&by=unit").await;
    assert_eq!(g["total"], 2, "{g}");
    let (_, g) = w.prov.get("/api/v1/revenue/growth?year=2025&by=set").await;
    assert_eq!(g["items"][0]["current_vnd"], 1_650_000_000i64, "{g}");
    let (_, g) = w
        .prov
        .get("/api/v1/revenue/growth?year=2025&by=producer")
        .await;
    assert_eq!(g["total"], 2);
    // Scope applies to growth: the producer sees its own product only.
    let (_, g) = w.pa.get("/api/v1/revenue/growth?year=2025").await;
    assert_eq!(g["total"], 1);
    let (s, v) = w
        .prov
        .get("/api/v1/revenue/growth?year=2025&by=colour")
        .await;
    assert_eq!(s, 400, "{v}");
}

fn sheet(rows: &[(&str, Value, Value, Value)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "Mã sản phẩm",
        "Năm",
        "Quý (1-4, để trống = cả năm)",
        "Doanh thu (đồng)",
    ]
    .iter()
    .enumerate()
    {
        ws.write(0, c as u16, *h).unwrap();
    }
    for (r, (code, year, q, amount)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write(r, 0, *code).unwrap();
        for (c, v) in [(1u16, year), (2, q), (3, amount)] {
            match v {
                Value::Number(n) => {
                    ws.write(r, c, n.as_f64().unwrap()).unwrap();
                }
                Value::String(s) => {
                    ws.write(r, c, s.as_str()).unwrap();
                }
                _ => {}
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn import(api: &Api, query: &str, bytes: Vec<u8>) -> (u16, Value) {
    let r = api
        .client
        .post(format!("{}/api/v1/revenue/import{query}", api.base))
        .bearer_auth(&api.token)
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(bytes)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn trade_revenue_import_previews_and_is_all_or_nothing() {
    let w = world().await;
    let c1 = w.prod1["product_code"].as_str().unwrap().to_string();
    let c2 = w.prod2["product_code"].as_str().unwrap().to_string();
    let bad = sheet(&[
        (&c1, json!(2025), Value::Null, json!(1_500_000)),
        (&c1, json!(2025), json!(5), json!(10)),
        (&c1, json!(2025), json!(1), json!("một triệu")),
        (&c1, json!(2025), json!(2), json!(-3)),
        ("12-99999-001-2025", json!(2025), Value::Null, json!(1)),
        (&c1, json!(2025), Value::Null, json!(7)),
    ]);
    let rec = || count::<ocop_store::entities::revenue_record::Entity>(&w.app);
    let (s, v) = import(&w.prov, "", bad.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (
            v["valid"].as_u64(),
            v["invalid"].as_u64(),
            v["saved"].as_u64()
        ),
        (Some(1), Some(5), Some(0)),
        "{v}"
    );
    let errs = |i: usize| v["rows"][i]["errors"][0].as_str().unwrap_or("").to_string();
    assert_eq!(v["rows"][0]["row"], 2);
    assert!(errs(1).contains("Quý"), "{}", errs(1));
    assert!(errs(2).contains("không phải là số"), "{}", errs(2));
    assert!(errs(3).contains("không được âm"), "{}", errs(3));
    assert!(errs(4).contains("Không có sản phẩm"), "{}", errs(4));
    assert!(errs(5).contains("Trùng với dòng 2"), "{}", errs(5));
    assert_eq!(rec().await, 0, "a preview saves nothing");
    // Committing a file with errors saves nothing…
    let (s, v) = import(&w.prov, "?commit=true", bad.clone()).await;
    assert_eq!((s, v["saved"].as_u64()), (200, Some(0)), "{v}");
    assert_eq!(rec().await, 0);
    // …unless the valid rows only are asked for explicitly.
    let (_, v) = import(&w.prov, "?commit=true&valid_only=true", bad).await;
    assert_eq!(v["saved"], 1, "{v}");
    assert_eq!(rec().await, 1);

    // A producer importing another producer's product is told so, row by row.
    let theirs = sheet(&[(&c2, json!(2025), Value::Null, json!(5))]);
    let (_, v) = import(&w.pa, "?commit=true", theirs).await;
    assert!(
        v["rows"][0]["errors"][0]
            .as_str()
            .unwrap()
            .contains("chủ thể khác"),
        "{v}"
    );
    assert_eq!(v["saved"], 0);
    // The other commune's officer cannot reach the first producer's product.
    let (_, v) = import(
        &w.xa,
        "?commit=true",
        sheet(&[(&c1, json!(2024), Value::Null, json!(5))]),
    )
    .await;
    assert!(
        v["rows"][0]["errors"][0]
            .as_str()
            .unwrap()
            .contains("Không tìm thấy"),
        "{v}"
    );

    // A valid file is saved whole, and the export reads back.
    let good = sheet(&[
        (&c1, json!(2024), Value::Null, json!("1.000.000")),
        (&c2, json!(2024), json!(1), json!(250_000)),
    ]);
    let (_, v) = import(&w.prov, "?commit=true", good).await;
    assert_eq!(
        (v["saved"].as_u64(), v["invalid"].as_u64()),
        (Some(2), Some(0)),
        "{v}"
    );
    assert_eq!(rec().await, 3);
    let r = w
        .prov
        .client
        .get(format!("{}/api/v1/revenue/export", w.prov.base))
        .bearer_auth(&w.prov.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let (_, v) = import(&w.prov, "", bytes).await;
    assert_eq!(
        (v["valid"].as_u64(), v["invalid"].as_u64()),
        (Some(3), Some(0)),
        "the export reads back: {v}"
    );

    // Files that are not what we expect.
    let (s, v) = import(&w.prov, "", b"product,year\n1,2".to_vec()).await;
    assert_eq!((s, error_code(&v).as_str()), (422, "bad_file"));
    assert!(
        v["error"]["message"].as_str().unwrap().contains(".xlsx"),
        "{v}"
    );
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write(0, 0, "Mã sản phẩm").unwrap();
    let (s, v) = import(&w.prov, "", wb.save_to_buffer().unwrap()).await;
    assert_eq!(s, 422);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Thiếu cột"),
        "{v}"
    );
    assert_eq!(rec().await, 3);
}

#[tokio::test]
async fn trade_points_of_sale_fairs_milestones_and_public_list() {
    let w = world().await;
    let point = |name: &str, unit: &str, lat: f64, lon: f64| {
        json!({"name": name, "address": "Đường Trần Hưng Đạo", "unit_code": unit, "operator": "Trung tâm Xúc tiến",
               "opened_on": "2024-05-19", "latitude": lat, "longitude": lon, "product_ids": [w.prod1["id"]]})
    };
    let (s, a) = w
        .prov
        .post(
            "/api/v1/points-of-sale",
            point("Điểm OCOP Đoàn Kết", "03388", 22.3964, 103.4582),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(a["products"][0]["name"], "Chè Shan tuyết Đoàn Kết");
    let (s, b) =
        w.xa.post(
            "/api/v1/points-of-sale",
            point("Điểm OCOP Bình Lư", "03390", 22.3480, 103.6120),
        )
        .await;
    // The commune officer cannot list the other commune's product on its shelf.
    assert_eq!(
        (s, error_code(&b).as_str()),
        (422, "unknown_product"),
        "{b}"
    );
    let mut body = point("Điểm OCOP Bình Lư", "03390", 22.3480, 103.6120);
    body["product_ids"] = json!([w.prod2["id"]]);
    let (s, b) = w.xa.post("/api/v1/points-of-sale", body).await;
    assert_eq!(s, 201, "{b}");
    // Outside its commune, or with half a position: refused, nothing saved.
    let (s, v) =
        w.xa.post(
            "/api/v1/points-of-sale",
            point("Lấn sân", "03388", 22.0, 103.0),
        )
        .await;
    assert_eq!(
        (s, error_code(&v).as_str()),
        (422, "unit_out_of_scope"),
        "{v}"
    );
    let mut half = point("Nửa tọa độ", "03390", 22.0, 103.0);
    half["longitude"] = Value::Null;
    let (s, v) = w.xa.post("/api/v1/points-of-sale", half).await;
    assert_eq!(
        (s, error_code(&v).as_str()),
        (422, "bad_coordinates"),
        "{v}"
    );
    assert_eq!(
        w.pa.post("/api/v1/points-of-sale", point("X", "03388", 22.0, 103.0))
            .await
            .0,
        403
    );
    assert_eq!(
        count::<ocop_store::entities::point_of_sale::Entity>(&w.app).await,
        2
    );
    assert_eq!(
        w.xa.get(&format!("/api/v1/points-of-sale/{}", a["id"]))
            .await
            .0,
        404
    );
    assert_eq!(w.xa.get("/api/v1/points-of-sale").await.1["total"], 1);

    // The public list, no login: nearest first from Bình Lư.
    let r = reqwest::get(
        w.app
            .url("/api/v1/public/points-of-sale?lat=22.35&lon=103.61"),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["items"][0]["name"], "Điểm OCOP Bình Lư", "{v}");
    assert!(v["items"][0]["distance_km"].as_f64().unwrap() < 1.0);
    let far = v["items"][1]["distance_km"].as_f64().unwrap();
    assert!(
        (15.0..=20.0).contains(&far),
        "Đoàn Kết is about 16 km away: {far}"
    );
    let r = reqwest::get(w.app.url("/api/v1/public/points-of-sale?lat=200&lon=1"))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    // Producers' coordinates: both or neither.
    let (s, v) =
        w.pa.put(
            &format!("/api/v1/producers/{}/position", w.p1),
            json!({"latitude": 22.39, "longitude": 103.45}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, _) =
        w.pa.put(
            &format!("/api/v1/producers/{}/position", w.p2),
            json!({"latitude": 22.39, "longitude": 103.45}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) =
        w.pa.put(
            &format!("/api/v1/producers/{}/position", w.p1),
            json!({"latitude": 22.39}),
        )
        .await;
    assert_eq!(s, 422);

    // A fair in Hà Nội with both producers.
    let fair = json!({"name": "Hội chợ OCOP khu vực phía Bắc", "place": "Hà Nội", "unit_code": "12",
        "starts_on": "2025-10-01", "ends_on": "2025-10-05", "in_province": false,
        "sales_vnd": 350_000_000, "contracts_signed": 4,
        "participants": [{"producer_id": w.p1, "product_id": w.prod1["id"]}, {"producer_id": w.p2}]});
    let (s, f) = w.prov.post("/api/v1/fairs", fair.clone()).await;
    assert_eq!(s, 201, "{f}");
    assert_eq!(f["participants"].as_array().unwrap().len(), 2);
    let mut neg = fair.clone();
    neg["sales_vnd"] = json!(-1);
    assert_eq!(
        error_code(&w.prov.post("/api/v1/fairs", neg).await.1),
        "negative_amount"
    );
    // The commune officer cannot file a province fair.
    let (s, _) = w.xa.post("/api/v1/fairs", fair).await;
    assert_eq!(s, 422);
    assert_eq!(
        w.pa.get("/api/v1/fairs").await.1["total"],
        1,
        "a participant sees its fair"
    );
    assert_eq!(w.xa.get(&format!("/api/v1/fairs/{}", f["id"])).await.0, 404);

    // Milestones: once per producer, year and kind; officers only; in scope.
    let ms = |pid: i64| json!({"producer_id": pid, "year": 2025, "kind": "established", "legal_form": "cooperative", "occurred_on": "2025-04-10"});
    let (s, v) = w
        .prov
        .post("/api/v1/organisation-milestones", ms(w.p1))
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(
        w.prov
            .post("/api/v1/organisation-milestones", ms(w.p1))
            .await
            .0,
        409
    );
    assert_eq!(
        w.xa.post("/api/v1/organisation-milestones", ms(w.p1))
            .await
            .0,
        404
    );
    assert_eq!(
        w.pa.post("/api/v1/organisation-milestones", ms(w.p1))
            .await
            .0,
        404
    );
    let mut wrong_year = ms(w.p2);
    wrong_year["occurred_on"] = json!("2024-12-31");
    assert_eq!(
        error_code(
            &w.xa
                .post("/api/v1/organisation-milestones", wrong_year)
                .await
                .1
        ),
        "year_mismatch"
    );
    assert_eq!(
        w.prov
            .get("/api/v1/organisation-milestones?year=2025")
            .await
            .1["total"],
        1
    );
    assert_eq!(
        w.prov
            .get("/api/v1/organisation-milestones?year=2024")
            .await
            .1["total"],
        0
    );
    assert_eq!(
        w.xa.get("/api/v1/organisation-milestones?year=2025")
            .await
            .1["total"],
        0
    );

    // Every list exports to .xlsx with Vietnamese headers.
    for (path, header) in [
        ("/api/v1/sales-channels/export", "Loại kênh"),
        ("/api/v1/points-of-sale/export", "Vĩ độ (độ)"),
        ("/api/v1/fairs/export", "Doanh thu bán hàng (đồng)"),
        (
            "/api/v1/organisation-milestones/export?year=2025",
            "Loại hình",
        ),
        ("/api/v1/revenue/export", "Doanh thu (đồng)"),
    ] {
        let r = w
            .prov
            .client
            .get(format!("{}{path}", w.prov.base))
            .bearer_auth(&w.prov.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let bytes = r.bytes().await.unwrap().to_vec();
        let cols = [ocop_docs::xlsx_read::Column {
            key: "h",
            header,
            ty: ocop_docs::xlsx_read::ColType::Text,
            required: true,
        }];
        // The reader finds the header below the title (other columns are unknown to it).
        match ocop_docs::xlsx_read::read(&bytes, &cols) {
            Ok(_) | Err(ocop_docs::xlsx_read::FileError::UnknownColumns(_)) => {}
            Err(e) => panic!("{path}: {e}"),
        }
    }
}

#[tokio::test]
async fn trade_routes_are_in_the_openapi_document() {
    let app = TestApp::new().await;
    let doc: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for p in [
        "/api/v1/sales-channels",
        "/api/v1/sales-channels/{id}/end",
        "/api/v1/sales-channels/modern-active",
        "/api/v1/points-of-sale",
        "/api/v1/public/points-of-sale",
        "/api/v1/fairs",
        "/api/v1/organisation-milestones",
        "/api/v1/revenue",
        "/api/v1/revenue/growth",
        "/api/v1/revenue/import",
        "/api/v1/producers/{id}/position",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} in the OpenAPI document");
    }
}

#[tokio::test]
async fn trade_demo_has_points_channels_revenue_fairs_and_milestones() {
    let app = TestApp::with_demo().await;
    let v: Value = reqwest::get(app.url("/api/v1/public/points-of-sale?lat=22.36&lon=103.25"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = v["items"].as_array().unwrap();
    assert!((3..=5).contains(&items.len()), "{v}");
    assert_eq!(items[0]["name"], "Điểm bán sản phẩm OCOP Sìn Hồ (demo)");
    for p in items {
        let (lat, lon) = (
            p["latitude"].as_f64().unwrap(),
            p["longitude"].as_f64().unwrap(),
        );
        assert!(
            (21.9..=22.6).contains(&lat) && (102.9..=103.9).contains(&lon),
            "{p}"
        );
    }
    let admin = app.api_demo("admin").await;
    let (_, certified) = admin
        .get("/api/v1/products?status=certified&per_page=200")
        .await;
    let mut owners: Vec<i64> = certified["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["producer_id"].as_i64().unwrap())
        .collect();
    owners.sort_unstable();
    owners.dedup();
    let (_, active) = admin
        .get("/api/v1/sales-channels/modern-active?on=2025-12-31")
        .await;
    let n = active["count"].as_u64().unwrap() as f64;
    let share = n / owners.len() as f64;
    assert!(
        (0.6..=0.9).contains(&share),
        "about three quarters: {n} of {}",
        owners.len()
    );
    let (_, g) = admin.get("/api/v1/revenue/growth?year=2025").await;
    let rows = g["items"].as_array().unwrap();
    assert!(!rows.is_empty());
    let in_band = rows
        .iter()
        .filter(|r| {
            r["growth_percent"]
                .as_f64()
                .is_some_and(|x| (5.0..=10.0).contains(&x))
        })
        .count();
    assert!(in_band * 2 > rows.len(), "most products grow 5–10 %: {g}");
    let (_, f) = admin.get("/api/v1/fairs").await;
    assert_eq!(f["total"], 2);
    assert!(f["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["place"].as_str().unwrap().contains("Hà Nội")));
    let (_, m) = admin.get("/api/v1/organisation-milestones?year=2025").await;
    assert!(m["total"].as_u64().unwrap() >= 4, "{m}");
}

#[tokio::test]
async fn trade_public_page_lists_nearest_and_refuses_bad_positions() {
    let app = TestApp::with_demo().await;
    let page = |q: &str| {
        let url = app.url(&format!("/points-of-sale{q}"));
        async move {
            let r = reqwest::get(url).await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (s, html) = page("?lat=21.96&lon=103.88").await;
    assert_eq!(s, 200);
    let first = html.find("Than Uyên (demo)").expect("Than Uyên listed");
    let other = html.find("Sìn Hồ (demo)").expect("Sìn Hồ listed");
    assert!(first < other, "nearest first");
    assert!(html.contains("km"), "distances shown");
    assert!(
        html.contains("id=\"no-tiles\""),
        "without tiles the page says so and stays a list"
    );
    let (s, html) = page("?lat=abc&lon=103").await;
    assert_eq!(s, 200);
    assert!(
        html.contains("id=\"position-error\""),
        "a bad position is explained"
    );
    let (s, html) = page("").await;
    assert_eq!(s, 200);
    assert!(!html.contains("position-error"));
    let r = reqwest::get(app.url("/static/vendor/leaflet/leaflet.js"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn trade_browser_public_map_lists_the_nearest_point_on_a_phone() {
    if crate::browser::skipped("trade_browser_public_map_lists_the_nearest_point_on_a_phone") {
        return;
    }
    let app = TestApp::with_demo().await;
    let b = crate::browser::Browser::start(&app).await;
    b.phone(360, 740).await;
    b.goto("/points-of-sale").await;
    b.fill("#lat", "22.40").await;
    b.fill("#lon", "103.46").await;
    b.click("#nearest-form button[type=submit]").await;
    let first = b
        .wait_text("#points-table tbody tr:first-child", "Lai Châu")
        .await;
    assert!(
        first.contains("Trung tâm giới thiệu sản phẩm OCOP tỉnh Lai Châu"),
        "{first}"
    );
    let (scroll, inner) = b.widths().await;
    assert!(
        scroll <= inner,
        "no sideways scrolling at 360 px: {}",
        b.overflowing().await
    );
    b.shot("trade-points-360").await;
    b.quit().await;
}
