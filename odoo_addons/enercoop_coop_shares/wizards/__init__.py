# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import share_operation_wizard
from . import college_change_wizard
from . import share_register_wizard
