//! Support and funding for producers (Lai Châu plan 2025, III.2 and IV): what was
//! given, under which policy, from which source, how much was planned, approved and
//! disbursed, and who may move a support record through its states.

use crate::registry::{FieldErrors, Invalid};
use crate::roles::{Principal, Role, Scope};

/// The largest amount accepted (one hundred thousand billion đồng): far above any
/// support, small enough that sums of many records never overflow an i64.
pub const MAX_VND: i64 = 100_000_000_000_000;

str_enum! {
    /// What kind of support was given.
    SupportKind {
        Packaging = "packaging", "Thiết kế bao bì, nhãn mác", "Packaging and label design";
        Trademark = "trademark", "Đăng ký nhãn hiệu, sở hữu trí tuệ", "Trademark and IP registration";
        Quality = "quality", "Hệ thống quản lý chất lượng", "Quality-management system";
        Equipment = "equipment", "Máy móc, trang thiết bị", "Machinery and equipment";
        Technology = "technology", "Chuyển giao công nghệ", "Technology transfer";
        RawMaterial = "raw_material", "Vùng nguyên liệu", "Raw-material area";
        Training = "training", "Đào tạo, tập huấn", "Training";
        TradeFair = "trade_fair", "Tham gia hội chợ, xúc tiến thương mại", "Trade-fair participation";
        BusinessPlan = "business_plan", "Tư vấn phương án kinh doanh", "Business-plan advice";
        Other = "other", "Khác", "Other";
    }
}

str_enum! {
    /// Where the money comes from.
    FundingSource {
        Central = "central", "Ngân sách Trung ương", "Central budget";
        Provincial = "provincial", "Ngân sách tỉnh", "Provincial budget";
        Local = "local", "Ngân sách huyện/xã", "District or commune budget";
        Credit = "credit", "Vốn tín dụng", "Credit";
        Own = "own", "Vốn tự có của chủ thể", "Producer's own funds";
        Integrated = "integrated", "Lồng ghép các chương trình", "Integrated programmes";
    }
}

str_enum! {
    /// Where a support record stands.
    SupportStatus {
        Proposed = "proposed", "Đề xuất", "Proposed";
        Approved = "approved", "Đã phê duyệt", "Approved";
        Disbursing = "disbursing", "Đang giải ngân", "Disbursing";
        Completed = "completed", "Hoàn thành", "Completed";
        Refused = "refused", "Không phê duyệt", "Refused";
        Cancelled = "cancelled", "Đã hủy", "Cancelled";
    }
}

str_enum! {
    /// A move of a support record.
    SupportAction {
        Approve = "approve", "Phê duyệt", "Approve";
        Disburse = "disburse", "Giải ngân", "Disburse";
        Complete = "complete", "Hoàn thành", "Complete";
        Refuse = "refuse", "Không phê duyệt", "Refuse";
        Cancel = "cancel", "Hủy", "Cancel";
    }
}

/// The state after `action`, or None when the action is not allowed from `from`.
pub fn next_status(from: SupportStatus, action: SupportAction) -> Option<SupportStatus> {
    use SupportAction as A;
    use SupportStatus as S;
    match (from, action) {
        (S::Proposed, A::Approve) => Some(S::Approved),
        (S::Approved | S::Disbursing, A::Disburse) => Some(S::Disbursing),
        (S::Approved | S::Disbursing, A::Complete) => Some(S::Completed),
        (S::Proposed, A::Refuse) => Some(S::Refused),
        (S::Proposed | S::Approved | S::Disbursing, A::Cancel) => Some(S::Cancelled),
        _ => None,
    }
}

/// Officers who decide on support: admin, central, province, district and commune
/// officers (within their scope — the caller checks the record's location).
pub fn decides_support(p: &Principal) -> bool {
    p.role == Role::Admin || p.role.is_officer()
}

/// May `p` propose a support for this producer? Officers within scope (checked by the
/// caller against the producer's location); a producer only for itself.
pub fn may_propose(p: &Principal, producer_id: i64) -> bool {
    match &p.scope {
        Scope::Producer { producer_id: own } => *own == producer_id,
        Scope::Nothing => false,
        _ => decides_support(p),
    }
}

/// An amount in đồng: digits, with `.`, `,` or spaces as thousands separators;
/// never negative, at most [`MAX_VND`].
pub fn parse_vnd(s: &str) -> Result<i64, Invalid> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    let t = t
        .strip_suffix("đ")
        .or_else(|| t.strip_suffix("VND"))
        .unwrap_or(&t);
    let bad = Invalid::BadNumber {
        min: 0,
        max: MAX_VND,
    };
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad);
    }
    t.parse::<i64>().ok().filter(|v| *v <= MAX_VND).ok_or(bad)
}

/// Checks an amount given as a number (the API).
pub fn check_vnd(errs: &mut FieldErrors, field: &str, v: i64) {
    if !(0..=MAX_VND).contains(&v) {
        errs.add(
            field,
            Invalid::BadNumber {
                min: 0,
                max: MAX_VND,
            },
        );
    }
}

/// What a disbursement does to the running total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disbursement {
    /// Within the approved amount.
    Within { total: i64 },
    /// Above the approved amount, accepted because a reason was given.
    OverWithReason { total: i64, over_by: i64 },
    /// Above the approved amount without a reason: warn and refuse.
    NeedsReason { total: i64, over_by: i64 },
}

/// Adds `amount` to what was disbursed so far and compares with the approved amount.
/// Disbursing more than approved is allowed only with a reason (kept on the record).
pub fn disburse(
    approved: i64,
    disbursed: i64,
    amount: i64,
    reason: Option<&str>,
) -> Result<Disbursement, Invalid> {
    if amount <= 0 || amount > MAX_VND {
        return Err(Invalid::BadNumber {
            min: 1,
            max: MAX_VND,
        });
    }
    let total = disbursed.saturating_add(amount);
    if total <= approved {
        return Ok(Disbursement::Within { total });
    }
    let over_by = total - approved;
    Ok(match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(_) => Disbursement::OverWithReason { total, over_by },
        None => Disbursement::NeedsReason { total, over_by },
    })
}

/// Allocated against charged on a budget line: over-committed when the approved
/// amounts charged to it exceed what was allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineBalance {
    pub allocated_vnd: i64,
    pub approved_vnd: i64,
    pub disbursed_vnd: i64,
}

impl LineBalance {
    pub fn over_committed(&self) -> bool {
        self.approved_vnd > self.allocated_vnd || self.disbursed_vnd > self.allocated_vnd
    }
    /// What is left to commit (negative when over-committed).
    pub fn remaining_vnd(&self) -> i64 {
        self.allocated_vnd - self.approved_vnd.max(self.disbursed_vnd)
    }
}

/// Formats đồng the Vietnamese way: `1.250.000 đ`.
pub fn format_vnd(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if v < 0 {
        out.insert(0, '-');
    }
    out + " đ"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn officer(role: Role, path: &str) -> Principal {
        Principal::new(1, "o".into(), role, Some(path.into()), None)
    }

    #[test]
    fn transitions_follow_the_lifecycle() {
        use SupportAction as A;
        use SupportStatus as S;
        assert_eq!(next_status(S::Proposed, A::Approve), Some(S::Approved));
        assert_eq!(next_status(S::Approved, A::Disburse), Some(S::Disbursing));
        assert_eq!(next_status(S::Disbursing, A::Disburse), Some(S::Disbursing));
        assert_eq!(next_status(S::Disbursing, A::Complete), Some(S::Completed));
        assert_eq!(next_status(S::Proposed, A::Refuse), Some(S::Refused));
        assert_eq!(next_status(S::Approved, A::Refuse), None);
        assert_eq!(next_status(S::Proposed, A::Disburse), None);
        assert_eq!(next_status(S::Completed, A::Cancel), None);
        assert_eq!(next_status(S::Refused, A::Approve), None);
    }

    #[test]
    fn producers_propose_only_for_themselves_and_do_not_decide() {
        let p = Principal::new(2, "p".into(), Role::Producer, None, Some(7));
        assert!(may_propose(&p, 7));
        assert!(!may_propose(&p, 8));
        assert!(!decides_support(&p));
        let o = officer(Role::CommuneOfficer, "VN/12/105/03386/");
        assert!(may_propose(&o, 8));
        assert!(decides_support(&o));
        let v = Principal::new(3, "v".into(), Role::Viewer, None, None);
        assert!(!decides_support(&v));
        assert!(!may_propose(&v, 7));
    }

    #[test]
    fn amounts_are_whole_non_negative_dong() {
        assert_eq!(parse_vnd("1.250.000"), Ok(1_250_000));
        assert_eq!(parse_vnd("1 250 000 đ"), Ok(1_250_000));
        assert_eq!(parse_vnd("0"), Ok(0));
        assert!(parse_vnd("-5").is_err());
        assert!(parse_vnd("12,5").is_ok()); // a comma is a thousands separator
        assert!(parse_vnd("1e6").is_err());
        assert!(parse_vnd("").is_err());
        assert!(parse_vnd("999999999999999999999").is_err());
        let mut e = FieldErrors::default();
        check_vnd(&mut e, "planned_vnd", -1);
        assert!(e.has("planned_vnd"));
    }

    #[test]
    fn over_disbursement_needs_a_reason() {
        assert_eq!(
            disburse(100, 40, 60, None),
            Ok(Disbursement::Within { total: 100 })
        );
        assert_eq!(
            disburse(100, 40, 70, None),
            Ok(Disbursement::NeedsReason {
                total: 110,
                over_by: 10
            })
        );
        assert_eq!(
            disburse(100, 40, 70, Some("  ")),
            Ok(Disbursement::NeedsReason {
                total: 110,
                over_by: 10
            })
        );
        assert_eq!(
            disburse(100, 40, 70, Some("giá thiết bị tăng")),
            Ok(Disbursement::OverWithReason {
                total: 110,
                over_by: 10
            })
        );
        assert!(disburse(100, 0, 0, None).is_err());
        assert!(disburse(100, 0, -5, None).is_err());
    }

    #[test]
    fn line_balance_warns_when_over_committed() {
        let b = LineBalance {
            allocated_vnd: 100,
            approved_vnd: 120,
            disbursed_vnd: 50,
        };
        assert!(b.over_committed());
        assert_eq!(b.remaining_vnd(), -20);
        let ok = LineBalance {
            allocated_vnd: 100,
            approved_vnd: 80,
            disbursed_vnd: 60,
        };
        assert!(!ok.over_committed());
        assert_eq!(ok.remaining_vnd(), 20);
    }

    #[test]
    fn dong_are_formatted_with_dots() {
        assert_eq!(format_vnd(1_250_000), "1.250.000 đ");
        assert_eq!(format_vnd(0), "0 đ");
        assert_eq!(format_vnd(-1000), "-1.000 đ");
    }
}
