"""Who is in which chat room right now: in Redis with several processes, in memory otherwise.

Presence is kept per socket (one person may have several tabs open) and reported per person.
A process that dies without closing its sockets leaves their entries behind in Redis (no sweep
yet); presence is a courtesy, never a permission, so a stale entry shows a name, nothing more.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict

from flask import current_app


class MemoryPresence:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rooms: dict[int, dict[str, dict]] = defaultdict(dict)

    def join(self, room_id: int, sid: str, person: dict) -> None:
        with self._lock:
            self._rooms[room_id][sid] = person

    def leave(self, room_id: int, sid: str) -> None:
        with self._lock:
            self._rooms[room_id].pop(sid, None)

    def rooms_of(self, sid: str) -> list[int]:
        with self._lock:
            return [room for room, sids in self._rooms.items() if sid in sids]

    def people(self, room_id: int) -> list[dict]:
        with self._lock:
            return _unique(self._rooms.get(room_id, {}).values())


class RedisPresence:
    PREFIX = "forum:presence:"

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, decode_responses=True)

    def join(self, room_id: int, sid: str, person: dict) -> None:
        pipe = self._redis.pipeline()
        pipe.hset(f"{self.PREFIX}room:{room_id}", sid, json.dumps(person))
        pipe.sadd(f"{self.PREFIX}sid:{sid}", room_id)
        pipe.execute()

    def leave(self, room_id: int, sid: str) -> None:
        pipe = self._redis.pipeline()
        pipe.hdel(f"{self.PREFIX}room:{room_id}", sid)
        pipe.srem(f"{self.PREFIX}sid:{sid}", room_id)
        pipe.execute()

    def rooms_of(self, sid: str) -> list[int]:
        return [int(r) for r in self._redis.smembers(f"{self.PREFIX}sid:{sid}")]

    def people(self, room_id: int) -> list[dict]:
        values = self._redis.hvals(f"{self.PREFIX}room:{room_id}")
        return _unique(json.loads(v) for v in values)


def _unique(people) -> list[dict]:
    seen: dict[int, dict] = {}
    for person in people:
        seen.setdefault(person["id"], person)
    return sorted(seen.values(), key=lambda p: p["name"].lower())


def presence() -> MemoryPresence | RedisPresence:
    app = current_app._get_current_object()
    found = app.extensions.get("forum_presence")
    if found is None:
        url = app.config.get("REDIS_URL")
        found = RedisPresence(url) if url else MemoryPresence()
        app.extensions["forum_presence"] = found
    return found
