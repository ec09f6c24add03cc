# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Energy cooperative: shares and members",
    "summary": "Capital and governance of a cooperative (SCIC): colleges, share classes, "
               "subscriptions, register of members, transfers, redemptions, certificates, "
               "portal, general-assembly votes",
    "version": "11.0.1.2.0",
    "category": "Energy",
    "author": "Enercoop ERP contributors",
    "license": "AGPL-3",
    "application": False,
    "installable": True,
    # the pure-Python library holding every rule (wheel: enercoop-core)
    "external_dependencies": {"python": ["enercoop_core"]},
    "depends": [
        "contacts",
        "mail",
        "account_invoicing",
        "portal",
        "enercoop_energy",
    ],
    "post_init_hook": "post_init_hook",
    "data": [
        "security/enercoop_coop_shares_security.xml",
        "security/ir.model.access.csv",
        "data/enercoop_coop_shares_data.xml",
        "data/mail_template_data.xml",
        "report/share_reports.xml",
        "wizards/share_operation_wizard_views.xml",
        "wizards/college_change_wizard_views.xml",
        "wizards/share_register_wizard_views.xml",
        "views/enercoop_college_views.xml",
        "views/enercoop_share_class_views.xml",
        "views/enercoop_share_entry_views.xml",
        "views/enercoop_subscription_request_views.xml",
        "views/enercoop_general_assembly_views.xml",
        "views/res_company_views.xml",
        "views/portal_templates.xml",
        "views/shares_subscribe_templates.xml",
        "views/res_partner_views.xml",
        "views/assets.xml",
        "views/enercoop_coop_shares_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/enercoop_coop_shares_demo.xml",
    ],
}
