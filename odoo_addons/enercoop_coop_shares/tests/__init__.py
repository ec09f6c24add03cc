# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import test_member
from . import test_translation
from . import test_subscription
from . import test_redemption_transfer
from . import test_share_accounting
from . import test_portal_company
from . import test_assembly
from . import test_membership
from . import test_college_change
from . import test_portal_http
from . import test_certificate
from . import test_access
from . import test_public_form
from . import test_regional_company
from . import test_shares_ui
from . import test_security_register_entries
