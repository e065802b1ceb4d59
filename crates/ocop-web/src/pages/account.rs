//! Login, logout and the user's own account (password change).

use super::{redirect_with_flash, render, safe_next, FormState, Layout};
use crate::auth::{set_cookie, ClientIp, Ctx, Posted, CSRF_COOKIE, SESSION_COOKIE};
use crate::error::AppError;
use crate::i18n::t;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use ocop_store::users::{self, LoginError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", axum::routing::post(logout))
        .route("/account", get(account_page).post(change_password))
        .route("/account/tokens", axum::routing::post(create_token))
        .route(
            "/account/tokens/{id}/revoke",
            axum::routing::post(revoke_token),
        )
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    username: String,
    next: String,
    error: Option<String>,
    info: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
}

fn with_cookie(mut r: Response, c: String) -> Response {
    if let Ok(v) = HeaderValue::from_str(&c) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// Gives the login form a CSRF token bound to a cookie (there is no session yet).
fn login_page(
    mut ctx: Ctx,
    status: StatusCode,
    username: String,
    next: String,
    error: Option<String>,
    info: Option<String>,
) -> Result<Response, AppError> {
    let token = match &ctx.anon_csrf {
        Some(t) if t.len() >= 32 => t.clone(),
        _ => users::random_token(24),
    };
    ctx.anon_csrf = Some(token.clone());
    // The login page never shows the (stale) session's token.
    ctx.session = None;
    let l = Layout::new(&ctx, t(ctx.lang, "login.title"));
    let secure = ctx.state.cfg.secure_cookies;
    let page = LoginPage {
        l,
        username,
        next,
        error,
        info,
    };
    let mut r = render(&page)?;
    *r.status_mut() = status;
    Ok(with_cookie(
        r,
        set_cookie(CSRF_COOKIE, &token, Some(2 * 3600), secure),
    ))
}

async fn login_form(ctx: Ctx, Query(q): Query<LoginQuery>) -> Result<Response, AppError> {
    if ctx.principal.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let info = if q.expired.is_some() || ctx.expired {
        Some(t(ctx.lang, "login.expired").to_string())
    } else if q.next.as_deref().is_some_and(|n| n != "/") {
        Some(t(ctx.lang, "login.required").to_string())
    } else {
        None
    };
    let next = safe_next(q.next.as_deref());
    login_page(ctx, StatusCode::OK, String::new(), next, None, info)
}

async fn login(ClientIp(ip): ClientIp, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let username = fields.get("username").trim().to_string();
    let password = fields.get("password").to_string();
    let next = safe_next(Some(fields.get("next")));
    let lang = ctx.lang;
    let throttle = ctx.state.login_throttle.clone();
    if !throttle.begin(ip) {
        tracing::warn!(%ip, "login throttled");
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        let msg = t(lang, "login.throttled").to_string();
        return login_page(
            ctx,
            StatusCode::TOO_MANY_REQUESTS,
            username,
            next,
            Some(msg),
            None,
        );
    }
    let result = users::authenticate(&ctx.state.db.conn, &username, &password).await?;
    match result {
        Ok(user) => {
            throttle.succeeded(ip);
            let (token, _) = users::create_session(&ctx.state.db.conn, user.id).await?;
            tracing::info!(user = %user.username, "login");
            let r = redirect_with_flash(&next, "welcome");
            let secure = ctx.state.cfg.secure_cookies;
            Ok(with_cookie(
                r,
                set_cookie(SESSION_COOKIE, &token, None, secure),
            ))
        }
        Err(e) => {
            tracing::info!(user = %username, reason = ?e, %ip, "login refused");
            // Slow down guessing without blocking the server.
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            // A locked account gets the wrong-password answer: the lock must not
            // reveal which usernames exist.
            let msg = match e {
                LoginError::BadCredentials | LoginError::Locked { .. } => {
                    t(lang, "login.bad").to_string()
                }
                LoginError::Disabled => t(lang, "login.disabled").to_string(),
            };
            login_page(
                ctx,
                StatusCode::UNAUTHORIZED,
                username,
                next,
                Some(msg),
                None,
            )
        }
    }
}

async fn logout(posted: Posted) -> Result<Response, AppError> {
    if let Some(s) = &posted.ctx.session {
        users::delete_session_by_hash(&posted.ctx.state.db.conn, &s.id_hash).await?;
    }
    Ok(with_cookie(
        redirect_with_flash("/login", "logged_out"),
        set_cookie(
            SESSION_COOKIE,
            "",
            Some(0),
            posted.ctx.state.cfg.secure_cookies,
        ),
    ))
}

/// A row of the account's API tokens.
struct TokenRow {
    id: i64,
    name: String,
    created: String,
    expires: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    l: Layout,
    username: String,
    role: String,
    scope: String,
    f: FormState,
    tokens: Vec<TokenRow>,
    /// The token form's values and errors.
    tf: FormState,
    /// A token just made: shown once.
    new_token: Option<String>,
}

async fn account_view(ctx: &Ctx, f: FormState) -> Result<AccountPage, AppError> {
    let (p, u) = ctx.require()?;
    let scope = match (&u.unit_code, &u.unit_period) {
        (Some(c), Some(per)) => match ocop_store::units::find(
            &ctx.state.db.conn,
            c,
            per.parse().unwrap_or(ocop_domain::units::Period::Post2025),
        )
        .await?
        {
            Some(unit) => format!("{} ({c})", unit.name),
            None => c.clone(),
        },
        _ => match p.scope {
            ocop_domain::roles::Scope::Producer { producer_id } => format!("#{producer_id}"),
            _ => t(ctx.lang, "dash.scope_all").to_string(),
        },
    };
    let tokens = users::list_tokens(&ctx.state.db.conn, u.id)
        .await?
        .into_iter()
        .map(|tk| TokenRow {
            id: tk.id,
            name: if tk.name.is_empty() {
                format!("#{}", tk.id)
            } else {
                tk.name
            },
            created: ocop_domain::format::datetime_vn(tk.created_at),
            expires: ocop_domain::format::datetime_vn(tk.expires_at),
            last_used: tk
                .last_used_at
                .map(ocop_domain::format::datetime_vn)
                .unwrap_or_else(|| t(ctx.lang, "token.never").to_string()),
        })
        .collect();
    let mut tf = FormState::default();
    tf.set("token_days", users::TOKEN_DAYS.to_string());
    Ok(AccountPage {
        l: Layout::new(ctx, t(ctx.lang, "account.title")),
        username: u.username.clone(),
        role: match ctx.lang {
            crate::i18n::Lang::Vi => p.role.label_vi().to_string(),
            crate::i18n::Lang::En => p.role.label_en().to_string(),
        },
        scope,
        f,
        tokens,
        tf,
        new_token: None,
    })
}

async fn account_page(ctx: Ctx) -> Result<Response, AppError> {
    let page = account_view(&ctx, FormState::default()).await?;
    render(&page)
}

async fn change_password(posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (_, u) = ctx.require()?;
    let old = fields.get("old_password");
    let new = fields.get("new_password");
    let new2 = fields.get("new_password2");
    let mut f = FormState::default();
    if new != new2 {
        f.errors.insert(
            "new_password2".into(),
            t(ctx.lang, "account.mismatch").into(),
        );
    } else if let Err(w) = ocop_domain::passwords::check(new, &u.username, &u.display_name) {
        f.errors.insert("new_password".into(), w.message(ctx.lang));
    } else {
        let keep = ctx.session.as_ref().map(|s| s.id_hash.as_str());
        match users::change_password(&ctx.state.db.conn, u.id, keep, old, new).await? {
            Ok(()) => {
                // This session continues; the user's other sessions and tokens end.
                return Ok(redirect_with_flash("/account", "password_changed"));
            }
            Err("wrong_old") => {
                f.errors.insert(
                    "old_password".into(),
                    t(ctx.lang, "account.wrong_old").into(),
                );
            }
            Err(code) => {
                f.errors.insert(
                    "new_password".into(),
                    t(ctx.lang, &format!("account.{code}")).into(),
                );
            }
        }
    }
    let page = account_view(&ctx, f).await?;
    let mut r = render(&page)?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

/// Makes an API token from the account page; its value is shown once.
async fn create_token(posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (_, u) = ctx.require()?;
    let lang = ctx.lang;
    let name = ocop_domain::text::clean(fields.get("token_name"));
    let days_raw = fields.get("token_days").trim().to_string();
    let mut tf = FormState::from_fields(&fields);
    let days = if days_raw.is_empty() {
        Some(users::TOKEN_DAYS)
    } else {
        days_raw
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=users::TOKEN_MAX_DAYS).contains(d))
    };
    if days.is_none() {
        tf.errors
            .insert("token_days".into(), t(lang, "token.bad_days").into());
    }
    if name.chars().count() > users::TOKEN_NAME_MAX {
        tf.errors
            .insert("token_name".into(), t(lang, "token.name_too_long").into());
    }
    let mut page;
    let status;
    match days.filter(|_| !tf.has_errors()) {
        Some(days) => {
            let (token, _) =
                users::create_named_token(&ctx.state.db.conn, u.id, &name, days).await?;
            tracing::info!(user = %u.username, "API token created from the account page");
            page = account_view(&ctx, FormState::default()).await?;
            page.new_token = Some(token);
            status = StatusCode::OK;
        }
        None => {
            page = account_view(&ctx, FormState::default()).await?;
            page.tf = tf;
            status = StatusCode::UNPROCESSABLE_ENTITY;
        }
    }
    let mut r = render(&page)?;
    *r.status_mut() = status;
    // The token's value must not be kept by any cache.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// Revokes one of the user's own API tokens.
async fn revoke_token(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let ctx = posted.ctx;
    let (_, u) = ctx.require()?;
    if !users::revoke_token(&ctx.state.db.conn, u.id, id).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(user = %u.username, token = id, "API token revoked");
    Ok(redirect_with_flash("/account", "token_revoked"))
}
