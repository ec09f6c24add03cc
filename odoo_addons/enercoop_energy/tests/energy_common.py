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
