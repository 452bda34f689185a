"""Reading mkdocs.yml without MkDocs: the one reader behind the kb options and the site settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kb.config import ConfigError

NAME = "mkdocs.yml"


class _Loader(yaml.SafeLoader):
    """mkdocs.yml may carry `!ENV` and `!!python/name:` tags meant for MkDocs; read them as null."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return None


_Loader.add_multi_constructor("", _ignore_tag)


def read_mkdocs_yml(root: Path) -> dict[str, Any]:
    """The mapping in `root/mkdocs.yml`; ConfigError says why there is none."""
    path = root / NAME
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        raise ConfigError(f"cannot read {NAME}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{NAME} is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{NAME} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{NAME} must be a mapping")
    return raw
