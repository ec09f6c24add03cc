# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's energy pages of the portal (``/my/energy``, a contract's page and its
documents) and the energy bill served by the portal's invoice download.

Strictly the user's own records: the contracts of the user's commercial partner (and its
contacts), the invoices as the portal's own invoice rule lets the user read them; any other
id answers 404 (or, for the invoice download, the portal's redirection to ``/my``).
"""
import base64
import json
from decimal import Decimal

from babel.dates import format_date as babel_date

from odoo import _, http
from odoo.exceptions import AccessError
from odoo.http import request
from odoo.tools.misc import format_date, formatLang

from enercoop_core import timeclasses
from enercoop_core.identifiers import prm as prm_id

from odoo.addons.account.controllers.portal import PortalAccount

from .. import core_adapter as adapter
from ..report.consumption_chart import data_uri, svg_bars
from ..report.energy_invoice import one_line_address

ENERGY_REPORT = "enercoop_energy.action_report_energy_invoice"
MAX_ID = 2 ** 31 - 1


class EnergyPortal(PortalAccount):

    # ------------------------------------------------------------------ own records
    def _energy_contracts(self, contract_id=None):
        """The user's own supply contracts (``contract_id``: that one only, or none)."""
        partner = request.env.user.partner_id.commercial_partner_id
        domain = [("partner_id", "child_of", partner.id)]
        if contract_id is not None:
            domain.append(("id", "=", contract_id))
        # sudo: customers have no rights on supply contracts; the domain above is the rule
        # (the contracts of the user's own commercial partner), applied to every page
        return request.env["enercoop.supply.contract"].sudo().search(domain)

    def _energy_invoices(self, contracts):
        """The issued energy invoices of ``contracts`` that the user may read (read as the
        user: the portal's invoice rule applies)."""
        return request.env["account.invoice"].search(
            self._get_account_invoice_domain()
            + [("energy_contract_id", "in", contracts.ids)],
            order="energy_period_start desc, id desc")

    def _prepare_portal_layout_values(self):
        """The portal home's counter: the user's number of supply contracts."""
        values = super()._prepare_portal_layout_values()
        values["energy_contract_count"] = len(self._energy_contracts())
        return values

    # ------------------------------------------------------------------ page values
    def _energy_chart(self, invoices):
        """The consumption per month (kWh, from the bills) as an SVG data URI."""
        months = {}
        for invoice in invoices.filtered(lambda inv: inv.type == "out_invoice"):
            start = adapter.to_date(invoice.energy_period_start)
            if not start:
                continue
            key = start.replace(day=1)
            kwh = Decimal(sum(json.loads(invoice.energy_consumption_json or "{}").values()))
            total, estimated = months.get(key, (Decimal(0), False))
            months[key] = (total + kwh / 1000, estimated or invoice.energy_estimated)
        lang = request.env.lang or "en_US"
        bars = [(babel_date(day, "MMM yy", locale=lang), float(kwh), estimated, False)
                for day, (kwh, estimated) in sorted(months.items())][-13:]
        if not bars:
            return ""
        return data_uri(svg_bars(bars, unit=_("kWh per month"),
                                 number=lambda v: formatLang(request.env, v, digits=0)))

    def _energy_contract_values(self, contract):
        """What the contract page shows of ``contract`` (sudo record, the user's own)."""
        env = request.env
        point = contract.delivery_point_id
        company = contract.company_id
        try:
            classes = adapter.load_rates(env).offers.classes(
                company.enercoop_code or "default", contract.offer_code)
            option = timeclasses.scheme_label(timeclasses.scheme_of(classes), env.lang)
        except Exception:  # an offer missing from the grid must not break the page
            option = ""
        holder = point.partner_id or contract.partner_id
        return {
            "offer": adapter.offer_names(company).get(contract.offer_code, contract.offer_code),
            "option": option,
            "power": _("%s kVA") % (contract.subscribed_kva or point.subscribed_kva),
            "prm": prm_id.format(point.prm),
            "address": one_line_address(holder),
            "date_start": format_date(env, contract.date_start),
            "date_end": format_date(env, contract.date_end) if contract.date_end else "",
            "state": dict(contract._fields["state"]._description_selection(env)).get(
                contract.state, contract.state),
        }

    def _energy_documents(self, contract):
        # sudo: customers cannot read a contract's attachments; ``contract`` is their own
        return request.env["ir.attachment"].sudo().search([
            ("res_model", "=", "enercoop.supply.contract"), ("res_id", "=", contract.id)],
            order="create_date desc, id desc")

    def _energy_invoice_rows(self, invoices):
        env = request.env
        states = dict(invoices._fields["state"]._description_selection(env))
        return [{"invoice": invoice, "number": invoice.number or "",
                 "date": format_date(env, invoice.date_invoice),
                 "period": "%s - %s" % (format_date(env, invoice.energy_period_start),
                                        format_date(env, invoice.energy_period_end)),
                 "amount": formatLang(env, invoice.amount_total,
                                      currency_obj=invoice.currency_id),
                 "residual": formatLang(env, invoice.residual,
                                        currency_obj=invoice.currency_id),
                 "state": states.get(invoice.state, invoice.state),
                 "paid": invoice.state == "paid"} for invoice in invoices]

    # ------------------------------------------------------------------ routes
    @http.route(["/my/energy"], type="http", auth="user", website=True)
    def portal_my_energy(self, **kw):
        """The user's supply contracts, their energy invoices and consumption per month."""
        values = self._prepare_portal_layout_values()
        contracts = self._energy_contracts()
        invoices = self._energy_invoices(contracts)
        values.update({
            "page_name": "energy",
            "contracts": [(c, self._energy_contract_values(c)) for c in contracts],
            "invoices": self._energy_invoice_rows(invoices),
            "chart": self._energy_chart(invoices),
        })
        return request.render("enercoop_energy.portal_my_energy", values)

    @http.route(["/my/energy/contract/<int:contract_id>"], type="http", auth="user",
                website=True)
    def portal_energy_contract(self, contract_id, **kw):
        """One of the user's own supply contracts: details, bills, consumption, documents."""
        contract = self._energy_contracts(min(contract_id, MAX_ID))
        if not contract:
            return request.not_found()
        invoices = self._energy_invoices(contract)
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "energy_contract",
            "contract": contract,
            "partner": request.env.user.partner_id.commercial_partner_id,
            "details": self._energy_contract_values(contract),
            "invoices": self._energy_invoice_rows(invoices),
            "chart": self._energy_chart(invoices),
            "documents": self._energy_documents(contract),
        })
        return request.render("enercoop_energy.portal_energy_contract", values)

    @http.route(["/my/energy/contract/<int:contract_id>/document/<int:attachment_id>"],
                type="http", auth="user")
    def portal_energy_document(self, contract_id, attachment_id, **kw):
        """A document attached to one of the user's own contracts."""
        contract = self._energy_contracts(min(contract_id, MAX_ID))
        document = self._energy_documents(contract).filtered(
            lambda a: a.id == attachment_id) if contract else None
        if not document:
            return request.not_found()
        body = base64.b64decode(document.datas or b"")
        name = (document.datas_fname or document.name or "document").replace('"', "")
        return request.make_response(body, headers=[
            ("Content-Type", document.mimetype or "application/octet-stream"),
            ("Content-Length", len(body)),
            ("Content-Disposition", 'attachment; filename="%s"' % name)])

    @http.route(["/my/invoices/pdf/<int:invoice_id>"], type="http", auth="public",
                website=True)
    def portal_my_invoice_report(self, invoice_id, access_token=None, **kw):
        """The portal's invoice download: the energy bill for an energy invoice, Odoo's
        invoice otherwise (same access check as Odoo's: the reader's rights or the
        invoice's access token)."""
        try:
            invoice_sudo = self._invoice_check_access(invoice_id, access_token)
        except AccessError:
            return request.redirect("/my")
        if not invoice_sudo.exists() or not invoice_sudo.energy_contract_id:
            return super().portal_my_invoice_report(invoice_id, access_token=access_token,
                                                    **kw)
        # sudo: checked just above (Odoo's own check); the bill reads the contract, the
        # company and the taxes, which a customer cannot read
        result = request.env.ref(ENERGY_REPORT).sudo().render_qweb_pdf([invoice_sudo.id])
        # (pdf, "pdf"); on Odoo 11's test cursor the HTML alone
        body, kind = result if isinstance(result, tuple) else (result, "html")
        name = "%s.pdf" % (invoice_sudo.number or "bill").replace("/", "-")
        return request.make_response(body, headers=[
            ("Content-Type", "application/pdf" if kind == "pdf" else "text/html"),
            ("Content-Length", len(body)),
            ("Content-Disposition", 'inline; filename="%s"' % name)])
