#!/usr/bin/env bash
# KQL figures for docs/PERFORMANCE.md, side by side in one run (issue 11): on a store with
# 1,000,000 ConfigurationChange rows over 1,000 machines, `runbook query` against the same
# question written by hand in SQL and run by the sqlite3 shell on the same file (hyperfine,
# both include process start), and the compile time of the KQL alone (runbook-bench kql-compile).
# Needs hyperfine and sqlite3 (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/runbook-kql-bench}
rm -rf "$work" && mkdir -p "$work"
swift build -c release --product runbook >/dev/null
swift build -c release --product runbook-bench >/dev/null
bin="$(swift build -c release --show-bin-path)"
store="$work/store"
export RUNBOOK_STORE="$store"
"$bin/runbook" init >/dev/null
db="$store/automation.sqlite"

# 1,000 machines and 1,000,000 changes: files, packages and services, a second apart, with
# fields in the store's own FieldsCodec text (key US value RS key US value).
sqlite3 "$db" "
INSERT INTO machine (name, os, family, subscription, resourceGroup, location, tags, route, rules, sourceKind,
    sourcePath, registeredAt)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
SELECT printf('vm%04d', i), 'Ubuntu 22.04', 'linux', '00000000-0000-0000-0000-000000000000', 'bench', 'EastUS2',
    '{}', 'direct', '[]', 'linux-root', '/nonexistent', '2026-01-01 00:00:00.000' FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
INSERT INTO configurationChange (computer, timeGenerated, configChangeType, changeCategory, itemKey, fieldsChanged,
    current, previous, svcChangeType, jobId)
SELECT printf('vm%04d', i % 1000),
    strftime('%Y-%m-%d %H:%M:%f', '2026-01-01', '+' || (i / 10) || ' seconds'),
    CASE i % 10 WHEN 0 THEN 'Software' WHEN 1 THEN 'Daemons' ELSE 'Files' END,
    CASE i % 3 WHEN 0 THEN 'Added' WHEN 1 THEN 'Modified' ELSE 'Removed' END,
    CASE i % 10 WHEN 0 THEN printf('pkg%03d', i % 997) WHEN 1 THEN printf('svc%02d.service', i % 53)
        ELSE printf('/etc/app%03d/%s.conf', (i / 1000) % 200, CASE WHEN i % 7 = 0 THEN 'nginx' ELSE 'main' END) END,
    'FileContentChecksum, Size',
    'FileContentChecksum' || char(31) || lower(hex(randomblob(32))) || char(30) || 'Size' || char(31) || (i % 5000),
    'FileContentChecksum' || char(31) || lower(hex(randomblob(32))) || char(30) || 'Size' || char(31) || (i % 4000),
    NULL, NULL
FROM n;
ANALYZE;"
echo "changes in the store: $(sqlite3 "$db" 'SELECT COUNT(*) FROM configurationChange')"

q1='ConfigurationChange | where ConfigChangeType == "Files" | summarize count() by Computer'
s1="SELECT computer, count(*) FROM configurationChange WHERE configChangeType = 'Files' GROUP BY computer;"
q2='ConfigurationChange | summarize arg_max(TimeGenerated, *) by Computer, FileSystemPath'
s2="SELECT * FROM (SELECT c.*, row_number() OVER (PARTITION BY computer, CASE configChangeType WHEN 'Files'
    THEN itemKey ELSE '' END ORDER BY timeGenerated DESC) AS rn FROM configurationChange c) WHERE rn = 1;"
q3='ConfigurationChange | where FileSystemPath contains "nginx" | order by TimeGenerated desc | take 100'
s3="SELECT * FROM configurationChange WHERE configChangeType = 'Files' AND instr(lower(itemKey), 'nginx') > 0
    ORDER BY timeGenerated DESC LIMIT 100;"

hyperfine --warmup 1 --runs 5 --export-markdown "$work/kql.md" \
    -n "runbook query: count by Computer" "$bin/runbook query --limit 1000000 --csv '$q1' > /dev/null" \
    -n "sqlite3 by hand: count by Computer" "sqlite3 $db \"$s1\" > /dev/null" \
    -n "runbook query: arg_max(TimeGenerated, *)" "$bin/runbook query --limit 1000000 --csv '$q2' > /dev/null" \
    -n "sqlite3 by hand: arg_max(TimeGenerated, *)" "sqlite3 $db \"$s2\" > /dev/null" \
    -n "runbook query: contains, order, take 100" "$bin/runbook query --csv '$q3' > /dev/null" \
    -n "sqlite3 by hand: contains, order, take 100" "sqlite3 $db \"$s3\" > /dev/null"
cat "$work/kql.md"
"$bin/runbook-bench" kql-compile "$q1" "$q2" "$q3"
