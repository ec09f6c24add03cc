# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import common

from .common import EnergyCase, demo_flow

MODELS = ["enercoop.delivery.point", "enercoop.supply.contract", "enercoop.flow.file",
          "enercoop.meter.reading", "enercoop.flow.rejection", "enercoop.contract.event",
          "enercoop.network.invoice.line", "enercoop.load.curve"]


@common.at_install(False)
@common.post_install(True)
class TestEnergySecurity(EnergyCase):
    """The national cooperative (self.company) and two regional ones under it."""

    def setUp(self):
        super().setUp()
        self.north = self.create_company("North regional", parent=self.company)
        self.south = self.create_company("South regional", parent=self.company)
        self.records = {}
        for company, prm in ((self.north, "30001000000001"), (self.south, "30001000000002")):
            point = self.create_point(prm, company=company)
            contract = self.create_contract(point)
            flow_file = self.import_files([demo_flow("R15_COOPDEMO_20251001")], company=company)
            self.records[company] = (point, contract, flow_file)
        self.north_user = self.create_company_user("north.user", self.north)
        self.national_user = self.create_company_user("national.user", self.company)
        self.national_user.company_ids = [(4, self.north.id), (4, self.south.id)]

    def visible(self, user, model):
        return self.env[model].sudo(user).search([])

    def test_regional_user_sees_only_its_company(self):
        point, contract, flow_file = self.records[self.south]
        own_point, own_contract, own_file = self.records[self.north]
        self.assertEqual(self.visible(self.north_user, "enercoop.delivery.point"), own_point)
        self.assertEqual(self.visible(self.north_user, "enercoop.supply.contract"), own_contract)
        self.assertEqual(self.visible(self.north_user, "enercoop.flow.file"), own_file)
        readings = self.visible(self.north_user, "enercoop.meter.reading")
        self.assertTrue(readings)
        self.assertEqual(set(readings.mapped("company_id").ids), {self.north.id})
        for record in (point, contract, flow_file, flow_file.reading_ids[:1],
                       flow_file.rejection_ids[:1]):
            with self.assertRaises(AccessError):
                record.sudo(self.north_user).read(["company_id"])

    def test_national_user_sees_every_regional_record(self):
        for model in ("enercoop.delivery.point", "enercoop.supply.contract",
                      "enercoop.flow.file"):
            found = self.visible(self.national_user, model)
            self.assertEqual(set(found.mapped("company_id").ids),
                             {self.north.id, self.south.id}, model)

    def test_every_model_has_a_company_rule(self):
        for model in MODELS:
            rules = self.env["ir.rule"].search([("model_id.model", "=", model)])
            self.assertTrue(any("child_of" in (r.domain_force or "") for r in rules), model)

    def test_regional_user_imports_into_its_company(self):
        flow_file = self.env["enercoop.flow.file"].sudo(self.north_user)._import_files(
            [demo_flow("R15_COOPDEMO_20251001")])
        self.assertEqual(flow_file.company_id, self.north)
        self.assertEqual(set(flow_file.reading_ids.mapped("prm")), {"30001000000001"})
        # the South PRM is no point of the North cooperative: kept as a rejection
        self.assertIn("30001000000002", flow_file.rejection_ids.mapped("record"))
