# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    enercoop_code = fields.Char(
        string="Cooperative code",
        help="Code of the cooperative in the offers grid of enercoop_core "
             "(the 'company' column, e.g. coop-idf).")
    enercoop_flow_folder = fields.Char(
        string="Flow import folder",
        groups="base.group_system",
        help="Folder of the server where Enedis flow files are dropped, inside the root "
             "folder of the system parameter enercoop_energy.flow_folder (a folder "
             "outside it is refused); the scheduled import reads it and moves each "
             "processed file to its 'processed' (or 'rejected') sub-folder.")

    # ------------------------------------------------------------------ the customer's bill
    enercoop_legal_form = fields.Char(
        string="Legal form", translate=True, default="SCIC SA à capital variable",
        help="Printed on the bills with the SIREN, the RCS and the registered office; a "
             "cooperative states that its capital is variable.")
    enercoop_rcs_city = fields.Char(
        string="RCS registry city",
        help="City of the trade and companies register (RCS) the cooperative is registered "
             "at, e.g. Lyon: the bill prints 'RCS Lyon' and the SIREN (first nine digits "
             "of the SIRET).")
    enercoop_customer_service = fields.Char(
        string="Customer service", translate=True,
        help="Phone, e-mail or site of the customer service, printed on the bill.")
    enercoop_energy_mix = fields.Text(
        string="Yearly energy mix", translate=True,
        help="Origin of the electricity supplied over the last year (share of each "
             "renewable source), printed on the bill until the per-customer origin is known.")
    enercoop_self_reading = fields.Text(
        string="Self-reading terms", translate=True,
        help="When and how a household may send its own index for the next bill.")
    enercoop_offer_names = fields.Text(
        string="Offer names", translate=True,
        help="Commercial name of each offer of the price grid, one per line: CODE: name "
             "(e.g. BASE: Particuliers Base). The bill prints the name, never the code.")

    @api.multi
    def _demo_translate(self, lang, values):
        """Demo data: the company texts ``values`` ({field: text}) in ``lang`` (their
        translations; the demo record holds the English source), when the database has
        that language (one holding only English keeps the source)."""
        if self.env["res.lang"].search_count([("code", "=", lang)]):
            self.with_context(lang=lang).write(values)
        return True

