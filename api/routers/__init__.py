"""HTTP routers: parse, call a service, map the result."""
