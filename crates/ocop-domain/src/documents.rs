//! Dossier documents: their kinds, the checklist a rulebook requires, and file checks
//! by content (never by name).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

str_enum! {
    /// Kinds of documents in a dossier or a producer's evidence library.
    DocType {
        RegistrationForm = "registration_form", "Phiếu đăng ký (Mẫu 01)", "Registration form (form 01)";
        SelfAssessmentReport = "self_assessment_report", "Báo cáo tự đánh giá (Mẫu 02)", "Self-assessment report (form 02)";
        CommuneReport = "commune_report", "Báo cáo của UBND cấp xã (Mẫu 03)", "Commune report (form 03)";
        BusinessRegistration = "business_registration", "Giấy chứng nhận đăng ký kinh doanh", "Business registration";
        FoodSafety = "food_safety", "Giấy chứng nhận cơ sở đủ điều kiện ATTP", "Food-safety certificate";
        QualityStandard = "quality_standard", "Công bố tiêu chuẩn chất lượng", "Published quality standard";
        LabTest = "lab_test", "Phiếu kết quả kiểm nghiệm", "Lab test report";
        LabelPackaging = "label_packaging", "Nhãn, bao bì sản phẩm", "Label and packaging";
        Trademark = "trademark", "Văn bằng, đơn sở hữu trí tuệ", "Trademark / IP";
        RawMaterial = "raw_material", "Nguồn gốc nguyên liệu, hợp đồng liên kết", "Raw-material origin, linkage contracts";
        Environment = "environment", "Hồ sơ bảo vệ môi trường", "Environmental papers";
        ProductSamples = "product_samples", "Biên bản giao nhận 05 mẫu sản phẩm", "Receipt of the five product samples";
        Other = "other", "Tài liệu khác", "Other";
    }
}

/// A rule of a rulebook's checklist (TOML `[[documents]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocRule {
    #[serde(rename = "type")]
    pub doc_type: String,
    /// Dossier kinds that need it: first_evaluation, upgrade, re_evaluation.
    pub kinds: Vec<String>,
    /// Only for these product sets (empty: every set).
    #[serde(default)]
    pub sets: Vec<String>,
    /// Not for these product sets (e.g. samples for tourism services).
    #[serde(default)]
    pub sets_except: Vec<String>,
    /// Only when the dossier aims at this many stars or more.
    #[serde(default)]
    pub min_stars: Option<u8>,
    /// Only for producers of these legal forms (`registry::LegalForm` codes; empty:
    /// every producer). E.g. the business registration certificate is asked only of
    /// those registered as a business: QĐ 26/2026 Mẫu 02, Part III, "đối với các
    /// đơn vị/cá nhân có đăng ký kinh doanh". A producer whose form is unknown is
    /// asked (the rule applies).
    #[serde(default)]
    pub legal_forms: Vec<String>,
}

impl DocRule {
    /// Does the rule apply to a dossier of this kind, product set, star target and
    /// producer's legal form?
    pub fn applies(&self, f: DossierFacts<'_>) -> bool {
        let form_known = f.legal_form.parse::<crate::registry::LegalForm>().is_ok();
        self.kinds.iter().any(|k| k == f.kind)
            && (self.sets.is_empty() || self.sets.iter().any(|s| s == f.set_code))
            && !self.sets_except.iter().any(|s| s == f.set_code)
            && self.min_stars.is_none_or(|m| f.target_stars >= m as i32)
            && (self.legal_forms.is_empty()
                || !form_known
                || self.legal_forms.iter().any(|l| l == f.legal_form))
    }

    /// Why the rule is not well formed (an unknown document type or legal form).
    pub fn check(&self) -> Result<(), String> {
        if self.doc_type.parse::<DocType>().is_err() {
            return Err(format!("[[documents]]: unknown type {:?}", self.doc_type));
        }
        if let Some(l) = self
            .legal_forms
            .iter()
            .find(|l| l.parse::<crate::registry::LegalForm>().is_err())
        {
            return Err(format!(
                "[[documents]] {}: unknown legal form {l:?} (one of: {})",
                self.doc_type,
                crate::registry::LegalForm::ALL
                    .iter()
                    .map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Ok(())
    }
}

/// What a dossier is checked against: its kind, its product's set, its star target
/// and its producer's legal form (`registry::LegalForm` code).
#[derive(Debug, Clone, Copy)]
pub struct DossierFacts<'a> {
    pub kind: &'a str,
    pub set_code: &'a str,
    pub target_stars: i32,
    pub legal_form: &'a str,
}

/// Largest document accepted.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// The type of an uploaded file, judged by its bytes: PDF, images, office files.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"PK\x03\x04") {
        // .docx/.xlsx/.odt are zip containers.
        Some("application/zip")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("application/x-ole-storage")
    } else {
        crate::registry::sniff_image(bytes)
    }
}

/// What a dossier still lacks: required types without a document, and documents
/// relied on whose validity has passed.
pub fn check(
    rules: &[DocRule],
    facts: DossierFacts<'_>,
    present: &[(String, Option<NaiveDate>)],
    today: NaiveDate,
) -> (Vec<String>, Vec<String>) {
    let missing = rules
        .iter()
        .filter(|r| r.applies(facts))
        .filter(|r| !present.iter().any(|(t, _)| *t == r.doc_type))
        .map(|r| r.doc_type.clone())
        .collect();
    let expired = present
        .iter()
        .filter(|(_, v)| v.is_some_and(|v| v < today))
        .map(|(t, _)| t.clone())
        .collect();
    (missing, expired)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_judged_by_content() {
        assert_eq!(sniff(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(sniff(b"PK\x03\x04...."), Some("application/zip"));
        assert_eq!(sniff(b"MZ\x90\x00 an exe renamed .pdf"), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
    }

    #[test]
    fn the_checklist_names_what_is_missing_and_what_expired() {
        let rule = |t: &str, kinds: &[&str]| DocRule {
            doc_type: t.into(),
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            sets: vec![],
            sets_except: vec![],
            min_stars: None,
            legal_forms: vec![],
        };
        let rules = vec![
            rule("registration_form", &["first_evaluation", "re_evaluation"]),
            rule("food_safety", &["first_evaluation"]),
        ];
        let first = DossierFacts {
            kind: "first_evaluation",
            set_code: "QD26-11",
            target_stars: 3,
            legal_form: "cooperative",
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let (m, e) = check(
            &rules,
            first,
            &[
                ("registration_form".into(), None),
                ("lab_test".into(), NaiveDate::from_ymd_opt(2026, 1, 1)),
            ],
            today,
        );
        assert_eq!(m, vec!["food_safety".to_string()]);
        assert_eq!(e, vec!["lab_test".to_string()]);
        let (m, _) = check(
            &rules,
            DossierFacts {
                kind: "upgrade",
                ..first
            },
            &[],
            today,
        );
        assert!(m.is_empty());
        // Rules by product set and star target.
        let samples = DocRule {
            sets_except: vec!["QD26-26".into()],
            ..rule("product_samples", &["first_evaluation"])
        };
        let f = |kind, set_code, target_stars| DossierFacts {
            kind,
            set_code,
            target_stars,
            legal_form: "cooperative",
        };
        assert!(samples.applies(f("first_evaluation", "QD26-11", 3)));
        assert!(
            !samples.applies(f("first_evaluation", "QD26-26", 3)),
            "not for tourism"
        );
        let top = DocRule {
            min_stars: Some(5),
            sets: vec!["QD26-11".into()],
            ..rule("trademark", &["first_evaluation", "upgrade"])
        };
        assert!(top.applies(f("upgrade", "QD26-11", 5)));
        assert!(
            !top.applies(f("upgrade", "QD26-11", 4)),
            "only when aiming at 5★"
        );
        assert!(
            !top.applies(f("upgrade", "QD26-01", 5)),
            "only for its sets"
        );
        assert!(DocType::ALL
            .iter()
            .all(|t| t.as_str().parse::<DocType>().is_ok()));
    }

    /// QĐ 26/2026 Mẫu 02 Part III: the business registration is proof "for units and
    /// individuals with a business registration"; Art. 2.3 admits cooperative groups,
    /// farms and production households that have none.
    #[test]
    fn business_registration_is_asked_only_of_registered_producers() {
        let lib = crate::rulebook::Library::embedded();
        let rb = lib.rulebook("QD26-2026").unwrap();
        let rules = &rb.documents;
        for r in rules {
            r.check().unwrap();
        }
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let present = [
            ("registration_form".to_string(), None),
            ("self_assessment_report".to_string(), None),
            ("label_packaging".to_string(), None),
            ("product_samples".to_string(), None),
        ];
        let missing = |legal_form: &str, kind: &str| {
            check(
                rules,
                DossierFacts {
                    kind,
                    set_code: "QD26-11",
                    target_stars: 4,
                    legal_form,
                },
                &present,
                today,
            )
            .0
        };
        let asked = vec!["business_registration".to_string()];
        for form in [
            "cooperative",
            "single_member_llc",
            "multi_member_llc",
            "joint_stock",
            "private_enterprise",
            "household_business",
        ] {
            assert_eq!(missing(form, "first_evaluation"), asked, "{form}");
        }
        for form in [
            "cooperative_group",
            "production_household",
            "farm",
            "association",
            "operating_centre",
        ] {
            assert!(missing(form, "first_evaluation").is_empty(), "{form}");
        }
        // An unknown form is asked, never silently spared.
        assert_eq!(missing("", "first_evaluation"), asked);
        assert_eq!(missing("spaceship", "first_evaluation"), asked);
        // Kinds still apply: not asked again on an upgrade.
        assert!(missing("cooperative", "upgrade").is_empty());
        // A misspelt legal form in a rulebook is refused with the list of forms.
        let bad = DocRule {
            legal_forms: vec!["cooperatve".into()],
            ..rules[0].clone()
        };
        let e = bad.check().unwrap_err();
        assert!(
            e.contains("cooperatve") && e.contains("cooperative_group"),
            "{e}"
        );
    }
}
