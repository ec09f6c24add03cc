# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Factories for the delivery-point, contract and flow tests (enercoop_energy, part A)."""
import os

from enercoop_core.demo import flow_files

from .common import EnercoopCase

USER = "enercoop_energy.group_enercoop_user"
MANAGER = "enercoop_energy.group_enercoop_manager"

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
      <Id_Affaire>%(affair)s</Id_Affaire>
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


def c15_flow(events, created="2025-03-02T03:00:00+01:00"):
    """A C15 document: ``events`` = [(prm, day, code, fta, kva)]."""
    body = C15_HEAD % {"created": created}
    for number, (prm, day, code, fta, kva) in enumerate(events):
        body += C15_PRM % {"prm": prm, "date": day, "code": code, "fta": fta, "kva": kva,
                           "affair": "A%04d" % number,
                           "state": "RESILIE" if code in ("RES", "CFNS") else "EN SERVICE"}
    return (body + "</C15>\n").encode("utf-8")


def demo_flow(name_part):
    """(file name, bytes) of the enercoop_core demo flow whose name contains name_part."""
    path = [p for p in flow_files() if name_part in os.path.basename(p)][0]
    with open(path, "rb") as handle:
        return os.path.basename(path), handle.read()


class EnergyCase(EnercoopCase):
    """A cooperative of its own (child of the main company) with a few delivery points."""

    def setUp(self):
        super(EnergyCase, self).setUp()
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
