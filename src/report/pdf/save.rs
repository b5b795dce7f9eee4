//! The finished pages → PDF bytes (below the canvas's pages, knowing nothing of a layout): the faces the document uses are embedded and subset,
//! printpdf's document becomes a lopdf one, its streams are deflated at zlib's fastest level,
//! and its dates and trailer /ID are fixed, so the same report is the same bytes.

use lopdf::{Object, StringFormat};
use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};

use super::canvas::{font_id, Page, Used};
use super::fonts::Fonts;

/// The PDF of `pages` (content and furniture laid out), embedding the faces in `used`, each
/// cut down to the characters set in it.
pub(super) fn pdf_bytes(
    fonts: &Fonts,
    title: &str,
    timestamp: i64,
    pages: Vec<Page>,
    used: &Used,
) -> Vec<u8> {
    let mut doc = PdfDocument::new(title);
    for (face_ref, face) in fonts.all() {
        let Some(chars) = used.get(&face_ref) else {
            continue;
        };
        let id = font_id(face_ref);
        // Cut down to this document's characters, named with the subset tag the PDF
        // standard gives a subset (`PRAAAA+DejaVuSans`); if that fails, the whole face.
        let parsed = face
            .subset(chars)
            .and_then(|bytes| printpdf::ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()))
            .map(|mut p| {
                p.font_name = face
                    .postscript_name()
                    .map(|name| format!("{}+{name}", id.0));
                p
            })
            .unwrap_or_else(|| face.parsed.clone());
        doc.resources
            .fonts
            .map
            .insert(id, printpdf::PdfFont::new(parsed));
    }
    if let Ok(when) = printpdf::OffsetDateTime::from_unix_timestamp(timestamp) {
        let info = &mut doc.metadata.info;
        info.creation_date = when;
        info.modification_date = when;
        info.metadata_date = when;
    }
    doc.metadata.info.producer = "practice-report".to_string();
    doc.metadata.info.creator = "practice-report".to_string();
    let pages = pages
        .into_iter()
        .map(|p| PdfPage::new(Mm(210.0), Mm(297.0), p.ops))
        .collect();
    let doc = doc.with_pages(pages);
    // printpdf's own save compresses at zlib's best level, a third of a summary's time;
    // the fastest level makes files about a fifth larger and the batch a quarter faster.
    let options = PdfSaveOptions {
        subset_fonts: true,
        optimize: false,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    let mut lo = printpdf::to_lopdf_doc(doc, &options, &mut warnings);
    compress(&mut lo);
    match with_content_id(&mut lo) {
        Some(bytes) => bytes,
        // Writing into memory does not fail; if it ever did, printpdf's own save still works.
        None => doc.save(
            &PdfSaveOptions {
                subset_fonts: true,
                ..Default::default()
            },
            &mut warnings,
        ),
    }
}

/// Deflates every stream that is not compressed yet, at zlib's fastest level.
fn compress(doc: &mut lopdf::Document) {
    thread_local! {
        // A deflate state is a few hundred kB to allocate and clear: one per thread, reset
        // between streams (a summary has a dozen), gives the same bytes as a new one.
        static DEFLATE: std::cell::RefCell<flate2::Compress> =
            std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::fast(), true));
    }
    DEFLATE.with_borrow_mut(|deflate| {
        for object in doc.objects.values_mut() {
            if let Object::Stream(stream) = object {
                if stream.dict.get(b"Filter").is_ok() || stream.content.len() < 64 {
                    continue;
                }
                if let Some(packed) = deflate_all(deflate, &stream.content) {
                    if packed.len() + 19 < stream.content.len() {
                        stream.dict.set("Filter", "FlateDecode");
                        stream.set_content(packed);
                    }
                }
            }
        }
    });
}

/// One zlib stream of `data`; None if deflate fails (the stream is then left as it is).
fn deflate_all(deflate: &mut flate2::Compress, data: &[u8]) -> Option<Vec<u8>> {
    deflate.reset();
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    loop {
        let read = deflate.total_in() as usize;
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(1024));
        }
        match deflate.compress_vec(&data[read..], &mut out, flate2::FlushCompress::Finish) {
            Ok(flate2::Status::StreamEnd) => return Some(out),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

/// Saves the document with a trailer /ID made from its content. printpdf draws the ID from
/// a process-wide counter, so the same report would differ with what else the process wrote
/// before; a hash of the document saved without an ID is the same on every run.
fn with_content_id(lo: &mut lopdf::Document) -> Option<Vec<u8>> {
    lo.trailer.remove(b"ID");
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).ok()?;
    let hash = {
        use std::hash::{BuildHasher, Hasher};
        let mut h = foldhash::quality::FixedState::with_seed(0x5052).build_hasher();
        h.write(&bytes);
        h.finish()
    };
    let id = format!(
        "{hash:016x}{:016x}",
        hash.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15
    );
    let id = || Object::String(id.clone().into_bytes(), StringFormat::Literal);
    lo.trailer.set("ID", Object::Array(vec![id(), id()]));
    bytes.clear();
    lo.save_to(&mut bytes).ok()?;
    Some(bytes)
}
