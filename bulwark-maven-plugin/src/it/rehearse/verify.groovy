// both migrations rehearsed on the embedded server, each round trip passed; the audit page was written
def log = new File(basedir, 'build.log').text
assert log.contains('bulwark test: rehearsed 2 migrations on PostgreSQL 15')
assert log.count('round trip PASSED') == 2 : 'expected two passed round trips'
assert log.contains('BUILD SUCCESS')
assert new File(basedir, 'target/bulwark/audit.html').text.contains('<html')
