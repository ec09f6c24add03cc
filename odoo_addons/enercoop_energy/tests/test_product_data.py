# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The invoice products of data/product_data.xml follow the core's vocabulary."""
from types import SimpleNamespace

from odoo.tests import common

from enercoop_core.tariffs.vat import BASES as VAT_BASES
from enercoop_core.timeclasses import CLASS_NAMES

from ..models.account_invoice import PRODUCT_BY_CODE, PRODUCT_BY_KIND
from .common import EnercoopCase


@common.at_install(False)
@common.post_install(True)
class TestProductData(EnercoopCase):

    def test_products_follow_the_vocabulary(self):
        # one energy product per time class of enercoop_core.timeclasses, no other: the
        # XML lists them by hand, this test keeps the list the vocabulary's
        data = self.env["ir.model.data"].search([("module", "=", "enercoop_energy"),
                                                 ("model", "=", "product.product")])
        energy = {d.name for d in data if d.name.startswith("product_energy_")}
        self.assertEqual(energy, {"product_energy_%s" % name.lower() for name in CLASS_NAMES})
        Invoice = self.env["account.invoice"]
        for name in CLASS_NAMES:
            product = Invoice._energy_product(SimpleNamespace(code="energy_%s" % name,
                                                              kind="energy"))
            self.assertEqual(product.default_code, "ENE-%s" % name)
        # one product per VAT base (the core's line kinds), and every product of the data
        # file is one an invoice line can name
        for kind in VAT_BASES:
            self.assertTrue(Invoice._energy_product(SimpleNamespace(code=kind, kind=kind)))
        self.assertEqual(set(PRODUCT_BY_CODE.values()) | set(PRODUCT_BY_KIND.values()),
                         {d.name for d in data})
