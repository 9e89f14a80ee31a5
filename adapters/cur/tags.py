"""Where a CUR keeps its tags: a MAP (CUR 2.0 `resource_tags`, FOCUS parquet `Tags`), JSON
text (FOCUS CSV `Tags`) or flattened columns (legacy `resource_tags_user_x`,
`resourceTags/user:X`), and the SQL that reads them."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.cur.columns import Columns, canonical, snake, tag_column
from adapters.cur.formats import FileGroup, SourceFile, only_aws
from adapters.cur.sql import ident, literal


def tag_sources(group: FileGroup) -> dict[str, list[str]]:
    """Tag column -> SQL expressions that yield its value in this group (first non-empty wins)."""
    cols = Columns(group.columns)
    out: dict[str, list[str]] = {}
    if group.tag_keys:
        holder = cols.find("resource_tags", "Tags")
        assert holder is not None
        is_map = cols.type_of(holder).startswith("MAP")
        for tag_key, column in sorted(group.tag_keys.items()):
            if is_map:
                expr = f"NULLIF({ident(holder)}[{literal(tag_key)}], '')"
            else:
                path = '$."' + tag_key.replace("\\", "\\\\").replace('"', '\\"') + '"'
                expr = (
                    f"NULLIF(CASE WHEN json_valid({ident(holder)}) THEN "
                    f"json_extract_string({ident(holder)}, {literal(path)}) END, '')"
                )
            out.setdefault(column, []).append(expr)
        return out
    return flat_tag_sources(group)


def flat_tag_sources(group: FileGroup) -> dict[str, list[str]]:
    """Legacy CURs flatten tags into columns (`resource_tags_user_x`, `resourceTags/user:X`):
    tag column -> SQL expressions that yield its value (first non-empty wins)."""
    out: dict[str, list[str]] = {}
    for name in group.columns:
        lowered = name.lower()
        key: str | None = None
        if lowered.startswith("resource_tags_"):
            key = name[len("resource_tags_") :]
        elif lowered.startswith("resourcetags/"):
            key = snake(name.split("/", 1)[1])
        if key:
            out.setdefault(tag_column(key), []).append(f"NULLIF({ident(name)}, '')")
    return out


def tag_holder(c: Columns) -> tuple[str, str] | None:
    """The MAP or JSON column holding the tags (CUR 2.0 `resource_tags`, FOCUS `Tags`):
    (column, "map" | "json")."""
    holder = c.find("resource_tags", "Tags")
    if holder is None or canonical(holder) not in ("resourcetags", "tags"):
        return None
    typ = c.type_of(holder)
    if typ.startswith("MAP"):
        return holder, "map"
    if typ == "VARCHAR":
        return holder, "json"
    return None


def tag_key_query(group: FileGroup, files: Sequence[SourceFile] | None = None) -> str | None:
    """SQL listing the distinct tag keys, for formats that keep tags in a MAP or JSON column."""
    found = tag_holder(Columns(group.columns))
    if found is None:
        return None
    holder, kind = found
    if kind == "map":
        keys = f"map_keys({ident(holder)})"
    else:
        keys = f"CASE WHEN json_valid({ident(holder)}) THEN json_keys({ident(holder)}) END"
    return f"SELECT DISTINCT unnest({keys}) AS k FROM {group.scan(files)}{only_aws(group)}"
