//! An agenda item: members scoring, conflicts, closing.

use super::*;

// ----- an item: scoring, conflicts, closing -----

pub(super) struct ItemCtx {
    pub(super) item: session_item::Model,
    pub(super) s: council_session::Model,
    pub(super) c: council::Model,
    pub(super) me: Option<council_member::Model>,
    pub(super) can_run: bool,
    pub(super) product: ocop_store::entities::product::Model,
    pub(super) producer_name: String,
}

pub(super) async fn load_item(ctx: &Ctx, id: i64) -> Result<ItemCtx, AppError> {
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
pub(super) async fn item_evidence(
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

pub(super) fn sheet_of<'a>(
    lib: &'a ocop_domain::rulebook::Library,
    item: &session_item::Model,
) -> Result<(&'a Sheet, &'a Rulebook), AppError> {
    crate::api::criteria::sheet_and_rulebook(lib, &item.sheet_code, Some(&item.rulebook_id))
        .map_err(|_| AppError::NotFound)
}

/// The commune's choices on its criteria, and the ids of those criteria.
pub(super) fn commune_part(
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
pub(super) fn with_commune(
    mut choices: Vec<(String, Vec<String>)>,
    given: &[(String, Vec<String>)],
    _ids: &HashSet<String>,
) -> Vec<(String, Vec<String>)> {
    // Only the criteria the commune actually scored replace the member's: a missing
    // commune entry never turns into 0 points (the member scores it).
    let from_commune: HashSet<&String> = given
        .iter()
        .filter(|(_, v)| v.iter().any(|x| !x.trim().is_empty()))
        .map(|(k, _)| k)
        .collect();
    choices.retain(|(k, _)| !from_commune.contains(k));
    choices.extend(
        given
            .iter()
            .filter(|(k, _)| from_commune.contains(k))
            .cloned(),
    );
    choices
}

/// The session's mode for this item: an item whose written opinions diverged went
/// to a meeting (Art. 7.6.d).
pub(super) fn item_mode(item: &session_item::Model, s: &council_session::Model) -> SessionMode {
    item.mode
        .as_deref()
        .unwrap_or(&s.mode)
        .parse()
        .unwrap_or(SessionMode::Meeting)
}

/// The council's view of an item: the evaluation of the sheets that count, each
/// member's own stars, the knock-outs tallied, and the members' names.
pub(super) struct CouncilView {
    pub e: Evaluation,
    pub names: Vec<(i64, String)>,
    pub member_stars: Vec<u8>,
    pub knockouts: ocop_domain::council::KnockoutTally,
}

pub(super) async fn council_evaluation(
    ctx: &Ctx,
    ic: &ItemCtx,
    sheet: &Sheet,
    rb: &Rulebook,
) -> Result<Option<CouncilView>, AppError> {
    let db = &ctx.state.db.conn;
    let (given, ids) = commune_part(sheet, rb, &ic.item);
    let mode = item_mode(&ic.item, &ic.s);
    // Confirmed sheets of the members that count: scoring, not conflicted and, in a
    // meeting, present (the sheets of absent members do not count).
    let scorers = scorers(ctx, &ic.s, &ic.item).await?;
    let mut sheets = Vec::new();
    let mut names = Vec::new();
    let mut member_stars = Vec::new();
    let mut per_member_knockouts = Vec::new();
    for s in cs::sheets(db, ic.item.id).await? {
        let Some(who) = scorers.iter().find(|x| x.member_id == s.member_id) else {
            continue;
        };
        if s.status != SheetStatus::Locked.as_str() || !who.counts(mode) {
            continue;
        }
        let choices = with_commune(choices_from_json(&s.choices), &given, &ids);
        let ko = cs::knockouts_of(&s);
        let own = scoring::evaluate(
            sheet,
            rb,
            &[MemberSheet {
                member: "x".into(),
                choices: choices.clone(),
            }],
            &ko,
        )
        .map_err(|e| AppError::Internal(e.message()))?;
        member_stars.push(own.stars);
        per_member_knockouts.push(ko);
        names.push((s.member_id, who.name.clone()));
        sheets.push(MemberSheet {
            member: format!("{}", s.member_id),
            choices,
        });
    }
    if sheets.is_empty() {
        return Ok(None);
    }
    let knockouts = ocop_domain::council::tally_knockouts(&per_member_knockouts);
    // The knock-outs applied are named by their title in the result.
    let applied: Vec<String> = knockouts
        .applied
        .iter()
        .map(|k| {
            rb.knockouts
                .iter()
                .find(|x| &x.id == k)
                .map(|x| x.title.clone())
                .unwrap_or_else(|| k.clone())
        })
        .collect();
    let e = scoring::evaluate(sheet, rb, &sheets, &applied)
        .map_err(|e| AppError::Internal(e.message()))?;
    Ok(Some(CouncilView {
        e,
        names,
        member_stars,
        knockouts,
    }))
}

/// Other members' submitted totals, for a member who has submitted.
pub struct OtherRow {
    pub name: String,
    pub status: String,
    pub total: String,
}

#[derive(Template)]
#[template(path = "item.html")]
pub(super) struct ItemPage {
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
    /// How the council decides on this item.
    mode: String,
    /// Written opinions diverged and the item went to a meeting.
    went_to_meeting: bool,
    /// The rulebook's knock-outs: (id, title, recorded on my sheet).
    knockouts: Vec<(String, String, bool)>,
    /// Knock-outs the council's sheets apply (titles).
    knockouts_applied: Vec<String>,
    /// The commune's written assessment of the dossier (read-only).
    assessment: Option<ocop_domain::council::CommuneAssessment>,
}

pub(super) async fn render_item(
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
    // The criteria the commune actually scored are shown to members as given; the
    // others (none under QĐ 26/2026) the member scores.
    let given_ids: HashSet<String> = given
        .iter()
        .filter(|(_, v)| v.iter().any(|x| !x.trim().is_empty()))
        .map(|(k, _)| k.clone())
        .collect();
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
    ev.flag(&e, &given_ids);
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
    let mode = item_mode(&ic.item, &ic.s);
    let block = can_close(mode, &sc).err().map(|b| b.message(lang));
    let view = if ic.can_run {
        council_evaluation(ctx, &ic, sheet, rb).await?
    } else {
        None
    };
    let preview = view.as_ref().map(|v| {
        let e = &v.e;
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
    let spread_flag = view.as_ref().and_then(|v| {
        ocop_domain::council::divergence(&v.member_stars, v.e.spread, rb.spread_limit, &v.knockouts)
            .map(|d| d.message(lang))
    });
    let knockouts_applied: Vec<String> = view
        .as_ref()
        .map(|v| v.e.knockouts.clone())
        .unwrap_or_default();
    let my_knockouts: Vec<String> = mine.as_ref().map(cs::knockouts_of).unwrap_or_default();
    let knockouts: Vec<(String, String, bool)> = rb
        .knockouts
        .iter()
        .map(|k| (k.id.clone(), k.title.clone(), my_knockouts.contains(&k.id)))
        .collect();
    let assessment = match ic.item.dossier_id {
        Some(d) => cs::assessment(db, d).await?.map(|a| cs::assessment_of(&a)),
        None => None,
    };
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
        parts: parts_view(
            sheet,
            rb,
            &chosen,
            &e,
            lang,
            if is_scorer { &given_ids } else { &ids },
            &ev,
        ),
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
        mode: mode.label(lang).to_string(),
        went_to_meeting: ic.item.mode.is_some(),
        knockouts,
        knockouts_applied,
        assessment,
    };
    render(&page)
}

pub(super) async fn item_page(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    render_item(&ctx, id, None, None).await
}

/// Save draft, submit (read back) or confirm (lock) the member's own sheet.
pub(super) async fn item_sheet(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
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
            // Knock-outs (điểm liệt) the member records: ids of the rulebook's.
            let mut knockouts: Vec<String> = Vec::new();
            for (k, v) in &fields.0 {
                if k != "knockout" || v.trim().is_empty() {
                    continue;
                }
                if !rb.knockouts.iter().any(|x| x.id == v.trim()) {
                    let mut r = render_item(
                        &ctx,
                        id,
                        None,
                        Some(format!("{}: {v}", t(lang, "council.unknown_knockout"))),
                    )
                    .await?;
                    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                    return Ok(r);
                }
                if !knockouts.contains(&v.trim().to_string()) {
                    knockouts.push(v.trim().to_string());
                }
            }
            Some((
                cs::SheetContent {
                    choices: choices_to_json(&c),
                    total: e.members[0].total,
                    evidence: evidence::to_json(&evidence_from_fields(sheet, &fields, &citable)),
                },
                Some(knockouts),
            ))
        }
    };
    match cs::write_sheet_with_knockouts(db, &ctx.actor(), id, me.id, version, choices, action)
        .await
    {
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

pub(super) async fn item_conflict(
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, AppError> {
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
pub(super) async fn item_commune(
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, AppError> {
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
    if ids.is_empty() {
        // QĐ 26/2026 Art. 7.2: the commune assesses (its own page), it gives no points.
        let mut r = render_item(
            &ctx,
            id,
            None,
            Some(t(ctx.lang, "council.commune_no_points").into()),
        )
        .await?;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
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

pub(super) async fn item_close(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let ic = load_item(&ctx, id).await?;
    let lang = ctx.lang;
    if !ic.can_run {
        return Err(AppError::Forbidden);
    }
    let refuse = |msg: String, status: StatusCode| {
        let ctx = ctx.clone();
        async move {
            let mut r = render_item(&ctx, id, None, Some(msg)).await?;
            *r.status_mut() = status;
            Ok::<Response, AppError>(r)
        }
    };
    if ic.item.status == "closed" {
        return refuse(
            t(lang, "council.item_is_closed").into(),
            StatusCode::CONFLICT,
        )
        .await;
    }
    let version: i32 = fields.get("version").parse().unwrap_or(-1);
    if version != ic.item.version {
        return refuse(t(lang, "err.conflict").into(), StatusCode::CONFLICT).await;
    }
    let lib = ctx.state.library.clone();
    let (sheet, rb) = sheet_of(&lib, &ic.item)?;
    let sc = scorers(&ctx, &ic.s, &ic.item).await?;
    let mode = item_mode(&ic.item, &ic.s);
    if let Err(b) = can_close(mode, &sc) {
        return refuse(b.message(lang), StatusCode::CONFLICT).await;
    }
    let Some(view) = council_evaluation(&ctx, &ic, sheet, rb).await? else {
        return refuse(
            ocop_domain::council::CloseBlock::NoSheets.message(lang),
            StatusCode::CONFLICT,
        )
        .await;
    };
    let note = ocop_domain::text::clean(fields.get("note"));
    let d = ocop_domain::council::divergence(
        &view.member_stars,
        view.e.spread,
        rb.spread_limit,
        &view.knockouts,
    );
    match ocop_domain::council::close_step(mode, d, fields.get("override") == "yes") {
        ocop_domain::council::CloseStep::Close => {}
        // Totals too far apart (or stars, or knock-outs differ): the council
        // discusses first and may then keep the result.
        ocop_domain::council::CloseStep::Discuss(d) => {
            let msg = format!(
                "{}. {}",
                d.message(lang),
                t(lang, "council.discuss_then_keep")
            );
            cs::flag(&ctx.state.db.conn, &ctx.actor(), id, &msg).await?;
            return refuse(msg, StatusCode::CONFLICT).await;
        }
        // In writing, divergent opinions need a meeting (QĐ 26/2026 Art. 7.6.d).
        ocop_domain::council::CloseStep::ToMeeting(d) => {
            let msg = format!(
                "{}. {}",
                d.message(lang),
                t(lang, "council.written_diverge")
            );
            cs::to_meeting(&ctx.state.db.conn, &ctx.actor(), id, version, &msg).await?;
            return refuse(msg, StatusCode::CONFLICT).await;
        }
    }
    let e = &view.e;
    let result = serde_json::json!({
        "evaluation": e,
        "members": view.names.iter().map(|(id, n)| serde_json::json!({"member": id.to_string(), "name": n})).collect::<Vec<_>>(),
        "rulebook": rb.id,
        "sheet": sheet.code,
        "mode": mode.as_str(),
        "knockouts": view.knockouts,
    });
    let closing = cs::Closing {
        result,
        stars: e.stars as i32,
        average: e.average,
        note,
        dossier_event: ic.item.dossier_id.map(|_| dossier_event(&ic, e)),
        held_on: ic.s.held_on,
    };
    match cs::close_and_move(
        &ctx.state.db.conn,
        &lib,
        &ctx.actor(),
        id,
        version,
        &closing,
    )
    .await
    {
        Ok(_) => Ok(redirect_with_flash(&format!("/items/{id}/result"), "saved")),
        Err(cs::WorkflowError::Store(StoreError::Conflict))
        | Err(cs::WorkflowError::Store(StoreError::Invalid(_))) => {
            refuse(t(lang, "err.conflict").into(), StatusCode::CONFLICT).await
        }
        Err(cs::WorkflowError::Dossier(err)) => {
            tracing::info!(item = id, error = ?err, "the dossier refused the council's result");
            refuse(
                format!(
                    "{} ({})",
                    t(lang, "council.dossier_refused"),
                    dossier_refusal(&err)
                ),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(cs::WorkflowError::Store(e)) => Err(e.into()),
        Err(_) => Err(AppError::Conflict),
    }
}

/// The council's result as an event of the item's dossier, and the role it is
/// applied as (the officer of the council's level).
pub(super) fn dossier_event(ic: &ItemCtx, e: &Evaluation) -> (Role, ocop_domain::dossier::Event) {
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
    (role, event)
}

/// A dossier refusal in a few words (its code).
pub(super) fn dossier_refusal(e: &ocop_store::dossiers::TransitionError) -> String {
    match e {
        ocop_store::dossiers::TransitionError::Refused(r) => serde_json::to_value(r)
            .ok()
            .and_then(|v| v["code"].as_str().map(String::from))
            .unwrap_or_default(),
        ocop_store::dossiers::TransitionError::MissingDocuments(m) => m.join(", "),
        ocop_store::dossiers::TransitionError::Store(_) => "store".into(),
    }
}

pub(super) async fn item_rescore(
    Path(id): Path<i64>,
    posted: Posted,
) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let ic = load_item(&ctx, id).await?;
    if !ic.can_run {
        return Err(AppError::Forbidden);
    }
    cs::rescore(&ctx.state.db.conn, &ctx.actor(), id, fields.get("reason")).await?;
    Ok(redirect_with_flash(&format!("/items/{id}"), "saved"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_commune_entry_never_becomes_zero_points() {
        let c = |k: &str, v: &str| (k.to_string(), vec![v.to_string()]);
        let ids: HashSet<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
        let mine = vec![c("a", "a/2"), c("b", "b/3"), c("x", "x/1")];
        // The commune scored "a" only (QĐ 148 as amended by QĐ 1489): "a" is the
        // commune's, "b" stays the member's.
        let given = vec![c("a", "a/1"), c("b", "")];
        let mut got = with_commune(mine.clone(), &given, &ids);
        got.sort();
        assert_eq!(got, vec![c("a", "a/1"), c("b", "b/3"), c("x", "x/1")]);
        // Nothing from the commune (QĐ 26/2026): the member's choices as they are.
        let mut got = with_commune(mine.clone(), &[], &ids);
        got.sort();
        let mut want = mine;
        want.sort();
        assert_eq!(got, want);
    }
}
