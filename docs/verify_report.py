#!/usr/bin/env python3
"""Checks a protocoop monthly report (schema 3) without protocoop.

A reference for the ARS, an auditor or the CPTS's own scripts: everything
docs/REPORT-FORMAT.md promises about a report, checked from the file alone
and the device's public key, with the Python standard library and the
`cryptography` package (pip install cryptography) for Ed25519.

    python3 docs/verify_report.py RAPPORT.json [--key CLÉ] [--previous RAPPORT.json]

--key       the device's public key (64 hex digits) the CPTS enrolled; without
            it, the key the report states is used (a self-consistency check).
--previous  the same device's previous report: the chain must start at its
            closure. Without it, the chain starts at the previous closure the
            report states (or at the first entry).

Prints « OK » and exits 0, or prints the first problem and exits 1.
"""

import argparse
import hashlib
import json
import sys

SIGNING_DOMAIN = b"protocoop-month-report-v3\n"
CHAIN_DOMAIN = b"protocoop-ledger-v2"


class Problem(Exception):
    pass


def canonical(value):
    """Keys sorted at every level, no whitespace, UTF-8 as serde_json writes."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def without(doc, *keys):
    return {k: v for k, v in doc.items() if k not in keys}


def check_seal(doc, key_hex):
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError as e:
        raise SystemExit("le paquet Python « cryptography » manque : pip install cryptography") from e
    if doc.get("schema_version") != 3 or doc.get("kind") != "protocoop-month-report":
        raise Problem("pas un rapport mensuel protocoop au schéma 3")
    content = hashlib.sha256(canonical(without(doc, "content_sha256", "signature"))).hexdigest()
    if content != doc.get("content_sha256"):
        raise Problem("content_sha256 ne correspond pas au contenu")
    stated = doc.get("device_public_key", "")
    if key_hex is not None and stated.lower() != key_hex.lower():
        raise Problem(f"le rapport est signé par la clé {stated}, pas par celle de l'appareil")
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(stated))
    try:
        key.verify(bytes.fromhex(doc["signature"]), SIGNING_DOMAIN + content.encode("ascii"))
    except InvalidSignature as e:
        raise Problem("signature invalide") from e


def link_hash(seq, prev, kind, digest):
    k = kind.encode("utf-8")
    return hashlib.sha256(
        CHAIN_DOMAIN + seq.to_bytes(8, "big") + prev + len(k).to_bytes(4, "big") + k + digest
    ).digest()


def check_chain(doc, previous):
    closure = doc["closure"]
    prev_closure = doc.get("previous_closure")
    if prev_closure is None:
        prev, first = bytes(32), 1
    else:
        start = previous["closure"] if previous else prev_closure
        if previous and (start["seq"], start.get("hash")) != (prev_closure["seq"], prev_closure.get("hash")):
            raise Problem(f"le rapport ne prolonge pas la clôture {start['seq']} du rapport précédent")
        prev, first = bytes.fromhex(start["hash"]), prev_closure["seq"] + 1
    expected = first
    # A month without a single entry since the previous closure seals the
    # head that closure left: the chain's start.
    head_at_last = prev.hex() if closure["last_seq"] + 1 == first else None
    for link in doc["chain"]:
        if link["seq"] != expected:
            raise Problem(f"entrée {expected} absente de la chaîne")
        digest = link["payload_sha256"]
        if digest is None:
            if previous:
                raise Problem(f"entrée {link['seq']} sans empreinte de contenu après un rapport signé")
        elif link_hash(link["seq"], prev, link["kind"], bytes.fromhex(digest)).hex() != link["hash"]:
            raise Problem(f"entrée {link['seq']} : empreinte recalculée différente")
        if link["seq"] == closure["last_seq"]:
            head_at_last = link["hash"]
        prev = bytes.fromhex(link["hash"])
        expected += 1
    if not doc["chain"]:
        raise Problem("la chaîne du rapport est vide")
    last = doc["chain"][-1]
    if (last["seq"], last["kind"], last["hash"]) != (closure["seq"], "closure", closure["hash"]):
        raise Problem("la chaîne ne s'arrête pas sur la clôture du rapport")
    if head_at_last != closure["head_hash"]:
        raise Problem("la clôture ne scelle pas la chaîne du rapport")
    kinds = {link["seq"]: link["kind"] for link in doc["chain"]}
    rows = doc["rows"]
    for act in rows["acts"] + rows["late_acts"]:
        if first <= act["seq"] <= closure["seq"] and kinds.get(act["seq"]) != "act":
            raise Problem(f"l'acte {act['number']} ne correspond à aucune entrée d'acte")


def paid(act):
    return act["taken_in_charge"] and not act["training"]


def check_figures(doc):
    """Recomputes the money and the main counts from the rows."""
    rows = doc["rows"]
    month = [a for a in rows["acts"] if not a["void"] and not a["training"]]
    if doc["screenings"] != len(month):
        raise Problem(f"screenings = {doc['screenings']}, les lignes en donnent {len(month)}")
    pec = sum(1 for a in month if a["taken_in_charge"])
    if doc["prises_en_charge"] != pec:
        raise Problem(f"prises_en_charge = {doc['prises_en_charge']}, les lignes en donnent {pec}")
    lines = {"delegues": {}, "delegants": {}}

    def add(act, sign):
        for role, who, cents in (
            ("delegues", act["delegue_rpps"], act["delegue_cents"]),
            ("delegants", act["delegant_rpps"], act["delegant_cents"]),
        ):
            lines[role][who] = lines[role].get(who, 0) + sign * cents

    month_cents = late_cents = deducted = 0
    for a in month:
        if a["taken_in_charge"]:
            add(a, 1)
            month_cents += a["delegue_cents"] + a["delegant_cents"]
    for a in rows["late_acts"]:
        if paid(a) and not a["void"]:
            add(a, 1)
            late_cents += a["delegue_cents"] + a["delegant_cents"]
    for f in rows["late_followups"]:
        if f["type"] == "void" and paid(f["act"]):
            add(f["act"], -1)
            deducted += f["act"]["delegue_cents"] + f["act"]["delegant_cents"]
    pay = doc["remuneration"]
    for name, stated, computed in (
        ("month_cents", pay["month_cents"], month_cents),
        ("late_cents", pay["late_cents"], late_cents),
        ("deducted_cents", pay["deducted_cents"], deducted),
        ("total_cents", pay["total_cents"], month_cents + late_cents - deducted),
    ):
        if stated != computed:
            raise Problem(f"remuneration.{name} = {stated}, les lignes en donnent {computed}")
    for role in ("delegues", "delegants"):
        stated = {line["rpps"]: line["cents"] for line in pay[role]}
        if stated != lines[role]:
            raise Problem(f"remuneration.{role} : {stated}, les lignes donnent {lines[role]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--key")
    parser.add_argument("--previous")
    args = parser.parse_args()
    with open(args.report, encoding="utf-8-sig") as f:
        doc = json.load(f)
    previous = None
    if args.previous:
        with open(args.previous, encoding="utf-8-sig") as f:
            previous = json.load(f)
    try:
        check_seal(doc, args.key)
        if previous is not None:
            check_seal(previous, args.key)
        check_chain(doc, previous)
        check_figures(doc)
    except (Problem, KeyError, TypeError, ValueError) as e:
        print(f"{args.report} : refusé — {e}")
        return 1
    print(f"{args.report} : OK — appareil {doc['device_id']}, {doc['month']}, "
          f"{doc['remuneration']['total_cents']} centimes à payer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
