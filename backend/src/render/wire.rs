//! What goes through the render process's pipes: frames of a little-endian `u32` length
//! and that many bytes. The parent sends a [`Setup`] (JSON), the PDF (raw bytes), then
//! [`Task`]s (JSON) one at a time; the child answers each with a [`Reply`] (JSON),
//! followed by the JPEG (raw bytes) when the reply is [`Reply::Page`].

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};

use super::{PageError, PageSettings};
use crate::contract::reason;

/// A JSON message is small; anything longer is not our child talking.
pub(super) const MAX_MESSAGE: usize = 64 * 1024;
/// A page's JPEG at the pixel limit stays far below this.
pub(super) const MAX_JPEG: usize = 1 << 30;

/// The first frame: how to render and how much the child may use.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Setup {
    pub settings: PageSettings,
    /// The address-space limit (`RLIMIT_AS`); 0 leaves it unset.
    pub memory_bytes: u64,
    /// The CPU-time limit (`RLIMIT_CPU`), a backstop should the parent vanish.
    pub cpu_seconds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "task", rename_all = "snake_case")]
pub(super) enum Task {
    Count,
    Render { index: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub(super) enum Reply {
    Pages {
        count: u32,
    },
    /// The JPEG follows in the next frame.
    Page {
        width: u32,
        height: u32,
    },
    Failed {
        reason: String,
        error: String,
    },
}

impl From<PageError> for Reply {
    fn from(e: PageError) -> Self {
        Self::Failed {
            reason: e.reason.to_owned(),
            error: e.error,
        }
    }
}

/// The contract's reason constant for a reason the child sent.
pub(super) fn known_reason(sent: &str) -> &'static str {
    [
        reason::NOT_PDF,
        reason::ENCRYPTED_PDF,
        reason::DAMAGED_PDF,
        reason::NO_PAGES,
        reason::TOO_LARGE,
        reason::RENDER_TIMEOUT,
        reason::RENDER_FAILED,
        reason::ENCODE_FAILED,
    ]
    .into_iter()
    .find(|r| *r == sent)
    .unwrap_or(reason::RENDER_FAILED)
}

fn too_long(length: usize, limit: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("a frame of {length} bytes, beyond {limit}"),
    )
}

/// Reads one frame; `None` at a clean end of the stream.
pub(super) fn read_frame(from: &mut impl Read, limit: usize) -> io::Result<Option<Vec<u8>>> {
    let mut length = [0_u8; 4];
    match from.read_exact(&mut length) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let length = u32::from_le_bytes(length) as usize;
    if length > limit {
        return Err(too_long(length, limit));
    }
    let mut bytes = vec![0_u8; length];
    from.read_exact(&mut bytes)?;
    Ok(Some(bytes))
}

pub(super) fn write_frame(to: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    let length =
        u32::try_from(bytes.len()).map_err(|_| too_long(bytes.len(), u32::MAX as usize))?;
    to.write_all(&length.to_le_bytes())?;
    to.write_all(bytes)
}

pub(super) fn write_json(to: &mut impl Write, message: &impl Serialize) -> io::Result<()> {
    write_frame(to, &serde_json::to_vec(message)?)
}

pub(super) async fn read_frame_async(
    from: &mut (impl AsyncRead + Unpin),
    limit: usize,
) -> io::Result<Vec<u8>> {
    let length = from.read_u32_le().await? as usize;
    if length > limit {
        return Err(too_long(length, limit));
    }
    let mut bytes = vec![0_u8; length];
    from.read_exact(&mut bytes).await?;
    Ok(bytes)
}

pub(super) async fn write_frame_async(
    to: &mut (impl AsyncWrite + Unpin),
    bytes: &[u8],
) -> io::Result<()> {
    let length =
        u32::try_from(bytes.len()).map_err(|_| too_long(bytes.len(), u32::MAX as usize))?;
    to.write_all(&length.to_le_bytes()).await?;
    to.write_all(bytes).await?;
    to.flush().await
}

pub(super) async fn read_json_async<T: serde::de::DeserializeOwned>(
    from: &mut (impl AsyncRead + Unpin),
) -> io::Result<T> {
    let bytes = read_frame_async(from, MAX_MESSAGE).await?;
    serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_a_clean_end_is_none() {
        let mut pipe = Vec::new();
        write_json(&mut pipe, &Task::Render { index: 7 }).expect("write");
        write_frame(&mut pipe, b"%PDF-").expect("write");
        let mut reader = pipe.as_slice();
        let task: Task = serde_json::from_slice(
            &read_frame(&mut reader, MAX_MESSAGE)
                .expect("read")
                .expect("frame"),
        )
        .expect("json");
        assert_eq!(task, Task::Render { index: 7 });
        assert_eq!(
            read_frame(&mut reader, 10).expect("read").as_deref(),
            Some(&b"%PDF-"[..])
        );
        assert!(read_frame(&mut reader, 10).expect("read").is_none());
    }

    #[test]
    fn a_frame_beyond_its_limit_is_refused_before_allocating() {
        // What a program that is not the renderer prints ("\nrunning 0 tests").
        let mut reader: &[u8] = b"\nrunning 0 tests\n";
        let refused = read_frame(&mut reader, MAX_MESSAGE).expect_err("too long");
        assert_eq!(refused.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn unknown_reasons_become_render_failed() {
        assert_eq!(known_reason("too_large"), reason::TOO_LARGE);
        assert_eq!(known_reason("made_up"), reason::RENDER_FAILED);
    }
}
