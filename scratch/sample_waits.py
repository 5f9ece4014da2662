"""Samples pg_stat_activity every 0.1 s: active backends by wait event and statement head."""
import asyncio, collections, sys, time
import asyncpg

async def main(seconds: float, db: str) -> None:
    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5433/{db}")
    seen = collections.Counter()
    active = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        rows = await conn.fetch(
            "SELECT wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) q"
            " FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND datname = $1", db)
        for r in rows:
            active += 1
            seen[(r[0], r[1], r[2])] += 1
        await asyncio.sleep(0.1)
    print("active backends seen:", active)
    for key, n in seen.most_common(12):
        print(n, key)

asyncio.run(main(float(sys.argv[1]), sys.argv[2]))
