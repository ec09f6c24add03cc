# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the tests of enercoop_energy share: RPC as a user, factories of contacts, users,
companies, delivery points and contracts, builders of small flow documents, the access
world of the security suites, and readers of the translation files.

- ``EnercoopCase``: contacts and users; ``EnergyCase``: a cooperative of its own with
  delivery points, contracts and flow imports; ``BillingCase``: the demo flow files of
  enercoop_core re-addressed to PRMs of the tests (``PRMS``), imported and billed;
- ``EnercoopAccessMixin``: the people and records of the access suites.
"""
import ast
import datetime as dt
import os
import tempfile
from decimal import Decimal

from lxml import etree

import odoo

from odoo.models import check_method_name
from odoo.service.model import execute_cr
from odoo.tests import common
from odoo.tools.safe_eval import safe_eval

from enercoop_core import flows
from enercoop_core.billing.readings import from_records
from enercoop_core.demo import flow_files

USER = "enercoop_energy.group_enercoop_user"
MANAGER = "enercoop_energy.group_enercoop_manager"


def rpc_call(env, user, model, method, *args, **kwargs):
    """Call ``model.method(*args)`` as ``user`` the way XML-RPC's ``execute_kw`` does
    (private names refused, then ``odoo.api.call_kw``), in the test's transaction."""
    check_method_name(method)
    return execute_cr(env.cr, user.id, model, method, *args, **kwargs)


class EnercoopCase(common.TransactionCase):
    """A transaction rolled back after each test, with factories for contacts and users."""

    def setUp(self):
        super().setUp()
        self.Partner = self.env["res.partner"]

    def create_partner(self, name, **values):
        values["name"] = name
        return self.Partner.create(values)

    def create_user(self, login, group_xmlids):
        """An internal user (not the superuser: record rules and access rights apply)."""
        groups = [self.env.ref(xmlid).id for xmlid in group_xmlids]
        return self.env["res.users"].with_context(no_reset_password=True).create({
            "name": login.replace(".", " ").title(),
            "login": login,
            "email": "%s@example.org" % login,
            "groups_id": [(6, 0, groups)],
            # the test's own time zone: "today" is the same day for every user (a user
            # without one reads dates in UTC, a day behind Paris from 23:00 UTC)
            "tz": self.env.user.tz,
        })

    def rpc(self, user, model, method, *args, **kwargs):
        return rpc_call(self.env, user, model, method, *args, **kwargs)

    def contacts_search_arch(self):
        """The Contacts search view as the web client receives it (inheritance applied)."""
        view = self.env.ref("base.view_res_partner_filter")
        arch = self.Partner.fields_view_get(view_id=view.id, view_type="search")["arch"]
        return etree.fromstring(arch)

    def search_filter_domain(self, name):
        """The evaluated domain of the Contacts search filter called ``name``."""
        found = self.contacts_search_arch().xpath("//filter[@name='%s']" % name)
        self.assertEqual(len(found), 1, "Contacts search view: filter %r" % name)
        return safe_eval(found[0].get("domain"), {"uid": self.env.uid})

    def action_context(self, xmlid):
        action = self.env.ref(xmlid)
        return safe_eval(action.context or "{}", {"uid": self.env.uid})

    def visible_menus(self, user, xmlids):
        """Which of the menus ``xmlids`` the web client loads for ``user``."""
        shown = set(self.env["ir.ui.menu"].sudo(user).load_menus(False)["all_menu_ids"])
        return {x for x in xmlids if self.env.ref(x).id in shown}


class EnercoopAccessMixin:
    """The people of the access suites (``cls.users``: energy user and manager of the
    national cooperative, both with invoicing rights, a regional cooperative's user, an
    accountant, a portal member, the public visitor) and one national record of each
    model (``cls.records``, from the demo data of the national cooperative)."""

    ROLE_GROUPS = {
        "user": ["enercoop_energy.group_enercoop_user", "account.group_account_invoice"],
        "manager": ["enercoop_energy.group_enercoop_manager", "account.group_account_invoice"],
        "regional": ["enercoop_energy.group_enercoop_user", "account.group_account_invoice"],
        "accountant": ["account.group_account_invoice"],
        "portal": ["base.group_portal"],
    }
    RECORD_MODELS = (
        "enercoop.delivery.point", "enercoop.supply.contract",
        "enercoop.supply.contract.version", "enercoop.contract.event", "enercoop.flow.file",
        "enercoop.flow.rejection", "enercoop.meter.reading",
        "enercoop.load.curve", "enercoop.network.invoice.line",
        "enercoop.network.invoice.total", "enercoop.billing.run",
        "enercoop.billing.run.line", "enercoop.invoice.energy.detail",
        "enercoop.production.installation", "enercoop.purchase.contract",
        "enercoop.network.check", "enercoop.network.check.line")
    WIZARD_VALUES = {
        "enercoop.flow.import.wizard": {},
        "enercoop.purchase.billing.wizard": {"period": "2025-10"},
    }

    @classmethod
    def setup_access_world(cls):
        env = cls.env
        cls.national = env.ref("base.main_company")
        cls.regional = env["res.company"].create({
            "name": "Access test regional coop", "parent_id": cls.national.id,
            "currency_id": env.ref("base.EUR").id})
        cls.users = {}
        for role, groups in cls.ROLE_GROUPS.items():
            company = cls.regional if role == "regional" else cls.national
            cls.users[role] = env["res.users"].with_context(no_reset_password=True).create({
                "name": "Access %s" % role, "login": "access.%s" % role,
                "email": "access.%s@example.org" % role,
                "groups_id": [(6, 0, [env.ref(g).id for g in groups])],
                "company_id": company.id, "company_ids": [(6, 0, [company.id])]})
        cls.users["public"] = env.ref("base.public_user")
        cls.records = {}
        for model in cls.RECORD_MODELS:
            cls.records[model] = env[model].search([("company_id", "=", cls.national.id)],
                                                   limit=1)
        if not cls.records["enercoop.contract.event"]:
            point = cls.records["enercoop.delivery.point"]
            cls.records["enercoop.contract.event"] = env["enercoop.contract.event"].create({
                "key": "ACCESS-TEST-EVENT", "prm": point.prm, "event_code": "MES",
                "delivery_point_id": point.id, "company_id": cls.national.id})
        for model in cls.WIZARD_VALUES:
            cls.records[model] = env[model].create(dict(cls.WIZARD_VALUES[model]))
        cls.records["account.invoice"] = env["account.invoice"].search([
            ("company_id", "=", cls.national.id), ("delivery_point_id", "!=", False),
            ("type", "=", "out_invoice")], limit=1)
        cls.records["account.invoice.line"] = cls.records["account.invoice"].invoice_line_ids[:1]

    def rpc(self, user, model, method, *args, **kwargs):
        return rpc_call(self.env, user, model, method, *args, **kwargs)

    def create_partner(self, name, **values):
        values["name"] = name
        return self.env["res.partner"].create(values)


# Source texts whose French translation is the same text (words French spells the same,
# units, codes of the Enedis and TURPE texts).
SAME_IN_FRENCH = frozenset([
    "Code", "Contact", "Contacts", "Date", "Documents", "ID", "Index (Wh)", "Index (kWh)",
    "Injection", "Instant", "Nature", "OK", "Points", "Segment", "Source", "Version",
    "FTA", "PRM", "BTINFCU4", "BTINFCUST", "BTINFLU", "BTINFMU4", "BTINFMUDT", "BTSUPCU4",
    "BTSUPLU4",
    # the bill: identifiers of the French registers, and a French legal form
    "SIREN %s", "SIREN %s, RCS %s", "SCIC SA à capital variable"])


def read_po(path):
    """The (msgid, msgstr) pairs of a gettext file, header entry excluded."""
    entries, key = [], None
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.strip()
            if line.startswith("msgid "):
                entries.append({"msgid": ast.literal_eval(line[6:]), "msgstr": ""})
                key = "msgid"
            elif line.startswith("msgstr "):
                entries[-1]["msgstr"] = ast.literal_eval(line[7:])
                key = "msgstr"
            elif line.startswith('"') and key:
                entries[-1][key] += ast.literal_eval(line)
            else:
                key = None
    return [(e["msgid"], e["msgstr"]) for e in entries if e["msgid"]]


def addon_po_path(addon_file, lang="fr"):
    """i18n/<lang>.po of the addon holding the test module ``addon_file``."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(addon_file))),
                        "i18n", "%s.po" % lang)


# ---------------------------------------------------------------- flow documents
C15_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<C15>
  <En_Tete_Flux>
    <Identifiant_Flux>C15</Identifiant_Flux>
    <Version_XSD>5.2.0</Version_XSD>
    <Identifiant_Emetteur>ENEDIS</Identifiant_Emetteur>
    <Identifiant_Destinataire>COOPTEST</Identifiant_Destinataire>
    <Date_Creation>%(created)s</Date_Creation>
  </En_Tete_Flux>
"""
C15_PRM = """  <PRM>
    <Id_PRM>%(prm)s</Id_PRM>
    <Segment_Clientele>C5</Segment_Clientele>
    <Evenement_Declencheur>
      <Type_Evenement>CONTRAT</Type_Evenement>
      <Date_Evenement>%(date)sT00:00:00+01:00</Date_Evenement>
      <Nature_Evenement>%(code)s</Nature_Evenement>
      <Id_Affaire>%(affair)s</Id_Affaire>%(releves)s
    </Evenement_Declencheur>
    <Situation_Contractuelle>
      <Etat_Contractuel>%(state)s</Etat_Contractuel>
      <Structure_Tarifaire>
        <Formule_Tarifaire_Acheminement>%(fta)s</Formule_Tarifaire_Acheminement>
        <Puissance_Souscrite>%(kva)s</Puissance_Souscrite>
        <Unite_Puissance_Souscrite>kVA</Unite_Puissance_Souscrite>
      </Structure_Tarifaire>
    </Situation_Contractuelle>
  </PRM>
"""


C15_READING = """
        <Donnees_Releve><Code_Qualification>%(side)s</Code_Qualification>
          <Date_Releve>%(date)sT00:00:00+01:00</Date_Releve><Nature_Index>%(nature)s</Nature_Index>
          %(classes)s
        </Donnees_Releve>"""
C15_CLASS = """<Classe_Temporelle_Distributeur><Id_Classe_Temporelle>%s</Id_Classe_Temporelle>
            <Classe_Mesure>1</Classe_Mesure><Unite_Mesure>kWh</Unite_Mesure>
            <Sens_Mesure>0</Sens_Mesure><Valeur>%s</Valeur></Classe_Temporelle_Distributeur>"""


def c15_flow(events, created="2025-03-02T03:00:00+01:00", readings=None):
    """A C15 document: ``events`` = [(prm, day, code, fta, kva)]; ``readings`` = {prm:
    [(Code_Qualification "1" before / "2" after, Nature_Index, [(class, kWh)])]}, the
    indexes read at the PRM's event."""
    body = C15_HEAD % {"created": created}
    for number, (prm, day, code, fta, kva) in enumerate(events):
        releves = "".join(C15_READING % {
            "side": side, "date": day, "nature": nature,
            "classes": "".join(C15_CLASS % item for item in classes)}
            for side, nature, classes in (readings or {}).get(prm, ()))
        body += C15_PRM % {"prm": prm, "date": day, "code": code, "fta": fta, "kva": kva,
                           "affair": "A%04d" % number,
                           "releves": "\n      <Releves>%s\n      </Releves>" % releves
                           if releves else "",
                           "state": "RESILIE" if code in ("RES", "CFNS") else "EN SERVICE"}
    return (body + "</C15>\n").encode("utf-8")


def f15_general_flow(number, total, vat):
    """An F15 general-data document (the invoice's totals): one network_invoice_total."""
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<F15_Donnees_Generales>
  <En_Tete_Flux><Identifiant_Flux>F15</Identifiant_Flux><Version_XSD>4.0.4</Version_XSD>
    <Identifiant_Emetteur>ENEDIS</Identifiant_Emetteur>
    <Identifiant_Destinataire>COOPTEST</Identifiant_Destinataire>
    <Date_Creation>2025-04-02T05:00:00+02:00</Date_Creation></En_Tete_Flux>
  <En_Tete_Message><Num_Facture>%(number)s</Num_Facture><Date_Facture>2025-04-01</Date_Facture>
    <Type_Facture>C</Type_Facture><Devise>EUR</Devise></En_Tete_Message>
  <Fin_Message><Montant_Total_HT>%(total)s</Montant_Total_HT>
    <Montant_Total_TVA>%(vat)s</Montant_Total_TVA></Fin_Message>
</F15_Donnees_Generales>
""" % {"number": number, "total": total, "vat": vat}).encode("utf-8")


def f12_recap_flow(number, lines):
    """An F12 recap document: ``lines`` = [(code, label, amount excl. VAT)], one
    network_invoice_total each."""
    body = "".join(
        "<Recapitulatif><Code_Recapitulatif>%s</Code_Recapitulatif><Libelle_Recapitulatif>%s"
        "</Libelle_Recapitulatif><Sous_Total_HT>%s</Sous_Total_HT><Taux_TVA_Applicable>20.000"
        "</Taux_TVA_Applicable></Recapitulatif>" % line for line in lines)
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<Detail_Recapitulatif>
  <En_Tete_Flux><Identifiant_Flux>F12</Identifiant_Flux><Version_XSD>1.10.4</Version_XSD>
    <Identifiant_Emetteur>Enedis</Identifiant_Emetteur>
    <Date_Creation>2025-04-02T05:00:00+02:00</Date_Creation></En_Tete_Flux>
  <Rappel_En_Tete><Num_Facture>%s</Num_Facture><Date_Facture>2025-04-01</Date_Facture>
    <Devise>EUR</Devise></Rappel_En_Tete>
  <Type_Tarif><Tarif_Souscrit>HTALU5</Tarif_Souscrit>%s</Type_Tarif>
</Detail_Recapitulatif>
""" % (number, body)).encode("utf-8")


R4X_CURVE = """    <Donnees_Courbe>
      <Horodatage_Debut>2025-10-25T00:00:00+02:00</Horodatage_Debut>
      <Horodatage_Fin>2025-10-25T00:20:00+02:00</Horodatage_Fin>
      <Granularite>10</Granularite><Unite_Mesure>%(unit)s</Unite_Mesure>
      <Grandeur_Metier>%(business)s</Grandeur_Metier>
      <Grandeur_Physique>%(physical)s</Grandeur_Physique>
      <Donnees_Point_Mesure Horodatage="2025-10-25T00:00:00+02:00" Valeur_Point="%(value)s"
                            Statut_Point="R"/>
      <Donnees_Point_Mesure Horodatage="2025-10-25T00:10:00+02:00" Valeur_Point="%(value)s"
                            Statut_Point="R"/>
    </Donnees_Courbe>
"""
#: R4x Grandeur_Physique -> (unit, Grandeur_Metier) of the builder's curves
R4X_QUANTITIES = {"EA": ("kW", "CONS"), "ERI": ("kWr", "CONS"), "E": ("V", "")}


def r4x_flow(prm, curves):
    """An R4x document of one PRM: ``curves`` = [(Grandeur_Physique, value)], each two
    10-minute points of that value (kW, kWr or V) on 25 October 2025."""
    body = "".join(R4X_CURVE % {"unit": R4X_QUANTITIES[physical][0], "value": value,
                                "business": R4X_QUANTITIES[physical][1],
                                "physical": physical} for physical, value in curves)
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<Courbe>
  <Entete><Identifiant_Flux>R4x</Identifiant_Flux><Libelle_Flux>Courbe de charge</Libelle_Flux>
    <Identifiant_Emetteur>Enedis</Identifiant_Emetteur>
    <Identifiant_Destinataire>COOPTEST</Identifiant_Destinataire>
    <Date_Creation>2025-10-27T02:10:00+01:00</Date_Creation></Entete>
  <Corps><Identifiant_PRM>%s</Identifiant_PRM>
%s  </Corps>
</Courbe>
""" % (prm, body)).encode("utf-8")


def c12_flow(events):
    """A C12 document: ``events`` = [(prm, day, code, fta, [(time class, power)])], one
    contract_event each (a contractual event of a BT > 36 kVA supply)."""
    blocks = []
    for number, (prm, day, code, fta, powers) in enumerate(events):
        classes = "".join(
            "<Classe_Temporelle_TURPE_Souscrite><Libelle>%s</Libelle><Puissance_Souscrite>%s"
            "</Puissance_Souscrite></Classe_Temporelle_TURPE_Souscrite>" % power
            for power in powers)
        blocks.append("""    <PRM><Identifiant>%(prm)s</Identifiant>
      <Type_Evenement><Contractuel>true</Contractuel><Comptage>false</Comptage>
        <Reseau>false</Reseau><Administratif>false</Administratif>
        <Date_Evenement>%(day)s</Date_Evenement>
        <Situation_Contractuelle><Date_Debut>%(day)s</Date_Debut>
          <Evenement><Nature_Evenement>%(code)s</Nature_Evenement>
            <Numero_Affaire>C12A%(number)04d</Numero_Affaire></Evenement>
          <Option_Tarifaire_TURPE_Souscrite>
            <Option_Tarifaire_TURPE><Libelle>%(fta)s</Libelle></Option_Tarifaire_TURPE>
            %(classes)s
          </Option_Tarifaire_TURPE_Souscrite>
        </Situation_Contractuelle>
        <Alimentation><Alimentation_Principale><Domaine_De_Tension>BTSUP</Domaine_De_Tension>
        </Alimentation_Principale></Alimentation>
      </Type_Evenement>
    </PRM>
""" % {"prm": prm, "day": day, "code": code, "fta": fta, "classes": classes,
               "number": number})
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<C12>
  <En_Tete_Flux><Identifiant_Flux>C12</Identifiant_Flux><Version_XSD>1.12.1</Version_XSD>
    <Identifiant_Emetteur>Enedis</Identifiant_Emetteur>
    <Identifiant_Destinataire>COOPTEST</Identifiant_Destinataire>
    <Date_Creation>2025-03-02T01:00:00+01:00</Date_Creation>
    <Mode_Generation>DELTA</Mode_Generation></En_Tete_Flux>
  <Contrat><Identifiant>GRD-F999</Identifiant>
%s  </Contrat>
</C12>
""" % "".join(blocks)).encode("utf-8")


def r17_flow(readings):
    """An R17 document: ``readings`` = [(prm, fta, [(time class, previous index, new
    index, consumption)])] in kWh, February 2025; each class gives an index register and
    an energy register (the consumption over the period)."""
    blocks = []
    for prm, fta, classes in readings:
        indexes = "".join(
            "<Index_Par_Classe_Temporelle><Classe_Temporelle>%s</Classe_Temporelle><Index>"
            "<Index_Precedent>%s</Index_Precedent><Index_Nouveau>%s</Index_Nouveau></Index>"
            "</Index_Par_Classe_Temporelle>" % (tc, before, after)
            for tc, before, after, _energy in classes)
        energies = "".join(
            "<Conso_Par_Classe_Temporelle><Classe_Temporelle>%s</Classe_Temporelle>"
            "<Quantite_Mesure>%s</Quantite_Mesure></Conso_Par_Classe_Temporelle>"
            % (tc, energy) for tc, _before, _after, energy in classes)
        blocks.append("""  <Corps_PRM><Id_PRM>%(prm)s</Id_PRM><Num_Sous_Lot>SL%(prm)s</Num_Sous_Lot>
    <Segment>C4</Segment>
    <Donnees_Releve><Id_PRM>%(prm)s</Id_PRM><Tarif_Souscrit>%(fta)s</Tarif_Souscrit>
      <Statut_Mesure>INITIAL</Statut_Mesure><Nature_Mesure>REEL</Nature_Mesure>
      <Motif_Releve_Nouveau>FACTURATION</Motif_Releve_Nouveau>
      <Date_Debut_Mesure>2025-02-01</Date_Debut_Mesure>
      <Date_Fin_Mesure>2025-03-01</Date_Fin_Mesure>
      <Donnees_Par_Type_Mesure><Type_Mesure>EA</Type_Mesure><Unite_Mesure>kWh</Unite_Mesure>
        %(indexes)s%(energies)s
      </Donnees_Par_Type_Mesure>
    </Donnees_Releve>
  </Corps_PRM>
""" % {"prm": prm, "fta": fta, "indexes": indexes, "energies": energies})
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<Index_C2_C3_C4>
  <En_Tete_Flux><Identifiant_Flux>R17</Identifiant_Flux><Version_XSD>1.9.1</Version_XSD>
    <Identifiant_Emetteur>Enedis</Identifiant_Emetteur>
    <Identifiant_Destinataire>COOPTEST</Identifiant_Destinataire>
    <Date_Creation>2025-03-02T05:00:00+01:00</Date_Creation></En_Tete_Flux>
%s</Index_C2_C3_C4>
""" % "".join(blocks)).encode("utf-8")


def r171_flow(series):
    """An R171 document (daily indexes of C2-C4 points, namespaced root): ``series`` =
    [(prm, grandeurPhysique, time class, unit, [(dateFin, value)])], withdrawal, the
    distributor's calendar (EA registers; DD overrun durations in seconds...)."""
    body = "".join("""    <serieMesuresDatees><prmId>%s</prmId><type>IDX</type>
      <grandeurMetier>CONS</grandeurMetier><grandeurPhysique>%s</grandeurPhysique>
      <typeCalendrier>D</typeCalendrier><codeClasseTemporelle>%s</codeClasseTemporelle>
      <unite>%s</unite><mesuresDateesListe>%s</mesuresDateesListe></serieMesuresDatees>
""" % (prm, physical, time_class, unit, "".join(
        "<mesureDatee><dateFin>%s</dateFin><valeur>%s</valeur></mesureDatee>" % point
        for point in points)) for prm, physical, time_class, unit, points in series)
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<ns2:R171 xmlns:ns2="http://www.enedis.fr/stm/R171">
  <entete><emetteur>Enedis</emetteur><destinataire>COOPTEST</destinataire>
    <dateHeureCreation>2025-03-02T01:13:01</dateHeureCreation><flux>R171</flux>
    <version>1.2.0</version></entete>
  <serieMesuresDateesListe>
%s  </serieMesuresDateesListe>
</ns2:R171>
""" % body).encode("utf-8")


def r15_flow(readings):
    """An R15 document: ``readings`` = [(prm, reading id, day, [(time class, Classe_Mesure,
    kWh)])]; Classe_Mesure 1 is an index, 2 to 6 an energy over the period."""
    blocks = []
    for prm, reading_id, day, registers in readings:
        classes = "".join(
            "<Classe_Temporelle><Id_Classe_Temporelle>%s</Id_Classe_Temporelle>"
            "<Libelle_Classe_Temporelle>%s</Libelle_Classe_Temporelle>"
            "<Classe_Mesure>%s</Classe_Mesure><Unite_Mesure>kWh</Unite_Mesure>"
            "<Sens_Mesure>0</Sens_Mesure><Valeur>%s</Valeur></Classe_Temporelle>"
            % (tc, tc, measure, value) for tc, measure, value in registers)
        blocks.append("<PRM><Id_PRM>%s</Id_PRM><Donnees_Releve><Id_Releve>%s</Id_Releve>"
                      "<Date_Releve>%s</Date_Releve><Type_Compteur>CCB</Type_Compteur>"
                      "<Statut_Releve>INITIAL</Statut_Releve><Motif_Releve>CYCL</Motif_Releve>"
                      "<Nature_Index>REEL</Nature_Index>%s</Donnees_Releve></PRM>\n"
                      % (prm, reading_id, day, classes))
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<R15><En_Tete_Flux><Identifiant_Flux>R15</Identifiant_Flux><Libelle_Flux>R15</Libelle_Flux>
<Version_XSD>2.3.2</Version_XSD><Identifiant_Emetteur>ENEDIS</Identifiant_Emetteur>
<Identifiant_Destinataire>COOPTEST</Identifiant_Destinataire>
<Date_Creation>2025-03-02T00:00:00+01:00</Date_Creation></En_Tete_Flux>
%s</R15>
""" % "".join(blocks)).encode("utf-8")


def demo_flow(name_part):
    """(file name, bytes) of the enercoop_core demo flow whose name contains name_part."""
    path = [p for p in flow_files() if name_part in os.path.basename(p)][0]
    with open(path, "rb") as handle:
        return os.path.basename(path), handle.read()


class EnergyCase(EnercoopCase):
    """A cooperative of its own (child of the main company) with a few delivery points."""

    def setUp(self):
        super().setUp()
        self.Point = self.env["enercoop.delivery.point"]
        self.Contract = self.env["enercoop.supply.contract"]
        self.FlowFile = self.env["enercoop.flow.file"]
        self.Reading = self.env["enercoop.meter.reading"]
        self.company = self.create_company("Test cooperative")

    def create_company(self, name, parent=None):
        return self.env["res.company"].create({
            "name": name, "currency_id": self.env.ref("base.EUR").id,
            "parent_id": (parent or self.env.ref("base.main_company")).id})

    def create_point(self, prm, company=None, **values):
        values.update({"prm": prm, "company_id": (company or self.company).id})
        values.setdefault("fta", "BTINFCU4")
        values.setdefault("subscribed_kva", 6)
        values.setdefault("partner_id", self.create_partner("Holder %s" % prm,
                                                            role_consumer=True).id)
        return self.Point.create(values)

    def create_contract(self, point, **values):
        values.update({"delivery_point_id": point.id, "partner_id": point.partner_id.id,
                       "company_id": point.company_id.id})
        values.setdefault("offer_code", "BASE")
        values.setdefault("date_start", "2024-01-01")
        return self.Contract.create(values)

    def import_files(self, files, company=None):
        return self.FlowFile._import_files(files, company=company or self.company)

    def create_company_user(self, login, company, groups=(USER,)):
        user = self.create_user(login, list(groups))
        user.write({"company_ids": [(6, 0, [company.id])], "company_id": company.id})
        return user


# ---------------------------------------------------------------- billing
# demo PRM -> PRM of the tests (no clash with the demo data of the database)
PRMS = {
    "30001000000001": "30009100000001",  # BTINFCU4 6 kVA, real indexes every month
    "30001000000002": "30009100000002",  # BTINFMU4 9 kVA, no index on 2025-11-01
    "30002000000001": "30009200000001",  # producer, injection
    "30002000000002": "30009200000002",  # producer, injection
}


def cents(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


def r15_base(prm, readings):
    """A small R15 document (v2.3.2 element names): real BASE indexes of one PRM,
    ``readings`` = [(Date_Releve with offset, kWh)], distributor and supplier registers."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<R15><En_Tete_Flux>'
           "<Identifiant_Flux>R15</Identifiant_Flux><Libelle_Flux>R15</Libelle_Flux>"
           "<Version_XSD>2.3.2</Version_XSD><Identifiant_Emetteur>ENEDIS</Identifiant_Emetteur>"
           "<Identifiant_Destinataire>COOPTEST</Identifiant_Destinataire>"
           "<Date_Creation>2025-12-02T05:00:00</Date_Creation>"
           "<Nature_Contrat>GRD-F</Nature_Contrat></En_Tete_Flux>"]
    for number, (date, kwh) in enumerate(readings):
        out.append("<PRM><Id_PRM>%s</Id_PRM><Donnees_Releve><Id_Releve>T-%s-%d</Id_Releve>"
                   "<Date_Releve>%s</Date_Releve><Niveau_Ouverture_Services>2"
                   "</Niveau_Ouverture_Services><Type_Compteur>CCB</Type_Compteur>"
                   "<Statut_Releve>INITIAL</Statut_Releve><Motif_Releve>CYCL</Motif_Releve>"
                   "<Nature_Index>REEL</Nature_Index>" % (prm, prm[-4:], number, date))
        for tag in ("Classe_Temporelle_Distributeur", "Classe_Temporelle"):
            out.append("<%s><Id_Classe_Temporelle>BASE</Id_Classe_Temporelle>"
                       "<Libelle_Classe_Temporelle>Base</Libelle_Classe_Temporelle>"
                       "<Classe_Mesure>1</Classe_Mesure><Unite_Mesure>kWh</Unite_Mesure>"
                       "<Sens_Mesure>0</Sens_Mesure><Valeur>%d</Valeur></%s>"
                       % (tag, kwh, tag))
        out.append("</Donnees_Releve></PRM>")
    out.append("</R15>\n")
    return "".join(out).encode("utf-8")


class BillingCase(EnercoopCase):

    def setUp(self):
        super().setUp()
        self.company = self.env.user.company_id
        self.company.enercoop_code = "coop-idf"
        self.Run = self.env["enercoop.billing.run"]
        self.flow_dir = tempfile.mkdtemp(prefix="enercoop-billing-test-")
        self.flow_paths = []
        for path in flow_files():
            if not os.path.basename(path).startswith("R15_"):
                continue
            with open(path, "rb") as handle:
                data = handle.read()
            for demo, mine in PRMS.items():
                data = data.replace(demo.encode(), mine.encode())
            target = os.path.join(self.flow_dir, "TEST_" + os.path.basename(path))
            with open(target, "wb") as handle:
                handle.write(data)
            self.flow_paths.append(target)

    def create_point(self, prm, fta="BTINFCU4", kva=6, offpeak="", direction="withdrawal",
                     partner=None, company=None):
        return self.env["enercoop.delivery.point"].create({
            "prm": prm, "fta": fta if direction == "withdrawal" else False,
            "subscribed_kva": kva, "offpeak_hours": offpeak, "direction": direction,
            "segment": "C5" if direction == "withdrawal" else "P4",
            "partner_id": (partner or self.create_partner("Holder %s" % prm)).id,
            "company_id": (company or self.company).id})

    def create_contract(self, point, offer="BASE", start="2024-01-01", name=None):
        return self.env["enercoop.supply.contract"].create({
            "name": name or "T-%s" % point.prm[-4:], "partner_id": point.partner_id.id,
            "delivery_point_id": point.id, "offer_code": offer, "date_start": start,
            "state": "active", "company_id": point.company_id.id})

    def import_flows(self, company=None):
        return self.env["enercoop.flow.file"]._import_paths(
            self.flow_paths, company=company or self.company, source="upload")

    def core_readings(self, prm):
        """The core's readings of ``prm`` read straight from the same files."""
        records = [r for r in flows.parse(self.flow_paths) if r.get("prm") == prm]
        return from_records(records)

    def run_billing(self, period, company=None, batch_size=100):
        run = self.Run.create({"period": period, "company_id": (company or self.company).id,
                               "batch_size": batch_size})
        run.action_run_all()
        return run

    @staticmethod
    def day(text):
        return dt.datetime.strptime(text, "%Y-%m-%d").date()


class EnergyHttpCase(common.HttpCase):
    """An HttpCase whose server sees what the test writes: Odoo 11's HttpCase serves
    requests with a test cursor of its own, opened after the test's cursor. Test mode is
    entered first, so that the test's cursor is the server's; its lock is released while
    the test runs (the test waits for each answer). Everything is rolled back at the end.
    (The same arrangement as enercoop_coop_shares' SharesHttpCase.)"""

    registry_test_mode = False
    TIMEOUT_S = 60  # not Odoo's 10 s: a first page on a loaded machine can take longer

    def setUp(self):
        registry = odoo.registry(common.get_db_name())
        registry.enter_test_mode()
        self.addCleanup(registry.leave_test_mode)
        super().setUp()
        self.cr.release()
        # TransactionCase's clean-up closes the cursor, which releases the lock again
        self.addCleanup(self.cr.acquire)

    def url_open(self, url, data=None, timeout=None):
        # the test cursor rolls back to its last "commit" when a request starts: move that
        # savepoint first, so that what the test wrote is kept for the request
        self.cr.commit()
        return super().url_open(url, data=data, timeout=timeout or self.TIMEOUT_S)
