#!/usr/bin/env python3
"""Applies exceptions.yaml to the third-party OpenAPI document.

Each exception names a JSON pointer into the document, the part that is wrong
about the real API (`was`) and what replaces it (`now`). An exception whose
`was` no longer matches fails the run, so a corrected document makes its
exception visible instead of silently masking nothing.

usage: apply_exceptions.py DOCUMENT EXCEPTIONS OUT_JSON
"""

import json
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def resolve(doc, pointer):
    node = doc
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise SystemExit(f"exceptions: {pointer} is not in the document (at {part!r})")
        node = node[part]
    return node


def main():
    document, exceptions, out = sys.argv[1:4]
    with open(document) as f:
        doc = yaml.load(f, Loader=Loader)
    with open(exceptions) as f:
        entries = yaml.load(f, Loader=Loader) or []
    for entry in entries:
        node = resolve(doc, entry["at"])
        stale = {k: v for k, v in entry["was"].items() if node.get(k) != v}
        if stale:
            raise SystemExit(f"exceptions: {entry['id']} no longer matches the document: {stale}; drop or update it")
        node.update(entry["now"])
    with open(out, "w") as f:
        json.dump(doc, f)
    print(f"exceptions: {len(entries)} applied ({', '.join(e['id'] for e in entries)})")


if __name__ == "__main__":
    main()
