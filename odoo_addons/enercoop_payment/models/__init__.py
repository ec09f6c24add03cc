# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import (account_banking_mandate, account_invoice, account_payment_order, billing_run,
               credit_control_policy, payment_instalment, payment_return, payment_schedule,
               payment_demo, report_dunning_due, res_company, supply_contract)
