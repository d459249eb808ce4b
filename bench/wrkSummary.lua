-- Prints wrk's summary as one JSON line (latencies in ms) for bench/serverLoad.ts to read.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.6f,"errors":%d,"non2xx":%d,"p50":%.4f,"p95":%.4f,"p99":%.4f}\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
