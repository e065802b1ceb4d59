//! Issue 12, items 4, 5 and 7 over the API: support records and budget lines,
//! training and communication, news, and the ranked catalogue search — on the
//! database of the run (SQLite, or PostgreSQL with TEST_DATABASE_URL), with scope:
//! another commune's officer gets 404, a producer sees only its own support.

use crate::common::*;
use ocop_domain::roles::Role;
use ocop_domain::units::Period;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

fn producer_body(name: &str, tax: &str, commune: &str) -> Value {
    json!({
        "name": name, "legal_form": "cooperative", "tax_code": tax,
        "commune_code": commune, "commune_period": "post2025",
        "address_detail": "Bản Nà Khum", "phone": "0912345678", "email": "",
        "representative_name": "Lò Văn Minh", "representative_female": false,
        "representative_ethnic_minority": true, "representative_ethnicity": "Thái",
        "representative_disability": false, "members_count": 9, "workers_count": 20,
        "year_founded": 2018, "status": "active"
    })
}

async fn new_producer(api: &Api, name: &str, tax: &str, commune: &str) -> i64 {
    let (s, v) = api
        .post("/api/v1/producers", producer_body(name, tax, commune))
        .await;
    assert_eq!(s, 201, "producer {name}: {v}");
    v["id"].as_i64().unwrap()
}

/// The province officer `prov1`, commune officers of 03390 (`xa90`) and 03388
/// (`xa88`), and two producers: A in 03390 (with its account `pa`), B in 03388.
struct World {
    prov: Api,
    xa90: Api,
    xa88: Api,
    pa: Api,
    a: i64,
    b: i64,
}

async fn world(app: &TestApp) -> World {
    app.user(
        "prov1",
        Role::ProvinceOfficer,
        Some(("12", Period::Post2025)),
        None,
    )
    .await;
    app.user(
        "xa90",
        Role::CommuneOfficer,
        Some(("03390", Period::Post2025)),
        None,
    )
    .await;
    app.user(
        "xa88",
        Role::CommuneOfficer,
        Some(("03388", Period::Post2025)),
        None,
    )
    .await;
    let prov = app.api_as("prov1").await;
    let a = new_producer(&prov, "HTX Chè Bình Lư", "6200000011", "03390").await;
    let b = new_producer(&prov, "HTX Miến Tam Đường", "6200000012", "03388").await;
    app.user("prod.a", Role::Producer, None, Some(a)).await;
    World {
        xa90: app.api_as("xa90").await,
        xa88: app.api_as("xa88").await,
        pa: app.api_as("prod.a").await,
        prov,
        a,
        b,
    }
}

fn support(producer_id: i64, planned: i64, line: Option<i64>) -> Value {
    json!({
        "producer_id": producer_id, "kind": "packaging", "policy_code": "nq-07-2021",
        "source": "provincial", "budget_line_id": line,
        "title": "Thiết kế bao bì chè shan tuyết", "planned_vnd": planned,
        "proposed_on": "2025-03-10"
    })
}

async fn mv(api: &Api, id: i64, body: Value) -> (u16, Value) {
    api.post(&format!("/api/v1/supports/{id}/transition"), body)
        .await
}

#[tokio::test]
async fn support_moves_from_proposal_to_completion_within_scope() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    // A budget line of the province for 2025.
    let (s, line) = w
        .prov
        .post(
            "/api/v1/budget-lines",
            json!({"year": 2025, "source": "provincial", "policy_code": "nq-07-2021",
                   "name": "Hỗ trợ OCOP 2025 (NQ 07)", "allocated_vnd": 100_000_000}),
        )
        .await;
    assert_eq!(s, 201, "{line}");
    let line_id = line["id"].as_i64().unwrap();
    let (s, e) = w
        .prov
        .post(
            "/api/v1/budget-lines",
            json!({"year": 2025, "source": "lottery", "name": "X", "allocated_vnd": -1}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert!(
        e["error"]["fields"]["source"].is_object()
            && e["error"]["fields"]["allocated_vnd"].is_object()
    );

    // Bad input saves nothing.
    let (s, e) = w
        .prov
        .post("/api/v1/supports", support(w.a, -5, None))
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["error"]["code"], "validation_failed");
    assert!(e["error"]["fields"]["planned_vnd"].is_object());
    let mut unknown = support(w.a, 5, None);
    unknown["kind"] = json!("bribe");
    unknown["policy_code"] = json!("nq-99-2099");
    let (s, e) = w.prov.post("/api/v1/supports", unknown).await;
    assert_eq!(s, 422);
    assert!(
        e["error"]["fields"]["kind"].is_object() && e["error"]["fields"]["policy_code"].is_object()
    );
    let (_, all) = w.prov.get("/api/v1/supports").await;
    assert_eq!(all["total"], 0, "nothing saved");

    // The province proposes for A; the producer proposes for itself only.
    let (s, rec) = w
        .prov
        .post("/api/v1/supports", support(w.a, 60_000_000, Some(line_id)))
        .await;
    assert_eq!(s, 201, "{rec}");
    assert_eq!(rec["status"], "proposed");
    let id = rec["id"].as_i64().unwrap();
    let (s, _) =
        w.pa.post("/api/v1/supports", support(w.b, 1_000_000, None))
            .await;
    assert_eq!(s, 404, "a producer cannot propose for another");
    let (s, own) =
        w.pa.post("/api/v1/supports", support(w.a, 2_000_000, None))
            .await;
    assert_eq!(s, 201, "{own}");
    let (s, brec) = w
        .prov
        .post("/api/v1/supports", support(w.b, 3_000_000, None))
        .await;
    assert_eq!(s, 201);
    let bid = brec["id"].as_i64().unwrap();

    // Scope: the producer sees its own two; the other commune sees nothing of A.
    let (_, mine) = w.pa.get("/api/v1/supports").await;
    assert_eq!(mine["total"], 2, "{mine}");
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["producer_id"] == w.a));
    assert_eq!(w.pa.get(&format!("/api/v1/supports/{bid}")).await.0, 404);
    assert_eq!(w.xa88.get(&format!("/api/v1/supports/{id}")).await.0, 404);
    let (_, theirs) = w.xa88.get("/api/v1/supports").await;
    assert_eq!(theirs["total"], 1, "only B's support: {theirs}");
    assert_eq!(w.xa90.get(&format!("/api/v1/supports/{id}")).await.0, 200);
    let (s, _) = mv(
        &w.xa88,
        id,
        json!({"action": "approve", "version": 1, "amount_vnd": 1}),
    )
    .await;
    assert_eq!(s, 404, "another commune's officer cannot approve");
    let (s, e) = mv(
        &w.pa,
        id,
        json!({"action": "approve", "version": 1, "amount_vnd": 1}),
    )
    .await;
    assert_eq!(s, 403, "a producer does not approve: {e}");

    // Approve, disburse; more than approved needs a reason.
    let (s, e) = mv(
        &w.xa90,
        id,
        json!({"action": "disburse", "version": 1, "amount_vnd": 5}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("bad_transition"))
    );
    let (s, r) = mv(
        &w.xa90,
        id,
        json!({"action": "approve", "version": 1, "amount_vnd": 50_000_000, "on": "2025-04-01"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        (r["status"].as_str(), r["approved_vnd"].as_i64()),
        (Some("approved"), Some(50_000_000))
    );
    let (s, r) = mv(
        &w.prov,
        id,
        json!({"action": "disburse", "version": 2, "amount_vnd": 30_000_000}),
    )
    .await;
    assert_eq!((s, r["status"].as_str()), (200, Some("disbursing")));
    let (s, e) = mv(
        &w.prov,
        id,
        json!({"action": "disburse", "version": 3, "amount_vnd": 30_000_000}),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["error"]["code"], "over_disbursement");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("10.000.000"));
    let (_, still) = w.prov.get(&format!("/api/v1/supports/{id}")).await;
    assert_eq!(
        (still["disbursed_vnd"].as_i64(), still["version"].as_i64()),
        (Some(30_000_000), Some(3))
    );
    let (s, _) = mv(
        &w.prov,
        id,
        json!({"action": "disburse", "version": 3, "amount_vnd": -1, "reason": "x"}),
    )
    .await;
    assert_eq!(s, 422, "negative disbursement");
    let (s, r) = mv(&w.prov, id, json!({"action": "disburse", "version": 3, "amount_vnd": 30_000_000, "reason": "Giá thiết bị tăng"})).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["disbursed_vnd"], 60_000_000);
    assert!(r["over_reason"]
        .as_str()
        .unwrap()
        .contains("Giá thiết bị tăng"));
    let (s, e) = mv(&w.prov, id, json!({"action": "complete", "version": 3})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("version_conflict")),
        "stale version"
    );

    // The budget line counts what is charged to it; over-commitment is flagged.
    let (_, lines) = w.prov.get("/api/v1/budget-lines?year=2025").await;
    let l = &lines["items"][0];
    assert_eq!(
        (
            l["approved_vnd"].as_i64(),
            l["disbursed_vnd"].as_i64(),
            l["over_committed"].as_bool()
        ),
        (Some(50_000_000), Some(60_000_000), Some(false))
    );
    let (_, second) = w
        .prov
        .post("/api/v1/supports", support(w.a, 70_000_000, Some(line_id)))
        .await;
    let sid = second["id"].as_i64().unwrap();
    let (s, _) = mv(
        &w.prov,
        sid,
        json!({"action": "approve", "version": 1, "amount_vnd": 70_000_000}),
    )
    .await;
    assert_eq!(s, 200);
    let (_, lines) = w.prov.get("/api/v1/budget-lines?year=2025").await;
    assert_eq!(lines["items"][0]["over_committed"], true, "{lines}");
    assert_eq!(lines["items"][0]["remaining_vnd"], -20_000_000);
    assert_eq!(
        w.xa90.get("/api/v1/budget-lines").await.1["total"],
        1,
        "communes see the province's lines"
    );

    let (s, r) = mv(
        &w.prov,
        id,
        json!({"action": "complete", "version": 4, "on": "2025-09-30"}),
    )
    .await;
    assert_eq!(
        (s, r["status"].as_str(), r["completed_on"].as_str()),
        (200, Some("completed"), Some("2025-09-30"))
    );
    let (s, _) = mv(&w.prov, id, json!({"action": "cancel", "version": 5})).await;
    assert_eq!(s, 409, "completed is final");
    let (s, r) = mv(&w.xa88, bid, json!({"action": "refuse", "version": 1})).await;
    assert_eq!((s, r["status"].as_str()), (200, Some("refused")));

    // Excel export with Vietnamese headers.
    let r = w
        .prov
        .client
        .get(app.url("/api/v1/supports/export.xlsx"))
        .bearer_auth(&w.prov.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    // Admin-maintained policies.
    let (s, _) = w
        .prov
        .post(
            "/api/v1/support-policies",
            json!({"code": "nq-01-2026", "name": "Nghị quyết mới"}),
        )
        .await;
    assert_eq!(s, 403, "only an admin adds policies");
    let (_, pol) = w.prov.get("/api/v1/support-policies").await;
    assert_eq!(pol["total"], 2);
}

#[tokio::test]
async fn training_courses_count_attendees_by_role_and_keep_to_their_unit() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let course = json!({
        "topic": "Tập huấn xây dựng hồ sơ OCOP", "starts_on": "2025-05-12", "ends_on": "14/05/2025",
        "place": "Hội trường UBND xã Bình Lư", "trainer": "Chi cục PTNT",
        "attendees": [
            {"name": "Lò Thị Hoa", "role": "official", "unit_code": "03390"},
            {"name": "Tẩn A Chỉn", "role": "producer", "producer_id": w.a},
            {"name": "Vàng Thị Dế", "role": "producer", "unit_code": "03390"}
        ]
    });
    let (s, c) = w
        .xa90
        .post("/api/v1/training/courses", course.clone())
        .await;
    assert_eq!(s, 201, "{c}");
    assert_eq!(
        (c["officials"].as_u64(), c["producers"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(c["attendees"][0]["unit_name"], "Xã Bình Lư");
    let id = c["id"].as_i64().unwrap();
    let mut bad = course.clone();
    bad["ends_on"] = json!("2025-05-01");
    bad["attendees"][1]["role"] = json!("tourist");
    let (s, e) = w.xa90.post("/api/v1/training/courses", bad).await;
    assert_eq!(s, 422, "{e}");
    assert!(e["error"]["fields"]["ends_on"].is_object());
    assert!(e["error"]["fields"]["attendees[1].role"].is_object());
    let mut elsewhere = course.clone();
    elsewhere["unit"] = json!("03388");
    assert_eq!(
        w.xa90.post("/api/v1/training/courses", elsewhere).await.0,
        422,
        "not in another commune"
    );
    assert_eq!(w.pa.post("/api/v1/training/courses", course).await.0, 403);
    assert_eq!(
        w.xa88
            .get(&format!("/api/v1/training/courses/{id}"))
            .await
            .0,
        404
    );
    assert_eq!(
        w.prov
            .get(&format!("/api/v1/training/courses/{id}"))
            .await
            .0,
        200
    );
    assert_eq!(w.xa88.get("/api/v1/training/courses").await.1["total"], 0);
    assert_eq!(w.prov.get("/api/v1/training/courses").await.1["total"], 1);

    let piece = json!({"kind": "clip", "title": "Phóng sự: Chè shan tuyết Bình Lư", "published_on": "2025-06-02",
                       "outlet": "Đài PT-TH Lai Châu", "link": "https://laichautv.vn/ocop"});
    let (s, p) = w.prov.post("/api/v1/communications", piece.clone()).await;
    assert_eq!(s, 201, "{p}");
    let mut bad = piece.clone();
    bad["link"] = json!("javascript:alert(1)");
    bad["kind"] = json!("tweet");
    let (s, e) = w.prov.post("/api/v1/communications", bad).await;
    assert_eq!(s, 422);
    assert!(e["error"]["fields"]["link"].is_object() && e["error"]["fields"]["kind"].is_object());
    assert_eq!(w.prov.get("/api/v1/communications").await.1["total"], 1);
    assert_eq!(
        w.xa88.get("/api/v1/communications").await.1["total"],
        0,
        "the province's piece is not the commune's"
    );
    let r = w
        .prov
        .client
        .get(app.url("/api/v1/training/courses/export.xlsx"))
        .bearer_auth(&w.prov.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
}

#[tokio::test]
async fn news_is_public_only_while_published() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let item = json!({"title": "Mở đợt đánh giá sản phẩm OCOP năm 2025", "summary": "Nhận hồ sơ đến 30/6",
                      "body": "UBND tỉnh thông báo…\nHồ sơ nộp tại UBND xã.", "category": "round_opened"});
    assert_eq!(
        w.pa.post("/api/v1/news", item.clone()).await.0,
        403,
        "producers do not publish"
    );
    let (s, e) = w
        .prov
        .post(
            "/api/v1/news",
            json!({"title": "", "body": "", "category": "gossip"}),
        )
        .await;
    assert_eq!(s, 422);
    assert!(
        e["error"]["fields"]["title"].is_object() && e["error"]["fields"]["category"].is_object()
    );
    let (s, n) = w.prov.post("/api/v1/news", item).await;
    assert_eq!((s, n["status"].as_str()), (201, Some("draft")), "{n}");
    let id = n["id"].as_i64().unwrap();
    let public = reqwest::Client::new();
    let get = |p: String| {
        let c = public.clone();
        let u = app.url(&p);
        async move {
            let r = c.get(u).send().await.unwrap();
            let s = r.status().as_u16();
            (s, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    assert_eq!(get("/api/v1/public/news".into()).await.1["total"], 0);
    assert_eq!(
        get(format!("/api/v1/public/news/{id}")).await.0,
        404,
        "a draft is not public"
    );
    assert_eq!(
        w.xa88
            .post(&format!("/api/v1/news/{id}/publish"), json!({"version": 1}))
            .await
            .0,
        404,
        "a commune does not publish the province's news"
    );
    let (s, n) = w
        .prov
        .post(&format!("/api/v1/news/{id}/publish"), json!({"version": 1}))
        .await;
    assert_eq!((s, n["status"].as_str()), (200, Some("published")));
    let (s, one) = get(format!("/api/v1/public/news/{id}")).await;
    assert_eq!(
        (s, one["title"].as_str()),
        (200, Some("Mở đợt đánh giá sản phẩm OCOP năm 2025"))
    );
    assert_eq!(get("/api/v1/public/news".into()).await.1["total"], 1);
    assert_eq!(
        w.prov
            .post(&format!("/api/v1/news/{id}/publish"), json!({"version": 2}))
            .await
            .0,
        422,
        "already published"
    );
    let (s, _) = w
        .prov
        .post(
            &format!("/api/v1/news/{id}/withdraw"),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        get(format!("/api/v1/public/news/{id}")).await.0,
        404,
        "withdrawn"
    );
    assert_eq!(get("/api/v1/public/news".into()).await.1["total"], 0);
}

/// Certifies a product so that it shows in the catalogue.
async fn certify(app: &TestApp, product_id: i64, stars: u8, n: u32) {
    ocop_store::certificates::issue(
        &app.db.conn,
        &ocop_store::audit::Actor::system("test"),
        &ocop_store::certificates::Issue {
            product_id,
            stars,
            issued_on: ocop_domain::format::today_vn() - chrono::Days::new(30),
            months: 36,
            issuing_body: "UBND tỉnh Lai Châu".into(),
            decision_ref: format!("{n}/QĐ-UBND"),
            dossier_id: None,
        },
    )
    .await
    .expect("certificate");
}

#[tokio::test]
async fn catalogue_search_table_of_diacritic_cases() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    let names = [
        (w.a, "Trà hoa vàng Phong Thổ", 4),
        (w.a, "Chè Shan tuyết Bình Lư", 4),
        (w.a, "Trang phục thổ cẩm", 3),
        (w.b, "Cá trắm ướp", 3),
        (w.b, "Thịt trâu gác bếp", 3),
        (w.b, "Miến dong Tam Đường", 3),
        (w.b, "Trà shan tuyết cổ thụ", 5),
        (w.b, "Đậu đen xanh lòng", 3),
    ];
    let mut ids = std::collections::HashMap::new();
    for (n, (producer, name, stars)) in names.iter().enumerate() {
        let (s, v) = w
            .prov
            .post(
                "/api/v1/products",
                json!({"name": name, "producer_id": producer, "set_code": "QD26-11"}),
            )
            .await;
        assert_eq!(s, 201, "{v}");
        let id = v["id"].as_i64().unwrap();
        certify(&app, id, *stars, n as u32 + 1).await;
        ids.insert(*name, id);
    }
    // A product never certified is not in the catalogue even when it matches.
    w.prov
        .post(
            "/api/v1/products",
            json!({"name": "Trà xanh chưa chứng nhận", "producer_id": w.a, "set_code": "QD26-11"}),
        )
        .await;
    let search = |q: &str| {
        let url = app.url("/api/v1/public/products");
        let q = q.to_string();
        async move {
            let r = reqwest::Client::new()
                .get(url)
                .query(&[("q", q.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "q={q:?}");
            let v: Value = r.json().await.unwrap();
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    // (query, expected names in order; None = at least these first)
    let cases: &[(&str, &[&str])] = &[
        ("trà", &["Trà hoa vàng Phong Thổ", "Trà shan tuyết cổ thụ"]),
        ("TRÀ", &["Trà hoa vàng Phong Thổ", "Trà shan tuyết cổ thụ"]),
        ("che shan tuyet", &["Chè Shan tuyết Bình Lư"]),
        ("chè shan tuyết", &["Chè Shan tuyết Bình Lư"]),
        ("mien dong", &["Miến dong Tam Đường"]),
        ("dau den", &["Đậu đen xanh lòng"]),
        ("đậu", &["Đậu đen xanh lòng"]),
        ("shan", &["Chè Shan tuyết Bình Lư", "Trà shan tuyết cổ thụ"]),
        ("trầm", &["Cá trắm ướp"]),
        ("\"trà\" NEAR(x) -", &[]),
        ("%", &[]),
        ("_", &[]),
        ("' OR 1=1 --", &[]),
        ("zzz", &[]),
    ];
    for (q, want) in cases {
        let got = search(q).await;
        if *q == "%" || *q == "_" {
            // No searchable word: the whole catalogue, as with an empty box.
            assert_eq!(got.len(), names.len(), "q={q:?}: {got:?}");
            continue;
        }
        assert_eq!(&got, want, "q={q:?} on {}", app.backend);
    }
    // "CHE": the product named so first, then those of the producer "HTX Chè…".
    assert_eq!(
        search("CHE").await,
        [
            "Chè Shan tuyết Bình Lư",
            "Trà hoa vàng Phong Thổ",
            "Trang phục thổ cẩm"
        ]
    );
    // Unmarked "tra": whole words first, prefixes after.
    let got = search("tra").await;
    assert_eq!(
        &got[..2],
        &["Trà hoa vàng Phong Thổ", "Trà shan tuyết cổ thụ"],
        "{got:?}"
    );
    assert_eq!(got.len(), 5, "trà ×2, trang, trắm, trâu: {got:?}");
    // A 10,000-character query and FTS syntax: an answer, never an error.
    let long = "chè ".repeat(2500);
    assert_eq!(search(&long).await, search("chè").await);
    assert_eq!(search(&long).await[0], "Chè Shan tuyết Bình Lư");
    assert_eq!(search(&"x".repeat(10_000)).await.len(), 0);
    for q in ["*", "\"", "NEAR", "-", ":", "a:b", "(", "\u{0}"] {
        search(q).await;
    }
    // Filters still work with a query.
    let r: Value = reqwest::get(app.url("/api/v1/public/products?q=tra&stars=5"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["total"], 1);
    assert_eq!(r["items"][0]["name"], "Trà shan tuyết cổ thụ");
    let r: Value = reqwest::get(app.url("/api/v1/public/products?q=tra&unit=03390"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let got: Vec<&str> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(got, ["Trà hoa vàng Phong Thổ", "Trang phục thổ cẩm"]);
    // The index follows a rename (same transaction as the update; a certified
    // product's name is frozen, so rename one before certifying it).
    let (_, p) = w
        .prov
        .post(
            "/api/v1/products",
            json!({"name": "Gạo tám thơm", "producer_id": w.b, "set_code": "QD26-11"}),
        )
        .await;
    let id = p["id"].as_i64().unwrap();
    let mut body = p.clone();
    body["name"] = json!("Cá bống suối");
    let (s, v) = w.prov.put(&format!("/api/v1/products/{id}"), body).await;
    assert_eq!(s, 200, "{v}");
    certify(&app, id, 3, 99).await;
    assert!(
        search("tam thom").await.is_empty(),
        "the old name is gone from the index"
    );
    assert_eq!(search("bong suoi").await, ["Cá bống suối"]);
    // …and a producer rename.
    let (_, p) = w.prov.get(&format!("/api/v1/producers/{}", w.a)).await;
    let mut body = p.clone();
    body["name"] = json!("HTX Sơn Nguyên Bình Lư");
    let (s, v) = w
        .prov
        .put(&format!("/api/v1/producers/{}", w.a), body)
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(search("CHE").await, ["Chè Shan tuyết Bình Lư"]);
    assert_eq!(search("son nguyen").await.len(), 3);
    // The catalogue page searches the same way.
    let html = reqwest::get(app.url("/catalogue?q=mien%20dong"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Miến dong Tam Đường"));
    assert!(!html.contains("Trà hoa vàng"));
}

/// A consumer on a 360 px phone searches the catalogue without diacritics, then
/// reads the public news: an item the province publishes (through the API, the same
/// store function) shows there; the demo's draft does not.
#[tokio::test]
async fn browser_consumer_searches_without_diacritics_and_reads_the_news_at_360px() {
    use crate::browser::{skipped, Browser};
    if skipped("browser_consumer_searches_without_diacritics_and_reads_the_news_at_360px") {
        return;
    }
    let app = TestApp::with_demo().await;
    let b = Browser::start(&app).await;
    b.phone(360, 800).await;
    b.goto("/catalogue").await;
    b.fill("#q", "che shan tuyet").await;
    b.click("form.filters button[type=submit]").await;
    b.wait_path("/catalogue?q=…", |p| {
        p.starts_with("/catalogue?") && p.contains("q=")
    })
    .await;
    let table = b.text("#catalogue-table").await;
    assert!(
        table.contains("Chè Shan tuyết cổ thụ Sà Dề Phìn"),
        "found without diacritics:\n{table}"
    );
    let (scroll, inner) = b.widths().await;
    assert_eq!(inner, 360);
    assert!(
        scroll <= 361,
        "the catalogue scrolls sideways at 360 px: {}",
        b.overflowing().await
    );
    b.shot("catalogue-search-360.png").await;

    let tinh = app.api_demo("tinh").await;
    let (s, n) = tinh
        .post("/api/v1/news", json!({"title": "Hội chợ OCOP Tây Bắc mở rộng tại Lai Châu", "summary": "Đăng ký gian hàng trước 15/12.",
                                      "body": "Sở Công Thương mời các chủ thể OCOP đăng ký gian hàng.", "category": "fair"}))
        .await;
    assert_eq!(s, 201, "{n}");
    let id = n["id"].as_i64().unwrap();
    let (s, _) = tinh
        .post(&format!("/api/v1/news/{id}/publish"), json!({"version": 1}))
        .await;
    assert_eq!(s, 200);
    b.goto("/news").await;
    let list = b.text("#news-list").await;
    assert!(
        list.contains("Hội chợ OCOP Tây Bắc mở rộng tại Lai Châu"),
        "{list}"
    );
    assert!(
        list.contains("Mở đợt đánh giá, phân hạng sản phẩm OCOP tỉnh Lai Châu năm 2026"),
        "demo news: {list}"
    );
    assert!(
        !list.contains("Kết quả đánh giá, phân hạng sản phẩm OCOP đợt 1 năm 2026"),
        "a draft is not public: {list}"
    );
    let (scroll, _) = b.widths().await;
    assert!(
        scroll <= 361,
        "the news list scrolls sideways at 360 px: {}",
        b.overflowing().await
    );
    b.shot("news-360.png").await;
    b.click_link("Hội chợ OCOP Tây Bắc mở rộng tại Lai Châu")
        .await;
    b.wait_path("the news item", |p| p == format!("/news/{id}"))
        .await;
    assert!(b.text("#news-item").await.contains("mời các chủ thể OCOP"));
    b.quit().await;
}

/// The province officer records a support on the page at 360 px: proposes it,
/// approves it, disburses; a disbursement above the approved amount is refused with
/// a warning until a reason is given, which is then shown.
#[tokio::test]
async fn browser_officer_records_a_support_with_approval_and_over_disbursement() {
    use crate::browser::{skipped, Browser};
    if skipped("browser_officer_records_a_support_with_approval_and_over_disbursement") {
        return;
    }
    let app = TestApp::with_demo().await;
    let b = Browser::start(&app).await;
    b.phone(360, 800).await;
    b.login("tinh", ocop_store::demo::DEMO_PASSWORD).await;
    b.goto("/supports").await;
    assert!(
        b.text("#support-table")
            .await
            .contains("Đăng ký nhãn hiệu tập thể"),
        "demo supports listed"
    );
    let producer = ocop_store::entities::producer::Entity::find()
        .filter(ocop_store::entities::producer::Column::Name.eq("HTX Thanh Xuân (demo)"))
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    b.choose("#s-producer", &producer.id.to_string()).await;
    b.fill("#s-title", "Hỗ trợ máy ép mía và nồi nấu đường phên")
        .await;
    b.choose("#s-kind", "equipment").await;
    b.choose("#s-policy", "nq-63-2023").await;
    b.choose("#s-source", "provincial").await;
    b.fill("#s-planned", "80.000.000").await;
    b.click("#s-save").await;
    let path = b
        .wait_path("the new support", |p| {
            p.strip_prefix("/supports/")
                .is_some_and(|id| !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()))
        })
        .await;
    assert_eq!(b.text("#s-status").await, "Đề xuất");
    b.choose("#m-action", "approve").await;
    b.fill("#m-amount", "50.000.000").await;
    b.click("#m-save").await;
    b.wait_text("#s-status", "Đã phê duyệt").await;
    b.choose("#m-action", "disburse").await;
    b.fill("#m-amount", "30.000.000").await;
    b.click("#m-save").await;
    b.wait_text("#s-status", "Đang giải ngân").await;
    b.choose("#m-action", "disburse").await;
    b.fill("#m-amount", "30.000.000").await;
    b.click("#m-save").await;
    let warn = b.wait_text("#support-error", "Cảnh báo").await;
    assert!(
        warn.contains("60.000.000 đ") && warn.contains("10.000.000 đ"),
        "{warn}"
    );
    assert_eq!(
        b.text("#s-disbursed").await,
        "30.000.000 đ",
        "nothing disbursed without a reason"
    );
    let (scroll, _) = b.widths().await;
    assert!(
        scroll <= 361,
        "the support page scrolls sideways at 360 px: {}",
        b.overflowing().await
    );
    b.shot("support-over-disbursement-360.png").await;
    b.choose("#m-action", "disburse").await;
    b.fill("#m-reason", "Giá thiết bị tăng so với dự toán")
        .await;
    b.click("#m-save").await;
    b.wait_text("#s-disbursed", "60.000.000 đ").await;
    assert!(b
        .text("#s-reason")
        .await
        .contains("Giá thiết bị tăng so với dự toán"));
    assert_eq!(b.path().await, path);
    b.quit().await;
}
