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
use mdbook_preprocessor::book::{Book, SectionNumber};
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
        let missing = |index| de::Error::invalid_length(index, &"[context, book]");
        let context: PreprocessorContext = seq.next_element()?.ok_or_else(|| missing(0))?;
        if super::check_version(&context.mdbook_version).is_err() {
            return Err(de::Error::custom(
                "an mdBook version this build does not speak",
            ));
        }
        let received = if self.sink.context(context) {
            let mut next_index = 0;
            let book = BookSeed(Place {
                sink: self.sink,
                next_index: &mut next_index,
            });
            seq.next_element_seed(book)?.ok_or_else(|| missing(1))?;
            Received::Chapters
        } else {
            Received::Book(seq.next_element()?.ok_or_else(|| missing(1))?)
        };
        match seq.next_element::<IgnoredAny>()? {
            Some(_) => Err(de::Error::invalid_length(3, &"[context, book]")),
            None => Ok(received),
        }
    }
}

/// Where the visitors hand chapters, and the counter that gives each chapter its place in the book.
struct Place<'a> {
    sink: &'a mut dyn Sink,
    next_index: &'a mut usize,
}

impl Place<'_> {
    /// The same place, for a nested visitor.
    fn reborrow(&mut self) -> Place<'_> {
        Place {
            sink: &mut *self.sink,
            next_index: &mut *self.next_index,
        }
    }

    /// The place of the chapter that starts now.
    fn take_index(&mut self) -> usize {
        let index = *self.next_index;
        *self.next_index += 1;
        index
    }
}

/// `{"items": [...]}`.
struct BookSeed<'a>(Place<'a>);

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

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let mut items = false;
        while let Some(key) = map.next_key::<String>()? {
            if key != "items" {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if items {
                return Err(de::Error::duplicate_field("items"));
            }
            map.next_value_seed(ItemsSeed(self.0.reborrow()))?;
            items = true;
        }
        if items {
            Ok(())
        } else {
            Err(de::Error::missing_field("items"))
        }
    }
}

/// A list of `BookItem`s: `items` of the book, `sub_items` of a chapter.
struct ItemsSeed<'a>(Place<'a>);

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

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(ItemSeed(self.0.reborrow()))?
            .is_some()
        {}
        Ok(())
    }
}

/// One `BookItem`: `"Separator"`, `{"PartTitle": "..."}` or `{"Chapter": {...}}`.
struct ItemSeed<'a>(Place<'a>);

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
            "Chapter" => map.next_value_seed(ChapterSeed(self.0))?,
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
struct ChapterSeed<'a>(Place<'a>);

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

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let index = self.0.take_index();
        let mut fields = ChapterFields::default();
        while let Some(key) = map.next_key::<String>()? {
            fields.note(&key)?;
            match key.as_str() {
                "name" => {
                    map.next_value::<String>()?;
                }
                "content" => fields.content = Some(map.next_value::<String>()?),
                "number" => {
                    map.next_value::<Option<SectionNumber>>()?;
                }
                "sub_items" => map.next_value_seed(ItemsSeed(self.0.reborrow()))?,
                "path" => {
                    map.next_value::<Option<PathBuf>>()?;
                }
                "source_path" => fields.source_path = map.next_value::<Option<PathBuf>>()?,
                "parent_names" => {
                    map.next_value::<Vec<String>>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        fields.check_required()?;
        if let (Some(source_path), Some(content)) = (fields.source_path, fields.content) {
            self.0.sink.chapter(index, source_path, content);
        }
        Ok(())
    }
}

/// The fields of mdBook's `Chapter`, in its order.
const CHAPTER_FIELDS: [&str; 7] = [
    "name",
    "content",
    "number",
    "sub_items",
    "path",
    "source_path",
    "parent_names",
];

/// What a chapter's JSON object gave so far.
#[derive(Default)]
struct ChapterFields {
    seen: [bool; CHAPTER_FIELDS.len()],
    content: Option<String>,
    source_path: Option<PathBuf>,
}

impl ChapterFields {
    /// Notes that `key` was read; a field read twice is an error, as in mdBook's derived `Deserialize`.
    fn note<E: de::Error>(&mut self, key: &str) -> Result<(), E> {
        let Some(field) = CHAPTER_FIELDS.iter().position(|name| *name == key) else {
            return Ok(());
        };
        if std::mem::replace(&mut self.seen[field], true) {
            return Err(E::duplicate_field(CHAPTER_FIELDS[field]));
        }
        Ok(())
    }

    /// The fields mdBook requires (the `Option` ones may be left out).
    fn check_required<E: de::Error>(&self) -> Result<(), E> {
        let required = ["name", "content", "sub_items", "parent_names"];
        match CHAPTER_FIELDS
            .iter()
            .zip(self.seen)
            .find(|(name, seen)| required.contains(name) && !seen)
        {
            Some((name, _)) => Err(E::missing_field(name)),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// Records what [`receive`] hands over.
    struct Recorder {
        by_chapter: bool,
        renderer: Option<String>,
        chapters: Vec<(usize, PathBuf)>,
    }

    impl Sink for Recorder {
        fn context(&mut self, context: PreprocessorContext) -> bool {
            self.renderer = Some(context.renderer);
            self.by_chapter
        }
        fn chapter(&mut self, index: usize, source_path: PathBuf, _content: String) {
            self.chapters.push((index, source_path));
        }
    }

    fn request() -> Value {
        serde_json::from_str(include_str!("../../tests/mdbook/v05-check.json")).unwrap()
    }

    fn receive_value(
        request: &Value,
        by_chapter: bool,
    ) -> (serde_json::Result<Received>, Recorder) {
        let mut recorder = Recorder {
            by_chapter,
            renderer: None,
            chapters: Vec::new(),
        };
        let text = request.to_string();
        let received = receive(text.as_bytes(), &mut recorder);
        (received, recorder)
    }

    #[test]
    fn chapters_with_a_file_are_handed_over_with_their_place_in_the_book() {
        let mut request = request();
        request[1]["items"][0]["Chapter"]["sub_items"] = json!([{"Chapter": {
            "name": "Child", "content": "", "number": null, "sub_items": [],
            "path": "child.md", "source_path": "child.md", "parent_names": ["Introduction"]
        }}]);
        let (received, mut recorder) = receive_value(&request, true);
        assert!(matches!(received, Ok(Received::Chapters)));
        assert_eq!(recorder.renderer.as_deref(), Some("html"));
        // A parent is complete only after its sub-chapters, so it arrives after them, with its place
        // in the book as its index.
        assert_eq!(recorder.chapters[0], (1, PathBuf::from("child.md")));
        recorder.chapters.sort();
        assert_eq!(
            recorder.chapters,
            [
                (0, PathBuf::from("README.md")),
                (1, PathBuf::from("child.md")),
                (2, PathBuf::from("permissions.md")),
            ],
            "the draft chapter (no file) is not handed over"
        );
    }

    #[test]
    fn the_whole_book_is_read_when_the_sink_wants_it() {
        let (received, recorder) = receive_value(&request(), false);
        let Ok(Received::Book(book)) = received else {
            panic!("the book is read whole");
        };
        assert_eq!(book.items.len(), 5);
        assert!(recorder.chapters.is_empty());
    }

    #[test]
    fn what_mdbook_would_not_read_is_refused() {
        type Change = dyn Fn(&mut Value);
        let chapter = "/1/items/1/Chapter";
        let cases: [(&str, Box<Change>); 6] = [
            (
                "a 0.4 request",
                Box::new(|r| r[0]["mdbook_version"] = json!("0.4.40")),
            ),
            (
                "a chapter without a name",
                Box::new(move |r| {
                    r.pointer_mut(chapter)
                        .unwrap()
                        .as_object_mut()
                        .unwrap()
                        .remove("name");
                }),
            ),
            (
                "null content",
                Box::new(move |r| r.pointer_mut(chapter).unwrap()["content"] = Value::Null),
            ),
            (
                "a section number that is not one",
                Box::new(move |r| r.pointer_mut(chapter).unwrap()["number"] = json!("1")),
            ),
            (
                "an unknown item",
                Box::new(|r| r[1]["items"][3] = json!("Spacer")),
            ),
            (
                "a third element",
                Box::new(|r| r.as_array_mut().unwrap().push(json!(1))),
            ),
        ];
        for (what, change) in cases {
            let mut request = request();
            change(&mut request);
            assert!(receive_value(&request, true).0.is_err(), "{what}");
        }
        let duplicated =
            request()
                .to_string()
                .replacen("\"content\":", "\"content\":\"x\",\"content\":", 1);
        let mut recorder = Recorder {
            by_chapter: true,
            renderer: None,
            chapters: Vec::new(),
        };
        assert!(
            receive(duplicated.as_bytes(), &mut recorder).is_err(),
            "a duplicate key"
        );
    }
}
