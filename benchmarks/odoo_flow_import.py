"""Odoo flow import throughput: an R15 of N PRMs into ``enercoop.meter.reading``, against
the core's parse of the same file, in the same run.

A scratch database is cloned from the project's template and ``enercoop_energy`` installed
into it (no demo data); N delivery points are recorded (SQL, set-up only) and an R15 of N
PRMs written (one reading each: four distributor and two supplier registers, as
``benchmarks/flows.py`` writes it). Then, in one process and one database:

1. core parse alone: ``enercoop_core.flows.parse`` of the file, every record read;
2. import: ``enercoop.flow.file._import_paths`` (parse, PRM look-up, core reading checks,
   chunked ``INSERT ... ON CONFLICT DO NOTHING`` of the register rows), committed;
3. re-import of the same file (every record already known: nothing created);
4. baseline of the earlier code path: the same import with one ORM ``create`` per register
   row (context ``flow_import_orm``), on the first ``--orm-prms`` PRMs only (it is slow).

Prints seconds, flow records/s and register rows/s for each, and the import's throughput
as a share of the parse alone.

    python benchmarks/odoo_flow_import.py                 # 20 000 PRMs (2 000 for the ORM row)
    python benchmarks/odoo_flow_import.py --quick         # 2 000 PRMs (500)
    python benchmarks/odoo_flow_import.py --prms 50000 --orm-prms 0

Runs under the Odoo venv (``.run/odoo-venv``); started with another Python it re-executes
itself there. Needs ``bash scripts/test.sh`` (or ``scripts/setup_host.sh``) to have run.
The scratch database is dropped at the end unless ``--keep``.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN_DIR = os.environ.get("ENERCOOP_RUN_DIR") or os.path.join(REPO, ".run")
ODOO_PY = os.path.join(RUN_DIR, "odoo-venv", "bin", "python")
FIRST_PRM = 30000000000000  # benchmarks/flows.py numbers its PRMs from here


def shell(script: str) -> str:
    """Run bash with the project's helpers (scripts/lib.sh) loaded; return stdout."""
    return subprocess.run(["bash", "-c", '. "%s/scripts/lib.sh"; %s' % (REPO, script)],
                          check=True, stdout=subprocess.PIPE, text=True).stdout


def prepare_db(db: str) -> None:
    shell('bash "$ENERCOOP_REPO/scripts/pg.sh" start >/dev/null; '
          'bash "$ENERCOOP_REPO/scripts/odoo_conf.sh" >/dev/null; '
          'ensure_template && clone_db "$TEMPLATE_DB" %s' % db)
    log = os.path.join(RUN_DIR, "logs", "bench-odoo-flow-import-install.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    shell('odoo_run -d %s -i enercoop_energy --without-demo=enercoop_energy --stop-after-init '
          '--log-level=warn --http-port="$(free_port)" >"%s" 2>&1' % (db, log))


def write_r15(path: str, prms: int) -> None:
    """The R15 of ``benchmarks/flows.py`` (same generator, loaded from its file)."""
    spec = importlib.util.spec_from_file_location(
        "bench_flows", os.path.join(REPO, "benchmarks", "flows.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_r15(path, prms)


def create_points(env, n: int):
    """N withdrawal delivery points of one holder in the user's company (SQL: set-up)."""
    company = env.user.company_id
    partner = env["res.partner"].create({"name": "Bench holder"})
    from psycopg2.extras import execute_values
    execute_values(env.cr, """
        INSERT INTO enercoop_delivery_point (prm, partner_id, company_id, segment, fta,
            subscribed_kva, direction, active, create_uid, write_uid, create_date,
            write_date) VALUES %s""",
                   [("%014d" % (FIRST_PRM + i), partner.id, company.id) for i in range(n)],
                   template="(%s, %s, %s, 'C5', 'BTINFCU4', 6, 'withdrawal', true, 1, 1,"
                            " now() at time zone 'UTC', now() at time zone 'UTC')",
                   page_size=1000)
    env.cr.commit()
    return company


def parse_only(path: str):
    from enercoop_core import flows
    began = time.perf_counter()
    run = flows.parse([path])
    records = sum(1 for _record in run)
    assert not run.rejected, run.rejected[:3]
    return time.perf_counter() - began, records


def import_file(env, path: str, company, orm=False):
    """(seconds, flow file) of one import of ``path``, committed."""
    FlowFile = env["enercoop.flow.file"].with_context(flow_import_orm=orm)
    env.cr.commit()
    began = time.perf_counter()
    flow_file = FlowFile._import_paths([path], company=company, source="upload")
    env.cr.commit()
    return time.perf_counter() - began, flow_file


def bench(db: str, n: int, orm_n: int, workdir: str) -> int:
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", os.path.join(RUN_DIR, "odoo.conf"), "-d", db,
                                    "--log-level=warn"])
    path = os.path.join(workdir, "R15_BENCH_%d.xml" % n)
    write_r15(path, n)
    small = os.path.join(workdir, "R15_BENCH_ORM_%d.xml" % orm_n)
    if orm_n:
        write_r15(small, orm_n)
    rows = []
    with api.Environment.manage(), odoo.registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        began = time.time()
        company = create_points(env, n)
        print("set-up: %d delivery points in %.0f s; R15 of %.1f MB" % (
            n, time.time() - began, os.path.getsize(path) / 1e6))
        Reading = env["enercoop.meter.reading"]

        seconds, records = parse_only(path)
        rows.append(("core parse alone (flows.parse)", seconds, records, None))

        seconds, flow_file = import_file(env, path, company)
        created = Reading.search_count([("flow_file_id", "=", flow_file.id)])
        assert flow_file.state == "imported" and flow_file.new_count == records, (
            flow_file.state, flow_file.new_count, flow_file.rejection_ids[:3].mapped("reason"))
        rows.append(("Odoo import (bulk INSERT by 1000 rows)", seconds, records, created))

        before = Reading.search_count([])
        seconds, again = import_file(env, path, company)
        assert again == flow_file and again.new_count == 0 and again.known_count == records
        assert Reading.search_count([]) == before
        rows.append(("re-import, all known (nothing created)", seconds, records, 0))

        if orm_n:
            cr.execute("DELETE FROM enercoop_meter_reading")
            cr.execute("DELETE FROM enercoop_flow_file")
            seconds, orm_file = import_file(env, small, company, orm=True)
            orm_rows = Reading.search_count([("flow_file_id", "=", orm_file.id)])
            assert orm_file.new_count == orm_n, orm_file.new_count
            rows.append(("earlier path: one ORM create per row (%d PRMs)" % orm_n, seconds,
                         orm_n, orm_rows))
    parse_rate = rows[0][2] / rows[0][1]
    print()
    print("%-50s %8s %9s %11s %11s %8s" % ("R15, %d PRMs" % n, "seconds", "records",
                                           "records/s", "readings/s", "vs parse"))
    for label, seconds, records, created in rows:
        print("%-50s %8.1f %9d %11.0f %11s %7.2fx" % (
            label, seconds, records, records / seconds,
            "%.0f" % (created / seconds) if created else "-",
            (records / seconds) / parse_rate))
    print("(readings = register rows, one per time class: %d per PRM here)"
          % (rows[1][3] // max(rows[1][2], 1)))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prms", type=int, default=20000, help="PRMs in the R15 (20 000)")
    parser.add_argument("--orm-prms", type=int, default=2000,
                        help="PRMs of the per-row ORM baseline (0: skip it)")
    parser.add_argument("--quick", action="store_true", help="2 000 PRMs, 500 for the ORM")
    parser.add_argument("--db", default="enercoop_bench_flow_import", help="scratch database")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)
    if args.quick:
        args.prms, args.orm_prms = 2000, 500
    try:
        import odoo  # noqa: F401
    except ImportError:
        if not os.path.exists(ODOO_PY):
            print("no Odoo venv at %s: run bash scripts/setup_host.sh first" % ODOO_PY)
            return 2
        os.execv(ODOO_PY, [ODOO_PY, os.path.abspath(__file__)] + sys.argv[1:])
    began = time.time()
    prepare_db(args.db)
    print("scratch database %s (template + enercoop_energy) in %.0f s"
          % (args.db, time.time() - began))
    base = os.path.join(REPO, "benchmarks", "data")
    os.makedirs(base, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="enercoop-bench-import-", dir=base)
    try:
        return bench(args.db, args.prms, min(args.orm_prms, args.prms), workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            import odoo
            odoo.sql_db.close_all()
            shell("drop_db %s" % args.db)


if __name__ == "__main__":
    sys.exit(main())
