# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's payment page on the portal (/my/payment): per supply contract, the
payment mode, the mandate (masked IBAN), the schedule and the next debit; a form replaces
the IBAN (a new mandate, the old one revoked). Only the user's own contracts: any other id
is a 404, whoever owns it."""
from werkzeug.urls import url_encode
from werkzeug.utils import redirect

from odoo import _, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


def own_contracts(contract_id=None):
    """The supply contracts of the logged-in user's commercial partner (one of them when
    ``contract_id`` is given; empty if it is not theirs)."""
    partner = request.env.user.partner_id.commercial_partner_id
    domain = [("partner_id", "child_of", partner.id)]
    if contract_id is not None:
        domain.append(("id", "=", contract_id))
    # sudo: portal users hold no right on contracts; the domain above keeps the user's
    # own (their commercial partner's) contracts only, as the payment page rule says
    return request.env["enercoop.supply.contract"].sudo().search(domain)


class PaymentPortal(CustomerPortal):

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["enercoop_payment_count"] = len(own_contracts())
        return values

    @http.route(["/my/payment"], type="http", auth="user", website=False)
    def portal_my_payment(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update({"contracts": own_contracts(), "page_name": "enercoop_payment"})
        return request.render("enercoop_payment.portal_my_payment", values)

    @http.route(["/my/payment/<int:contract_id>"], type="http", auth="user", website=False)
    def portal_my_payment_contract(self, contract_id, error=None, done=None, **kw):
        contract = own_contracts(contract_id)
        if not contract:
            raise request.not_found()
        values = self._prepare_portal_layout_values()
        schedule = contract.enercoop_schedule_ids.filtered(lambda s: s.state == "active")[:1] \
            or contract.enercoop_schedule_ids[:1]
        values.update({"contract": contract, "schedule": schedule, "error": error,
                       "done": done, "page_name": "enercoop_payment"})
        return request.render("enercoop_payment.portal_payment_contract", values)

    @http.route(["/my/payment/<int:contract_id>/iban"], type="http", auth="user",
                methods=["POST"], website=False)
    def portal_my_payment_iban(self, contract_id, iban="", bic="", accept=None, **kw):
        contract = own_contracts(contract_id)
        if not contract:
            raise request.not_found()
        url = "/my/payment/%d" % contract.id
        if not accept:
            return redirect(url + "?" + url_encode({"error": _("Please accept the mandate.")}), 303)
        try:
            with request.env.cr.savepoint():
                # sudo: the customer replaces the bank details of their own contract
                # (checked above); the core checks the IBAN and BIC of the new mandate
                contract._enercoop_replace_iban(iban.replace(" ", "").upper(),
                                                bic.strip().upper() or False)
        except (UserError, ValidationError) as error:
            return redirect(url + "?" + url_encode({"error": error.name}), 303)
        return redirect(url + "?done=1", 303)
