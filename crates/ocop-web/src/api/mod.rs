//! The JSON API under `/api/v1`, documented at `/api/openapi.json`.

pub mod auth;
pub mod certificates;
pub mod councils;
pub mod criteria;
pub mod dossiers;
pub mod indicators;
pub mod inspections;
pub mod province_steps;
pub mod registry;
pub mod reports;
pub mod revenue;
pub mod support;
pub mod trade;
pub mod units;

use crate::AppState;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .merge(auth::routes())
        .merge(registry::routes())
        .merge(units::routes())
        .merge(criteria::routes())
        .merge(certificates::routes())
        .merge(dossiers::routes())
        .merge(province_steps::routes())
        .merge(councils::routes())
        .merge(trade::routes())
        .merge(revenue::routes())
        .merge(support::routes())
        .merge(inspections::routes())
        .merge(indicators::routes())
        .merge(reports::routes())
        .fallback(not_found)
        .layer(axum::middleware::map_response(json_rejections))
}

/// Plain-text 4xx answers of axum's extractors (Path, Query) become JSON errors.
async fn json_rejections(r: axum::response::Response) -> axum::response::Response {
    use axum::response::IntoResponse;
    let plain = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/plain"));
    if r.status().is_client_error() && plain {
        let status = r.status();
        let mut e = crate::error::ApiError::bad_request("invalid path or query parameter");
        e.status = status;
        return e.into_response();
    }
    r
}

async fn not_found(req: axum::extract::Request) -> axum::response::Response {
    use axum::response::IntoResponse;
    if req.uri().path().starts_with("/api/") {
        crate::error::ApiError::not_found().into_response()
    } else {
        (
            axum::http::StatusCode::NOT_FOUND,
            crate::pages::error_page(
                crate::auth::lang_of(req.headers()),
                axum::http::StatusCode::NOT_FOUND,
                "err.not_found",
            ),
        )
            .into_response()
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "OCOP API", version = "1", description = "Registry, administrative units, criteria and scoring, dossiers, certificates and revocation cases, and authentication of the OCOP information system. Errors are `{\"error\": {\"code\", \"message\"}}`; lists take `?page=&per_page=` and answer `{\"items\", \"total\"}`."),
    paths(
        auth::token, auth::me, auth::list_tokens, auth::revoke_token,
        units::list, units::show, units::mapping,
        registry::list_producers, registry::create_producer, registry::get_producer, registry::update_producer, registry::producer_history,
        registry::list_products, registry::create_product, registry::get_product, registry::update_product, registry::product_history,
        certificates::list, certificates::cases, certificates::open_case, certificates::close_case,
        dossiers::list, dossiers::show, dossiers::create, dossiers::transition, dossiers::follow_up, dossiers::decide_dossier, dossiers::decide_session, province_steps::save_report, province_steps::send_notice,
        crate::public::certificate_json, crate::public::catalogue_json,
        criteria::list_rulebooks, criteria::list_sets, criteria::get_set, criteria::evaluate,
        indicators::indicators, indicators::list_plans, indicators::create_plan, indicators::get_plan,
        reports::list, reports::create, reports::show, reports::act, reports::completeness,
    ),
    components(schemas(
        auth::TokenRequest, auth::TokenResponse, auth::Me, auth::TokenInfo, auth::TokenList,
        units::UnitOut, units::UnitDetail, units::MappingOut,
        registry::ProducerOut, registry::ProducerIn, registry::ProductOut, registry::ProductIn,
        registry::ProducerList, registry::ProductList, registry::HistoryOut,
        criteria::SetOut, criteria::SheetOut, criteria::PartOut, criteria::SectionOut, criteria::CriterionOut, criteria::OptionOut, criteria::RulebookOut,
        criteria::EvaluateRequest, criteria::MemberSheetIn, criteria::EvaluateResponse, criteria::MemberOut, criteria::UnmetOut,
        certificates::CertOut, certificates::CertList, certificates::CaseOut, certificates::CaseList, certificates::CaseIn, certificates::CloseIn,
        dossiers::DossierOut, dossiers::DossierList, dossiers::DossierDetail, dossiers::EventOut, dossiers::DocumentOut, dossiers::NewDossier, dossiers::TransitionIn, dossiers::FollowUpIn, dossiers::DecisionIn, dossiers::DecisionOut, province_steps::AdvisoryIn, province_steps::AdvisoryOut, province_steps::NoticeIn, province_steps::NoticeOut, crate::public::PublicCertificate, crate::public::CatalogueItem, crate::public::Catalogue,
        dossiers::DossierOut, dossiers::DossierList, dossiers::DossierDetail, dossiers::EventOut, dossiers::DocumentOut, dossiers::NewDossier, dossiers::TransitionIn, dossiers::FollowUpIn, dossiers::DecisionIn, dossiers::DecisionOut, crate::public::PublicCertificate, crate::public::CatalogueItem, crate::public::Catalogue,
        indicators::IndicatorOut, indicators::IndicatorsOut, indicators::TargetIn, indicators::PlanIn, indicators::TargetOut, indicators::PlanOut, indicators::PlanList,
        reports::ReportOut, reports::ReportList, reports::ReportIn, reports::ActIn, reports::CompletenessOut,
        ErrorBody, ErrorDetail,
    )),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// The error shape of every API error.
#[derive(utoipa::ToSchema, serde::Serialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(utoipa::ToSchema, serde::Serialize)]
pub struct ErrorDetail {
    /// Machine-readable code, e.g. `validation_failed`, `not_found`, `forbidden`.
    pub code: String,
    pub message: String,
    /// Per-field errors for `validation_failed`.
    #[schema(value_type = Option<Object>)]
    pub fields: Option<serde_json::Value>,
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(
        ApiDoc::openapi()
            .merge_from(councils::CouncilsApi::openapi())
            .merge_from(TradeApi::openapi())
            .merge_from(support::SupportApi::openapi())
            .merge_from(inspections::InspectionsApi::openapi()),
    )
}

/// Trade promotion, sales channels, revenue and economic organisations (issue 12).
#[derive(OpenApi)]
#[openapi(
    paths(
        trade::list_channels, trade::create_channel, trade::get_channel, trade::update_channel, trade::end_channel, trade::modern_active, trade::export_channels,
        trade::set_position,
        trade::list_points, trade::create_point, trade::get_point, trade::update_point, trade::export_points, trade::public_points,
        trade::list_fairs, trade::create_fair, trade::get_fair, trade::export_fairs,
        trade::list_milestones, trade::create_milestone, trade::export_milestones,
        revenue::list, revenue::create, revenue::show, revenue::growth, revenue::export, revenue::import,
    ),
    components(schemas(
        trade::ChannelOut, trade::ChannelList, trade::ChannelIn, trade::EndIn, trade::ModernActive, trade::PositionIn,
        trade::ProductRef, trade::PointOut, trade::PointList, trade::PointIn,
        trade::ParticipantIo, trade::FairOut, trade::FairList, trade::FairIn,
        trade::MilestoneOut, trade::MilestoneList, trade::MilestoneIn,
        revenue::RevenueOut, revenue::RevenueList, revenue::RevenueIn, revenue::GrowthOut, revenue::GrowthList, revenue::ImportRowOut, revenue::ImportOut,
    )),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct TradeApi;
