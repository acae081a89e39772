//! Skipping a value no consumer reads: the body of an object of a kind no rule looks into
//! (a CustomResourceDefinition's schema is half the bytes of many repositories). Its events
//! are still pulled and checked as the span tree checks them (nesting depth, duplicate keys),
//! so findings and errors are the same; only no nodes are built, and none are dropped.

use super::events::Event;
use super::leaf::{report_duplicates, too_deep, ParseError, Span, Style};

/// One skipped collection, from its start event to its end.
pub(super) struct Skip {
    start: usize,
    map: bool,
    frames: Vec<Frame>,
    /// The scalar keys of the open mappings, each mapping's from its `first_key` on.
    keys: Vec<(String, Span)>,
}

struct Frame {
    map: bool,
    first_key: usize,
    /// In a mapping: whether the next child is a key.
    expecting_key: bool,
    /// Where the last item (or mapping value) ended: the tree's collection spans reach it.
    last_end: usize,
}

pub(super) enum Step {
    More,
    /// The skipped collection closed: its span, and whether it is a mapping.
    Done(Span, bool),
    /// The skipped part cannot be left out: an alias (it may name an anchor inside it).
    Full,
}

impl Skip {
    pub(super) fn new(start: usize, map: bool) -> Skip {
        Skip {
            start,
            map,
            frames: vec![Frame::new(map)],
            keys: Vec::new(),
        }
    }

    /// Takes one event. `outer_depth` counts the open collections around the skipped one;
    /// nesting stops at `max_depth`, as in the tree.
    pub(super) fn event(
        &mut self,
        ev: Event,
        span: Span,
        outer_depth: usize,
        max_depth: usize,
        duplicates: &mut Vec<(Span, String)>,
    ) -> Result<Step, ParseError> {
        match ev {
            Event::Scalar(s, _) => {
                let key = (s.style != Style::Plain || s.text != "<<").then_some(s.text);
                self.child(span.end, key.map(|k| (k, span)));
            }
            Event::SequenceStart(_) | Event::MappingStart(_) => {
                if outer_depth + self.frames.len() >= max_depth {
                    return Err(too_deep(max_depth, span));
                }
                let map = matches!(ev, Event::MappingStart(_));
                let mut frame = Frame::new(map);
                frame.first_key = self.keys.len();
                self.frames.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.frames.pop() else {
                    return Ok(Step::Full);
                };
                if frame.map {
                    report_duplicates(
                        &self.keys[frame.first_key..],
                        |(k, s)| Some((k.as_str(), *s)),
                        duplicates,
                    );
                    self.keys.truncate(frame.first_key);
                }
                let end = frame.last_end.max(span.end);
                if self.frames.is_empty() {
                    let span = Span::new(self.start, end.max(self.start));
                    return Ok(Step::Done(span, self.map));
                }
                self.child(end, None);
            }
            Event::Alias(_) | Event::DocumentEnd => return Ok(Step::Full),
        }
        Ok(Step::More)
    }

    /// A child of the innermost open collection ended at `end`; `key` is its text and span
    /// when it is a scalar that counts as a key (a merge key `<<` does not).
    fn child(&mut self, end: usize, key: Option<(String, Span)>) {
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        if frame.map && frame.expecting_key {
            if let Some(k) = key {
                self.keys.push(k);
            }
            frame.expecting_key = false;
        } else {
            frame.expecting_key = frame.map;
            frame.last_end = end;
        }
    }
}

impl Frame {
    fn new(map: bool) -> Frame {
        Frame {
            map,
            first_key: 0,
            expecting_key: map,
            last_end: 0,
        }
    }
}
