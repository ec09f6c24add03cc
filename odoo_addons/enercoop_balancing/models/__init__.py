# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# balance_line before balance_day: the day view is made from the lines' table
from . import balance_line
from . import (
    account_invoice,
    balance_day,
    balance_run,
    delivery_point,
    origin_allocation,
    origin_issue,
    origin_statement,
)
