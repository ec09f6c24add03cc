"""Throughput and memory of the Enedis flow parser against a bare lxml pass.

Generates an R15 with ``--prms`` delivery points (one reading, four distributor and two
supplier registers each, with dial digits, rollover flag and meter serial) and an R50 with
``--curve-prms`` points of delivery for ``--days`` days of 30-minute points, then, each in a
fresh child process (so peak RSS is that of the parse alone), times:

- ``bare``: lxml iterparse over the same file with the same safe options, visiting every
  element and clearing it, building nothing (the first baseline);
- ``tagged``: the fastest lxml pass, an iterparse with ``tag="PRM"`` so that only the
  record ends reach Python, each cleared with its finished siblings (the second baseline:
  what any reader of these records pays at least);
- ``flows``: ``enercoop_core.flows.parse`` producing every record, hardening included
  (bounded values, stray and nested blocks watched): these plain files go through the raw
  fast path (``enercoop_core.flows.rawpath``: PRM blocks split at their tag marks, the
  document checked well-formed by an lxml parser that builds no tree).

Prints MB/s, records/s and peak RSS side by side, and the ratio to each baseline.
``--edk`` makes the R15 root declare an unused ``xmlns:edk`` as real files do.

    python benchmarks/flows.py                 # 20,000 PRMs R15, 500 PRMs x 30 days R50
    python benchmarks/flows.py --quick         # a few seconds
    python benchmarks/flows.py --prms 200000 --curve-prms 5000   # 0.6 GB + 0.5 GB: minutes

Files are written under ``benchmarks/data/`` (git-ignored) and deleted afterwards. Each
pass is run ``--repeat`` times, alternating, and medians are printed: on a shared machine
the wall-clock ratio varies from run to run; the CPU-time ratio is steadier.

Measured 1 December 2026 (``--edk``, medians of 3, load average 6 to 7 on the 2 cores),
CPU-time ratios flows/bare and flows/tag-filtered: CPython 3.11 + lxml 6.1: R15 1.73x and
0.72x, R50 1.67x and 0.85x; CPython 3.7 + lxml 4.6: R15 1.36x and 0.70x, R50 2.23x and
0.99x; peak RSS 38-45 MB, 39 MB for a 1.0 GB R15 (330,000 PRMs, 16 s CPU) and 44 MB for a
0.5 GB R50 (5,500 PRMs x 30 days, 15-17 s CPU). Before the fast path (tree reader): R15
0.79x and 0.34x, R50 1.18x and 0.45x.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def write_r15(path: str, prms: int, edk: bool = False) -> None:
    root = '<R15 xmlns:edk="http://www.enedis.fr/edk">' if edk else "<R15>"
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n' + root + '<En_Tete_Flux>'
            '<Identifiant_Flux>R15</Identifiant_Flux><Libelle_Flux>Releves</Libelle_Flux>'
            '<Version_XSD>2.3.2</Version_XSD><Identifiant_Emetteur>ENEDIS</Identifiant_Emetteur>'
            '<Identifiant_Destinataire>COOP</Identifiant_Destinataire>'
            '<Date_Creation>2025-03-02T00:00:00</Date_Creation>'
            '<Nature_Contrat>GRD-F</Nature_Contrat></En_Tete_Flux>\n')
    reg = ("<{tag}><Id_Classe_Temporelle>{tc}</Id_Classe_Temporelle>"
           "<Libelle_Classe_Temporelle>Heures {tc}</Libelle_Classe_Temporelle>"
           "<Rang_Cadran>{rank}</Rang_Cadran><Classe_Mesure>1</Classe_Mesure>"
           "<Unite_Mesure>kWh</Unite_Mesure><Sens_Mesure>0</Sens_Mesure>"
           "<Valeur>{value}</Valeur><Nb_Chiffres_Cadran>6</Nb_Chiffres_Cadran>"
           "<Indicateur_Passage_A_Zero>0</Indicateur_Passage_A_Zero>"
           "<Num_Serie>{serial}</Num_Serie></{tag}>")
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        for i in range(prms):
            parts = ["<PRM><Id_PRM>%014d</Id_PRM><Donnees_Releve><Id_Releve>R%010d</Id_Releve>"
                     "<Date_Releve>2025-03-%02dT00:00:00+01:00</Date_Releve>"
                     "<Id_Calendrier_Distributeur>DI000003</Id_Calendrier_Distributeur>"
                     "<Id_Calendrier>FC020831</Id_Calendrier>"
                     "<Niveau_Ouverture_Services>2</Niveau_Ouverture_Services>"
                     "<Type_Compteur>CCB</Type_Compteur><Statut_Releve>INITIAL</Statut_Releve>"
                     "<Motif_Releve>CYCL</Motif_Releve><Nature_Index>REEL</Nature_Index>"
                     % (30000000000000 + i, i, 1 + i % 28)]
            for rank, tc in enumerate(("HPH", "HCH", "HPB", "HCB"), 1):
                parts.append(reg.format(tag="Classe_Temporelle_Distributeur", tc=tc,
                                        rank=rank, value=(i * 7 + rank) % 999999,
                                        serial="%012d" % i))
            for rank, tc in enumerate(("HP", "HC"), 1):
                parts.append(reg.format(tag="Classe_Temporelle", tc=tc, rank=rank,
                                        value=(i * 11 + rank) % 999999,
                                        serial="%012d" % i))
            parts.append("</Donnees_Releve></PRM>\n")
            out.write("".join(parts))
        out.write("</R15>\n")


def write_r50(path: str, prms: int, days: int) -> None:
    paris = timezone(timedelta(hours=1))
    start = date(2025, 1, 1)
    stamps = []
    for d in range(days):
        day = start + timedelta(days=d)
        base = datetime(day.year, day.month, day.day, tzinfo=paris)
        stamps.append((day.isoformat(), [(base + timedelta(minutes=30 * k)).isoformat()
                                         for k in range(1, 49)]))
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<R50><En_Tete_Flux>'
                  '<Identifiant_Flux>R50</Identifiant_Flux><Libelle_Flux>Courbes de charge '
                  'des PRM du segment C5 sur abonnement</Libelle_Flux>'
                  '<Version_XSD>1.1.0</Version_XSD><Identifiant_Emetteur>ERDF'
                  '</Identifiant_Emetteur><Identifiant_Destinataire>COOP'
                  '</Identifiant_Destinataire><Date_Creation>2025-02-01T00:00:00+01:00'
                  '</Date_Creation><Identifiant_Contrat>GRD-F1</Identifiant_Contrat>'
                  '<Numero_Abonnement>1</Numero_Abonnement><Pas_Publication>30'
                  '</Pas_Publication></En_Tete_Flux>\n')
        for i in range(prms):
            parts = ["<PRM><Id_PRM>%014d</Id_PRM>" % (30000000000000 + i)]
            for day, hours in stamps:
                parts.append("<Donnees_Releve><Date_Releve>%s</Date_Releve>" % day)
                for k, h in enumerate(hours):
                    parts.append("<PDC><H>%s</H><V>%d</V><IV>0</IV></PDC>"
                                 % (h, 200 + (i * 13 + k * 37) % 3000))
                parts.append("</Donnees_Releve>")
            parts.append("</PRM>\n")
            out.write("".join(parts))
        out.write("</R50>\n")


def child(mode: str, path: str) -> None:
    """Run one measurement in this process and print it as JSON.

    Imports happen before the clock starts: the figures are those of the parse path.
    """
    from lxml import etree

    from enercoop_core.flows import parse
    from enercoop_core.flows.xmlstream import PARSER_OPTIONS
    records = 0
    start = time.perf_counter()
    cpu = time.process_time()
    if mode == "bare":
        with open(path, "rb") as handle:
            for _event, elem in etree.iterparse(handle, events=("end",), **PARSER_OPTIONS):
                elem.clear()
                records += 1
    elif mode == "tagged":
        with open(path, "rb") as handle:
            for _event, elem in etree.iterparse(handle, events=("end",), tag="PRM",
                                                **PARSER_OPTIONS):
                records += 1
                elem.clear()
                while elem.getprevious() is not None:
                    del elem.getparent()[0]
    else:
        run = parse(path)
        for _record in run:
            records += 1
        assert not run.rejected, run.rejected[:3]
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "cpu": cpu, "records": records,
                      "peak_mb": peak_kb / 1024.0}))


def measure(mode: str, path: str) -> dict:
    out = subprocess.check_output([sys.executable, os.path.abspath(__file__),
                                   "--child", mode, path])
    return json.loads(out.decode().strip().splitlines()[-1])


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def report(label: str, path: str, repeat: int) -> None:
    """Alternate bare and flows passes ``repeat`` times; print medians and the ratio.

    The ratio is the median of the paired ratios (bare seconds / flows seconds), each pair
    run back to back, so a busy machine disturbs both sides of a pair alike.
    """
    size_mb = os.path.getsize(path) / 1e6
    runs = {"bare": [], "tagged": [], "flows": []}
    for _ in range(repeat):
        for name in ("bare", "tagged", "flows"):
            runs[name].append(measure(name, path))
    print("\n%s: %.1f MB, %d run(s) each, medians" % (label, size_mb, repeat))
    print("  %-6s %8s %8s %8s %12s %12s" % ("pass", "seconds", "cpu s", "MB/s", "items/s",
                                          "peak RSS MB"))
    for name in ("bare", "tagged", "flows"):
        seconds = median([r["seconds"] for r in runs[name]])
        print("  %-6s %8.2f %8.2f %8.1f %12.0f %12.1f" % (
            name, seconds, median([r["cpu"] for r in runs[name]]), size_mb / seconds,
            runs[name][0]["records"] / seconds, max(r["peak_mb"] for r in runs[name])))
    print("  (items: elements for the bare pass, PRM blocks for tagged, records for flows)")
    for base in ("bare", "tagged"):
        ratios = [b["seconds"] / f["seconds"] for b, f in zip(runs[base], runs["flows"])]
        cpu_ratios = [b["cpu"] / f["cpu"] for b, f in zip(runs[base], runs["flows"])]
        print("  flows throughput = %.2fx the %s pass (median of %s; CPU time %.2fx)" % (
            median(ratios), base, ", ".join("%.2f" % r for r in ratios), median(cpu_ratios)))
    print("  %d records" % runs["flows"][0]["records"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prms", type=int, default=20000, help="PRMs in the R15 (0: none)")
    parser.add_argument("--curve-prms", type=int, default=500,
                        help="PRMs in the R50 (0: none)")
    parser.add_argument("--days", type=int, default=30, help="days of curve per PRM")
    parser.add_argument("--repeat", type=int, default=3,
                        help="alternated runs of each pass; medians are reported")
    parser.add_argument("--workdir", help="where to write the generated files (default: "
                        "benchmarks/data, git-ignored); they are deleted afterwards")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke run)")
    parser.add_argument("--edk", action="store_true",
                        help="the R15 root declares an unused xmlns:edk, as real files do")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.quick:
        args.prms, args.curve_prms, args.days, args.repeat = 2000, 50, 7, 1
    base = args.workdir or os.path.join(ROOT, "benchmarks", "data")
    if not os.path.isdir(base):
        os.makedirs(base)
    workdir = tempfile.mkdtemp(prefix="enercoop-bench-", dir=base)
    try:
        if args.prms > 0:
            r15 = os.path.join(workdir, "r15.xml")
            write_r15(r15, args.prms, args.edk)
            report("R15, %d PRMs" % args.prms, r15, args.repeat)
            os.remove(r15)
        if args.curve_prms > 0:
            r50 = os.path.join(workdir, "r50.xml")
            write_r50(r50, args.curve_prms, args.days)
            report("R50, %d PRMs x %d days" % (args.curve_prms, args.days), r50, args.repeat)
            os.remove(r50)
    finally:
        for name in os.listdir(workdir):
            os.remove(os.path.join(workdir, name))
        os.rmdir(workdir)


if __name__ == "__main__":
    main()
