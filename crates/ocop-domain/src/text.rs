//! Vietnamese text handling: normalisation of user input, accent-insensitive
//! search keys and a portable collation key for Vietnamese alphabetical order.
//!
//! Vietnamese text arrives in both precomposed (NFC) and decomposed (NFD)
//! forms depending on the keyboard, the operating system and the spreadsheet it
//! was pasted from ("Hòa" typed with Unikey vs. copied from a macOS PDF). The
//! two look identical but compare unequal byte-wise, so everything stored or
//! compared goes through these helpers first.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Normalises to Unicode NFC.
///
/// NFC is the form the rest of the system stores, so that equality,
/// uniqueness constraints and `LIKE` queries do not depend on how the text was
/// typed.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Characters that are never meaningful in stored text: C0/C1 control
/// characters, the byte-order mark that Excel puts in front of CSV exports, and
/// the bidirectional controls (embeddings, overrides, isolates and marks) that can
/// make a name display differently from what it is ("Trojan Source" spoofing).
fn is_junk(c: char) -> bool {
    c.is_control() || c == '\u{FEFF}' || is_bidi_control(c)
}

/// The Unicode bidirectional formatting characters: LRM/RLM (U+200E–200F), ALM
/// (U+061C), LRE…RLO (U+202A–202E) and LRI…PDI (U+2066–2069).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Cleans a single-line field (names, addresses, codes).
///
/// Pasted values often carry line breaks, tabs, double spaces or invisible
/// control characters; left in place they create near-duplicates that users
/// cannot tell apart on screen. The result is NFC, trimmed, with every run of
/// Unicode whitespace (including newlines, tabs and no-break spaces) turned
/// into one ASCII space and control characters removed.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        // Checked before `is_junk`: '\n' and '\t' are both control and
        // whitespace, and must separate words rather than vanish.
        if c.is_whitespace() {
            pending_space = true;
        } else if is_junk(c) {
            continue;
        } else {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    }
    // Normalising last: removing a control character can bring a base letter
    // and its combining mark together, which only then can be composed.
    nfc(&out)
}

/// Cleans a multi-line field (descriptions, notes).
///
/// Keeps the author's line structure and tabs but removes what differs
/// invisibly between platforms: CRLF/CR line endings become LF, control
/// characters other than `\n` and `\t` are dropped, trailing whitespace on each
/// line is removed, the whole text is trimmed and NFC-normalised.
pub fn clean_multiline(s: &str) -> String {
    let unified = s.replace("\r\n", "\n").replace('\r', "\n");
    let filtered: String = unified
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !is_junk(c))
        .collect();
    let joined = filtered
        .split('\n')
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    nfc(joined.trim())
}

/// Builds an accent- and case-insensitive search key.
///
/// Users search "than uyen" or "Than Uyen" for "Than Uyên", often from a
/// keyboard without Vietnamese input, so both the stored key and the query
/// are folded the same way: decompose, drop combining marks, map `đ`/`Đ` to
/// `d` (it has no decomposition), lowercase, collapse whitespace and trim.
/// Control characters are dropped as well. `fold(fold(s)) == fold(s)`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            _ => c,
        };
        for lc in c.to_lowercase() {
            if lc.is_whitespace() {
                pending_space = true;
            } else if is_junk(lc) || is_combining_mark(lc) {
                // `to_lowercase` may produce a combining mark (U+0130 İ → i̇).
                continue;
            } else {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(lc);
            }
        }
    }
    out
}

/// Returns the longest prefix of `s` with at most `max` characters.
///
/// Byte slicing (`&s[..n]`) panics inside a multi-byte Vietnamese letter;
/// this cuts on a character boundary instead.
pub fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// How many characters of the (NFC) input [`vi_sort_key`] looks at; keeps keys
/// small enough for an index while being far longer than any real name.
const SORT_KEY_MAX_CHARS: usize = 200;

/// Separates the three levels of a sort key; lower than every other symbol.
const KEY_LEVEL_SEP: char = '!';
/// Primary symbol for a run of whitespace.
const KEY_SPACE: char = '"';
/// Primary symbol for any punctuation or symbol character.
const KEY_PUNCT: char = '#';
/// Primary symbol starting a number.
const KEY_NUMBER: char = '$';
/// Primary symbol starting a letter outside the Latin/Vietnamese alphabet.
const KEY_OTHER: char = '}';
/// Primary symbol of the first letter of the alphabet (`a`); the others follow.
const KEY_FIRST_LETTER: u8 = b'A';

/// Secondary symbol for a word without tone mark; tones follow in order.
const TONE_NONE: char = 'a';
const TONE_HUYEN: char = 'b';
const TONE_HOI: char = 'c';
const TONE_NGA: char = 'd';
const TONE_SAC: char = 'e';
const TONE_NANG: char = 'f';

/// Tertiary symbol for lowercase (and for numbers without leading zeros).
const CASE_LOWER: char = 'a';
const CASE_UPPER: char = 'b';

/// Vowel/consonant modifiers that make a distinct Vietnamese letter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Modifier {
    None,
    Breve,
    Circumflex,
    Horn,
    Stroke,
}

/// Position of a letter in the Vietnamese alphabet extended with f, j, w, z:
/// a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z.
/// Modifiers that do not form a Vietnamese letter with `base` are ignored.
fn alphabet_index(base: char, modifier: Modifier) -> u8 {
    const ORDER: &[(char, Modifier)] = &[
        ('a', Modifier::None),
        ('a', Modifier::Breve),
        ('a', Modifier::Circumflex),
        ('b', Modifier::None),
        ('c', Modifier::None),
        ('d', Modifier::None),
        ('d', Modifier::Stroke),
        ('e', Modifier::None),
        ('e', Modifier::Circumflex),
        ('f', Modifier::None),
        ('g', Modifier::None),
        ('h', Modifier::None),
        ('i', Modifier::None),
        ('j', Modifier::None),
        ('k', Modifier::None),
        ('l', Modifier::None),
        ('m', Modifier::None),
        ('n', Modifier::None),
        ('o', Modifier::None),
        ('o', Modifier::Circumflex),
        ('o', Modifier::Horn),
        ('p', Modifier::None),
        ('q', Modifier::None),
        ('r', Modifier::None),
        ('s', Modifier::None),
        ('t', Modifier::None),
        ('u', Modifier::None),
        ('u', Modifier::Horn),
        ('v', Modifier::None),
        ('w', Modifier::None),
        ('x', Modifier::None),
        ('y', Modifier::None),
        ('z', Modifier::None),
    ];
    let find = |m: Modifier| ORDER.iter().position(|&(b, mm)| b == base && mm == m);
    // `ORDER` has 33 entries, so the index always fits in a u8; every ASCII
    // lowercase letter is present with `Modifier::None`.
    find(modifier).or_else(|| find(Modifier::None)).unwrap_or(0) as u8
}

/// One collation element: a character with its combining marks.
enum Element {
    /// A Latin letter (possibly with Vietnamese modifier and tone marks).
    Letter {
        index: u8,
        upper: bool,
        tones: Vec<char>,
    },
    /// A letter or number character outside ASCII Latin (Cyrillic, CJK, …).
    Other {
        lower: String,
        upper: bool,
    },
    Digit(char),
    Space,
    Punct,
}

fn classify(base: char, marks: &[char]) -> Option<Element> {
    if base.is_whitespace() {
        return Some(Element::Space);
    }
    if is_junk(base) {
        return None;
    }
    if base.is_ascii_digit() {
        return Some(Element::Digit(base));
    }
    let (latin, modifier) = match base {
        'đ' => (Some('d'), Modifier::Stroke),
        'Đ' => (Some('D'), Modifier::Stroke),
        c if c.is_ascii_alphabetic() => (Some(c), Modifier::None),
        _ => (None, Modifier::None),
    };
    if let Some(latin) = latin {
        let lower = latin.to_ascii_lowercase();
        let mut modifier = modifier;
        let mut tones = Vec::new();
        for &m in marks {
            match m {
                '\u{0306}' => modifier = Modifier::Breve,
                '\u{0302}' => modifier = Modifier::Circumflex,
                '\u{031B}' => modifier = Modifier::Horn,
                '\u{0300}' => tones.push(TONE_HUYEN),
                '\u{0309}' => tones.push(TONE_HOI),
                '\u{0303}' => tones.push(TONE_NGA),
                '\u{0301}' => tones.push(TONE_SAC),
                '\u{0323}' => tones.push(TONE_NANG),
                _ => {}
            }
        }
        return Some(Element::Letter {
            index: alphabet_index(lower, modifier),
            upper: latin.is_ascii_uppercase(),
            tones,
        });
    }
    if base.is_alphanumeric() {
        return Some(Element::Other {
            lower: base.to_lowercase().collect(),
            upper: base.is_uppercase(),
        });
    }
    Some(Element::Punct)
}

/// Accumulates the three levels of a sort key.
#[derive(Default)]
struct KeyBuilder {
    primary: String,
    secondary: String,
    tertiary: String,
    /// Tone symbols of the word being read.
    word_tones: String,
    in_word: bool,
    /// ASCII digits of the number being read.
    digits: String,
    pending_space: bool,
}

impl KeyBuilder {
    fn end_word(&mut self) {
        if self.in_word {
            if self.word_tones.is_empty() {
                self.secondary.push(TONE_NONE);
            } else {
                self.secondary.push_str(&self.word_tones);
                self.word_tones.clear();
            }
            self.in_word = false;
        }
    }

    fn end_number(&mut self) {
        if self.digits.is_empty() {
            return;
        }
        let significant = self.digits.trim_start_matches('0');
        let leading_zeros = self.digits.len() - significant.len();
        self.primary.push(KEY_NUMBER);
        // At most SORT_KEY_MAX_CHARS digits, so three decimal places suffice.
        self.primary
            .push_str(&format!("{:03}", significant.len().min(999)));
        self.primary.push_str(significant);
        // "7" < "07" < "007": leading zeros only break ties.
        let zeros = leading_zeros.min(25) as u8;
        self.tertiary.push(char::from(b'a' + zeros));
        self.digits.clear();
    }

    fn push(&mut self, element: Element) {
        if let Element::Digit(d) = element {
            self.end_word();
            self.flush_space();
            self.digits.push(d);
            return;
        }
        self.end_number();
        match element {
            Element::Space => {
                self.end_word();
                self.pending_space = !self.primary.is_empty();
            }
            Element::Punct => {
                self.end_word();
                self.flush_space();
                self.primary.push(KEY_PUNCT);
            }
            Element::Letter {
                index,
                upper,
                tones,
            } => {
                self.flush_space();
                self.in_word = true;
                self.primary.push(char::from(KEY_FIRST_LETTER + index));
                self.word_tones.extend(tones);
                self.tertiary.push(case_symbol(upper));
            }
            Element::Other { lower, upper } => {
                self.flush_space();
                self.in_word = true;
                for c in lower.chars() {
                    self.primary.push(KEY_OTHER);
                    self.primary.push_str(&format!("{:06X}", u32::from(c)));
                }
                self.tertiary.push(case_symbol(upper));
            }
            Element::Digit(_) => {}
        }
    }

    fn flush_space(&mut self) {
        if self.pending_space {
            self.primary.push(KEY_SPACE);
            self.pending_space = false;
        }
    }

    fn finish(mut self) -> String {
        self.end_number();
        self.end_word();
        // Trailing minimal symbols carry no information: strings with equal
        // primary parts have equally long secondary and tertiary parts, and a
        // shorter part still sorts first because the separator is lowest.
        let secondary = self.secondary.trim_end_matches(TONE_NONE);
        let tertiary = self.tertiary.trim_end_matches(CASE_LOWER);
        let mut key = self.primary;
        if !secondary.is_empty() || !tertiary.is_empty() {
            key.push(KEY_LEVEL_SEP);
            key.push_str(secondary);
        }
        if !tertiary.is_empty() {
            key.push(KEY_LEVEL_SEP);
            key.push_str(tertiary);
        }
        key
    }
}

fn case_symbol(upper: bool) -> char {
    if upper {
        CASE_UPPER
    } else {
        CASE_LOWER
    }
}

/// Builds an ASCII key whose plain byte order is Vietnamese alphabetical
/// order.
///
/// Why: SQLite has no Vietnamese collation and PostgreSQL's depends on the
/// server's ICU/glibc locale, so lists ordered by the database would differ
/// between the two. Storing this key in a column and ordering by it (with
/// byte/`C` collation, which both engines use for ASCII) gives the same
/// order everywhere. Keys are not unique (e.g. `"A.B"` and `"A,B"` are equal,
/// as are `"Hoà"` and `"Hòa"`), so order by the key and then by an id.
///
/// Only the first 200 characters of the NFC form are considered. The input
/// is canonically decomposed, so NFC and NFD input give the same key.
///
/// # Encoding
///
/// `key = primary [ "!" secondary [ "!" tertiary ] ]`, every byte in
/// `0x21..=0x7E` (printable, no space). `!` is lower than every symbol of the
/// primary part, so a string whose letters are a prefix of another's sorts
/// first (`ma` < `mà` < `mai`). Trailing minimal symbols of the secondary and
/// tertiary parts, and separators of empty trailing parts, are omitted.
///
/// *Primary* (letters, case- and tone-blind), in order of byte value:
/// - `"` a run of whitespace (leading/trailing whitespace is ignored), so
///   `An Bình` < `Anh`;
/// - `#` any punctuation or symbol character;
/// - `$` a number: `$`, the count of significant digits as three decimal
///   digits, then the digits without leading zeros, so numbers compare by
///   value (`2` < `10`) and come before letters;
/// - `A`..=`a` (0x41..=0x61) the 33 letters a ă â b c d đ e ê f g h i j k l m
///   n o ô ơ p q r s t u ư v w x y z, one byte each; other Latin accents
///   (ç, ü, …) are ignored;
/// - `}` followed by six upper-case hexadecimal digits of the code point of
///   the lowercased character, for letters and digits of other scripts,
///   which thus sort after `z` by code point.
///
/// *Secondary* (tones): one symbol per word (maximal run of letters): `a` no
/// tone, `b` huyền, `c` hỏi, `d` ngã, `e` sắc, `f` nặng, the dictionary
/// order. A word carrying several tone marks contributes all of them in
/// order. Tones are attached to the word rather than to a vowel, so the
/// old and new tone placements (`hoà`/`hòa`) collate equal.
///
/// *Tertiary*: one symbol per letter, `a` lowercase, `b` uppercase, and per
/// number `a` plus its count of leading zeros (`7` < `07`).
pub fn vi_sort_key(s: &str) -> String {
    let normalized = nfc(s);
    let limited = truncate_chars(&normalized, SORT_KEY_MAX_CHARS);
    let mut builder = KeyBuilder::default();
    let mut base: Option<char> = None;
    let mut marks: Vec<char> = Vec::new();
    for c in limited.nfd() {
        if is_combining_mark(c) {
            // A mark with no base character (string start) is ignored.
            if base.is_some() {
                marks.push(c);
            }
            continue;
        }
        if let Some(b) = base.take() {
            if let Some(element) = classify(b, &marks) {
                builder.push(element);
            }
        }
        marks.clear();
        base = Some(c);
    }
    if let Some(b) = base {
        if let Some(element) = classify(b, &marks) {
            builder.push(element);
        }
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nfc_composes_decomposed_input() {
        let decomposed = "Ho\u{0300}a Bi\u{0300}nh";
        assert_eq!(nfc(decomposed), "Hòa Bình");
        assert_eq!(nfc("Hòa Bình"), "Hòa Bình");
        assert_ne!(decomposed, "Hòa Bình");
    }

    #[test]
    fn clean_collapses_whitespace_and_controls() {
        assert_eq!(clean("  Gạo \t Séng\nCù \r\n "), "Gạo Séng Cù");
        assert_eq!(clean("a\u{0007}b"), "ab");
        assert_eq!(clean("\u{FEFF}Mã\u{00A0}\u{00A0}sản phẩm"), "Mã sản phẩm");
        assert_eq!(clean("a \u{0000} b"), "a b");
        assert_eq!(clean(""), "");
        assert_eq!(clean(" \n\t "), "");
        // Control character between a base letter and its mark.
        assert_eq!(clean("a\u{0007}\u{0300}"), "à");
        assert_eq!(clean("Ho\u{0300}a"), "Hòa");
    }

    #[test]
    fn clean_strips_bidirectional_controls() {
        // "Chè Shan tuyết" with a right-to-left override hiding a reversed tail.
        assert_eq!(clean("Chè\u{202E}txt.exe Shan"), "Chètxt.exe Shan");
        for c in [
            '\u{200E}', '\u{200F}', '\u{061C}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ] {
            assert_eq!(
                clean(&format!("Mật{c} ong")),
                "Mật ong",
                "U+{:04X}",
                c as u32
            );
            assert_eq!(clean_multiline(&format!("a{c}\nb")), "a\nb");
            assert!(is_bidi_control(c));
        }
        // Letters of right-to-left scripts and ordinary punctuation stay.
        assert_eq!(clean("شاي ‐ trà"), "شاي ‐ trà");
        assert!(!is_bidi_control('\u{200D}'));
    }

    #[test]
    fn clean_multiline_keeps_lines() {
        assert_eq!(
            clean_multiline("  Dòng 1  \r\nDòng 2\t\r\n\r\n\tDòng 4\u{0007}\rDòng 5 \n\n"),
            "Dòng 1\nDòng 2\n\n\tDòng 4\nDòng 5"
        );
        assert_eq!(clean_multiline("a\u{000B}b"), "ab");
        assert_eq!(clean_multiline("Ho\u{0300}a"), "Hòa");
        assert_eq!(clean_multiline(" \r\n "), "");
    }

    #[test]
    fn fold_examples() {
        assert_eq!(fold("Gạo Séng Cù Than Uyên"), "gao seng cu than uyen");
        assert_eq!(fold("Đoàn Kết"), "doan ket");
        assert_eq!(fold("đường ĐẠI LỘ"), "duong dai lo");
        // All five tone marks on every vowel shape.
        assert_eq!(fold("ma mà mả mã má mạ"), "ma ma ma ma ma ma");
        assert_eq!(fold("ăằẳẵắặ âầẩẫấậ"), "aaaaaa aaaaaa");
        assert_eq!(fold("ÊỀỂỄẾỆ ÔỒỔỖỐỘ ƠỜỞỠỚỢ"), "eeeeee oooooo oooooo");
        assert_eq!(fold("ƯỪỬỮỨỰ ìỉĩíị ỳỷỹýỵ"), "uuuuuu iiiii yyyyy");
        assert_eq!(fold("  Hợp\ttác\n\nxã  "), "hop tac xa");
        // Decomposed input folds the same.
        assert_eq!(fold("Ho\u{0300}a"), "hoa");
    }

    #[test]
    fn truncate_chars_respects_boundaries() {
        assert_eq!(truncate_chars("Đường", 2), "Đư");
        assert_eq!(truncate_chars("Đường", 0), "");
        assert_eq!(truncate_chars("Đường", 5), "Đường");
        assert_eq!(truncate_chars("Đường", 50), "Đường");
        assert_eq!(truncate_chars("", 3), "");
    }

    fn sorted_by_key(items: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        v.sort_by_key(|s| vi_sort_key(s));
        v
    }

    #[test]
    fn sorts_commune_names_in_vietnamese_order() {
        let input = [
            "Xã Bình Lư",
            "Xã Bản Bo",
            "Xã Bum Nưa",
            "xã Ăn",
            "Xã An",
            "Xã Âu",
            "Xã Đông",
            "Xã Dào San",
            "Xã Zạ",
            "Phường Đoàn Kết",
        ];
        let expected = [
            "Phường Đoàn Kết",
            "Xã An",
            "xã Ăn",
            "Xã Âu",
            "Xã Bản Bo",
            "Xã Bình Lư",
            "Xã Bum Nưa",
            "Xã Dào San",
            "Xã Đông",
            "Xã Zạ",
        ];
        assert_eq!(sorted_by_key(&input), expected);
    }

    #[test]
    fn letter_order_with_modifiers() {
        let expected = [
            "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
            "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
        ];
        let mut reversed = expected;
        reversed.reverse();
        assert_eq!(sorted_by_key(&reversed), expected);
        for pair in expected.windows(2) {
            assert!(vi_sort_key(pair[0]) < vi_sort_key(pair[1]), "{pair:?}");
            let upper: Vec<String> = pair.iter().map(|s| s.to_uppercase()).collect();
            assert!(vi_sort_key(&upper[0]) < vi_sort_key(&upper[1]), "{upper:?}");
        }
    }

    #[test]
    fn tones_are_secondary() {
        let expected = ["ma", "mà", "mả", "mã", "má", "mạ", "mai"];
        let shuffled = ["mai", "mạ", "ma", "má", "mả", "mã", "mà"];
        assert_eq!(sorted_by_key(&shuffled), expected);
        for pair in expected.windows(2) {
            assert!(vi_sort_key(pair[0]) < vi_sort_key(pair[1]), "{pair:?}");
        }
        // Base letters are compared over the whole string before any tone.
        assert!(vi_sort_key("má b") < vi_sort_key("ma c"));
        assert!(vi_sort_key("mạ") < vi_sort_key("mác"));
        // Tones decide before case.
        assert!(vi_sort_key("Mà") < vi_sort_key("má"));
        assert!(vi_sort_key("mà") < vi_sort_key("Má"));
    }

    #[test]
    fn space_sorts_before_letters() {
        assert!(vi_sort_key("An Bình") < vi_sort_key("Anh"));
        assert!(vi_sort_key("An") < vi_sort_key("An Bình"));
        assert_eq!(vi_sort_key("  An \t Bình "), vi_sort_key("An Bình"));
    }

    #[test]
    fn case_is_tertiary() {
        assert!(vi_sort_key("an") < vi_sort_key("An"));
        assert!(vi_sort_key("An") < vi_sort_key("AN"));
        assert!(vi_sort_key("An") < vi_sort_key("ao"));
        assert!(vi_sort_key("AN") < vi_sort_key("ăn"));
        assert!(vi_sort_key("đ") < vi_sort_key("Đ"));
        assert!(vi_sort_key("Đ") < vi_sort_key("e"));
    }

    #[test]
    fn digits_sort_before_letters_and_naturally() {
        assert!(vi_sort_key("9") < vi_sort_key("a"));
        assert!(vi_sort_key("Tổ 2") < vi_sort_key("Tổ 10"));
        assert!(vi_sort_key("Tổ 10") < vi_sort_key("Tổ A"));
        assert!(vi_sort_key("Thôn 9b") < vi_sort_key("Thôn 10a"));
        assert!(vi_sort_key("0") < vi_sort_key("1"));
        assert!(vi_sort_key("7") < vi_sort_key("07"));
        assert!(vi_sort_key("07") < vi_sort_key("8"));
        assert!(vi_sort_key("x 1") < vi_sort_key("x1"));
    }

    #[test]
    fn key_shape() {
        // Plain lowercase ASCII has no secondary or tertiary part.
        assert_eq!(vi_sort_key("ab"), "AD");
        assert_eq!(vi_sort_key("an"), "AR");
        assert_eq!(vi_sort_key("An"), "AR!!b");
        assert_eq!(vi_sort_key("mà"), "QA!b");
        assert_eq!(vi_sort_key("z"), "a");
        assert_eq!(vi_sort_key("Tổ 10"), "ZT\"$00210!c!b");
        assert_eq!(vi_sort_key(""), "");
        assert_eq!(vi_sort_key("  "), "");
    }

    #[test]
    fn canonical_forms_and_other_scripts() {
        assert_eq!(vi_sort_key("Ho\u{0300}a"), vi_sort_key("Hòa"));
        // Old and new tone placement collate together.
        assert_eq!(vi_sort_key("Hoà Bình"), vi_sort_key("Hòa Bình"));
        // Letters of other scripts come after z, case-insensitively first.
        assert!(vi_sort_key("z") < vi_sort_key("Я"));
        assert!(vi_sort_key("б") < vi_sort_key("Я"));
        assert!(vi_sort_key("я") < vi_sort_key("Я"));
        // Punctuation is below digits and letters but above spaces.
        assert!(vi_sort_key("a b") < vi_sort_key("a-b"));
        assert!(vi_sort_key("a-b") < vi_sort_key("a1"));
    }

    #[test]
    fn long_input_is_truncated() {
        let long = "ư".repeat(1000);
        let key = vi_sort_key(&long);
        assert_eq!(key, vi_sort_key(&"ư".repeat(200)));
        assert_eq!(key.len(), 200);
        let digits = "9".repeat(1000);
        assert_eq!(vi_sort_key(&digits).len(), 1 + 3 + 200);
    }

    fn normalize_spaces(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    proptest! {
        #[test]
        fn key_is_printable_ascii(s in any::<String>()) {
            let key = vi_sort_key(&s);
            prop_assert!(key.bytes().all(|b| (0x21..=0x7E).contains(&b)), "{:?}", key);
        }

        #[test]
        fn key_is_printable_ascii_for_vietnamese(s in "[aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐƠƯàảãáạằẳẵắặờởỡớợừửữứựỳỷỹýỵ 0-9.,-]{0,40}") {
            let key = vi_sort_key(&s);
            prop_assert!(key.bytes().all(|b| (0x21..=0x7E).contains(&b)), "{:?}", key);
            prop_assert_eq!(vi_sort_key(&s.nfd().collect::<String>()), key);
        }

        #[test]
        fn fold_is_idempotent(s in any::<String>()) {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn clean_is_idempotent(s in any::<String>()) {
            let once = clean(&s);
            prop_assert_eq!(clean(&once), once.clone());
            let multi = clean_multiline(&s);
            prop_assert_eq!(clean_multiline(&multi), multi);
        }

        #[test]
        fn key_ignores_canonical_form(s in any::<String>()) {
            let nfd: String = s.nfd().collect();
            prop_assert_eq!(vi_sort_key(&nfd), vi_sort_key(&s));
        }

        #[test]
        fn ascii_order_matches_string_order(
            a in "[a-z]{1,6}( [a-z]{1,6}){0,3}",
            b in "[a-z]{1,6}( [a-z]{1,6}){0,3}",
        ) {
            prop_assert_eq!(vi_sort_key(&a).cmp(&vi_sort_key(&b)), a.cmp(&b));
        }

        #[test]
        fn ascii_order_with_loose_spaces(a in "[a-z ]{0,12}", b in "[a-z ]{0,12}") {
            let (na, nb) = (normalize_spaces(&a), normalize_spaces(&b));
            prop_assert_eq!(vi_sort_key(&a).cmp(&vi_sort_key(&b)), na.cmp(&nb));
        }

        #[test]
        fn truncate_chars_is_a_prefix(s in any::<String>(), max in 0usize..20) {
            let t = truncate_chars(&s, max);
            prop_assert!(s.starts_with(t));
            prop_assert_eq!(t.chars().count(), s.chars().count().min(max));
        }
    }
}
