//! Tables of post-certification monitoring (migration m0021). Kept apart from
//! `entities.rs` so that the area can grow without touching the shared file.

use sea_orm::entity::prelude::*;

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

/// A yearly (periodic) or ad-hoc plan grouping inspections.
pub mod inspection_plan {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "inspection_plans")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub title: String,
        pub year: i32,
        /// periodic or adhoc.
        pub kind: String,
        /// The planning officer's unit (the plan's area).
        pub unit_path: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// One inspection: of a certified product (subject "product") or of a unit's
/// evaluation work (subject "unit"). State: planned → in_progress → done, or cancelled.
pub mod inspection {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "inspections")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub plan_id: Option<i64>,
        pub kind: String,
        pub subject: String,
        pub producer_id: Option<i64>,
        pub product_id: Option<i64>,
        pub certificate_id: Option<i64>,
        pub subject_unit_code: Option<String>,
        /// Product name or unit name, kept for lists.
        pub subject_name: String,
        /// Comma-separated focus codes (`ocop_domain::inspections::FOCI`).
        pub focus: String,
        pub planned_on: Date,
        pub inspector_id: i64,
        pub inspector_name: String,
        pub state: String,
        pub findings: String,
        pub conclusion: Option<String>,
        pub outcome: Option<String>,
        pub done_on: Option<Date>,
        /// Where the inspection came from (a lead), if anywhere.
        pub lead: Option<String>,
        pub revocation_case_id: Option<i64>,
        pub producer_answer: Option<String>,
        pub unit_path: String,
        pub current_unit_path: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A checklist line's result.
pub mod inspection_check {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "inspection_checks")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub inspection_id: i64,
        pub item: String,
        /// ok, not_ok or na.
        pub result: String,
        pub note: String,
    }
    no_relations!();
}

/// A sample taken and its lab result.
pub mod inspection_sample {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "inspection_samples")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub inspection_id: i64,
        pub sample_code: String,
        pub parameter: String,
        /// As typed, a decimal ("0,05").
        pub value: String,
        pub unit: String,
        /// max or min.
        pub limit_kind: String,
        pub limit_value: String,
        /// Computed by `ocop_domain::inspections::lab_pass`.
        pub passed: bool,
        pub lab: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// A violation with its corrective action and deadline. open → fixed | not_fixed.
pub mod inspection_violation {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "inspection_violations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub inspection_id: i64,
        pub producer_id: Option<i64>,
        pub focus: String,
        pub description: String,
        pub corrective_action: String,
        pub deadline_on: Date,
        pub status: String,
        pub followed_up_on: Option<Date>,
        pub follow_up_note: Option<String>,
        pub unit_path: String,
        pub current_unit_path: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// A product recall ordered by an inspection. ordered → in_progress → completed.
pub mod inspection_recall {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "inspection_recalls")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub inspection_id: i64,
        pub batch: String,
        pub quantity: i64,
        pub quantity_unit: String,
        pub reason: String,
        pub status: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// A photo of an inspection (bytes in the document store).
pub mod inspection_photo {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "inspection_photos")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub inspection_id: i64,
        pub document_id: i64,
    }
    no_relations!();
}

/// A public lookup of an expired or revoked certificate: a lead for the plan.
pub mod certificate_lookup {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "certificate_lookups")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub certificate_id: i64,
        /// expired or revoked.
        pub status: String,
        pub looked_on: Date,
        pub unit_path: String,
        pub current_unit_path: String,
    }
    no_relations!();
}
