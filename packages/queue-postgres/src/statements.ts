import { quote } from './identifiers.js';

/** Milliseconds since the epoch of a timestamptz expression, as a float8 the driver returns as a number. */
const ms = (expr: string) => `(extract(epoch from ${expr}) * 1000)::float8`;

/**
 * Adds to this connection's counter row, one column per entry of `counts` (name: SQL count). Totals are spread over 16
 * rows per queue by backend pid, so concurrent completes on different connections do not wait on one row lock;
 * stats sum them. One upsert per statement: two in one statement on the same row would be refused by PostgreSQL.
 */
const bump = (s: string, counts: Record<string, string>) => {
  const columns = Object.keys(counts);
  return `
  insert into ${s}.counters (queue, shard, ${columns.join(', ')})
  select $1, pg_backend_pid() % 16, ${columns.join(', ')}
  from (select ${columns.map((c) => `${counts[c]} as ${c}`).join(', ')}) c where ${columns.map((c) => `${c} > 0`).join(' or ')}
  on conflict (queue, shard) do update set ${columns.map((c) => `${c} = ${s}.counters.${c} + excluded.${c}`).join(', ')}`;
};

/** The counts the claim CTEs leave for {@link bump}. */
const claimCounts = { redelivered: '(select count(*) from claimed where expired)' };
/** The count the complete CTEs leave for {@link bump}. */
const completeCounts = { completed: '(select count(*) from done)' };

/**
 * The claim, as CTEs after `requests` (the claimers still in the statement, in order: `want` jobs each, from slot
 * `lo + 1`) and `wanted` (their sum `n`, and their worker ids, leases and first slots as arrays), ending in
 * `claimed`: lock up to `n` waiting jobs that are due and as many running jobs whose lease ran out (SKIP LOCKED:
 * rows another claimer holds are passed over, never waited on), lease the best of them by priority then age.
 * Taking expired leases back here, rather than in a periodic sweep, returns a dead worker's job within its lease.
 * Expired jobs that used up their attempts are left out; the statement reports how many it saw (`spent`) and the
 * queue buries them with `bury` at once, a statement that runs only then: a delete and an insert that do nothing
 * still cost a tenth of a one-job claim. Picked jobs are numbered best first (`slot`);
 * a picked slot's claimer is found in `wanted.starts` by `width_bucket` (every claimer in the statement wants at
 * least one job, so the starts increase), so no array or row set is as long as what was asked for: a claim of
 * 1000 on a queue of 3 jobs leases 3 rows and builds nothing longer. (Expanding each claimer to its slots with
 * `generate_series` instead made PostgreSQL replan the statement on every run rather than keep its generic plan.)
 */
function claimCtes(s: string): string {
  const limit = '(select n from wanted)';
  return `waiting as (
        select id, priority, run_at, false as expired, false as spent from ${s}.jobs
        where queue = $1 and token is null and run_at <= now()
        order by priority desc, run_at, id limit ${limit}
        for update skip locked
      ), expired as (
        select id, priority, run_at, true as expired, attempt >= max_attempts as spent from ${s}.jobs
        where queue = $1 and token is not null and lease_until <= now()
        order by lease_until limit ${limit}
        for update skip locked
      ), picked as (
        select *, row_number() over (order by priority desc, run_at, id) as slot
        from (select * from waiting union all select * from expired where not spent) c
        order by priority desc, run_at, id limit ${limit}
      ), claimed as (
        update ${s}.jobs j
        -- One strong random value per statement, spread over its rows by id: each lease still gets its own token
        -- that no earlier lease of the job had, without a gen_random_uuid() per row (measured at 7 µs a row on the
        -- embedded PostgreSQL 18 build, a fifth of a batched claim's server time).
        set token = md5((select gen_random_uuid())::text || j.id)::uuid, lease_until = now() + make_interval(secs => wanted.leases[width_bucket(p.slot, wanted.starts)] / 1000),
            attempt = j.attempt + 1, worker_id = wanted.workers[width_bucket(p.slot, wanted.starts)]
        -- The picked rows as arrays unnested again: the planner takes an unnest of a computed array for a few rows
        -- whatever the table's statistics say, so it looks each job up by primary key. Joined to the CTE itself,
        -- the plan followed the statistics: without an ANALYZE since the last bulk enqueue it was a nested loop that
        -- checked an "id = any(all picked ids)" index condition on every row (quadratic; a claim of 400 took 1.5×
        -- the server time), and without that condition a hash join over a sequential scan of the whole table.
        from (select array_agg(id order by slot) as ids, array_agg(expired order by slot) as expired from picked) a,
          unnest(a.ids, a.expired) with ordinality as p(id, expired, slot), wanted
        where j.id = p.id
        returning j.id, j.payload, j.attempt, j.token, j.lease_until, p.expired, p.slot
      )`;
}

/**
 * $1 queue, $2 ids, $3 tokens, $4 archive?: CTEs ending in `done`, the jobs deleted because their lease was live.
 * Without `archive` the archive insert is left out of the text (an insert that inserts nothing still opens its table
 * and index on every run); `$4` stays, in a CTE nobody reads, which PostgreSQL never runs.
 */
function completeCtes(s: string, archive: boolean): string {
  return `done as (
        delete from ${s}.jobs j
        -- Found by primary key, then each (id, token) pair is checked against a hash of the pairs sent (a hashed
        -- subplan: constant time a row, where looking the id up in the array was linear). "is true" keeps the IN
        -- from being turned into a join, which tells the planner "token is not null" and, with stale statistics,
        -- made it scan every running job in jobs_running instead (8,400 rows for a complete of 400).
        where j.id = any($2::bigint[]) and j.queue = $1 and j.lease_until > now()
          and ((j.id, j.token) in (select * from unnest($2::bigint[], $3::uuid[]))) is true
        returning j.id${archive ? ', j.queue, j.payload, j.attempt, j.created_at' : ''}
      ), archived as (${
        archive
          ? `insert into ${s}.archive (id, queue, payload, attempts, created_at)
        select id, queue, payload, attempt, created_at from done where $4::boolean`
          : 'select $4::boolean'
      })`;
}

/**
 * The SQL text of every queue statement, for one schema. All are single statements with bind parameters and no
 * session state, so they run behind a transaction-mode pooler (the queue prepares them by name unless `prepare: false`).
 */
export function statements(schema: string, channel: string, archive = false) {
  const s = quote(schema);
  return {
    /**
     * $1 queue, $2 payloads (json text), $3 priorities, $4 run_at ms (null: now), $5 max attempts, $6 dedup keys.
     * Returns inserted rows in input order (`ord`) and, for dedup keys already live, the live job's id.
     */
    enqueue: `
      with input as (
        select * from unnest($2::text[], $3::int[], $4::float8[], $5::int[], $6::text[])
          with ordinality as t(payload, priority, run_at, max_attempts, dedup_key, ord)
      ), inserted as (
        insert into ${s}.jobs (queue, payload, priority, run_at, max_attempts, dedup_key)
        select $1, payload::json, priority, coalesce(to_timestamp(run_at / 1000), now()), max_attempts, dedup_key
        from input order by ord
        on conflict (queue, dedup_key) where dedup_key is not null do nothing
        returning id, dedup_key
      ), counted as (${bump(s, { enqueued: '(select count(*) from inserted)' })}
      ), notified as (
        select pg_notify('${channel}', $1) from (select 1 from inserted limit 1) any_row
      )
      select id::text, dedup_key, true as new from inserted
      union all
      select id::text, dedup_key, false from ${s}.jobs where queue = $1 and dedup_key = any($6::text[])
      union all
      select null, null, null from notified`,

    /**
     * $1 queue, $2 ids, $3 tokens, $4 archive?, then one entry per claimer: $5 the id whose complete it follows
     * (null: a claim on its own), $6 its worker id, $7 its lease ms, $8 how many jobs it wants. Completes and claims
     * in one statement: a claimer whose complete was refused is dropped (it claims nothing), the others get the best
     * jobs in order, each up to its `want`. Returns the claimed jobs with their slot among the kept claimers' (from
     * 1), and one row (`slot` null) with the completed ids (`done`) and the number of spent expired jobs seen (`spent`).
     */
    completeClaim: `
      with ${completeCtes(s, archive)},
      requests as (
        select w, l, want, sum(want) over (order by k) - want as lo
        from unnest($5::bigint[], $6::text[], $7::float8[], $8::int[]) with ordinality as r(after, w, l, want, k)
        where after is null or after in (select id from done)
      ), wanted as (
        select coalesce(sum(want), 0)::int as n, array_agg(w order by lo) as workers, array_agg(l order by lo) as leases,
               array_agg(lo + 1 order by lo) as starts
        from requests
      ), ${claimCtes(s)},
      counted as (${bump(s, { ...completeCounts, ...claimCounts })})
      select id::text, payload, attempt, token::text, ${ms('lease_until')} as lease_until, slot, null::text[] as done,
             null::int as spent
      from claimed
      union all
      select null, null, null, null, null, null, coalesce(array_agg(id::text), '{}'), (select count(*)::int from expired where spent)
      from done`,

    /**
     * $1 queue, $2 max: moves up to `max` expired jobs that used up their attempts to `dead_jobs` (the claims saw
     * them and left them out). SKIP LOCKED and the conditions checked again: two claimers that saw the same jobs
     * bury each once.
     */
    bury: `
      with killed as (
        delete from ${s}.jobs j
        where j.id = any(array(
          select id from ${s}.jobs
          where queue = $1 and token is not null and lease_until <= now() and attempt >= max_attempts
          order by lease_until limit $2
          for update skip locked))
        returning j.*
      ), buried as (
        insert into ${s}.dead_jobs (id, queue, payload, priority, attempts, max_attempts, dedup_key, last_error, created_at)
        select id, queue, payload, priority, attempt, max_attempts, dedup_key,
               'lease expired on attempt ' || attempt || ' of ' || max_attempts, created_at
        from killed
      ), died as (${bump(s, { died: '(select count(*) from killed)' })}
      )
      select count(*)::int as buried from killed`,

    /** $1 queue, $2 ids, $3 tokens, $4 archive? Deletes the jobs whose lease is live; returns their ids (`done`). */
    complete: `
      with ${completeCtes(s, archive)},
      counted as (${bump(s, completeCounts)})
      select coalesce(array_agg(id::text), '{}') as done from done`,

    /**
     * $1 queue, $2 id, $3 token, $4 error text, $5 retry ms (null: backoff), $6 backoff base ms, $7 backoff max ms.
     * Retries after `min(max, base × 2^(attempt-1))` jittered down by up to half, or buries the job on its last attempt.
     */
    fail: `
      with held as (
        select id, attempt, max_attempts from ${s}.jobs
        where id = $2 and queue = $1 and token = $3 and lease_until > now()
        for update
      ), retried as (
        update ${s}.jobs j set token = null, lease_until = null, worker_id = null, last_error = $4,
          run_at = now() + make_interval(secs => coalesce($5::float8,
            least($7::float8, $6::float8 * power(2, held.attempt - 1)) * (0.5 + random() * 0.5)) / 1000)
        from held where j.id = $2 and j.id = held.id and held.attempt < held.max_attempts
        returning j.id
      ), killed as (
        delete from ${s}.jobs j using held where j.id = $2 and j.id = held.id and held.attempt >= held.max_attempts returning j.*
      ), buried as (
        insert into ${s}.dead_jobs (id, queue, payload, priority, attempts, max_attempts, dedup_key, last_error, created_at)
        select id, queue, payload, priority, attempt, max_attempts, dedup_key, $4, created_at from killed
      ), died as (${bump(s, { died: '(select count(*) from killed)' })}
      )
      select id from retried union all select id from killed`,

    /** $1 queue, $2 id, $3 token, $4 lease ms. Touches only the lease expiry. */
    extend: `
      update ${s}.jobs set lease_until = now() + make_interval(secs => $4::float8 / 1000)
      where id = $2 and queue = $1 and token = $3 and lease_until > now()
      returning ${ms('lease_until')} as lease_until`,

    /** $1 queue, $2 id: why a lease check failed. */
    inspect: `
      select 'live' as state, token::text, ${ms('lease_until')} - ${ms('now()')} as lease_left_ms
      from ${s}.jobs where id = $2 and queue = $1
      union all select 'dead', null, null from ${s}.dead_jobs where id = $2 and queue = $1`,

    /**
     * $1 queue. Counts from the counters, the small running index and the delayed range of `jobs_due`, never a scan
     * of all waiting jobs: ready = live - running - delayed. Expired leases count as ready (or dead when spent), as
     * the next claim will treat them.
     */
    stats: `
      with totals as (
        select coalesce(sum(enqueued), 0)::float8 as enqueued, coalesce(sum(completed), 0)::float8 as completed,
               coalesce(sum(redelivered), 0)::float8 as redelivered, coalesce(sum(died), 0)::float8 as died,
               coalesce(sum(revived), 0)::float8 as revived
        from ${s}.counters where queue = $1
      ), running as (
        select count(*) filter (where lease_until > now())::float8 as live,
               count(*) filter (where lease_until <= now() and attempt >= max_attempts)::float8 as spent,
               count(*) filter (where lease_until <= now() and attempt < max_attempts)::float8 as expired,
               ${ms('min(run_at) filter (where lease_until <= now() and attempt < max_attempts)')} as oldest_expired
        from ${s}.jobs where queue = $1 and token is not null
      ), delayed as (
        select count(*)::float8 as n from ${s}.jobs where queue = $1 and token is null and run_at > now()
      ), oldest as (
        select ${ms('min(run_at)')} as at from ${s}.jobs where queue = $1 and token is null and run_at <= now()
      )
      select t.*, r.live as running, r.spent, r.expired, r.oldest_expired, d.n as delayed, o.at as oldest, ${ms('now()')} as now
      from totals t, running r, delayed d, oldest o`,

    /** $1 queue, $2 limit, $3 offset. */
    listDead: `
      select id::text, payload, attempts, last_error, ${ms('died_at')} as died_at, dedup_key from ${s}.dead_jobs
      where queue = $1 order by died_at, id limit $2 offset $3`,

    /** $1 queue, $2 ids (null: all). Revives dead jobs whose dedup key is free; returns their ids. */
    requeueDead: `
      with picked as (
        select * from ${s}.dead_jobs where queue = $1 and ($2::bigint[] is null or id = any($2::bigint[]))
        for update skip locked
      ), revived as (
        insert into ${s}.jobs (id, queue, payload, priority, run_at, max_attempts, dedup_key, created_at)
        select id, queue, payload, priority, now(), max_attempts, dedup_key, created_at from picked order by died_at, id
        on conflict do nothing
        returning id
      ), removed as (
        delete from ${s}.dead_jobs where id = any(array(select id from revived))
      ), counted as (${bump(s, { revived: '(select count(*) from revived)' })}
      ), notified as (
        select pg_notify('${channel}', $1) from (select 1 from revived limit 1) any_row
      )
      select id::text from revived union all select null from notified`,

    /** $1 queue: when the next delayed job falls due or the next lease runs out, in ms from now (null: none). */
    nextDue: `
      select least(
        (select ${ms('min(run_at)')} from ${s}.jobs where queue = $1 and token is null),
        (select ${ms('min(lease_until)')} from ${s}.jobs where queue = $1 and token is not null)
      ) - ${ms('now()')} as in_ms`,

    /** $1 queue: deletes every job, dead job and counter of the queue (tests, resets). */
    purge: `
      with a as (delete from ${s}.jobs where queue = $1), b as (delete from ${s}.dead_jobs where queue = $1),
      c as (delete from ${s}.archive where queue = $1)
      delete from ${s}.counters where queue = $1`,
  };
}

/** The statements of one schema. */
export type Statements = ReturnType<typeof statements>;
