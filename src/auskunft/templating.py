"""The one Jinja2 set-up for letters and documents: autoescaping, strict undefined, gettext in `lang`."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from auskunft.i18n import translations


def environment(package: str, lang: str) -> Environment:
    """An environment for the templates in `package`/templates, translating into `lang`."""
    env = Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env
