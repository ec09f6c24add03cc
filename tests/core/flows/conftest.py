from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "enedis"


@pytest.fixture
def fixture_path():
    def get(name: str) -> str:
        return str(FIXTURES / name)
    return get


@pytest.fixture
def shared_enedis():
    if not SHARED.is_dir():
        pytest.skip("../shared/enedis is not present")
    return SHARED.resolve()
