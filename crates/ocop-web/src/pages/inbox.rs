//! The user's inbox of notifications, and the administrator's view of the e-mail outbox.

use super::{redirect_with_flash, render, Layout};
use crate::auth::{Ctx, Posted};
use crate::error::AppError;
use crate::i18n::t;
use crate::AppState;
use askama::Template;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/inbox/read", post(mark_read))
        .route("/admin/outbox", get(outbox))
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    l: Layout,
    rows: Vec<(String, String, String, String, bool)>,
}

async fn inbox(ctx: Ctx) -> Result<Response, AppError> {
    let (_, u) = ctx.require()?;
    let rows = ocop_store::notify::inbox(&ctx.state.db.conn, u.id)
        .await?
        .into_iter()
        .map(|n| {
            (
                ocop_domain::format::datetime_vn(n.created_at),
                n.title,
                n.body,
                n.link,
                n.read_at.is_none(),
            )
        })
        .collect();
    render(&InboxPage {
        l: Layout::new(&ctx, t(ctx.lang, "inbox.title")),
        rows,
    })
}

async fn mark_read(posted: Posted) -> Result<Response, AppError> {
    let (_, u) = posted.ctx.require()?;
    ocop_store::notify::mark_all_read(&posted.ctx.state.db.conn, u.id).await?;
    Ok(redirect_with_flash("/inbox", "saved"))
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    l: Layout,
    rows: Vec<(String, String, String, i32, String, String)>,
}

async fn outbox(ctx: Ctx) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    if !p.is_admin() {
        return Err(AppError::Forbidden);
    }
    let rows = ocop_store::notify::outbox_rows(&ctx.state.db.conn)
        .await?
        .into_iter()
        .map(|m| {
            (
                ocop_domain::format::datetime_vn(m.created_at),
                m.to_email,
                m.subject,
                m.attempts,
                m.sent_at
                    .map(ocop_domain::format::datetime_vn)
                    .unwrap_or_default(),
                m.last_error.unwrap_or_default(),
            )
        })
        .collect();
    render(&OutboxPage {
        l: Layout::new(&ctx, t(ctx.lang, "inbox.outbox")),
        rows,
    })
}
