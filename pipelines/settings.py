"""Settings from `SOHOA_*` environment variables, values only: every backend is chosen by
URL, and opened by `pipelines.archive.Archive`."""

import os
from pathlib import Path

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ocr import MAX_PAGE_MEGAPIXELS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOHOA_")

    home: Path = Path("var")
    database_url: str = ""  # catalog; default sqlite:///$SOHOA_HOME/catalog.db
    storage_url: str = ""  # archive store; default file://$SOHOA_HOME/archive
    s3_endpoint_url: str = ""  # an S3 store's server; default boto3's (AWS_ENDPOINT_URL)
    s3_region: str = ""  # an S3 store's region; default boto3's (AWS_REGION)
    object_lock_mode: str = "compliance"  # or governance: how S3 Object Lock retains records
    object_lock_permanent_years: int = 100  # how far ahead permanent records are retained
    s3_attempts: int = 8  # tries of each S3 request (botocore's own retries, with backoff)
    replica_url: str = ""  # a second copy of the archive store, on independent media
    search_url: str = ""  # search index; default sqlite:///$SOHOA_HOME/search.db
    search_ca_file: Path | None = None  # certificate authority of an https OpenSearch
    workers: int = os.cpu_count() or 1  # documents processed at once
    ocr_slots: int = os.cpu_count() or 1  # Airflow's OCR tasks at once (sohoa_ocr pool)
    ocr_language: str = "vie"
    ocr_page_timeout: float = 180.0  # seconds of tesseract per page before giving up on it
    review_quality: float = 80.0  # pages whose OCR quality score is lower need review
    max_page_megapixels: float = MAX_PAGE_MEGAPIXELS  # larger page images are refused
    inbox: Path = Path("inbox")  # batches dropped here are archived by Airflow; under home
    inbox_settle_seconds: float = 60.0  # a batch unchanged this long is completely copied
    inbox_poll_seconds: float = 30.0  # how often Airflow looks into the inbox
    airflow_url: str = "http://localhost:8080"  # Airflow's API server, for `sohoa submit`
    airflow_username: str = "admin"
    airflow_password: str = ""
    secret_key: str = ""  # signs the web's session cookies; default: kept in $SOHOA_HOME
    cookie_secure: bool = False  # send session cookies over https only (behind TLS: true)
    upload_max_mb: int = 2048  # the largest batch the web (and the API) accepts
    web_workers: int = os.cpu_count() or 1  # processes of `sohoa serve` answering at once
    api_calls_per_minute: int = 120  # of one API token, in each server process
    # the deployment is air-gapped, so records marked MẬT, TỐI MẬT or TUYỆT MẬT may be kept
    classified_archive: bool = False
    # PEM bundle of the roots a signature's certificate must chain to (e.g. the Ban Cơ yếu
    # Chính phủ's root for chữ ký số chuyên dùng, the national root CA); none: no trust
    trust_roots: Path | None = None
    # the agency's certificate and key (PKCS#12), with which every digitised copy is signed
    signing_key: Path | None = None
    signing_password: str = ""
    signing_password_file: Path | None = None  # the password in a file, rather than above
    tsa_url: str = ""  # an RFC 3161 timestamp server: the copies' signatures are PAdES B-T
    disposal_quorum: int = 2  # council approvals a destruction needs, the proposer's not counting
    service_attempts: int = 4  # tries of a document's work while a service is unavailable
    service_retry_seconds: float = 5.0  # the first wait before trying again; then doubled

    @field_validator("trust_roots", "signing_key", "signing_password_file", mode="before")
    @classmethod
    def _unset(cls, value: object) -> object:
        """An empty setting is no setting."""
        return None if value == "" else value

    @model_validator(mode="after")
    def _default_urls(self) -> "Settings":
        self.home = self.home.resolve()
        self.database_url = self.database_url or f"sqlite:///{self.home / 'catalog.db'}"
        self.storage_url = self.storage_url or (self.home / "archive").as_uri()
        self.search_url = self.search_url or f"sqlite:///{self.home / 'search.db'}"
        self.inbox = self.home / self.inbox  # a relative path is relative to home
        return self

    @property
    def airflow_configured(self) -> bool:
        """Batches uploaded through the web go to Airflow only when SOHOA_AIRFLOW_URL is set."""
        return "airflow_url" in self.model_fields_set
