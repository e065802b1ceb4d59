//! Results and the minutes (biên bản).

use super::*;

// ----- results and minutes -----

/// One criterion line of the breakdown.
pub struct BreakdownRow {
    pub title: String,
    pub max: i32,
    pub points: Vec<String>,
    pub mean: String,
    pub marks: String,
}

/// A member's name, total and points per part.
pub type MemberTotals = (String, i32, Vec<(String, i32)>);

/// What a closed item shows.
pub struct ResultView {
    pub product: String,
    pub producer: String,
    pub sheet: String,
    pub members: Vec<MemberTotals>,
    pub average: String,
    pub band: u8,
    pub stars: u8,
    pub recognised: bool,
    /// "Không đạt – thiếu …" when not recognised whatever the band (empty otherwise).
    pub not_recognised: String,
    pub unmet: Vec<String>,
    pub spread: i32,
    pub spread_exceeds: bool,
    pub note: String,
    pub conflicts: Vec<String>,
    pub rows: Vec<BreakdownRow>,
    /// Knock-outs the result applied (stars 0, not recognised).
    pub knockouts: Vec<String>,
}

pub(super) async fn result_view(
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
    let members: Vec<MemberTotals> = e["members"]
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
        not_recognised: super::super::self_assessment::not_recognised_from_json(sheet, rb, e, lang),
        unmet,
        spread: e["spread"].as_i64().unwrap_or(0) as i32,
        spread_exceeds: e["spread_exceeds_limit"].as_bool().unwrap_or(false),
        note: item.note.clone(),
        conflicts,
        rows,
        knockouts: e["knockouts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| k.as_str().map(String::from))
            .collect(),
    }))
}

#[derive(Template)]
#[template(path = "item_result.html")]
pub(super) struct ResultPage {
    l: Layout,
    item_id: i64,
    session_id: i64,
    r: ResultView,
}

pub(super) async fn item_result(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
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
pub(super) struct MinutesPage {
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

pub(super) async fn minutes(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    render(&minutes_data(&ctx, id).await?)
}

/// The minutes as a PDF (A4, Vietnamese, embedded font).
pub(super) async fn minutes_pdf(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
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
            "{}: {} · {}: {} ★ · {}: {}{} · {}: {}",
            t(lang, "council.average"),
            r.average,
            t(lang, "council.band"),
            r.band,
            t(lang, "council.stars"),
            if r.not_recognised.is_empty() {
                format!("{} ★", r.stars)
            } else {
                r.not_recognised.clone()
            },
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
        if !r.knockouts.is_empty() {
            b.push(Block::Para(format!(
                "{}: {}",
                t(lang, "council.knockouts_applied"),
                r.knockouts.join("; ")
            )));
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

pub(super) async fn minutes_data(ctx: &Ctx, id: i64) -> Result<MinutesPage, AppError> {
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
            authorised: sc.s.presiding_member_id == Some(m.id),
        })
        .collect();
    let quorum = Some(ocop_domain::council::quorum(&seats))
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
