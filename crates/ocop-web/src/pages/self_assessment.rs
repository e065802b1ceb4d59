//! Self-assessment: a producer scores its own product on the criteria sheet of its
//! set, sees the running total and what the next star still needs, saves, comes back
//! and prints. The same calculator as the council's (`ocop_domain::scoring`).

use super::{redirect_with_flash, render, Layout};
use crate::auth::{Ctx, Fields, Posted};
use crate::error::AppError;
use crate::i18n::t;
use crate::AppState;
use askama::Template;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use ocop_domain::criteria::{CriterionKind, Sheet};
use ocop_domain::evidence::{self, Citations};
use ocop_domain::roles::{Action, Location};
use ocop_domain::rulebook::Rulebook;
use ocop_domain::scoring::{self, Evaluation, MemberSheet};
use ocop_store::entities::document;
use std::collections::{BTreeSet, HashMap, HashSet};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/products/{id}/self-assessment", get(show).post(save))
        .route("/products/{id}/self-assessment/preview", post(preview))
}

/// An option to tick.
pub struct OptionView {
    pub name: String,
    pub value: String,
    pub title: String,
    pub points: i32,
    pub marks: String,
    pub checked: bool,
}

/// A document that can be cited beside a criterion.
pub struct DocPick {
    pub id: i64,
    pub title: String,
    pub checked: bool,
    pub expired: bool,
}

/// The documents citable on a sheet, and who cited what.
#[derive(Default)]
pub(crate) struct EvidenceCtx {
    /// (id, title, expired)
    pub docs: Vec<(i64, String, bool)>,
    /// The sheet author's citations.
    pub mine: Citations,
    /// The producer's citations, shown on a council member's sheet.
    pub producer: Citations,
    /// Criteria earning points on this sheet without a cited document.
    pub unsupported: BTreeSet<String>,
    /// May the viewer change the citations?
    pub editable: bool,
}

impl EvidenceCtx {
    pub fn new(docs: &[document::Model], mine: Citations, editable: bool) -> Self {
        let today = ocop_domain::format::today_vn();
        EvidenceCtx {
            docs: docs
                .iter()
                .map(|d| {
                    (
                        d.id,
                        d.title.clone(),
                        d.valid_until.is_some_and(|v| v < today),
                    )
                })
                .collect(),
            mine,
            editable,
            ..Default::default()
        }
    }

    pub fn citable(&self) -> HashSet<i64> {
        self.docs.iter().map(|d| d.0).collect()
    }

    /// Flags what earns points in `e` without a citation; the commune's criteria are
    /// exempt (the commune gives them).
    pub fn flag(&mut self, e: &Evaluation, exempt: &HashSet<String>) {
        self.unsupported = evidence::unsupported(&e.criteria, &self.mine, exempt);
    }

    fn picks(&self, ids: Option<&Vec<i64>>, only_cited: bool) -> Vec<DocPick> {
        self.docs
            .iter()
            .map(|(id, title, expired)| DocPick {
                id: *id,
                title: title.clone(),
                checked: ids.is_some_and(|v| v.contains(id)),
                expired: *expired,
            })
            .filter(|d| !only_cited || d.checked)
            .collect()
    }
}

/// Citations posted with a sheet: checkboxes `ev:{criterion}` whose values are
/// document ids.
pub(crate) fn evidence_from_fields(
    sheet: &Sheet,
    fields: &Fields,
    citable: &HashSet<i64>,
) -> Citations {
    let criteria: HashSet<String> = sheet.criteria().map(|(_, _, c)| c.id.clone()).collect();
    evidence::from_pairs(
        fields.0.iter().filter_map(|(k, v)| {
            let c = k.strip_prefix("ev:")?;
            Some((c.to_string(), v.parse::<i64>().ok()?))
        }),
        &criteria,
        citable,
    )
}

/// A criterion with its options.
pub struct CriterionView {
    /// Given by the commune: shown, not scored again.
    pub locked: bool,
    pub title: String,
    pub description: String,
    pub max_points: i32,
    pub marks: String,
    pub group: Option<String>,
    pub options: Vec<OptionView>,
    pub answered: bool,
    pub commune: bool,
    /// Evidence: the checkbox name, the citable documents (ticked when cited), how
    /// many are cited, the producer's citations (on a member's sheet), the flag.
    pub ev_name: String,
    pub picks: Vec<DocPick>,
    pub cited: usize,
    pub can_cite: bool,
    pub producer_cites: Vec<DocPick>,
    pub unsupported: bool,
}

/// A collapsible section.
pub struct SectionView {
    pub title: String,
    pub max_points: i32,
    pub scored: i32,
    pub description: String,
    pub criteria: Vec<CriterionView>,
}

/// A part.
pub struct PartView {
    pub title: String,
    pub sections: Vec<SectionView>,
}

/// The running result.
pub struct Summary {
    pub total: i32,
    pub parts: Vec<(String, i32, i32)>,
    pub stars: u8,
    pub stars_text: String,
    pub recognised: bool,
    pub next_target: Option<u8>,
    pub points_missing: String,
    pub marks_missing: Vec<String>,
    pub answered: usize,
    pub criteria: usize,
    /// Criteria earning points without a cited document.
    pub unsupported: usize,
    /// Not recognised whatever the band: "Không đạt – thiếu …" naming the unmet
    /// mandatory criteria of the lowest recognised level (or the knock-outs); empty
    /// when the stars read as a rank.
    pub not_recognised: String,
    /// Criteria that need a story and earn points without one (5.2), with why.
    pub story: Vec<String>,
}

#[derive(Template)]
#[template(path = "self_assessment.html")]
struct Page {
    l: Layout,
    product_id: i64,
    product_name: String,
    product_code: String,
    producer_name: String,
    sheet_code: String,
    sheet_name: String,
    rulebook: String,
    parts: Vec<PartView>,
    s: Summary,
    version: i32,
    can_edit: bool,
    no_docs: bool,
    saved: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "self_assessment_summary.html")]
struct SummaryFragment {
    l: Layout,
    s: Summary,
}

fn marks(stars: &[u8]) -> String {
    stars
        .iter()
        .map(|s| "★".repeat(*s as usize))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The radio name of a criterion: alternatives of one section share one name so that
/// only one case can be ticked.
fn radio_name(sheet: &Sheet, c: &ocop_domain::criteria::Criterion) -> String {
    match &c.alternative {
        Some(a) => format!("alt:{}:{}", sheet.code, a.section),
        None => c.id.clone(),
    }
}

/// Choices from form fields: criterion radios, and alternative radios (whose value is
/// an option of one of the cases).
pub(crate) fn choices_from_fields(sheet: &Sheet, fields: &Fields) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for (_, _, c) in sheet.criteria() {
        let name = radio_name(sheet, c);
        let v = fields.get(&name);
        if v.is_empty() {
            continue;
        }
        let belongs = match c.kind {
            CriterionKind::YesNo => true,
            CriterionKind::Options => {
                c.alternative.is_none() || c.options.iter().any(|o| o.id == v)
            }
        };
        if belongs {
            out.push((c.id.clone(), vec![v.to_string()]));
        }
    }
    out
}

pub(crate) fn choices_to_json(choices: &[(String, Vec<String>)]) -> serde_json::Value {
    serde_json::Value::Object(
        choices
            .iter()
            .filter_map(|(k, v)| {
                v.first()
                    .map(|x| (k.clone(), serde_json::Value::String(x.clone())))
            })
            .collect(),
    )
}

pub(crate) fn choices_from_json(s: &str) -> Vec<(String, Vec<String>)> {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| v.as_str().map(|x| (k, vec![x.to_string()])))
        .collect()
}

/// The words for a result that is not recognised whatever its band: "Không đạt –
/// thiếu …" naming the unmet mandatory criteria of the lowest recognised level, or
/// the knock-outs; empty when the stars read as a rank (`scoring::Standing`).
pub(crate) fn not_recognised_text(
    sheet: &Sheet,
    rb: &Rulebook,
    standing: &scoring::Standing,
    lang: crate::i18n::Lang,
) -> String {
    match standing {
        scoring::Standing::MissingMandatory { missing, .. } => format!(
            "{} {}",
            t(lang, "sa.not_recognised_missing"),
            missing
                .iter()
                .map(|id| criterion_title(sheet, id))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        scoring::Standing::KnockedOut { knockouts } => format!(
            "{} {}",
            t(lang, "sa.knocked_out"),
            knockouts
                .iter()
                .map(|k| {
                    rb.knockouts
                        .iter()
                        .find(|x| &x.id == k)
                        .map(|x| x.title.clone())
                        .unwrap_or_else(|| k.clone())
                })
                .collect::<Vec<_>>()
                .join("; ")
        ),
        _ => String::new(),
    }
}

/// The same, from a council result stored as JSON (`scoring::Evaluation`'s fields):
/// for the result block and the minutes.
pub(crate) fn not_recognised_from_json(
    sheet: &Sheet,
    rb: &Rulebook,
    e: &serde_json::Value,
    lang: crate::i18n::Lang,
) -> String {
    let n = |k: &str| e[k].as_u64().unwrap_or(0).min(5) as u8;
    let knockouts: Vec<String> = e["knockouts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str().map(String::from))
        .collect();
    let unmet: Vec<(&str, u8)> = e["unmet"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| Some((u["criterion"].as_str()?, u["stars"].as_u64()? as u8)))
        .collect();
    let standing = scoring::Standing::from_parts(
        rb.recognised_min_stars,
        n("stars"),
        n("band_stars"),
        n("cap"),
        &knockouts,
        unmet,
    );
    not_recognised_text(sheet, rb, &standing, lang)
}

fn criterion_title(sheet: &Sheet, id: &str) -> String {
    sheet
        .criterion(id)
        .map(|(_, _, c)| {
            if c.title.starts_with(&c.key) {
                c.title.clone()
            } else {
                format!("{} {}", c.key, c.title)
            }
        })
        .unwrap_or_else(|| id.to_string())
}

/// The story flags of a sheet (criterion 5.2 without a story), with the documents
/// cited by the sheet's author (and, on a member's sheet, by the producer).
fn story_flags(
    sheet: &Sheet,
    e: &Evaluation,
    ev: &EvidenceCtx,
) -> std::collections::BTreeMap<String, scoring::StoryFlag> {
    let cited = |id: &str| {
        ev.mine.get(id).is_some_and(|v| !v.is_empty())
            || ev.producer.get(id).is_some_and(|v| !v.is_empty())
    };
    scoring::story_flags(sheet, &e.criteria, cited)
}

fn story_text(flag: scoring::StoryFlag, lang: crate::i18n::Lang) -> &'static str {
    match flag {
        scoring::StoryFlag::NoStory => t(lang, "sa.no_story"),
        scoring::StoryFlag::Undocumented => t(lang, "sa.story_undocumented"),
    }
}

/// The summary's story lines: "5.2 … – why".
fn story_lines(
    sheet: &Sheet,
    e: &Evaluation,
    ev: &EvidenceCtx,
    lang: crate::i18n::Lang,
) -> Vec<String> {
    story_flags(sheet, e, ev)
        .into_iter()
        .map(|(id, f)| format!("{} – {}", criterion_title(sheet, &id), story_text(f, lang)))
        .collect()
}

pub(crate) fn summary(
    sheet: &Sheet,
    rb: &Rulebook,
    e: &Evaluation,
    answered: usize,
    lang: crate::i18n::Lang,
) -> Summary {
    let m = &e.members[0];
    let next = scoring::next_star(rb, e);
    let title_of = |id: &str| {
        sheet
            .criterion(id)
            .map(|(_, _, c)| c.title.clone())
            .unwrap_or_else(|| id.to_string())
    };
    Summary {
        not_recognised: not_recognised_text(sheet, rb, &scoring::standing(rb, e), lang),
        story: Vec::new(),
        total: m.total,
        parts: sheet
            .parts
            .iter()
            .map(|p| {
                (
                    p.key.clone(),
                    m.parts.get(&p.key).copied().unwrap_or(0),
                    p.max_points,
                )
            })
            .collect(),
        stars: e.stars,
        stars_text: "★".repeat(e.stars as usize),
        recognised: e.recognised,
        next_target: next.as_ref().map(|n| n.target),
        points_missing: next
            .as_ref()
            .map(|n| ocop_domain::format::decimal_vn(n.points_missing, 0))
            .unwrap_or_default(),
        marks_missing: next
            .map(|n| {
                n.marks_missing
                    .iter()
                    .map(|u| {
                        format!(
                            "{} – {} {} {} {}",
                            title_of(&u.criterion),
                            t(lang, "sa.at_least"),
                            u.required,
                            t(lang, "sa.points_for"),
                            "★".repeat(u.stars as usize)
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        answered,
        criteria: sheet.criteria().count(),
        unsupported: 0,
    }
}

pub(crate) fn parts_view(
    sheet: &Sheet,
    rb: &Rulebook,
    chosen: &HashMap<String, String>,
    e: &Evaluation,
    lang: crate::i18n::Lang,
    locked: &std::collections::HashSet<String>,
    ev: &EvidenceCtx,
) -> Vec<PartView> {
    let mut last_group: Option<String> = None;
    let story = story_flags(sheet, e, ev);
    sheet
        .parts
        .iter()
        .map(|p| PartView {
            title: p.title.clone(),
            sections: p
                .sections
                .iter()
                .map(|s| SectionView {
                    title: s.title.clone(),
                    max_points: s.max_points,
                    scored: s
                        .criteria
                        .iter()
                        .map(|c| e.criteria.get(&c.id).copied().unwrap_or(0.0) as i32)
                        .sum(),
                    description: s.description.clone(),
                    criteria: s
                        .criteria
                        .iter()
                        .map(|c| {
                            let name = radio_name(sheet, c);
                            let current = chosen.get(&c.id).cloned().unwrap_or_default();
                            let options = match c.kind {
                                CriterionKind::Options => c
                                    .options
                                    .iter()
                                    .map(|o| OptionView {
                                        name: name.clone(),
                                        value: o.id.clone(),
                                        title: o.title.clone(),
                                        points: o.points,
                                        marks: marks(&o.mandatory_for),
                                        checked: current == o.id,
                                    })
                                    .collect(),
                                CriterionKind::YesNo => vec![
                                    OptionView {
                                        name: name.clone(),
                                        value: "yes".into(),
                                        title: t(lang, "common.yes").into(),
                                        points: c.max_points,
                                        marks: String::new(),
                                        checked: current == "yes",
                                    },
                                    OptionView {
                                        name: name.clone(),
                                        value: "no".into(),
                                        title: t(lang, "common.no").into(),
                                        points: 0,
                                        marks: String::new(),
                                        checked: current == "no",
                                    },
                                ],
                            };
                            let group = c.group.as_ref().and_then(|g| {
                                let label = format!("{} ({} đ)", g.title, g.max_points);
                                (last_group.as_deref() != Some(label.as_str())).then(|| {
                                    last_group = Some(label.clone());
                                    label
                                })
                            });
                            let commune = rb.is_commune_criterion(c);
                            let mine = ev.mine.get(&c.id);
                            CriterionView {
                                ev_name: format!("ev:{}", c.id),
                                picks: if commune {
                                    Vec::new()
                                } else {
                                    ev.picks(mine, !ev.editable)
                                },
                                cited: mine.map(|v| v.len()).unwrap_or(0),
                                can_cite: ev.editable && !commune && !locked.contains(&c.id),
                                producer_cites: ev.picks(ev.producer.get(&c.id), true),
                                unsupported: ev.unsupported.contains(&c.id),
                                locked: locked.contains(&c.id),
                                title: if c.key == s.key {
                                    t(lang, "sa.choose_one").into()
                                } else {
                                    c.title.clone()
                                },
                                description: match story.get(&c.id) {
                                    Some(f) => {
                                        format!("{} ⚠ {}", c.description, story_text(*f, lang))
                                            .trim()
                                            .to_string()
                                    }
                                    None => c.description.clone(),
                                },
                                max_points: c.max_points,
                                marks: marks(&c.mandatory_for),
                                group,
                                answered: !current.is_empty(),
                                commune,
                                options,
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

struct Loaded {
    product: ocop_store::entities::product::Model,
    producer_name: String,
    can_edit: bool,
}

async fn load(ctx: &Ctx, id: i64) -> Result<Loaded, AppError> {
    let (p, _) = ctx.require()?;
    let db = &ctx.state.db.conn;
    let product = ocop_store::registry::get_product(db, id).await?;
    let loc = Location {
        producer_id: product.producer_id,
        unit_path: &product.unit_path,
        current_unit_path: &product.current_unit_path,
    };
    if !p.may(Action::View, &loc) {
        return Err(AppError::NotFound);
    }
    let can_edit = p.may(Action::Edit, &loc);
    let producer_name = ocop_store::registry::get_producer(db, product.producer_id)
        .await?
        .name;
    Ok(Loaded {
        product,
        producer_name,
        can_edit,
    })
}

pub(crate) fn evaluate_self(
    sheet: &Sheet,
    rb: &Rulebook,
    choices: Vec<(String, Vec<String>)>,
) -> Result<Evaluation, AppError> {
    scoring::evaluate(
        sheet,
        rb,
        &[MemberSheet {
            member: "self".into(),
            choices,
        }],
        &[],
    )
    .map_err(|_| AppError::BadRequest)
}

/// Posted answers and citations, shown again when a save is refused.
type Answers = (Vec<(String, Vec<String>)>, Citations);

async fn render_page(
    ctx: &Ctx,
    id: i64,
    posted: Option<Answers>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let Loaded {
        product,
        producer_name,
        can_edit,
    } = load(ctx, id).await?;
    let lib = ctx.state.library.clone();
    let (sheet, rb) = crate::api::criteria::sheet_and_rulebook(&lib, &product.set_code, None)
        .map_err(|_| AppError::NotFound)?;
    let saved =
        ocop_store::scoring::get_self_assessment(&ctx.state.db.conn, id, &sheet.code).await?;
    let (choices, cites) = match posted {
        Some(c) => c,
        None => saved
            .as_ref()
            .map(|s| (choices_from_json(&s.choices), evidence::parse(&s.evidence)))
            .unwrap_or_default(),
    };
    let docs = ocop_store::documents::library(&ctx.state.db.conn, product.producer_id).await?;
    let mut ev = EvidenceCtx::new(&docs, cites, can_edit);
    // Saved answers that no longer fit the sheet are dropped rather than failing the page.
    let choices: Vec<_> = choices
        .into_iter()
        .filter(|c| evaluate_self(sheet, rb, vec![c.clone()]).is_ok())
        .collect();
    let chosen: HashMap<String, String> = choices
        .iter()
        .filter_map(|(k, v)| v.first().map(|x| (k.clone(), x.clone())))
        .collect();
    let e = evaluate_self(sheet, rb, choices)?;
    ev.flag(&e, &rb.commune_ids(sheet));
    let mut s = summary(sheet, rb, &e, chosen.len(), lang);
    s.unsupported = ev.unsupported.len();
    s.story = story_lines(sheet, &e, &ev, lang);
    let page = Page {
        l: Layout::new(ctx, format!("{} · {}", t(lang, "sa.title"), product.name)),
        product_id: id,
        product_code: product.product_code.clone(),
        product_name: product.name.clone(),
        producer_name,
        sheet_code: sheet.code.clone(),
        sheet_name: sheet.name.clone(),
        rulebook: rb.name.clone(),
        parts: parts_view(sheet, rb, &chosen, &e, lang, &Default::default(), &ev),
        s,
        no_docs: ev.docs.is_empty(),
        version: saved.as_ref().map(|s| s.version).unwrap_or(0),
        saved: saved
            .map(|s| {
                format!(
                    "{} · {}",
                    ocop_domain::format::datetime_vn(s.updated_at),
                    s.updated_by
                )
            })
            .unwrap_or_default(),
        can_edit,
        error,
    };
    render(&page)
}

async fn show(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, AppError> {
    render_page(&ctx, id, None, None).await
}

/// The summary box, recomputed from the ticked options (htmx, on every change).
async fn preview(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let Loaded { product, .. } = load(&ctx, id).await?;
    let lib = ctx.state.library.clone();
    let (sheet, rb) = crate::api::criteria::sheet_and_rulebook(&lib, &product.set_code, None)
        .map_err(|_| AppError::NotFound)?;
    let choices = choices_from_fields(sheet, &fields);
    let n = choices.len();
    let e = evaluate_self(sheet, rb, choices)?;
    let docs = ocop_store::documents::library(&ctx.state.db.conn, product.producer_id).await?;
    let mut ev = EvidenceCtx::new(&docs, Citations::new(), false);
    ev.mine = evidence_from_fields(sheet, &fields, &ev.citable());
    ev.flag(&e, &rb.commune_ids(sheet));
    let mut s = summary(sheet, rb, &e, n, ctx.lang);
    s.unsupported = ev.unsupported.len();
    s.story = story_lines(sheet, &e, &ev, ctx.lang);
    let frag = SummaryFragment {
        l: Layout::new(&ctx, ""),
        s,
    };
    Ok(Html(frag.render()?).into_response())
}

async fn save(Path(id): Path<i64>, posted: Posted) -> Result<Response, AppError> {
    let Posted { ctx, fields } = posted;
    let Loaded {
        product, can_edit, ..
    } = load(&ctx, id).await?;
    if !can_edit {
        return Err(AppError::Forbidden);
    }
    let lib = ctx.state.library.clone();
    let (sheet, rb) = crate::api::criteria::sheet_and_rulebook(&lib, &product.set_code, None)
        .map_err(|_| AppError::NotFound)?;
    let choices = choices_from_fields(sheet, &fields);
    let e = evaluate_self(sheet, rb, choices.clone())?;
    let docs = ocop_store::documents::library(&ctx.state.db.conn, product.producer_id).await?;
    let citable: HashSet<i64> = docs.iter().map(|d| d.id).collect();
    let cites = evidence_from_fields(sheet, &fields, &citable);
    // Criterion 5.2 is not scored without a story: refused, nothing stored.
    let no_story: Vec<String> = scoring::story_flags(sheet, &e.criteria, |id| {
        cites.get(id).is_some_and(|v| !v.is_empty())
    })
    .into_iter()
    .filter(|(_, f)| *f == scoring::StoryFlag::NoStory)
    .map(|(id, _)| criterion_title(sheet, &id))
    .collect();
    if !no_story.is_empty() {
        let msg = format!("{} {}", t(ctx.lang, "sa.err_no_story"), no_story.join("; "));
        let mut r = render_page(&ctx, id, Some((choices, cites)), Some(msg)).await?;
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let version: i32 = fields.get("version").parse().unwrap_or(-1);
    let data = ocop_store::scoring::SelfAssessmentData {
        product_id: id,
        sheet_code: sheet.code.clone(),
        rulebook_id: rb.id.clone(),
        choices: choices_to_json(&choices),
        total: e.members[0].total,
        stars: e.stars as i32,
        evidence: evidence::to_json(&cites),
    };
    match ocop_store::scoring::save_self_assessment(&ctx.state.db.conn, &ctx.actor(), version, data)
        .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/products/{id}/self-assessment"),
            "saved",
        )),
        Err(ocop_store::StoreError::Conflict) => {
            let mut r = render_page(
                &ctx,
                id,
                Some((choices, cites)),
                Some(t(ctx.lang, "err.conflict").into()),
            )
            .await?;
            *r.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// A council result as stored (the evaluation's JSON) reads "không đạt – thiếu …"
    /// when a 3★ mark is missing, whatever the band; ranked results read as stars.
    #[test]
    fn a_stored_result_missing_a_three_star_mark_reads_not_recognised() {
        let lib = ocop_domain::rulebook::Library::embedded();
        let rb = lib.rulebook("QD26-2026").unwrap();
        let sheet = lib.sheet("QD26-01").unwrap().unwrap();
        let (_, _, marked) = sheet
            .criteria()
            .find(|(_, _, c)| c.options.iter().any(|o| o.mandatory_for.contains(&3)))
            .unwrap();
        let choices: Vec<(String, Vec<String>)> = sheet
            .criteria()
            .filter(|(_, _, c)| c.alternative.is_none())
            .map(|(_, _, c)| {
                let o = match c.kind {
                    CriterionKind::YesNo => "yes".to_string(),
                    CriterionKind::Options => {
                        let pick = if c.id == marked.id {
                            c.options.iter().min_by_key(|o| o.points)
                        } else {
                            c.options.iter().max_by_key(|o| o.points)
                        };
                        pick.unwrap().id.clone()
                    }
                };
                (c.id.clone(), vec![o])
            })
            .collect();
        let e = evaluate_self(sheet, rb, choices).unwrap();
        assert!(
            e.band_stars >= 4 && e.stars == 2,
            "{} {}",
            e.band_stars,
            e.stars
        );
        let json = serde_json::to_value(&e).unwrap();
        let words = not_recognised_from_json(sheet, rb, &json, Lang::Vi);
        assert!(
            words.starts_with("Không đạt – thiếu tiêu chí bắt buộc:"),
            "{words}"
        );
        assert!(words.contains(&marked.title), "{words}");
        let en = not_recognised_from_json(sheet, rb, &json, Lang::En);
        assert!(en.starts_with("Not recognised — missing"), "{en}");
        // The summary says the same and no stars.
        let s = summary(sheet, rb, &e, 1, Lang::Vi);
        assert_eq!(s.not_recognised, words);
        // A knock-out names its reason; a ranked result has no words.
        let mut ko = json.clone();
        ko["knockouts"] = serde_json::json!(["copied_product"]);
        ko["stars"] = serde_json::json!(0);
        assert_eq!(
            not_recognised_from_json(sheet, rb, &ko, Lang::Vi),
            "Không đạt – bị loại: Sao chép sản phẩm của chủ thể khác"
        );
        let mut ranked = json;
        ranked["stars"] = serde_json::json!(4);
        ranked["cap"] = serde_json::json!(5);
        assert_eq!(not_recognised_from_json(sheet, rb, &ranked, Lang::Vi), "");
    }
}
