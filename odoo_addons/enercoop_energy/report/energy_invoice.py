# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's bill (``enercoop_energy.report_energy_invoice``): the items the core's
``billing.statement`` returns for an energy invoice, put in words and figures of the
customer's language (French by default), ready for the QWeb template.

Everything the template prints is prepared here as text (``formatLang``/``format_date`` in
the customer's language); the template holds only labels. Unit prices are shown as a household
reads them: c€/kWh with 2 to 4 decimals, fixed parts in €/month (the core prices them per day),
the CTA as a percentage; the rate references stay on the staff's invoice form.
"""
import datetime as dt
from decimal import Decimal

from babel.dates import format_date as babel_date

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, formatLang

from enercoop_core import timeclasses
from enercoop_core.billing.engine import month_days
from enercoop_core.billing.statement import statement
from enercoop_core.errors import InputError
from enercoop_core.identifiers import prm as prm_id

from .. import core_adapter as adapter
from .consumption_chart import data_uri, svg_bars

SUPPLY, NETWORK, TAXES = "supply", "network", "taxes"
SECTION_OF_KIND = {"subscription": SUPPLY, "energy": SUPPLY, "turpe_fixed": NETWORK,
                   "turpe_energy": NETWORK, "cta": TAXES, "accise": TAXES}
HUNDRED = Decimal(100)


def one_line_address(partner):
    """The postal address of ``partner`` on one line (empty lines left out)."""
    lines = partner._display_address(without_company=True).splitlines()
    return ", ".join(line.strip() for line in lines if line.strip())


class ReportEnergyInvoice(models.AbstractModel):
    _name = "report.enercoop_energy.report_energy_invoice"
    _description = "Energy invoice: the customer's bill"

    @api.model
    def get_report_values(self, docids, data=None):
        """The invoices as the reader may read them (rights and record rules), and for each
        energy invoice its bill values (``_bill_values``)."""
        docs = self.env["account.invoice"].browse(docids)
        docs.check_access_rights("read")
        docs.check_access_rule("read")
        return {"doc_ids": docids, "doc_model": "account.invoice", "docs": docs,
                "bills": {inv.id: self._bill_values(inv) for inv in docs
                          if inv.energy_contract_id}}

    # ------------------------------------------------------------------ language, format
    @api.model
    def _bill_lang(self, partner):
        """The customer's language if installed, else French, else English."""
        active = set(self.env["res.lang"].sudo().search([]).mapped("code"))
        for code in (partner.lang, "fr_FR", "en_US"):
            if code and code in active:
                return code
        return "en_US"

    def _money(self, invoice, value):
        return formatLang(invoice.env, float(value), currency_obj=invoice.currency_id)

    def _number(self, invoice, value, low=0, high=3):
        """``value`` with between ``low`` and ``high`` decimals (trailing zeros dropped)."""
        value = Decimal(value)
        digits = low
        while digits < high and value != round(value, digits):
            digits += 1
        return formatLang(invoice.env, float(value), digits=digits)

    def _date(self, invoice, day):
        return format_date(invoice.env, adapter.to_odoo_date(day)) if day else ""

    # ------------------------------------------------------------------ the values
    @api.model
    def _bill_values(self, invoice):
        """Everything the bill of ``invoice`` prints (see the module doc)."""
        lang = self._bill_lang(invoice.partner_id)
        if self.env.lang != lang:
            # the labels made here (odoo's _() reads the language of the caller's self)
            # are the customer's, whoever renders the bill
            return self.with_context(lang=lang)._bill_values(invoice)
        # sudo: the reader may read the invoice (checked by get_report_values or by the
        # portal's own check); the bill also shows its contract, delivery point and company,
        # which a customer has no right to read
        invoice = invoice.sudo().with_context(lang=lang)
        stmt, emergency_known = self._statement(invoice)
        values = {"lang": lang, "emergency_known": emergency_known}
        values.update(self._contract_block(invoice, stmt, lang))
        values.update(self._consumption_block(invoice, stmt, lang))
        values["sections"] = self._price_sections(invoice, lang)
        values.update(self._amounts_block(invoice, stmt))
        values.update(self._contact_block(invoice, stmt))
        values.update(self._lines(values))
        return values

    def _lines(self, values):
        """The sentences of the bill made of labels and figures (one text to translate)."""
        legal = values["legal"]
        parts = [", ".join(p for p in (legal["name"], legal["form"]) if p)]
        if legal["siren"] and legal["rcs"]:
            parts.append(_("SIREN %s, RCS %s") % (legal["siren"], legal["rcs"]))
        elif legal["siren"]:
            parts.append(_("SIREN %s") % legal["siren"])
        if legal["office"]:
            parts.append(_("Registered office: %s") % legal["office"])
        ombudsman = values["ombudsman"]
        return {
            "number_line": _("No. %s") % values["number"],
            "issued_line": _("Issued on %s") % values["issued"],
            "contract_line": _("Contract %s") % values["contract"],
            "due_line": _("by %s") % values["due_date"],
            "period_line": _("%s (%s days)") % (values["period"], values["days"]),
            "consumption_title": _("Your consumption: %s kWh") % values["total_kwh"],
            "transfer_line": _("To pay by bank transfer: IBAN %s, reference %s.") % (
                values["bank_account"], values["number"]) if values["bank_account"] else "",
            "emergency_title": _("Power cut, emergency (%s, 24/7):") % values["distributor"],
            "ombudsman_line": _(
                "after a written complaint to us left unsettled for two months, you may "
                "refer the dispute to the %s (%s, %s).") % (
                ombudsman["name"], ombudsman["website"], ombudsman["address"]),
            "legal_line": " - ".join(parts),
        }

    @api.model
    def _statement(self, invoice):
        """The core's statement of ``invoice`` and whether the emergency number is the
        delivery point's (its postcode is in the Enedis area)."""
        contract = invoice.energy_contract_id
        company = invoice.company_id
        holder = contract.delivery_point_id.partner_id or invoice.partner_id
        args = dict(
            bill=adapter.bill_of_invoice(invoice),
            versions=adapter.contract_versions(contract),
            supplier=adapter.supplier_of(company),
            issued=adapter.to_date(invoice.date_invoice) or dt.date.today(),
            due_date=adapter.to_date(invoice.date_due or invoice.date_invoice),
            bill_number=invoice.number or "", history=self._history(invoice),
            offer_names=adapter.offer_names(company))
        for postcode, known in ((holder.zip, True), (company.zip, False)):
            try:
                return statement(delivery_postcode=postcode or "", **args), known
            except InputError as error:
                if error.field != "delivery_postcode":
                    raise UserError(_("The bill of %s cannot be made: %s")
                                    % (invoice.display_name, error)) from error
        raise UserError(_("The bill of %s needs the postcode of the delivery address "
                          "(contact %s).") % (invoice.display_name, holder.display_name))

    @api.model
    def _history(self, invoice):
        """The core bills of the contract's earlier energy invoices (not cancelled)."""
        earlier = self.env["account.invoice"].sudo().search([
            ("energy_contract_id", "=", invoice.energy_contract_id.id),
            ("id", "!=", invoice.id), ("state", "!=", "cancel"),
            ("type", "=", "out_invoice"),
            ("energy_period_end", "<", invoice.energy_period_start)],
            order="energy_period_start")
        return [adapter.bill_from_invoice(inv) for inv in earlier]

    def _contract_block(self, invoice, stmt, lang):
        company = invoice.company_id
        contract = invoice.energy_contract_id
        point = contract.delivery_point_id
        option = stmt["tariff_option"]
        classes = option["priced_classes"] or option["time_classes"]
        period = stmt["period"]
        siren = (company.siret or "")[:9]
        return {
            "legal": {
                "name": company.name, "form": company.enercoop_legal_form or "",
                "siren": " ".join(siren[i:i + 3] for i in range(0, len(siren), 3)),
                "rcs": company.enercoop_rcs_city or "",
                "office": adapter.supplier_of(company).address},
            "number": invoice.number or _("Draft"),
            "issued": self._date(invoice, adapter.to_date(invoice.date_invoice)),
            "contract": contract.name,
            "offer": stmt["offer"],
            "regulated": _("Market offer: the prices are not regulated"),
            "option": timeclasses.scheme_label(timeclasses.scheme_of(classes), lang)
            if classes else "",
            "power": _("%s kVA") % stmt["subscribed_power"],
            "prm": prm_id.format(stmt["prm"]),
            "delivery_address": one_line_address(point.partner_id or invoice.partner_id),
            "period": _("from %s to %s") % (
                self._date(invoice, period["start"]),
                self._date(invoice, period["end"] - dt.timedelta(days=1))),
            "days": period["days"],
            "estimated": invoice.energy_estimated,
            "true_up": invoice.energy_true_up,
        }

    def _consumption_block(self, invoice, stmt, lang):
        nature = {"real": _("real"), "estimated": _("estimated")}
        indexes = [{
            "label": timeclasses.label(line.time_class, lang),
            "start": self._number(invoice, line.start_kwh),
            "start_note": "(%s, %s)" % (self._date(invoice, line.start_date),
                                        nature.get(line.start_nature, line.start_nature)),
            "end": self._number(invoice, line.end_kwh),
            "end_note": "(%s, %s)" % (self._date(invoice, line.end_date),
                                      nature.get(line.end_nature, line.end_nature)),
        } for line in stmt["indexes"]]
        consumption = [{"label": timeclasses.label(name, lang),
                        "kwh": self._number(invoice, kwh)}
                       for name, kwh in stmt["consumption"].items()]
        total = sum(stmt["consumption"].values(), Decimal(0))
        bars = [(babel_date(line.period_start, "MMM yy", locale=lang), float(line.kwh),
                 line.estimated, False) for line in stmt["history"]]
        bars.append((babel_date(stmt["period"]["start"], "MMM yy", locale=lang), float(total),
                     invoice.energy_estimated, True))
        chart = svg_bars(bars[-13:], unit=_("kWh per billed period"),
                         number=lambda v: self._number(invoice, Decimal(str(v)), 0, 0))
        return {"indexes": indexes, "consumption": consumption,
                "total_kwh": self._number(invoice, total),
                "estimate_basis": _(
                    "Estimated from your average daily consumption between your last two "
                    "real readings or, without them, from your yearly consumption shaped by "
                    "your Enedis profile.") if stmt["estimate_basis"] else "",
                "chart": data_uri(chart)}

    def _row_label(self, line, lang):
        if line.kind == "subscription":
            return _("Subscription")
        if line.kind == "energy":
            return _("Electricity, %s") % timeclasses.label(line.time_class, lang)
        if line.kind == "turpe_fixed":
            return _("Network: fixed part")
        if line.kind == "turpe_energy":
            return _("Network: %s") % timeclasses.label(line.time_class, lang)
        if line.kind == "cta":
            return _("Contribution to network pensions (CTA)")
        if line.kind == "accise":
            return _("Excise duty on electricity (accise)")
        return line.label

    def _row_unit_price(self, invoice, line, unit_price):
        if line.unit == "day":
            month = unit_price * month_days(line.period_start)
            return _("%s / month") % self._money(invoice, month)
        if line.unit == "kWh":
            return _("%s c€/kWh") % self._number(invoice, unit_price * HUNDRED, 2, 4)
        if line.kind == "cta":
            return _("%s %% of the network fixed part") % self._number(
                invoice, unit_price * HUNDRED, 0, 2)
        return self._number(invoice, unit_price, 2, 4)

    def _row_quantity(self, invoice, line, quantity):
        if line.unit == "day":
            return _("%s days") % self._number(invoice, quantity)
        if line.unit == "kWh":
            return _("%s kWh") % self._number(invoice, quantity)
        return self._money(invoice, quantity)

    def _price_sections(self, invoice, lang):
        """``[{"key", "title", "rows": [{label, period, quantity, unit_price, amount}],
        "total"}]``: the core's lines grouped per section, the fixed network parts of a
        period added up into one row (one per-day price)."""
        bill = adapter.bill_of_invoice(invoice)
        groups = {}
        for line in bill.lines:
            key = (SECTION_OF_KIND.get(line.kind, TAXES), line.kind, line.time_class,
                   line.period_start, line.period_end, line.true_up,
                   None if line.kind == "turpe_fixed" else line.unit_price)
            group = groups.setdefault(key, {"line": line, "price": Decimal(0),
                                            "amount": Decimal(0), "quantity": line.quantity})
            group["amount"] += line.amount
            group["price"] += line.unit_price
        titles = {SUPPLY: _("Supply of electricity"), NETWORK: _("Delivery (TURPE, Enedis)"),
                  TAXES: _("Taxes and contributions")}
        sections = []
        for section in (SUPPLY, NETWORK, TAXES):
            rows = [self._price_row(invoice, group, lang)
                    for key, group in sorted(groups.items(), key=lambda kv: kv[0][3:6])
                    if key[0] == section]
            total = sum((g["amount"] for k, g in groups.items() if k[0] == section),
                        Decimal(0))
            sections.append({"key": section, "title": titles[section], "rows": rows,
                             "total": self._money(invoice, total)})
        return sections

    def _price_row(self, invoice, group, lang):
        line = group["line"]
        period = ""
        if line.true_up or (line.period_start, line.period_end) != (
                adapter.to_date(invoice.energy_period_start),
                adapter.to_date(invoice.energy_period_end) + dt.timedelta(days=1)):
            period = "(%s)" % (_("from %s to %s") % (
                self._date(invoice, line.period_start),
                self._date(invoice, line.period_end - dt.timedelta(days=1))))
        label = self._row_label(line, lang)
        if line.true_up:
            label = _("Correction: %s") % label
        return {"label": label, "period": period,
                "quantity": self._row_quantity(invoice, line, group["quantity"]),
                "unit_price": self._row_unit_price(invoice, line, group["price"]),
                "amount": self._money(invoice, group["amount"])}

    def _amounts_block(self, invoice, stmt):
        split = stmt["amounts"]
        due = stmt["amount_due"] or {"amount": split["total"], "due_date": None}
        return {
            "vat": [{"label": _("VAT %s %%") % self._number(invoice, rate, 0, 2), "amount":
                     self._money(invoice, amount)} for rate, amount in sorted(
                         split["vat"].items())],
            "total_excl_vat": self._money(invoice, split["total_excl_vat"]),
            "total_vat": self._money(invoice, split["total_vat"]),
            "total": self._money(invoice, split["total"]),
            "due_amount": self._money(invoice, due["amount"]),
            "due_date": self._date(invoice, due["due_date"]),
            "instalments": [{"number": number, "date": self._date(invoice, day),
                             "amount": self._money(invoice, amount)}
                            for number, day, amount in stmt["payment_schedule"] or ()],
            "bank_account": invoice.partner_bank_id.acc_number
            or invoice.company_id.partner_id.bank_ids[:1].acc_number or "",
        }

    def _contact_block(self, invoice, stmt):
        distributor = stmt["distributor"]
        ombudsman = stmt["ombudsman"]
        company = invoice.company_id
        return {
            "customer_service": adapter.supplier_of(company).customer_service,
            "self_reading": stmt["self_reading"],
            "energy_mix": stmt["energy_origin"],
            "distributor": distributor["name"],
            "emergency_phone": distributor["emergency_phone"],
            "ombudsman": {"name": ombudsman["name"], "website": ombudsman["website"],
                          "address": ombudsman["postal_address"]},
            "today": fields.Date.context_today(self),
        }
