"""VK's API (version 5.199), in memory, strict like VK (moto-style): the real ``vk_api`` client runs
unmodified against it through a ``requests`` transport adapter mounted on ``https://api.vk.ru/`` and
``https://api.vk.com/`` (any other host: ``requests.ConnectionError``)::

    from sheets_plan_emulators.vk import VkEmulator
    emu = VkEmulator()                          # clock=time.monotonic by default; injectable
    emu.add_community(123, "Кофейня", screen_name="coffee", members=5120)   # closed=False, private=False
    emu.add_post(-123, 45, date=datetime.datetime(2024, 5, 1, 12, tzinfo=MSK), likes=10, comments=2,
                 reposts=1, views=900, reach=700, reach_subscribers=500)
    emu.add_token("tok", community=123, scopes={"wall", "stats", "groups"}, expires_in=None)
    vk = vk_api.VkApi(token="tok", session=emu.session(), api_version="5.199")
    vk.RPS_DELAY = 0                            # tests may switch off vk_api's own pacing
    api = vk.get_api()
    api.wall.getById(posts="-123_45")           # {"items": [{...post...}]}
    assert emu.schema_errors == [] and emu.count("wall.getById") == 1

Served: ``wall.getById``, ``stats.getPostReach``, ``groups.getById`` and ``execute`` in the one form
vk_api's ``VkRequestsPool`` sends for several methods. Every call is recorded (``emu.requests``), needs
``v`` (error 8) and a valid token (5: unknown, expired on the clock), is limited to 3 a second per token
(6), passes the fault hook (``emu.inject``), and is checked against VK's schema as published on PyPI
(``vkbottle_types``): its parameters (unknown names recorded, missing or mistyped ones error 100) and
its answer, strictly (undeclared keys too); a schema violation is recorded in ``emu.schema_errors``, and
a bad answer, the emulator's own bug, is sent as error 10. Errors have VK's shape and HTTP 200.

What VK does and the emulator does not model (other API versions, ``extended``, other ``fields``, any
other VKScript than the pool's, other methods) is never approximated: an unknown method is error 3, an
unknown script error 12 as VK answers, and the rest HTTP 501 naming what is missing (``VkRequest.refused``).

Modules (the moto shape: state apart from request handling):

* ``emulator``: the VkEmulator, set-up helpers, the fault hook, counts, the session;
* ``pipeline``: serving a request in VK's order of checks, ``execute``;
* ``state``: communities, posts and their statistics, tokens; who may see or read what;
* ``methods``: thin handlers, and VK's objects (post, reach, group);
* ``schema``: the vkbottle_types methods and their parameters, read lazily; ``conform``: answers against
  the response models; ``vkscript``: the one script form read;
* ``transport``: the requests adapter, recorded requests; ``errors``: VK's codes and messages.
"""

from .emulator import API_URLS, VkEmulator
from .errors import NotEmulated, SchemaProblem
from .transport import VkRequest

__all__ = ["VkEmulator", "VkRequest", "SchemaProblem", "NotEmulated", "API_URLS"]
