//! Dossiers (hồ sơ đánh giá): a producer opens and submits one for a product, the
//! commune checks it (requests supplements, returns it, forwards it to the council of
//! the level in force), every step with its reason, deadline and audit.

use super::{redirect_with_flash, render, Layout};
use crate::auth::{Ctx, Posted};
use crate::error::AppError;
use crate::i18n::{t, Lang};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use ocop_domain::dossier::{apply, Event, Kind, Refusal, State};
use ocop_domain::roles::{Action, Location};
use ocop_store::dossiers as sd;
use ocop_store::entities::dossier;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dossiers", get(list))
        .route("/dossiers/{id}", get(show))
        .route("/dossiers/{id}/transition", post(transition))
        .route("/products/{id}/dossiers", post(create))
        .route(
            "/dossiers/{id}/documents",
            post(upload_to_dossier).layer(axum::extract::DefaultBodyLimit::max(
                ocop_domain::documents::MAX_BYTES + 256 * 1024,
            )),
        )
        .route("/dossiers/{id}/attach", post(attach))
        .route("/dossiers/{id}/forms/{name}", get(form_pdf))
        .route("/dossiers/{id}/central-result", post(central_result))
        .route("/dossiers/{id}/decision", post(decide))
        .route("/documents/{id}", get(download))
}

fn state_label(s: &str, lang: Lang) -> String {
    t(lang, &format!("dossier.s_{s}")).to_string()
}

fn kind_label(s: &str, lang: Lang) -> String {
    t(lang, &format!("dossier.k_{s}")).to_string()
}

/// Where a dossier stands, for access checks.
pub(crate) fn loc(d: &dossier::Model) -> Location<'_> {
    Location {
        producer_id: d.producer_id,
        unit_path: &d.unit_path,
        current_unit_path: &d.current_unit_path,
    }
}

/// A dossier row.
pub struct Row {
    pub id: i64,
    pub product: String,
    pub kind: String,
    pub state: String,
    pub state_code: String,
    pub number: String,
    pub deadline: String,
    pub overdue: bool,
    pub paused: bool,
}

#[derive(Template)]
#[template(path = "dossiers.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
    state: String,
    states: Vec<(String, String)>,
    overdue: usize,
}

/// The states the list filters by, in workflow order.
fn states() -> impl Iterator<Item = &'static str> {
    State::ALL.into_iter().map(State::as_str)
}

async fn list(ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let lang = ctx.lang;
    let db = &ctx.state.db.conn;
    let today = ctx.state.today();
    let state = q.get("state").cloned().unwrap_or_default();
    let mut rows = Vec::new();
    for d in sd::list(db, &p.scope, Some(&state)).await? {
        let product = ocop_store::registry::get_product(db, d.product_id)
            .await
            .map(|p| p.name)
            .unwrap_or_default();
        rows.push(Row {
            id: d.id,
            product,
            kind: kind_label(&d.kind, lang),
            state: state_label(&d.state, lang),
            overdue: sd::overdue(&d, today),
            paused: d.paused_since.is_some(),
            deadline: d
                .deadline_on
                .map(ocop_domain::format::date_vn)
                .unwrap_or_default(),
            number: d.registration_number,
            state_code: d.state,
        });
    }
    if q.contains_key("overdue") {
        rows.retain(|r| r.overdue);
    }
    let overdue = rows.iter().filter(|r| r.overdue).count();
    render(&ListPage {
        l: Layout::new(&ctx, t(lang, "dossier.list_title")),
        rows,
        state,
        states: states()
            .map(|s| (s.to_string(), state_label(s, lang)))
            .collect(),
        overdue,
    })
}

async fn create(Path(product_id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let product = ocop_store::registry::get_product(db, product_id).await?;
    let l = Location {
        producer_id: product.producer_id,
        unit_path: &product.unit_path,
        current_unit_path: &product.current_unit_path,
    };
    if !p.may(Action::Edit, &l) {
        return Err(AppError::Forbidden);
    }
    let kind = sd::parse_kind(fields.get("kind")).unwrap_or(Kind::FirstEvaluation);
    let target: i32 = fields.get("target_stars").parse().unwrap_or(3);
    let today = ctx.state.today();
    let rb = ctx.state.library.in_force_id(today);
    match sd::open(
        db,
        &ctx.state.library,
        &ctx.actor(),
        product_id,
        kind,
        target,
        &rb,
        today,
    )
    .await
    {
        Ok(d) => Ok(redirect_with_flash(
            &format!("/dossiers/{}", d.id),
            "created",
        )),
        // One open dossier per product: take the user to it, saying so.
        Err(ocop_store::StoreError::Invalid(code)) if code == "open_dossier_exists" => {
            match sd::open_for_product(db, product_id).await? {
                Some(open) => Ok(redirect_with_flash(
                    &format!("/dossiers/{}", open.id),
                    "open_dossier_exists",
                )),
                None => Err(AppError::Conflict),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// An action offered to the user.
pub struct ActionView {
    pub event: String,
    pub label: String,
    pub needs_reason: bool,
    pub danger: bool,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage {
    l: Layout,
    d: dossier::Model,
    /// Number of the certificate a re-evaluation or upgrade follows.
    previous_cert: String,
    /// A re-evaluation filed after its window closed.
    late: bool,
    product: String,
    producer: String,
    kind: String,
    state: String,
    rulebook: String,
    filed: String,
    deadline: String,
    overdue: bool,
    paused_since: String,
    transition_note: String,
    events: Vec<(String, String, String, String, String)>,
    actions: Vec<ActionView>,
    error: Option<String>,
    /// The checklist: (label, present).
    checklist: Vec<(String, bool)>,
    /// Attached documents: (id, type label, title, valid until, expired).
    documents: Vec<(i64, String, String, String, bool)>,
    /// Library documents not attached yet: (id, label).
    library: Vec<(i64, String)>,
    doc_types: Vec<(String, String)>,
    can_attach: bool,
    /// Open rounds the dossier may join (officers).
    rounds: Vec<(i64, String)>,
    /// Record the central council's result (province/central officers).
    central_form: bool,
    /// Stars to record a decision for (recognised on the central result, no
    /// certificate yet), and who signs it.
    decision_stars: Option<u8>,
    decision_body: String,
    /// The advisory report and the notice of results (Art. 7.3.c, g).
    steps: super::province_steps::StepsView,
}

fn candidate_events() -> Vec<(&'static str, Event, bool, bool)> {
    Event::CODES
        .iter()
        .filter_map(|(code, needs, danger)| {
            // A stand-in reason and 3 stars so that the guard judges who and when.
            let e = match Event::from_code(code, "x".into())? {
                Event::RecogniseCentralResult { .. } => Event::RecogniseCentralResult { stars: 3 },
                e => e,
            };
            Some((*code, e, *needs, *danger))
        })
        .collect()
}

async fn page(ctx: &Ctx, id: i64, error: Option<String>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let lang = ctx.lang;
    let d = sd::get(db, id).await?;
    if !p.may(Action::View, &loc(&d)) {
        return Err(AppError::NotFound);
    }
    let today = ctx.state.today();
    let product = ocop_store::registry::get_product(db, d.product_id).await?;
    let owner = ocop_store::registry::get_producer(db, d.producer_id).await?;
    let producer = owner.name;
    let lib = &ctx.state.library;
    let rb_now = lib.in_force(today).or(lib.rulebooks.last());
    let state = sd::parse_state(&d.state).unwrap_or(State::Draft);
    let may_edit = p.may(Action::Edit, &loc(&d)) || (p.role.is_officer() && p.can_see(&loc(&d)));
    let actions = match rb_now {
        Some(rb) if may_edit => candidate_events()
            .into_iter()
            .filter(|(_, e, _, _)| apply(state, e, p.role, rb).is_ok())
            .map(|(code, _, needs_reason, danger)| ActionView {
                event: code.into(),
                label: t(lang, &format!("dossier.a_{code}")).into(),
                needs_reason,
                danger,
            })
            .collect(),
        _ => vec![],
    };
    let kind = sd::parse_kind(&d.kind).unwrap_or(Kind::FirstEvaluation);
    let transition_note = match (
        d.filed_on,
        ocop_domain::dossier::transition_deadline(lib, d.filed_on.unwrap_or(today), kind),
    ) {
        (Some(_), Some(dl)) if !state.is_final() => format!(
            "{} {}",
            t(lang, "dossier.transition"),
            ocop_domain::format::date_vn(dl)
        ),
        _ => String::new(),
    };
    let events = sd::events(db, id)
        .await?
        .into_iter()
        .map(|e| {
            (
                ocop_domain::format::datetime_vn(e.at),
                e.actor,
                state_label(&e.from_state, lang),
                state_label(&e.to_state, lang),
                e.reason,
            )
        })
        .collect();
    let rounds = if p.role.is_officer() || p.is_admin() {
        ocop_store::rounds::list_rounds(db, None)
            .await?
            .into_iter()
            .filter(|r| {
                r.status == "open"
                    && today <= r.proposals_by
                    && (d.unit_path.starts_with(&r.unit_path)
                        || d.current_unit_path.starts_with(&r.unit_path))
            })
            .map(|r| (r.id, r.name))
            .collect()
    } else {
        vec![]
    };
    let attached = ocop_store::documents::of_dossier(db, id).await?;
    let rb_filing = lib.rulebook(&d.rulebook_id).or(rb_now);
    let checklist = checklist(
        rb_filing,
        &d,
        &product.set_code,
        &owner.legal_form,
        &attached,
        lang,
    );
    let doc_label = |t: &str| {
        t.parse::<ocop_domain::documents::DocType>()
            .map(|x| x.label(lang).to_string())
            .unwrap_or(t.to_string())
    };
    let documents = attached
        .iter()
        .map(|a| {
            (
                a.id,
                doc_label(&a.doc_type),
                a.title.clone(),
                a.valid_until
                    .map(ocop_domain::format::date_vn)
                    .unwrap_or_default(),
                a.valid_until.is_some_and(|v| v < today),
            )
        })
        .collect();
    let library = ocop_store::documents::library(db, d.producer_id)
        .await?
        .into_iter()
        .filter(|x| !attached.iter().any(|a| a.id == x.id))
        .map(|x| (x.id, format!("{} – {}", doc_label(&x.doc_type), x.title)))
        .collect();
    // A re-evaluation filed after the window closed (120 days before expiry) is late.
    let (previous_cert, late) = match d.previous_certificate_id {
        Some(cid) => {
            let c = ocop_store::certificates::get(db, cid).await?;
            let filed = d
                .filed_on
                .unwrap_or_else(|| ocop_domain::format::to_vn(d.created_at).date_naive());
            // Accepted after the window only under Art. 12.3.
            let late = d.kind == "re_evaluation"
                && matches!(
                    ocop_domain::certificates::follow_up(
                        lib,
                        Kind::ReEvaluation,
                        c.stars,
                        false,
                        c.expires_on,
                        c.stars,
                        filed
                    ),
                    Ok(plan) if plan.late
                );
            (c.number, late)
        }
        None => (String::new(), false),
    };
    let records_central = matches!(
        p.role,
        ocop_domain::roles::Role::ProvinceOfficer
            | ocop_domain::roles::Role::CentralOfficer
            | ocop_domain::roles::Role::Admin
    ) && p.can_see(&loc(&d));
    // The decision form for a dossier recognised on the central result, shown to
    // the authority that signs it (the ministry for 5★, the province for 3★/4★).
    let decision = match ocop_store::rounds::pending_recognition(db, &d).await? {
        Some((st, level))
            if ocop_domain::workflow::is_authority(
                p,
                level,
                &d.unit_path,
                &d.current_unit_path,
            ) =>
        {
            Some((st, level))
        }
        _ => None,
    };
    let steps = super::province_steps::view(ctx, p, &d, state, p.can_see(&loc(&d))).await?;
    let page = DossierPage {
        steps,
        central_form: records_central && state == State::CentralCouncil,
        decision_body: match decision {
            Some((_, level)) => {
                let path =
                    ocop_store::rounds::authority_path(level, &d.unit_path, &d.current_unit_path);
                ocop_store::rounds::body_of(db, level, &path, today).await?
            }
            None => String::new(),
        },
        decision_stars: decision.map(|x| x.0),
        previous_cert,
        late,
        checklist,
        documents,
        library,
        doc_types: ocop_domain::documents::DocType::ALL
            .iter()
            .map(|t| (t.as_str().to_string(), t.label(lang).to_string()))
            .collect(),
        can_attach: may_edit && !state.is_final(),
        rounds,
        l: Layout::new(ctx, format!("{} #{}", t(lang, "dossier.title"), d.id)),
        product: product.name,
        producer,
        kind: kind_label(&d.kind, lang),
        state: state_label(&d.state, lang),
        rulebook: lib
            .rulebook(&d.rulebook_id)
            .map(|r| r.name.clone())
            .unwrap_or(d.rulebook_id.clone()),
        filed: d
            .filed_on
            .map(ocop_domain::format::date_vn)
            .unwrap_or_default(),
        deadline: d
            .deadline_on
            .map(ocop_domain::format::date_vn)
            .unwrap_or_default(),
        overdue: sd::overdue(&d, today),
        paused_since: d
            .paused_since
            .map(ocop_domain::format::date_vn)
            .unwrap_or_default(),
        transition_note,
        events,
        actions,
        error,
        d,
    };
    render(&page)
}

async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    page(&ctx, id, None).await
}

async fn transition(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let d = sd::get(db, id).await?;
    if !p.can_see(&loc(&d)) {
        return Err(AppError::NotFound);
    }
    let reason = fields.get("reason").to_string();
    let Some(event) = Event::from_code(fields.get("event"), reason) else {
        return Err(AppError::BadRequest);
    };
    let version: i32 = fields.get("version").parse().unwrap_or(-1);
    let today = ctx.state.today();
    match sd::transition(
        db,
        &ctx.state.library,
        &ctx.actor(),
        p.role,
        id,
        version,
        &event,
        today,
    )
    .await
    {
        Ok(_) => Ok(redirect_with_flash(&format!("/dossiers/{id}"), "saved")),
        Err(e) => transition_refused(&ctx, id, e).await,
    }
}

/// Uploads a document into the producer's library and attaches it to the dossier.
/// The type is judged by the bytes; the size limit refuses big files before storing.
async fn upload_to_dossier(
    ctx: Ctx,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let lang = ctx.lang;
    let crate::auth::Upload {
        fields: f,
        file,
        too_large,
    } = crate::auth::Upload::read(&ctx, &headers, multipart, "file").await?;
    let db = &ctx.state.db.conn;
    let d = sd::get(db, id).await?;
    if !(p.may(Action::Edit, &loc(&d)) || (p.role.is_officer() && p.can_see(&loc(&d)))) {
        return Err(AppError::Forbidden);
    }
    if too_large {
        return fail_page(
            &ctx,
            id,
            t(lang, "doc.too_large"),
            StatusCode::PAYLOAD_TOO_LARGE,
        )
        .await;
    }
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return fail_page(
            &ctx,
            id,
            t(lang, "doc.no_file"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let Some(content_type) = ocop_domain::documents::sniff(&bytes) else {
        return fail_page(
            &ctx,
            id,
            t(lang, "doc.bad_type"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let doc_type = f.get("doc_type").cloned().unwrap_or_default();
    if doc_type.parse::<ocop_domain::documents::DocType>().is_err() {
        return fail_page(
            &ctx,
            id,
            t(lang, "doc.bad_kind"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let valid_until = f
        .get("valid_until")
        .and_then(|v| ocop_domain::format::parse_date_vn(v));
    let title = f
        .get("title")
        .cloned()
        .filter(|x| !x.trim().is_empty())
        .unwrap_or_else(|| filename.clone());
    let doc = ocop_store::documents::add(
        db,
        ctx.state.files.as_ref(),
        &ctx.actor(),
        ocop_store::documents::NewDocument {
            producer_id: d.producer_id,
            doc_type: &doc_type,
            title: &title,
            filename: &filename,
            content_type,
            valid_until,
            bytes: &bytes,
        },
    )
    .await?;
    ocop_store::documents::attach(db, &ctx.actor(), id, doc.id).await?;
    Ok(redirect_with_flash(&format!("/dossiers/{id}"), "saved"))
}

/// The dossier page with an error, and a status.
async fn fail_page(
    ctx: &Ctx,
    id: i64,
    msg: &str,
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut r = page(ctx, id, Some(msg.to_string())).await?;
    *r.status_mut() = status;
    Ok(r)
}

/// Attaches a document the producer already has in its library.
async fn attach(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let d = sd::get(db, id).await?;
    if !(p.may(Action::Edit, &loc(&d)) || (p.role.is_officer() && p.can_see(&loc(&d)))) {
        return Err(AppError::Forbidden);
    }
    let doc: i64 = fields
        .get("document_id")
        .parse()
        .map_err(|_| AppError::BadRequest)?;
    match ocop_store::documents::attach(db, &ctx.actor(), id, doc).await {
        Ok(()) => Ok(redirect_with_flash(&format!("/dossiers/{id}"), "saved")),
        Err(ocop_store::StoreError::Invalid(_)) => Err(AppError::Forbidden),
        Err(e) => Err(e.into()),
    }
}

/// A library document, for those who may see its producer.
async fn download(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let doc = ocop_store::documents::get(db, id).await?;
    let owner = ocop_store::registry::get_producer(db, doc.producer_id).await?;
    let l = Location {
        producer_id: owner.id,
        unit_path: &owner.unit_path,
        current_unit_path: &owner.current_unit_path,
    };
    if !p.can_see(&l) {
        return Err(AppError::NotFound);
    }
    let bytes = ctx
        .state
        .files
        .get(&doc.sha256)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let safe: String = doc
        .filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    Ok(axum::response::IntoResponse::into_response((
        [
            (axum::http::header::CONTENT_TYPE, doc.content_type.clone()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}\"",
                    if safe.is_empty() {
                        "document".into()
                    } else {
                        safe
                    }
                ),
            ),
            (
                axum::http::header::HeaderName::from_static("x-content-type-options"),
                "nosniff".to_string(),
            ),
        ],
        bytes,
    )))
}

/// The documents the filing rulebook requires of this kind of dossier, each with
/// whether the dossier has one.
fn checklist(
    rb: Option<&ocop_domain::rulebook::Rulebook>,
    d: &dossier::Model,
    set_code: &str,
    legal_form: &str,
    attached: &[ocop_store::entities::document::Model],
    lang: Lang,
) -> Vec<(String, bool)> {
    rb.map(|rb| {
        rb.documents
            .iter()
            .filter(|r| {
                r.applies(ocop_domain::documents::DossierFacts {
                    kind: &d.kind,
                    set_code,
                    target_stars: d.target_stars,
                    legal_form,
                })
            })
            .map(|r| {
                let label = r
                    .doc_type
                    .parse::<ocop_domain::documents::DocType>()
                    .map(|x| x.label(lang).to_string())
                    .unwrap_or(r.doc_type.clone());
                (label, attached.iter().any(|a| a.doc_type == r.doc_type))
            })
            .collect()
    })
    .unwrap_or_default()
}

/// The forms of QĐ 26/2026 appendix III as PDF, filled from the registry and the
/// dossier: `mau-01.pdf` registration form, `mau-02.pdf` self-assessment report,
/// `mau-03.pdf` the commune's report.
async fn form_pdf(ctx: Ctx, Path((id, name)): Path<(i64, String)>) -> Result<Response, AppError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    use ocop_docs::forms;
    let form = match name.as_str() {
        "mau-01.pdf" => 1,
        "mau-02.pdf" => 2,
        "mau-03.pdf" => 3,
        _ => return Err(AppError::NotFound),
    };
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let d = sd::get(db, id).await?;
    if !p.may(Action::View, &loc(&d)) {
        return Err(AppError::NotFound);
    }
    let today = ctx.state.today();
    let product = ocop_store::registry::get_product(db, d.product_id).await?;
    let producer = ocop_store::registry::get_producer(db, d.producer_id).await?;
    let lib = &ctx.state.library;
    let rb = lib
        .rulebook(&d.rulebook_id)
        .or(lib.in_force(today))
        .or(lib.rulebooks.last());
    let sheet = crate::api::criteria::sheet_and_rulebook(lib, &product.set_code, None).ok();
    let province = ocop_store::units::find(
        db,
        &producer.province_code,
        ocop_domain::units::Period::Post2025,
    )
    .await?
    .map(|u| u.name.trim_start_matches("Tỉnh ").to_string())
    .unwrap_or_default();
    let previous_certificate = match d.previous_certificate_id {
        Some(cid) => ocop_store::certificates::get(db, cid).await?.number,
        None => String::new(),
    };
    let address = [
        producer.address_detail.clone().unwrap_or_default(),
        producer.commune_name.clone(),
        format!("tỉnh {province}"),
    ]
    .into_iter()
    .filter(|x| !x.trim().is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let facts = forms::DossierFacts {
        registration_number: d.registration_number.clone(),
        province: province.clone(),
        commune: ocop_domain::units::in_sentence(&producer.commune_name),
        date: ocop_domain::format::date_vn(d.filed_on.unwrap_or(today)),
        year: chrono::Datelike::year(&d.filed_on.unwrap_or(today)),
        producer: forms::Party {
            name: producer.name.clone(),
            legal_form: producer
                .legal_form
                .parse::<ocop_domain::registry::LegalForm>()
                .map(|x| x.label(Lang::Vi).to_string())
                .unwrap_or(producer.legal_form.clone()),
            address,
            representative: producer.representative_name.clone(),
            phone: producer.phone.clone().unwrap_or_default(),
            email: producer.email.clone().unwrap_or_default(),
            tax_code: producer.tax_code.clone().unwrap_or_default(),
            representative_female: Some(producer.representative_female),
            representative_ethnicity: producer
                .representative_ethnicity
                .clone()
                .unwrap_or_default(),
            founded: producer
                .year_founded
                .map(|y| y.to_string())
                .unwrap_or_default(),
        },
        product_name: product.name.clone(),
        product_code: product.product_code.clone(),
        sheet: sheet
            .map(|(s, _)| format!("{} – {}", s.code, s.name))
            .unwrap_or_default(),
        set_sector: sheet.map(|(s, _)| s.sector.clone()).unwrap_or_default(),
        set_group: sheet.map(|(s, _)| s.group.clone()).unwrap_or_default(),
        set_name: sheet.map(|(s, _)| s.name.clone()).unwrap_or_default(),
        kind: d.kind.clone(),
        target_stars: d.target_stars,
        is_service: ocop_domain::sets::find_set(&product.set_code).is_some_and(|s| s.set_no == 26),
        previous_certificate,
        rulebook: rb.map(|r| r.name.clone()).unwrap_or_default(),
    };
    let attached = ocop_store::documents::of_dossier(db, id).await?;
    let evidence: Vec<forms::Evidence> = attached
        .iter()
        .map(|a| forms::Evidence {
            type_code: a.doc_type.clone(),
            doc_type: a
                .doc_type
                .parse::<ocop_domain::documents::DocType>()
                .map(|x| x.label(Lang::Vi).to_string())
                .unwrap_or(a.doc_type.clone()),
            title: a.title.clone(),
            valid_until: a
                .valid_until
                .map(ocop_domain::format::date_vn)
                .unwrap_or_default(),
            expired: a.valid_until.is_some_and(|v| v < today),
        })
        .collect();
    let (title, blocks) = match form {
        1 => ("Mẫu 01", forms::registration(&facts, &evidence)),
        2 => {
            let (mut lines, mut total, mut stars) = (vec![], String::from("0"), 0);
            let mut not_recognised = String::new();
            if let Some((sheet, srb)) = sheet {
                if let Some(sa) =
                    ocop_store::scoring::get_self_assessment(db, product.id, &sheet.code).await?
                {
                    let choices = super::self_assessment::choices_from_json(&sa.choices);
                    let cites = ocop_domain::evidence::parse(&sa.evidence);
                    let library = ocop_store::documents::library(db, d.producer_id).await?;
                    let cited = |id: &str| {
                        cites
                            .get(id)
                            .map(|ids| {
                                ids.iter()
                                    .filter_map(|x| library.iter().find(|l| l.id == *x))
                                    .map(|l| l.title.clone())
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            })
                            .unwrap_or_default()
                    };
                    if let Ok(e) = super::self_assessment::evaluate_self(sheet, srb, choices) {
                        lines = sheet
                            .criteria()
                            .map(|(_, _, c)| forms::ScoreLine {
                                criterion: if c.title.starts_with(&c.key) {
                                    c.title.clone()
                                } else {
                                    format!("{} {}", c.key, c.title)
                                },
                                max_points: c.max_points,
                                points: ocop_domain::format::decimal_vn(
                                    e.criteria.get(&c.id).copied().unwrap_or(0.0),
                                    0,
                                ),
                                evidence: cited(&c.id),
                            })
                            .collect();
                        total = ocop_domain::format::decimal_vn(e.members[0].total as f64, 0);
                        stars = e.stars as i32;
                        not_recognised = super::self_assessment::not_recognised_text(
                            sheet,
                            srb,
                            &ocop_domain::scoring::standing(srb, &e),
                            Lang::Vi,
                        );
                    }
                }
            }
            (
                "Mẫu 02",
                forms::self_assessment(&facts, &lines, &total, stars, &not_recognised, &evidence),
            )
        }
        _ => {
            let check = forms::CommuneCheck {
                received_on: d
                    .filed_on
                    .map(ocop_domain::format::date_vn)
                    .unwrap_or_default(),
                checklist: checklist(
                    rb,
                    &d,
                    &product.set_code,
                    &producer.legal_form,
                    &attached,
                    Lang::Vi,
                ),
                state: state_label(&d.state, Lang::Vi),
            };
            // Section II: the commune's written assessment (pages/assessment.rs).
            let assessment = ocop_store::councils::assessment(db, d.id)
                .await?
                .map(|a| ocop_store::councils::assessment_of(&a));
            (
                "Mẫu 03",
                forms::commune_report_with(&facts, &check, assessment.as_ref()),
            )
        }
    };
    let bytes = ocop_docs::pdf::render(&format!("{title} – {}", product.name), &blocks)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"dossier-{id}-{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The province (or ministry) records the central council's result that came back.
async fn central_result(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let lang = ctx.lang;
    let d = sd::get(&ctx.state.db.conn, id).await?;
    if !p.can_see(&loc(&d)) {
        return Err(AppError::NotFound);
    }
    let score = fields
        .get("score")
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|s| (0.0..=100.0).contains(s));
    let stars = fields.get("stars").parse::<u8>().ok().filter(|s| *s <= 5);
    let (Some(score), Some(stars)) = (score, stars) else {
        return refused(
            &ctx,
            id,
            t(lang, "dossier.err_score").into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let event = Event::CentralResult {
        score,
        stars,
        reference: ocop_domain::text::clean(fields.get("reference")),
        marks_unmet_from: fields.get("marks_unmet_from").parse::<u8>().ok(),
        knockout: fields.get("knockout") == "on",
    };
    let version: i32 = fields.get("version").parse().unwrap_or(-1);
    let today = ctx.state.today();
    match sd::transition(
        &ctx.state.db.conn,
        &ctx.state.library,
        &ctx.actor(),
        p.role,
        id,
        version,
        &event,
        today,
    )
    .await
    {
        Ok(_) => Ok(redirect_with_flash(&format!("/dossiers/{id}"), "saved")),
        Err(e) => transition_refused(&ctx, id, e).await,
    }
}

/// The decision recognising a dossier on the central council's result: issues the
/// certificate.
async fn decide(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    let lang = ctx.lang;
    let db = &ctx.state.db.conn;
    let d = sd::get(db, id).await?;
    if !p.can_see(&loc(&d)) {
        return Err(AppError::NotFound);
    }
    if ocop_store::rounds::pending_recognition(db, &d)
        .await?
        .is_none()
    {
        return Err(AppError::Conflict);
    }
    let today = ctx.state.today();
    let number = ocop_domain::text::clean(fields.get("number"));
    let signed_on =
        ocop_domain::format::parse_date_vn(fields.get("signed_on")).filter(|s| *s <= today);
    let Some(signed_on) = signed_on.filter(|_| !number.is_empty()) else {
        return refused(
            &ctx,
            id,
            t(lang, "dossier.err_decision").into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let input = ocop_store::rounds::DecisionInput {
        number,
        signed_on,
        signer: fields.get("signer").into(),
    };
    match ocop_store::rounds::decide_dossier(
        db,
        &ctx.state.library,
        &ctx.actor(),
        Some(p),
        id,
        &input,
        today,
    )
    .await
    {
        Ok((m, _)) => Ok(redirect_with_flash(
            &format!("/decisions/{}", m.id),
            "created",
        )),
        Err(ocop_store::StoreError::Invalid(code)) if code == "already_certified" => {
            refused(
                &ctx,
                id,
                t(lang, "dossier.err_certified").into(),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The dossier page again with a refusal in words.
pub(crate) async fn refused(
    ctx: &Ctx,
    id: i64,
    msg: String,
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut resp = page(ctx, id, Some(msg)).await?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// A refused transition, in words on the dossier page.
async fn transition_refused(
    ctx: &Ctx,
    id: i64,
    e: sd::TransitionError,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    match e {
        sd::TransitionError::Refused(r) => {
            let key = match r {
                Refusal::WrongRole { .. } => "dossier.wrong_role",
                Refusal::WrongState { .. } => "dossier.wrong_state",
                Refusal::ReasonRequired => "dossier.reason_required",
                Refusal::StarsMismatch { .. } | Refusal::BelowThreeStars => {
                    "dossier.reason_required"
                }
            };
            let msg = match r {
                Refusal::StarsMismatch { expected } => {
                    format!("{} {expected} ★.", t(lang, "dossier.stars_mismatch"))
                }
                Refusal::BelowThreeStars => t(lang, "dossier.below_three").to_string(),
                _ => t(lang, key).to_string(),
            };
            let mut resp = page(ctx, id, Some(msg)).await?;
            *resp.status_mut() = if key == "dossier.reason_required" {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            Ok(resp)
        }
        sd::TransitionError::MissingDocuments(missing) => {
            let names: Vec<String> = missing
                .iter()
                .map(|t| {
                    t.parse::<ocop_domain::documents::DocType>()
                        .map(|x| x.label(lang).to_string())
                        .unwrap_or(t.clone())
                })
                .collect();
            let mut resp = page(
                ctx,
                id,
                Some(format!(
                    "{}: {}",
                    t(lang, "dossier.missing_documents"),
                    names.join("; ")
                )),
            )
            .await?;
            *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        sd::TransitionError::Store(ocop_store::StoreError::Conflict) => {
            let mut resp = page(ctx, id, Some(t(lang, "err.conflict").into())).await?;
            *resp.status_mut() = StatusCode::CONFLICT;
            Ok(resp)
        }
        // A store rule refused the step (e.g. no holiday calendar for the year the
        // deadline reaches): said in words, nothing written.
        sd::TransitionError::Store(ocop_store::StoreError::Invalid(m)) => {
            refused(ctx, id, m, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        // A workflow rule of the law (e.g. the council meets only on a reported file).
        sd::TransitionError::Store(ocop_store::StoreError::Workflow(r)) => {
            let status = crate::error::refusal_status(&r);
            refused(ctx, id, r.message(lang), status).await
        }
        sd::TransitionError::Store(e) => Err(e.into()),
    }
}
