"""Check a running Odoo through its external API, as a client program would.

Usage: python3 xmlrpc_check.py URL DATABASE ADDONS_DIR [LOGIN PASSWORD]

Logs in (admin/admin by default), checks that the server is Odoo 11, that every addon of
ADDONS_DIR is installed and that the "Energy cooperative" top menu is readable, and prints
the number of contacts holding each cooperative role. Exit 0 when all holds, 1 otherwise.
Standard library only.
"""
from __future__ import annotations

import os
import sys
import xmlrpc.client

ROLES = ("role_consumer", "role_producer", "role_partner", "role_member", "role_employee")


def main(argv):
    url, db, addons_dir = argv[0], argv[1], argv[2]
    login, password = (argv[3], argv[4]) if len(argv) >= 5 else ("admin", "admin")
    common = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common")
    version = common.version()["server_version"]
    uid = common.authenticate(db, login, password, {})
    problems = []
    if not version.startswith("11."):
        problems.append("server version %s, not 11" % version)
    if not uid:
        print("login refused for %s on %s" % (login, db))
        return 1
    proxy = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object")

    def call(model, method, *args, **kwargs):
        return proxy.execute_kw(db, uid, password, model, method, list(args), kwargs)

    wanted = sorted(name for name in os.listdir(addons_dir)
                    if os.path.isfile(os.path.join(addons_dir, name, "__manifest__.py")))
    states = {row["name"]: row["state"] for row in call(
        "ir.module.module", "search_read", [("name", "in", wanted)], fields=["name", "state"])}
    for name in wanted:
        if states.get(name) != "installed":
            problems.append("addon %s is %s" % (name, states.get(name, "unknown")))
    menu = call("ir.model.data", "search_read",
                [("module", "=", "enercoop_energy"), ("name", "=", "menu_root")], fields=["res_id"])
    if not menu:
        problems.append("no Energy cooperative menu")
    counts = {}
    if not problems:
        for role in ROLES:
            counts[role[5:]] = call("res.partner", "search_count", [(role, "=", True)])
    print("XML-RPC check: Odoo %s, %s logged in as uid %s, addons %s; contacts per role %s"
          % (version, login, uid, ", ".join("%s=%s" % (n, states.get(n)) for n in wanted), counts))
    for problem in problems:
        print("  problem: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
