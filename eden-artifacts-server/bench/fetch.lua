-- wrk script: a steady worker fetching one artifact (headers from the environment).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("EDEN_BEARER")
wrk.headers["X-Eden-Experiment-Id"] = os.getenv("EDEN_EXPERIMENT")
