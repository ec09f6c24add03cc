"""Browser test of the share capital: a back-office subscription, paid, then the register.

Admin creates a subscription request for a new person, validates it (the capital-release
invoice is issued), registers the payment from the invoice with Odoo's payment wizard,
and finds the shares issued; then the register of members PDF is fetched from
``/report/pdf/...`` and its first page turned into an image (poppler's pdftoppm).
Then the share certificate of a member as a real PDF, in English and in French (the
member's language), and the public subscription form, used without logging in.
Screenshots go to artifacts/e2e/.
"""
from __future__ import annotations

import shutil
import subprocess
import time

from conftest import SCREENSHOTS

TIMEOUT_MS = 60000
NEW_MEMBER = "Mathilde Ferrand"


def _pick_many2one(page, field: str, text: str) -> None:
    box = page.locator(".o_form_view .o_field_widget[name=%s] input" % field).first
    box.click()
    box.fill(text)
    item = page.locator("ul.ui-autocomplete:visible li a", has_text=text).first
    item.wait_for(state="visible", timeout=TIMEOUT_MS)
    item.click()


def test_subscribe_pay_and_print_the_register(watched, odoo_url, rpc):
    page = watched.page
    page.goto("%s/web?#action=enercoop_coop_shares.action_enercoop_subscription_request"
              % odoo_url)
    page.wait_for_selector(".o_list_view", timeout=TIMEOUT_MS)
    page.click(".o_list_button_add")
    page.wait_for_selector(".o_form_view.o_form_editable", timeout=TIMEOUT_MS)
    page.fill(".o_field_widget[name=new_name]", NEW_MEMBER)
    page.fill(".o_field_widget[name=new_email]", "mathilde.ferrand@example.org")
    _pick_many2one(page, "share_class_id", "Ordinary shares")
    _pick_many2one(page, "college_id", "Consumers")
    page.fill(".o_field_widget[name=quantity]", "4")
    watched.screenshot("shares_request_new")
    page.click(".o_form_button_save")
    page.wait_for_selector(".o_form_view.o_form_readonly", timeout=TIMEOUT_MS)
    time.sleep(0.5)
    watched.screenshot("shares_request_saved")
    page.click(".o_statusbar_buttons button:has-text('Validate and invoice')")
    page.wait_for_selector(".o_statusbar_status .btn-primary:has-text('Invoiced')",
                           timeout=TIMEOUT_MS)
    request = rpc("enercoop.subscription.request", "search_read",
                  [("partner_id.name", "=", NEW_MEMBER)],
                  fields=["invoice_id", "amount", "state"])[0]
    assert request["state"] == "invoiced"
    assert request["amount"] == 400.0  # 4 shares of class A at 100.00 EUR
    invoice_id = request["invoice_id"][0]

    # the invoice, paid with Odoo's Register Payment wizard
    page.goto("%s/web?#id=%d&model=account.invoice&view_type=form" % (odoo_url, invoice_id))
    pay = page.locator(".o_statusbar_buttons button:visible:has-text('Register Payment')").first
    pay.wait_for(state="visible", timeout=TIMEOUT_MS)
    pay.click()
    page.wait_for_selector(".modal .o_form_view", timeout=TIMEOUT_MS)
    watched.screenshot("shares_register_payment")
    page.click(".modal-footer button:has-text('Validate')")
    page.wait_for_selector(".o_form_view .o_statusbar_status .btn-primary:has-text('Paid')",
                           timeout=TIMEOUT_MS)

    request = rpc("enercoop.subscription.request", "search_read",
                  [("partner_id.name", "=", NEW_MEMBER)], fields=["state", "partner_id"])[0]
    assert request["state"] == "done"
    partner = rpc("res.partner", "read", [request["partner_id"][0]],
                  ["member_number", "member_holdings"])[0]
    assert partner["member_number"] > 0
    assert partner["member_holdings"] == "4 A"

    # the member's form, shares page
    page.goto("%s/web?#id=%d&model=res.partner&view_type=form"
              % (odoo_url, request["partner_id"][0]))
    page.wait_for_selector(".o_form_view", timeout=TIMEOUT_MS)
    page.click(".o_notebook a:has-text('Shares')")
    page.wait_for_selector(".o_field_widget[name=member_holdings]", timeout=TIMEOUT_MS)
    time.sleep(0.5)
    watched.screenshot("shares_member_form")

    # the register of members, as a PDF
    company_id = rpc.xmlid_to_id("base.main_company")
    answer = page.context.request.get(
        "%s/report/pdf/enercoop_coop_shares.report_share_register/%d" % (odoo_url, company_id),
        timeout=120000)
    assert answer.status == 200
    body = answer.body()
    assert body[:4] == b"%PDF"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / "shares_register.pdf"
    pdf.write_bytes(body)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                        str(SCREENSHOTS / "shares_register")], check=True)
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                              stdout=subprocess.PIPE).stdout.decode("utf-8")
        assert NEW_MEMBER in text
    assert watched.errors == []


def _pdf_to_png_and_text(body: bytes, name: str) -> str:
    """Save a PDF in artifacts/e2e, its first page as PNG; return its text ('' without
    poppler)."""
    assert body[:4] == b"%PDF"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / ("%s.pdf" % name)
    pdf.write_bytes(body)
    if not shutil.which("pdftoppm"):
        return ""
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf),
                    str(SCREENSHOTS / name)], check=True)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          stdout=subprocess.PIPE).stdout.decode("utf-8")


def test_share_certificate_pdf_in_the_member_language(watched, odoo_url, rpc):
    """The certificate of a demo member, as a real PDF, in English then in French."""
    members = rpc("res.partner", "search_read", [("member_number", "!=", 0)],
                  fields=["name", "member_number", "lang", "member_share_count"])
    member = [m for m in members if m["member_share_count"]][0]
    for lang, title, signature in (("en_US", "Share certificate", "The chair of the board"),
                                   ("fr_FR", "Attestation de parts sociales",
                                    "Le président du conseil")):
        rpc("res.partner", "write", [member["id"]], {"lang": lang})
        answer = watched.page.context.request.get(
            "%s/report/pdf/enercoop_coop_shares.report_share_certificate/%d"
            % (odoo_url, member["id"]), timeout=120000)
        assert answer.status == 200
        text = _pdf_to_png_and_text(answer.body(), "shares_certificate_%s" % lang[:2])
        if text:
            assert title in text
            assert member["name"] in text
            assert signature in text
            assert str(member["member_number"]) in text
    rpc("res.partner", "write", [member["id"]], {"lang": member["lang"]})


def test_public_subscription_form(browser, odoo_url, rpc):
    """Anyone, not logged in, asks to subscribe shares: errors first, then a request."""
    context = browser.new_context(viewport={"width": 1100, "height": 1000}, locale="en-US")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.goto("%s/shares/subscribe" % odoo_url)
        page.wait_for_selector("form.o_shares_subscribe_form", timeout=TIMEOUT_MS)
        page.fill("input[name=name]", "Élise Public")
        # no email (the browser itself refuses a malformed one), no share class
        page.select_option("select[name=college_id]", label="Consumers")
        page.click("form.o_shares_subscribe_form button[type=submit]")
        page.wait_for_selector(".o_shares_error_message", timeout=TIMEOUT_MS)
        assert page.locator(".o_shares_error[data-field=email]").count() == 1
        assert page.locator(".o_shares_error[data-field=share_class_id]").count() == 1
        page.screenshot(path=str(SCREENSHOTS / "shares_public_form_errors.png"), full_page=True)
        page.fill("input[name=email]", "elise.public@example.org")
        page.fill("input[name=city]", "Grenoble")
        page.select_option("select[name=share_class_id]", index=1)
        page.fill("input[name=quantity]", "2")
        # a person takes longer than the form's minimum fill time (bot protection, 2 s)
        page.wait_for_timeout(2500)
        page.click("form.o_shares_subscribe_form button[type=submit]")
        page.wait_for_selector(".o_shares_subscribe_thanks", timeout=TIMEOUT_MS)
        page.screenshot(path=str(SCREENSHOTS / "shares_public_form_thanks.png"), full_page=True)
    finally:
        context.close()
    requests = rpc("enercoop.subscription.request", "search_read",
                   [("partner_id.email", "=", "elise.public@example.org")],
                   fields=["state", "origin", "quantity"])
    assert [(r["state"], r["origin"], r["quantity"]) for r in requests] == [("draft", "web", 2)]
    assert errors == []
