"""Odoo billing run throughput vs plain ``account.invoice`` ``create`` calls, equal databases.

Set-up, once, not timed: a template database ``bench_billing_<N>`` is cloned from the
project's template and ``enercoop_energy`` installed into it; N supply contracts (mixed
BT <= 36 kVA options and offers, 3..36 kVA) get two real index readings each (2025-10-01
and 2025-11-01), and a billing user (energy user with invoicing rights: access rights and
record rules apply, as in production). One consumer, delivery point and contract go
through the ORM; the others are SQL copies of their rows, the readings SQL rows (the ORM
would take minutes at 5,000). That template is then copied twice (``CREATE DATABASE ...
TEMPLATE``), and each phase runs on its own copy, in alternating chunks of contracts
(``--chunk``), so that neither phase ever runs on a database the other has grown:

1. billing run (copy 1): ``enercoop.billing.run`` for 2025-10, batch by batch (100
   contracts per batch, one commit per batch, as the scheduled action does): readings ->
   core ``bill_contract`` -> invoice values -> ``account.invoice.create``;
2. baseline (copy 2): the same invoices of the chunk (same partner, lines, quantities, unit
   prices, taxes; the copies share their ids) created through plain
   ``account.invoice.create`` calls, values prepared before the clock starts, one commit
   per 100 invoices.

After each chunk it prints both cumulative timings, invoices per minute and their ratio
(target: the run >= 0.5 x the plain creates), so that a run stopped early still gives the
ratio at the largest size done. Wall-clock seconds on a shared machine: both phases share
its load alike, chunk after chunk; a second ratio by CPU seconds (this process and its
PostgreSQL backend, from /proc) does not depend on the others' load. The copies are
dropped at the end, the template too unless ``--keep`` (``--reuse`` starts from a kept
one).

    python benchmarks/odoo_billing_run.py                  # 5 000 contracts
    python benchmarks/odoo_billing_run.py --contracts 1000
    python benchmarks/odoo_billing_run.py --quick          # 200 contracts
    python benchmarks/odoo_billing_run.py --quick --profile /tmp/run.prof   # cProfile

Measured 2026-12-01 on the shared 2-core machine (load average 6 to 11), ``nice -n 10``,
5,000 contracts in chunks of 500, 9.2 lines an invoice: run 3,580 s (84 invoices/min),
plain creates 3,132 s (96/min), ratio 0.87 (0.85 by CPU seconds; 1.08 at 500, 0.89 at
3,000, 0.87 from 4,000 on). Also in README.md, "Odoo billing run".

Runs under the Odoo venv (``.run/odoo-venv``); started with another Python it re-executes
itself there. Needs ``bash scripts/test.sh`` (or ``scripts/setup_host.sh``) to have run.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN_DIR = os.environ.get("ENERCOOP_RUN_DIR") or os.path.join(REPO, ".run")
ODOO_PY = os.path.join(RUN_DIR, "odoo-venv", "bin", "python")
PERIOD = "2025-10"
OPTIONS = [  # (FTA, register classes, offers)
    ("BTINFCU4", ("HPH", "HCH", "HPB", "HCB"), ("BASE", "HPHC", "QUATRE")),
    ("BTINFMU4", ("HPH", "HCH", "HPB", "HCB"), ("BASE", "HPHC", "QUATRE")),
    ("BTINFCUST", ("BASE",), ("BASE",)),
    ("BTINFMUDT", ("HP", "HC"), ("BASE", "HPHC")),
]
KVAS = (3, 6, 9, 12, 15, 18, 24, 30, 36)


def shell(script: str) -> str:
    """Run bash with the project's helpers (scripts/lib.sh) loaded; return stdout."""
    return subprocess.run(["bash", "-c", '. "%s/scripts/lib.sh"; %s' % (REPO, script)],
                          check=True, stdout=subprocess.PIPE, text=True).stdout


def db_exists(db: str) -> bool:
    return shell('db_exists %s && echo yes || true' % db).strip() == "yes"


def prepare_db(db: str, addon: str = "enercoop_energy", without_demo: str = "enercoop_energy",
               log_name: str = "billing") -> None:
    """``db``: a copy of the project's template with ``addon`` installed (the benchmarks'
    databases: ``without_demo`` names the modules whose demo data is not loaded)."""
    shell('bash "$ENERCOOP_REPO/scripts/pg.sh" start >/dev/null; '
          'bash "$ENERCOOP_REPO/scripts/odoo_conf.sh" >/dev/null; '
          'ensure_template && clone_db "$TEMPLATE_DB" %s' % db)
    log = os.path.join(RUN_DIR, "logs", "bench-odoo-%s-install.log" % log_name)
    os.makedirs(os.path.dirname(log), exist_ok=True)
    shell('odoo_run -d %s -i %s --without-demo=%s --stop-after-init '
          '--log-level=warn --http-port="$(free_port)" >"%s" 2>&1'
          % (db, addon, without_demo, log))


def copy_rows(cr, table: str, proto_id: int, rows) -> None:
    """Insert one copy of row ``proto_id`` of ``table`` per dict of ``rows``, with the
    dict's columns replaced (the other columns: the ORM's defaults, as in the prototype)."""
    from psycopg2.extras import execute_values

    cr.execute("SELECT column_name, data_type FROM information_schema.columns "
               "WHERE table_name = %s AND column_name != 'id'", (table,))
    types = dict(cr.fetchall())
    names = sorted(rows[0])
    kept = [c for c in sorted(types) if c not in names]
    execute_values(cr, 'INSERT INTO "{t}" ({cols}) SELECT {vals} FROM (VALUES %s) AS v({names})'
                   ' CROSS JOIN "{t}" p WHERE p.id = {proto}'.format(
                       t=table, proto=int(proto_id),
                       cols=", ".join('"%s"' % c for c in names + kept),
                       names=", ".join('"%s"' % c for c in names),
                       vals=", ".join(['v."%s"' % c for c in names]
                                      + ['p."%s"' % c for c in kept])),
                   [tuple(row[c] for c in names) for row in rows],
                   template="(%s)" % ", ".join("%%s::%s" % types[c] for c in names),
                   page_size=1000)


def ids_by(cr, table: str, column: str, values) -> dict:
    cr.execute('SELECT "%s", id FROM "%s" WHERE "%s" IN %%s' % (column, table, column),
               (tuple(values),))
    return dict(cr.fetchall())


def generate(env, n: int, seed: int = 7):
    """N consumers, delivery points, active contracts and their two readings: the first of
    each through the ORM, the others SQL copies of its rows."""
    rng = random.Random(seed)
    company = env.user.company_id
    company.enercoop_code = "coop-idf"
    ctx = dict(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
    # only the generated contracts are billed (the demo ones, if any, are set aside)
    env["enercoop.supply.contract"].search([]).write({"state": "draft"})
    specs = []
    for i in range(n):
        fta, classes, offers = OPTIONS[rng.randrange(len(OPTIONS))]
        specs.append(dict(i=i, fta=fta, classes=classes, offer=rng.choice(offers),
                          kva=rng.choice(KVAS), name="Bench consumer %05d" % i,
                          prm="399%011d" % i, contract="B-%05d" % i))
    partners = [env["res.partner"].with_context(**ctx).create({"name": specs[0]["name"]})]
    points = [env["enercoop.delivery.point"].with_context(**ctx).create(
        point_values(specs[0], partners[0].id, company.id))]
    contracts = [env["enercoop.supply.contract"].with_context(**ctx).create(
        contract_values(specs[0], partners[0].id, points[0].id, company.id))]
    cr = env.cr
    if n > 1:
        copy_rows(cr, "res_partner", partners[0].id,
                  [{"name": s["name"], "display_name": s["name"]} for s in specs[1:]])
        cr.execute("UPDATE res_partner SET commercial_partner_id = id "
                   "WHERE name LIKE 'Bench consumer %%' AND id != %s", (partners[0].id,))
        partner_ids = ids_by(cr, "res_partner", "name", [s["name"] for s in specs])
        copy_rows(cr, "enercoop_delivery_point", points[0].id,
                  [point_values(s, partner_ids[s["name"]], company.id) for s in specs[1:]])
        point_ids = ids_by(cr, "enercoop_delivery_point", "prm", [s["prm"] for s in specs])
        copy_rows(cr, "enercoop_supply_contract", contracts[0].id, [dict(
            contract_values(s, partner_ids[s["name"]], point_ids[s["prm"]], company.id),
            prm=s["prm"]) for s in specs[1:]])
        # the copied contracts' first versions (terms billed), as the ORM's create writes them
        env["enercoop.supply.contract"]._create_missing_versions()
    else:
        point_ids = {specs[0]["prm"]: points[0].id}
    insert_readings(cr, specs, point_ids, company.id, rng)
    env.user.invalidate_cache()  # the rows written in SQL
    cr.commit()
    return company


def point_values(spec, partner_id, company_id):
    return {"prm": spec["prm"], "partner_id": partner_id, "company_id": company_id,
            "segment": "C5", "fta": spec["fta"], "subscribed_kva": spec["kva"],
            "offpeak_hours": "22:00-06:00" if len(spec["classes"]) > 1 else "",
            "direction": "withdrawal"}


def contract_values(spec, partner_id, point_id, company_id):
    return {"name": spec["contract"], "partner_id": partner_id, "delivery_point_id": point_id,
            "offer_code": spec["offer"], "date_start": "2024-01-01", "state": "active",
            "company_id": company_id}


def insert_readings(cr, specs, point_ids, company_id, rng):
    """Two real index readings per register (2025-10-01, 2025-11-01), as SQL rows."""
    from psycopg2.extras import execute_values

    rows = []
    for spec in specs:
        prm, classes = spec["prm"], spec["classes"]
        index = {c: rng.randrange(1000000, 90000000) for c in classes}
        for day, offset in (("2025-10-01", "+02:00"), ("2025-11-01", "+01:00")):
            record_key = "BENCH|%s|%s" % (prm, day)
            for c in classes:
                wh = index[c]
                rows.append((record_key + "|" + c, record_key, prm, point_ids[prm], day,
                             "%sT00:00:00%s" % (day, offset), "real", "distributor", c, "1",
                             "withdrawal", wh, wh / 1000.0, "R15", company_id))
                # October is in the low season: the high-season registers (HPH, HCH) of the
                # four-class options do not move (the core holds a bill for review if
                # they do: no hour of the month counts in those classes)
                moves = day == "2025-10-01" and c not in ("HPH", "HCH")
                index[c] = wh + rng.randrange(20000, 600000) if moves else wh
    execute_values(cr, """
        INSERT INTO enercoop_meter_reading (key, record_key, prm, delivery_point_id, date,
            instant, nature, owner, time_class, measure_class, direction, value_wh,
            value_kwh, flow, company_id, create_uid, write_uid, create_date, write_date)
        VALUES %s""", rows,
        template="(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 1, 1,"
                 " now() at time zone 'UTC', now() at time zone 'UTC')", page_size=1000)


def plain_values(invoice):
    """The values of a plain ``create`` giving the same invoice (no energy fields)."""
    return {
        "type": invoice.type, "partner_id": invoice.partner_id.id,
        "company_id": invoice.company_id.id, "journal_id": invoice.journal_id.id,
        "account_id": invoice.account_id.id, "currency_id": invoice.currency_id.id,
        "date_invoice": invoice.date_invoice, "origin": invoice.origin, "name": invoice.name,
        "invoice_line_ids": [(0, 0, {
            "name": line.name, "product_id": line.product_id.id,
            "account_id": line.account_id.id, "quantity": line.quantity,
            "price_unit": line.price_unit,
            "invoice_line_tax_ids": [(6, 0, line.invoice_line_tax_ids.ids)],
        }) for line in invoice.invoice_line_ids],
    }


def _registry(db: str):
    import odoo
    return odoo.registry(db)


def make_biller(env):
    """The billing user of both phases: an energy user with invoicing rights, so that the
    access rights and record rules are checked as in production (the superuser skips
    them)."""
    groups = [env.ref("enercoop_energy.group_enercoop_user").id,
              env.ref("account.group_account_invoice").id]
    return env["res.users"].with_context(no_reset_password=True).create({
        "name": "Bench biller", "login": "bench.biller", "email": "bench.biller@example.org",
        "groups_id": [(6, 0, groups)]}).id


def build_template(db: str, n: int) -> tuple:
    """Set up ``db`` (contracts, readings, billing user): (billing user id, company id)."""
    import odoo
    from odoo import SUPERUSER_ID, api

    began = time.time()
    prepare_db(db)
    with api.Environment.manage(), _registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = generate(env, n)
        uid, company_id = make_biller(env), company.id
        cr.execute("COMMENT ON DATABASE \"%s\" IS 'bench %d %d %d'" % (db, n, uid, company_id))
        cr.commit()
    odoo.sql_db.close_db(db)
    odoo.modules.registry.Registry.delete(db)
    print("set-up: template %s, %d contracts with their readings, in %.0f s"
          % (db, n, time.time() - began), flush=True)
    return uid, company_id


def cpu_seconds(cr) -> float:
    """CPU seconds used so far by this process and by the PostgreSQL backend of ``cr``
    (from /proc when the server runs on this machine, else this process only): on a
    shared machine, unlike the wall clock, they do not grow with the others' load."""
    total = time.process_time()
    cr.execute("SELECT pg_backend_pid()")
    try:
        with open("/proc/%d/stat" % cr.fetchone()[0]) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        pass
    return total


def template_info(db: str) -> tuple:
    """(contracts, billing user id, company id) of a template built by ``build_template``."""
    out = shell("psql_q postgres \"SELECT shobj_description(oid, 'pg_database') FROM "
                "pg_database WHERE datname = '%s'\"" % db).split()
    if len(out) != 4 or out[0] != "bench":
        raise SystemExit("%s is not a finished benchmark template: drop it or leave "
                         "out --reuse" % db)
    return tuple(int(x) for x in out[1:])


class RunPhase:
    """The billing run on its own copy, as the billing user, chunk by chunk."""

    def __init__(self, db, uid, company_id, batch, profile=None):
        self.db, self.uid, self.company_id, self.batch = db, uid, company_id, batch
        self.run_id, self.last_invoice, self.seconds, self.cpu = None, 0, 0.0, 0.0
        self.billed = self.errors = 0
        self.profile = profile

    def chunk(self, size):
        """Bill ``size`` more contracts (the first chunk starts the run): the plain values
        of their invoices and their totals, read once the clock is stopped."""
        from odoo import api

        with api.Environment.manage(), _registry(self.db).cursor() as cr:
            env = api.Environment(cr, self.uid, {})
            Run = env["enercoop.billing.run"]
            if self.run_id is None:
                self.run_id = Run.create({"period": PERIOD, "company_id": self.company_id,
                                          "batch_size": self.batch}).id
                cr.commit()
            run = Run.browse(self.run_id)
            if self.profile:
                self.profile.enable()
            began, cpu = time.perf_counter(), cpu_seconds(cr)
            if run.state == "draft":
                run.action_start()
                cr.commit()
            done = 0
            while run.state == "running" and done < size:
                done += run._process_batch(min(self.batch, size - done))
                cr.commit()
            self.seconds += time.perf_counter() - began
            self.cpu += cpu_seconds(cr) - cpu
            if self.profile:
                self.profile.disable()
            return self._read_chunk(env, run)

    def _read_chunk(self, env, run):
        run.invalidate_cache()
        if run.error_count > self.errors:
            first = run.line_ids.filtered(lambda l: l.state == "error")[:3]
            print("not billed: %d, e.g. %s" % (run.error_count, first.mapped("message")))
        self.billed, self.errors = run.billed_count, run.error_count
        invoices = env["account.invoice"].search([("billing_run_id", "=", run.id),
                                                  ("id", ">", self.last_invoice)], order="id")
        if invoices:
            self.last_invoice = invoices[-1].id
        return [plain_values(inv) for inv in invoices], invoices.mapped("amount_total")


class PlainPhase:
    """The same invoices through plain ``account.invoice.create`` on the other copy (same
    ids), as the billing user, chunk by chunk."""

    def __init__(self, db, uid, batch):
        self.db, self.uid, self.batch = db, uid, batch
        self.seconds, self.cpu, self.count = 0.0, 0.0, 0

    def chunk(self, values):
        from odoo import api

        with api.Environment.manage(), _registry(self.db).cursor() as cr:
            env = api.Environment(cr, self.uid, {})
            Invoice = env["account.invoice"].with_context(tracking_disable=True,
                                                          mail_create_nolog=True)
            ids = []
            began, cpu = time.perf_counter(), cpu_seconds(cr)
            for start in range(0, len(values), self.batch):
                for vals in values[start:start + self.batch]:
                    ids.append(Invoice.create(vals).id)
                cr.commit()
            self.seconds += time.perf_counter() - began
            self.cpu += cpu_seconds(cr) - cpu
            self.count += len(ids)
            return Invoice.browse(ids).mapped("amount_total")


def report(n, done, run, plain, lines, same, worst):
    run_rate = run.billed / run.seconds * 60 if run.seconds else 0.0
    plain_rate = plain.count / plain.seconds * 60 if plain.seconds else 0.0
    ratio = run_rate / plain_rate if plain_rate else 0.0
    cpu_ratio = (run.billed / run.cpu) / (plain.count / plain.cpu) if (
        run.cpu and plain.cpu and plain.count) else 0.0
    print()
    print("%s, %d of %d contracts billed, each phase on its own copy of the same database "
          "(alternating chunks), as an energy user with invoicing rights"
          % (time.strftime("%H:%M:%S"), done, n))
    print("%-46s %9s %9s %14s %9s" % ("", "invoices", "seconds", "invoices/min", "CPU s"))
    print("%-46s %9d %9.1f %14.0f %9.1f" % ("billing run (readings -> core -> invoices)",
                                             run.billed, run.seconds, run_rate, run.cpu))
    print("%-46s %9d %9.1f %14.0f %9.1f" % ("plain account.invoice create (same invoices)",
                                             plain.count, plain.seconds, plain_rate,
                                             plain.cpu))
    print("ratio run / plain at %d contracts: %.2f (target >= 0.5); %d invoice lines, %.1f "
          "per invoice; %d of %d plain invoices have the run's total to the cent (largest "
          "gap %.2f EUR: Odoo rounds VAT per line, the core once per rate)"
          % (done, ratio, lines, lines / max(plain.count, 1), same, plain.count, worst))
    print("ratio by CPU seconds (Odoo process + its PostgreSQL backend): %.2f" % cpu_ratio,
          flush=True)
    return ratio


def bench(template: str, n: int, batch: int, chunk: int, profile_path=None) -> int:
    """Copy ``template`` twice, then alternate the phases chunk by chunk, each on its
    copy: the two grow alike, so the ratio is fair at every step."""
    import odoo

    n, uid, company_id = template_info(template)
    run_db, plain_db = template + "_run", template + "_plain"
    profile = None
    if profile_path:
        import cProfile
        profile = cProfile.Profile()
    ratio, errors = 0.0, 0
    try:
        shell("clone_db %s %s && clone_db %s %s" % (template, run_db, template, plain_db))
        run, plain = RunPhase(run_db, uid, company_id, batch, profile), PlainPhase(
            plain_db, uid, batch)
        done, lines, same, worst = 0, 0, 0, 0.0
        while done < n:
            size = min(chunk, n - done)
            values, run_totals = run.chunk(size)
            plain_totals = plain.chunk(values)
            done += size
            # same invoices? totals compared invoice by invoice
            diffs = [abs(a - b) for a, b in zip(run_totals, plain_totals)]
            same += sum(1 for d in diffs if d < 0.005)
            worst = max([worst] + diffs)
            lines += sum(len(v["invoice_line_ids"]) for v in values)
            ratio = report(n, done, run, plain, lines, same, worst)
            if not values:
                break
        errors = run.errors
    finally:
        if profile:
            profile.dump_stats(profile_path)
            print("profile of the billing run phase in %s" % profile_path)
        for name in (run_db, plain_db):
            odoo.sql_db.close_db(name)
            odoo.modules.registry.Registry.delete(name)
        shell("drop_db %s; drop_db %s" % (run_db, plain_db))
    return 0 if ratio >= 0.5 and not errors else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=5000, help="contracts (default 5000)")
    parser.add_argument("--quick", action="store_true", help="200 contracts")
    parser.add_argument("--batch", type=int, default=100, help="contracts per batch")
    parser.add_argument("--chunk", type=int, default=500,
                        help="contracts per alternating chunk (default 500)")
    parser.add_argument("--db", help="template database (default bench_billing_<N>)")
    parser.add_argument("--keep", action="store_true", help="keep the template database")
    parser.add_argument("--reuse", action="store_true",
                        help="start from the template kept by an earlier --keep")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the billing run phase")
    args = parser.parse_args(argv)
    n = 200 if args.quick else args.contracts
    try:
        import odoo
    except ImportError:
        if not os.path.exists(ODOO_PY):
            print("no Odoo venv at %s: run bash scripts/setup_host.sh first" % ODOO_PY)
            return 2
        os.execv(ODOO_PY, [ODOO_PY, os.path.abspath(__file__)] + sys.argv[1:])
    db = args.db or "bench_billing_%d" % n
    os.environ["PATH"] = os.pathsep.join([os.path.join(RUN_DIR, "wk", "bin"),
                                          os.environ["PATH"]])
    shell('bash "$ENERCOOP_REPO/scripts/pg.sh" start >/dev/null; '
          'bash "$ENERCOOP_REPO/scripts/odoo_conf.sh" >/dev/null')
    odoo.tools.config.parse_config(["-c", os.path.join(RUN_DIR, "odoo.conf"), "-d", db,
                                    "--log-level=warn"])
    try:
        if not (args.reuse and db_exists(db)):
            build_template(db, n)
        return bench(db, n, args.batch, args.chunk, args.profile)
    finally:
        if not args.keep:
            odoo.sql_db.close_all()
            shell("drop_db %s" % db)


if __name__ == "__main__":
    sys.exit(main())
