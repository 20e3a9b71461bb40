"""One place for settings, read from the environment (and `.env` if present)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # PostgreSQL. Unset: the dev runner starts an embedded server under data_dir.
    database_url: str | None = None
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "complaints"
    # Open complaints a worker keeps in memory (about 260 KB each, bench.scale); one evicted replays its
    # whole history on its next timer. Several thousand are open at once at 09:00.
    worker_cached_workflows: int = Field(default=10_000, ge=1)
    # Worker Versioning: the Worker Deployment and this worker's build id in it (both, or
    # neither: an unversioned worker). A build id is ours to name (a release, a git sha);
    # no '.' in the deployment name. README, "Upgrading a running system".
    worker_deployment_name: str | None = None
    worker_build_id: str | None = None
    # The worker's Temporal SDK metrics for Prometheus at http://HOST:PORT/metrics; 0: none.
    # In a container, WORKER_METRICS_HOST=0.0.0.0 so Prometheus in another one reaches it.
    worker_metrics_port: int = Field(default=0, ge=0, le=65535)
    worker_metrics_host: str = "127.0.0.1"
    # Personal data is purged this many days after a complaint closes (`ombudsflow purge`).
    retention_days_after_closure: int = 6 * 365
    # AES-GCM keys for Temporal payloads, "id:base64,id2:base64"; the first encrypts.
    payload_keys: str | None = None
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 2525
    mail_from: str = "casework@ombudsman.example"
    # Who holds each role, per council and at the Ombudsman (TOML); unset: built-in examples.
    directory_file: Path | None = None
    data_dir: Path = Path(".data")
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    temporal_ui_port: int = 8233
    # How long a browser stays signed in after /login (hours); signing out ends it sooner.
    session_hours: float = Field(default=12, gt=0, le=24 * 30)
    # Origins allowed to call the codec endpoint: the Temporal UI.
    codec_cors_origins: list[str] = ["http://127.0.0.1:8233", "http://localhost:8233"]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
