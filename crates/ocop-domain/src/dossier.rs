//! The dossier (hồ sơ) workflow as a state machine, driven by the rulebook: who may
//! move a dossier from which state to which, the levels it passes, deadlines in
//! working days with the clock stopped while a supplement is awaited, and the
//! transition rules between rulebooks.
//!
//! **Transition rule (1 July 2025).** A dossier keeps the criteria sheet of the
//! rulebook in force on its filing date, but every step not yet taken follows the
//! levels of the rulebook in force on the day of that step: a dossier filed in June
//! 2025 under the district process and still at the commune or district in July goes
//! to the province council (districts no longer exist).
//!
//! **Transition rule (QĐ 26/2026 Art. 12).** A dossier filed before 22/05/2026 and not
//! yet evaluated continues under the old rules but must be finished within 60 days
//! (first evaluation, upgrade) or 30 days (re-evaluation) of that date.

pub use crate::calendar::{deadline, is_working_day};
use crate::roles::Role;
use crate::rulebook::{Library, Rulebook};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// What the producer applies for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    FirstEvaluation,
    Upgrade,
    ReEvaluation,
}

/// Where a dossier stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    Submitted,
    SupplementRequested,
    Returned,
    DistrictCouncil,
    /// The province's standing agency has received the commune's file and checks
    /// its components and contents (QĐ 26/2026 Art. 7.3.a).
    ProvinceCheck,
    /// The standing agency asked the commune or the producer to complete the file
    /// (Art. 7.3.a "thông báo và hướng dẫn … hoàn thiện hồ sơ"); its clock stops.
    ProvinceSupplement,
    ProvinceCouncil,
    /// ≥ 90 at the province: the provincial chairman approves the result before the
    /// file goes to the ministry (QĐ 26/2026 Art. 7.3.e, 6.3.a). No certificate.
    ProvinceApproval,
    CentralCouncil,
    /// The ministry's result is under 90: the province chooses to recognise 3★/4★ on
    /// it or to evaluate again itself (Art. 7.4.g).
    CentralReturned,
    Recognised,
    NotRecognised,
    Withdrawn,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::SupplementRequested => "supplement_requested",
            State::Returned => "returned",
            State::DistrictCouncil => "district_council",
            State::ProvinceCheck => "province_check",
            State::ProvinceSupplement => "province_supplement",
            State::ProvinceCouncil => "province_council",
            State::ProvinceApproval => "province_approval",
            State::CentralCouncil => "central_council",
            State::CentralReturned => "central_returned",
            State::Recognised => "recognised",
            State::NotRecognised => "not_recognised",
            State::Withdrawn => "withdrawn",
        }
    }
    /// Every state, in workflow order.
    pub const ALL: [State; 14] = [
        State::Draft,
        State::Submitted,
        State::SupplementRequested,
        State::Returned,
        State::DistrictCouncil,
        State::ProvinceCheck,
        State::ProvinceSupplement,
        State::ProvinceCouncil,
        State::ProvinceApproval,
        State::CentralCouncil,
        State::CentralReturned,
        State::Recognised,
        State::NotRecognised,
        State::Withdrawn,
    ];

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The state in words, for messages.
    pub fn label(self, lang: crate::registry::Lang) -> &'static str {
        match self {
            State::Draft => lang.pick("đang soạn", "draft"),
            State::Submitted => lang.pick(
                "đã nộp, cấp xã đang kiểm tra",
                "submitted, the commune checks",
            ),
            State::SupplementRequested => lang.pick("chờ bổ sung", "supplement requested"),
            State::Returned => lang.pick("bị trả lại", "returned"),
            State::DistrictCouncil => {
                lang.pick("chờ Hội đồng cấp huyện", "at the district council")
            }
            State::ProvinceCheck => lang.pick(
                "cơ quan tham mưu cấp tỉnh đang kiểm tra hồ sơ",
                "the province's standing agency checks the file",
            ),
            State::ProvinceSupplement => lang.pick(
                "chờ bổ sung theo yêu cầu của cấp tỉnh",
                "supplement requested by the province",
            ),
            State::ProvinceCouncil => lang.pick("chờ Hội đồng cấp tỉnh", "at the province council"),
            State::ProvinceApproval => lang.pick(
                "chờ Chủ tịch UBND tỉnh phê duyệt kết quả",
                "awaiting the provincial chairman's approval",
            ),
            State::CentralCouncil => {
                lang.pick("chờ Hội đồng cấp trung ương", "at the central council")
            }
            State::CentralReturned => lang.pick(
                "chờ tỉnh quyết định theo kết quả trung ương",
                "awaiting the province's choice on the central result",
            ),
            State::Recognised => lang.pick("đã được công nhận", "recognised"),
            State::NotRecognised => lang.pick("không được công nhận", "not recognised"),
            State::Withdrawn => lang.pick("đã rút", "withdrawn"),
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            State::Recognised | State::NotRecognised | State::Withdrawn | State::Returned
        )
    }
}

/// Something that happens to a dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Submit,
    RequestSupplement {
        reason: String,
    },
    Supplemented,
    Return {
        reason: String,
    },
    /// The commune's check is complete: forward to the council of the level in force
    /// (under a rulebook without districts, to the province's standing agency first).
    ForwardToCouncil,
    /// The province's standing agency found the file complete: it goes before the
    /// provincial council (Art. 7.3.a–b). The re-evaluation clock (Art. 7.6.g: 45
    /// days from a complete file) starts here.
    Accept,
    /// A council's result (average score and stars).
    CouncilResult {
        score: f64,
        stars: u8,
    },
    /// The provincial chairman approves a ≥ 90 result and the province sends the
    /// Art. 6.3 file to the ministry (Art. 7.3.e); `reference` names the approval
    /// decision.
    ApproveResult {
        #[serde(default)]
        reference: String,
    },
    /// The central council's result for a product forwarded with ≥ 90, with the
    /// reference of the document that brought it back (the ministry's letter, or the
    /// session that scored it). The stars are checked against the score: the band
    /// of the score, capped by the mandatory marks the letter says are unmet
    /// (`marks_unmet_from`: the lowest star level whose marks are not met) or 0 for a
    /// knock-out — the rule of the calculator.
    CentralResult {
        score: f64,
        stars: u8,
        #[serde(default)]
        reference: String,
        #[serde(default)]
        marks_unmet_from: Option<u8>,
        #[serde(default)]
        knockout: bool,
    },
    /// Under 90 at the ministry, the province recognises the central council's stars
    /// (3★/4★) — an explicit choice (Art. 7.4.g). `stars` is filled by the store from
    /// the recorded central result, never from the request.
    RecogniseCentralResult {
        #[serde(default)]
        stars: u8,
    },
    /// Under 90 at the ministry, the province evaluates again itself (Art. 7.4.g).
    EvaluateAgain {
        #[serde(default)]
        reason: String,
    },
    /// Under 90 at the ministry, the province recognises nothing.
    Decline {
        #[serde(default)]
        reason: String,
    },
    Withdraw,
}

impl Event {
    /// The event a page's button or an API call names by `code`, with its reason
    /// (the approval's decision reference for `approve`). `central_result` carries
    /// numbers and is built by its own form.
    pub fn from_code(code: &str, reason: String) -> Option<Event> {
        Some(match code {
            "submit" => Event::Submit,
            "request_supplement" => Event::RequestSupplement { reason },
            "supplemented" => Event::Supplemented,
            "forward" => Event::ForwardToCouncil,
            "accept" => Event::Accept,
            "return" => Event::Return { reason },
            "withdraw" => Event::Withdraw,
            "approve" => Event::ApproveResult { reference: reason },
            "recognise_central" => Event::RecogniseCentralResult { stars: 0 },
            "evaluate_again" => Event::EvaluateAgain { reason },
            "decline" => Event::Decline { reason },
            _ => return None,
        })
    }

    /// Every code [`from_code`](Self::from_code) knows, with whether it needs a
    /// reason and whether it ends the dossier's chances (shown as a danger).
    pub const CODES: [(&'static str, bool, bool); 11] = [
        ("submit", false, false),
        ("request_supplement", true, false),
        ("supplemented", false, false),
        ("forward", false, false),
        ("accept", false, false),
        ("approve", true, false),
        ("recognise_central", false, false),
        ("evaluate_again", false, false),
        ("return", true, true),
        ("decline", true, true),
        ("withdraw", false, true),
    ];
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refusal {
    WrongState {
        state: State,
    },
    WrongRole {
        role: Role,
    },
    ReasonRequired,
    /// The stars do not follow from the score and marks: these are.
    StarsMismatch {
        expected: u8,
    },
    /// Fewer than 3 stars are not recognised (Art. 4.1.a).
    BelowThreeStars,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::WrongState { .. } => "wrong_state",
            Refusal::WrongRole { .. } => "wrong_role",
            Refusal::ReasonRequired => "reason_required",
            Refusal::StarsMismatch { .. } => "stars_mismatch",
            Refusal::BelowThreeStars => "below_three_stars",
        }
    }
}

/// The outcome of an accepted transition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub to: State,
    /// Stars to recognise (with `Recognised`).
    pub recognised_stars: Option<u8>,
    /// The level whose decision recognises them.
    pub recognised_by: Option<crate::workflow::Level>,
}

fn level_council(rb: &Rulebook) -> State {
    if rb.levels.iter().any(|l| l.level == "district") {
        State::DistrictCouncil
    } else {
        State::ProvinceCouncil
    }
}

/// Applies an event. `rb_now` is the rulebook in force on the day of the step (see
/// the transition rule in the module documentation).
pub fn apply(
    state: State,
    event: &Event,
    role: Role,
    rb_now: &Rulebook,
) -> Result<Outcome, Refusal> {
    use crate::workflow::Level;
    use Role::*;
    let officer_at = |ok: &[Role]| {
        if ok.contains(&role) || role == Admin {
            Ok(())
        } else {
            Err(Refusal::WrongRole { role })
        }
    };
    let to = |s: State| {
        Ok(Outcome {
            to: s,
            recognised_stars: None,
            recognised_by: None,
        })
    };
    let needs = |r: &str| {
        if r.trim().is_empty() {
            Err(Refusal::ReasonRequired)
        } else {
            Ok(())
        }
    };
    match (state, event) {
        (State::Draft, Event::Submit) => {
            officer_at(&[Producer, CommuneOfficer])?;
            to(State::Submitted)
        }
        (State::Submitted, Event::RequestSupplement { reason })
        | (State::Submitted, Event::Return { reason }) => {
            officer_at(&[CommuneOfficer, DistrictOfficer, ProvinceOfficer])?;
            needs(reason)?;
            to(if matches!(event, Event::Return { .. }) {
                State::Returned
            } else {
                State::SupplementRequested
            })
        }
        (State::SupplementRequested, Event::Supplemented) => {
            officer_at(&[Producer, CommuneOfficer])?;
            to(State::Submitted)
        }
        (State::Submitted, Event::ForwardToCouncil) => {
            officer_at(&[CommuneOfficer, DistrictOfficer, ProvinceOfficer])?;
            // The commune sends the file to the province, whose standing agency
            // receives and checks it before any council (Art. 7.2.b, 7.3.a).
            to(match level_council(rb_now) {
                State::ProvinceCouncil => State::ProvinceCheck,
                s => s,
            })
        }
        // A dossier waiting for a district council on 1 July 2025 goes to the
        // province, which receives and checks it like any other.
        (State::DistrictCouncil, Event::ForwardToCouncil)
            if level_council(rb_now) == State::ProvinceCouncil =>
        {
            officer_at(&[DistrictOfficer, ProvinceOfficer])?;
            to(State::ProvinceCheck)
        }
        // The standing agency's check (Art. 7.3.a): complete → the council; not
        // complete → the commune or producer completes it; not admissible → returned.
        (State::ProvinceCheck, Event::Accept) => {
            officer_at(&[ProvinceOfficer])?;
            to(State::ProvinceCouncil)
        }
        (State::ProvinceCheck, Event::RequestSupplement { reason })
        | (State::ProvinceCheck, Event::Return { reason }) => {
            officer_at(&[ProvinceOfficer])?;
            needs(reason)?;
            to(if matches!(event, Event::Return { .. }) {
                State::Returned
            } else {
                State::ProvinceSupplement
            })
        }
        (State::ProvinceSupplement, Event::Supplemented) => {
            officer_at(&[Producer, CommuneOfficer])?;
            to(State::ProvinceCheck)
        }
        (
            s @ (State::DistrictCouncil | State::ProvinceCouncil),
            Event::CouncilResult { score, stars },
        ) => {
            let level = if s == State::DistrictCouncil {
                Level::District
            } else {
                Level::Province
            };
            // The council's result is recorded by its own level (Art. 7.3.d–e).
            officer_at(&[level.officer()])?;
            if *stars > 5 || *stars > rb_now.band(*score) {
                return Err(Refusal::StarsMismatch {
                    expected: rb_now.band(*score),
                });
            }
            let here = rb_now.levels.iter().find(|l| l.level == level.as_str());
            let recognises = here.map(|l| l.recognises.clone()).unwrap_or_default();
            let top_here = recognises.iter().copied().max().unwrap_or(0);
            // Forwarded when the stars exceed what this level recognises and the
            // score reaches the next level's threshold: no certificate here (QĐ
            // 26/2026 Art. 4.1, 7.3.e — the chairman approves the result, the
            // ministry recognises 5★; QĐ 148: the district forwards 4★ candidates).
            let forward = *stars > top_here
                && here
                    .and_then(|l| l.forward_min_score)
                    .is_some_and(|min| *score >= min as f64);
            if forward {
                return to(if s == State::DistrictCouncil {
                    State::ProvinceCouncil
                } else {
                    State::ProvinceApproval
                });
            }
            if *stars >= rb_now.recognised_min_stars {
                let best = recognises.iter().copied().filter(|r| *r <= *stars).max();
                return match best {
                    Some(st) => Ok(Outcome {
                        to: State::Recognised,
                        recognised_stars: Some(st),
                        recognised_by: Some(level),
                    }),
                    None => to(State::NotRecognised),
                };
            }
            to(State::NotRecognised)
        }
        (State::ProvinceApproval, Event::ApproveResult { reference }) => {
            officer_at(&[ProvinceOfficer])?;
            needs(reference)?;
            to(State::CentralCouncil)
        }
        (
            State::CentralCouncil,
            Event::CentralResult {
                score,
                stars,
                reference,
                marks_unmet_from,
                knockout,
            },
        ) => {
            // The ministry scores; the province records what comes back.
            officer_at(&[CentralOfficer, ProvinceOfficer])?;
            needs(reference)?;
            let expected = central_stars(rb_now, *score, *marks_unmet_from, *knockout);
            if *stars != expected {
                return Err(Refusal::StarsMismatch { expected });
            }
            Ok(central_outcome(*stars))
        }
        (State::CentralReturned, Event::RecogniseCentralResult { stars }) => {
            officer_at(&[ProvinceOfficer])?;
            if *stars < rb_now.recognised_min_stars.max(3) {
                return Err(Refusal::BelowThreeStars);
            }
            Ok(Outcome {
                to: State::Recognised,
                recognised_stars: Some((*stars).min(4)),
                recognised_by: Some(Level::Province),
            })
        }
        (State::CentralReturned, Event::EvaluateAgain { .. }) => {
            officer_at(&[ProvinceOfficer])?;
            to(State::ProvinceCouncil)
        }
        (State::CentralReturned, Event::Decline { reason }) => {
            officer_at(&[ProvinceOfficer])?;
            needs(reason)?;
            to(State::NotRecognised)
        }
        (s, Event::Withdraw) if !s.is_final() => {
            officer_at(&[Producer])?;
            to(State::Withdrawn)
        }
        (s, _) => Err(Refusal::WrongState { state: s }),
    }
}

/// The stars that follow from a central score: the band, capped by unmet
/// mandatory marks (marks for level N unmet → at most N − 1 stars), 0 for a
/// knock-out — the rule of [`crate::scoring`].
pub fn central_stars(
    rb: &Rulebook,
    score: f64,
    marks_unmet_from: Option<u8>,
    knockout: bool,
) -> u8 {
    if knockout {
        return 0;
    }
    let band = rb.band(score);
    match marks_unmet_from {
        Some(n) if (3..=5).contains(&n) => band.min(n - 1),
        _ => band,
    }
}

/// What the central council's result means: 5★ recognised by the ministry; under
/// that, back to the province for its choice (Art. 7.4.g).
pub fn central_outcome(stars: u8) -> Outcome {
    if stars == 5 {
        Outcome {
            to: State::Recognised,
            recognised_stars: Some(5),
            recognised_by: Some(crate::workflow::Level::Central),
        }
    } else {
        Outcome {
            to: State::CentralReturned,
            recognised_stars: None,
            recognised_by: None,
        }
    }
}

/// The rulebook a dossier is evaluated under: the one in force on its filing date.
pub fn rulebook_for_filing(lib: &Library, filed_on: NaiveDate) -> Option<&Rulebook> {
    lib.in_force(filed_on)
}

/// The last day to finish a dossier filed under the old rules before QĐ 26/2026
/// (Art. 12): 60 days (first evaluation, upgrade) or 30 days (re-evaluation) after
/// its entry into force. `None` when the dossier is not transitional.
pub fn transition_deadline(lib: &Library, filed_on: NaiveDate, kind: Kind) -> Option<NaiveDate> {
    let new = lib
        .rulebooks
        .iter()
        .filter(|r| r.transition.contains_key("first_evaluation_days"))
        .max_by_key(|r| r.in_force_from)?;
    if filed_on >= new.in_force_from {
        return None;
    }
    let key = if kind == Kind::ReEvaluation {
        "reevaluation_days"
    } else {
        "first_evaluation_days"
    };
    let days = new.transition.get(key)?.as_integer()?;
    Some(new.in_force_from + Duration::days(days))
}

/// When a dossier's council stage must be done: the earliest of the closing date of
/// the round it joined, the re-evaluation's decision limit (`reevaluation_decision_days`
/// after reaching the council, QĐ 26/2026: 45) and the Art. 12 transition limit;
/// `None` when none applies.
pub fn council_deadline(
    rb: &Rulebook,
    kind: Kind,
    entered_on: NaiveDate,
    round_closes_on: Option<NaiveDate>,
    transition: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let reeval = (kind == Kind::ReEvaluation)
        .then(|| rb.deadlines.get("reevaluation_decision_days"))
        .flatten()
        .map(|d| entered_on + Duration::days(*d));
    [round_closes_on, reeval, transition]
        .into_iter()
        .flatten()
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn lib() -> Library {
        Library::embedded()
    }

    #[test]
    fn the_commune_path_under_qd26() {
        let lib = lib();
        let rb = lib.rulebook("QD26-2026").unwrap();
        let s = apply(State::Draft, &Event::Submit, Role::Producer, rb)
            .unwrap()
            .to;
        assert_eq!(s, State::Submitted);
        assert_eq!(
            apply(
                s,
                &Event::RequestSupplement { reason: "".into() },
                Role::CommuneOfficer,
                rb
            ),
            Err(Refusal::ReasonRequired)
        );
        let s = apply(
            s,
            &Event::RequestSupplement {
                reason: "Thiếu giấy ATTP".into(),
            },
            Role::CommuneOfficer,
            rb,
        )
        .unwrap()
        .to;
        assert_eq!(s, State::SupplementRequested);
        let s = apply(s, &Event::Supplemented, Role::Producer, rb)
            .unwrap()
            .to;
        let s = apply(s, &Event::ForwardToCouncil, Role::CommuneOfficer, rb)
            .unwrap()
            .to;
        // The province's standing agency receives and checks it (Art. 7.3.a).
        assert_eq!(s, State::ProvinceCheck);
        assert_eq!(
            apply(s, &Event::Accept, Role::CommuneOfficer, rb),
            Err(Refusal::WrongRole {
                role: Role::CommuneOfficer
            })
        );
        assert_eq!(
            apply(
                s,
                &Event::RequestSupplement { reason: " ".into() },
                Role::ProvinceOfficer,
                rb
            ),
            Err(Refusal::ReasonRequired)
        );
        let s = apply(
            s,
            &Event::RequestSupplement {
                reason: "Bổ sung phiếu kiểm nghiệm".into(),
            },
            Role::ProvinceOfficer,
            rb,
        )
        .unwrap()
        .to;
        assert_eq!(s, State::ProvinceSupplement);
        // The file cannot skip the check while it is being completed.
        assert!(apply(s, &Event::Accept, Role::ProvinceOfficer, rb).is_err());
        let s = apply(s, &Event::Supplemented, Role::CommuneOfficer, rb)
            .unwrap()
            .to;
        assert_eq!(s, State::ProvinceCheck);
        // Nothing is scored before the file is accepted.
        assert!(apply(
            s,
            &Event::CouncilResult {
                score: 78.5,
                stars: 4
            },
            Role::ProvinceOfficer,
            rb
        )
        .is_err());
        let s = apply(s, &Event::Accept, Role::ProvinceOfficer, rb)
            .unwrap()
            .to;
        assert_eq!(s, State::ProvinceCouncil);
        let o = apply(
            s,
            &Event::CouncilResult {
                score: 78.5,
                stars: 4,
            },
            Role::ProvinceOfficer,
            rb,
        )
        .unwrap();
        assert_eq!((o.to, o.recognised_stars), (State::Recognised, Some(4)));
    }

    #[test]
    fn the_wrong_role_or_state_changes_nothing() {
        let lib = lib();
        let rb = lib.rulebook("QD26-2026").unwrap();
        assert_eq!(
            apply(
                State::Draft,
                &Event::ForwardToCouncil,
                Role::CommuneOfficer,
                rb
            ),
            Err(Refusal::WrongState {
                state: State::Draft
            })
        );
        assert_eq!(
            apply(
                State::Submitted,
                &Event::ForwardToCouncil,
                Role::Producer,
                rb
            ),
            Err(Refusal::WrongRole {
                role: Role::Producer
            })
        );
        assert_eq!(
            apply(State::Recognised, &Event::Withdraw, Role::Producer, rb),
            Err(Refusal::WrongState {
                state: State::Recognised
            })
        );
    }

    fn step(s: State, e: Event, r: Role, rb: &Rulebook) -> Outcome {
        apply(s, &e, r, rb).unwrap_or_else(|x| panic!("{s:?} {e:?} as {r:?}: {x:?}"))
    }

    fn central(score: f64, stars: u8) -> Event {
        Event::CentralResult {
            score,
            stars,
            reference: "Công văn 1/BNNMT".into(),
            marks_unmet_from: None,
            knockout: false,
        }
    }

    #[test]
    fn ninety_points_are_approved_by_the_chairman_and_go_to_the_ministry_without_a_certificate() {
        use crate::workflow::Level;
        let lib = lib();
        let rb = lib.rulebook("QD26-2026").unwrap();
        let o = step(
            State::ProvinceCouncil,
            Event::CouncilResult {
                score: 91.0,
                stars: 5,
            },
            Role::ProvinceOfficer,
            rb,
        );
        assert_eq!(
            (o.to, o.recognised_stars),
            (State::ProvinceApproval, None),
            "Art. 4.1, 7.3.e: no provincial certificate for a ≥ 90 product"
        );
        // ≥ 90 but capped at 4★ by an unmet 5★ mark: the province recognises 4★.
        let o = step(
            State::ProvinceCouncil,
            Event::CouncilResult {
                score: 92.0,
                stars: 4,
            },
            Role::ProvinceOfficer,
            rb,
        );
        assert_eq!(
            (o.to, o.recognised_stars, o.recognised_by),
            (State::Recognised, Some(4), Some(Level::Province))
        );
        // The approval needs its decision's reference and the province.
        assert_eq!(
            apply(
                State::ProvinceApproval,
                &Event::ApproveResult {
                    reference: " ".into()
                },
                Role::ProvinceOfficer,
                rb
            ),
            Err(Refusal::ReasonRequired)
        );
        assert!(matches!(
            apply(
                State::ProvinceApproval,
                &Event::ApproveResult {
                    reference: "QĐ 12/QĐ-UBND".into()
                },
                Role::CentralOfficer,
                rb
            ),
            Err(Refusal::WrongRole { .. })
        ));
        let s = step(
            State::ProvinceApproval,
            Event::ApproveResult {
                reference: "QĐ 12/QĐ-UBND".into(),
            },
            Role::ProvinceOfficer,
            rb,
        )
        .to;
        assert_eq!(s, State::CentralCouncil);
        // 5★ at the ministry: recognised by the ministry.
        let o = step(s, central(92.0, 5), Role::CentralOfficer, rb);
        assert_eq!(
            (o.to, o.recognised_stars, o.recognised_by),
            (State::Recognised, Some(5), Some(Level::Central))
        );
        // 95 points with 4 stars and no unmet mark is refused: the stars follow the score.
        assert_eq!(
            apply(s, &central(95.0, 4), Role::ProvinceOfficer, rb),
            Err(Refusal::StarsMismatch { expected: 5 })
        );
        let capped = Event::CentralResult {
            score: 95.0,
            stars: 4,
            reference: "CV 2".into(),
            marks_unmet_from: Some(5),
            knockout: false,
        };
        assert_eq!(
            step(s, capped, Role::ProvinceOfficer, rb).to,
            State::CentralReturned
        );
        // Under 90: back to the province, which chooses — never automatic.
        let o = step(s, central(86.0, 4), Role::CentralOfficer, rb);
        assert_eq!((o.to, o.recognised_stars), (State::CentralReturned, None));
        let o = step(
            State::CentralReturned,
            Event::RecogniseCentralResult { stars: 4 },
            Role::ProvinceOfficer,
            rb,
        );
        assert_eq!(
            (o.to, o.recognised_stars, o.recognised_by),
            (State::Recognised, Some(4), Some(Level::Province))
        );
        assert_eq!(
            step(
                State::CentralReturned,
                Event::EvaluateAgain {
                    reason: String::new()
                },
                Role::ProvinceOfficer,
                rb
            )
            .to,
            State::ProvinceCouncil
        );
        assert!(matches!(
            apply(
                State::CentralReturned,
                &Event::RecogniseCentralResult { stars: 4 },
                Role::CentralOfficer,
                rb
            ),
            Err(Refusal::WrongRole { .. })
        ));
        assert_eq!(
            apply(
                State::CentralReturned,
                &Event::RecogniseCentralResult { stars: 2 },
                Role::ProvinceOfficer,
                rb
            ),
            Err(Refusal::BelowThreeStars)
        );
        // The reference is required; a commune officer may not record it.
        let ev = |r: &str| Event::CentralResult {
            score: 40.0,
            stars: 2,
            reference: r.into(),
            marks_unmet_from: None,
            knockout: false,
        };
        assert_eq!(
            apply(State::CentralCouncil, &ev(" "), Role::ProvinceOfficer, rb),
            Err(Refusal::ReasonRequired)
        );
        assert!(matches!(
            apply(State::CentralCouncil, &ev("CV 3"), Role::CommuneOfficer, rb),
            Err(Refusal::WrongRole { .. })
        ));
        assert_eq!(
            step(
                State::CentralReturned,
                Event::Decline {
                    reason: "Không đủ 3 sao".into()
                },
                Role::ProvinceOfficer,
                rb
            )
            .to,
            State::NotRecognised
        );
    }

    #[test]
    fn a_council_result_is_recorded_by_its_level_and_its_stars_follow_the_score() {
        let lib = lib();
        let rb = lib.rulebook("QD26-2026").unwrap();
        let ev = Event::CouncilResult {
            score: 78.0,
            stars: 4,
        };
        assert!(matches!(
            apply(State::ProvinceCouncil, &ev, Role::CentralOfficer, rb),
            Err(Refusal::WrongRole { .. })
        ));
        assert_eq!(
            apply(
                State::ProvinceCouncil,
                &Event::CouncilResult {
                    score: 65.0,
                    stars: 4
                },
                Role::ProvinceOfficer,
                rb
            ),
            Err(Refusal::StarsMismatch { expected: 3 })
        );
        // A 75-point product missing a 3★ mark is capped at 2★: not recognised.
        assert_eq!(
            step(
                State::ProvinceCouncil,
                Event::CouncilResult {
                    score: 75.0,
                    stars: 2
                },
                Role::ProvinceOfficer,
                rb
            )
            .to,
            State::NotRecognised
        );
    }

    #[test]
    fn under_qd148_the_district_recognises_three_stars_and_forwards_seventy() {
        let lib = lib();
        let rb = lib.rulebook("QD148-2023").unwrap();
        let s = apply(
            State::Submitted,
            &Event::ForwardToCouncil,
            Role::CommuneOfficer,
            rb,
        )
        .unwrap()
        .to;
        assert_eq!(s, State::DistrictCouncil);
        let o = apply(
            s,
            &Event::CouncilResult {
                score: 62.0,
                stars: 3,
            },
            Role::DistrictOfficer,
            rb,
        )
        .unwrap();
        assert_eq!((o.to, o.recognised_stars), (State::Recognised, Some(3)));
        let o = apply(
            s,
            &Event::CouncilResult {
                score: 74.0,
                stars: 4,
            },
            Role::DistrictOfficer,
            rb,
        )
        .unwrap();
        assert_eq!(o.to, State::ProvinceCouncil);
        let o = apply(
            State::ProvinceCouncil,
            &Event::CouncilResult {
                score: 74.0,
                stars: 4,
            },
            Role::ProvinceOfficer,
            rb,
        )
        .unwrap();
        assert_eq!((o.to, o.recognised_stars), (State::Recognised, Some(4)));
        let o = apply(
            s,
            &Event::CouncilResult {
                score: 45.0,
                stars: 2,
            },
            Role::DistrictOfficer,
            rb,
        )
        .unwrap();
        assert_eq!(o.to, State::NotRecognised);
    }

    #[test]
    fn a_june_2025_district_dossier_goes_to_the_province_in_july() {
        let lib = lib();
        let june = rulebook_for_filing(&lib, d(2025, 6, 20)).unwrap();
        assert_eq!(june.id, "QD148-2023");
        let s = apply(
            State::Submitted,
            &Event::ForwardToCouncil,
            Role::CommuneOfficer,
            june,
        )
        .unwrap()
        .to;
        assert_eq!(s, State::DistrictCouncil);
        let july = lib.in_force(d(2025, 7, 10)).unwrap();
        let s = apply(s, &Event::ForwardToCouncil, Role::ProvinceOfficer, july)
            .unwrap()
            .to;
        assert_eq!(s, State::ProvinceCheck);
        // And a dossier still at the commune in July goes to the province directly.
        assert_eq!(
            apply(
                State::Submitted,
                &Event::ForwardToCouncil,
                Role::CommuneOfficer,
                july
            )
            .unwrap()
            .to,
            State::ProvinceCheck
        );
    }

    #[test]
    fn the_council_stage_ends_with_the_round_or_45_days_for_a_re_evaluation() {
        let lib = lib();
        let rb = lib.rulebook("QD26-2026").unwrap();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            council_deadline(
                rb,
                Kind::FirstEvaluation,
                d(2026, 11, 2),
                Some(d(2026, 12, 30)),
                None
            ),
            Some(d(2026, 12, 30)),
            "the round's closing date"
        );
        assert_eq!(
            council_deadline(
                rb,
                Kind::ReEvaluation,
                d(2026, 11, 2),
                Some(d(2026, 12, 30)),
                None
            ),
            Some(d(2026, 12, 17)),
            "45 days for a re-evaluation, earlier than the round"
        );
        assert_eq!(
            council_deadline(
                rb,
                Kind::FirstEvaluation,
                d(2026, 5, 1),
                None,
                Some(d(2026, 7, 21))
            ),
            Some(d(2026, 7, 21)),
            "Art. 12"
        );
        assert_eq!(
            council_deadline(rb, Kind::Upgrade, d(2026, 11, 2), None, None),
            None
        );
    }

    #[test]
    fn article_12_transition_deadlines() {
        let lib = lib();
        assert_eq!(
            transition_deadline(&lib, d(2026, 5, 10), Kind::FirstEvaluation),
            Some(d(2026, 7, 21))
        );
        assert_eq!(
            transition_deadline(&lib, d(2026, 5, 10), Kind::ReEvaluation),
            Some(d(2026, 6, 21))
        );
        assert_eq!(
            transition_deadline(&lib, d(2026, 6, 1), Kind::FirstEvaluation),
            None
        );
        assert_eq!(
            rulebook_for_filing(&lib, d(2026, 5, 10)).unwrap().id,
            "QD148-1489-2025"
        );
    }
}
