# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import test_partner_role
from . import test_security
from . import test_translation
from . import test_billing_run
from . import test_purchase_billing
from . import test_network_check
from . import test_billing_security
from . import test_flow_import
from . import test_supply_contract
from . import test_supply_contract_version
from . import test_energy_security
from . import test_access
from . import test_security_billing_progress
from . import test_security_reports
from . import test_product_data
from . import test_energy_bill
from . import test_portal_http
