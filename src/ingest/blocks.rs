//! An input read in blocks of bounded size, so that a chain's year of exports is never held
//! whole in memory: each block is read, checked and dropped before the next is read.
//!
//! A block is only ever cut where the csv reader itself ended a record: the reading of a
//! block stops before a record that runs up to the block's last byte (it may go on in the
//! next block), and those bytes are carried over to the start of the next one.

use std::io::Read;
use std::path::PathBuf;

use indicatif::ProgressBar;

use crate::error::{Error, Result};

/// How many times `byte` occurs in `data` (memchr counts a block's 32 MB many times faster
/// than a filter over its bytes: line numbers and quotes are counted once per block, and the
/// count of lines before each range was a serial pass between blocks).
pub(super) fn count(data: &[u8], byte: u8) -> usize {
    memchr::memchr_iter(byte, data).count()
}

/// How many bytes a block holds by default: large enough that the per-block work (starting
/// threads, merging) is noise, small enough that two blocks are nothing beside the frames.
pub const DEFAULT_BLOCK_BYTES: usize = 32 << 20;

/// The bytes of one input, a block at a time.
pub(super) struct Blocks<'a> {
    path: PathBuf,
    reader: Box<dyn Read + Send + 'a>,
    /// `buf[..filled]` is the current block; its first byte starts a record (or the header).
    buf: Vec<u8>,
    filled: usize,
    eof: bool,
    /// The physical line (1-based) of the block's first byte.
    line: u64,
    block: usize,
    progress: &'a ProgressBar,
}

impl<'a> Blocks<'a> {
    /// Reads the first block; a UTF-8 byte order mark is dropped (it would be glued to the
    /// first header).
    pub fn new(
        path: PathBuf,
        reader: Box<dyn Read + Send + 'a>,
        block: usize,
        progress: &'a ProgressBar,
    ) -> Result<Blocks<'a>> {
        let mut blocks = Blocks {
            path,
            reader,
            buf: Vec::new(),
            filled: 0,
            eof: false,
            line: 1,
            block: block.max(1),
            progress,
        };
        blocks.fill_to(blocks.block)?;
        if blocks.data().starts_with(b"\xEF\xBB\xBF") {
            blocks.consume(3);
        }
        Ok(blocks)
    }

    /// The current block.
    pub fn data(&self) -> &[u8] {
        &self.buf[..self.filled]
    }

    /// True when the block ends where the file ends.
    pub fn last(&self) -> bool {
        self.eof
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Drops the first `n` bytes (the header) without reading on.
    pub fn skip(&mut self, n: usize) {
        self.consume(n);
    }

    /// The physical line of the block's first byte.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Drops the first `consumed` bytes (read to the end of a record) and reads on. When
    /// nothing could be consumed (one record longer than the block), the block grows.
    pub fn advance(&mut self, consumed: usize) -> Result<()> {
        self.consume(consumed);
        let want = if consumed == 0 {
            (self.filled * 2).max(self.block)
        } else {
            self.block
        };
        self.fill_to(want)
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.filled);
        self.line += count(&self.buf[..n], b'\n') as u64;
        self.buf.copy_within(n..self.filled, 0);
        self.filled -= n;
        self.progress.inc(n as u64);
    }

    fn fill_to(&mut self, want: usize) -> Result<()> {
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        while !self.eof && self.filled < want {
            match self.reader.read(&mut self.buf[self.filled..want]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(Error::Read {
                        path: self.path.clone(),
                        source,
                    })
                }
            }
        }
        Ok(())
    }

    /// Counts the rest of the file as read (for the progress bar, at the end).
    pub fn finish(&mut self) {
        let rest = self.filled;
        self.consume(rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most three bytes per call, as a pipe may.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(3).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn blocks_fill_carry_over_and_grow() {
        let text = b"\xEF\xBB\xBFab\ncd\nef\n";
        let pb = ProgressBar::hidden();
        let mut b = Blocks::new("x".into(), Box::new(Trickle(text)), 4, &pb).unwrap();
        // The mark is dropped from the first block, which is then one byte short.
        assert_eq!(b.data(), b"a");
        assert!(!b.last());
        b.advance(0).unwrap();
        assert_eq!(b.data(), b"ab\nc");
        b.advance(3).unwrap();
        assert_eq!((b.data(), b.line()), (&b"cd\ne"[..], 2));
        b.advance(0).unwrap();
        assert_eq!(b.data(), b"cd\nef\n");
        b.advance(3).unwrap();
        assert_eq!((b.data(), b.line(), b.last()), (&b"ef\n"[..], 3, true));
        b.finish();
        assert_eq!((b.data(), b.line()), (&b""[..], 4));
        assert_eq!(pb.position(), text.len() as u64);
    }
}
