//! How labels are shown: the config's display name, or the label with `_` as spaces and the
//! first letter capitalised; cut to [`field`]'s length like any input text.

use std::collections::BTreeMap;

use super::format::field;
use crate::config::Settings;
use crate::model::{display_label, normalise_label};

pub struct Names {
    techniques: BTreeMap<String, String>,
    regions: BTreeMap<String, String>,
}

impl Names {
    pub fn new(settings: &Settings) -> Names {
        let norm = |m: &BTreeMap<String, String>| {
            m.iter()
                .map(|(k, v)| (normalise_label(k), v.clone()))
                .collect()
        };
        Names {
            techniques: norm(&settings.techniques.names),
            regions: norm(&settings.regions.names),
        }
    }

    pub fn technique(&self, label: &str) -> String {
        field(
            &self
                .techniques
                .get(label)
                .cloned()
                .unwrap_or_else(|| display_label(label)),
        )
    }

    pub fn region(&self, label: &str) -> String {
        field(
            &self
                .regions
                .get(label)
                .cloned()
                .unwrap_or_else(|| display_label(label)),
        )
    }
}
