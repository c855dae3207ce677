"""Settings: the one place that reads the process environment.

Every other module asks `get_settings()`; nothing else touches `os.environ`.
Settings are frozen dataclasses grouped by concern, in the manner of
litestar-fullstack's `lib/settings.py`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class DatabaseSettings:
    """Where the data lives: SQLite under var/ unless DATABASE_URL names PostgreSQL."""

    url: str | None
    sqlite_path: Path
    pool: bool = True  # PostgreSQL connection pool per event loop
    sqlite_group_commit: bool = True  # SQLite: concurrent write transactions share one COMMIT (portal.db.group)

    @property
    def is_postgres(self) -> bool:
        return bool(self.url) and self.url.startswith(("postgres://", "postgresql://"))


@dataclass(frozen=True)
class SecuritySettings:
    secret_key: str
    cookie_secure: bool
    allowed_hosts: list[str]
    login_limit_per_account: int
    login_limit_per_ip: int
    login_window_seconds: int
    session_max_age: int
    invitation_days: int
    # Strangers to an account (no known-device cookie, no earlier session from their address) share this
    # many attempts per window; a known device is never held by it (portal/accounts/services.authenticate).
    login_limit_account_wide: int = 20
    register_limit_per_ip: int = 10  # anonymous registrations per address and register_window_seconds
    register_window_seconds: int = 3600
    password_min_length: int = 10
    session_idle: int = 2 * 3600  # a session unused this long ends (as well as at session_max_age)
    metrics_token: str = ""  # PREMIA_METRICS_TOKEN: /metrics needs it as a bearer token; unset: loopback only


@dataclass(frozen=True)
class AppSettings:
    debug: bool
    default_locale: str
    locales: tuple[str, ...]
    timezone: str
    company_name: str
    var_dir: Path
    max_upload_mb: int
    points_expiry_months: int
    points_hold_days: int
    points_release: str  # "hold": after points_hold_days; "period_close": when finance closes the period
    company_inn: str = ""
    company_address: str = ""
    company_bank: str = ""
    company_bik: str = ""
    company_account: str = ""
    scheduler_in_app: bool = False  # run the scheduler inside the web process (one leader among workers)
    max_photos_per_claim: int = 10
    max_request_megapixels: int = 100  # the photos of one request together: a few tiny huge PNGs burn a worker
    period_kind: str = "monthly"  # or "quarterly"
    tier_grace_periods: int = 1  # period closes a partner may stay below their tier, warned, before it drops
    payout_day: int = 15  # the payout register is built on this day for the previous period
    job_lease_seconds: int = 120  # a scheduled run not renewed for this long is taken over by another scheduler
    compression: bool = True  # brotli/gzip for text answers; off when the reverse proxy compresses instead
    # Prometheus request counts and latencies at /metrics. Off unless asked for: Litestar's middleware costs a
    # kept page about a third of its throughput (bench: dashboard 0.38x with it, 0.59x without).
    metrics: bool = False
    upload_slot_hours: int = 168  # a photo sent ahead of its claim form is kept this long (a week: a claim queued offline on a phone still finds it), then deleted
    import_max_rows: int = 50_000  # CSV/XLSX imports: a longer file is refused whole, with a message


@dataclass(frozen=True)
class MediaSettings:
    """Where uploaded photos and prize pictures live: this host's disk, or an S3-compatible store that every
    host shares (several app hosts need the latter)."""

    backend: str = "local"  # "local" or "s3"
    s3_endpoint: str = ""  # e.g. http://127.0.0.1:9000; empty means AWS itself
    s3_bucket: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_region: str = "us-east-1"
    s3_prefix: str = ""  # a folder inside the bucket, e.g. "premia/"


@dataclass(frozen=True)
class ProxySettings:
    # Addresses of the load balancers whose X-Forwarded-For/-Proto uvicorn believes (comma-separated); empty:
    # none, the client address is the peer's. Behind HAProxy or nginx set it, or every user shares its IP.
    forwarded_allow_ips: str = ""


def _media_settings() -> MediaSettings:
    return MediaSettings(
        backend=os.environ.get("PREMIA_MEDIA_BACKEND", "local"),
        s3_endpoint=os.environ.get("PREMIA_S3_ENDPOINT", ""),
        s3_bucket=os.environ.get("PREMIA_S3_BUCKET", ""),
        s3_access_key=os.environ.get("PREMIA_S3_ACCESS_KEY", ""),
        s3_secret_key=os.environ.get("PREMIA_S3_SECRET_KEY", ""),
        s3_region=os.environ.get("PREMIA_S3_REGION", "us-east-1"),
        s3_prefix=os.environ.get("PREMIA_S3_PREFIX", ""),
    )


@dataclass(frozen=True)
class Settings:
    app: AppSettings
    db: DatabaseSettings
    security: SecuritySettings
    root: Path = field(default=ROOT)
    media: MediaSettings = field(default_factory=MediaSettings)
    proxy: ProxySettings = field(default_factory=ProxySettings)

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"


def _secret_key(var_dir: Path) -> str:
    """Read SECRET_KEY, or keep a generated one under var/ so that restarts
    and several workers on one host agree on it."""
    env = os.environ.get("SECRET_KEY")
    if env:
        return env
    path = var_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        try:
            with open(path, "x") as fh:  # "x": the first worker wins, the others read it
                fh.write(key)
            path.chmod(0o600)
            return key
        except FileExistsError:
            return path.read_text().strip()


def load_settings() -> Settings:
    var_dir = Path(os.environ.get("PREMIA_VAR_DIR") or ROOT / "var")
    database_url = os.environ.get("DATABASE_URL") or None
    return Settings(
        app=AppSettings(
            debug=_bool("PREMIA_DEBUG", False),
            default_locale=os.environ.get("PREMIA_DEFAULT_LOCALE", "ru"),
            locales=("ru", "en"),
            timezone=os.environ.get("PREMIA_TIMEZONE", "Europe/Moscow"),
            company_name=os.environ.get("PREMIA_COMPANY_NAME", "ООО «Термотех»"),
            var_dir=var_dir,
            max_upload_mb=int(os.environ.get("PREMIA_MAX_UPLOAD_MB", "15")),
            max_photos_per_claim=int(os.environ.get("PREMIA_MAX_PHOTOS_PER_CLAIM", "10")),
            max_request_megapixels=int(os.environ.get("PREMIA_MAX_REQUEST_MEGAPIXELS", "100")),
            points_expiry_months=int(os.environ.get("PREMIA_POINTS_EXPIRY_MONTHS", "12")),
            points_hold_days=int(os.environ.get("PREMIA_POINTS_HOLD_DAYS", "14")),
            points_release=os.environ.get("PREMIA_POINTS_RELEASE", "hold"),
            company_inn=os.environ.get("PREMIA_COMPANY_INN", "7704123450"),
            company_address=os.environ.get("PREMIA_COMPANY_ADDRESS", "125009, г. Москва, ул. Заводская, д. 1"),
            company_bank=os.environ.get("PREMIA_COMPANY_BANK", "ПАО «Банк»"),
            company_bik=os.environ.get("PREMIA_COMPANY_BIK", "044525000"),
            company_account=os.environ.get("PREMIA_COMPANY_ACCOUNT", "40702810000000000001"),
            scheduler_in_app=_bool("PREMIA_SCHEDULER_IN_APP", False),
            period_kind=os.environ.get("PREMIA_PERIOD_KIND", "monthly"),
            tier_grace_periods=max(0, int(os.environ.get("PREMIA_TIER_GRACE_PERIODS", "1"))),
            payout_day=int(os.environ.get("PREMIA_PAYOUT_DAY", "15")),
            job_lease_seconds=max(1, int(os.environ.get("PREMIA_JOB_LEASE_SECONDS", "120"))),
            compression=_bool("PREMIA_COMPRESSION", True),
            metrics=_bool("PREMIA_METRICS", False),
            import_max_rows=int(os.environ.get("PREMIA_IMPORT_MAX_ROWS", "50000")),
            upload_slot_hours=max(1, int(os.environ.get("PREMIA_UPLOAD_SLOT_HOURS", "168"))),
        ),
        db=DatabaseSettings(
            url=database_url,
            sqlite_path=Path(os.environ.get("PREMIA_SQLITE_PATH") or var_dir / "premia.sqlite3"),
            pool=_bool("PREMIA_DB_POOL", True),
            sqlite_group_commit=_bool("PREMIA_SQLITE_GROUP_COMMIT", True),
        ),
        security=SecuritySettings(
            secret_key=_secret_key(var_dir),
            cookie_secure=_bool("PREMIA_COOKIE_SECURE", True),
            allowed_hosts=_list("PREMIA_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "testserver",
                                                         "localhost:8000", "127.0.0.1:8000"]),
            login_limit_per_account=int(os.environ.get("PREMIA_LOGIN_LIMIT_ACCOUNT", "5")),
            login_limit_per_ip=int(os.environ.get("PREMIA_LOGIN_LIMIT_IP", "30")),
            login_window_seconds=int(os.environ.get("PREMIA_LOGIN_WINDOW", "900")),
            session_max_age=int(os.environ.get("PREMIA_SESSION_MAX_AGE", str(14 * 24 * 3600))),
            invitation_days=int(os.environ.get("PREMIA_INVITATION_DAYS", "7")),
            login_limit_account_wide=int(os.environ.get("PREMIA_LOGIN_LIMIT_ACCOUNT_WIDE", "20")),
            register_limit_per_ip=int(os.environ.get("PREMIA_REGISTER_LIMIT_IP", "10")),
            register_window_seconds=int(os.environ.get("PREMIA_REGISTER_WINDOW", "3600")),
            password_min_length=int(os.environ.get("PREMIA_PASSWORD_MIN_LENGTH", "10")),
            session_idle=int(os.environ.get("PREMIA_SESSION_IDLE", str(2 * 3600))),
            metrics_token=os.environ.get("PREMIA_METRICS_TOKEN", ""),
        ),
        media=_media_settings(),
        proxy=ProxySettings(forwarded_allow_ips=os.environ.get("PREMIA_FORWARDED_ALLOW_IPS", "")),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
