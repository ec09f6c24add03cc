# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import directory_config
from . import directory_run
from . import membership
from . import res_company_ldap
from . import res_partner
from . import res_users
from . import share_entry
