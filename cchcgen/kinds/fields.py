"""Field kinds that several content types share: the slug, old addresses, tags."""

from __future__ import annotations

from .. import schema
from ..messages import _
from ..schema import Invalid
from ..urls import UnsafePath, alias_url, is_slug, slugify
from ..yamlutil import Node


def slug(node: Node, ctx: schema.Context) -> str:
    value = schema.exact_line(node, ctx)
    if not is_slug(value):
        suggestion = slugify(value)
        raise Invalid(
            _("must be lowercase letters a-z, digits and '-', got '{value}'").format(value=value),
            _("write slug: {slug}").format(slug=suggestion) if suggestion else None,
            node,
        )
    return value


def alias(node: Node, ctx: schema.Context) -> str:
    value = schema.one_line(node, ctx)
    try:
        return alias_url(value)
    except UnsafePath as exc:
        raise Invalid(
            str(exc), exc.hint or _("write the old path on this site, e.g. /tin-tuc/ten-cu/"), node
        ) from None


TAGS = schema.list_of(schema.tag, allow_scalar=True)
ALIASES = schema.list_of(alias, allow_scalar=True)
