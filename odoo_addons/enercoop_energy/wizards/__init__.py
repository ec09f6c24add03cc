# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import flow_import_wizard
from . import purchase_billing_wizard
