# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The public subscription form ``/shares/subscribe``: anyone may ask to subscribe shares.

A valid form creates a *draft* subscription request in the company of the site (the
public user's company); the back office validates it, which issues the capital-release
invoice. What the form accepts:

- every field bounded: lengths (a name of 128 characters at most...), integers read only
  as short runs of digits (no HTTP 500 on 99999999999999999999), the quantity within the
  statutes' maximum per member (core) and the company's largest web request;
- only the colleges open to the public (``enercoop.college.public_subscription``) and the
  classes the statutes let that college hold (core), then the core's full check;
- an e-mail already known matches that contact (its data is not overwritten; what was
  typed goes to the request's chatter); several contacts with it: the request waits for
  the back office to choose one, never a second member;
- bots: a hidden field people leave empty, and a form signed with the time it was served
  (HMAC with the database secret), refused when posted sooner than a person can fill it;
- throttle, kept server-side (``enercoop.web.throttle``): posts per IP address and
  requests per e-mail address over a time window.

The CSRF token of Odoo's ``type="http"`` routes protects the POST; nothing is stored when
a check fails."""
import hashlib
import hmac
import re
import time

from odoo import _, fields, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import html_escape

EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
DIGITS = re.compile(r"^[0-9]{1,9}$")
PHONE = re.compile(r"^[0-9+()./ -]*$")
WEB_ADDRESS = re.compile(r"(://|www\.|<|>)", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# longest accepted value of each text field (characters)
MAX_LENGTH = {"name": 128, "representative": 128, "email": 254, "phone": 32,
              "street": 128, "zip": 16, "city": 64}
FIELDS = ("name", "email", "phone", "street", "zip", "city", "is_company",
          "representative", "share_class_id", "quantity", "college_id", "form_token")
HONEYPOT = "website"
# system parameters enercoop_coop_shares.<name> and their defaults
PARAMS = {"form_min_seconds": 2, "form_max_seconds": 86400,
          "form_ip_limit": 10, "form_ip_window": 3600,
          "form_email_limit": 2, "form_email_window": 86400}


def _param(name):
    return request.env["enercoop.web.throttle"]._param(name, PARAMS[name])


class SharesSubscriptionForm(http.Controller):

    def _company(self):
        return request.env.user.company_id

    def _lang(self):
        return getattr(request, "lang", None) or request.env.context.get("lang") or "en_US"

    # --- the signed time of the form ---------------------------------------------------

    def _signature(self, stamp):
        # sudo: the public user may not read system parameters; the secret never leaves
        secret = request.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        return hmac.new(secret.encode("utf-8"), ("enercoop_shares_form:%d" % stamp).encode(),
                        hashlib.sha256).hexdigest()

    def _new_token(self):
        stamp = int(time.time())
        return "%d.%s" % (stamp, self._signature(stamp))

    def _token_age(self, token):
        """Seconds since the form carrying ``token`` was served; None if forged."""
        stamp, _dot, signature = (token or "").partition(".")
        if not re.match(r"^[0-9]{1,12}$", stamp) or not re.match(r"^[0-9a-f]{64}$", signature):
            return None
        if not hmac.compare_digest(signature, self._signature(int(stamp))):
            return None
        return time.time() - int(stamp)

    # --- choices, rendering ------------------------------------------------------------

    def _choices(self, company):
        """Share classes and the colleges open to the public (read as superuser: the
        public user has no access to them; only their names are shown)."""
        env = request.env(context=dict(request.env.context, lang=self._lang()))
        classes = env["enercoop.share.class"].sudo().search(
            [("company_id", "=", company.id)])
        colleges = env["enercoop.college"].sudo().search(
            [("company_id", "=", company.id), ("active", "=", True),
             ("public_subscription", "=", True)])
        return classes, colleges

    def _render(self, values, errors=None, error_message=None, status=200):
        company = self._company()
        classes, colleges = self._choices(company)
        values = dict(values)
        if self._token_age(values.get("form_token")) is None:
            values["form_token"] = self._new_token()
        response = request.render("enercoop_coop_shares.shares_subscribe_form", {
            "company": company.sudo(), "share_classes": classes, "colleges": colleges,
            "values": values, "errors": errors or {}, "error_message": error_message,
            "honeypot": HONEYPOT})
        response.status_code = status
        return response

    # --- checks ------------------------------------------------------------------------

    def _clean(self, post, name):
        return CONTROL.sub(" ", post.get(name) or "").strip()

    def _validate(self, post, classes, colleges, company):
        """Field errors (field name -> message) of the posted form."""
        errors = {}
        for name, longest in MAX_LENGTH.items():
            if len(self._clean(post, name)) > longest:
                errors[name] = _("At most %d characters.") % longest
        name = self._clean(post, "name")
        if not name:
            errors["name"] = _("Give your name.")
        elif WEB_ADDRESS.search(name):
            errors["name"] = _("A name cannot contain a web address.")
        email = self._clean(post, "email")
        if "email" not in errors and not EMAIL.match(email):
            errors["email"] = _("Give a valid email address.")
        if not PHONE.match(self._clean(post, "phone")):
            errors["phone"] = _("Digits, spaces and + ( ) . - only.")
        representative = self._clean(post, "representative")
        if post.get("is_company") and not representative:
            errors["representative"] = _("Give the person who represents the organisation.")
        elif WEB_ADDRESS.search(representative):
            errors["representative"] = _("A name cannot contain a web address.")
        share_class = college = None
        text = (post.get("share_class_id") or "").strip()
        if DIGITS.match(text) and int(text) in classes.ids:
            share_class = classes.browse(int(text))
        else:
            errors["share_class_id"] = _("Choose a share class.")
        text = (post.get("college_id") or "").strip()
        if DIGITS.match(text) and int(text) in colleges.ids:
            college = colleges.browse(int(text))
        else:
            errors["college_id"] = _("Choose a college.")
        text = (post.get("quantity") or "").strip()
        quantity = int(text) if DIGITS.match(text) else 0
        if quantity < 1:
            errors["quantity"] = _("Give a whole number of shares, at least 1.")
        elif share_class:
            errors.update(self._quantity_errors(company, share_class, college, quantity))
        return errors

    def _quantity_errors(self, company, share_class, college, quantity):
        """The statutes' bounds (core) and the company's largest web request."""
        today = fields.Date.context_today(share_class)
        try:
            # sudo: the statutes and the company's web limit, as the form shows them
            core_class = company.sudo()._shares_statutes().share_class(share_class.code)
            nominal = share_class.sudo()._nominal_on(today)
        except UserError:
            return {"share_class_id": _("This share class cannot be subscribed now.")}
        errors = {}
        if college and not core_class.allows(college.code):
            errors["share_class_id"] = _("Members of the college %s may not hold this "
                                         "class.") % college.name
        maximum = core_class.max_per_member
        largest = company.sudo().shares_web_max_amount
        if maximum is not None and quantity > maximum:
            errors["quantity"] = _("At most %d shares of this class per member.") % maximum
        elif largest and float(nominal) * quantity > largest:
            errors["quantity"] = _("This form takes requests up to %.2f %s; write to us "
                                   "for a larger subscription.") % (
                largest, company.sudo().currency_id.name)
        return errors

    # --- routes ------------------------------------------------------------------------

    @http.route(["/shares/subscribe"], type="http", auth="public", website=True,
                methods=["GET"])
    def subscribe_form(self, **kw):
        return self._render({"quantity": "1"})

    @http.route(["/shares/subscribe"], type="http", auth="public", website=True,
                methods=["POST"])
    def subscribe_post(self, **post):
        # echo at most a little more than each field takes (never a 5,000-character page)
        values = {key: (post.get(key) or "")[:300] for key in FIELDS}
        company = self._company()
        refusal = self._refusal(post, values, company)
        if refusal is not None:
            return refusal
        email = self._clean(post, "email").lower()
        # superuser: the visitor (public user) may neither read contacts nor create
        # requests; what is created is a draft request the back office reviews
        env = request.env(user=request.env.ref("base.user_root").id,
                          context=dict(request.env.context, mail_create_nosubscribe=True,
                                       shares_no_ack_mail=True))
        try:
            with env.cr.savepoint():
                subscription = self._create_request(env, company, post, email)
                if subscription.partner_id:
                    subscription.action_check()
        except UserError as exc:
            return self._render(values, {"share_class_id": exc.name},
                                _("The statutes do not allow this subscription: %s")
                                % exc.name)
        self._acknowledge(subscription, email)
        return request.render("enercoop_coop_shares.shares_subscribe_thanks", {
            "company": company.sudo(), "subscription": subscription})

    def _refusal(self, post, values, company):
        """The page refusing the form (throttled, robot, wrong fields, expired or too
        quick, address already used too often), or None when the request may be made."""
        Throttle = request.env["enercoop.web.throttle"]
        address = request.httprequest.remote_addr or "unknown"
        if not Throttle._hit("ip:%s" % address, _param("form_ip_limit"),
                             _param("form_ip_window")):
            return self._render(values, error_message=_(
                "Too many requests from your connection: try again later."), status=429)
        if post.get(HONEYPOT):
            # a field hidden from people: only robots fill it in
            return self._render(values, error_message=_(
                "Your request could not be accepted."))
        classes, colleges = self._choices(company)
        errors = self._validate(post, classes, colleges, company)
        if errors:
            return self._render(values, errors,
                                _("Some fields are missing or wrong: see below."))
        age = self._token_age(post.get("form_token"))
        if age is None or age > _param("form_max_seconds"):
            values["form_token"] = ""
            return self._render(values, error_message=_(
                "This form has expired: check your entries and send it again."))
        if age < _param("form_min_seconds"):
            return self._render(values, error_message=_(
                "Sent too quickly: check your entries and send the form again."))
        email = self._clean(post, "email").lower()
        if Throttle._count("email:%s" % email, _param("form_email_window")) \
                >= _param("form_email_limit"):
            return self._render(values, error_message=_(
                "We already have requests for this email address: we will contact you."),
                status=429)
        return None

    def _acknowledge(self, subscription, email):
        """The only mail the form sends: the acknowledgement, to the address typed (the
        request's own contact, matched by that address), once per address and window:
        the e-mail counter refuses further requests for the address, so the form cannot
        be used to send mail to anyone else or to send it again and again. Its text is
        ours; the only typed words in it are the name, which may hold no web address."""
        Throttle = request.env["enercoop.web.throttle"]
        first = not Throttle._count("email:%s" % email, _param("form_email_window"))
        Throttle._hit("email:%s" % email, _param("form_email_limit"),
                      _param("form_email_window"))
        if first and subscription.partner_id.email:
            subscription.with_context(shares_no_ack_mail=False)._send(
                "enercoop_coop_shares.mail_template_request_received")

    def _create_request(self, env, company, post, email):
        """The draft request: the contact matched by e-mail, or a new contact, or none
        (several contacts share the address: the back office chooses)."""
        clean = {name: self._clean(post, name) for name in MAX_LENGTH}
        typed = "; ".join("%s: %s" % (name, clean[name]) for name in
                          ("name", "email", "phone", "street", "zip", "city",
                           "representative") if clean[name])
        matches = env["res.partner"]._shares_partners_by_email(email, company)
        values = {"company_id": company.id, "share_class_id": int(post["share_class_id"]),
                  "college_id": int(post["college_id"]),
                  "quantity": int(post["quantity"]), "origin": "web"}
        note = False
        if len(matches) == 1:
            values["partner_id"] = matches.id
            note = _("Matched the existing contact by its email address; the form said: %s") \
                % typed
        elif matches:
            values.update(new_name=clean["name"], new_email=email)
            note = _("Several contacts have this email address: choose the subscriber "
                     "before validating. The form said: %s") % typed
        else:
            values["partner_id"] = self._create_partner(env, company, post, clean).id
        subscription = env["enercoop.subscription.request"].with_context(
            force_company=company.id).create(values)
        if note:
            subscription.message_post(body=html_escape(note), subtype="mail.mt_note")
        return subscription

    def _create_partner(self, env, company, post, clean):
        representative = False
        if post.get("is_company"):
            representative = env["res.partner"].create({
                "name": clean["representative"], "company_id": company.id,
                "lang": self._lang()})
        partner = env["res.partner"].create({
            "name": clean["name"], "email": clean["email"],
            "phone": clean["phone"] or False, "street": clean["street"] or False,
            "zip": clean["zip"] or False, "city": clean["city"] or False,
            "is_company": bool(post.get("is_company")),
            "member_representative_id": representative and representative.id,
            "lang": self._lang(), "company_id": company.id})
        if representative:
            representative.parent_id = partner
        return partner
