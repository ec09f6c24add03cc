from pathlib import Path

import pytest

import enercoop_core.billing
from enercoop_core.tariffs.rates import Rates

DEMO_OFFERS = Path(enercoop_core.billing.__file__).parent / "data" / "demo" / "offers.csv"


@pytest.fixture(scope="session")
def rates():
    return Rates.load(DEMO_OFFERS)
