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
    ProvinceCouncil,
    CentralCouncil,
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
            State::ProvinceCouncil => "province_council",
            State::CentralCouncil => "central_council",
            State::Recognised => "recognised",
            State::NotRecognised => "not_recognised",
            State::Withdrawn => "withdrawn",
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
    /// The commune's check is complete: forward to the council of the level in force.
    ForwardToCouncil,
    /// A council's result (average score and stars).
    CouncilResult {
        score: f64,
        stars: u8,
    },
    /// The central council's result for a product forwarded with ≥ 90, with the
    /// reference of the document that brought it back (the ministry's letter, or the
    /// session that scored it).
    CentralResult {
        score: f64,
        stars: u8,
        #[serde(default)]
        reference: String,
    },
    Withdraw,
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refusal {
    WrongState { state: State },
    WrongRole { role: Role },
    ReasonRequired,
}

/// The outcome of an accepted transition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub to: State,
    /// Stars to recognise at this level (with `Recognised`).
    pub recognised_stars: Option<u8>,
}

fn level_council(rb: &Rulebook) -> State {
    if rb.levels.iter().any(|l| l.level == "district") {
        State::DistrictCouncil
    } else {
        State::ProvinceCouncil
    }
}

fn level_name(s: State) -> &'static str {
    match s {
        State::DistrictCouncil => "district",
        State::ProvinceCouncil => "province",
        _ => "central",
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
        })
    };
    match (state, event) {
        (State::Draft, Event::Submit) => {
            officer_at(&[Producer, CommuneOfficer])?;
            to(State::Submitted)
        }
        (State::Submitted, Event::RequestSupplement { reason })
        | (State::Submitted, Event::Return { reason }) => {
            officer_at(&[CommuneOfficer, DistrictOfficer, ProvinceOfficer])?;
            if reason.trim().is_empty() {
                return Err(Refusal::ReasonRequired);
            }
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
            to(level_council(rb_now))
        }
        // A dossier waiting for a district council on 1 July 2025 goes to the province.
        (State::DistrictCouncil, Event::ForwardToCouncil)
            if level_council(rb_now) == State::ProvinceCouncil =>
        {
            officer_at(&[DistrictOfficer, ProvinceOfficer])?;
            to(State::ProvinceCouncil)
        }
        (
            s @ (State::DistrictCouncil | State::ProvinceCouncil),
            Event::CouncilResult { score, stars },
        ) => {
            officer_at(&[DistrictOfficer, ProvinceOfficer, CentralOfficer])?;
            let here = level_name(s);
            let level = rb_now.levels.iter().find(|l| l.level == here);
            let recognises = level.map(|l| l.recognises.clone()).unwrap_or_default();
            let forward = level
                .and_then(|l| l.forward_min_score)
                .is_some_and(|min| *score >= min as f64);
            if forward {
                let next = if s == State::DistrictCouncil {
                    State::ProvinceCouncil
                } else {
                    State::CentralCouncil
                };
                // The level still recognises what it may (e.g. 4★ at the province
                // while the product goes to the ministry for 5★).
                let local = recognises.iter().copied().filter(|r| *r <= *stars).max();
                return Ok(Outcome {
                    to: next,
                    recognised_stars: local,
                });
            }
            if *stars >= rb_now.recognised_min_stars {
                let best = recognises.iter().copied().filter(|r| *r <= *stars).max();
                return match best {
                    Some(st) => Ok(Outcome {
                        to: State::Recognised,
                        recognised_stars: Some(st),
                    }),
                    None => to(State::NotRecognised),
                };
            }
            to(State::NotRecognised)
        }
        (
            State::CentralCouncil,
            Event::CentralResult {
                score,
                stars,
                reference,
            },
        ) => {
            // The ministry scores; the province records what comes back.
            officer_at(&[CentralOfficer, ProvinceOfficer])?;
            if reference.trim().is_empty() {
                return Err(Refusal::ReasonRequired);
            }
            Ok(central_outcome(*score, *stars, rb_now))
        }
        (s, Event::Withdraw) if !s.is_final() => {
            officer_at(&[Producer])?;
            to(State::Withdrawn)
        }
        (s, _) => Err(Refusal::WrongState { state: s }),
    }
}

/// What the central council's result means: 5★ recognised by the ministry at 90 or
/// more; under 90 the province may recognise 3★/4★ on that evaluation; below the
/// rulebook's minimum, not recognised.
pub fn central_outcome(score: f64, stars: u8, rb: &Rulebook) -> Outcome {
    if score >= 90.0 && stars == 5 {
        Outcome {
            to: State::Recognised,
            recognised_stars: Some(5),
        }
    } else if stars >= rb.recognised_min_stars {
        Outcome {
            to: State::Recognised,
            recognised_stars: Some(stars.min(4)),
        }
    } else {
        Outcome {
            to: State::NotRecognised,
            recognised_stars: None,
        }
    }
}

/// The rulebook a dossier is evaluated under: the one in force on its filing date.
pub fn rulebook_for_filing<'a>(lib: &'a Library, filed_on: NaiveDate) -> Option<&'a Rulebook> {
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
        .map(|d| entered_on + Duration::days(*d as i64));
    [round_closes_on, reeval, transition]
        .into_iter()
        .flatten()
        .min()
}

/// Where a filing date stands against a certificate's re-evaluation window (QĐ
/// 26/2026: 180 to 120 days before expiry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    TooEarly,
    Open,
    Late,
}

pub fn reevaluation_window(rb: &Rulebook, expires_on: NaiveDate, filed_on: NaiveDate) -> Window {
    let opens = rb
        .deadlines
        .get("reevaluation_window_opens_days_before_expiry")
        .copied()
        .unwrap_or(180);
    let closes = rb
        .deadlines
        .get("reevaluation_window_closes_days_before_expiry")
        .copied()
        .unwrap_or(120);
    let before = (expires_on - filed_on).num_days();
    if before > opens {
        Window::TooEarly
    } else if before >= closes {
        Window::Open
    } else {
        Window::Late
    }
}

/// A late re-evaluation keeps the old certificate valid until the decision, at most
/// this many days past expiry (Art. 12).
pub fn late_validity_limit(rb: &Rulebook, expires_on: NaiveDate) -> NaiveDate {
    let days = rb
        .transition
        .get("late_reevaluation_max_days_past_expiry")
        .and_then(|v| v.as_integer())
        .unwrap_or(180);
    expires_on + Duration::days(days)
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

    #[test]
    fn ninety_points_go_to_the_ministry_and_come_back() {
        let lib = lib();
        let rb = lib.rulebook("QD26-2026").unwrap();
        let o = apply(
            State::ProvinceCouncil,
            &Event::CouncilResult {
                score: 91.0,
                stars: 5,
            },
            Role::ProvinceOfficer,
            rb,
        )
        .unwrap();
        assert_eq!(o.to, State::CentralCouncil);
        assert_eq!(
            o.recognised_stars,
            Some(4),
            "the province recognises 4★ meanwhile"
        );
        let o = apply(
            State::CentralCouncil,
            &Event::CentralResult {
                score: 92.0,
                stars: 5,
                reference: "Công văn 1/BNNMT".into(),
            },
            Role::CentralOfficer,
            rb,
        )
        .unwrap();
        assert_eq!(o.recognised_stars, Some(5));
        // Under 90 at the centre, the province may recognise on that evaluation.
        let o = apply(
            State::CentralCouncil,
            &Event::CentralResult {
                score: 86.0,
                stars: 4,
                reference: "Công văn 2/BNNMT".into(),
            },
            Role::CentralOfficer,
            rb,
        )
        .unwrap();
        assert_eq!((o.to, o.recognised_stars), (State::Recognised, Some(4)));
        // The province records the result; it needs the reference; others may not.
        let ev = |r: &str| Event::CentralResult {
            score: 70.0,
            stars: 2,
            reference: r.into(),
        };
        assert_eq!(
            apply(State::CentralCouncil, &ev(" "), Role::ProvinceOfficer, rb),
            Err(Refusal::ReasonRequired)
        );
        let o = apply(
            State::CentralCouncil,
            &ev("CV 3"),
            Role::ProvinceOfficer,
            rb,
        )
        .unwrap();
        assert_eq!(o.to, State::NotRecognised, "2★ is not recognised");
        assert!(matches!(
            apply(State::CentralCouncil, &ev("CV 3"), Role::CommuneOfficer, rb),
            Err(Refusal::WrongRole { .. })
        ));
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
        assert_eq!(s, State::ProvinceCouncil);
        // And a dossier still at the commune in July is forwarded to the province directly.
        assert_eq!(
            apply(
                State::Submitted,
                &Event::ForwardToCouncil,
                Role::CommuneOfficer,
                july
            )
            .unwrap()
            .to,
            State::ProvinceCouncil
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

    #[test]
    fn the_reevaluation_window() {
        let lib = lib();
        let rb = lib.rulebook("QD26-2026").unwrap();
        let exp = d(2027, 6, 30);
        assert_eq!(
            reevaluation_window(rb, exp, exp - Duration::days(181)),
            Window::TooEarly
        );
        assert_eq!(
            reevaluation_window(rb, exp, exp - Duration::days(180)),
            Window::Open
        );
        assert_eq!(
            reevaluation_window(rb, exp, exp - Duration::days(120)),
            Window::Open
        );
        assert_eq!(
            reevaluation_window(rb, exp, exp - Duration::days(119)),
            Window::Late
        );
        assert_eq!(late_validity_limit(rb, exp), exp + Duration::days(180));
    }
}
