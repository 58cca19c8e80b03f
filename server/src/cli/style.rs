//! Colour in the output for people: decided as the Rust ecosystem does (`anstream`): only on a
//! terminal, never with `NO_COLOR`, `CLICOLOR=0` turns it off and `CLICOLOR_FORCE` on.

use std::fmt::Display;
use std::io;

use annotate_snippets::Renderer;
use annotate_snippets::renderer::{
    DEFAULT_ERROR_STYLE, DEFAULT_HELP_STYLE, DEFAULT_INFO_STYLE, DEFAULT_WARNING_STYLE,
};
use anstream::{AutoStream, ColorChoice};
use anstyle::Effects;

use crate::rules::Severity;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    color: bool,
}

impl Style {
    /// Colour when standard output is a terminal that shows it, unless the environment says
    /// otherwise.
    pub fn detect() -> Style {
        Style::new(AutoStream::choice(&io::stdout()) != ColorChoice::Never)
    }

    pub const fn new(color: bool) -> Style {
        Style { color }
    }

    /// The stream to write styled text to: escape codes pass on a terminal that takes them,
    /// become console calls on an old Windows console, and are removed without colour.
    pub fn stream<W: anstream::stream::RawStream>(self, out: W) -> AutoStream<W> {
        let choice = if self.color {
            ColorChoice::Always
        } else {
            ColorChoice::Never
        };
        AutoStream::new(out, choice)
    }

    /// What draws source snippets: in the same colours as the headers around them.
    pub fn renderer(self) -> Renderer {
        if self.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
    }

    pub fn paint(self, style: anstyle::Style, text: impl Display) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    pub fn bold(self, text: impl Display) -> String {
        self.paint(anstyle::Style::new().effects(Effects::BOLD), text)
    }

    /// A severity's colour, the one the snippet renderer marks the finding's span with.
    pub fn severity_style(severity: Severity) -> anstyle::Style {
        match severity {
            Severity::Error => DEFAULT_ERROR_STYLE,
            Severity::Warning => DEFAULT_WARNING_STYLE,
            Severity::Info => DEFAULT_INFO_STYLE,
        }
    }

    pub fn severity(self, severity: Severity) -> String {
        self.paint(Style::severity_style(severity), severity.as_str())
    }

    /// A mark that something can be fixed.
    pub fn fixable(self, text: impl Display) -> String {
        self.paint(DEFAULT_HELP_STYLE, text)
    }
}
