//! Training courses with attendees, and communication pieces (issue 12, item 5).
//! Officers record them in their unit; scope as for every record.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::registry::Page;
use crate::support::SupportError;
use crate::support_entities::{comm_piece, training_attendee, training_course};
use chrono::NaiveDate;
use ocop_domain::registry::{FieldErrors, Invalid};
use ocop_domain::roles::{Principal, Scope};
use ocop_domain::text::clean;
use ocop_domain::training::{AttendeeRole, PieceKind};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};

fn text(errs: &mut FieldErrors, field: &str, v: &str, max: usize) -> String {
    let t = clean(v);
    if t.is_empty() {
        errs.add(field, Invalid::Required);
    } else if t.chars().count() > max {
        errs.add(field, Invalid::TooLong { max });
    }
    t
}

fn in_scope<C: ColumnTrait>(scope: &Scope, unit: C, current: C) -> Condition {
    match scope {
        Scope::All => Condition::all(),
        Scope::Unit { path } => Condition::any()
            .add(unit.starts_with(path))
            .add(current.starts_with(path)),
        _ => Condition::all().add(Expr::val(1).eq(Expr::val(0))),
    }
}

fn may_record(by: &Principal) -> bool {
    by.is_admin() || by.role.is_officer()
}

/// An attendee as entered.
#[derive(Debug, Clone, Default)]
pub struct AttendeeInput {
    pub name: String,
    pub role: String,
    pub unit_code: Option<String>,
    pub producer_id: Option<i64>,
}

/// A course as entered.
#[derive(Debug, Clone, Default)]
pub struct CourseInput {
    pub topic: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub place: String,
    pub trainer: String,
    pub unit_code: Option<String>,
    pub attendees: Vec<AttendeeInput>,
}

/// A course with its attendees and counts by role.
#[derive(Debug, Clone)]
pub struct CourseView {
    pub course: training_course::Model,
    pub attendees: Vec<training_attendee::Model>,
    pub officials: usize,
    pub producers: usize,
}

async fn unit_name<C: ConnectionTrait>(c: &C, code: &str) -> Result<Option<(String, String)>> {
    for p in [
        ocop_domain::units::Period::Post2025,
        ocop_domain::units::Period::Pre2025,
    ] {
        if let Some(u) = crate::units::find(c, code, p).await? {
            return Ok(Some((u.name, u.path)));
        }
    }
    Ok(None)
}

async fn place_path<C: ConnectionTrait>(
    c: &C,
    by: &Principal,
    errs: &mut FieldErrors,
    code: Option<&str>,
) -> Result<String> {
    if let Some(code) = code.map(str::trim).filter(|s| !s.is_empty()) {
        return Ok(match unit_name(c, code).await? {
            Some((_, p)) if by.may_place_in(&p, &p) => p,
            Some((_, p)) => {
                errs.add("unit", Invalid::OutOfScope);
                p
            }
            None => {
                errs.add("unit", Invalid::UnknownCommune);
                String::new()
            }
        });
    }
    Ok(match &by.scope {
        Scope::Unit { path } => path.clone(),
        _ => "VN/".into(),
    })
}

/// Records a course with its attendees in one transaction.
pub async fn create_course<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    i: &CourseInput,
) -> Result<CourseView, SupportError> {
    if !may_record(by) {
        return Err(SupportError::Forbidden);
    }
    let mut errs = FieldErrors::default();
    let topic = text(&mut errs, "topic", &i.topic, 300);
    let place = text(&mut errs, "place", &i.place, 300);
    let trainer = text(&mut errs, "trainer", &i.trainer, 300);
    if i.starts_on.is_none() {
        errs.add("starts_on", Invalid::Required);
    }
    let ends_on = i.ends_on.or(i.starts_on);
    if let (Some(a), Some(b)) = (i.starts_on, ends_on) {
        if b < a {
            errs.add("ends_on", Invalid::BadPeriod);
        }
    }
    let path = place_path(db, by, &mut errs, i.unit_code.as_deref()).await?;
    if i.attendees.len() > 2000 {
        errs.add("attendees", Invalid::TooLong { max: 2000 });
    }
    let mut people = Vec::new();
    for (n, a) in i.attendees.iter().enumerate() {
        let name = text(&mut errs, &format!("attendees[{n}].name"), &a.name, 200);
        if a.role.parse::<AttendeeRole>().is_err() {
            errs.add(&format!("attendees[{n}].role"), Invalid::BadChoice);
        }
        let unit = match a
            .unit_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(code) => match unit_name(db, code).await? {
                Some((name, _)) => Some((code.to_string(), name)),
                None => {
                    errs.add(
                        &format!("attendees[{n}].unit_code"),
                        Invalid::UnknownCommune,
                    );
                    None
                }
            },
            None => None,
        };
        people.push((name, a.role.trim().to_string(), unit, a.producer_id));
    }
    if !errs.is_empty() {
        return Err(SupportError::Invalid(errs));
    }
    let (Some(starts_on), Some(ends_on)) = (i.starts_on, ends_on) else {
        return Err(SupportError::Invalid(errs));
    };
    let txn = crate::db::begin_write(db).await?;
    let course = training_course::ActiveModel {
        topic: Set(topic),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        place: Set(place),
        trainer: Set(trainer),
        unit_path: Set(path.clone()),
        current_unit_path: Set(path),
        created_by: Set(actor.name.clone()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (name, role, unit, producer_id) in people {
        training_attendee::ActiveModel {
            course_id: Set(course.id),
            name: Set(name),
            role: Set(role),
            unit_code: Set(unit.as_ref().map(|u| u.0.clone())),
            unit_name: Set(unit.map(|u| u.1)),
            producer_id: Set(producer_id),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::record(&txn, actor, "training_course", course.id, "create", None, Some(serde_json::json!({"topic": course.topic, "starts_on": course.starts_on.to_string(), "attendees": i.attendees.len()}))).await?;
    txn.commit().await?;
    Ok(view(db, course).await?)
}

async fn view<C: ConnectionTrait>(c: &C, course: training_course::Model) -> Result<CourseView> {
    let attendees = training_attendee::Entity::find()
        .filter(training_attendee::Column::CourseId.eq(course.id))
        .order_by_asc(training_attendee::Column::Id)
        .all(c)
        .await?;
    let (officials, producers) =
        ocop_domain::training::counts_by_role(attendees.iter().map(|a| a.role.as_str()));
    Ok(CourseView {
        course,
        attendees,
        officials,
        producers,
    })
}

/// A course the principal may see (officers of its unit, above or below it).
pub async fn get_course<C: ConnectionTrait>(c: &C, by: &Principal, id: i64) -> Result<CourseView> {
    let m = training_course::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let ok = match &by.scope {
        Scope::All => true,
        Scope::Unit { path } => {
            m.unit_path.starts_with(path.as_str()) || m.current_unit_path.starts_with(path.as_str())
        }
        _ => false,
    };
    if !ok {
        return Err(StoreError::NotFound);
    }
    view(c, m).await
}

/// Courses in scope, newest first, with their attendees.
pub async fn courses<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    page: u64,
    per_page: u64,
) -> Result<Page<CourseView>> {
    use training_course::Column as T;
    let q = training_course::Entity::find()
        .filter(in_scope(scope, T::UnitPath, T::CurrentUnitPath))
        .order_by_desc(T::StartsOn)
        .order_by_desc(T::Id);
    let (page, per) = crate::registry::page_bounds(page, per_page);
    let total = q.clone().count(c).await?;
    let mut items = Vec::new();
    for m in q.offset((page - 1) * per).limit(per).all(c).await? {
        items.push(view(c, m).await?);
    }
    Ok(Page {
        items,
        total,
        page,
        per_page: per,
    })
}

/// A communication piece as entered.
#[derive(Debug, Clone, Default)]
pub struct PieceInput {
    pub kind: String,
    pub title: String,
    pub published_on: Option<NaiveDate>,
    pub outlet: String,
    pub link: Option<String>,
    pub unit_code: Option<String>,
}

/// Records a communication piece.
pub async fn create_piece<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    actor: &Actor,
    by: &Principal,
    i: &PieceInput,
) -> Result<comm_piece::Model, SupportError> {
    if !may_record(by) {
        return Err(SupportError::Forbidden);
    }
    let mut errs = FieldErrors::default();
    if i.kind.parse::<PieceKind>().is_err() {
        errs.add("kind", Invalid::BadChoice);
    }
    let title = text(&mut errs, "title", &i.title, 300);
    let outlet = text(&mut errs, "outlet", &i.outlet, 200);
    if i.published_on.is_none() {
        errs.add("published_on", Invalid::Required);
    }
    let link = i.link.as_deref().map(clean).filter(|s| !s.is_empty());
    if let Some(l) = &link {
        if !(l.starts_with("https://") || l.starts_with("http://")) || l.chars().count() > 500 {
            errs.add("link", Invalid::BadChoice);
        }
    }
    let path = place_path(db, by, &mut errs, i.unit_code.as_deref()).await?;
    let Some(on) = i.published_on.filter(|_| errs.is_empty()) else {
        return Err(SupportError::Invalid(errs));
    };
    let txn = crate::db::begin_write(db).await?;
    let m = comm_piece::ActiveModel {
        kind: Set(i.kind.trim().to_string()),
        title: Set(title),
        published_on: Set(on),
        outlet: Set(outlet),
        link: Set(link),
        unit_path: Set(path.clone()),
        current_unit_path: Set(path),
        created_by: Set(actor.name.clone()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "comm_piece",
        m.id,
        "create",
        None,
        Some(serde_json::json!({"kind": m.kind, "title": m.title, "outlet": m.outlet})),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Communication pieces in scope, newest first.
pub async fn pieces<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    page: u64,
    per_page: u64,
) -> Result<Page<comm_piece::Model>> {
    use comm_piece::Column as P;
    let q = comm_piece::Entity::find()
        .filter(in_scope(scope, P::UnitPath, P::CurrentUnitPath))
        .order_by_desc(P::PublishedOn)
        .order_by_desc(P::Id);
    let (page, per) = crate::registry::page_bounds(page, per_page);
    let total = q.clone().count(c).await?;
    let items = q.offset((page - 1) * per).limit(per).all(c).await?;
    Ok(Page {
        items,
        total,
        page,
        per_page: per,
    })
}
