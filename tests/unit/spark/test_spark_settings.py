"""Choosing the spend engine and configuring Spark: validated at start, no JVM needed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from adapters.allocation.engines import build_allocation_engine
from adapters.config import Settings
from adapters.cur.engines import build_refresh_engine
from adapters.spark.session import EXACT_SETTINGS, SparkConfig, parse_conf


def test_duckdb_is_the_default_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FINOPS_SPEND_ENGINE", "FINOPS_SPARK_MASTER", "FINOPS_SPARK_CONF"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.spend_engine == "duckdb"
    assert settings.spark_config() == SparkConfig(remote="", master="local[2]", conf={})
    engine = build_allocation_engine(settings.spend_engine)
    try:
        assert engine.name == "duckdb"
    finally:
        engine.close()


def test_spark_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINOPS_SPEND_ENGINE", "spark")
    monkeypatch.setenv("FINOPS_SPARK_REMOTE", "sc://spark.internal:15002")
    monkeypatch.setenv("FINOPS_SPARK_CONF", "spark.executor.memory=8g, spark.sql.x = a=b")
    settings = Settings()
    assert settings.spend_engine == "spark"
    config = settings.spark_config()
    assert config.remote == "sc://spark.internal:15002"
    assert config.conf == {"spark.executor.memory": "8g", "spark.sql.x": "a=b"}
    assert config.description == "sc://spark.internal:15002"
    # the refresh takes the same engine; its session starts at the first refresh, not here
    assert build_refresh_engine(settings.spend_engine, spark=config).name == "spark"
    assert build_refresh_engine("duckdb").name == "duckdb"


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("FINOPS_SPEND_ENGINE", "trino", "duckdb"),
        ("FINOPS_SPARK_CONF", "spark.executor.memory", "not key=value"),
        ("FINOPS_SPARK_CONF", "=8g", "not key=value"),
        ("FINOPS_SPARK_REMOTE", "http://spark:15002", "sc://"),
    ],
)
def test_bad_values_stop_the_start(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=says):
        Settings()


def test_parse_conf_skips_empty_items() -> None:
    assert parse_conf("") == {}
    assert parse_conf("a=1,,b=2,") == {"a": "1", "b": "2"}


def test_exactness_settings_are_the_ones_spark_needs() -> None:
    # without these Spark rounds decimal products silently or turns overflows into NULL
    assert EXACT_SETTINGS["spark.sql.decimalOperations.allowPrecisionLoss"] == "false"
    assert EXACT_SETTINGS["spark.sql.ansi.enabled"] == "true"


def test_spark_connect_without_its_client_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pyspark's Connect client ends the process when its modules are missing: the engine
    checks them first and raises, naming the extra to install (no server is contacted)."""
    from adapters.spark import session

    monkeypatch.setattr(session, "CONNECT_MODULES", ("finops_no_such_module",))
    with pytest.raises(session.SparkUnavailable, match=r"pyspark\[connect\]"):
        session.spark_session(SparkConfig(remote="sc://127.0.0.1:15999"))
