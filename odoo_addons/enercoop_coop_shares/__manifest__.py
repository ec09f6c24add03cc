# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Energy cooperative: shares and members",
    "summary": "Members of a cooperative (SCIC) and, later, their colleges, share "
               "subscriptions, transfers, redemptions and general-assembly votes",
    "version": "11.0.1.0.0",
    "category": "Energy",
    "author": "Enercoop ERP contributors",
    "license": "AGPL-3",
    "application": False,
    "installable": True,
    "depends": [
        "contacts",
        "mail",
        "account_invoicing",
        "enercoop_energy",
    ],
    "data": [
        "security/enercoop_coop_shares_security.xml",
        "security/ir.model.access.csv",
        "views/res_partner_views.xml",
        "views/enercoop_coop_shares_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
    ],
}
