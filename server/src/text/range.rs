//! Byte ranges into one file's text.

use std::fmt;
use std::ops::{Add, Range, Sub};

/// A half-open range of byte offsets, `start..end`, into one file's text.
///
/// Offsets are `u32`: files over 4 GiB are out of scope, and the smaller type halves the size of
/// every range stored in syntax facts and the model.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextRange {
    start: u32,
    end: u32,
}

impl TextRange {
    /// The range `start..end`.
    ///
    /// # Panics
    ///
    /// If `start > end`: an inverted range is a bug in the caller, not a value to carry around.
    pub const fn new(start: u32, end: u32) -> Self {
        assert!(start <= end, "inverted text range");
        Self { start, end }
    }

    /// The empty range at `offset`.
    pub const fn empty(offset: u32) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    pub const fn start(self) -> u32 {
        self.start
    }

    pub const fn end(self) -> u32 {
        self.end
    }

    pub const fn len(self) -> u32 {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` is inside the range; the end is excluded.
    pub const fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Whether `offset` is inside the range or at its end, as a cursor right after a word is.
    pub const fn contains_inclusive(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// Whether `other` lies entirely within this range.
    pub const fn contains_range(self, other: Self) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether the two ranges share at least one byte; an empty range intersects nothing.
    pub fn intersects(self, other: Self) -> bool {
        self.start.max(other.start) < self.end.min(other.end)
    }

    /// Whether the two ranges overlap or meet end to start (`0..2` touches `2..4`).
    pub const fn touches(self, other: Self) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// The smallest range containing both.
    pub fn cover(self, other: Self) -> Self {
        Self {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The range moved by `delta` bytes, or `None` if either end would leave `0..=u32::MAX`.
    pub fn shift(self, delta: i64) -> Option<Self> {
        let start = u32::try_from(i64::from(self.start) + delta).ok()?;
        let end = u32::try_from(i64::from(self.end) + delta).ok()?;
        Some(Self { start, end })
    }

    /// Converts a `usize` range, saturating each bound at `u32::MAX` (texts over 4 GiB are out of
    /// scope; saturating keeps `start <= end`).
    ///
    /// # Panics
    ///
    /// If `range.start > range.end`, as [`TextRange::new`].
    pub fn from_usize(range: Range<usize>) -> Self {
        let clamp = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Self::new(clamp(range.start), clamp(range.end))
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<Range<usize>> for TextRange {
    fn from(range: Range<usize>) -> Self {
        Self::from_usize(range)
    }
}

impl From<TextRange> for Range<usize> {
    fn from(range: TextRange) -> Self {
        range.start as usize..range.end as usize
    }
}

/// Moves a range right, as when turning a statement-relative range into a file offset. Saturates
/// at `u32::MAX`.
impl Add<u32> for TextRange {
    type Output = Self;

    fn add(self, offset: u32) -> Self {
        Self {
            start: self.start.saturating_add(offset),
            end: self.end.saturating_add(offset),
        }
    }
}

/// Moves a range left, as when making a file range relative to its statement. Saturates at 0.
impl Sub<u32> for TextRange {
    type Output = Self;

    fn sub(self, offset: u32) -> Self {
        Self {
            start: self.start.saturating_sub(offset),
            end: self.end.saturating_sub(offset),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: u32, end: u32) -> TextRange {
        TextRange::new(start, end)
    }

    #[test]
    fn basics() {
        assert_eq!(r(2, 5).len(), 3);
        assert!(r(4, 4).is_empty());
        assert!(!r(4, 5).is_empty());
        assert_eq!(TextRange::empty(7), r(7, 7));
        assert_eq!(format!("{:?}", r(2, 5)), "2..5");
    }

    #[test]
    fn containment() {
        assert!(r(2, 5).contains(2));
        assert!(r(2, 5).contains(4));
        assert!(!r(2, 5).contains(5));
        assert!(!r(2, 5).contains(1));
        assert!(r(2, 5).contains_inclusive(5));
        assert!(!r(2, 5).contains_inclusive(6));
        assert!(r(2, 5).contains_range(r(2, 5)));
        assert!(r(2, 5).contains_range(r(5, 5)));
        assert!(!r(2, 5).contains_range(r(1, 3)));
    }

    #[test]
    fn overlap() {
        assert!(r(0, 3).intersects(r(2, 4)));
        assert!(!r(0, 2).intersects(r(2, 4)));
        assert!(!r(1, 1).intersects(r(0, 4)));
        assert!(r(0, 2).touches(r(2, 4)));
        assert!(r(1, 1).touches(r(0, 4)));
        assert!(!r(0, 1).touches(r(2, 4)));
        assert_eq!(r(5, 8).cover(r(1, 2)), r(1, 8));
    }

    #[test]
    fn moving() {
        assert_eq!(r(2, 5).shift(3), Some(r(5, 8)));
        assert_eq!(r(2, 5).shift(-2), Some(r(0, 3)));
        assert_eq!(r(2, 5).shift(-3), None);
        assert_eq!(r(2, u32::MAX).shift(1), None);
        assert_eq!(r(2, 5) + 10, r(12, 15));
        assert_eq!(r(12, 15) - 10, r(2, 5));
        assert_eq!(r(1, u32::MAX) + 1, r(2, u32::MAX));
    }

    #[test]
    fn usize_conversions() {
        assert_eq!(TextRange::from(3..9), r(3, 9));
        assert_eq!(Range::<usize>::from(r(3, 9)), 3..9);
        let huge = u32::MAX as usize + 10;
        assert_eq!(TextRange::from(5..huge), r(5, u32::MAX));
        assert_eq!(TextRange::from(huge..huge + 1), TextRange::empty(u32::MAX));
    }

    #[test]
    #[should_panic(expected = "inverted text range")]
    fn inverted_range_panics() {
        let _ = r(5, 4);
    }
}
