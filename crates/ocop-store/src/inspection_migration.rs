//! Migration m0021: post-certification monitoring (inspections, checklists, samples,
//! violations, recalls, photos) and the leads of the public check.

use crate::entities::{certificate, document, producer, product, revocation_case};
use crate::inspection_entities::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct M0021Inspections;

impl MigrationName for M0021Inspections {
    fn name(&self) -> &str {
        "m0021_inspections"
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

fn child_of_inspection<E: IntoIden + Copy>(
    t: E,
    col: impl IntoIden,
    name: &str,
) -> ForeignKeyCreateStatement {
    fk(name)
        .from(t, col)
        .to(inspection::Entity, inspection::Column::Id)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0021Inspections {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use inspection::Column as I;
        use inspection_plan::Column as P;
        m.create_table(
            Table::create()
                .table(inspection_plan::Entity)
                .col(big_pk_auto(P::Id))
                .col(text(P::Title))
                .col(integer(P::Year))
                .col(text(P::Kind))
                .col(text(P::UnitPath))
                .col(text(P::CreatedBy))
                .col(timestamp_with_time_zone(P::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(inspection::Entity)
                .col(big_pk_auto(I::Id))
                .col(big_integer_null(I::PlanId))
                .col(text(I::Kind))
                .col(text(I::Subject))
                .col(big_integer_null(I::ProducerId))
                .col(big_integer_null(I::ProductId))
                .col(big_integer_null(I::CertificateId))
                .col(text_null(I::SubjectUnitCode))
                .col(text(I::SubjectName))
                .col(text(I::Focus))
                .col(date(I::PlannedOn))
                .col(big_integer(I::InspectorId))
                .col(text(I::InspectorName))
                .col(text(I::State))
                .col(text(I::Findings))
                .col(text_null(I::Conclusion))
                .col(text_null(I::Outcome))
                .col(date_null(I::DoneOn))
                .col(text_null(I::Lead))
                .col(big_integer_null(I::RevocationCaseId))
                .col(text_null(I::ProducerAnswer))
                .col(text(I::UnitPath))
                .col(text(I::CurrentUnitPath))
                .col(text(I::CreatedBy))
                .col(timestamp_with_time_zone(I::CreatedAt))
                .col(timestamp_with_time_zone(I::UpdatedAt))
                .col(integer(I::Version).default(1))
                .foreign_key(
                    &mut fk("fk_inspections_plan")
                        .from(inspection::Entity, I::PlanId)
                        .to(inspection_plan::Entity, P::Id)
                        .to_owned(),
                )
                .foreign_key(
                    &mut fk("fk_inspections_producer")
                        .from(inspection::Entity, I::ProducerId)
                        .to(producer::Entity, producer::Column::Id)
                        .to_owned(),
                )
                .foreign_key(
                    &mut fk("fk_inspections_product")
                        .from(inspection::Entity, I::ProductId)
                        .to(product::Entity, product::Column::Id)
                        .to_owned(),
                )
                .foreign_key(
                    &mut fk("fk_inspections_certificate")
                        .from(inspection::Entity, I::CertificateId)
                        .to(certificate::Entity, certificate::Column::Id)
                        .to_owned(),
                )
                .foreign_key(
                    &mut fk("fk_inspections_case")
                        .from(inspection::Entity, I::RevocationCaseId)
                        .to(revocation_case::Entity, revocation_case::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_inspections_path", I::CurrentUnitPath),
            ("ix_inspections_unit_path", I::UnitPath),
            ("ix_inspections_producer", I::ProducerId),
            ("ix_inspections_inspector", I::InspectorId),
        ] {
            m.create_index(idx(name).table(inspection::Entity).col(col).to_owned())
                .await?;
        }
        use inspection_check::Column as C;
        m.create_table(
            Table::create()
                .table(inspection_check::Entity)
                .col(big_pk_auto(C::Id))
                .col(big_integer(C::InspectionId))
                .col(text(C::Item))
                .col(text(C::Result))
                .col(text(C::Note))
                .foreign_key(&mut child_of_inspection(
                    inspection_check::Entity,
                    C::InspectionId,
                    "fk_inspection_checks",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ux_inspection_checks")
                .table(inspection_check::Entity)
                .col(C::InspectionId)
                .col(C::Item)
                .unique()
                .to_owned(),
        )
        .await?;
        use inspection_sample::Column as S;
        m.create_table(
            Table::create()
                .table(inspection_sample::Entity)
                .col(big_pk_auto(S::Id))
                .col(big_integer(S::InspectionId))
                .col(text(S::SampleCode))
                .col(text(S::Parameter))
                .col(text(S::Value))
                .col(text(S::Unit))
                .col(text(S::LimitKind))
                .col(text(S::LimitValue))
                .col(boolean(S::Passed))
                .col(text(S::Lab))
                .col(timestamp_with_time_zone(S::CreatedAt))
                .foreign_key(&mut child_of_inspection(
                    inspection_sample::Entity,
                    S::InspectionId,
                    "fk_inspection_samples",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_inspection_samples")
                .table(inspection_sample::Entity)
                .col(S::InspectionId)
                .to_owned(),
        )
        .await?;
        use inspection_violation::Column as V;
        m.create_table(
            Table::create()
                .table(inspection_violation::Entity)
                .col(big_pk_auto(V::Id))
                .col(big_integer(V::InspectionId))
                .col(big_integer_null(V::ProducerId))
                .col(text(V::Focus))
                .col(text(V::Description))
                .col(text(V::CorrectiveAction))
                .col(date(V::DeadlineOn))
                .col(text(V::Status))
                .col(date_null(V::FollowedUpOn))
                .col(text_null(V::FollowUpNote))
                .col(text(V::UnitPath))
                .col(text(V::CurrentUnitPath))
                .col(timestamp_with_time_zone(V::CreatedAt))
                .foreign_key(&mut child_of_inspection(
                    inspection_violation::Entity,
                    V::InspectionId,
                    "fk_inspection_violations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_inspection_violations")
                .table(inspection_violation::Entity)
                .col(V::InspectionId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_inspection_violations_status")
                .table(inspection_violation::Entity)
                .col(V::Status)
                .to_owned(),
        )
        .await?;
        use inspection_recall::Column as R;
        m.create_table(
            Table::create()
                .table(inspection_recall::Entity)
                .col(big_pk_auto(R::Id))
                .col(big_integer(R::InspectionId))
                .col(text(R::Batch))
                .col(big_integer(R::Quantity))
                .col(text(R::QuantityUnit))
                .col(text(R::Reason))
                .col(text(R::Status))
                .col(timestamp_with_time_zone(R::CreatedAt))
                .foreign_key(&mut child_of_inspection(
                    inspection_recall::Entity,
                    R::InspectionId,
                    "fk_inspection_recalls",
                ))
                .to_owned(),
        )
        .await?;
        use inspection_photo::Column as Ph;
        m.create_table(
            Table::create()
                .table(inspection_photo::Entity)
                .col(big_pk_auto(Ph::Id))
                .col(big_integer(Ph::InspectionId))
                .col(big_integer(Ph::DocumentId))
                .foreign_key(&mut child_of_inspection(
                    inspection_photo::Entity,
                    Ph::InspectionId,
                    "fk_inspection_photos",
                ))
                .foreign_key(
                    &mut fk("fk_inspection_photos_doc")
                        .from(inspection_photo::Entity, Ph::DocumentId)
                        .to(document::Entity, document::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        use certificate_lookup::Column as L;
        m.create_table(
            Table::create()
                .table(certificate_lookup::Entity)
                .col(big_pk_auto(L::Id))
                .col(big_integer(L::CertificateId))
                .col(text(L::Status))
                .col(date(L::LookedOn))
                .col(text(L::UnitPath))
                .col(text(L::CurrentUnitPath))
                .foreign_key(
                    &mut fk("fk_certificate_lookups")
                        .from(certificate_lookup::Entity, L::CertificateId)
                        .to(certificate::Entity, certificate::Column::Id)
                        .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_certificate_lookups_day")
                .table(certificate_lookup::Entity)
                .col(L::LookedOn)
                .to_owned(),
        )
        .await?;
        m.create_index(
            idx("ix_certificate_lookups_path")
                .table(certificate_lookup::Entity)
                .col(L::CurrentUnitPath)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
