from __future__ import annotations

from decimal import Decimal

from enercoop_core.flows import parse


def test_invoice_lines_exact_amounts(fixture_path):
    run = parse(fixture_path("f15_v4.xml"))
    lines = list(run)
    assert [(l["prm"], l["item_id"], l["amount"]) for l in lines] == [
        ("30000000000041", "CG", "1.40"), ("30000000000041", "CSHPH", "41.81"),
        ("30000000000042", "F180", "-12.00")]
    cg, energy, credit = lines
    assert cg["invoice_number"] == "FAC2025040001" and cg["invoice_date"] == "2025-04-01"
    assert (cg["start"], cg["end"], cg["quantity"], cg["unit"]) == (
        "2025-03-01", "2025-03-31", "31", "JOUR")
    assert cg["vat_rate"] == "20" and cg["vat_code"] == "S"
    # 512.5 kWh x 0.0812 EUR/kWh = 41.615 -> the file says 41.81: kept as written
    assert energy["unit_price"] == "0.0812" and energy["quantity"] == "512.5"
    assert credit["vat_rate"] is None and credit["label"] == "Avoir déplacement vain"
    assert sum(Decimal(l["amount"]) for l in lines) == Decimal("31.21")
    assert len({l["key"] for l in lines}) == 3
    assert len(run.rejected) == 1
    rejection = run.rejected[0]
    assert "V3" in rejection.record and "30000000000043" in rejection.record
    assert rejection.path.endswith("Element_Valorise[1]/Montant_HT")


def test_reading_ids_and_origin_invoice_on_the_lines(fixture_path):
    lines = list(parse(fixture_path("f15_v4.xml")))
    cg, energy, credit = lines
    # the valorisation's Releve blocks name the R15 readings it bills (no index in F15)
    assert cg["reading_ids"] == ["R-1", "R-7"] and energy["reading_ids"] == ["R-1", "R-7"]
    assert cg["reading_ids"] is not energy["reading_ids"]
    assert cg["origins"] == [] and credit["reading_ids"] == []
    assert credit["origins"] == [{"invoice_number": "FAC2025030007",
                                  "invoice_date": "2025-03-01", "valuation_id": "V9"}]


def test_releve_without_id_rejects_the_valorisation(fixture_path, tmp_path):
    data = open(fixture_path("f15_v4.xml"), "rb").read().replace(
        b"<Id_Releve>R-7</Id_Releve>", b"<Id_Releve> </Id_Releve>")
    path = tmp_path / "f15.xml"
    path.write_bytes(data)
    run = parse(str(path))
    assert [l["valuation_id"] for l in run] == ["V2"]
    assert run.rejected[0].path == "Donnees_Valorisation[1]/Releve[2]/Id_Releve"


def test_prm_block_fields_and_general_data_totals(fixture_path):
    lines = list(parse(fixture_path("f15_v4.xml")))
    assert [(l["contract_ref"], l["meter_type"]) for l in lines] == [
        ("SC-9", "CCB"), ("SC-9", "CCB"), ("SC-10", "CCB")]
    run = parse(fixture_path("f15_general_v4.xml"))
    (total,) = list(run)
    assert run.rejected == []
    assert (total["family"], total["part"], total["invoice_number"], total["amount"]) == (
        "network_invoice_total", "general", "FAC2025040001", "31.21")
    assert total["fields"]["Montant_Total_TTC"] == "39.85"
    assert total["fields"]["invoice_Date_Debut_Facture"] == "2025-03-01"
    assert [b["block"] for b in total["blocks"]] == ["Groupe_Recapitulatif", "Detail_TVA"]
    assert total["blocks"][0]["items"] == [{"Libelle": "Acheminement", "Montant_HT": "43.21"}]
    assert "Secret" not in repr(total)  # the parties' blocks are not read
