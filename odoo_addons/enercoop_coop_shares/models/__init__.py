# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import core_adapter
from . import enercoop_college
from . import enercoop_share_class
from . import enercoop_share_class_value
from . import res_company
from . import enercoop_membership
from . import res_partner
from . import enercoop_share_entry
from . import enercoop_subscription_request
from . import account_invoice
from . import enercoop_general_assembly
from . import enercoop_assembly_voter
from . import enercoop_assembly_resolution
from . import enercoop_assembly_ballot
from . import enercoop_assembly_college_total
from . import enercoop_web_throttle
