"""Where the pseudonymised tables of a delivery live: one folder of Parquet files per delivery."""

import shutil
from pathlib import Path

from django.conf import settings

from indicators.engine.persons import PERSONS_FILE, write_numbered
from indicators.engine.schema import FILES
from indicators.engine.schema import Delivery as DeliveryTables


def delivery_folder(delivery_id: int) -> Path:
    return Path(settings.INDICATORS_DATA_DIR) / "livraisons" / str(delivery_id)


def reception_folder(token: str) -> Path:
    return Path(settings.INDICATORS_DATA_DIR) / "reception" / token


def save_tables(delivery_id: int, tables: DeliveryTables) -> Path:
    """The delivery's tables with their persons numbered, and the pseudonyms of the numbers."""
    folder = delivery_folder(delivery_id)
    folder.mkdir(parents=True, exist_ok=True)
    write_numbered(tables.tables, folder)
    return folder


def table_paths(delivery_id: int) -> dict[str, Path]:
    folder = delivery_folder(delivery_id)
    return {path.stem: path for path in folder.glob("*.parquet") if path.stem in FILES}


def persons_path(delivery_id: int) -> Path | None:
    """None for a delivery stored before the numbering, whose files hold the pseudonyms themselves."""
    path = delivery_folder(delivery_id) / PERSONS_FILE
    return path if path.exists() else None


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def duckdb_runner(delivery_id: int):
    """The engine over a delivery's tables, within the memory limit of the settings (spilling beyond it)."""
    from indicators.engine.runners import DuckDBRunner

    temp = Path(settings.INDICATORS_DUCKDB_TEMP_DIR)
    temp.mkdir(parents=True, exist_ok=True)
    return DuckDBRunner(
        table_paths(delivery_id),
        memory_limit=settings.INDICATORS_DUCKDB_MEMORY_LIMIT,
        temp_directory=str(temp),
        persons=persons_path(delivery_id),
    )


def spark_runner(delivery_id: int):
    """The engine on Spark over a delivery's stored tables, read by the cluster from their location:
    INDICATORS_SPARK_DATA_URL is where the cluster sees INDICATORS_DATA_DIR (a shared file system or an object
    storage URL); by default the same path."""
    from indicators.engine.runners import SparkRunner

    base = settings.INDICATORS_SPARK_DATA_URL.rstrip("/")
    paths = table_paths(delivery_id)
    if base:
        local = Path(settings.INDICATORS_DATA_DIR)
        paths = {name: f"{base}/{path.relative_to(local).as_posix()}" for name, path in paths.items()}
    return SparkRunner(paths, persons=persons_path(delivery_id))
