# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Energy cooperative",
    "summary": "Renewable-electricity supplier cooperative: contacts by role, delivery "
               "points, C15-driven supply contracts, Enedis flow import, monthly billing "
               "into invoices, producers' purchases and self-billing, network invoice check",
    "version": "11.0.1.1.0",
    "category": "Energy",
    "author": "Enercoop ERP contributors",
    "license": "AGPL-3",
    "application": True,
    "installable": True,
    # the pure-Python library holding every rule (wheel: enercoop-core)
    "external_dependencies": {"python": ["enercoop_core"]},
    "depends": [
        "contacts",
        "mail",
        "account_invoicing",
        "l10n_fr",
    ],
    "data": [
        "security/enercoop_energy_security.xml",
        "security/ir.model.access.csv",
        "views/assets.xml",
        "views/res_partner_views.xml",
        "data/flow_import_data.xml",
        "views/res_company_views.xml",
        "views/enercoop_delivery_point_views.xml",
        "views/enercoop_supply_contract_views.xml",
        "wizards/flow_import_wizard_views.xml",
        "views/enercoop_flow_file_views.xml",
        "views/enercoop_meter_reading_views.xml",
        "views/enercoop_menus.xml",
        "data/product_data.xml",
        "data/billing_cron.xml",
        "views/enercoop_billing_run_views.xml",
        "views/account_invoice_views.xml",
        "views/enercoop_production_installation_views.xml",
        "views/enercoop_purchase_contract_views.xml",
        "views/enercoop_network_check_views.xml",
        "views/enercoop_billing_menus.xml",
        "report/report_energy_invoice.xml",
    ],
    "qweb": [
        "static/src/xml/flow_file_list.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/enercoop_supply_demo.xml",
        "demo/enercoop_producer_demo.xml",
        "demo/enercoop_billing_demo.xml",
    ],
}
