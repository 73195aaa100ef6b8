# Keyward: the front door. Logic lives in build.sh.
PREFIX ?= /usr
DESTDIR ?=
SYSCONFDIR ?= /etc

.PHONY: build run test bench clean deps
build:
	./build.sh compile

deps:
	./build.sh deps

run: build
	@if [ ! -f data/kek.key ]; then bin/keyward init --data-dir data; fi
	bin/keyward server --data-dir data --config conf/keyward.toml

# TEST=keyward.json.JsonTest make test  runs one class
test:
	./build.sh test $(TEST)

clean:
	./build.sh clean
