"""Secrets never appear in output, errors, logs or cassettes."""

import json
import logging
from pathlib import Path

import gspread
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.oauth2 import service_account

from sheets_plan.backends import google as google_mod
from sheets_plan.cli.commands import cli
from sheets_plan.backends.retry import ReliableHTTPClient
from sheets_plan_emulators.google import TOKEN

from .constants import ROBOT

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def key_file(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = json.loads((ROOT / "credentials.example.json").read_text())
    info.update(private_key=pem, private_key_id="f" * 40, client_email=ROBOT)
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps(info))
    return path, pem


def secrets_of(pem: str) -> list[str]:
    body = [line for line in pem.splitlines() if line and "-----" not in line]
    return ["f" * 40, TOKEN, "Bearer", *body[:3], *body[-2:]]


@pytest.fixture
def wired(emu, monkeypatch):
    """The real key parsing, with the traffic going to the emulator."""
    def service_account_client(filename, scopes, http_client):
        service_account.Credentials.from_service_account_file(filename, scopes=scopes)  # parses the key
        return gspread.Client(auth=None, session=emu.session(), http_client=ReliableHTTPClient)

    monkeypatch.setattr(google_mod.gspread, "service_account", service_account_client)
    return emu


@pytest.mark.slow
def test_no_secret_in_any_command_output_or_log(wired, key_file, tmp_path, caplog):
    path, pem = key_file
    folder = wired.add_folder("Team")
    creds = ["--credentials", str(path)]
    runner = CliRunner()
    caplog.set_level(logging.DEBUG)
    outputs = []

    def run(*args):
        result = runner.invoke(cli, [*args, *creds])
        outputs.append(result.output + (result.stderr or ""))
        return result

    sid = run("provision", "Coffee", "--folder", folder, "--admin", "anna@agency.com").stdout.strip()
    run("list", "--folder", folder)
    run("validate", sid, "--as-of", "2026-03-16")
    run("summarize", sid, "--as-of", "2026-03-16")
    run("report", sid, "--as-of", "2026-03-16")
    run("weekly", "--folder", folder, "--as-of", "2026-03-16")
    wired.deny(sid)
    assert run("validate", sid).exit_code == 2                      # an error names the account, not the key
    assert ROBOT in outputs[-1]
    seen = "\n".join(outputs) + caplog.text
    for secret in secrets_of(pem):
        assert secret not in seen, secret


def test_rejected_credentials_say_so_without_the_key(emu, key_file, monkeypatch):
    path, pem = key_file

    def unauthorized(filename, scopes, http_client):
        service_account.Credentials.from_service_account_file(filename, scopes=scopes)
        return gspread.Client(auth=None, session=emu.session(authorized=False), http_client=ReliableHTTPClient)

    monkeypatch.setattr(google_mod.gspread, "service_account", unauthorized)
    result = CliRunner().invoke(cli, ["validate", "1AbC", "--credentials", str(path)])
    assert result.exit_code == 2 and "rejected the credentials" in result.stderr
    for secret in secrets_of(pem):
        assert secret not in result.output


def test_a_broken_key_file_names_the_file_not_its_content(tmp_path):
    path = tmp_path / "credentials.json"
    path.write_text('{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nSECRETSECRET\\n"}')
    result = CliRunner().invoke(cli, ["validate", "1AbC", "--credentials", str(path)])
    assert result.exit_code == 2 and str(path) in result.stderr
    assert "SECRETSECRET" not in result.output


def test_credentials_stay_out_of_git():
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "credentials.json" in ignored and "token.json" in ignored
