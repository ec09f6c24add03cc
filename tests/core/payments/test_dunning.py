"""Dunning levels (enercoop_core.payments.dunning) and the terms that define them."""
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enercoop_core.errors import InputError
from enercoop_core.payments import dunning, terms

D = dt.date
DUE = D(2026, 10, 5)


def item(invoice="INV/2026/0001", company="coop", residual="61.08", due=DUE):
    return dunning.OpenItem(invoice, company, due, Decimal(residual))


def key(state):
    return state.level.key if state.level else None


def test_levels_of_the_bundled_default_terms():
    # default terms: e-mail 7 days, letter 15, formal notice 30 after the due date
    policy = terms.load_terms("coop")
    assert dunning.level_on(item(), D(2026, 10, 5), policy) is None   # due today
    early = dunning.level_on(item(), D(2026, 10, 11), policy)
    assert (early.days_overdue, key(early)) == (6, None)
    assert (early.next_level.key, early.next_on) == ("reminder", D(2026, 10, 12))
    assert key(dunning.level_on(item(), D(2026, 10, 12), policy)) == "reminder"
    assert key(dunning.level_on(item(), D(2026, 10, 19), policy)) == "reminder"
    letter = dunning.level_on(item(), D(2026, 10, 20), policy)
    assert (key(letter), letter.next_on) == ("letter", D(2026, 11, 4))
    notice = dunning.level_on(item(), D(2026, 11, 4), policy)
    assert (key(notice), notice.next_level, notice.next_on) == ("formal_notice", None, None)
    assert notice.level.label_fr == "Mise en demeure"


def test_level_label_in_a_language():
    notice = terms.load_terms("coop").dunning[-1]
    assert notice.label("fr_FR") == notice.label("fr") == "Mise en demeure"
    assert notice.label("en_US") == notice.label_en != notice.label_fr
    # a language without a text of its own reads English, as Odoo falls back to the source
    assert notice.label("de_DE") == notice.label(None) == notice.label_en


def test_paid_or_credit_is_not_dunned():
    policy = terms.load_terms()
    assert dunning.level_on(item(residual="0.00"), D(2026, 12, 1), policy) is None
    assert dunning.level_on(item(residual="-5.00"), D(2026, 12, 1), policy) is None


def company_terms(levels):
    return terms.terms_from_data({"companies": {"default": {
        "prenotification_days": 14, "dunning": levels}}})


def test_each_company_has_its_policy_and_report_by_level():
    quick = company_terms([{"key": "letter", "channel": "letter", "days_after_due": 3,
                            "label_fr": "Courrier", "label_en": "Letter"}])
    items = [item("A1", "coop"), item("B1", "other", "10.00"), item("A2", "coop", "5.00",
                                                                      D(2026, 9, 1))]
    states = dunning.dunning_states(items, D(2026, 10, 9), {"other": quick})
    assert [(s.item.invoice, key(s)) for s in states] == [
        ("A2", "formal_notice"), ("A1", None), ("B1", "letter")]
    assert dunning.due_by_level(states) == {
        "formal_notice": Decimal("5.00"), "": Decimal("61.08"), "letter": Decimal("10.00")}


@pytest.mark.parametrize("channel", ["cut_off", "power_reduction", "reduce_power", ""])
def test_no_level_may_cut_or_reduce_the_supply(channel):
    with pytest.raises(InputError) as err:
        company_terms([{"key": "x", "channel": channel, "days_after_due": 40,
                        "label_fr": "x", "label_en": "x"}])
    assert err.value.field == "channel"


def test_levels_must_be_in_increasing_delay():
    with pytest.raises(InputError) as err:
        company_terms([
            {"key": "a", "channel": "email", "days_after_due": 15, "label_fr": "a",
             "label_en": "a"},
            {"key": "b", "channel": "letter", "days_after_due": 15, "label_fr": "b",
             "label_en": "b"}])
    assert err.value.field == "days_after_due"


def test_unknown_company_falls_back_to_default_and_missing_default_is_an_error():
    assert terms.terms_from_data({"companies": {"default": {"prenotification_days": 10}}},
                                 "someone").prenotification_days == 10
    with pytest.raises(InputError):
        terms.terms_from_data({"companies": {"x": {"prenotification_days": 10}}}, "y")
    with pytest.raises(InputError):
        terms.terms_from_data({"companies": {"default": {"prenotification_days": 0}}})


@given(st.integers(min_value=-40, max_value=400), st.integers(min_value=1, max_value=60))
def test_level_only_rises_and_only_sends(days, later):
    policy = terms.load_terms()
    on = DUE + dt.timedelta(days=days)
    now = dunning.level_on(item(), on, policy)
    then = dunning.level_on(item(), on + dt.timedelta(days=later), policy)
    order = [None] + [lvl.key for lvl in policy.dunning]
    if now is None:
        assert days <= 0
        return
    assert order.index(key(then)) >= order.index(key(now))
    for state in (now, then):
        assert state.level is None or state.level.channel in terms.CHANNELS
        assert set(vars(state)) == {"item", "on", "days_overdue", "level", "next_level",
                                    "next_on"}
