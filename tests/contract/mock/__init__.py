"""A schema-driven mock of api/openapi.yaml: random type-valid and type-invalid response bodies
of every 2xx response, a loopback server that serves them, and the drivers that read them
through the wheel and the npm package (test_mock_front_doors.py runs it all)."""
