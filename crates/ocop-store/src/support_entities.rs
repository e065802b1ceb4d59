//! Tables of support and funding, training and communication, and news (issue 12,
//! items 4, 5 and 7). Created by migration m0020 (`crate::support_migration`).

use sea_orm::entity::prelude::*;

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

/// A policy under which support is given (a resolution); admins maintain the list.
pub mod policy_basis {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "support_policies")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Short code, e.g. `nq-07-2021`.
        pub code: String,
        /// "Nghị quyết 07/2021/NQ-HĐND …".
        pub name: String,
        pub active: bool,
    }
    no_relations!();
}

/// Money set aside for support from one source in one year.
pub mod budget_line {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "support_budget_lines")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub year: i32,
        /// `ocop_domain::support::FundingSource`.
        pub source: String,
        pub policy_code: Option<String>,
        pub name: String,
        /// Đồng, never negative.
        pub allocated_vnd: i64,
        pub unit_path: String,
        pub current_unit_path: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// Support given to a producer (or one of its products).
pub mod support_record {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "support_records")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub producer_id: i64,
        pub product_id: Option<i64>,
        /// `ocop_domain::support::SupportKind`.
        pub kind: String,
        pub policy_code: Option<String>,
        /// `ocop_domain::support::FundingSource`.
        pub source: String,
        pub budget_line_id: Option<i64>,
        pub title: String,
        pub note: Option<String>,
        /// Đồng, never negative.
        pub planned_vnd: i64,
        pub approved_vnd: Option<i64>,
        pub disbursed_vnd: i64,
        /// Why more than approved was disbursed.
        pub over_reason: Option<String>,
        pub proposed_on: Date,
        pub approved_on: Option<Date>,
        pub completed_on: Option<Date>,
        /// `ocop_domain::support::SupportStatus`.
        pub status: String,
        pub unit_path: String,
        pub current_unit_path: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}

/// A training course.
pub mod training_course {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "training_courses")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub topic: String,
        pub starts_on: Date,
        pub ends_on: Date,
        pub place: String,
        pub trainer: String,
        pub unit_path: String,
        pub current_unit_path: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// Someone who attended a course.
pub mod training_attendee {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "training_attendees")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub course_id: i64,
        pub name: String,
        /// `ocop_domain::training::AttendeeRole`.
        pub role: String,
        /// The attendee's unit (code of the commune, district or province).
        pub unit_code: Option<String>,
        pub unit_name: Option<String>,
        pub producer_id: Option<i64>,
    }
    no_relations!();
}

/// A communication piece (clip, article, panel, event).
pub mod comm_piece {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "training_comm_pieces")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// `ocop_domain::training::PieceKind`.
        pub kind: String,
        pub title: String,
        pub published_on: Date,
        /// Channel or outlet ("Báo Lai Châu", "Đài PT-TH Lai Châu").
        pub outlet: String,
        pub link: Option<String>,
        pub unit_path: String,
        pub current_unit_path: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

/// A news item or announcement of the public site.
pub mod news_item {
    use super::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Eq)]
    #[sea_orm(table_name = "news_items")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub title: String,
        pub summary: String,
        pub body: String,
        /// `ocop_domain::news::NewsCategory`.
        pub category: String,
        /// `ocop_domain::news::NewsStatus`.
        pub status: String,
        pub published_at: Option<DateTimeUtc>,
        pub unit_path: String,
        pub current_unit_path: String,
        pub created_by: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub version: i32,
    }
    no_relations!();
}
