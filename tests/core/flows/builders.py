"""Small generators of flow documents for the tests (structure from the Enedis XSDs)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

try:
    from zoneinfo import ZoneInfo
except ImportError:  # Python < 3.9
    from backports.zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def r15(readings, version="2.3.2"):
    """readings: list of (prm, reading_id, date_text, [(time_class, direction_code, value)])."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<R15><En_Tete_Flux>'
           '<Identifiant_Flux>R15</Identifiant_Flux><Libelle_Flux>R15</Libelle_Flux>'
           '<Version_XSD>%s</Version_XSD><Identifiant_Emetteur>ENEDIS</Identifiant_Emetteur>'
           '<Identifiant_Destinataire>COOP</Identifiant_Destinataire>'
           '<Date_Creation>2025-03-02T00:00:00</Date_Creation>'
           '<Nature_Contrat>GRD-F</Nature_Contrat></En_Tete_Flux>' % version]
    for prm, reading_id, date, regs in readings:
        out.append("<PRM><Id_PRM>%s</Id_PRM><Donnees_Releve><Id_Releve>%s</Id_Releve>"
                   "<Date_Releve>%s</Date_Releve><Niveau_Ouverture_Services>2"
                   "</Niveau_Ouverture_Services><Type_Compteur>CCB</Type_Compteur>"
                   "<Statut_Releve>INITIAL</Statut_Releve><Motif_Releve>CYCL</Motif_Releve>"
                   "<Nature_Index>REEL</Nature_Index>" % (prm, reading_id, date))
        for time_class, direction, value in regs:
            out.append("<Classe_Temporelle><Id_Classe_Temporelle>%s</Id_Classe_Temporelle>"
                       "<Libelle_Classe_Temporelle>%s</Libelle_Classe_Temporelle>"
                       "<Classe_Mesure>1</Classe_Mesure><Unite_Mesure>kWh</Unite_Mesure>"
                       "<Sens_Mesure>%s</Sens_Mesure><Valeur>%s</Valeur></Classe_Temporelle>"
                       % (time_class, time_class, direction, value))
        out.append("</Donnees_Releve></PRM>")
    out.append("</R15>")
    return "".join(out).encode("utf-8")


def day_points(day, step=30):
    """(H text with offset, instant UTC seconds) of every point of a Paris civil day."""
    start = datetime(day.year, day.month, day.day, tzinfo=PARIS).astimezone(timezone.utc)
    end = (datetime(day.year, day.month, day.day, tzinfo=PARIS) + timedelta(days=1)
           ).replace(tzinfo=PARIS).astimezone(timezone.utc)
    out = []
    instant = start + timedelta(minutes=step)
    while instant <= end:
        local = instant.astimezone(PARIS)
        out.append((local.isoformat(), int(instant.timestamp())))
        instant += timedelta(minutes=step)
    return out


def r50(curves, version="1.1.0", with_offset=True):
    """curves: list of (prm, [date]); values are the point's rank times 10 W."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<R50><En_Tete_Flux>'
           '<Identifiant_Flux>R50</Identifiant_Flux>'
           '<Libelle_Flux>Courbes de charge des PRM du segment C5 sur abonnement</Libelle_Flux>'
           '<Version_XSD>%s</Version_XSD><Identifiant_Emetteur>ERDF</Identifiant_Emetteur>'
           '<Identifiant_Destinataire>COOP</Identifiant_Destinataire>'
           '<Date_Creation>2025-03-02T00:00:00+01:00</Date_Creation>'
           '<Identifiant_Contrat>GRD-F999</Identifiant_Contrat>'
           '<Numero_Abonnement>1</Numero_Abonnement><Pas_Publication>30</Pas_Publication>'
           '</En_Tete_Flux>' % version]
    for prm, days in curves:
        out.append("<PRM><Id_PRM>%s</Id_PRM>" % prm)
        for day in days:
            out.append("<Donnees_Releve><Date_Releve>%s</Date_Releve>" % day.isoformat())
            for rank, (stamp, _) in enumerate(day_points(day), 1):
                if not with_offset:
                    stamp = stamp[:19]
                out.append("<PDC><H>%s</H><V>%d</V><IV>0</IV></PDC>" % (stamp, rank * 10))
            out.append("</Donnees_Releve>")
        out.append("</PRM>")
    out.append("</R50>")
    return "".join(out).encode("utf-8")
