"""The workbench's tables in the campaign database: users, sessions, login
attempts and the attachment names given with appeals.

They live in the same SQLite file as the campaign (`guidecheck serve --db FILE`)
under their own migration set ("guidecheck-web"), grown by migrations in the
style of store.py: append-only list, each applied once in its own transaction.
Decisions themselves stay in the campaign store's append-only `decisions`
table (guidecheck/review.py); `decision_attachments` only adds the optional
attachment name an appeal carries, and is append-only too.

Session tokens and CSRF tokens are random (secrets.token_urlsafe); only the
sha256 of a session token is stored, so a copy of the database opens no session.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database, Migrations

ROLES = ("reviewer", "department")
MIGRATION_SET = "guidecheck-web"
SESSION_IDLE = timedelta(hours=8)      # a session unused this long is over
SESSION_MAX = timedelta(hours=24)      # and none lives longer than this

_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class UserError(ValueError):
    """A user that cannot be added (bad role, missing department, duplicate name); message in Chinese."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- migrations (append only)

def _w001_users_sessions(db: Database) -> None:
    db["users"].create({"id": int, "name": str, "role": str, "department": str, "password_hash": str,
                        "created_at": str}, pk="id", not_null={"name", "role", "password_hash", "created_at"})
    db["users"].create_index(["name"], unique=True)
    db["sessions"].create({"token_hash": str, "user_id": int, "csrf": str, "created_at": str, "seen_at": str,
                           "client": str}, pk="token_hash", foreign_keys=[("user_id", "users", "id")],
                          not_null={"user_id", "csrf", "created_at", "seen_at"})
    db["sessions"].create_index(["user_id"])
    db["login_failures"].create({"id": int, "name": str, "client": str, "at": str}, pk="id")
    db["login_failures"].create_index(["name", "at"])
    db["login_failures"].create_index(["client", "at"])


def _w002_decision_attachments(db: Database) -> None:
    db["decision_attachments"].create({"decision_id": int, "name": str}, pk="decision_id", not_null={"name"})
    db.execute("CREATE TRIGGER decision_attachments_no_update BEFORE UPDATE ON decision_attachments "
               "BEGIN SELECT RAISE(ABORT, '复核决定只能追加，不能修改'); END")
    db.execute("CREATE TRIGGER decision_attachments_no_delete BEFORE DELETE ON decision_attachments "
               "BEGIN SELECT RAISE(ABORT, '复核决定只能追加，不能删除'); END")


MIGRATIONS: list[Callable[[Database], None]] = [_w001_users_sessions, _w002_decision_attachments]


class _WebMigrations(Migrations):
    migrations_table = "_migrations"


def migrate(db: Database) -> list[str]:
    migrations = _WebMigrations(MIGRATION_SET)
    for step in MIGRATIONS:
        migrations(name=step.__name__.lstrip("_"))(step)
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending


class UserStore:
    """Users and sessions in the campaign database at `path` (created and upgraded on open)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db = Database(self.path)
        self.db.execute("PRAGMA busy_timeout = 10000")
        self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")
        migrate(self.db)

    def close(self) -> None:
        self.db.close()

    # users
    def add_user(self, name: str, role: str, password: str, department: str | None = None) -> int:
        name = (name or "").strip()
        if not name:
            raise UserError("用户名不能为空")
        if role not in ROLES:
            raise UserError(f"未知的角色：{role}（可用：{'、'.join(ROLES)}）")
        department = (department or "").strip() or None
        if role == "department" and not department:
            raise UserError("部门用户必须用 --department 指明所属部门（与名单和计分中的部门名称一致）")
        if role == "reviewer" and department:
            raise UserError("复核人可查看全部部门，不能指定 --department")
        if not password:
            raise UserError("密码不能为空（从标准输入的第一行读取）")
        if self.user_by_name(name):
            raise UserError(f"用户 {name} 已存在")
        return self.db["users"].insert({"name": name, "role": role, "department": department,
                                        "password_hash": _hasher.hash(password),
                                        "created_at": _iso(_now())}).last_pk

    def user_by_name(self, name: str) -> dict | None:
        rows = list(self.db["users"].rows_where("name = ?", [name]))
        return rows[0] if rows else None

    def users(self) -> list[dict]:
        return list(self.db["users"].rows_where(order_by="id"))

    def authenticate(self, name: str, password: str) -> dict | None:
        """The user when name and password match, else None (same work either way)."""
        user = self.user_by_name(name or "")
        try:
            _hasher.verify(user["password_hash"] if user else _DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            return None
        return user

    # login rate limit
    def record_failure(self, name: str, client: str) -> None:
        self.db["login_failures"].insert({"name": name, "client": client, "at": _iso(_now())})

    def recent_failures(self, name: str, client: str, window: timedelta) -> tuple[int, int]:
        """(failures for this name, failures from this client) within `window`."""
        since = _iso(_now() - window)
        by_name = self.db.execute("SELECT count(*) FROM login_failures WHERE name = ? AND at >= ?",
                                  [name, since]).fetchone()[0]
        by_client = self.db.execute("SELECT count(*) FROM login_failures WHERE client = ? AND at >= ?",
                                    [client, since]).fetchone()[0]
        return by_name, by_client

    # sessions
    def create_session(self, user_id: int, client: str = "") -> tuple[str, str]:
        """A new session for the user: (token for the cookie, CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        stamp = _iso(_now())
        with self.db.conn:
            self.db.conn.execute("DELETE FROM sessions WHERE seen_at < ? OR created_at < ?",
                                 [_iso(_now() - SESSION_IDLE), _iso(_now() - SESSION_MAX)])
            self.db.conn.execute("INSERT INTO sessions (token_hash, user_id, csrf, created_at, seen_at, client) "
                                 "VALUES (?, ?, ?, ?, ?, ?)", [_token_hash(token), user_id, csrf, stamp, stamp, client])
        return token, csrf

    def session(self, token: str | None) -> dict | None:
        """The live session a cookie token opens, with its user (name, role, department)."""
        if not token or len(token) > 200:
            return None
        row = self.db.execute(
            "SELECT s.token_hash, s.csrf, s.created_at, s.seen_at, u.id AS user_id, u.name, u.role, u.department "
            "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?", [_token_hash(token)]).fetchone()
        if row is None:
            return None
        data = dict(zip(("token_hash", "csrf", "created_at", "seen_at", "user_id", "name", "role", "department"), row))
        now = _now()
        if data["seen_at"] < _iso(now - SESSION_IDLE) or data["created_at"] < _iso(now - SESSION_MAX):
            self.end_session(token)
            return None
        if data["seen_at"] < _iso(now - timedelta(minutes=1)):  # refresh at most once a minute
            with self.db.conn:
                self.db.conn.execute("UPDATE sessions SET seen_at = ? WHERE token_hash = ?",
                                     [_iso(now), data["token_hash"]])
        return data

    def end_session(self, token: str | None) -> None:
        if token:
            with self.db.conn:
                self.db.conn.execute("DELETE FROM sessions WHERE token_hash = ?", [_token_hash(token)])

    # appeal attachments
    def add_attachment(self, decision_id: int, name: str) -> None:
        with self.db.conn:
            self.db.conn.execute("INSERT INTO decision_attachments (decision_id, name) VALUES (?, ?)",
                                 [decision_id, name])

    def attachments(self, decision_ids: list[int]) -> dict[int, str]:
        if not decision_ids:
            return {}
        marks = ",".join("?" * len(decision_ids))
        return dict(self.db.execute(f"SELECT decision_id, name FROM decision_attachments "
                                    f"WHERE decision_id IN ({marks})", decision_ids).fetchall())
