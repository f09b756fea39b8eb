//! The canonical JSON of a report's bulk — its rows and chain links —
//! written by hand, byte for byte what serde writes for them (their fields
//! are declared in sorted order). A closed month of 100 000 acts is 110 MB
//! of it, hashed at every report: serde's field-by-field machinery was a
//! fifth of the report's time. Values that need escaping, and the rare
//! enums, still go through serde_json, so the two cannot disagree on them
//! (`tests` compares both over arbitrary rows).

use std::io::Write;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::model::ChainLink;
use super::rows::{ActRow, FollowupRow, LateFollowupRow, Rows};
use crate::ledger::facts::{ProtocolKey, StructureKey};
use crate::ledger::{AdverseNature, Severity};

/// Where canonical bytes go: a SHA-256 fed through a buffer it owns, or,
/// for a test, the bytes themselves. Serde writes a report's 100 MB a few
/// bytes at a time; a concrete, inlinable `write` keeps that cheap
/// (through `dyn Write` and a `BufWriter` it was a third of the report's
/// time).
pub(super) struct Sink {
    buf: Vec<u8>,
    sha: Option<Sha256>,
}

impl Sink {
    const CHUNK: usize = 64 * 1024;

    pub(super) fn hasher() -> Sink {
        Sink {
            buf: Vec::with_capacity(2 * Self::CHUNK),
            sha: Some(Sha256::new()),
        }
    }

    /// Bytes kept, with room for about `capacity` of them.
    fn with_capacity(capacity: usize) -> Sink {
        Sink {
            buf: Vec::with_capacity(capacity),
            sha: None,
        }
    }

    /// Writes bytes already encoded (hashed in chunks as they go).
    pub(super) fn write_bytes(&mut self, bytes: &[u8]) {
        match &mut self.sha {
            Some(sha) => {
                sha.update(&self.buf);
                self.buf.clear();
                sha.update(bytes);
            }
            None => self.buf.extend_from_slice(bytes),
        }
    }

    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// The SHA-256 of everything written.
    pub(super) fn finish(self) -> [u8; 32] {
        let mut sha = self.sha.unwrap_or_default();
        sha.update(&self.buf);
        sha.finalize().into()
    }

    #[inline]
    fn push(&mut self, b: u8) {
        self.buf.push(b);
    }

    #[inline]
    fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Hashes the buffer once it is a chunk long.
    #[inline]
    fn spill(&mut self) {
        if self.buf.len() >= Self::CHUNK
            && let Some(sha) = &mut self.sha
        {
            sha.update(&self.buf);
            self.buf.clear();
        }
    }
}

impl Write for Sink {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        self.spill();
        Ok(bytes.len())
    }

    #[inline]
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.write(bytes).map(|_| ())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes `value` as canonical JSON to `out`.
pub(super) trait Canonical {
    fn write(&self, out: &mut Sink);
}

/// Anything serde writes, for the few values not worth a fast path.
fn serde_value(out: &mut Sink, value: &impl Serialize) {
    // Writing to a Vec cannot fail, nor can serializing these types.
    let _ = serde_json::to_writer(&mut *out, value);
}

fn string(out: &mut Sink, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        serde_value(out, &s);
    }
}

fn opt_string(out: &mut Sink, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn uint(out: &mut Sink, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

fn boolean(out: &mut Sink, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn date(out: &mut Sink, d: NaiveDate) {
    let year = d.year();
    if !(0..=9999).contains(&year) {
        return serde_value(out, &d);
    }
    // Written digit by digit: a report writes one date per row.
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let y = year as u32;
    out.extend_from_slice(&[
        b'"',
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(d.month() / 10),
        digit(d.month()),
        b'-',
        digit(d.day() / 10),
        digit(d.day()),
        b'"',
    ]);
}

fn list<T: Canonical>(out: &mut Sink, items: &[T]) {
    out.push(b'[');
    items_after(out, items, false);
    out.push(b']');
}

/// The items of a list, comma-separated, with a comma before the first
/// when `more` (they follow others).
fn items_after<T: Canonical>(out: &mut Sink, items: &[T], more: bool) {
    for (i, item) in items.iter().enumerate() {
        if more || i > 0 {
            out.push(b',');
        }
        item.write(out);
        out.spill();
    }
}

impl Canonical for String {
    fn write(&self, out: &mut Sink) {
        string(out, self);
    }
}

impl Canonical for Rows {
    fn write(&self, out: &mut Sink) {
        self.write_from(out, 0);
    }
}

/// Below this many acts, rows are written on one thread.
const PARALLEL_ACTS: usize = 4096;

impl Rows {
    /// Writes the rows from the act at `split` on (the acts before it
    /// already written, when `split` > 0).
    fn write_from(&self, out: &mut Sink, split: usize) {
        if split == 0 {
            out.extend_from_slice(b"{\"acts\":[");
        }
        items_after(out, self.acts.get(split..).unwrap_or_default(), split > 0);
        out.extend_from_slice(b"],\"followups\":");
        list(out, &self.followups);
        out.extend_from_slice(b",\"late_acts\":");
        list(out, &self.late_acts);
        out.extend_from_slice(b",\"late_followups\":");
        list(out, &self.late_followups);
        // A few a month: serde writes them, and leaves them out when there
        // are none (as the reports before them were written).
        if !self.surveys.is_empty() {
            out.extend_from_slice(b",\"surveys\":");
            serde_value(out, &self.surveys);
        }
        out.push(b'}');
    }

    /// [`Canonical::write`], the second half encoded on another thread
    /// while the first is written and hashed: a month's rows are 70 MB of
    /// JSON, and the seal waited on one core for them.
    pub(super) fn write_parallel(&self, out: &mut Sink) {
        let split = self.acts.len() / 2;
        if self.acts.len() < PARALLEL_ACTS {
            return self.write(out);
        }
        std::thread::scope(|s| {
            let tail = s.spawn(|| {
                let rest = self.acts.len() - split + self.followups.len();
                let mut sink = Sink::with_capacity(rest.saturating_mul(ROW_BYTES));
                self.write_from(&mut sink, split);
                sink.into_bytes()
            });
            out.extend_from_slice(b"{\"acts\":[");
            items_after(out, self.acts.get(..split).unwrap_or_default(), false);
            match tail.join() {
                Ok(bytes) => out.write_bytes(&bytes),
                // The other thread failed: the rest is written here.
                Err(_) => self.write_from(out, split),
            }
        });
    }
}

/// About what one row takes (an act's is ~650 bytes), to size buffers.
const ROW_BYTES: usize = 768;

impl Canonical for ProtocolKey {
    fn write(&self, out: &mut Sink) {
        out.extend_from_slice(b"{\"id\":");
        string(out, &self.id);
        out.extend_from_slice(b",\"sha256\":");
        string(out, &self.sha256);
        out.extend_from_slice(b",\"version\":");
        string(out, &self.version);
        out.push(b'}');
    }
}

impl Canonical for StructureKey {
    fn write(&self, out: &mut Sink) {
        out.extend_from_slice(b"{\"finess\":");
        opt_string(out, self.finess.as_deref());
        out.extend_from_slice(b",\"name\":");
        string(out, &self.name);
        out.extend_from_slice(b",\"postal_code\":");
        string(out, &self.postal_code);
        out.push(b'}');
    }
}

impl Canonical for ActRow {
    fn write(&self, out: &mut Sink) {
        out.extend_from_slice(b"{\"delegant_cents\":");
        uint(out, u64::from(self.delegant_cents));
        out.extend_from_slice(b",\"delegant_name\":");
        string(out, &self.delegant_name);
        out.extend_from_slice(b",\"delegant_rpps\":");
        string(out, &self.delegant_rpps);
        out.extend_from_slice(b",\"delegue_cents\":");
        uint(out, u64::from(self.delegue_cents));
        out.extend_from_slice(b",\"delegue_name\":");
        string(out, &self.delegue_name);
        out.extend_from_slice(b",\"delegue_rpps\":");
        string(out, &self.delegue_rpps);
        out.extend_from_slice(b",\"in_territory\":");
        boolean(out, self.in_territory);
        out.extend_from_slice(b",\"month\":");
        string(out, &self.month);
        out.extend_from_slice(b",\"number\":");
        string(out, &self.number);
        out.extend_from_slice(b",\"occurred_on\":");
        date(out, self.occurred_on);
        out.extend_from_slice(b",\"orientation\":");
        opt_string(out, self.orientation.as_deref());
        out.extend_from_slice(b",\"postal_code\":");
        string(out, &self.postal_code);
        out.extend_from_slice(b",\"profession\":");
        opt_string(out, self.profession.as_deref());
        out.extend_from_slice(b",\"protocol\":");
        self.protocol.write(out);
        out.extend_from_slice(b",\"reasons\":");
        list(out, &self.reasons);
        out.extend_from_slice(b",\"seq\":");
        uint(out, self.seq);
        out.extend_from_slice(b",\"structure\":");
        self.structure.write(out);
        out.extend_from_slice(b",\"taken_in_charge\":");
        boolean(out, self.taken_in_charge);
        out.extend_from_slice(b",\"training\":");
        boolean(out, self.training);
        out.extend_from_slice(b",\"urgency\":");
        opt_string(out, self.urgency.as_deref());
        out.extend_from_slice(b",\"void\":");
        boolean(out, self.void);
        out.push(b'}');
    }
}

/// A follow-up row's event fields, borrowed: a report writes one per row.
struct EventFields<'a> {
    kind: &'a str,
    call: Option<&'a str>,
    corrects: Option<u64>,
    made: Option<bool>,
    nature: Option<&'a AdverseNature>,
    on: Option<NaiveDate>,
    reached: Option<bool>,
    score: Option<u8>,
    severity: Option<Severity>,
}

/// The optional event fields of a follow-up row, then its seq and type,
/// in sorted order (absent ones are left out, as serde skips them).
fn event_fields(out: &mut Sink, e: EventFields<'_>, seq: u64) {
    if let Some(c) = e.call {
        out.extend_from_slice(b",\"call\":");
        string(out, c);
    }
    if let Some(c) = e.corrects {
        out.extend_from_slice(b",\"corrects\":");
        uint(out, c);
    }
    if let Some(m) = e.made {
        out.extend_from_slice(b",\"made\":");
        boolean(out, m);
    }
    if let Some(n) = e.nature {
        out.extend_from_slice(b",\"nature\":");
        string(out, n.id());
    }
    if let Some(d) = e.on {
        out.extend_from_slice(b",\"on\":");
        date(out, d);
    }
    if let Some(r) = e.reached {
        out.extend_from_slice(b",\"reached\":");
        boolean(out, r);
    }
    if let Some(s) = e.score {
        out.extend_from_slice(b",\"score\":");
        uint(out, u64::from(s));
    }
    out.extend_from_slice(b",\"seq\":");
    uint(out, seq);
    if let Some(s) = &e.severity {
        out.extend_from_slice(b",\"severity\":");
        serde_value(out, s);
    }
    out.extend_from_slice(b",\"type\":");
    string(out, e.kind);
    out.push(b'}');
}

impl Canonical for FollowupRow {
    fn write(&self, out: &mut Sink) {
        out.extend_from_slice(b"{\"act_number\":");
        string(out, &self.act_number);
        let e = EventFields {
            kind: &self.kind,
            call: self.call.as_deref(),
            corrects: self.corrects,
            made: self.made,
            nature: self.nature.as_ref(),
            on: self.on,
            reached: self.reached,
            score: self.score,
            severity: self.severity,
        };
        event_fields(out, e, self.seq);
    }
}

impl Canonical for LateFollowupRow {
    fn write(&self, out: &mut Sink) {
        out.extend_from_slice(b"{\"act\":");
        self.act.write(out);
        let e = EventFields {
            kind: &self.kind,
            call: self.call.as_deref(),
            corrects: self.corrects,
            made: self.made,
            nature: self.nature.as_ref(),
            on: self.on,
            reached: self.reached,
            score: self.score,
            severity: self.severity,
        };
        event_fields(out, e, self.seq);
    }
}

impl Canonical for ChainLink {
    fn write(&self, out: &mut Sink) {
        out.extend_from_slice(b"{\"hash\":");
        string(out, &self.hash);
        out.extend_from_slice(b",\"kind\":");
        string(out, &self.kind);
        out.extend_from_slice(b",\"payload_sha256\":");
        opt_string(out, self.payload_sha256.as_deref());
        out.extend_from_slice(b",\"seq\":");
        uint(out, self.seq);
        out.push(b'}');
    }
}

/// A report's chain and its canonical bytes, encoded on another thread
/// while the month's rows are read (see `report::final_report_checked`).
pub(super) struct EncodedChain {
    pub links: Vec<ChainLink>,
    pub bytes: Vec<u8>,
}

impl EncodedChain {
    pub fn new(links: Vec<ChainLink>) -> EncodedChain {
        // A link is about 180 bytes.
        let mut sink = Sink::with_capacity(links.len().saturating_mul(192));
        links.write(&mut sink);
        EncodedChain {
            links,
            bytes: sink.into_bytes(),
        }
    }
}

impl Canonical for Vec<ChainLink> {
    fn write(&self, out: &mut Sink) {
        list(out, self);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ledger::{AdverseNature, Severity};
    use crate::report::rows::{EventRow, SurveyRow};
    use crate::shared::Shared;

    /// Strings with what JSON escapes (quotes, backslashes, controls),
    /// accents and astral characters, or plain ASCII.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9 .-]{0,12}",
            "[\"\\\\\u{0}-\u{1f}\u{7f}éà«»€😀a]{0,8}",
            any::<String>(),
        ]
    }

    fn opt_text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(text())
    }

    fn act() -> impl Strategy<Value = ActRow> {
        (
            (any::<u32>(), text(), text(), any::<u32>(), text(), text()),
            (
                any::<bool>(),
                text(),
                text(),
                -300_000i32..300_000,
                opt_text(),
            ),
            (text(), opt_text(), text(), text(), text()),
            (proptest::collection::vec(text(), 0..4), any::<u64>()),
            (opt_text(), text(), text()),
            (any::<bool>(), any::<bool>(), opt_text(), any::<bool>()),
        )
            .prop_map(|(a, b, c, d, e, f)| ActRow {
                delegant_cents: a.0,
                delegant_name: a.1.into(),
                delegant_rpps: a.2.into(),
                delegue_cents: a.3,
                delegue_name: a.4.into(),
                delegue_rpps: a.5.into(),
                in_territory: b.0,
                month: b.1,
                number: b.2,
                occurred_on: NaiveDate::from_num_days_from_ce_opt(b.3).unwrap_or(NaiveDate::MIN),
                orientation: b.4.map(Shared::from),
                postal_code: c.0.into(),
                profession: c.1.map(Shared::from),
                protocol: ProtocolKey {
                    id: c.2.into(),
                    sha256: c.3.into(),
                    version: c.4.into(),
                },
                reasons: d.0,
                seq: d.1,
                structure: StructureKey {
                    finess: e.0.map(Shared::from),
                    name: e.1.into(),
                    postal_code: e.2.into(),
                },
                taken_in_charge: f.0,
                training: f.1,
                urgency: f.2.map(Shared::from),
                void: f.3,
            })
    }

    fn event() -> impl Strategy<Value = (EventRow, u64)> {
        (
            (
                proptest::option::of(text()),
                proptest::option::of(any::<u64>()),
                proptest::option::of(any::<bool>()),
                proptest::option::of(
                    "[a-z_]{1,12}".prop_filter_map("id", |s| AdverseNature::parse(&s)),
                ),
                proptest::option::of((-400_000i32..400_000).prop_map(|d| {
                    NaiveDate::from_num_days_from_ce_opt(730_000 + d).unwrap_or(NaiveDate::MIN)
                })),
            ),
            (
                proptest::option::of(any::<bool>()),
                proptest::option::of(any::<u8>()),
                any::<u64>(),
                proptest::option::of(proptest::sample::select(vec![
                    Severity::Legere,
                    Severity::Moderee,
                    Severity::Grave,
                ])),
                text(),
            ),
        )
            .prop_map(
                |((call, corrects, made, nature, on), (reached, score, seq, severity, kind))| {
                    (
                        EventRow {
                            kind,
                            call,
                            corrects,
                            made,
                            nature,
                            on,
                            reached,
                            score,
                            severity,
                        },
                        seq,
                    )
                },
            )
    }

    fn survey() -> impl Strategy<Value = SurveyRow> {
        (
            proptest::collection::vec((text(), any::<u8>()), 0..4),
            any::<bool>(),
            (-400_000i32..400_000),
            text(),
            (text(), text(), text()),
            any::<u64>(),
            any::<bool>(),
        )
            .prop_map(
                |(answers, declined, day, profession, (id, sha256, version), seq, training)| {
                    SurveyRow {
                        answers: answers
                            .into_iter()
                            .map(|(question, score)| crate::protocol::SurveyAnswer {
                                question,
                                score,
                            })
                            .collect(),
                        declined,
                        on: NaiveDate::from_num_days_from_ce_opt(730_000 + day)
                            .unwrap_or(NaiveDate::MIN),
                        profession,
                        protocol: ProtocolKey {
                            id: id.into(),
                            sha256: sha256.into(),
                            version: version.into(),
                        },
                        seq,
                        training,
                    }
                },
            )
    }

    fn rows() -> impl Strategy<Value = Rows> {
        (
            proptest::collection::vec(act(), 0..4),
            proptest::collection::vec((text(), event()), 0..4),
            proptest::collection::vec(act(), 0..3),
            proptest::collection::vec((act(), event()), 0..3),
            proptest::collection::vec(survey(), 0..3),
        )
            .prop_map(|(acts, followups, late_acts, late, surveys)| Rows {
                acts,
                followups: followups
                    .into_iter()
                    .map(|(number, (e, seq))| FollowupRow::new(number, seq, e))
                    .collect(),
                late_acts,
                late_followups: late
                    .into_iter()
                    .map(|(act, (e, seq))| LateFollowupRow::new(act, seq, e))
                    .collect(),
                surveys,
            })
    }

    fn chain() -> impl Strategy<Value = Vec<ChainLink>> {
        proptest::collection::vec(
            (text(), text(), opt_text(), any::<u64>()).prop_map(|(hash, kind, payload, seq)| {
                ChainLink {
                    hash,
                    kind: kind.into(),
                    payload_sha256: payload,
                    seq,
                }
            }),
            0..5,
        )
    }

    fn bytes(value: &impl Canonical) -> Vec<u8> {
        let mut out = Sink::with_capacity(0);
        value.write(&mut out);
        out.into_bytes()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Byte for byte what serde writes (itself the canonical form:
        /// `json::tests`), whatever the strings hold.
        #[test]
        fn rows_are_written_as_serde_writes_them(rows in rows()) {
            prop_assert_eq!(bytes(&rows), serde_json::to_vec(&rows).unwrap());
        }

        #[test]
        fn links_are_written_as_serde_writes_them(chain in chain()) {
            prop_assert_eq!(bytes(&chain), serde_json::to_vec(&chain).unwrap());
        }
    }

    proptest! {
        // Each case writes thousands of rows four times.
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// The halves written on two threads make the same bytes, and the
        /// same hash, as one thread writing all (each act repeated past
        /// the threshold, the split landing anywhere in the list).
        #[test]
        fn rows_written_in_halves_are_the_same_bytes(
            rows in rows(),
            extra in 0usize..3,
        ) {
            let mut rows = rows;
            let seed = rows.acts.clone();
            if let Some(first) = seed.first() {
                let n = PARALLEL_ACTS + extra;
                rows.acts = (0..n).map(|i| seed.get(i % seed.len()).unwrap_or(first).clone()).collect();
            }
            let mut parallel = Sink::with_capacity(0);
            rows.write_parallel(&mut parallel);
            let serial = serde_json::to_vec(&rows).unwrap();
            prop_assert_eq!(parallel.into_bytes(), serial.clone());
            let mut hashed = Sink::hasher();
            rows.write_parallel(&mut hashed);
            let expected: [u8; 32] = Sha256::digest(&serial).into();
            prop_assert_eq!(hashed.finish(), expected);
        }
    }

    /// Spilling to the hash chunk by chunk hashes the same bytes.
    #[test]
    fn the_hash_of_many_rows_is_the_hash_of_their_bytes() {
        let link = |seq| ChainLink {
            hash: "ab".repeat(32),
            kind: "act".into(),
            payload_sha256: (seq % 3 > 0).then(|| "cd".repeat(32)),
            seq,
        };
        let chain: Vec<ChainLink> = (0..5000).map(link).collect();
        let mut sink = Sink::hasher();
        chain.write(&mut sink);
        let expected: [u8; 32] = Sha256::digest(serde_json::to_vec(&chain).unwrap()).into();
        assert!(serde_json::to_vec(&chain).unwrap().len() > 3 * Sink::CHUNK);
        assert_eq!(sink.finish(), expected);
    }
}
