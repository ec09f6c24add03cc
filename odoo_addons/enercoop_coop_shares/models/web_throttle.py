# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Counters of the public form's posts, kept server-side: one row per counted post, per
key (``ip:<address>``, ``email:<address>``), dated by ``create_date``. Older rows than the
window are deleted as new ones come, so the table stays small."""
import datetime as dt

from odoo import api, fields, models


class EnercoopWebThrottle(models.Model):
    _name = "enercoop.web.throttle"
    _description = "Public form post (rate limit)"
    _order = "id desc"
    _rec_name = "key"
    _log_access = True

    key = fields.Char(required=True, index=True)

    def _param(self, name, default):
        """An integer system parameter ``enercoop_coop_shares.<name>`` (else ``default``)."""
        # sudo: the visitor (public user) may not read system parameters
        value = self.env["ir.config_parameter"].sudo().get_param(
            "enercoop_coop_shares.%s" % name, "")
        return int(value) if str(value).strip().isdigit() else default

    def _since(self, seconds):
        return fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now())
            - dt.timedelta(seconds=seconds))

    @api.model
    def _count(self, key, seconds):
        """Posts counted for ``key`` in the last ``seconds``."""
        # sudo: the visitor is the public user, with no rights here
        return self.sudo().search_count([("key", "=", key),
                                         ("create_date", ">=", self._since(seconds))])

    @api.model
    def _hit(self, key, limit, seconds):
        """Count one post for ``key``; False when ``limit`` posts were already counted in
        the last ``seconds`` (the post is then refused and not counted)."""
        Throttle = self.sudo()  # sudo: the visitor is the public user, with no rights here
        Throttle.search([("key", "=", key),
                         ("create_date", "<", self._since(seconds))]).unlink()
        if self._count(key, seconds) >= limit:
            return False
        Throttle.create({"key": key})
        return True
