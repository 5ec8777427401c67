// Preloaded into a leasectl under test (NODE_OPTIONS=--require=...): its wall clock runs
// LEASECTL_TEST_CLOCK_LAG_MS behind, as on a machine whose clock lags. Monotonic time is left alone.
const lagMs = Number(process.env.LEASECTL_TEST_CLOCK_LAG_MS ?? 0);
const realNow = Date.now;
Date.now = () => realNow() - lagMs;
