//! Opening an input as it comes: a CSV file in any encoding (UTF-8 by default, a UTF-16
//! byte-order mark read as such, others as the config says), or a spreadsheet, known by its
//! first bytes whatever its name (SPEC "Exports as they come", "Files").

use std::io::Read;
use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use crate::error::{Error, Result};

/// What an input holds.
pub(super) enum Body<'a> {
    /// Text, already decoded to UTF-8 when the file is in another encoding.
    Text(Box<dyn Read + Send + 'a>),
    /// A spreadsheet's bytes (calamine needs to seek in them).
    Sheet(Vec<u8>),
}

/// One input: where it came from (for messages and rejects.csv) and how to read it.
pub struct Source<'a> {
    pub path: PathBuf,
    pub(super) body: Body<'a>,
    /// The size in bytes, for the progress bar and to size the id index.
    pub(super) len: u64,
}

/// The first bytes of a zip archive (`.xlsx`, `.xlsm`, `.ods`) and of an OLE compound file
/// (`.xls`, and a password-protected `.xlsx`).
const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Whether these first bytes are a spreadsheet's.
pub fn is_spreadsheet(head: &[u8]) -> bool {
    head.starts_with(ZIP) || head.starts_with(OLE)
}

/// The encoding a byte-order mark at the start names: UTF-16 either way (a UTF-8 mark is
/// dropped by the reader of UTF-8 text).
pub fn utf16_bom(head: &[u8]) -> Option<&'static Encoding> {
    if head.starts_with(b"\xFF\xFE") {
        Some(encoding_rs::UTF_16LE)
    } else if head.starts_with(b"\xFE\xFF") {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

impl Source<'static> {
    /// Opens a file; a missing or unreadable file is an input error naming it.
    pub fn open(path: &Path, encoding: Option<&'static Encoding>) -> Result<Source<'static>> {
        let read_err = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let mut file = std::fs::File::open(path).map_err(read_err)?;
        let len = file.metadata().map_err(read_err)?.len();
        let mut head = Vec::with_capacity(8);
        (&mut file)
            .take(8)
            .read_to_end(&mut head)
            .map_err(read_err)?;
        if is_spreadsheet(&head) {
            let mut bytes = head;
            file.read_to_end(&mut bytes).map_err(read_err)?;
            return Ok(Source {
                path: path.to_path_buf(),
                body: Body::Sheet(bytes),
                len,
            });
        }
        let reader = std::io::Cursor::new(head.clone()).chain(file);
        Ok(Source {
            path: path.to_path_buf(),
            body: Body::Text(decoded(reader, &head, encoding)),
            len,
        })
    }
}

/// `reader` as UTF-8: as it is when it is (or is said to be) UTF-8, decoded otherwise.
fn decoded<'a>(
    reader: impl Read + Send + 'a,
    head: &[u8],
    encoding: Option<&'static Encoding>,
) -> Box<dyn Read + Send + 'a> {
    match utf16_bom(head).or(encoding.filter(|e| *e != encoding_rs::UTF_8)) {
        None => Box::new(reader),
        Some(e) => Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(e))
                .bom_override(true)
                .build(reader),
        ),
    }
}

impl<'a> Source<'a> {
    /// An input held in memory (tests), named `path` in messages.
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: &'a [u8]) -> Source<'a> {
        Source::from_bytes_in(path, bytes, None)
    }

    /// An input held in memory, in `encoding`.
    pub fn from_bytes_in(
        path: impl Into<PathBuf>,
        bytes: &'a [u8],
        encoding: Option<&'static Encoding>,
    ) -> Source<'a> {
        let body = if is_spreadsheet(bytes) {
            Body::Sheet(bytes.to_vec())
        } else {
            Body::Text(decoded(bytes, bytes, encoding))
        };
        Source {
            path: path.into(),
            body,
            len: bytes.len() as u64,
        }
    }

    /// The file name as it appears in rejects.csv.
    pub fn file_name(&self) -> String {
        super::file_name(&self.path)
    }
}

/// The encoding that reads `sample` (a file's first bytes, not valid UTF-8) cleanly, if one
/// does: what `init` proposes and `validate` names. chardetng's guess is weighed against
/// Windows-1252 (what a spreadsheet on a Western Windows saves): the one whose text has fewer
/// symbols where letters belong wins, Windows-1252 on a tie (`Núñez` reads the same in
/// windows-1250 but for its `ñ`; Polish in windows-1252 turns `ł` into `³`).
pub fn guess_encoding(sample: &[u8]) -> Option<&'static Encoding> {
    if let Some(e) = utf16_bom(sample) {
        return Some(e);
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(sample, true);
    let guess = detector.guess(None, false);
    // Symbols and control characters where a name's letters would be; None: not clean.
    let oddness = |e: &'static Encoding| -> Option<usize> {
        let (text, _, had_errors) = e.decode(sample);
        if had_errors
            || text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return None;
        }
        Some(
            text.chars()
                .filter(|c| !c.is_ascii() && !c.is_alphabetic())
                .count(),
        )
    };
    let candidates = [encoding_rs::WINDOWS_1252, guess];
    candidates
        .into_iter()
        .filter(|e| *e != encoding_rs::UTF_8)
        .filter_map(|e| oddness(e).map(|n| (n, e)))
        .min_by_key(|(n, _)| *n)
        .map(|(_, e)| e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(s: Source<'_>) -> String {
        let Body::Text(mut r) = s.body else {
            panic!("text expected")
        };
        let mut out = String::new();
        r.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn windows_1252_and_utf16_read_as_utf8() {
        let cp1252 = b"name\nTom\xE1s\n";
        let s = Source::from_bytes_in("x.csv", cp1252, Encoding::for_label(b"windows-1252"));
        assert_eq!(read_all(s), "name\nTomás\n");
        // A re-saved export: accents of French, Spanish and German names.
        let (resaved, _, _) = encoding_rs::WINDOWS_1252.encode(
            "client_name,therapist\nJosé Núñez,Tomás\nRenée Lefèvre,Tomás\nJürgen Müller,Zoë\n\
             François Côté,Tomás\nInés Peña,Zoë\n",
        );
        assert_eq!(guess_encoding(&resaved), Some(encoding_rs::WINDOWS_1252));
        let (polish, _, _) = encoding_rs::WINDOWS_1250
            .encode("client_name\nŁukasz Wąsowski\nMałgorzata Żółć\nJoanna Ślęzak\n");
        assert_eq!(guess_encoding(&polish), Some(encoding_rs::WINDOWS_1250));
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "name\nTomás\n".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(
            read_all(Source::from_bytes("y.csv", &utf16)),
            "name\nTomás\n"
        );
        // UTF-8 is passed through as it is: invalid bytes stay invalid, for the row checks.
        let bad = b"name\n\xFF\n";
        let mut r = Vec::new();
        let Body::Text(mut t) = Source::from_bytes("z.csv", bad).body else {
            panic!()
        };
        t.read_to_end(&mut r).unwrap();
        assert_eq!(r, bad);
    }

    #[test]
    fn spreadsheets_are_known_by_their_first_bytes() {
        assert!(is_spreadsheet(b"PK\x03\x04rest"));
        assert!(is_spreadsheet(OLE));
        assert!(!is_spreadsheet(b"session_id,"));
    }
}
