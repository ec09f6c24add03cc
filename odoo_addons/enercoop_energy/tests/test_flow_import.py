# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import os
import shutil
import tempfile
import zipfile

from odoo.tests import common

from enercoop_core import flows
from enercoop_core.billing.readings import from_records

from .energy_common import EnergyCase, demo_flow

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
        again = from_records(rows.to_core_records())
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
        folder = tempfile.mkdtemp()
        try:
            self.company.enercoop_flow_folder = folder
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
            shutil.rmtree(folder)
