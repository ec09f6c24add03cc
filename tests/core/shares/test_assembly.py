from fractions import Fraction

import pytest

from enercoop_core.shares.assembly import (
    Assembly, Proxy, percent, quorum, record_attendance, roll_of_voters)
from enercoop_core.shares.errors import (
    AttendanceError, NotOnRollError, ProxyLimitError, StatutesError)
from enercoop_core.shares.ledger import Ledger
from enercoop_core.shares.operations import CollegeChange, Redemption

from .conftest import D, join, paid


@pytest.fixture
def ledger(statutes):
    ops = []
    for number, college in enumerate(["consumers"] * 4 + ["producers"] * 2 + ["employees"],
                                     start=1):
        ops += [join(number, 10, college), paid(number, "1000.00")]
    ops += [Redemption(D(2022, 1, 10), 7, "A", 10, leaving=True),
            join(8, 2, "employees", day=D(2022, 1, 10)),
            CollegeChange(D(2022, 3, 1), 4, "employees"),
            join(9, 2, "consumers", day=D(2022, 6, 1))]
    return Ledger(statutes, ops)


def test_roll_of_voters_at_a_date(ledger):
    roll = roll_of_voters(ledger, D(2022, 5, 31))
    assert [v.number for v in roll.voters] == [1, 2, 3, 4, 5, 6, 8]  # 7 left, 9 not yet
    assert roll.voter(4).college == "employees"
    assert roll.count_by_college() == {"consumers": 3, "employees": 2, "producers": 2}
    earlier = roll_of_voters(ledger, D(2022, 1, 9))
    assert 7 in earlier and 8 not in earlier and earlier.voter(4).college == "consumers"


def test_attendance_and_proxies(ledger, statutes):
    roll = roll_of_voters(ledger, D(2022, 5, 31))
    att = record_attendance(roll, present=[1, 5], postal=[8],
                            proxies=[Proxy(2, 1), Proxy(3, 1), Proxy(6, 5)],
                            proxy_limit=statutes.proxy_limit)
    assert att.represented == frozenset({2, 3, 6})
    assert att.counted == frozenset({1, 2, 3, 5, 6, 8})
    assert att.proxies_held(1) == 2 and att.holder_of(6) == 5 and att.holder_of(4) is None


def test_proxy_limit_per_holder(ledger, statutes):
    roll = roll_of_voters(ledger, D(2022, 5, 31))
    with pytest.raises(ProxyLimitError) as info:
        record_attendance(roll, present=[1], proxies=[Proxy(2, 1), Proxy(3, 1), Proxy(4, 1)],
                          proxy_limit=statutes.proxy_limit)
    assert info.value.member == 1 and info.value.rule == "proxy_limit"
    assert "holds 3 proxies, more than the limit of 2 (proxy from member 4 refused)" in str(
        info.value)
    # without a limit, any number
    record_attendance(roll, present=[1], proxies=[Proxy(2, 1), Proxy(3, 1), Proxy(4, 1)])


@pytest.mark.parametrize("present, postal, proxies, error", [
    ([1], [], [Proxy(2, 3)], AttendanceError),        # holder not present
    ([1, 2], [], [Proxy(2, 1)], AttendanceError),     # giver attends
    ([1], [2], [Proxy(2, 1)], AttendanceError),       # giver votes by post
    ([1, 3], [], [Proxy(2, 1), Proxy(2, 3)], AttendanceError),  # two proxies
    ([1], [], [Proxy(1, 1)], AttendanceError),
    ([1], [1], [], AttendanceError),
    ([7], [], [], NotOnRollError),                    # former member
    ([1], [], [Proxy(9, 1)], NotOnRollError),         # not yet a member
])
def test_attendance_errors(ledger, present, postal, proxies, error):
    roll = roll_of_voters(ledger, D(2022, 5, 31))
    with pytest.raises(error):
        record_attendance(roll, present, proxies, postal, proxy_limit=2)


def test_quorum(ledger, statutes):
    roll = roll_of_voters(ledger, D(2022, 5, 31))  # 7 voters
    rules = statutes.assemblies["ordinary"]        # 1/4 on first convocation
    one = record_attendance(roll, present=[1])
    two = record_attendance(roll, present=[1], proxies=[Proxy(2, 1)])
    assert not quorum(one, rules).met          # 1 < 7/4
    assert quorum(two, rules).met              # 2 >= 1.75
    assert quorum(one, rules, "second").met    # no quorum on second convocation
    q = quorum(two, rules)
    assert (q.present, q.represented, q.postal, q.counted, q.on_roll) == (1, 1, 0, 2, 7)
    assert q.explain() == ("Quorum: 1 present + 1 represented + 0 by post = 2 of 7 members "
                           "(28.57 %), required 25.00 %: met")


def test_assembly_rules_and_percent(statutes):
    assembly = Assembly(D(2022, 6, 14), "ordinary", roll_date=D(2022, 5, 31))
    assert assembly.roll_day == D(2022, 5, 31)
    assert Assembly(D(2022, 6, 14), "ordinary").roll_day == D(2022, 6, 14)
    assert assembly.rules(statutes).quorum_first == Fraction(1, 4)
    with pytest.raises(StatutesError):
        Assembly(D(2022, 6, 14), "constitutive").rules(statutes)
    assert percent(Fraction(2, 3)) == "66.67" and percent(Fraction(1, 8)) == "12.50"
    assert percent(Fraction(1, 200)) == "0.50" and percent(Fraction(1, 400)) == "0.25"
