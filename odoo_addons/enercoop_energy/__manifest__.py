# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Energy cooperative",
    "summary": "CRM of a renewable-electricity supplier cooperative: consumers, "
               "producers, partners, members and employees",
    "version": "11.0.1.0.0",
    "category": "Energy",
    "author": "Enercoop ERP contributors",
    "license": "AGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "contacts",
        "mail",
        "account_invoicing",
    ],
    "data": [
        "security/enercoop_energy_security.xml",
        "security/ir.model.access.csv",
        "views/res_partner_views.xml",
        "views/enercoop_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
    ],
}
