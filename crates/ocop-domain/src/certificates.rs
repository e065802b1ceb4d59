//! Certificates (giấy chứng nhận): number format, validity, status on a date, and the
//! signed payload that lets anyone check a label offline.
//!
//! **Number**: `OCOP-{province}-{year}-{sequence:05}`, e.g. `OCOP-12-2026-00017`.
//!
//! **Signed payload** (UTF-8, fields joined by `|`, no trailing newline):
//! `ocop-cert-v1|{number}|{product}|{producer}|{stars}|{issued_on}|{expires_on}`
//! with dates as `YYYY-MM-DD` and names as stored (NFC). The signature is Ed25519
//! over these bytes, base64url without padding; public keys are published as a JWKS
//! (`/.well-known/ocop-signing-key.json`, `kty` OKP, `crv` Ed25519, `x` base64url).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Months, NaiveDate};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

/// Days before expiry from which a certificate shows as "expiring" (the re-evaluation
/// window of QĐ 26/2026 opens 180 days before expiry).
pub const EXPIRING_DAYS: i64 = 180;

/// Public status of a certificate on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Valid,
    Expiring,
    Expired,
    Revoked,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Expiring => "expiring",
            Status::Expired => "expired",
            Status::Revoked => "revoked",
        }
    }
    pub fn label(self, lang: crate::registry::Lang) -> &'static str {
        match self {
            Status::Valid => lang.pick("Còn hiệu lực", "Valid"),
            Status::Expiring => lang.pick("Sắp hết hạn", "Expiring soon"),
            Status::Expired => lang.pick("Đã hết hạn", "Expired"),
            Status::Revoked => lang.pick("Đã bị thu hồi", "Revoked"),
        }
    }
}

/// How a certificate came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    New,
    ReRecognition,
    Upgrade,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::New => "new",
            Kind::ReRecognition => "re_recognition",
            Kind::Upgrade => "upgrade",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "new" => Some(Kind::New),
            "re_recognition" => Some(Kind::ReRecognition),
            "upgrade" => Some(Kind::Upgrade),
            _ => None,
        }
    }
    pub fn label(self, lang: crate::registry::Lang) -> &'static str {
        match self {
            Kind::New => lang.pick("Công nhận mới", "New"),
            Kind::ReRecognition => lang.pick("Công nhận lại", "Re-recognition"),
            Kind::Upgrade => lang.pick("Nâng hạng", "Upgrade"),
        }
    }
    /// The kind of a new certificate given the product's previous one.
    pub fn from_previous(previous_stars: Option<u8>, stars: u8) -> Kind {
        match previous_stars {
            None => Kind::New,
            Some(p) if stars > p => Kind::Upgrade,
            Some(_) => Kind::ReRecognition,
        }
    }
}

/// May this principal revoke a certificate of `stars`? The competent level: the
/// province for 3★ and 4★, the ministry (central) for 5★; the admin always.
pub fn may_revoke(p: &crate::roles::Principal, stars: i32) -> bool {
    use crate::roles::{Role, Scope};
    match p.role {
        Role::Admin => true,
        Role::CentralOfficer => stars == 5 || matches!(p.scope, Scope::All),
        Role::ProvinceOfficer => stars <= 4,
        _ => false,
    }
}

/// Grounds for revocation (QĐ 26/2026 Art. 8, plus "not re-evaluated" of older rules).
pub const REVOCATION_GROUNDS: &[(&str, &str, &str)] = &[
    ("false_dossier", "Cung cấp thông tin sai lệch hoặc giả mạo hồ sơ", "False information or forged dossier"),
    ("no_longer_meets", "Sản phẩm không còn đáp ứng tiêu chí theo kết luận kiểm tra", "No longer meets the criteria (inspection conclusion)"),
    ("law_violation", "Vi phạm quy định về chất lượng, an toàn thực phẩm, môi trường, sở hữu trí tuệ, nhãn hàng hóa", "Violation of quality, food-safety, environment, IP or labelling law"),
    ("mark_misuse", "Sử dụng biểu trưng OCOP gây nhầm lẫn", "Misuse of the OCOP mark"),
    ("stopped", "Chủ thể không còn sản xuất sản phẩm", "The producer no longer makes the product"),
    ("authority", "Trường hợp khác theo kết luận của cơ quan có thẩm quyền", "Other case concluded by a competent authority"),
    ("not_reevaluated", "Không đánh giá lại khi hết hiệu lực (quy định trước QĐ 26/2026)", "Not re-evaluated at expiry (older rules)"),
];

/// Days the competent level has, from the conclusion, to revoke (QĐ 26/2026 Art. 8:
/// "trong thời hạn 15 ngày"; counted as calendar days).
pub const REVOCATION_DAYS: i64 = 15;

/// The last day to revoke on a conclusion of `concluded_on`.
pub fn revocation_deadline(concluded_on: NaiveDate) -> NaiveDate {
    concluded_on + chrono::Duration::days(REVOCATION_DAYS)
}

/// Checks the dates of a revocation case: a conclusion is not in the future, and a
/// decision does not precede its conclusion. Returns whether the decision is late.
pub fn check_revocation_dates(
    concluded_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<bool, &'static str> {
    if concluded_on > today {
        return Err("concluded_in_future");
    }
    match decided_on {
        None => Ok(today > revocation_deadline(concluded_on)),
        Some(d) if d < concluded_on => Err("decided_before_conclusion"),
        Some(d) if d > today => Err("decided_in_future"),
        Some(d) => Ok(d > revocation_deadline(concluded_on)),
    }
}

pub fn revocation_label(code: &str, lang: crate::registry::Lang) -> String {
    REVOCATION_GROUNDS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, vi, en)| lang.pick(vi, en).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// `OCOP-12-2026-00017`.
pub fn number(province: &str, year: i32, seq: i64) -> String {
    format!("OCOP-{province}-{year}-{seq:05}")
}

/// Does a string look like a certificate number (before any lookup)?
pub fn is_number(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 4
        && parts[0] == "OCOP"
        && parts[1].len() == 2
        && parts[1].bytes().all(|b| b.is_ascii_digit())
        && parts[2].len() == 4
        && parts[2].bytes().all(|b| b.is_ascii_digit())
        && (5..=8).contains(&parts[3].len())
        && parts[3].bytes().all(|b| b.is_ascii_digit())
}

/// Expiry: the issue date plus the rulebook's validity (36 months).
pub fn expiry(issued_on: NaiveDate, months: u32) -> NaiveDate {
    issued_on
        .checked_add_months(Months::new(months))
        .unwrap_or(issued_on)
}

/// Status on `today`.
pub fn status(revoked: bool, expires_on: NaiveDate, today: NaiveDate) -> Status {
    if revoked {
        Status::Revoked
    } else if today > expires_on {
        Status::Expired
    } else if (expires_on - today).num_days() <= EXPIRING_DAYS {
        Status::Expiring
    } else {
        Status::Valid
    }
}

/// The status with QĐ 26/2026 Art. 12(3): while a re-evaluation filed for the
/// certificate is undecided, the certificate stays in force past its expiry until the
/// decision, at most until `extended_until` (180 days past expiry).
pub fn status_extended(
    revoked: bool,
    expires_on: NaiveDate,
    today: NaiveDate,
    extended_until: Option<NaiveDate>,
) -> Status {
    match status(revoked, expires_on, today) {
        Status::Expired if extended_until.is_some_and(|l| today <= l) => Status::Valid,
        s => s,
    }
}

/// The facts that are signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts<'a> {
    pub number: &'a str,
    pub product: &'a str,
    pub producer: &'a str,
    pub stars: u8,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
}

/// The canonical payload (see the module documentation).
pub fn payload(f: &Facts<'_>) -> String {
    let clean = |s: &str| crate::text::nfc(s).replace('|', "/");
    format!(
        "ocop-cert-v1|{}|{}|{}|{}|{}|{}",
        f.number,
        clean(f.product),
        clean(f.producer),
        f.stars,
        f.issued_on.format("%Y-%m-%d"),
        f.expires_on.format("%Y-%m-%d")
    )
}

/// A signing key and its id.
pub struct KeyPair {
    pub kid: String,
    key: SigningKey,
}

impl KeyPair {
    /// From 32 secret bytes.
    pub fn from_secret(kid: &str, secret: &[u8]) -> Option<KeyPair> {
        let bytes: [u8; 32] = secret.try_into().ok()?;
        Some(KeyPair {
            kid: kid.to_string(),
            key: SigningKey::from_bytes(&bytes),
        })
    }
    /// The public key, base64url (the JWK `x`).
    pub fn public_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.key.verifying_key().as_bytes())
    }
    /// The signature of a payload, base64url.
    pub fn sign(&self, payload: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.key.sign(payload.as_bytes()).to_bytes())
    }
}

/// Checks a base64url signature with a base64url public key.
pub fn verify(public_b64: &str, payload: &str, signature_b64: &str) -> bool {
    let Ok(pk) = URL_SAFE_NO_PAD.decode(public_b64.trim()) else {
        return false;
    };
    let Ok(pk): Result<[u8; 32], _> = pk.try_into() else {
        return false;
    };
    let Ok(vk) = VerifyingKey::from_bytes(&pk) else {
        return false;
    };
    let Ok(sig) = URL_SAFE_NO_PAD.decode(signature_b64.trim()) else {
        return false;
    };
    let Ok(sig): Result<[u8; 64], _> = sig.try_into() else {
        return false;
    };
    vk.verify(payload.as_bytes(), &Signature::from_bytes(&sig))
        .is_ok()
}

/// The re-evaluation window of QĐ 26/2026: a dossier is filed from 180 to 120 days
/// before the certificate expires.
pub const REEVALUATION_OPENS_DAYS: i64 = 180;
pub const REEVALUATION_CLOSES_DAYS: i64 = 120;

/// Why a follow-up dossier (re-evaluation or upgrade) cannot start from a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FollowUpRefusal {
    /// A revoked certificate is not renewed or upgraded: the product starts over.
    Revoked,
    /// Expired: the product is evaluated again as a first evaluation.
    Expired,
    /// Too early for a re-evaluation.
    WindowNotOpen { opens: NaiveDate },
    /// An upgrade must aim higher than the stars held.
    NotHigher,
    /// Five stars cannot be upgraded.
    AlreadyTop,
    /// Only re-evaluations and upgrades follow a certificate.
    NotAFollowUp,
}

impl FollowUpRefusal {
    pub fn code(self) -> &'static str {
        match self {
            FollowUpRefusal::Revoked => "revoked",
            FollowUpRefusal::Expired => "expired",
            FollowUpRefusal::WindowNotOpen { .. } => "window_not_open",
            FollowUpRefusal::NotHigher => "not_higher",
            FollowUpRefusal::AlreadyTop => "already_top",
            FollowUpRefusal::NotAFollowUp => "not_a_follow_up",
        }
    }
    pub fn message(self, lang: crate::registry::Lang) -> String {
        use crate::registry::Lang;
        match (self, lang) {
            (FollowUpRefusal::Revoked, Lang::Vi) => {
                "Giấy chứng nhận đã bị thu hồi: sản phẩm phải đánh giá lại từ đầu.".into()
            }
            (FollowUpRefusal::Revoked, Lang::En) => {
                "The certificate was revoked: the product starts over with a first evaluation."
                    .into()
            }
            (FollowUpRefusal::Expired, Lang::Vi) => {
                "Giấy chứng nhận đã hết hạn: lập hồ sơ đánh giá lần đầu.".into()
            }
            (FollowUpRefusal::Expired, Lang::En) => {
                "The certificate has expired: file a first evaluation.".into()
            }
            (FollowUpRefusal::WindowNotOpen { opens }, Lang::Vi) => format!(
                "Chưa đến thời hạn đánh giá lại: mở từ ngày {}.",
                crate::format::date_vn(opens)
            ),
            (FollowUpRefusal::WindowNotOpen { opens }, Lang::En) => format!(
                "Too early for a re-evaluation: the window opens on {}.",
                crate::format::date_vn(opens)
            ),
            (FollowUpRefusal::NotHigher, Lang::Vi) => {
                "Nâng hạng phải đề nghị số sao cao hơn số sao đang có.".into()
            }
            (FollowUpRefusal::NotHigher, Lang::En) => {
                "An upgrade must aim at more stars than the certificate holds.".into()
            }
            (FollowUpRefusal::AlreadyTop, Lang::Vi) => {
                "Sản phẩm đã đạt 5 sao, không thể nâng hạng.".into()
            }
            (FollowUpRefusal::AlreadyTop, Lang::En) => "The product already holds 5 stars.".into(),
            (FollowUpRefusal::NotAFollowUp, Lang::Vi) => {
                "Chỉ hồ sơ đánh giá lại hoặc nâng hạng được lập từ giấy chứng nhận.".into()
            }
            (FollowUpRefusal::NotAFollowUp, Lang::En) => {
                "Only a re-evaluation or an upgrade follows a certificate.".into()
            }
        }
    }
}

/// What a follow-up dossier will be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FollowUpPlan {
    pub target_stars: i32,
    /// A re-evaluation filed after the window closed (120 days before expiry): it is
    /// accepted, but the officers see it is late.
    pub late: bool,
}

/// Whether a certificate may be followed by a dossier of `kind` aiming at `target`
/// stars on `today`. A re-evaluation keeps the stars held and is filed from 180 days
/// before expiry until expiry (after 120 days before expiry it is late); an upgrade
/// (nâng hạng) aims higher and may be filed any time the certificate is in force.
pub fn follow_up(
    kind: crate::dossier::Kind,
    stars: i32,
    revoked: bool,
    expires_on: NaiveDate,
    target: i32,
    today: NaiveDate,
) -> Result<FollowUpPlan, FollowUpRefusal> {
    use crate::dossier::Kind as K;
    if revoked {
        return Err(FollowUpRefusal::Revoked);
    }
    if today > expires_on {
        return Err(FollowUpRefusal::Expired);
    }
    match kind {
        K::FirstEvaluation => Err(FollowUpRefusal::NotAFollowUp),
        K::ReEvaluation => {
            let opens = expires_on - chrono::Duration::days(REEVALUATION_OPENS_DAYS);
            if today < opens {
                return Err(FollowUpRefusal::WindowNotOpen { opens });
            }
            let closes = expires_on - chrono::Duration::days(REEVALUATION_CLOSES_DAYS);
            Ok(FollowUpPlan {
                target_stars: stars,
                late: today > closes,
            })
        }
        K::Upgrade => {
            if stars >= 5 {
                return Err(FollowUpRefusal::AlreadyTop);
            }
            if target <= stars || target > 5 {
                return Err(FollowUpRefusal::NotHigher);
            }
            Ok(FollowUpPlan {
                target_stars: target,
                late: false,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_undecided_re_evaluation_keeps_the_certificate_in_force_up_to_180_days() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let exp = d(2026, 6, 30);
        let limit = Some(d(2026, 12, 27));
        assert_eq!(
            status_extended(false, exp, d(2026, 8, 1), None),
            Status::Expired
        );
        assert_eq!(
            status_extended(false, exp, d(2026, 8, 1), limit),
            Status::Valid
        );
        assert_eq!(
            status_extended(false, exp, d(2026, 12, 28), limit),
            Status::Expired
        );
        assert_eq!(
            status_extended(true, exp, d(2026, 8, 1), limit),
            Status::Revoked
        );
    }

    #[test]
    fn revocation_is_due_15_days_after_the_conclusion() {
        let d = |m, dd| NaiveDate::from_ymd_opt(2026, m, dd).unwrap();
        assert_eq!(revocation_deadline(d(11, 1)), d(11, 16));
        assert_eq!(
            check_revocation_dates(d(11, 1), Some(d(11, 16)), d(11, 29)),
            Ok(false)
        );
        assert_eq!(
            check_revocation_dates(d(11, 1), Some(d(11, 17)), d(11, 29)),
            Ok(true)
        );
        assert_eq!(
            check_revocation_dates(d(11, 20), None, d(11, 29)),
            Ok(false)
        );
        assert_eq!(
            check_revocation_dates(d(11, 1), None, d(11, 29)),
            Ok(true),
            "overdue"
        );
        assert_eq!(
            check_revocation_dates(d(11, 10), Some(d(11, 9)), d(11, 29)),
            Err("decided_before_conclusion")
        );
        assert_eq!(
            check_revocation_dates(d(12, 1), None, d(11, 29)),
            Err("concluded_in_future")
        );
        assert_eq!(
            check_revocation_dates(d(11, 1), Some(d(12, 1)), d(11, 29)),
            Err("decided_in_future")
        );
    }

    #[test]
    fn re_evaluation_window_is_180_to_120_days_before_expiry() {
        use crate::dossier::Kind;
        let exp = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        // 181 days before: not yet.
        assert_eq!(
            follow_up(
                Kind::ReEvaluation,
                4,
                false,
                exp,
                0,
                exp - chrono::Duration::days(181)
            ),
            Err(FollowUpRefusal::WindowNotOpen {
                opens: d(2027, 1, 1)
            })
        );
        // 180 days before: open, on time, keeps the stars.
        assert_eq!(
            follow_up(Kind::ReEvaluation, 4, false, exp, 5, d(2027, 1, 1)),
            Ok(FollowUpPlan {
                target_stars: 4,
                late: false
            })
        );
        // 119 days before: accepted but late.
        assert_eq!(
            follow_up(
                Kind::ReEvaluation,
                4,
                false,
                exp,
                4,
                exp - chrono::Duration::days(119)
            )
            .unwrap(),
            FollowUpPlan {
                target_stars: 4,
                late: true
            }
        );
        assert_eq!(
            follow_up(
                Kind::ReEvaluation,
                4,
                false,
                exp,
                4,
                exp + chrono::Duration::days(1)
            ),
            Err(FollowUpRefusal::Expired)
        );
        assert_eq!(
            follow_up(Kind::ReEvaluation, 4, true, exp, 4, d(2027, 2, 1)),
            Err(FollowUpRefusal::Revoked)
        );
    }

    #[test]
    fn upgrade_aims_higher_while_the_certificate_is_in_force() {
        use crate::dossier::Kind;
        let exp = NaiveDate::from_ymd_opt(2028, 6, 30).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(
            follow_up(Kind::Upgrade, 3, false, exp, 4, today),
            Ok(FollowUpPlan {
                target_stars: 4,
                late: false
            })
        );
        assert_eq!(
            follow_up(Kind::Upgrade, 3, false, exp, 3, today),
            Err(FollowUpRefusal::NotHigher)
        );
        assert_eq!(
            follow_up(Kind::Upgrade, 4, false, exp, 6, today),
            Err(FollowUpRefusal::NotHigher)
        );
        assert_eq!(
            follow_up(Kind::Upgrade, 5, false, exp, 5, today),
            Err(FollowUpRefusal::AlreadyTop)
        );
        assert_eq!(
            follow_up(Kind::FirstEvaluation, 3, false, exp, 4, today),
            Err(FollowUpRefusal::NotAFollowUp)
        );
        assert!(FollowUpRefusal::WindowNotOpen { opens: today }
            .message(crate::registry::Lang::Vi)
            .contains("29/11/2026"));
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn thirty_six_months_and_status_boundaries() {
        let exp = expiry(d(2023, 8, 31), 36);
        assert_eq!(exp, d(2026, 8, 31));
        assert_eq!(expiry(d(2024, 2, 29), 36), d(2027, 2, 28), "leap day");
        assert_eq!(
            status(false, exp, d(2026, 3, 4)),
            Status::Expiring,
            "180 days before expiry"
        );
        assert_eq!(
            status(false, exp, d(2026, 3, 3)),
            Status::Valid,
            "181 days before expiry"
        );
        assert_eq!(
            status(false, exp, exp),
            Status::Expiring,
            "valid through its last day"
        );
        assert_eq!(status(false, exp, d(2026, 9, 1)), Status::Expired);
        assert_eq!(status(true, exp, d(2024, 1, 1)), Status::Revoked);
    }

    #[test]
    fn numbers() {
        assert_eq!(number("12", 2026, 17), "OCOP-12-2026-00017");
        assert!(is_number("OCOP-12-2026-00017"));
        assert!(!is_number("OCOP-12-2026-17"));
        assert!(!is_number("<script>"));
        assert!(!is_number("OCOP-1A-2026-00017"));
    }

    #[test]
    fn signatures_verify_and_catch_tampering() {
        let k = KeyPair::from_secret("k1", &[7u8; 32]).unwrap();
        let f = Facts {
            number: "OCOP-12-2026-00001",
            product: "Chè Shan tuyết",
            producer: "HTX Chè Tam Đường",
            stars: 4,
            issued_on: d(2026, 6, 1),
            expires_on: d(2029, 6, 1),
        };
        let p = payload(&f);
        assert_eq!(p, "ocop-cert-v1|OCOP-12-2026-00001|Chè Shan tuyết|HTX Chè Tam Đường|4|2026-06-01|2029-06-01");
        let s = k.sign(&p);
        assert!(verify(&k.public_b64(), &p, &s));
        let tampered = payload(&Facts { stars: 5, ..f });
        assert!(!verify(&k.public_b64(), &tampered, &s));
        assert!(!verify(&k.public_b64(), &p, "not-base64!"));
        let other = KeyPair::from_secret("k2", &[8u8; 32]).unwrap();
        assert!(!verify(&other.public_b64(), &p, &s));
    }

    #[test]
    fn kinds_follow_the_previous_certificate() {
        assert_eq!(Kind::from_previous(None, 3), Kind::New);
        assert_eq!(Kind::from_previous(Some(3), 4), Kind::Upgrade);
        assert_eq!(Kind::from_previous(Some(4), 4), Kind::ReRecognition);
        assert_eq!(Kind::from_previous(Some(4), 3), Kind::ReRecognition);
    }
}
