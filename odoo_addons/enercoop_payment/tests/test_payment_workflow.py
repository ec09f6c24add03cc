# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The payment workflow, step by step: mandate -> schedule -> pre-notification -> debit
batch (pain.008 valid against the OCA addon's XSD) -> upload -> return -> dunning levels;
revision mid-year; the yearly true-up netting the instalments collected."""
import base64
import datetime as dt
from decimal import Decimal
from html import unescape as html_unescape

from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import common

from enercoop_core.billing.engine import bill_contract
from enercoop_core.payments.dunning import dunning_states
from enercoop_core.payments.terms import load_terms

from .. import core_adapter as adapter
from .common import IBANS, PaymentWorld, WorkflowSteps, pain002, sdd_xsd

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}


@common.at_install(False)
@common.post_install(True)
class TestPaymentWorkflow(PaymentWorld, WorkflowSteps, common.SavepointCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.setup_company()
        cls.contract = cls.create_customer("Jeanne Martin", cls.company, IBANS[0],
                                           "30009300000001")
        cls.other = cls.create_customer("Paul Durand", cls.company, IBANS[2],
                                        "30009300000002", lang="en_US")

    # ------------------------------------------------------------------ mandates
    def test_mandate_checks_come_from_the_core(self):
        mandate = self.contract.enercoop_mandate_id
        self.assertEqual(mandate.enercoop_masked_iban, "FR76 **** **** **** **** ***0 560")
        bank = mandate.partner_bank_id
        with self.assertRaises(ValidationError):
            with self.env.cr.savepoint():
                bank.bank_id.bic = "NOT A BIC"
                mandate._check_core_mandate()
        with self.assertRaises(ValidationError):
            with self.env.cr.savepoint():
                mandate.unique_mandate_reference = "BAD REF WITH SPACES"
        with self.assertRaises(ValidationError):  # the company's creditor identifier
            with self.env.cr.savepoint():
                self.company.sepa_creditor_identifier = "FR00ZZZ000000"
                mandate._check_core_mandate()

    def test_the_mandate_must_be_the_customers(self):
        with self.assertRaises(ValidationError):
            self.contract.enercoop_mandate_id = self.other.enercoop_mandate_id

    # ------------------------------------------------------------------ schedule
    def test_schedule_instalments_are_the_cores(self):
        schedule = self.create_schedule(self.contract)
        amounts = [Decimal("%.2f" % a) for a in schedule.instalment_ids.mapped("amount")]
        self.assertEqual(len(amounts), 10)
        self.assertEqual(sum(amounts), adapter.decimal(schedule.amount_total))
        self.assertEqual(schedule.instalment_ids[0].due_date, "2027-01-05")
        # collection dates on TARGET2 days, pre-notification 14 days before (default terms)
        first = schedule.instalment_ids[0]
        self.assertEqual((first.collection_date, first.notify_by, first.submit_by,
                          first.sequence_type), ("2027-01-05", "2026-12-22", "2027-01-04",
                                                 "FRST"))
        self.assertEqual(set(schedule.instalment_ids[1:].mapped("sequence_type")), {"RCUR"})
        # 5 March 2027 is a Friday; 5 June 2027 a Saturday -> Monday 7 June
        june = schedule.instalment_ids.filtered(lambda i: i.due_date == "2027-06-05")
        self.assertEqual(june.collection_date, "2027-06-07")
        # a running schedule keeps its instalments
        with self.assertRaises(UserError):
            schedule.instalment_ids[0].unlink()

    def test_revision_mid_year_changes_only_what_is_left(self):
        schedule = self.create_schedule(self.contract, start="2025-08-01",
                                        first_due="2025-08-05", priced_on="2025-08-01")
        before = schedule.instalment_ids.mapped("amount")
        schedule.instalment_ids[:6].write({"state": "collected"})  # August to January
        self.contract._change_terms("2026-02-01", kva=9)  # a power change, as C15 brings
        after = schedule.instalment_ids.mapped("amount")
        self.assertEqual(after[:6], before[:6])
        self.assertGreater(after[6], before[6])
        self.assertEqual(schedule.instalment_ids[6].revised_on, "2026-02-01")
        # what is left plus what was due makes the revised yearly amount
        self.assertAlmostEqual(sum(after), schedule.amount_total, places=2)
        self.assertIn("terms changed on 2026-02-01", schedule.revision_note)

    # ------------------------------------------------------------------ debits
    def test_prenotification_invoices_and_mails_in_the_customers_language(self):
        self.create_schedule(self.contract)
        self.create_schedule(self.other)
        done = self.prenotify("2026-12-22")
        self.assertEqual(len(done), 2)
        for instalment in done:
            self.assertEqual(instalment.state, "notified")
            self.assertEqual(instalment.invoice_id.state, "open")
            self.assertEqual(instalment.invoice_id.date_due, instalment.collection_date)
            self.assertEqual(instalment.invoice_id.mandate_id,
                             instalment.contract_id.enercoop_mandate_id)
        mails = self.env["mail.mail"].search([("model", "=", "enercoop.payment.instalment"),
                                              ("res_id", "in", done.ids)])
        self.assertEqual(len(mails), 2)
        by_partner = {m.recipient_ids.id: m for m in mails}
        english = by_partner[self.other.partner_id.id]
        self.assertIn("will be debited", english.body_html)
        if self.env["res.lang"].search([("code", "=", "fr_FR")]):
            french = by_partner[self.contract.partner_id.id]
            self.assertIn("sera prélevée", french.body_html)
        # nothing twice
        self.assertFalse(self.prenotify("2026-12-22"))

    def test_a_transfer_is_invoiced_on_its_due_date_without_debit_notice(self):
        self.other.enercoop_payment_mode = "transfer"
        schedule = self.create_schedule(self.other)
        first = schedule.instalment_ids[0]
        self.assertFalse(first.collection_date)
        self.assertFalse(self.prenotify("2027-01-04") & first)
        self.assertIn(first, self.prenotify("2027-01-05"))
        self.assertFalse(first.invoice_id.payment_mode_id.payment_order_ok)
        self.assertFalse(self.env["mail.mail"].search([
            ("model", "=", "enercoop.payment.instalment"), ("res_id", "=", first.id)]))
        self.assertFalse(self.debit_batches("2026-12-23") & first.payment_order_id)

    def test_one_valid_pain008_per_company_and_collection_date(self):
        self.create_schedule(self.contract)
        self.create_schedule(self.other, first_due="2027-01-08")
        self.prenotify("2027-01-06")
        orders = self.debit_batches("2026-12-23")
        self.assertEqual(len(orders), 2)  # 5 and 8 January
        self.assertEqual(sorted(orders.mapped("date_scheduled")), ["2027-01-05", "2027-01-08"])
        schema = sdd_xsd()
        for order in orders:
            self.assertEqual(order.state, "generated")
            xml = etree.fromstring(self.batch_file(order))
            schema.assertValid(xml)
            self.assertEqual(xml.findtext(".//p:ReqdColltnDt", namespaces=NS),
                             order.date_scheduled)
            self.assertEqual(xml.findtext(".//p:SeqTp", namespaces=NS), "FRST")
            creditor = ".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id"
            self.assertEqual(xml.findtext(creditor, namespaces=NS), "FR78ZZZ424242")
        first = orders.filtered(lambda o: o.date_scheduled == "2027-01-05")
        xml = etree.fromstring(self.batch_file(first))
        self.assertEqual(xml.findtext(".//p:MndtId", namespaces=NS),
                         self.contract.enercoop_mandate_id.unique_mandate_reference)
        self.assertEqual(xml.findtext(".//p:CtrlSum", namespaces=NS), "%.2f" % sum(
            first.enercoop_instalment_ids.mapped("amount")))
        # uploaded: collected, invoices paid, the mandate goes on recurring
        first.generated2uploaded()
        instalment = first.enercoop_instalment_ids
        self.assertEqual(instalment.state, "collected")
        self.assertEqual(instalment.invoice_id.state, "paid")
        self.assertEqual(self.contract.enercoop_mandate_id.recurrent_sequence_type, "recurring")
        self.assertFalse(self.debit_batches("2026-12-23"), "nothing submitted twice")

    # ------------------------------------------------------------------ returns, dunning
    def _collect_first(self, contract):
        self.create_schedule(contract)
        self.prenotify("2026-12-22")
        orders = self.debit_batches("2026-12-23")
        orders.generated2uploaded()
        return contract.enercoop_schedule_ids.instalment_ids[0]

    def test_return_reopens_the_invoice_with_its_reason_and_feeds_dunning(self):
        instalment = self._collect_first(self.contract)
        invoice = instalment.invoice_id
        self.manual_return(invoice, "AM04")  # insufficient funds
        self.assertEqual(invoice.state, "open")
        self.assertEqual(invoice.enercoop_return_code, "AM04")
        self.assertEqual(instalment.state, "returned")
        self.assertEqual(self.contract.enercoop_mandate_id.state, "valid")  # re-presentable
        self.assertIn("AM04", invoice.message_ids[0].body)
        # no fee in the default terms (0.00 EUR)
        self.assertFalse(self.env["account.invoice"].search([
            ("origin", "=", invoice.number), ("id", "!=", invoice.id)]))
        # dunning: the core's levels, reached by the reopened invoice (OCA refuses a run
        # dated before an earlier one: the demo data's are set aside, rolled back after)
        self.env["credit.control.line"].search([]).unlink()
        self.env["credit.control.run"].search([]).unlink()
        policy = self.env["credit.control.policy"]._enercoop_sync_terms(self.company)
        terms = load_terms("coop-idf")
        self.assertEqual(policy.level_ids.mapped("delay_days"),
                         [lvl.days_after_due for lvl in terms.dunning])
        self.assertEqual(policy.level_ids.mapped("channel"), ["email", "letter", "letter"])
        self.assertEqual(self.company.credit_policy_id, policy)
        for days, key in ((8, "reminder"), (20, "letter"), (31, "formal_notice")):
            on = adapter.to_date(invoice.date_due) + dt.timedelta(days=days)
            state = dunning_states(adapter.open_items(invoice), on)[0]
            self.assertEqual(state.level.key, key)
            run = self.env["credit.control.run"].create({
                "date": on.isoformat(), "policy_ids": [(6, 0, policy.ids)]})
            run.generate_credit_lines()
            line = run.line_ids.filtered(lambda ln: ln.invoice_id == invoice)
            self.assertEqual(line.policy_level_id.level,
                             [lvl.key for lvl in terms.dunning].index(key) + 1)
            line.state = "sent"
        # the report of what is due by level
        report = self.env["report.enercoop_payment.report_dunning_due"]
        values = report.get_report_values(self.company.ids, {"date": "2027-01-20"})
        row = values["rows"][self.company.id]
        mine = [s for inv, s, label in row["states"] if inv == invoice]
        self.assertEqual((mine[0].days_overdue, mine[0].level.key), (15, "letter"))
        self.assertEqual(sum(dict(row["levels"]).values()),
                         sum(s.item.residual for inv, s, label in row["states"]))
        html = self.env.ref("enercoop_payment.action_report_dunning_due").render_qweb_html(
            self.company.ids, {"date": "2027-01-20"})[0].decode()
        self.assertIn(invoice.number, html)

    def test_reminders_read_in_the_customers_language(self):
        """The levels' texts: English source, French translation; the reminder e-mail and
        letter of each customer in their language."""
        policy = self.env["credit.control.policy"]._enercoop_sync_terms(self.company)
        terms = load_terms("coop-idf")
        english = policy.level_ids.with_context(lang="en_US").sorted("level")
        self.assertEqual(english.mapped("name"), [lvl.label_en for lvl in terms.dunning])
        self.assertIn("remain unpaid", english[0].custom_text)
        self.assertIn("remain unpaid", english[0].custom_mail_text)
        french_db = bool(self.env["res.lang"].search([("code", "=", "fr_FR")]))
        if french_db:
            french = policy.level_ids.with_context(lang="fr_FR").sorted("level")
            self.assertEqual(french.mapped("name"), [lvl.label_fr for lvl in terms.dunning])
            self.assertNotIn("remain unpaid", french[0].custom_text)
            self.assertNotIn("remain unpaid", french[-1].custom_mail_text)
            self.assertNotEqual(french[-1].custom_text, english[-1].custom_text)
        # syncing again rewrites nothing else and keeps both languages
        self.env["credit.control.policy"]._enercoop_sync_terms(self.company)
        self.assertEqual(policy.level_ids.with_context(lang="en_US").sorted("level")
                         .mapped("name"), [lvl.label_en for lvl in terms.dunning])
        template = self.env.ref("enercoop_payment.mail_template_dunning")
        report = self.env.ref("account_credit_control.credit_control_summary")
        level = policy.level_ids.sorted("level")[0]
        for contract in (self.contract, self.other):
            partner = contract.partner_id
            comm = self.env["credit.control.communication"].create({
                "partner_id": partner.id, "current_policy_level": level.id,
                "currency_id": self.company.currency_id.id, "company_id": self.company.id})
            mail = template.generate_email(comm.id, ["subject", "body_html"])
            letter = report.render_qweb_html(comm.ids)[0].decode()
            texts = level.with_context(lang=partner.lang)
            self.assertIn(texts.name, mail["subject"], partner.lang)
            self.assertIn(texts.custom_mail_text[3:-4], mail["body_html"], partner.lang)
            self.assertIn(texts.custom_text, html_unescape(letter), partner.lang)
            if french_db and partner.lang == "fr_FR":
                self.assertNotIn("remain unpaid", mail["body_html"])
                self.assertNotIn("remain unpaid", letter)

    def test_return_file_of_the_bank_is_imported_and_applied(self):
        instalment = self._collect_first(self.contract)
        invoice = instalment.invoice_id
        order = instalment.payment_order_id
        batch = etree.fromstring(self.batch_file(order))
        end_to_end = batch.findtext(".//p:DrctDbtTxInf/p:PmtId/p:EndToEndId", namespaces=NS)
        data = pain002(order.name, end_to_end, "MD06", "%.2f" % instalment.amount,
                       instalment.collection_date, self.contract.partner_id.name, IBANS[0],
                       "2027-01-12")
        wizard = self.env["payment.return.import"].create({
            "journal_id": order.journal_id.id, "data_file": base64.b64encode(data)})
        action = wizard.import_file()
        payment_return = self.env["payment.return"].browse(action["res_id"])
        line = payment_return.line_ids
        self.assertEqual(line.reason_id.code, "MD06")
        self.assertTrue(line.move_line_ids, "matched to the journal item of the debit")
        payment_return.action_confirm()
        self.assertEqual(invoice.state, "open")
        self.assertEqual(invoice.enercoop_return_code, "MD06")  # the debtor's refund right
        self.assertEqual(instalment.state, "returned")
        self.assertEqual(self.contract.enercoop_mandate_id.state, "valid")

    def test_return_that_ends_the_mandate_and_charges_the_fee_of_the_terms(self):
        instalment = self._collect_first(self.contract)
        invoice = instalment.invoice_id
        terms = load_terms("coop-idf")
        fee_terms = terms.__class__(terms.company, terms.prenotification_days,
                                    Decimal("5.00"), ("AC04",), terms.dunning)
        with _patched_terms(fee_terms):
            self.manual_return(invoice, "AC04")  # account closed
        self.assertEqual(self.contract.enercoop_mandate_id.state, "cancel")
        fee = self.env["account.invoice"].search([("origin", "=", invoice.number),
                                                  ("id", "!=", invoice.id)])
        self.assertEqual(fee.amount_total, 5.0)
        self.assertEqual(fee.state, "open")

    # ------------------------------------------------------------------ true-up
    def test_true_up_nets_the_instalments_collected(self):
        self.import_readings(self.other, [("2025-08-01", 10000), ("2026-08-01", 14200)],
                             self.company)
        schedule = self.create_schedule(self.other, start="2025-08-01",
                                        first_due="2025-08-05", priced_on="2025-08-01",
                                        confirm=False)
        schedule.write({"state": "active"})
        # collected in the past (8 of 10), one returned and never paid, one left
        rows = schedule.instalment_ids
        rows[:8].write({"state": "collected"})
        rows[8].write({"state": "returned"})
        invoice = schedule._true_up_invoice()
        bill = bill_contract(adapter.schedule_versions(self.other),
                             adapter.readings(self.env, self.other),
                             dt.date(2025, 8, 1), dt.date(2026, 8, 1),
                             adapter.load_rates(self.env))
        paid = sum(adapter.decimal(a) for a in rows[:8].mapped("amount"))
        self.assertEqual(adapter.decimal(invoice.amount_total), bill.total - paid)
        self.assertEqual(schedule.state, "closed")
        self.assertEqual(set(rows[8:].mapped("state")), {"cancelled"})
        self.assertEqual(invoice.enercoop_schedule_id, schedule)
        # the bill shows the payment mode and the mandate reference, asks for no transfer
        html = self.env.ref("enercoop_energy.action_report_energy_invoice").render_qweb_html(
            invoice.ids)[0].decode()
        self.assertIn(self.other.enercoop_mandate_id.unique_mandate_reference, html)
        self.assertIn("bill-payment", html)
        self.assertNotIn('name="bill_transfer"', html)

    def test_billing_run_leaves_scheduled_contracts_to_the_true_up(self):
        self.create_schedule(self.contract)
        run = self.env["enercoop.billing.run"].create({"period": "2027-02",
                                                       "company_id": self.company.id})
        self.assertNotIn(self.contract, run._contracts_to_bill())
        self.assertIn(self.other, run._contracts_to_bill())


class _patched_terms:
    """Make the adapter return ``terms`` (a company's terms with a fee) for a while."""

    def __init__(self, terms):
        self.terms = terms

    def __enter__(self):
        self.saved = adapter.terms
        adapter.terms = lambda company: self.terms

    def __exit__(self, *exc):
        adapter.terms = self.saved
