//! The request read as it arrives. mdBook takes longer to write a large book into the pipe than
//! scope-lint takes to check it, so the request is parsed while it is still coming in: the context first
//! (the policy and the matchers are built from it at once, on another thread), then, in `check` mode, each
//! chapter is handed over the moment its JSON object is complete, to be checked while the rest arrives.
//!
//! The visitors below read mdBook's `Book` the way its derived `Deserialize` does (`items`, the
//! externally tagged `BookItem`, `Chapter` fields) but keep only what the check needs.

use std::fmt;
use std::io::Read;
use std::path::PathBuf;

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Where the parts of a request go as they arrive.
pub(super) trait Sink {
    /// The context has arrived. Returns whether the book should be handed over chapter by chapter (to
    /// [`Sink::chapter`]) instead of whole.
    fn context(&mut self, context: PreprocessorContext) -> bool;
    /// A chapter with a source file: its place in the book (depth first, a parent before its children),
    /// its path relative to `src/`, and its content.
    fn chapter(&mut self, index: usize, source_path: PathBuf, content: String);
}

/// What [`receive`] read besides what it gave the sink.
pub(super) enum Received {
    /// The chapters went to the sink one by one.
    Chapters,
    /// The whole book.
    Book(Book),
}

/// Parses a `[context, book]` request from `input` as it arrives. Any error (including a version this
/// build does not speak) only says that the request must be read the slow way, which explains it.
pub(super) fn receive(input: impl Read, sink: &mut dyn Sink) -> serde_json::Result<Received> {
    let mut deserializer = serde_json::Deserializer::from_reader(input);
    let received = RequestSeed { sink }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(received)
}

struct RequestSeed<'a> {
    sink: &'a mut dyn Sink,
}

impl<'de> DeserializeSeed<'de> for RequestSeed<'_> {
    type Value = Received;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Received, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RequestSeed<'_> {
    type Value = Received;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an mdBook request `[context, book]`")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Received, A::Error> {
        let missing = || de::Error::invalid_length(0, &"[context, book]");
        let context: PreprocessorContext = seq.next_element()?.ok_or_else(missing)?;
        if super::check_version(&context.mdbook_version).is_err() {
            return Err(de::Error::custom(
                "an mdBook version this build does not speak",
            ));
        }
        let received = if self.sink.context(context) {
            let mut next_index = 0;
            let book = BookSeed {
                sink: self.sink,
                next_index: &mut next_index,
            };
            seq.next_element_seed(book)?.ok_or_else(missing)?;
            Received::Chapters
        } else {
            Received::Book(seq.next_element()?.ok_or_else(missing)?)
        };
        match seq.next_element::<IgnoredAny>()? {
            Some(_) => Err(de::Error::invalid_length(3, &"[context, book]")),
            None => Ok(received),
        }
    }
}

/// `{"items": [...]}`.
struct BookSeed<'a> {
    sink: &'a mut dyn Sink,
    next_index: &'a mut usize,
}

impl<'de> DeserializeSeed<'de> for BookSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BookSeed<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an mdBook book")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut items = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "items" {
                map.next_value_seed(ItemsSeed {
                    sink: &mut *self.sink,
                    next_index: &mut *self.next_index,
                })?;
                items = true;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if items {
            Ok(())
        } else {
            Err(de::Error::missing_field("items"))
        }
    }
}

/// A list of `BookItem`s: `items` of the book, `sub_items` of a chapter.
struct ItemsSeed<'a> {
    sink: &'a mut dyn Sink,
    next_index: &'a mut usize,
}

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a list of book items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(ItemSeed {
                sink: &mut *self.sink,
                next_index: &mut *self.next_index,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// One `BookItem`: `"Separator"`, `{"PartTitle": "..."}` or `{"Chapter": {...}}`.
struct ItemSeed<'a> {
    sink: &'a mut dyn Sink,
    next_index: &'a mut usize,
}

const ITEM_VARIANTS: &[&str] = &["Chapter", "Separator", "PartTitle"];

impl<'de> DeserializeSeed<'de> for ItemSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a book item")
    }

    fn visit_str<E: de::Error>(self, variant: &str) -> Result<(), E> {
        match variant {
            "Separator" => Ok(()),
            other => Err(de::Error::unknown_variant(other, ITEM_VARIANTS)),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let variant: String = map
            .next_key()?
            .ok_or_else(|| de::Error::invalid_length(0, &"one variant"))?;
        match variant.as_str() {
            "Chapter" => map.next_value_seed(ChapterSeed {
                sink: self.sink,
                next_index: self.next_index,
            })?,
            "PartTitle" => {
                map.next_value::<String>()?;
            }
            other => return Err(de::Error::unknown_variant(other, ITEM_VARIANTS)),
        }
        match map.next_key::<IgnoredAny>()? {
            Some(_) => Err(de::Error::invalid_length(2, &"one variant")),
            None => Ok(()),
        }
    }
}

/// A `Chapter`: its content and source path go to the sink once the object is complete.
struct ChapterSeed<'a> {
    sink: &'a mut dyn Sink,
    next_index: &'a mut usize,
}

impl<'de> DeserializeSeed<'de> for ChapterSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ChapterSeed<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a chapter")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let index = *self.next_index;
        *self.next_index += 1;
        let mut content = None;
        let mut source_path = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "content" => content = Some(map.next_value::<String>()?),
                "source_path" => source_path = map.next_value::<Option<PathBuf>>()?,
                "sub_items" => map.next_value_seed(ItemsSeed {
                    sink: &mut *self.sink,
                    next_index: &mut *self.next_index,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let content = content.ok_or_else(|| de::Error::missing_field("content"))?;
        if let Some(source_path) = source_path {
            self.sink.chapter(index, source_path, content);
        }
        Ok(())
    }
}
