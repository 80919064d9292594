"""How a project maps onto its AmoCRM account, as the team file says it (``[amocrm]`` for the team's
account, ``[projects."NAME".amocrm]`` per project): the pipeline, which statuses are which funnel
stage, which AmoCRM users are which admins, which custom fields hold the profile link and the
product, and how a lead's platform is known. Names, not ids: the account is read to find them, and
a name it lacks is one line naming it and what the account has. Pure: TOML data in."""

from __future__ import annotations

from dataclasses import dataclass, field

from .template import STAGES

TOKEN_ENV = "SHEETS_PLAN_AMOCRM_TOKEN"
PLATFORM_FROM = ("tag", "source", "field")
DOMAINS = ("amocrm.ru", "kommo.com")


@dataclass(frozen=True)
class CrmMap:
    project: str
    subdomain: str
    pipeline: str
    stages: dict[str, tuple[str, ...]]            # stage key (dialog, warm_lead, application, refusal) -> status names
    admins: dict[str, str] = field(default_factory=dict)   # admin (as in the Lists tab) -> AmoCRM user name
    profile_field: str | None = None
    product_field: str | None = None
    platform: tuple[str, str | None] = ("tag", None)       # ("tag" | "source" | "field", the field's name)
    domain: str = "amocrm.ru"
    token_env: str = TOKEN_ENV
    token_file: str | None = None                 # a path (relative to the team file's folder)
    task_type: int = 1                            # AmoCRM's task type for the admins' tasks (1: follow-up)
    recorded: str | None = None                   # the account's answers recorded in a file (the demo's), offline
    tasks: str = "alongside"                      # the admins' CRM items as AmoCRM tasks: alongside | instead | none

    @property
    def base(self) -> str:
        return f"https://{self.subdomain}.{self.domain}"

    def card_url(self, lead_id: int) -> str:
        return f"{self.base}/leads/detail/{lead_id}"


ACCOUNT_KEYS = {"subdomain", "domain", "token_env", "token_file", "recorded"}
PROJECT_KEYS = ACCOUNT_KEYS | {"pipeline", "stages", "admins", "profile_field", "product_field", "platform", "task_type",
                               "tasks"}
TASKS = ("alongside", "instead", "none")  # beside the e-mail/Telegram digest, in its place, or not at all


def crm_maps(data: dict, problem) -> dict[str, CrmMap]:
    """Each project's map (by the project's name, casefolded). `problem(key, why)` records a mistake."""
    team = data.get("amocrm", {})
    if not isinstance(team, dict):
        problem("amocrm", "must be a table (subdomain, token_env or token_file)")
        team = {}
    for key in sorted(set(team) - ACCOUNT_KEYS):
        problem(f"amocrm.{key}", f"unknown key; one of {', '.join(sorted(ACCOUNT_KEYS))}")
    out: dict[str, CrmMap] = {}
    projects = data.get("projects", {})
    if not isinstance(projects, dict):
        problem("projects", 'must be tables: [projects."Project name".amocrm]')
        return out
    for name, entry in projects.items():
        where = f'projects."{name}"'
        if not isinstance(entry, dict) or set(entry) - {"amocrm"}:
            problem(where, "holds one table, amocrm")
            continue
        if "amocrm" in entry:
            made = _project(name, {**team, **entry["amocrm"]}, f"{where}.amocrm", problem)
            if made is not None:
                out[name.casefold()] = made
    return out


def _project(name: str, raw: dict, where: str, problem) -> CrmMap | None:
    ok = True

    def bad(key: str, why: str):
        nonlocal ok
        ok = False
        problem(f"{where}.{key}", why)

    for key in sorted(set(raw) - PROJECT_KEYS):
        bad(key, f"unknown key; one of {', '.join(sorted(PROJECT_KEYS))}")
    for key in ("subdomain", "pipeline"):
        if not isinstance(raw.get(key), str) or not raw.get(key, "").strip():
            bad(key, "missing: the account's subdomain (zerno for zerno.amocrm.ru)" if key == "subdomain"
                else "missing: the pipeline's name as AmoCRM shows it")
    if raw.get("domain", "amocrm.ru") not in DOMAINS:
        bad("domain", f"one of {', '.join(DOMAINS)}")
    stages = raw.get("stages", {})
    if not isinstance(stages, dict) or not stages:
        bad("stages", f"a table: {', '.join(STAGES)} = [status names]")
        stages = {}
    for key, names in stages.items():
        if key not in STAGES:
            bad(f"stages.{key}", f"unknown stage; one of {', '.join(STAGES)}")
        elif not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            bad(f"stages.{key}", "a list of status names")
    admins = raw.get("admins", {})
    if not isinstance(admins, dict) or not all(isinstance(v, str) for v in admins.values()):
        bad("admins", 'a table: "Admin as in the Lists tab" = "AmoCRM user name"')
        admins = {}
    platform = _platform(raw.get("platform", "tag"), bad)
    task_type = raw.get("task_type", 1)
    if not isinstance(task_type, int) or isinstance(task_type, bool) or task_type < 1:
        bad("task_type", "AmoCRM's task type id, a whole number (1: follow-up, 2: meeting)")
    if raw.get("tasks", "alongside") not in TASKS:
        bad("tasks", f"one of {', '.join(TASKS)} (the digest's AmoCRM items as tasks beside it, in its place, or not)")
    for key in ("profile_field", "product_field", "token_env", "token_file", "recorded"):
        if key in raw and not isinstance(raw[key], str):
            bad(key, "a name in quotes")
    if not ok:
        return None
    return CrmMap(name, raw["subdomain"].strip(), raw["pipeline"].strip(),
                  {k: tuple(v) for k, v in stages.items() if k in STAGES}, dict(admins), raw.get("profile_field"),
                  raw.get("product_field"), platform, raw.get("domain", "amocrm.ru"),
                  raw.get("token_env", TOKEN_ENV), raw.get("token_file"), task_type, raw.get("recorded"),
                  raw.get("tasks", "alongside"))


def _platform(text, bad) -> tuple[str, str | None]:
    kind, _, name = str(text).partition(":")
    if kind not in PLATFORM_FROM or (kind == "field") != bool(name.strip()):
        bad("platform", 'one of "tag", "source", "field:FIELD NAME"')
        return "tag", None
    return kind, name.strip() or None
