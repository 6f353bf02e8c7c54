import pytest


@pytest.fixture
def data_dir(settings, tmp_path):
    """The deliveries' folders (reception, tables) in a temporary directory."""
    settings.INDICATORS_DATA_DIR = tmp_path
    return tmp_path
