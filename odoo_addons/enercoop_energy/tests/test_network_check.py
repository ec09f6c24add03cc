# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""F15 lines against the computed TURPE: a planted difference is listed per PRM/component."""
import json
from decimal import Decimal

from odoo.tests import common

from enercoop_core.billing.network_check import expected_amount

from .. import core_adapter as adapter
from .common import PRMS, BillingCase


@common.at_install(False)
@common.post_install(True)
class TestNetworkCheck(BillingCase):

    def network_line(self, key, item_id, label, amount, quantity="31", unit="JOUR"):
        record = {"family": "network_invoice_line", "flow": "F15", "key": key,
                  "invoice_number": "F-TEST-1", "prm": self.point.prm, "item_id": item_id,
                  "label": label, "start": "2025-10-01", "end": "2025-11-01",
                  "quantity": quantity, "unit": unit, "amount": str(amount),
                  "nature_code": "01", "fta": "BTINFCU4"}
        return self.env["enercoop.network.invoice.line"].create({
            "key": key, "flow": "F15", "invoice_number": "F-TEST-1", "prm": self.point.prm,
            "delivery_point_id": self.point.id, "item_id": item_id, "label": label,
            "date_start": "2025-10-01", "date_end": "2025-11-01", "quantity": float(quantity),
            "unit": unit, "amount": float(amount), "record_json": json.dumps(record),
            "company_id": self.company.id})

    def setUp(self):
        super().setUp()
        self.point = self.create_point(PRMS["30001000000001"], "BTINFCU4", 6)
        self.contract = self.create_contract(self.point, "BASE")
        versions = adapter.contract_versions(self.contract)
        start, end = adapter.period_bounds("2025-10")
        rates = adapter.load_rates(self.env)
        self.expected_b = expected_amount(versions, "b", None, start, end, rates)[0]
        self.expected_cg = expected_amount(versions, "cg", None, start, end, rates)[0]

    def test_planted_difference_is_listed(self):
        planted = self.expected_b + Decimal("1.50")
        self.network_line("T|1", "ASSF-TEST", "Composante de soutirage part fixe", planted)
        self.network_line("T|2", "ASG-TEST", "Composante de gestion", self.expected_cg)
        self.network_line("T|3", "PREST-X", "Prestation annexe", "12.00", "1", "UNITE")
        check = self.env["enercoop.network.check"].create({
            "company_id": self.company.id, "date_from": "2025-10-01", "date_to": "2025-10-31"})
        check.action_check()
        mine = check.line_ids.filtered(lambda l: l.prm == self.point.prm)
        by_component = {l.component: l for l in mine}
        self.assertEqual(by_component["b"].status, "difference")
        self.assertAlmostEqual(by_component["b"].difference, 1.50, places=2)
        self.assertAlmostEqual(by_component["b"].expected, float(self.expected_b), places=2)
        self.assertEqual(by_component["cg"].status, "ok")
        self.assertGreaterEqual(check.difference_count, 1)
        # a network-use line the core cannot compare is listed with its reason, not dropped
        self.assertEqual(by_component["PREST-X"].status, "unchecked")
        self.assertIn("not a TURPE component", by_component["PREST-X"].note)
