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

/// A revocation ground in words (see [`crate::workflow::REVOCATION_GROUNDS`]).
pub fn revocation_label(code: &str, lang: crate::registry::Lang) -> String {
    crate::workflow::ground_label(code, lang)
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
    /// Too late: the window closed on this day (QĐ 26/2026 Art. 7.6.a).
    WindowClosed { closed: NaiveDate },
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
            FollowUpRefusal::WindowClosed { .. } => "window_closed",
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
            (FollowUpRefusal::WindowClosed { closed }, Lang::Vi) => format!(
                "Đã quá hạn nộp hồ sơ đánh giá lại: chậm nhất ngày {} (QĐ 26/2026/QĐ-TTg Điều 7.6.a — từ 180 đến 120 ngày trước khi giấy chứng nhận hết hạn). Khi giấy hết hạn, sản phẩm lập hồ sơ đánh giá lần đầu.",
                crate::format::date_vn(closed)
            ),
            (FollowUpRefusal::WindowClosed { closed }, Lang::En) => format!(
                "Too late for a re-evaluation: the last day was {} (QĐ 26/2026 Art. 7.6.a — from 180 to 120 days before expiry). Once the certificate expires, the product files a first evaluation.",
                crate::format::date_vn(closed)
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
    /// A re-evaluation accepted after the window closed because the transition kept
    /// it from meeting the window (QĐ 26/2026 Art. 12.3): the certificate stays in
    /// force until the result, at most 180 days after expiry.
    pub late: bool,
}

/// Whether a certificate may be followed by a dossier of `kind` aiming at `target`
/// stars on `today`. A re-evaluation keeps the stars held and is filed within the
/// window of the rulebook in force (QĐ 26/2026 Art. 7.6.a: from 180 to 120 days
/// before expiry; the 2021–2025 rules: at least 30 days before) — late only where
/// Art. 12.3 applies; an upgrade (nâng hạng) aims higher and may be filed any time
/// the certificate is in force (Art. 7.5).
pub fn follow_up(
    lib: &crate::rulebook::Library,
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
    let art12 = crate::workflow::art12_extension(lib, expires_on, Some(today));
    if today > expires_on && !(kind == K::ReEvaluation && art12.is_some()) {
        return Err(FollowUpRefusal::Expired);
    }
    match kind {
        K::FirstEvaluation => Err(FollowUpRefusal::NotAFollowUp),
        K::ReEvaluation => {
            let (opens, closes) = lib
                .in_force(today)
                .and_then(|rb| rb.reevaluation_window_days())
                .unwrap_or((None, 0));
            if let Some(o) = opens {
                let opens = expires_on - chrono::Duration::days(o);
                if today < opens {
                    return Err(FollowUpRefusal::WindowNotOpen { opens });
                }
            }
            let closed = expires_on - chrono::Duration::days(closes);
            if today > closed {
                return match art12 {
                    Some(_) => Ok(FollowUpPlan {
                        target_stars: stars,
                        late: true,
                    }),
                    None => Err(FollowUpRefusal::WindowClosed { closed }),
                };
            }
            Ok(FollowUpPlan {
                target_stars: stars,
                late: false,
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
        let lib = crate::rulebook::Library::embedded();
        let exp = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let days = chrono::Duration::days;
        let f = |today| follow_up(&lib, Kind::ReEvaluation, 4, false, exp, 5, today);
        assert_eq!(
            f(exp - days(181)),
            Err(FollowUpRefusal::WindowNotOpen {
                opens: d(2027, 1, 1)
            })
        );
        assert_eq!(
            f(d(2027, 1, 1)),
            Ok(FollowUpPlan {
                target_stars: 4,
                late: false
            }),
            "180 days before: open, keeps the stars"
        );
        assert_eq!(f(exp - days(120)).map(|p| p.late), Ok(false));
        assert_eq!(
            f(exp - days(119)),
            Err(FollowUpRefusal::WindowClosed {
                closed: exp - days(120)
            }),
            "Art. 7.6.a: not later than 120 days before expiry"
        );
        assert_eq!(f(exp + days(1)), Err(FollowUpRefusal::Expired));
        assert_eq!(
            follow_up(&lib, Kind::ReEvaluation, 4, true, exp, 4, d(2027, 2, 1)),
            Err(FollowUpRefusal::Revoked)
        );
        // Art. 12.3: a certificate expiring 31/07/2026 could not meet QĐ 26's window.
        let exp = d(2026, 7, 31);
        assert_eq!(
            follow_up(&lib, Kind::ReEvaluation, 3, false, exp, 3, d(2026, 7, 1)),
            Ok(FollowUpPlan {
                target_stars: 3,
                late: true
            })
        );
        assert_eq!(
            follow_up(&lib, Kind::ReEvaluation, 3, false, exp, 3, d(2026, 8, 15)).map(|p| p.late),
            Ok(true),
            "after expiry, within the Art. 12.3 extension"
        );
        // Under the 2021–2025 rules: at least 30 days before expiry, no opening bound.
        let exp = d(2025, 12, 31);
        assert!(follow_up(&lib, Kind::ReEvaluation, 3, false, exp, 3, d(2025, 9, 1)).is_ok());
        assert!(matches!(
            follow_up(&lib, Kind::ReEvaluation, 3, false, exp, 3, d(2025, 12, 15)),
            Err(FollowUpRefusal::WindowClosed { .. })
        ));
    }

    #[test]
    fn upgrade_aims_higher_while_the_certificate_is_in_force() {
        use crate::dossier::Kind;
        let lib = crate::rulebook::Library::embedded();
        let exp = NaiveDate::from_ymd_opt(2028, 6, 30).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(
            follow_up(&lib, Kind::Upgrade, 3, false, exp, 4, today),
            Ok(FollowUpPlan {
                target_stars: 4,
                late: false
            })
        );
        assert_eq!(
            follow_up(&lib, Kind::Upgrade, 3, false, exp, 3, today),
            Err(FollowUpRefusal::NotHigher)
        );
        assert_eq!(
            follow_up(&lib, Kind::Upgrade, 4, false, exp, 6, today),
            Err(FollowUpRefusal::NotHigher)
        );
        assert_eq!(
            follow_up(&lib, Kind::Upgrade, 5, false, exp, 5, today),
            Err(FollowUpRefusal::AlreadyTop)
        );
        assert_eq!(
            follow_up(&lib, Kind::FirstEvaluation, 3, false, exp, 4, today),
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
