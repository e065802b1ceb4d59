//! Criteria sheets and the scoring calculator through the API.

use crate::common::*;
use ocop_domain::roles::Role;
use serde_json::{json, Value};

async fn viewer() -> (TestApp, Api) {
    let app = TestApp::new().await;
    app.user("viewer1", Role::Viewer, None, None).await;
    let api = app.api_as("viewer1").await;
    (app, api)
}

/// Best option of every criterion of a sheet tree (first case of each alternative).
fn best_choices(tree: &Value) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    let mut alt_seen = std::collections::HashSet::new();
    for p in tree["parts"].as_array().unwrap() {
        for s in p["sections"].as_array().unwrap() {
            for c in s["criteria"].as_array().unwrap() {
                if let Some(a) = c["alternative"].as_object() {
                    if !alt_seen.insert(a["section"].as_str().unwrap().to_string()) {
                        continue;
                    }
                }
                let v = if c["kind"] == "yes_no" {
                    json!("yes")
                } else {
                    let best = c["options"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .max_by_key(|o| o["points"].as_i64().unwrap())
                        .unwrap();
                    best["id"].clone()
                };
                m.insert(c["id"].as_str().unwrap().to_string(), v);
            }
        }
    }
    m
}

#[tokio::test]
async fn sets_of_the_rulebook_in_force_and_a_sheet_tree() {
    let (_app, api) = viewer().await;
    let (s, sets) = api.get("/api/v1/criteria/sets").await;
    assert_eq!(s, 200);
    let sets = sets.as_array().unwrap();
    assert_eq!(sets.len(), 26);
    assert_eq!(sets[0]["code"], "QD26-01");
    assert_eq!(sets[0]["sector"], "Thực phẩm");
    let (s, tree) = api.get("/api/v1/criteria/sets/QD26-01").await;
    assert_eq!(s, 200);
    assert_eq!(tree["rulebook"], "QD26-2026");
    let parts: Vec<i64> = tree["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["max_points"].as_i64().unwrap())
        .collect();
    assert_eq!(parts, vec![40, 25, 35]);
    let first = &tree["parts"][0]["sections"][0]["criteria"][0];
    assert_eq!(first["id"], "QD26-01:1.1");
    assert!(first["options"][0]["id"]
        .as_str()
        .unwrap()
        .starts_with("QD26-01:1.1/"));
    // Alternatives are marked on set 26.
    let (_, t26) = api.get("/api/v1/criteria/sets/QD26-26").await;
    let text = t26.to_string();
    assert!(
        text.contains("\"alternative\":{\"case\":\"a\",\"section\":\"8\"}")
            || text.contains("\"section\":\"8\""),
        "{text}"
    );
    let (s, _) = api.get("/api/v1/criteria/sets/QD26-99").await;
    assert_eq!(s, 404);
    let (s, rbs) = api.get("/api/v1/rulebooks").await;
    assert_eq!(s, 200);
    assert_eq!(rbs.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn evaluate_best_sheet_gives_five_stars_and_spread() {
    let (_app, api) = viewer().await;
    let (_, tree) = api.get("/api/v1/criteria/sets/QD26-01").await;
    let best = best_choices(&tree);
    let (s, r) = api
        .post("/api/v1/scoring/evaluate", json!({"set": "QD26-01", "sheets": [{"member": "m1", "choices": best}, {"member": "m2", "choices": {}}], "knockouts": []}))
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["members"][0]["total"], 100);
    assert_eq!(r["members"][0]["parts"]["A"], 40);
    assert_eq!(r["members"][1]["total"], 0);
    assert_eq!(r["average"], 50.0);
    assert_eq!(r["band_stars"], 3);
    assert_eq!(r["spread"], 100);
    assert_eq!(r["spread_exceeds_limit"], true);
    // The mean halves every criterion: 3-star marks on options worth more than half fail.
    assert!(r["stars"].as_i64().unwrap() <= 3);
    let (s, r) = api
        .post(
            "/api/v1/scoring/evaluate",
            json!({"set": "QD26-01", "sheets": [{"member": "m1", "choices": best}]}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(r["stars"], 5);
    assert_eq!(r["recognised"], true);
    assert_eq!(r["unmet"].as_array().unwrap().len(), 0);
    let (_, r) = api
        .post("/api/v1/scoring/evaluate", json!({"set": "QD26-01", "sheets": [{"member": "m1", "choices": best}], "knockouts": ["forged_dossier"]}))
        .await;
    assert_eq!(r["stars"], 0);
    assert_eq!(r["recognised"], false);
}

#[tokio::test]
async fn bad_requests_name_the_offending_id() {
    let (_app, api) = viewer().await;
    let cases = [
        (
            json!({"set": "QD26-77", "sheets": [{"member": "a", "choices": {}}]}),
            "QD26-77",
        ),
        (
            json!({"set": "QD26-01", "sheets": [{"member": "a", "choices": {"QD26-02:1.1": "QD26-02:1.1/1"}}]}),
            "QD26-02:1.1",
        ),
        (
            json!({"set": "QD26-01", "sheets": [{"member": "a", "choices": {"QD26-01:1.1": "QD26-01:1.2/1"}}]}),
            "QD26-01:1.2/1",
        ),
        (
            json!({"set": "QD26-01", "sheets": [{"member": "a", "choices": {"QD26-01:1.1": ["QD26-01:1.1/1", "QD26-01:1.1/2"]}}]}),
            "QD26-01:1.1",
        ),
        (
            json!({"set": "QD26-01", "rulebook": "QD148-2023", "sheets": [{"member": "a", "choices": {}}]}),
            "QD26-01",
        ),
    ];
    for (body, id) in cases {
        let (s, r) = api.post("/api/v1/scoring/evaluate", body.clone()).await;
        assert_eq!(s, 422, "{body} → {r}");
        assert_eq!(r["error"]["id"], id, "{r}");
        assert!(r["error"]["message"].as_str().unwrap().contains(id), "{r}");
    }
    // The same criterion twice in one JSON object is two options, not a silent overwrite.
    let raw = r#"{"set":"QD26-01","sheets":[{"member":"a","choices":{"QD26-01:1.1":"QD26-01:1.1/1","QD26-01:1.1":"QD26-01:1.1/3"}}]}"#;
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/scoring/evaluate", api.base))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let (s, _) = api
        .post("/api/v1/scoring/evaluate", json!({"set": "QD26-01"}))
        .await;
    assert_eq!(s, 400, "a body without sheets is malformed");
}

#[tokio::test]
async fn the_calculator_needs_a_login() {
    let app = TestApp::new().await;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/scoring/evaluate"))
        .json(&json!({"set": "QD26-01", "sheets": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn criteria_pages_show_the_rulebooks_and_the_printed_sheet() {
    let app = TestApp::new().await;
    app.user("viewer1", Role::Viewer, None, None).await;
    let web = app.web_as("viewer1", PW).await;
    let (s, html) = web.get_text("/criteria").await;
    assert_eq!(s, 200);
    for id in ["QD26-2026", "QD148-1489-2025", "QD148-2023"] {
        assert!(html.contains(id), "{id}");
    }
    assert!(html.contains("Đang có hiệu lực"));
    let (s, html) = web.get_text("/criteria/QD26-11").await;
    assert_eq!(s, 200);
    assert!(html.contains("6.1.1"), "sub-criteria of the tea sheet");
    assert!(html.contains("★★★★"), "mandatory marks");
    assert!(
        !html.contains("Cấp xã đánh giá"),
        "QĐ 26/2026 Art. 7.2: the commune assesses without points"
    );
    assert!(html.contains("TỔNG CỘNG"));
    // Under QĐ 148 as amended by QĐ 1489 the commune scored the community criteria.
    let (s, html) = web
        .get_text("/criteria/QD148-01?rulebook=QD148-1489-2025")
        .await;
    assert_eq!(s, 200);
    assert!(
        html.contains("Cấp xã đánh giá"),
        "commune-scored criteria are marked"
    );
    let (s, _) = web.get_text("/criteria/QD26-99").await;
    assert_eq!(s, 404);
    let (s, _) = web.get_text("/criteria/QD26-01?rulebook=QD148-2023").await;
    assert_eq!(s, 404, "QĐ 26 sheets do not belong to QĐ 148");
}

/// The id of the demo product "Chè Shan tuyết cổ thụ Sà Dề Phìn" (set QD26-11) of `chuthe`.
async fn tea_product(app: &TestApp) -> i64 {
    use ocop_domain::roles::Scope;
    let page = ocop_store::registry::list_products(
        &app.db.conn,
        &Scope::All,
        &ocop_store::registry::ProductFilter {
            q: Some("Trà Ô long Tam Đường".into()),
            page: 1,
            per_page: 5,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    page.items[0].id
}

#[tokio::test]
async fn a_producer_self_assesses_saves_and_comes_back() {
    let app = TestApp::with_demo().await;
    let id = tea_product(&app).await;
    let web = app.web_as("chuthe", "demo-ocop-2026").await;
    let path = format!("/products/{id}/self-assessment");
    let (s, html) = web.get_text(&path).await;
    assert_eq!(s, 200);
    assert!(html.contains("QD26-11"), "the sheet of the product's set");
    assert!(html.contains("Tổng điểm: 0/100"));
    // The running total (what htmx asks for on every change).
    let token = extract_csrf(&html);
    let fields = [
        ("QD26-11:1.1", "QD26-11:1.1/3"),
        ("QD26-11:2.4", "yes"),
        ("QD26-11:6.1.1", "QD26-11:6.1.1/3"),
    ];
    let r = web
        .client
        .post(app.url(&format!("{path}/preview")))
        .header("x-csrf-token", &token)
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let frag = r.text().await.unwrap();
    let (_, _, c61) = app_sheet("QD26-11", "QD26-11:6.1.1");
    let expected = 3 + 1 + c61;
    assert!(
        frag.contains(&format!("Tổng điểm: {expected}/100")),
        "{frag}"
    );
    assert!(frag.contains("Để đạt 3 ★"), "what the next star needs");
    // Save, then the page shows the saved answers ticked.
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("version", "0"));
    form.push(("csrf_token", &token));
    let r = web
        .client
        .post(app.url(&path))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, html) = web.get_text(&path).await;
    assert!(
        html.contains(&format!("Tổng điểm: {expected}/100")),
        "saved answers come back"
    );
    assert!(html.contains("value=\"QD26-11:1.1/3\" checked"));
    // Saving again with the old version is a conflict, not an overwrite.
    let r = web
        .client
        .post(app.url(&path))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let (_, html) = web.get_text(&format!("/products/{id}")).await;
    assert!(
        html.contains("Lưu bản tự đánh giá"),
        "the history records the self-assessment"
    );
}

/// Points of the best option of a criterion (to compute expected totals).
fn app_sheet(code: &str, criterion: &str) -> (String, String, i64) {
    let lib = ocop_domain::rulebook::Library::embedded();
    let sheet = lib.sheet(code).unwrap().unwrap();
    let (_, _, c) = sheet.criterion(criterion).unwrap();
    let o = c
        .options
        .iter()
        .find(|o| o.id == format!("{criterion}/3"))
        .unwrap();
    (c.id.clone(), o.id.clone(), o.points as i64)
}

#[tokio::test]
async fn others_may_read_but_not_change_a_self_assessment() {
    let app = TestApp::with_demo().await;
    let id = tea_product(&app).await;
    let path = format!("/products/{id}/self-assessment");
    // A viewer of the province sees it read-only and cannot save.
    let web = app.web_as("xem", "demo-ocop-2026").await;
    let (s, html) = web.get_text(&path).await;
    assert_eq!(s, 200);
    assert!(html.contains("disabled"), "options are read-only");
    assert!(!html.contains("id=\"sa-save\""));
    let r = web
        .post_form(
            &path,
            &path,
            &[("QD26-11:1.1", "QD26-11:1.1/3"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status(), 403);
    // Another producer cannot even open it.
    let other = ocop_store::registry::list_producers(
        &app.db.conn,
        &ocop_domain::roles::Scope::All,
        &ocop_store::registry::ProducerFilter {
            q: Some("Thanh Xuân".into()),
            page: 1,
            per_page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items[0]
        .id;
    app.user("other.producer", Role::Producer, None, Some(other))
        .await;
    let web = app.web_as("other.producer", PW).await;
    let (s, html) = web.get_text(&path).await;
    assert_eq!(s, 404, "a forbidden record reads as a missing one");
    assert!(!html.contains("Sà Dề Phìn"));
}
