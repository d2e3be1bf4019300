"""Convert the PETRARCH2 CAMEO verb dictionary into the project's imported verb-pattern seeds.

Usage (from the repository root)::

    .venv/bin/python scripts/import_verb_patterns.py ../shared/reference/petrarch2/CAMEO.2.0.txt

Writes two seeds (read by the dbt model ``int_verb_patterns_unioned``, which puts the
curated ``seeds/verb_patterns.csv`` on top of them):

* ``seeds/cameo_verbs.csv`` -- one row per verb of a synonym block: ``block``, ``lemma``,
  the ``particle`` / ``preposition`` / ``object_lemma`` of a multi-word verb
  ("+CALL_ON" -> call + on, "+CLAIM_RESPONSIBILITY" -> claim + responsibility) and the
  verb's own code (else the block's; empty when PETRARCH codes the bare verb as ``---``).
* ``seeds/cameo_verb_patterns.csv`` -- one row per block pattern that this project's
  candidates can express: an optional particle ("* OUT VIEWS"), direct-object heads
  ("* AID", "* {HUMANITARIAN AID}", "* &CURRENCY", '|'-separated after synonym sets are
  expanded) and the first prepositional phrase ("* (FOR TALKS)" -> preposition ``for``,
  ``prep_object_lemmas`` ``talk|talks``). The block's patterns apply to each single-word
  verb of the block.

Dropped: patterns that condition on words before the verb (``&MILITARY *``), codes that
apply to the passive reading only (``[:112]``, "faces charges"), ``---`` codes, and
patterns with a verb inside ("* TO CONGRATULATE"). A code of ``[a:b]`` keeps ``a``. A code
missing from ``seeds/cameo_event_codes.csv`` falls back to its 3-digit parent, then to the
root's base code. Later parts of a pattern beyond the first prepositional phrase are
dropped; where that makes two patterns equal, the one that lost nothing wins.

The dictionary: Open Event Data Alliance, PETRARCH2 ``CAMEO.2.0.txt``, MIT licence
(copyright (c) 2015 Open Event Data Alliance); see ``seeds/_seeds.yml``.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

PARTICLES = frozenset(
    {"out", "up", "off", "down", "back", "away", "forward", "aside", "over", "in", "on",
     "through", "about", "around", "together", "apart", "ahead"}
)  # fmt: skip
PREPOSITIONS = frozenset(
    {"with", "to", "against", "on", "upon", "for", "toward", "towards", "over", "from", "into",
     "of", "at", "by", "in", "about", "under", "before", "after", "behind", "between", "among",
     "across", "through", "without", "onto", "within", "along", "near", "around", "inside"}
)  # fmt: skip
# Light verbs: their meaning lives in the object ("take custody", "give aid", "face
# charges"), so the bare verb gets no code of its own; their patterns are kept.
LIGHT_VERBS = frozenset(
    {"take", "make", "have", "get", "give", "go", "come", "put", "set", "face", "hold", "keep",
     "run", "bring", "do", "see", "look", "find", "turn", "leave", "let", "show", "carry",
     "move", "play", "pass", "call", "add", "remove", "raise", "open", "close", "send", "stand",
     "use", "serve", "found", "return", "lead", "work", "cover", "pay", "treat", "deal"}
)  # fmt: skip
MARKERS = frozenset({"$", "+", "%", "^"})
TOKEN = re.compile(r"\{[^}]*\}|\([^)]*\)|\[[^\]]*\]|\S+")
HEADER = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]\s+---")


@dataclass
class Block:
    name: str
    code: str | None
    verbs: list[dict[str, str | None]] = field(default_factory=list)
    patterns: list[dict[str, str | None]] = field(default_factory=list)


def _code(raw: str, known: set[str]) -> str | None:
    """First code of ``[a:b]``; None for ``---`` or a passive-only ``[:b]``."""
    first = raw.strip().split(":")[0].strip()
    if not first or first.startswith("-") or not first.isdigit():
        return None
    for candidate in (first, first[:3], first[:2] + "0"):
        if candidate in known:
            return candidate
    return None


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _forms(word: str) -> list[str]:
    word = word.lower().strip("_")
    return list(dict.fromkeys([_singular(word), word]))


def _heads(token: str, synsets: dict[str, list[str]]) -> list[str] | None:
    """Head lemmas a noun token stands for; None when it cannot be expressed."""
    if token.startswith("{"):
        words = token.strip("{}").split()
        if not words:
            return None
        return _heads(words[-1], synsets)
    if token.startswith("&"):
        members = synsets.get(token.rstrip("_"))
        if members is None:
            return None
        out: list[str] = []
        for member in members:
            out.extend(_forms(member.split("_")[-1] or member))
        return list(dict.fromkeys(out))
    if not re.fullmatch(r"[A-Za-z][A-Za-z'-]*_?", token):
        return None
    return _forms(token)


def parse_pattern(
    text: str, synsets: dict[str, list[str]], known: set[str]
) -> tuple[dict[str, str | None], bool] | None:
    """One "- ... * ... [code]" line -> (pattern row, lost_parts) or None."""
    body = text.split("#", 1)[0].strip().lstrip("-").strip()
    match = re.search(r"\[([^\]]*)\]\s*$", body)
    if not match or "*" not in body:
        return None
    code = _code(match.group(1), known)
    if code is None:
        return None
    before, after = body[: match.start()].split("*", 1)
    if any(tok not in MARKERS for tok in before.split()):
        return None  # conditions on the subject side
    row: dict[str, str | None] = {
        "particle": None,
        "preposition": None,
        "object_lemmas": None,
        "prep_object_lemmas": None,
        "event_code": code,
    }
    lost = False
    for tok in TOKEN.findall(after):
        if tok in MARKERS:
            continue
        if tok.startswith("("):
            inner = [t for t in TOKEN.findall(tok.strip("()")) if t not in MARKERS]
            if row["preposition"] is not None or not inner:
                lost = lost or bool(inner)
                continue
            preps = [p.lower() for p in inner[0].split("/")]
            if not all(p in PREPOSITIONS for p in preps):
                return None
            row["preposition"] = preps[0]
            if len(inner) > 1:
                heads = _heads(inner[-1], synsets)
                if heads is None:
                    return None
                row["prep_object_lemmas"] = "|".join(heads)
            continue
        if row["preposition"] is not None:
            lost = True
            continue
        lower = tok.lower()
        if lower == "to":
            return None  # "* TO CONGRATULATE": a verb complement
        if (
            row["object_lemmas"] is None
            and row["particle"] is None
            and lower in PARTICLES
            and not tok.startswith(("{", "&"))
        ):
            row["particle"] = lower
            continue
        if row["object_lemmas"] is not None:
            lost = True
            continue
        heads = _heads(tok, synsets)
        if heads is None:
            return None
        row["object_lemmas"] = "|".join(heads)
    if all(row[k] is None for k in ("particle", "preposition", "object_lemmas")):
        return None  # the bare verb: the verb line's own code says that
    return row, lost


def parse_verb(text: str, block: Block, known: set[str]) -> dict[str, str | None] | None:
    """A verb line ("MEET {MEETS MET}", "+CALL_ON [020]") -> verb row."""
    body = text.split("#", 1)[0]
    body = re.sub(r"\{[^}]*\}", " ", body).strip()
    match = re.search(r"\[([^\]]*)\]", body)
    code = block.code
    if match:
        code = _code(match.group(1), known)
        body = body[: match.start()].strip()
    if not body:
        return None
    words = body.split()[0].split("_")
    marked = [i for i, w in enumerate(words) if w.startswith("+")]
    verb_at = marked[0] if marked else 0
    if verb_at != 0:
        return None  # "WIRE_+TAP": words before the verb are not matched
    lemma = words[0].lstrip("+").lower()
    if not re.fullmatch(r"[a-z][a-z'-]*", lemma):
        return None
    row: dict[str, str | None] = {
        "block": block.name,
        "lemma": lemma,
        "particle": None,
        "preposition": None,
        "object_lemma": None,
        "event_code": None if lemma in LIGHT_VERBS and len(words) == 1 else code,
    }
    for word in (w.lower() for w in words[1:] if w):
        if word in {"and", "or", "the", "a", "an"}:
            return None
        if row["object_lemma"] is None and row["particle"] is None and word in PARTICLES:
            if word in PREPOSITIONS and word not in {"out", "up", "off", "down", "back", "away"}:
                row["preposition"] = word
            else:
                row["particle"] = word
        elif word in PREPOSITIONS and row["preposition"] is None:
            row["preposition"] = word
        elif row["object_lemma"] is None and row["preposition"] is None:
            row["object_lemma"] = _singular(word)
        else:
            return None
    return row


Row = dict[str, str | None]


def convert(text: str, known: set[str]) -> tuple[list[Row], list[Row]]:
    synsets: dict[str, list[str]] = {}
    blocks: list[Block] = []
    current_synset: str | None = None
    in_verbs = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.startswith("####### VERB PATTERNS"):
            in_verbs = True
            continue
        if line.startswith("######## TRANSFORMATIONS"):
            break
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not in_verbs:
            if stripped.startswith("&"):
                current_synset = stripped.split()[0].rstrip("_")
                synsets[current_synset] = []
            elif stripped.startswith("+") and current_synset:
                synsets[current_synset].append(stripped[1:].split("#")[0].strip().rstrip("_"))
            continue
        header = HEADER.match(stripped)
        if header:
            blocks.append(Block(header.group(1), _code(header.group(2), known)))
            continue
        if not blocks:
            continue
        block = blocks[-1]
        if stripped.startswith("-"):
            parsed = parse_pattern(stripped, synsets, known)
            if parsed:
                row, lost = parsed
                block.patterns.append({**row, "lost": "1" if lost else ""})
        else:
            verb = parse_verb(stripped, block, known)
            if verb:
                block.verbs.append(verb)
    verbs: list[dict[str, str | None]] = []
    seen_verbs: set[tuple[str | None, ...]] = set()
    for block in blocks:
        for verb in block.verbs:
            key = tuple(
                verb[k] for k in ("block", "lemma", "particle", "preposition", "object_lemma")
            )
            if key not in seen_verbs:
                seen_verbs.add(key)
                verbs.append(verb)
    patterns: list[dict[str, str | None]] = []
    for block in blocks:
        best: dict[tuple[str | None, ...], dict[str, str | None]] = {}
        for pat in block.patterns:
            key = tuple(
                pat[k] for k in ("particle", "preposition", "object_lemmas", "prep_object_lemmas")
            )
            if key not in best or (best[key]["lost"] and not pat["lost"]):
                best[key] = pat
        for pat in best.values():
            patterns.append({"block": block.name, **{k: v for k, v in pat.items() if k != "lost"}})
    return verbs, patterns


def write(path: Path, rows: list[dict[str, str | None]], columns: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c) or "" for c in columns})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("dictionary", type=Path, help="PETRARCH2 CAMEO.2.0.txt")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="seed folder (default: seeds/)")
    args = parser.parse_args(argv)
    with (args.seeds / "cameo_event_codes.csv").open(encoding="utf-8") as fh:
        known = {row["event_code"] for row in csv.DictReader(fh)}
    verbs, patterns = convert(args.dictionary.read_text(encoding="utf-8", errors="replace"), known)
    write(
        args.seeds / "cameo_verbs.csv",
        verbs,
        ["block", "lemma", "particle", "preposition", "object_lemma", "event_code"],
    )
    write(
        args.seeds / "cameo_verb_patterns.csv",
        patterns,
        ["block", "particle", "preposition", "object_lemmas", "prep_object_lemmas", "event_code"],
    )
    print(f"{len(verbs)} verbs, {len(patterns)} patterns", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
