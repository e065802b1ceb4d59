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
    can_close, CloseBlock, ConflictKind, CouncilLevel, MemberRole, Scorer, SessionMode, SheetStatus,
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
        Scope::Unit { path } => {
            c.unit_path.starts_with(path.as_str()) || path.starts_with(c.unit_path.as_str())
        }
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

// ----- councils -----

/// A council row.
pub struct CouncilRow {
    pub id: i64,
    pub name: String,
    pub level: String,
    pub unit: String,
}

#[derive(Template)]
#[template(path = "councils.html")]
struct CouncilsPage {
    l: Layout,
    rows: Vec<CouncilRow>,
    can_create: bool,
    f: FormState,
    levels: Vec<(String, String)>,
}

async fn councils_page(ctx: &Ctx, f: FormState) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let lang = ctx.lang;
    let path = match &p.scope {
        Scope::Unit { path } => Some(path.clone()),
        _ => None,
    };
    let mut list = if p.role == Role::Producer {
        vec![]
    } else {
        cs::list_councils(db, path.as_deref()).await?
    };
    // Councils the user sits on, wherever they are.
    if let Some(u) = &ctx.user {
        for m in cs::memberships(db, u.id).await? {
            if !list.iter().any(|c| c.id == m.council_id) {
                list.push(cs::get_council(db, m.council_id).await?);
            }
        }
    }
    let rows = list
        .into_iter()
        .map(|c| CouncilRow {
            id: c.id,
            level: c
                .level
                .parse::<CouncilLevel>()
                .map(|l| l.label(lang).to_string())
                .unwrap_or(c.level.clone()),
            unit: c.unit_code.clone(),
            name: c.name,
        })
        .collect();
    render(&CouncilsPage {
        l: Layout::new(ctx, t(lang, "council.list_title")),
        rows,
        can_create: may_manage(p, None),
        f,
        levels: CouncilLevel::ALL
            .iter()
            .map(|l| (l.as_str().to_string(), l.label(lang).to_string()))
            .collect(),
    })
}

async fn list(ctx: Ctx) -> Result<Response, AppError> {
    let mut f = FormState::default();
    f.set("level", "province");
    f.set("unit_period", "post2025");
    if let Some(Scope::Unit { path }) = ctx.principal.as_ref().map(|p| &p.scope) {
        f.set(
            "unit_code",
            path.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default(),
        );
    }
    councils_page(&ctx, f).await
}

async fn create(posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (p, _) = ctx.require()?;
    if !may_manage(p, None) {
        return Err(AppError::Forbidden);
    }
    let lang = ctx.lang;
    let db = &ctx.state.db.conn;
    let mut f = FormState::from_fields(&fields);
    let name = ocop_domain::text::clean(fields.get("name"));
    if name.is_empty() {
        f.errors.insert(
            "name".into(),
            ocop_domain::registry::Invalid::Required.message(lang),
        );
    }
    let level = fields.get("level").parse::<CouncilLevel>().ok();
    if level.is_none() {
        f.errors.insert(
            "level".into(),
            ocop_domain::registry::Invalid::BadChoice.message(lang),
        );
    }
    let period: Period = fields
        .get("unit_period")
        .parse()
        .unwrap_or(Period::Post2025);
    let unit = ocop_store::units::find(db, fields.get("unit_code").trim(), period).await?;
    match &unit {
        None => {
            f.errors
                .insert("unit_code".into(), t(lang, "user.unit_unknown").into());
        }
        Some(u) if !p.may_place_in(&u.path, &u.path) && !matches!(p.scope, Scope::All) => {
            f.errors.insert(
                "unit_code".into(),
                ocop_domain::registry::Invalid::OutOfScope.message(lang),
            );
        }
        _ => {}
    }
    if let (Some(level), Some(u), false) = (level, unit, f.has_errors()) {
        let c = cs::create_council(
            db,
            &ctx.actor(),
            &name,
            level.as_str(),
            (u.code, period.as_str().into(), u.path),
        )
        .await?;
        return Ok(redirect_with_flash(
            &format!("/councils/{}", c.id),
            "created",
        ));
    }
    let mut r = councils_page(&ctx, f).await?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

/// A member row.
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub position: String,
    pub role: String,
    pub account: String,
    pub links: Vec<String>,
}

/// A session row.
pub struct SessionRow {
    pub id: i64,
    pub title: String,
    pub date: String,
    pub mode: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "council.html")]
struct CouncilPage {
    l: Layout,
    c: council::Model,
    level: String,
    members: Vec<MemberRow>,
    sessions: Vec<SessionRow>,
    can_manage: bool,
    users: Vec<(i64, String)>,
    producers: Vec<(i64, String)>,
    roles: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    modes: Vec<(String, String)>,
    f: FormState,
}

async fn council_page(ctx: &Ctx, id: i64, f: FormState) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let lang = ctx.lang;
    let c = cs::get_council(db, id).await?;
    if !may_view(ctx, p, &c).await? {
        return Err(AppError::Forbidden);
    }
    let can_manage = may_manage(p, Some(&c));
    let users = ocop_store::users::list(db).await?;
    let mut members = Vec::new();
    for m in cs::members(db, id).await? {
        let mut links = Vec::new();
        for l in cs::links(db, m.id).await? {
            let name = ocop_store::registry::get_producer(db, l.producer_id)
                .await
                .map(|p| p.name)
                .unwrap_or_default();
            links.push(format!("{}: {name}", l.kind.label(lang)));
        }
        members.push(MemberRow {
            id: m.id,
            role: role_label(&m.role, lang),
            account: m
                .user_id
                .and_then(|u| users.iter().find(|x| x.id == u))
                .map(|u| u.username.clone())
                .unwrap_or_default(),
            name: m.full_name,
            position: m.position,
            links,
        });
    }
    let sessions = cs::sessions(db, id)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            id: s.id,
            date: ocop_domain::format::date_vn(s.held_on),
            mode: s
                .mode
                .parse::<SessionMode>()
                .map(|m| m.label(lang).to_string())
                .unwrap_or_default(),
            status: t(
                lang,
                if s.status == "open" {
                    "council.open"
                } else {
                    "council.closed"
                },
            )
            .into(),
            title: s.title,
        })
        .collect();
    let scope = Scope::Unit {
        path: c.unit_path.clone(),
    };
    let page = CouncilPage {
        l: Layout::new(ctx, c.name.clone()),
        level: c
            .level
            .parse::<CouncilLevel>()
            .map(|l| l.label(lang).to_string())
            .unwrap_or_default(),
        members,
        sessions,
        can_manage,
        users: users
            .into_iter()
            .filter(|u| !u.disabled && u.role != "producer")
            .map(|u| (u.id, format!("{} ({})", u.display_name, u.username)))
            .collect(),
        producers: if can_manage {
            ocop_store::registry::producer_choices(db, &scope).await?
        } else {
            vec![]
        },
        roles: MemberRole::ALL
            .iter()
            .map(|r| (r.as_str().into(), r.label(lang).into()))
            .collect(),
        kinds: [
            ConflictKind::Belongs,
            ConflictKind::Adviser,
            ConflictKind::Relative,
        ]
        .iter()
        .map(|k| (k.as_str().into(), k.label(lang).into()))
        .collect(),
        modes: SessionMode::ALL
            .iter()
            .map(|m| (m.as_str().into(), m.label(lang).into()))
            .collect(),
        f,
        c,
    };
    render(&page)
}

async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let mut f = FormState::default();
    f.set("role", "member");
    f.set("mode", "meeting");
    f.set("held_on", ocop_domain::format::date_vn(ctx.state.today()));
    council_page(&ctx, id, f).await
}

async fn manage_guard(ctx: &Ctx, id: i64) -> Result<council::Model, AppError> {
    let (p, _) = ctx.require()?;
    let c = cs::get_council(&ctx.state.db.conn, id).await?;
    if !may_manage(p, Some(&c)) {
        return Err(AppError::Forbidden);
    }
    Ok(c)
}

async fn add_member(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    manage_guard(&ctx, id).await?;
    let lang = ctx.lang;
    let mut f = FormState::from_fields(&fields);
    let role = fields.get("role").parse::<MemberRole>().ok();
    let user_id: Option<i64> = fields.get("user_id").parse().ok();
    let mut name = ocop_domain::text::clean(fields.get("full_name"));
    if let (true, Some(u)) = (name.is_empty(), user_id) {
        name = ocop_store::users::get(&ctx.state.db.conn, u)
            .await
            .map(|u| u.display_name)
            .unwrap_or_default();
    }
    if name.is_empty() {
        f.errors.insert(
            "full_name".into(),
            ocop_domain::registry::Invalid::Required.message(lang),
        );
    }
    if role.is_none() {
        f.errors.insert(
            "role".into(),
            ocop_domain::registry::Invalid::BadChoice.message(lang),
        );
    }
    if let (Some(role), false) = (role, f.has_errors()) {
        match cs::add_member(
            &ctx.state.db.conn,
            &ctx.actor(),
            id,
            user_id,
            &name,
            fields.get("position"),
            role,
        )
        .await
        {
            Ok(_) => return Ok(redirect_with_flash(&format!("/councils/{id}"), "saved")),
            Err(StoreError::Duplicate(_)) => {
                f.errors
                    .insert("user_id".into(), t(lang, "council.already_member").into());
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut r = council_page(&ctx, id, f).await?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

async fn add_link(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    manage_guard(&ctx, id).await?;
    let member: i64 = fields
        .get("member_id")
        .parse()
        .map_err(|_| AppError::BadRequest)?;
    let producer: i64 = fields
        .get("producer_id")
        .parse()
        .map_err(|_| AppError::BadRequest)?;
    let kind: ConflictKind = fields
        .get("kind")
        .parse()
        .map_err(|_| AppError::BadRequest)?;
    let m = cs::get_member(&ctx.state.db.conn, member).await?;
    if m.council_id != id {
        return Err(AppError::BadRequest);
    }
    cs::add_link(&ctx.state.db.conn, &ctx.actor(), member, producer, kind).await?;
    Ok(redirect_with_flash(&format!("/councils/{id}"), "saved"))
}

async fn create_session(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    manage_guard(&ctx, id).await?;
    let lang = ctx.lang;
    let mut f = FormState::from_fields(&fields);
    let title = ocop_domain::text::clean(fields.get("title"));
    if title.is_empty() {
        f.errors.insert(
            "title".into(),
            ocop_domain::registry::Invalid::Required.message(lang),
        );
    }
    let date = ocop_domain::format::parse_date_vn(fields.get("held_on"));
    if date.is_none() {
        f.errors
            .insert("held_on".into(), t(lang, "council.bad_date").into());
    }
    let mode = fields
        .get("mode")
        .parse::<SessionMode>()
        .unwrap_or(SessionMode::Meeting);
    if let (Some(d), false) = (date, f.has_errors()) {
        let s = cs::create_session(&ctx.state.db.conn, &ctx.actor(), id, &title, d, mode).await?;
        return Ok(redirect_with_flash(
            &format!("/sessions/{}", s.id),
            "created",
        ));
    }
    let mut r = council_page(&ctx, id, f).await?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}

// ----- sessions -----

/// An agenda line.
pub struct ItemRow {
    pub id: i64,
    pub product: String,
    pub producer: String,
    pub sheet: String,
    pub status: String,
    pub status_code: String,
    pub progress: String,
    pub result: String,
}

#[derive(Template)]
#[template(path = "session.html")]
struct SessionPage {
    l: Layout,
    s: council_session::Model,
    c: council::Model,
    date: String,
    mode: String,
    attendance: Vec<(i64, String, String, bool)>,
    quorum: String,
    quorum_met: bool,
    items: Vec<ItemRow>,
    can_run: bool,
    products: Vec<(i64, String)>,
    issuing_body: String,
    error: Option<String>,
}

/// Who signs the council's recognition decisions (pre-filled on the forms).
async fn issuing_body(ctx: &Ctx, c: &council::Model) -> Result<String, AppError> {
    let name = ocop_store::units::find_by_path(&ctx.state.db.conn, &c.unit_path)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    Ok(if name.is_empty() {
        t(ctx.lang, "cert.default_body").to_string()
    } else {
        ocop_domain::units::issuing_body(&c.level, &name)
    })
}

struct SessionCtx {
    s: council_session::Model,
    c: council::Model,
    rb_for_date: Option<Rulebook>,
}

async fn load_session(ctx: &Ctx, id: i64) -> Result<(SessionCtx, bool), AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let s = cs::get_session(db, id).await?;
    let c = cs::get_council(db, s.council_id).await?;
    if !may_view(ctx, p, &c).await? {
        return Err(AppError::Forbidden);
    }
    let can_run = may_run(ctx, p, &c).await?;
    let rb_for_date = ctx.state.library.in_force(s.held_on).cloned();
    Ok((SessionCtx { s, c, rb_for_date }, can_run))
}

/// Scorers of an item: members with role, presence, conflicts and sheet status.
async fn scorers(
    ctx: &Ctx,
    s: &council_session::Model,
    item: &session_item::Model,
) -> Result<Vec<Scorer>, AppError> {
    let db = &ctx.state.db.conn;
    let att = cs::attendance(db, s.id).await?;
    let conflicts = cs::conflicts(db, item.id).await?;
    let sheets = cs::sheets(db, item.id).await?;
    Ok(cs::members(db, s.council_id)
        .await?
        .into_iter()
        .map(|m| Scorer {
            member_id: m.id,
            role: m.role.parse().unwrap_or(MemberRole::Member),
            present: att
                .iter()
                .find(|a| a.member_id == m.id)
                .is_none_or(|a| a.present),
            conflicted: conflicts.iter().any(|c| c.member_id == m.id),
            sheet: sheets
                .iter()
                .find(|x| x.member_id == m.id)
                .and_then(|x| x.status.parse().ok()),
            name: m.full_name,
        })
        .collect())
}

fn item_status(code: &str, lang: Lang) -> String {
    t(
        lang,
        match code {
            "open" => "council.item_open",
            "flagged" => "council.item_flagged",
            "closed" => "council.item_closed",
            _ => "council.item_open",
        },
    )
    .into()
}

async fn session_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    render_session(&ctx, id, None).await
}

/// The session page, with a refusal in words when a form on it was refused.
pub(crate) async fn render_session(
    ctx: &Ctx,
    id: i64,
    error: Option<String>,
) -> Result<Response, AppError> {
    let (sc, can_run) = load_session(ctx, id).await?;
    let db = &ctx.state.db.conn;
    let lang = ctx.lang;
    let members = cs::members(db, sc.c.id).await?;
    let att = cs::attendance(db, id).await?;
    let attendance: Vec<(i64, String, String, bool)> = members
        .iter()
        .map(|m| {
            (
                m.id,
                m.full_name.clone(),
                role_label(&m.role, lang),
                att.iter()
                    .find(|a| a.member_id == m.id)
                    .is_none_or(|a| a.present),
            )
        })
        .collect();
    let seats: Vec<ocop_domain::council::Seat> = members
        .iter()
        .map(|m| ocop_domain::council::Seat {
            role: m.role.parse().unwrap_or(MemberRole::Member),
            present: att
                .iter()
                .find(|a| a.member_id == m.id)
                .is_none_or(|a| a.present),
        })
        .collect();
    let q = sc
        .rb_for_date
        .as_ref()
        .map(|rb| ocop_domain::council::quorum(rb, &seats));
    let mut items = Vec::new();
    for it in cs::items(db, id).await? {
        let product = ocop_store::registry::get_product(db, it.product_id).await?;
        let producer = ocop_store::registry::get_producer(db, product.producer_id).await?;
        let sc_list = scorers(&ctx, &sc.s, &it).await?;
        let expected = sc_list
            .iter()
            .filter(|x| x.role.scores() && !x.conflicted)
            .count();
        let done = sc_list
            .iter()
            .filter(|x| x.sheet == Some(SheetStatus::Locked))
            .count();
        items.push(ItemRow {
            id: it.id,
            product: product.name,
            producer: producer.name,
            sheet: it.sheet_code.clone(),
            status: item_status(&it.status, lang),
            status_code: it.status.clone(),
            progress: format!("{done}/{expected}"),
            result: match (it.stars, it.average) {
                (Some(s), Some(a)) => format!(
                    "{} · {} {}",
                    ocop_domain::format::decimal_vn(a, 2),
                    s,
                    t(lang, "sa.stars")
                ),
                _ => String::new(),
            },
        });
    }
    let scope = Scope::Unit {
        path: sc.c.unit_path.clone(),
    };
    let products = if can_run {
        let list = ocop_store::registry::list_products(
            db,
            &scope,
            &ocop_store::registry::ProductFilter {
                page: 1,
                per_page: 200,
                ..Default::default()
            },
        )
        .await?;
        list.items
            .into_iter()
            .map(|p| (p.id, format!("{} ({})", p.name, p.set_code)))
            .collect()
    } else {
        vec![]
    };
    let page = SessionPage {
        error,
        issuing_body: issuing_body(ctx, &sc.c).await?,
        l: Layout::new(ctx, sc.s.title.clone()),
        date: ocop_domain::format::date_vn(sc.s.held_on),
        mode: sc
            .s
            .mode
            .parse::<SessionMode>()
            .map(|m| m.label(lang).to_string())
            .unwrap_or_default(),
        quorum: q
            .as_ref()
            .map(|q| {
                format!(
                    "{}/{} ({} {})",
                    q.present,
                    q.voting,
                    t(lang, "council.required"),
                    q.required
                )
            })
            .unwrap_or_default(),
        quorum_met: q.is_some_and(|q| q.met),
        attendance,
        items,
        can_run,
        products,
        s: sc.s,
        c: sc.c,
    };
    render(&page)
}

async fn set_attendance(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (_, can_run) = load_session(&ctx, id).await?;
    if !can_run {
        return Err(AppError::Forbidden);
    }
    let present: Vec<i64> = fields
        .0
        .iter()
        .filter(|(k, _)| k == "present")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    cs::set_attendance(&ctx.state.db.conn, &ctx.actor(), id, &present).await?;
    Ok(redirect_with_flash(&format!("/sessions/{id}"), "saved"))
}

async fn add_item(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (sc, can_run) = load_session(&ctx, id).await?;
    if !can_run {
        return Err(AppError::Forbidden);
    }
    let db = &ctx.state.db.conn;
    let product_id: i64 = fields
        .get("product_id")
        .parse()
        .map_err(|_| AppError::BadRequest)?;
    let product = ocop_store::registry::get_product(db, product_id).await?;
    if !product.unit_path.starts_with(&sc.c.unit_path)
        && !product.current_unit_path.starts_with(&sc.c.unit_path)
    {
        return Err(AppError::Forbidden);
    }
    // The sheet of the product's set, under the rulebook of the session's date when it
    // uses that sheet, else the latest rulebook that does.
    let lib = ctx.state.library.clone();
    let date_rb = sc.rb_for_date.as_ref().map(|r| r.id.clone());
    let using = lib.rulebooks_of_sheet(&product.set_code);
    let rb = using
        .iter()
        .find(|r| Some(&r.id) == date_rb.as_ref())
        .or(using.first())
        .ok_or(AppError::BadRequest)?;
    match cs::add_item(
        db,
        &ctx.actor(),
        id,
        product_id,
        &product.set_code,
        &rb.id,
        serde_json::json!({}),
    )
    .await
    {
        Ok(_) | Err(StoreError::Duplicate(_)) => {
            Ok(redirect_with_flash(&format!("/sessions/{id}"), "saved"))
        }
        Err(e) => Err(e.into()),
    }
}

// ----- an item: scoring, conflicts, closing -----

struct ItemCtx {
    item: session_item::Model,
    s: council_session::Model,
    c: council::Model,
    me: Option<council_member::Model>,
    can_run: bool,
    product: ocop_store::entities::product::Model,
    producer_name: String,
}

async fn load_item(ctx: &Ctx, id: i64) -> Result<ItemCtx, AppError> {
    let db = &ctx.state.db.conn;
    let item = cs::get_item(db, id).await?;
    let (sc, can_run) = load_session(ctx, item.session_id).await?;
    let me = my_member(ctx, sc.c.id).await?;
    let product = ocop_store::registry::get_product(db, item.product_id).await?;
    let producer_name = ocop_store::registry::get_producer(db, product.producer_id)
        .await?
        .name;
    Ok(ItemCtx {
        item,
        s: sc.s,
        c: sc.c,
        me,
        can_run,
        product,
        producer_name,
    })
}

/// The documents a member may cite on an item — those of its dossier and any the
/// producer cited in the self-assessment — and the producer's citations.
async fn item_evidence(
    ctx: &Ctx,
    ic: &ItemCtx,
    sheet: &Sheet,
) -> Result<(Vec<ocop_store::entities::document::Model>, Citations), AppError> {
    let db = &ctx.state.db.conn;
    let producer = ocop_store::scoring::get_self_assessment(db, ic.product.id, &sheet.code)
        .await?
        .map(|s| evidence::parse(&s.evidence))
        .unwrap_or_default();
    let cited: HashSet<i64> = producer.values().flatten().copied().collect();
    let in_dossier: Option<HashSet<i64>> = match ic.item.dossier_id {
        Some(d) => Some(
            ocop_store::documents::of_dossier(db, d)
                .await?
                .into_iter()
                .map(|d| d.id)
                .collect(),
        ),
        None => None,
    };
    let mut docs: Vec<_> = ocop_store::documents::library(db, ic.product.producer_id)
        .await?
        .into_iter()
        .filter(|d| cited.contains(&d.id) || in_dossier.as_ref().is_none_or(|s| s.contains(&d.id)))
        .collect();
    docs.sort_by_key(|d| d.id);
    Ok((docs, producer))
}

fn sheet_of<'a>(
    lib: &'a ocop_domain::rulebook::Library,
    item: &session_item::Model,
) -> Result<(&'a Sheet, &'a Rulebook), AppError> {
    crate::api::criteria::sheet_and_rulebook(lib, &item.sheet_code, Some(&item.rulebook_id))
        .map_err(|_| AppError::NotFound)
}

/// The commune's choices on its criteria, and the ids of those criteria.
fn commune_part(
    sheet: &Sheet,
    rb: &Rulebook,
    item: &session_item::Model,
) -> (Vec<(String, Vec<String>)>, HashSet<String>) {
    let ids = rb.commune_ids(sheet);
    let given = choices_from_json(&item.commune_choices)
        .into_iter()
        .filter(|(k, _)| ids.contains(k))
        .collect();
    (given, ids)
}

/// A member's choices with the commune's criteria as the commune gave them.
fn with_commune(
    mut choices: Vec<(String, Vec<String>)>,
    given: &[(String, Vec<String>)],
    ids: &HashSet<String>,
) -> Vec<(String, Vec<String>)> {
    choices.retain(|(k, _)| !ids.contains(k));
    choices.extend(given.iter().cloned());
    choices
}

/// The council's evaluation from the confirmed sheets of non-conflicted members.
async fn council_evaluation(
    ctx: &Ctx,
    ic: &ItemCtx,
    sheet: &Sheet,
    rb: &Rulebook,
) -> Result<Option<(Evaluation, Vec<(i64, String)>)>, AppError> {
    let db = &ctx.state.db.conn;
    let (given, ids) = commune_part(sheet, rb, &ic.item);
    let conflicts = cs::conflicts(db, ic.item.id).await?;
    let members = cs::members(db, ic.c.id).await?;
    let mut sheets = Vec::new();
    let mut names = Vec::new();
    for s in cs::sheets(db, ic.item.id).await? {
        if s.status != SheetStatus::Locked.as_str()
            || conflicts.iter().any(|c| c.member_id == s.member_id)
        {
            continue;
        }
        let name = members
            .iter()
            .find(|m| m.id == s.member_id)
            .map(|m| m.full_name.clone())
            .unwrap_or_default();
        names.push((s.member_id, name.clone()));
        sheets.push(MemberSheet {
            member: format!("{}", s.member_id),
            choices: with_commune(choices_from_json(&s.choices), &given, &ids),
        });
    }
    if sheets.is_empty() {
        return Ok(None);
    }
    let e =
        scoring::evaluate(sheet, rb, &sheets, &[]).map_err(|e| AppError::Internal(e.message()))?;
    Ok(Some((e, names)))
}

/// Other members' submitted totals, for a member who has submitted.
pub struct OtherRow {
    pub name: String,
    pub status: String,
    pub total: String,
}

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage {
    l: Layout,
    item_id: i64,
    session_id: i64,
    session_title: String,
    product_name: String,
    producer_name: String,
    sheet_code: String,
    rulebook: String,
    /// Member view.
    is_member: bool,
    conflicted: Option<String>,
    sheet_status: String,
    sheet_status_code: String,
    sheet_version: i32,
    can_edit_sheet: bool,
    read_back: bool,
    parts: Vec<PartView>,
    s: Summary,
    can_edit: bool,
    others: Vec<OtherRow>,
    /// Runner view.
    can_run: bool,
    item_status: String,
    item_status_code: String,
    item_version: i32,
    scorers: Vec<(String, String, String, bool, bool)>,
    block: Option<String>,
    preview: Option<String>,
    spread_flag: Option<String>,
    has_commune: bool,
    commune_editable: bool,
    error: Option<String>,
    issuing_body: String,
}

async fn render_item(
    ctx: &Ctx,
    id: i64,
    posted: Option<Vec<(String, Vec<String>)>>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let ic = load_item(ctx, id).await?;
    let db = &ctx.state.db.conn;
    let lang = ctx.lang;
    let lib = ctx.state.library.clone();
    let (sheet, rb) = sheet_of(&lib, &ic.item)?;
    let (given, ids) = commune_part(sheet, rb, &ic.item);
    let conflicts = cs::conflicts(db, id).await?;
    let mine = match &ic.me {
        Some(m) => cs::get_sheet(db, id, m.id).await?,
        None => None,
    };
    let my_conflict = ic
        .me
        .as_ref()
        .and_then(|m| conflicts.iter().find(|c| c.member_id == m.id));
    let my_status: Option<SheetStatus> = mine.as_ref().and_then(|s| s.status.parse().ok());
    let is_scorer = ic
        .me
        .as_ref()
        .is_some_and(|m| m.role.parse::<MemberRole>().is_ok_and(|r| r.scores()));
    let open = ic.item.status != "closed";
    let can_edit_sheet = is_scorer
        && my_conflict.is_none()
        && open
        && my_status.is_none_or(|s| s == SheetStatus::Draft);
    let choices = match posted {
        Some(c) => c,
        None => mine
            .as_ref()
            .map(|s| choices_from_json(&s.choices))
            .unwrap_or_default(),
    };
    let choices = with_commune(choices, &given, &ids);
    let chosen: HashMap<String, String> = choices
        .iter()
        .filter_map(|(k, v)| v.first().map(|x| (k.clone(), x.clone())))
        .collect();
    let e = scoring::evaluate(
        sheet,
        rb,
        &[MemberSheet {
            member: "me".into(),
            choices: choices.clone(),
        }],
        &[],
    )
    .map_err(|_| AppError::BadRequest)?;
    // Evidence: the producer's citations beside each criterion; the member's own
    // start from them and are flagged where points have none.
    let (docs, producer_cites) = item_evidence(ctx, &ic, sheet).await?;
    let mut ev = EvidenceCtx::new(&docs, Citations::new(), can_edit_sheet);
    ev.mine = evidence::starting_point(
        mine.as_ref().map(|s| evidence::parse(&s.evidence)),
        &producer_cites,
        &ev.citable(),
    );
    ev.producer = producer_cites;
    ev.flag(&e, &ids);
    let mut my_summary = summary(sheet, rb, &e, chosen.len(), lang);
    my_summary.unsupported = ev.unsupported.len();
    // Others' totals only once my own sheet is in.
    let mut others = Vec::new();
    if ocop_domain::council::may_see_others(my_status) || (ic.can_run && !is_scorer) {
        let members = cs::members(db, ic.c.id).await?;
        for s in cs::sheets(db, id).await? {
            if Some(s.member_id) == ic.me.as_ref().map(|m| m.id)
                || s.status == SheetStatus::Draft.as_str()
            {
                continue;
            }
            others.push(OtherRow {
                name: members
                    .iter()
                    .find(|m| m.id == s.member_id)
                    .map(|m| m.full_name.clone())
                    .unwrap_or_default(),
                status: s
                    .status
                    .parse::<SheetStatus>()
                    .map(|x| x.label(lang).to_string())
                    .unwrap_or_default(),
                total: s.total.to_string(),
            });
        }
    }
    let sc = scorers(ctx, &ic.s, &ic.item).await?;
    let mode: SessionMode = ic.s.mode.parse().unwrap_or(SessionMode::Meeting);
    let block = match can_close(rb, mode, &sc) {
        Ok(()) => None,
        Err(CloseBlock::NoQuorum {
            present,
            required,
            chair_present,
        }) => Some(format!(
            "{} ({present}/{required}{})",
            t(lang, "council.no_quorum"),
            if chair_present {
                ""
            } else {
                t(lang, "council.no_chair")
            }
        )),
        Err(CloseBlock::Missing { members }) => Some(format!(
            "{}: {}",
            t(lang, "council.missing"),
            members.join(", ")
        )),
        Err(CloseBlock::NoSheets) => Some(t(lang, "council.no_sheets").into()),
    };
    let eval = if ic.can_run {
        council_evaluation(ctx, &ic, sheet, rb).await?
    } else {
        None
    };
    let preview = eval.as_ref().map(|(e, _)| {
        format!(
            "{} {} · {} {} ★ · {} {}",
            t(lang, "council.average"),
            ocop_domain::format::decimal_vn(e.average, 2),
            t(lang, "council.stars"),
            e.stars,
            t(lang, "council.spread"),
            e.spread
        )
    });
    let spread_flag = eval
        .as_ref()
        .filter(|(e, _)| e.spread_exceeds_limit)
        .map(|(e, _)| {
            format!(
                "{} {} > {}",
                t(lang, "council.spread_exceeds"),
                e.spread,
                rb.spread_limit
            )
        });
    let p = ctx.principal.as_ref();
    let commune_editable = open
        && !ids.is_empty()
        && p.is_some_and(|p| {
            p.may(
                ocop_domain::roles::Action::Edit,
                &ocop_domain::roles::Location {
                    producer_id: ic.product.producer_id,
                    unit_path: &ic.product.unit_path,
                    current_unit_path: &ic.product.current_unit_path,
                },
            ) && p.role != Role::Producer
        });
    let page = ItemPage {
        issuing_body: issuing_body(ctx, &ic.c).await?,
        l: Layout::new(ctx, format!("{} · {}", ic.product.name, ic.s.title)),
        item_id: id,
        session_id: ic.s.id,
        session_title: ic.s.title.clone(),
        product_name: ic.product.name.clone(),
        producer_name: ic.producer_name.clone(),
        sheet_code: sheet.code.clone(),
        rulebook: rb.name.clone(),
        is_member: is_scorer,
        conflicted: my_conflict.map(|c| {
            c.kind
                .parse::<ConflictKind>()
                .map(|k| k.label(lang).to_string())
                .unwrap_or_default()
        }),
        sheet_status: my_status
            .map(|s| s.label(lang).to_string())
            .unwrap_or_else(|| t(lang, "council.not_started").into()),
        sheet_status_code: my_status
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        sheet_version: mine.as_ref().map(|s| s.version).unwrap_or(0),
        can_edit_sheet,
        read_back: my_status == Some(SheetStatus::Submitted),
        parts: parts_view(sheet, rb, &chosen, &e, lang, &ids, &ev),
        s: my_summary,
        can_edit: can_edit_sheet || commune_editable,
        others,
        can_run: ic.can_run,
        item_status: item_status(&ic.item.status, lang),
        item_status_code: ic.item.status.clone(),
        item_version: ic.item.version,
        scorers: sc
            .iter()
            .filter(|x| x.role.scores())
            .map(|x| {
                (
                    x.name.clone(),
                    x.role.label(lang).to_string(),
                    x.sheet
                        .map(|s| s.label(lang).to_string())
                        .unwrap_or_else(|| t(lang, "council.not_started").into()),
                    x.present,
                    x.conflicted,
                )
            })
            .collect(),
        block,
        preview,
        spread_flag,
        has_commune: !ids.is_empty(),
        commune_editable,
        error,
    };
    render(&page)
}

async fn item_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    render_item(&ctx, id, None, None).await
}

/// Save draft, submit (read back) or confirm (lock) the member's own sheet.
async fn item_sheet(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let ic = load_item(&ctx, id).await?;
    let lang = ctx.lang;
    let Some(me) = ic
        .me
        .as_ref()
        .filter(|m| m.role.parse::<MemberRole>().is_ok_and(|r| r.scores()))
    else {
        return Err(AppError::Forbidden);
    };
    let db = &ctx.state.db.conn;
    if cs::conflicts(db, id)
        .await?
        .iter()
        .any(|c| c.member_id == me.id)
    {
        return Err(AppError::Forbidden);
    }
    let lib = ctx.state.library.clone();
    let (sheet, rb) = sheet_of(&lib, &ic.item)?;
    let (given, ids) = commune_part(sheet, rb, &ic.item);
    let action = match fields.get("action") {
        "submit" => SheetAction::Submit,
        "confirm" => SheetAction::Confirm,
        "edit" => SheetAction::SaveDraft,
        _ => SheetAction::SaveDraft,
    };
    let version: i32 = fields.get("version").parse().unwrap_or(-1);
    // Confirming and going back to edit keep the submitted choices.
    let choices = match (action, fields.get("action")) {
        (SheetAction::Confirm, _) | (_, "edit") => None,
        _ => {
            let c = with_commune(choices_from_fields(sheet, &fields), &given, &ids);
            let e = scoring::evaluate(
                sheet,
                rb,
                &[MemberSheet {
                    member: "me".into(),
                    choices: c.clone(),
                }],
                &[],
            )
            .map_err(|_| AppError::BadRequest)?;
            let (docs, _) = item_evidence(&ctx, &ic, sheet).await?;
            let citable: HashSet<i64> = docs.iter().map(|d| d.id).collect();
            Some(cs::SheetContent {
                choices: choices_to_json(&c),
                total: e.members[0].total,
                evidence: evidence::to_json(&evidence_from_fields(sheet, &fields, &citable)),
            })
        }
    };
    match cs::write_sheet(db, &ctx.actor(), id, me.id, version, choices, action).await {
        Ok(_) => Ok(redirect_with_flash(&format!("/items/{id}"), "saved")),
        Err(StoreError::Conflict) => {
            let mut r = render_item(&ctx, id, None, Some(t(lang, "err.conflict").into())).await?;
            *r.status_mut() = StatusCode::CONFLICT;
            Ok(r)
        }
        Err(StoreError::Invalid(code)) => {
            let key = match code.as_str() {
                "sheet_locked" => "council.sheet_locked",
                "item_closed" => "council.item_is_closed",
                _ => "err.bad_request",
            };
            let mut r = render_item(&ctx, id, None, Some(t(lang, key).into())).await?;
            *r.status_mut() = StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

async fn item_conflict(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let ic = load_item(&ctx, id).await?;
    let Some(me) = &ic.me else {
        return Err(AppError::Forbidden);
    };
    match cs::declare_conflict(
        &ctx.state.db.conn,
        &ctx.actor(),
        id,
        me.id,
        fields.get("reason"),
    )
    .await
    {
        Ok(()) | Err(StoreError::Duplicate(_)) => {
            Ok(redirect_with_flash(&format!("/items/{id}"), "saved"))
        }
        Err(e) => Err(e.into()),
    }
}

/// The commune's scores on its criteria (officers of the product's area).
async fn item_commune(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let ic = load_item(&ctx, id).await?;
    let (p, _) = ctx.require()?;
    let loc = ocop_domain::roles::Location {
        producer_id: ic.product.producer_id,
        unit_path: &ic.product.unit_path,
        current_unit_path: &ic.product.current_unit_path,
    };
    if p.role == Role::Producer
        || !p.may(ocop_domain::roles::Action::Edit, &loc)
        || ic.item.status == "closed"
    {
        return Err(AppError::Forbidden);
    }
    let lib = ctx.state.library.clone();
    let (sheet, rb) = sheet_of(&lib, &ic.item)?;
    let (_, ids) = commune_part(sheet, rb, &ic.item);
    let given: Vec<_> = choices_from_fields(sheet, &fields)
        .into_iter()
        .filter(|(k, _)| ids.contains(k))
        .collect();
    cs::set_commune_choices(
        &ctx.state.db.conn,
        &ctx.actor(),
        id,
        choices_to_json(&given),
    )
    .await?;
    Ok(redirect_with_flash(&format!("/items/{id}"), "saved"))
}

async fn item_close(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let ic = load_item(&ctx, id).await?;
    let lang = ctx.lang;
    if !ic.can_run {
        return Err(AppError::Forbidden);
    }
    let lib = ctx.state.library.clone();
    let (sheet, rb) = sheet_of(&lib, &ic.item)?;
    let sc = scorers(&ctx, &ic.s, &ic.item).await?;
    let mode: SessionMode = ic.s.mode.parse().unwrap_or(SessionMode::Meeting);
    if can_close(rb, mode, &sc).is_err() {
        let mut r =
            render_item(&ctx, id, None, Some(t(lang, "council.cannot_close").into())).await?;
        *r.status_mut() = StatusCode::CONFLICT;
        return Ok(r);
    }
    let Some((e, names)) = council_evaluation(&ctx, &ic, sheet, rb).await? else {
        return Err(AppError::BadRequest);
    };
    let note = ocop_domain::text::clean(fields.get("note"));
    // Totals too far apart: the council discusses first. In writing, divergent
    // opinions need a meeting (QĐ 26/2026).
    if e.spread_exceeds_limit && fields.get("override") != "yes" {
        let msg = if mode == SessionMode::Written {
            "council.written_diverge"
        } else {
            "council.discuss_first"
        };
        cs::flag(&ctx.state.db.conn, &ctx.actor(), id, t(lang, msg)).await?;
        let mut r = render_item(&ctx, id, None, Some(t(lang, msg).into())).await?;
        *r.status_mut() = StatusCode::CONFLICT;
        return Ok(r);
    }
    if e.spread_exceeds_limit && mode == SessionMode::Written {
        let mut r = render_item(
            &ctx,
            id,
            None,
            Some(t(lang, "council.written_diverge").into()),
        )
        .await?;
        *r.status_mut() = StatusCode::CONFLICT;
        return Ok(r);
    }
    let result = serde_json::json!({
        "evaluation": e,
        "members": names.iter().map(|(id, n)| serde_json::json!({"member": id.to_string(), "name": n})).collect::<Vec<_>>(),
        "rulebook": rb.id,
        "sheet": sheet.code,
    });
    let version: i32 = fields.get("version").parse().unwrap_or(-1);
    match cs::close_item(
        &ctx.state.db.conn,
        &ctx.actor(),
        id,
        version,
        result,
        e.stars as i32,
        e.average,
        &note,
    )
    .await
    {
        Ok(_) => {
            move_dossier_on(&ctx, &ic, &e).await;
            Ok(redirect_with_flash(&format!("/items/{id}/result"), "saved"))
        }
        Err(StoreError::Conflict) | Err(StoreError::Invalid(_)) => {
            let mut r = render_item(&ctx, id, None, Some(t(lang, "err.conflict").into())).await?;
            *r.status_mut() = StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

/// The council's result moves the item's dossier on; its state machine decides where
/// (recognised at this level, forwarded to the next, or not recognised).
async fn move_dossier_on(ctx: &Ctx, ic: &ItemCtx, e: &Evaluation) {
    let Some(did) = ic.item.dossier_id else {
        return;
    };
    let db = &ctx.state.db.conn;
    let Ok(d) = ocop_store::dossiers::get(db, did).await else {
        return;
    };
    let role = match ic.c.level.as_str() {
        "district" => Role::DistrictOfficer,
        "central" => Role::CentralOfficer,
        _ => Role::ProvinceOfficer,
    };
    let event = if ic.c.level == "central" {
        ocop_domain::dossier::Event::CentralResult {
            score: e.average,
            stars: e.stars,
            reference: ic.s.title.clone(),
            marks_unmet_from: (e.stars > 0 && e.stars < e.band_stars).then_some(e.stars + 1),
            knockout: e.stars == 0,
        }
    } else {
        ocop_domain::dossier::Event::CouncilResult {
            score: e.average,
            stars: e.stars,
        }
    };
    if let Err(err) = ocop_store::dossiers::transition(
        db,
        &ctx.state.library,
        &ctx.actor(),
        role,
        did,
        d.version,
        &event,
        ctx.state.today(),
    )
    .await
    {
        tracing::warn!(dossier = did, error = ?err, "the council result did not move the dossier");
    }
}

async fn item_rescore(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let ic = load_item(&ctx, id).await?;
    if !ic.can_run {
        return Err(AppError::Forbidden);
    }
    cs::rescore(&ctx.state.db.conn, &ctx.actor(), id, fields.get("reason")).await?;
    Ok(redirect_with_flash(&format!("/items/{id}"), "saved"))
}

// ----- results and minutes -----

/// One criterion line of the breakdown.
pub struct BreakdownRow {
    pub title: String,
    pub max: i32,
    pub points: Vec<String>,
    pub mean: String,
    pub marks: String,
}

/// What a closed item shows.
pub struct ResultView {
    pub product: String,
    pub producer: String,
    pub sheet: String,
    pub members: Vec<(String, i32, Vec<(String, i32)>)>,
    pub average: String,
    pub band: u8,
    pub stars: u8,
    pub recognised: bool,
    pub unmet: Vec<String>,
    pub spread: i32,
    pub spread_exceeds: bool,
    pub note: String,
    pub conflicts: Vec<String>,
    pub rows: Vec<BreakdownRow>,
}

async fn result_view(
    ctx: &Ctx,
    item: &session_item::Model,
    with_rows: bool,
) -> Result<Option<ResultView>, AppError> {
    let Some(result) = item
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok())
    else {
        return Ok(None);
    };
    let db = &ctx.state.db.conn;
    let lang = ctx.lang;
    let lib = ctx.state.library.clone();
    let (sheet, rb) = sheet_of(&lib, item)?;
    let e = &result["evaluation"];
    let names: HashMap<String, String> = result["members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| {
            Some((
                m["member"].as_str()?.to_string(),
                m["name"].as_str()?.to_string(),
            ))
        })
        .collect();
    let members: Vec<(String, i32, Vec<(String, i32)>)> = e["members"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let id = m["member"].as_str().unwrap_or_default().to_string();
            let parts = m["parts"]
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| (k.clone(), v.as_i64().unwrap_or(0) as i32))
                        .collect()
                })
                .unwrap_or_default();
            (
                names.get(&id).cloned().unwrap_or(id),
                m["total"].as_i64().unwrap_or(0) as i32,
                parts,
            )
        })
        .collect();
    let title_of = |id: &str| {
        sheet
            .criterion(id)
            .map(|(_, _, c)| c.title.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let unmet = e["unmet"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| {
            format!(
                "{} – {} {} {} {} ({} {})",
                title_of(u["criterion"].as_str().unwrap_or_default()),
                t(lang, "sa.at_least"),
                u["required"],
                t(lang, "sa.points_for"),
                "★".repeat(u["stars"].as_u64().unwrap_or(0) as usize),
                t(lang, "council.scored"),
                ocop_domain::format::decimal_vn(u["scored"].as_f64().unwrap_or(0.0), 2)
            )
        })
        .collect();
    let mut rows = Vec::new();
    if with_rows {
        // Each member's points per criterion, from their confirmed sheets.
        let (given, ids) = commune_part(sheet, rb, item);
        let mut per_member: Vec<HashMap<String, i32>> = Vec::new();
        let order: Vec<String> = e["members"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["member"].as_str().map(String::from))
            .collect();
        let sheets = cs::sheets(db, item.id).await?;
        for mid in &order {
            let s = sheets.iter().find(|s| s.member_id.to_string() == *mid);
            let choices = with_commune(
                s.map(|s| choices_from_json(&s.choices)).unwrap_or_default(),
                &given,
                &ids,
            );
            let ev = scoring::evaluate(
                sheet,
                rb,
                &[MemberSheet {
                    member: "x".into(),
                    choices,
                }],
                &[],
            )
            .ok();
            per_member.push(
                ev.map(|ev| {
                    ev.criteria
                        .into_iter()
                        .map(|(k, v)| (k, v as i32))
                        .collect()
                })
                .unwrap_or_default(),
            );
        }
        for (_, _, c) in sheet.criteria() {
            let marks: Vec<String> = c
                .options
                .iter()
                .flat_map(|o| {
                    o.mandatory_for
                        .iter()
                        .map(move |s| format!("{}≥{}", "★".repeat(*s as usize), o.points))
                })
                .collect();
            rows.push(BreakdownRow {
                title: c.title.clone(),
                max: c.max_points,
                points: per_member
                    .iter()
                    .map(|m| m.get(&c.id).copied().unwrap_or(0).to_string())
                    .collect(),
                mean: ocop_domain::format::decimal_vn(
                    e["criteria"][&c.id].as_f64().unwrap_or(0.0),
                    2,
                ),
                marks: marks.join(" "),
            });
        }
    }
    let product = ocop_store::registry::get_product(db, item.product_id).await?;
    let producer = ocop_store::registry::get_producer(db, product.producer_id)
        .await?
        .name;
    let members_all = {
        let s = cs::get_session(db, item.session_id).await?;
        cs::members(db, s.council_id).await?
    };
    let conflicts = cs::conflicts(db, item.id)
        .await?
        .into_iter()
        .map(|c| {
            let who = members_all
                .iter()
                .find(|m| m.id == c.member_id)
                .map(|m| m.full_name.clone())
                .unwrap_or_default();
            let kind = c
                .kind
                .parse::<ConflictKind>()
                .map(|k| k.label(lang).to_string())
                .unwrap_or_default();
            if c.reason.is_empty() {
                format!("{who}: {kind}")
            } else {
                format!("{who}: {kind} – {}", c.reason)
            }
        })
        .collect();
    Ok(Some(ResultView {
        product: product.name,
        producer,
        sheet: format!("{} · {}", sheet.code, sheet.name),
        members,
        average: ocop_domain::format::decimal_vn(e["average"].as_f64().unwrap_or(0.0), 2),
        band: e["band_stars"].as_u64().unwrap_or(0) as u8,
        stars: e["stars"].as_u64().unwrap_or(0) as u8,
        recognised: e["recognised"].as_bool().unwrap_or(false),
        unmet,
        spread: e["spread"].as_i64().unwrap_or(0) as i32,
        spread_exceeds: e["spread_exceeds_limit"].as_bool().unwrap_or(false),
        note: item.note.clone(),
        conflicts,
        rows,
    }))
}

#[derive(Template)]
#[template(path = "item_result.html")]
struct ResultPage {
    l: Layout,
    item_id: i64,
    session_id: i64,
    r: ResultView,
}

async fn item_result(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let ic = load_item(&ctx, id).await?;
    let Some(r) = result_view(&ctx, &ic.item, true).await? else {
        return Err(AppError::NotFound);
    };
    render(&ResultPage {
        l: Layout::new(
            &ctx,
            format!("{} · {}", t(ctx.lang, "council.result"), r.product),
        ),
        item_id: id,
        session_id: ic.s.id,
        r,
    })
}

#[derive(Template)]
#[template(path = "minutes.html")]
struct MinutesPage {
    l: Layout,
    council: String,
    level: String,
    title: String,
    date: String,
    mode: String,
    present: Vec<(String, String)>,
    absent: Vec<(String, String)>,
    quorum: String,
    results: Vec<ResultView>,
    open_items: Vec<String>,
    chair: String,
    secretary: String,
}

async fn minutes(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    render(&minutes_data(&ctx, id).await?)
}

/// The minutes as a PDF (A4, Vietnamese, embedded font).
async fn minutes_pdf(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    use ocop_docs::pdf::Block;
    let m = minutes_data(&ctx, id).await?;
    let lang = ctx.lang;
    let mut b = vec![
        Block::Center("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(), 12.0, true),
        Block::Center("Độc lập – Tự do – Hạnh phúc".into(), 11.0, false),
        Block::Space(12.0),
        Block::Center("BIÊN BẢN".into(), 14.0, true),
        Block::Center(m.title.clone(), 12.0, true),
        Block::Space(8.0),
        Block::Para(format!(
            "{} ({}) · {}: {} · {}",
            m.council,
            m.level,
            t(lang, "council.date"),
            m.date,
            m.mode
        )),
        Block::Para(format!("{}: {}", t(lang, "council.quorum"), m.quorum)),
        Block::Heading(t(lang, "council.present").into()),
    ];
    for (i, (n, r)) in m.present.iter().enumerate() {
        b.push(Block::Para(format!("{}. {n} – {r}", i + 1)));
    }
    if !m.absent.is_empty() {
        b.push(Block::Heading(t(lang, "council.absent").into()));
        for (i, (n, r)) in m.absent.iter().enumerate() {
            b.push(Block::Para(format!("{}. {n} – {r}", i + 1)));
        }
    }
    b.push(Block::Heading(t(lang, "council.results").into()));
    for (i, r) in m.results.iter().enumerate() {
        b.push(Block::Heading(format!(
            "{}. {} – {}",
            i + 1,
            r.product,
            r.producer
        )));
        b.push(Block::Para(r.sheet.clone()));
        let parts: Vec<String> = r
            .members
            .first()
            .map(|m| m.2.iter().map(|p| p.0.clone()).collect())
            .unwrap_or_default();
        let n = parts.len() as f32 + 1.0;
        let mut widths = vec![0.46];
        widths.extend(std::iter::repeat_n(0.54 / n, parts.len() + 1));
        let mut header = vec![t(lang, "council.member").to_string()];
        header.extend(
            parts
                .iter()
                .map(|p| format!("{} {p}", t(lang, "council.part"))),
        );
        header.push(t(lang, "sa.total").into());
        let rows = r
            .members
            .iter()
            .map(|(name, total, ps)| {
                let mut row = vec![name.clone()];
                row.extend(ps.iter().map(|p| p.1.to_string()));
                row.push(total.to_string());
                row
            })
            .collect();
        b.push(Block::Table {
            widths,
            header,
            rows,
        });
        b.push(Block::Para(format!(
            "{}: {} · {}: {} ★ · {}: {} ★{} · {}: {}",
            t(lang, "council.average"),
            r.average,
            t(lang, "council.band"),
            r.band,
            t(lang, "council.stars"),
            r.stars,
            if r.recognised {
                format!(" ({})", t(lang, "sa.recognisable"))
            } else {
                String::new()
            },
            t(lang, "council.spread"),
            r.spread
        )));
        if !r.unmet.is_empty() {
            b.push(Block::Para(format!("{}:", t(lang, "council.unmet"))));
            for u in &r.unmet {
                b.push(Block::Para(format!("– {u}")));
            }
        }
        for c in &r.conflicts {
            b.push(Block::Para(format!("{}: {c}", t(lang, "council.conflict"))));
        }
        if !r.note.is_empty() {
            b.push(Block::Para(format!(
                "{}: {}",
                t(lang, "council.note"),
                r.note
            )));
        }
    }
    if !m.open_items.is_empty() {
        b.push(Block::Para(format!(
            "{}: {}",
            t(lang, "council.still_open"),
            m.open_items.join("; ")
        )));
    }
    b.push(Block::Signatures(vec![
        (t(lang, "council.secretary").into(), m.secretary.clone()),
        (t(lang, "council.chair").into(), m.chair.clone()),
    ]));
    let pdf = ocop_docs::pdf::render(&format!("Biên bản – {}", m.title), &b)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(axum::response::IntoResponse::into_response((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("inline; filename=\"bien-ban-phien-{id}.pdf\""),
            ),
        ],
        pdf,
    )))
}

async fn minutes_data(ctx: &Ctx, id: i64) -> Result<MinutesPage, AppError> {
    let ctx = ctx.clone();
    let (sc, _) = load_session(&ctx, id).await?;
    let db = &ctx.state.db.conn;
    let lang = ctx.lang;
    let members = cs::members(db, sc.c.id).await?;
    let att = cs::attendance(db, id).await?;
    let is_present = |mid: i64| {
        att.iter()
            .find(|a| a.member_id == mid)
            .is_none_or(|a| a.present)
    };
    let present: Vec<(String, String)> = members
        .iter()
        .filter(|m| is_present(m.id))
        .map(|m| (m.full_name.clone(), role_label(&m.role, lang)))
        .collect();
    let absent: Vec<(String, String)> = members
        .iter()
        .filter(|m| !is_present(m.id))
        .map(|m| (m.full_name.clone(), role_label(&m.role, lang)))
        .collect();
    let seats: Vec<ocop_domain::council::Seat> = members
        .iter()
        .map(|m| ocop_domain::council::Seat {
            role: m.role.parse().unwrap_or(MemberRole::Member),
            present: is_present(m.id),
        })
        .collect();
    let quorum = sc
        .rb_for_date
        .as_ref()
        .map(|rb| ocop_domain::council::quorum(rb, &seats))
        .map(|q| {
            format!(
                "{}/{} · {}",
                q.present,
                q.voting,
                t(
                    lang,
                    if q.met {
                        "council.quorum_met"
                    } else {
                        "council.no_quorum"
                    }
                )
            )
        })
        .unwrap_or_default();
    let mut results = Vec::new();
    let mut open_items = Vec::new();
    for it in cs::items(db, id).await? {
        match result_view(&ctx, &it, false).await? {
            Some(r) => results.push(r),
            None => open_items.push(
                ocop_store::registry::get_product(db, it.product_id)
                    .await?
                    .name,
            ),
        }
    }
    let by_role = |r: MemberRole| {
        members
            .iter()
            .find(|m| m.role == r.as_str())
            .map(|m| m.full_name.clone())
            .unwrap_or_default()
    };
    let page = MinutesPage {
        l: Layout::new(
            &ctx,
            format!("{} · {}", t(lang, "council.minutes"), sc.s.title),
        ),
        council: sc.c.name.clone(),
        level: sc
            .c
            .level
            .parse::<CouncilLevel>()
            .map(|l| l.label(lang).to_string())
            .unwrap_or_default(),
        title: sc.s.title.clone(),
        date: ocop_domain::format::date_vn(sc.s.held_on),
        mode: sc
            .s
            .mode
            .parse::<SessionMode>()
            .map(|m| m.label(lang).to_string())
            .unwrap_or_default(),
        present,
        absent,
        quorum,
        results,
        open_items,
        chair: by_role(MemberRole::Chair),
        secretary: by_role(MemberRole::Secretary),
    };
    Ok(page)
}
