"""AmoCRM's API v4 in memory, strict like AmoCRM (moto-style): the product's own AmoCRM client runs
unmodified against it through a ``requests`` transport adapter::

    from sheets_plan_emulators.amocrm import AmoEmulator
    emu = AmoEmulator(clock=clock)             # a FakeClock: the 7-a-second pace without waiting
    acc = emu.add_account("coffee")            # https://coffee.amocrm.ru
    anna = acc.add_user("Анна Петрова")
    pipe = acc.add_pipeline("Воронка", ["Первичный контакт", "Тёплый лид", "Заявка"])
    cid = acc.add_contact("Ирина", phones=["+7 903 123-45-67"])
    lead = acc.add_lead("Сделка", pipeline=pipe, status=acc.status_id(pipe, "Первичный контакт"),
                        responsible=anna, contact=cid)
    acc.move_lead(lead, acc.status_id(pipe, "Тёплый лид"))           # leaves its lead_status_changed event
    emu.add_token("long-lived-token", "coffee")
    session = emu.session()                    # give it to the client
    assert emu.schema_errors == []

Served (each request and answer checked against ``openapi.yaml``, AmoCRM's description as published,
with the documentation's word where the two disagree: ``schema.DOCUMENTATION_WINS``): users,
pipelines, custom fields, leads (``with=contacts``), contacts, tasks, events of type
``lead_status_changed``: filtered, ordered, paged (``_links.next`` until the last page, 204 on an empty
one); ``POST tasks``, ``PATCH tasks/{id}``, ``POST leads/complex``. 401 for a missing, unknown,
expired or revoked token; 403 where a token has no rights; 429 above 7 requests a second; faults by
``emu.fault``. Anything else (another filter, another event type, a batch over 50, a limit over the
documented one) is refused with HTTP 501 naming it (``AmoRequest.refused``), never approximated.

Modules (the moto shape): ``state`` (the account, its set-up as people change it), ``handlers`` (thin
request handlers), ``schema`` (the description, strict), ``query`` (AmoCRM's query form), ``errors``,
``emulator`` (the order of checks, the session).
"""

from .emulator import PER_SECOND, AmoEmulator, AmoRequest
from .errors import NotEmulated
from .state import LOST, WON, Account

__all__ = ["AmoEmulator", "AmoRequest", "Account", "NotEmulated", "PER_SECOND", "WON", "LOST"]
