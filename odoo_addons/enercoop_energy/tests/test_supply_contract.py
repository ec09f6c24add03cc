# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import psycopg2

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import common
from odoo.tools import mute_logger

from .common import EnergyCase, c15_flow


@common.at_install(False)
@common.post_install(True)
class TestSupplyContract(EnergyCase):

    def test_prm_must_have_14_digits(self):
        for bad in ("3000100000001", "300010000000012", "3000100000001A"):
            with self.assertRaises(ValidationError):
                self.create_point(bad)

    def test_prm_unique_per_company(self):
        self.create_point("30009000000001")
        other = self.create_company("Other cooperative")
        self.assertTrue(self.create_point("30009000000001", company=other))
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.env.cr.savepoint():
                self.create_point("30009000000001")

    def test_offpeak_hours_checked_by_the_core_calendar(self):
        point = self.create_point("30009000000002", offpeak_hours="22:00-06:00")
        point.offpeak_hours = "01:00-07:00;12:30-14:30"
        with self.assertRaises(ValidationError):
            point.offpeak_hours = "22h-6h"

    def test_offers_come_from_the_core_grid(self):
        codes = [code for code, _label in self.Contract._selection_offer_code()]
        self.assertEqual(codes, ["BASE", "HPHC", "QUATRE"])

    def test_buttons_move_the_state_and_history_is_tracked(self):
        contract = self.create_contract(self.create_point("30009000000003"))
        self.assertEqual(contract.state, "draft")
        self.assertTrue(contract.name.startswith("SC-"))
        contract.action_activate()
        self.assertEqual(contract.state, "active")
        contract.action_terminate()
        self.assertEqual(contract.state, "terminated")
        self.assertTrue(contract.date_end)
        tracked = self.env["mail.tracking.value"].search([
            ("mail_message_id.model", "=", contract._name),
            ("mail_message_id.res_id", "=", contract.id), ("field", "=", "state")])
        # the creation value, then each move
        self.assertEqual(sorted(tracked.mapped("new_value_char")),
                         ["Active", "Draft", "Terminated"])

    def test_buttons_called_as_the_web_client_calls_them(self):
        # the web client's call_button passes [ids, context] as positional arguments
        # (odoo/addons/web/controllers/main.py, DataSet.call_button): the context used to
        # land in a "date" argument and break the UPDATE
        user = self.create_company_user("contract.button.user", self.company)
        contract = self.create_contract(self.create_point("30009000000004"),
                                        date_start="2025-02-01")
        context = {"lang": "fr_FR", "tz": "Europe/Paris", "uid": user.id,
                   "active_id": contract.id, "active_ids": [contract.id]}
        self.rpc(user, contract._name, "action_activate", [contract.id], context)
        self.assertEqual((contract.state, contract.date_start, contract.date_end),
                         ("active", "2025-02-01", False))
        self.rpc(user, contract._name, "action_terminate", [contract.id], context)
        self.assertEqual(contract.state, "terminated")
        self.assertEqual(contract.date_end, fields.Date.context_today(contract))
        self.rpc(user, contract._name, "action_draft", [contract.id], context)
        self.assertEqual(contract.state, "draft")
        contract.with_context(context).action_activate()
        self.assertEqual(contract.state, "active")

    def test_c15_events_drive_the_contract(self):
        incoming = self.create_point("30009000000010", fta="BTINFCU4", subscribed_kva=6)
        new_contract = self.create_contract(incoming, date_start="2025-03-01")
        leaving = self.create_point("30009000000011")
        old_contract = self.create_contract(leaving, date_start="2023-01-01")
        old_contract.action_activate()
        changed = self.create_point("30009000000012", fta="BTINFCU4", subscribed_kva=6)
        running = self.create_contract(changed)
        running.action_activate()
        flow = c15_flow([
            ("30009000000010", "2025-03-01", "CFNE", "BTINFMU4", "9"),
            ("30009000000011", "2025-03-15", "CFNS", "BTINFCU4", "6"),
            ("30009000000012", "2025-03-20", "MCT", "BTINFCU4", "12"),
        ])
        flow_file = self.import_files([("C15_test.xml", flow)])
        self.assertEqual(flow_file.state, "imported", flow_file.rejection_ids.mapped("reason"))
        self.assertEqual(flow_file.kind, "C15")
        # supplier switch in: activated from the event day, point updated
        self.assertEqual(new_contract.state, "active")
        self.assertEqual(new_contract.date_start, "2025-03-01")
        self.assertEqual((incoming.fta, incoming.subscribed_kva), ("BTINFMU4", 9))
        # supplier switch out: terminated, last day supplied the day before the switch
        self.assertEqual(old_contract.state, "terminated")
        self.assertEqual(old_contract.date_end, "2025-03-14")
        # power change: the point follows, the contract stays active
        self.assertEqual(changed.subscribed_kva, 12)
        self.assertEqual(running.state, "active")
        self.assertEqual(sorted(flow_file.event_ids.mapped("effect")),
                         ["activate", "terminate", "update"])
        self.assertEqual(old_contract.event_ids.event_code, "CFNS")
        # the same events again: nothing more happens
        old_contract.action_draft()
        again = self.import_files([("C15_test_copy.xml", flow + b"\n")])
        self.assertEqual((again.new_count, again.known_count), (0, 3))
        self.assertEqual(old_contract.state, "draft")

    def test_c15_event_without_contract_is_rejected_with_reason(self):
        self.create_point("30009000000020")
        flow_file = self.import_files([("C15_orphan.xml", c15_flow([
            ("30009000000020", "2025-03-01", "MES", "BTINFCU4", "6")]))])
        self.assertEqual(flow_file.state, "rejected")
        self.assertIn("no supply contract to activate", flow_file.rejection_ids.reason)
