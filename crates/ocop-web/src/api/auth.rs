//! `POST /api/v1/auth/token` and `GET /api/v1/me`.

use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ocop_store::users::{self, LoginError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/token", post(token))
        .route("/api/v1/me", get(me))
}

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: String,
}

/// Exchanges a username and password for an API token.
#[utoipa::path(post, path = "/api/v1/auth/token", request_body = TokenRequest, security(),
    responses((status = 200, body = TokenResponse), (status = 401, body = super::ErrorBody), (status = 423, body = super::ErrorBody)))]
pub async fn token(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    match users::authenticate(&st.db.conn, &req.username, &req.password).await? {
        Ok(u) => {
            let (token, exp) = users::create_token(&st.db.conn, u.id).await?;
            Ok(Json(TokenResponse {
                token,
                expires_at: exp.to_rfc3339(),
            }))
        }
        Err(LoginError::Locked { until }) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "account_locked",
            format!(
                "too many failed attempts; locked until {}",
                until.to_rfc3339()
            ),
        )),
        Err(LoginError::Disabled) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "account_disabled",
            "this account is disabled",
        )),
        Err(LoginError::BadCredentials) => {
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "wrong username or password",
            ))
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
