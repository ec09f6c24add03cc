# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public subscription form ``/shares/subscribe``: anyone may ask to subscribe shares.

A valid form creates a contact and a *draft* subscription request in the company of the
site (the public user's company); the back office validates it, which issues the
capital-release invoice. The form is checked twice: the fields here (required, email,
quantity), then the core (class, college, holding limits of the statutes), whose message
is shown on the form; nothing is stored when a check fails. The CSRF token of Odoo's
``type="http"`` routes protects the POST."""
import re

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIELDS = ("name", "email", "phone", "street", "zip", "city", "is_company",
          "representative", "share_class_id", "quantity", "college_id")


class SharesSubscriptionForm(http.Controller):

    def _company(self):
        return request.env.user.company_id

    def _lang(self):
        return getattr(request, "lang", None) or request.env.context.get("lang") or "en_US"

    def _choices(self, company):
        """Share classes and colleges offered on the form (read as superuser: the public
        user has no access to them)."""
        env = request.env(context=dict(request.env.context, lang=self._lang()))
        classes = env["enercoop.share.class"].sudo().search(
            [("company_id", "=", company.id)])
        colleges = env["enercoop.college"].sudo().search(
            [("company_id", "=", company.id), ("active", "=", True)])
        return classes, colleges

    def _render(self, values, errors=None, error_message=None):
        company = self._company()
        classes, colleges = self._choices(company)
        return request.render("enercoop_coop_shares.shares_subscribe_form", {
            "company": company.sudo(), "share_classes": classes, "colleges": colleges,
            "values": values, "errors": errors or {}, "error_message": error_message})

    def _validate(self, post, classes, colleges):
        """Field errors (field name -> message) of the posted form."""
        errors = {}
        if not (post.get("name") or "").strip():
            errors["name"] = _("Give your name.")
        if not EMAIL.match((post.get("email") or "").strip()):
            errors["email"] = _("Give a valid email address.")
        if post.get("is_company") and not (post.get("representative") or "").strip():
            errors["representative"] = _("Give the person who represents the organisation.")
        try:
            quantity = int(post.get("quantity") or 0)
        except ValueError:
            quantity = 0
        if quantity < 1:
            errors["quantity"] = _("Give a whole number of shares, at least 1.")
        if not post.get("share_class_id", "").isdigit() \
                or int(post["share_class_id"]) not in classes.ids:
            errors["share_class_id"] = _("Choose a share class.")
        if not post.get("college_id", "").isdigit() \
                or int(post["college_id"]) not in colleges.ids:
            errors["college_id"] = _("Choose a college.")
        return errors

    @http.route(["/shares/subscribe"], type="http", auth="public", website=True,
                methods=["GET"])
    def subscribe_form(self, **kw):
        return self._render({"quantity": "1"})

    @http.route(["/shares/subscribe"], type="http", auth="public", website=True,
                methods=["POST"])
    def subscribe_post(self, **post):
        values = {key: post.get(key, "") for key in FIELDS}
        company = self._company()
        classes, colleges = self._choices(company)
        errors = self._validate(post, classes, colleges)
        if errors:
            return self._render(values, errors,
                                _("Some fields are missing or wrong: see below."))
        env = request.env(user=request.env.ref("base.user_root").id)
        savepoint = env.cr.savepoint()
        try:
            with savepoint:
                subscription = self._create_request(env, company, post)
                subscription.action_check()
        except UserError as exc:
            return self._render(values, {"share_class_id": exc.name},
                                _("The statutes do not allow this subscription: %s")
                                % exc.name)
        return request.render("enercoop_coop_shares.shares_subscribe_thanks", {
            "company": company.sudo(), "subscription": subscription})

    def _create_request(self, env, company, post):
        representative = False
        if post.get("is_company"):
            representative = env["res.partner"].create({
                "name": post["representative"].strip(), "company_id": company.id,
                "lang": self._lang()})
        partner = env["res.partner"].create({
            "name": post["name"].strip(), "email": post["email"].strip(),
            "phone": (post.get("phone") or "").strip() or False,
            "street": (post.get("street") or "").strip() or False,
            "zip": (post.get("zip") or "").strip() or False,
            "city": (post.get("city") or "").strip() or False,
            "is_company": bool(post.get("is_company")),
            "member_representative_id": representative and representative.id,
            "lang": self._lang(), "company_id": company.id})
        if representative:
            representative.parent_id = partner
        return env["enercoop.subscription.request"].with_context(
            force_company=company.id).create({
                "partner_id": partner.id, "company_id": company.id,
                "share_class_id": int(post["share_class_id"]),
                "college_id": int(post["college_id"]),
                "quantity": int(post["quantity"]), "origin": "web"})
