# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Write the addon's demo flow files into ``demo/flows/`` (examples, not real data).

The demo data of ``enercoop_energy`` (``enercoop_supply_demo.xml``) has 20 consumers and 3
producers; the flow files bundled with ``enercoop_core`` (R15 of 1 Sept .. 1 Dec 2025, R171)
only cover PRMs 30001000000001..06 and two producers. This script writes, after the element
names of the Enedis schemas, the rest of the demo's months of October and November 2025:

- ``R15_COOPDEMO_ADDON_<day>.xml``: index readings on 1 Oct, 1 Nov and 1 Dec 2025 of every
  demo delivery point the core's files do not cover (consumers and the third producer's
  injection point); registers follow the point's FTA and offer. The November file also
  holds a PRM the cooperative does not supply (kept as a rejected record at import);
- ``R50_COOPDEMO_ADDON_202511.xml``: the 30-minute load curve of one consumer for November,
  whose energy is that consumer's November index difference;
- ``C15_COOPDEMO_ADDON_20251002.xml``: one supplier switch in (CFNE) on 1 Oct 2025, which
  activates the draft contract of the last consumer;
- ``F15_COOPDEMO_ADDON_20251105.xml``: the network operator's invoice detail for October of
  three PRMs (management, metering and fixed withdrawal components); the amounts are the
  TURPE the core computes (``--no-core``: none), with one planted difference of 1.00 EUR on
  the fixed component of PRM 30001000000001 for the network check to find;
- ``F15_COOPDEMO_ADDON_20251105_general.xml``: the general data of that invoice (its
  totals excluding VAT, VAT and including VAT, VAT at the rate of the core's VAT table).

Everything is derived from the demo XML and a fixed formula: running the script again
writes the same bytes. The files are imported at install through the normal flow import
(``enercoop.flow.file._demo_import_addon_flows``).

    python odoo_addons/enercoop_energy/demo/make_demo_flows.py           # write
    python odoo_addons/enercoop_energy/demo/make_demo_flows.py --check   # compare only
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from decimal import Decimal

from lxml import etree

import enercoop_core
from enercoop_core.identifiers import prm as prm_id
from enercoop_core.tariffs import vat as vat_rules
from enercoop_core.tariffs.taxes import Taxes
from enercoop_core.timeclasses import (BASE, FOUR_CLASSES, HC, HCB, HCH, HP, HP_HC, HPB, HPH,
                                       derivation, parent, season_of)

HERE = os.path.dirname(os.path.abspath(__file__))
FLOWS_DIR = os.path.join(HERE, "flows")
SUPPLY_DEMO = os.path.join(HERE, "enercoop_supply_demo.xml")
# the core's demo data, wherever the core is installed (a checkout or a wheel)
CORE_DEMO = os.path.join(os.path.dirname(enercoop_core.__file__), "billing", "data", "demo")

READING_DAYS = (dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1))
UNKNOWN_PRM = "30001000000099"  # a PRM the cooperative does not supply: rejected at import
CURVE_MONTH = (dt.date(2025, 11, 1), dt.date(2025, 12, 1))
SWITCH_DAY = dt.date(2025, 10, 1)
NETWORK_PRMS = ("30001000000001", "30001000000007", "30001000000008")
PLANTED = {("30001000000001", "b"): Decimal("1.00")}
#: Libelle_Classe_Temporelle of each class in the demo files
LABELS = {BASE: "Base", HP: "Heures Pleines", HC: "Heures Creuses",
          HPH: "Heures Pleines Saison Haute", HCH: "Heures Creuses Saison Haute",
          HPB: "Heures Pleines Saison Basse", HCB: "Heures Creuses Saison Basse"}
HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Demo data written for enercoop_energy by demo/make_demo_flows.py (not real data),
     after the element names of the Enedis %s v%s schema. -->
"""


def paris_offset(day):
    """UTC offset of Europe/Paris at midnight of ``day`` (+02:00 in summer time)."""
    def last_sunday(year, month):
        last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        return last - dt.timedelta(days=(last.weekday() + 1) % 7)
    summer = last_sunday(day.year, 3) < day <= last_sunday(day.year, 10)
    return "+02:00" if summer else "+01:00"


def instant(day, time="00:00:00"):
    return "%sT%s%s" % (day.isoformat(), time, paris_offset(day))


# ---------------------------------------------------------------------- the demo portfolio
def demo_points():
    """[{prm, fta, kva, direction, offer, company}] of the demo XML, in PRM order."""
    tree = etree.parse(SUPPLY_DEMO)
    points, offers = {}, {}
    for record in tree.iter("record"):
        fields = {f.get("name"): (f.text or f.get("ref") or f.get("eval") or "").strip()
                  for f in record.iter("field")}
        if record.get("model") == "enercoop.delivery.point":
            points[record.get("id")] = {
                "prm": fields["prm"], "fta": fields.get("fta") or "",
                "kva": int(fields.get("subscribed_kva") or 0),
                "direction": fields.get("direction") or "withdrawal",
                "company": fields.get("company_id")}
        elif record.get("model") == "enercoop.supply.contract":
            offers[fields["delivery_point_id"]] = fields["offer_code"]
    for xmlid, point in points.items():
        point["offer"] = offers.get(xmlid)
    return sorted(points.values(), key=lambda p: p["prm"])


def core_prms():
    """PRMs the demo flow files of enercoop_core already cover."""
    found = set()
    for name in sorted(os.listdir(CORE_DEMO)):
        if name.endswith(".xml"):
            tree = etree.parse(os.path.join(CORE_DEMO, name))
            found.update(element.text for element in tree.iter()
                         if element.text and prm_id.is_valid(element.text)
                         and element.text == prm_id.compact(element.text))
    return found


def monthly_kwh(point, rank, month):
    """kWh of one month (a formula, not a measure): about 40 kWh per kVA, more in winter."""
    if point["direction"] == "injection":
        return 2900 + 150 * rank + (1100 if month >= 11 else 0)
    base = 38 * point["kva"] + (rank * 17) % 60
    return int(round(base * (1.35 if month >= 11 else 1.0)))


def distributor_classes(point):
    """The distributor's register classes of a demo point (by its direction and FTA)."""
    if point["direction"] == "injection":
        return FOUR_CLASSES
    if point["fta"] in ("BTINFCUST", "BTINFLU"):
        return (BASE,)
    if point["fta"] == "BTINFMUDT":
        return HP_HC
    return FOUR_CLASSES


def supplier_classes(point):
    """The supplier's register classes of a demo point (by its offer)."""
    distributor = distributor_classes(point)
    if point["direction"] == "injection" or distributor == HP_HC:
        return HP_HC
    if distributor == (BASE,):
        return (BASE,)
    return HP_HC if point["offer"] == "HPHC" else (BASE,)


def registers(point, start_kwh, day):
    """[(owner tag, class, kWh)] at ``day``: ``start_kwh`` = {class: index} updated."""
    distributor = distributor_classes(point)
    out = [("Classe_Temporelle_Distributeur", tc, start_kwh[tc]) for tc in distributor]
    for tc, parts in derivation(supplier_classes(point), distributor).items():
        out.append(("Classe_Temporelle", tc, sum(start_kwh[c] for c in parts)))
    return out


def advance(indexes, point, rank, month):
    """Add one month of energy to the distributor indexes (HP share 62 %, season of the
    month: high November .. March)."""
    kwh = monthly_kwh(point, rank, month)
    high = month in (11, 12, 1, 2, 3)
    classes = [c for c in indexes if season_of(c) is high] or list(indexes)
    if len(classes) == 1:
        indexes[classes[0]] += kwh
        return
    hp = int(round(kwh * 0.62))
    for tc in classes:
        indexes[tc] += hp if (parent(tc) or tc) == HP else kwh - hp


def index_series(points):
    """{prm: [(day, {class: kWh})]} over READING_DAYS, deterministic."""
    series = {}
    for rank, point in enumerate(points, 1):
        classes = distributor_classes(point)
        indexes = {c: 1000 * rank + 731 * k + 150 for k, c in enumerate(classes)}
        days = []
        for number, day in enumerate(READING_DAYS):
            if number:
                advance(indexes, point, rank, READING_DAYS[number - 1].month)
            days.append((day, dict(indexes)))
        series[point["prm"]] = days
    return series


# ---------------------------------------------------------------------- R15
def r15(points, series, day):
    out = [HEADER % ("R15", "2.3.2"), "<R15>\n  <En_Tete_Flux>\n"
           "    <Identifiant_Flux>R15</Identifiant_Flux>\n"
           "    <Libelle_Flux>Releves et evenements C5 P4 (demo)</Libelle_Flux>\n"
           "    <Version_XSD>2.3.2</Version_XSD>\n"
           "    <Identifiant_Emetteur>ENEDIS</Identifiant_Emetteur>\n"
           "    <Identifiant_Destinataire>COOPDEMO</Identifiant_Destinataire>\n"
           "    <Date_Creation>%sT05:00:00</Date_Creation>\n"
           "    <Nature_Contrat>GRD-F</Nature_Contrat>\n  </En_Tete_Flux>\n" % day.isoformat()]
    listed = [(p, dict(series[p["prm"]])[day]) for p in points]
    if day == READING_DAYS[1]:
        stranger = {"prm": UNKNOWN_PRM, "fta": "BTINFCUST", "kva": 6,
                    "direction": "withdrawal", "offer": "BASE"}
        listed.append((stranger, {BASE: 4321}))
    for point, indexes in listed:
        out.append("  <PRM>\n    <Id_PRM>%s</Id_PRM>\n    <Donnees_Releve>\n"
                   "      <Id_Releve>DEMO-%s-%s</Id_Releve>\n"
                   "      <Date_Releve>%s</Date_Releve>\n"
                   "      <Niveau_Ouverture_Services>2</Niveau_Ouverture_Services>\n"
                   "      <Type_Compteur>CCB</Type_Compteur>\n"
                   "      <Statut_Releve>INITIAL</Statut_Releve>\n"
                   "      <Motif_Releve>CYCL</Motif_Releve>\n"
                   "      <Nature_Index>REEL</Nature_Index>\n"
                   % (point["prm"], point["prm"][-4:], day.strftime("%Y%m%d"), instant(day)))
        direction = "1" if point["direction"] == "injection" else "0"
        for tag, tc, kwh in registers(point, indexes, day):
            out.append("      <%s>\n        <Id_Classe_Temporelle>%s</Id_Classe_Temporelle>\n"
                       "        <Libelle_Classe_Temporelle>%s</Libelle_Classe_Temporelle>\n"
                       "        <Classe_Mesure>1</Classe_Mesure>\n"
                       "        <Unite_Mesure>kWh</Unite_Mesure>\n"
                       "        <Sens_Mesure>%s</Sens_Mesure>\n"
                       "        <Valeur>%d</Valeur>\n      </%s>\n"
                       % (tag, tc, LABELS[tc], direction, kwh, tag))
        out.append("    </Donnees_Releve>\n  </PRM>\n")
    out.append("</R15>\n")
    return "".join(out)


# ---------------------------------------------------------------------- R50
def r50(point, series):
    """November's curve of ``point``: mean power (W) per 30 minutes, the time stamp ending
    its interval; evening and morning peaks; the month's energy = the index difference."""
    start, end = CURVE_MONTH
    days = dict(series[point["prm"]])
    total_wh = 1000 * (sum(days[end].values()) - sum(days[start].values()))
    weights = []
    for k in range(1, 49):
        hour = (k - 1) / 2.0
        weights.append(1.0 + (1.6 if 6.5 <= hour < 9 else 0) + (2.2 if 18 <= hour < 22 else 0))
    day_count = (end - start).days
    # W = 2 x Wh over 30 minutes; every day alike, the remainder of the month's 2 x Wh
    # shared out one watt at a time (largest fractions first): the curve's energy is exact
    units = 2 * total_wh
    share = [units * w / (sum(weights) * day_count) for w in weights]
    values = [[int(s) for s in share] for _ in range(day_count)]
    left = units - sum(map(sum, values))
    order = sorted(range(48), key=lambda k: (-(share[k] - int(share[k])), k))
    for number in range(left):
        values[number % day_count][order[number // day_count]] += 1
    out = [HEADER % ("R50", "1.1.0"), "<R50>\n  <En_Tete_Flux>\n"
           "    <Identifiant_Flux>R50</Identifiant_Flux>\n"
           "    <Libelle_Flux>Courbes de charge des PRM du segment C5 sur abonnement"
           "</Libelle_Flux>\n    <Version_XSD>1.1.0</Version_XSD>\n"
           "    <Identifiant_Emetteur>ERDF</Identifiant_Emetteur>\n"
           "    <Identifiant_Destinataire>COOPDEMO</Identifiant_Destinataire>\n"
           "    <Date_Creation>%s</Date_Creation>\n"
           "    <Identifiant_Contrat>GRD-F001</Identifiant_Contrat>\n"
           "    <Numero_Abonnement>1</Numero_Abonnement>\n"
           "    <Pas_Publication>30</Pas_Publication>\n  </En_Tete_Flux>\n"
           "  <PRM>\n    <Id_PRM>%s</Id_PRM>\n" % (instant(end, "06:00:00"), point["prm"])]
    for number in range(day_count):
        day = start + dt.timedelta(days=number)
        out.append("    <Donnees_Releve>\n      <Date_Releve>%s</Date_Releve>\n"
                   % day.isoformat())
        for k, value in enumerate(values[number], 1):
            moment = dt.datetime(day.year, day.month, day.day) + dt.timedelta(minutes=30 * k)
            stamp = "%s%s" % (moment.isoformat(), paris_offset(moment.date()))
            out.append("      <PDC><H>%s</H><V>%d</V><IV>0</IV></PDC>\n" % (stamp, value))
        out.append("    </Donnees_Releve>\n")
    out.append("  </PRM>\n</R50>\n")
    return "".join(out)


# ---------------------------------------------------------------------- C15
def c15(point):
    return (HEADER % ("C15", "5.2.0") + "<C15>\n  <En_Tete_Flux>\n"
            "    <Identifiant_Flux>C15</Identifiant_Flux>\n"
            "    <Libelle_Flux>Description de la situation contractuelle des PRM du segment C5"
            "</Libelle_Flux>\n    <Version_XSD>5.2.0</Version_XSD>\n"
            "    <Identifiant_Emetteur>ENEDIS</Identifiant_Emetteur>\n"
            "    <Identifiant_Destinataire>COOPDEMO</Identifiant_Destinataire>\n"
            "    <Date_Creation>%(created)s</Date_Creation>\n  </En_Tete_Flux>\n"
            "  <Contrat>\n    <Identifiant>GRD-F001</Identifiant>\n"
            "    <Nature_Contrat>GRD-F</Nature_Contrat>\n"
            "    <Code_EIC_Responsable_Equilibre>17XDEMO-COOP-00A"
            "</Code_EIC_Responsable_Equilibre>\n"
            "  </Contrat>\n"
            "  <PRM>\n    <Id_PRM>%(prm)s</Id_PRM>\n"
            "    <Segment_Clientele>C5</Segment_Clientele>\n"
            "    <Niveau_Ouverture_Services>2</Niveau_Ouverture_Services>\n"
            "    <Refus_Pose_AMM>false</Refus_Pose_AMM>\n"
            "    <Evenement_Declencheur>\n      <Type_Evenement>CONTRAT</Type_Evenement>\n"
            "      <Date_Evenement>%(date)s</Date_Evenement>\n"
            "      <Nature_Evenement>CFNE</Nature_Evenement>\n"
            "      <Id_Affaire>DEMO-A0001</Id_Affaire>\n    </Evenement_Declencheur>\n"
            "    <Adresse_Installation>\n      <Code_Postal>69001</Code_Postal>\n"
            "      <Code_Commune>69381</Code_Commune>\n"
            "      <Libelle_Commune>LYON 1ER ARRONDISSEMENT</Libelle_Commune>\n"
            "    </Adresse_Installation>\n"
            "    <Situation_Contractuelle>\n      <Etat_Contractuel>EN SERVICE</Etat_Contractuel>\n"
            "      <Ref_Situation_Contractuelle>DEMO-SC-%(short)s</Ref_Situation_Contractuelle>\n"
            "      <Date_Mise_En_Service>%(day)s</Date_Mise_En_Service>\n"
            "      <Num_Sequence>1</Num_Sequence>\n"
            "      <Date_Debut_Num_Sequence>%(day)s</Date_Debut_Num_Sequence>\n"
            "      <Structure_Tarifaire>\n"
            "        <Formule_Tarifaire_Acheminement>%(fta)s</Formule_Tarifaire_Acheminement>\n"
            "        <Puissance_Souscrite>%(kva)d</Puissance_Souscrite>\n"
            "        <Unite_Puissance_Souscrite>kVA</Unite_Puissance_Souscrite>\n"
            "      </Structure_Tarifaire>\n    </Situation_Contractuelle>\n"
            "    <Alimentation>\n      <Etat_Alimentation>ALIM</Etat_Alimentation>\n"
            "      <Date_Debut_Etat_Alimentation>%(day)s</Date_Debut_Etat_Alimentation>\n"
            "      <Mode_Alimentation>MONO</Mode_Alimentation>\n    </Alimentation>\n"
            "  </PRM>\n</C15>\n"
            % {"created": instant(SWITCH_DAY + dt.timedelta(days=1), "03:00:00"),
               "prm": point["prm"], "date": instant(SWITCH_DAY), "short": point["prm"][-4:],
               "day": SWITCH_DAY.isoformat(),
               "fta": point["fta"], "kva": point["kva"]})


# ---------------------------------------------------------------------- F15
ITEMS = (("cg", "ASG%s", "Composante annuelle de gestion"),
         ("cc", "ASCL", "Composante annuelle de comptage"),
         ("b", "ASSF%s", "Composante de soutirage, part fixe"))


def network_amounts(points, use_core=True):
    """{(prm, component): EUR} of October 2025: the TURPE the core computes for the point
    (plus the planted difference), or None without the core."""
    if not use_core:
        return None
    from enercoop_core.billing.model import Contract
    from enercoop_core.billing.network_check import expected_amount
    from enercoop_core.tariffs.rates import Rates
    rates = Rates.load(os.path.join(CORE_DEMO, "offers.csv"))
    start, end = dt.date(2025, 10, 1), dt.date(2025, 11, 1)
    amounts = {}
    for point in points:
        version = Contract(contract_id=point["prm"], prm=point["prm"], fta=point["fta"],
                           kva=point["kva"], offer=point["offer"], start=dt.date(2024, 1, 1),
                           end=None, company="coop-idf", offpeak="", customer="")
        for component, _code, _label in ITEMS:
            amount = expected_amount([version], component, None, start, end, rates)[0]
            amounts[(point["prm"], component)] = amount + PLANTED.get(
                (point["prm"], component), Decimal("0"))
    return amounts


# the En_Tete_Flux of both F15 files of the demo delivery (detail and general data)
F15_FLOW_HEADER = ("  <En_Tete_Flux>\n"
                   "    <Identifiant_Flux>F15</Identifiant_Flux>\n"
                   "    <Libelle_Flux>Donnees de facturation des PRM</Libelle_Flux>\n"
                   "    <Version_XSD>4.0.4</Version_XSD>\n"
                   "    <Identifiant_Emetteur>ENEDIS</Identifiant_Emetteur>\n"
                   "    <Identifiant_Destinataire>COOPDEMO</Identifiant_Destinataire>\n"
                   "    <Date_Creation>2025-11-05T05:00:00+01:00</Date_Creation>\n"
                   "    <Identifiant_Contrat>GRD-F001</Identifiant_Contrat>\n  </En_Tete_Flux>\n")


def f15(points, amounts):
    out = [HEADER % ("F15", "4.0.4"), "<F15_Detail_Facturation>\n" + F15_FLOW_HEADER,
           "  <Rappel_En_Tete>\n    <Num_Facture>DEMO-F15-202511</Num_Facture>\n"
           "    <Date_Facture>2025-11-05</Date_Facture>\n    <Devise>EUR</Devise>\n"
           "  </Rappel_En_Tete>\n"]
    vat_percent = network_vat_percent()
    for number, point in enumerate(points, 1):
        short = point["fta"][5:] if point["fta"].startswith("BTINF") else point["fta"]
        total = sum(amounts[(point["prm"], c)] for c, _code, _label in ITEMS)
        out.append("  <Donnees_Valorisation>\n    <Num_Valorisation>V%d</Num_Valorisation>\n"
                   "    <Type_Facturation>CYCL</Type_Facturation>\n"
                   "    <Total_Valorise_HT>%s</Total_Valorise_HT>\n"
                   "    <Periode_Ante_Migration>false</Periode_Ante_Migration>\n"
                   "    <Donnees_PRM>\n      <Id_PRM>%s</Id_PRM>\n"
                   "      <Code_Commune>69381</Code_Commune>\n"
                   "      <Code_Departement>69</Code_Departement>\n"
                   "      <Ref_Situation_Contractuelle>DEMO-SC-%s</Ref_Situation_Contractuelle>\n"
                   "      <Type_Compteur>CCB</Type_Compteur>\n    </Donnees_PRM>\n"
                   "    <Groupe_Valorise>\n      <Nature_EV>01</Nature_EV>\n"
                   % (number, total, point["prm"], point["prm"][-4:]))
        for component, code, label in ITEMS:
            amount = amounts[(point["prm"], component)]
            out.append("      <Element_Valorise>\n        <Id_EV>%s</Id_EV>\n"
                       "        <Libelle_EV>%s</Libelle_EV>\n"
                       "        <Date_Debut>2025-10-01</Date_Debut>\n"
                       "        <Date_Fin>2025-10-31</Date_Fin>\n"
                       "        <Quantite>31</Quantite>\n"
                       "        <Unite_Quantite>JOUR</Unite_Quantite>\n"
                       "        <Prix_Unitaire>%s</Prix_Unitaire>\n"
                       "        <Montant_HT>%s</Montant_HT>\n"
                       "        <Taux_TVA_Applicable>%s</Taux_TVA_Applicable>\n"
                       "        <Type_TVA_Applicable>TVA NORMALE</Type_TVA_Applicable>\n"
                       "        <Code_Type_TVA_Applicable>S</Code_Type_TVA_Applicable>\n"
                       "        <Date_TVA_Applicable>2025-10-01</Date_TVA_Applicable>\n"
                       "        <Categorie>ACHEM</Categorie>\n"
                       "        <Puissance_Souscrite>%d</Puissance_Souscrite>\n"
                       "        <Formule_Tarifaire_Acheminement>%s"
                       "</Formule_Tarifaire_Acheminement>\n      </Element_Valorise>\n"
                       % (code % short if "%s" in code else code, label,
                          round(amount / 31, 5),  # F15 unit prices have 5 decimals
                          amount, vat_percent, point["kva"], point["fta"]))
        out.append("    </Groupe_Valorise>\n  </Donnees_Valorisation>\n")
    out.append("</F15_Detail_Facturation>\n")
    return "".join(out)


def network_vat_percent():
    """The VAT rate in % of the network invoice's fixed TURPE components of October 2025,
    from the core's VAT table."""
    return vat_rules.rate_percent(Taxes().vat(dt.date(2025, 10, 1), "C5", "turpe_fixed"))


def f15_general(amounts):
    """The general data (``F15_Donnees_Generales``) of the invoice of :func:`f15`:
    its totals (VAT at the core's rate); parties' names, addresses and identifiers are
    fictitious."""
    total = sum(amounts.values(), Decimal("0"))
    vat = vat_rules.amount(total, network_vat_percent())
    address = ("<Ligne_Adresse_1>%s</Ligne_Adresse_1><Ligne_Adresse_4>1 rue de la Demo"
               "</Ligne_Adresse_4><Ligne_Adresse_6_CodePostal>69003"
               "</Ligne_Adresse_6_CodePostal><Ligne_Adresse_6_Localite>LYON"
               "</Ligne_Adresse_6_Localite>")
    party = address % "COOPERATIVE DEMO" + "<Ligne_Adresse_7>FR</Ligne_Adresse_7>"
    return (HEADER % ("F15", "4.0.4") + "<F15_Donnees_Generales>\n" + F15_FLOW_HEADER +
            "  <En_Tete_Message>\n    <Num_Facture>DEMO-F15-202511</Num_Facture>\n"
            "    <Affectation>DEMO-AFFECTATION-01</Affectation>\n"
            "    <Date_Facture>2025-11-05</Date_Facture>\n"
            "    <Type_Facture>C</Type_Facture>\n"
            "    <Type_Facture_DGFIP>380</Type_Facture_DGFIP>\n    <Devise>EUR</Devise>\n"
            "    <Code_Mode_Reglement>P</Code_Mode_Reglement>\n"
            "    <Date_Reglement>2025-12-05</Date_Reglement>\n"
            "    <Delai_Reglement>30</Delai_Reglement>\n"
            "    <Frequence_Facturation>M</Frequence_Facturation>\n"
            "    <Type_Client>1</Type_Client>\n"
            "    <Dematerialisation>D</Dematerialisation>\n"
            "    <Date_Debut_Facture>2025-10-01</Date_Debut_Facture>\n"
            "    <Date_Fin_Facture>2025-10-31</Date_Fin_Facture>\n"
            "    <Categorisation_Facture>DEMO</Categorisation_Facture>\n"
            "    <Donnees_GRD_Legales>" + address % "GESTIONNAIRE DE RESEAU DEMO" +
            "<SIREN>000000000</SIREN><SIRET>00000000000000</SIRET>"
            "<Code_TVA>FR00000000000</Code_TVA><Registre_Commerce>RCS DEMO"
            "</Registre_Commerce><Capital>1000</Capital></Donnees_GRD_Legales>\n"
            "    <Donnees_Payeur>" + party + "</Donnees_Payeur>\n"
            "    <Donnees_Client><Date_Effet_Contrat>2020-01-01</Date_Effet_Contrat>" +
            party + "<Code_TVA>FR11111111111</Code_TVA>"
            "</Donnees_Client>\n  </En_Tete_Message>\n"
            "  <Fin_Message>\n    <Montant_Total_HT>%s</Montant_Total_HT>\n"
            "    <Montant_Total_Lignes_Facture>%s</Montant_Total_Lignes_Facture>\n"
            "    <Montant_Total_Remises>0</Montant_Total_Remises>\n"
            "    <Montant_Total_HTVA>0</Montant_Total_HTVA>\n"
            "    <Montant_Total_TVA>%s</Montant_Total_TVA>\n"
            "    <Montant_Total_TTC>%s</Montant_Total_TTC>\n"
            "    <Nb_Donnees_Valorisation_Total>%d</Nb_Donnees_Valorisation_Total>\n"
            "    <Detail_TVA><Libelle>TVA 20 %%</Libelle>"
            "<Taux_TVA_Applicable>20</Taux_TVA_Applicable>"
            "<Type_TVA_Applicable>TVA NORMALE</Type_TVA_Applicable>"
            "<Code_Type_TVA_Applicable>S</Code_Type_TVA_Applicable>"
            "<Motif_Exoneration_TVA></Motif_Exoneration_TVA>"
            "<Code_Motif_Exoneration_TVA></Code_Motif_Exoneration_TVA>"
            "<Assiette>%s</Assiette><Montant>%s</Montant></Detail_TVA>\n  </Fin_Message>\n"
            "</F15_Donnees_Generales>\n"
            % (total, total, vat, total + vat, len(NETWORK_PRMS), total, vat))


# ---------------------------------------------------------------------- main
def build(use_core=True):
    """{file name: text} of every demo flow file."""
    points = demo_points()
    covered = core_prms()
    missing = [p for p in points if p["prm"] not in covered]
    series = index_series(missing)
    files = {}
    for day in READING_DAYS:
        files["R15_COOPDEMO_ADDON_%s.xml" % day.strftime("%Y%m%d")] = r15(missing, series, day)
    consumers = [p for p in missing if p["direction"] == "withdrawal"]
    files["R50_COOPDEMO_ADDON_202511.xml"] = r50(consumers[0], series)
    files["C15_COOPDEMO_ADDON_20251002.xml"] = c15(consumers[-1])
    network = [p for p in points if p["prm"] in NETWORK_PRMS]
    amounts = network_amounts(network, use_core)
    if amounts is not None:
        files["F15_COOPDEMO_ADDON_20251105.xml"] = f15(network, amounts)
        files["F15_COOPDEMO_ADDON_20251105_general.xml"] = f15_general(amounts)
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="compare with the files in demo/flows/, write nothing")
    parser.add_argument("--no-core", action="store_true",
                        help="do not import enercoop_core (no F15 file)")
    args = parser.parse_args(argv)
    files = build(use_core=not args.no_core)
    stale = []
    if not os.path.isdir(FLOWS_DIR) and not args.check:
        os.makedirs(FLOWS_DIR)
    for name, text in sorted(files.items()):
        path = os.path.join(FLOWS_DIR, name)
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if current != text:
            stale.append(name)
            if not args.check:
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
    for name in stale:
        print(("stale: %s" if args.check else "wrote %s") % os.path.join("flows", name))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
