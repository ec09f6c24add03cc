# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Energy balance and renewable proof",
    "summary": "Half-hourly balance of the members' supply against the producers' "
               "injection, day-ahead forecast, guarantee-of-origin ledger, renewable "
               "statement per member on the portal and the bill",
    "version": "11.0.1.0.0",
    "category": "Energy",
    "author": "enercoop",
    "website": "https://github.com/enercoop/enercoop",
    "license": "AGPL-3",
    "installable": True,
    # the pure-Python library holding every rule (wheel: enercoop-core)
    "external_dependencies": {"python": ["enercoop_core"]},
    "depends": [
        "portal",
        "queue_job",
        "enercoop_energy",
    ],
    "data": [
        "security/enercoop_balancing_security.xml",
        "security/ir.model.access.csv",
        "views/balance_line_views.xml",
        "views/origin_views.xml",
        "views/balance_run_views.xml",
        "views/delivery_point_views.xml",
        "views/portal_templates.xml",
        "views/report_invoice.xml",
        "views/menus.xml",
        "data/balance_cron.xml",
    ],
    "demo": [
        "demo/balancing_demo.xml",
    ],
}
