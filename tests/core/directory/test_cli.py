import json

from enercoop_core.cli import main


def test_directory_commands_are_registered(capsys):
    try:
        main(["directory", "plan", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert "--people" in out and "--password-file" in out and "example" in out


def test_bad_people_file_is_a_usage_error_naming_the_file(tmp_path, capsys):
    bad = tmp_path / "p.json"
    bad.write_text("{not json")
    rc = main(["directory", "plan", "--people", str(bad), "--uri", "ldap://127.0.0.1:1/"])
    assert rc == 2
    assert "p.json" in capsys.readouterr().err


def test_bad_partner_record_is_a_usage_error(tmp_path, capsys):
    people = tmp_path / "p.json"
    people.write_text(json.dumps({"partners": [{"id": 3, "name": "X", "roles": ["king"]}]}))
    pw = tmp_path / "pw"
    pw.write_text("secret\n")
    # the records are checked before anything talks to a server
    rc = main(["directory", "sync", "--people", str(people), "--uri", "ldap://127.0.0.1:1/",
               "--bind-dn", "cn=admin,dc=x", "--password-file", str(pw)])
    assert rc == 2
    err = capsys.readouterr().err
    assert "record 3" in err and "field roles" in err
