# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from . import test_access
from . import test_login
from . import test_push
from . import test_sync
from . import test_translation
