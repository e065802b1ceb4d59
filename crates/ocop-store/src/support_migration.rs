//! Migration m0020: support and funding, training and communication, news, and the
//! catalogue's text-search index (issue 12, items 4, 5 and 7).
//!
//! The search index is a derived table, `search_products` (one row per product:
//! its indexed words with their marks, and folded): on SQLite an FTS5 table, on
//! PostgreSQL a plain table with a GIN index over `to_tsvector('simple', fold)`.
//! Folding is done in Rust (`ocop_domain::search::words`), so both databases see
//! the same ASCII words. Backups skip `search_*` tables; restore rebuilds them.

use crate::support_entities::*;
use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct M0020Support;

impl MigrationName for M0020Support {
    fn name(&self) -> &str {
        "m0020_support_training_news_search"
    }
}

fn idx(name: &str) -> IndexCreateStatement {
    Index::create().name(name).to_owned()
}

fn fk(name: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0020Support {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use crate::entities::{producer, product};
        use budget_line::Column as B;
        use comm_piece::Column as C;
        use news_item::Column as N;
        use policy_basis::Column as P;
        use support_record::Column as S;
        use training_attendee::Column as A;
        use training_course::Column as T;
        m.create_table(
            Table::create()
                .table(policy_basis::Entity)
                .col(big_pk_auto(P::Id))
                .col(text(P::Code))
                .col(text(P::Name))
                .col(boolean(P::Active).default(true))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_support_policies_code")
                .table(policy_basis::Entity)
                .col(P::Code)
                .unique()
                .to_owned(),
        )
        .await?;
        for (code, name) in [
            (
                "nq-07-2021",
                "Nghị quyết 07/2021/NQ-HĐND tỉnh Lai Châu về chính sách hỗ trợ phát triển sản phẩm OCOP",
            ),
            (
                "nq-63-2023",
                "Nghị quyết 63/2023/NQ-HĐND tỉnh Lai Châu về chính sách hỗ trợ phát triển sản xuất",
            ),
        ] {
            m.exec_stmt(
                Query::insert()
                    .into_table(policy_basis::Entity)
                    .columns([P::Code, P::Name, P::Active])
                    .values_panic([code.into(), name.into(), true.into()])
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(budget_line::Entity)
                .col(big_pk_auto(B::Id))
                .col(integer(B::Year))
                .col(text(B::Source))
                .col(text_null(B::PolicyCode))
                .col(text(B::Name))
                .col(big_integer(B::AllocatedVnd))
                .col(text(B::UnitPath))
                .col(text(B::CurrentUnitPath))
                .col(text(B::CreatedBy))
                .col(timestamp_with_time_zone(B::CreatedAt))
                .col(integer(B::Version).default(1))
                .check(Expr::col(B::AllocatedVnd).gte(0))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_support_budget_lines")
                .table(budget_line::Entity)
                .col(B::Year)
                .col(B::Source)
                .col(B::Name)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(support_record::Entity)
                .col(big_pk_auto(S::Id))
                .col(big_integer(S::ProducerId))
                .col(big_integer_null(S::ProductId))
                .col(text(S::Kind))
                .col(text_null(S::PolicyCode))
                .col(text(S::Source))
                .col(big_integer_null(S::BudgetLineId))
                .col(text(S::Title))
                .col(text_null(S::Note))
                .col(big_integer(S::PlannedVnd))
                .col(big_integer_null(S::ApprovedVnd))
                .col(big_integer(S::DisbursedVnd).default(0))
                .col(text_null(S::OverReason))
                .col(date(S::ProposedOn))
                .col(date_null(S::ApprovedOn))
                .col(date_null(S::CompletedOn))
                .col(text(S::Status))
                .col(text(S::UnitPath))
                .col(text(S::CurrentUnitPath))
                .col(text(S::CreatedBy))
                .col(timestamp_with_time_zone(S::CreatedAt))
                .col(timestamp_with_time_zone(S::UpdatedAt))
                .col(integer(S::Version).default(1))
                .check(Expr::col(S::PlannedVnd).gte(0))
                .check(Expr::col(S::DisbursedVnd).gte(0))
                .check(
                    Expr::col(S::ApprovedVnd)
                        .gte(0)
                        .or(Expr::col(S::ApprovedVnd).is_null()),
                )
                .foreign_key(
                    &mut fk("fk_support_records_producer")
                        .from(support_record::Entity, S::ProducerId)
                        .to(producer::Entity, producer::Column::Id)
                        .to_owned(),
                )
                .foreign_key(
                    &mut fk("fk_support_records_product")
                        .from(support_record::Entity, S::ProductId)
                        .to(product::Entity, product::Column::Id)
                        .to_owned(),
                )
                .foreign_key(
                    &mut ForeignKey::create()
                        .name("fk_support_records_line")
                        .from(support_record::Entity, S::BudgetLineId)
                        .to(budget_line::Entity, B::Id)
                        .on_delete(ForeignKeyAction::SetNull)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_support_records_producer", S::ProducerId),
            ("ix_support_records_path", S::CurrentUnitPath),
            ("ix_support_records_line", S::BudgetLineId),
        ] {
            m.create_index(idx(name).table(support_record::Entity).col(col).to_owned())
                .await?;
        }
        m.create_table(
            Table::create()
                .table(training_course::Entity)
                .col(big_pk_auto(T::Id))
                .col(text(T::Topic))
                .col(date(T::StartsOn))
                .col(date(T::EndsOn))
                .col(text(T::Place))
                .col(text(T::Trainer))
                .col(text(T::UnitPath))
                .col(text(T::CurrentUnitPath))
                .col(text(T::CreatedBy))
                .col(timestamp_with_time_zone(T::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(training_attendee::Entity)
                .col(big_pk_auto(A::Id))
                .col(big_integer(A::CourseId))
                .col(text(A::Name))
                .col(text(A::Role))
                .col(text_null(A::UnitCode))
                .col(text_null(A::UnitName))
                .col(big_integer_null(A::ProducerId))
                .foreign_key(
                    &mut fk("fk_training_attendees_course")
                        .from(training_attendee::Entity, A::CourseId)
                        .to(training_course::Entity, T::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_training_attendees_course")
                .table(training_attendee::Entity)
                .col(A::CourseId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(comm_piece::Entity)
                .col(big_pk_auto(C::Id))
                .col(text(C::Kind))
                .col(text(C::Title))
                .col(date(C::PublishedOn))
                .col(text(C::Outlet))
                .col(text_null(C::Link))
                .col(text(C::UnitPath))
                .col(text(C::CurrentUnitPath))
                .col(text(C::CreatedBy))
                .col(timestamp_with_time_zone(C::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(news_item::Entity)
                .col(big_pk_auto(N::Id))
                .col(text(N::Title))
                .col(text(N::Summary))
                .col(text(N::Body))
                .col(text(N::Category))
                .col(text(N::Status))
                .col(timestamp_with_time_zone_null(N::PublishedAt))
                .col(text(N::UnitPath))
                .col(text(N::CurrentUnitPath))
                .col(text(N::CreatedBy))
                .col(timestamp_with_time_zone(N::CreatedAt))
                .col(timestamp_with_time_zone(N::UpdatedAt))
                .col(integer(N::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_news_items_status")
                .table(news_item::Entity)
                .col(N::Status)
                .col(N::PublishedAt)
                .to_owned(),
        )
        .await?;
        let c = m.get_connection();
        match c.get_database_backend() {
            DatabaseBackend::Postgres => {
                c.execute_unprepared(
                    "CREATE TABLE search_products (product_id BIGINT PRIMARY KEY \
                     REFERENCES products(id) ON DELETE CASCADE, fold TEXT NOT NULL, \
                     exact TEXT NOT NULL)",
                )
                .await?;
                c.execute_unprepared(
                    "CREATE INDEX ix_search_products_fts ON search_products \
                     USING GIN (to_tsvector('simple', fold))",
                )
                .await?;
            }
            _ => {
                // rowid = product id; only the folded words are tokenized (the
                // folding is ours, so the tokenizer must not fold again).
                c.execute_unprepared(
                    "CREATE VIRTUAL TABLE search_products USING fts5(fold, exact UNINDEXED, \
                     tokenize = 'unicode61 remove_diacritics 0')",
                )
                .await?;
            }
        }
        crate::search::rebuild(c).await?;
        Ok(())
    }
}
