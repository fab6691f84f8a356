import os

import pytest
import yaml

import pipeline
from pipeline.config import Config, config_from_dict, load_config
from pipeline.errors import UsageError


def test_defaults_file_matches_dataclasses():
    path = os.path.join(os.path.dirname(pipeline.__file__), "defaults.yaml")
    with open(path) as handle:
        documented = yaml.safe_load(handle)
    assert config_from_dict(documented) == Config()
    assert set(documented) == set(Config().to_dict())
    for stage, values in Config().to_dict().items():
        assert set(documented[stage]) == set(values), stage


def test_override_and_hash(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("decode:\n  max_bytes: 100\n")
    config = load_config(str(path))
    assert config.decode.max_bytes == 100
    assert config.digest() != Config().digest()
    assert Config().digest() == Config().digest()


@pytest.mark.parametrize("text,fragment", [
    ("decode:\n  nope: 1\n", "decode.nope: unknown setting"),
    ("nope: {}\n", "nope: unknown setting"),
    ("decode:\n  max_bytes: big\n", "decode.max_bytes: expected int"),
    ("decode: [\n", "not valid YAML"),
])
def test_bad_config_is_one_line(tmp_path, text, fragment):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as info:
        load_config(str(path))
    assert fragment in str(info.value) and "\n" not in str(info.value)
