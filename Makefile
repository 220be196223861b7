# Entry points a person types. Every target installs dependencies first when they are missing,
# so a fresh clone needs nothing but Node.js >= 20.19 and npm. Targets raise the open-file limit to
# the hard limit: the WebSocket tests and benchmarks hold thousands of connections.
SHELL := /bin/bash
export CDK8S_CHECK_UPGRADE := false

.PHONY: synth test dev build bench soak flows typecheck lint format clean restore-plan

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## make synth: build every environment, check it, write dist/ (committed; Argo CD syncs it)
synth: node_modules/.package-lock.json
	npx cdk8s synth

## make flows: per environment of the committed dist/, every connection its NetworkPolicies allow
flows: node_modules/.package-lock.json
	@node --conditions=@todo-platform/source --import tsx charts/tools/flows.ts

## make test: every test, type-check, lint and format check included (see README "Tests")
test: node_modules/.package-lock.json
	ulimit -n "$$(ulimit -Hn)" 2>/dev/null; npx mocha

## make dev: todo-api (embedded PostgreSQL), chat-gateway and the frontend on http://localhost:3000
dev: node_modules/.package-lock.json
	npx tsx services/frontend/dev/stack.ts

## make build: the frontend's static assets into build/frontend/ (as the image does)
build: node_modules/.package-lock.json
	npx tsx services/frontend/build.ts build/frontend

## make bench: every benchmark, then one table (also written to bench/RESULTS.md); the API and
## gateway benchmarks use the PostgreSQL server at DATABASE_URL (default: the local one)
bench: node_modules/.package-lock.json
	ulimit -n "$$(ulimit -Hn)" 2>/dev/null; node --import tsx bench/run.ts

## make soak: the long fault and abuse runs (rolling update, database outage, hostile input, WebSocket abuse)
soak: node_modules/.package-lock.json
	ulimit -n "$$(ulimit -Hn)" 2>/dev/null; npx tsx soak/run.ts

typecheck: node_modules/.package-lock.json
	npx tsc --noEmit -p tsconfig.json
	npx tsc --noEmit -p services/frontend/tsconfig.json

## make lint: ESLint (eslint.config.js) and the Prettier check (.prettierrc.json); make test runs both too
lint: node_modules/.package-lock.json
	npx eslint . --max-warnings 0
	npx prettier --check .

## make format: Prettier rewrites every file it formats, then ESLint applies its automatic fixes
format: node_modules/.package-lock.json
	npx prettier --write .
	npx eslint . --fix

clean:
	rm -rf build .data

## make restore-plan ENV=prod AT=2026-12-07T02:15:00Z [NAME=…] [INSTANCES=…]: print the CloudNativePG
## point-in-time recovery Cluster for ENV's database (checked by the policy; nothing written; see docs/runbooks/restore.md)
restore-plan: node_modules/.package-lock.json
	@node --conditions=@todo-platform/source --import tsx charts/tools/restore-plan.ts
