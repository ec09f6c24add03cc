"""Browser test of the public subscription form against a robot and against a person.

A robot that fills in the hidden field, or posts the form the moment it is served, gets
no request; a person who takes a few seconds gets one. The founders and employees
colleges are not offered. Screenshots go to artifacts/e2e/.
"""
from __future__ import annotations

from conftest import SCREENSHOTS

TIMEOUT_MS = 60000


def _requests(rpc, email):
    return rpc("enercoop.subscription.request", "search_read",
               [("partner_id.email", "=", email)], fields=["state", "origin", "quantity"])


def test_public_form_refuses_robots_and_takes_a_person(browser, odoo_url, rpc):
    context = browser.new_context(viewport={"width": 1100, "height": 1000}, locale="en-US")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.goto("%s/shares/subscribe" % odoo_url)
        page.wait_for_selector("form.o_shares_subscribe_form", timeout=TIMEOUT_MS)
        colleges = page.locator("select[name=college_id] option").all_inner_texts()
        assert "Consumers" in colleges
        assert "Founders" not in colleges and "Employees" not in colleges
        # the hidden field is out of sight (left of the page): a person never fills it in
        box = page.locator(".o_shares_hp").bounding_box()
        assert box["x"] + box["width"] <= 0
        # a robot: everything filled in at once, the hidden field too
        page.fill("input[name=name]", "Robot Public")
        page.fill("input[name=email]", "robot.public@example.org")
        page.select_option("select[name=college_id]", label="Consumers")
        page.select_option("select[name=share_class_id]", index=1)
        page.fill("input[name=quantity]", "1")
        page.evaluate("document.querySelector('input[name=website]').value = 'x'")
        page.click("form.o_shares_subscribe_form button[type=submit]")
        page.wait_for_selector(".o_shares_error_message", timeout=TIMEOUT_MS)
        assert "could not be accepted" in page.inner_text(".o_shares_error_message")
        page.screenshot(path=str(SCREENSHOTS / "shares_public_form_robot.png"),
                        full_page=True)
        # a person: the hidden field stays empty, the form was served seconds ago
        page.fill("input[name=email]", "person.public@example.org")
        page.fill("input[name=name]", "Person Public")
        page.select_option("select[name=college_id]", label="Consumers")
        page.select_option("select[name=share_class_id]", index=1)
        page.wait_for_timeout(2500)
        page.click("form.o_shares_subscribe_form button[type=submit]")
        page.wait_for_selector(".o_shares_subscribe_thanks", timeout=TIMEOUT_MS)
        page.screenshot(path=str(SCREENSHOTS / "shares_public_form_person.png"),
                        full_page=True)
    finally:
        context.close()
    assert _requests(rpc, "robot.public@example.org") == []
    assert [(r["state"], r["origin"]) for r in _requests(rpc, "person.public@example.org")] \
        == [("draft", "web")]
    assert errors == []
