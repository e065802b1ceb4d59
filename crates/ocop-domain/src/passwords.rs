//! The password rule for passwords people choose (account page, admin pages, API,
//! `ocop user add`): at least [`MIN_LEN`] characters and not guessable — zxcvbn's
//! estimate must reach [`MIN_SCORE`], knowing the username, the display name and
//! words of this system, so "12345678", "password", the username or "ocop-laichau"
//! are refused.
//!
//! Accounts made by the demo loader and the test fixtures go through the store
//! directly and are not held to it (their passwords are published anyway).

use crate::registry::Lang;

/// Fewest characters.
pub const MIN_LEN: usize = 10;
/// Most characters (Argon2 hashes any length, but a limit keeps requests cheap).
pub const MAX_LEN: usize = 200;
/// Lowest acceptable zxcvbn score (0–4): 3 = "safely unguessable".
pub const MIN_SCORE: u8 = 3;

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weak {
    TooShort,
    TooLong,
    /// Contains the username or display name.
    LikeName,
    /// Common, a pattern, or otherwise guessable.
    Guessable,
}

impl Weak {
    /// A stable code (API `fields`, logs).
    pub fn code(self) -> &'static str {
        match self {
            Weak::TooShort => "too_short",
            Weak::TooLong => "too_long",
            Weak::LikeName => "like_name",
            Weak::Guessable => "too_weak",
        }
    }

    /// The message shown next to the field.
    pub fn message(self, lang: Lang) -> String {
        match (self, lang) {
            (Weak::TooShort, Lang::Vi) => format!("Mật khẩu phải có ít nhất {MIN_LEN} ký tự."),
            (Weak::TooShort, Lang::En) => {
                format!("The password must have at least {MIN_LEN} characters.")
            }
            (Weak::TooLong, Lang::Vi) => format!("Mật khẩu dài quá {MAX_LEN} ký tự."),
            (Weak::TooLong, Lang::En) => format!("The password is longer than {MAX_LEN} characters."),
            (Weak::LikeName, Lang::Vi) => {
                "Mật khẩu không được chứa tên đăng nhập hoặc họ tên.".into()
            }
            (Weak::LikeName, Lang::En) => {
                "The password must not contain the username or the person's name.".into()
            }
            (Weak::Guessable, Lang::Vi) => "Mật khẩu quá dễ đoán (mật khẩu phổ biến, dãy số, \
                 từ thông dụng…). Hãy dùng một cụm vài từ không liên quan hoặc thêm độ dài."
                .into(),
            (Weak::Guessable, Lang::En) => "The password is too easy to guess (a common \
                 password, a sequence, ordinary words…). Use a few unrelated words or make it longer."
                .into(),
        }
    }
}

/// Words of this system an attacker would try first.
const SITE_WORDS: &[&str] = &[
    "ocop",
    "laichau",
    "lai chau",
    "mỗi xã một sản phẩm",
    "admin",
];

/// Checks a password chosen by a person for the account `username` (`display_name`
/// may be empty).
pub fn check(password: &str, username: &str, display_name: &str) -> Result<(), Weak> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(Weak::TooShort);
    }
    if n > MAX_LEN {
        return Err(Weak::TooLong);
    }
    let lower = password.to_lowercase();
    let user = username.trim().to_lowercase();
    if user.chars().count() >= 3 && lower.contains(&user) {
        return Err(Weak::LikeName);
    }
    let mut inputs: Vec<String> = vec![user];
    inputs.extend(
        display_name
            .split_whitespace()
            .map(str::to_lowercase)
            .filter(|w| w.chars().count() >= 3),
    );
    inputs.extend(SITE_WORDS.iter().map(|w| w.to_string()));
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let est = zxcvbn::zxcvbn(password, &refs);
    if (est.score() as u8) < MIN_SCORE {
        return Err(Weak::Guessable);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_short_common_and_named_passwords() {
        assert_eq!(check("abc", "tinh", ""), Err(Weak::TooShort));
        assert_eq!(check("12345678", "tinh", ""), Err(Weak::TooShort));
        assert_eq!(check("1234567890", "tinh", ""), Err(Weak::Guessable));
        assert_eq!(check("password123", "tinh", ""), Err(Weak::Guessable));
        assert_eq!(check("passwordpassword", "tinh", ""), Err(Weak::Guessable));
        assert_eq!(check("qwertyuiop", "tinh", ""), Err(Weak::Guessable));
        assert_eq!(
            check("nguyenvana2024", "nguyenvana", ""),
            Err(Weak::LikeName)
        );
        assert_eq!(check("Nguyenvana!!", "nguyenvana", ""), Err(Weak::LikeName));
        assert_eq!(check("Tinh123456", "tinh", ""), Err(Weak::LikeName));
        assert_eq!(
            check("nguyen12345", "xa1", "Nguyễn Văn A"),
            Err(Weak::Guessable)
        );
        assert_eq!(check(&"x".repeat(201), "tinh", ""), Err(Weak::TooLong));
    }

    #[test]
    fn accepts_long_unguessable_passwords() {
        assert_eq!(check("chè-shan-tuyết-mây-trắng-47", "tinh", ""), Ok(()));
        assert_eq!(check("correct horse battery staple", "tinh", ""), Ok(()));
        assert_eq!(check("Vq8#tLz2!pWm", "tinh", ""), Ok(()));
    }

    #[test]
    fn messages_in_both_languages() {
        for w in [
            Weak::TooShort,
            Weak::TooLong,
            Weak::LikeName,
            Weak::Guessable,
        ] {
            assert!(!w.message(Lang::Vi).is_empty());
            assert!(!w.message(Lang::En).is_empty());
            assert_ne!(w.message(Lang::Vi), w.message(Lang::En));
        }
        assert!(Weak::TooShort.message(Lang::Vi).contains("10"));
    }
}
