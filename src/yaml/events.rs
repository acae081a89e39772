//! Parse events from libyaml-safer, a Rust port of libyaml. go-yaml, which kubectl, kustomize
//! and Helm parse manifests with (through sigs.k8s.io/yaml and kyaml), is itself a port of
//! libyaml, so this scanner accepts and refuses the same documents they do: tabs leading the
//! continuation lines of a quoted scalar, a flow sequence closed at its key's indentation.

use std::cell::Cell;
use std::io::{Chain, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use libyaml_safer::{Encoding, EventData, Parser, ScalarStyle};

use super::leaf::{ParseError, RawScalar, Span, Style};
use super::split::Chunk;

/// What the span tree needs from one parse event. Anchors are by name.
pub(super) enum Event {
    Scalar(RawScalar, Option<String>),
    SequenceStart(Option<String>),
    MappingStart(Option<String>),
    SequenceEnd,
    MappingEnd,
    Alias(String),
    DocumentEnd,
}

/// The events of one chunk, with spans as file byte offsets (libyaml's marks are byte
/// indices into its input).
pub(super) struct Events<'a> {
    parser: Parser<Chain<&'a [u8], &'static [u8]>>,
    text: &'a str,
    base: usize,
    /// Whether a final line break was supplied (see [`Events::new`]).
    appended: bool,
    done: bool,
}

/// The tag prefix of the YAML core schema (`!!str` is `tag:yaml.org,2002:str`).
const CORE: &str = "tag:yaml.org,2002:";

impl<'a> Events<'a> {
    pub(super) fn new(chunk: Chunk<'a>) -> Events<'a> {
        // libyaml skips a byte order mark without counting it in its marks: drop it here so
        // that the marks stay offsets into the chunk.
        let (text, base) = match chunk.text.strip_prefix('\u{feff}') {
            Some(rest) => (rest, chunk.offset + '\u{feff}'.len_utf8()),
            None => (chunk.text, chunk.offset),
        };
        // libyaml-safer 0.3.0 panics on a block scalar that ends the input without a line
        // break: a final newline, appended without copying, changes no event and no offset.
        // A block scalar that ends at that break has it removed again from its value.
        let appended = !text.ends_with('\n');
        let end: &'static [u8] = if appended { b"\n" } else { b"" };
        let mut parser = Parser::new();
        parser.set_encoding(Encoding::Utf8);
        parser.set_input(text.as_bytes().chain(end));
        Events {
            parser,
            text,
            base,
            appended,
            done: false,
        }
    }

    /// The next raw event. A panic inside the parser is caught by [`guarded`], around the
    /// whole chunk: catching it per event costs more than the rest of the tree building.
    fn parse(&mut self) -> Result<libyaml_safer::Event, ParseError> {
        IN_PARSER.set(true);
        let result = self.parser.parse();
        IN_PARSER.set(false);
        result.map_err(|e| self.error(&e))
    }

    /// A mark as a file offset, inside the chunk.
    fn offset(&self, mark: libyaml_safer::Mark) -> usize {
        self.base + (mark.index as usize).min(self.text.len())
    }

    fn error(&self, e: &libyaml_safer::Error) -> ParseError {
        // A reader error (a control character) has no mark: find the character.
        let at = match e.problem_mark() {
            Some(m) => self.offset(m),
            None => self.base + self.text.find(|c| !printable(c)).unwrap_or(0),
        };
        ParseError {
            message: e.problem().to_string(),
            at,
        }
    }
}

impl Events<'_> {
    /// Where a block scalar's text starts, after its `|`/`>` header line: findings about the
    /// value point at the text.
    fn block_content_start(&self, span: Span) -> usize {
        let local = &self.text[span.start - self.base..span.end - self.base];
        let Some(nl) = local.find('\n') else {
            return span.start;
        };
        match local[nl..].find(|c: char| !c.is_ascii_whitespace()) {
            Some(i) => span.start + nl + i,
            None => span.start,
        }
    }
}

impl Iterator for Events<'_> {
    type Item = Result<(Event, Span), ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let ev = match self.parse() {
                Ok(ev) => ev,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            let mut span = Span::new(self.offset(ev.start_mark), self.offset(ev.end_mark));
            let out = match ev.data {
                EventData::Scalar {
                    anchor,
                    tag,
                    mut value,
                    style,
                    ..
                } => {
                    if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                        span.start = self.block_content_start(span);
                        if self.appended
                            && ev.end_mark.index as usize > self.text.len()
                            && value.ends_with('\n')
                        {
                            value.pop();
                        }
                    }
                    Event::Scalar(scalar(value, style, tag), anchor)
                }
                EventData::SequenceStart { anchor, .. } => Event::SequenceStart(anchor),
                EventData::MappingStart { anchor, .. } => Event::MappingStart(anchor),
                EventData::SequenceEnd => Event::SequenceEnd,
                EventData::MappingEnd => Event::MappingEnd,
                EventData::Alias { anchor } => Event::Alias(anchor),
                EventData::DocumentEnd { .. } => Event::DocumentEnd,
                EventData::StreamEnd => {
                    self.done = true;
                    continue;
                }
                EventData::StreamStart { .. } | EventData::DocumentStart { .. } => continue,
            };
            return Some(Ok((out, span)));
        }
        None
    }
}

/// The characters libyaml's reader accepts (YAML's c-printable).
fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

thread_local! {
    static IN_PARSER: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, which pulls [`Events`] of a chunk whose text ends at `end`. libyaml-safer has a
/// few `panic!`s for states it did not port (such as a tag followed by `,` in a flow
/// collection): such a panic becomes a parse error of this document instead of ending the
/// run. A panic elsewhere (a bug of ours) goes on unwinding, to the file's internal error.
pub(super) fn guarded<T, E: From<ParseError>>(
    end: usize,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    quiet_parser_panics();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) if IN_PARSER.get() => {
            IN_PARSER.set(false);
            Err(ParseError {
                message: "the YAML parser could not read this document".into(),
                at: end,
            }
            .into())
        }
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// A panic caught in [`guarded`] is a parse error, not a crash: keep the panic hook
/// from printing it (other panics still print as before).
fn quiet_parser_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_PARSER.get() {
                previous(info);
            }
        }));
    });
}

/// A scalar: only plain scalars are resolved later, and only core-schema tags are kept
/// (Kubernetes' YAML-to-JSON conversion ignores the others).
fn scalar(value: String, style: ScalarStyle, tag: Option<String>) -> RawScalar {
    let style = match style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
        ScalarStyle::Literal | ScalarStyle::Folded => Style::Block,
        _ => Style::Plain,
    };
    let core_tag = tag.and_then(|t| t.strip_prefix(CORE).map(str::to_owned));
    RawScalar {
        text: value,
        style,
        core_tag,
    }
}
