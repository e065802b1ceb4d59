//! The registry of producers (chủ thể OCOP) and products: kinds, statuses and the
//! validation of what users type. Validation returns every field error at once, with
//! messages in Vietnamese and English, so a form can show each next to its field.

use crate::text::{clean, clean_multiline};
use crate::units::Period;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
    pub fn pick(self, vi: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

str_enum! {
    /// Legal form of a producer (criterion A3.a and QĐ 26/2026 Art. 2 eligibility).
    LegalForm {
        Cooperative = "cooperative", "Hợp tác xã", "Cooperative";
        CooperativeGroup = "cooperative_group", "Tổ hợp tác", "Cooperative group";
        SingleMemberLlc = "single_member_llc", "Công ty TNHH một thành viên", "Single-member LLC";
        MultiMemberLlc = "multi_member_llc", "Công ty TNHH hai thành viên trở lên", "Multi-member LLC";
        JointStock = "joint_stock", "Công ty cổ phần", "Joint-stock company";
        PrivateEnterprise = "private_enterprise", "Doanh nghiệp tư nhân", "Private enterprise";
        HouseholdBusiness = "household_business", "Hộ kinh doanh có đăng ký", "Registered household business";
        ProductionHousehold = "production_household", "Hộ sản xuất", "Production household";
        Farm = "farm", "Trang trại", "Farm";
        Association = "association", "Hiệp hội (du lịch)", "Association (tourism)";
        OperatingCentre = "operating_centre", "Trung tâm điều hành (du lịch)", "Operating centre (tourism)";
    }
}

str_enum! {
    /// Whether a producer is still operating.
    ProducerStatus {
        Active = "active", "Đang hoạt động", "Active";
        Suspended = "suspended", "Tạm ngừng", "Suspended";
        Dissolved = "dissolved", "Giải thể / ngừng sản xuất", "Dissolved / stopped";
    }
}

str_enum! {
    /// Where a product stands in the programme.
    ProductStatus {
        Idea = "idea", "Ý tưởng", "Idea";
        InDevelopment = "in_development", "Đang phát triển", "In development";
        Submitted = "submitted", "Đã nộp hồ sơ", "Submitted";
        Certified = "certified", "Đã công nhận", "Certified";
        Expired = "expired", "Hết hạn", "Expired";
        Revoked = "revoked", "Bị thu hồi", "Revoked";
        Withdrawn = "withdrawn", "Rút khỏi chương trình", "Withdrawn";
    }
}

impl LegalForm {
    /// Forms that are registered with the authorities and so have a tax or
    /// business-registration number; production households often have none.
    pub fn requires_tax_code(self) -> bool {
        !matches!(self, LegalForm::ProductionHousehold)
    }
}

impl ProductStatus {
    /// Statuses a producer may set on its own product; the others follow from
    /// dossiers, decisions and certificates.
    pub fn settable_by_producer(self) -> bool {
        matches!(
            self,
            ProductStatus::Idea | ProductStatus::InDevelopment | ProductStatus::Withdrawn
        )
    }
    /// Statuses that carry a star rating.
    pub fn has_stars(self) -> bool {
        matches!(
            self,
            ProductStatus::Certified | ProductStatus::Expired | ProductStatus::Revoked
        )
    }
}

/// Maximum length of a name, in characters.
pub const NAME_MAX: usize = 255;
/// Maximum length of a free-text field, in characters.
pub const TEXT_MAX: usize = 5000;

/// Why a field was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Invalid {
    Required,
    TooLong { max: usize },
    BadChoice,
    BadTaxCode,
    DuplicateTaxCode,
    BadPhone,
    BadEmail,
    BadNumber { min: i64, max: i64 },
    UnknownCommune,
    NotACommune,
    BadPeriod,
    UnknownSet,
    UnknownProducer,
    StarsNotAllowed,
    BadStars,
    OutOfScope,
    StatusNotAllowed,
}

impl Invalid {
    /// A user-facing message.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Invalid::Required, Lang::Vi) => "Trường này là bắt buộc.".into(),
            (Invalid::Required, Lang::En) => "This field is required.".into(),
            (Invalid::TooLong { max }, Lang::Vi) => format!("Tối đa {max} ký tự."),
            (Invalid::TooLong { max }, Lang::En) => format!("At most {max} characters."),
            (Invalid::BadChoice, Lang::Vi) => "Giá trị không nằm trong danh sách.".into(),
            (Invalid::BadChoice, Lang::En) => "Not one of the allowed values.".into(),
            (Invalid::BadTaxCode, Lang::Vi) => "Mã số thuế / số đăng ký không hợp lệ: 10 chữ số, 10 chữ số + '-' + 3 chữ số (chi nhánh), 12 chữ số (số định danh), hoặc số đăng ký hộ kinh doanh như 12A8000123.".into(),
            (Invalid::BadTaxCode, Lang::En) => "Invalid tax or registration number: 10 digits, 10 digits + '-' + 3 digits (branch), 12 digits (personal ID), or a household registration such as 12A8000123.".into(),
            (Invalid::DuplicateTaxCode, Lang::Vi) => "Mã số thuế này đã được dùng cho một chủ thể khác.".into(),
            (Invalid::DuplicateTaxCode, Lang::En) => "This tax number is already used by another producer.".into(),
            (Invalid::BadPhone, Lang::Vi) => "Số điện thoại không hợp lệ (ví dụ 0912345678 hoặc +84912345678).".into(),
            (Invalid::BadPhone, Lang::En) => "Invalid phone number (e.g. 0912345678 or +84912345678).".into(),
            (Invalid::BadEmail, Lang::Vi) => "Địa chỉ email không hợp lệ.".into(),
            (Invalid::BadEmail, Lang::En) => "Invalid e-mail address.".into(),
            (Invalid::BadNumber { min, max }, Lang::Vi) => format!("Nhập một số nguyên từ {min} đến {max}."),
            (Invalid::BadNumber { min, max }, Lang::En) => format!("Enter a whole number from {min} to {max}."),
            (Invalid::UnknownCommune, Lang::Vi) => "Không có xã/phường với mã này trong giai đoạn đã chọn.".into(),
            (Invalid::UnknownCommune, Lang::En) => "No commune or ward has this code in the chosen period.".into(),
            (Invalid::NotACommune, Lang::Vi) => "Địa chỉ phải là một xã, phường hoặc thị trấn.".into(),
            (Invalid::NotACommune, Lang::En) => "The address must be a commune, ward or town.".into(),
            (Invalid::BadPeriod, Lang::Vi) => "Giai đoạn phải là trước hoặc sau 01/07/2025.".into(),
            (Invalid::BadPeriod, Lang::En) => "The period must be before or after 01/07/2025.".into(),
            (Invalid::UnknownSet, Lang::Vi) => "Bộ sản phẩm không tồn tại.".into(),
            (Invalid::UnknownSet, Lang::En) => "No such product set.".into(),
            (Invalid::UnknownProducer, Lang::Vi) => "Chủ thể không tồn tại hoặc bạn không có quyền.".into(),
            (Invalid::UnknownProducer, Lang::En) => "No such producer, or you may not use it.".into(),
            (Invalid::StarsNotAllowed, Lang::Vi) => "Chỉ sản phẩm đã công nhận, hết hạn hoặc bị thu hồi mới có hạng sao.".into(),
            (Invalid::StarsNotAllowed, Lang::En) => "Only certified, expired or revoked products carry stars.".into(),
            (Invalid::BadStars, Lang::Vi) => "Hạng sao phải từ 3 đến 5.".into(),
            (Invalid::BadStars, Lang::En) => "Stars must be 3 to 5.".into(),
            (Invalid::OutOfScope, Lang::Vi) => "Đơn vị này nằm ngoài phạm vi quản lý của bạn.".into(),
            (Invalid::OutOfScope, Lang::En) => "This unit is outside your area.".into(),
            (Invalid::StatusNotAllowed, Lang::Vi) => "Bạn không thể đặt trạng thái này; trạng thái do quy trình đánh giá cập nhật.".into(),
            (Invalid::StatusNotAllowed, Lang::En) => "You cannot set this status; it follows from the evaluation process.".into(),
        }
    }
}

/// Field errors, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub Vec<(String, Invalid)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, e: Invalid) {
        if !self.has(field) {
            self.0.push((field.to_string(), e));
        }
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| f == field)
    }
    pub fn get(&self, field: &str) -> Option<&Invalid> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, e)| e)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Normalises a tax or business-registration number and checks its shape.
///
/// Accepted: enterprise tax codes (10 digits, branches 10-3), the 12-digit personal
/// identification number that household businesses use since 2025, and household
/// business registration numbers (2 digits, a letter, 6–8 digits). The check digit of
/// the 10-digit code is not verified: its rule has exceptions we cannot confirm.
pub fn normalize_tax_code(s: &str) -> Result<String, Invalid> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect::<String>()
        .to_uppercase();
    let b = t.as_bytes();
    let digits = |x: &[u8]| !x.is_empty() && x.iter().all(u8::is_ascii_digit);
    let ok = (b.len() == 10 && digits(b))
        || (b.len() == 14 && digits(&b[..10]) && b[10] == b'-' && digits(&b[11..]))
        || (b.len() == 12 && digits(b))
        || ((9..=11).contains(&b.len())
            && digits(&b[..2])
            && b[2].is_ascii_uppercase()
            && digits(&b[3..]));
    if ok {
        Ok(t)
    } else {
        Err(Invalid::BadTaxCode)
    }
}

/// Normalises a Vietnamese phone number to its national form (0 + 9 or 10 digits).
pub fn normalize_phone(s: &str) -> Result<String, Invalid> {
    let mut t: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    if let Some(rest) = t.strip_prefix("+84") {
        t = format!("0{rest}");
    } else if t.starts_with("84") && t.len() == 11 {
        t = format!("0{}", &t[2..]);
    }
    let ok = t.starts_with('0')
        && t.chars().all(|c| c.is_ascii_digit())
        && (t.len() == 10 || (t.len() == 11 && t.starts_with("02")));
    if ok {
        Ok(t)
    } else {
        Err(Invalid::BadPhone)
    }
}

/// A light e-mail check: one '@', a dot in the domain, no spaces.
pub fn normalize_email(s: &str) -> Result<String, Invalid> {
    let t = s.trim().to_lowercase();
    let ok = match t.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !t.chars().any(char::is_whitespace)
                && t.len() <= 254
        }
        None => false,
    };
    if ok {
        Ok(t)
    } else {
        Err(Invalid::BadEmail)
    }
}

fn required_text(errs: &mut FieldErrors, field: &str, v: &str, max: usize) -> String {
    let t = clean(v);
    if t.is_empty() {
        errs.add(field, Invalid::Required);
    } else if t.chars().count() > max {
        errs.add(field, Invalid::TooLong { max });
    }
    t
}

fn optional_text(
    errs: &mut FieldErrors,
    field: &str,
    v: &str,
    max: usize,
    multiline: bool,
) -> Option<String> {
    let t = if multiline {
        clean_multiline(v)
    } else {
        clean(v)
    };
    if t.chars().count() > max {
        errs.add(field, Invalid::TooLong { max });
    }
    (!t.is_empty()).then_some(t)
}

fn optional_int(errs: &mut FieldErrors, field: &str, v: &str, min: i64, max: i64) -> Option<i64> {
    let t = v.trim().replace('.', "");
    if t.is_empty() {
        return None;
    }
    match t.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Some(n),
        _ => {
            errs.add(field, Invalid::BadNumber { min, max });
            None
        }
    }
}

fn choice<T: FromStr>(errs: &mut FieldErrors, field: &str, v: &str) -> Option<T> {
    if v.trim().is_empty() {
        errs.add(field, Invalid::Required);
        return None;
    }
    match v.parse::<T>() {
        Ok(x) => Some(x),
        Err(_) => {
            errs.add(field, Invalid::BadChoice);
            None
        }
    }
}

/// A commune resolved by the store: where a record lies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvedUnit {
    pub code: String,
    pub period: Period,
    pub name: String,
    pub is_commune_level: bool,
    pub province_code: String,
    pub path: String,
    /// Path of the post-reform unit (itself after the reform).
    pub current_path: String,
}

/// What a user typed for a producer, as strings (from a form or JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProducerInput {
    pub name: String,
    pub legal_form: String,
    pub tax_code: String,
    pub commune_code: String,
    pub commune_period: String,
    pub address_detail: String,
    pub phone: String,
    pub email: String,
    pub representative_name: String,
    pub representative_female: bool,
    pub representative_ethnic_minority: bool,
    pub representative_ethnicity: String,
    pub representative_disability: bool,
    pub members_count: String,
    pub workers_count: String,
    pub year_founded: String,
    pub status: String,
}

/// A validated producer, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProducerData {
    pub name: String,
    pub legal_form: LegalForm,
    pub tax_code: Option<String>,
    pub unit: ResolvedUnit,
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
    pub status: ProducerStatus,
}

impl ProducerInput {
    /// Validates every field; `resolve` looks a commune up by code and period.
    pub fn validate(
        &self,
        current_year: i32,
        resolve: impl Fn(&str, Period) -> Option<ResolvedUnit>,
    ) -> Result<ProducerData, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = required_text(&mut e, "name", &self.name, NAME_MAX);
        let legal_form: Option<LegalForm> = choice(&mut e, "legal_form", &self.legal_form);
        let tax_code = if self.tax_code.trim().is_empty() {
            if legal_form.is_some_and(LegalForm::requires_tax_code) {
                e.add("tax_code", Invalid::Required);
            }
            None
        } else {
            match normalize_tax_code(&self.tax_code) {
                Ok(t) => Some(t),
                Err(x) => {
                    e.add("tax_code", x);
                    None
                }
            }
        };
        let period = if self.commune_period.trim().is_empty() {
            Some(Period::Post2025)
        } else {
            match self.commune_period.parse::<Period>() {
                Ok(p) => Some(p),
                Err(_) => {
                    e.add("commune_period", Invalid::BadPeriod);
                    None
                }
            }
        };
        let code = self.commune_code.trim();
        let unit = if code.is_empty() {
            e.add("commune_code", Invalid::Required);
            None
        } else if let Some(p) = period {
            match resolve(code, p) {
                Some(u) if u.is_commune_level => Some(u),
                Some(_) => {
                    e.add("commune_code", Invalid::NotACommune);
                    None
                }
                None => {
                    e.add("commune_code", Invalid::UnknownCommune);
                    None
                }
            }
        } else {
            None
        };
        let address_detail = optional_text(
            &mut e,
            "address_detail",
            &self.address_detail,
            NAME_MAX,
            false,
        );
        let phone = match self.phone.trim() {
            "" => None,
            p => normalize_phone(p).map_err(|x| e.add("phone", x)).ok(),
        };
        let email = match self.email.trim() {
            "" => None,
            p => normalize_email(p).map_err(|x| e.add("email", x)).ok(),
        };
        let representative_name = required_text(
            &mut e,
            "representative_name",
            &self.representative_name,
            NAME_MAX,
        );
        let representative_ethnicity = optional_text(
            &mut e,
            "representative_ethnicity",
            &self.representative_ethnicity,
            100,
            false,
        );
        let members_count =
            optional_int(&mut e, "members_count", &self.members_count, 0, 1_000_000);
        let workers_count =
            optional_int(&mut e, "workers_count", &self.workers_count, 0, 1_000_000);
        let year_founded = optional_int(
            &mut e,
            "year_founded",
            &self.year_founded,
            1900,
            current_year as i64,
        );
        let status = if self.status.trim().is_empty() {
            Some(ProducerStatus::Active)
        } else {
            choice(&mut e, "status", &self.status)
        };
        match (legal_form, unit, status) {
            (Some(legal_form), Some(unit), Some(status)) if e.is_empty() => Ok(ProducerData {
                name,
                legal_form,
                tax_code,
                unit,
                address_detail,
                phone,
                email,
                representative_name,
                representative_female: self.representative_female,
                representative_ethnic_minority: self.representative_ethnic_minority,
                representative_ethnicity,
                representative_disability: self.representative_disability,
                members_count,
                workers_count,
                year_founded,
                status,
            }),
            _ => Err(e),
        }
    }
}

/// What a user typed for a product.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductInput {
    pub name: String,
    pub producer_id: String,
    pub set_code: String,
    pub description: String,
    pub raw_material_origin: String,
    pub status: String,
    pub stars: String,
}

/// A validated product.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductData {
    pub name: String,
    pub producer_id: i64,
    pub set_code: String,
    pub description: Option<String>,
    pub raw_material_origin: Option<String>,
    pub status: ProductStatus,
    pub stars: Option<i64>,
}

impl ProductInput {
    /// Validates a product. `producer_ok` says whether the producer exists and the
    /// user may attach products to it; `producer_only` restricts statuses to the ones
    /// a producer may set.
    pub fn validate(
        &self,
        producer_ok: impl Fn(i64) -> bool,
        producer_only: bool,
    ) -> Result<ProductData, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = required_text(&mut e, "name", &self.name, NAME_MAX);
        let producer_id = match self.producer_id.trim() {
            "" => {
                e.add("producer_id", Invalid::Required);
                None
            }
            s => match s.parse::<i64>() {
                Ok(id) if producer_ok(id) => Some(id),
                _ => {
                    e.add("producer_id", Invalid::UnknownProducer);
                    None
                }
            },
        };
        let set_code = self.set_code.trim().to_string();
        if set_code.is_empty() {
            e.add("set_code", Invalid::Required);
        } else if crate::sets::find_set(&set_code).is_none() {
            e.add("set_code", Invalid::UnknownSet);
        }
        let description = optional_text(&mut e, "description", &self.description, TEXT_MAX, true);
        let raw_material_origin = optional_text(
            &mut e,
            "raw_material_origin",
            &self.raw_material_origin,
            TEXT_MAX,
            true,
        );
        let status = if self.status.trim().is_empty() {
            Some(ProductStatus::Idea)
        } else {
            choice::<ProductStatus>(&mut e, "status", &self.status)
        };
        if let Some(s) = status {
            if producer_only && !s.settable_by_producer() {
                e.add("status", Invalid::StatusNotAllowed);
            }
        }
        let stars = match self.stars.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) if (3..=5).contains(&n) => Some(n),
                _ => {
                    e.add("stars", Invalid::BadStars);
                    None
                }
            },
        };
        if let (Some(_), Some(s)) = (stars, status) {
            if !s.has_stars() {
                e.add("stars", Invalid::StarsNotAllowed);
            }
        }
        match (producer_id, status) {
            (Some(producer_id), Some(status)) if e.is_empty() => Ok(ProductData {
                name,
                producer_id,
                set_code,
                description,
                raw_material_origin,
                status,
                stars,
            }),
            _ => Err(e),
        }
    }
}

/// Largest photo accepted, in bytes (phones make big JPEGs; 4 MB keeps pages usable).
pub const PHOTO_MAX_BYTES: usize = 4 * 1024 * 1024;

/// The image type of an upload, judged by its content (never by its name):
/// JPEG, PNG or WebP.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The product code of QĐ 26/2026: province – commune – sequence kept by the commune –
/// evaluation year, e.g. `12-03388-007-2026`. Unit codes per QĐ 19/2025/QĐ-TTg.
pub fn product_code(province: &str, commune: &str, seq: i64, year: i32) -> String {
    format!("{province}-{commune}-{seq:03}-{year}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(code: &str, p: Period) -> Option<ResolvedUnit> {
        match (code, p) {
            ("03388", Period::Post2025) => Some(ResolvedUnit {
                code: "03388".into(),
                period: p,
                name: "Phường Đoàn Kết".into(),
                is_commune_level: true,
                province_code: "12".into(),
                path: "VN/12/03388/".into(),
                current_path: "VN/12/03388/".into(),
            }),
            ("105", Period::Pre2025) => Some(ResolvedUnit {
                code: "105".into(),
                period: p,
                name: "Thành phố Lai Châu".into(),
                is_commune_level: false,
                province_code: "12".into(),
                path: "VN/12/105/".into(),
                current_path: "VN/12/105/".into(),
            }),
            _ => None,
        }
    }

    fn good() -> ProducerInput {
        ProducerInput {
            name: "  HTX  Chè Tam Đường ".into(),
            legal_form: "cooperative".into(),
            tax_code: "6200 123 456".into(),
            commune_code: "03388".into(),
            phone: "+84 912 345 678".into(),
            email: "HTX@Example.vn".into(),
            representative_name: "Lò Thị Mai".into(),
            representative_female: true,
            year_founded: "2015".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_producer_is_normalised() {
        let d = good().validate(2026, resolver).unwrap();
        assert_eq!(d.name, "HTX Chè Tam Đường");
        assert_eq!(d.tax_code.as_deref(), Some("6200123456"));
        assert_eq!(d.phone.as_deref(), Some("0912345678"));
        assert_eq!(d.email.as_deref(), Some("htx@example.vn"));
        assert_eq!(d.unit.period, Period::Post2025);
        assert_eq!(d.status, ProducerStatus::Active);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let input = ProducerInput {
            legal_form: "spaceship".into(),
            tax_code: "12ab".into(),
            commune_code: "03391".into(),
            phone: "12345".into(),
            email: "nope".into(),
            members_count: "-1".into(),
            year_founded: "2999".into(),
            ..Default::default()
        };
        let e = input.validate(2026, resolver).unwrap_err();
        for f in [
            "name",
            "legal_form",
            "tax_code",
            "commune_code",
            "phone",
            "email",
            "representative_name",
            "members_count",
            "year_founded",
        ] {
            assert!(e.has(f), "missing error for {f}: {e:?}");
        }
        assert_eq!(e.get("commune_code"), Some(&Invalid::UnknownCommune));
    }

    #[test]
    fn a_commune_code_of_the_wrong_period_is_refused() {
        let mut i = good();
        i.commune_period = "pre2025".into();
        let e = i.validate(2026, resolver).unwrap_err();
        assert_eq!(e.get("commune_code"), Some(&Invalid::UnknownCommune));
        i.commune_code = "105".into();
        let e = i.validate(2026, resolver).unwrap_err();
        assert_eq!(e.get("commune_code"), Some(&Invalid::NotACommune));
    }

    #[test]
    fn tax_code_shapes() {
        assert!(normalize_tax_code("0101234567").is_ok());
        assert!(normalize_tax_code("0101234567-001").is_ok());
        assert!(normalize_tax_code("012345678901").is_ok());
        assert_eq!(normalize_tax_code("12a8000123").unwrap(), "12A8000123");
        assert!(normalize_tax_code("123").is_err());
        assert!(normalize_tax_code("01012345678").is_err());
        assert!(normalize_tax_code("<script>").is_err());
    }

    #[test]
    fn production_household_may_lack_a_tax_code() {
        let mut i = good();
        i.tax_code.clear();
        assert_eq!(
            i.validate(2026, resolver).unwrap_err().get("tax_code"),
            Some(&Invalid::Required)
        );
        i.legal_form = "production_household".into();
        assert!(i.validate(2026, resolver).is_ok());
    }

    #[test]
    fn long_names_are_refused_not_truncated() {
        let mut i = good();
        i.name = "a".repeat(NAME_MAX + 1);
        assert_eq!(
            i.validate(2026, resolver).unwrap_err().get("name"),
            Some(&Invalid::TooLong { max: NAME_MAX })
        );
    }

    #[test]
    fn phones() {
        assert_eq!(normalize_phone("0912.345.678").unwrap(), "0912345678");
        assert_eq!(normalize_phone("02133 876 543").unwrap(), "02133876543");
        assert!(normalize_phone("091234567").is_err());
        assert!(normalize_phone("abc").is_err());
    }

    #[test]
    fn product_rules() {
        let ok = |id: i64| id == 1;
        let p = ProductInput {
            name: "Chè Shan tuyết".into(),
            producer_id: "1".into(),
            set_code: "QD26-13".into(),
            ..Default::default()
        };
        let d = p.validate(ok, false).unwrap();
        assert_eq!(d.status, ProductStatus::Idea);
        let mut bad = p.clone();
        bad.set_code = "QD26-99".into();
        bad.producer_id = "2".into();
        bad.stars = "4".into();
        let e = bad.validate(ok, false).unwrap_err();
        assert_eq!(e.get("set_code"), Some(&Invalid::UnknownSet));
        assert_eq!(e.get("producer_id"), Some(&Invalid::UnknownProducer));
        assert_eq!(e.get("stars"), Some(&Invalid::StarsNotAllowed));
        let mut certified = p.clone();
        certified.status = "certified".into();
        certified.stars = "4".into();
        assert!(certified.validate(ok, false).is_ok());
        assert_eq!(
            certified.validate(ok, true).unwrap_err().get("status"),
            Some(&Invalid::StatusNotAllowed)
        );
    }

    #[test]
    fn images_are_recognised_by_content() {
        assert_eq!(
            sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Some("image/jpeg")
        );
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff_image(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_image(b"%PDF-1.7"), None);
        assert_eq!(sniff_image(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff_image(b""), None);
    }

    #[test]
    fn product_code_format() {
        assert_eq!(product_code("12", "03388", 7, 2026), "12-03388-007-2026");
    }
}
