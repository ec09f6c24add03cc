# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Write the demo's production curves: ``flows/R4x_COOPDEMO_PROD_202511_<PRM>.xml``, the
November 2025 injection of the two national demo producers of enercoop_energy, as R4x
documents (30-minute mean powers in whole kW, ``Grandeur_Metier`` PROD), sized to the one
demo consumer with a load curve so that the balance shows both a surplus and a deficit:
the hydro mill at low water (1 kW at night, from 22:00 to 07:00, every other day), the
solar roof 1 kW around midday. Examples, not measures. Run ``python make_demo_flows.py``
after a change; the output is committed.
"""
import datetime as dt
import os

HERE = os.path.dirname(os.path.abspath(__file__))
FIRST, DAYS = dt.date(2025, 11, 1), 30  # November: Paris time is UTC+01:00 all month
PRODUCERS = {
    "30002000000001": lambda day, hour: 1 if day % 2 == 0 and (hour >= 22 or hour < 7)
    else 0,
    "30002000000002": lambda day, hour: 1 if 10 <= hour < 15 and day % 7 != 3 else 0,
}


def document(prm, kw_of):
    points = []
    for day in range(DAYS):
        for slot in range(48):
            moment = dt.datetime.combine(FIRST + dt.timedelta(days=day), dt.time()) + \
                dt.timedelta(minutes=30 * slot)
            points.append('      <Donnees_Point_Mesure Horodatage="%s+01:00" '
                          'Valeur_Point="%d" Statut_Point="R"/>\n'
                          % (moment.isoformat(), round(kw_of(day, slot / 2.0))))
    last = FIRST + dt.timedelta(days=DAYS)
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<Courbe>
  <Entete><Identifiant_Flux>R4x</Identifiant_Flux><Libelle_Flux>Courbe de charge</Libelle_Flux>
    <Identifiant_Emetteur>Enedis</Identifiant_Emetteur>
    <Identifiant_Destinataire>COOPDEMO</Identifiant_Destinataire>
    <Date_Creation>2025-12-02T02:10:00+01:00</Date_Creation></Entete>
  <Corps><Identifiant_PRM>%s</Identifiant_PRM>
    <Donnees_Courbe>
      <Horodatage_Debut>%sT00:00:00+01:00</Horodatage_Debut>
      <Horodatage_Fin>%sT00:00:00+01:00</Horodatage_Fin>
      <Granularite>30</Granularite><Unite_Mesure>kW</Unite_Mesure>
      <Grandeur_Metier>PROD</Grandeur_Metier>
      <Grandeur_Physique>EA</Grandeur_Physique>
%s    </Donnees_Courbe>
  </Corps>
</Courbe>
""" % (prm, FIRST.isoformat(), last.isoformat(), "".join(points)))


def main():
    os.makedirs(os.path.join(HERE, "flows"), exist_ok=True)
    for prm, kw_of in sorted(PRODUCERS.items()):
        path = os.path.join(HERE, "flows", "R4x_COOPDEMO_PROD_202511_%s.xml" % prm)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(document(prm, kw_of))


if __name__ == "__main__":
    main()
