//! Notifications: the in-app inbox of every user, and e-mail through an outbox table
//! delivered by a background worker to an SMTP relay (retried with backoff, visible
//! to the administrator). Also the daily lifecycle job of certificates.

use crate::entities::{certificate, job_run, notification, outbox, producer, product, user};
use crate::error::Result;
use chrono::{Duration, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

/// Sends a notification to a user (inbox, and e-mail when the user has an address).
pub async fn to_user<C: ConnectionTrait>(
    c: &C,
    u: &user::Model,
    title: &str,
    body: &str,
    link: &str,
) -> Result<()> {
    notification::ActiveModel {
        user_id: Set(u.id),
        title: Set(title.into()),
        body: Set(body.into()),
        link: Set(link.into()),
        created_at: Set(crate::now()),
        read_at: Set(None),
        ..Default::default()
    }
    .insert(c)
    .await?;
    if let Some(e) = u.email.as_deref().filter(|e| e.contains('@')) {
        enqueue(c, e, title, &format!("{body}\n\n{link}")).await?;
    }
    Ok(())
}

/// Queues an e-mail.
pub async fn enqueue<C: ConnectionTrait>(c: &C, to: &str, subject: &str, body: &str) -> Result<()> {
    let now = crate::now();
    outbox::ActiveModel {
        to_email: Set(to.into()),
        subject: Set(subject.into()),
        body: Set(body.into()),
        attempts: Set(0),
        last_error: Set(None),
        next_attempt_at: Set(now),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// The parties of a producer's record: its producer accounts, and the officers whose
/// area holds it (commune, district, province). The producer's own e-mail gets a copy.
pub async fn parties<C: ConnectionTrait>(
    c: &C,
    producer_id: i64,
) -> Result<(Vec<user::Model>, Option<String>)> {
    let p = producer::Entity::find_by_id(producer_id).one(c).await?;
    let mut out: Vec<user::Model> = user::Entity::find()
        .filter(user::Column::ProducerId.eq(producer_id))
        .filter(user::Column::Disabled.eq(false))
        .all(c)
        .await?;
    if let Some(p) = &p {
        for u in user::Entity::find()
            .filter(user::Column::Disabled.eq(false))
            .filter(user::Column::Role.is_in([
                "commune_officer",
                "district_officer",
                "province_officer",
            ]))
            .all(c)
            .await?
        {
            if u.unit_path.as_deref().is_some_and(|up| {
                p.unit_path.starts_with(up) || p.current_unit_path.starts_with(up)
            }) {
                out.push(u);
            }
        }
    }
    Ok((out, p.and_then(|p| p.email)))
}

/// Notifies every party of a producer's record.
pub async fn to_parties<C: ConnectionTrait>(
    c: &C,
    producer_id: i64,
    title: &str,
    body: &str,
    link: &str,
) -> Result<usize> {
    let (users, producer_email) = parties(c, producer_id).await?;
    for u in &users {
        to_user(c, u, title, body, link).await?;
    }
    if let Some(e) =
        producer_email.filter(|e| !users.iter().any(|u| u.email.as_deref() == Some(e.as_str())))
    {
        enqueue(c, &e, title, body).await?;
    }
    Ok(users.len())
}

pub async fn inbox<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<Vec<notification::Model>> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::Id)
        .limit(200)
        .all(c)
        .await?)
}

pub async fn unread<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(c)
        .await?)
}

pub async fn mark_all_read<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<()> {
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(crate::now()))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(c)
        .await?;
    Ok(())
}

pub async fn outbox_rows<C: ConnectionTrait>(c: &C) -> Result<Vec<outbox::Model>> {
    Ok(outbox::Entity::find()
        .order_by_desc(outbox::Column::Id)
        .limit(200)
        .all(c)
        .await?)
}

/// Where and how to send e-mail.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub from: String,
}

impl Smtp {
    /// From `smtp://host:port`.
    pub fn parse(url: &str, from: &str) -> Option<Smtp> {
        let u = url::Url::parse(url).ok()?;
        (u.scheme() == "smtp").then(|| Smtp {
            host: u.host_str().unwrap_or("localhost").to_string(),
            port: u.port().unwrap_or(25),
            from: from.into(),
        })
    }
}

/// Sends one message over plain SMTP (a relay on the local network).
pub async fn send(
    smtp: &Smtp,
    to: &str,
    subject: &str,
    body: &str,
) -> std::result::Result<(), String> {
    use base64::Engine;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let stream = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        tokio::net::TcpStream::connect((smtp.host.as_str(), smtp.port)),
    )
    .await
    .map_err(|_| "timeout connecting".to_string())?
    .map_err(|e| format!("connect: {e}"))?;
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    async fn expect(
        r: &mut (impl AsyncBufReadExt + Unpin),
        code: &str,
    ) -> std::result::Result<(), String> {
        loop {
            let mut line = String::new();
            let n =
                tokio::time::timeout(std::time::Duration::from_secs(10), r.read_line(&mut line))
                    .await
                    .map_err(|_| "timeout".to_string())?
                    .map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("connection closed".into());
            }
            if !line.starts_with(code) {
                return Err(format!("expected {code}, got {}", line.trim()));
            }
            // Multi-line replies continue with "250-".
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok(());
            }
        }
    }
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
    expect(&mut r, "220").await?;
    for (cmd, code) in [
        ("EHLO ocop\r\n".to_string(), "250"),
        (format!("MAIL FROM:<{}>\r\n", smtp.from), "250"),
        (format!("RCPT TO:<{to}>\r\n"), "250"),
        ("DATA\r\n".to_string(), "354"),
    ] {
        w.write_all(cmd.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        expect(&mut r, code).await?;
    }
    let encoded: String = b64(body)
        .as_bytes()
        .chunks(76)
        .map(|c| format!("{}\r\n", String::from_utf8_lossy(c)))
        .collect();
    let msg = format!(
        "From: OCOP <{}>\r\nTo: <{to}>\r\nSubject: =?UTF-8?B?{}?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}.\r\n",
        smtp.from,
        b64(subject)
    );
    w.write_all(msg.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    expect(&mut r, "250").await?;
    let _ = w.write_all(b"QUIT\r\n").await;
    Ok(())
}

/// Delivers due e-mails; returns (sent, failed). Failures are retried with an
/// exponential backoff, at most 8 attempts.
pub async fn deliver_due<C: ConnectionTrait>(c: &C, smtp: &Smtp) -> Result<(usize, usize)> {
    let now = crate::now();
    let due = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::Attempts.lt(8))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::Id)
        .limit(50)
        .all(c)
        .await?;
    let (mut sent, mut failed) = (0, 0);
    for m in due {
        // Claim the row: another instance that read it too will update nothing.
        let claimed = outbox::Entity::update_many()
            .col_expr(outbox::Column::Attempts, Expr::value(m.attempts + 1))
            .col_expr(
                outbox::Column::NextAttemptAt,
                Expr::value(now + Duration::minutes(2i64.pow(m.attempts.clamp(0, 10) as u32))),
            )
            .filter(outbox::Column::Id.eq(m.id))
            .filter(outbox::Column::Attempts.eq(m.attempts))
            .exec(c)
            .await?;
        if claimed.rows_affected == 0 {
            continue;
        }
        match send(smtp, &m.to_email, &m.subject, &m.body).await {
            Ok(()) => {
                outbox::Entity::update_many()
                    .col_expr(outbox::Column::SentAt, Expr::value(crate::now()))
                    .filter(outbox::Column::Id.eq(m.id))
                    .exec(c)
                    .await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(to = %m.to_email, error = %e, "e-mail not sent; will retry");
                outbox::Entity::update_many()
                    .col_expr(outbox::Column::LastError, Expr::value(e))
                    .filter(outbox::Column::Id.eq(m.id))
                    .exec(c)
                    .await?;
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

/// Takes the lease of a job run; true for the one instance that gets it.
pub async fn claim<C: ConnectionTrait>(c: &C, key: &str) -> Result<bool> {
    let r = job_run::ActiveModel {
        key: Set(key.into()),
        started_at: Set(crate::now()),
        report: Set(String::new()),
    }
    .insert(c)
    .await;
    Ok(r.is_ok())
}

/// What the daily lifecycle job did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LifecycleReport {
    pub window_open: usize,
    pub window_closing: usize,
    pub expired: usize,
}

/// The daily job (safe with several instances: each notice is claimed once):
/// tells the parties when a certificate's re-evaluation window opens (180 days
/// before expiry) and two weeks before it closes (120 days), and marks products whose
/// certificate has expired.
pub async fn lifecycle<C: ConnectionTrait>(c: &C, today: NaiveDate) -> Result<LifecycleReport> {
    let mut report = LifecycleReport::default();
    let horizon = today + Duration::days(ocop_domain::certificates::EXPIRING_DAYS);
    let certs = certificate::Entity::find()
        .filter(certificate::Column::Revoked.eq(false))
        .filter(Condition::all().add(certificate::Column::ExpiresOn.lte(horizon)))
        .all(c)
        .await?;
    for cert in certs {
        let days = (cert.expires_on - today).num_days();
        let link = format!("/certificates/{}", cert.number);
        if (120..=180).contains(&days)
            && claim(c, &format!("cert:{}:window_open", cert.number)).await?
        {
            let title = format!("Mở thời hạn đánh giá lại: {}", cert.product_name);
            let body = format!(
                "Giấy chứng nhận {} hết hạn ngày {}. Hồ sơ đánh giá lại nộp từ 180 đến 120 ngày trước khi hết hạn (QĐ 26/2026).",
                cert.number,
                ocop_domain::format::date_vn(cert.expires_on)
            );
            to_parties(c, cert.producer_id, &title, &body, &link).await?;
            report.window_open += 1;
        }
        if (120..=134).contains(&days)
            && claim(c, &format!("cert:{}:window_closing", cert.number)).await?
        {
            let title = format!(
                "Sắp hết thời hạn nộp hồ sơ đánh giá lại: {}",
                cert.product_name
            );
            let body = format!(
                "Còn {} ngày để nộp hồ sơ đánh giá lại cho giấy chứng nhận {}.",
                days - 120,
                cert.number
            );
            to_parties(c, cert.producer_id, &title, &body, &link).await?;
            report.window_closing += 1;
        }
        if days < 0 && claim(c, &format!("cert:{}:expired", cert.number)).await? {
            product::Entity::update_many()
                .col_expr(product::Column::Status, Expr::value("expired"))
                .filter(product::Column::Id.eq(cert.product_id))
                .filter(product::Column::Status.eq("certified"))
                .exec(c)
                .await?;
            let title = format!("Giấy chứng nhận đã hết hạn: {}", cert.product_name);
            let body = format!(
                "Giấy chứng nhận {} đã hết hạn ngày {}.",
                cert.number,
                ocop_domain::format::date_vn(cert.expires_on)
            );
            to_parties(c, cert.producer_id, &title, &body, &link).await?;
            report.expired += 1;
        }
    }
    Ok(report)
}
