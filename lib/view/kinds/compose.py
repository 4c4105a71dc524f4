"""Charts that always move together, drawn as one chart (one element per move instead of a
row of columns, titles and charts: DESIGN.md, fewer elements per move)."""

from __future__ import annotations

from collections.abc import Sequence

from lib.view.kinds.base import Spec, titled, unnamed_marks_hidden


def _renamed(node, prefix: str):
    """``node`` with every named dataset it reads renamed ``prefix + name``."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "data" and isinstance(value, dict) and "name" in value:
                out[key] = {**value, "name": prefix + value["name"]}
            elif key == "datasets":
                out[key] = value
            else:
                out[key] = _renamed(value, prefix)
        return out
    if isinstance(node, list):
        return [_renamed(v, prefix) for v in node]
    return node


def _merged(configs: Sequence[dict]) -> dict:
    """One config for the whole chart: the first chart's setting wins where two differ."""
    out: dict = {}
    for config in reversed(configs):
        for key, value in config.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = {**out[key], **value}
            else:
                out[key] = value
    return out


def side_by_side(
    specs: Sequence[Spec],
    widths: Sequence[int],
    titles: Sequence[str | None] = (),
    *,
    description: str | None = None,
    vertical: bool = False,
) -> Spec:
    """``specs`` (kinds' output, data attached) as one chart, left to right (or top to bottom),
    each ``widths[i]`` pixels wide with ``titles[i]`` above it. Each chart keeps its own scales
    and datasets (renamed apart). Deterministic in its arguments, so the result stays
    byte-identical while only the data changes (the stable-spec test)."""
    parts, datasets, configs = [], {}, []
    titles = list(titles) + [None] * (len(specs) - len(titles))
    for i, (spec, width, title) in enumerate(zip(specs, widths, titles, strict=True)):
        prefix = f"c{i}_"
        # A chart that hides its marks from screen readers (config aria: false) does so on
        # its own marks here: in the merged config it would silence the others too.
        spec = unnamed_marks_hidden(spec)
        config = {k: v for k, v in spec.get("config", {}).items() if k != "aria"}
        part = _renamed({k: v for k, v in spec.items() if k not in ("config", "datasets")}, prefix)
        part["width"] = width
        if title:
            part = titled(part, title)
        parts.append(part)
        configs.append(config)
        datasets.update({prefix + name: df for name, df in spec.get("datasets", {}).items()})
    out: Spec = {"vconcat" if vertical else "hconcat": parts, "spacing": 24}
    config = _merged(configs)
    if config:
        out["config"] = config
    if description:
        out["description"] = description
    out["datasets"] = datasets
    return out
