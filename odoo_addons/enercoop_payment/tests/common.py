# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the tests of enercoop_payment share: a cooperative set up to collect (creditor
identifier, bank journal, SEPA direct-debit payment mode, instalments and fees accounts),
customers with a bank account, a mandate and a supply contract, and the steps of the
workflow (schedule, pre-notification, debit batch, upload, return)."""
import base64
import datetime as dt
import os

from lxml import etree

from odoo.modules.module import get_module_path

from odoo.addons.enercoop_energy.tests.common import r15_base, rpc_call

CREDITOR_ID = "FR78ZZZ424242"
IBANS = ["FR7620041010050001234560560", "FR7620041010050001234560657",
         "DE89370400440532013000"]
COMPANY_IBAN = "FR7620041010050001234560463"
BIC = "AGRIFRPP"
SDD = "account_banking_sepa_direct_debit"


def sdd_xsd(version="pain.008.001.02"):
    """The pain.008 schema shipped by the OCA addon (``data/<version>.xsd``)."""
    path = os.path.join(get_module_path(SDD), "data", "%s.xsd" % version)
    return etree.XMLSchema(etree.parse(path))


PAIN002 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
 <CstmrPmtStsRpt>
  <GrpHdr><MsgId>%(msg_id)s</MsgId><CreDtTm>%(day)sT08:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>%(order)s</OrgnlMsgId>
   <OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId></OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts><OrgnlPmtInfId>%(order)s</OrgnlPmtInfId>
   <TxInfAndSts><StsId>RJ-%(end_to_end)s</StsId>
    <OrgnlEndToEndId>%(end_to_end)s</OrgnlEndToEndId><TxSts>RJCT</TxSts>
    <StsRsnInf><Rsn><Cd>%(code)s</Cd></Rsn></StsRsnInf>
    <OrgnlTxRef><Amt><InstdAmt Ccy="EUR">%(amount)s</InstdAmt></Amt>
     <ReqdColltnDt>%(collection)s</ReqdColltnDt>
     <Dbtr><Nm>%(debtor)s</Nm></Dbtr>
     <DbtrAcct><Id><IBAN>%(debtor_iban)s</IBAN></Id></DbtrAcct>
     <CdtrAcct><Id><IBAN>%(creditor_iban)s</IBAN></Id></CdtrAcct>
    </OrgnlTxRef>
   </TxInfAndSts>
  </OrgnlPmtInfAndSts>
 </CstmrPmtStsRpt>
</Document>
"""


def pain002(order, end_to_end, code, amount, collection, debtor, debtor_iban, day,
            creditor_iban=COMPANY_IBAN):
    """A bank's report of one rejected direct debit (pain.002.001.03, as banks send them
    after a pain.008), written for the tests."""
    return (PAIN002 % {"msg_id": "RJ%s" % order, "order": order, "end_to_end": end_to_end,
                       "code": code, "amount": amount, "collection": collection,
                       "debtor": debtor, "debtor_iban": debtor_iban, "day": day,
                       "creditor_iban": creditor_iban}
            ).encode("utf-8")


class PaymentWorld:
    """Class-level factories (for SavepointCase.setUpClass)."""

    @classmethod
    def setup_company(cls, company=None):
        env = cls.env
        company = company or env.ref("base.main_company")
        company.write({"sepa_creditor_identifier": CREDITOR_ID, "enercoop_code": "coop-idf"})
        bank = env["res.bank"].create({"name": "Banque test", "bic": "BNPAFRPP"})
        account = env["res.partner.bank"].create({
            "acc_number": COMPANY_IBAN, "partner_id": company.partner_id.id,
            "company_id": company.id, "bank_id": bank.id})
        journal = env["account.journal"].create({
            "name": "Banque prélèvements", "type": "bank", "code": "BPRE",
            "company_id": company.id, "bank_account_id": account.id})
        mode = env["account.payment.mode"].create({
            "name": "Prélèvement SEPA énergie", "company_id": company.id,
            "payment_method_id": env.ref(SDD + ".sepa_direct_debit").id,
            "bank_account_link": "fixed", "fixed_journal_id": journal.id,
            "payment_order_ok": True, "default_date_prefered": "fixed",
            "generate_move": True, "offsetting_account": "bank_account",
            "move_option": "date"})
        company.enercoop_debit_mode_id = mode
        return company

    @classmethod
    def create_customer(cls, name, company, iban, prm, lang="fr_FR", signed="2025-07-01"):
        env = cls.env
        if not env["res.lang"].search([("code", "=", lang)]):
            lang = "en_US"
        partner = env["res.partner"].create({
            "name": name, "email": "%s@example.org" % name.lower().replace(" ", "."),
            "company_id": company.id, "lang": lang, "customer": True})
        bank = env["res.bank"].search([("bic", "=", BIC)], limit=1) or \
            env["res.bank"].create({"name": "Crédit agricole", "bic": BIC})
        account = env["res.partner.bank"].create({
            "acc_number": iban, "partner_id": partner.id, "company_id": company.id,
            "bank_id": bank.id})
        mandate = env["account.banking.mandate"].create({
            "partner_bank_id": account.id, "company_id": company.id, "format": "sepa",
            "type": "recurrent", "recurrent_sequence_type": "first", "scheme": "CORE",
            "signature_date": signed})
        mandate.validate()
        point = env["enercoop.delivery.point"].create({
            "prm": prm, "fta": "BTINFCUST", "subscribed_kva": 6, "segment": "C5",
            "direction": "withdrawal", "partner_id": partner.id, "company_id": company.id})
        contract = env["enercoop.supply.contract"].create({
            "name": "PAY-%s" % prm[-4:], "partner_id": partner.id,
            "delivery_point_id": point.id, "offer_code": "BASE", "date_start": "2025-01-01",
            "state": "active", "company_id": company.id, "enercoop_annual_kwh": 4000,
            "enercoop_payment_mode": "direct_debit", "enercoop_mandate_id": mandate.id})
        return contract

    @classmethod
    def create_schedule(cls, contract, start="2027-01-01", first_due="2027-01-05",
                        priced_on="2026-07-01", count=10, confirm=True):
        schedule = cls.env["enercoop.payment.schedule"].create({
            "contract_id": contract.id, "date_start": start, "first_due": first_due,
            "priced_on": priced_on, "count": count})
        schedule.action_compute()
        if confirm:
            schedule.action_confirm()
        return schedule

    @classmethod
    def import_readings(cls, contract, readings, company):
        """Real BASE indexes [(day, kWh)] of the contract's point, as an R15 flow."""
        data = r15_base(contract.prm, [("%sT00:00:00+02:00" % day, kwh)
                                       for day, kwh in readings])
        return cls.env["enercoop.flow.file"]._import_files(
            [("R15_PAYTEST_%s.xml" % contract.prm, data)], company=company)


class WorkflowSteps:
    """The steps of the workflow, as the scheduled actions run them."""

    def prenotify(self, day):
        return self.env["enercoop.payment.instalment"]._prenotify(day)

    def debit_batches(self, day):
        return self.env["enercoop.payment.instalment"]._prepare_debit_batches(day)

    def batch_file(self, order):
        attachment = self.env["ir.attachment"].search([
            ("res_model", "=", "account.payment.order"), ("res_id", "=", order.id)], limit=1)
        self.assertTrue(attachment, "no pain.008 file on %s" % order.name)
        return base64.b64decode(attachment.datas)

    def manual_return(self, invoice, code, day=None):
        """A manual payment return of ``invoice``'s collected debit with ``code``."""
        reason = self.env["payment.return.reason"].search([("code", "=", code)], limit=1)
        self.assertTrue(reason, "no reason code %s" % code)
        payment_lines = invoice.payment_move_line_ids
        self.assertTrue(payment_lines, "invoice %s is not paid" % invoice.number)
        journal = invoice.enercoop_instalment_ids.payment_order_id.journal_id
        payment_return = self.env["payment.return"].create({
            "journal_id": journal.id, "company_id": invoice.company_id.id,
            "date": day or dt.date.today().isoformat(),
            "line_ids": [(0, 0, {
                "move_line_ids": [(6, 0, payment_lines.ids)], "reason_id": reason.id,
                "partner_id": invoice.partner_id.id, "amount": invoice.amount_total,
                "reference": invoice.number})]})
        payment_return.action_confirm()
        return payment_return

    def rpc(self, user, model, method, *args, **kwargs):
        return rpc_call(self.env, user, model, method, *args, **kwargs)
