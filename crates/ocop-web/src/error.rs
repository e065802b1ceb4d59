//! Errors of pages and of the API.
//!
//! Use [`AppError`] in page handlers: it becomes an HTML page in the user's language
//! (rendered by [`render_error_pages`], which knows the request's language). Use
//! [`ApiError`] in `/api` handlers: it becomes `{"error": {"code", "message"}}`.
//! Store errors convert into both; the database's own text is logged, never shown.

use crate::i18n::{t, Lang};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use ocop_store::StoreError;

/// A page-handler error.
#[derive(Debug)]
pub enum AppError {
    NotFound,
    Forbidden,
    Csrf,
    Conflict,
    TooLarge,
    BadRequest,
    /// Not logged in (or the session expired): go to the login page and come back.
    LoginRequired {
        next: String,
        expired: bool,
    },
    Internal(String),
    /// A workflow rule refused the step: its words name the rule and the article.
    Refused(ocop_domain::workflow::Refusal),
}

/// Marker left on a refused step's response for [`render_error_pages`].
#[derive(Debug, Clone)]
pub struct RefusalMsg(pub ocop_domain::workflow::Refusal);

/// The status of a workflow refusal: an authority question is 403, a date or state
/// question 409, bad input 422.
pub fn refusal_status(r: &ocop_domain::workflow::Refusal) -> StatusCode {
    use ocop_domain::workflow::Refusal as R;
    match r {
        R::WrongAuthority { .. } | R::StandingAgencyOnly => StatusCode::FORBIDDEN,
        R::UnknownGround | R::DateInFuture { .. } | R::AdvisoryReportDate => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        _ => StatusCode::CONFLICT,
    }
}

/// Marker left on an error response for [`render_error_pages`].
#[derive(Debug, Clone, Copy)]
pub struct ErrorKey(pub &'static str);

impl AppError {
    fn status_key(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, "err.not_found"),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "err.forbidden"),
            AppError::Csrf => (StatusCode::FORBIDDEN, "err.csrf"),
            AppError::Conflict => (StatusCode::CONFLICT, "err.conflict"),
            AppError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "err.too_large"),
            AppError::BadRequest => (StatusCode::BAD_REQUEST, "err.bad_request"),
            AppError::LoginRequired { .. } => (StatusCode::SEE_OTHER, "login.required"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "err.internal"),
            AppError::Refused(r) => (refusal_status(r), "err.conflict"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::LoginRequired { next, expired } = &self {
            let mut url = format!("/login?next={}", crate::pages::urlencode(next));
            if *expired {
                url.push_str("&expired=1");
            }
            return Redirect::to(&url).into_response();
        }
        if let AppError::Internal(e) = &self {
            tracing::error!(error = %e, "internal error");
        }
        let (status, key) = self.status_key();
        if let AppError::Refused(refusal) = self {
            let mut r = (status, refusal.message(Lang::Vi)).into_response();
            r.extensions_mut().insert(RefusalMsg(refusal));
            return r;
        }
        let mut r = (status, t(Lang::Vi, key).to_string()).into_response();
        r.extensions_mut().insert(ErrorKey(key));
        r
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict => AppError::Conflict,
            StoreError::Duplicate(_) | StoreError::Invalid(_) => AppError::BadRequest,
            StoreError::Workflow(r) => AppError::Refused(r),
            StoreError::Db(e) => AppError::Internal(e.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

/// Replaces the plain body of an error response by a page in the request's language.
pub async fn render_error_pages(req: Request, next: Next) -> Response {
    let lang = crate::auth::lang_of(req.headers());
    let resp = next.run(req).await;
    let key = resp.extensions().get::<ErrorKey>().copied();
    let status = resp.status();
    if let Some(RefusalMsg(r)) = resp.extensions().get::<RefusalMsg>() {
        return crate::pages::error_page_text(lang, status, r.message(lang));
    }
    match key {
        Some(ErrorKey(key)) => crate::pages::error_page(lang, status, key),
        None if status == StatusCode::NOT_FOUND && resp.headers().get("content-type").is_none() => {
            crate::pages::error_page(lang, status, "err.not_found")
        }
        None if status == StatusCode::PAYLOAD_TOO_LARGE => {
            crate::pages::error_page(lang, status, "err.too_large")
        }
        None => resp,
    }
}

/// An API error: JSON `{"error": {"code", "message", "fields"?}}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Option<serde_json::Value>,
    /// The offending id (criterion, option, set…), when there is one.
    pub id: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: None,
            id: None,
        }
    }
    /// Names the offending id.
    pub fn with_id(mut self, id: impl Into<String>) -> ApiError {
        self.id = Some(id.into());
        self
    }
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing, invalid or expired credentials",
        )
    }
    pub fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "you are not allowed to access this resource",
        )
    }
    /// A workflow refusal: its code, its English words (Vietnamese in `message_vi`).
    pub fn refused(r: &ocop_domain::workflow::Refusal) -> ApiError {
        let mut e = ApiError::new(refusal_status(r), r.code(), r.message(Lang::En));
        e.fields = Some(serde_json::json!({"message_vi": r.message(Lang::Vi)}));
        e
    }
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }
    pub fn bad_request(msg: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", msg)
    }
    /// Field errors from domain validation, with English messages (and Vietnamese
    /// ones under `message_vi`).
    pub fn validation(errs: &ocop_domain::registry::FieldErrors) -> ApiError {
        let fields: serde_json::Map<String, serde_json::Value> = errs
            .0
            .iter()
            .map(|(f, e)| {
                (
                    f.clone(),
                    serde_json::json!({"code": e, "message": e.message(Lang::En), "message_vi": e.message(Lang::Vi)}),
                )
            })
            .collect();
        let names: Vec<&str> = errs.0.iter().map(|(f, _)| f.as_str()).collect();
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation_failed",
            message: format!("invalid fields: {}", names.join(", ")),
            fields: Some(serde_json::Value::Object(fields)),
            id: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut err = serde_json::json!({"code": self.code, "message": self.message});
        if let Some(f) = self.fields {
            err["fields"] = f;
        }
        if let Some(id) = self.id {
            err["id"] = serde_json::Value::String(id);
        }
        (self.status, Json(serde_json::json!({ "error": err }))).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Conflict => ApiError::new(
                StatusCode::CONFLICT,
                "version_conflict",
                "the record was changed by someone else; fetch it again and retry with its current version",
            ),
            StoreError::Duplicate(f) => ApiError::new(StatusCode::CONFLICT, "duplicate", format!("{f} is already in use")),
            StoreError::Invalid(m) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", m),
            StoreError::Workflow(r) => ApiError::refused(&r),
            StoreError::Db(e) => {
                tracing::error!(error = %e, "database error");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the service is temporarily unavailable")
            }
        }
    }
}
