//! What the window remembers of a person's choices: language, theme, the thumbnail
//! cache's size. Kept in the config file's `[ui]` table.

use serde::{Deserialize, Serialize};

/// Language and theme (following the system unless chosen), and the thumbnail cache's
/// size on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UiPrefs {
    pub language: LanguagePref,
    pub theme: ThemePref,
    /// The disk cache of thumbnails is kept under this many MB (least recently used
    /// thumbnails go first).
    pub thumbnail_cache_mb: u32,
}

/// The thumbnail cache's size unless chosen: about 50,000 thumbnails.
pub const DEFAULT_THUMBNAIL_CACHE_MB: u32 = 512;

impl Default for UiPrefs {
    fn default() -> Self {
        Self {
            language: LanguagePref::default(),
            theme: ThemePref::default(),
            thumbnail_cache_mb: DEFAULT_THUMBNAIL_CACHE_MB,
        }
    }
}

impl UiPrefs {
    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's skip_serializing_if passes a reference"
    )]
    pub(crate) fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LanguagePref {
    #[default]
    System,
    En,
    Ja,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemePref {
    #[default]
    System,
    Light,
    Dark,
}
