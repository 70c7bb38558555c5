// lint passed, and wrote both reports
def sarif = new File(basedir, 'target/bulwark/lint.sarif')
assert sarif.isFile() : 'no target/bulwark/lint.sarif'
assert sarif.text.contains('"2.1.0"')
assert new File(basedir, 'target/bulwark/TEST-bulwark-lint.xml').text.contains('<testsuite')
def log = new File(basedir, 'build.log').text
assert log.contains('bulwark lint: 2 migrations, 0 errors')
assert log.contains('BUILD SUCCESS')
