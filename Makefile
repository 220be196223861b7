# Entry points a person types. Every target installs dependencies first when they are missing,
# so a fresh clone needs nothing but Node.js >= 20.19 and npm.
SHELL := /bin/bash
export CDK8S_CHECK_UPGRADE := false

.PHONY: synth test dev bench soak typecheck clean

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

synth: node_modules/.package-lock.json
	npx cdk8s synth

test: node_modules/.package-lock.json
	npx mocha

typecheck: node_modules/.package-lock.json
	npx tsc --noEmit -p tsconfig.json

clean:
	rm -rf build .data
