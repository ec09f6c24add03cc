# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dunning policies (OCA credit control) made from the core's dunning levels of each
company's terms: an e-mail reminder, a letter, a formal notice, each after its delay. A
level only sends something: no level reduces or cuts the supply (see the README)."""
import html

from odoo import _, api, fields, models

from .. import core_adapter as adapter

CHANNELS = {"email": "email", "letter": "letter", "formal_notice": "letter"}


def _mail_term(text):
    """A level's text as its HTML mail text holds it (one paragraph's content)."""
    return html.escape(text, quote=False)


class CreditControlPolicy(models.Model):
    _inherit = "credit.control.policy"

    enercoop_terms = fields.Boolean(
        string="From the cooperative's terms", readonly=True,
        help="Levels and delays come from the company's payment terms (enercoop_core "
             "payments/data/terms.json); they are rewritten from there.")

    @api.model
    def _enercoop_sync_terms_all(self):
        return self._enercoop_sync_terms(self.env["res.company"].search([]))

    @api.model
    def _enercoop_sync_terms(self, companies):
        """The dunning policy of each company from its terms (created or rewritten), set as
        the company's credit policy. Returns the policies."""
        policies = self.browse()
        english = self.with_context(lang="en_US")
        others = [code for code, _name in self.env["res.lang"].get_installed()
                  if code != "en_US"]
        template = self.env.ref("enercoop_payment.mail_template_dunning")
        for company in companies:
            terms = adapter.terms(company)
            policy = self.search([("company_id", "=", company.id),
                                  ("enercoop_terms", "=", True)], limit=1)
            receivable = self.env["account.account"].search([
                ("company_id", "=", company.id), ("internal_type", "=", "receivable")])
            if not receivable:  # no chart of accounts yet: nothing to follow
                continue
            # the English source, then each other language's text as its translation:
            # a reminder reads in the customer's language (the e-mail template and the
            # letter are rendered in it)
            wanted = {position: dict(english._enercoop_level_texts(level), **{
                "level": position, "computation_mode": "net_days",
                "delay_days": level.days_after_due, "channel": CHANNELS[level.channel],
                "email_template_id": template.id,
            }) for position, level in enumerate(terms.dunning, start=1)}
            # levels kept by number (credit control lines refer to them), others dropped
            levels = []
            for existing in policy.level_ids:
                if existing.level in wanted:
                    levels.append((1, existing.id, wanted.pop(existing.level)))
                else:
                    levels.append((2, existing.id, 0))
            levels += [(0, 0, values) for values in wanted.values()]
            values = {"name": _("Energy bills: reminders (%s)") % company.name,
                      "company_id": company.id, "enercoop_terms": True,
                      "account_ids": [(6, 0, receivable.ids)], "level_ids": levels}
            if policy:
                policy.with_context(lang="en_US").write(values)
            else:
                policy = english.create(values)
            # sudo: the translations of the texts just written (ir.translation is the
            # translators' model)
            translations = self.env["ir.translation"].sudo()
            for lang in others:
                translated = self.with_context(lang=lang)
                for record in policy.level_ids:
                    level = terms.dunning[record.level - 1]
                    texts = translated._enercoop_level_texts(level)
                    del texts["custom_mail_text"]
                    record.with_context(lang=lang).write(texts)
                    # an HTML field is translated term by term (writing it in another
                    # language would change its source): its paragraph's text
                    translations._set_ids(
                        "credit.control.policy.level,custom_mail_text", "model", lang,
                        record.ids, _mail_term(texts["custom_text"]),
                        _mail_term(english._enercoop_level_text(level)))
            company.credit_policy_id = policy
            policies |= policy
        return policies

    @api.model
    def _enercoop_level_texts(self, level):
        """The translatable values of a policy level for the core's dunning ``level``, in
        the language of the context."""
        text = self._enercoop_level_text(level)
        return {"name": level.label(self.env.lang or "en_US"), "custom_text": text,
                "custom_mail_text": "<p>%s</p>" % _mail_term(text)}

    @api.model
    def _enercoop_level_text(self, level):
        if level.channel == "formal_notice":
            return _("Formal notice: the amounts below remain unpaid despite our reminders. "
                     "Please pay them or contact us to agree on a payment plan; you may be "
                     "entitled to help (chèque énergie, Fonds de solidarité pour le "
                     "logement).")
        return _("Unless we are mistaken, the amounts below remain unpaid. Please pay them "
                 "or contact us if you have difficulties.")
