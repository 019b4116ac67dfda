"""Starter content: the examples ``cchcgen init`` writes carry ``sample: true``.

Every content type accepts the key; each build warns once per file still marked, so that
the sample plan, its signer "Họ và tên người ký" and the sample decision numbers are never
published by mistake (``--strict`` makes the warning fail the build). An editor deletes the
line when the content is real.
"""

from __future__ import annotations

from . import schema
from .errors import Collector
from .messages import _
from .schema import Field
from .yamlutil import MappingNode, Node, ScalarNode, SequenceNode, YamlSource

KEY = "sample"
FIELD = Field(KEY, schema.boolean, default=False)
"""Added to the fields of every content type."""

_TRUE = ("true", "yes", "on")  # as schema.boolean reads them


def warn_if_sample(node: Node | None, source: YamlSource, diags: Collector) -> None:
    """Warn at the first ``sample: true`` of a file (a mapping, or a list of mappings)."""
    items = node.value if isinstance(node, SequenceNode) else [node]
    for item in items:
        if not isinstance(item, MappingNode):
            continue
        for key, value in item.value:
            if (
                isinstance(key, ScalarNode)
                and key.value == KEY
                and isinstance(value, ScalarNode)
                and value.value.strip().lower() in _TRUE
            ):
                diags.warning(
                    source.path,
                    *source.position(key),
                    _("this is sample content from cchcgen init; replace it or delete the file"),
                    _("when the content is real, delete the line 'sample: true'"),
                )
                return
