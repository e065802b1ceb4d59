//! Councils (hội đồng đánh giá, phân hạng): members and their roles, quorum,
//! conflicts of interest, the life of a member's score sheet, and when the secretary
//! may close a product.

use crate::dossier::{Kind, State};
use crate::registry::Lang;
use crate::roles::Role;
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
    /// A vice-chair the chair authorised to preside in the chair's absence.
    pub authorised: bool,
}

/// The quorum rule of a council meeting. QĐ 26/2026 leaves it to the council's
/// regulation (Quy chế hoạt động, issued by the chairman of the province — Art.
/// 7.3.b — or the minister — Art. 7.4.b); the council meets "under its regulation"
/// (Art. 7.3.d, 7.4.d). Unless that regulation says otherwise: more than half of the
/// scoring members present, the meeting presided over by the chair or by a
/// vice-chair the chair has authorised.
pub const QUORUM_BASIS_VI: &str = "Điều 7 khoản 3 điểm b, d Quyết định 26/2026/QĐ-TTg và Quy chế hoạt động của Hội đồng: cuộc họp hợp lệ khi có quá nửa số thành viên chấm điểm tham dự, do Chủ tịch Hội đồng hoặc Phó Chủ tịch được Chủ tịch ủy quyền chủ trì";
pub const QUORUM_BASIS_EN: &str = "QĐ 26/2026/QĐ-TTg Art. 7.3.b and d and the council's regulation: a meeting is valid with more than half of the scoring members present, presided over by the chair or a vice-chair the chair authorised";

/// Whether a meeting can decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quorum {
    pub voting: usize,
    pub present: usize,
    /// Members needed: more than half.
    pub required: usize,
    /// The chair, or an authorised vice-chair, is present to preside.
    pub chair_present: bool,
    pub met: bool,
}

/// Quorum (see [`QUORUM_BASIS_VI`]): more than half of the scoring members present,
/// and the chair or an authorised vice-chair present to preside.
pub fn quorum(seats: &[Seat]) -> Quorum {
    let voting = seats.iter().filter(|s| s.role.scores()).count();
    let present = seats
        .iter()
        .filter(|s| s.role.scores() && s.present)
        .count();
    let required = voting / 2 + 1;
    let chair_present = seats.iter().any(|s| {
        s.present
            && (s.role == MemberRole::Chair || (s.role == MemberRole::ViceChair && s.authorised))
    });
    let met = voting > 0 && present >= required && chair_present;
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
    /// A vice-chair authorised to preside.
    pub authorised: bool,
    pub conflicted: bool,
    pub sheet: Option<SheetStatus>,
}

impl Scorer {
    /// Does this member's sheet count in the result? Scoring, not conflicted, and in a
    /// meeting present: the sheets of absent members do not count.
    pub fn counts(&self, mode: SessionMode) -> bool {
        self.role.scores() && !self.conflicted && (mode == SessionMode::Written || self.present)
    }
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

impl CloseBlock {
    pub fn code(&self) -> &'static str {
        match self {
            CloseBlock::NoQuorum { .. } => "no_quorum",
            CloseBlock::Missing { .. } => "sheets_missing",
            CloseBlock::NoSheets => "no_sheets",
        }
    }
    /// The refusal in words, naming the rule.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (
                CloseBlock::NoQuorum {
                    present,
                    required,
                    chair_present,
                },
                Lang::Vi,
            ) => format!(
                "Cuộc họp chưa đủ điều kiện để kết luận: có {present} thành viên chấm điểm dự họp, cần ít nhất {required}{}. Căn cứ: {QUORUM_BASIS_VI}.",
                if *chair_present { "" } else { "; vắng Chủ tịch Hội đồng và không có Phó Chủ tịch được ủy quyền chủ trì" }
            ),
            (
                CloseBlock::NoQuorum {
                    present,
                    required,
                    chair_present,
                },
                Lang::En,
            ) => format!(
                "The meeting cannot decide: {present} scoring members present, at least {required} needed{}. Rule: {QUORUM_BASIS_EN}.",
                if *chair_present { "" } else { "; neither the chair nor an authorised vice-chair is present" }
            ),
            (CloseBlock::Missing { members }, Lang::Vi) => format!(
                "Chưa thể kết luận: các thành viên sau chưa xác nhận phiếu chấm: {}.",
                members.join(", ")
            ),
            (CloseBlock::Missing { members }, Lang::En) => format!(
                "Cannot close yet: these members have not confirmed their sheet: {}.",
                members.join(", ")
            ),
            (CloseBlock::NoSheets, Lang::Vi) => {
                "Chưa có phiếu chấm nào của thành viên không có xung đột lợi ích.".into()
            }
            (CloseBlock::NoSheets, Lang::En) => {
                "No member without a conflict of interest has scored yet.".into()
            }
        }
    }
}

/// Who must have confirmed a sheet before the product can be closed: in a meeting,
/// every present, scoring, non-conflicted member (and the meeting needs its quorum);
/// in writing, every scoring, non-conflicted member.
pub fn can_close(mode: SessionMode, scorers: &[Scorer]) -> Result<(), CloseBlock> {
    if mode == SessionMode::Meeting {
        let seats: Vec<Seat> = scorers
            .iter()
            .map(|s| Seat {
                role: s.role,
                present: s.present,
                authorised: s.authorised,
            })
            .collect();
        let q = quorum(&seats);
        if !q.met {
            return Err(CloseBlock::NoQuorum {
                present: q.present,
                required: q.required,
                chair_present: q.chair_present,
            });
        }
    }
    let expected: Vec<&Scorer> = scorers.iter().filter(|s| s.counts(mode)).collect();
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

// ----- the agenda (issue 9, finding 6) -----

/// The dossier state that waits for a council of this level.
pub fn waiting_state(level: CouncilLevel) -> State {
    match level {
        CouncilLevel::District => State::DistrictCouncil,
        CouncilLevel::Province => State::ProvinceCouncil,
        CouncilLevel::Central => State::CentralCouncil,
    }
}

/// What is known about a product's dossier when it is proposed for an agenda.
#[derive(Debug, Clone, PartialEq)]
pub struct AgendaFacts {
    pub level: CouncilLevel,
    pub mode: SessionMode,
    /// The newest open dossier of the product: its state, kind and round.
    pub dossier: Option<(State, Kind, Option<i64>)>,
    /// The product (and dossier) lies in the council's area.
    pub in_area: bool,
    /// The round the session is tied to.
    pub session_round: Option<i64>,
    /// The rulebook of the session's date allows written opinions for re-evaluations.
    pub written_allowed: bool,
    /// The product is already on an open agenda item (any session).
    pub open_elsewhere: bool,
}

/// Why a product may not go on an agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AgendaRefusal {
    /// No dossier forwarded by the commune waits at this council's level.
    NoDossierWaiting {
        state: Option<State>,
    },
    OutOfArea,
    /// The session evaluates the dossiers of a round, and this one is not in it.
    NotInRound,
    /// Written opinions are for re-evaluations only (Art. 7.6.d).
    WrittenNotReevaluation,
    /// The rulebook of the session's date provides no written evaluation.
    WrittenNotProvided,
    AlreadyOnAgenda,
}

impl AgendaRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            AgendaRefusal::NoDossierWaiting { .. } => "no_dossier_waiting",
            AgendaRefusal::OutOfArea => "out_of_area",
            AgendaRefusal::NotInRound => "not_in_round",
            AgendaRefusal::WrittenNotReevaluation => "written_not_reevaluation",
            AgendaRefusal::WrittenNotProvided => "written_not_provided",
            AgendaRefusal::AlreadyOnAgenda => "already_on_agenda",
        }
    }
    /// 409 for a conflict with the record as it is, 422 for a request the rules refuse.
    pub fn status(&self) -> u16 {
        match self {
            AgendaRefusal::AlreadyOnAgenda => 409,
            _ => 422,
        }
    }
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        match self {
            AgendaRefusal::NoDossierWaiting { state } => {
                let st =
                    state
                        .map(|s| s.as_str())
                        .unwrap_or(if vi { "không có" } else { "none" });
                if vi {
                    format!("Chỉ đưa vào chương trình phiên họp hồ sơ đã được UBND cấp xã đánh giá, đề nghị và đang chờ Hội đồng cấp này (Điều 7 khoản 2, khoản 3 QĐ 26/2026/QĐ-TTg). Hồ sơ của sản phẩm này: {st}.")
                } else {
                    format!("Only a dossier the commune assessed and forwarded, waiting for a council of this level, may go on the agenda (QĐ 26/2026 Art. 7.2–7.3). This product's dossier: {st}.")
                }
            }
            AgendaRefusal::OutOfArea => {
                if vi {
                    "Sản phẩm không thuộc địa bàn của Hội đồng (Điều 7 khoản 3 QĐ 26/2026/QĐ-TTg: Hội đồng cấp tỉnh đánh giá sản phẩm trên địa bàn tỉnh).".into()
                } else {
                    "The product is outside the council's area (QĐ 26/2026 Art. 7.3: the province council evaluates the province's products).".into()
                }
            }
            AgendaRefusal::NotInRound => {
                if vi {
                    "Phiên họp này đánh giá các hồ sơ của một đợt; hồ sơ của sản phẩm không thuộc đợt đó (Điều 5 QĐ 26/2026/QĐ-TTg).".into()
                } else {
                    "This session evaluates one round's dossiers; this dossier is not in that round (QĐ 26/2026 Art. 5).".into()
                }
            }
            AgendaRefusal::WrittenNotReevaluation => {
                if vi {
                    "Hình thức lấy ý kiến bằng văn bản chỉ áp dụng cho hồ sơ đánh giá, phân hạng lại (Điều 7 khoản 6 điểm d QĐ 26/2026/QĐ-TTg); hồ sơ đánh giá lần đầu hoặc nâng hạng phải được Hội đồng họp đánh giá.".into()
                } else {
                    "Written opinions are for re-evaluation dossiers only (QĐ 26/2026 Art. 7.6.d); a first evaluation or an upgrade needs a council meeting.".into()
                }
            }
            AgendaRefusal::WrittenNotProvided => {
                if vi {
                    "Quy định áp dụng vào ngày của phiên không có hình thức đánh giá bằng văn bản; Hội đồng phải họp.".into()
                } else {
                    "The rules in force on the session's date provide no evaluation by written opinion; the council must meet.".into()
                }
            }
            AgendaRefusal::AlreadyOnAgenda => {
                if vi {
                    "Sản phẩm đang có trong chương trình một phiên họp khác chưa kết luận; mỗi sản phẩm chỉ được đánh giá tại một phiên cho đến khi có kết luận.".into()
                } else {
                    "The product is already on another session's agenda without a conclusion; a product is evaluated in one session at a time.".into()
                }
            }
        }
    }
}

/// May the product go on the agenda? The dossier must wait at this council's level
/// (forwarded by the commune, Art. 7.2–7.3), in the council's area, in the session's
/// round when it has one; written sessions take re-evaluations only (Art. 7.6.d); a
/// product is on at most one open agenda item.
pub fn check_agenda(f: &AgendaFacts) -> Result<(), AgendaRefusal> {
    if f.open_elsewhere {
        return Err(AgendaRefusal::AlreadyOnAgenda);
    }
    let Some((state, kind, round)) = f.dossier else {
        return Err(AgendaRefusal::NoDossierWaiting { state: None });
    };
    if state != waiting_state(f.level) {
        return Err(AgendaRefusal::NoDossierWaiting { state: Some(state) });
    }
    if !f.in_area {
        return Err(AgendaRefusal::OutOfArea);
    }
    if f.session_round.is_some() && f.session_round != round {
        return Err(AgendaRefusal::NotInRound);
    }
    if f.mode == SessionMode::Written {
        if !f.written_allowed {
            return Err(AgendaRefusal::WrittenNotProvided);
        }
        if kind != Kind::ReEvaluation {
            return Err(AgendaRefusal::WrittenNotReevaluation);
        }
    }
    Ok(())
}

// ----- divergence and knock-outs (findings 7, 8) -----

/// Knock-outs (điểm liệt) on the members' sheets that count: one applies to the
/// result when more than half of those members record it (the council concludes by
/// majority); any other recorded knock-out is a divergence the council discusses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KnockoutTally {
    pub applied: Vec<String>,
    pub minority: Vec<String>,
}

pub fn tally_knockouts(per_member: &[Vec<String>]) -> KnockoutTally {
    let n = per_member.len();
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for ks in per_member {
        let mut seen = std::collections::HashSet::new();
        for k in ks {
            let k = k.trim();
            if !k.is_empty() && seen.insert(k) {
                *counts.entry(k).or_default() += 1;
            }
        }
    }
    let mut t = KnockoutTally::default();
    for (k, c) in counts {
        if c * 2 > n {
            t.applied.push(k.to_string());
        } else {
            t.minority.push(k.to_string());
        }
    }
    t
}

/// Members' opinions that differ: in writing they send the item to a meeting
/// (Art. 7.6.d: "chỉ tổ chức họp trực tiếp khi có nhiều ý kiến đánh giá khác nhau");
/// in a meeting the council discusses before keeping the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Divergence {
    /// Members' totals differ by more than the rulebook's limit.
    Spread { spread: i32, limit: i32 },
    /// Members' own sheets give different stars.
    Stars { min: u8, max: u8 },
    /// Some, not most, members record a knock-out.
    Knockout { ids: Vec<String> },
}

impl Divergence {
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        match self {
            Divergence::Spread { spread, limit } => {
                if vi {
                    format!("Tổng điểm của các thành viên chênh lệch {spread} điểm, vượt mức {limit} điểm")
                } else {
                    format!("Members' totals differ by {spread} points, more than {limit}")
                }
            }
            Divergence::Stars { min, max } => {
                if vi {
                    format!("Phiếu của các thành viên cho hạng sao khác nhau ({min}–{max} sao)")
                } else {
                    format!("Members' sheets give different stars ({min}–{max})")
                }
            }
            Divergence::Knockout { ids } => {
                if vi {
                    format!("Một số thành viên ghi nhận điểm liệt: {}", ids.join(", "))
                } else {
                    format!("Some members record a knock-out: {}", ids.join(", "))
                }
            }
        }
    }
}

/// The first divergence among members' opinions, if any.
pub fn divergence(
    member_stars: &[u8],
    spread: i32,
    limit: i32,
    knockouts: &KnockoutTally,
) -> Option<Divergence> {
    if spread > limit {
        return Some(Divergence::Spread { spread, limit });
    }
    let min = member_stars.iter().min().copied();
    let max = member_stars.iter().max().copied();
    if let (Some(min), Some(max)) = (min, max) {
        if min != max {
            return Some(Divergence::Stars { min, max });
        }
    }
    if !knockouts.minority.is_empty() {
        return Some(Divergence::Knockout {
            ids: knockouts.minority.clone(),
        });
    }
    None
}

/// What closing does with the opinions as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum CloseStep {
    /// Write the result.
    Close,
    /// A meeting: flag for discussion first (the chair may then keep the result).
    Discuss(Divergence),
    /// In writing: the item turns into a meeting (Art. 7.6.d).
    ToMeeting(Divergence),
}

/// Closing an item whose opinions may diverge: in writing a divergence always sends
/// it to a meeting; in a meeting the council may keep the result after discussing.
pub fn close_step(
    mode: SessionMode,
    d: Option<Divergence>,
    keep_after_discussion: bool,
) -> CloseStep {
    match (mode, d) {
        (_, None) => CloseStep::Close,
        (SessionMode::Written, Some(d)) => CloseStep::ToMeeting(d),
        (SessionMode::Meeting, Some(_)) if keep_after_discussion => CloseStep::Close,
        (SessionMode::Meeting, Some(d)) => CloseStep::Discuss(d),
    }
}

/// The commune's written assessment of a dossier (QĐ 26/2026 Art. 7.2.a, Mẫu 03
/// section II): four contents and a proposal, no points — the council is not bound
/// by it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CommuneAssessment {
    /// Origin of the product and local raw materials.
    pub origin_materials: String,
    /// Use of local labour.
    pub local_labour: String,
    /// Origin of the product idea.
    pub idea_origin: String,
    /// Local identity and knowledge.
    pub local_identity: String,
    /// The commune's proposal to the province.
    pub proposal: String,
}

/// Longest text accepted in one field of the assessment.
pub const ASSESSMENT_MAX_CHARS: usize = 4000;

impl CommuneAssessment {
    pub const FIELDS: [&'static str; 5] = [
        "origin_materials",
        "local_labour",
        "idea_origin",
        "local_identity",
        "proposal",
    ];
    pub fn get(&self, field: &str) -> &str {
        match field {
            "origin_materials" => &self.origin_materials,
            "local_labour" => &self.local_labour,
            "idea_origin" => &self.idea_origin,
            "local_identity" => &self.local_identity,
            _ => &self.proposal,
        }
    }
    /// Fields that are empty or too long, with the reason (`required`, `too_long`).
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        Self::FIELDS
            .iter()
            .filter_map(|f| {
                let v = self.get(f).trim();
                if v.is_empty() {
                    Some((*f, "required"))
                } else if v.chars().count() > ASSESSMENT_MAX_CHARS {
                    Some((*f, "too_long"))
                } else {
                    None
                }
            })
            .collect()
    }
}

/// Who may write the commune's assessment (Art. 7.2): the commune officer of the
/// dossier's commune, or a district or province officer whose area holds it, while
/// the commune is checking the dossier (`submitted`).
pub fn may_assess(role: Role, in_scope: bool, state: State) -> Result<(), AssessRefusal> {
    if !matches!(
        role,
        Role::CommuneOfficer | Role::DistrictOfficer | Role::ProvinceOfficer
    ) || !in_scope
    {
        return Err(AssessRefusal::WrongRole);
    }
    if state != State::Submitted {
        return Err(AssessRefusal::WrongState { state });
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AssessRefusal {
    WrongRole,
    WrongState { state: State },
}

impl AssessRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            AssessRefusal::WrongRole => "wrong_role",
            AssessRefusal::WrongState { .. } => "wrong_state",
        }
    }
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (AssessRefusal::WrongRole, Lang::Vi) => "Chỉ cán bộ UBND cấp xã nơi nộp hồ sơ (hoặc cán bộ cấp huyện, cấp tỉnh phụ trách địa bàn) được lập báo cáo đánh giá của cấp xã (Điều 7 khoản 2 QĐ 26/2026/QĐ-TTg).".into(),
            (AssessRefusal::WrongRole, Lang::En) => "Only the officer of the commune where the dossier was filed (or a district or province officer of that area) writes the commune's assessment (QĐ 26/2026 Art. 7.2).".into(),
            (AssessRefusal::WrongState { state }, Lang::Vi) => format!("Báo cáo đánh giá của cấp xã được lập khi cấp xã đang kiểm tra hồ sơ (đã nộp), trước khi gửi UBND cấp tỉnh (Điều 7 khoản 2 QĐ 26/2026/QĐ-TTg); hồ sơ hiện {}.", state.label(Lang::Vi)),
            (AssessRefusal::WrongState { state }, Lang::En) => format!("The commune writes its assessment while it checks the dossier (submitted), before forwarding it to the province (QĐ 26/2026 Art. 7.2); the dossier is {}.", state.label(Lang::En)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                authorised: false,
            })
            .collect()
    }

    #[test]
    fn quorum_is_more_than_half_with_the_chair_or_an_authorised_vice_chair() {
        // 8 voting members: more than half is 5.
        let q = quorum(&seats(8, 5, true));
        assert_eq!((q.present, q.required, q.met), (5, 5, true));
        assert!(
            !quorum(&seats(8, 4, true)).met,
            "exactly half is not enough"
        );
        // 7 members: 4.
        assert!(quorum(&seats(7, 4, true)).met);
        assert!(!quorum(&seats(7, 3, true)).met);
        // Enough people but nobody to preside.
        let mut s = seats(8, 7, false);
        let q = quorum(&s);
        assert_eq!(q.present, 7);
        assert!(!q.met && !q.chair_present);
        // A vice-chair presides only when authorised.
        s[1].role = MemberRole::ViceChair;
        assert!(!quorum(&s).met);
        s[1].authorised = true;
        assert!(quorum(&s).met);
        s[1].present = false;
        assert!(!quorum(&s).met, "the authorised vice-chair must be present");
        // Advisers do not count either way.
        let mut s = seats(4, 3, true);
        s.push(Seat {
            role: MemberRole::Advisor,
            present: false,
            authorised: false,
        });
        assert!(quorum(&s).met);
        assert!(!quorum(&[]).met);
        assert!(NoQuorumMsg::check());
    }

    struct NoQuorumMsg;
    impl NoQuorumMsg {
        fn check() -> bool {
            let m = CloseBlock::NoQuorum {
                present: 2,
                required: 3,
                chair_present: false,
            }
            .message(Lang::Vi);
            m.contains("quá nửa") && m.contains("Điều 7") && m.contains("Phó Chủ tịch")
        }
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

    fn s(
        id: i64,
        role: MemberRole,
        present: bool,
        conflicted: bool,
        sheet: Option<SheetStatus>,
    ) -> Scorer {
        Scorer {
            member_id: id,
            name: format!("m{id}"),
            role,
            present,
            authorised: false,
            conflicted,
            sheet,
        }
    }

    #[test]
    fn closing_needs_every_expected_sheet_confirmed() {
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
            can_close(SessionMode::Meeting, &scorers),
            Err(CloseBlock::Missing {
                members: vec!["m2".into()]
            })
        );
        scorers[1].sheet = Some(SheetStatus::Locked);
        assert_eq!(
            can_close(SessionMode::Meeting, &scorers),
            Ok(()),
            "the conflicted member is left out"
        );
        // Without quorum nothing closes.
        for x in scorers.iter_mut().skip(1) {
            x.present = false;
        }
        assert!(matches!(
            can_close(SessionMode::Meeting, &scorers),
            Err(CloseBlock::NoQuorum { .. })
        ));
        // In writing there is no attendance, but everybody must answer.
        assert_eq!(can_close(SessionMode::Written, &scorers), Ok(()));
        scorers[3].sheet = None;
        assert!(matches!(
            can_close(SessionMode::Written, &scorers),
            Err(CloseBlock::Missing { .. })
        ));
    }

    #[test]
    fn absent_members_sheets_do_not_count_in_a_meeting() {
        let absent = s(
            5,
            MemberRole::Member,
            false,
            false,
            Some(SheetStatus::Locked),
        );
        assert!(!absent.counts(SessionMode::Meeting));
        assert!(absent.counts(SessionMode::Written));
        let conflicted = s(6, MemberRole::Member, true, true, Some(SheetStatus::Locked));
        assert!(!conflicted.counts(SessionMode::Meeting));
        let adviser = s(
            7,
            MemberRole::Advisor,
            true,
            false,
            Some(SheetStatus::Locked),
        );
        assert!(!adviser.counts(SessionMode::Written));
    }

    #[test]
    fn scores_stay_hidden_until_one_submits() {
        assert!(!may_see_others(None));
        assert!(!may_see_others(Some(SheetStatus::Draft)));
        assert!(may_see_others(Some(SheetStatus::Submitted)));
        assert!(may_see_others(Some(SheetStatus::Locked)));
    }

    fn facts() -> AgendaFacts {
        AgendaFacts {
            level: CouncilLevel::Province,
            mode: SessionMode::Meeting,
            dossier: Some((State::ProvinceCouncil, Kind::FirstEvaluation, Some(3))),
            in_area: true,
            session_round: None,
            written_allowed: true,
            open_elsewhere: false,
        }
    }

    #[test]
    fn the_agenda_takes_only_dossiers_waiting_at_the_councils_level() {
        assert_eq!(check_agenda(&facts()), Ok(()));
        let mut f = facts();
        f.dossier = None;
        assert_eq!(
            check_agenda(&f),
            Err(AgendaRefusal::NoDossierWaiting { state: None })
        );
        // Still at the commune: not forwarded.
        f.dossier = Some((State::Submitted, Kind::FirstEvaluation, None));
        let e = check_agenda(&f).unwrap_err();
        assert_eq!(e.code(), "no_dossier_waiting");
        assert!(e.message(Lang::Vi).contains("Điều 7"));
        // Waiting for another level.
        f.dossier = Some((State::CentralCouncil, Kind::FirstEvaluation, None));
        assert!(check_agenda(&f).is_err());
        f.level = CouncilLevel::Central;
        assert_eq!(check_agenda(&f), Ok(()));
        let mut f = facts();
        f.in_area = false;
        assert_eq!(check_agenda(&f), Err(AgendaRefusal::OutOfArea));
        // A session tied to a round takes that round's dossiers.
        let mut f = facts();
        f.session_round = Some(4);
        assert_eq!(check_agenda(&f), Err(AgendaRefusal::NotInRound));
        f.session_round = Some(3);
        assert_eq!(check_agenda(&f), Ok(()));
        let mut f = facts();
        f.open_elsewhere = true;
        let e = check_agenda(&f).unwrap_err();
        assert_eq!((e.code(), e.status()), ("already_on_agenda", 409));
    }

    #[test]
    fn written_opinions_are_for_re_evaluations_only() {
        let mut f = facts();
        f.mode = SessionMode::Written;
        let e = check_agenda(&f).unwrap_err();
        assert_eq!(e, AgendaRefusal::WrittenNotReevaluation);
        assert!(e.message(Lang::Vi).contains("Điều 7 khoản 6 điểm d"));
        assert!(e.message(Lang::En).contains("Art. 7.6.d"));
        f.dossier = Some((State::ProvinceCouncil, Kind::Upgrade, Some(3)));
        assert!(
            check_agenda(&f).is_err(),
            "an upgrade follows the first path"
        );
        f.dossier = Some((State::ProvinceCouncil, Kind::ReEvaluation, Some(3)));
        assert_eq!(check_agenda(&f), Ok(()));
        f.written_allowed = false;
        assert_eq!(check_agenda(&f), Err(AgendaRefusal::WrittenNotProvided));
    }

    #[test]
    fn diverging_written_opinions_go_to_a_meeting() {
        let none = KnockoutTally::default();
        assert_eq!(
            divergence(&[4, 4], 10, 10, &none),
            None,
            "10 is within the limit"
        );
        let d = divergence(&[4, 4], 11, 10, &none).unwrap();
        assert_eq!(
            d,
            Divergence::Spread {
                spread: 11,
                limit: 10
            }
        );
        let d = divergence(&[3, 4], 2, 10, &none).unwrap();
        assert_eq!(d, Divergence::Stars { min: 3, max: 4 });
        assert_eq!(
            close_step(SessionMode::Written, Some(d.clone()), true),
            CloseStep::ToMeeting(d.clone()),
            "in writing, keeping the result is not an option"
        );
        assert_eq!(
            close_step(SessionMode::Meeting, Some(d.clone()), false),
            CloseStep::Discuss(d.clone())
        );
        assert_eq!(
            close_step(SessionMode::Meeting, Some(d), true),
            CloseStep::Close
        );
        assert_eq!(
            close_step(SessionMode::Written, None, false),
            CloseStep::Close
        );
    }

    #[test]
    fn a_knock_out_applies_when_most_members_record_it() {
        let t = tally_knockouts(&[
            vec!["forged_dossier".into()],
            vec!["forged_dossier".into(), "copied_product".into()],
            vec![],
        ]);
        assert_eq!(t.applied, vec!["forged_dossier".to_string()]);
        assert_eq!(t.minority, vec!["copied_product".to_string()]);
        let d = divergence(&[0, 0, 0], 0, 10, &t).unwrap();
        assert!(matches!(d, Divergence::Knockout { .. }));
        // Half is not most.
        let t = tally_knockouts(&[vec!["x".into()], vec![]]);
        assert!(t.applied.is_empty() && t.minority == vec!["x".to_string()]);
        // A member recording the same one twice counts once.
        let t = tally_knockouts(&[vec!["x".into(), "x".into()], vec![], vec![]]);
        assert!(t.applied.is_empty());
    }

    #[test]
    fn the_commune_assesses_without_points_in_its_own_step() {
        let mut a = CommuneAssessment::default();
        assert_eq!(a.problems().len(), 5);
        a.origin_materials = "Chè Shan tuyết cổ thụ của xã".into();
        a.local_labour = "12 lao động địa phương".into();
        a.idea_origin = "Sản phẩm truyền thống".into();
        a.local_identity = "Tri thức chế biến của người Dao".into();
        a.proposal = "Đề nghị đánh giá 4 sao".into();
        assert!(a.problems().is_empty());
        a.proposal = "x".repeat(ASSESSMENT_MAX_CHARS + 1);
        assert_eq!(a.problems(), vec![("proposal", "too_long")]);
        assert_eq!(
            may_assess(Role::CommuneOfficer, true, State::Submitted),
            Ok(())
        );
        assert_eq!(
            may_assess(Role::ProvinceOfficer, true, State::Submitted),
            Ok(())
        );
        assert_eq!(
            may_assess(Role::CommuneOfficer, false, State::Submitted),
            Err(AssessRefusal::WrongRole)
        );
        assert_eq!(
            may_assess(Role::Producer, true, State::Submitted),
            Err(AssessRefusal::WrongRole)
        );
        assert_eq!(
            may_assess(Role::CouncilMember, true, State::Submitted),
            Err(AssessRefusal::WrongRole)
        );
        let e = may_assess(Role::CommuneOfficer, true, State::ProvinceCouncil).unwrap_err();
        assert!(e.message(Lang::Vi).contains("Điều 7 khoản 2"));
    }
}
