"""Configuration files: find the nearest one, validate it, and turn it into settings per file."""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from kerascheck.engine.registry import UnknownSelector, all_rules, expand, find_rule, known_codes
from kerascheck.engine.registry import selected_codes as registry_selected_codes
from kerascheck.model.rule import Rule
from kerascheck.model.settings import Settings
from kerascheck.read.file_bytes import SourceUnreadable, read_source
from kerascheck.run.discovery import SKIP_DIRS
from kerascheck.run.globs import PathGlob
from kerascheck.run.target_version import TARGET_VERSIONS, Target, infer

KERASCHECK_TOML = "kerascheck.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_EXCLUDE = tuple(sorted(SKIP_DIRS))
_LIST_KEYS = ("select", "extend-select", "ignore", "exclude", "extend-exclude")
_CODE_KEYS = ("select", "extend-select", "ignore")
_BOOL_KEYS = ("force-exclude", "respect-gitignore")
KNOWN_KEYS = frozenset({*_LIST_KEYS, *_BOOL_KEYS, "per-file-ignores", "rules", "target-version"})

# Numbers in options are sizes and ratios: anything beyond this is a typo, not a setting.
MAX_NUMBER = 1e9

DEFAULT = "default"
COMMAND_LINE = "command line"


class ConfigError(ValueError):
    """A configuration file kerascheck cannot use: names the file and the key."""


@dataclass
class Config:
    """One configuration file's values (None/empty where the file does not set a key)."""

    path: str | None
    root: str
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: list[tuple[PathGlob, list[str]]] = field(default_factory=list)
    exclude: list[str] | None = None
    extend_exclude: list[str] = field(default_factory=list)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    force_exclude: bool | None = None
    respect_gitignore: bool | None = None
    target_version: str | None = None
    keys: set[str] = field(default_factory=set)
    # Keys set by `--config KEY=VALUE` and the like, over what the file says.
    cli_keys: set[str] = field(default_factory=set)

    def origin(self, key: str) -> str:
        if key in self.cli_keys:
            return COMMAND_LINE
        return self.path if self.path is not None and key in self.keys else DEFAULT


@dataclass(frozen=True)
class Overrides:
    """What the command line says; it wins over any file."""

    select: list[str] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    ignore_noqa: bool = False
    verbose: bool = False
    force_exclude: bool = False
    target_version: str | None = None
    # Tables of settings from `--config KEY=VALUE`, `--exclude` and the like: applied over
    # each configuration file as if written in it (so globs are relative to its folder).
    tables: tuple[dict[str, Any], ...] = ()
    # Which findings' fixes may be applied (None: all), and which never.
    fixable: tuple[str, ...] | None = None
    unfixable: tuple[str, ...] = ()


def _toml_loads(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(str(exc)) from exc
    except RecursionError:
        raise ValueError("values nested too deeply") from None
    except Exception as exc:  # whatever else the parser raises is still a bad file
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc


def _read_toml(path: str) -> dict[str, Any]:
    # Cached by modification stamp: a pyproject.toml is parsed once to see whether it is ours,
    # then read for values; a long-lived process (a watch, a notebook) sees edits.
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise ConfigError(f"could not read config file {path}: {exc}") from exc
    return _read_toml_stamped(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _read_toml_stamped(path: str, mtime_ns: int, size: int) -> dict[str, Any]:
    try:
        text = read_source(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"could not read config file {path}: {exc}") from exc
    except SourceUnreadable as exc:
        raise ConfigError(f"could not read config file {path}: {exc.message}") from exc
    try:
        return _toml_loads(text)
    except ValueError as exc:
        raise ConfigError(f"invalid TOML in {path}: {exc}") from exc


def _table_of(path: str, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The kerascheck table of a parsed file and how its keys are spelled in messages."""
    if os.path.basename(path) == PYPROJECT:
        tool = data.get("tool", {})
        table = tool.get("kerascheck", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"[tool.kerascheck] in {path} must be a table")
        return table, "tool.kerascheck."
    return data, ""


def load_config(path: str) -> Config:
    """Read and validate one file; every problem is a ConfigError naming the key and file."""
    path = os.path.abspath(path)
    table, prefix = _table_of(path, _read_toml(path))
    config = Config(path=path, root=os.path.dirname(path))
    _fill(config, table, prefix, path)
    return config


def parse_inline(text: str) -> dict[str, Any]:
    """`--config "KEY = VALUE"`: one TOML assignment, validated like a file's (ConfigError)."""
    where = f"--config {text!r}"
    try:
        table = _toml_loads(text)
    except ValueError as exc:
        raise ConfigError(f"{where} is neither a file nor a TOML `KEY = VALUE` ({exc})") from None
    _fill(Config(path=None, root=os.getcwd()), table, "", where)
    return table


def validate_table(table: dict[str, Any], config: Config) -> None:
    """Raise ConfigError for a table of settings given on the command line."""
    _fill(config, table, "", "the command line")


def with_overrides(config: Config, tables: tuple[dict[str, Any], ...]) -> Config:
    """The file's values with the command line's tables over them, key by key."""
    if not tables:
        return config
    merged = dataclasses.replace(
        config,
        keys=set(config.keys),
        cli_keys=set(config.cli_keys),
        rule_options={code: dict(o) for code, o in config.rule_options.items()},
    )
    for table in tables:
        layer = Config(path=None, root=config.root)
        _fill(layer, table, "", "--config")
        for key in table:
            merged.cli_keys.add(key)
            if key == "rules":
                for code, options in layer.rule_options.items():
                    merged.rule_options.setdefault(code, {}).update(options)
            elif key == "per-file-ignores":
                merged.per_file_ignores = [*merged.per_file_ignores, *layer.per_file_ignores]
            else:
                attr = key.replace("-", "_")
                setattr(merged, attr, getattr(layer, attr))
    return merged


def _fill(config: Config, table: dict[str, Any], prefix: str, path: str) -> None:
    for key, value in table.items():
        where = f"`{prefix}{key}` in {path}"
        if key not in KNOWN_KEYS:
            known = ", ".join(sorted(KNOWN_KEYS))
            raise ConfigError(f"unknown key {where} (known keys: {known})")
        config.keys.add(key)
        if key in _LIST_KEYS:
            items = _string_list(value, where)
            if key in _CODE_KEYS:
                _check_codes(items, where)
            attr = key.replace("-", "_")
            setattr(config, attr, items)
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise ConfigError(f"{where} must be true or false")
            setattr(config, key.replace("-", "_"), value)
        elif key == "per-file-ignores":
            config.per_file_ignores = _per_file_ignores(value, where)
        elif key == "rules":
            config.rule_options = _rule_options(value, prefix, path)
        elif key == "target-version":
            if value not in TARGET_VERSIONS:
                choices = " or ".join(f'"{v}"' for v in TARGET_VERSIONS)
                raise ConfigError(f"{where} must be {choices}, not {value!r}")
            config.target_version = value


def _string_list(value: object, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    # An empty entry would silently select nothing (`select = [""]` turns every rule off).
    if any(not v.strip() for v in value):
        raise ConfigError(f"{where} holds an empty string")
    return [v.strip() for v in value]


def _check_codes(items: list[str], where: str) -> None:
    for item in items:
        try:
            expand(item)
        except UnknownSelector:
            raise ConfigError(f"unknown rule code {item!r} in {where}") from None


def _per_file_ignores(value: object, where: str) -> list[tuple[PathGlob, list[str]]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of glob = [codes]")
    out: list[tuple[PathGlob, list[str]]] = []
    for pattern, codes in value.items():
        here = f"{where} (pattern {pattern!r})"
        items = _string_list(codes, here)
        _check_codes(items, here)
        out.append((PathGlob(pattern), items))
    return out


def _rule_options(value: object, prefix: str, path: str) -> dict[str, dict[str, Any]]:
    where = f"`{prefix}rules` in {path}"
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of rule tables")
    out: dict[str, dict[str, Any]] = {}
    for token, options in value.items():
        rule = find_rule(token)
        here = f"`{prefix}rules.{token}` in {path}"
        if rule is None:
            raise ConfigError(f"unknown rule {token!r} in {here}")
        if not isinstance(options, dict):
            raise ConfigError(f"{here} must be a table of options")
        for name, given in options.items():
            where_option = f"`{prefix}rules.{token}.{name}` in {path}"
            out.setdefault(rule.code, {})[name] = _check_option(rule, name, given, where_option)
    return out


def _check_option(rule: type[Rule], name: str, value: object, where: str) -> Any:
    """The value, validated against the type of the rule's default (an int is a float too)."""
    if name not in rule.options:
        known = ", ".join(sorted(rule.options)) or "none"
        raise ConfigError(f"unknown option {where} ({rule.code} options: {known})")
    default = rule.options[name]
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif default is None:
        ok = True
    else:
        ok = isinstance(value, type(default)) and not (
            isinstance(value, bool) and not isinstance(default, bool)
        )
    if not ok:
        raise ConfigError(f"{where} must be a {type(default).__name__}, not {value!r}")
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and (not math.isfinite(value) or abs(value) > MAX_NUMBER)
    ):
        raise ConfigError(f"{where} must be a finite number below {MAX_NUMBER:g}, not {value!r}")
    if isinstance(default, float) and isinstance(value, int):
        return float(value)
    return value


def config_in(folder: str) -> str | None:
    """The config file a folder holds: kerascheck.toml first, then a pyproject.toml using us."""
    candidate = os.path.join(folder, KERASCHECK_TOML)
    if os.path.isfile(candidate):
        return candidate
    candidate = os.path.join(folder, PYPROJECT)
    if os.path.isfile(candidate) and _mentions_us(candidate):
        return candidate
    return None


def _mentions_us(pyproject: str) -> bool:
    # A substring test first: most pyproject files never mention us, and TOML parsing costs.
    try:
        if b"kerascheck" not in read_source(pyproject):
            return False
    except (OSError, SourceUnreadable):
        return False
    tool = _read_toml(pyproject).get("tool", {})
    return isinstance(tool, dict) and "kerascheck" in tool


def relative_parts(root: str, path: str) -> tuple[str, ...]:
    """The path's components below `root`; outside it, only its name (for name globs)."""
    try:
        rel = os.path.relpath(os.path.abspath(path), root)
    except ValueError:  # another drive on Windows
        return (os.path.basename(path),)
    if rel == os.curdir:
        return ()
    if rel.startswith(os.pardir + os.sep) or rel == os.pardir or os.path.isabs(rel):
        return (os.path.basename(path),)
    return tuple(rel.split(os.sep))


@dataclass(frozen=True)
class Excluder:
    """The exclude globs of one configuration, relative to its folder."""

    root: str
    globs: tuple[PathGlob, ...]

    def excluded(self, path: str, is_dir: bool) -> bool:
        """For a walk: the path itself (its folders were already checked on the way down)."""
        parts = relative_parts(self.root, path)
        return any(g.matches(parts, is_dir) for g in self.globs)

    def excluded_with_parents(self, path: str) -> bool:
        """For a path given explicitly: the file or any folder above it."""
        parts = relative_parts(self.root, path)
        return any(g.matches_path_or_parent(parts, False) for g in self.globs)


@dataclass
class Resolved:
    """Everything that applies to files under one configuration."""

    config: Config
    settings: Settings
    excluder: Excluder
    force_exclude: bool
    respect_gitignore: bool
    selected: list[str]
    # The target version set by the command line or the file; None: inferred per project.
    fixed_target: Target | None = None
    _per_file: dict[tuple[frozenset[str], str], Settings] = field(default_factory=dict)
    # Per folder, for one run: the declarations are read once, and again in the next run.
    _targets: dict[str, Target] = field(default_factory=dict)
    _roots: dict[str, str | None] = field(default_factory=dict)

    def target_for(self, path: str) -> Target:
        """The Keras version in force for a file, and where it came from."""
        if self.fixed_target is not None:
            return self.fixed_target
        absolute = os.path.abspath(path)
        folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        if folder not in self._targets:
            self._targets[folder] = infer(folder, self._roots)
        return self._targets[folder]

    def settings_for(self, path: str) -> Settings:
        """The settings for one file, after the per-file-ignores that match it."""
        target = self.target_for(path).version
        if not self.config.per_file_ignores:
            return self._with(frozenset(), target)
        parts = relative_parts(self.config.root, path)
        dropped: set[str] = set()
        for glob, codes in self.config.per_file_ignores:
            if glob.matches_path_or_parent(parts, False):
                for code in codes:
                    dropped |= expand(code)
        return self._with(frozenset(dropped), target)

    def _with(self, dropped: frozenset[str], target: str) -> Settings:
        if not dropped and target == self.settings.target_version:
            return self.settings
        key = (dropped, target)
        if key not in self._per_file:
            rules = [r for r in self.settings.rules if r.code not in dropped]
            self._per_file[key] = dataclasses.replace(
                self.settings, rules=rules, target_version=target
            )
        return self._per_file[key]


def selected_codes(config: Config, cli: Overrides) -> list[str]:
    """Defaults, then the file's select/extend-select/ignore, then the command line's."""
    return registry_selected_codes(
        [
            (config.select, config.extend_select, config.ignore),
            (cli.select, cli.extend_select, cli.ignore),
        ]
    )


def fixable_codes(cli: Overrides) -> frozenset[str] | None:
    """`--fixable` / `--unfixable`: the codes whose fixes may be applied (None: every one)."""
    if cli.fixable is None and not cli.unfixable:
        return None
    chosen = set(known_codes()) if cli.fixable is None else set()
    for token in cli.fixable or ():
        chosen |= expand(token)
    for token in cli.unfixable:
        chosen -= expand(token)
    return frozenset(chosen)


class Resolver:
    """Finds the configuration for each path (nearest file wins) and caches it by folder."""

    def __init__(
        self, cli: Overrides, config_file: str | None = None, isolated: bool = False
    ) -> None:
        self.cli = cli
        self.isolated = isolated
        self._fixed: Resolved | None = None
        self._by_folder: dict[str, str | None] = {}
        self._by_config: dict[str | None, Resolved] = {}
        if config_file is not None:
            self._fixed = self._resolve(load_config(config_file))

    def for_path(self, path: str) -> Resolved:
        """The configuration that applies to a file or folder."""
        if self._fixed is not None:
            return self._fixed
        if self.isolated:
            return self._resolved_for(None)
        path = os.path.abspath(path)
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        return self._resolved_for(self._nearest(folder))

    def _nearest(self, folder: str) -> str | None:
        if folder in self._by_folder:
            return self._by_folder[folder]
        found = config_in(folder)
        if found is None:
            parent = os.path.dirname(folder)
            found = None if parent == folder else self._nearest(parent)
        self._by_folder[folder] = found
        return found

    def _resolved_for(self, config_path: str | None) -> Resolved:
        if config_path not in self._by_config:
            config = (
                load_config(config_path)
                if config_path is not None
                else Config(path=None, root=os.getcwd())
            )
            self._by_config[config_path] = self._resolve(config)
        return self._by_config[config_path]

    def _resolve(self, config: Config) -> Resolved:
        config = with_overrides(config, self.cli.tables)
        rules = all_rules()
        codes = selected_codes(config, self.cli)
        fixed: Target | None = None
        if self.cli.target_version is not None:
            fixed = Target(self.cli.target_version, COMMAND_LINE)
        elif config.target_version is not None:
            fixed = Target(config.target_version, config.origin("target-version"))
        settings = Settings(
            rules=[rules[code] for code in codes],
            rule_options=config.rule_options,
            ignore_noqa=self.cli.ignore_noqa,
            verbose=self.cli.verbose,
            target_version=(fixed or infer(config.root)).version,
            fixable=fixable_codes(self.cli),
        )
        patterns = [*(config.exclude or DEFAULT_EXCLUDE), *config.extend_exclude]
        excluder = Excluder(config.root, tuple(PathGlob(p) for p in patterns))
        force = self.cli.force_exclude or bool(config.force_exclude)
        respect = config.respect_gitignore is not False
        return Resolved(config, settings, excluder, force, respect, codes, fixed)
