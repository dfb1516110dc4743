"""Shared plumbing for the command line: lazy verb loading, JSON output, one-line errors."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, NoReturn

import click


class CliError(click.ClickException):
    """A user-facing error: printed as one line, exit status 2, never a traceback."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    raise CliError(message)


class FieldvisitGroup(click.Group):
    """A group whose verbs are imported only when used, so ``--help`` and pure verbs stay fast.

    A verb module exposes a ``command`` (a click command); modules not written yet are skipped.
    """

    def __init__(self, *args: Any, verb_modules: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._verb_modules = tuple(verb_modules)
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for name in self._verb_modules:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name:
                    continue
                raise
            commands = getattr(module, "commands", None) or [module.command]
            for command in commands:
                self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:  # a clear line instead of a traceback; FIELDVISIT_DEBUG shows it
            if os.environ.get("FIELDVISIT_DEBUG"):
                raise
            raise CliError(f"{type(exc).__name__}: {exc}") from exc


def cli_language() -> str:
    """The language of messages on the command line: ``FIELDVISIT_LANGUAGE``, else the locale
    (``LC_ALL``, ``LC_MESSAGES``, ``LANG``): 简体中文 for a ``zh`` locale, English otherwise."""
    chosen = os.environ.get("FIELDVISIT_LANGUAGE")
    if chosen:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh-hans" if value.lower().startswith("zh") else "en"
    return "en"


def django_setup() -> None:
    """Configure Django for verbs that use the database (idempotent), in the CLI's language."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldvisit.config.settings")
    import django
    from django.utils import translation

    django.setup()
    translation.activate(cli_language())


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def echo_json(data: Any) -> None:
    """Print data as JSON; Decimal money as a string with two decimals, dates in ISO 8601."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))


json_option: Callable[..., Any] = click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON instead of a table."
)


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
