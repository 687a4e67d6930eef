//! The message codec of protocol 2: field selections, projected documents
//! and bundles, and patches.
//!
//! A stage declares the fields it reads and writes ([`StageSpec::reads`],
//! [`StageSpec::writes`]). The host sends it only what it reads (a
//! *projection*) and takes back only what it may write (a *patch*): a
//! response document holds its `id` and the fields the stage wrote; a field
//! that is absent is kept as the host has it. So a field a plugin does not
//! know can never be lost, and a write outside the declared set is refused
//! with the field's name.
//!
//! Field names: document fields by their JSON names (`text`, `title`,
//! `sentences`, ...), a plugin's document data as `ext.<plugin>`; bundle
//! fields as `bundle.<name>` (`bundle.summary`, `bundle.quotes`, ...),
//! `bundle.ext.<plugin>`, and `bundle.documents` for a stage that removes
//! documents; `*` for everything (what a stage that declares nothing gets).
//!
//! Plugin authors do not use this module: [`export_plugin!`](crate::export_plugin)
//! and the host do. It is public because the host shares it.
//!
//! [`StageSpec::reads`]: crate::StageSpec::reads
//! [`StageSpec::writes`]: crate::StageSpec::writes

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::model::*;

/// The newest message protocol this crate speaks. Protocol 1: whole
/// documents both ways. Protocol 2: projections and patches.
pub const PROTOCOL: u32 = 2;

/// Which fields of documents and bundles a stage reads or writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSet {
    all: bool,
    doc: BTreeSet<String>,
    doc_ext: Ext,
    bundle: BTreeSet<String>,
    bundle_ext: Ext,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Ext {
    #[default]
    None,
    All,
    Some(BTreeSet<String>),
}

impl Ext {
    fn add(&mut self, ns: Option<&str>) {
        match (ns, &mut *self) {
            (None, _) => *self = Ext::All,
            (Some(_), Ext::All) => {}
            (Some(n), Ext::Some(set)) => {
                set.insert(n.to_string());
            }
            (Some(n), Ext::None) => *self = Ext::Some(BTreeSet::from([n.to_string()])),
        }
    }
    fn has(&self, ns: &str) -> bool {
        match self {
            Ext::None => false,
            Ext::All => true,
            Ext::Some(set) => set.contains(ns),
        }
    }
    fn any(&self) -> bool {
        !matches!(self, Ext::None)
    }
}

impl FieldSet {
    /// Every field (`*`).
    pub fn all() -> Self {
        FieldSet {
            all: true,
            ..FieldSet::default()
        }
    }

    /// The set named by declarations such as `["text", "ext.parse", "bundle.summary"]`.
    pub fn of<S: AsRef<str>>(names: &[S]) -> Self {
        let mut set = FieldSet::default();
        for n in names {
            set.add(n.as_ref());
        }
        set
    }

    fn add(&mut self, name: &str) {
        // `name?`: an optional read (see `StageSpec::reads`).
        let name = name.strip_suffix('?').unwrap_or(name);
        if name == "*" {
            self.all = true;
        } else if name == "bundle.ext" {
            self.bundle_ext.add(None);
        } else if let Some(ns) = name.strip_prefix("bundle.ext.") {
            self.bundle_ext.add(Some(ns));
        } else if let Some(field) = name.strip_prefix("bundle.") {
            self.bundle.insert(field.to_string());
        } else if name == "ext" {
            self.doc_ext.add(None);
        } else if let Some(ns) = name.strip_prefix("ext.") {
            self.doc_ext.add(Some(ns));
        } else {
            self.doc.insert(name.to_string());
        }
    }

    /// True for `*`.
    pub fn is_all(&self) -> bool {
        self.all
    }
    /// True when the set holds document field `name`.
    pub fn has_doc(&self, name: &str) -> bool {
        self.all || self.doc.contains(name)
    }
    /// True when the set holds `ext.<ns>` of documents.
    pub fn has_doc_ext(&self, ns: &str) -> bool {
        self.all || self.doc_ext.has(ns)
    }
    /// True when the set holds `name` as a stage declares it (`text`,
    /// `ext.parse`, `bundle.summary`, `bundle.ext.quotes`); `ext` and
    /// `bundle.ext` alone ask for any namespace.
    pub fn covers(&self, name: &str) -> bool {
        let name = name.strip_suffix('?').unwrap_or(name);
        if self.all || name == "*" {
            return self.all;
        }
        if name == "bundle.ext" {
            return self.bundle_ext.any();
        }
        if let Some(ns) = name.strip_prefix("bundle.ext.") {
            return self.has_bundle_ext(ns);
        }
        if let Some(f) = name.strip_prefix("bundle.") {
            return self.has_bundle(f);
        }
        if name == "ext" {
            return self.doc_ext.any();
        }
        if let Some(ns) = name.strip_prefix("ext.") {
            return self.has_doc_ext(ns);
        }
        self.has_doc(name)
    }
    /// True when the set holds bundle field `name`.
    pub fn has_bundle(&self, name: &str) -> bool {
        self.all || self.bundle.contains(name)
    }
    /// True when the set holds `bundle.ext.<ns>`.
    pub fn has_bundle_ext(&self, ns: &str) -> bool {
        self.all || self.bundle_ext.has(ns)
    }
}

/// Whether a value is worth sending in a request (absent means default).
trait Present {
    fn present(&self) -> bool;
}
impl<T> Present for Option<T> {
    fn present(&self) -> bool {
        self.is_some()
    }
}
impl<T> Present for Vec<T> {
    fn present(&self) -> bool {
        !self.is_empty()
    }
}
impl Present for String {
    fn present(&self) -> bool {
        !self.is_empty()
    }
}
impl Present for Source {
    fn present(&self) -> bool {
        *self != Source::default()
    }
}
impl Present for DocKind {
    fn present(&self) -> bool {
        *self != DocKind::Unknown
    }
}

/// Sends a map of ext namespaces, only those `keep` accepts.
struct ExtOf<'a, F: Fn(&str) -> bool> {
    ext: &'a BTreeMap<String, Value>,
    keep: F,
}

impl<F: Fn(&str) -> bool> Serialize for ExtOf<'_, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (k, v) in self.ext {
            if (self.keep)(k) {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

macro_rules! document_fields {
    ($( $json:literal => $variant:ident ( $ty:ty ) = $field:ident ),* $(,)?) => {
        /// One field of a document patch.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(missing_docs)]
        pub enum DocField {
            $( $variant($ty), )*
            /// `source`, key by key: the keys given replace the host's, the others are kept.
            Source(serde_json::Map<String, Value>),
            /// Ext namespaces: each key is replaced (a null removes it), the others kept.
            Ext(BTreeMap<String, Value>),
            /// A field this host does not know (from a newer plugin): kept as it came.
            Unknown(String, Value),
        }

        impl DocField {
            /// The field's JSON name.
            pub fn name(&self) -> &str {
                match self {
                    $( DocField::$variant(_) => $json, )*
                    DocField::Source(_) => "source",
                    DocField::Ext(_) => "ext",
                    DocField::Unknown(k, _) => k,
                }
            }

            /// True when `doc` already has this value.
            fn unchanged(&self, doc: &Document) -> bool {
                match self {
                    $( DocField::$variant(v) => *v == doc.$field, )*
                    DocField::Source(m) => {
                        let current = serde_json::to_value(&doc.source).unwrap_or_default();
                        m.iter().all(|(k, v)| current.get(k).unwrap_or(&Value::Null) == v)
                    }
                    DocField::Ext(m) => m.iter().all(|(k, v)| doc.ext.get(k) == Some(v)),
                    DocField::Unknown(k, v) => doc.extra.get(k) == Some(v),
                }
            }

            /// Puts the value into `doc`; returns what was there (for undo).
            fn apply(self, doc: &mut Document, append_diagnostics: bool) -> DocField {
                match self {
                    DocField::Diagnostics(mut d) if append_diagnostics => {
                        let before = doc.diagnostics.clone();
                        doc.diagnostics.append(&mut d);
                        DocField::Diagnostics(before)
                    }
                    $( DocField::$variant(v) => DocField::$variant(std::mem::replace(&mut doc.$field, v)), )*
                    DocField::Source(m) => {
                        let before = serde_json::to_value(&doc.source)
                            .ok()
                            .and_then(|v| v.as_object().cloned())
                            .unwrap_or_default();
                        let mut merged = before.clone();
                        merged.extend(m);
                        if let Ok(source) = serde_json::from_value(Value::Object(merged)) {
                            doc.source = source;
                        }
                        DocField::Source(before)
                    }
                    DocField::Ext(m) => DocField::Ext(merge_ext(&mut doc.ext, m)),
                    DocField::Unknown(k, v) => {
                        let old = doc.extra.insert(k.clone(), v).unwrap_or(Value::Null);
                        DocField::Unknown(k, old)
                    }
                }
            }

            fn read<'de, A: MapAccess<'de>>(key: String, map: &mut A) -> Result<DocField, A::Error> {
                Ok(match key.as_str() {
                    $( $json => DocField::$variant(map.next_value()?), )*
                    "source" => {
                        let m: serde_json::Map<String, Value> = map.next_value()?;
                        // Checked now, so that a bad value is the plugin's error, with its path.
                        serde_json::from_value::<Source>(Value::Object(m.clone()))
                            .map_err(de::Error::custom)?;
                        DocField::Source(m)
                    }
                    "ext" => DocField::Ext(map.next_value()?),
                    _ => {
                        let v = map.next_value()?;
                        DocField::Unknown(key, v)
                    }
                })
            }
        }

        /// Every document field's JSON name, in wire order (`id` and
        /// `bundle` first, `ext` last).
        pub const DOCUMENT_FIELDS: &[&str] = &["id", "bundle", "source", $( $json, )* "ext"];

        fn serialize_document<M: SerializeMap>(
            doc: &Document,
            select: &FieldSet,
            patch: Option<&FieldSet>,
            map: &mut M,
        ) -> Result<(), M::Error> {
            // In a patch, a field the stage was not sent goes back only when
            // it now has a value: a default left by a field the plugin never
            // saw must not erase the host's value.
            let send = |name: &str, present: bool| match patch {
                None => present,
                Some(sent) => present || sent.has_doc(name),
            };
            map.serialize_entry("id", &doc.id)?;
            if patch.is_none() {
                map.serialize_entry("bundle", &doc.bundle)?;
            }
            if select.has_doc("source") && send("source", doc.source.present()) {
                map.serialize_entry("source", &doc.source)?;
            }
            $(
                if select.has_doc($json) && send($json, doc.$field.present()) {
                    map.serialize_entry($json, &doc.$field)?;
                }
            )*
            if select.all || select.doc_ext.any() {
                if select.all || matches!(select.doc_ext, Ext::All) {
                    if send("ext", !doc.ext.is_empty()) {
                        map.serialize_entry("ext", &doc.ext)?;
                    }
                } else {
                    map.serialize_entry("ext", &ExtOf { ext: &doc.ext, keep: |k: &str| select.doc_ext.has(k) })?;
                }
            }
            for (k, v) in &doc.extra {
                if select.has_doc(k) {
                    map.serialize_entry(k, v)?;
                }
            }
            Ok(())
        }
    };
}

document_fields! {
    "raw" => Raw(Option<String>) = raw,
    "raw_base64" => RawBase64(Option<String>) = raw_base64,
    "kind" => Kind(DocKind) = kind,
    "title" => Title(Option<String>) = title,
    "outlet" => Outlet(Option<String>) = outlet,
    "byline" => Byline(Option<String>) = byline,
    "authors" => Authors(Vec<String>) = authors,
    "published" => Published(Option<DateValue>) = published,
    "updated" => Updated(Option<DateValue>) = updated,
    "dateline" => Dateline(Option<String>) = dateline,
    "language" => Language(Option<String>) = language,
    "url" => Url(Option<String>) = url,
    "text" => Text(String) = text,
    "paragraphs" => Paragraphs(Vec<Span>) = paragraphs,
    "sentences" => Sentences(Vec<Span>) = sentences,
    "turns" => Turns(Vec<Turn>) = turns,
    "duplicate_of" => DuplicateOf(Option<String>) = duplicate_of,
    "similarity" => Similarity(Option<f64>) = similarity,
    "diagnostics" => Diagnostics(Vec<Diagnostic>) = diagnostics,
}

/// A document as a stage sees it: `id`, `bundle` and the fields it reads.
pub struct ProjectedDocument<'a> {
    /// The document.
    pub doc: &'a Document,
    /// What to send.
    pub fields: &'a FieldSet,
}

impl Serialize for ProjectedDocument<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        serialize_document(self.doc, self.fields, None, &mut map)?;
        map.end()
    }
}

/// A document patch as a stage returns it: `id` and the fields it writes
/// (and `diagnostics`, which every stage may add to).
pub struct PatchOf<'a> {
    /// The document after the stage.
    pub doc: &'a Document,
    /// What the stage writes.
    pub writes: &'a FieldSet,
    /// What the stage was sent: a written field it was not sent goes back
    /// only when it has a value.
    pub sent: &'a FieldSet,
}

impl Serialize for PatchOf<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut select = self.writes.clone();
        select.doc.insert("diagnostics".into());
        let mut map = s.serialize_map(None)?;
        serialize_document(self.doc, &select, Some(self.sent), &mut map)?;
        map.end()
    }
}

/// A document patch: the id and the fields a stage returned.
#[derive(Debug, Clone, PartialEq)]
pub struct DocPatch {
    /// Which document.
    pub id: String,
    /// The fields, in the order they came.
    pub fields: Vec<DocField>,
}

impl DocPatch {
    /// Reads a protocol-1 answer (a whole document) as a patch: the model
    /// leaves `raw` and `raw_base64` out when they are empty, so their
    /// absence from a whole document means "cleared", not "unchanged".
    pub fn as_whole_document(mut self) -> Self {
        for name in ["raw", "raw_base64"] {
            if !self.fields.iter().any(|f| f.name() == name) {
                self.fields.push(if name == "raw" {
                    DocField::Raw(None)
                } else {
                    DocField::RawBase64(None)
                });
            }
        }
        self
    }
}

impl<'de> Deserialize<'de> for DocPatch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DocPatch;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a document object with an `id`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DocPatch, A::Error> {
                let mut id = None;
                let mut fields = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "id" => id = Some(map.next_value::<String>()?),
                        // The bundle id a document belongs to is the host's.
                        "bundle" => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                        _ => fields.push(DocField::read(key, &mut map)?),
                    }
                }
                let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
                Ok(DocPatch { id, fields })
            }
        }
        d.deserialize_map(V)
    }
}

/// What a stage may change, for checking a patch.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// The stage's declared writes.
    pub writes: &'a FieldSet,
    /// What the stage was sent (a stage that was sent `diagnostics` returns
    /// the whole list; one that was not, only the ones it adds).
    pub reads: &'a FieldSet,
    /// The plugin's name: the only `ext` namespace it may write.
    pub plugin: &'a str,
}

impl Rules<'_> {
    fn check_doc_field(&self, doc: &Document, field: &DocField) -> Result<(), String> {
        match field {
            DocField::Diagnostics(_) => Ok(()),
            DocField::Ext(m) => check_ext(&doc.ext, m, "ext", self.plugin, |ns| {
                self.writes.has_doc_ext(ns)
            }),
            f if f.unchanged(doc) => Ok(()),
            f if self.writes.has_doc(f.name()) => Ok(()),
            f => Err(format!(
                "writes `{}`, which the stage does not declare in `writes`",
                f.name()
            )),
        }
    }
}

/// Merges `patch` into `ext` namespace by namespace (a null removes one);
/// returns what was there before, null for a namespace that was absent, so
/// that merging the result back undoes the change.
fn merge_ext(
    ext: &mut BTreeMap<String, Value>,
    patch: BTreeMap<String, Value>,
) -> BTreeMap<String, Value> {
    let mut before = BTreeMap::new();
    for (k, v) in patch {
        let old = if v.is_null() {
            ext.remove(&k)
        } else {
            ext.insert(k.clone(), v)
        };
        before.insert(k, old.unwrap_or(Value::Null));
    }
    before
}

/// Checks an `ext` patch (`prefix` is `ext` or `bundle.ext`): a namespace
/// that changes must be the plugin's own and declared writable.
fn check_ext(
    ext: &BTreeMap<String, Value>,
    patch: &BTreeMap<String, Value>,
    prefix: &str,
    plugin: &str,
    writable: impl Fn(&str) -> bool,
) -> Result<(), String> {
    for (ns, v) in patch {
        if ext.get(ns) == Some(v) || (v.is_null() && !ext.contains_key(ns)) {
            continue;
        }
        if ns != plugin {
            return Err(format!(
                "writes `{prefix}.{ns}`: a plugin writes only its own namespace, `{prefix}.{plugin}`"
            ));
        }
        if !writable(ns) {
            return Err(format!(
                "writes `{prefix}.{ns}`, which the stage does not declare in `writes`"
            ));
        }
    }
    Ok(())
}

/// A record of the changes [`apply_bundle_patch`] made, to undo them.
#[derive(Debug, Default)]
struct Undo {
    docs: Vec<(usize, Vec<DocField>)>,
    bundle: Vec<BundleField>,
    documents: Option<Vec<Document>>,
}

/// Checks `patch` against `rules` and applies it to `doc`. On error `doc`
/// is unchanged. Returns the previous values (for [`undo_doc`]).
pub fn apply_doc_patch(
    doc: &mut Document,
    patch: DocPatch,
    rules: &Rules,
) -> Result<Vec<DocField>, String> {
    if patch.id != doc.id {
        return Err(format!(
            "document id changed from `{}` to `{}`",
            doc.id, patch.id
        ));
    }
    for f in &patch.fields {
        rules.check_doc_field(doc, f)?;
    }
    let append = !rules.reads.has_doc("diagnostics");
    Ok(patch
        .fields
        .into_iter()
        .map(|f| f.apply(doc, append))
        .collect())
}

/// Puts back the values [`apply_doc_patch`] returned.
pub fn undo_doc(doc: &mut Document, before: Vec<DocField>) {
    for f in before.into_iter().rev() {
        match f {
            // (Saved ext values put back by `apply`: a null removes the key.)
            DocField::Unknown(k, v) if v.is_null() => {
                doc.extra.remove(&k);
            }
            f => {
                f.apply(doc, false);
            }
        }
    }
}

/// One bundle-level field of a bundle patch.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum BundleField {
    Summary(Option<Summary>),
    Duplicates(Vec<DuplicateCluster>),
    SharedPassages(Vec<SharedPassage>),
    Quotes(Vec<Quote>),
    Diagnostics(Vec<Diagnostic>),
    /// Ext namespaces: each key replaced (null removes it).
    Ext(BTreeMap<String, Value>),
    /// A field this host does not know: kept as it came.
    Unknown(String, Value),
}

impl BundleField {
    /// The field's name as declared (`bundle.summary`).
    pub fn name(&self) -> String {
        let n = match self {
            BundleField::Summary(_) => "summary",
            BundleField::Duplicates(_) => "duplicates",
            BundleField::SharedPassages(_) => "shared_passages",
            BundleField::Quotes(_) => "quotes",
            BundleField::Diagnostics(_) => "diagnostics",
            BundleField::Ext(_) => "ext",
            BundleField::Unknown(k, _) => k,
        };
        format!("bundle.{n}")
    }
    fn short(&self) -> &str {
        match self {
            BundleField::Summary(_) => "summary",
            BundleField::Duplicates(_) => "duplicates",
            BundleField::SharedPassages(_) => "shared_passages",
            BundleField::Quotes(_) => "quotes",
            BundleField::Diagnostics(_) => "diagnostics",
            BundleField::Ext(_) => "ext",
            BundleField::Unknown(k, _) => k,
        }
    }
    fn unchanged(&self, b: &Bundle) -> bool {
        match self {
            BundleField::Summary(v) => *v == b.summary,
            BundleField::Duplicates(v) => *v == b.duplicates,
            BundleField::SharedPassages(v) => *v == b.shared_passages,
            BundleField::Quotes(v) => *v == b.quotes,
            BundleField::Diagnostics(v) => *v == b.diagnostics,
            BundleField::Ext(m) => m.iter().all(|(k, v)| b.ext.get(k) == Some(v)),
            BundleField::Unknown(k, v) => b.extra.get(k) == Some(v),
        }
    }
    fn apply(self, b: &mut Bundle, append_diagnostics: bool) -> BundleField {
        match self {
            BundleField::Summary(v) => BundleField::Summary(std::mem::replace(&mut b.summary, v)),
            BundleField::Duplicates(v) => {
                BundleField::Duplicates(std::mem::replace(&mut b.duplicates, v))
            }
            BundleField::SharedPassages(v) => {
                BundleField::SharedPassages(std::mem::replace(&mut b.shared_passages, v))
            }
            BundleField::Quotes(v) => BundleField::Quotes(std::mem::replace(&mut b.quotes, v)),
            BundleField::Diagnostics(mut v) if append_diagnostics => {
                let before = b.diagnostics.clone();
                b.diagnostics.append(&mut v);
                BundleField::Diagnostics(before)
            }
            BundleField::Diagnostics(v) => {
                BundleField::Diagnostics(std::mem::replace(&mut b.diagnostics, v))
            }
            BundleField::Ext(m) => BundleField::Ext(merge_ext(&mut b.ext, m)),
            BundleField::Unknown(k, v) => {
                let old = b.extra.insert(k.clone(), v).unwrap_or(Value::Null);
                BundleField::Unknown(k, old)
            }
        }
    }
}

/// A bundle patch: the id, document patches and bundle-level fields.
#[derive(Debug, Clone, PartialEq)]
pub struct BundlePatch {
    /// Which bundle.
    pub id: String,
    /// Document patches, or `None` when the response has no `documents`.
    pub documents: Option<Vec<DocPatch>>,
    /// Bundle-level fields.
    pub fields: Vec<BundleField>,
}

impl<'de> Deserialize<'de> for BundlePatch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BundlePatch;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a bundle object with an `id`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BundlePatch, A::Error> {
                let (mut id, mut documents, mut fields) = (None, None, Vec::new());
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "id" => id = Some(map.next_value::<String>()?),
                        "documents" => documents = Some(map.next_value::<Vec<DocPatch>>()?),
                        "summary" => fields.push(BundleField::Summary(map.next_value()?)),
                        "duplicates" => fields.push(BundleField::Duplicates(map.next_value()?)),
                        "shared_passages" => {
                            fields.push(BundleField::SharedPassages(map.next_value()?))
                        }
                        "quotes" => fields.push(BundleField::Quotes(map.next_value()?)),
                        "diagnostics" => fields.push(BundleField::Diagnostics(map.next_value()?)),
                        "ext" => fields.push(BundleField::Ext(map.next_value()?)),
                        _ => {
                            let v = map.next_value()?;
                            fields.push(BundleField::Unknown(key, v));
                        }
                    }
                }
                let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
                Ok(BundlePatch {
                    id,
                    documents,
                    fields,
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// Checks `patch` against `rules` and applies it to `bundle`, then checks
/// every span the bundle holds. On error `bundle` is as it was.
pub fn apply_bundle_patch(
    bundle: &mut Bundle,
    patch: BundlePatch,
    rules: &Rules,
) -> Result<(), String> {
    if patch.id != bundle.id {
        return Err(format!(
            "bundle id changed from `{}` to `{}`",
            bundle.id, patch.id
        ));
    }
    // Check everything before changing anything.
    for f in &patch.fields {
        if let BundleField::Duplicates(clusters) = f {
            // Members may be documents the stage removes, never unknown ones
            // (a set of the ids, not a scan of the bundle per member).
            let ids: std::collections::HashSet<&str> =
                bundle.documents.iter().map(|d| d.id.as_str()).collect();
            for (i, c) in clusters.iter().enumerate() {
                for m in &c.members {
                    if !ids.contains(m.doc.as_str()) {
                        return Err(format!(
                            "duplicates[{i}] names document `{}`, which is not in the bundle",
                            m.doc
                        ));
                    }
                }
            }
        }
        match f {
            BundleField::Diagnostics(_) => {}
            BundleField::Ext(m) => check_ext(&bundle.ext, m, "bundle.ext", rules.plugin, |ns| {
                rules.writes.has_bundle_ext(ns)
            })?,
            f if f.unchanged(bundle) || rules.writes.has_bundle(f.short()) => {}
            f => {
                return Err(format!(
                    "writes `{}`, which the stage does not declare in `writes`",
                    f.name()
                ))
            }
        }
    }
    let mut undo = Undo::default();
    let result = apply_checked(bundle, patch, rules, &mut undo).and_then(|()| bundle.check_spans());
    if result.is_err() {
        undo_bundle(bundle, undo);
    }
    result
}

fn apply_checked(
    bundle: &mut Bundle,
    patch: BundlePatch,
    rules: &Rules,
    undo: &mut Undo,
) -> Result<(), String> {
    if let Some(docs) = patch.documents {
        let index: std::collections::HashMap<&str, usize> = bundle
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.as_str(), i))
            .collect();
        let mut positions = Vec::with_capacity(docs.len());
        for p in &docs {
            match index.get(p.id.as_str()) {
                Some(&i) if !positions.contains(&i) => positions.push(i),
                Some(_) => return Err(format!("document `{}` appears twice", p.id)),
                None => {
                    return Err(format!(
                        "document `{}` is not in the bundle (a stage cannot add documents)",
                        p.id
                    ))
                }
            }
        }
        drop(index);
        for (p, &i) in docs.into_iter().zip(&positions) {
            let doc = &mut bundle.documents[i];
            let before = apply_doc_patch(doc, p, rules)
                .map_err(|e| format!("document `{}`: {e}", doc.id))?;
            undo.docs.push((i, before));
            bundle.documents[i].check_spans()?;
        }
        if positions.len() < bundle.documents.len() {
            if !rules.writes.has_bundle("documents") {
                // Absent documents are kept, as absent fields are.
            } else {
                undo.documents = Some(bundle.documents.clone());
                let keep: BTreeSet<usize> = positions.iter().copied().collect();
                let mut i = 0;
                bundle.documents.retain(|_| {
                    let k = keep.contains(&i);
                    i += 1;
                    k
                });
            }
        }
    }
    let append = !rules.reads.has_bundle("diagnostics");
    for f in patch.fields {
        undo.bundle.push(f.apply(bundle, append));
    }
    Ok(())
}

fn undo_bundle(bundle: &mut Bundle, undo: Undo) {
    for f in undo.bundle.into_iter().rev() {
        match f {
            BundleField::Unknown(k, v) if v.is_null() => {
                bundle.extra.remove(&k);
            }
            f => {
                f.apply(bundle, false);
            }
        }
    }
    if let Some(docs) = undo.documents {
        bundle.documents = docs;
    }
    for (i, before) in undo.docs.into_iter().rev() {
        undo_doc(&mut bundle.documents[i], before);
    }
}

/// Serialises a bundle's bundle-level fields selected by `select`.
fn serialize_bundle_fields<M: SerializeMap>(
    b: &Bundle,
    select: &FieldSet,
    patch: Option<&FieldSet>,
    map: &mut M,
) -> Result<(), M::Error> {
    // As for documents: in a patch, a field not sent goes back only with a value.
    let send = |name: &str, present: bool| {
        select.has_bundle(name)
            && match patch {
                None => present,
                Some(sent) => present || sent.has_bundle(name),
            }
    };
    if send("summary", b.summary.is_some()) {
        map.serialize_entry("summary", &b.summary)?;
    }
    if send("duplicates", !b.duplicates.is_empty()) {
        map.serialize_entry("duplicates", &b.duplicates)?;
    }
    if send("shared_passages", !b.shared_passages.is_empty()) {
        map.serialize_entry("shared_passages", &b.shared_passages)?;
    }
    if send("quotes", !b.quotes.is_empty()) {
        map.serialize_entry("quotes", &b.quotes)?;
    }
    if send("diagnostics", !b.diagnostics.is_empty()) {
        map.serialize_entry("diagnostics", &b.diagnostics)?;
    }
    if (select.all || select.bundle_ext.any()) && (patch.is_some() || !b.ext.is_empty()) {
        map.serialize_entry(
            "ext",
            &ExtOf {
                ext: &b.ext,
                keep: |k: &str| select.has_bundle_ext(k),
            },
        )?;
    }
    for (k, v) in &b.extra {
        if select.has_bundle(k) {
            map.serialize_entry(k, v)?;
        }
    }
    Ok(())
}

/// A bundle as a stage sees it: its id, its documents projected, and the
/// bundle-level fields it reads.
pub struct ProjectedBundle<'a> {
    /// The bundle.
    pub bundle: &'a Bundle,
    /// What to send.
    pub fields: &'a FieldSet,
}

/// Documents projected to `.1`, or (with `.2`, what was sent) patches of `.1`.
struct Docs<'a>(&'a [Document], &'a FieldSet, Option<&'a FieldSet>);

impl Serialize for Docs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for d in self.0 {
            if let Some(sent) = self.2 {
                seq.serialize_element(&PatchOf {
                    doc: d,
                    writes: self.1,
                    sent,
                })?;
            } else {
                seq.serialize_element(&ProjectedDocument {
                    doc: d,
                    fields: self.1,
                })?;
            }
        }
        seq.end()
    }
}

impl Serialize for ProjectedBundle<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &self.bundle.id)?;
        map.serialize_entry(
            "documents",
            &Docs(&self.bundle.documents, self.fields, None),
        )?;
        serialize_bundle_fields(self.bundle, self.fields, None, &mut map)?;
        map.end()
    }
}

/// A bundle patch as a stage returns it.
pub struct BundlePatchOf<'a> {
    /// The bundle after the stage.
    pub bundle: &'a Bundle,
    /// What the stage writes.
    pub writes: &'a FieldSet,
    /// What the stage was sent (see [`PatchOf::sent`]).
    pub sent: &'a FieldSet,
}

impl Serialize for BundlePatchOf<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut select = self.writes.clone();
        select.bundle.insert("diagnostics".into());
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("id", &self.bundle.id)?;
        map.serialize_entry(
            "documents",
            &Docs(&self.bundle.documents, self.writes, Some(self.sent)),
        )?;
        serialize_bundle_fields(self.bundle, &select, Some(self.sent), &mut map)?;
        map.end()
    }
}

/// The outcome for one document of a batch, as the host reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocOutcome {
    /// The document's patch (protocol 1: the whole document, read as a patch).
    Ok(DocPatch),
    /// Why it failed.
    Error(crate::abi::ErrorMessage),
}

/// A response message as the host reads it: exactly one of `results` (for
/// a document batch) and `bundle`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ResponseMessage {
    /// For `documents`: one outcome per input document, in order.
    #[serde(default)]
    pub results: Option<Vec<DocOutcome>>,
    /// For `bundle`: the bundle's patch.
    #[serde(default)]
    pub bundle: Option<BundlePatch>,
}

/// A request message as a plugin reads it: `op`, the protocol the host
/// speaks (absent: 1), and `documents` or `bundle`.
#[derive(Debug, Clone, Deserialize)]
pub struct RequestMessage {
    /// `documents` or `bundle`.
    pub op: String,
    /// The message protocol of this request.
    #[serde(default = "protocol_1")]
    pub protocol: u32,
    /// The batch, for `documents`.
    #[serde(default)]
    pub documents: Option<Vec<Document>>,
    /// The bundle, for `bundle`.
    #[serde(default)]
    pub bundle: Option<Bundle>,
}

fn protocol_1() -> u32 {
    1
}

/// A document-batch request as the host writes it.
pub struct DocumentsRequest<'a> {
    /// The protocol (1: whole documents; 2: projections).
    pub protocol: u32,
    /// The batch.
    pub documents: &'a [Document],
    /// What the stage reads.
    pub reads: &'a FieldSet,
}

impl Serialize for DocumentsRequest<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("op", "documents")?;
        if self.protocol >= 2 {
            map.serialize_entry("protocol", &self.protocol)?;
        }
        if self.protocol >= 2 {
            map.serialize_entry("documents", &Docs(self.documents, self.reads, None))?;
        } else {
            // Protocol 1: whole documents, exactly as ABI-1 plugins know them.
            map.serialize_entry("documents", self.documents)?;
        }
        map.end()
    }
}

/// A bundle request as the host writes it.
pub struct BundleRequest<'a> {
    /// The protocol (1: whole bundle; 2: projection).
    pub protocol: u32,
    /// The bundle.
    pub bundle: &'a Bundle,
    /// What the stage reads.
    pub reads: &'a FieldSet,
}

impl Serialize for BundleRequest<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("op", "bundle")?;
        if self.protocol >= 2 {
            map.serialize_entry("protocol", &self.protocol)?;
        }
        if self.protocol >= 2 {
            map.serialize_entry(
                "bundle",
                &ProjectedBundle {
                    bundle: self.bundle,
                    fields: self.reads,
                },
            )?;
        } else {
            map.serialize_entry("bundle", self.bundle)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        let mut d = Document::unparsed("b/1", "b", "in/1.txt");
        d.text = "Hello world. Second one.".into();
        d.title = Some("Hi".into());
        d.dateline = Some("PARIS".into());
        d.sentences = vec![Span::new(0, 12), Span::new(13, 24)];
        d.ext.insert("parse".into(), serde_json::json!({"x": 1}));
        d
    }

    #[test]
    fn the_field_list_matches_the_model() {
        let full = serde_json::to_value(Document {
            raw: Some("r".into()),
            raw_base64: Some("cg==".into()),
            ..doc()
        })
        .unwrap();
        let mut keys: Vec<&str> = full
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        let mut ours: Vec<&str> = DOCUMENT_FIELDS.to_vec();
        ours.sort();
        assert_eq!(keys, ours, "DOCUMENT_FIELDS must list every Document field");
    }

    #[test]
    fn a_projection_sends_only_what_is_read() {
        let d = doc();
        let reads = FieldSet::of(&["text"]);
        let v = serde_json::to_value(ProjectedDocument {
            doc: &d,
            fields: &reads,
        })
        .unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["bundle", "id", "text"]);
        let all = FieldSet::all();
        let v = serde_json::to_value(ProjectedDocument {
            doc: &d,
            fields: &all,
        })
        .unwrap();
        let back: Document = serde_json::from_value(v).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn a_patch_keeps_what_it_does_not_name_and_refuses_undeclared_writes() {
        let mut d = doc();
        let writes = FieldSet::of(&["ext.wc"]);
        let reads = FieldSet::of(&["text"]);
        let rules = Rules {
            writes: &writes,
            reads: &reads,
            plugin: "wc",
        };
        let p: DocPatch = serde_json::from_str(r#"{"id":"b/1","ext":{"wc":{"n":4}},"diagnostics":[{"level":"info","stage":"wc","code":"c","message":"m"}]}"#).unwrap();
        apply_doc_patch(&mut d, p, &rules).unwrap();
        assert_eq!(d.dateline.as_deref(), Some("PARIS"));
        assert_eq!(d.ext["wc"], serde_json::json!({"n": 4}));
        assert_eq!(d.ext["parse"], serde_json::json!({"x": 1}));
        assert_eq!(d.diagnostics.len(), 1);
        let before = d.clone();
        let p: DocPatch = serde_json::from_str(r#"{"id":"b/1","title":"Changed"}"#).unwrap();
        let e = apply_doc_patch(&mut d, p, &rules).unwrap_err();
        assert!(e.contains("writes `title`"), "{e}");
        let p: DocPatch = serde_json::from_str(r#"{"id":"b/1","ext":{"parse":null}}"#).unwrap();
        let e = apply_doc_patch(&mut d, p, &rules).unwrap_err();
        assert!(e.contains("only its own namespace"), "{e}");
        // An unchanged field outside the declared writes is fine (a whole document echoed back).
        let p: DocPatch =
            serde_json::from_str(r#"{"id":"b/1","title":"Hi","text":"Hello world. Second one."}"#)
                .unwrap();
        apply_doc_patch(&mut d, p, &rules).unwrap();
        assert_eq!(d, before);
    }

    #[test]
    fn unknown_fields_are_kept() {
        let mut d = doc();
        let all = FieldSet::all();
        let rules = Rules {
            writes: &all,
            reads: &all,
            plugin: "new",
        };
        let p: DocPatch =
            serde_json::from_str(r#"{"id":"b/1","sentiment":{"score":0.5}}"#).unwrap();
        apply_doc_patch(&mut d, p, &rules).unwrap();
        assert_eq!(d.extra["sentiment"], serde_json::json!({"score": 0.5}));
        let v = serde_json::to_value(ProjectedDocument {
            doc: &d,
            fields: &all,
        })
        .unwrap();
        assert_eq!(v["sentiment"]["score"], 0.5);
    }

    #[test]
    fn a_bundle_patch_that_breaks_a_span_leaves_the_bundle_as_it_was() {
        let mut b = Bundle {
            id: "b".into(),
            documents: vec![doc()],
            ..Bundle::default()
        };
        let before = b.clone();
        let writes = FieldSet::of(&["bundle.summary", "duplicate_of", "ext.s", "bundle.ext.s"]);
        let reads = FieldSet::of(&["text"]);
        let rules = Rules {
            writes: &writes,
            reads: &reads,
            plugin: "s",
        };
        let p: BundlePatch = serde_json::from_str(r#"{"id":"b","documents":[{"id":"b/1","duplicate_of":"b/0","ext":{"s":{"n":1}}}],"ext":{"s":{"m":2}},
            "summary":{"text":"x","sentences":[{"text":"x","doc":"b/1","start":0,"end":99991299}],"words":1}}"#).unwrap();
        let e = apply_bundle_patch(&mut b, p, &rules).unwrap_err();
        assert!(e.contains("99991299"), "{e}");
        assert_eq!(b, before);
    }
}
