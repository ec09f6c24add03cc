# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import test_access, test_demo, test_payment_workflow, test_portal, test_translation
