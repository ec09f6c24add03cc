# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import test_access, test_balance_run, test_ledger, test_statement, test_translation
