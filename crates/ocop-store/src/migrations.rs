//! Schema migrations: one forward-only, numbered set for SQLite and PostgreSQL.
//! `ocop serve` applies them at start; `ocop migrate` applies them and exits.

use crate::entities::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Foundation),
            Box::new(M0002ProductPhotos),
            Box::new(M0003ByteOrderSortKeys),
            Box::new(M0004SelfAssessments),
            Box::new(M0005Councils),
            Box::new(M0006Certificates),
            Box::new(M0007Dossiers),
            Box::new(M0008Notifications),
            Box::new(M0009RoundsDecisions),
            Box::new(M0010Documents),
            Box::new(M0011FollowUps),
            Box::new(M0012RevocationCases),
            Box::new(M0013Evidence),
            Box::new(M0014LawfulCertificates),
            Box::new(M0015CouncilWorkflow),
            Box::new(M0016SecurityAccounts),
            Box::new(M0017AuditCheckpoints),
            Box::new(M0018Operations),
            Box::new(M0019Trade),
            Box::new(crate::support_migration::M0020Support),
            Box::new(crate::inspection_migration::M0021Inspections),
            Box::new(M0022PlansReports),
            Box::new(M0023ProvinceSteps),
        ]
    }
}

/// Applies every pending migration.
pub async fn run(db: &sea_orm::DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

// Names are explicit: the derive takes the file name, which would give every
// migration of this file the same name.
struct M0001Foundation;

impl MigrationName for M0001Foundation {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

fn idx(name: &str) -> IndexCreateStatement {
    Index::create().name(name).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0001Foundation {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use admin_unit::Column as U;
        m.create_table(
            Table::create()
                .table(admin_unit::Entity)
                .col(big_pk_auto(U::Id))
                .col(text(U::Code))
                .col(text(U::Period))
                .col(text(U::Name))
                .col(text(U::NameFold))
                .col(text(U::NameSort))
                .col(text(U::Level))
                .col(text_null(U::ParentCode))
                .col(text_null(U::ProvinceCode))
                .col(text(U::Path))
                .col(text(U::Aliases))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_admin_units_code_period")
                .table(admin_unit::Entity)
                .col(U::Code)
                .col(U::Period)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_admin_units_parent")
                .table(admin_unit::Entity)
                .col(U::Period)
                .col(U::ParentCode)
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_admin_units_path")
                .table(admin_unit::Entity)
                .col(U::Path)
                .to_owned(),
        )
        .await?;

        use unit_mapping::Column as M;
        m.create_table(
            Table::create()
                .table(unit_mapping::Entity)
                .col(big_pk_auto(M::Id))
                .col(text(M::OldCode))
                .col(text(M::NewCode))
                .col(text(M::Note))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_unit_mappings_old")
                .table(unit_mapping::Entity)
                .col(M::OldCode)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_unit_mappings_new")
                .table(unit_mapping::Entity)
                .col(M::NewCode)
                .to_owned(),
        )
        .await?;

        use producer::Column as P;
        m.create_table(
            Table::create()
                .table(producer::Entity)
                .col(big_pk_auto(P::Id))
                .col(text(P::Name))
                .col(text(P::NameFold))
                .col(text(P::NameSort))
                .col(text(P::LegalForm))
                .col(text_null(P::TaxCode))
                .col(text(P::CommuneCode))
                .col(text(P::CommunePeriod))
                .col(text(P::CommuneName))
                .col(text(P::ProvinceCode))
                .col(text(P::UnitPath))
                .col(text(P::CurrentUnitPath))
                .col(text_null(P::AddressDetail))
                .col(text_null(P::Phone))
                .col(text_null(P::Email))
                .col(text(P::RepresentativeName))
                .col(boolean(P::RepresentativeFemale))
                .col(boolean(P::RepresentativeEthnicMinority))
                .col(text_null(P::RepresentativeEthnicity))
                .col(boolean(P::RepresentativeDisability))
                .col(big_integer_null(P::MembersCount))
                .col(big_integer_null(P::WorkersCount))
                .col(big_integer_null(P::YearFounded))
                .col(text(P::Status))
                .col(timestamp_with_time_zone(P::CreatedAt))
                .col(timestamp_with_time_zone(P::UpdatedAt))
                .col(integer(P::Version))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_producers_tax_code")
                .table(producer::Entity)
                .col(P::TaxCode)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_producers_name_sort")
                .table(producer::Entity)
                .col(P::NameSort)
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_producers_unit_path")
                .table(producer::Entity)
                .col(P::UnitPath)
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_producers_current_unit_path")
                .table(producer::Entity)
                .col(P::CurrentUnitPath)
                .to_owned(),
        )
        .await?;

        use user::Column as Us;
        m.create_table(
            Table::create()
                .table(user::Entity)
                .col(big_pk_auto(Us::Id))
                .col(text(Us::Username))
                .col(text(Us::DisplayName))
                .col(text(Us::PasswordHash))
                .col(text(Us::Role))
                .col(text_null(Us::UnitCode))
                .col(text_null(Us::UnitPeriod))
                .col(text_null(Us::UnitPath))
                .col(big_integer_null(Us::ProducerId))
                .col(boolean(Us::Disabled))
                .col(integer(Us::FailedLogins))
                .col(timestamp_with_time_zone_null(Us::LockedUntil))
                .col(timestamp_with_time_zone_null(Us::LastLoginAt))
                .col(timestamp_with_time_zone(Us::CreatedAt))
                .col(timestamp_with_time_zone(Us::UpdatedAt))
                .col(integer(Us::Version))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_users_producer")
                        .from(user::Entity, Us::ProducerId)
                        .to(producer::Entity, P::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_users_username")
                .table(user::Entity)
                .col(Us::Username)
                .unique()
                .to_owned(),
        )
        .await?;

        use session::Column as S;
        m.create_table(
            Table::create()
                .table(session::Entity)
                .col(text(S::IdHash).primary_key())
                .col(big_integer(S::UserId))
                .col(text(S::CsrfToken))
                .col(timestamp_with_time_zone(S::CreatedAt))
                .col(timestamp_with_time_zone(S::ExpiresAt))
                .col(timestamp_with_time_zone(S::LastSeenAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sessions_user")
                        .from(session::Entity, S::UserId)
                        .to(user::Entity, Us::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_sessions_expires")
                .table(session::Entity)
                .col(S::ExpiresAt)
                .to_owned(),
        )
        .await?;

        use api_token::Column as T;
        m.create_table(
            Table::create()
                .table(api_token::Entity)
                .col(big_pk_auto(T::Id))
                .col(text(T::TokenHash))
                .col(big_integer(T::UserId))
                .col(timestamp_with_time_zone(T::CreatedAt))
                .col(timestamp_with_time_zone(T::ExpiresAt))
                .col(timestamp_with_time_zone_null(T::LastUsedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_api_tokens_user")
                        .from(api_token::Entity, T::UserId)
                        .to(user::Entity, Us::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_api_tokens_hash")
                .table(api_token::Entity)
                .col(T::TokenHash)
                .unique()
                .to_owned(),
        )
        .await?;

        use product::Column as Pr;
        m.create_table(
            Table::create()
                .table(product::Entity)
                .col(big_pk_auto(Pr::Id))
                .col(big_integer(Pr::ProducerId))
                .col(text(Pr::Name))
                .col(text(Pr::NameFold))
                .col(text(Pr::NameSort))
                .col(text(Pr::SetCode))
                .col(text(Pr::ProductCode))
                .col(text_null(Pr::Description))
                .col(text_null(Pr::RawMaterialOrigin))
                .col(text(Pr::Status))
                .col(big_integer_null(Pr::Stars))
                .col(text(Pr::UnitPath))
                .col(text(Pr::CurrentUnitPath))
                .col(timestamp_with_time_zone(Pr::CreatedAt))
                .col(timestamp_with_time_zone(Pr::UpdatedAt))
                .col(integer(Pr::Version))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_products_producer")
                        .from(product::Entity, Pr::ProducerId)
                        .to(producer::Entity, P::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_products_code")
                .table(product::Entity)
                .col(Pr::ProductCode)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_products_producer")
                .table(product::Entity)
                .col(Pr::ProducerId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_products_name_sort")
                .table(product::Entity)
                .col(Pr::NameSort)
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_products_current_unit_path")
                .table(product::Entity)
                .col(Pr::CurrentUnitPath)
                .to_owned(),
        )
        .await?;

        use product_sequence::Column as Q;
        m.create_table(
            Table::create()
                .table(product_sequence::Entity)
                .col(text(Q::ScopeKey).primary_key())
                .col(big_integer(Q::LastSeq))
                .to_owned(),
        )
        .await?;

        use audit_entry::Column as A;
        m.create_table(
            Table::create()
                .table(audit_entry::Entity)
                .col(big_pk_auto(A::Id))
                .col(timestamp_with_time_zone(A::At))
                .col(big_integer_null(A::ActorId))
                .col(text(A::Actor))
                .col(text(A::Entity))
                .col(big_integer(A::EntityId))
                .col(text(A::Action))
                .col(text_null(A::Before))
                .col(text_null(A::After))
                .col(text(A::PrevHash))
                .col(text(A::Hash))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_audit_entity")
                .table(audit_entry::Entity)
                .col(A::Entity)
                .col(A::EntityId)
                .to_owned(),
        )
        .await?;

        use setting::Column as K;
        m.create_table(
            Table::create()
                .table(setting::Entity)
                .col(text(K::Key).primary_key())
                .col(text(K::Value))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0002ProductPhotos;

impl MigrationName for M0002ProductPhotos {
    fn name(&self) -> &str {
        "m0002_product_photos"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0002ProductPhotos {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use product_photo::Column as F;
        m.create_table(
            Table::create()
                .table(product_photo::Entity)
                .col(big_pk_auto(F::Id))
                .col(big_integer(F::ProductId))
                .col(text(F::ContentType))
                .col(big_integer(F::Size))
                .col(blob(F::Data))
                .col(timestamp_with_time_zone(F::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_product_photos_product")
                        .from(product_photo::Entity, F::ProductId)
                        .to(product::Entity, product::Column::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_product_photos_product")
                .table(product_photo::Entity)
                .col(F::ProductId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

/// Sort keys are ASCII strings meant to be compared byte by byte. PostgreSQL would
/// compare them with the database's locale (which ignores punctuation), so their
/// columns get the "C" collation. SQLite already compares bytes.
struct M0003ByteOrderSortKeys;

impl MigrationName for M0003ByteOrderSortKeys {
    fn name(&self) -> &str {
        "m0003_byte_order_sort_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0003ByteOrderSortKeys {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            let c = m.get_connection();
            for table in ["admin_units", "producers", "products"] {
                c.execute_unprepared(&format!(
                    "ALTER TABLE {table} ALTER COLUMN name_sort TYPE text COLLATE \"C\""
                ))
                .await?;
            }
        }
        Ok(())
    }
}

struct M0004SelfAssessments;

impl MigrationName for M0004SelfAssessments {
    fn name(&self) -> &str {
        "m0004_self_assessments"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0004SelfAssessments {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use self_assessment::Column as S;
        m.create_table(
            Table::create()
                .table(self_assessment::Entity)
                .col(big_pk_auto(S::Id))
                .col(big_integer(S::ProductId))
                .col(text(S::SheetCode))
                .col(text(S::RulebookId))
                .col(text(S::Choices))
                .col(integer(S::Total))
                .col(integer(S::Stars))
                .col(timestamp_with_time_zone(S::UpdatedAt))
                .col(text(S::UpdatedBy))
                .col(integer(S::Version))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_self_assessments_product")
                        .from(self_assessment::Entity, S::ProductId)
                        .to(product::Entity, product::Column::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_self_assessments_product_sheet")
                .table(self_assessment::Entity)
                .col(S::ProductId)
                .col(S::SheetCode)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0005Councils;

impl MigrationName for M0005Councils {
    fn name(&self) -> &str {
        "m0005_councils"
    }
}

fn fk(name: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0005Councils {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use council::Column as C;
        m.create_table(
            Table::create()
                .table(council::Entity)
                .col(big_pk_auto(C::Id))
                .col(text(C::Name))
                .col(text(C::Level))
                .col(text(C::UnitCode))
                .col(text(C::UnitPeriod))
                .col(text(C::UnitPath))
                .col(timestamp_with_time_zone(C::CreatedAt))
                .to_owned(),
        )
        .await?;
        use council_member::Column as M;
        m.create_table(
            Table::create()
                .table(council_member::Entity)
                .col(big_pk_auto(M::Id))
                .col(big_integer(M::CouncilId))
                .col(big_integer_null(M::UserId))
                .col(text(M::FullName))
                .col(text(M::Position))
                .col(text(M::Role))
                .col(boolean(M::Active))
                .foreign_key(
                    fk("fk_members_council")
                        .from(council_member::Entity, M::CouncilId)
                        .to(council::Entity, C::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_members_user")
                        .from(council_member::Entity, M::UserId)
                        .to(user::Entity, user::Column::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_members_council")
                .table(council_member::Entity)
                .col(M::CouncilId)
                .to_owned(),
        )
        .await?;
        use member_link::Column as L;
        m.create_table(
            Table::create()
                .table(member_link::Entity)
                .col(big_pk_auto(L::Id))
                .col(big_integer(L::MemberId))
                .col(big_integer(L::ProducerId))
                .col(text(L::Kind))
                .foreign_key(
                    fk("fk_links_member")
                        .from(member_link::Entity, L::MemberId)
                        .to(council_member::Entity, M::Id),
                )
                .foreign_key(
                    fk("fk_links_producer")
                        .from(member_link::Entity, L::ProducerId)
                        .to(producer::Entity, producer::Column::Id),
                )
                .to_owned(),
        )
        .await?;
        use council_session::Column as S;
        m.create_table(
            Table::create()
                .table(council_session::Entity)
                .col(big_pk_auto(S::Id))
                .col(big_integer(S::CouncilId))
                .col(text(S::Title))
                .col(date(S::HeldOn))
                .col(text(S::Mode))
                .col(text(S::Status))
                .col(timestamp_with_time_zone(S::CreatedAt))
                .foreign_key(
                    fk("fk_sessions_council")
                        .from(council_session::Entity, S::CouncilId)
                        .to(council::Entity, C::Id),
                )
                .to_owned(),
        )
        .await?;
        use attendance::Column as A;
        m.create_table(
            Table::create()
                .table(attendance::Entity)
                .col(big_pk_auto(A::Id))
                .col(big_integer(A::SessionId))
                .col(big_integer(A::MemberId))
                .col(boolean(A::Present))
                .foreign_key(
                    fk("fk_attendance_session")
                        .from(attendance::Entity, A::SessionId)
                        .to(council_session::Entity, S::Id),
                )
                .foreign_key(
                    fk("fk_attendance_member")
                        .from(attendance::Entity, A::MemberId)
                        .to(council_member::Entity, M::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_attendance")
                .table(attendance::Entity)
                .col(A::SessionId)
                .col(A::MemberId)
                .unique()
                .to_owned(),
        )
        .await?;
        use session_item::Column as I;
        m.create_table(
            Table::create()
                .table(session_item::Entity)
                .col(big_pk_auto(I::Id))
                .col(big_integer(I::SessionId))
                .col(big_integer(I::ProductId))
                .col(text(I::SheetCode))
                .col(text(I::RulebookId))
                .col(text(I::CommuneChoices))
                .col(text(I::Status))
                .col(integer(I::ScoringRound))
                .col(text_null(I::Result))
                .col(integer_null(I::Stars))
                .col(double_null(I::Average))
                .col(text(I::Note))
                .col(timestamp_with_time_zone_null(I::ClosedAt))
                .col(integer(I::Version))
                .foreign_key(
                    fk("fk_items_session")
                        .from(session_item::Entity, I::SessionId)
                        .to(council_session::Entity, S::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_items_product")
                        .from(session_item::Entity, I::ProductId)
                        .to(product::Entity, product::Column::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_items_session_product")
                .table(session_item::Entity)
                .col(I::SessionId)
                .col(I::ProductId)
                .unique()
                .to_owned(),
        )
        .await?;
        use score_sheet::Column as Sh;
        m.create_table(
            Table::create()
                .table(score_sheet::Entity)
                .col(big_pk_auto(Sh::Id))
                .col(big_integer(Sh::ItemId))
                .col(big_integer(Sh::MemberId))
                .col(text(Sh::Choices))
                .col(integer(Sh::Total))
                .col(text(Sh::Status))
                .col(timestamp_with_time_zone_null(Sh::SubmittedAt))
                .col(integer(Sh::Version))
                .foreign_key(
                    fk("fk_sheets_item")
                        .from(score_sheet::Entity, Sh::ItemId)
                        .to(session_item::Entity, I::Id),
                )
                .foreign_key(
                    fk("fk_sheets_member")
                        .from(score_sheet::Entity, Sh::MemberId)
                        .to(council_member::Entity, M::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_sheets_item_member")
                .table(score_sheet::Entity)
                .col(Sh::ItemId)
                .col(Sh::MemberId)
                .unique()
                .to_owned(),
        )
        .await?;
        use item_conflict::Column as X;
        m.create_table(
            Table::create()
                .table(item_conflict::Entity)
                .col(big_pk_auto(X::Id))
                .col(big_integer(X::ItemId))
                .col(big_integer(X::MemberId))
                .col(text(X::Kind))
                .col(text(X::Reason))
                .foreign_key(
                    fk("fk_conflicts_item")
                        .from(item_conflict::Entity, X::ItemId)
                        .to(session_item::Entity, I::Id),
                )
                .foreign_key(
                    fk("fk_conflicts_member")
                        .from(item_conflict::Entity, X::MemberId)
                        .to(council_member::Entity, M::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_conflicts_item_member")
                .table(item_conflict::Entity)
                .col(X::ItemId)
                .col(X::MemberId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0006Certificates;

impl MigrationName for M0006Certificates {
    fn name(&self) -> &str {
        "m0006_certificates"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0006Certificates {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use signing_key::Column as K;
        m.create_table(
            Table::create()
                .table(signing_key::Entity)
                .col(text(K::Kid).primary_key())
                .col(text(K::PublicKey))
                .col(text(K::SecretKey))
                .col(boolean(K::Active))
                .col(timestamp_with_time_zone(K::CreatedAt))
                .to_owned(),
        )
        .await?;
        use certificate::Column as C;
        m.create_table(
            Table::create()
                .table(certificate::Entity)
                .col(big_pk_auto(C::Id))
                .col(text(C::Number))
                .col(big_integer(C::ProductId))
                .col(big_integer(C::ProducerId))
                .col(text(C::ProductName))
                .col(text(C::ProducerName))
                .col(integer(C::Stars))
                .col(text(C::Kind))
                .col(date(C::IssuedOn))
                .col(date(C::ExpiresOn))
                .col(text(C::IssuingBody))
                .col(text(C::DecisionRef))
                .col(boolean(C::Revoked))
                .col(date_null(C::RevokedOn))
                .col(text_null(C::RevokedGround))
                .col(text_null(C::RevokedNote))
                .col(text(C::KeyId))
                .col(text(C::Payload))
                .col(text(C::Signature))
                .col(text(C::UnitPath))
                .col(text(C::CurrentUnitPath))
                .col(big_integer(C::Lookups))
                .col(timestamp_with_time_zone(C::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_certificates_product")
                        .from(certificate::Entity, C::ProductId)
                        .to(product::Entity, product::Column::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_certificates_number")
                .table(certificate::Entity)
                .col(C::Number)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_certificates_product")
                .table(certificate::Entity)
                .col(C::ProductId)
                .to_owned(),
        )
        .await?;
        use label_report::Column as R;
        m.create_table(
            Table::create()
                .table(label_report::Entity)
                .col(big_pk_auto(R::Id))
                .col(text(R::Number))
                .col(text(R::Place))
                .col(text(R::Message))
                .col(text(R::Contact))
                .col(text(R::Status))
                .col(timestamp_with_time_zone(R::CreatedAt))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0007Dossiers;

impl MigrationName for M0007Dossiers {
    fn name(&self) -> &str {
        "m0007_dossiers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0007Dossiers {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use dossier::Column as D;
        m.create_table(
            Table::create()
                .table(dossier::Entity)
                .col(big_pk_auto(D::Id))
                .col(big_integer(D::ProductId))
                .col(big_integer(D::ProducerId))
                .col(text(D::Kind))
                .col(integer(D::TargetStars))
                .col(text(D::RulebookId))
                .col(text(D::State))
                .col(text(D::RegistrationNumber))
                .col(date_null(D::FiledOn))
                .col(date_null(D::DeadlineOn))
                .col(date_null(D::PausedSince))
                .col(text(D::Pauses))
                .col(text(D::UnitPath))
                .col(text(D::CurrentUnitPath))
                .col(timestamp_with_time_zone(D::CreatedAt))
                .col(timestamp_with_time_zone(D::UpdatedAt))
                .col(integer(D::Version))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_dossiers_product")
                        .from(dossier::Entity, D::ProductId)
                        .to(product::Entity, product::Column::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_dossiers_product")
                .table(dossier::Entity)
                .col(D::ProductId)
                .to_owned(),
        )
        .await?;
        use dossier_event::Column as E;
        m.create_table(
            Table::create()
                .table(dossier_event::Entity)
                .col(big_pk_auto(E::Id))
                .col(big_integer(E::DossierId))
                .col(timestamp_with_time_zone(E::At))
                .col(text(E::Actor))
                .col(text(E::FromState))
                .col(text(E::ToState))
                .col(text(E::Event))
                .col(text(E::Reason))
                .foreign_key(
                    &mut fk("fk_events_dossier")
                        .from(dossier_event::Entity, E::DossierId)
                        .to(dossier::Entity, D::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_events_dossier")
                .table(dossier_event::Entity)
                .col(E::DossierId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0008Notifications;

impl MigrationName for M0008Notifications {
    fn name(&self) -> &str {
        "m0008_notifications"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0008Notifications {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use notification::Column as N;
        m.create_table(
            Table::create()
                .table(notification::Entity)
                .col(big_pk_auto(N::Id))
                .col(big_integer(N::UserId))
                .col(text(N::Title))
                .col(text(N::Body))
                .col(text(N::Link))
                .col(timestamp_with_time_zone(N::CreatedAt))
                .col(timestamp_with_time_zone_null(N::ReadAt))
                .foreign_key(
                    &mut fk("fk_notifications_user")
                        .from(notification::Entity, N::UserId)
                        .to(user::Entity, user::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_notifications_user")
                .table(notification::Entity)
                .col(N::UserId)
                .to_owned(),
        )
        .await?;
        use outbox::Column as O;
        m.create_table(
            Table::create()
                .table(outbox::Entity)
                .col(big_pk_auto(O::Id))
                .col(text(O::ToEmail))
                .col(text(O::Subject))
                .col(text(O::Body))
                .col(integer(O::Attempts))
                .col(text_null(O::LastError))
                .col(timestamp_with_time_zone(O::NextAttemptAt))
                .col(timestamp_with_time_zone_null(O::SentAt))
                .col(timestamp_with_time_zone(O::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(user::Entity)
                .add_column(text_null(user::Column::Email))
                .to_owned(),
        )
        .await?;
        use job_run::Column as J;
        m.create_table(
            Table::create()
                .table(job_run::Entity)
                .col(text(J::Key).primary_key())
                .col(timestamp_with_time_zone(J::StartedAt))
                .col(text(J::Report))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0009RoundsDecisions;

impl MigrationName for M0009RoundsDecisions {
    fn name(&self) -> &str {
        "m0009_rounds_decisions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0009RoundsDecisions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use round::Column as R;
        m.create_table(
            Table::create()
                .table(round::Entity)
                .col(big_pk_auto(R::Id))
                .col(text(R::Name))
                .col(text(R::Level))
                .col(text(R::UnitCode))
                .col(text(R::UnitPath))
                .col(date(R::ProposalsBy))
                .col(date(R::ClosesOn))
                .col(text(R::Status))
                .col(timestamp_with_time_zone(R::CreatedAt))
                .to_owned(),
        )
        .await?;
        use decision::Column as D;
        m.create_table(
            Table::create()
                .table(decision::Entity)
                .col(big_pk_auto(D::Id))
                .col(text(D::Number))
                .col(date(D::SignedOn))
                .col(text(D::Signer))
                .col(text(D::IssuingBody))
                .col(text(D::Level))
                .col(big_integer_null(D::SessionId))
                .col(timestamp_with_time_zone(D::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(dossier::Entity)
                .add_column(big_integer_null(dossier::Column::RoundId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(session_item::Entity)
                .add_column(big_integer_null(session_item::Column::DossierId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(certificate::Entity)
                .add_column(big_integer_null(certificate::Column::DecisionId))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

struct M0010Documents;

impl MigrationName for M0010Documents {
    fn name(&self) -> &str {
        "m0010_documents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0010Documents {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use document::Column as D;
        m.create_table(
            Table::create()
                .table(document::Entity)
                .col(big_pk_auto(D::Id))
                .col(big_integer(D::ProducerId))
                .col(text(D::DocType))
                .col(text(D::Title))
                .col(text(D::Filename))
                .col(text(D::ContentType))
                .col(big_integer(D::Size))
                .col(text(D::Sha256))
                .col(date_null(D::ValidUntil))
                .col(text(D::UploadedBy))
                .col(timestamp_with_time_zone(D::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_documents_producer")
                        .from(document::Entity, D::ProducerId)
                        .to(producer::Entity, producer::Column::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_documents_producer")
                .table(document::Entity)
                .col(D::ProducerId)
                .to_owned(),
        )
        .await?;
        use dossier_document::Column as L;
        m.create_table(
            Table::create()
                .table(dossier_document::Entity)
                .col(big_pk_auto(L::Id))
                .col(big_integer(L::DossierId))
                .col(big_integer(L::DocumentId))
                .foreign_key(
                    &mut fk("fk_dd_dossier")
                        .from(dossier_document::Entity, L::DossierId)
                        .to(dossier::Entity, dossier::Column::Id)
                        .to_owned(),
                )
                .foreign_key(
                    &mut fk("fk_dd_document")
                        .from(dossier_document::Entity, L::DocumentId)
                        .to(document::Entity, D::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_dossier_documents")
                .table(dossier_document::Entity)
                .col(L::DossierId)
                .col(L::DocumentId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

/// A re-evaluation or upgrade dossier remembers the certificate it follows.
struct M0011FollowUps;

impl MigrationName for M0011FollowUps {
    fn name(&self) -> &str {
        "m0011_follow_ups"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0011FollowUps {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(dossier::Entity)
                .add_column(big_integer_null(dossier::Column::PreviousCertificateId))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

/// Revocation cases: a conclusion, its 15-day deadline, the outcome.
struct M0012RevocationCases;

impl MigrationName for M0012RevocationCases {
    fn name(&self) -> &str {
        "m0012_revocation_cases"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0012RevocationCases {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use revocation_case::Column as R;
        m.create_table(
            Table::create()
                .table(revocation_case::Entity)
                .col(big_pk_auto(R::Id))
                .col(big_integer(R::CertificateId))
                .col(text(R::Ground))
                .col(text(R::ConclusionRef))
                .col(date(R::ConcludedOn))
                .col(date(R::DeadlineOn))
                .col(text(R::Status))
                .col(text(R::OpenedBy))
                .col(timestamp_with_time_zone(R::OpenedAt))
                .col(date_null(R::ClosedOn))
                .col(text_null(R::ClosedBy))
                .col(text_null(R::Outcome))
                .col(text(R::UnitPath))
                .col(text(R::CurrentUnitPath))
                .foreign_key(
                    &mut fk("fk_revocation_cases_certificate")
                        .from(revocation_case::Entity, R::CertificateId)
                        .to(certificate::Entity, certificate::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_revocation_cases_certificate")
                .table(revocation_case::Entity)
                .col(R::CertificateId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

/// Evidence per criterion on self-assessments and members' sheets.
struct M0013Evidence;

impl MigrationName for M0013Evidence {
    fn name(&self) -> &str {
        "m0013_evidence"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0013Evidence {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        m.alter_table(
            Table::alter()
                .table(self_assessment::Entity)
                .add_column(text(self_assessment::Column::Evidence).default("{}"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(score_sheet::Entity)
                .add_column(text(score_sheet::Column::Evidence).default("{}"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

/// One valid label per product (QĐ 26/2026): a certificate names the dossier that
/// earned it and the certificate that superseded it; a dossier keeps what was
/// recognised, by which level, and the central council's stars. Unique partial
/// indexes make a second current certificate, or a second one for a dossier,
/// impossible whatever the code does.
struct M0014LawfulCertificates;

impl MigrationName for M0014LawfulCertificates {
    fn name(&self) -> &str {
        "m0014_lawful_certificates"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0014LawfulCertificates {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use certificate::Column as C;
        use dossier::Column as D;
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        for col in [
            big_integer_null(C::DossierId),
            big_integer_null(C::SupersededBy),
            date_null(C::SupersededOn),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(certificate::Entity)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        for col in [
            integer_null(D::RecognisedStars),
            text_null(D::RecognisedLevel),
            integer_null(D::CentralStars),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table(dossier::Entity)
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        let db = m.get_connection();
        // Earlier data may hold two current certificates of one product: the newest
        // supersedes the others on its issue date.
        db.execute_unprepared(
            "UPDATE certificates SET \
               superseded_by = (SELECT MAX(n.id) FROM certificates n \
                 WHERE n.product_id = certificates.product_id AND n.revoked = false), \
               superseded_on = (SELECT n.issued_on FROM certificates n WHERE n.id = \
                 (SELECT MAX(x.id) FROM certificates x \
                   WHERE x.product_id = certificates.product_id AND x.revoked = false)) \
             WHERE revoked = false AND id < (SELECT MAX(n.id) FROM certificates n \
               WHERE n.product_id = certificates.product_id AND n.revoked = false)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_certificates_current ON certificates (product_id) \
             WHERE revoked = false AND superseded_by IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_certificates_dossier ON certificates (dossier_id) \
             WHERE dossier_id IS NOT NULL",
        )
        .await?;
        Ok(())
    }
}

/// Signed checkpoints of the audit chain (issue 10).
struct M0017AuditCheckpoints;

impl MigrationName for M0017AuditCheckpoints {
    fn name(&self) -> &str {
        "m0017_audit_checkpoints"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0017AuditCheckpoints {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use audit_checkpoint::Column as C;
        m.create_table(
            Table::create()
                .table(audit_checkpoint::Entity)
                .col(big_integer(C::Seq).primary_key())
                .col(timestamp_with_time_zone(C::At))
                .col(big_integer(C::LastId))
                .col(text(C::LastHash))
                .col(big_integer(C::EntryCount))
                .col(text(C::KeyId))
                .col(text(C::PrevMac))
                .col(text(C::Mac))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

/// The lawful council workflow (issue 9): sessions tied to a round and the vice-chair
/// authorised to preside; an item's own mode (written opinions that diverged go to a
/// meeting); members' knock-outs; at most one open agenda item per product; the
/// commune's written assessment of a dossier.
struct M0015CouncilWorkflow;

impl MigrationName for M0015CouncilWorkflow {
    fn name(&self) -> &str {
        "m0015_council_workflow"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0015CouncilWorkflow {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        m.alter_table(
            Table::alter()
                .table(council_session::Entity)
                .add_column(big_integer_null(council_session::Column::RoundId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(council_session::Entity)
                .add_column(big_integer_null(council_session::Column::PresidingMemberId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(session_item::Entity)
                .add_column(text_null(session_item::Column::Mode))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(score_sheet::Entity)
                .add_column(text(score_sheet::Column::Knockouts).default("[]"))
                .to_owned(),
        )
        .await?;
        // A product is on at most one open agenda item, across all sessions. Partial
        // unique indexes read the same on SQLite and PostgreSQL.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_items_open_product ON session_items (product_id) \
                 WHERE status <> 'closed'",
            )
            .await?;
        use commune_assessment::Column as A;
        m.create_table(
            Table::create()
                .table(commune_assessment::Entity)
                .col(big_pk_auto(A::Id))
                .col(big_integer(A::DossierId))
                .col(text(A::OriginMaterials))
                .col(text(A::LocalLabour))
                .col(text(A::IdeaOrigin))
                .col(text(A::LocalIdentity))
                .col(text(A::Proposal))
                .col(text(A::WrittenBy))
                .col(timestamp_with_time_zone(A::UpdatedAt))
                .col(integer(A::Version))
                .foreign_key(
                    &mut fk("fk_commune_assessments_dossier")
                        .from(commune_assessment::Entity, A::DossierId)
                        .to(dossier::Entity, dossier::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_commune_assessments_dossier")
                .table(commune_assessment::Entity)
                .col(A::DossierId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

/// Issue 10 (security): API tokens get a name (listed and revoked from the account
/// page and the API).
struct M0016SecurityAccounts;

impl MigrationName for M0016SecurityAccounts {
    fn name(&self) -> &str {
        "m0016_security_accounts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0016SecurityAccounts {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(api_token::Entity)
                .add_column(text(api_token::Column::Name).default(""))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_api_tokens_user")
                .table(api_token::Entity)
                .col(api_token::Column::UserId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

/// Operations data the plan's indicators count: sales channels, revenue, and
/// organisations established or consolidated.
struct M0018Operations;

impl MigrationName for M0018Operations {
    fn name(&self) -> &str {
        "m0018_operations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0018Operations {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use organisation_milestone::Column as O;
        use revenue_record::Column as R;
        use sales_channel::Column as S;
        m.create_table(
            Table::create()
                .table(sales_channel::Entity)
                .col(big_pk_auto(S::Id))
                .col(big_integer(S::ProducerId))
                .col(big_integer_null(S::ProductId))
                .col(text(S::Kind))
                .col(text(S::Partner))
                .col(text_null(S::ContractRef))
                .col(date(S::StartedOn))
                .col(date_null(S::EndedOn))
                .col(text_null(S::Note))
                .col(text(S::UnitPath))
                .col(text(S::CurrentUnitPath))
                .col(text(S::CreatedBy))
                .col(timestamp_with_time_zone(S::CreatedAt))
                .col(integer(S::Version).default(1))
                .foreign_key(
                    &mut fk("fk_sales_channels_producer")
                        .from(sales_channel::Entity, S::ProducerId)
                        .to(producer::Entity, producer::Column::Id)
                        .to_owned(),
                )
                .foreign_key(
                    &mut fk("fk_sales_channels_product")
                        .from(sales_channel::Entity, S::ProductId)
                        .to(product::Entity, product::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_sales_channels_producer")
                .table(sales_channel::Entity)
                .col(S::ProducerId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_sales_channels_path")
                .table(sales_channel::Entity)
                .col(S::CurrentUnitPath)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(revenue_record::Entity)
                .col(big_pk_auto(R::Id))
                .col(big_integer(R::ProducerId))
                .col(big_integer(R::ProductId))
                .col(integer(R::Year))
                .col(integer_null(R::Quarter))
                .col(text_null(R::Channel))
                .col(big_integer(R::RevenueVnd))
                .col(big_integer_null(R::OutputMilli))
                .col(text_null(R::OutputUnit))
                .col(text(R::Source))
                .col(text(R::UnitPath))
                .col(text(R::CurrentUnitPath))
                .col(text(R::EnteredBy))
                .col(timestamp_with_time_zone(R::CreatedAt))
                .col(timestamp_with_time_zone(R::UpdatedAt))
                .col(integer(R::Version).default(1))
                .foreign_key(
                    &mut fk("fk_revenue_records_product")
                        .from(revenue_record::Entity, R::ProductId)
                        .to(product::Entity, product::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_revenue_records_year")
                .table(revenue_record::Entity)
                .col(R::Year)
                .col(R::ProductId)
                .to_owned(),
        )
        .await?;
        // One figure per product, period and channel: NULLs are written as '' and 0
        // in the key so that the "whole year, all channels" row is unique too.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_revenue_records_period ON revenue_records \
                 (product_id, year, COALESCE(quarter, 0), COALESCE(channel, ''))",
            )
            .await?;
        m.create_table(
            Table::create()
                .table(organisation_milestone::Entity)
                .col(big_pk_auto(O::Id))
                .col(big_integer(O::ProducerId))
                .col(integer(O::Year))
                .col(text(O::Kind))
                .col(text(O::LegalForm))
                .col(date(O::OccurredOn))
                .col(text_null(O::Note))
                .col(text(O::UnitPath))
                .col(text(O::CurrentUnitPath))
                .col(text(O::RecordedBy))
                .col(timestamp_with_time_zone(O::CreatedAt))
                .foreign_key(
                    &mut fk("fk_organisation_milestones_producer")
                        .from(organisation_milestone::Entity, O::ProducerId)
                        .to(producer::Entity, producer::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_organisation_milestones")
                .table(organisation_milestone::Entity)
                .col(O::ProducerId)
                .col(O::Year)
                .col(O::Kind)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

/// The province's steps around its council (QĐ 26/2026 Art. 7.3.c, g): the report on
/// the file to the council's chair, and the written notice of the result.
struct M0023ProvinceSteps;

impl MigrationName for M0023ProvinceSteps {
    fn name(&self) -> &str {
        "m0023_province_steps"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0023ProvinceSteps {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use advisory_report::Column as A;
        use result_notice::Column as N;
        m.create_table(
            Table::create()
                .table(advisory_report::Entity)
                .col(big_pk_auto(A::Id))
                .col(big_integer(A::DossierId))
                .col(text(A::Reference))
                .col(date(A::SentToChairOn))
                .col(date_null(A::FieldSurveyOn))
                .col(text(A::LabTests))
                .col(text(A::Findings))
                .col(text(A::Recommendation))
                .col(text(A::WrittenBy))
                .col(timestamp_with_time_zone(A::UpdatedAt))
                .col(integer(A::Version).default(1))
                .foreign_key(
                    &mut fk("fk_advisory_reports_dossier")
                        .from(advisory_report::Entity, A::DossierId)
                        .to(dossier::Entity, dossier::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_advisory_reports_dossier")
                .table(advisory_report::Entity)
                .col(A::DossierId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(result_notice::Entity)
                .col(big_pk_auto(N::Id))
                .col(big_integer(N::DossierId))
                .col(text(N::Reference))
                .col(date(N::SignedOn))
                .col(text(N::Result))
                .col(text(N::SentBy))
                .col(timestamp_with_time_zone(N::CreatedAt))
                .foreign_key(
                    &mut fk("fk_result_notices_dossier")
                        .from(result_notice::Entity, N::DossierId)
                        .to(dossier::Entity, dossier::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_result_notices_dossier")
                .table(result_notice::Entity)
                .col(N::DossierId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

/// Trade promotion (issue 12): producers' coordinates, points of sale with their
/// products, fairs with their participants.
struct M0019Trade;

impl MigrationName for M0019Trade {
    fn name(&self) -> &str {
        "m0019_trade"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0019Trade {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use fair::Column as F;
        use fair_participant::Column as FP;
        use point_of_sale::Column as PS;
        use point_of_sale_product::Column as PP;
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for col in [
            producer_position::Column::Latitude,
            producer_position::Column::Longitude,
        ] {
            m.alter_table(
                Table::alter()
                    .table(producer::Entity)
                    .add_column(double_null(col))
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(point_of_sale::Entity)
                .col(big_pk_auto(PS::Id))
                .col(text(PS::Name))
                .col(text(PS::NameSort))
                .col(text(PS::Address))
                .col(text(PS::Operator))
                .col(boolean(PS::Showroom))
                .col(date_null(PS::OpenedOn))
                .col(double_null(PS::Latitude))
                .col(double_null(PS::Longitude))
                .col(text(PS::UnitCode))
                .col(text(PS::UnitName))
                .col(text(PS::UnitPath))
                .col(text(PS::CurrentUnitPath))
                .col(text(PS::CreatedBy))
                .col(timestamp_with_time_zone(PS::CreatedAt))
                .col(integer(PS::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_points_of_sale_path")
                .table(point_of_sale::Entity)
                .col(PS::CurrentUnitPath)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(point_of_sale_product::Entity)
                .col(big_pk_auto(PP::Id))
                .col(big_integer(PP::PointId))
                .col(big_integer(PP::ProductId))
                .foreign_key(
                    &mut fk("fk_pos_products_point")
                        .from(point_of_sale_product::Entity, PP::PointId)
                        .to(point_of_sale::Entity, PS::Id)
                        .to_owned(),
                )
                .foreign_key(
                    &mut fk("fk_pos_products_product")
                        .from(point_of_sale_product::Entity, PP::ProductId)
                        .to(product::Entity, product::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_pos_products")
                .table(point_of_sale_product::Entity)
                .col(PP::PointId)
                .col(PP::ProductId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(fair::Entity)
                .col(big_pk_auto(F::Id))
                .col(text(F::Name))
                .col(text(F::Place))
                .col(date(F::StartsOn))
                .col(date(F::EndsOn))
                .col(boolean(F::InProvince))
                .col(big_integer(F::SalesVnd))
                .col(big_integer(F::ContractsSigned))
                .col(text(F::UnitPath))
                .col(text(F::CurrentUnitPath))
                .col(text(F::CreatedBy))
                .col(timestamp_with_time_zone(F::CreatedAt))
                .col(integer(F::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(fair_participant::Entity)
                .col(big_pk_auto(FP::Id))
                .col(big_integer(FP::FairId))
                .col(big_integer(FP::ProducerId))
                .col(big_integer_null(FP::ProductId))
                .foreign_key(
                    &mut fk("fk_fair_participants_fair")
                        .from(fair_participant::Entity, FP::FairId)
                        .to(fair::Entity, F::Id)
                        .to_owned(),
                )
                .foreign_key(
                    &mut fk("fk_fair_participants_producer")
                        .from(fair_participant::Entity, FP::ProducerId)
                        .to(producer::Entity, producer::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_fair_participants_fair")
                .table(fair_participant::Entity)
                .col(FP::FairId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

/// Plans with their targets, and periodic reports (issue 13).
struct M0022PlansReports;

impl MigrationName for M0022PlansReports {
    fn name(&self) -> &str {
        "m0022_plans_reports"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0022PlansReports {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use plan::Column as P;
        use plan_target::Column as T;
        use report::Column as R;
        m.create_table(
            Table::create()
                .table(plan::Entity)
                .col(big_pk_auto(P::Id))
                .col(text(P::UnitCode))
                .col(text(P::UnitPeriod))
                .col(text(P::UnitPath))
                .col(integer(P::Year))
                .col(text(P::Title))
                .col(text(P::CreatedBy))
                .col(timestamp_with_time_zone(P::CreatedAt))
                .col(integer(P::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_plans_unit_year")
                .table(plan::Entity)
                .col(P::UnitPath)
                .col(P::Year)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(plan_target::Entity)
                .col(big_pk_auto(T::Id))
                .col(big_integer(T::PlanId))
                .col(text(T::Indicator))
                .col(text(T::Comparator))
                .col(double(T::Value))
                .col(double_null(T::ValueMax))
                .foreign_key(
                    &mut fk("fk_plan_targets_plan")
                        .from(plan_target::Entity, T::PlanId)
                        .to(plan::Entity, P::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_plan_targets")
                .table(plan_target::Entity)
                .col(T::PlanId)
                .col(T::Indicator)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(report::Entity)
                .col(big_pk_auto(R::Id))
                .col(text(R::UnitCode))
                .col(text(R::UnitPeriod))
                .col(text(R::UnitName))
                .col(text(R::UnitPath))
                .col(text(R::ReceiverPath))
                .col(text(R::Kind))
                .col(date(R::PeriodFrom))
                .col(date(R::PeriodTo))
                .col(text(R::State))
                .col(text(R::Note))
                .col(text(R::Snapshot))
                .col(text(R::CreatedBy))
                .col(timestamp_with_time_zone(R::CreatedAt))
                .col(text_null(R::SubmittedBy))
                .col(timestamp_with_time_zone_null(R::SubmittedAt))
                .col(text_null(R::DecidedBy))
                .col(timestamp_with_time_zone_null(R::DecidedAt))
                .col(text_null(R::ReturnReason))
                .col(integer(R::Version).default(1))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_reports_unit")
                .table(report::Entity)
                .col(R::UnitPath)
                .col(R::PeriodFrom)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
