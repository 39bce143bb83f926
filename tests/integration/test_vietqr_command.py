import dataclasses
import io
import json
from contextlib import redirect_stderr, redirect_stdout

from django.core.management import load_command_class


@dataclasses.dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run(*args) -> Result:
    """``manage.py vietqr …`` in this process: the same argv parsing, output streams and exit
    status as the command line (``run_from_argv`` prints a CommandError and exits with its
    code), without starting an interpreter."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            load_command_class("payments", "vietqr").run_from_argv(["manage.py", "vietqr", *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())


def test_build_prints_one_line_and_parse_reads_it_back():
    built = run(
        "build",
        "--bin",
        "970436",
        "--account",
        "0011001234567",
        "--amount",
        "150000",
        "--purpose",
        "Thanh toán đơn CS100042",
    )
    assert built.returncode == 0, built.stderr
    payload = built.stdout.strip()
    assert "\n" not in payload and payload.endswith("6304D4C8")
    parsed = run("parse", payload)
    assert parsed.returncode == 0
    assert json.loads(parsed.stdout) == {
        "bank_bin": "970436",
        "bank_name": "Vietcombank",
        "account": "0011001234567",
        "service_code": "QRIBFTTA",
        "initiation": "dynamic",
        "amount": 150000,
        "currency": "704",
        "country": "VN",
        "purpose": "Thanh toan don CS100042",
        "crc": "D4C8",
    }


def test_build_with_bad_input_prints_one_line_on_stderr_and_exits_1():
    result = run("build", "--bin", "999999", "--account", "1")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "CommandError: vietqr build: bank BIN 999999 is not in the NAPAS bank list"
    ]


def test_parse_reports_each_bad_payload_on_its_line_and_exits_1():
    good = "00020101021138540010A00000072701240006970422011008129452690208QRIBFTTA53037045802VN6304d5f3"
    result = run("parse", good, "0002019999")
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["account"] == "0812945269"
    assert lines[1] == {
        "payload": "0002019999",
        "error": "truncated field 99 in the payload: needs 99 characters, 0 left",
    }
