"""The VK emulator (sheets_plan_emulators.vk) with the real vk_api client: VK 5.199's shapes, errors and
limits, checked against VK's schema (vkbottle_types). The ``emu`` fixture here is the VK emulator (it
shadows conftest's Google one) and fails a test that leaves a schema error it did not expect."""

from __future__ import annotations

import datetime
import time
import types

import pytest
import requests
import vk_api
from vk_api.exceptions import ApiError, ApiHttpError, VkRequestsPoolException

from sheets_plan_emulators.vk import VkEmulator, schema

MSK = datetime.timezone(datetime.timedelta(hours=3))
MAY_1 = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=MSK)


class Clock:
    """An emulator clock that moves only when told (or when vk_api sleeps, where a test wires it so)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module", autouse=True)
def schema_loaded():
    """Importing vkbottle_types takes about a second: once per module, outside any test's own time."""
    for name in ("wall.getById", "stats.getPostReach", "groups.getById"):
        assert schema.find(name) is not None


@pytest.fixture
def clock() -> Clock:
    return Clock()


def populate(emulator: VkEmulator) -> VkEmulator:
    emulator.add_community(123, "Кофейня", screen_name="coffee", members=5120)
    emulator.add_community(456, "Закрытый клуб", closed=True, members=40)
    emulator.add_community(789, "Частная группа", private=True)
    emulator.add_post(-123, 45, date=MAY_1, text="Новое меню", likes=10, comments=2, reposts=1, views=900,
                      reach=700, reach_subscribers=500, reach_ads=50, links=7, to_group=3, join_group=2, hide=1)
    emulator.add_post(-123, 46, date=MAY_1 + datetime.timedelta(days=1), likes=3, views=120, reach=100,
                      reach_subscribers=90)
    emulator.add_post(-123, 47, date=MAY_1, deleted=True)
    emulator.add_post(-456, 1, date=MAY_1, likes=1)
    emulator.add_post(-789, 1, date=MAY_1, likes=1)
    emulator.add_token("tok", community=123, scopes={"wall", "stats", "groups"})
    return emulator


@pytest.fixture
def emu(clock, monkeypatch):
    # vk_api paces itself and sleeps 0.5 s on error 6 before retrying: on the test's clock, so a test
    # making more than 3 calls runs in no real time (and never spins against a clock that stands still)
    monkeypatch.setattr(vk_api.vk_api, "time", types.SimpleNamespace(sleep=clock.advance, time=clock))
    emulator = populate(VkEmulator(clock=clock))
    yield emulator
    assert emulator.schema_errors == []


def take_schema_errors(emulator: VkEmulator) -> list[str]:
    """The schema errors a test provoked on purpose, taken off so the fixture's check sees the rest."""
    found = [str(e) for e in emulator.schema_errors]
    emulator.schema_errors.clear()
    return found


def session_of(emulator: VkEmulator, token: str | None = "tok") -> vk_api.VkApi:
    vk = vk_api.VkApi(token=token, session=emulator.session(), api_version="5.199")
    vk.RPS_DELAY = 0
    return vk


def api_of(emulator: VkEmulator, token: str | None = "tok"):
    return session_of(emulator, token).get_api()


def vk_error(call) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call()
    return caught.value


# ============================================================================ the methods' shapes

def test_wall_get_by_id_answers_posts_in_5_199_shape(emu):
    answer = api_of(emu).wall.getById(posts="-123_46,-123_45")
    assert list(answer) == ["items"]
    first, second = answer["items"]
    assert (first["id"], second["id"]) == (46, 45)   # in the order asked
    assert second["owner_id"] == second["from_id"] == -123
    assert second["date"] == int(MAY_1.timestamp()) == 1714554000
    assert second["text"] == "Новое меню"
    assert (second["likes"]["count"], second["comments"]["count"], second["reposts"]["count"],
            second["views"]["count"]) == (10, 2, 1, 900)


def test_deleted_closed_private_and_missing_posts_are_left_out(emu):
    api = api_of(emu)
    assert api.wall.getById(posts="-123_47,-456_1,-789_1,-123_99,-999_1,5_5")["items"] == []
    emu.add_token("member", community=456)   # an admin (so a member) of the closed community sees its wall
    assert [p["owner_id"] for p in api_of(emu, "member").wall.getById(posts="-456_1,-789_1")["items"]] == [-456]
    emu.delete_post(-123, 45)
    assert [p["id"] for p in api.wall.getById(posts="-123_45,-123_46")["items"]] == [46]


def test_stats_get_post_reach_answers_post_stats(emu):
    first, second = api_of(emu).stats.getPostReach(owner_id=-123, post_ids="45,46")
    assert first == {"post_id": 45, "reach_total": 700, "reach_subscribers": 500, "reach_viral": 150,
                     "reach_ads": 50, "links": 7, "to_group": 3, "join_group": 2, "report": 0, "hide": 1,
                     "unsubscribe": 0}
    assert (second["post_id"], second["reach_total"], second["reach_viral"]) == (46, 100, 10)


def test_groups_get_by_id_answers_groups_and_profiles(emu):
    api = api_of(emu)
    answer = api.groups.getById(group_ids="123,club456", fields="members_count")
    assert set(answer) == {"groups", "profiles"} and answer["profiles"] == []
    coffee, club = answer["groups"]
    assert (coffee["id"], coffee["name"], coffee["screen_name"], coffee["members_count"]) == (123, "Кофейня", "coffee", 5120)
    assert (coffee["is_closed"], coffee["is_admin"], coffee["admin_level"]) == (0, 1, 3)
    assert (club["id"], club["is_closed"], club["is_admin"], club["members_count"]) == (456, 1, 0, 40)
    plain = api.groups.getById(group_id="coffee")["groups"]
    assert [g["id"] for g in plain] == [123] and "members_count" not in plain[0]   # only when asked
    assert api.groups.getById(group_ids="club123,public456")["groups"][1]["screen_name"] == "club456"
    assert api.groups.getById(group_ids="789")["groups"][0]["is_closed"] == 2


def test_the_old_host_is_served_too(emu):
    reply = emu.session().post("https://api.vk.com/method/groups.getById",
                               data={"group_ids": "123", "v": "5.199", "access_token": "tok"})
    assert reply.status_code == 200 and reply.json()["response"]["groups"][0]["id"] == 123


# ============================================================================ authorization, rate

def test_an_unknown_or_missing_token_is_error_5(emu):
    error = vk_error(lambda: api_of(emu, "nope").wall.getById(posts="-123_45"))
    assert (error.code, error.error["error_msg"]) == (5, "User authorization failed: invalid access_token (4).")
    error = vk_error(lambda: api_of(emu, None).wall.getById(posts="-123_45"))
    assert (error.code, error.error["error_msg"]) == (5, "User authorization failed: no access_token passed.")


def test_an_expired_token_is_error_5(emu, clock):
    emu.add_token("hour", community=123, scopes={"stats"}, expires_in=3600)
    api = api_of(emu, "hour")
    clock.advance(3599)
    assert api.wall.getById(posts="-123_45")["items"]
    clock.advance(1)
    error = vk_error(lambda: api.wall.getById(posts="-123_45"))
    assert (error.code, error.error["error_msg"]) == (5, "User authorization failed: access_token has expired.")


def test_a_fourth_request_within_a_second_is_error_6(emu, clock):
    vk = session_of(emu)
    vk.error_handlers.pop(6)  # see VK's answer itself, not vk_api's retry
    api = vk.get_api()
    for _ in range(3):
        api.groups.getById(group_id=123)
        clock.advance(0.3)
    error = vk_error(lambda: api.groups.getById(group_id=123))
    assert (error.code, error.error["error_msg"]) == (6, "Too many requests per second")
    clock.advance(0.11)   # the first request is now more than a second old
    assert api.groups.getById(group_id=123)["groups"]
    emu.add_token("other", community=123)
    assert api_of(emu, "other").groups.getById(group_id=123)["groups"]   # the limit is per token


def test_vk_api_sleeps_and_retries_after_error_6(emu):
    api = api_of(emu)   # vk_api's sleep moves the emulator's clock (the fixture)
    results = [api.groups.getById(group_id=123)["groups"][0]["id"] for _ in range(7)]
    assert results == [123] * 7
    # the 4th and the 7th call got error 6 twice each (vk_api waits 0.5 s a time) before the second was over
    assert emu.count("groups.getById", error=6) == 4
    assert emu.count("groups.getById", error=None) == 7


@pytest.mark.slow
def test_vk_api_retry_gets_through_on_the_real_clock():
    emulator = populate(VkEmulator())
    api = api_of(emulator)
    started = time.monotonic()
    assert [len(api.wall.getById(posts="-123_45")["items"]) for _ in range(4)] == [1] * 4
    assert emulator.count(error=6) >= 1 and time.monotonic() - started >= 0.9
    assert emulator.schema_errors == []


@pytest.mark.slow
def test_vk_api_default_pacing_stays_within_the_limit():
    emulator = populate(VkEmulator())
    vk = vk_api.VkApi(token="tok", session=emulator.session(), api_version="5.199")   # RPS_DELAY 0.34
    for _ in range(4):
        vk.get_api().groups.getById(group_id=123)
    assert emulator.count(error=6) == 0 and emulator.count() == 4


# ============================================================================ access, parameters

def test_stats_need_the_stats_scope_and_an_admin_of_the_community(emu):
    emu.add_token("noscope", community=123, scopes={"wall", "groups"})
    error = vk_error(lambda: api_of(emu, "noscope").stats.getPostReach(owner_id=-123, post_ids="45"))
    assert (error.code, error.error["error_msg"]) == (15, "Access denied: no access to call this method")
    api = api_of(emu)
    for owner in (-456, -789, -999):   # closed, private, unknown: not the token's community
        assert vk_error(lambda: api.stats.getPostReach(owner_id=owner, post_ids="1")).code == 15


def test_a_missing_required_parameter_is_error_100_and_a_schema_error(emu):
    error = vk_error(lambda: api_of(emu).wall.getById())
    assert error.code == 100
    assert error.error["error_msg"] == "One of the parameters specified was missing or invalid: posts is undefined"
    assert take_schema_errors(emu) == ["request of wall.getById: missing required parameter 'posts'"]
    assert vk_error(lambda: api_of(emu).stats.getPostReach(post_ids="45")).code == 100
    assert take_schema_errors(emu) == ["request of stats.getPostReach: missing required parameter 'owner_id'"]


def test_a_wrong_type_is_error_100_and_a_schema_error(emu):
    error = vk_error(lambda: api_of(emu).stats.getPostReach(owner_id="coffee", post_ids="45"))
    assert error.error["error_msg"].endswith(": owner_id not integer")
    assert vk_error(lambda: api_of(emu).stats.getPostReach(owner_id=-123, post_ids="45,x")).code == 100
    assert len(take_schema_errors(emu)) == 2


def test_too_many_ids_and_malformed_ones_are_error_100(emu):
    api = api_of(emu)
    assert vk_error(lambda: api.wall.getById(posts=[f"-123_{i}" for i in range(1, 102)])).code == 100
    assert vk_error(lambda: api.stats.getPostReach(owner_id=-123, post_ids=list(range(1, 302)))).code == 100
    assert vk_error(lambda: api.wall.getById(posts="-123-45")).code == 100
    error = vk_error(lambda: api.groups.getById(group_ids="123,999"))
    assert (error.code, error.error["error_msg"].endswith("group_ids is invalid")) == (100, True)
    assert emu.schema_errors == []   # limits and unknown ids are VK's rules, not the schema's


def test_unknown_parameters_are_served_and_recorded(emu):
    assert api_of(emu).wall.getById(posts="-123_45", colour="red")["items"]
    assert take_schema_errors(emu) == ["request of wall.getById: unknown parameter 'colour'"]
    assert api_of(emu).groups.getById(group_id=123, fields="members_count,colour")["groups"][0]["members_count"]
    assert take_schema_errors(emu) == ["request of groups.getById: fields: 'colour' is not one of the schema's values"]


def test_error_answers_echo_the_request_without_the_token(emu):
    reply = emu.session().post("https://api.vk.ru/method/wall.getById",
                               data={"posts": "-123_45", "v": "5.199", "access_token": "nope"})
    assert reply.status_code == 200   # VK answers errors with HTTP 200
    assert reply.json() == {"error": {"error_code": 5, "error_msg": "User authorization failed: invalid access_token (4).",
                                      "request_params": [{"key": "posts", "value": "-123_45"},
                                                         {"key": "v", "value": "5.199"},
                                                         {"key": "method", "value": "wall.getById"},
                                                         {"key": "oauth", "value": "1"}]}}


def test_a_missing_version_is_error_8_and_an_unknown_method_error_3(emu):
    reply = emu.session().post("https://api.vk.ru/method/wall.getById", data={"posts": "-123_45", "access_token": "tok"})
    assert reply.json()["error"]["error_code"] == 8
    assert reply.json()["error"]["error_msg"] == "Invalid request: v (version) is required"
    error = vk_error(lambda: api_of(emu).wall.getByIdd(posts="-123_45"))
    assert (error.code, error.error["error_msg"]) == (3, "Unknown method passed")


def test_what_is_not_emulated_is_refused_loudly(emu):
    vk = vk_api.VkApi(token="tok", session=emu.session(), api_version="5.131")
    with pytest.raises(ApiHttpError) as caught:
        vk.get_api().groups.getById(group_id=123)   # another version answers in other shapes
    assert caught.value.response.status_code == 501
    assert "5.131" in caught.value.response.json()["emulator"]
    api = api_of(emu)
    for call in (lambda: api.users.get(user_ids="1"),            # in the schema, not served
                 lambda: api.wall.getById(posts="-123_45", extended=1),
                 lambda: api.wall.getById(posts="-123_45,-123_45"),
                 lambda: api.groups.getById(group_id=123, fields="description"),
                 lambda: api.stats.getPostReach(owner_id=-123, post_ids="47")):   # deleted: VK's answer unknown
        with pytest.raises(ApiHttpError) as caught:
            call()
        assert caught.value.response.json()["emulator"].startswith("not emulated: ")
    assert sum(r.refused is not None for r in emu.requests) == 6   # (beside vk_api's retries of error 6)


# ============================================================================ execute

def test_execute_runs_a_pool_of_several_methods(emu, clock):
    vk = session_of(emu)
    with vk_api.VkRequestsPool(vk) as pool:
        posts = pool.method("wall.getById", {"posts": "-123_45"})
        stats = pool.method("stats.getPostReach", {"owner_id": -123, "post_ids": "45,46"})
        groups = pool.method("groups.getById", {"group_ids": "coffee", "fields": "members_count"})
    assert posts.result["items"][0]["id"] == 45
    assert [s["post_id"] for s in stats.result] == [45, 46]
    assert groups.result["groups"][0]["members_count"] == 5120
    assert emu.count("execute") == 1 and emu.count(batched=True) == 3 and emu.count("wall.getById") == 1


def test_execute_is_one_request_for_the_rate_limit(emu):
    vk = session_of(emu)
    vk.error_handlers.pop(6)
    for _ in range(3):   # 3 requests of 4 calls each, in no time: 12 calls, 3 requests
        with vk_api.VkRequestsPool(vk) as pool:
            for i in range(2):
                pool.method("wall.getById", {"posts": f"-123_{45 + i}"})
                pool.method("groups.getById", {"group_id": 123})
    assert emu.count(batched=False) == 3 and emu.count(batched=True) == 12 and emu.count(error=6) == 0
    assert vk_error(lambda: vk.get_api().groups.getById(group_id=123)).code == 6


def test_a_failed_call_in_execute_is_false_with_execute_errors(emu):
    code = ('return [API.wall.getById({"posts":"-123_45"}),API.stats.getPostReach({"owner_id":-456,"post_ids":"1"}),'
            'API.groups.getById({"group_ids":"999"})];')
    raw = session_of(emu).method("execute", {"code": code}, raw=True)
    assert raw["response"][0]["items"][0]["id"] == 45 and raw["response"][1:] == [False, False]
    assert raw["execute_errors"] == [
        {"method": "stats.getPostReach", "error_code": 15, "error_msg": "Access denied: no access to call this method"},
        {"method": "groups.getById", "error_code": 100,
         "error_msg": "One of the parameters specified was missing or invalid: group_ids is invalid"}]
    with vk_api.VkRequestsPool(session_of(emu)) as pool:
        ok = pool.method("groups.getById", {"group_id": 123})
        failed = pool.method("wall.getById", {})
    assert ok.ok and not failed.ok and failed.error["error_code"] == 100
    with pytest.raises(VkRequestsPoolException):
        failed.result
    assert take_schema_errors(emu) == ["request of wall.getById: missing required parameter 'posts'"]


def test_other_vkscript_is_error_12(emu):
    vk = session_of(emu)
    for code in ("return 1;", 'return API.wall.getById({"posts":"-123_45"});',
                 'var a = API.groups.getById({"group_id":123}); return [a];',
                 'return [API.wall.getById({posts:"-123_45"})];'):   # unquoted keys: VKScript, not JSON
        error = vk_error(lambda: vk.method("execute", {"code": code}))
        assert (error.code, error.error["error_msg"]) == (12, "Unable to compile code")
    with pytest.raises(ApiError) as caught:   # one method many times: vk_api sends a while loop
        with vk_api.VkRequestsPool(vk) as pool:
            pool.method("wall.getById", {"posts": "-123_45"})
            pool.method("wall.getById", {"posts": "-123_46"})
    assert caught.value.code == 12


def test_execute_makes_at_most_25_calls(emu):
    code = "return [" + ",".join(['API.groups.getById({"group_id":123})'] * 26) + "];"
    assert vk_error(lambda: session_of(emu).method("execute", {"code": code})).code == 13


# ============================================================================ faults, records, network

def test_a_fault_hook_answers_its_error(emu):
    emu.inject(lambda request: 10 if request.method == "stats.getPostReach" else None)
    error = vk_error(lambda: api_of(emu).stats.getPostReach(owner_id=-123, post_ids="45"))
    assert (error.code, error.error["error_msg"]) == (10, "Internal server error")
    raw = session_of(emu).method("execute", {"code": 'return [API.stats.getPostReach({"owner_id":-123,"post_ids":"45"}),'
                                                     'API.groups.getById({"group_id":123})];'}, raw=True)
    assert raw["response"][0] is False and raw["execute_errors"][0]["error_code"] == 10
    emu.inject(None)
    assert api_of(emu).stats.getPostReach(owner_id=-123, post_ids="45")


def test_every_request_is_recorded_without_the_token(emu):
    api = api_of(emu)
    api.wall.getById(posts="-123_45")
    vk_error(lambda: api.groups.getById(group_ids="999"))
    assert [(r.method, r.params, r.error) for r in emu.requests] == [
        ("wall.getById", {"posts": "-123_45", "v": "5.199"}, None),
        ("groups.getById", {"group_ids": "999", "v": "5.199"}, 100)]
    assert emu.count() == 2 and emu.count("groups.getById", error=100) == 1


def test_no_network_beyond_vk_api(emu):
    session = emu.session()
    for url in ("https://example.com/", "https://vk.ru/", "http://api.vk.ru/method/wall.getById",
                "https://oauth.vk.com/authorize"):
        with pytest.raises(requests.ConnectionError):
            session.get(url)
    assert emu.requests == []


def test_set_up_refuses_what_vk_would_not_have(emu):
    with pytest.raises(ValueError):
        emu.add_post(-123, 48, date=datetime.datetime(2024, 5, 1))   # naive: which zone?
    with pytest.raises(ValueError):
        emu.add_post(5, 1, date=MAY_1)   # a user's wall is not modelled
    with pytest.raises(ValueError):
        emu.add_token("x", community=123, scopes={"stat"})
    with pytest.raises(TypeError):
        emu.add_post(-123, 49, date=MAY_1, shares=3)


# ============================================================================ the schema check itself

def test_the_schema_names_each_methods_parameters_and_model(emu):
    wall, stats = schema.find("wall.getById"), schema.find("stats.getPostReach")
    assert wall.required == {"posts"} and {"extended", "fields", "copy_history_depth"} <= wall.params.keys()
    assert stats.required == {"owner_id", "post_ids"}
    assert wall.response_model({}).__name__ == "WallGetByIdResponse"
    assert wall.response_model({"extended": True}).__name__ == "WallGetByIdExtendedResponse"
    assert schema.find("groups.getById").response_model({}).__name__ == "GroupsGetByIdObjectResponse"
    assert schema.find("wall.noSuch") is None and schema.find("nosuch.get") is None and schema.find("execute") is None


@pytest.mark.parametrize("spoil, expected", [
    (lambda post: post.update(colour="red"), "response.items[0].colour: not declared by WallWallpostFull"),
    (lambda post: post["likes"].update(count="10"), "response.items[0].likes.count: '10' is not int"),
    (lambda post: post["likes"].pop("can_like"), "response.items[0].likes.can_like: required by BaseLikesInfo"),
    (lambda post: post.update(post_type="story"), "response.items[0].post_type: 'story' is not one of WallPostType"),
    (lambda post: post["views"].update(extra=1), "response.items[0].views.extra: not declared by WallViews"),
])
def test_a_response_outside_the_schema_is_caught_and_answered_10(emu, monkeypatch, spoil, expected):
    serve = emu.handlers["wall.getById"]

    def spoiled(call):
        answer = serve(call)
        spoil(answer["items"][0])
        return answer

    monkeypatch.setitem(emu.handlers, "wall.getById", spoiled)
    error = vk_error(lambda: api_of(emu).wall.getById(posts="-123_45"))
    assert (error.code, error.error["error_msg"]) == (10, "Internal server error")
    found = take_schema_errors(emu)
    assert any(e.startswith(f"response of wall.getById: {expected}") for e in found), found


def test_a_stats_or_groups_answer_outside_the_schema_is_caught(emu, monkeypatch):
    monkeypatch.setitem(emu.handlers, "stats.getPostReach", lambda call: [{"post_id": 45, "reach": 1}])
    monkeypatch.setitem(emu.handlers, "groups.getById", lambda call: [{"id": 123}])   # the pre-5.194 shape
    assert vk_error(lambda: api_of(emu).stats.getPostReach(owner_id=-123, post_ids="45")).code == 10
    assert vk_error(lambda: api_of(emu).groups.getById(group_id=123)).code == 10
    found = take_schema_errors(emu)
    assert "response of stats.getPostReach: response[0].reach: not declared by StatsWallpostStat" in found
    assert any(e.startswith("response of groups.getById: response: list is not an object") for e in found), found
