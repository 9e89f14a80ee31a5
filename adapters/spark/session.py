"""The SparkSession the engine runs on: Spark Connect (`FINOPS_SPARK_REMOTE`) or a master URL
(`FINOPS_SPARK_MASTER`, default `local[2]`), plus `FINOPS_SPARK_CONF` settings.

Whatever the settings, the session computes decimals exactly: no precision loss in decimal
arithmetic (a product keeps its scale, or fails), ANSI mode (an overflow fails instead of
turning NULL), and dates in UTC. Those are set last, so `FINOPS_SPARK_CONF` cannot undo them.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[2]"

# the settings the exactness of the allocation depends on: never overridable
EXACT_SETTINGS: dict[str, str] = {
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
}
# sensible on one small machine; FINOPS_SPARK_CONF overrides them
LOCAL_DEFAULTS: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.driver.memory": "1g",
    "spark.sql.adaptive.enabled": "true",
}


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing: the message says how to get them."""


def parse_conf(text: str) -> dict[str, str]:
    """`k=v,k=v` -> {k: v}; raises ValueError naming the item without `=`."""
    out: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"FINOPS_SPARK_CONF: {item!r} is not key=value")
        out[key.strip()] = value.strip()
    return out


@dataclass(frozen=True)
class SparkConfig:
    remote: str = ""
    master: str = DEFAULT_MASTER
    conf: dict[str, str] = field(default_factory=dict)

    @property
    def description(self) -> str:
        return self.remote or self.master


def missing_requirement() -> str | None:
    """Why Spark cannot start here (no pyspark or sqlglot, no Java), None when it can."""
    for module in ("pyspark", "sqlglot"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed: pip install '.[spark]'"
    if shutil.which("java") is None:
        return (
            "no Java runtime on PATH: Spark needs Java 17 or 21 "
            "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless)"
        )
    return None


# what pyspark's Spark Connect client imports (`pip install 'pyspark[connect]'`); without them
# pyspark 4 ends the process (SystemExit) instead of raising, so they are checked first
CONNECT_MODULES = ("pandas", "pyarrow", "grpc", "grpc_status", "google.protobuf", "google.rpc")


def missing_connect_requirement() -> str | None:
    """Why a Spark Connect session cannot start here, None when it can."""
    for module in CONNECT_MODULES:
        try:
            __import__(module)
        except ImportError:
            return (
                f"Spark Connect needs {module.split('.')[0]}: pip install 'pyspark[connect]' "
                "(grpcio, grpcio-status, googleapis-common-protos, pandas, pyarrow)"
            )
    return None


_lock = threading.Lock()
_sessions: dict[tuple[str, str, tuple[tuple[str, str], ...]], SparkSession] = {}


def spark_session(config: SparkConfig) -> SparkSession:
    """The process's session for `config` (created at first use, then shared)."""
    key = (config.remote, config.master, tuple(sorted(config.conf.items())))
    with _lock:
        session = _sessions.get(key)
        if session is None:
            session = _build(config)
            _sessions[key] = session
        return session


def _build(config: SparkConfig) -> SparkSession:
    reason = missing_connect_requirement() if config.remote else missing_requirement()
    if reason:
        raise SparkUnavailable(reason)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("finops-spend-engine")
    if config.remote:
        builder = builder.remote(config.remote)
        settings = dict(config.conf)
    else:
        builder = builder.master(config.master)
        settings = {**LOCAL_DEFAULTS, **config.conf}
        for key, value in {**settings, **EXACT_SETTINGS}.items():
            builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except SystemExit as exc:  # pyspark's own dependency check exits rather than raising
        raise SparkUnavailable(f"Spark could not start at {config.description}") from exc
    if not config.remote:
        session.sparkContext.setLogLevel("ERROR")
    for key, value in EXACT_SETTINGS.items():
        session.conf.set(key, value)
    if config.remote:
        for key, value in settings.items():
            session.conf.set(key, value)
    return session
