//! Renderer `documents/1`, kept whole for reprints: the prescription and
//! the advice sheet of acts first printed before presentations and
//! letters. Nothing here may change a byte of what it draws.

pub mod advice;
pub mod prescription;

use crate::act::ActRecord;

/// What the ledger recorded with every document this renderer issued.
pub const RENDERER: &str = "protocoop 0.1.0 documents/1";

fn footer(act: &ActRecord, code: &str) -> String {
    format!(
        "Acte {} · code de vérification {code} · protocole {} v{} · {}",
        act.number, act.protocol.id, act.protocol.version, RENDERER
    )
}
