//! Dossiers: creation, transitions through the domain's state machine (with the
//! version check, an event row and an audit entry in one transaction), deadlines in
//! working days with the clock stopped during supplement requests, and lists with
//! what is overdue.

use crate::audit::{self, Actor};
use crate::entities::{dossier, dossier_event, producer, product};
use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use ocop_domain::dossier::{self as dd, Event, Kind, Refusal, State};
use ocop_domain::roles::{Role, Scope};
use ocop_domain::rulebook::{Library, Rulebook};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set, TransactionSession, TransactionTrait,
};

pub fn kind_str(k: Kind) -> &'static str {
    match k {
        Kind::FirstEvaluation => "first_evaluation",
        Kind::Upgrade => "upgrade",
        Kind::ReEvaluation => "re_evaluation",
    }
}

pub fn parse_kind(s: &str) -> Option<Kind> {
    match s {
        "first_evaluation" => Some(Kind::FirstEvaluation),
        "upgrade" => Some(Kind::Upgrade),
        "re_evaluation" => Some(Kind::ReEvaluation),
        _ => None,
    }
}

pub fn parse_state(s: &str) -> Option<State> {
    State::parse(s)
}

/// Opens a draft dossier for a product; refused while the product has an open one,
/// and a first evaluation is refused while the product holds a certificate in force
/// (it opens an upgrade or a re-evaluation from that certificate: QĐ 26/2026 Art.
/// 7.5, 7.6 — see [`start_follow_up`]).
#[allow(clippy::too_many_arguments)]
pub async fn create<C: TransactionTrait>(
    db: &C,
    lib: &Library,
    actor: &Actor,
    product_id: i64,
    kind: Kind,
    target_stars: i32,
    rulebook_id: &str,
    today: NaiveDate,
) -> Result<dossier::Model> {
    let txn = crate::db::begin_write(db).await?;
    let p = product::Entity::find_by_id(product_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if open_for_product(&txn, product_id).await?.is_some() {
        return Err(StoreError::Invalid("open_dossier_exists".into()));
    }
    let held = crate::certificates::held_of(&txn, lib, product_id).await?;
    ocop_domain::workflow::may_open(
        kind,
        held.as_ref()
            .map(|(c, e)| crate::certificates::held(c, *e))
            .as_ref(),
        today,
    )
    .map_err(StoreError::Workflow)?;
    if kind != Kind::FirstEvaluation {
        // A follow-up names the certificate it renews or upgrades.
        return Err(StoreError::Invalid("follow_up_from_certificate".into()));
    }
    let m = insert_draft(&txn, actor, &p, kind, target_stars, rulebook_id, None).await?;
    txn.commit().await?;
    Ok(m)
}

/// Opens the dossier a product asks for: a first evaluation ([`create`]), or an
/// upgrade or re-evaluation from its current certificate ([`start_follow_up`]) —
/// the single entry of the pages and the API.
#[allow(clippy::too_many_arguments)]
pub async fn open<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    lib: &Library,
    actor: &Actor,
    product_id: i64,
    kind: Kind,
    target_stars: i32,
    rulebook_id: &str,
    today: NaiveDate,
) -> Result<dossier::Model> {
    if kind == Kind::FirstEvaluation {
        return create(
            db,
            lib,
            actor,
            product_id,
            kind,
            target_stars,
            rulebook_id,
            today,
        )
        .await;
    }
    let Some(cert) = crate::certificates::current_of(db, product_id).await? else {
        return Err(StoreError::Invalid("no_certificate".into()));
    };
    start_follow_up(
        db,
        lib,
        actor,
        cert.id,
        kind,
        target_stars,
        rulebook_id,
        today,
    )
    .await
}

async fn insert_draft<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    p: &product::Model,
    kind: Kind,
    target_stars: i32,
    rulebook_id: &str,
    previous_certificate_id: Option<i64>,
) -> Result<dossier::Model> {
    let now = crate::now();
    let m = dossier::ActiveModel {
        product_id: Set(p.id),
        producer_id: Set(p.producer_id),
        kind: Set(kind_str(kind).into()),
        target_stars: Set(target_stars.clamp(3, 5)),
        rulebook_id: Set(rulebook_id.into()),
        state: Set(State::Draft.as_str().into()),
        registration_number: Set(String::new()),
        filed_on: Set(None),
        deadline_on: Set(None),
        paused_since: Set(None),
        pauses: Set("[]".into()),
        unit_path: Set(p.unit_path.clone()),
        current_unit_path: Set(p.current_unit_path.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        previous_certificate_id: Set(previous_certificate_id),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(txn, actor, "dossier", m.id, "create", None, Some(serde_json::json!({"product": p.id, "kind": m.kind, "target_stars": m.target_stars, "previous_certificate": previous_certificate_id}))).await?;
    Ok(m)
}

/// States in which a dossier is still open (a product has at most one).
pub const OPEN_STATES: [State; 10] = [
    State::Draft,
    State::Submitted,
    State::SupplementRequested,
    State::DistrictCouncil,
    State::ProvinceCheck,
    State::ProvinceSupplement,
    State::ProvinceCouncil,
    State::ProvinceApproval,
    State::CentralCouncil,
    State::CentralReturned,
];

/// The product's open dossier, if any.
pub async fn open_for_product<C: ConnectionTrait>(
    c: &C,
    product_id: i64,
) -> Result<Option<dossier::Model>> {
    Ok(dossier::Entity::find()
        .filter(dossier::Column::ProductId.eq(product_id))
        .filter(dossier::Column::State.is_in(OPEN_STATES.iter().map(|s| s.as_str())))
        .one(c)
        .await?)
}

/// Starts a re-evaluation or an upgrade from a certificate: a draft dossier for the
/// same product, aiming at the stars the domain allows, that relies on the documents
/// of the dossier that earned the certificate (the producer replaces what has
/// expired instead of uploading everything again). The product's self-assessment
/// carries over as it is kept per product. Refusals come back as
/// `StoreError::Invalid(code)` with the codes of
/// [`ocop_domain::certificates::FollowUpRefusal`], or `open_dossier_exists`.
#[allow(clippy::too_many_arguments)]
pub async fn start_follow_up<C: TransactionTrait>(
    db: &C,
    lib: &Library,
    actor: &Actor,
    certificate_id: i64,
    kind: Kind,
    target_stars: i32,
    rulebook_id: &str,
    today: NaiveDate,
) -> Result<dossier::Model> {
    use crate::entities::{certificate, dossier_document};
    let txn = crate::db::begin_write(db).await?;
    let c = certificate::Entity::find_by_id(certificate_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if c.superseded_by.is_some() {
        return Err(StoreError::Invalid("superseded".into()));
    }
    let plan = ocop_domain::certificates::follow_up(
        lib,
        kind,
        c.stars,
        c.revoked,
        c.expires_on,
        target_stars,
        today,
    )
    .map_err(|r| StoreError::Invalid(r.code().into()))?;
    if open_for_product(&txn, c.product_id).await?.is_some() {
        return Err(StoreError::Invalid("open_dossier_exists".into()));
    }
    let p = product::Entity::find_by_id(c.product_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let m = insert_draft(
        &txn,
        actor,
        &p,
        kind,
        plan.target_stars,
        rulebook_id,
        Some(c.id),
    )
    .await?;
    let earlier = dossier::Entity::find()
        .filter(dossier::Column::ProductId.eq(c.product_id))
        .filter(dossier::Column::State.eq(State::Recognised.as_str()))
        .filter(dossier::Column::Id.ne(m.id))
        .order_by_desc(dossier::Column::Id)
        .one(&txn)
        .await?;
    if let Some(e) = earlier {
        let links = dossier_document::Entity::find()
            .filter(dossier_document::Column::DossierId.eq(e.id))
            .all(&txn)
            .await?;
        for l in links {
            dossier_document::ActiveModel {
                dossier_id: Set(m.id),
                document_id: Set(l.document_id),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(m)
}

pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<dossier::Model> {
    dossier::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn events<C: ConnectionTrait>(c: &C, id: i64) -> Result<Vec<dossier_event::Model>> {
    Ok(dossier_event::Entity::find()
        .filter(dossier_event::Column::DossierId.eq(id))
        .order_by_asc(dossier_event::Column::Id)
        .all(c)
        .await?)
}

/// Dossiers in scope, newest first, optionally of one state.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    state: Option<&str>,
) -> Result<Vec<dossier::Model>> {
    use dossier::Column as D;
    let mut q = dossier::Entity::find();
    q = match scope {
        Scope::All => q,
        Scope::Unit { path } => q.filter(
            Condition::any()
                .add(D::UnitPath.starts_with(path))
                .add(D::CurrentUnitPath.starts_with(path)),
        ),
        Scope::Producer { producer_id } => q.filter(D::ProducerId.eq(*producer_id)),
        Scope::Nothing => q.filter(D::Id.eq(-1)),
    };
    if let Some(s) = state.filter(|s| !s.is_empty()) {
        q = q.filter(D::State.eq(s));
    }
    Ok(q.order_by_desc(D::Id).all(c).await?)
}

/// Why a transition failed.
#[derive(Debug)]
pub enum TransitionError {
    Refused(Refusal),
    /// Submission refused: these document types are missing.
    MissingDocuments(Vec<String>),
    Store(StoreError),
}

impl From<StoreError> for TransitionError {
    fn from(e: StoreError) -> Self {
        TransitionError::Store(e)
    }
}

impl From<sea_orm::DbErr> for TransitionError {
    fn from(e: sea_orm::DbErr) -> Self {
        TransitionError::Store(StoreError::Db(e))
    }
}

fn pauses_of(m: &dossier::Model) -> Vec<(NaiveDate, NaiveDate)> {
    serde_json::from_str(&m.pauses).unwrap_or_default()
}

/// Working days the commune has to check a dossier under a rulebook (QĐ 26: 15).
fn check_days(rb: &Rulebook) -> u32 {
    rb.deadlines
        .get("commune_check_working_days")
        .copied()
        .unwrap_or(15) as u32
}

/// Applies an event to a dossier on `today`, as `role`, if the dossier is still at
/// `expected_version`. Submission numbers the registration form and starts the
/// commune's clock; a supplement request stops it until the producer answers.
#[allow(clippy::too_many_arguments)]
pub async fn transition<C: TransactionTrait>(
    db: &C,
    lib: &Library,
    actor: &Actor,
    role: Role,
    id: i64,
    expected_version: i32,
    event: &Event,
    today: NaiveDate,
) -> std::result::Result<dossier::Model, TransitionError> {
    let txn = crate::db::begin_write(db).await?;
    let d = get(&txn, id).await?;
    if d.version != expected_version {
        return Err(StoreError::Conflict.into());
    }
    let from = parse_state(&d.state).unwrap_or(State::Draft);
    let rb_now = lib
        .in_force(today)
        .or(lib.rulebooks.last())
        .ok_or_else(|| StoreError::Invalid("no rulebook".into()))?;
    // The province's choice on a central result uses the stars the ministry gave,
    // as recorded — never stars from the request.
    let event = &match event {
        Event::RecogniseCentralResult { .. } => Event::RecogniseCentralResult {
            stars: d.central_stars.unwrap_or(0).clamp(0, 5) as u8,
        },
        e => e.clone(),
    };
    let outcome = dd::apply(from, event, role, rb_now).map_err(TransitionError::Refused)?;
    if from == State::ProvinceCouncil && matches!(event, Event::CouncilResult { .. }) {
        // The council meets on a file its chair has the report on (Art. 7.3.c–d),
        // under the rules the dossier is evaluated by.
        let rb = lib.rulebook(&d.rulebook_id).unwrap_or(rb_now);
        let sent = crate::province_steps::advisory_report(&txn, id)
            .await?
            .map(|r| r.sent_to_chair_on);
        ocop_domain::workflow::council_may_meet(rb, sent, today)
            .map_err(|r| TransitionError::Store(StoreError::Workflow(r)))?;
    }
    if matches!(event, Event::Submit | Event::Supplemented) {
        // The checklist of the rulebook the dossier will be evaluated under.
        let rb = lib.in_force(today).unwrap_or(rb_now);
        let present: Vec<(String, Option<NaiveDate>)> = crate::documents::of_dossier(&txn, id)
            .await?
            .into_iter()
            .map(|d| (d.doc_type, d.valid_until))
            .collect();
        let set_code = product::Entity::find_by_id(d.product_id)
            .one(&txn)
            .await?
            .map(|p| p.set_code)
            .unwrap_or_default();
        let legal_form = producer::Entity::find_by_id(d.producer_id)
            .one(&txn)
            .await?
            .map(|p| p.legal_form)
            .unwrap_or_default();
        let facts = ocop_domain::documents::DossierFacts {
            kind: &d.kind,
            set_code: &set_code,
            target_stars: d.target_stars,
            legal_form: &legal_form,
        };
        let (missing, _) = ocop_domain::documents::check(&rb.documents, facts, &present, today);
        if !missing.is_empty() {
            return Err(TransitionError::MissingDocuments(missing));
        }
    }
    let mut am = d.clone().into_active_model();
    am.state = Set(outcome.to.as_str().into());
    if let Some(st) = outcome.recognised_stars {
        am.recognised_stars = Set(Some(st as i32));
        am.recognised_level = Set(outcome.recognised_by.map(|l| l.as_str().to_string()));
    }
    if let Event::CentralResult { stars, .. } = event {
        am.central_stars = Set(Some(*stars as i32));
    }
    match event {
        Event::Submit => {
            // The rulebook of the filing date, and the registration number of QĐ 26/2026.
            let rb = lib.in_force(today).unwrap_or(rb_now);
            am.rulebook_id = Set(rb.id.clone());
            am.filed_on = Set(Some(today));
            am.deadline_on = Set(Some(
                dd::deadline(today, check_days(rb), &[])
                    .map_err(|e| StoreError::Invalid(e.to_string()))?,
            ));
            if d.registration_number.is_empty() {
                let owner = producer::Entity::find_by_id(d.producer_id)
                    .one(&txn)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let commune = d
                    .current_unit_path
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string();
                let year = chrono::Datelike::year(&today);
                let seq = crate::registry::next_product_seq(
                    &txn,
                    &format!("PDK-{}-{commune}-{year}", owner.province_code),
                )
                .await?;
                am.registration_number = Set(format!(
                    "{seq:03}/PĐK-{}-{commune}-{year}",
                    owner.province_code
                ));
            }
        }
        Event::RequestSupplement { .. } => am.paused_since = Set(Some(today)),
        Event::Supplemented => {
            let mut pauses = pauses_of(&d);
            if let Some(since) = d.paused_since {
                pauses.push((since, today));
            }
            let rb = lib.rulebook(&d.rulebook_id).unwrap_or(rb_now);
            if let Some(filed) = d.filed_on {
                am.deadline_on = Set(Some(
                    dd::deadline(filed, check_days(rb), &pauses)
                        .map_err(|e| StoreError::Invalid(e.to_string()))?,
                ));
            }
            am.pauses = Set(serde_json::to_string(&pauses).unwrap_or_else(|_| "[]".into()));
            am.paused_since = Set(None);
        }
        _ => {}
    }
    let transition = d.filed_on.and_then(|f| {
        dd::transition_deadline(lib, f, parse_kind(&d.kind).unwrap_or(Kind::FirstEvaluation))
    });
    if outcome.to.is_final() {
        am.deadline_on = Set(None);
    } else if matches!(
        outcome.to,
        State::ProvinceCheck
            | State::ProvinceSupplement
            | State::CentralCouncil
            | State::CentralReturned
    ) {
        // Being checked or completed at the province, with the ministry, or back
        // from it: only a transitional dossier runs against the clock (QĐ 26/2026
        // Art. 12.2); the council's clock starts when the file is accepted.
        am.deadline_on = Set(transition);
    } else if outcome.to == State::ProvinceApproval {
        // The chairman approves within the council stage's limit.
    } else if matches!(outcome.to, State::DistrictCouncil | State::ProvinceCouncil) {
        let kind = parse_kind(&d.kind).unwrap_or(Kind::FirstEvaluation);
        let round_closes = match d.round_id {
            Some(r) => Some(crate::rounds::get_round(&txn, r).await?.closes_on),
            None => None,
        };
        am.deadline_on = Set(dd::council_deadline(
            rb_now,
            kind,
            today,
            round_closes,
            transition,
        ));
    }
    am.updated_at = Set(crate::now());
    am.version = Set(d.version + 1);
    let after = am.update(&txn).await?;
    let reason = match event {
        Event::RequestSupplement { reason } | Event::Return { reason } => reason.clone(),
        Event::CentralResult {
            score,
            stars,
            reference,
            ..
        } => format!(
            "{reference}: {} điểm, {stars} ★",
            ocop_domain::format::decimal_vn(*score, 2)
        ),
        Event::ApproveResult { reference } => reference.clone(),
        Event::EvaluateAgain { reason } | Event::Decline { reason } => reason.clone(),
        _ => String::new(),
    };
    let ev = serde_json::to_string(event).unwrap_or_default();
    // A step recorded for another day (the demo's history, a training copy's pinned
    // date) is dated that day, 09:00 in Vietnam; today's steps carry the clock time.
    let at = if today == ocop_domain::format::today_vn() {
        crate::now()
    } else {
        today
            .and_hms_opt(2, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_else(crate::now)
    };
    dossier_event::ActiveModel {
        dossier_id: Set(id),
        at: Set(at),
        actor: Set(actor.name.clone()),
        from_state: Set(from.as_str().into()),
        to_state: Set(outcome.to.as_str().into()),
        event: Set(ev.clone()),
        reason: Set(ocop_domain::text::clean(&reason)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let label = match outcome.to {
        State::Draft => "đang soạn",
        State::Submitted => "đã nộp, cấp xã đang kiểm tra",
        State::SupplementRequested => "cần bổ sung",
        State::Returned => "bị trả lại",
        State::DistrictCouncil => "chuyển Hội đồng cấp huyện",
        State::ProvinceCheck => "cấp tỉnh đã tiếp nhận, đang kiểm tra hồ sơ",
        State::ProvinceSupplement => "cấp tỉnh đề nghị hoàn thiện hồ sơ",
        State::ProvinceCouncil => "chuyển Hội đồng cấp tỉnh",
        State::ProvinceApproval => "đạt từ 90 điểm, chờ Chủ tịch UBND tỉnh phê duyệt kết quả",
        State::CentralCouncil => "chuyển Hội đồng cấp trung ương",
        State::CentralReturned => "có kết quả cấp trung ương dưới 90 điểm, chờ tỉnh quyết định",
        State::Recognised => "được công nhận",
        State::NotRecognised => "không được công nhận",
        State::Withdrawn => "đã rút",
    };
    let title = format!("Hồ sơ #{id}: {label}");
    crate::notify::to_parties(
        &txn,
        d.producer_id,
        &title,
        &ocop_domain::text::clean(&reason),
        &format!("/dossiers/{id}"),
    )
    .await?;
    audit::record(&txn, actor, "dossier", id, "transition", Some(serde_json::json!({"state": from.as_str()})), Some(serde_json::json!({"state": outcome.to.as_str(), "event": ev, "recognised_stars": outcome.recognised_stars}))).await?;
    txn.commit().await?;
    Ok(after)
}

/// Is a dossier overdue on `today` (a running clock past its deadline)?
pub fn overdue(d: &dossier::Model, today: NaiveDate) -> bool {
    d.paused_since.is_none() && d.deadline_on.is_some_and(|dl| today > dl)
}
