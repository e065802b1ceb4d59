//! Setting councils up: councils, their members, links and sessions.

use super::*;

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
pub(super) struct CouncilsPage {
    l: Layout,
    rows: Vec<CouncilRow>,
    can_create: bool,
    f: FormState,
    levels: Vec<(String, String)>,
}

pub(super) async fn councils_page(ctx: &Ctx, f: FormState) -> Result<Response, AppError> {
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

pub(super) async fn list(ctx: Ctx) -> Result<Response, AppError> {
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

pub(super) async fn create(posted: Posted) -> Result<Response, AppError> {
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
    // A council of a level that does not exist today (a district after 07/2025).
    if let Some(l) = level.and_then(|l| ocop_domain::workflow::Level::parse(l.as_str())) {
        if let Err(r) = ocop_domain::workflow::level_on(&ctx.state.library, l, ctx.state.today()) {
            f.errors.insert("level".into(), r.message(lang));
        }
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
pub(super) struct CouncilPage {
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
    /// Open rounds of the council's level and area a session may be tied to.
    rounds: Vec<(i64, String)>,
    f: FormState,
}

pub(super) async fn council_page(ctx: &Ctx, id: i64, f: FormState) -> Result<Response, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let lang = ctx.lang;
    let c = cs::get_council(db, id).await?;
    if !may_view(ctx, p, &c).await? {
        return Err(AppError::NotFound);
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
        rounds: ocop_store::rounds::list_rounds(db, Some(&c.unit_path))
            .await?
            .into_iter()
            .filter(|r| r.level == c.level && r.status == "open")
            .map(|r| (r.id, r.name))
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

pub(super) async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let mut f = FormState::default();
    f.set("role", "member");
    f.set("mode", "meeting");
    f.set("held_on", ocop_domain::format::date_vn(ctx.state.today()));
    council_page(&ctx, id, f).await
}

pub(super) async fn manage_guard(ctx: &Ctx, id: i64) -> Result<council::Model, AppError> {
    let (p, _) = ctx.require()?;
    let c = cs::get_council(&ctx.state.db.conn, id).await?;
    if !may_manage(p, Some(&c)) {
        return Err(AppError::Forbidden);
    }
    Ok(c)
}

pub(super) async fn add_member(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
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

pub(super) async fn add_link(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
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

pub(super) async fn create_session(
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, AppError> {
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
    let round: Option<i64> = fields.get("round_id").parse().ok();
    if let (Some(d), false) = (date, f.has_errors()) {
        match cs::create_session_in_round(
            &ctx.state.db.conn,
            &ctx.actor(),
            id,
            &title,
            d,
            mode,
            round,
        )
        .await
        {
            Ok(s) => {
                return Ok(redirect_with_flash(
                    &format!("/sessions/{}", s.id),
                    "created",
                ))
            }
            Err(StoreError::Invalid(_)) | Err(StoreError::NotFound) => {
                f.errors
                    .insert("round_id".into(), t(lang, "council.round_mismatch").into());
            }
            Err(StoreError::Workflow(r)) => {
                f.errors.insert("held_on".into(), r.message(lang));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut r = council_page(&ctx, id, f).await?;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(r)
}
