"""A second municipality for the flow tests, made at test time from the bundled files
(tests/fixtures/other_municipality/README.md): other role ids, another coordinator, no Slack ids,
Swedish role names."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.knowledge_support import KNOWLEDGE, ROUTING

# The bundled role id → the other municipality's.
RENAMED = {"naringsliv": "tillvaxt", "bygg": "byggnad"}
SWEDISH_NAMES = {"tillvaxt": "Tillväxt och företagslots", "byggnad": "Bygglov och byggnadsfrågor"}
# Front-matter and meetings.yaml lines that hold role ids (and only there: "bygg" is also a word).
_ROLE_LINE = re.compile(r"^(\s*(?:role|owner|also_roles|tags|organiser_role):\s*)(.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Municipality:
    knowledge: Path
    routing: Path
    coordinator: str
    building: str  # the role deciding building permits
    coordinator_email: str  # a member of the coordinator's role
    foreign_role: str  # a role id the other municipality does not have


def _rename(text: str) -> str:
    def line(match: re.Match) -> str:
        value = re.sub(r"(?<![\w-])(" + "|".join(RENAMED) + r")(?![\w-])", lambda m: RENAMED[m[1]], match[2])
        return match[1] + value

    return _ROLE_LINE.sub(line, text)


def _bodies(text: str) -> str:
    """The profile's deciding bodies are named by the bundled role ids; rename them too."""
    return re.sub(r"(\{\{\s*bodies\.|^  )(" + "|".join(RENAMED) + r")(\.|:$)",
                  lambda m: m[1] + RENAMED[m[2]] + m[3], text, flags=re.MULTILINE)


def _role(role_id: str) -> str:
    return RENAMED.get(role_id, role_id)


def _routing(data: dict) -> dict:
    data["desk"] = "console"
    data["coordinator"] = _role(data["coordinator"])
    roles = {}
    for role_id, spec in data["roles"].items():
        new = _role(role_id)
        name = SWEDISH_NAMES.get(new, spec["name"]["sv"])
        spec["name"] = {"sv": name, "en": name}
        for member in [*spec.get("members", []), *([spec["deputy"]] if spec.get("deputy") else [])]:
            member.get("identities", {}).pop("slack", None)
        roles[new] = spec
    data["roles"] = roles
    data["topics"] = {topic: [_role(r) for r in ids] for topic, ids in (data.get("topics") or {}).items()}
    for rule in data.get("rules") or []:
        rule["add"] = [_role(r) for r in rule["add"]]
        for clause in rule.get("when") or []:
            if "roles" in clause:
                clause["roles"] = [_role(r) for r in clause["roles"]]
    return data


def bundled() -> Municipality:
    data = yaml.safe_load(ROUTING.read_text(encoding="utf-8"))
    coordinator = data["coordinator"]
    return Municipality(KNOWLEDGE, ROUTING, coordinator, "bygg",
                        data["roles"][coordinator]["members"][0]["email"], foreign_role="tillvaxt")


def other(root: Path) -> Municipality:
    """Write the other municipality under `root` and describe it."""
    knowledge = root / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    for path in [*(knowledge / "articles").glob("*.md"), knowledge / "meetings.yaml"]:
        path.write_text(_bodies(_rename(path.read_text(encoding="utf-8"))), encoding="utf-8")
    cases = knowledge / "cases.yaml"  # which roles each example case needs, by this municipality's ids
    if cases.exists():
        renamed = [{**case, "roles": [_role(r) for r in case["roles"]]}
                   for case in yaml.safe_load(cases.read_text(encoding="utf-8"))]
        cases.write_text(yaml.safe_dump(renamed, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    profile = knowledge / "municipality.yaml"
    head, bodies, tail = re.split(r"(?m)^(bodies:\n)", profile.read_text(encoding="utf-8"), maxsplit=1)
    profile.write_text(head + bodies + _bodies(tail), encoding="utf-8")
    data = _routing(yaml.safe_load(ROUTING.read_text(encoding="utf-8")))
    routing = root / "routing_rules.yaml"
    routing.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    coordinator = data["coordinator"]
    return Municipality(knowledge, routing, coordinator, RENAMED["bygg"],
                        data["roles"][coordinator]["members"][0]["email"], foreign_role="naringsliv")
