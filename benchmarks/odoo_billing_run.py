"""Odoo billing run throughput vs plain ``account.invoice`` ``create`` calls, equal databases.

A scratch database is cloned from the project's template and ``enercoop_energy`` installed
into it; N supply contracts (mixed BT <= 36 kVA options and offers, 3..36 kVA) get two real
index readings each (2025-10-01 and 2025-11-01), and a billing user (energy user with
invoicing rights: access rights and record rules apply, as in production). That database
is then copied twice, and each phase runs on its own copy, so that both start equal:

1. billing run (copy 1): ``enercoop.billing.run`` for 2025-10, batch by batch (100
   contracts per batch, one commit per batch, as the scheduled action does): readings ->
   core ``bill_contract`` -> invoice values -> ``account.invoice.create``;
2. baseline (copy 2): the same invoices (same partner, lines, quantities, unit prices,
   taxes; the copies share their ids) created through plain ``account.invoice.create``
   calls, values prepared before the clock starts, one commit per 100 invoices.

Prints invoices per minute for both and their ratio (target: the run >= 0.5 x the plain
creates). The copies are dropped at the end, the scratch database too unless ``--keep``.

    python benchmarks/odoo_billing_run.py                  # 5 000 contracts
    python benchmarks/odoo_billing_run.py --contracts 1000
    python benchmarks/odoo_billing_run.py --quick          # 200 contracts

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


def prepare_db(db: str) -> None:
    shell('bash "$ENERCOOP_REPO/scripts/pg.sh" start >/dev/null; '
          'bash "$ENERCOOP_REPO/scripts/odoo_conf.sh" >/dev/null; '
          'ensure_template && clone_db "$TEMPLATE_DB" %s' % db)
    log = os.path.join(RUN_DIR, "logs", "bench-odoo-billing-install.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    shell('odoo_run -d %s -i enercoop_energy --without-demo=enercoop_energy --stop-after-init '
          '--log-level=warn --http-port="$(free_port)" >"%s" 2>&1' % (db, log))


def generate(env, n: int, seed: int = 7):
    """N consumers, delivery points, active contracts and their two readings (SQL for the
    readings, which would dominate the set-up time through the ORM)."""
    rng = random.Random(seed)
    company = env.user.company_id
    company.enercoop_code = "coop-idf"
    ctx = dict(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
    # only the generated contracts are billed (the demo ones, if any, are set aside)
    env["enercoop.supply.contract"].search([]).write({"state": "draft"})
    Partner = env["res.partner"].with_context(**ctx)
    partners = [Partner.create({"name": "Bench consumer %05d" % i}) for i in range(n)]
    Point = env["enercoop.delivery.point"].with_context(**ctx)
    Contract = env["enercoop.supply.contract"].with_context(**ctx)
    rows = []
    for i, partner in enumerate(partners):
        fta, classes, offers = OPTIONS[rng.randrange(len(OPTIONS))]
        point = Point.create({
            "prm": "399%011d" % i, "partner_id": partner.id, "company_id": company.id,
            "segment": "C5", "fta": fta, "subscribed_kva": rng.choice(KVAS),
            "offpeak_hours": "22:00-06:00" if len(classes) > 1 else "",
            "direction": "withdrawal"})
        Contract.create({
            "name": "B-%05d" % i, "partner_id": partner.id, "delivery_point_id": point.id,
            "offer_code": rng.choice(offers), "date_start": "2024-01-01", "state": "active",
            "company_id": company.id})
        index = {c: rng.randrange(1000000, 90000000) for c in classes}
        for day, offset in (("2025-10-01", "+02:00"), ("2025-11-01", "+01:00")):
            record_key = "BENCH|%s|%s" % (point.prm, day)
            for c in classes:
                wh = index[c]
                rows.append((record_key + "|" + c, record_key, point.prm, point.id, day,
                             "%sT00:00:00%s" % (day, offset), "real", "distributor", c, "1",
                             "withdrawal", wh, wh / 1000.0, "R15", company.id))
                # October is in the low season: the high-season registers (HPH, HCH) of the
                # four-class options do not move (the core holds a bill for review if
                # they do: no hour of the month counts in those classes)
                moves = day == "2025-10-01" and c not in ("HPH", "HCH")
                index[c] = wh + rng.randrange(20000, 600000) if moves else wh
    from psycopg2.extras import execute_values
    execute_values(env.cr, """
        INSERT INTO enercoop_meter_reading (key, record_key, prm, delivery_point_id, date,
            instant, nature, owner, time_class, measure_class, direction, value_wh,
            value_kwh, flow, company_id, create_uid, write_uid, create_date, write_date)
        VALUES %s""", rows,
        template="(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 1, 1,"
                 " now() at time zone 'UTC', now() at time zone 'UTC')")
    env.cr.commit()
    return company


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


def phase_run(db: str, uid: int, company_id: int, batch: int):
    """The billing run on ``db``, as ``uid``: (seconds, billed, errors, plain values of
    its invoices, their totals)."""
    from odoo import api

    with api.Environment.manage(), _registry(db).cursor() as cr:
        env = api.Environment(cr, uid, {})
        run = env["enercoop.billing.run"].create({"period": PERIOD, "company_id": company_id,
                                                  "batch_size": batch})
        cr.commit()
        began = time.perf_counter()
        run.action_start()
        cr.commit()
        while run.state == "running":
            run._process_batch()
            cr.commit()
        run_s = time.perf_counter() - began
        run.invalidate_cache()
        billed, errors = run.billed_count, run.error_count
        if errors:
            first = run.line_ids.filtered(lambda l: l.state == "error")[:3]
            print("not billed: %d, e.g. %s" % (errors, first.mapped("message")))
        invoices = run.invoice_ids.sorted("id")
        values = [plain_values(inv) for inv in invoices]
        totals = invoices.mapped("amount_total")
    return run_s, billed, errors, values, totals


def phase_plain(db: str, uid: int, values, batch: int):
    """The same invoices through plain ``account.invoice.create`` on ``db`` (a fresh copy
    of the same template: same ids), as ``uid``: (seconds, totals)."""
    from odoo import api

    with api.Environment.manage(), _registry(db).cursor() as cr:
        env = api.Environment(cr, uid, {})
        Invoice = env["account.invoice"].with_context(tracking_disable=True,
                                                      mail_create_nolog=True)
        cr.commit()
        began = time.perf_counter()
        created = Invoice.browse()
        for start in range(0, len(values), batch):
            for vals in values[start:start + batch]:
                created |= Invoice.create(vals)
            cr.commit()
        plain_s = time.perf_counter() - began
        totals = created.mapped("amount_total")
    return plain_s, totals


def bench(db: str, n: int, batch: int) -> int:
    """Set up ``db`` once (contracts, readings, billing user), then run each phase on its
    own fresh copy of it: the two start from equal databases, so the ratio is fair."""
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", os.path.join(RUN_DIR, "odoo.conf"), "-d", db,
                                    "--log-level=warn"])
    with api.Environment.manage(), _registry(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        began = time.time()
        company = generate(env, n)
        uid = make_biller(env)
        company_id = company.id
        cr.commit()
        print("set-up: %d contracts with their readings in %.0f s" % (n, time.time() - began))
    odoo.sql_db.close_db(db)
    odoo.modules.registry.Registry.delete(db)
    run_db, plain_db = db + "_run", db + "_plain"
    try:
        shell("clone_db %s %s && clone_db %s %s" % (db, run_db, db, plain_db))
        run_s, billed, errors, values, run_totals = phase_run(run_db, uid, company_id, batch)
        plain_s, plain_totals = phase_plain(plain_db, uid, values, batch)
    finally:
        for name in (run_db, plain_db):
            odoo.sql_db.close_db(name)
            odoo.modules.registry.Registry.delete(name)
        shell("drop_db %s; drop_db %s" % (run_db, plain_db))
    # same invoices? totals compared invoice by invoice
    diffs = [abs(a - b) for a, b in zip(run_totals, plain_totals)]
    same = sum(1 for d in diffs if d < 0.005)
    worst = max(diffs) if diffs else 0.0
    lines = sum(len(v["invoice_line_ids"]) for v in values)
    run_rate = billed / run_s * 60 if run_s else 0.0
    plain_rate = len(values) / plain_s * 60 if plain_s else 0.0
    print()
    print("each phase on its own copy of the same database, as an energy user with "
          "invoicing rights (rights and record rules checked)")
    print("%-46s %9s %9s %14s" % ("", "invoices", "seconds", "invoices/min"))
    print("%-46s %9d %9.1f %14.0f" % ("billing run (readings -> core -> invoices)",
                                       billed, run_s, run_rate))
    print("%-46s %9d %9.1f %14.0f" % ("plain account.invoice create (same invoices)",
                                       len(values), plain_s, plain_rate))
    ratio = run_rate / plain_rate if plain_rate else 0.0
    print("ratio run / plain at %d contracts: %.2f (target >= 0.5); %d invoice lines, %.1f "
          "per invoice; %d of %d plain invoices have the run's total to the cent (largest "
          "gap %.2f EUR: Odoo rounds VAT per line, the core once per rate)"
          % (n, ratio, lines, lines / max(len(values), 1), same, len(values), worst))
    return 0 if ratio >= 0.5 and not errors else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=5000, help="contracts (default 5000)")
    parser.add_argument("--quick", action="store_true", help="200 contracts")
    parser.add_argument("--batch", type=int, default=100, help="contracts per batch")
    parser.add_argument("--db", default="enercoop_bench_billing", help="scratch database")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--no-setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    n = 200 if args.quick else args.contracts
    try:
        import odoo  # noqa: F401
    except ImportError:
        if not os.path.exists(ODOO_PY):
            print("no Odoo venv at %s: run bash scripts/setup_host.sh first" % ODOO_PY)
            return 2
        os.execv(ODOO_PY, [ODOO_PY, os.path.abspath(__file__)] + sys.argv[1:])
    if not args.no_setup:
        began = time.time()
        prepare_db(args.db)
        print("scratch database %s (template + enercoop_energy) in %.0f s"
              % (args.db, time.time() - began))
    os.environ["PATH"] = os.pathsep.join([os.path.join(RUN_DIR, "wk", "bin"),
                                          os.environ["PATH"]])
    try:
        return bench(args.db, n, args.batch)
    finally:
        if not args.keep:
            import odoo
            odoo.sql_db.close_all()
            shell("drop_db %s" % args.db)


if __name__ == "__main__":
    sys.exit(main())
