-- wrk script for the gateway throughput benchmark (docs/benchmarks.md): the same chat call every
-- time, with the API key from GATEHOUSE_KEY.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("GATEHOUSE_KEY")
wrk.body = '{"model":"chat-simulator","messages":[{"role":"user","content":"Hello Gatehouse, please summarise the benefits of data residency."}]}'
