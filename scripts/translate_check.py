"""Extract and check the translation catalogs (locale/*/LC_MESSAGES/django.po).

    .venv/bin/python scripts/translate_check.py extract   # makemessages -l en -l vi, also for _lazy(...)
    .venv/bin/python scripts/translate_check.py check     # the English catalog is complete and consistent

Why ``extract``: several modules import ``gettext_lazy as _lazy``; xgettext does not know that
name, so a plain ``manage.py makemessages`` leaves those strings out of the catalogs (and with
--no-obsolete drops their translations). ``extract`` runs the same makemessages with
``--keyword=_lazy`` added. (The lasting fix is in the code: a project makemessages command
with that keyword, or ``gettext_lazy`` spelled out.)

``check`` fails (exit status 1) when an English entry is untranslated or fuzzy, or when a
translation does not keep its msgid's placeholders (%(name)s, %s, %%, {name}), HTML tags, or
leading/trailing whitespace; then run ``manage.py compilemessages`` (msgfmt --check-format).
Only the standard library and Django are used.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORES = [".venv", ".venv*", "var", "node_modules", "tests", "bench"]


def extract() -> None:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khoi.settings")
    import django
    from django.core.management import call_command
    from django.core.management.commands import makemessages

    django.setup()

    class Command(makemessages.Command):
        xgettext_options = makemessages.Command.xgettext_options + ["--keyword=_lazy"]

    call_command(Command(), locale=["en", "vi"], ignore_patterns=IGNORES, no_obsolete=True, verbosity=1)


# ---- a minimal .po reader (msgctxt, msgid, msgid_plural, msgstr[n], flags) ----

def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def read_po(path: Path) -> list[dict]:
    entries, cur, key = [], None, None

    def flush():
        if cur is not None and "msgid" in cur:
            entries.append(cur)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            cur, key = None, None
            continue
        if cur is None:
            cur = {"flags": set(), "msgstr": {}, "lines": []}
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            cur["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#:"):
            cur["lines"].extend(line[2:].split())
            continue
        if line.startswith("#"):
            continue
        m = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if m:
            name, index, value = m.group(1), m.group(2), _unquote(m.group(3))
            if name.startswith("msgstr"):
                key = ("msgstr", int(index or 0))
                cur["msgstr"][key[1]] = value
            else:
                key = (name, None)
                cur[name] = value
        elif line.startswith('"') and key:
            if key[0] == "msgstr":
                cur["msgstr"][key[1]] += _unquote(line)
            else:
                cur[key[0]] += _unquote(line)
    flush()
    return entries


PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]|%[sd%]|\{[a-zA-Z_][a-zA-Z0-9_]*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _shape(text: str, brace: bool) -> tuple:
    holders = sorted(p for p in PLACEHOLDER.findall(text) if brace or not p.startswith("{"))
    tags = sorted(re.sub(r"\s+", " ", t) for t in TAG.findall(text))
    edges = (text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):])
    return holders, tags, edges


def check(path: Path = ROOT / "locale/en/LC_MESSAGES/django.po") -> int:
    problems, notes = [], []
    entries = [e for e in read_po(path) if e["msgid"]]
    for e in entries:
        where = e["lines"][0] if e["lines"] else "?"
        label = f"{where}: {e['msgid'][:70]!r}"
        if "fuzzy" in e["flags"]:
            problems.append(f"fuzzy      {label}")
        strs = e["msgstr"]
        if not strs or any(not s for s in strs.values()):
            problems.append(f"untranslated {label}")
            continue
        brace = "python-brace-format" in e["flags"]
        sources = [e["msgid"]] + ([e["msgid_plural"]] if "msgid_plural" in e else [])
        for n, s in strs.items():
            src = sources[min(n, len(sources) - 1)]
            want, got = _shape(src, brace), _shape(s, brace)
            if want[0] != got[0]:
                problems.append(f"placeholders {label}: {want[0]} != {got[0]}")
            if want[1] != got[1]:
                problems.append(f"html tags    {label}: {want[1]} != {got[1]}")
            if want[2] != got[2]:
                problems.append(f"whitespace   {label}")
        if any(re.search(r"[ăâđêôơưĂÂĐÊÔƠƯạ-ỹ]", s) for s in strs.values()):
            notes.append(f"note: Vietnamese letters kept (a proper name?) {label}")
    for p in problems + notes:
        print(p)
    print(f"{len(entries)} entries, {len(problems)} problems, {len(notes)} notes")
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "extract":
        extract()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(__doc__)
