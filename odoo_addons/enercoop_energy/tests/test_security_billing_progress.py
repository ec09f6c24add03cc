# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A billing run's progress (state, lines, dates) changes only through its buttons.

Found on a served database over XML-RPC: an energy user without invoicing rights created
``enercoop.billing.run`` with ``state="running"`` and a line for a contract billed
already; the scheduled action (superuser) then billed it a second time. A national
manager did the same with a regional cooperative's contract."""
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import common

from ..models.delivery_point import check_same_company
from .common import EnercoopAccessMixin, rpc_call


@common.at_install(False)
@common.post_install(True)
class TestBillingProgressIsTheWorkflows(EnercoopAccessMixin, common.SavepointCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_access_world()
        env = cls.env
        cls.contract = env["enercoop.supply.contract"].search(
            [("company_id", "=", cls.national.id), ("state", "=", "active")], limit=1)
        # an energy user without invoicing rights
        cls.clerk = env["res.users"].with_context(no_reset_password=True).create({
            "name": "Energy clerk", "login": "access.clerk",
            "email": "access.clerk@example.org",
            "groups_id": [(6, 0, [env.ref("enercoop_energy.group_enercoop_user").id])],
            "company_id": cls.national.id, "company_ids": [(6, 0, [cls.national.id])]})

    def rpc(self, user, model, method, *args, **kwargs):
        return rpc_call(self.env, user, model, method, *args, **kwargs)

    def test_a_run_cannot_be_created_running_with_lines(self):
        self.assertTrue(self.contract)
        for user in (self.clerk, self.users["user"], self.users["manager"]):
            for values in ({"state": "running"}, {"state": "done"},
                           {"line_ids": [(0, 0, {"contract_id": self.contract.id})]}):
                with self.assertRaises(AccessError, msg="%s %s" % (user.login, values)):
                    self.rpc(user, "enercoop.billing.run", "create", dict(
                        values, period="2025-10", company_id=self.national.id))

    def test_progress_and_lines_are_not_written_by_hand(self):
        run_id = self.rpc(self.users["user"], "enercoop.billing.run", "create",
                          {"period": "2025-10", "company_id": self.national.id,
                           "state": "draft"})
        for values in ({"state": "running"}, {"date_done": "2025-11-01 00:00:00"},
                       {"line_ids": [(0, 0, {"contract_id": self.contract.id})]}):
            with self.assertRaises(AccessError, msg=str(values)):
                self.rpc(self.clerk, "enercoop.billing.run", "write", [run_id], values)
        with self.assertRaises(AccessError):
            self.rpc(self.clerk, "enercoop.billing.run.line", "create",
                     {"run_id": run_id, "contract_id": self.contract.id})
        # forged context keys are plain values, never the workflow's own marker
        with self.assertRaises(AccessError):
            self.rpc(self.clerk, "enercoop.billing.run", "write", [run_id],
                     {"state": "running"},
                     context={"enercoop_billing_workflow": True})
        line = self.env["enercoop.billing.run.line"].search(
            [("company_id", "=", self.national.id)], limit=1)
        self.assertTrue(line)
        for values in ({"state": "pending"}, {"contract_id": self.contract.id},
                       {"invoice_id": False}):
            with self.assertRaises(AccessError, msg=str(values)):
                self.rpc(self.users["manager"], "enercoop.billing.run.line", "write",
                         line.ids, values)
        # a draft run's own fields stay editable
        self.rpc(self.clerk, "enercoop.billing.run", "write", [run_id], {"batch_size": 7})
        self.assertEqual(self.env["enercoop.billing.run"].browse(run_id).batch_size, 7)

    def test_the_scheduled_action_bills_only_what_a_biller_started(self):
        Run = self.env["enercoop.billing.run"]
        before = self.env["account.invoice"].search_count([])
        # a clerk's draft is not billed by the scheduled action
        run = Run.sudo(self.clerk).create({"period": "2025-10",
                                           "company_id": self.national.id})
        Run._cron_process_runs(time_budget=5)
        self.assertEqual(run.state, "draft")
        self.assertEqual(self.env["account.invoice"].search_count([]), before)
        # the workflow itself still runs: started by a biller, the run lists no contract
        # billed already for the period, and ends
        run.sudo(self.users["user"]).action_start()
        self.assertIn(run.state, ("running", "done"))
        self.assertEqual(run.line_ids.mapped("contract_id.company_id") - self.national,
                         self.env["res.company"])
        Run._cron_process_runs(time_budget=30)
        self.assertEqual(run.state, "done")


@common.at_install(False)
@common.post_install(True)
class TestRecordsStayOnTheirCompanysPoints(EnercoopAccessMixin, common.SavepointCase):
    """Found on a served database: a regional cooperative's user created, in their own
    company, a meter reading, a contract event, an active supply contract and a
    production installation on the national cooperative's delivery point (id 1), by its
    id over XML-RPC; the national cooperative's billing reads the readings of its
    points, its child companies' included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_access_world()

    def test_regional_records_refuse_a_national_point(self):
        env = self.env
        point = self.records["enercoop.delivery.point"]
        regional = self.users["regional"]
        partner = env["res.partner"].sudo(regional).create({"name": "Regional consumer"})
        installation = self.env["enercoop.production.installation"].search(
            [("company_id", "=", self.national.id)], limit=1)
        self.assertTrue(point and installation)
        attempts = {
            "enercoop.meter.reading": {
                "key": "PT-READING", "record_key": "PT-READING", "prm": point.prm,
                "date": "2025-12-01", "delivery_point_id": point.id},
            "enercoop.contract.event": {"key": "PT-EVENT", "prm": point.prm,
                                        "delivery_point_id": point.id},
            "enercoop.supply.contract": {
                "partner_id": partner.id, "delivery_point_id": point.id,
                "offer_code": self.records["enercoop.supply.contract"].offer_code,
                "date_start": "2025-10-01"},
            "enercoop.production.installation": {
                "name": "PT plant", "partner_id": partner.id, "technology": "wind",
                "delivery_point_id": point.id},
            "enercoop.purchase.contract": {
                "name": "PT-PURCHASE", "installation_id": installation.id,
                "tariff_code": self.records["enercoop.purchase.contract"].tariff_code,
                "date_start": "2025-10-01"},
        }
        for model, values in attempts.items():
            values = dict(values, company_id=self.regional.id)
            with self.assertRaises(ValidationError, msg=model):
                with self.env.cr.savepoint():
                    rpc_call(env, regional, model, "create", values)
        # the regional company's own point is accepted
        own = env["enercoop.delivery.point"].sudo(regional).create({
            "prm": "30001999999999", "company_id": self.regional.id})
        rpc_call(env, regional, "enercoop.meter.reading", "create", dict(
            attempts["enercoop.meter.reading"], delivery_point_id=own.id, prm=own.prm,
            company_id=self.regional.id))

    def test_company_check_finds_one_row_of_another_company_among_many(self):
        """The check a flow import makes of its inserted rows, for the whole recordset at
        once: one row whose company is not its point's is found among many."""
        env = self.env
        point = env["enercoop.delivery.point"].search(
            [("company_id", "=", self.national.id)], limit=1)
        Reading = env["enercoop.meter.reading"]
        readings = Reading.browse()
        for day in range(1, 21):
            readings |= Reading.create({
                "key": "CHECK-%02d" % day, "record_key": "CHECK-%02d" % day,
                "prm": point.prm, "date": "2025-11-%02d" % day,
                "delivery_point_id": point.id, "company_id": self.national.id})
        check_same_company(readings)  # all of the point's company
        # one row of another company, as a bulk INSERT could write it
        env.cr.execute("UPDATE enercoop_meter_reading SET company_id = %s WHERE id = %s",
                       (self.regional.id, readings[13].id))
        readings.invalidate_cache()
        with self.assertRaisesRegex(ValidationError, "belongs to another company") as caught:
            check_same_company(readings)
        self.assertIn(point.display_name, str(caught.exception))
        check_same_company(readings - readings[13])

    def test_regional_records_refuse_a_national_contact(self):
        """Found the same way: a regional user set a national customer (id 8) on their
        own supply contract, then read its name on the contract and could bill it."""
        env = self.env
        regional = self.users["regional"]
        national_contact = env["res.partner"].create({
            "name": "National secret customer", "company_id": self.national.id})
        own = env["enercoop.delivery.point"].sudo(regional).create({
            "prm": "30001999999998", "company_id": self.regional.id})
        # the rule's AccessError, wrapped by Odoo 11's constraint check
        with self.assertRaises(ValidationError):
            with self.env.cr.savepoint():
                rpc_call(env, regional, "enercoop.delivery.point", "write", own.ids,
                         {"partner_id": national_contact.id})
        # the rule's AccessError, wrapped by Odoo 11's constraint check
        with self.assertRaises(ValidationError):
            with self.env.cr.savepoint():
                rpc_call(env, regional, "enercoop.supply.contract", "create", {
                    "partner_id": national_contact.id, "delivery_point_id": own.id,
                    "offer_code": self.records["enercoop.supply.contract"].offer_code,
                    "date_start": "2025-10-01", "company_id": self.regional.id})
        # the national user, who may read the contact, links it
        rpc_call(env, self.users["user"], "enercoop.delivery.point", "write",
                 self.records["enercoop.delivery.point"].ids,
                 {"partner_id": national_contact.id})
