//! Councils at work: councils and members, sessions and attendance, the agenda,
//! members scoring independently, conflicts, closing a product, the breakdown and
//! the minutes (biên bản).

use super::self_assessment::{
    choices_from_fields, choices_from_json, choices_to_json, evidence_from_fields, parts_view,
    summary, EvidenceCtx, PartView, Summary,
};
use super::{redirect_with_flash, render, FormState, Layout};
use crate::auth::{Ctx, Posted};
use crate::error::AppError;
use crate::i18n::{t, Lang};
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use ocop_domain::council::{
    can_close, ConflictKind, CouncilLevel, MemberRole, Scorer, SessionMode, SheetStatus,
};
use ocop_domain::criteria::Sheet;
use ocop_domain::evidence::{self, Citations};
use ocop_domain::roles::{Principal, Role, Scope};
use ocop_domain::rulebook::Rulebook;
use ocop_domain::scoring::{self, Evaluation, MemberSheet};
use ocop_domain::units::Period;
use ocop_store::councils::{self as cs, SheetAction};
use ocop_store::entities::{council, council_member, council_session, session_item};
use ocop_store::StoreError;
use std::collections::{HashMap, HashSet};

mod items;
mod minutes;
mod sessions;
mod setup;

use items::*;
use minutes::*;
use sessions::*;
use setup::*;

pub(crate) use sessions::render_session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/councils", get(list).post(create))
        .route("/councils/{id}", get(show))
        .route("/councils/{id}/members", post(add_member))
        .route("/councils/{id}/links", post(add_link))
        .route("/councils/{id}/sessions", post(create_session))
        .route("/sessions/{id}", get(session_page))
        .route("/sessions/{id}/attendance", post(set_attendance))
        .route("/sessions/{id}/items", post(add_item))
        .route("/sessions/{id}/minutes", get(minutes))
        .route("/sessions/{id}/minutes.pdf", get(minutes_pdf))
        .route("/items/{id}", get(item_page))
        .route("/items/{id}/sheet", post(item_sheet))
        .route("/items/{id}/conflict", post(item_conflict))
        .route("/items/{id}/commune", post(item_commune))
        .route("/items/{id}/close", post(item_close))
        .route("/items/{id}/rescore", post(item_rescore))
        .route("/items/{id}/result", get(item_result))
}

// ----- who may do what -----

/// Officers who may set councils up in their area.
fn may_manage(p: &Principal, c: Option<&council::Model>) -> bool {
    let role_ok = matches!(
        p.role,
        Role::Admin | Role::CentralOfficer | Role::ProvinceOfficer | Role::DistrictOfficer
    );
    role_ok
        && match (c, &p.scope) {
            (_, Scope::All) => true,
            (Some(c), Scope::Unit { path }) => c.unit_path.starts_with(path.as_str()),
            (None, Scope::Unit { .. }) => true,
            _ => false,
        }
}

/// The member record of the logged-in user in a council.
async fn my_member(ctx: &Ctx, council_id: i64) -> Result<Option<council_member::Model>, AppError> {
    let Some(u) = &ctx.user else { return Ok(None) };
    Ok(cs::members(&ctx.state.db.conn, council_id)
        .await?
        .into_iter()
        .find(|m| m.user_id == Some(u.id)))
}

/// May the user see the council at all (officer of its area or a member)?
async fn may_view(ctx: &Ctx, p: &Principal, c: &council::Model) -> Result<bool, AppError> {
    let in_scope = match &p.scope {
        Scope::All => true,
        // Councils of the officer's own area and below — never a higher level's.
        Scope::Unit { path } => ocop_domain::units::path_within(&c.unit_path, path),
        _ => false,
    };
    Ok((in_scope && p.role != Role::Producer) || my_member(ctx, c.id).await?.is_some())
}

/// May the user run the session (attendance, agenda, closing)?
async fn may_run(ctx: &Ctx, p: &Principal, c: &council::Model) -> Result<bool, AppError> {
    if may_manage(p, Some(c)) {
        return Ok(true);
    }
    Ok(my_member(ctx, c.id)
        .await?
        .and_then(|m| m.role.parse::<MemberRole>().ok())
        .is_some_and(|r| r.runs_session()))
}

fn role_label(r: &str, lang: Lang) -> String {
    r.parse::<MemberRole>()
        .map(|x| x.label(lang).to_string())
        .unwrap_or_else(|_| r.to_string())
}
