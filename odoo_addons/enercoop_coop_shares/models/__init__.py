# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import core_adapter
from . import enercoop_college
from . import enercoop_share_class
from . import res_company
from . import res_partner
from . import enercoop_share_entry
from . import enercoop_subscription_request
from . import account_invoice
from . import enercoop_general_assembly
