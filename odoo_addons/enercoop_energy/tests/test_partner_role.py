# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo.tests import common

from odoo.addons.enercoop_energy.models.res_partner import ROLE_FIELDS

from .common import EnercoopCase

ROLE_ACTIONS = {
    "enercoop_energy.action_partner_consumer": "role_consumer",
    "enercoop_energy.action_partner_producer": "role_producer",
    "enercoop_energy.action_partner_partner": "role_partner",
    "enercoop_energy.action_partner_employee": "role_employee",
}


@common.at_install(False)
@common.post_install(True)
class TestPartnerRole(EnercoopCase):

    def setUp(self):
        super().setUp()
        create = self.create_partner
        self.consumer = create("Role test consumer", role_consumer=True)
        self.prosumer = create("Role test prosumer", role_consumer=True,
                               role_producer=True, role_member=True)
        self.producer = create("Role test producer", is_company=True, role_producer=True)
        self.ally = create("Role test partner", is_company=True, role_partner=True)
        self.worker = create("Role test employee", role_employee=True, role_member=True)
        self.nobody = create("Role test no role")
        self.everyone = (self.consumer | self.prosumer | self.producer | self.ally
                         | self.worker | self.nobody)

    def test_each_role_filter_selects_exactly_its_holders(self):
        expected = {
            "role_consumer": self.consumer | self.prosumer,
            "role_producer": self.prosumer | self.producer,
            "role_partner": self.ally,
            "role_member": self.prosumer | self.worker,
            "role_employee": self.worker,
        }
        self.assertEqual(set(expected), set(ROLE_FIELDS))
        for field in ROLE_FIELDS:
            domain = self.search_filter_domain("filter_" + field)
            found = self.Partner.search(domain + [("id", "in", self.everyone.ids)])
            self.assertEqual(found, expected[field], field)

    def test_role_filters_combine_as_alternatives(self):
        # filters of one group are OR-ed by the web client: consumers or producers
        either = ["|"] + self.search_filter_domain("filter_role_consumer") \
            + self.search_filter_domain("filter_role_producer")
        found = self.Partner.search(either + [("id", "in", self.everyone.ids)])
        self.assertEqual(found, self.consumer | self.prosumer | self.producer)

    def test_role_actions_open_contacts_filtered_and_create_holders(self):
        for xmlid, field in ROLE_ACTIONS.items():
            action = self.env.ref(xmlid)
            self.assertEqual(action.res_model, "res.partner", xmlid)
            context = self.action_context(xmlid)
            filter_name = "filter_" + field
            self.assertEqual(context.get("search_default_" + filter_name), 1, xmlid)
            self.search_filter_domain(filter_name)  # the filter the action turns on exists
            created = self.Partner.with_context(context).create({"name": "From " + xmlid})
            held = {f for f in ROLE_FIELDS if created[f]}
            self.assertEqual(held, {field}, xmlid)

    def test_contacts_menu_opens_the_role_actions(self):
        section = self.env.ref("enercoop_energy.menu_contacts")
        self.assertEqual(section.parent_id, self.env.ref("enercoop_energy.menu_root"))
        opened = {"%s,%d" % (m.action._name, m.action.id) for m in section.child_id}
        wanted = {"ir.actions.act_window,%d" % self.env.ref(x).id for x in ROLE_ACTIONS}
        self.assertEqual(opened, wanted)

    def test_roles_are_on_the_partner_form(self):
        view = self.env.ref("base.view_partner_form")
        arch = etree.fromstring(
            self.Partner.fields_view_get(view_id=view.id, view_type="form")["arch"])
        group = arch.xpath("//group[@name='enercoop_roles']")
        self.assertEqual(len(group), 1)
        shown = [f.get("name") for f in group[0].iter("field")]
        self.assertEqual(shown, list(ROLE_FIELDS))

    def test_role_change_is_tracked_in_the_chatter(self):
        self.nobody.write({"role_producer": True})
        tracked = self.env["mail.tracking.value"].search([
            ("mail_message_id.model", "=", "res.partner"),
            ("mail_message_id.res_id", "=", self.nobody.id),
            ("field", "=", "role_producer"),
        ])
        self.assertEqual(len(tracked), 1)
        self.assertEqual(tracked.field_desc, "Producer")
