"""A month's energy balance of N PRMs run inside Odoo as its background job, in bounded memory.

Set-up, once per size, not timed: a database ``bench_balancing_<N>`` is cloned from the
project's template and ``enercoop_balancing`` installed into it (no demo data); N consumers
with their delivery points and supply contracts (``odoo_billing_run.generate``: one through
the ORM, the others SQL copies of its rows), ``N // 500`` producers (at least 2: hydro,
wind, solar in turn) with their injection points and installations, and the month's
half-hourly curves in the form the balance run reads them: R50 files of ``--per-file``
PRMs each (zipped, as Enedis sends them) and one R4x file per producer, written fast
(one byte template per day shape) and imported through the addon's own flow import
(``enercoop.flow.file``: the file kept as an attachment, one ``enercoop.load.curve`` row
per curve); a balancing user (energy user, not admin: access rights and record rules
apply). The system parameter ``enercoop_balancing.partitions`` is set to 1, so that the
run cuts the portfolio into partitions of ``core_adapter.CURVES_PER_PARTITION`` curves
whatever N: the same partition size at every N.

Then, each in a fresh process of its own (``nice``-d like this one):

1. baseline "read": the flow files parsed by the core (``enercoop_core.flows.parse``),
   nothing kept: what reading the curves alone costs;
2. baseline "core": the core's engine outside Odoo on the same files (``CurveSpool`` with
   the run's partitions and the grid, ``balance_spooled``, ``spooled_matchings``), as
   ``enercoop balance`` runs (until 1 December 2026 it gathered the whole proof with
   ``match_spooled``: 20 million producer x consumer cells, 11 GB, at ``--prms 100000``,
   whose set-up takes about 13 minutes);
3. the run, as queue_job's runner runs it: the balancing user queues the run
   (``action_queue``), then a new process loads the job (``Job.load``) and performs it as
   ``/queue_job/runjob`` does (enqueued, started, ``perform``, done, each stored and
   committed), in the job's user's environment.

Printed: wall and CPU seconds, peak RSS of each process (``VmHWM``; for the run also its
RSS before the job, after loading Odoo's registry), and the rows the run wrote (half-
hours, issued, allocated, statements). ``--prms 10000,30000`` runs two sizes one after the
other and prints both, to show whether the run's memory grows with the PRMs;
``--run-only`` leaves the two baselines out.

    python benchmarks/odoo_balancing_run.py                     # 2,000 PRMs
    python benchmarks/odoo_balancing_run.py --prms 10000,30000
    python benchmarks/odoo_balancing_run.py --prms 100000       # the full month

Runs under the Odoo venv (``.run/odoo-venv``); started with another Python it re-executes
itself there. Needs ``bash scripts/test.sh`` (or ``scripts/setup_host.sh``) to have run.
Measured figures: README.md, "Odoo balancing run".
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from odoo_billing_run import (  # noqa: E402 - the sibling benchmark's database helpers
    ODOO_PY,
    RUN_DIR,
    _registry,
    db_exists,
    generate,
    shell,
)
from odoo_billing_run import prepare_db as billing_prepare_db  # noqa: E402

PERIOD = "2025-06"  # 30 days at UTC+02:00: 1,440 half-hours
FIRST = dt.date(2025, 6, 1)
DAYS = 30
TECHNOLOGIES = ("hydro", "wind", "solar")


# ---------------------------------------------------------------------- flow files
def _day_points(watts):
    """The ``<PDC>`` elements of one day of an R50, ``watts[slot]`` mean W (48 values),
    with ``{day}`` left for the date (a stamp ENDS its half-hour, Paris summer time)."""
    out = []
    for slot in range(48):
        end = dt.datetime(2000, 1, 1) + dt.timedelta(minutes=30 * (slot + 1))
        day = "{day}" if slot < 47 else "{next}"
        out.append("<PDC><H>%sT%s+02:00</H><V>%d</V><IV>0</IV></PDC>"
                   % (day, end.strftime("%H:%M:%S"), watts[slot]))
    return "".join(out)


def _shapes(count=24, seed=11):
    """``count`` daily consumption shapes (48 mean W each), households of 0.3 to 3 kW."""
    rng = random.Random(seed)
    shapes = []
    for _ in range(count):
        base, peak = rng.randrange(150, 600), rng.randrange(600, 3000)
        shapes.append([peak if (7 <= slot / 2 < 9 or 18 <= slot / 2 < 22) else base
                       + rng.randrange(0, 200) for slot in range(48)])
    return [_day_points(shape) for shape in shapes]


def r50_zip(prms, days=DAYS):
    """A zipped R50 of ``prms`` over the month (each PRM one of a few day shapes)."""
    shapes = _shapes()
    dates = [(FIRST + dt.timedelta(days=d)).isoformat() for d in range(days + 1)]
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<R50><En_Tete_Flux>'
              "<Identifiant_Flux>R50</Identifiant_Flux><Libelle_Flux>Courbes de charge"
              "</Libelle_Flux><Version_XSD>1.1.0</Version_XSD>"
              "<Identifiant_Emetteur>ERDF</Identifiant_Emetteur>"
              "<Identifiant_Destinataire>BENCH</Identifiant_Destinataire>"
              "<Date_Creation>2025-07-02T06:00:00+02:00</Date_Creation>"
              "<Identifiant_Contrat>GRD-F001</Identifiant_Contrat>"
              "<Numero_Abonnement>1</Numero_Abonnement><Pas_Publication>30</Pas_Publication>"
              "</En_Tete_Flux>")
    for number, prm in enumerate(prms):
        out.write("<PRM><Id_PRM>%s</Id_PRM>" % prm)
        for day in range(days):
            shape = shapes[(number * 7 + day) % len(shapes)]
            out.write("<Donnees_Releve><Date_Releve>%s</Date_Releve>" % dates[day])
            out.write(shape.replace("{day}", dates[day]).replace("{next}", dates[day + 1]))
            out.write("</Donnees_Releve>")
        out.write("</PRM>")
    out.write("</R50>\n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("R50_BENCH.xml", out.getvalue().encode("utf-8"))
    return buffer.getvalue()


def r4x(prm, technology, kilowatts, days=DAYS):
    """An R4x of one producer over the month, written by the addon tests' builder (whole
    kW: constant hydro, daytime solar, random wind). Needs Odoo's addons path (loaded)."""
    from odoo.addons.enercoop_balancing.tests.common import r4x_production_flow

    rng = random.Random(prm)
    shapes = {"solar": lambda hour: kilowatts * 2 if 9 <= hour < 17 else 0,
              "wind": lambda hour: rng.randrange(0, kilowatts * 2 + 1),
              "hydro": lambda hour: kilowatts}
    return r4x_production_flow(prm, shapes[technology], days=days)


# ---------------------------------------------------------------------- set-up
def prepare_db(db):
    """``db``: a copy of the project's template with ``enercoop_balancing`` installed."""
    billing_prepare_db(db, addon="enercoop_balancing", without_demo="all",
                       log_name="balancing")


def make_producers(env, company, count):
    """``count`` producers: partner, injection point, installation (ORM: they are few).
    Returns [(PRM, technology, mean kW)]."""
    ctx = dict(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
    result = []
    for number in range(count):
        technology = TECHNOLOGIES[number % len(TECHNOLOGIES)]
        prm = "398%011d" % number
        partner = env["res.partner"].with_context(**ctx).create(
            {"name": "Bench producer %04d" % number, "role_producer": True})
        point = env["enercoop.delivery.point"].with_context(**ctx).create({
            "prm": prm, "partner_id": partner.id, "company_id": company.id, "segment": "P4",
            "direction": "injection"})
        env["enercoop.production.installation"].with_context(**ctx).create({
            "name": "Bench plant %04d" % number, "partner_id": partner.id,
            "technology": technology, "delivery_point_id": point.id,
            "company_id": company.id})
        result.append((prm, technology, 400))  # ~ the supply of 500 households
    return result


def make_balancer(env):
    """The run's user: an energy user (access rights and record rules apply)."""
    return env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench balancer", "login": "bench.balancer",
        "email": "bench.balancer@example.org",
        "groups_id": [(6, 0, [env.ref("enercoop_energy.group_enercoop_user").id])]}).id


def build(db, n, per_file, folder):
    """Set up ``db`` (module docstring) and write its flow files into ``folder`` too (for
    the baselines). Returns (balancing user id, company id)."""
    import odoo
    from odoo import SUPERUSER_ID, api

    began = time.time()
    prepare_db(db)
    with api.Environment.manage(), _registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = generate(env, n)
        producers = make_producers(env, company, max(2, n // 500))
        env["ir.config_parameter"].set_param("enercoop_balancing.partitions", "1")
        uid = make_balancer(env)
        cr.commit()
        consumers = ["399%011d" % i for i in range(n)]
        files = [("R4x_BENCH_%s.xml" % prm, r4x(prm, tech, kw)) for prm, tech, kw in producers]
        files += [("R50_BENCH_%06d.zip" % start, r50_zip(consumers[start:start + per_file]))
                  for start in range(0, n, per_file)]
        Flow = env["enercoop.flow.file"]
        for name, data in files:
            with open(os.path.join(folder, name), "wb") as handle:
                handle.write(data)
            flow_file = Flow._import_files([(name, data)], company=company)
            cr.commit()
            if flow_file.state != "imported":
                raise SystemExit("%s: import %s (%s)" % (name, flow_file.state,
                                                         flow_file.rejected_count))
            env.clear()
        cr.execute("SELECT count(*) FROM enercoop_load_curve WHERE company_id = %s",
                   (company.id,))
        curves = cr.fetchone()[0]
        company_id = company.id
    odoo.sql_db.close_db(db)
    odoo.modules.registry.Registry.delete(db)
    print("set-up: %s, %d consumers, %d producers, %d curves in %d files, in %.0f s"
          % (db, n, len(producers), curves, len(files), time.time() - began), flush=True)
    return uid, company_id


# ---------------------------------------------------------------------- the phases
def _peak_mb():
    """This process's peak RSS since it started (``VmHWM``): not ``ru_maxrss``, which Linux
    carries over ``fork`` + ``exec`` from the parent's RSS at the fork (the set-up's)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _rss_mb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2.0 ** 20


def phase_read(folder):
    """Baseline: parse every flow file, keep nothing."""
    from enercoop_core import flows

    began, cpu, points = time.perf_counter(), time.process_time(), 0
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as handle:
            for record in flows.parse(handle.read(), name=name):
                points += len(record.instants)
    return {"seconds": time.perf_counter() - began, "cpu": time.process_time() - cpu,
            "peak_mb": _peak_mb(), "points": points}


def phase_core(folder, partitions):
    """Baseline: the core's engine on the same files, as ``enercoop balance`` runs it (the
    balance summed while spooling, the proof partition by partition, its cells counted)."""
    from enercoop_core import flows
    from enercoop_core.balancing.grid import month_grid
    from enercoop_core.balancing.partitioned import (
        CurveSpool,
        balance_spooled,
        spooled_matchings,
    )

    began, cpu = time.perf_counter(), time.process_time()
    grid = month_grid(PERIOD)
    cells = 0
    with CurveSpool(partitions, grid=grid) as spool:
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as handle:
                for record in flows.parse(handle.read(), name=name):
                    spool.add(record, production=record.direction == "injection")
        result = balance_spooled(spool, grid)
        for matching in spooled_matchings(spool, grid, result):
            cells += sum(1 for _ in matching.rows("month"))
    return {"seconds": time.perf_counter() - began, "cpu": time.process_time() - cpu,
            "peak_mb": _peak_mb(), "cells": cells}


def queue(db, uid, company_id):
    """The balancing user creates and queues the month's run: (run id, job uuid)."""
    from odoo import api

    with api.Environment.manage(), _registry(db).cursor() as cr:
        env = api.Environment(cr, uid, {})
        run = env["enercoop.balance.run"].create({"period": PERIOD, "company_id": company_id})
        run.action_queue()
        cr.commit()
        return run.id, run.job_uuid


def phase_run(db, job_uuid):
    """The job, as queue_job's runner has it performed (controllers/main.py, runjob)."""
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.addons.enercoop_balancing import core_adapter
    from odoo.addons.queue_job.job import Job

    with api.Environment.manage(), _registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SELECT count(*) FROM enercoop_load_curve")
        partitions = core_adapter.partitions(env, cr.fetchone()[0])
        job = Job.load(env, job_uuid)
        job.set_enqueued()
        job.store()
        cr.commit()
        before = _rss_mb()
        began, cpu = time.perf_counter(), time.process_time()
        job.set_started()
        job.store()
        cr.commit()
        outcome = job.perform()
        job.set_done()
        job.store()
        cr.commit()
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        run = job.recordset
        cr.execute("SELECT state, error, consumer_count, producer_count, consumption_kwh, "
                   "coverage_rate, problems FROM enercoop_balance_run WHERE id = %s",
                   (run.id,))
        state, error, consumers, producers, kwh, coverage, problems = cr.fetchone()
        rows = {}
        for table in ("enercoop_balance_line", "enercoop_origin_issue",
                      "enercoop_origin_allocation", "enercoop_origin_statement"):
            cr.execute('SELECT count(*) FROM "%s" WHERE run_id = %%s' % table, (run.id,))
            rows[table] = cr.fetchone()[0]
        job_user = job.user_id
    odoo.sql_db.close_db(db)
    return {"seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb(), "before_mb": before,
            "outcome": outcome, "state": state, "error": error, "consumers": consumers,
            "producers": producers, "consumption_kwh": kwh, "coverage": coverage,
            "problems": (problems or "").count("\n") + bool(problems),
            "first_problems": (problems or "").split("\n")[:2], "rows": rows,
            "job_user": job_user, "partitions": partitions}


def child(argv):
    """``--child PHASE ...``: one phase in this fresh process; prints its JSON."""
    phase = argv[0]
    if phase == "read":
        result = phase_read(argv[1])
    elif phase == "core":
        result = phase_core(argv[1], int(argv[2]))
    else:
        import odoo
        odoo.tools.config.parse_config(["-c", os.path.join(RUN_DIR, "odoo.conf"), "-d",
                                        argv[1], "--log-level=warn"])
        result = phase_run(argv[1], argv[2])
    print("RESULT " + json.dumps(result), flush=True)
    return 0


def fresh(*args):
    """Run a phase in a fresh process (nice-d as this one): its result dict."""
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child"]
                         + [str(a) for a in args], stdout=subprocess.PIPE, check=True,
                         text=True).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("RESULT ")][-1][7:])


def bench(n, per_file, keep, reuse, run_only=False):
    import odoo

    db = "bench_balancing_%d" % n
    folder = os.path.join(tempfile.gettempdir(), db + "_flows")
    meta_path = os.path.join(tempfile.gettempdir(), db + ".json")
    try:
        if not (reuse and db_exists(db) and os.path.isdir(folder)):
            os.makedirs(folder, exist_ok=True)
            for name in os.listdir(folder):
                os.unlink(os.path.join(folder, name))
            meta = build(db, n, per_file, folder)
            with open(meta_path, "w") as handle:
                json.dump(meta, handle)
        with open(meta_path) as handle:
            uid, company_id = json.load(handle)
        work = db + "_run"
        shell("clone_db %s %s" % (db, work))
        try:
            _run_id, uuid = queue(work, uid, company_id)
            odoo.sql_db.close_db(work)
            run = fresh("run", work, uuid)
        finally:
            odoo.sql_db.close_db(work)
            odoo.modules.registry.Registry.delete(work)
            shell("drop_db %s" % work)
        print("run at %d PRMs: %.1f s wall, %.1f s CPU, peak %.0f MB (%.0f before the job), "
              "%s" % (n, run["seconds"], run["cpu"], run["peak_mb"], run["before_mb"],
                      run["state"]), flush=True)
        if run_only:
            return {"n": n, "partitions": run["partitions"], "run": run}
        read = fresh("read", folder)
        core = fresh("core", folder, run["partitions"])
        return {"n": n, "partitions": run["partitions"], "read": read, "core": core,
                "run": run}
    finally:
        odoo.sql_db.close_all()
        odoo.modules.registry.Registry.delete(db)
        if not keep:
            shell("drop_db %s" % db)
            subprocess.run(["rm", "-rf", folder, meta_path])


def report(result):
    n, read, core, run = result["n"], result["read"], result["core"], result["run"]
    print()
    print("%s, %d PRMs x %s (%d points), %d partitions of the run's spool"
          % (time.strftime("%H:%M:%S"), n, PERIOD, read["points"], result["partitions"]))
    print("%-58s %9s %9s %10s" % ("", "wall s", "CPU s", "peak MB"))
    print("%-58s %9.1f %9.1f %10.0f" % ("read the curves alone (core parse, nothing kept)",
                                         read["seconds"], read["cpu"], read["peak_mb"]))
    print("%-58s %9.1f %9.1f %10.0f" % ("core engine outside Odoo (spool, balance, proof)",
                                         core["seconds"], core["cpu"], core["peak_mb"]))
    print("%-58s %9.1f %9.1f %10.0f" % ("Odoo balance run, queue_job job (as %s)"
                                         % ("user %s" % run["job_user"]),
                                         run["seconds"], run["cpu"], run["peak_mb"]))
    print("run: %s (%s), %d consumers, %d producers, %.0f kWh, coverage %.1f %%, %d problem "
          "line(s); RSS %.0f MB before the job (Odoo loaded), peak %.0f MB (+%.0f)"
          % (run["state"], run["error"] or "no error", run["consumers"], run["producers"],
             run["consumption_kwh"], run["coverage"], run["problems"], run["before_mb"],
             run["peak_mb"], run["peak_mb"] - run["before_mb"]))
    if run["problems"]:
        print("first problems: %s" % "; ".join(run["first_problems"]))
    rows = run["rows"]
    print("rows written: %s; total %d (the core's proof has %d producer x consumer cells)"
          % (", ".join("%s %d" % (t.replace("enercoop_", ""), c) for t, c in rows.items()),
             sum(rows.values()), core["cells"]))
    print("ratios: run / read %.2f, run / core %.2f (wall); %.2f, %.2f (CPU)"
          % (run["seconds"] / read["seconds"], run["seconds"] / core["seconds"],
             run["cpu"] / read["cpu"], run["cpu"] / core["cpu"]), flush=True)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prms", default="2000",
                        help="consumers, or sizes separated by commas (default 2000)")
    parser.add_argument("--per-file", type=int, default=1000, help="PRMs per R50 file")
    parser.add_argument("--keep", action="store_true", help="keep the set-up database")
    parser.add_argument("--run-only", action="store_true",
                        help="measure the run only, not the two baselines")
    parser.add_argument("--reuse", action="store_true",
                        help="start from the database kept by an earlier --keep")
    args = parser.parse_args(argv)
    try:
        import odoo  # noqa: F401
    except ImportError:
        if not os.path.exists(ODOO_PY):
            print("no Odoo venv at %s: run bash scripts/setup_host.sh first" % ODOO_PY)
            return 2
        os.execv(ODOO_PY, [ODOO_PY, os.path.abspath(__file__)] + argv)
    os.environ["PATH"] = os.pathsep.join([os.path.join(RUN_DIR, "wk", "bin"),
                                          os.environ["PATH"]])
    shell('bash "$ENERCOOP_REPO/scripts/pg.sh" start >/dev/null; '
          'bash "$ENERCOOP_REPO/scripts/odoo_conf.sh" >/dev/null')
    import odoo
    odoo.tools.config.parse_config(["-c", os.path.join(RUN_DIR, "odoo.conf"),
                                    "--log-level=warn"])
    results = []
    for n in [int(size) for size in args.prms.split(",")]:
        results.append(bench(n, args.per_file, args.keep, args.reuse, args.run_only))
        if not args.run_only:
            report(results[-1])
    if len(results) > 1:
        print("\npeak RSS of the run by size: %s" % ", ".join(
            "%d PRMs %.0f MB (+%.0f over Odoo loaded)" % (
                r["n"], r["run"]["peak_mb"], r["run"]["peak_mb"] - r["run"]["before_mb"])
            for r in results))
    return 0 if all(r["run"]["state"] == "done" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
