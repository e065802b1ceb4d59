//! Councils over JSON: a session's agenda, and putting a product's waiting dossier
//! on it — the same store function and rules as the session page
//! (`ocop_store::councils::put_on_agenda`), refusals as JSON codes:
//! `no_dossier_waiting`, `out_of_area`, `not_in_round`, `written_not_reevaluation`,
//! `written_not_provided` (422), `already_on_agenda` (409).

use crate::auth::{ApiJson, ApiUser};
use crate::error::ApiError;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use ocop_domain::council::MemberRole;
use ocop_domain::registry::Lang;
use ocop_domain::roles::{Role, Scope};
use ocop_store::councils as cs;
use ocop_store::entities::{council, session_item};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/sessions/{id}/items", get(agenda).post(add_item))
}

/// The council routes' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(agenda, add_item),
    components(schemas(ItemOut, ItemList, NewItem))
)]
pub struct CouncilsApi;

#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    pub id: i64,
    pub session_id: i64,
    pub product_id: i64,
    pub dossier_id: Option<i64>,
    pub sheet_code: String,
    pub rulebook_id: String,
    /// open, flagged or closed.
    pub status: String,
    /// `meeting` when written opinions diverged (Art. 7.6.d); none: the session's.
    pub mode: Option<String>,
    pub stars: Option<i32>,
    pub average: Option<f64>,
    pub version: i32,
}

impl From<session_item::Model> for ItemOut {
    fn from(i: session_item::Model) -> Self {
        ItemOut {
            id: i.id,
            session_id: i.session_id,
            product_id: i.product_id,
            dossier_id: i.dossier_id,
            sheet_code: i.sheet_code,
            rulebook_id: i.rulebook_id,
            status: i.status,
            mode: i.mode,
            stars: i.stars,
            average: i.average,
            version: i.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ItemList {
    pub items: Vec<ItemOut>,
    pub total: usize,
}

#[derive(Deserialize, ToSchema)]
pub struct NewItem {
    /// The product whose waiting dossier goes on the agenda.
    pub product_id: i64,
}

/// The council of a session, if the user may see it (officers whose area holds it
/// or lies inside it, and the council's members); out of sight reads as 404.
async fn council_of(
    st: &AppState,
    u: &ApiUser,
    session_id: i64,
) -> Result<(council::Model, bool), ApiError> {
    let db = &st.db.conn;
    let s = cs::get_session(db, session_id).await?;
    let c = cs::get_council(db, s.council_id).await?;
    let member = cs::members(db, c.id)
        .await?
        .into_iter()
        .find(|m| m.user_id == Some(u.user.id));
    let officer = matches!(
        u.principal.role,
        Role::Admin | Role::CentralOfficer | Role::ProvinceOfficer | Role::DistrictOfficer
    );
    let holds = match &u.principal.scope {
        Scope::All => true,
        Scope::Unit { path } => ocop_domain::units::path_within(&c.unit_path, path),
        _ => false,
    };
    let sees = (holds && u.principal.role != Role::Producer) || member.is_some();
    if !sees {
        return Err(ApiError::not_found());
    }
    let runs = (officer && holds)
        || member
            .and_then(|m| m.role.parse::<MemberRole>().ok())
            .is_some_and(|r| r.runs_session());
    Ok((c, runs))
}

#[utoipa::path(get, path = "/api/v1/sessions/{id}/items", responses((status = 200, body = ItemList), (status = 404, body = super::ErrorBody)))]
pub async fn agenda(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ItemList>, ApiError> {
    council_of(&st, &u, id).await?;
    let items: Vec<ItemOut> = cs::items(&st.db.conn, id)
        .await?
        .into_iter()
        .map(ItemOut::from)
        .collect();
    Ok(Json(ItemList {
        total: items.len(),
        items,
    }))
}

#[utoipa::path(post, path = "/api/v1/sessions/{id}/items", request_body = NewItem, responses((status = 201, body = ItemOut), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn add_item(
    State(st): State<AppState>,
    u: ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<NewItem>,
) -> Result<(StatusCode, Json<ItemOut>), ApiError> {
    let (_, runs) = council_of(&st, &u, id).await?;
    if !runs {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong_role",
            "only the officers of the council's area, or its chair, vice-chair or secretary, set the agenda",
        ));
    }
    match cs::put_on_agenda(&st.db.conn, &st.library, &u.actor(), id, body.product_id).await {
        Ok(item) => Ok((StatusCode::CREATED, Json(item.into()))),
        Err(cs::WorkflowError::Agenda(r)) => Err(ApiError::new(
            StatusCode::from_u16(r.status()).unwrap_or(StatusCode::CONFLICT),
            r.code(),
            r.message(Lang::En),
        )),
        Err(cs::WorkflowError::Store(e)) => Err(e.into()),
        Err(_) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "the agenda could not be changed",
        )),
    }
}
