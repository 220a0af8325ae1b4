@rem Lets package.json scripts written as "exec node ..." run under cmd.exe, which npm uses on Windows:
@rem there the command simply runs. (On POSIX, exec makes the node the process npm signals.)
@%*
