//! The one palette of every chart and table (REPORT-STYLE "Colour"): Okabe–Ito, safe for
//! colour-blind readers, and the greys for text, rules and bands.

pub type Rgb = (u8, u8, u8);
pub const TEXT: Rgb = (0x22, 0x22, 0x22);
pub const GREY: Rgb = (0x77, 0x77, 0x77);
pub const RULE: Rgb = (0xDD, 0xDD, 0xDD);
pub const BAND: Rgb = (0xF2, 0xF2, 0xF2);
pub const GREEN_TEXT: Rgb = (0x00, 0x7A, 0x5E);
pub const RED_TEXT: Rgb = (0xB0, 0x40, 0x00);
pub const PALETTE: [Rgb; 7] = [
    (0x00, 0x72, 0xB2),
    (0xE6, 0x9F, 0x00),
    (0x00, 0x9E, 0x73),
    (0xD5, 0x5E, 0x00),
    (0x56, 0xB4, 0xE9),
    (0xCC, 0x79, 0xA7),
    (0xF0, 0xE4, 0x42),
];

/// A palette colour as printpdf takes it.
pub(crate) fn pdf_colour(c: Rgb) -> printpdf::Color {
    printpdf::Color::Rgb(printpdf::Rgb {
        r: f32::from(c.0) / 255.0,
        g: f32::from(c.1) / 255.0,
        b: f32::from(c.2) / 255.0,
        icc_profile: None,
    })
}
