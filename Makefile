# The project's vocabulary. `make run` and `make test` install what they need themselves.
.PHONY: run test lint format services-up services-down bench schema messages clean

run:
	platform/bin/run

test:
	platform/bin/test $(ARGS)

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports --no-cache

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

services-up:
	platform/bin/services start dev

services-down:
	platform/bin/services stop dev

bench:
	platform/bin/bench

schema:
	platform/bin/schema

messages:
	platform/bin/messages

clean:
	platform/bin/services stop dev; platform/bin/services stop test; rm -rf .local
