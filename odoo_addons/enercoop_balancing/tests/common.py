# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the tests of enercoop_balancing share: a cooperative of its own with two consumers
(R50 curves) and two producers (R4x injection curves) over the first days of June 2025,
the builders of those small flow documents, and the core's own balance of the same bytes
(the expectation the stored run is held to)."""
import datetime as dt

import odoo
from odoo.tests import common

from enercoop_core import flows
from enercoop_core.balancing.grid import month_grid
from enercoop_core.balancing.portfolio import balance

from odoo.addons.enercoop_energy.tests.common import EnergyCase

PERIOD = "2025-06"
FIRST = dt.date(2025, 6, 1)
DAYS = 3  # June: Paris time is UTC+02:00
CONSUMERS = {"30009500000001": lambda hour: 1200 if 7 <= hour < 22 else 400,  # W
             "30009500000002": lambda hour: 600}
PRODUCERS = {"30009600000001": ("hydro", lambda hour: 1),  # kW, R4x integers
             "30009600000002": ("solar", lambda hour: 2 if 10 <= hour < 16 else 0)}


def _stamps(days=DAYS):
    for day in range(days):
        for slot in range(48):
            yield day, slot, dt.datetime.combine(FIRST + dt.timedelta(days=day),
                                                 dt.time()) + dt.timedelta(minutes=30 * slot)


def r50_flow(prm, watts, days=DAYS):
    """An R50 document of one PRM: ``watts(hour)`` mean W per half-hour (stamp ENDS it)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<R50><En_Tete_Flux>'
           "<Identifiant_Flux>R50</Identifiant_Flux><Libelle_Flux>Courbes de charge"
           "</Libelle_Flux><Version_XSD>1.1.0</Version_XSD>"
           "<Identifiant_Emetteur>ERDF</Identifiant_Emetteur>"
           "<Identifiant_Destinataire>COOPTEST</Identifiant_Destinataire>"
           "<Date_Creation>2025-06-05T06:00:00+02:00</Date_Creation>"
           "<Identifiant_Contrat>GRD-F001</Identifiant_Contrat>"
           "<Numero_Abonnement>1</Numero_Abonnement><Pas_Publication>30</Pas_Publication>"
           "</En_Tete_Flux><PRM><Id_PRM>%s</Id_PRM>" % prm]
    for day, slot, start in _stamps(days):
        if slot == 0:
            out.append("%s<Donnees_Releve><Date_Releve>%s</Date_Releve>"
                       % ("</Donnees_Releve>" if day else "", start.date().isoformat()))
        end = start + dt.timedelta(minutes=30)
        out.append("<PDC><H>%s+02:00</H><V>%d</V><IV>0</IV></PDC>"
                   % (end.isoformat(), watts(slot / 2.0)))
    out.append("</Donnees_Releve></PRM></R50>\n")
    return "".join(out).encode("utf-8")


def r4x_production_flow(prm, kilowatts, days=DAYS):
    """An R4x document of one producer: ``kilowatts(hour)`` injected, 30-minute steps
    (an R4x stamp STARTS its interval)."""
    points = "".join('<Donnees_Point_Mesure Horodatage="%s+02:00" Valeur_Point="%d" '
                     'Statut_Point="R"/>' % (start.isoformat(), kilowatts(slot / 2.0))
                     for _day, slot, start in _stamps(days))
    last = FIRST + dt.timedelta(days=days)
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<Courbe><Entete><Identifiant_Flux>R4x</Identifiant_Flux><Libelle_Flux>Courbe</Libelle_Flux>
<Identifiant_Emetteur>Enedis</Identifiant_Emetteur>
<Identifiant_Destinataire>COOPTEST</Identifiant_Destinataire>
<Date_Creation>2025-06-05T02:10:00+02:00</Date_Creation></Entete>
<Corps><Identifiant_PRM>%s</Identifiant_PRM><Donnees_Courbe>
<Horodatage_Debut>%sT00:00:00+02:00</Horodatage_Debut>
<Horodatage_Fin>%sT00:00:00+02:00</Horodatage_Fin>
<Granularite>30</Granularite><Unite_Mesure>kW</Unite_Mesure>
<Grandeur_Metier>PROD</Grandeur_Metier><Grandeur_Physique>EA</Grandeur_Physique>
%s</Donnees_Courbe></Corps></Courbe>
""" % (prm, FIRST.isoformat(), last.isoformat(), points)).encode("utf-8")


def portfolio_files():
    files = [("R50_%s.xml" % prm, r50_flow(prm, watts)) for prm, watts in CONSUMERS.items()]
    files += [("R4x_%s.xml" % prm, r4x_production_flow(prm, kw))
              for prm, (_tech, kw) in PRODUCERS.items()]
    return files


def core_balance(files):
    """The core's balance of the same flow bytes: what the run must store."""
    consumers, producers = [], []
    for name, data in files:
        for curve in flows.parse(data, name=name):
            (producers if curve.direction == "injection" else consumers).append(curve)
    return balance(consumers, producers, month_grid(PERIOD))


class BalancingCase(EnergyCase):
    """A cooperative with two supplied points and two producers, curves imported."""

    def setUp(self):
        super().setUp()
        self.Run = self.env["enercoop.balance.run"]
        self.consumers = {}
        for prm in CONSUMERS:
            point = self.create_point(prm)
            self.create_contract(point, date_start="2025-01-01")
            self.consumers[prm] = point
        self.installations = {}
        for number, (prm, (tech, _kw)) in enumerate(sorted(PRODUCERS.items()), 1):
            producer = self.create_partner("Producer %d" % number, role_producer=True)
            point = self.create_point(prm, direction="injection", segment="P4",
                                      partner_id=producer.id)
            self.installations[prm] = self.env["enercoop.production.installation"].create({
                "name": "Plant %d" % number, "partner_id": producer.id, "technology": tech,
                "delivery_point_id": point.id, "company_id": self.company.id})
        self.files = portfolio_files()
        self.import_files(self.files)

    def new_run(self, period=PERIOD, company=None):
        return self.Run.create({"period": period, "company_id": (company or self.company).id})

    def done_run(self):
        run = self.new_run()
        self.assertTrue(run._run_balance(), run.error)
        self.assertEqual(run.state, "done", run.error)
        return run


class BalancingHttpCase(common.HttpCase):
    """An HttpCase whose server sees what the test writes (as enercoop_coop_shares'
    SharesHttpCase does, for the same reason): Odoo 11 serves requests with a test cursor
    opened after the test's own unless test mode is entered first; the test's lock is
    released while it waits for the answers, and each request starts after a savepoint
    "commit" (all rolled back at the end)."""

    registry_test_mode = False

    def setUp(self):
        registry = odoo.registry(common.get_db_name())
        registry.enter_test_mode()
        self.addCleanup(registry.leave_test_mode)
        super().setUp()
        self.cr.release()
        self.addCleanup(self.cr.acquire)

    def url_open(self, url, data=None, timeout=60):
        self.cr.commit()
        return super().url_open(url, data=data, timeout=timeout)
