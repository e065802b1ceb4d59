//! Certificates: signing keys, issuing, revoking, lookups for public verification,
//! the public catalogue and reports of suspicious labels.

use crate::audit::{self, Actor};
use crate::entities::{certificate, label_report, producer, product, revocation_case, signing_key};
use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use ocop_domain::certificates::{self as dc, Facts, KeyPair, Kind};
use ocop_domain::roles::{Principal, Scope};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};

/// The active signing key, created on first use.
pub async fn active_key<C: ConnectionTrait>(c: &C) -> Result<KeyPair> {
    if let Some(k) = signing_key::Entity::find()
        .filter(signing_key::Column::Active.eq(true))
        .one(c)
        .await?
    {
        let secret = hex::decode(&k.secret_key)
            .map_err(|_| StoreError::Invalid("bad signing key".into()))?;
        return KeyPair::from_secret(&k.kid, &secret)
            .ok_or_else(|| StoreError::Invalid("bad signing key".into()));
    }
    new_key(c).await
}

async fn new_key<C: ConnectionTrait>(c: &C) -> Result<KeyPair> {
    let mut secret = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut secret);
    let kid = format!(
        "k{}-{}",
        ocop_domain::format::today_vn().format("%Y%m%d"),
        crate::users::random_token(2)
    );
    let kp =
        KeyPair::from_secret(&kid, &secret).ok_or_else(|| StoreError::Invalid("key".into()))?;
    signing_key::ActiveModel {
        kid: Set(kid),
        public_key: Set(kp.public_b64()),
        secret_key: Set(hex::encode(secret)),
        active: Set(true),
        created_at: Set(crate::now()),
    }
    .insert(c)
    .await?;
    Ok(kp)
}

/// Retires the active key and makes a new one; old certificates stay verifiable.
pub async fn rotate_key<C: TransactionTrait>(db: &C) -> Result<String> {
    let txn = crate::db::begin_write(db).await?;
    signing_key::Entity::update_many()
        .col_expr(signing_key::Column::Active, Expr::value(false))
        .filter(signing_key::Column::Active.eq(true))
        .exec(&txn)
        .await?;
    let k = new_key(&txn).await?;
    txn.commit().await?;
    Ok(k.kid)
}

/// Every public key (kid, base64url), newest first.
pub async fn public_keys<C: ConnectionTrait>(c: &C) -> Result<Vec<(String, String)>> {
    Ok(signing_key::Entity::find()
        .order_by_desc(signing_key::Column::CreatedAt)
        .all(c)
        .await?
        .into_iter()
        .map(|k| (k.kid, k.public_key))
        .collect())
}

pub async fn public_key<C: ConnectionTrait>(c: &C, kid: &str) -> Result<Option<String>> {
    Ok(signing_key::Entity::find_by_id(kid.to_string())
        .one(c)
        .await?
        .map(|k| k.public_key))
}

/// What an issuing decision says.
#[derive(Debug, Clone)]
pub struct Issue {
    pub product_id: i64,
    pub stars: u8,
    pub issued_on: NaiveDate,
    pub months: u32,
    pub issuing_body: String,
    pub decision_ref: String,
    /// The dossier whose recognition this certificate carries (at most one each).
    pub dossier_id: Option<i64>,
}

/// The product's current certificate: not revoked, not superseded (at most one, a
/// unique index says so).
pub async fn current_of<C: ConnectionTrait>(
    c: &C,
    product_id: i64,
) -> Result<Option<certificate::Model>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::ProductId.eq(product_id))
        .filter(certificate::Column::Revoked.eq(false))
        .filter(certificate::Column::SupersededBy.is_null())
        .one(c)
        .await?)
}

/// The certificate issued for a dossier, if any.
pub async fn of_dossier<C: ConnectionTrait>(
    c: &C,
    dossier_id: i64,
) -> Result<Option<certificate::Model>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::DossierId.eq(dossier_id))
        .one(c)
        .await?)
}

/// The product's current certificate as the workflow's guards see it (with its
/// Art. 12.3 extension).
pub async fn held_of<C: ConnectionTrait>(
    c: &C,
    lib: &ocop_domain::rulebook::Library,
    product_id: i64,
) -> Result<Option<(certificate::Model, Option<NaiveDate>)>> {
    let Some(cert) = current_of(c, product_id).await? else {
        return Ok(None);
    };
    let ext = extended_until(c, lib, &cert).await?;
    Ok(Some((cert, ext)))
}

/// The domain's view of a held certificate.
pub fn held(c: &certificate::Model, ext: Option<NaiveDate>) -> ocop_domain::workflow::Held<'_> {
    ocop_domain::workflow::Held {
        number: &c.number,
        stars: c.stars as u8,
        issued_on: c.issued_on,
        expires_on: c.expires_on,
        extended_until: ext,
    }
}

/// Issues a signed certificate and marks the product certified with its stars. The
/// product's current certificate, if any, is superseded by the new one on its issue
/// date (re-recognition, upgrade, or a new recognition after expiry); a product
/// keeps at most one current certificate, and a dossier earns at most one.
pub async fn issue<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    i: &Issue,
) -> Result<certificate::Model> {
    if !(3..=5).contains(&i.stars) {
        return Err(StoreError::Invalid("stars".into()));
    }
    let txn = crate::db::begin_write(db).await?;
    let p = product::Entity::find_by_id(i.product_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let owner = producer::Entity::find_by_id(p.producer_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if let Some(d) = i.dossier_id {
        if of_dossier(&txn, d).await?.is_some() {
            return Err(StoreError::Invalid("already_certified".into()));
        }
    }
    let previous = current_of(&txn, p.id).await?;
    let kind = Kind::from_previous(previous.as_ref().map(|c| c.stars as u8), i.stars);
    let year = chrono::Datelike::year(&i.issued_on);
    let seq =
        crate::registry::next_product_seq(&txn, &format!("CERT-{}-{year}", owner.province_code))
            .await?;
    let number = dc::number(&owner.province_code, year, seq);
    let expires_on = dc::expiry(i.issued_on, i.months);
    let key = active_key(&txn).await?;
    let payload = dc::payload(&Facts {
        number: &number,
        product: &p.name,
        producer: &owner.name,
        stars: i.stars,
        issued_on: i.issued_on,
        expires_on,
    });
    let signature = key.sign(&payload);
    let m = certificate::ActiveModel {
        number: Set(number),
        product_id: Set(p.id),
        producer_id: Set(owner.id),
        product_name: Set(p.name.clone()),
        producer_name: Set(owner.name.clone()),
        stars: Set(i.stars as i32),
        kind: Set(kind.as_str().into()),
        issued_on: Set(i.issued_on),
        expires_on: Set(expires_on),
        issuing_body: Set(ocop_domain::text::clean(&i.issuing_body)),
        decision_ref: Set(ocop_domain::text::clean(&i.decision_ref)),
        revoked: Set(false),
        revoked_on: Set(None),
        revoked_ground: Set(None),
        revoked_note: Set(None),
        key_id: Set(key.kid.clone()),
        payload: Set(payload),
        signature: Set(signature),
        unit_path: Set(p.unit_path.clone()),
        current_unit_path: Set(p.current_unit_path.clone()),
        lookups: Set(0),
        created_at: Set(crate::now()),
        dossier_id: Set(i.dossier_id),
        ..Default::default()
    };
    // Supersede first: the unique index admits one current certificate per product.
    if let Some(prev) = &previous {
        let mut am = prev.clone().into_active_model();
        am.superseded_by = Set(Some(-1));
        am.superseded_on = Set(Some(i.issued_on));
        am.update(&txn).await?;
    }
    let m = m
        .insert(&txn)
        .await
        .map_err(StoreError::unique_as("certificate"))?;
    if let Some(prev) = &previous {
        certificate::Entity::update_many()
            .col_expr(certificate::Column::SupersededBy, Expr::value(m.id))
            .filter(certificate::Column::Id.eq(prev.id))
            .exec(&txn)
            .await?;
    }
    let today = ocop_domain::format::today_vn();
    let mut pam = p.clone().into_active_model();
    pam.status = Set(if expires_on < today {
        "expired"
    } else {
        "certified"
    }
    .into());
    pam.stars = Set(Some(i.stars as i64));
    pam.version = Set(p.version + 1);
    pam.updated_at = Set(crate::now());
    pam.update(&txn).await?;
    crate::notify::to_parties(
        &txn,
        owner.id,
        &format!("Cấp giấy chứng nhận OCOP {}: {}", m.number, p.name),
        &format!(
            "Hạng {} sao, hiệu lực đến {}.",
            i.stars,
            ocop_domain::format::date_vn(expires_on)
        ),
        &format!("/certificates/{}", m.number),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        "product",
        p.id,
        "certificate",
        None,
        Some(serde_json::json!({"number": m.number, "stars": i.stars, "kind": kind.as_str(), "issued_on": i.issued_on.to_string(), "expires_on": expires_on.to_string(), "decision": m.decision_ref})),
    )
    .await?;
    crate::search::reindex_product(&txn, p.id).await?;
    txn.commit().await?;
    Ok(m)
}

/// Revokes a certificate on a ground of Art. 8.1 with a decision reference, as
/// `by` — the competent authority (Art. 8.2), or `None` for the system loading
/// recorded history (demo, import).
pub async fn revoke<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: Option<&Principal>,
    number: &str,
    ground: &str,
    decision_ref: &str,
    on: NaiveDate,
) -> Result<certificate::Model> {
    let txn = crate::db::begin_write(db).await?;
    let m = revoke_in(&txn, actor, by, number, ground, decision_ref, on).await?;
    crate::search::reindex_product(&txn, m.product_id).await?;
    txn.commit().await?;
    Ok(m)
}

/// Checks that `by` may decide the revocation of `c` (Art. 8.2).
pub fn check_revoker(by: Option<&Principal>, c: &certificate::Model) -> Result<()> {
    match by {
        Some(p)
            if !ocop_domain::workflow::may_revoke(
                p,
                c.stars as u8,
                &c.unit_path,
                &c.current_unit_path,
            ) =>
        {
            Err(StoreError::Workflow(
                ocop_domain::workflow::Refusal::WrongAuthority {
                    needed: ocop_domain::workflow::revoking_level(c.stars as u8),
                    stars: c.stars as u8,
                },
            ))
        }
        _ => Ok(()),
    }
}

#[allow(clippy::too_many_arguments)]
async fn revoke_in<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    by: Option<&Principal>,
    number: &str,
    ground: &str,
    decision_ref: &str,
    on: NaiveDate,
) -> Result<certificate::Model> {
    if !ocop_domain::workflow::is_ground(ground) {
        return Err(StoreError::Workflow(
            ocop_domain::workflow::Refusal::UnknownGround,
        ));
    }
    let c = by_number(txn, number).await?.ok_or(StoreError::NotFound)?;
    check_revoker(by, &c)?;
    if c.revoked {
        return Err(StoreError::Conflict);
    }
    let mut am = c.clone().into_active_model();
    am.revoked = Set(true);
    am.revoked_on = Set(Some(on));
    am.revoked_ground = Set(Some(ground.into()));
    am.revoked_note = Set(Some(ocop_domain::text::clean(decision_ref)));
    let m = am.update(txn).await?;
    product::Entity::update_many()
        .col_expr(product::Column::Status, Expr::value("revoked"))
        .filter(product::Column::Id.eq(c.product_id))
        .exec(txn)
        .await?;
    crate::notify::to_parties(
        txn,
        c.producer_id,
        &format!("Thu hồi giấy chứng nhận {}", c.number),
        &format!(
            "{} – {}",
            ocop_domain::certificates::revocation_label(ground, ocop_domain::registry::Lang::Vi),
            decision_ref
        ),
        &format!("/certificates/{number}"),
    )
    .await?;
    audit::record(txn, actor, "product", c.product_id, "revoke_certificate", None, Some(serde_json::json!({"number": number, "ground": ground, "decision": decision_ref, "on": on.to_string()}))).await?;
    Ok(m)
}

/// Opens a revocation case on a conclusion: the competent level then has
/// [`dc::REVOCATION_DAYS`] days to decide. One open case per certificate.
#[allow(clippy::too_many_arguments)]
pub async fn open_case<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: Option<&Principal>,
    number: &str,
    ground: &str,
    conclusion_ref: &str,
    concluded_on: NaiveDate,
    today: NaiveDate,
) -> Result<revocation_case::Model> {
    let txn = crate::db::begin_write(db).await?;
    let m = open_case_in(
        &txn,
        actor,
        by,
        number,
        ground,
        conclusion_ref,
        concluded_on,
        today,
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// [`open_case`] inside the caller's transaction (an inspection's proposal to revoke
/// opens the case and links it in one transaction).
#[allow(clippy::too_many_arguments)]
pub async fn open_case_in<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    by: Option<&Principal>,
    number: &str,
    ground: &str,
    conclusion_ref: &str,
    concluded_on: NaiveDate,
    today: NaiveDate,
) -> Result<revocation_case::Model> {
    if !ocop_domain::workflow::is_ground(ground) {
        return Err(StoreError::Workflow(
            ocop_domain::workflow::Refusal::UnknownGround,
        ));
    }
    let conclusion_ref = ocop_domain::text::clean(conclusion_ref);
    if conclusion_ref.is_empty() {
        return Err(StoreError::Invalid("conclusion_ref".into()));
    }
    dc::check_revocation_dates(concluded_on, None, today)
        .map_err(|e| StoreError::Invalid(e.into()))?;
    let c = by_number(txn, number).await?.ok_or(StoreError::NotFound)?;
    if let Some(p) = by {
        if !ocop_domain::workflow::may_propose_revocation(p, &c.unit_path, &c.current_unit_path) {
            return Err(StoreError::NotFound);
        }
    }
    if c.revoked {
        return Err(StoreError::Conflict);
    }
    if open_case_of(txn, c.id).await?.is_some() {
        return Err(StoreError::Invalid("case_open".into()));
    }
    let m = revocation_case::ActiveModel {
        certificate_id: Set(c.id),
        ground: Set(ground.into()),
        conclusion_ref: Set(conclusion_ref.clone()),
        concluded_on: Set(concluded_on),
        deadline_on: Set(dc::revocation_deadline(concluded_on)),
        status: Set("open".into()),
        opened_by: Set(actor.name.clone()),
        opened_at: Set(crate::now()),
        unit_path: Set(c.unit_path.clone()),
        current_unit_path: Set(c.current_unit_path.clone()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    crate::notify::to_parties(
        txn,
        c.producer_id,
        &format!("Đề nghị thu hồi giấy chứng nhận {}", c.number),
        &format!(
            "{} – {} ({}); hạn quyết định {}",
            dc::revocation_label(ground, ocop_domain::registry::Lang::Vi),
            conclusion_ref,
            ocop_domain::format::date_vn(concluded_on),
            ocop_domain::format::date_vn(m.deadline_on)
        ),
        &format!("/certificates/{number}"),
    )
    .await?;
    audit::record(txn, actor, "certificate", c.id, "open_revocation_case", None, Some(serde_json::json!({"case": m.id, "ground": ground, "conclusion": conclusion_ref, "concluded_on": concluded_on.to_string()}))).await?;
    Ok(m)
}

/// The open revocation case of a certificate, if any.
pub async fn open_case_of<C: ConnectionTrait>(
    c: &C,
    certificate_id: i64,
) -> Result<Option<revocation_case::Model>> {
    Ok(revocation_case::Entity::find()
        .filter(revocation_case::Column::CertificateId.eq(certificate_id))
        .filter(revocation_case::Column::Status.eq("open"))
        .one(c)
        .await?)
}

/// A revocation case with its certificate.
pub async fn get_case<C: ConnectionTrait>(
    c: &C,
    id: i64,
) -> Result<(revocation_case::Model, certificate::Model)> {
    let case = revocation_case::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)?;
    let cert = get(c, case.certificate_id).await?;
    Ok((case, cert))
}

/// How a revocation case ends.
pub enum CaseOutcome<'a> {
    /// The certificate is revoked under this decision on this date.
    Revoke {
        decision_ref: &'a str,
        on: NaiveDate,
    },
    /// No revocation, for this reason.
    Dismiss { reason: &'a str },
}

/// Closes an open case: revokes the certificate (on the case's ground) or dismisses
/// the case. Returns the case and whether the decision came after the deadline.
pub async fn close_case<C: TransactionTrait>(
    db: &C,
    actor: &Actor,
    by: Option<&Principal>,
    case_id: i64,
    outcome: CaseOutcome<'_>,
    today: NaiveDate,
) -> Result<(revocation_case::Model, bool)> {
    let txn = crate::db::begin_write(db).await?;
    let case = revocation_case::Entity::find_by_id(case_id)
        .one(&txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    if case.status != "open" {
        return Err(StoreError::Conflict);
    }
    // Deciding a case — revoking or dismissing — belongs to the competent level.
    check_revoker(by, &get(&txn, case.certificate_id).await?)?;
    let mut am = case.clone().into_active_model();
    let (status, on, text) = match outcome {
        CaseOutcome::Revoke { decision_ref, on } => {
            let decision = ocop_domain::text::clean(decision_ref);
            if decision.is_empty() {
                return Err(StoreError::Invalid("decision_ref".into()));
            }
            dc::check_revocation_dates(case.concluded_on, Some(on), today)
                .map_err(|e| StoreError::Invalid(e.into()))?;
            let c = certificate::Entity::find_by_id(case.certificate_id)
                .one(&txn)
                .await?
                .ok_or(StoreError::NotFound)?;
            let note = format!("{decision} (kết luận: {})", case.conclusion_ref);
            revoke_in(&txn, actor, by, &c.number, &case.ground, &note, on).await?;
            crate::search::reindex_product(&txn, c.product_id).await?;
            ("revoked", on, decision)
        }
        CaseOutcome::Dismiss { reason } => {
            let reason = ocop_domain::text::clean(reason);
            if reason.is_empty() {
                return Err(StoreError::Invalid("reason".into()));
            }
            ("dismissed", today, reason)
        }
    };
    let late = on > case.deadline_on;
    am.status = Set(status.into());
    am.closed_on = Set(Some(on));
    am.closed_by = Set(Some(actor.name.clone()));
    am.outcome = Set(Some(text.clone()));
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "certificate",
        case.certificate_id,
        "close_revocation_case",
        None,
        Some(serde_json::json!({"case": case.id, "status": status, "outcome": text, "late": late})),
    )
    .await?;
    txn.commit().await?;
    Ok((m, late))
}

/// Revocation cases in scope: open ones first (earliest deadline first), then the
/// closed ones, newest first.
pub async fn cases<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
) -> Result<Vec<(revocation_case::Model, certificate::Model)>> {
    use revocation_case::Column as R;
    let mut q = revocation_case::Entity::find();
    q = match scope {
        Scope::All => q,
        Scope::Unit { path } => q.filter(
            Condition::any()
                .add(R::UnitPath.starts_with(path))
                .add(R::CurrentUnitPath.starts_with(path)),
        ),
        _ => return Ok(vec![]),
    };
    let mut rows = q.order_by_desc(R::Id).all(c).await?;
    rows.sort_by_key(|r| {
        (
            r.status != "open",
            if r.status == "open" {
                r.deadline_on
            } else {
                NaiveDate::MIN
            },
        )
    });
    let ids: Vec<i64> = rows.iter().map(|r| r.certificate_id).collect();
    let certs = certificate::Entity::find()
        .filter(certificate::Column::Id.is_in(ids))
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let cert = certs.iter().find(|x| x.id == r.certificate_id)?.clone();
            Some((r, cert))
        })
        .collect())
}

/// Until when an expired certificate stays in force (QĐ 26/2026 Art. 12(3)): when a
/// re-evaluation filed for it is still undecided, its expiry + 180 days; else `None`.
pub async fn extended_until<C: ConnectionTrait>(
    c: &C,
    lib: &ocop_domain::rulebook::Library,
    cert: &certificate::Model,
) -> Result<Option<NaiveDate>> {
    use crate::entities::dossier;
    let pending = dossier::Entity::find()
        .filter(dossier::Column::PreviousCertificateId.eq(cert.id))
        .filter(dossier::Column::Kind.eq("re_evaluation"))
        .filter(dossier::Column::FiledOn.is_not_null())
        .filter(
            dossier::Column::State.is_in(
                crate::dossiers::OPEN_STATES
                    .iter()
                    .filter(|s| **s != ocop_domain::dossier::State::Draft)
                    .map(|s| s.as_str()),
            ),
        )
        .one(c)
        .await?;
    Ok(pending
        .and_then(|d| ocop_domain::workflow::art12_extension(lib, cert.expires_on, d.filed_on)))
}

pub async fn by_number<C: ConnectionTrait>(
    c: &C,
    number: &str,
) -> Result<Option<certificate::Model>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Number.eq(number))
        .one(c)
        .await?)
}

/// A certificate by id.
pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<certificate::Model> {
    certificate::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Counts a public lookup (for spotting copied labels); a lookup of an expired or
/// revoked certificate is also kept, with its status and day, as a lead for the
/// inspection plan (`crate::inspections::leads`).
pub async fn count_lookup<C: ConnectionTrait>(
    c: &C,
    lib: &ocop_domain::rulebook::Library,
    id: i64,
    today: NaiveDate,
) -> Result<()> {
    certificate::Entity::update_many()
        .col_expr(
            certificate::Column::Lookups,
            sea_orm::sea_query::ExprTrait::add(Expr::col(certificate::Column::Lookups), 1),
        )
        .filter(certificate::Column::Id.eq(id))
        .exec(c)
        .await?;
    let cert = get(c, id).await?;
    let ext = if !cert.revoked && cert.expires_on < today {
        extended_until(c, lib, &cert).await?
    } else {
        None
    };
    if let Some(status) =
        ocop_domain::inspections::lead_status(cert.revoked, cert.expires_on, ext, today)
    {
        crate::inspections::record_lookup(c, &cert, status, today).await?;
    }
    Ok(())
}

/// Filters of the certificate list.
#[derive(Debug, Clone, Default)]
pub struct CertFilter {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
    pub product_id: Option<i64>,
    pub page: u64,
    pub per_page: u64,
}

/// Certificates in scope, newest first; status is computed for `today`.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &CertFilter,
    today: NaiveDate,
) -> Result<(Vec<certificate::Model>, u64)> {
    use certificate::Column as K;
    let mut q = certificate::Entity::find();
    q = match scope {
        Scope::All => q,
        Scope::Unit { path } => q.filter(
            Condition::any()
                .add(K::UnitPath.starts_with(path))
                .add(K::CurrentUnitPath.starts_with(path)),
        ),
        Scope::Producer { producer_id } => q.filter(K::ProducerId.eq(*producer_id)),
        Scope::Nothing => q.filter(K::Id.eq(-1)),
    };
    if let Some(k) = &f.kind {
        q = q.filter(K::Kind.eq(k.as_str()));
    }
    if let Some(d) = f.issued_from {
        q = q.filter(K::IssuedOn.gte(d));
    }
    if let Some(d) = f.issued_to {
        q = q.filter(K::IssuedOn.lte(d));
    }
    if let Some(p) = f.product_id {
        q = q.filter(K::ProductId.eq(p));
    }
    let soon = today + chrono::Duration::days(dc::EXPIRING_DAYS);
    q = match f.status.as_deref() {
        Some("revoked") => q.filter(K::Revoked.eq(true)),
        Some("expired") => q
            .filter(K::Revoked.eq(false))
            .filter(K::ExpiresOn.lt(today)),
        Some("expiring") => q
            .filter(K::Revoked.eq(false))
            .filter(K::ExpiresOn.gte(today))
            .filter(K::ExpiresOn.lte(soon)),
        Some("valid") => q.filter(K::Revoked.eq(false)).filter(K::ExpiresOn.gt(soon)),
        _ => q,
    };
    let total = q.clone().count(c).await?;
    let per = f.per_page.clamp(1, 500);
    let page = f.page.clamp(1, 1_000_000);
    let items = q
        .order_by_desc(K::IssuedOn)
        .order_by_desc(K::Id)
        .offset((page - 1) * per)
        .limit(per)
        .all(c)
        .await?;
    Ok((items, total))
}

/// The latest unrevoked certificate of each product in a set of products.
pub async fn latest_for_products<C: ConnectionTrait>(
    c: &C,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, certificate::Model>> {
    let mut out = std::collections::HashMap::new();
    for cert in certificate::Entity::find()
        .filter(certificate::Column::ProductId.is_in(ids.to_vec()))
        .filter(certificate::Column::Revoked.eq(false))
        .order_by_asc(certificate::Column::IssuedOn)
        .all(c)
        .await?
    {
        out.insert(cert.product_id, cert);
    }
    Ok(out)
}

/// The average lookups per certificate (to flag labels scanned far more than peers).
pub async fn mean_lookups<C: ConnectionTrait>(c: &C) -> Result<f64> {
    let all: Vec<i64> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::Lookups)
        .into_tuple()
        .all(c)
        .await?;
    Ok(if all.is_empty() {
        0.0
    } else {
        all.iter().sum::<i64>() as f64 / all.len() as f64
    })
}

/// A report from the public about a label.
pub async fn report<C: ConnectionTrait>(
    c: &C,
    number: &str,
    place: &str,
    message: &str,
    contact: &str,
) -> Result<i64> {
    let clip = |s: &str, n: usize| {
        ocop_domain::text::truncate_chars(&ocop_domain::text::clean(s), n).to_string()
    };
    let m = label_report::ActiveModel {
        number: Set(clip(number, 40)),
        place: Set(clip(place, 255)),
        message: Set(clip(message, 2000)),
        contact: Set(clip(contact, 255)),
        status: Set("new".into()),
        created_at: Set(crate::now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(m.id)
}

pub async fn reports<C: ConnectionTrait>(c: &C) -> Result<Vec<label_report::Model>> {
    Ok(label_report::Entity::find()
        .order_by_desc(label_report::Column::Id)
        .limit(200)
        .all(c)
        .await?)
}
