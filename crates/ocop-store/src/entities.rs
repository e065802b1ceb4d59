//! Table definitions (sea-orm entities). One module per table; the schema itself
//! is created by [`crate::migrations`], which must agree with these.

use sea_orm::entity::prelude::*;

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

/// Administrative units, identified by code and period.
pub mod admin_unit {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, serde::Serialize)]
    #[sea_orm(table_name = "admin_units")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub period: String,
        pub name: String,
        pub name_fold: String,
        pub name_sort: String,
        pub level: String,
        pub parent_code: Option<String>,
        pub province_code: Option<String>,
        pub path: String,
        /// Other spellings, separated by '|'.
        pub aliases: String,
    }
    no_relations!();
}

/// Old commune → new commune (the official conversion table).
pub mod unit_mapping {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, serde::Serialize)]
    #[sea_orm(table_name = "unit_mappings")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub old_code: String,
        pub new_code: String,
        pub note: String,
    }
    no_relations!();
}

/// Accounts.
pub mod user {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub username: String,
        pub display_name: String,
        pub password_hash: String,
        pub role: String,
        pub unit_code: Option<String>,
        pub unit_period: Option<String>,
        pub unit_path: Option<String>,
        pub producer_id: Option<i64>,
        /// For e-mail notifications.
        pub email: Option<String>,
        pub disabled: bool,
        pub failed_logins: i32,
        pub locked_until: Option<DateTimeUtc>,
        pub last_login_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// Web sessions, stored so that several app instances can serve one database.
pub mod session {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        /// SHA-256 of the cookie value: a leaked table does not leak sessions.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id_hash: String,
        pub user_id: i64,
        pub csrf_token: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
    }
    no_relations!();
}

/// API tokens for integrations.
pub mod api_token {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub token_hash: String,
        pub user_id: i64,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub last_used_at: Option<DateTimeUtc>,
        /// What the token is for, given by its owner (M0016).
        pub name: String,
    }
    no_relations!();
}

/// Producers (chủ thể OCOP).
pub mod producer {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, serde::Serialize)]
    #[sea_orm(table_name = "producers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub name_fold: String,
        pub name_sort: String,
        pub legal_form: String,
        pub tax_code: Option<String>,
        pub commune_code: String,
        pub commune_period: String,
        pub commune_name: String,
        pub province_code: String,
        pub unit_path: String,
        pub current_unit_path: String,
        pub address_detail: Option<String>,
        pub phone: Option<String>,
        pub email: Option<String>,
        pub representative_name: String,
        pub representative_female: bool,
        pub representative_ethnic_minority: bool,
        pub representative_ethnicity: Option<String>,
        pub representative_disability: bool,
        pub members_count: Option<i64>,
        pub workers_count: Option<i64>,
        pub year_founded: Option<i64>,
        pub status: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// Products and services put forward for OCOP.
pub mod product {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, serde::Serialize)]
    #[sea_orm(table_name = "products")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub producer_id: i64,
        pub name: String,
        pub name_fold: String,
        pub name_sort: String,
        pub set_code: String,
        pub product_code: String,
        pub description: Option<String>,
        pub raw_material_origin: Option<String>,
        pub status: String,
        pub stars: Option<i64>,
        pub unit_path: String,
        pub current_unit_path: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// The per-commune, per-year sequence of product codes.
pub mod product_sequence {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "product_sequences")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub scope_key: String,
        pub last_seq: i64,
    }
    no_relations!();
}

/// The audit trail: one row per change, chained by hash.
pub mod audit_entry {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq, serde::Serialize)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub at: DateTimeUtc,
        pub actor_id: Option<i64>,
        pub actor: String,
        pub entity: String,
        pub entity_id: i64,
        pub action: String,
        pub before: Option<String>,
        pub after: Option<String>,
        pub prev_hash: String,
        pub hash: String,
    }
    no_relations!();
}

/// Small key/value settings (e.g. whether the demo was loaded).
pub mod setting {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub value: String,
    }
    no_relations!();
}

/// Product photos, stored in the database so that every instance serves them.
pub mod product_photo {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "product_photos")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub product_id: i64,
        pub content_type: String,
        pub size: i64,
        pub data: Vec<u8>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// A producer's self-assessment of a product against its criteria sheet.
pub mod self_assessment {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "self_assessments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub product_id: i64,
        pub sheet_code: String,
        pub rulebook_id: String,
        /// JSON object: criterion id → chosen value.
        pub choices: String,
        pub total: i32,
        pub stars: i32,
        pub updated_at: DateTimeUtc,
        pub updated_by: String,
        pub version: i32,
        /// JSON object: criterion id → cited document ids (`ocop_domain::evidence`).
        pub evidence: String,
    }
    no_relations!();
}

/// Evaluation councils.
pub mod council {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "councils")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub level: String,
        pub unit_code: String,
        pub unit_period: String,
        pub unit_path: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// Members of a council.
pub mod council_member {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "council_members")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub council_id: i64,
        pub user_id: Option<i64>,
        pub full_name: String,
        pub position: String,
        pub role: String,
        pub active: bool,
    }
    no_relations!();
}

/// Registered links of a member to a producer (conflicts of interest).
pub mod member_link {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "council_member_links")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub member_id: i64,
        pub producer_id: i64,
        pub kind: String,
    }
    no_relations!();
}

/// Council sessions.
pub mod council_session {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "council_sessions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub council_id: i64,
        pub title: String,
        pub held_on: Date,
        pub mode: String,
        pub status: String,
        pub created_at: DateTimeUtc,
        /// The evaluation round whose dossiers this session evaluates, if tied to one.
        pub round_id: Option<i64>,
        /// A vice-chair the chair authorised to preside in the chair's absence.
        pub presiding_member_id: Option<i64>,
    }
    no_relations!();
}

/// Who attended a session.
pub mod attendance {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "session_attendance")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub session_id: i64,
        pub member_id: i64,
        pub present: bool,
    }
    no_relations!();
}

/// A product on a session's agenda.
pub mod session_item {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "session_items")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub session_id: i64,
        pub product_id: i64,
        pub sheet_code: String,
        pub rulebook_id: String,
        /// JSON: the commune's choices on its criteria, shown to members as given.
        pub commune_choices: String,
        pub status: String,
        pub scoring_round: i32,
        /// JSON of the evaluation when closed.
        pub result: Option<String>,
        pub stars: Option<i32>,
        pub average: Option<f64>,
        pub note: String,
        pub closed_at: Option<DateTimeUtc>,
        pub version: i32,
        /// The dossier this agenda item evaluates, when there is one.
        pub dossier_id: Option<i64>,
        /// `meeting` when written opinions diverged and the item went to a meeting
        /// (QĐ 26/2026 Art. 7.6.d); none: the session's mode.
        pub mode: Option<String>,
    }
    no_relations!();
}

/// A member's score sheet for one product.
pub mod score_sheet {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "score_sheets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub item_id: i64,
        pub member_id: i64,
        pub choices: String,
        pub total: i32,
        pub status: String,
        pub submitted_at: Option<DateTimeUtc>,
        pub version: i32,
        /// JSON object: criterion id → cited document ids (`ocop_domain::evidence`).
        pub evidence: String,
        /// JSON list of the knock-out ids (điểm liệt) the member records.
        pub knockouts: String,
    }
    no_relations!();
}

/// Conflicts of interest on an agenda item.
pub mod item_conflict {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "item_conflicts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub item_id: i64,
        pub member_id: i64,
        pub kind: String,
        pub reason: String,
    }
    no_relations!();
}

/// Ed25519 keys that sign certificates; old keys stay to verify old labels.
pub mod signing_key {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "signing_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub kid: String,
        pub public_key: String,
        /// Hex of the 32 secret bytes.
        pub secret_key: String,
        pub active: bool,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// OCOP certificates.
pub mod certificate {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "certificates")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub number: String,
        pub product_id: i64,
        pub producer_id: i64,
        pub product_name: String,
        pub producer_name: String,
        pub stars: i32,
        pub kind: String,
        pub issued_on: Date,
        pub expires_on: Date,
        pub issuing_body: String,
        pub decision_ref: String,
        pub revoked: bool,
        pub revoked_on: Option<Date>,
        pub revoked_ground: Option<String>,
        pub revoked_note: Option<String>,
        pub key_id: String,
        pub payload: String,
        pub signature: String,
        pub unit_path: String,
        pub current_unit_path: String,
        pub lookups: i64,
        pub created_at: DateTimeUtc,
        /// The recognition decision that granted it.
        pub decision_id: Option<i64>,
        /// The dossier whose recognition it carries (one certificate per dossier).
        pub dossier_id: Option<i64>,
        /// The certificate that replaced it (re-recognition, upgrade), and from when.
        pub superseded_by: Option<i64>,
        pub superseded_on: Option<Date>,
    }
    no_relations!();
}

/// Reports of suspicious labels from the public.
pub mod label_report {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "label_reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub number: String,
        pub place: String,
        pub message: String,
        pub contact: String,
        pub status: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// A conclusion that calls for revoking a certificate (QĐ 26/2026 Art. 8), tracked
/// against the 15 days the competent level has to decide.
pub mod revocation_case {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "revocation_cases")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub certificate_id: i64,
        pub ground: String,
        /// The conclusion (inspection report, authority's letter) that calls for it.
        pub conclusion_ref: String,
        pub concluded_on: Date,
        pub deadline_on: Date,
        /// open, revoked or dismissed.
        pub status: String,
        pub opened_by: String,
        pub opened_at: DateTimeUtc,
        pub closed_on: Option<Date>,
        pub closed_by: Option<String>,
        /// The revocation decision, or why the case was dismissed.
        pub outcome: Option<String>,
        pub unit_path: String,
        pub current_unit_path: String,
    }
    no_relations!();
}

/// Applications for evaluation (hồ sơ).
pub mod dossier {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "dossiers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub product_id: i64,
        pub producer_id: i64,
        pub kind: String,
        pub target_stars: i32,
        pub rulebook_id: String,
        pub state: String,
        pub registration_number: String,
        pub filed_on: Option<Date>,
        pub deadline_on: Option<Date>,
        /// Start of the current supplement wait (the clock is stopped).
        pub paused_since: Option<Date>,
        /// JSON list of [from, to] pauses already over.
        pub pauses: String,
        /// The evaluation round the dossier joined.
        pub round_id: Option<i64>,
        pub unit_path: String,
        pub current_unit_path: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
        /// The certificate a re-evaluation or upgrade follows.
        pub previous_certificate_id: Option<i64>,
        /// What the dossier was recognised with, and by which level's decision
        /// (`district`, `province`, `central`).
        pub recognised_stars: Option<i32>,
        pub recognised_level: Option<String>,
        /// The central council's stars (under 90: the province's choice waits on them).
        pub central_stars: Option<i32>,
    }
    no_relations!();
}

/// The steps a dossier went through.
pub mod dossier_event {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "dossier_events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub dossier_id: i64,
        pub at: DateTimeUtc,
        pub actor: String,
        pub from_state: String,
        pub to_state: String,
        pub event: String,
        pub reason: String,
    }
    no_relations!();
}

/// In-app notifications (the inbox).
pub mod notification {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "notifications")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub title: String,
        pub body: String,
        pub link: String,
        pub created_at: DateTimeUtc,
        pub read_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

/// E-mails waiting for (or done with) the SMTP relay.
pub mod outbox {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "mail_outbox")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub to_email: String,
        pub subject: String,
        pub body: String,
        pub attempts: i32,
        pub last_error: Option<String>,
        pub next_attempt_at: DateTimeUtc,
        pub sent_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// Runs of periodic jobs: one row per job and day, so only one instance runs it.
pub mod job_run {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "job_runs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub started_at: DateTimeUtc,
        pub report: String,
    }
    no_relations!();
}

/// Evaluation rounds (đợt) opened by a level.
pub mod round {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "rounds")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub level: String,
        pub unit_code: String,
        pub unit_path: String,
        pub proposals_by: Date,
        pub closes_on: Date,
        pub status: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// Recognition decisions (quyết định công nhận).
pub mod decision {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "decisions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub number: String,
        pub signed_on: Date,
        pub signer: String,
        pub issuing_body: String,
        pub level: String,
        pub session_id: Option<i64>,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// Documents of a producer's evidence library (the bytes live in the file store).
pub mod document {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "documents")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub producer_id: i64,
        pub doc_type: String,
        pub title: String,
        pub filename: String,
        pub content_type: String,
        pub size: i64,
        pub sha256: String,
        pub valid_until: Option<Date>,
        pub uploaded_by: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// Documents a dossier relies on.
pub mod dossier_document {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "dossier_documents")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub dossier_id: i64,
        pub document_id: i64,
    }
    no_relations!();
}

/// Signed checkpoints of the audit chain (issue 10): each seals the chain up to an
/// entry with an HMAC whose key is kept outside the database (see [`crate::audit`]).
pub mod audit_checkpoint {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "audit_checkpoints")]
    pub struct Model {
        /// 1, 2, 3, … without gaps; part of the signed message.
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub at: DateTimeUtc,
        /// The last audit entry sealed, its hash, and the number of entries up to it.
        pub last_id: i64,
        pub last_hash: String,
        pub entry_count: i64,
        /// Fingerprint of the key that signed (never the key itself).
        pub key_id: String,
        /// The previous checkpoint's `mac` ("" for the first).
        pub prev_mac: String,
        /// HMAC-SHA256, hex.
        pub mac: String,
    }
    no_relations!();
}

/// The commune's written assessment of a dossier (QĐ 26/2026 Art. 7.2.a; Mẫu 03
/// section II): four contents and its proposal, no points.
pub mod commune_assessment {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "commune_assessments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub dossier_id: i64,
        pub origin_materials: String,
        pub local_labour: String,
        pub idea_origin: String,
        pub local_identity: String,
        pub proposal: String,
        pub written_by: String,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A producer's sales channel (QĐ plan III.4): a contract or listing with a partner,
/// for all its products or one, active from `started_on` to `ended_on` (inclusive).
pub mod sales_channel {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "sales_channels")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub producer_id: i64,
        /// None: every product of the producer.
        pub product_id: Option<i64>,
        /// `ocop_domain::operations::ChannelKind`.
        pub kind: String,
        /// The chain, platform or buyer ("WinMart", "Shopee", an importer…).
        pub partner: String,
        pub contract_ref: Option<String>,
        pub started_on: Date,
        pub ended_on: Option<Date>,
        pub note: Option<String>,
        pub unit_path: String,
        pub current_unit_path: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// Revenue and output of a product for a year (quarter None) or a quarter, in one
/// channel kind or all (channel None).
pub mod revenue_record {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "revenue_records")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub producer_id: i64,
        pub product_id: i64,
        pub year: i32,
        /// 1–4, or None for the whole year.
        pub quarter: Option<i32>,
        /// A `ChannelKind` code, or None for all channels together.
        pub channel: Option<String>,
        /// Đồng, never negative.
        pub revenue_vnd: i64,
        /// Output in `output_unit` (kg, lít, hộp…), thousandths kept as an integer.
        pub output_milli: Option<i64>,
        pub output_unit: Option<String>,
        /// producer, officer or import.
        pub source: String,
        pub unit_path: String,
        pub current_unit_path: String,
        pub entered_by: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A producer newly established or consolidated in a year (plan target 2).
pub mod organisation_milestone {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "organisation_milestones")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub producer_id: i64,
        pub year: i32,
        /// `ocop_domain::operations::MilestoneKind`.
        pub kind: String,
        /// The legal form after the change (cooperative, enterprise…).
        pub legal_form: String,
        pub occurred_on: Date,
        pub note: Option<String>,
        pub unit_path: String,
        pub current_unit_path: String,
        pub recorded_by: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// The report on a file sent to the provincial council's chair before the meeting:
/// the advisory team's (QĐ 26/2026 Art. 7.3.c) or, for a re-evaluation, the standing
/// agency's (Art. 7.6.c). One per dossier; rewritten until the council meets.
pub mod advisory_report {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "advisory_reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub dossier_id: i64,
        /// The report's number and sign.
        pub reference: String,
        pub sent_to_chair_on: Date,
        /// The field survey at the producer's site, if one was made.
        pub field_survey_on: Option<Date>,
        /// Extra quality tests asked for, if any.
        pub lab_tests: String,
        pub findings: String,
        pub recommendation: String,
        pub written_by: String,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// The written notice of a file's result to the commune and the producer (Art. 7.3.g).
pub mod result_notice {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "result_notices")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub dossier_id: i64,
        pub reference: String,
        pub signed_on: Date,
        /// The state it notified (recognised or not_recognised).
        pub result: String,
        pub sent_by: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// A producer's coordinates (M0019), kept apart from [`producer::Model`] so that
/// registry code is untouched: the same table, only the columns trade needs.
pub mod producer_position {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "producers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub latitude: Option<f64>,
        pub longitude: Option<f64>,
    }
    no_relations!();
}

/// OCOP points of sale and showrooms (M0019).
pub mod point_of_sale {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "points_of_sale")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub name_sort: String,
        pub address: String,
        pub operator: String,
        pub showroom: bool,
        pub opened_on: Option<Date>,
        pub latitude: Option<f64>,
        pub longitude: Option<f64>,
        pub unit_code: String,
        pub unit_name: String,
        pub unit_path: String,
        pub current_unit_path: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// Products on sale at a point of sale (M0019).
pub mod point_of_sale_product {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "point_of_sale_products")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub point_id: i64,
        pub product_id: i64,
    }
    no_relations!();
}

/// Fairs and exhibitions (M0019).
pub mod fair {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "fairs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub place: String,
        pub starts_on: Date,
        pub ends_on: Date,
        pub in_province: bool,
        /// Đồng, never negative.
        pub sales_vnd: i64,
        pub contracts_signed: i64,
        /// The organising (or sending) unit.
        pub unit_path: String,
        pub current_unit_path: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// Producers (and optionally one of their products) taking part in a fair (M0019).
pub mod fair_participant {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "fair_participants")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub fair_id: i64,
        pub producer_id: i64,
        pub product_id: Option<i64>,
    }
    no_relations!();
}

/// A unit's OCOP plan for a year (issue 13): one per unit and year.
pub mod plan {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "plans")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub unit_code: String,
        pub unit_period: String,
        pub unit_path: String,
        pub year: i32,
        /// The plan's reference ("Kế hoạch số 1426/KH-UBND").
        pub title: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A plan's target for one indicator (`ocop_domain::indicators`).
pub mod plan_target {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_targets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub plan_id: i64,
        pub indicator: String,
        /// `gt`, `ge` or `range`.
        pub comparator: String,
        pub value: f64,
        pub value_max: Option<f64>,
    }
    no_relations!();
}

/// A periodic report of a unit (issue 13): filled from the indicators, annotated,
/// submitted upward (then frozen: `snapshot` holds what was submitted), accepted or
/// returned by the level above.
pub mod report {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub unit_code: String,
        pub unit_period: String,
        pub unit_name: String,
        pub unit_path: String,
        /// The receiving level's unit path (the officer there accepts or returns).
        pub receiver_path: String,
        /// `quarterly`, `six_monthly`, `annual` or `ad_hoc`.
        pub kind: String,
        pub period_from: Date,
        pub period_to: Date,
        /// `draft`, `submitted`, `accepted` or `returned`.
        pub state: String,
        pub note: String,
        /// JSON of the indicators as submitted; empty while a draft.
        pub snapshot: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub submitted_by: Option<String>,
        pub submitted_at: Option<DateTimeUtc>,
        pub decided_by: Option<String>,
        pub decided_at: Option<DateTimeUtc>,
        pub return_reason: Option<String>,
        pub version: i32,
    }
    no_relations!();
}
