# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import importlib.util
import io
import os
import shutil
import tempfile
import zipfile

from odoo.tests import common

from enercoop_core import flows
from enercoop_core.billing.readings import from_records

from .energy_common import EnergyCase, demo_flow

DEMO_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "demo")
# fields a reading row gets from the flow (what the bulk and the ORM paths must agree on)
READING_FIELDS = ("key", "record_key", "prm", "date", "instant", "reading_id", "nature",
                  "nature_code", "reason", "status", "owner", "time_class", "measure_class",
                  "direction", "value_wh", "value_kwh", "digits", "rollover", "meter_serial",
                  "fta", "subscribed_kva", "flow")

DEMO_PRMS = ["30001000000001", "30001000000002", "30001000000003", "30001000000004",
             "30001000000005", "30002000000001", "30002000000002"]


@common.at_install(False)
@common.post_install(True)
class TestFlowImport(EnergyCase):

    def setUp(self):
        super(TestFlowImport, self).setUp()
        self.points = {prm: self.create_point(prm) for prm in DEMO_PRMS}
        self.october = demo_flow("R15_COOPDEMO_20251001")

    def counts(self):
        domain = [("company_id", "=", self.company.id)]
        return (self.FlowFile.search_count(domain), self.Reading.search_count(domain),
                self.env["enercoop.flow.rejection"].search_count(domain))

    def test_import_creates_the_core_readings(self):
        flow_file = self.import_files([self.october])
        self.assertEqual(flow_file.state, "imported")
        self.assertEqual((flow_file.kind, flow_file.version), ("R15", "2.3.2"))
        self.assertEqual(flow_file.rejected_count, 0)
        self.assertTrue(flow_file.attachment_id)
        # what the core reads from the same file, register by register
        tmp = tempfile.mkdtemp()
        try:
            path = os.path.join(tmp, self.october[0])
            with open(path, "wb") as handle:
                handle.write(self.october[1])
            readings = from_records(list(flows.parse([path])))
        finally:
            shutil.rmtree(tmp)
        expected = {(r.prm, r.day.isoformat(), reg.time_class, reg.direction, reg.wh)
                    for r in readings for reg in r.registers}
        rows = self.Reading.search([("flow_file_id", "=", flow_file.id)])
        got = {(row.prm, row.date, row.time_class, row.direction, int(row.value_wh))
               for row in rows}
        self.assertEqual(got, expected)
        self.assertEqual(flow_file.record_count, len(readings))
        self.assertEqual(flow_file.new_count, len(readings))
        # rows land on the delivery point of their PRM, kWh = Wh / 1000
        first = rows[0]
        self.assertEqual(first.delivery_point_id, self.points[first.prm])
        self.assertAlmostEqual(first.value_kwh, first.value_wh / 1000.0)
        # the rows give back records the core's reading adapter accepts unchanged
        again = from_records(rows._to_core_records())
        self.assertEqual({(r.prm, r.day, r.registers) for r in again},
                         {(r.prm, r.day, r.registers) for r in readings})
        # injection registers of the producers are kept with their direction
        self.assertTrue(rows.filtered(lambda r: r.direction == "injection"
                                      and r.prm == "30002000000001"))

    def test_reimport_changes_nothing(self):
        first = self.import_files([self.october])
        before = self.counts()
        values = sorted(self.Reading.search([("company_id", "=", self.company.id)])
                        .mapped(lambda r: (r.key, r.value_wh)))
        second = self.import_files([self.october])
        self.assertEqual(second, first)  # same content: the same flow file
        self.assertEqual(self.counts(), before)
        self.assertEqual(second.new_count, 0)
        self.assertEqual(second.known_count, second.record_count)
        self.assertEqual(sorted(self.Reading.search([("company_id", "=", self.company.id)])
                                .mapped(lambda r: (r.key, r.value_wh))), values)
        # the same records in another file (zipped) are recognised by their keys too
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(self.october[0], self.october[1])
        zipped = self.import_files([("october.zip", buffer.getvalue())])
        self.assertNotEqual(zipped, first)
        self.assertEqual((zipped.new_count, zipped.known_count), (0, first.record_count))
        self.assertEqual(self.counts()[1], before[1])

    def test_bad_file_rejected_with_reason_good_records_kept(self):
        # a download cut in the middle: the records before the cut are kept, the rest is
        # reported; a file that is no flow at all is rejected as a whole
        truncated = self.october[1][:len(self.october[1]) // 2]
        good, cut, junk = self.import_files([
            self.october, ("R15_truncated.xml", truncated),
            ("notes.xml", b"<notes>not an Enedis flow</notes>")])
        self.assertEqual(good.state, "imported")
        self.assertEqual(self.Reading.search_count([("flow_file_id", "=", good.id)]),
                         len(good.reading_ids))
        self.assertTrue(good.reading_ids)
        self.assertEqual(cut.state, "partially")
        self.assertIn("not well-formed", " ".join(cut.rejection_ids.mapped("reason")))
        self.assertEqual(junk.state, "rejected")
        self.assertEqual(junk.rejected_count, 1)
        self.assertIn("not a supported Enedis flow", junk.rejection_ids.reason)
        self.assertFalse(junk.reading_ids)

    def test_unknown_prm_rejected_the_others_imported(self):
        self.points["30001000000004"].unlink()
        flow_file = self.import_files([self.october])
        self.assertEqual(flow_file.state, "partially")
        self.assertEqual(flow_file.rejection_ids.mapped("record"), ["30001000000004"])
        self.assertIn("unknown delivery point", flow_file.rejection_ids.reason)
        self.assertFalse(self.Reading.search([("flow_file_id", "=", flow_file.id),
                                              ("prm", "=", "30001000000004")]))
        # the point recorded, importing the file again brings its readings in
        self.create_point("30001000000004")
        flow_file.action_reimport()
        self.assertEqual(flow_file.state, "imported")
        self.assertEqual(flow_file.new_count, 1)
        self.assertTrue(self.Reading.search([("prm", "=", "30001000000004"),
                                             ("company_id", "=", self.company.id)]))

    def test_wizard_imports_a_file_and_a_zip(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for part in ("R15_COOPDEMO_20250901", "R15_COOPDEMO_20251101"):
                archive.writestr(*demo_flow(part))
        attachment = self.env["ir.attachment"].create({
            "name": "autumn.zip", "datas_fname": "autumn.zip",
            "datas": base64.b64encode(buffer.getvalue())})
        wizard = self.env["enercoop.flow.import.wizard"].create({
            "upload_file": base64.b64encode(self.october[1]),
            "upload_filename": self.october[0], "company_id": self.company.id,
            "attachment_ids": [(6, 0, [attachment.id])]})
        action = wizard.action_import()
        imported = self.FlowFile.search(action["domain"])
        self.assertEqual(sorted(imported.mapped("name")), ["R15_COOPDEMO_20251001.xml",
                                                          "autumn.zip"])
        archive = imported.filtered(lambda f: f.name == "autumn.zip")
        self.assertEqual(archive.document_count, 2)
        self.assertEqual(archive.state, "imported")
        self.assertEqual(len(set(archive.reading_ids.mapped("date"))), 2)

    def test_scheduled_import_reads_the_folder_and_moves_files(self):
        root = tempfile.mkdtemp()
        try:
            self.env["ir.config_parameter"].set_param("enercoop_energy.flow_folder", root)
            self.company.enercoop_flow_folder = "test-coop"
            folder = os.path.join(root, "test-coop")
            os.makedirs(folder)
            with open(os.path.join(folder, self.october[0]), "wb") as handle:
                handle.write(self.october[1])
            with open(os.path.join(folder, "junk.xml"), "wb") as handle:
                handle.write(b"not xml at all")
            done = self.FlowFile._cron_import_folder().filtered(
                lambda f: f.company_id == self.company)
            self.assertEqual(sorted(done.mapped("state")), ["imported", "rejected"])
            self.assertEqual(os.listdir(os.path.join(folder, "processed")), [self.october[0]])
            self.assertEqual(os.listdir(os.path.join(folder, "rejected")), ["junk.xml"])
            self.assertFalse([f for f in os.listdir(folder)
                              if os.path.isfile(os.path.join(folder, f))])
        finally:
            shutil.rmtree(root)

    def test_scheduled_import_stays_inside_the_configured_folder(self):
        # a company folder outside the root (absolute, through "..") is refused, and so
        # is a symbolic link in the folder pointing at a server file
        root, outside = tempfile.mkdtemp(), tempfile.mkdtemp()
        try:
            secret = os.path.join(outside, "odoo.conf")
            with open(secret, "wb") as handle:
                handle.write(self.october[1])  # importable content: only the path refuses
            self.env["ir.config_parameter"].set_param("enercoop_energy.flow_folder", root)
            for folder in (outside, os.path.join(root, "..", os.path.basename(outside))):
                self.company.enercoop_flow_folder = folder
                done = self.FlowFile._cron_import_folder()
                self.assertFalse(done.filtered(lambda f: f.company_id == self.company))
            self.assertTrue(os.path.isfile(secret))
            self.company.enercoop_flow_folder = "coop"
            os.makedirs(os.path.join(root, "coop"))
            os.symlink(secret, os.path.join(root, "coop", "R15_link.xml"))
            done = self.FlowFile._cron_import_folder()
            self.assertFalse(done.filtered(lambda f: f.company_id == self.company))
            self.assertTrue(os.path.islink(os.path.join(root, "coop", "R15_link.xml")))
            # no root configured: nothing is read at all
            self.env["ir.config_parameter"].set_param("enercoop_energy.flow_folder", False)
            self.company.enercoop_flow_folder = outside
            self.assertFalse(self.FlowFile._cron_import_folder())
        finally:
            shutil.rmtree(root)
            shutil.rmtree(outside)

    def test_server_paths_are_not_reachable_by_rpc(self):
        # every method reading a server path is private: XML-RPC refuses it, whoever calls
        from odoo.exceptions import AccessError
        user = self.create_company_user("flow_rpc_user", self.company)
        for method in ("_import_paths", "_import_files", "_cron_import_folder"):
            with self.assertRaises(AccessError):
                self.rpc(user, "enercoop.flow.file", method, ["/etc/passwd"])
        for method in ("import_paths", "import_files"):
            with self.assertRaises(AttributeError):
                self.rpc(user, "enercoop.flow.file", method, ["/etc/passwd"])
    def test_bulk_rows_are_those_of_the_orm_path_with_the_orm_fields(self):
        # the import writes register rows by chunked SQL INSERT: the same rows as one ORM
        # create per row (the earlier path, still there behind a context key), and the
        # fields create sets: user, dates, company, defaults, record rules
        user = self.create_company_user("flow_bulk_user", self.company)
        other = self.create_company("Other cooperative")
        for prm in DEMO_PRMS:
            self.create_point(prm, company=other)
        bulk = self.FlowFile.sudo(user)._import_files([self.october], company=self.company)
        orm = self.FlowFile.with_context(flow_import_orm=True)._import_files(
            [self.october], company=other)
        self.assertEqual((bulk.new_count, bulk.known_count), (orm.new_count, orm.known_count))
        bulk_rows = self.Reading.search([("flow_file_id", "=", bulk.id)], order="key")
        orm_rows = self.Reading.search([("flow_file_id", "=", orm.id)], order="key")
        # registers of October's 7 readings: 5 + 6 + 2 + 2 + 4 (consumers) + 6 + 2 (producers)
        self.assertEqual(len(bulk_rows), 27)
        self.assertEqual([[r[f] for f in READING_FIELDS] for r in bulk_rows],
                         [[r[f] for f in READING_FIELDS] for r in orm_rows])
        self.assertEqual(bulk_rows.mapped("create_uid"), user)
        self.assertEqual(bulk_rows.mapped("write_uid"), user)
        self.assertTrue(all(bulk_rows.mapped("create_date")))
        self.assertEqual(bulk_rows.mapped("company_id"), self.company)
        self.assertEqual({r.delivery_point_id for r in bulk_rows},
                         {self.points[prm] for prm in bulk_rows.mapped("prm")})
        # the caches follow: the file's and the points' one2many see the new rows
        self.assertEqual(bulk.reading_ids, bulk_rows)
        self.assertEqual(self.points["30001000000001"].reading_count,
                         len(bulk_rows.filtered(lambda r: r.prm == "30001000000001")))
        # a user of another cooperative reads none of them (record rules)
        stranger = self.create_company_user("flow_bulk_stranger", other)
        self.assertFalse(self.Reading.sudo(stranger).search([("id", "in", bulk_rows.ids)]))

    def test_bulk_import_skips_known_rows_even_if_asked_twice(self):
        # rows met twice in one file, or already recorded by a concurrent import, are
        # skipped by the table's unique (key, company) constraint, not duplicated
        flow_file = self.import_files([self.october])
        rows = self.Reading.search([("flow_file_id", "=", flow_file.id)])
        again = [dict(key=r.key, record_key=r.record_key, prm=r.prm, date=r.date,
                      company_id=r.company_id.id, delivery_point_id=r.delivery_point_id.id,
                      value_wh=r.value_wh, flow_file_id=flow_file.id) for r in rows[:3]]
        created, known = flow_file._create_new(self.Reading, again + again, group="key")
        self.assertEqual((created, known), (0, 3))
        self.assertEqual(self.Reading.search_count([("flow_file_id", "=", flow_file.id)]),
                         len(rows))

    def test_demo_flow_files_are_the_generator_output(self):
        # demo/flows/ is written by demo/make_demo_flows.py: the files in the addon are
        # what the script writes today (same bytes), and every one is a flow the core reads
        spec = importlib.util.spec_from_file_location(
            "make_demo_flows", os.path.join(DEMO_DIR, "make_demo_flows.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        built = module.build()
        self.assertEqual(sorted(built), sorted(os.listdir(os.path.join(DEMO_DIR, "flows"))))
        for name, text in built.items():
            with open(os.path.join(DEMO_DIR, "flows", name), encoding="utf-8") as handle:
                self.assertEqual(handle.read(), text, name)
        shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                              "..", "shared", "enedis", "xsd")
        run = flows.parse([os.path.join(DEMO_DIR, "flows", name) for name in sorted(built)],
                          xsd_dir=shared if os.path.isdir(shared) else None)
        records = list(run)
        self.assertEqual(sorted({d.kind for d in run.documents}), ["C15", "F15", "R15", "R50"])
        self.assertEqual(len(records), 57)  # 45 + 1 readings, 9 F15 lines, 1 event, 1 curve
        self.assertEqual(run.rejected, [])

    def test_demo_month_of_flows_covers_every_point_and_is_billed(self):
        contract = self.env.ref("enercoop_energy.supply_contract_demo_20",
                                raise_if_not_found=False)
        if not contract:
            self.skipTest("no demo data in this database")
        contracts = self.Contract.browse([
            self.env.ref("enercoop_energy.supply_contract_demo_%02d" % number).id
            for number in range(1, 21)])
        producers = self.Point.browse([
            self.env.ref("enercoop_energy.delivery_point_demo_producer_%02d" % number).id
            for number in range(1, 4)])
        for point in contracts.mapped("delivery_point_id") | producers:
            days = set(self.Reading.search([("delivery_point_id", "=", point.id)])
                       .mapped("date"))
            if point.prm == "30001000000006":  # BT > 36 kVA: daily R171 indexes
                continue
            expected = {"2025-10-01", "2025-11-01", "2025-12-01"}
            if point.prm == "30001000000002":  # the core's demo misses it: an estimate
                expected.discard("2025-11-01")
            self.assertTrue(expected <= days, point.prm)
        # the C15 switch activated the last consumer's contract on 1 October
        self.assertEqual((contract.state, contract.date_start), ("active", "2025-10-01"))
        self.assertEqual(contract.event_ids.mapped("event_code"), ["CFNE"])
        # October and November billed for the 20 consumers, nothing left unbilled
        runs = self.env["enercoop.billing.run"].search([("period", "in", ("2025-10",
                                                                            "2025-11"))])
        lines = runs.mapped("line_ids")
        self.assertEqual(lines.filtered(lambda l: l.state != "billed").mapped("message"), [])
        for period in ("2025-10", "2025-11"):
            billed = lines.filtered(lambda l: l.run_id.period == period).mapped("contract_id")
            self.assertEqual(billed, contracts)
        # the three producers self-billed for October; one R50 curve; the unknown PRM
        # of the November R15 kept as a rejected record
        self.assertEqual(len(self.env["account.invoice"].search(
            [("purchase_contract_id", "!=", False)])), 3)
        self.assertEqual(self.env["enercoop.load.curve"].search([]).mapped("prm"),
                         ["30001000000007"])
        self.assertIn("30001000000099", self.env["enercoop.flow.rejection"].search([])
                      .mapped("record"))
