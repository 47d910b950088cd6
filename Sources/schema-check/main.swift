import CommandSupport
import SchemaCheck

#if canImport(Glibc)
import Glibc
#endif

exit(SchemaCheckCommand.run(arguments: Array(CommandLine.arguments.dropFirst()), io: .standard))
