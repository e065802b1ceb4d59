//! Sessions: attendance and the agenda.

use super::*;

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
pub(super) struct SessionPage {
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
    /// Vice-chairs: (member, name, authorised to preside).
    vice_chairs: Vec<(i64, String, bool)>,
    quorum_basis: &'static str,
    /// The round the session evaluates, if tied to one.
    round: String,
}

/// Who signs the council's recognition decisions, as the decision will print it:
/// derived from the council's level and unit on `on` (never typed).
pub(super) async fn issuing_body(
    ctx: &Ctx,
    c: &council::Model,
    on: chrono::NaiveDate,
) -> Result<String, AppError> {
    let level = ocop_domain::workflow::Level::parse(&c.level)
        .unwrap_or(ocop_domain::workflow::Level::Province);
    let path = ocop_store::rounds::authority_path(level, &c.unit_path, &c.unit_path);
    Ok(ocop_store::rounds::body_of(&ctx.state.db.conn, level, &path, on).await?)
}

pub(super) struct SessionCtx {
    pub(super) s: council_session::Model,
    pub(super) c: council::Model,
}

pub(super) async fn load_session(ctx: &Ctx, id: i64) -> Result<(SessionCtx, bool), AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let s = cs::get_session(db, id).await?;
    let c = cs::get_council(db, s.council_id).await?;
    if !may_view(ctx, p, &c).await? {
        return Err(AppError::NotFound);
    }
    let can_run = may_run(ctx, p, &c).await?;
    Ok((SessionCtx { s, c }, can_run))
}

/// Scorers of an item: members with role, presence, conflicts and sheet status.
pub(super) async fn scorers(
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
            authorised: s.presiding_member_id == Some(m.id),
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

pub(super) fn item_status(code: &str, lang: Lang) -> String {
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

pub(super) async fn session_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
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
            authorised: sc.s.presiding_member_id == Some(m.id),
        })
        .collect();
    let q = Some(ocop_domain::council::quorum(&seats));
    let vice_chairs: Vec<(i64, String, bool)> = members
        .iter()
        .filter(|m| m.role == MemberRole::ViceChair.as_str())
        .map(|m| {
            (
                m.id,
                m.full_name.clone(),
                sc.s.presiding_member_id == Some(m.id),
            )
        })
        .collect();
    let mut items = Vec::new();
    for it in cs::items(db, id).await? {
        let product = ocop_store::registry::get_product(db, it.product_id).await?;
        let producer = ocop_store::registry::get_producer(db, product.producer_id).await?;
        let sc_list = scorers(ctx, &sc.s, &it).await?;
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
    let products = if can_run {
        eligible_products(ctx, &sc).await?
    } else {
        vec![]
    };
    let page = SessionPage {
        error,
        vice_chairs,
        quorum_basis: if lang == Lang::Vi {
            ocop_domain::council::QUORUM_BASIS_VI
        } else {
            ocop_domain::council::QUORUM_BASIS_EN
        },
        round: match sc.s.round_id {
            Some(r) => ocop_store::rounds::get_round(db, r)
                .await
                .map(|r| r.name)
                .unwrap_or_default(),
            None => String::new(),
        },
        issuing_body: issuing_body(ctx, &sc.c, ctx.state.today()).await?,
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

pub(super) async fn set_attendance(
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, AppError> {
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
    let presiding: Option<i64> = fields.get("presiding").parse().ok();
    match cs::set_attendance(&ctx.state.db.conn, &ctx.actor(), id, &present, presiding).await {
        Ok(()) => Ok(redirect_with_flash(&format!("/sessions/{id}"), "saved")),
        Err(StoreError::Invalid(_)) => {
            let mut r = render_session(
                &ctx,
                id,
                Some(t(ctx.lang, "council.presiding_not_vice_chair").into()),
            )
            .await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn add_item(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let (_, can_run) = load_session(&ctx, id).await?;
    if !can_run {
        return Err(AppError::Forbidden);
    }
    let db = &ctx.state.db.conn;
    let Ok(product_id) = fields.get("product_id").parse::<i64>() else {
        let mut r =
            render_session(&ctx, id, Some(t(ctx.lang, "council.choose_product").into())).await?;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    };
    match cs::put_on_agenda(db, &ctx.state.library, &ctx.actor(), id, product_id).await {
        Ok(_) => Ok(redirect_with_flash(&format!("/sessions/{id}"), "saved")),
        Err(cs::WorkflowError::Agenda(refusal)) => {
            let mut r = render_session(&ctx, id, Some(refusal.message(ctx.lang))).await?;
            *r.status_mut() =
                StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::CONFLICT);
            Ok(r)
        }
        Err(cs::WorkflowError::Store(e)) => Err(e.into()),
        Err(_) => Err(AppError::Conflict),
    }
}

/// Products the session may take: a dossier waiting at the council's level, in its
/// area (and round), not on an open agenda item.
pub(super) async fn eligible_products(
    ctx: &Ctx,
    sc: &SessionCtx,
) -> Result<Vec<(i64, String)>, AppError> {
    let db = &ctx.state.db.conn;
    let Ok(level) = sc.c.level.parse::<CouncilLevel>() else {
        return Ok(vec![]);
    };
    let scope = Scope::Unit {
        path: sc.c.unit_path.clone(),
    };
    let state = ocop_domain::council::waiting_state(level);
    let mut out = Vec::new();
    for d in ocop_store::dossiers::list(db, &scope, Some(state.as_str())).await? {
        if sc.s.round_id.is_some() && sc.s.round_id != d.round_id {
            continue;
        }
        if sc.s.mode == SessionMode::Written.as_str() && d.kind != "re_evaluation" {
            continue;
        }
        if cs::open_item_of_product(db, d.product_id).await?.is_some()
            || out.iter().any(|(p, _)| *p == d.product_id)
        {
            continue;
        }
        let p = ocop_store::registry::get_product(db, d.product_id).await?;
        out.push((
            p.id,
            format!("{} ({}) · {}", p.name, p.set_code, d.registration_number),
        ));
    }
    Ok(out)
}
