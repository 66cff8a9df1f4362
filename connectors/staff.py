"""Officers' console accounts: argon2 password hashes, the signed session cookie, and the command that
creates an account — ``python -m connectors.staff add <username> --name "Nguyễn Thị Lan"`` (the
password is asked for, or read from standard input when it is not a terminal).

A password has ``MIN_PASSWORD`` characters at least and is not all whitespace (no password-strength
library is installed). A session cookie signs the account's session version: a logout, or a new
password, moves the version on and every earlier cookie of the account stops working."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, TimestampSigner

from connectors import messages as msg
from storage import staff

SESSION_COOKIE = "dvc_staff"
SESSION_HOURS = 10  # one working day at the counter
CSRF_HEADER = "X-Requested-With"  # a cross-site form cannot set it; the console's fetch() always does
MIN_PASSWORD = 12
_hasher = PasswordHasher()
# Verified when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD or not password.strip():
        return msg.STAFF_WEAK_PASSWORD.format(length=MIN_PASSWORD)
    return None


def create_account(username: str, display_name: str, password: str) -> None:
    """Create the account, or give it a new name and password (its sessions end)."""
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    staff.save_account(username, display_name, _hasher.hash(password))


def authenticate(username: str, password: str) -> dict[str, Any] | None:
    """The account if the password is right, else None."""
    account = staff.get_account(username)
    try:
        _hasher.verify(account["password_hash"] if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if account and _hasher.check_needs_rehash(account["password_hash"]):
        staff.set_password_hash(username, _hasher.hash(password))
    return account


def session_value(account: dict[str, Any], key: bytes) -> str:
    """A session cookie for the account, as long as its session version stays."""
    signed = f"{account['session_version']}:{account['username']}"
    return TimestampSigner(key, salt="staff-session").sign(signed).decode()


def session_account(value: str | None, key: bytes) -> dict[str, Any] | None:
    """The account a session cookie was signed for, if it is ours, younger than a working day and of
    the account's current session version (not logged out since)."""
    if not value:
        return None
    try:
        signed = TimestampSigner(key, salt="staff-session").unsign(value, max_age=SESSION_HOURS * 3600).decode()
    except BadSignature:
        return None
    version, _, username = signed.partition(":")
    account = staff.get_account(username) if username else None
    if account is None or str(account["session_version"]) != version:
        return None
    return account


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m connectors.staff", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an officer's account (or reset its name and password)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the name citizens see on the officer's replies")
    args = parser.parse_args(argv)
    password = getpass.getpass("Mật khẩu: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    try:
        create_account(args.username, args.name, password)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    print(f"account {args.username} saved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
