//! Keeping what format libraries log to themselves: their warnings ("missing glyph width",
//! "unknown font encoding") are counted per file and summarised in the report, not written
//! to the terminal, one line per glyph.
//!
//! Libraries log through `log` or `tracing`; a program that routes `log` into `tracing` (as
//! Minga's binary does) sends both to the current dispatcher, which [`quiet`] replaces, on
//! this thread only, while the library runs.

use std::sync::{Arc, Mutex};

use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// Most distinct messages kept as examples.
const MAX_EXAMPLES: usize = 2;

/// Longest example kept, in characters.
const MAX_EXAMPLE_CHARS: usize = 120;

/// What a library said while it ran.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Chatter {
    /// Warnings and errors logged.
    pub count: usize,
    /// The first distinct messages.
    pub examples: Vec<String>,
}

impl Chatter {
    /// `312 warnings from the PDF reader, such as "…"`, or `None` when it said nothing.
    pub(crate) fn summary(&self, library: &str) -> Option<String> {
        if self.count == 0 {
            return None;
        }
        let plural = if self.count == 1 { "" } else { "s" };
        let mut out = format!("{} warning{plural} from the {library}", self.count);
        if !self.examples.is_empty() {
            let quoted: Vec<String> = self.examples.iter().map(|e| format!("{e:?}")).collect();
            out.push_str(", such as ");
            out.push_str(&quoted.join(", "));
        }
        Some(out)
    }
}

/// Runs `f` with warnings and errors logged on this thread kept in a [`Chatter`] instead of
/// reaching the program's log.
pub(crate) fn quiet<T>(f: impl FnOnce() -> T) -> (T, Chatter) {
    let collector = Collector::default();
    let chatter = Arc::clone(&collector.chatter);
    let result = tracing::subscriber::with_default(collector, f);
    let chatter = chatter.lock().map(|c| c.clone()).unwrap_or_default();
    (result, chatter)
}

#[derive(Default)]
struct Collector {
    chatter: Arc<Mutex<Chatter>>,
}

/// Collects an event's message.
struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "message" {
            self.0 = value.to_string();
        }
    }
}

impl Subscriber for Collector {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Other threads log to the program's subscriber meanwhile: decide event by event.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= Level::WARN
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        if let Ok(mut chatter) = self.chatter.lock() {
            chatter.count += 1;
            let example: String = message.0.chars().take(MAX_EXAMPLE_CHARS).collect();
            if chatter.examples.len() < MAX_EXAMPLES
                && !example.is_empty()
                && !chatter.examples.contains(&example)
            {
                chatter.examples.push(example);
            }
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_counted_not_printed() {
        let (value, chatter) = quiet(|| {
            for n in 0..5 {
                tracing::warn!("glyph {n} has no width");
            }
            tracing::info!("not a warning");
            tracing::error!("broken xref");
            7
        });
        assert_eq!(value, 7);
        assert_eq!(chatter.count, 6);
        assert_eq!(
            chatter.examples,
            ["glyph 0 has no width", "glyph 1 has no width"]
        );
        assert_eq!(
            chatter.summary("PDF reader").unwrap(),
            "6 warnings from the PDF reader, such as \"glyph 0 has no width\", \
             \"glyph 1 has no width\""
        );
        assert_eq!(quiet(|| ()).1.summary("PDF reader"), None);
    }
}
