//! Councils (hội đồng đánh giá, phân hạng): members and their roles, quorum,
//! conflicts of interest, the life of a member's score sheet, and when the secretary
//! may close a product.

use crate::rulebook::Rulebook;
use serde::Serialize;

str_enum! {
    /// A member's place in the council.
    MemberRole {
        Chair = "chair", "Chủ tịch Hội đồng", "Chair";
        ViceChair = "vice_chair", "Phó Chủ tịch Hội đồng", "Vice-chair";
        Member = "member", "Thành viên", "Member";
        Secretary = "secretary", "Thư ký", "Secretary";
        Advisor = "advisor", "Tổ tư vấn / giúp việc", "Advisory team";
    }
}

str_enum! {
    /// The level a council works at.
    CouncilLevel {
        District = "district", "Cấp huyện (trước 07/2025)", "District (before 07/2025)";
        Province = "province", "Cấp tỉnh", "Province";
        Central = "central", "Cấp trung ương", "Central";
    }
}

str_enum! {
    /// How a session decides.
    SessionMode {
        Meeting = "meeting", "Họp hội đồng", "Meeting";
        Written = "written", "Lấy ý kiến bằng văn bản", "Written opinions";
    }
}

str_enum! {
    /// A member's sheet for one product.
    SheetStatus {
        Draft = "draft", "Đang chấm", "Draft";
        Submitted = "submitted", "Đã nộp, chờ xác nhận", "Submitted, to confirm";
        Locked = "locked", "Đã xác nhận", "Confirmed";
    }
}

str_enum! {
    /// Why a member may not score a product.
    ConflictKind {
        Belongs = "belongs", "Thuộc chủ thể", "Belongs to the producer";
        Adviser = "adviser", "Tư vấn cho chủ thể", "Advised the producer";
        Relative = "relative", "Có quan hệ gia đình", "Family relation";
        Declared = "declared", "Tự khai báo xung đột lợi ích", "Declared a conflict";
    }
}

impl MemberRole {
    /// Advisory-team members prepare the work but do not score.
    pub fn scores(self) -> bool {
        !matches!(self, MemberRole::Advisor)
    }
    /// Who may run a session (attendance, closing products).
    pub fn runs_session(self) -> bool {
        matches!(
            self,
            MemberRole::Chair | MemberRole::ViceChair | MemberRole::Secretary
        )
    }
}

/// A registered link between a council member and a producer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub producer_id: i64,
    pub kind: ConflictKind,
}

/// A registered link to the product's producer is a conflict of interest.
pub fn detect_conflict(links: &[Link], producer_id: i64) -> Option<ConflictKind> {
    links
        .iter()
        .find(|l| l.producer_id == producer_id)
        .map(|l| l.kind)
}

/// Attendance of one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seat {
    pub role: MemberRole,
    pub present: bool,
}

/// Whether a meeting can decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quorum {
    pub voting: usize,
    pub present: usize,
    /// Members needed (rounded up).
    pub required: usize,
    pub chair_present: bool,
    pub met: bool,
}

/// Quorum: at least the rulebook's percentage (75 %) of the scoring members present,
/// including the chair when the rulebook requires it.
pub fn quorum(rb: &Rulebook, seats: &[Seat]) -> Quorum {
    let voting = seats.iter().filter(|s| s.role.scores()).count();
    let present = seats
        .iter()
        .filter(|s| s.role.scores() && s.present)
        .count();
    let required = (voting * rb.quorum_percent as usize).div_ceil(100);
    let chair_present = seats
        .iter()
        .any(|s| s.role == MemberRole::Chair && s.present);
    let met = voting > 0 && present >= required && (chair_present || !rb.quorum_requires_chair);
    Quorum {
        voting,
        present,
        required,
        chair_present,
        met,
    }
}

/// A member may see the others' scores only once their own sheet is submitted.
pub fn may_see_others(own: Option<SheetStatus>) -> bool {
    matches!(own, Some(SheetStatus::Submitted | SheetStatus::Locked))
}

/// A member who is expected to score a product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scorer {
    pub member_id: i64,
    pub name: String,
    pub role: MemberRole,
    pub present: bool,
    pub conflicted: bool,
    pub sheet: Option<SheetStatus>,
}

/// Why a product cannot be closed yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum CloseBlock {
    /// A meeting without quorum cannot decide.
    NoQuorum {
        present: usize,
        required: usize,
        chair_present: bool,
    },
    /// These members have not confirmed their sheet.
    Missing { members: Vec<String> },
    /// Nobody without a conflict has scored.
    NoSheets,
}

/// Who must have confirmed a sheet before the product can be closed: in a meeting,
/// every present, scoring, non-conflicted member; in writing, every scoring,
/// non-conflicted member.
pub fn can_close(rb: &Rulebook, mode: SessionMode, scorers: &[Scorer]) -> Result<(), CloseBlock> {
    if mode == SessionMode::Meeting {
        let seats: Vec<Seat> = scorers
            .iter()
            .map(|s| Seat {
                role: s.role,
                present: s.present,
            })
            .collect();
        let q = quorum(rb, &seats);
        if !q.met {
            return Err(CloseBlock::NoQuorum {
                present: q.present,
                required: q.required,
                chair_present: q.chair_present,
            });
        }
    }
    let expected: Vec<&Scorer> = scorers
        .iter()
        .filter(|s| s.role.scores() && !s.conflicted && (mode == SessionMode::Written || s.present))
        .collect();
    let missing: Vec<String> = expected
        .iter()
        .filter(|s| s.sheet != Some(SheetStatus::Locked))
        .map(|s| s.name.clone())
        .collect();
    if !missing.is_empty() {
        return Err(CloseBlock::Missing { members: missing });
    }
    if expected.is_empty() {
        return Err(CloseBlock::NoSheets);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rulebook::Library;

    fn rb() -> Rulebook {
        Library::embedded().rulebook("QD26-2026").unwrap().clone()
    }

    fn seats(n: usize, present: usize, chair_present: bool) -> Vec<Seat> {
        (0..n)
            .map(|i| Seat {
                role: if i == 0 {
                    MemberRole::Chair
                } else {
                    MemberRole::Member
                },
                present: if i == 0 {
                    chair_present
                } else {
                    i < present + usize::from(!chair_present)
                },
            })
            .collect()
    }

    #[test]
    fn quorum_needs_three_quarters_including_the_chair() {
        let rb = rb();
        // 8 voting members: 6 needed.
        let q = quorum(&rb, &seats(8, 6, true));
        assert_eq!((q.present, q.required, q.met), (6, 6, true));
        assert!(!quorum(&rb, &seats(8, 5, true)).met);
        // Enough people but no chair.
        let q = quorum(&rb, &seats(8, 7, false));
        assert_eq!(q.present, 7);
        assert!(!q.met);
        // 3 of 4 = 75 % exactly.
        assert!(quorum(&rb, &seats(4, 3, true)).met);
        // Advisers do not count either way.
        let mut s = seats(4, 3, true);
        s.push(Seat {
            role: MemberRole::Advisor,
            present: false,
        });
        assert!(quorum(&rb, &s).met);
        assert!(!quorum(&rb, &[]).met);
    }

    #[test]
    fn conflicts_come_from_registered_links() {
        let links = vec![Link {
            producer_id: 7,
            kind: ConflictKind::Adviser,
        }];
        assert_eq!(detect_conflict(&links, 7), Some(ConflictKind::Adviser));
        assert_eq!(detect_conflict(&links, 8), None);
    }

    #[test]
    fn closing_needs_every_expected_sheet_confirmed() {
        let rb = rb();
        let s = |id: i64, role, present, conflicted, sheet| Scorer {
            member_id: id,
            name: format!("m{id}"),
            role,
            present,
            conflicted,
            sheet,
        };
        let mut scorers = vec![
            s(1, MemberRole::Chair, true, false, Some(SheetStatus::Locked)),
            s(
                2,
                MemberRole::Member,
                true,
                false,
                Some(SheetStatus::Submitted),
            ),
            s(3, MemberRole::Member, true, true, None),
            s(
                4,
                MemberRole::Secretary,
                true,
                false,
                Some(SheetStatus::Locked),
            ),
        ];
        assert_eq!(
            can_close(&rb, SessionMode::Meeting, &scorers),
            Err(CloseBlock::Missing {
                members: vec!["m2".into()]
            })
        );
        scorers[1].sheet = Some(SheetStatus::Locked);
        assert_eq!(
            can_close(&rb, SessionMode::Meeting, &scorers),
            Ok(()),
            "the conflicted member is left out"
        );
        // Without quorum nothing closes.
        for x in scorers.iter_mut().skip(1) {
            x.present = false;
        }
        assert!(matches!(
            can_close(&rb, SessionMode::Meeting, &scorers),
            Err(CloseBlock::NoQuorum { .. })
        ));
        // In writing there is no attendance, but everybody must answer.
        assert_eq!(can_close(&rb, SessionMode::Written, &scorers), Ok(()));
        scorers[3].sheet = None;
        assert!(matches!(
            can_close(&rb, SessionMode::Written, &scorers),
            Err(CloseBlock::Missing { .. })
        ));
    }

    #[test]
    fn scores_stay_hidden_until_one_submits() {
        assert!(!may_see_others(None));
        assert!(!may_see_others(Some(SheetStatus::Draft)));
        assert!(may_see_others(Some(SheetStatus::Submitted)));
        assert!(may_see_others(Some(SheetStatus::Locked)));
    }
}
