from __future__ import annotations

from enercoop_core.flows import parse


def test_f12_lines_by_category(fixture_path):
    run = parse(fixture_path("f12_v1.xml"))
    lines = list(run)
    assert run.rejected == []
    network, service = lines
    assert network["category"] == "network" and network["debit_credit"] == "Y"
    assert network["amount"] == "293.82" and network["vat_rate"] == "20.000"
    assert network["fta"] == "HTALU5" and network["prm"] == "30000000000051"
    assert service["category"] == "service" and service["debit_credit"] == "Z"
    assert service["start"] == "2025-03-10" and service["end"] is None
    assert run.documents[0].kind == "F12" and run.documents[0].part == "detail"


def test_weighted_power_segment_and_recap_records(fixture_path, tmp_path):
    data = open(fixture_path("f12_v1.xml"), "rb").read().replace(
        b"<Tarif_Souscrit>", b"<Code_Segmentation_ERDF>C4</Code_Segmentation_ERDF>"
        b"<Puissance_Ponderee>240.50</Puissance_Ponderee><Tarif_Souscrit>")
    path = tmp_path / "f12.xml"
    path.write_bytes(data)
    lines = list(parse(str(path)))
    assert {(l["weighted_power"], l["subscribed_kva"], l["segment_code"]) for l in lines} == {
        ("240.50", 240.5, "C4")}
    run = parse(fixture_path("f12_recap_v1.xml"))
    recap = list(run)
    assert run.rejected == []
    assert [(r["family"], r["part"], r["code"], r["tariff"], r["amount"]) for r in recap] == [
        ("network_invoice_total", "recap", "CAC", "HTALU5", "293.82"),
        ("network_invoice_total", "recap", "PREST", None, "-35.10")]
    assert recap[0]["invoice_number"] == "F12-77" and len({r["key"] for r in recap}) == 2


def test_tax_file_gives_one_record_per_tax_detail(fixture_path, tmp_path):
    head = open(fixture_path("f12_recap_v1.xml"), "rb").read()
    head = head[:head.index(b"<Type_Tarif>")].replace(b"Detail_Recapitulatif", b"Detail_Taxes")
    data = head + (b"<Autres_Taxes><Type_Taxe>CTA</Type_Taxe><Sous_Total>12.34</Sous_Total>"
                   b"<Detail><Structure>S1</Structure><Assiette>54.84</Assiette>"
                   b"<Coefficient>1</Coefficient><Taux>21.93</Taux><Montant_HT>12.03</Montant_HT>"
                   b"<Taux_TVA_Applicable>5.5</Taux_TVA_Applicable><Unite_Quantite>EUR"
                   b"</Unite_Quantite></Detail>"
                   b"<Detail><Structure>S2</Structure><Assiette>1,5</Assiette><Coefficient>1"
                   b"</Coefficient><Taux>21.93</Taux><Montant_HT>0.31</Montant_HT>"
                   b"<Taux_TVA_Applicable>5.5</Taux_TVA_Applicable><Unite_Quantite>EUR"
                   b"</Unite_Quantite></Detail></Autres_Taxes></Detail_Taxes>")
    path = tmp_path / "taxes.xml"
    path.write_bytes(data)
    run = parse(str(path))
    records = list(run)
    assert [(r["part"], r["code"], r["amount"], r["vat_rate"]) for r in records] == [
        ("taxes", "CTA", "12.03", "5.5")]
    assert records[0]["fields"]["Assiette"] == "54.84"
    # the second detail's base is not a number: rejected, naming the invoice and element
    assert [(r.record, r.path) for r in run.rejected] == [
        ("F12-77", "Autres_Taxes/Detail[2]/Assiette")]
