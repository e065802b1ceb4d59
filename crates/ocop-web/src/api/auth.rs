//! `POST /api/v1/auth/token`, `GET /api/v1/me` and the caller's API tokens
//! (`GET /api/v1/me/tokens`, `DELETE /api/v1/me/tokens/{id}`).

use crate::auth::{ApiJson, ApiUser, ClientIp};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use ocop_store::users::{self, LoginError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/token", post(token))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/tokens", get(list_tokens))
        .route("/api/v1/me/tokens/{id}", delete(revoke_token))
}

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
    /// What the token is for (shown in the token list); at most 80 characters.
    #[serde(default)]
    pub name: Option<String>,
    /// Lifetime in days, 1–365; 90 when absent.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 365)]
    pub expires_in_days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: String,
    /// The token's id in `GET /api/v1/me/tokens` (to revoke it).
    pub id: i64,
    pub name: String,
}

/// The answer to a wrong password, an unknown user and a locked account alike: the
/// lock must not reveal which usernames exist.
fn bad_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "wrong username or password",
    )
}

/// Field errors of a token request.
fn token_field_errors(req: &TokenRequest) -> Option<ApiError> {
    let mut fields = serde_json::Map::new();
    if let Some(d) = req.expires_in_days {
        if !(1..=users::TOKEN_MAX_DAYS).contains(&d) {
            fields.insert(
                "expires_in_days".into(),
                serde_json::json!({"code": "out_of_range",
                    "message": format!("between 1 and {} days", users::TOKEN_MAX_DAYS),
                    "message_vi": format!("từ 1 đến {} ngày", users::TOKEN_MAX_DAYS)}),
            );
        }
    }
    if let Some(n) = &req.name {
        if n.chars().count() > users::TOKEN_NAME_MAX {
            fields.insert(
                "name".into(),
                serde_json::json!({"code": "too_long",
                    "message": format!("at most {} characters", users::TOKEN_NAME_MAX),
                    "message_vi": format!("tối đa {} ký tự", users::TOKEN_NAME_MAX)}),
            );
        }
    }
    if fields.is_empty() {
        return None;
    }
    let names: Vec<String> = fields.keys().cloned().collect();
    let mut e = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        format!("invalid fields: {}", names.join(", ")),
    );
    e.fields = Some(serde_json::Value::Object(fields));
    Some(e)
}

/// Exchanges a username and password for an API token. A wrong password, an
/// unknown user and a locked account get the same 401; too many failures from one
/// address get 429.
#[utoipa::path(post, path = "/api/v1/auth/token", request_body = TokenRequest, security(),
    responses((status = 200, body = TokenResponse), (status = 401, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub async fn token(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    if let Some(e) = token_field_errors(&req) {
        return Err(e);
    }
    if !st.login_throttle.begin(ip) {
        tracing::warn!(%ip, "login throttled");
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many failed logins from this address; try again in 15 minutes",
        ));
    }
    match users::authenticate(&st.db.conn, &req.username, &req.password).await? {
        Ok(u) => {
            st.login_throttle.succeeded(ip);
            let (token, t) = users::create_named_token(
                &st.db.conn,
                u.id,
                req.name.as_deref().unwrap_or(""),
                req.expires_in_days.unwrap_or(users::TOKEN_DAYS),
            )
            .await?;
            Ok(Json(TokenResponse {
                token,
                expires_at: t.expires_at.to_rfc3339(),
                id: t.id,
                name: t.name,
            }))
        }
        Err(LoginError::Disabled) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "account_disabled",
            "this account is disabled",
        )),
        Err(e @ (LoginError::BadCredentials | LoginError::Locked { .. })) => {
            tracing::info!(user = %req.username, reason = ?e, %ip, "token refused");
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            Err(bad_credentials())
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit_code: Option<String>,
    pub unit_period: Option<String>,
    pub producer_id: Option<i64>,
}

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, body = super::ErrorBody)))]
pub async fn me(u: ApiUser) -> Json<Me> {
    let m = u.user;
    Json(Me {
        id: m.id,
        username: m.username,
        display_name: m.display_name,
        role: m.role,
        unit_code: m.unit_code,
        unit_period: m.unit_period,
        producer_id: m.producer_id,
    })
}

/// One of the caller's API tokens (never its value).
#[derive(Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub expires_at: String,
    /// Last request made with it (to the minute); null if never used.
    pub last_used_at: Option<String>,
    /// The token of this request.
    pub current: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    pub items: Vec<TokenInfo>,
    pub total: u64,
}

/// The caller's API tokens that have not expired, newest first.
#[utoipa::path(get, path = "/api/v1/me/tokens", responses((status = 200, body = TokenList), (status = 401, body = super::ErrorBody)))]
pub async fn list_tokens(
    State(st): State<AppState>,
    u: ApiUser,
) -> Result<Json<TokenList>, ApiError> {
    let items: Vec<TokenInfo> = users::list_tokens(&st.db.conn, u.user.id)
        .await?
        .into_iter()
        .map(|t| TokenInfo {
            current: t.id == u.token_id,
            id: t.id,
            name: t.name,
            created_at: t.created_at.to_rfc3339(),
            expires_at: t.expires_at.to_rfc3339(),
            last_used_at: t.last_used_at.map(|d| d.to_rfc3339()),
        })
        .collect();
    Ok(Json(TokenList {
        total: items.len() as u64,
        items,
    }))
}

/// Revokes one of the caller's tokens at once (it may be the one in use). Another
/// user's token id answers 404, like an unknown one.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn revoke_token(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if users::revoke_token(&st.db.conn, u.user.id, id).await? {
        tracing::info!(user = %u.user.username, token = id, "API token revoked");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found().with_id(id.to_string()))
    }
}
