# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Register entries stay immutable over RPC, whatever context the caller sends.

Found on a served database: a shares manager (demo user lea.dubois) rewrote a
subscription entry (10 shares for 1,000 EUR became 5,000 shares for 1 EUR) with
``execute_kw(..., 'enercoop.share.entry', 'write', [[id], {...}],
{'context': {'enercoop_share_entry_internal': True}})``: the key that let the ledger
store its own figures was a plain value any caller could send."""
from odoo.exceptions import UserError
from odoo.tests import common

from odoo.addons.enercoop_energy.tests.common import rpc_call

from .common import SharesCase


@common.at_install(False)
@common.post_install(True)
class TestRegisterEntriesOverRpc(SharesCase):

    def test_a_forged_context_does_not_unlock_an_entry(self):
        self.make_users()
        entry = self.portal_member.share_entry_ids.filtered(
            lambda e: e.operation_type == "subscription")[:1]
        self.assertTrue(entry)
        quantity, amount = entry.quantity, entry.amount
        for context in ({"enercoop_share_entry_internal": True},
                        {"enercoop_share_entry_internal": 1}, {}):
            for user in (self.users["manager"], self.env.ref("base.user_root")):
                with self.assertRaises(UserError, msg="%s %s" % (user.login, context)):
                    rpc_call(self.env, user, "enercoop.share.entry", "write", entry.ids,
                             {"quantity": 5000, "amount": 1.0}, context=context)
                with self.assertRaises(UserError):
                    rpc_call(self.env, user, "enercoop.share.entry", "unlink", entry.ids,
                             context=context)
        entry.invalidate_cache()
        self.assertEqual((entry.quantity, entry.amount), (quantity, amount))
