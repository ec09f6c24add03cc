# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Energy cooperative: directory (LDAP)",
    "summary": "Feeds the cooperative's OpenLDAP from Odoo (employees, members by college, "
               "partners' contacts, groups per role, college and regional cooperative) and "
               "lets staff log into Odoo with their LDAP password",
    "version": "11.0.1.0.0",
    "category": "Energy",
    "author": "Enercoop ERP contributors",
    "license": "AGPL-3",
    "application": False,
    "installable": True,
    # the pure-Python library holding every rule (wheel: enercoop-core); python-ldap talks
    # to the server
    "external_dependencies": {"python": ["enercoop_core", "ldap"]},
    "depends": [
        "auth_ldap",
        "enercoop_coop_shares",
    ],
    "data": [
        "security/enercoop_directory_security.xml",
        "security/ir.model.access.csv",
        "data/directory_cron.xml",
        "views/directory_config_views.xml",
        "views/directory_run_views.xml",
        "wizards/directory_plan_wizard_views.xml",
        "views/enercoop_directory_menus.xml",
    ],
    "demo": [
        "demo/directory_demo.xml",
    ],
}
