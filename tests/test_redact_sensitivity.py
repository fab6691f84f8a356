"""redact.sensitivity: the levels, how settings combine with them, the flags, the manifest's record."""

import dataclasses

import pytest

from pipeline.config import Config, config_from_dict, load_config
from pipeline.errors import UsageError
from transforms.redact import SENSITIVITY, RedactConfig, Redactor


def test_each_level_fills_every_unset_setting():
    for level, preset in SENSITIVITY.items():
        config = RedactConfig(sensitivity=level)
        assert {key: getattr(config, key) for key in preset} == preset
    assert RedactConfig() == RedactConfig(sensitivity="default")
    low, high = RedactConfig(sensitivity="low"), RedactConfig(sensitivity="high")
    assert low.min_key_length > RedactConfig().min_key_length > high.min_key_length
    assert low.min_password_length > RedactConfig().min_password_length > high.min_password_length
    assert not low.names and not low.phones and high.names and high.phones
    assert RedactConfig().keep_test_cards and not high.keep_test_cards


def test_a_setting_given_wins_over_the_level():
    config = RedactConfig(sensitivity="high", min_key_length=12, phones=False)
    assert config.min_key_length == 12 and config.phones is False
    assert config.min_password_length == SENSITIVITY["high"]["min_password_length"]
    assert RedactConfig(min_key_entropy=3).min_key_entropy == 3.0  # an int where a float is expected


@pytest.mark.parametrize("kwargs,fragment", [
    ({"sensitivity": "paranoid"}, "redact.sensitivity: 'paranoid' is not one of low, default, high"),
    ({"names": "yes"}, "redact.names: expected bool"),
    ({"min_key_length": 8.5}, "redact.min_key_length: expected int"),
    ({"phones": 1}, "redact.phones: expected bool"),
])
def test_bad_settings_fail_when_the_config_is_read(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        RedactConfig(**kwargs)
    with pytest.raises(UsageError, match=fragment.split(":")[0]):
        config_from_dict({"redact": kwargs})


def test_config_file_nulls_and_levels():
    config = config_from_dict({"redact": {"sensitivity": "low", "min_key_length": None, "names": True}})
    assert config.redact.min_key_length == SENSITIVITY["low"]["min_key_length"]
    assert config.redact.names is True and config.redact.phones is False
    # the manifest records the config as built: the level and every threshold it set
    recorded = Config(redact=RedactConfig(sensitivity="high")).to_dict()["redact"]
    assert recorded["sensitivity"] == "high"
    assert {key: recorded[key] for key in SENSITIVITY["high"]} == SENSITIVITY["high"]
    assert Config(redact=RedactConfig(sensitivity="high")).digest() != Config().digest()


def test_a_flag_overrides_the_file_level_but_not_its_explicit_settings(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("redact:\n  sensitivity: low\n  min_key_length: 10\n")
    from_file = load_config(str(path))
    assert from_file.redact.sensitivity == "low" and from_file.redact.min_key_length == 10
    flagged = load_config(str(path), {"redact": {"sensitivity": "high"}})
    assert flagged.redact.sensitivity == "high"
    assert flagged.redact.min_key_length == 10  # the file said so
    assert flagged.redact.min_password_length == SENSITIVITY["high"]["min_password_length"]  # the level's
    assert load_config(None, {"redact": {"sensitivity": "low"}}).redact == RedactConfig(sensitivity="low")
    # replacing the level of a built config keeps the thresholds it resolved: build from settings instead
    assert dataclasses.replace(RedactConfig(), sensitivity="low").min_key_length == RedactConfig().min_key_length


def test_thresholds_change_what_is_found():
    text = 'api_token = "k7Qx2mZ9"\npassword = "Zq8!m"\n'
    kinds = lambda level: sorted(f.kind for f in Redactor(RedactConfig(sensitivity=level)).find(text))  # noqa: E731
    assert kinds("low") == []
    assert kinds("default") == ["generic_secret"]
    assert kinds("high") == ["generic_password", "generic_secret"]


def test_cli_sensitivity_flag(tmp_path, capsys):
    from pipeline.cli import main

    path = tmp_path / "settings.py"
    path.write_text('password = "Zq8!m"\n')
    assert main(["redact", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == 'password = "Zq8!m"\n' and "(sensitivity default)" in captured.err
    assert main(["redact", str(path), "--sensitivity", "high"]) == 0
    captured = capsys.readouterr()
    assert captured.out == 'password = "<PASSWORD>"\n' and "(sensitivity high)" in captured.err
    with pytest.raises(SystemExit):
        main(["redact", str(path), "--sensitivity", "paranoid"])


def test_build_flag_sensitivity_reaches_the_config(tmp_path, monkeypatch):
    import pipeline.build
    from pipeline.cli import main

    seen = {}

    def fake_run_build(*args, **kwargs):
        seen["config"] = kwargs.get("config")
        raise SystemExit(0)

    monkeypatch.setattr(pipeline.build, "run_build", fake_run_build)
    config = tmp_path / "c.yaml"
    config.write_text("redact:\n  phones: false\n")
    with pytest.raises(SystemExit):
        main(["build", "--source", f"git:{tmp_path}", "--output", str(tmp_path / "out"), "--release-version", "0.1.0",
              "--config", str(config), "--sensitivity", "high"])
    assert seen["config"].redact == RedactConfig(sensitivity="high", phones=False)
