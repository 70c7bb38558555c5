// the error-level finding failed the build and is named in the log, with its file and line
def log = new File(basedir, 'build.log').text
assert log.contains('V2__index_email.sql:1: error require-concurrent-index') : 'finding missing from the log'
assert log.contains('bulwark lint: 1 finding(s) at error or above (fail_on)')
assert log.contains('BUILD FAILURE')
assert new File(basedir, 'target/bulwark/lint.sarif').text.contains('require-concurrent-index')
