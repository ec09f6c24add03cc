# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Energy cooperative: getting paid",
    "summary": "SEPA direct debit of the monthly schedules of supply contracts (mandates, "
               "pain.008 batches, pre-notification), returns with their reason codes, "
               "dunning levels per company, the customer's payment page",
    "version": "11.0.1.0.0",
    "category": "Energy",
    "author": "enercoop",
    "website": "https://github.com/enercoop-erp/enercoop",
    "license": "AGPL-3",
    "installable": True,
    # the pure-Python library holding every rule (wheel: enercoop-core)
    "external_dependencies": {"python": ["enercoop_core"]},
    "depends": [
        "portal",
        "enercoop_energy",
        "account_banking_sepa_direct_debit",
        "account_payment_return",
        "account_payment_return_import_sepa_pain",
        "account_credit_control",
    ],
    "data": [
        "security/enercoop_payment_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "data/payment_data.xml",
        "data/payment_cron.xml",
        "views/payment_schedule_views.xml",
        "views/supply_contract_views.xml",
        "views/account_banking_mandate_views.xml",
        "views/payment_menus.xml",
        "report/report_dunning_due.xml",
        "views/portal_templates.xml",
    ],
    "demo": [
        "demo/enercoop_payment_demo.xml",
    ],
}
