//! Reading the bytes of a file as text. Files from Excel and from old
//! Japanese phones are often Shift_JIS (Windows code page 932); Outlook on a
//! Western Windows writes Windows-1252; most else is UTF-8, with or without
//! a byte-order mark. The encoding is detected and can be overridden.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    /// Detect: a byte-order mark, else UTF-8 if the bytes are valid UTF-8,
    /// else Shift_JIS if they decode as it, else Windows-1252.
    Auto,
    Utf8,
    ShiftJis,
    Windows1252,
    Utf16Le,
    Utf16Be,
}

impl TextEncoding {
    fn codec(self) -> &'static encoding_rs::Encoding {
        match self {
            TextEncoding::Auto | TextEncoding::Utf8 => encoding_rs::UTF_8,
            TextEncoding::ShiftJis => encoding_rs::SHIFT_JIS,
            TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
            TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
        }
    }
}

/// The file's text and the encoding it was read with.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    /// Borrowed from the bytes when they already are UTF-8 (most files):
    /// a copy of a 100,000-card file is 70 MB more held while it is read.
    pub text: Cow<'a, str>,
    pub encoding: TextEncoding,
    /// Some bytes were not valid in that encoding and became U+FFFD.
    pub had_errors: bool,
}

/// Reads `bytes` as text in `encoding` (or the detected one). A byte-order
/// mark always wins, as it names the encoding unambiguously.
pub fn decode(bytes: &[u8], encoding: TextEncoding) -> Decoded<'_> {
    let bom = encoding_rs::Encoding::for_bom(bytes);
    let chosen = match (encoding, bom) {
        (_, Some((codec, _))) => {
            if codec == encoding_rs::UTF_16LE {
                TextEncoding::Utf16Le
            } else if codec == encoding_rs::UTF_16BE {
                TextEncoding::Utf16Be
            } else {
                TextEncoding::Utf8
            }
        }
        (TextEncoding::Auto, None) => detect(bytes),
        (chosen, None) => chosen,
    };
    // `decode` strips a BOM of the same encoding.
    let (text, _, had_errors) = chosen.codec().decode(bytes);
    Decoded {
        text,
        encoding: chosen,
        had_errors,
    }
}

fn detect(bytes: &[u8]) -> TextEncoding {
    if std::str::from_utf8(bytes).is_ok() {
        return TextEncoding::Utf8;
    }
    let (_, _, sjis_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    if sjis_errors {
        TextEncoding::Windows1252
    } else {
        TextEncoding::ShiftJis
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_detected_and_a_byte_order_mark_wins() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("山田,やまだ");
        let read = decode(&sjis, TextEncoding::Auto);
        assert_eq!(read.encoding, TextEncoding::ShiftJis);
        assert_eq!(read.text, "山田,やまだ");

        let with_bom = [b"\xEF\xBB\xBF".as_slice(), "山田".as_bytes()].concat();
        let read = decode(&with_bom, TextEncoding::ShiftJis);
        assert_eq!(
            (read.encoding, read.text.as_ref()),
            (TextEncoding::Utf8, "山田")
        );

        let read = decode(b"Caf\xE9 \x93quoted\x94", TextEncoding::Auto);
        assert_eq!(read.encoding, TextEncoding::Windows1252);
        assert_eq!(read.text, "Café “quoted”");

        // An override is obeyed, and what does not fit is reported.
        let read = decode("山田".as_bytes(), TextEncoding::ShiftJis);
        assert!(read.had_errors || read.text != "山田");
    }
}
