# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import college
from . import share_class
from . import share_class_value
from . import res_company
from . import membership
from . import res_partner
from . import share_entry
from . import subscription_request
from . import account_invoice
from . import general_assembly
from . import assembly_voter
from . import assembly_resolution
from . import assembly_ballot
from . import assembly_college_total
from . import web_throttle
