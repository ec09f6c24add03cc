# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Factories of the billing tests: delivery points and contracts on PRMs of their own, the
demo flow files of enercoop_core re-addressed to those PRMs and imported through the flow
import, and the same files read by the core for the expected figures."""
import datetime as dt
import os
import tempfile
from decimal import Decimal

from enercoop_core import flows
from enercoop_core.billing.readings import from_records
from enercoop_core.demo import flow_files

from .common import EnercoopCase

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
