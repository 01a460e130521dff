-- Migration 17: the running instances, and when each periodic job last ran.
-- Each `ampli serve` registers itself with a heartbeat (GET /readyz and `ampli admin
-- instances` list them), so that a second instance can see the first and refuse to start on a
-- set-up that cannot be shared (media in a local folder, limits in one process's memory).
CREATE TABLE IF NOT EXISTS Instances (
    InstanceID UUID PRIMARY KEY,
    -- host name and process id: a row of this host whose process is gone is an instance that
    -- died without signing off (SIGKILL), taken out at once by the next one to start there.
    Host TEXT NOT NULL,
    Pid INTEGER NOT NULL,
    Address TEXT NOT NULL,
    Version TEXT NOT NULL,
    -- media on object storage and shared state in Redis: what several instances need.
    Shareable BOOLEAN NOT NULL,
    StartedAt TIMESTAMPTZ NOT NULL DEFAULT now(),
    HeartbeatAt TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A periodic job runs once per period over all instances: the advisory lock keeps two runs
-- apart, this row keeps a second instance from running it again in the same period.
CREATE TABLE IF NOT EXISTS PeriodicJobRuns (
    JobName TEXT PRIMARY KEY,
    LastRunAt TIMESTAMPTZ NOT NULL
);
