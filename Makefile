# Keyward: the front door. Logic lives in build.sh.
PREFIX ?= /usr
DESTDIR ?=
SYSCONFDIR ?= /etc

.PHONY: build run test test-clusters bench bench-audit bench-scale clean deps install dist
build:
	./build.sh compile

deps:
	./build.sh deps

# make run ARGS="--port 9000 --log-level debug"  passes flags to `keyward server`; Ctrl-C stops it quietly
run: build
	@if [ ! -f data/kek.key ]; then bin/keyward init --data-dir data; fi
	@trap '' INT TERM; (trap - INT TERM; exec bin/keyward server --data-dir data --config conf/keyward.toml $(ARGS)); \
	  rc=$$?; case $$rc in 0|130|143) exit 0 ;; *) exit $$rc ;; esac

# TEST=keyward.json.JsonTest make test  runs one class; TEST="keyward.json.JsonTest#method" one test
test:
	./build.sh test $(TEST)

# The database-cluster suite (tests tagged "clusters", which make test leaves out): a 3-node Galera
# cluster and a MariaDB master-master pair started by dev/ scripts on loopback ports under /tmp,
# under a mixed write load with nodes killed and links cut; a few minutes (docs/ha.md)
test-clusters:
	./build.sh test-clusters

clean:
	./build.sh clean

# Keyward under load beside the ceiling of its HTTP front end, on SQLite and on whichever of
# PostgreSQL, MariaDB and Redis are up; about 4 minutes (docs/performance.md)
bench: build
	./build.sh bench

# What one audit entry costs the SQLite store, by how many keys a batch names (docs/performance.md)
bench-audit: build
	./build.sh bench audit-append

# A million keys on SQLite (100,000 on PostgreSQL, MariaDB, Redis): the request path and every bulk
# operation (backup, restore, rotate-kek, migrate, replication refresh and catch-up, rotate-findex-label)
# in keys/s; 9 to 15 minutes on an idle machine (docs/performance.md). BENCH_SCALE_KEYS=2000 BENCH_SCALE_NET_KEYS=2000 for a short run
bench-scale: build
	./build.sh bench-scale

# ---- install and dist: they copy what `make build` made and never compile, so that they can run
# as root on a tree built by a user. DESTDIR stages the tree for packaging.
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
BINDIR ?= $(PREFIX)/bin
SHAREDIR ?= $(PREFIX)/share/keyward
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
DOCDIR ?= $(PREFIX)/share/doc/keyward
JAR ?= build/keyward.jar
DISTDIR ?= dist
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

install:
	@test -f $(JAR) || { echo "make install: $(JAR) is missing; run 'make build' first" >&2; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/lib $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/keyward
	install -m 0644 $(JAR) $(DESTDIR)$(SHAREDIR)/keyward.jar
	install -m 0644 lib/*.jar $(DESTDIR)$(SHAREDIR)/lib/
	install -m 0755 bin/keyward.in $(DESTDIR)$(BINDIR)/keyward
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	sed -e 's|/usr/bin/keyward|$(BINDIR)/keyward|g' -e 's|/etc/keyward|$(SYSCONFDIR)/keyward|g' \
		-e 's|/usr/share/doc/keyward|$(DOCDIR)|g' systemd/keyward.service > $(DESTDIR)$(UNITDIR)/keyward.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/keyward.service
	install -m 0644 systemd/keyward.sysusers $(DESTDIR)$(SYSUSERSDIR)/keyward.conf
	@# an operator's configuration is never overwritten; the new default lands beside it
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/keyward/keyward.toml ]; then \
		install -m 0644 conf/keyward.toml $(DESTDIR)$(SYSCONFDIR)/keyward/keyward.toml.dist; \
		echo "kept $(DESTDIR)$(SYSCONFDIR)/keyward/keyward.toml; the shipped default is keyward.toml.dist beside it"; \
	else \
		install -m 0644 conf/keyward.toml $(DESTDIR)$(SYSCONFDIR)/keyward/keyward.toml; \
	fi

# dist/keyward-VERSION.tar.gz: the installed tree (PREFIX=/usr) under keyward-VERSION/, with
# SHA256SUMS of its files inside and dist/SHA256SUMS of the archive; reproducible for one commit.
dist:
	@test -f $(JAR) || { echo "make dist: $(JAR) is missing; run 'make build' first" >&2; exit 1; }
	rm -rf $(DISTDIR)/keyward-$(VERSION) $(DISTDIR)/keyward-$(VERSION).tar.gz
	mkdir -p $(DISTDIR)
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DISTDIR))/keyward-$(VERSION) PREFIX=/usr SYSCONFDIR=/etc \
		BINDIR=/usr/bin SHAREDIR=/usr/share/keyward UNITDIR=/usr/lib/systemd/system SYSUSERSDIR=/usr/lib/sysusers.d \
		DOCDIR=/usr/share/doc/keyward
	cd $(DISTDIR)/keyward-$(VERSION) && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$(SOURCE_DATE_EPOCH) \
		-C $(DISTDIR) -cf - keyward-$(VERSION) | gzip -n -9 > $(DISTDIR)/keyward-$(VERSION).tar.gz
	rm -rf $(DISTDIR)/keyward-$(VERSION)
	cd $(DISTDIR) && sha256sum keyward-$(VERSION).tar.gz > SHA256SUMS
	@echo "built $(DISTDIR)/keyward-$(VERSION).tar.gz"
