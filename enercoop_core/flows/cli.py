"""``enercoop flows inspect|parse|validate``: the flow engine on the command line.

Exit status: 0 everything read; 1 some record or document was rejected (``parse
--accept-partial`` returns 0 then, still listing the rejections on stderr); 2 bad usage
or no readable input.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from typing import Dict, List

from enercoop_core.flows.engine import parse as parse_flows
from enercoop_core.flows.engine import supported
from enercoop_core.flows.errors import FlowError
from enercoop_core.flows.records import as_dict, family_of
from enercoop_core.flows.sources import IV_ENV, KEY_ENV, KEYRING_ENV

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

#: CSV columns per record family; nested lists are flattened one row per item.
CSV_COLUMNS = {
    "index_reading": ["flow", "version", "key", "file", "member", "prm", "date", "reading_id",
                      "reason", "nature", "nature_code", "fta", "subscribed_kva", "owner",
                      "time_class", "measure_class", "quantity", "direction", "value", "unit",
                      "digits", "rollover", "meter_serial", "coefficient", "previous_value"],
    "contract_event": ["flow", "version", "key", "file", "member", "prm", "date", "event",
                       "event_type", "contract_state", "segment", "fta", "subscribed_kva",
                       "affair_id", "indexes_before", "indexes_after"],
    "network_invoice_line": ["flow", "version", "key", "file", "member", "invoice_number",
                             "invoice_date", "prm", "item_id", "label", "start", "end",
                             "quantity", "unit", "unit_price", "amount", "vat_rate",
                             "debit_credit", "reading_ids"],
    "network_invoice_total": ["flow", "version", "key", "file", "member", "part",
                              "invoice_number", "invoice_date", "code", "label", "tariff",
                              "amount", "vat_rate"],
    "curve": ["flow", "version", "key", "file", "member", "prm", "direction", "step_minutes",
              "quantity", "unit", "instant", "value_w", "quality", "status"],
}


class _Progress:
    """A one-line progress indicator on stderr, shown only when stderr is a terminal."""

    def __init__(self):
        self.enabled = sys.stderr.isatty()
        self.last = 0.0
        self.start = time.time()

    def update(self, run, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.time()
        if not force and now - self.last < 0.2:
            return
        self.last = now
        records = sum(run.counts.values())
        doc = run.documents[-1] if run.documents else None
        name = (doc.member or doc.file) if doc else ""
        rate = records / max(now - self.start, 1e-6)
        sys.stderr.write("\r\033[K[%d file(s), %d document(s)] %d records (%.0f/s), %d rejected"
                         "  %s" % (run.files, len(run.documents), records, rate,
                                   len(run.rejected), name[-40:]))
        sys.stderr.flush()

    def done(self, run) -> None:
        if self.enabled:
            self.update(run, force=True)
            sys.stderr.write("\n")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="XML file, zip, AES-encrypted zip, or directory of these")
    parser.add_argument("--keyring", metavar="FILE",
                        help="key ring for encrypted archives: one 'label key_hex [iv_hex]' "
                             "a line, or TOML (default: $%s); keys are tried in turn, a "
                             "key without IV reads the IV at the head of the file (AES-256, "
                             "June 2026 on)" % KEYRING_ENV)
    parser.add_argument("--key", help="one more AES key in hex (default: $%s)" % KEY_ENV)
    parser.add_argument("--iv", help="the fixed IV in hex of --key, for the older AES-128 "
                                     "deliveries (default: $%s)" % IV_ENV)
    parser.add_argument("--xsd-dir", metavar="DIR",
                        help="folder of Enedis XSD files: also validate each document")


def register(subparsers) -> None:
    flows = subparsers.add_parser(
        "flows", help="read Enedis flows (R15, R151, R171, R17, R50, R4x, R64, R67, C15, C12, "
                      "F15, F12)",
        description="Read Enedis flows: detect kind and version, validate, and turn them "
                    "into records. Supported: %s." % supported(),
        epilog="Examples:\n  enercoop flows inspect inbox/\n"
               "  enercoop flows parse R15.zip --format jsonl --output r15.jsonl\n"
               "  enercoop flows validate inbox/ --xsd-dir ~/enedis-xsd",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = flows.add_subparsers(dest="flows_command", metavar="ACTION")
    flows.set_defaults(handler=lambda args: (flows.print_help(), EXIT_USAGE)[1])

    inspect = sub.add_parser(
        "inspect", help="kind, version, emitter and counts of each document",
        description="Read every document and print its kind, version, emitter, record "
                    "counts per family, rejections and (with --xsd-dir) XSD validation.",
        epilog="Example:\n  enercoop flows inspect inbox/ ENEDIS_R15_20250301.zip\n"
               "  enercoop flows inspect --json crypted.zip --key 00112233... --iv 0a0b...",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(inspect)
    inspect.add_argument("--json", action="store_true", help="print JSON instead of text")
    inspect.set_defaults(handler=_inspect)

    parse = sub.add_parser(
        "parse", help="records as JSON lines or CSV",
        description="Stream the records of the flows as JSON lines (one record per line; "
                    "curves with their points) or CSV (one row per register, invoice line "
                    "or curve point; one record family per CSV, pick it with --family). "
                    "Rejections go to stderr; the exit status is 1 if any, unless "
                    "--accept-partial.",
        epilog="Examples:\n  enercoop flows parse R151/ --format jsonl --output r151.jsonl\n"
               "  enercoop flows parse F15.zip --format csv --family network_invoice_line",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(parse)
    parse.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parse.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    parse.add_argument("--family", choices=sorted(CSV_COLUMNS),
                       help="keep only this record family")
    parse.add_argument("--accept-partial", action="store_true",
                       help="exit 0 even when records were rejected")
    parse.add_argument("--rejections", metavar="FILE",
                       help="also write the rejections as JSON lines to FILE")
    parse.set_defaults(handler=_parse)

    validate = sub.add_parser(
        "validate", help="check documents without writing records",
        description="Read every document with the structural checks (and the XSD "
                    "schemas of --xsd-dir when given) and list every problem found.",
        epilog="Example:\n  enercoop flows validate inbox/ --xsd-dir ~/enedis-xsd",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(validate)
    validate.set_defaults(handler=_validate)


def _run(args):
    return parse_flows(args.paths, key=args.key, iv=args.iv, xsd_dir=args.xsd_dir,
                       keyring=args.keyring)


def _drain(run, progress, sink=None) -> None:
    for record in run:
        if sink is not None:
            sink(record)
        progress.update(run)
    progress.done(run)


def _exit(run) -> int:
    if not run.documents:
        return EXIT_USAGE
    return EXIT_PROBLEMS if run.rejected else EXIT_OK


def _print_rejections(run, stream=None) -> None:
    stream = stream or sys.stderr
    for rejection in run.rejected:
        stream.write("rejected: %s\n" % rejection)


def _inspect(args) -> int:
    run = _run(args)
    _drain(run, _Progress())
    if args.json:
        json.dump({"documents": [d.to_dict() for d in run.documents],
                   "rejected": [r.to_dict() for r in run.rejected]},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for doc in run.documents:
            name = doc.file + ("!" + doc.member if doc.member else "")
            families = ", ".join("%s %d" % item for item in sorted(doc.families.items()))
            line = "%s: %s %s%s from %s, %d records (%s), %d rejected" % (
                name, doc.kind or "?", doc.version or "?",
                " (%s)" % doc.part if doc.part and doc.part not in ("readings", "curves",
                                                                       "contract") else "",
                doc.emitter or "?", doc.records, families or "-", doc.rejected)
            if doc.version_raw is not None and doc.version_raw != doc.version:
                line += " (version written %r)" % doc.version_raw
            if doc.key_label:
                line += ", decrypted with key %s" % doc.key_label
            for warning in doc.warnings:
                line += "\n    warning: %s" % warning
            if doc.xsd:
                line += ", XSD: %s" % doc.xsd
            if doc.repaired_bytes:
                line += ", %d non-UTF-8 byte(s) read as Windows-1252" % doc.repaired_bytes
            if doc.error:
                line += "\n    error: %s" % doc.error
            print(line)
        _print_rejections(run, sys.stdout)
    return _exit(run)


def _flatten(record) -> List[Dict]:
    data = as_dict(record) if family_of(record) != "curve" else None
    family = family_of(record)
    if family == "curve":
        head = {"flow": record.flow, "version": record.version, "key": record.key,
                "file": record.source["file"], "member": record.source["member"],
                "prm": record.prm, "direction": record.direction,
                "step_minutes": record.step_minutes, "quantity": record.quantity,
                "unit": record.unit}
        return [dict(head, instant=p["instant"], value_w=p["value_w"], quality=p["quality"],
                     status=p.get("status")) for p in record.to_dict()["points"]]
    base = dict(data)
    base["file"], base["member"] = data["source"]["file"], data["source"]["member"]
    if family == "index_reading":
        return [dict(base, **reg) for reg in data["registers"]] or [base]
    if family == "contract_event":
        return [dict(base, indexes_before=_registers_text(data["indexes_before"]),
                     indexes_after=_registers_text(data["indexes_after"]))]
    if family == "network_invoice_line":
        return [dict(base, reading_ids=" ".join(data.get("reading_ids") or ()))]
    return [base]


def _registers_text(regs) -> str:
    """Registers in one CSV cell: ``owner:time class:direction=value unit`` (initials)."""
    return " ".join("%s:%s:%s=%s%s" % (r["owner"][0], r["time_class"], r["direction"][0],
                                       r["value"], r["unit"]) for r in regs)


def _parse(args) -> int:
    run = _run(args)
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    state = {"writer": None, "family": None}

    def sink(record) -> None:
        family = family_of(record)
        if args.family and family != args.family:
            return
        if args.format == "jsonl":
            out.write(json.dumps(as_dict(record), ensure_ascii=False))
            out.write("\n")
            return
        if state["writer"] is None:
            state["family"] = family
            state["writer"] = csv.DictWriter(out, fieldnames=CSV_COLUMNS[family],
                                             extrasaction="ignore")
            state["writer"].writeheader()
        elif family != state["family"]:
            raise FlowError("CSV holds one record family: got %s after %s; use --family"
                            % (family, state["family"]))
        for row in _flatten(record):
            state["writer"].writerow(row)

    try:
        _drain(run, _Progress(), sink)
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        return EXIT_OK
    finally:
        if args.output:
            out.close()
    _print_rejections(run)
    if args.rejections:
        with open(args.rejections, "w", encoding="utf-8") as handle:
            for rejection in run.rejected:
                handle.write(json.dumps(rejection.to_dict(), ensure_ascii=False) + "\n")
    code = _exit(run)
    if code == EXIT_PROBLEMS and args.accept_partial:
        return EXIT_OK
    return code


def _validate(args) -> int:
    run = _run(args)
    _drain(run, _Progress())
    for doc in run.documents:
        name = doc.file + ("!" + doc.member if doc.member else "")
        state = "ok" if not doc.rejected else "%d problem(s)" % doc.rejected
        print("%s: %s %s, %s%s" % (name, doc.kind or "?", doc.version or "?", state,
                                   ", XSD: %s" % doc.xsd if doc.xsd else ""))
    _print_rejections(run, sys.stdout)
    print("%d document(s), %d record(s), %d rejection(s)" % (
        len(run.documents), sum(run.counts.values()), len(run.rejected)))
    return _exit(run)
