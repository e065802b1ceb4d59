//! Notifications: the inbox after workflow steps, the daily lifecycle job of
//! certificates (once per day and notice), and e-mail delivery to a local SMTP sink
//! with retries when the relay is down.

use crate::common::*;
use base64::Engine;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A minimal SMTP server on loopback that records the DATA of each message.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let store = got.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut r = BufReader::new(r);
                let _ = w.write_all(b"220 sink\r\n").await;
                let mut data = String::new();
                let mut in_data = false;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                        break;
                    }
                    if in_data {
                        if line == ".\r\n" {
                            in_data = false;
                            store.lock().unwrap().push(std::mem::take(&mut data));
                            let _ = w.write_all(b"250 queued\r\n").await;
                        } else {
                            data.push_str(&line);
                        }
                        continue;
                    }
                    let reply: &[u8] = if line.starts_with("EHLO") {
                        b"250-sink\r\n250 OK\r\n"
                    } else if line.starts_with("DATA") {
                        in_data = true;
                        b"354 go on\r\n"
                    } else if line.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (port, got)
}

#[tokio::test]
async fn mail_reaches_the_relay_and_failures_are_retried() {
    let app = TestApp::new().await;
    let db = &app.db.conn;
    ocop_store::notify::enqueue(
        db,
        "htx@example.vn",
        "Hồ sơ #1: cần bổ sung",
        "Thiếu giấy chứng nhận ATTP",
    )
    .await
    .unwrap();
    // The relay is down: the message stays, with its error and a later attempt.
    let down = ocop_store::notify::Smtp {
        host: "127.0.0.1".into(),
        port: 1,
        from: "ocop@example.vn".into(),
    };
    assert_eq!(
        ocop_store::notify::deliver_due(db, &down).await.unwrap(),
        (0, 1)
    );
    let row = ocop_store::notify::outbox_rows(db).await.unwrap().remove(0);
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.is_some());
    assert!(row.sent_at.is_none());
    assert!(row.next_attempt_at > ocop_store::now());
    // Not due yet: nothing is tried.
    let (port, got) = smtp_sink().await;
    let up = ocop_store::notify::Smtp {
        host: "127.0.0.1".into(),
        port,
        from: "ocop@example.vn".into(),
    };
    assert_eq!(
        ocop_store::notify::deliver_due(db, &up).await.unwrap(),
        (0, 0)
    );
    // Due again (as time passes), then delivered with its Vietnamese subject intact.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    ocop_store::entities::outbox::Entity::update_many()
        .col_expr(
            ocop_store::entities::outbox::Column::NextAttemptAt,
            sea_orm::sea_query::Expr::value(ocop_store::now()),
        )
        .filter(ocop_store::entities::outbox::Column::Id.eq(row.id))
        .exec(db)
        .await
        .unwrap();
    assert_eq!(
        ocop_store::notify::deliver_due(db, &up).await.unwrap(),
        (1, 0)
    );
    let msgs = got.lock().unwrap().clone();
    assert_eq!(msgs.len(), 1);
    let subject_b64 = msgs[0]
        .lines()
        .find_map(|l| l.strip_prefix("Subject: =?UTF-8?B?"))
        .unwrap()
        .trim_end_matches("?=");
    let subject = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(subject_b64)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(subject, "Hồ sơ #1: cần bổ sung");
    assert!(ocop_store::notify::outbox_rows(db).await.unwrap()[0]
        .sent_at
        .is_some());
    // Sent mail is not sent twice.
    assert_eq!(
        ocop_store::notify::deliver_due(db, &up).await.unwrap(),
        (0, 0)
    );
}

#[tokio::test]
async fn the_daily_job_tells_producers_and_officers_once() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let today = ocop_domain::format::today_vn();
    let r = ocop_store::notify::lifecycle(db, today).await.unwrap();
    assert!(
        r.window_open + r.expired >= 1,
        "the demo has expiring or expired certificates: {r:?}"
    );
    let again = ocop_store::notify::lifecycle(db, today).await.unwrap();
    assert_eq!(again, Default::default(), "each notice once");
    let tinh = ocop_store::users::find_by_username(db, "tinh")
        .await
        .unwrap()
        .unwrap();
    let inbox = ocop_store::notify::inbox(db, tinh.id).await.unwrap();
    assert!(
        inbox
            .iter()
            .any(|n| n.title.contains("đánh giá lại") || n.title.contains("hết hạn")),
        "{inbox:?}"
    );
    // The page shows them and marks them read.
    let web = app.web_as("tinh", "demo-ocop-2026").await;
    let (s, html) = web.get_text("/inbox").await;
    assert_eq!(s, 200);
    assert!(html.contains("id=\"inbox\""));
    assert!(ocop_store::notify::unread(db, tinh.id).await.unwrap() > 0);
    assert_eq!(
        web.post_form("/inbox", "/inbox/read", &[]).await.status(),
        303
    );
    assert_eq!(ocop_store::notify::unread(db, tinh.id).await.unwrap(), 0);
    // Only one instance claims a day's run.
    let key = format!("lifecycle:{today}");
    assert!(ocop_store::notify::claim(db, &key).await.unwrap());
    assert!(!ocop_store::notify::claim(db, &key).await.unwrap());
}

#[tokio::test]
async fn a_dossier_step_lands_in_the_producers_inbox() {
    let app = TestApp::with_demo().await;
    let db = &app.db.conn;
    let chuthe = ocop_store::users::find_by_username(db, "chuthe")
        .await
        .unwrap()
        .unwrap();
    let product = ocop_store::registry::list_products(
        db,
        &ocop_domain::roles::Scope::Producer {
            producer_id: chuthe.producer_id.unwrap(),
        },
        &ocop_store::registry::ProductFilter {
            page: 1,
            per_page: 50,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items;
    // One without a certificate in force (a certified product opens follow-ups only).
    let mut free = None;
    for p in product {
        if ocop_store::certificates::current_of(db, p.id)
            .await
            .unwrap()
            .is_none()
        {
            free = Some(p);
            break;
        }
    }
    let product = free.expect("an uncertified product of the cooperative");
    let lib = ocop_domain::rulebook::Library::embedded();
    let actor = ocop_store::audit::Actor::system("test");
    let d = ocop_store::dossiers::create(
        db,
        &lib,
        &actor,
        product.id,
        ocop_domain::dossier::Kind::FirstEvaluation,
        4,
        "QD26-2026",
        ocop_domain::format::today_vn(),
    )
    .await
    .unwrap();
    attach_required_docs(&app, d.id).await;
    let before = ocop_store::notify::inbox(db, chuthe.id)
        .await
        .unwrap()
        .len();
    ocop_store::dossiers::transition(
        db,
        &lib,
        &actor,
        ocop_domain::roles::Role::Producer,
        d.id,
        1,
        &ocop_domain::dossier::Event::Submit,
        ocop_domain::format::today_vn(),
    )
    .await
    .ok()
    .unwrap();
    let inbox = ocop_store::notify::inbox(db, chuthe.id).await.unwrap();
    assert_eq!(inbox.len(), before + 1);
    assert!(inbox[0].title.contains(&format!("Hồ sơ #{}", d.id)));
    assert_eq!(inbox[0].link, format!("/dossiers/{}", d.id));
}
